// set_policy / clear_policy and their application to live queues and
// exchanges.
#include "sim/core/strings.h"
#include "sim/broker/broker.h"

namespace warren::internal {

void Broker::ReapplyPolicies() {
  // By id: applying a policy can dead-letter into other queues, never
  // delete one, but ids keep the loop independent of that.
  std::vector<uint64_t> ids;
  for (const auto& [name, q] : queues_) ids.push_back(q->id);
  for (uint64_t id : ids) {
    if (Queue* q = FindQueueById(id)) RefreshQueuePolicy(*q);
  }
  for (auto& [name, x] : exchanges_) ApplyExchangePolicy(*x);
}

absl::Status Broker::SetPolicy(const PolicySpec& p, bool operator_policy) {
  WARREN_RETURN_IF_ERROR(policies_.Set(p, operator_policy));
  Trace(TraceKind::kPolicyChanged, {}, "", "",
        Cat(operator_policy ? "operator policy '" : "policy '", p.name, "' set: ",
                     p.pattern, " ", ToJson(p.definition), " priority ", p.priority));
  ReapplyPolicies();
  return absl::OkStatus();
}

absl::Status Broker::ClearPolicy(std::string_view name, bool operator_policy) {
  WARREN_RETURN_IF_ERROR(policies_.Clear(name, operator_policy));
  Trace(TraceKind::kPolicyChanged, {}, "", "",
        Cat(operator_policy ? "operator policy '" : "policy '", name, "' cleared"));
  ReapplyPolicies();
  return absl::OkStatus();
}

}  // namespace warren::internal
