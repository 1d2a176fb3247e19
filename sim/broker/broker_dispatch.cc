// Enqueue (overflow, TTL deadline, direct hand-off), head-only expiry,
// dispatch to consumers (priority, round-robin, prefetch, single active
// consumer) and basic.get.
#include <algorithm>

#include "sim/core/strings.h"
#include "sim/broker/broker.h"
#include "sim/amqp/methods.h"

namespace warren::internal {
namespace {

bool OverLimit(const QueueConfig& c, uint64_t count, uint64_t bytes) {
  return (c.max_length && count > static_cast<uint64_t>(*c.max_length)) ||
         (c.max_length_bytes && bytes > static_cast<uint64_t>(*c.max_length_bytes));
}

// Quorum reject-publish unblocks at or below 80% of each limit.
bool BelowSoftLimit(const QueueConfig& c, uint64_t count, uint64_t bytes) {
  return (!c.max_length || count <= static_cast<uint64_t>(*c.max_length * 8 / 10)) &&
         (!c.max_length_bytes || bytes <= static_cast<uint64_t>(*c.max_length_bytes * 8 / 10));
}

Overflow EffectiveOverflow(const Queue& q) {
  // Quorum queues accept reject-publish-dlx but behave as drop-head.
  if (q.is_quorum() && q.config.overflow == Overflow::kRejectPublishDlx) return Overflow::kDropHead;
  return q.config.overflow;
}

}  // namespace

Envelope Broker::MakeEnvelope(Queue& q, const MessageRef& m) {
  Envelope e;
  e.message = m;
  e.copy = ledger_.NewCopy(m->id(), q.ledger_index, Now());
  if (ledger_.live() > options_.max_live_messages) scheduler_.Interrupt(LiveBoundReached());
  e.position = q.next_position++;
  std::optional<int64_t> ttl = q.config.message_ttl_ms;
  if (std::optional<int64_t> exp = m->expiration_ms()) ttl = ttl ? std::min(*ttl, *exp) : *exp;
  if (ttl) {
    int64_t ms = (q.is_quorum() && *ttl == 0) ? 1 : *ttl;
    e.set_deadline(Now() + absl::Milliseconds(ms));
  }
  if (q.config.max_priority > 0) {
    int p = m->priority().value_or(0);
    e.priority = static_cast<uint8_t>(std::clamp(p, 0, q.config.max_priority));
  }
  return e;
}

Broker::EnqueueResult Broker::Enqueue(Queue& q, const MessageRef& m) {
  Overflow overflow = EffectiveOverflow(q);
  uint64_t size = m->body_size();
  bool reject = false;
  if (overflow != Overflow::kDropHead) {
    if (q.is_quorum()) {
      // Quorum: the limit is evaluated after an enqueue (so max-length + 1
      // get in) and the queue unblocks at the soft limit.
      MaybeUnblockQuorum(q);
      reject = q.quorum_blocked;
    } else {
      reject = OverLimit(q.config, q.ready.size() + 1, q.ready.bytes() + size);
    }
  }
  Envelope e = MakeEnvelope(q, m);
  if (reject) {
    if (overflow == Overflow::kRejectPublishDlx) {
      DeadLetter(q, std::move(e), DeathReason::kMaxlen, CopyState::kReady);
    } else {
      ledger_.Move(e.copy, CopyState::kReady, CopyState::kDropped, "maxlen (reject-publish)",
                   Now());
      Trace(TraceKind::kDropped, m->id(), q.name, "", "maxlen (reject-publish); publish rejected",
            e.copy);
    }
    return EnqueueResult::kRejected;
  }
  Trace(TraceKind::kEnqueued, m->id(), q.name, "", "", e.copy);
  if (q.ready.empty()) {
    // Handed straight to a waiting consumer: no TTL or length check first.
    if (Consumer* c = PickConsumer(q)) {
      DeliverTo(q, *c, std::move(e));
      return EnqueueResult::kAccepted;
    }
  }
  q.ready.Append(std::move(e));
  if (q.is_quorum() && overflow == Overflow::kRejectPublish &&
      OverLimit(q.config, q.ready.size(), q.ready.bytes())) {
    q.quorum_blocked = true;
  }
  EnforceDropHead(q);
  Dispatch(q);
  return EnqueueResult::kAccepted;
}

void Broker::EnforceDropHead(Queue& q) {
  if (EffectiveOverflow(q) != Overflow::kDropHead) return;
  while (!q.ready.empty() && OverLimit(q.config, q.ready.size(), q.ready.bytes())) {
    Envelope e = q.ready.PopHead();
    DeadLetter(q, std::move(e), DeathReason::kMaxlen, CopyState::kReady);
  }
}

void Broker::DropExpired(Queue& q) {
  absl::Time now = Now();
  if (q.ready.empty() || q.ready.EarliestFrontDeadline() > now) return;
  std::vector<Envelope> expired;
  const int64_t now_ns = absl::ToUnixNanos(now);
  q.ready.DropFrontsWhile([now_ns](int64_t deadline_ns) { return deadline_ns <= now_ns; },
                          [&expired](Envelope e) { expired.push_back(std::move(e)); });
  for (Envelope& e : expired) {
    Trace(TraceKind::kExpired, e.message->id(), q.name, "", "message TTL reached at the head",
          e.copy);
    DeadLetter(q, std::move(e), DeathReason::kExpired, CopyState::kReady);
  }
}

void Broker::ArmTtlTimer(Queue& q) {
  absl::Time due = q.ready.EarliestFrontDeadline();
  if (!q.ttl_timer.valid() && due == absl::InfiniteFuture()) return;
  if (q.ttl_timer.valid() && q.ttl_timer.when == due) return;
  scheduler_.Cancel(q.ttl_timer);
  q.ttl_timer = {};
  if (due == absl::InfiniteFuture()) return;
  q.ttl_timer = scheduler_.ScheduleAt(
      due,
      [this, id = q.id] {
        Queue* live = FindQueueById(id);
        if (live == nullptr) return;
        live->ttl_timer = {};
        Dispatch(*live);
      },
      "message ttl");
}

Consumer* Broker::PickConsumer(Queue& q) {
  auto& list = q.consumers;
  if (list.empty()) return nullptr;
  if (q.config.single_active_consumer) {
    return HasCapacity(*list.front()) ? list.front() : nullptr;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    if (!HasCapacity(*list[i])) {
      list[i]->blocked = true;
      list[i]->channel_state->any_blocked = true;
      continue;
    }
    Consumer* c = list[i];
    // Round-robin: to the back of its priority group.
    size_t end = i + 1;
    while (end < list.size() && list[end]->priority == c->priority) ++end;
    std::rotate(list.begin() + i, list.begin() + i + 1, list.begin() + end);
    return c;
  }
  return nullptr;
}

void Broker::UnblockConsumers(ChannelState& ch) {
  if (!ch.any_blocked) return;
  if (ch.consumers.size() == 1) {
    // One consumer: nothing to order among the channel's consumers.
    Consumer* c = ch.consumers.begin()->second.get();
    if (!c->blocked) {
      ch.any_blocked = false;  // the blocked one was cancelled
      return;
    }
    if (!HasCapacity(*c)) return;
    c->blocked = false;
    ch.any_blocked = false;
    auto& list = c->queue->consumers;
    if (list.size() > 1 && !c->queue->config.single_active_consumer) {
      list.erase(std::find(list.begin(), list.end(), c));
      list.insert(std::find_if(list.begin(), list.end(),
                               [&](const Consumer* o) { return o->priority < c->priority; }),
                  c);
    }
    return;
  }
  absl::InlinedVector<std::pair<uint64_t, Consumer*>, 4> blocked;
  bool still_blocked = false;
  for (const auto& [tag, c] : ch.consumers) {
    if (!c->blocked) continue;
    if (HasCapacity(*c)) {
      blocked.emplace_back(c->seq, c.get());
    } else {
      still_blocked = true;
    }
  }
  ch.any_blocked = still_blocked;
  std::sort(blocked.begin(), blocked.end());
  for (const auto& entry : blocked) {
    Consumer* c = entry.second;  // not a structured binding: lambdas capture it
    c->blocked = false;
    auto& list = c->queue->consumers;
    if (c->queue->config.single_active_consumer) continue;  // order is registration
    auto it = std::find(list.begin(), list.end(), c);
    list.erase(it);
    auto pos = std::find_if(list.begin(), list.end(),
                            [&](const Consumer* o) { return o->priority < c->priority; });
    list.insert(pos, c);
  }
}

void Broker::MaybeUnblockQuorum(Queue& q) {
  if (q.quorum_blocked && BelowSoftLimit(q.config, q.ready.size(), q.ready.bytes())) {
    q.quorum_blocked = false;
  }
}

void Broker::Dispatch(Queue& q) {
  // The TTL calls are skipped, not only cheap, when nothing queued has a
  // deadline and no timer is armed: most queues, every message.
  while (true) {
    if (q.ready.has_deadlines()) DropExpired(q);
    if (q.ready.empty()) break;
    Consumer* c = PickConsumer(q);
    if (c == nullptr) break;
    DeliverTo(q, *c, q.ready.PopHead());
  }
  MaybeUnblockQuorum(q);
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

std::shared_ptr<const BasicProperties> Broker::DeliveredProperties(const Queue& q,
                                                                   const Envelope& e,
                                                                   bool via_get) const {
  if (!q.is_quorum() || (!via_get && e.delivery_count == 0)) return nullptr;
  auto props = std::make_shared<BasicProperties>(e.message->properties());
  if (!props->headers) props->headers.emplace();
  props->headers->Set("x-delivery-count", FieldValue::Long(e.delivery_count));
  return props;
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
  if (q.is_quorum()) pending.delivered_properties = DeliveredProperties(q, e, /*via_get=*/false);
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

void Broker::DeliverNext(ChannelState& ch) {
  if (!ch.open || ch.outbox.empty()) return;
  PendingDelivery p = std::move(ch.outbox.front());
  ch.outbox.pop_front();
  ch.outbox.ShrinkIfDrained();
  // Retired consumers stay until their last delivery has run; those this
  // callback retires wait for a later one.
  if (ch.outbox.empty()) Bury(ch.retired);
  if (!p.consumer->callback) {
    FreeGraveyardIfSafe();
    return;
  }
  Delivery fresh;
  Delivery& d = delivering_ ? fresh : delivery_scratch_;
  bool outer = !delivering_;
  delivering_ = true;
  if (outer && scratch_consumer_ == p.consumer) {
    // Same consumer as last time: its tag and queue are already in place.
  } else {
    d.consumer_tag = p.consumer->tag;
    d.queue = p.consumer->queue_name;
  }
  if (outer) scratch_consumer_ = p.consumer;
  d.delivery_tag = DeliveryTag{p.tag};
  d.redelivered = p.redelivered;
  d.message = std::move(p.message);
  d.delivered_properties = std::move(p.delivered_properties);
  d.message_count = 0;
  p.consumer->callback(d);
  d.message = nullptr;
  d.delivered_properties = nullptr;
  if (outer) delivering_ = false;
  FreeGraveyardIfSafe();
}

void Broker::FreeGraveyard() {
  graveyard_.clear();
  // A new consumer may reuse a freed address: the scratch must not trust
  // its pointer any more.
  scratch_consumer_ = nullptr;
}

absl::StatusOr<std::optional<Delivery>> Broker::Get(uint64_t id, std::string_view queue,
                                                    bool no_ack) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  const MethodId m = methods::kBasicGet;
  WARREN_ASSIGN_OR_RETURN(Queue * q, UsableQueue(*ch, queue, m));
  if (q->is_quorum() && q->config.single_active_consumer) {
    return Fail(*ch, ReplyCode::kResourceLocked,
                Cat("cannot obtain access to locked ", QueueResource(q->name),
                             ". basic.get operations are not supported by quorum queues with "
                             "single active consumer"),
                m);
  }
  q->last_active = Now();
  if (!q->is_quorum()) TouchExpires(*q);
  DropExpired(*q);
  if (q->ready.empty()) {
    ArmTtlTimer(*q);
    return std::optional<Delivery>();
  }
  Envelope e = q->ready.PopHead();
  uint64_t tag = ch->next_tag++;
  Delivery d;
  d.delivery_tag = DeliveryTag{tag};
  d.redelivered = e.redelivered;
  d.queue = q->name;
  d.message = e.message;
  d.delivered_properties = DeliveredProperties(*q, e, /*via_get=*/true);
  Trace(TraceKind::kDelivered, e.message->id(), q->name, ch->label,
        Cat("basic.get tag ", tag, e.redelivered ? " redelivered" : ""), e.copy);
  if (no_ack) {
    ledger_.Move(e.copy, CopyState::kReady, CopyState::kAcked, "auto-ack", Now());
    Trace(TraceKind::kAcked, e.message->id(), q->name, ch->label, "auto-ack", e.copy);
  } else {
    ledger_.Move(e.copy, CopyState::kReady, CopyState::kUnacked, "", Now());
    Unacked& u = ch->unacked.Insert(tag);
    u.queue_id = q->id;
    u.envelope = std::move(e);
    u.delivered_at = Now();
    ++q->unacked;
    ArmConsumerTimeout(*ch);
  }
  DropExpired(*q);
  d.message_count = q->ready.size();
  MaybeUnblockQuorum(*q);
  ArmTtlTimer(*q);
  return std::optional<Delivery>(std::move(d));
}

}  // namespace warren::internal
