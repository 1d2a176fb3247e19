// set_policy / clear_policy and their application to live queues and
// exchanges.
#include "sim/core/strings.h"
#include "sim/broker/broker.h"

namespace warren::internal {

absl::Status Broker::SetPolicy(const PolicySpec& p, bool operator_policy) {
  WARREN_RETURN_IF_ERROR(policies_.Set(p, operator_policy));
  Trace(TraceKind::kPolicyChanged, {}, "", "",
        Cat(operator_policy ? "operator policy '" : "policy '", p.name, "' set: ",
                     p.pattern, " ", ToJson(p.definition), " priority ", p.priority));
  std::vector<uint64_t> ids;
  for (const auto& [name, q] : queues_) ids.push_back(q->id);
  for (uint64_t id : ids) {
    if (Queue* q = FindQueueById(id)) RefreshQueuePolicy(*q);
  }
  for (auto& [name, x] : exchanges_) ApplyExchangePolicy(*x);
  return absl::OkStatus();
}

absl::Status Broker::ClearPolicy(std::string_view name, bool operator_policy) {
  WARREN_RETURN_IF_ERROR(policies_.Clear(name, operator_policy));
  Trace(TraceKind::kPolicyChanged, {}, "", "",
        Cat(operator_policy ? "operator policy '" : "policy '", name, "' cleared"));
  std::vector<uint64_t> ids;
  for (const auto& [qname, q] : queues_) ids.push_back(q->id);
  for (uint64_t id : ids) {
    if (Queue* q = FindQueueById(id)) RefreshQueuePolicy(*q);
  }
  for (auto& [xname, x] : exchanges_) ApplyExchangePolicy(*x);
  return absl::OkStatus();
}

}  // namespace warren::internal
