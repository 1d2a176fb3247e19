// The ready messages of one queue, in delivery order.
//
// Classic queues keep each message's enqueue position so that a requeued
// message returns to its original place (ahead of later publishes). Priority
// queues keep one FIFO per priority level; the head is the oldest message of
// the highest non-empty level. Quorum queues keep a "returns" FIFO that is
// served before everything else (returns with a delivery limit, and
// consumer-down returns).
//
// Invariants: (1) size() and bytes() equal the sums over all sub-queues;
//             (2) each level is sorted by position;
//             (3) a level's deadline deque is empty or as long as the level.
#ifndef WARREN_SIM_BROKER_READY_MESSAGES_H_
#define WARREN_SIM_BROKER_READY_MESSAGES_H_

#include <climits>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <vector>

#include "absl/time/time.h"
#include "sim/core/check.h"
#include "warren/message.h"

namespace warren::internal {

// One copy of a message in one queue, as a ready queue stores it: 24 bytes,
// since a fanout holds one per queue (the message itself is shared). The
// TTL deadline is not here: only sub-queues that hold a deadline keep them,
// in a parallel deque (see Level below).
struct StoredEnvelope {
  // x-delivery-count saturates here: a quorum x-delivery-limit at or above
  // it behaves as no limit (RabbitMQ would count on; 2^31 redeliveries of
  // one message are not a simulation anyone runs).
  static constexpr uint64_t kMaxDeliveryCount = (uint64_t{1} << 31) - 1;

  StoredEnvelope() = default;
  // Copies move the packed words whole: the implicit member-wise copy reads
  // and masks each bit-field, several times slower on the per-message path.
  StoredEnvelope(const StoredEnvelope& o) : message(o.message) { CopyWords(o); }
  StoredEnvelope(StoredEnvelope&& o) noexcept : message(std::move(o.message)) { CopyWords(o); }
  StoredEnvelope& operator=(const StoredEnvelope& o) {
    message = o.message;
    CopyWords(o);
    return *this;
  }
  StoredEnvelope& operator=(StoredEnvelope&& o) noexcept {
    message = std::move(o.message);
    CopyWords(o);
    return *this;
  }

  MessageRef message;
  // Ledger copy id (0: fates not recorded). 32 bits: 2^32 recorded copies
  // would need ~140 GB of ledger first (Ledger::NewCopy checks).
  uint64_t copy : 32 = 0;
  uint64_t delivery_count : 31 = 0;  // quorum returns, saturating
  uint64_t redelivered : 1 = 0;
  uint64_t position : 56 = 0;        // enqueue order within the queue
  uint64_t priority : 8 = 0;         // level index, already capped at max-priority

  void CountDelivery() {
    if (delivery_count < kMaxDeliveryCount) delivery_count = delivery_count + 1;
  }
  uint64_t bytes() const { return message->body_size(); }

 private:
  void CopyWords(const StoredEnvelope& o) {
    constexpr size_t kOffset = sizeof(MessageRef);
    if (this == &o) return;  // memcpy onto itself is undefined
    std::memcpy(reinterpret_cast<char*>(this) + kOffset,
                reinterpret_cast<const char*>(&o) + kOffset, sizeof(StoredEnvelope) - kOffset);
  }
};
static_assert(sizeof(StoredEnvelope) == 24, "one per queued copy: keep it small");

// A copy in transit (being enqueued, delivered, unacked, dead-lettered):
// the stored part plus its TTL deadline.
struct Envelope : StoredEnvelope {
  int64_t deadline_ns = INT64_MAX;  // TTL deadline, Unix ns; INT64_MAX: none

  absl::Time deadline() const {
    return deadline_ns == INT64_MAX ? absl::InfiniteFuture() : absl::FromUnixNanos(deadline_ns);
  }
  void set_deadline(absl::Time t) { deadline_ns = absl::ToUnixNanos(t); }
};
static_assert(sizeof(Envelope) == 32);

// One FIFO of stored envelopes. Deadlines live in a parallel deque, empty
// until a timed envelope arrives (a queue without TTLs pays nothing), then
// one entry per envelope until the level next empties: the first timed
// envelope fills it in for those already queued, O(1) amortized since each
// queued envelope is filled in at most once per such period.
class Level {
 public:
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  const StoredEnvelope& operator[](size_t i) const { return items_[i]; }
  int64_t DeadlineAt(size_t i) const { return timed() ? (*deadlines_)[i] : INT64_MAX; }
  int64_t FrontDeadline() const { return DeadlineAt(0); }

