// A discrete-event queue over virtual time. Events run in (due time,
// scheduling sequence) order; time jumps to the next due event and never
// moves backwards. A callback never runs inside the call that scheduled it.
// Not thread-safe.
//
// Invariants: (1) every pending event is due at or after Now();
//             (2) daemon events (periodic housekeeping) do not keep
//                 RunUntilIdle going: it stops when only daemons remain;
//             (3) Now() never passes kHorizon, the last instant absl::Time
//                 converts to int64 nanoseconds (TTL deadlines are stored so);
//             (4) at most one Run* call is active: time only moves forward.
#ifndef WARREN_SIM_CORE_SCHEDULER_H_
#define WARREN_SIM_CORE_SCHEDULER_H_

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <tuple>

#include "absl/container/btree_map.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "sim/core/ring.h"

namespace warren::internal {

class Scheduler {
 public:
  struct EventId {
    absl::Time when = absl::InfinitePast();
    uint64_t seq = 0;  // tie-breaker: scheduling order
    friend bool operator<(const EventId& a, const EventId& b) {
      return std::tie(a.when, a.seq) < std::tie(b.when, b.seq);
    }
    friend bool operator==(const EventId& a, const EventId& b) {
      return a.when == b.when && a.seq == b.seq;
    }
    bool valid() const { return seq != 0; }
  };

  // The last instant a run may reach: 2262-04-11T23:47:16.854775806Z.
  static absl::Time Horizon() { return absl::FromUnixNanos(INT64_MAX - 1); }

  explicit Scheduler(absl::Time start) : now_(start) {}

  absl::Time Now() const { return now_; }

  // Runs `fn` at `when` (clamped to Now()), never before this call returns.
  // `label` names the event in RunUntilIdle's bound error.
  EventId ScheduleAt(absl::Time when, absl::AnyInvocable<void()> fn,
                     const char* label = "event", bool daemon = false);
  EventId ScheduleAfter(absl::Duration d, absl::AnyInvocable<void()> fn,
                        const char* label = "event", bool daemon = false) {
    return ScheduleAt(now_ + d, std::move(fn), label, daemon);
  }
  // ScheduleAt(Now(), ...), with the closure built in place.
  template <typename Fn>
  EventId ScheduleNow(Fn&& fn, const char* label = "event") {
    EventId id{now_, next_seq_++};
    current_.push_back({id.seq, Pending{absl::AnyInvocable<void()>(std::forward<Fn>(fn)), label,
                                        /*daemon=*/false}});
    ++non_daemon_;
    return id;
  }
  // True iff `id` was still pending; its closure is destroyed before return.
  bool Cancel(EventId id);

  // Runs the earliest event; false if none is pending (or a run is active).
  bool Step();
  // Runs all events due at or before `deadline`; afterwards Now() ==
  // deadline. RESOURCE_EXHAUSTED (time stays at the last event) past
  // max_events; INVALID_ARGUMENT for a deadline before Now(); OUT_OF_RANGE
  // past Horizon(); FAILED_PRECONDITION when called from inside an event.
  absl::Status RunUntil(absl::Time deadline, int64_t max_events = INT64_MAX);
  // Runs until only daemon events remain, with the same errors.
  absl::Status RunUntilIdle(int64_t max_events);

  // Work done outside events that counts against the Run* bounds like
  // events do (a dead-letter hop, a publish): a cascade that multiplies
  // messages within events is bounded too, not only the number of events.
  void Charge(int64_t units) { charged_ += units; }
  // Makes the active Run* call (or the next one) stop after the current
  // event with `status`: a resource bound tripped inside an event (the
  // live-message bound). The first interruption wins; a run returns it once.
  void Interrupt(absl::Status status) {
    if (interrupt_.ok()) interrupt_ = std::move(status);
  }
  // Events run (daemons that moved time excepted) plus units charged: what
  // the Run* bounds count.
  int64_t work() const { return counted_ + charged_; }
  bool running() const { return running_; }
  // Inside a Run* call whose bound the work done has already passed (an
  // event that publishes in a loop): further work should be refused.
  bool over_budget() const { return running_ && work() > budget_end_; }

  size_t pending() const { return future_.size() + current_.size() - cancelled_current_; }
  size_t pending_non_daemon() const { return non_daemon_; }
  // When the next event is due (with `housekeeping`, daemons count too);
  // nullopt when none is pending.
  std::optional<absl::Time> NextEventTime(bool housekeeping) const;
  uint64_t events_run() const { return events_run_; }

 private:
  struct Pending {
    absl::AnyInvocable<void()> fn;  // empty: cancelled (current_ only)
    const char* label;
    bool daemon;
  };
  struct Current {
    uint64_t seq;
    Pending p;
  };
  // Events run in (when, seq) order. Those scheduled for the current
  // instant while at it (most of them: deliveries, confirms, returns) go to
  // the FIFO current_, which is cheaper than the ordered map; all of
  // future_'s events due now were scheduled before the clock got here, so
  // they run first.
  bool HasNext() const { return !current_.empty() || !future_.empty(); }
  // REQUIRES: HasNext().
  absl::Time NextWhen() const { return current_.empty() ? future_.begin()->first.when : now_; }
  const char* NextLabel() const;
  // Runs the next event; returns whether it counts against the bounds (a
  // daemon that moved time does not: housekeeping ticks are no livelock).
  // REQUIRES: HasNext().
  bool RunNext();
  // The error for a Run* call that must not start, or OK.
  absl::Status CheckCanRun(const char* what) const {
    if (!running_ && now_ <= Horizon()) [[likely]] return absl::OkStatus();
    return CannotRun(what);
  }
  absl::Status CannotRun(const char* what) const;
  void DropCancelledFront();
  // Runs events while `more()`; the bound error names the last labels.
  // kCheckHorizon: RunUntilIdle must stop at the horizon; RunUntil's
  // deadline is already checked against it.
  template <bool kCheckHorizon, typename More>
  absl::Status RunWhile(More more, int64_t max_events, const char* what);

  absl::Time now_;
  uint64_t next_seq_ = 1;
  uint64_t events_run_ = 0;
  int64_t counted_ = 0;
  int64_t charged_ = 0;
  bool running_ = false;
  int64_t budget_end_ = 0;  // work() at which the active run's bound is spent
  absl::Status interrupt_;
  // The labels of the last events run, for a bound error (RunNext writes
  // one per event: cheaper than asking for the next label before each).
  static constexpr size_t kRecentLabels = 5;
  const char* recent_labels_[kRecentLabels] = {};
  size_t non_daemon_ = 0;
  size_t cancelled_current_ = 0;
  absl::btree_map<EventId, Pending> future_;
  Ring<Current> current_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_CORE_SCHEDULER_H_
