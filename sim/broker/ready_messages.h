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
//             (2) each level is sorted by position.
#ifndef WARREN_SIM_BROKER_READY_MESSAGES_H_
#define WARREN_SIM_BROKER_READY_MESSAGES_H_

#include <climits>
#include <cstdint>
#include <cstring>
#include <deque>
#include <vector>

#include "absl/time/time.h"
#include "warren/message.h"

namespace warren::internal {

// One copy of a message in one queue: 32 bytes, since a fanout holds one
// per queue (the message itself is shared).
struct Envelope {
  // x-delivery-count saturates here: a quorum x-delivery-limit at or above
  // it behaves as no limit (RabbitMQ would count on; 2^31 redeliveries of
  // one message are not a simulation anyone runs).
  static constexpr uint64_t kMaxDeliveryCount = (uint64_t{1} << 31) - 1;

  Envelope() = default;
  // Copies move the packed words whole: the implicit member-wise copy reads
  // and masks each bit-field, several times slower on the per-message path.
  Envelope(const Envelope& o) : message(o.message) { CopyWords(o); }
  Envelope(Envelope&& o) noexcept : message(std::move(o.message)) { CopyWords(o); }
  Envelope& operator=(const Envelope& o) {
    message = o.message;
    CopyWords(o);
    return *this;
  }
  Envelope& operator=(Envelope&& o) noexcept {
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
  int64_t deadline_ns = INT64_MAX;   // TTL deadline, Unix ns; INT64_MAX: none

  absl::Time deadline() const {
    return deadline_ns == INT64_MAX ? absl::InfiniteFuture() : absl::FromUnixNanos(deadline_ns);
  }
  void set_deadline(absl::Time t) { deadline_ns = absl::ToUnixNanos(t); }
  void CountDelivery() {
    if (delivery_count < kMaxDeliveryCount) delivery_count = delivery_count + 1;
  }
  uint64_t bytes() const { return message->body_size(); }

 private:
  void CopyWords(const Envelope& o) {
    constexpr size_t kOffset = sizeof(MessageRef);
    if (this == &o) return;  // memcpy onto itself is undefined
    std::memcpy(reinterpret_cast<char*>(this) + kOffset,
                reinterpret_cast<const char*>(&o) + kOffset, sizeof(Envelope) - kOffset);
  }
};
static_assert(sizeof(Envelope) == 32, "an Envelope is one per queued copy: keep it small");

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
  const Envelope& Head() const;
  Envelope PopHead();

  // Drops from the front of every sub-queue while `pred(front)` holds,
  // handing each dropped envelope to `sink`. Used for head-only expiry,
  // which RabbitMQ checks per priority sub-queue.
  template <typename Pred, typename Sink>
  void DropFrontsWhile(Pred pred, Sink sink);
  // Earliest deadline among sub-queue fronts (InfiniteFuture if none).
  absl::Time EarliestFrontDeadline() const;

  // All envelopes in delivery order.
  std::vector<const Envelope*> InOrder() const;
  std::vector<Envelope> TakeAll();

 private:
  std::deque<Envelope>& HeadQueue();
  const std::deque<Envelope>* HeadQueueConst() const;
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

  std::deque<Envelope> returns_;
  std::vector<std::deque<Envelope>> levels_;  // index = priority
  uint64_t size_ = 0;
  uint64_t bytes_ = 0;
  uint64_t with_deadline_ = 0;  // envelopes with a TTL deadline
};

template <typename Pred, typename Sink>
void ReadyMessages::DropFrontsWhile(Pred pred, Sink sink) {
  auto drain = [&](std::deque<Envelope>& q) {
    while (!q.empty() && pred(q.front())) {
      Envelope e = std::move(q.front());
      q.pop_front();
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

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_READY_MESSAGES_H_
