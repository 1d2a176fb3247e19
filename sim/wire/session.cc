// The session's input side: the protocol header, frames, channel 0, and
// what each kind of error does to the connection.
#include "sim/wire/session.h"

#include "sim/core/strings.h"

namespace warren::internal::wire {
namespace {

constexpr std::string_view kProtocolHeader("AMQP\x00\x00\x09\x01", 8);
// AMQP 0-9 (1,1,0,9): RabbitMQ answers it as 0-9-1.
constexpr std::string_view kProtocolHeader09("AMQP\x01\x01\x00\x09", 8);

WireError CloseError(ReplyCode code, std::string text, uint16_t class_id = 0,
                     uint16_t method_id = 0) {
  return WireError{WireError::Kind::kClose, code, Cat(ReplyName(code), " - ", text), class_id,
                   method_id};
}

}  // namespace

Session::Session(Simulation& sim, const SessionOptions& options, std::string name)
    : sim_(sim), options_(options), name_(std::move(name)) {}

Session::~Session() {
  *alive_ = false;
  if (connection_ && connection_->is_open()) (void)connection_->Close();
}

uint64_t Session::unacked() const {
  uint64_t n = 0;
  for (const auto& [number, slot] : channels_) {
    if (slot.channel && slot.channel->is_open()) n += slot.channel->unacked_count();
  }
  return n;
}

void Session::OnBytes(std::string_view bytes) {
  if (state_ == State::kClosed || action_ == SocketAction::kCloseNow ||
      action_ == SocketAction::kCloseAfterSilence) {
    return;  // past the point where RabbitMQ reads anything
  }
  if (state_ == State::kProtocolHeader) {
    size_t take = std::min(bytes.size(), kProtocolHeader.size() - header_.size());
    header_.append(bytes.substr(0, take));
    bytes.remove_prefix(take);
    if (header_.size() < kProtocolHeader.size()) return;
    OnProtocolHeader();
    if (state_ != State::kStartOk) return;
  }
  reader_.Feed(bytes);
  while (state_ != State::kClosed && action_ != SocketAction::kCloseNow &&
         action_ != SocketAction::kCloseAfterSilence && !paused()) {
    std::optional<WireError> error;
    std::optional<Frame> frame = reader_.Next(error);
    if (error) {
      Fail(*error);
      return;
    }
    if (!frame) return;
    OnFrame(*frame);
  }
}

void Session::OnProtocolHeader() {
  if (header_ != kProtocolHeader && header_ != kProtocolHeader09) {
    // rabbit_reader: anything else gets our own header back, then a reset.
    output_.append(kProtocolHeader);
    action_ = SocketAction::kCloseNow;
    state_ = State::kClosed;
    notes_.push_back(Cat("protocol header ", ErlangBytes(header_),
                         " is not AMQP 0-9-1: answered with ours and closed"));
    return;
  }
  SendStart();
  state_ = State::kStartOk;
}

void Session::OnFrame(const Frame& frame) {
  if (frame.type == kFrameHeartbeat) {
    if (frame.channel != 0) {
      return Fail(CloseError(ReplyCode::kUnexpectedFrame, "type 8, all octets = <<>>"));
    }
    return;  // heartbeats are the transport's business
  }
  if (frame.type != kFrameMethod && frame.type != kFrameHeader && frame.type != kFrameBody) {
    return Fail(WireError{WireError::Kind::kClose, ReplyCode::kFrameError,
                          Cat("FRAME_ERROR - type ", static_cast<int>(frame.type), ", ",
                              frame.payload.size() <= 16 ? "all" : "first 16", " octets = ",
                              ErlangBinary(frame.payload.substr(0, 16)), ": unknown_frame"),
                          0, 0});
  }
  if (state_ == State::kClosing) {
    // After our connection.close: only channel 0's close and close-ok count.
    if (frame.channel != 0 || frame.type != kFrameMethod) return;
    std::optional<WireError> error;
    std::optional<Method> m = DecodeMethod(frame.payload, error);
    if (error && error->kind == WireError::Kind::kCrash) return Fail(*error);
    if (!m) return;
    if (m->id() == ids::kConnectionCloseOk) {
      action_ = SocketAction::kCloseNow;
      state_ = State::kClosed;
    } else if (m->id() == ids::kConnectionClose) {
      MethodWriter(ids::kConnectionCloseOk).AppendTo(output_, 0);
    }
    return;
  }
  if (frame.channel != 0) return OnChannelFrame(frame);
  if (frame.type != kFrameMethod) {
    return Fail(CloseError(ReplyCode::kUnexpectedFrame,
                           Cat("type ", static_cast<int>(frame.type), ", ",
                               frame.payload.size() <= 16 ? "all" : "first 16", " octets = ",
                               ErlangBinary(frame.payload.substr(0, 16)))));
  }
  std::optional<WireError> error;
  std::optional<Method> m = DecodeMethod(frame.payload, error);
  if (error) {
    // A bad method on channel 0 while running is a generic error to
    // handle_method0: 541 without class and method.
    if (state_ == State::kRunning && error->kind == WireError::Kind::kClose) {
      error = WireError{WireError::Kind::kClose, ReplyCode::kInternalError, "INTERNAL_ERROR", 0, 0};
    }
    if (state_ != State::kRunning && state_ != State::kAwaitOpen) {
      error->kind = WireError::Kind::kSilent;
    }
    return Fail(*error);
  }
  OnConnectionMethod(*m);
}

void Session::OnConnectionMethod(const Method& m) {
  const uint32_t id = m.id();
  if (id == ids::kConnectionClose && state_ != State::kStartOk && state_ != State::kTuneOk) {
    // The client closes: every channel goes (unacked deliveries requeue),
    // then close-ok; the client drops the socket.
    if (connection_ && connection_->is_open()) (void)connection_->Close();
    MethodWriter(ids::kConnectionCloseOk).AppendTo(output_, 0);
    state_ = State::kClosed;
    action_ = SocketAction::kCloseAfterClose;
    return;
  }
  switch (state_) {
    case State::kStartOk:
      if (id == ids::kConnectionStartOk) return OnStartOk(m);
      break;
    case State::kTuneOk:
      if (id == ids::kConnectionTuneOk) return OnTuneOk(m);
      break;
    case State::kAwaitOpen:
      if (id == ids::kConnectionOpen) return OnOpen(m);
      break;
    case State::kRunning:
      if (id == ids::kConnectionUpdateSecret) {
        // The internal auth backend's secrets never expire: accepted.
        MethodWriter(ids::kConnectionUpdateSecretOk).AppendTo(output_, 0);
        return;
      }
      if (id == ids::kConnectionCloseOk) return;  // nothing to acknowledge
      return Fail(CloseError(ReplyCode::kChannelError,
                             "unexpected method in connection state running",
                             m.spec->class_id, m.spec->method_id));
    default:
      break;
  }
  // Before connection.open, RabbitMQ's handler for an unexpected method is
  // its catch-all: no frame, the socket goes after 3 s.
  Fail(WireError{WireError::Kind::kSilent, ReplyCode::kCommandInvalid,
                 Cat("unexpected ", m.spec->name, " during the handshake"), 0, 0});
}

void Session::Fail(const WireError& error) {
  CloseReason reason{error.code, error.text, error.class_id, error.method_id};
  switch (error.kind) {
    case WireError::Kind::kClose:
      SendConnectionClose(reason);
      return;
    case WireError::Kind::kFatal:
      SendConnectionClose(reason);
      action_ = SocketAction::kCloseAfterSilence;  // close-ok or not, RabbitMQ waits 3 s
      state_ = State::kClosed;
      return;
    case WireError::Kind::kSilent:
      notes_.push_back(Cat(error.text.empty() ? "a handshake error" : error.text,
                           ": RabbitMQ 3.10.8 sends no frame here and resets the socket after 3 s"));
      if (connection_ && connection_->is_open()) (void)connection_->Close();
      action_ = SocketAction::kCloseAfterSilence;
      state_ = State::kClosed;
      return;
    case WireError::Kind::kCrash:
      notes_.push_back(Cat(error.text,
                           ": RabbitMQ 3.10.8's connection process crashes here, so the socket "
                           "was reset without a close frame"));
      if (connection_ && connection_->is_open()) (void)connection_->Close();
      action_ = SocketAction::kCloseNow;
      state_ = State::kClosed;
      return;
  }
}

void Session::SendConnectionClose(const CloseReason& reason) {
  if (state_ == State::kClosing || state_ == State::kClosed) return;
  if (connection_ && connection_->is_open()) (void)connection_->ForceClose(reason);
  MethodWriter(ids::kConnectionClose)
      .Short(static_cast<uint16_t>(reason.code))
      .ShortStr(WireReplyText(reason.text))
      .Short(reason.class_id)
      .Short(reason.method_id)
      .AppendTo(output_, 0);
  state_ = State::kClosing;
  action_ = SocketAction::kCloseAfterClose;
}

void Session::OnPeerGone() {
  if (connection_ && connection_->is_open()) (void)connection_->Close();
  state_ = State::kClosed;
  action_ = SocketAction::kCloseNow;
}

void Session::ForceClose(const CloseReason& reason) {
  if (state_ != State::kRunning && state_ != State::kAwaitOpen) {
    OnPeerGone();
    return;
  }
  SendConnectionClose(reason);
}

void Session::SetBlocked(std::optional<std::string> reason) {
  if (!ClientCapability("connection.blocked")) return;
  if (!reason && blocked_sent_) {
    MethodWriter(ids::kConnectionUnblocked).AppendTo(output_, 0);
    blocked_sent_ = false;
    blocked_.reset();
    OnBytes("");  // the frames read before the block, then the socket again
    return;
  }
  blocked_ = std::move(reason);  // blocked goes out at the next publish, as in RabbitMQ
}

}  // namespace warren::internal::wire
