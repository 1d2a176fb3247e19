#include "sim/wire/assembler.h"

#include "sim/core/coding.h"
#include "sim/core/strings.h"

namespace warren::internal::wire {
namespace {

WireError Unexpected(std::string text, uint16_t class_id, uint16_t method_id) {
  return WireError{WireError::Kind::kClose, ReplyCode::kUnexpectedFrame,
                   Cat("UNEXPECTED_FRAME - ", text), class_id, method_id};
}

}  // namespace

void Assembler::Feed(const Frame& frame, const Handler& done, std::optional<WireError>& error) {
  switch (state_) {
    case State::kMethod: {
      if (frame.type != kFrameMethod) {
        error = Unexpected("expected method frame, got non method frame instead", 0, 0);
        return;
      }
      std::optional<Method> m = DecodeMethod(frame.payload, error);
      if (!m) return;
      if (!m->spec->content) {
        done(*m, {}, {});
        return;
      }
      method_payload_.assign(frame.payload);
      content_class_ = m->spec->class_id;
      state_ = State::kHeader;
      return;
    }
    case State::kHeader: {
      const std::string expected = Cat("expected content header for class ", content_class_);
      if (frame.type != kFrameHeader) {
        error = Unexpected(Cat(expected, ", got non content header frame instead"),
                           content_class_, GetU16(method_payload_.data() + 2));
        return;
      }
      if (frame.payload.size() < 14) {
        error = WireError{WireError::Kind::kClose, ReplyCode::kFrameError,
                          Cat("FRAME_ERROR - type 2, all octets = ", ErlangBinary(frame.payload),
                              ": unknown_frame"),
                          0, 0};
        return;
      }
      const uint16_t klass = GetU16(frame.payload.data());
      const uint16_t weight = GetU16(frame.payload.data() + 2);
      const uint16_t method_id = GetU16(method_payload_.data() + 2);
      if (weight != 0) {
        error = Unexpected(Cat(expected, ", got non content header frame instead"),
                           content_class_, method_id);
        return;
      }
      if (klass != content_class_) {
        error = Unexpected(Cat(expected, ", got one for class ", klass, " instead"),
                           content_class_, method_id);
        return;
      }
      body_size_ = GetU64(frame.payload.data() + 4);
      properties_.assign(frame.payload.substr(12));
      received_ = 0;
      overrun_ = false;
      body_.clear();
      if (body_size_ == 0) {
        Complete(done, error);
        return;
      }
      state_ = State::kBody;
      return;
    }
    case State::kBody: {
      if (frame.type != kFrameBody) {
        error = Unexpected("expected content body, got non content body frame instead",
                           content_class_, GetU16(method_payload_.data() + 2));
        return;
      }
      if (overrun_) return;  // swallowed, as RabbitMQ 3.10.8 does
      received_ += frame.payload.size();
      if (body_.size() < max_body_) {
        body_.append(frame.payload.substr(0, max_body_ - body_.size()));
      }
      if (received_ == body_size_) {
        Complete(done, error);
      } else if (received_ > body_size_) {
        overrun_ = true;  // never completes; the next method frame is a 505
      }
      return;
    }
  }
}

void Assembler::Complete(const Handler& done, std::optional<WireError>& error) {
  state_ = State::kMethod;
  std::optional<Method> m = DecodeMethod(method_payload_, error);
  if (!m) return;
  done(*m, properties_, body_);
}

}  // namespace warren::internal::wire
