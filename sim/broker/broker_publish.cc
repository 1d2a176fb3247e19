// basic.publish: validation, routing, mandatory returns, publisher confirms.
#include "sim/core/strings.h"
#include "absl/strings/str_join.h"
#include "sim/broker/broker.h"
#include "sim/amqp/expiration.h"
#include "sim/amqp/message_store.h"
#include "sim/amqp/methods.h"
#include "sim/amqp/property_codec.h"

namespace warren::internal {
namespace {

// Routing keys carried by a CC or BCC header, or the 406 text when the
// header is not an array. Non-string elements are ignored.
std::optional<std::string> HeaderRoutes(const FieldTable* headers, std::string_view key,
                                        std::vector<std::string>& out) {
  if (headers == nullptr) return std::nullopt;
  const FieldValue* v = headers->Find(key);
  if (v == nullptr) return std::nullopt;
  if (v->type() != FieldType::kArray) {
    return Cat("invalid message: {unacceptable_type_in_header,\"", key, "\",",
                        FieldTypeName(v->type()), "}");
  }
  for (const FieldValue& k : v->as_array()) {
    if (k.type() == FieldType::kLongString) out.push_back(k.as_string());
  }
  return std::nullopt;
}

}  // namespace

absl::Status Broker::ConfirmSelect(uint64_t id) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  if (ch->tx_mode) {
    return Fail(*ch, ReplyCode::kPreconditionFailed, "cannot switch from tx to confirm mode",
                methods::kConfirmSelect);
  }
  ch->confirm_mode = true;
  return absl::OkStatus();
}

absl::StatusOr<PublishReceipt> Broker::Publish(uint64_t id, const Publishing& p) {
  ChannelState* ch = OpenChannelOrNull(id);
  if (ch == nullptr) return Usable(id).status();
  const MethodId m = methods::kBasicPublish;
  if (p.immediate) return Fail(*ch, ReplyCode::kNotImplemented, "immediate=true", m);
  if (p.body.size() > options_.max_message_size) {
    return Fail(*ch, ReplyCode::kPreconditionFailed,
                Cat("message size ", p.body.size(),
                             " is larger than configured max size ", options_.max_message_size),
                m);
  }
  Exchange* x = FindExchangeCached(*ch, p.exchange);
  if (x == nullptr) {
    return Fail(*ch, ReplyCode::kNotFound, Cat("no ", ExchangeResource(p.exchange)), m);
  }
  if (x->internal) {
    return Fail(*ch, ReplyCode::kAccessRefused,
                Cat("cannot publish to internal ", ExchangeResource(p.exchange)), m);
  }
  if (p.properties.user_id && *p.properties.user_id != ch->connection_state->user) {
    return Fail(*ch, ReplyCode::kPreconditionFailed,
                Cat("user_id property set to '", *p.properties.user_id,
                             "' but authenticated user was '", ch->connection_state->user, "'"),
                m);
  }
  std::optional<int64_t> expiration_ms;
  if (p.properties.expiration) {
    auto parsed = ParseExpiration(*p.properties.expiration);
    if (const int64_t* ms = std::get_if<int64_t>(&parsed)) expiration_ms = *ms;
    if (auto* reason = std::get_if<std::string>(&parsed)) {
      return Fail(*ch, ReplyCode::kPreconditionFailed,
                  Cat("invalid expiration '", *p.properties.expiration, "': ", *reason),
                  m);
    }
  }

  std::vector<std::string> extra_keys;  // CC, then BCC
  if (const FieldTable* headers = p.properties.headers ? &*p.properties.headers : nullptr) {
    for (std::string_view h : {std::string_view("CC"), std::string_view("BCC")}) {
      if (auto err = HeaderRoutes(headers, h, extra_keys)) {
        return Fail(*ch, ReplyCode::kPreconditionFailed, *err, m);
      }
    }
  }
  if (p.properties.delivery_mode && *p.properties.delivery_mode != 1 &&
      *p.properties.delivery_mode != 2) {
    return Fail(*ch, ReplyCode::kPreconditionFailed,
                Cat("invalid message: {delivery_mode_unknown,",
                             *p.properties.delivery_mode, "}"),
                m);
  }
  if (p.properties.reply_to && *p.properties.reply_to == "amq.rabbitmq.reply-to") {
    return PublishWithReplyTo(*ch, p);
  }
  if (x->name.empty() && IsReplyName(p.routing_key) && !ReplyNameDecodes(p.routing_key)) {
    // The channel crashes decoding the name: nothing is published.
    return Fail(*ch, ReplyCode::kInternalError, "", m);
  }
  // A publish is work for the Run* bounds (a callback publishing in a loop).
  scheduler_.Charge(1);
  if (scheduler_.over_budget()) {
    return absl::ResourceExhaustedError(
        "the running Run* call's event bound is spent (this callback keeps publishing); the "
        "publish was not made");
  }
  if (ledger_.live() >= options_.max_live_messages) return LiveBoundReached();
  WARREN_ASSIGN_OR_RETURN(MessageRef ref, CreateMessage(p, expiration_ms, extra_keys));

  ledger_.Published();
  if (p.properties.message_id.has_value()) [[unlikely]] {
    ledger_.NamedByApplication(*p.properties.message_id, ref->id());
  }
  PublishReceipt receipt{ref->id(), ch->confirm_mode ? ch->next_publish_seq++ : 0};
  if (tracer_.enabled()) {
    tracer_.Emit(Now(), TraceKind::kPublished, ref->id(), "", ref->exchange(), ref->routing_key(),
                 ch->label, receipt.confirm_seq ? Cat("confirm seq ", receipt.confirm_seq) : "");
  }
  if (ch->tx_mode) {
    // Validated now; routed and delivered at tx.commit.
    ch->tx_ops.push_back({.kind = TxOp::Kind::kPublish, .message = ref, .mandatory = p.mandatory});
    return receipt;
  }
  if (x->name.empty() && IsReplyName(ref->routing_key())) {
    // Not a queue: straight to the channel that owns the reply name.
    DeliverReply(*ch, ref, p.mandatory, receipt.confirm_seq);
    return receipt;
  }
  QueueList targets = RouteFrom(x, *ref);
  CompletePublish(*ch, ref, targets, p.mandatory, receipt.confirm_seq);
  return receipt;
}

