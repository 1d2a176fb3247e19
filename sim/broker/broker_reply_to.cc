// Direct reply-to (amq.rabbitmq.reply-to), as rabbit_channel and
// rabbit_direct_reply_to do it in 3.10: a channel consumes the pseudo-queue
// with no_ack; a publish from that channel with reply_to
// "amq.rabbitmq.reply-to" gets it rewritten to the channel's own reply name;
// a publish to the default exchange with that name as its routing key is
// delivered straight to the consumer, no queue in between. RabbitMQ's
// quirks are kept: a reply carries the channel's next delivery tag without
// taking it, a mandatory reply is delivered and also returned NO_ROUTE,
// declaring the channel's own reply name from that channel is a 541, and so
// is declaring or publishing to a reply name whose pid part does not decode
// (its channel process crashes decoding it: the connection closes).
#include "absl/strings/escaping.h"
#include "sim/amqp/methods.h"
#include "sim/broker/broker.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

constexpr std::string_view kPrefix = "amq.rabbitmq.reply-to.";

// The pid part of a reply name encodes an Erlang pid (term_to_binary, with
// the node renamed "reply@<hash>"); this is the hash Warren's node shows.
constexpr std::string_view kReplyNode = "reply@2486809";

// Whether RabbitMQ 3.10's rabbit_direct_reply_to:decode_reply_to_v2 gets a
// pid out of `name`: "<base64 of a pid term>.<key>". Anything else crashes
// the channel process that tries (pid_recomposition: case_clause).
bool DecodableReplyName(std::string_view name) {
  std::string_view rest = name.substr(kPrefix.size());
  const size_t dot = rest.find('.');
  if (dot == std::string_view::npos) return false;
  std::string term;
  if (!absl::Base64Unescape(absl::string_view(rest.data(), dot), &term)) return false;
  // 131 (version), then NEW_PID_EXT 'X' or PID_EXT 'g', then the node atom.
  return term.size() >= 3 && static_cast<uint8_t>(term[0]) == 131 &&
         (term[1] == 'X' || term[1] == 'g');
}

}  // namespace

bool Broker::IsReplyName(std::string_view routing_key) const {
  return routing_key.substr(0, kPrefix.size()) == kPrefix;
}

bool Broker::ReplyNameDecodes(std::string_view name) const { return DecodableReplyName(name); }

std::string Broker::NewReplyName() {
  // NEW_PID_EXT: 131, 'X', the node as ATOM_UTF8_EXT ('v', u16 length,
  // bytes), then id, serial and creation as u32 each.
  std::string pid{static_cast<char>(131), 'X', 'v', '\0',
                  static_cast<char>(kReplyNode.size())};
  pid += kReplyNode;
  const uint32_t id = ++reply_pids_;
  for (uint32_t v : {id, uint32_t{0}, uint32_t{1}}) {
    for (int shift = 24; shift >= 0; shift -= 8) pid += static_cast<char>((v >> shift) & 0xff);
  }
  std::string key(16, '\0');
  for (char& c : key) c = static_cast<char>(random_.Uniform(256));
  return Cat(kPrefix, absl::Base64Escape(pid), ".", absl::Base64Escape(key));
}

absl::StatusOr<std::string> Broker::ConsumeReplyTo(ChannelState& ch, DeliveryCallback cb,
                                                   const ConsumeOptions& o) {
  const MethodId m = methods::kBasicConsume;
  if (!o.consumer_tag.empty() && ch.consumers.contains(o.consumer_tag)) {
    return Fail(ch, ReplyCode::kNotAllowed,
                Cat("attempt to reuse consumer tag '", o.consumer_tag, "'"), m);
  }
  if (!o.no_ack) {
    return Fail(ch, ReplyCode::kPreconditionFailed, "reply consumer cannot acknowledge", m);
  }
  if (ch.reply_consumer) {
    return Fail(ch, ReplyCode::kPreconditionFailed, "reply consumer already set", m);
  }
  std::string tag = o.consumer_tag.empty() ? ServerName("amq.ctag-") : o.consumer_tag;
  std::string name = NewReplyName();
  reply_channels_[name] = ch.id;
  ch.reply_consumer = ChannelState::ReplyConsumer{tag, name, std::move(cb)};
  return tag;
}

