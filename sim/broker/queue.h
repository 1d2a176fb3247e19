// One queue: its ready messages and the rules that are the queue's own —
// admission under its overflow setting, a copy's TTL deadline and priority,
// drop-head, head-only expiry, the quorum reject-publish block, and which
// consumer is next. The queue decides and reports; it never touches the
// ledger, the trace, the scheduler or another queue. The Broker
// orchestrates: it makes the ledger copy, traces, dead-letters what the
// queue gives up, arms timers and hands deliveries to channels (leveldb's
// DBImpl and MemTable split: the hub orchestrates, the owner decides).
//
// The hot decisions (Admit, Stamp, Push, PopOverLimit, PickConsumer) are
// defined here, inline: the per-message path pays no call for them.
//
// Invariants:
//  (Q1) `ready` holds exactly the queue's copies in ledger state ready;
//       `unacked` counts its copies delivered and not yet settled;
//  (Q2) `consumers` is in dispatch order: priority groups, highest first,
//       round-robin inside a group (PickConsumer rotates the one it picks to
//       the back of its group); with single-active-consumer, registration
//       order and the front is the active one;
//  (Q3) a consumer skipped for lack of room is marked `blocked` (and its
//       channel `any_blocked`) and rejoins at the back of its group when it
//       has room again (Rejoin);
//  (Q4) with drop-head overflow, after an enqueue settles, the ready
//       messages are within max-length and max-length-bytes;
//  (Q5) `quorum_blocked` (quorum reject-publish) is set once the ready
//       messages exceed a limit after an enqueue, and cleared at or below
//       80 % of every limit.
#ifndef WARREN_SIM_BROKER_QUEUE_H_
#define WARREN_SIM_BROKER_QUEUE_H_

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "sim/broker/consumer.h"
#include "sim/broker/policy.h"
#include "sim/broker/queue_arguments.h"
#include "sim/broker/ready_messages.h"
#include "sim/core/scheduler.h"
#include "warren/field_value.h"
#include "warren/message.h"

namespace warren::internal {

class Queue {
 public:
  // What an enqueue may do, decided before the copy is made (Admit).
  enum class Admission {
    kAccept,
    kDrop,        // reject-publish: the publish is refused, the copy dropped
    kDeadLetter,  // reject-publish-dlx: refused and dead-lettered (maxlen)
  };

  Queue(uint64_t id, std::string name, int priority_levels)
      : id(id), name(std::move(name)), ready(priority_levels) {}

  // ---- identity and settings (set by the Broker at declare / policy) ----
  const uint64_t id;
  const std::string name;
  bool durable = false;
  bool exclusive = false;
  bool auto_delete = false;
  uint64_t owner = 0;  // exclusive: owning connection id
  FieldTable arguments;  // as declared (redeclare equivalence)
  QueueArgs args;        // validated from `arguments`
  QueueConfig config;    // effective: arguments and policies merged
  std::optional<PolicySpec> applied_policy;           // as matched last time
  std::optional<PolicySpec> applied_operator_policy;
  uint32_t ledger_index = 0;
  absl::Time created;
  bool is_quorum() const { return config.type == QueueType::kQuorum; }

  // ---- state the queue keeps (see the invariants) ----
  ReadyMessages ready;
  uint64_t unacked = 0;
  std::vector<Consumer*> consumers;
  bool had_consumer = false;
  bool exclusive_consumer = false;
  bool quorum_blocked = false;
  absl::Time last_active;  // quorum x-expires

  // ---- the Broker's slots on the queue ----
  uint64_t route_mark = 0;  // Broker::route_epoch_ when last added by Route
  Scheduler::EventId ttl_timer;
  Scheduler::EventId expires_timer;

  // ---- admission (an enqueue) ----
  // Whether a new copy of `body_size` bytes gets in under the overflow
  // setting. Quorum queues evaluate their limit after an enqueue (so
  // max-length + 1 get in) and unblock at the soft limit, here.
  Admission Admit(uint64_t body_size) {
    const Overflow overflow = EffectiveOverflow();
    if (overflow == Overflow::kDropHead) return Admission::kAccept;
    bool reject;
    if (is_quorum()) {
      MaybeUnblockQuorum();
      reject = quorum_blocked;
    } else {
      reject = OverLimit(ready.size() + 1, ready.bytes() + body_size);
    }
    if (!reject) return Admission::kAccept;
    return overflow == Overflow::kRejectPublishDlx ? Admission::kDeadLetter : Admission::kDrop;
  }
  // The copy as this queue stores it: its enqueue position, its TTL
  // deadline (the smaller of the queue's and the message's; a quorum TTL of
  // 0 counts as 1 ms) and its priority level.
  Envelope Stamp(const MessageRef& m, uint64_t copy, absl::Time now) {
    Envelope e;
    e.message = m;
    e.copy = copy;
    e.position = next_position_++;
    const std::optional<int64_t> expiration_ms = m->expiration_ms();
    if (config.message_ttl.has_value() || expiration_ms.has_value()) [[unlikely]] {
      e.set_deadline(TtlDeadline(expiration_ms, now));
    }
    if (config.max_priority.value_or(0) > 0) [[unlikely]] e.priority = PriorityLevel(*m);
    return e;
  }
  // Appends an admitted copy; a quorum reject-publish queue now over a
  // limit blocks further publishes (Q5).
  void Push(Envelope e) {
    ready.Append(std::move(e));
    if (is_quorum() && config.overflow == Overflow::kRejectPublish &&
        OverLimit(ready.size(), ready.bytes())) {
      quorum_blocked = true;
    }
  }
  // Whether drop-head must give up the head now (Q4): the caller pops it
  // and dead-letters it (maxlen), and asks again.
  bool MustDropHead() const {
    return (config.max_length || config.max_length_bytes) && !ready.empty() &&
           EffectiveOverflow() == Overflow::kDropHead && OverLimit(ready.size(), ready.bytes());
  }
  void MaybeUnblockQuorum() {
    if (quorum_blocked && BelowSoftLimit(ready.size(), ready.bytes())) quorum_blocked = false;
  }

