// Policies (rabbitmqctl set_policy / set_operator_policy): validation with
// rabbitmqctl's texts, matching (unanchored PCRE pattern, apply-to, highest
// priority wins, no merging), and the per-key precedence that combines a
// policy with a queue's own x-arguments (spec section 6 table).
#ifndef WARREN_SIM_BROKER_POLICY_H_
#define WARREN_SIM_BROKER_POLICY_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/status/status.h"
#include "sim/broker/policy_pattern.h"
#include "sim/broker/queue_arguments.h"
#include "warren/options.h"

namespace warren::internal {

// A queue's effective settings after combining arguments and policies.
// A queue's effective settings (arguments and policies merged; `overflow`
// always set) and the policies that applied: what QueueInfo reports.
struct QueueConfig : QueueSettings {
  std::string policy;           // applied user policy, "" if none
  std::string operator_policy;  // applied operator policy, "" if none
};

class PolicyStore {
 public:
  // Validates and stores (replacing one of the same name).
  absl::Status Set(const PolicySpec& spec, bool operator_policy);
  // Removing a missing policy is NOT_FOUND, as rabbitmqctl reports.
  absl::Status Clear(std::string_view name, bool operator_policy);

  // The single policy that applies to a queue / exchange of this name.
  const PolicySpec* ForQueue(std::string_view name, bool operator_policy) const;
  const PolicySpec* ForExchange(std::string_view name) const;

  // Sorted by name.
  std::vector<PolicySpec> All(bool operator_policies = false) const;

 private:
  struct Entry {
    PolicySpec spec;
    PolicyPattern pattern;
  };
  using Map = absl::btree_map<std::string, Entry, std::less<>>;
  const PolicySpec* Match(const Map& map, std::string_view name, bool queue) const;

  Map user_;
  Map operator_;
};

QueueConfig EffectiveQueueConfig(const QueueArgs& args, const PolicySpec* user,
                                 const PolicySpec* op);

// The alternate exchange of an exchange: argument first, else policy.
std::optional<std::string> EffectiveAlternateExchange(const FieldTable& exchange_args,
                                                      const PolicySpec* policy);

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_POLICY_H_
