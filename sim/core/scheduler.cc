#include "sim/core/scheduler.h"

#include <deque>
#include <utility>

#include "sim/core/strings.h"
#include "absl/strings/str_join.h"
#include "sim/core/check.h"

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

void Scheduler::RunUntil(absl::Time deadline) {
  WARREN_CHECK(deadline >= now_);
  while (!pending_.empty() && pending_.begin()->first.when <= deadline) {
    RunOne(pending_.begin());
  }
  now_ = deadline;
}

absl::Status Scheduler::RunUntilIdle(int64_t max_events) {
  std::deque<std::string> last;
  int64_t ran = 0;
  while (non_daemon_ > 0) {
    if (ran >= max_events) {
      return absl::ResourceExhaustedError(Cat(
          "RunUntilIdle: bound of ", max_events, " events reached at ",
          absl::FormatTime(now_, absl::UTCTimeZone()), "; last events: ",
          absl::StrJoin(last, ", ")));
    }
    auto it = pending_.begin();
    if (last.size() == 5) last.pop_front();
    last.emplace_back(it->second.label);
    RunOne(it);
    ++ran;
  }
  return absl::OkStatus();
}

}  // namespace warren::internal
