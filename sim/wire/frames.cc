#include "sim/wire/frames.h"

#include "sim/core/coding.h"
#include "sim/core/strings.h"

namespace warren::internal::wire {
namespace {

// "type T, all octets = <<...>>" / "first 16 octets = ...", as
// rabbit_reader:frame_error prints a frame.
std::string FrameSnippet(uint8_t type, std::string_view payload) {
  bool all = payload.size() <= 16;
  return Cat("type ", static_cast<int>(type), ", ", all ? "all" : "first 16", " octets = ",
             ErlangBinary(all ? payload : payload.substr(0, 16)));
}

WireError FrameError(WireError::Kind kind, std::string text) {
  return WireError{kind, ReplyCode::kFrameError, Cat("FRAME_ERROR - ", text), 0, 0};
}

}  // namespace

std::optional<Frame> FrameReader::Next(std::optional<WireError>& error) {
  if (failed_) return std::nullopt;
  // Drop what the previous frames used once it is most of the buffer.
  if (consumed_ > 0 && consumed_ * 2 >= buffer_.size()) {
    buffer_.erase(0, consumed_);
    consumed_ = 0;
  }
  std::string_view rest(buffer_.data() + consumed_, buffer_.size() - consumed_);
  if (rest.size() < 7) return std::nullopt;
  const uint8_t type = static_cast<uint8_t>(rest[0]);
  const uint16_t channel = GetU16(rest.data() + 1);
  const uint32_t size = GetU32(rest.data() + 3);
  if (frame_max_ != 0 && size > frame_max_) {
    failed_ = true;
    if (!tuned_) {
      error = WireError{WireError::Kind::kSilent, ReplyCode::kFrameError, "", 0, 0};
    } else {
      error = FrameError(WireError::Kind::kFatal,
                         Cat(FrameSnippet(type, ""), ": {frame_too_large,", size, ",",
                             frame_max_ - kFrameOverhead, "}"));
    }
    return std::nullopt;
  }
  if (rest.size() < 7 + static_cast<size_t>(size) + 1) return std::nullopt;
  std::string_view payload = rest.substr(7, size);
  const uint8_t end = static_cast<uint8_t>(rest[7 + size]);
  if (end != kFrameEnd) {
    failed_ = true;
    error = FrameError(WireError::Kind::kFatal,
                       Cat(FrameSnippet(type, payload), ": {invalid_frame_end_marker,",
                           static_cast<int>(end), "}"));
    return std::nullopt;
  }
  consumed_ += 7 + size + 1;
  return Frame{type, channel, payload};
}

void AppendFrame(std::string& out, uint8_t type, uint16_t channel, std::string_view payload) {
  char header[7];
  PutU8(header, type);
  PutU16(header + 1, channel);
  PutU32(header + 3, static_cast<uint32_t>(payload.size()));
  out.append(header, 7);
  out.append(payload);
  out.push_back(static_cast<char>(kFrameEnd));
}

void AppendHeartbeat(std::string& out) { AppendFrame(out, kFrameHeartbeat, 0, ""); }

std::string ErlangBinary(std::string_view bytes) {
  if (bytes.empty()) return "<<>>";
  bool printable = true;
  for (unsigned char c : bytes) {
    // io_lib:printable_latin1_list: printable Latin-1 and the usual escapes.
    bool ok = (c >= 32 && c <= 126) || c >= 160 || c == '\n' || c == '\r' || c == '\t' ||
              c == '\v' || c == '\b' || c == '\f' || c == 27 || c == 7;
    if (!ok) {
      printable = false;
      break;
    }
  }
  if (!printable) return ErlangBytes(bytes);
  std::string out = "<<\"";
  for (unsigned char c : bytes) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case 27: out += "\\e"; break;
      case 7: out += "\\a"; break;
      default: out += static_cast<char>(c);  // Latin-1 bytes go out raw, as RabbitMQ's do
    }
  }
  return out + "\">>";
}

std::string ErlangBytes(std::string_view bytes) {
  std::string out = "<<";
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) out += ',';
    Append(&out, static_cast<int>(static_cast<unsigned char>(bytes[i])));
  }
  return out + ">>";
}

std::string WireReplyText(std::string_view text) {
  if (text.size() <= 255) return std::string(text);
  return Cat(text.substr(0, 252), "...");
}

}  // namespace warren::internal::wire
