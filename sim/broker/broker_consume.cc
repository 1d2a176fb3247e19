// basic.qos, basic.consume, basic.cancel, basic.get.
#include <algorithm>

#include "sim/core/strings.h"
#include "sim/broker/broker.h"
#include "sim/amqp/methods.h"

namespace warren::internal {

absl::Status Broker::Qos(uint64_t id, const QosOptions& o) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  if (o.prefetch_size != 0) {
    return Fail(*ch, ReplyCode::kNotImplemented,
                Cat("prefetch_size!=0 (", o.prefetch_size, ")"), methods::kBasicQos);
  }
  if (o.global) {
    ch->global_prefetch = o.prefetch_count;
  } else {
    // rabbit_channel: a per-consumer qos also lifts the channel-wide limit.
    ch->prefetch_count = o.prefetch_count;
    ch->global_prefetch = 0;
  }
  UnblockConsumers(*ch);
  DispatchChannel(*ch);
  return absl::OkStatus();
}

absl::StatusOr<std::string> Broker::Consume(uint64_t id, std::string_view queue,
                                            DeliveryCallback cb, const ConsumeOptions& o) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  const MethodId m = methods::kBasicConsume;
  if (queue == "amq.rabbitmq.reply-to") return ConsumeReplyTo(*ch, std::move(cb), o);
  if (queue.empty() && ch->last_queue.empty()) {
    return Fail(*ch, ReplyCode::kNotFound, "no previously declared queue", m);
  }
  // The tag is checked before the queue is looked up (530 beats 404/405).
  if (!o.consumer_tag.empty() &&
      (ch->consumers.contains(o.consumer_tag) ||
       (ch->reply_consumer && ch->reply_consumer->tag == o.consumer_tag))) {
    return Fail(*ch, ReplyCode::kNotAllowed,
                Cat("attempt to reuse consumer tag '", o.consumer_tag, "'"), m);
  }
  WARREN_ASSIGN_OR_RETURN(Queue * q, UsableQueue(*ch, queue, m));
  std::string tag = o.consumer_tag.empty() ? ServerName("amq.ctag-") : o.consumer_tag;
  int64_t priority = 0;
  if (const FieldValue* p = o.arguments.Find("x-priority")) {
    if (!p->is_integer()) {
      return Fail(*ch, ReplyCode::kPreconditionFailed,
                  Cat("invalid arg 'x-priority' for ", QueueResource(q->name),
                               ": \"expected integer, got ", FieldTypeName(p->type()), "\""),
                  m);
    }
    priority = p->as_int();
  }
  if (q->is_quorum() && ch->global_prefetch != 0) {
    return Fail(*ch, ReplyCode::kNotImplemented,
                Cat(QueueResource(q->name), " does not support global qos"), m);
  }
  bool in_exclusive_use = q->exclusive_consumer ||
                          (o.exclusive && (!q->consumers.empty() || q->config.single_active_consumer));
  if (in_exclusive_use) {
    return Fail(*ch, ReplyCode::kAccessRefused,
                Cat(QueueResource(q->name), " in exclusive use"), m);
  }
  auto c = std::make_unique<Consumer>();
  c->tag = tag;
  c->tag_index = ch->InternTag(tag);
  c->queue_name = q->name;
  c->channel = ch->id;
  c->channel_state = ch;
  c->queue = q;
  c->no_ack = o.no_ack;
  c->exclusive = o.exclusive;
  c->priority = priority;
  c->prefetch = ch->prefetch_count;
  c->seq = ch->next_consumer_seq++;
  c->callback = std::move(cb);
  Consumer* raw = c.get();
  ch->consumer_by_tag[c->tag_index - 1] = raw;
  ch->consumers.emplace(tag, std::move(c));
  auto& list = q->consumers;
  if (q->config.single_active_consumer) {
    list.push_back(raw);
  } else {
    // Behind every consumer of the same or higher priority.
    auto pos = std::find_if(list.begin(), list.end(),
                            [&](const Consumer* other) { return other->priority < priority; });
    list.insert(pos, raw);
  }
  q->had_consumer = true;
  q->exclusive_consumer = o.exclusive;
  TouchExpires(*q);  // cancels the x-expires timer while consumed
  Dispatch(*q);
  return tag;
}

absl::Status Broker::Cancel(uint64_t id, std::string_view tag) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  if (ch->reply_consumer && ch->reply_consumer->tag == tag) {
    DropReplyConsumer(*ch);  // a new reply consume gets a new name
    return absl::OkStatus();
  }
  auto it = ch->consumers.find(std::string(tag));
  if (it == ch->consumers.end()) return absl::OkStatus();
  Queue* q = it->second->queue;
  Trace(TraceKind::kConsumerCancelled, {}, q->name, ch->label,
        Cat("basic.cancel ", tag, " by client"));
  RemoveConsumer(*ch, std::string(tag), /*notify_client=*/false);
  if (q->auto_delete && q->had_consumer && q->consumers.empty()) {
    DeleteQueue(*q, "auto-delete: last consumer gone");
    return absl::OkStatus();
  }
  Dispatch(*q);  // single active consumer: the next one takes over
  return absl::OkStatus();
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
  d.delivered_properties = q->DeliveredProperties(e, /*via_get=*/true);
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
  q->MaybeUnblockQuorum();
  ArmTtlTimer(*q);
  return std::optional<Delivery>(std::move(d));
}

}  // namespace warren::internal
