#include "warren/simulation.h"

#include "absl/strings/str_cat.h"
#include "sim/broker/broker.h"

namespace warren {

namespace {

absl::Status CheckOptions(const SimulationOptions& o) {
  auto positive = [](absl::Duration d, const char* name) {
    return d > absl::ZeroDuration()
               ? absl::OkStatus()
               : absl::InvalidArgumentError(absl::StrCat(
                     "SimulationOptions::", name, " must be positive, got ",
                     absl::FormatDuration(d), " (a zero tick would spin at one instant)"));
  };
  if (absl::Status s = positive(o.channel_tick_interval, "channel_tick_interval"); !s.ok()) return s;
  if (absl::Status s = positive(o.quorum_tick_interval, "quorum_tick_interval"); !s.ok()) return s;
  if (o.consumer_timeout < absl::ZeroDuration()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "SimulationOptions::consumer_timeout must not be negative, got ",
        absl::FormatDuration(o.consumer_timeout), " (absl::InfiniteDuration() disables it)"));
  }
  return absl::OkStatus();
}

}  // namespace

Simulation::Simulation(SimulationOptions options)
    : env_(std::make_unique<internal::Environment>(options)),
      broker_(std::make_unique<internal::Broker>(options, *env_)),
      options_status_(CheckOptions(options)) {}
Simulation::~Simulation() = default;

const SimulationOptions& Simulation::options() const { return broker_->options(); }
absl::Time Simulation::Now() const { return env_->scheduler.Now(); }
absl::Status Simulation::RunFor(absl::Duration d, int64_t max_events) {
  if (d < absl::ZeroDuration() && !env_->scheduler.running()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "RunFor: the duration ", absl::FormatDuration(d),
        " is negative; virtual time never moves backwards"));
  }
  return RunUntil(Now() + d, max_events);
}
absl::Status Simulation::RunUntil(absl::Time deadline, int64_t max_events) {
  if (!options_status_.ok()) return options_status_;
  return env_->scheduler.RunUntil(deadline, max_events);
}
absl::Status Simulation::RunUntil(absl::FunctionRef<bool()> done, absl::Time deadline,
                                  int64_t max_events) {
  if (!options_status_.ok()) return options_status_;
  if (deadline < Now()) return RunUntil(deadline, max_events);  // its INVALID_ARGUMENT
  const int64_t start = work_done();
  while (!done()) {
    std::optional<absl::Time> next = NextEventTime(/*housekeeping=*/true);
    const absl::Time until = next && *next < deadline ? *next : deadline;
    absl::Status s = RunUntil(until, max_events - (work_done() - start));
    if (!s.ok()) return s;
    if (until == deadline) {
      if (done()) return absl::OkStatus();
      return absl::DeadlineExceededError(absl::StrCat(
          "RunUntil: the condition still does not hold at the virtual deadline ",
          absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", deadline, absl::UTCTimeZone()),
          "; run longer, or check what the run did (trace, Queues(), Fate())"));
    }
  }
  return absl::OkStatus();
}
absl::Status Simulation::RunUntilIdle(int64_t max_events) {
  if (!options_status_.ok()) return options_status_;
  return env_->scheduler.RunUntilIdle(max_events);
}
int64_t Simulation::work_done() const { return env_->scheduler.work(); }
std::optional<absl::Time> Simulation::NextEventTime(bool housekeeping) const {
  return env_->scheduler.NextEventTime(housekeeping);
}

void Simulation::ScheduleAfter(absl::Duration delay, absl::AnyInvocable<void()> fn) {
  if (!fn) return;  // the scheduler reads an empty closure as a cancelled event
  env_->scheduler.ScheduleAfter(delay, std::move(fn), "user timer");
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
// NOT_FOUND for `name`, naming the queues there are: a typo is then obvious.
absl::Status Simulation::NoSuchQueue(std::string_view name) const {
  std::string known;
  size_t listed = 0;
  const std::vector<QueueInfo> all = broker_->QueueInfos();
  for (const QueueInfo& q : all) {
    if (listed == 8) {
      absl::StrAppend(&known, ", ... (", all.size() - listed, " more)");
      break;
    }
    absl::StrAppend(&known, listed++ ? ", " : "", "'", q.name, "'");
  }
  return absl::NotFoundError(absl::StrCat("no queue '", std::string(name), "' (the queues are: ",
                                          known.empty() ? "none" : known, ")"));
}
absl::StatusOr<QueueInfo> Simulation::Queue(std::string_view name) const {
  std::optional<QueueInfo> info = broker_->QueueInfoOf(name);
  if (!info.has_value()) return NoSuchQueue(name);
  return *std::move(info);
}
absl::StatusOr<std::vector<QueuedMessage>> Simulation::Messages(std::string_view queue) const {
  std::optional<std::vector<QueuedMessage>> messages = broker_->MessagesOf(queue);
  if (!messages.has_value()) return NoSuchQueue(queue);
  return *std::move(messages);
}
std::vector<ExchangeInfo> Simulation::Exchanges() const { return broker_->ExchangeInfos(); }
std::vector<BindingInfo> Simulation::Bindings() const { return broker_->BindingInfos(); }
std::vector<PolicySpec> Simulation::Policies() const { return broker_->Policies(); }
std::vector<PolicySpec> Simulation::OperatorPolicies() const { return broker_->Policies(true); }
MessageFate Simulation::Fate(MessageId id) const { return broker_->Fate(id); }
std::vector<MessageFate> Simulation::FatesOf(std::string_view message_id) const {
  std::vector<MessageFate> out;
  for (MessageId id : broker_->ledger().ByApplicationId(message_id)) out.push_back(Fate(id));
  return out;
}
Counters Simulation::counters() const { return broker_->counters(); }
const TraceEvents& Simulation::trace() const { return broker_->trace(); }
uint64_t Simulation::TraceCount(TraceKind kind, std::string_view queue) const {
  return env_->tracer.CountOf(kind, queue);
}
uint64_t Simulation::trace_events_total() const { return env_->tracer.total(); }
std::vector<TraceEvent> Simulation::TakeTrace() { return broker_->TakeTrace(); }
absl::Status Simulation::CheckInvariants() const { return broker_->CheckInvariants(); }

}  // namespace warren