  void PushBack(Envelope&& e) {
    if (e.deadline_ns != INT64_MAX || timed()) PushDeadline(e.deadline_ns);
    items_.push_back(std::move(static_cast<StoredEnvelope&>(e)));
  }
  void Insert(size_t index, Envelope&& e);
  // Index of the first envelope queued at or after `position` (levels are
  // sorted by position).
  size_t FirstAtOrAfter(uint64_t position) const;
  // REQUIRES: !empty().
  Envelope PopFront() {
    Envelope e;
    static_cast<StoredEnvelope&>(e) = std::move(items_.front());
    items_.pop_front();
    if (timed()) e.deadline_ns = PopDeadline();
    return e;
  }

 private:
  bool timed() const { return deadlines_ != nullptr && !deadlines_->empty(); }
  // The deadlines, one per queued envelope. If the level was untimed,
  // they start here: INT64_MAX for each envelope already queued.
  std::deque<int64_t>& Deadlines();
  void PushDeadline(int64_t deadline);
  int64_t PopDeadline();

  std::deque<StoredEnvelope> items_;
  // Allocated on the first deadline: a std::deque allocates even empty.
  std::unique_ptr<std::deque<int64_t>> deadlines_;
};

class ReadyMessages {
 public:
  explicit ReadyMessages(int max_priority = 0) : levels_(max_priority + 1) {}

  bool empty() const { return size_ == 0; }
  uint64_t size() const { return size_; }
  uint64_t bytes() const { return bytes_; }

  void Append(Envelope e);      // a new enqueue, at the tail of its level
  void Restore(Envelope e);     // classic requeue: back to its position
  void PushReturn(Envelope e);  // quorum: served before all others

  // REQUIRES: !empty().
  Envelope PopHead() {
    WARREN_CHECK(size_ != 0);
    Envelope e = HeadQueue().PopFront();
    Removed(e);
    return e;
  }

  // Drops from the front of every sub-queue while `pred(deadline_ns)` holds
  // for the front's deadline (INT64_MAX: none), handing each dropped
  // envelope to `sink`. Used for head-only expiry, which RabbitMQ checks per
  // priority sub-queue.
  template <typename Pred, typename Sink>
  void DropFrontsWhile(Pred pred, Sink sink);
  // Earliest deadline among sub-queue fronts (InfiniteFuture if none).
  absl::Time EarliestFrontDeadline() const;
  // Whether any queued envelope has a TTL deadline (else nothing expires).
  bool has_deadlines() const { return with_deadline_ != 0; }

  // Calls fn(const StoredEnvelope&, int64_t deadline_ns) for every envelope
  // in delivery order.
  template <typename Fn>
  void ForEachInOrder(Fn fn) const;
  std::vector<Envelope> TakeAll();

 private:
  Level& HeadQueue() {
    if (returns_.empty() && levels_.size() == 1) return levels_[0];
    return HeadQueueSlow();
  }
  Level& HeadQueueSlow();
  void Added(const Envelope& e) {
    ++size_;
    bytes_ += e.bytes();
    if (e.deadline_ns != INT64_MAX) ++with_deadline_;
  }
  void Removed(const Envelope& e) {
    --size_;
    bytes_ -= e.bytes();
    if (e.deadline_ns != INT64_MAX) --with_deadline_;
  }

  Level returns_;
  std::vector<Level> levels_;  // index = priority
  uint64_t size_ = 0;
  uint64_t bytes_ = 0;
  uint64_t with_deadline_ = 0;  // envelopes with a TTL deadline
};

template <typename Pred, typename Sink>
void ReadyMessages::DropFrontsWhile(Pred pred, Sink sink) {
  auto drain = [&](Level& q) {
    while (!q.empty() && pred(q.FrontDeadline())) {
      Envelope e = q.PopFront();
      Removed(e);
      sink(std::move(e));
    }
  };
  // Returns are served first: while a live return is at the head nothing
  // behind it is looked at (quorum head-only expiry).
  drain(returns_);
  if (!returns_.empty()) return;
  for (size_t i = levels_.size(); i-- > 0;) drain(levels_[i]);
}

template <typename Fn>
void ReadyMessages::ForEachInOrder(Fn fn) const {
  auto each = [&fn](const Level& q) {
    for (size_t i = 0; i < q.size(); ++i) fn(q[i], q.DeadlineAt(i));
  };
  each(returns_);
  for (size_t i = levels_.size(); i-- > 0;) each(levels_[i]);
}

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_READY_MESSAGES_H_