  // ---- expiry (head-only, as RabbitMQ) ----
  // Moves the expired heads (deadline <= now) into `out`, in order.
  void TakeExpired(absl::Time now, std::vector<Envelope>& out) {
    if (ready.empty() || ready.EarliestFrontDeadline() > now) return;
    const int64_t now_ns = absl::ToUnixNanos(now);
    ready.DropFrontsWhile([now_ns](int64_t deadline_ns) { return deadline_ns <= now_ns; },
                          [&out](Envelope e) { out.push_back(std::move(e)); });
  }
  // When the next head expires (InfiniteFuture: none will).
  absl::Time NextDeadline() const { return ready.EarliestFrontDeadline(); }

  // ---- consumers ----
  // The consumer the next ready message goes to, or nullptr (Q2, Q3).
  Consumer* PickConsumer() {
    if (consumers.empty()) return nullptr;
    if (config.single_active_consumer) {
      return HasRoom(*consumers.front()) ? consumers.front() : nullptr;
    }
    for (size_t i = 0; i < consumers.size(); ++i) {
      Consumer* c = consumers[i];
      if (!HasRoom(*c)) {
        c->blocked = true;
        c->channel_state->any_blocked = true;
        continue;
      }
      // Round-robin: to the back of its priority group.
      size_t end = i + 1;
      while (end < consumers.size() && consumers[end]->priority == c->priority) ++end;
      std::rotate(consumers.begin() + i, consumers.begin() + i + 1, consumers.begin() + end);
      return c;
    }
    return nullptr;
  }
  // A blocked consumer with room again rejoins at the back of its priority
  // group (rabbit_queue_consumers unblock); single-active-consumer keeps
  // registration order.
  void Rejoin(Consumer* c) {
    c->blocked = false;
    if (consumers.size() < 2 || config.single_active_consumer) return;
    consumers.erase(std::find(consumers.begin(), consumers.end(), c));
    consumers.insert(std::find_if(consumers.begin(), consumers.end(),
                                  [c](const Consumer* o) { return o->priority < c->priority; }),
                     c);
  }

  // ---- returns (nack/reject with requeue, a channel closing) ----
  // Marks a returned copy redelivered; a quorum queue counts the delivery
  // and says whether that passes its delivery-limit (the caller then
  // dead-letters the copy, reason delivery_limit).
  bool CountReturn(Envelope& e) const {
    e.redelivered = true;
    if (!is_quorum()) return false;
    e.CountDelivery();
    return config.delivery_limit &&
           e.delivery_count > static_cast<uint64_t>(*config.delivery_limit);
  }
  // Puts a returned copy back: a classic queue at its original position; a
  // quorum queue in front of everything (a channel closing, or with a
  // delivery-limit), else at the tail.
  void Reinsert(Envelope e, bool channel_closed) {
    if (!is_quorum()) {
      ready.Restore(std::move(e));
    } else if (channel_closed || config.delivery_limit) {
      ready.PushReturn(std::move(e));
    } else {
      e.position = next_position_++;
      ready.Append(std::move(e));
    }
  }

  // Quorum queues report x-delivery-count: absent on a first consumer
  // delivery, always present on basic.get. Null when nothing is added.
  std::shared_ptr<const BasicProperties> DeliveredProperties(const Envelope& e,
                                                             bool via_get) const;

 private:
  // Stamp's rare halves, out of line (queue.cc).
  absl::Time TtlDeadline(std::optional<int64_t> expiration_ms, absl::Time now) const;
  uint8_t PriorityLevel(const Message& m) const;
  // Quorum queues accept reject-publish-dlx but behave as drop-head.
  Overflow EffectiveOverflow() const {
    if (is_quorum() && config.overflow == Overflow::kRejectPublishDlx) return Overflow::kDropHead;
    return config.overflow.value_or(Overflow::kDropHead);
  }
  bool OverLimit(uint64_t count, uint64_t bytes) const {
    return (config.max_length && count > static_cast<uint64_t>(*config.max_length)) ||
           (config.max_length_bytes && bytes > static_cast<uint64_t>(*config.max_length_bytes));
  }
  // Quorum reject-publish unblocks at or below 80 % of each limit.
  bool BelowSoftLimit(uint64_t count, uint64_t bytes) const {
    return (!config.max_length || count <= static_cast<uint64_t>(*config.max_length * 8 / 10)) &&
           (!config.max_length_bytes ||
            bytes <= static_cast<uint64_t>(*config.max_length_bytes * 8 / 10));
  }

  uint64_t next_position_ = 0;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_QUEUE_H_
