// One channel's frame assembly, as rabbit_command_assembler does it: a
// method; for a content method (basic.publish) then a content header and
// as many body frames as the header announced. Out-of-order frames are 505
// UNEXPECTED_FRAME with RabbitMQ's texts. A body longer than announced is
// no error in RabbitMQ 3.10.8: the message is swallowed and the next method
// on the channel gets "expected content body" (and so here).
#ifndef WARREN_SIM_WIRE_ASSEMBLER_H_
#define WARREN_SIM_WIRE_ASSEMBLER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "sim/wire/frames.h"
#include "sim/wire/method_codec.h"

namespace warren::internal::wire {

class Assembler {
 public:
  // A complete command: the method, and for content methods the property
  // bytes (flags first) and the body. Views valid during the call only.
  using Handler =
      std::function<void(const Method&, std::string_view properties, std::string_view body)>;

  // `max_body`: bodies past this many bytes are kept only up to it (the
  // rest is dropped, memory stays bounded); `body_size()` still tells the
  // announced size.
  explicit Assembler(uint64_t max_body) : max_body_(max_body) {}

  // Feeds one frame of this channel (method, header or body). Calls
  // `done` for a complete command; sets `error` for a protocol error.
  void Feed(const Frame& frame, const Handler& done, std::optional<WireError>& error);

  // Whether a content method waits for its header or body.
  bool mid_content() const { return state_ != State::kMethod; }
  uint64_t body_size() const { return body_size_; }

 private:
  enum class State { kMethod, kHeader, kBody };
  void Complete(const Handler& done, std::optional<WireError>& error);

  uint64_t max_body_;
  State state_ = State::kMethod;
  std::string method_payload_;  // the content method, re-decoded when complete
  uint16_t content_class_ = 0;
  uint64_t body_size_ = 0;
  uint64_t received_ = 0;
  bool overrun_ = false;  // more body bytes arrived than announced
  std::string properties_;
  std::string body_;
};

}  // namespace warren::internal::wire

#endif  // WARREN_SIM_WIRE_ASSEMBLER_H_
