#include "warren/simulation.h"

#include "sim/broker/broker.h"

namespace warren {

Simulation::Simulation(SimulationOptions options)
    : broker_(std::make_unique<internal::Broker>(options)) {}
Simulation::~Simulation() = default;

const SimulationOptions& Simulation::options() const { return broker_->options(); }
absl::Time Simulation::Now() const { return broker_->Now(); }
absl::Status Simulation::RunFor(absl::Duration d, int64_t max_events) {
  return broker_->scheduler().RunUntil(Now() + d, max_events);
}
absl::Status Simulation::RunUntil(absl::Time deadline, int64_t max_events) {
  return broker_->scheduler().RunUntil(deadline, max_events);
}
absl::Status Simulation::RunUntilIdle(int64_t max_events) {
  return broker_->scheduler().RunUntilIdle(max_events);
}

void Simulation::ScheduleAfter(absl::Duration delay, absl::AnyInvocable<void()> fn) {
  if (!fn) return;  // the scheduler reads an empty closure as a cancelled event
  broker_->scheduler().ScheduleAfter(delay, std::move(fn), "user timer");
}

void Simulation::AnnotateTrace(TraceKind kind, std::string_view source, std::string detail,
                               MessageId message) {
  broker_->Annotate(kind, source, std::move(detail), message);
}

Connection Simulation::Connect(std::string_view name, std::string_view user) {
  return Connection(broker_.get(), broker_->Connect(name, user));
}

absl::Status Simulation::SetPolicy(const PolicySpec& p) { return broker_->SetPolicy(p, false); }
absl::Status Simulation::ClearPolicy(std::string_view n) { return broker_->ClearPolicy(n, false); }
absl::Status Simulation::SetOperatorPolicy(const PolicySpec& p) {
  return broker_->SetPolicy(p, true);
}
absl::Status Simulation::ClearOperatorPolicy(std::string_view n) {
  return broker_->ClearPolicy(n, true);
}

std::vector<QueueInfo> Simulation::Queues() const { return broker_->QueueInfos(); }
std::optional<QueueInfo> Simulation::Queue(std::string_view name) const {
  return broker_->QueueInfoOf(name);
}
std::vector<QueuedMessage> Simulation::Messages(std::string_view queue) const {
  return broker_->MessagesOf(queue);
}
std::vector<ExchangeInfo> Simulation::Exchanges() const { return broker_->ExchangeInfos(); }
std::vector<BindingInfo> Simulation::Bindings() const { return broker_->BindingInfos(); }
std::vector<PolicySpec> Simulation::Policies() const { return broker_->Policies(); }
MessageFate Simulation::Fate(MessageId id) const { return broker_->Fate(id); }
Counters Simulation::counters() const { return broker_->counters(); }
const std::vector<TraceEvent>& Simulation::trace() const { return broker_->trace(); }
absl::Status Simulation::CheckInvariants() const { return broker_->CheckInvariants(); }

}  // namespace warren
