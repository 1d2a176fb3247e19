#include "sim/broker/ready_messages.h"

#include <algorithm>

#include "sim/core/check.h"

namespace warren::internal {

std::deque<int64_t>& Level::Deadlines() {
  if (!timed()) {
    if (deadlines_ == nullptr) deadlines_ = std::make_unique<std::deque<int64_t>>();
    deadlines_->assign(items_.size(), INT64_MAX);
  }
  return *deadlines_;
}

void Level::PushDeadline(int64_t deadline) { Deadlines().push_back(deadline); }

size_t Level::FirstAtOrAfter(uint64_t position) const {
  auto it = std::lower_bound(items_.begin(), items_.end(), position,
                             [](const StoredEnvelope& x, uint64_t p) { return x.position < p; });
  return static_cast<size_t>(it - items_.begin());
}

int64_t Level::PopDeadline() {
  int64_t deadline = deadlines_->front();
  deadlines_->pop_front();
  return deadline;
}

void Level::Insert(size_t index, Envelope&& e) {
  if (e.deadline_ns != INT64_MAX || timed()) {
    std::deque<int64_t>& deadlines = Deadlines();
    deadlines.insert(deadlines.begin() + static_cast<ptrdiff_t>(index), e.deadline_ns);
  }
  items_.insert(items_.begin() + static_cast<ptrdiff_t>(index),
                std::move(static_cast<StoredEnvelope&>(e)));
}

void ReadyMessages::Append(Envelope e) {
  Added(e);
  levels_[e.priority].PushBack(std::move(e));
}

void ReadyMessages::Restore(Envelope e) {
  Added(e);
  Level& q = levels_[e.priority];
  q.Insert(q.FirstAtOrAfter(e.position), std::move(e));
}

void ReadyMessages::PushReturn(Envelope e) {
  Added(e);
  returns_.PushBack(std::move(e));
}

Level& ReadyMessages::HeadQueueSlow() {
  if (!returns_.empty()) return returns_;
  for (size_t i = levels_.size(); i-- > 0;) {
    if (!levels_[i].empty()) return levels_[i];
  }
  WARREN_CHECK(false);
  return returns_;
}

absl::Time ReadyMessages::EarliestFrontDeadline() const {
  int64_t t = INT64_MAX;
  if (with_deadline_ == 0) return absl::InfiniteFuture();
  if (!returns_.empty()) {
    t = returns_.FrontDeadline();
  } else {
    for (const Level& q : levels_) {
      if (!q.empty()) t = std::min(t, q.FrontDeadline());
    }
  }
  return t == INT64_MAX ? absl::InfiniteFuture() : absl::FromUnixNanos(t);
}

std::vector<Envelope> ReadyMessages::TakeAll() {
  std::vector<Envelope> out;
  out.reserve(size_);
  auto take = [&out](Level& q) {
    while (!q.empty()) out.push_back(q.PopFront());
  };
  take(returns_);
  for (size_t i = levels_.size(); i-- > 0;) take(levels_[i]);
  size_ = 0;
  bytes_ = 0;
  with_deadline_ = 0;
  return out;
}

}  // namespace warren::internal
