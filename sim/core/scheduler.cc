#include "sim/core/scheduler.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_join.h"
#include "sim/core/check.h"
#include "sim/core/status_macros.h"
#include "sim/core/strings.h"

namespace warren::internal {

Scheduler::EventId Scheduler::ScheduleAt(absl::Time when, absl::AnyInvocable<void()> fn,
                                         const char* label, bool daemon) {
  EventId id{when < now_ ? now_ : when, next_seq_++};
  if (id.when == now_) {
    current_.push_back({id.seq, Pending{std::move(fn), label, daemon}});
  } else {
    future_.emplace(id, Pending{std::move(fn), label, daemon});
  }
  if (!daemon) ++non_daemon_;
  return id;
}

bool Scheduler::Cancel(EventId id) {
  if (!id.valid()) return false;
  if (id.when == now_ && !current_.empty() && id.seq >= current_.front().seq) {
    size_t lo = 0, hi = current_.size();  // sorted by seq: binary search
    while (lo < hi) {
      size_t mid = (lo + hi) / 2;
      if (current_[mid].seq < id.seq) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    if (lo == current_.size() || current_[lo].seq != id.seq || !current_[lo].p.fn) return false;
    Current& c = current_[lo];
    if (!c.p.daemon) --non_daemon_;
    c.p.fn = nullptr;
    ++cancelled_current_;
    DropCancelledFront();
    return true;
  }
  auto it = future_.find(id);
  if (it == future_.end()) return false;
  if (!it->second.daemon) --non_daemon_;
  future_.erase(it);
  return true;
}

void Scheduler::DropCancelledFront() {
  while (!current_.empty() && !current_.front().p.fn) {
    current_.pop_front();
    --cancelled_current_;
  }
}

std::optional<absl::Time> Scheduler::NextEventTime(bool housekeeping) const {
  for (size_t i = 0; i < current_.size(); ++i) {
    const Current& c = current_[i];
    if (c.p.fn && (housekeeping || !c.p.daemon)) return now_;
  }
  for (const auto& [id, p] : future_) {
    if (housekeeping || !p.daemon) return id.when;
  }
  return std::nullopt;
}

const char* Scheduler::NextLabel() const {
  if (!future_.empty() && future_.begin()->first.when == now_) return future_.begin()->second.label;
  return current_.empty() ? future_.begin()->second.label : current_.front().p.label;
}

bool Scheduler::RunNext() {
  Pending p;
  bool moved = false;
  if (!future_.empty() && (current_.empty() || future_.begin()->first.when == now_)) {
    auto it = future_.begin();
    WARREN_CHECK(it->first.when >= now_);
    moved = it->first.when != now_;
    now_ = it->first.when;
    p = std::move(it->second);
    future_.erase(it);
  } else {
    p = std::move(current_.front().p);
    current_.pop_front();
  }
  current_.ShrinkIfDrained();
  DropCancelledFront();
  if (!p.daemon) --non_daemon_;
  recent_labels_[events_run_ % kRecentLabels] = p.label;
  ++events_run_;
  p.fn();
  bool counts = !(p.daemon && moved);
  counted_ += counts;
  return counts;
}

bool Scheduler::Step() {
  if (running_ || !HasNext() || NextWhen() > Horizon()) return false;
  running_ = true;
  RunNext();
  running_ = false;
  return true;
}

namespace {
std::string FormatInstant(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}
}  // namespace

absl::Status Scheduler::CannotRun(const char* what) const {
  if (running_) {
    return absl::FailedPreconditionError(internal::Cat(
        what, " called from inside a callback of a running simulation; a callback must not run "
              "the simulation (virtual time would move backwards when it returns): schedule "
              "later work with Simulation::ScheduleAfter instead"));
  }
  if (now_ > Horizon()) {
    return absl::OutOfRangeError(internal::Cat(
        what, ": virtual time ", FormatInstant(now_), " is past Warren's horizon ",
        FormatInstant(Horizon()), " (instants are int64 nanoseconds since 1970)"));
  }
  return absl::OkStatus();
}

template <bool kCheckHorizon, typename More>
absl::Status Scheduler::RunWhile(More more, int64_t max_events, const char* what) {
  WARREN_RETURN_IF_ERROR(CheckCanRun(what));
  const int64_t work_before = work();
  const uint64_t events_before = events_run_;
  budget_end_ = max_events > INT64_MAX - work_before ? INT64_MAX : work_before + max_events;
  running_ = true;
  absl::Status result;
  auto bound_error = [&] {
    // The labels of the last events this run ran (at most kRecentLabels).
    std::vector<std::string> labels;
    const uint64_t ran_here = events_run_ - events_before;
    const uint64_t shown = std::min<uint64_t>(ran_here, kRecentLabels);
    for (uint64_t i = events_run_ - shown; i < events_run_; ++i) {
      labels.emplace_back(recent_labels_[i % kRecentLabels]);
    }
    return absl::ResourceExhaustedError(internal::Cat(
        what, ": bound of ", max_events,
        " events (publishes and dead-letter hops included) reached at virtual time ",
        FormatInstant(now_), " (a livelock such as a consumer that always requeues?); last events: ",
        absl::StrJoin(labels, ", ")));
  };
  while (more() && interrupt_.ok()) {
    if (work() >= budget_end_) {
      result = bound_error();
      break;
    }
    if (kCheckHorizon && NextWhen() > Horizon()) {
      result = absl::OutOfRangeError(internal::Cat(
          what, ": the next event (", NextLabel(), ") is due past Warren's horizon ",
          FormatInstant(Horizon()), " (instants are int64 nanoseconds since 1970)"));
      break;
    }
    RunNext();
  }
  // One event may have overspent (a callback publishing in a loop).
  if (result.ok() && work() > budget_end_) result = bound_error();
  running_ = false;
  if (!interrupt_.ok()) {
    result = std::move(interrupt_);
    interrupt_ = absl::OkStatus();
  }
  return result;
}

absl::Status Scheduler::RunUntil(absl::Time deadline, int64_t max_events) {
  if (deadline < now_ && !running_) {
    return absl::InvalidArgumentError(internal::Cat(
        "RunUntil: the deadline ", FormatInstant(deadline), " is before the current virtual time ",
        FormatInstant(now_), "; virtual time never moves backwards"));
  }
  if (deadline > Horizon() && !running_) {
    return absl::OutOfRangeError(internal::Cat(
        "RunUntil: the deadline ", FormatInstant(deadline), " is past Warren's horizon ",
        FormatInstant(Horizon()), " (instants are int64 nanoseconds since 1970)"));
  }
  WARREN_RETURN_IF_ERROR(RunWhile<false>(
      [&] { return HasNext() && NextWhen() <= deadline; },
      max_events, "RunUntil"));
  now_ = deadline;
  return absl::OkStatus();
}

absl::Status Scheduler::RunUntilIdle(int64_t max_events) {
  return RunWhile<true>([&] { return non_daemon_ > 0; }, max_events, "RunUntilIdle");
}

}  // namespace warren::internal
