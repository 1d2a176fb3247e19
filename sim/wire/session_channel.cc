// Channel frames: the channel lifecycle (open, close both ways, frames on a
// closing channel), and the channel, exchange, queue, confirm and tx
// classes mapped onto the public Channel API. A refused call closes what
// RabbitMQ closes (the broker decided it); the session tells the client.
#include "sim/core/strings.h"
#include "sim/wire/session.h"

namespace warren::internal::wire {
namespace {

WireError Hard(ReplyCode code, std::string text, const MethodSpec* spec) {
  return WireError{WireError::Kind::kClose, code, Cat(ReplyName(code), " - ", text),
                   spec ? spec->class_id : uint16_t{0}, spec ? spec->method_id : uint16_t{0}};
}

}  // namespace

void Session::OnChannelFrame(const Frame& frame) {
  if (state_ == State::kAwaitOpen) {
    // Tuned but not open: rabbit_reader's "opening" state answers a frame
    // on a channel with a 505 naming the frame.
    return Fail(WireError{WireError::Kind::kClose, ReplyCode::kUnexpectedFrame,
                          Cat("UNEXPECTED_FRAME - type ", static_cast<int>(frame.type),
                              ", all octets = ", ErlangBinary(frame.payload.substr(0, 16))),
                          0, 0});
  }
  if (state_ != State::kRunning) {
    return Fail(WireError{WireError::Kind::kSilent, ReplyCode::kUnexpectedFrame,
                          "a channel frame before the handshake ended", 0, 0});
  }
  auto it = channels_.find(frame.channel);
  if (it == channels_.end()) {
    // rabbit_reader creates the channel process on the first frame of a new
    // number; only the number of channels is limited.
    if (channels_.size() >= channel_max_) {
      return Fail(Hard(ReplyCode::kNotAllowed,
                       Cat("number of channels opened (", channels_.size(),
                           ") has reached the negotiated channel_max (", channel_max_, ")"),
                       nullptr));
    }
    it = channels_.try_emplace(frame.channel, options_.max_message_size + 1).first;
  }
  ChannelSlot& slot = it->second;
  const uint16_t number = frame.channel;
  std::optional<WireError> error;
  slot.assembler.Feed(
      frame,
      [&](const Method& m, std::string_view properties, std::string_view body) {
        OnCommand(number, slot, m, properties, body);
      },
      error);
  // Freed only now: the assembler that called back belongs to the slot.
  if (slot.gone) channels_.erase(number);
  if (error) Fail(*error);
}

void Session::OnCommand(uint16_t number, ChannelSlot& slot, const Method& m,
                        std::string_view properties, std::string_view body) {
  const uint32_t id = m.id();
  if (slot.closing) {
    // After our channel.close only close, close-ok and a second open count.
    if (id == ids::kChannelCloseOk) {
      slot.gone = true;
    } else if (id == ids::kChannelClose) {
      MethodWriter(ids::kChannelCloseOk).AppendTo(output_, number);
    } else if (id == ids::kChannelOpen) {
      Fail(Hard(ReplyCode::kChannelError, "second 'channel.open' seen", m.spec));
    }
    return;
  }
  if (!slot.channel) {
    if (id == ids::kChannelOpen) return OnChannelOpen(number, &slot, m);
    return Fail(Hard(ReplyCode::kChannelError, "expected 'channel.open'", m.spec));
  }
  if (m.spec->class_id == 10) {
    return Fail(Hard(ReplyCode::kCommandInvalid, "unimplemented method", m.spec));
  }
  if (!m.spec->client_sends) {
    return Fail(Hard(ReplyCode::kCommandInvalid, "unimplemented method", m.spec));
  }
  Channel& ch = *slot.channel;
  absl::Status s;
  switch (id) {
    case ids::kChannelOpen:
      return Fail(Hard(ReplyCode::kChannelError, "second 'channel.open' seen", m.spec));
    case ids::kChannelFlow:
      if (!m.Bit(0)) return Fail(Hard(ReplyCode::kNotImplemented, "active=false", m.spec));
      MethodWriter(ids::kChannelFlowOk).Bit(true).AppendTo(output_, number);
      return;
    case ids::kChannelFlowOk:
    case ids::kChannelCloseOk:
      return Fail(Hard(ReplyCode::kCommandInvalid, "unimplemented method", m.spec));
    case ids::kChannelClose:
      (void)ch.Close();
      MethodWriter(ids::kChannelCloseOk).AppendTo(output_, number);
      slot.gone = true;
      return;
    case ids::kAccessRequest:
      MethodWriter(ids::kAccessRequestOk).Short(1).AppendTo(output_, number);
      return;
    case ids::kExchangeDeclare: {
      ExchangeDeclareOptions o{.type = std::string(m.Text(2)), .passive = m.Bit(3),
                               .durable = m.Bit(4), .auto_delete = m.Bit(5),
                               .internal = m.Bit(6), .arguments = m.Table(8)};
      s = ch.ExchangeDeclare(m.Text(1), o);
      if (s.ok() && !m.Bit(7)) MethodWriter(ids::kExchangeDeclareOk).AppendTo(output_, number);
      break;
    }
    case ids::kExchangeDelete:
      s = ch.ExchangeDelete(m.Text(1), m.Bit(2));
      if (s.ok() && !m.Bit(3)) MethodWriter(ids::kExchangeDeleteOk).AppendTo(output_, number);
      break;
    case ids::kExchangeBind:
    case ids::kExchangeUnbind: {
      bool bind = id == ids::kExchangeBind;
      s = bind ? ch.ExchangeBind(m.Text(1), m.Text(2), m.Text(3), m.Table(5))
               : ch.ExchangeUnbind(m.Text(1), m.Text(2), m.Text(3), m.Table(5));
      if (s.ok() && !m.Bit(4)) {
        MethodWriter(bind ? ids::kExchangeBindOk : ids::kExchangeUnbindOk).AppendTo(output_, number);
      }
      break;
    }
    case ids::kQueueDeclare: {
      QueueDeclareOptions o{.passive = m.Bit(2), .durable = m.Bit(3), .exclusive = m.Bit(4),
                            .auto_delete = m.Bit(5), .arguments = m.Table(7)};
      absl::StatusOr<QueueDeclareOk> ok = ch.QueueDeclare(m.Text(1), o);
      s = ok.status();
      if (ok.ok() && !m.Bit(6)) {
        MethodWriter(ids::kQueueDeclareOk)
            .ShortStr(ok->queue)
            .Long(static_cast<uint32_t>(ok->message_count))
            .Long(static_cast<uint32_t>(ok->consumer_count))
            .AppendTo(output_, number);
      }
      break;
    }
    case ids::kQueueBind:
      s = ch.QueueBind(m.Text(1), m.Text(2), m.Text(3), m.Table(5));
      if (s.ok() && !m.Bit(4)) MethodWriter(ids::kQueueBindOk).AppendTo(output_, number);
      break;
    case ids::kQueueUnbind:
      s = ch.QueueUnbind(m.Text(1), m.Text(2), m.Text(3), m.Table(4));
      if (s.ok()) MethodWriter(ids::kQueueUnbindOk).AppendTo(output_, number);
      break;
    case ids::kQueuePurge: {
      absl::StatusOr<uint64_t> n = ch.QueuePurge(m.Text(1));
      s = n.status();
      if (n.ok() && !m.Bit(2)) {
        MethodWriter(ids::kQueuePurgeOk).Long(static_cast<uint32_t>(*n)).AppendTo(output_, number);
      }
      break;
    }
    case ids::kQueueDelete: {
      absl::StatusOr<uint64_t> n =
          ch.QueueDelete(m.Text(1), {.if_unused = m.Bit(2), .if_empty = m.Bit(3)});
      s = n.status();
      if (n.ok() && !m.Bit(4)) {
        MethodWriter(ids::kQueueDeleteOk).Long(static_cast<uint32_t>(*n)).AppendTo(output_, number);
      }
      break;
    }
    case ids::kConfirmSelect:
      s = ch.ConfirmSelect();
      if (s.ok() && !m.Bit(0)) MethodWriter(ids::kConfirmSelectOk).AppendTo(output_, number);
      break;
    case ids::kTxSelect:
      s = ch.TxSelect();
      if (s.ok()) MethodWriter(ids::kTxSelectOk).AppendTo(output_, number);
      break;
    case ids::kTxCommit:
      s = ch.TxCommit();
      if (s.ok()) MethodWriter(ids::kTxCommitOk).AppendTo(output_, number);
      break;
    case ids::kTxRollback:
      s = ch.TxRollback();
      if (s.ok()) MethodWriter(ids::kTxRollbackOk).AppendTo(output_, number);
      break;
    default:
      return OnBasic(number, slot, m, properties, body);
  }
  if (!s.ok()) Closed(number, slot, s);
}

void Session::OnChannelOpen(uint16_t number, ChannelSlot* slot, const Method& m) {
  absl::StatusOr<Channel> ch = connection_->OpenChannel(number);
  if (!ch.ok()) {
    return Fail(Hard(ReplyCode::kInternalError, std::string(ch.status().message()), m.spec));
  }
  slot->channel = *ch;
  WireCallbacks(number, *slot->channel);
  MethodWriter(ids::kChannelOpenOk).LongStr("").AppendTo(output_, number);
}

void Session::Closed(uint16_t number, ChannelSlot& slot, const absl::Status& status) {
  if (connection_ && !connection_->is_open()) {
    std::optional<CloseReason> r = connection_->close_reason();
    SendConnectionClose(r ? *r : CloseReason{ReplyCode::kInternalError, "INTERNAL_ERROR", 0, 0});
    return;
  }
  if (slot.channel && !slot.channel->is_open()) {
    if (std::optional<CloseReason> r = slot.channel->close_reason()) {
      SendChannelClose(number, slot, *r);
      return;
    }
  }
  // Refused without closing anything: a C++ caller error the wire cannot
  // produce (a bound of the simulation, for one). Tell the client with the
  // closest RabbitMQ answer.
  notes_.push_back(Cat("channel ", number, ": ", status.message()));
  SendConnectionClose(CloseReason{ReplyCode::kInternalError,
                                  Cat("INTERNAL_ERROR - ", status.message()), 0, 0});
}

void Session::SendChannelClose(uint16_t number, ChannelSlot& slot, const CloseReason& reason) {
  if (slot.closing) return;
  slot.closing = true;
  MethodWriter(ids::kChannelClose)
      .Short(static_cast<uint16_t>(reason.code))
      .ShortStr(WireReplyText(reason.text))
      .Short(reason.class_id)
      .Short(reason.method_id)
      .AppendTo(output_, number);
}

}  // namespace warren::internal::wire
