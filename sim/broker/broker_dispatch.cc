// Dispatch: ready messages to the consumers their queue picks (priority
// groups, round-robin, prefetch, single active consumer: queue.h), and a
// delivery's bookkeeping (tag, unacked, ledger, trace, the outbox event).
#include <algorithm>

#include "sim/broker/broker.h"
#include "sim/core/strings.h"

namespace warren::internal {

void Broker::UnblockConsumers(ChannelState& ch) {
  if (!ch.any_blocked) return;
  if (ch.consumers.size() == 1) {
    // One consumer: nothing to order among the channel's consumers.
    Consumer* c = ch.consumers.begin()->second.get();
    if (!c->blocked) {
      ch.any_blocked = false;  // the blocked one was cancelled
      return;
    }
    if (!HasRoom(*c)) return;
    ch.any_blocked = false;
    c->queue->Rejoin(c);
    return;
  }
  // Those with room rejoin in the order they consumed.
  absl::InlinedVector<std::pair<uint64_t, Consumer*>, 4> ready;
  bool still_blocked = false;
  for (const auto& [tag, c] : ch.consumers) {
    if (!c->blocked) continue;
    if (HasRoom(*c)) {
      ready.emplace_back(c->seq, c.get());
    } else {
      still_blocked = true;
    }
  }
  ch.any_blocked = still_blocked;
  std::sort(ready.begin(), ready.end());
  for (const auto& [seq, c] : ready) c->queue->Rejoin(c);
}

void Broker::Dispatch(Queue& q) {
  // The TTL calls are skipped, not only cheap, when nothing queued has a
  // deadline and no timer is armed: most queues, every message.
  while (true) {
    if (q.ready.has_deadlines()) DropExpired(q);
    if (q.ready.empty()) break;
    Consumer* c = q.PickConsumer();
    if (c == nullptr) break;
    DeliverTo(q, *c, q.ready.PopHead());
  }
  q.MaybeUnblockQuorum();
  if (q.ready.has_deadlines() || q.ttl_timer.valid()) ArmTtlTimer(q);
}

void Broker::DispatchChannel(ChannelState& ch) {
  if (ch.consumers.size() == 1) {
    Dispatch(*ch.consumers.begin()->second->queue);
    return;
  }
  absl::InlinedVector<std::pair<uint64_t, uint64_t>, 4> queues;  // (consumer seq, queue id)
  for (const auto& [tag, c] : ch.consumers) queues.emplace_back(c->seq, c->queue->id);
  std::sort(queues.begin(), queues.end());
  for (const auto& [seq, qid] : queues) {
    if (Queue* q = FindQueueById(qid)) Dispatch(*q);
  }
}

void Broker::DeliverTo(Queue& q, Consumer& c, Envelope e) {
  ChannelState& ch = *c.channel_state;
  uint64_t tag = ch.next_tag++;
  if (tracer_.enabled()) {
    Trace(TraceKind::kDelivered, e.message->id(), q.name, ch.label,
          Cat("consumer ", c.tag, " tag ", tag, e.redelivered ? " redelivered" : ""), e.copy);
  }
  // Filled in place: building a temporary and moving it costs a
  // store-forwarding stall per delivery.
  PendingDelivery& pending = ch.outbox.emplace_back();
  pending.consumer = &c;
  pending.tag = tag;
  pending.redelivered = e.redelivered != 0;
  pending.message = e.message;
  if (q.is_quorum()) pending.delivered_properties = q.DeliveredProperties(e, /*via_get=*/false);
  if (c.no_ack) {
    ledger_.Move(e.copy, CopyState::kReady, CopyState::kAcked, "auto-ack", Now());
    Trace(TraceKind::kAcked, e.message->id(), q.name, ch.label, "auto-ack", e.copy);
  } else {
    ledger_.Move(e.copy, CopyState::kReady, CopyState::kUnacked, "", Now());
    Unacked& u = ch.unacked.Insert(tag);
    u.queue_id = q.id;
    u.envelope = std::move(e);
    u.consumer = c.tag_index;
    u.delivered_at = Now();
    ++c.unacked;
    ++ch.global_unacked;
    ++q.unacked;
    ArmConsumerTimeout(ch);
  }
  // Channel states live as long as the broker: the pointer stays valid.
  Later("basic.deliver", [this, chp = &ch] { DeliverNext(*chp); });
}

}  // namespace warren::internal
