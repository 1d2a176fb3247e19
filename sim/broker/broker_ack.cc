// basic.ack / nack / reject / recover and requeueing.
#include <algorithm>

#include "sim/core/strings.h"
#include "sim/broker/broker.h"
#include "sim/core/check.h"
#include "sim/amqp/methods.h"

namespace warren::internal {

absl::StatusOr<TagList> Broker::CollectTags(ChannelState& ch, uint64_t tag, bool multiple,
                                            MethodId m) {
  TagList tags;
  const Unacked* outstanding = ch.unacked.Find(tag);
  if (!(multiple && tag == 0) && (outstanding == nullptr || outstanding->in_tx)) {
    return Fail(ch, ReplyCode::kPreconditionFailed, Cat("unknown delivery tag ", tag), m);
  }
  if (!multiple) {
    tags.push_back(tag);
    return tags;
  }
  ch.unacked.ForEach([&](uint64_t t, const Unacked& u) {
    if (tag != 0 && t > tag) return false;
    if (!u.in_tx) tags.push_back(t);
    return true;
  });
  return tags;
}

Unacked Broker::TakeUnacked(ChannelState& ch, uint64_t tag) {
  Unacked u = ch.unacked.Take(tag);
  if (u.consumer != 0) {
    --ch.global_unacked;
    if (Consumer* c = ch.ConsumerByIndex(u.consumer)) --c->unacked;
  }
  if (Queue* q = FindQueueById(u.queue_id)) --q->unacked;
  return u;
}

void Broker::SettleAck(ChannelState& ch, absl::Span<const uint64_t> tags) {
  for (uint64_t t : tags) {
    Unacked u = TakeUnacked(ch, t);
    ledger_.Move(u.envelope.copy, CopyState::kUnacked, CopyState::kAcked, "ack", Now());
    if (tracer_.enabled()) {
      const Queue* q = FindQueueById(u.queue_id);
      Trace(TraceKind::kAcked, u.envelope.message->id(), q ? q->name : "", ch.label,
            Cat("tag ", t), u.envelope.copy);
    }
  }
}

void Broker::SettleReject(ChannelState& ch, absl::Span<const uint64_t> tags, bool requeue) {
  std::vector<Unacked> items;
  for (uint64_t t : tags) items.push_back(TakeUnacked(ch, t));
  if (requeue) {
    Requeue(ch, std::move(items), ReturnKind::kNack);
    return;
  }
  for (Unacked& u : items) {
    Queue* q = FindQueueById(u.queue_id);
    if (q == nullptr) {
      ledger_.Move(u.envelope.copy, CopyState::kUnacked, CopyState::kDropped, "queue deleted",
                   Now());
      Trace(TraceKind::kDropped, u.envelope.message->id(), "", ch.label,
            "queue deleted; rejected after its queue was deleted", u.envelope.copy);
      continue;
    }
    Trace(TraceKind::kRejected, u.envelope.message->id(), q->name, ch.label, "requeue=false",
          u.envelope.copy);
    DeadLetter(*q, std::move(u.envelope), DeathReason::kRejected, CopyState::kUnacked);
  }
}

absl::Status Broker::Ack(uint64_t id, uint64_t tag, bool multiple) {
  ChannelState* ch = OpenChannelOrNull(id);
  if (ch == nullptr) return Usable(id).status();
  if (!multiple && !ch->tx_mode) {
    // The usual case, without collecting a tag list.
    if (const Unacked* u = ch->unacked.Find(tag); u != nullptr && !u->in_tx) {
      SettleAck(*ch, {&tag, 1});
      UnblockConsumers(*ch);
      DispatchChannel(*ch);
      return absl::OkStatus();
    }
  }
  WARREN_ASSIGN_OR_RETURN(TagList tags, CollectTags(*ch, tag, multiple, methods::kBasicAck));
  if (ch->tx_mode) {
    for (uint64_t t : tags) ch->unacked.Find(t)->in_tx = true;
    ch->tx_ops.push_back({.kind = TxOp::Kind::kAck, .tags = {tags.begin(), tags.end()}});
    return absl::OkStatus();
  }
  SettleAck(*ch, tags);
  UnblockConsumers(*ch);
  DispatchChannel(*ch);
  return absl::OkStatus();
}

absl::Status Broker::Reject(uint64_t id, uint64_t tag, bool multiple, bool requeue,
                            MethodId method) {
  ChannelState* ch = OpenChannelOrNull(id);
  if (ch == nullptr) return Usable(id).status();
  WARREN_ASSIGN_OR_RETURN(TagList tags, CollectTags(*ch, tag, multiple, method));
  if (ch->tx_mode) {
    for (uint64_t t : tags) ch->unacked.Find(t)->in_tx = true;
    ch->tx_ops.push_back(
        {.kind = requeue ? TxOp::Kind::kRequeue : TxOp::Kind::kReject, .tags = {tags.begin(), tags.end()}});
    return absl::OkStatus();
  }
  SettleReject(*ch, tags, requeue);
  UnblockConsumers(*ch);
  DispatchChannel(*ch);
  return absl::OkStatus();
}

absl::Status Broker::Recover(uint64_t id, bool requeue) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  if (!requeue) {
    return Fail(*ch, ReplyCode::kNotImplemented, "requeue=false", methods::kBasicRecover);
  }
  // Deliveries acked or rejected inside an open transaction are no longer
  // outstanding (rabbit_channel drops them from its unacked queue at the
  // basic.ack); basic.recover leaves them to the commit or rollback.
  std::vector<uint64_t> tags;
  ch->unacked.ForEach([&](uint64_t t, const Unacked& u) {
    if (!u.in_tx) tags.push_back(t);
    return true;
  });
  std::vector<Unacked> items;
  for (uint64_t t : tags) items.push_back(TakeUnacked(*ch, t));
  Requeue(*ch, std::move(items), ReturnKind::kNack);
  UnblockConsumers(*ch);
  DispatchChannel(*ch);
  return absl::OkStatus();
}

void Broker::Requeue(ChannelState& ch, std::vector<Unacked> items, ReturnKind kind) {
  std::vector<uint64_t> touched;
  for (Unacked& u : items) {
    Queue* q = FindQueueById(u.queue_id);
    Envelope& e = u.envelope;
    if (q == nullptr) {
      ledger_.Move(e.copy, CopyState::kUnacked, CopyState::kDropped, "queue deleted", Now());
      Trace(TraceKind::kDropped, e.message->id(), "", ch.label,
            "queue deleted; returned after its queue was deleted", e.copy);
      continue;
    }
    if (std::find(touched.begin(), touched.end(), q->id) == touched.end()) {
      touched.push_back(q->id);
    }
    if (q->CountReturn(e)) {
      DeadLetter(*q, std::move(e), DeathReason::kDeliveryLimit, CopyState::kUnacked);
      continue;
    }
    ledger_.Move(e.copy, CopyState::kUnacked, CopyState::kReady, "", Now());
    Trace(TraceKind::kRequeued, e.message->id(), q->name, ch.label,
          kind == ReturnKind::kClose ? "channel closed with the message unacked"
                                     : "nack/reject requeue=true",
          e.copy);
    q->Reinsert(std::move(e), kind == ReturnKind::kClose);
  }
  for (uint64_t qid : touched) {
    if (Queue* q = FindQueueById(qid)) {
      EnforceDropHead(*q);
      Dispatch(*q);
    }
  }
}

}  // namespace warren::internal
