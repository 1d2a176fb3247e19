// The basic class on the wire, and what the broker sends on its own:
// deliveries, returns, publisher confirms, server-side channel closes and
// consumer cancels (the last only to clients whose capabilities ask).
#include "sim/amqp/message_store.h"
#include "sim/amqp/property_codec.h"
#include "sim/core/check.h"
#include "sim/core/coding.h"
#include "sim/core/strings.h"
#include "sim/wire/session.h"

namespace warren::internal::wire {
namespace {

constexpr uint16_t kBasicClass = 60;
const std::string_view kNoProperties("\x00\x00", 2);

std::string Encoded(const BasicProperties& p) {
  std::string why;
  std::optional<size_t> size = EncodedPropertiesSize(p, &why);
  WARREN_CHECK(size.has_value());  // the broker stored it, so it encodes
  std::string out(*size, '\0');
  EncodeProperties(p, out.data());
  return out;
}

}  // namespace

void Session::AppendContent(uint16_t channel, std::string_view properties, std::string_view body) {
  std::string header;
  header.reserve(12 + std::max<size_t>(properties.size(), 2));
  AppendU16(header, kBasicClass);
  AppendU16(header, 0);
  AppendU64(header, body.size());
  header.append(properties.empty() ? kNoProperties : properties);
  AppendFrame(output_, kFrameHeader, channel, header);
  const size_t chunk = frame_max_ - kFrameOverhead;
  for (size_t at = 0; at < body.size(); at += chunk) {
    AppendFrame(output_, kFrameBody, channel, body.substr(at, chunk));
  }
}

void Session::AppendDelivery(uint16_t channel, const Delivery& d) {
  MethodWriter(ids::kBasicDeliver)
      .ShortStr(d.consumer_tag)
      .LongLong(d.delivery_tag.value)
      .Bit(d.redelivered)
      .ShortStr(d.exchange())
      .ShortStr(d.routing_key())
      .AppendTo(output_, channel);
  if (d.delivered_properties) {
    AppendContent(channel, Encoded(*d.delivered_properties), d.body());
  } else {
    AppendContent(channel, MessageStore::EncodedProperties(*d.message), d.body());
  }
}

void Session::WireCallbacks(uint16_t number, Channel& ch) {
  std::shared_ptr<bool> alive = alive_;
  ch.OnReturn([this, alive, number](const Return& r) {
    if (!*alive || !channels_.contains(number)) return;
    MethodWriter(ids::kBasicReturn)
        .Short(r.reply_code)
        .ShortStr(r.reply_text)
        .ShortStr(r.exchange)
        .ShortStr(r.routing_key)
        .AppendTo(output_, number);
    AppendContent(number, MessageStore::EncodedProperties(*r.message), r.message->body());
  });
  ch.OnConfirm([this, alive, number](const Confirm& c) {
    if (!*alive || !channels_.contains(number)) return;
    MethodWriter(c.ack ? ids::kBasicAck : ids::kBasicNack)
        .LongLong(c.delivery_tag)
        .Bit(c.multiple)
        .Bit(false)  // basic.nack's requeue; basic.ack has one bit only
        .AppendTo(output_, number);
  });
  ch.OnClose([this, alive, number](const CloseReason& reason) {
    if (!*alive) return;
    if (ScopeOf(reason.code) == CloseScope::kConnection) {
      SendConnectionClose(reason);
      return;
    }
    auto it = channels_.find(number);
    if (it != channels_.end() && !it->second.closing) SendChannelClose(number, it->second, reason);
  });
  ch.OnCancel([this, alive, number](const std::string& tag) {
    if (!*alive || !channels_.contains(number)) return;
    // rabbit_channel sends basic.cancel only to clients that said they
    // understand it; the others' consumers just go quiet.
    if (!ClientCapability("consumer_cancel_notify")) return;
    MethodWriter(ids::kBasicCancel).ShortStr(tag).Bit(true).AppendTo(output_, number);
  });
}

void Session::OnBasic(uint16_t number, ChannelSlot& slot, const Method& m,
                      std::string_view properties, std::string_view body) {
  Channel& ch = *slot.channel;
  absl::Status s;
  switch (m.id()) {
    case ids::kBasicQos:
      s = ch.BasicQos({.prefetch_size = static_cast<uint32_t>(m.Number(0)),
                       .prefetch_count = static_cast<uint16_t>(m.Number(1)),
                       .global = m.Bit(2)});
      if (s.ok()) MethodWriter(ids::kBasicQosOk).AppendTo(output_, number);
      break;
    case ids::kBasicConsume: {
      std::shared_ptr<bool> alive = alive_;
      absl::StatusOr<std::string> tag = ch.BasicConsume(
          m.Text(1),
          [this, alive, number](const Delivery& d) {
            if (*alive && channels_.contains(number)) AppendDelivery(number, d);
          },
          {.consumer_tag = std::string(m.Text(2)), .no_ack = m.Bit(4), .exclusive = m.Bit(5),
           .arguments = m.Table(7)});
      s = tag.status();
      if (tag.ok() && !m.Bit(6)) {
        MethodWriter(ids::kBasicConsumeOk).ShortStr(*tag).AppendTo(output_, number);
      }
      break;
    }
    case ids::kBasicCancel:
      s = ch.BasicCancel(m.Text(0));
      if (s.ok() && !m.Bit(1)) {
        MethodWriter(ids::kBasicCancelOk).ShortStr(m.Text(0)).AppendTo(output_, number);
      }
      break;
    case ids::kBasicPublish: {
      if (blocked_ && !blocked_sent_) {
        // RabbitMQ tells a publisher it is blocked when it next publishes.
        MethodWriter(ids::kConnectionBlocked).ShortStr(*blocked_).AppendTo(output_, 0);
        blocked_sent_ = true;
      }
      if (std::string why = CheckPropertyBytes(properties.empty() ? kNoProperties : properties);
          !why.empty()) {
        // The channel process crashes decoding the properties: 541.
        notes_.push_back(Cat("channel ", number, ": basic.publish properties: ", why));
        return SendConnectionClose(CloseReason{ReplyCode::kInternalError, "INTERNAL_ERROR", 0, 0});
      }
      Publishing p{.exchange = std::string(m.Text(1)),
                   .routing_key = std::string(m.Text(2)),
                   .properties = DecodeProperties(properties.size() > 2 ? properties : ""),
                   .body = std::string(body),
                   .mandatory = m.Bit(3),
                   .immediate = m.Bit(4)};
      s = ch.BasicPublish(p).status();
      break;
    }
    case ids::kBasicGet: {
      absl::StatusOr<std::optional<Delivery>> got = ch.BasicGet(m.Text(1), m.Bit(2));
      s = got.status();
      if (!got.ok()) break;
      if (!got->has_value()) {
        MethodWriter(ids::kBasicGetEmpty).ShortStr("").AppendTo(output_, number);
        break;
      }
      const Delivery& d = **got;
      MethodWriter(ids::kBasicGetOk)
          .LongLong(d.delivery_tag.value)
          .Bit(d.redelivered)
          .ShortStr(d.exchange())
          .ShortStr(d.routing_key())
          .Long(static_cast<uint32_t>(d.message_count))
          .AppendTo(output_, number);
      AppendContent(number,
                    d.delivered_properties ? Encoded(*d.delivered_properties)
                                           : std::string(MessageStore::EncodedProperties(*d.message)),
                    d.body());
      break;
    }
    case ids::kBasicAck:
      s = ch.BasicAck(DeliveryTag{m.Number(0)}, m.Bit(1));
      break;
    case ids::kBasicReject:
      s = ch.BasicReject(DeliveryTag{m.Number(0)}, m.Bit(1));
      break;
    case ids::kBasicNack:
      s = ch.BasicNack(DeliveryTag{m.Number(0)}, m.Bit(1), m.Bit(2));
      break;
    case ids::kBasicRecoverAsync:
      s = ch.BasicRecover(m.Bit(0));
      break;
    case ids::kBasicRecover:
      s = ch.BasicRecover(m.Bit(0));
      if (s.ok()) MethodWriter(ids::kBasicRecoverOk).AppendTo(output_, number);
      break;
    default:
      // A method the server sends (basic.deliver, basic.get-ok, ...): the
      // channel process has no clause for it.
      return Fail(WireError{WireError::Kind::kClose, ReplyCode::kCommandInvalid,
                            "COMMAND_INVALID - unimplemented method", m.spec->class_id,
                            m.spec->method_id});
  }
  if (!s.ok()) Closed(number, slot, s);
}

}  // namespace warren::internal::wire
