#include "sim/core/scheduler.h"

#include <deque>
#include <utility>

#include "sim/core/strings.h"
#include "absl/strings/str_join.h"
#include "sim/core/check.h"
#include "sim/core/status_macros.h"
#include "sim/core/strings.h"

namespace warren::internal {

Scheduler::EventId Scheduler::ScheduleAt(absl::Time when, absl::AnyInvocable<void()> fn,
                                         const char* label, bool daemon) {
  EventId id{when < now_ ? now_ : when, next_seq_++};
  pending_.emplace(id, Pending{std::move(fn), label, daemon});
  if (!daemon) ++non_daemon_;
  return id;
}

bool Scheduler::Cancel(EventId id) {
  auto it = pending_.find(id);
  if (it == pending_.end()) return false;
  if (!it->second.daemon) --non_daemon_;
  pending_.erase(it);
  return true;
}

void Scheduler::RunOne(absl::btree_map<EventId, Pending>::iterator it) {
  WARREN_CHECK(it->first.when >= now_);
  now_ = it->first.when;
  Pending p = std::move(it->second);
  pending_.erase(it);
  if (!p.daemon) --non_daemon_;
  ++events_run_;
  p.fn();
}

bool Scheduler::Step() {
  if (pending_.empty()) return false;
  RunOne(pending_.begin());
  return true;
}

template <typename More>
absl::Status Scheduler::RunWhile(More more, int64_t max_events, const char* what) {
  std::deque<const char*> last;
  const int64_t charged_before = charged_;
  for (int64_t ran = 0; more(); ++ran) {
    auto it = pending_.begin();
    if (ran + (charged_ - charged_before) >= max_events) {
      std::vector<std::string> labels(last.begin(), last.end());
      return absl::ResourceExhaustedError(internal::Cat(
          what, ": bound of ", max_events, " events (dead-letter hops included) reached at virtual time ",
          absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", now_, absl::UTCTimeZone()),
          " (a livelock such as a consumer that always requeues?); last events: ",
          absl::StrJoin(labels, ", ")));
    }
    if (last.size() == 5) last.pop_front();
    last.push_back(it->second.label);
    RunOne(it);
  }
  return absl::OkStatus();
}

absl::Status Scheduler::RunUntil(absl::Time deadline, int64_t max_events) {
  WARREN_CHECK(deadline >= now_);
  WARREN_RETURN_IF_ERROR(RunWhile(
      [&] { return !pending_.empty() && pending_.begin()->first.when <= deadline; },
      max_events, "RunUntil"));
  now_ = deadline;
  return absl::OkStatus();
}

absl::Status Scheduler::RunUntilIdle(int64_t max_events) {
  return RunWhile([&] { return non_daemon_ > 0; }, max_events, "RunUntilIdle");
}

}  // namespace warren::internal
