// AMQP 0-9-1 frames: type, channel, payload size, payload, end octet 0xCE.
// FrameReader cuts frames out of a byte stream that arrives in pieces,
// checking sizes and end octets as RabbitMQ 3.10.8's reader does; the
// Append* functions build frames for the server's replies. No I/O here.
#ifndef WARREN_SIM_WIRE_FRAMES_H_
#define WARREN_SIM_WIRE_FRAMES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "warren/reply_code.h"

namespace warren::internal::wire {

inline constexpr uint8_t kFrameMethod = 1;
inline constexpr uint8_t kFrameHeader = 2;
inline constexpr uint8_t kFrameBody = 3;
inline constexpr uint8_t kFrameHeartbeat = 8;
inline constexpr uint8_t kFrameEnd = 0xCE;
// Frame size before connection.tune-ok (RabbitMQ's initial_frame_max).
inline constexpr uint32_t kFrameMinSize = 4096;
// Header (7 bytes) and end octet: what a frame adds to its payload.
inline constexpr uint32_t kFrameOverhead = 8;

// What a broken stream earns, as RabbitMQ answers it.
struct WireError {
  enum class Kind {
    kClose,   // connection.close with the reply below; wait for close-ok
    kFatal,   // connection.close, then the socket goes after 3 s whatever the client does
    kSilent,  // no frame at all; the socket goes after 3 s (errors before connection.open)
    kCrash,   // RabbitMQ's connection process crashes: the socket resets, no frame
  };
  Kind kind = Kind::kClose;
  ReplyCode code = ReplyCode::kInternalError;
  std::string text;  // full reply text, "FRAME_ERROR - ..."
  uint16_t class_id = 0;
  uint16_t method_id = 0;
};

struct Frame {
  uint8_t type = 0;
  uint16_t channel = 0;
  std::string_view payload;  // valid until the reader's next call
};

class FrameReader {
 public:
  // The largest payload accepted: frame_max (RabbitMQ allows payload up to
  // frame_max, the 8 bytes of overhead being its "fudge"), or 0 for none.
  void set_frame_max(uint32_t frame_max) { frame_max_ = frame_max; }
  // Whether the connection is past tune-ok (before it, an oversized frame
  // is a silent close rather than a FRAME_ERROR).
  void set_tuned(bool tuned) { tuned_ = tuned; }

  // Appends bytes from the socket.
  void Feed(std::string_view bytes) { buffer_.append(bytes); }
  // The next whole frame, nullopt when more bytes are needed; sets `error`
  // (and returns nullopt) on a framing error, after which nothing more is read.
  std::optional<Frame> Next(std::optional<WireError>& error);
  // Bytes received but not yet consumed (a partial frame).
  size_t buffered() const { return buffer_.size() - consumed_; }

 private:
  std::string buffer_;
  size_t consumed_ = 0;
  uint32_t frame_max_ = kFrameMinSize;
  bool tuned_ = false;
  bool failed_ = false;
};

// Appends one frame.
void AppendFrame(std::string& out, uint8_t type, uint16_t channel, std::string_view payload);
void AppendHeartbeat(std::string& out);

// Erlang's ~p of a binary, as RabbitMQ's frame-error texts print payloads:
// <<"abc">> when every byte is printable Latin-1, else <<1,2,3>>. (Erlang
// also wraps long terms at about 80 columns; Warren does not.)
std::string ErlangBinary(std::string_view bytes);
// ~w of a binary: always <<1,2,3>> (the "cannot decode" texts).
std::string ErlangBytes(std::string_view bytes);

// A reply text as RabbitMQ puts it on the wire: at most 255 bytes, a longer
// one cut to its first 252 and "...".
std::string WireReplyText(std::string_view text);

}  // namespace warren::internal::wire

#endif  // WARREN_SIM_WIRE_FRAMES_H_
