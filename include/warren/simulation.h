// Warren: a deterministic, in-process simulator of a RabbitMQ 3.10 broker on
// a virtual clock.
//
// A Simulation is the root object: it owns the scheduler (virtual time), the
// seeded PRNG and the trace, and the broker that uses them (exchanges, queues,
// bindings, policies, connections, channels, the accounting ledger). Nothing reads
// real time; the same program with the same seed produces the same trace.
// Simulations share nothing, so tests may create many.
//
// Not thread-safe: confine a Simulation and all its handles to one thread.
//
//   warren::Simulation sim({.seed = 7});
//   warren::Connection conn = sim.Connect("billing");
//   warren::Channel ch = *conn.OpenChannel();
//   (void)ch.QueueDeclare("invoices");
//   (void)ch.BasicConsume("invoices", [&](const warren::Delivery& d) {
//     (void)ch.BasicAck(d.delivery_tag);
//   });
//   (void)ch.BasicPublish({.routing_key = "invoices", .body = "inv-1"});
//   (void)sim.RunUntilIdle();
#ifndef WARREN_INCLUDE_WARREN_SIMULATION_H_
#define WARREN_INCLUDE_WARREN_SIMULATION_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/any_invocable.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "warren/channel.h"
#include "warren/connection.h"
#include "warren/inspect.h"
#include "warren/options.h"
#include "warren/trace.h"

namespace warren {

namespace internal {
class Broker;
struct Environment;
}

class Simulation {
 public:
  explicit Simulation(SimulationOptions options = {});
  ~Simulation();
  Simulation(const Simulation&) = delete;
  Simulation& operator=(const Simulation&) = delete;

  const SimulationOptions& options() const;

  // ---- Virtual time ----
  absl::Time Now() const;
  // Every Run* call is bounded: past `max_events` units of work (events
  // run, plus publishes and dead-letter hops made inside them) it stops and
  // returns RESOURCE_EXHAUSTED naming the last events, instead of hanging on
  // a livelock (e.g. a consumer that always rejects with requeue=true spins
  // at one virtual instant, as it would spin a real broker). Housekeeping
  // ticks that move time (a channel's consumer-timeout check) do not count.
  static constexpr int64_t kDefaultMaxEvents = 10'000'000;

  // Runs every event due up to Now() + d, then sets Now() to that instant.
  // Errors, each leaving Now() where it was: INVALID_ARGUMENT for a negative
  // `d` or invalid SimulationOptions (a tick interval that is not
  // positive); FAILED_PRECONDITION when called from inside a callback (a
  // callback must not run the simulation: use ScheduleAfter); OUT_OF_RANGE
  // past the virtual-time horizon 2262-04-11T23:47:16Z (instants are int64
  // nanoseconds); RESOURCE_EXHAUSTED past `max_events` or when the
  // live-message bound (SimulationOptions::max_live_messages) is passed.
  [[nodiscard]] absl::Status RunFor(absl::Duration d, int64_t max_events = kDefaultMaxEvents);
  // Same, up to `deadline` (INVALID_ARGUMENT if it is before Now()).
  [[nodiscard]] absl::Status RunUntil(absl::Time deadline,
                                      int64_t max_events = kDefaultMaxEvents);
  // Runs until `done()` holds or virtual time reaches `deadline`, checking
  // it first and then after each virtual instant's events: OK when it
  // holds, DEADLINE_EXCEEDED when it still does not at `deadline` (Now() is
  // then `deadline`). `max_events` bounds the whole call. Same errors.
  //   ASSERT_THAT(sim.RunUntil([&] { return sim.Queue("dlq")->ready == 1; },
  //                            sim.Now() + absl::Minutes(1)), IsOk());
  [[nodiscard]] absl::Status RunUntil(absl::FunctionRef<bool()> done, absl::Time deadline,
                                      int64_t max_events = kDefaultMaxEvents);
  // Runs events until none is pending but periodic housekeeping (channel
  // ticks). Same errors.
  [[nodiscard]] absl::Status RunUntilIdle(int64_t max_events = kDefaultMaxEvents);
  // When the next event is due: nullopt when nothing is pending. Without
  // `housekeeping`, periodic broker ticks (consumer-timeout checks) do not
  // count: RunUntilIdle would stop before them. For drivers that pace a
  // simulation against a wall clock (warren serve).
  std::optional<absl::Time> NextEventTime(bool housekeeping = false) const;
  // The work the Run* bounds count, over the Simulation's life: events run
  // (housekeeping ticks excepted), publishes and dead-letter hops.
  int64_t work_done() const;