void Broker::DropReplyConsumer(ChannelState& ch) {
  if (!ch.reply_consumer) return;
  reply_channels_.erase(ch.reply_consumer->name);
  ch.reply_consumer.reset();
}

absl::StatusOr<QueueDeclareOk> Broker::DeclareReplyTo(ChannelState& ch, std::string_view name) {
  const MethodId m = methods::kQueueDeclare;
  if (name == "amq.rabbitmq.reply-to") return QueueDeclareOk{std::string(name), 0, 1};
  auto it = reply_channels_.find(std::string(name));
  if (it != reply_channels_.end()) {
    // rabbit_direct_reply_to asks the owning channel process; from that
    // very channel the call is to itself and crashes it: 541.
    if (it->second == ch.id) return Fail(ch, ReplyCode::kInternalError, "", m);
    return QueueDeclareOk{std::string(name), 0, 1};
  }
  if (!DecodableReplyName(name)) return Fail(ch, ReplyCode::kInternalError, "", m);
  return Fail(ch, ReplyCode::kNotFound, Cat("no ", QueueResource(name)), m);
}

void Broker::DeliverReply(ChannelState& from, const MessageRef& ref, bool mandatory,
                          uint64_t confirm_seq) {
  const std::string name(ref->routing_key());
  auto it = reply_channels_.find(name);
  ChannelState* to = it == reply_channels_.end() ? nullptr : FindChannel(it->second);
  if (to == nullptr || !to->open || !to->reply_consumer) {
    // The consumer is gone (or the name is garbage): dropped as unroutable.
    CompletePublish(from, ref, {}, mandatory, confirm_seq);
    return;
  }
  const uint64_t copy = ledger_.NewCopy(ref->id(), ledger_.QueueIndex(name), Now());
  ledger_.Move(copy, CopyState::kReady, CopyState::kAcked, "direct reply-to (no ack)", Now());
  Trace(TraceKind::kRouted, ref->id(), "", from.label, Cat("direct reply-to ", name));
  Trace(TraceKind::kDelivered, ref->id(), name, to->label,
        Cat("direct reply-to consumer ", to->reply_consumer->tag), copy);
  Trace(TraceKind::kAcked, ref->id(), name, to->label, "no-ack (direct reply-to)", copy);
  Later("basic.deliver (reply)", [this, cid = to->id, ref, name] {
    ChannelState* live = FindChannel(cid);
    if (live == nullptr || !live->open || !live->reply_consumer ||
        live->reply_consumer->name != name) {
      return;
    }
    Delivery d;
    d.consumer_tag = live->reply_consumer->tag;
    d.delivery_tag = DeliveryTag{live->next_tag};  // shown, not taken: RabbitMQ's quirk
    d.queue = name;
    d.message = ref;
    DeliveryCallback cb = live->reply_consumer->callback;  // the callback may cancel
    cb(d);
  });
  if (mandatory) {
    // rabbit_exchange:route finds no queue for a reply name, so a mandatory
    // reply is returned as well as delivered.
    ledger_.Returned();
    Trace(TraceKind::kReturned, ref->id(), "", from.label, "312 NO_ROUTE (direct reply-to)");
    Later("basic.return", [this, cid = from.id, cb = from.on_return, ref] {
      const ChannelState* live = FindChannel(cid);
      if (live && live->open && *cb) {
        (*cb)(Return{312, "NO_ROUTE", std::string(ref->exchange()),
                     std::string(ref->routing_key()), ref});
      }
    });
  }
  if (confirm_seq != 0) {
    ledger_.Confirmed(true);
    Trace(TraceKind::kConfirmed, ref->id(), "", from.label, Cat("basic.ack ", confirm_seq));
    Later("confirm", [this, cid = from.id, cb = from.on_confirm, seq = confirm_seq] {
      const ChannelState* live = FindChannel(cid);
      if (live && live->open && *cb) (*cb)(Confirm{seq, false, true});
    });
  }
}

}  // namespace warren::internal
