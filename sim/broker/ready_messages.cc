#include "sim/broker/ready_messages.h"

#include <algorithm>

#include "sim/core/check.h"

namespace warren::internal {

void ReadyMessages::Append(Envelope e) {
  Added(e);
  levels_[e.priority].push_back(std::move(e));
}

void ReadyMessages::Restore(Envelope e) {
  Added(e);
  std::deque<Envelope>& q = levels_[e.priority];
  auto it = std::lower_bound(q.begin(), q.end(), e.position,
                             [](const Envelope& x, uint64_t pos) { return x.position < pos; });
  q.insert(it, std::move(e));
}

void ReadyMessages::PushReturn(Envelope e) {
  Added(e);
  returns_.push_back(std::move(e));
}

const std::deque<Envelope>* ReadyMessages::HeadQueueConst() const {
  if (!returns_.empty()) return &returns_;
  for (size_t i = levels_.size(); i-- > 0;) {
    if (!levels_[i].empty()) return &levels_[i];
  }
  return nullptr;
}

std::deque<Envelope>& ReadyMessages::HeadQueue() {
  const std::deque<Envelope>* q = HeadQueueConst();
  WARREN_CHECK(q != nullptr);
  return *const_cast<std::deque<Envelope>*>(q);
}

const Envelope& ReadyMessages::Head() const {
  const std::deque<Envelope>* q = HeadQueueConst();
  WARREN_CHECK(q != nullptr);
  return q->front();
}

Envelope ReadyMessages::PopHead() {
  std::deque<Envelope>& q = HeadQueue();
  Envelope e = std::move(q.front());
  q.pop_front();
  Removed(e);
  return e;
}

absl::Time ReadyMessages::EarliestFrontDeadline() const {
  absl::Time t = absl::InfiniteFuture();
  if (with_deadline_ == 0) return t;
  if (!returns_.empty()) return returns_.front().deadline();
  for (const auto& q : levels_) {
    if (!q.empty()) t = std::min(t, q.front().deadline());
  }
  return t;
}

std::vector<const Envelope*> ReadyMessages::InOrder() const {
  std::vector<const Envelope*> out;
  out.reserve(size_);
  for (const Envelope& e : returns_) out.push_back(&e);
  for (size_t i = levels_.size(); i-- > 0;) {
    for (const Envelope& e : levels_[i]) out.push_back(&e);
  }
  return out;
}

std::vector<Envelope> ReadyMessages::TakeAll() {
  std::vector<Envelope> out;
  out.reserve(size_);
  for (Envelope& e : returns_) out.push_back(std::move(e));
  returns_.clear();
  for (size_t i = levels_.size(); i-- > 0;) {
    for (Envelope& e : levels_[i]) out.push_back(std::move(e));
    levels_[i].clear();
  }
  size_ = 0;
  bytes_ = 0;
  with_deadline_ = 0;
  return out;
}

}  // namespace warren::internal