absl::StatusOr<PublishReceipt> Broker::PublishWithReplyTo(ChannelState& ch, const Publishing& p) {
  // rabbit_channel:maybe_set_fast_reply_to: only from a channel that
  // consumes amq.rabbitmq.reply-to; the name is its own.
  if (!ch.reply_consumer) {
    return Fail(ch, ReplyCode::kPreconditionFailed, "fast reply consumer does not exist",
                methods::kBasicPublish);
  }
  Publishing rewritten = p;
  rewritten.properties.reply_to = ch.reply_consumer->name;
  return Publish(ch.id, rewritten);
}

absl::StatusOr<MessageRef> Broker::CreateMessage(const Publishing& p,
                                                 std::optional<int64_t> expiration_ms,
                                                 const std::vector<std::string>& extra_keys) {
  if (p.properties.empty()) {  // the common case: nothing to size or check
    return MessageStore::Create(MessageId{next_message_id_++}, p.exchange, p.routing_key, p.body,
                                p.properties, 0, expiration_ms, extra_keys);
  }
  return CreateMessageWithProperties(p, expiration_ms, extra_keys);
}

absl::StatusOr<MessageRef> Broker::CreateMessageWithProperties(
    const Publishing& p, std::optional<int64_t> expiration_ms,
    const std::vector<std::string>& extra_keys) {
  auto create = [&](const BasicProperties& properties) -> absl::StatusOr<MessageRef> {
    std::string why;
    std::optional<size_t> size = EncodedPropertiesSize(properties, &why);
    if (!size) {
      // Cannot travel in a content header: a client library would refuse it.
      return absl::InvalidArgumentError(Cat(why, "; nothing was sent"));
    }
    return MessageStore::Create(MessageId{next_message_id_++}, p.exchange, p.routing_key, p.body,
                                properties, *size, expiration_ms, extra_keys);
  };
  if (p.properties.headers && p.properties.headers->Contains("BCC")) {
    // BCC keys route but are not stored (the publisher's value stays as
    // given). Not a std::optional on the common path: an empty
    // optional<BasicProperties> alone cost ~4 % of the core loop.
    BasicProperties without_bcc = p.properties;
    without_bcc.headers->Erase("BCC");
    return create(without_bcc);
  }
  return create(p.properties);
}

bool Broker::CompletePublish(ChannelState& ch, const MessageRef& ref,
                             const QueueList& targets, bool mandatory,
                             uint64_t confirm_seq) {
  bool ack = true;
  if (targets.empty()) {
    ledger_.Unroutable();
    ledger_.MessageDropped(ref->id(), mandatory ? "unroutable (returned)" : "unroutable");
    Trace(TraceKind::kUnroutable, ref->id(), "", ch.label,
          mandatory ? "unroutable (returned); 312 NO_ROUTE"
                    : "unroutable; dropped, no queue bound for it");
    if (mandatory) {
      ledger_.Returned();
      Trace(TraceKind::kReturned, ref->id(), "", ch.label, "312 NO_ROUTE");
      Later("basic.return", [this, cid = ch.id, cb = ch.on_return, ref] {
        const ChannelState* live = FindChannel(cid);
        if (live && live->open && *cb) {
          (*cb)(Return{312, "NO_ROUTE", std::string(ref->exchange()), std::string(ref->routing_key()), ref});
        }
      });
    }
  } else {
    if (tracer_.enabled()) {
      std::vector<std::string> names;
      for (const Queue* q : targets) names.push_back(q->name);
      Trace(TraceKind::kRouted, ref->id(), "", ch.label, absl::StrJoin(names, ","));
    }
    // Enqueue in discovery order. Targets stay valid: enqueueing never
    // deletes a queue.
    for (Queue* q : targets) {
      if (Enqueue(*q, ref) == EnqueueResult::kRejected) ack = false;
    }
  }
  if (confirm_seq != 0) {
    ledger_.Confirmed(ack);
    Trace(TraceKind::kConfirmed, ref->id(), "", ch.label,
          Cat(ack ? "basic.ack " : "basic.nack ", confirm_seq));
    Later("confirm", [this, cid = ch.id, cb = ch.on_confirm, seq = confirm_seq, ack] {
      const ChannelState* live = FindChannel(cid);
      if (live && live->open && *cb) (*cb)(Confirm{seq, false, ack});
    });
  }
  return ack;
}

}  // namespace warren::internal