  // Runs `fn` at Now() + delay from within Run* (never inside this call):
  // an embedder's timer on virtual time (think time, delayed acks, ...).
  // An empty `fn` schedules nothing.
  void ScheduleAfter(absl::Duration delay, absl::AnyInvocable<void()> fn);

  // Appends an embedder's event to the trace (e.g. the Celery model's
  // task-received / task-retried feed), stamped with Now().
  void AnnotateTrace(TraceKind kind, std::string_view source, std::string detail,
                     MessageId message = {});

  // ---- Clients ----
  // connection.open as `user` (checked against the user_id property).
  Connection Connect(std::string_view name, std::string_view user = "guest");

  // ---- Operator commands (rabbitmqctl) ----
  // set_policy / clear_policy, applied at once to existing queues and
  // exchanges. Invalid definitions are INVALID_ARGUMENT with rabbitmqctl's
  // "Validation failed" text.
  [[nodiscard]] absl::Status SetPolicy(const PolicySpec& policy);
  [[nodiscard]] absl::Status ClearPolicy(std::string_view name);
  [[nodiscard]] absl::Status SetOperatorPolicy(const PolicySpec& policy);
  [[nodiscard]] absl::Status ClearOperatorPolicy(std::string_view name);

  // ---- Observation ----
  std::vector<QueueInfo> Queues() const;  // sorted by name
  // A queue by name; NOT_FOUND (naming the queues there are) when it does
  // not exist, so a typo fails the test instead of reading as "empty".
  absl::StatusOr<QueueInfo> Queue(std::string_view name) const;
  // Ready messages of a queue in delivery order (head first); NOT_FOUND as
  // Queue(). In tests: EXPECT_THAT(sim.Messages("dlq"), IsOkAndHolds(...)).
  absl::StatusOr<std::vector<QueuedMessage>> Messages(std::string_view queue) const;
  std::vector<ExchangeInfo> Exchanges() const;  // sorted by name
  std::vector<BindingInfo> Bindings() const;    // in creation order
  std::vector<PolicySpec> Policies() const;          // sorted by name
  std::vector<PolicySpec> OperatorPolicies() const;  // sorted by name
  MessageFate Fate(MessageId id) const;
  // The fates of every publish whose message_id property was `message_id`
  // (the application's own id; a Celery retry republishes the same task id,
  // so there may be several), in publish order. Empty: no such publish, or
  // SimulationOptions::record_fates is off.
  std::vector<MessageFate> FatesOf(std::string_view message_id) const;
  Counters counters() const;
  // The latest trace events, oldest first: all of them unless the run
  // emitted more than SimulationOptions::trace_kept_events (then the older
  // ones are gone from memory; each event's seq still counts the whole run).
  const TraceEvents& trace() const;
  // How many trace events of `kind` the run emitted (kept in memory or
  // not); with a queue name, only those about that queue.
  uint64_t TraceCount(TraceKind kind, std::string_view queue = {}) const;
  // How many trace events the run emitted in all.
  uint64_t trace_events_total() const;
  // Moves the kept trace out (trace() is empty afterwards; counts stay).
  std::vector<TraceEvent> TakeTrace();
  // Checks the accounting balance against the live queues and channels:
  // every copy ready, unacked, acked, dead-lettered or dropped, none twice.
  [[nodiscard]] absl::Status CheckInvariants() const;

 private:
  absl::Status NoSuchQueue(std::string_view name) const;

  // Time, randomness and the trace, shared by every model of this run; the
  // broker uses it, so it is declared (built) first and destroyed last.
  std::unique_ptr<internal::Environment> env_;
  std::unique_ptr<internal::Broker> broker_;
  absl::Status options_status_;  // SimulationOptions checked once
};

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_SIMULATION_H_
