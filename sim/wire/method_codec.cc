#include "sim/wire/method_codec.h"

#include "sim/amqp/field_codec.h"
#include "sim/core/check.h"
#include "sim/core/coding.h"
#include "sim/core/strings.h"
#include "sim/core/utf8.h"

namespace warren::internal::wire {
namespace {

bool ValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceAt(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

}  // namespace

FieldTable Method::Table(size_t i) const { return DecodeTable(args[i].text); }

std::optional<Method> DecodeMethod(std::string_view payload, std::optional<WireError>& error) {
  if (payload.size() < 4) {
    error = WireError{WireError::Kind::kClose, ReplyCode::kFrameError,
                      Cat("FRAME_ERROR - type 1, all octets = ", ErlangBinary(payload),
                          ": unknown_frame"),
                      0, 0};
    return std::nullopt;
  }
  const uint16_t class_id = GetU16(payload.data());
  const uint16_t method_id = GetU16(payload.data() + 2);
  const MethodSpec* spec = FindMethod(class_id, method_id);
  if (spec == nullptr) {
    error = WireError{WireError::Kind::kCrash, ReplyCode::kInternalError,
                      Cat("unknown method id ", class_id, "/", method_id), class_id, method_id};
    return std::nullopt;
  }
  Method m;
  m.spec = spec;
  const std::string_view args = payload.substr(4);
  ByteReader r(args);
  int bit = 8;  // bits left in the current octet
  uint8_t bits = 0;
  for (size_t i = 0; i < spec->args.size(); ++i) {
    ArgValue& v = m.args[i];
    const ArgType type = spec->args[i].type;
    if (type == ArgType::kBit) {
      if (bit == 8) {
        bits = r.U8();
        bit = 0;
      }
      v.number = (bits >> bit++) & 1;
      continue;
    }
    bit = 8;
    switch (type) {
      case ArgType::kOctet: v.number = r.U8(); break;
      case ArgType::kShort: v.number = r.U16(); break;
      case ArgType::kLong: v.number = r.U32(); break;
      case ArgType::kLongLong:
      case ArgType::kTimestamp: v.number = r.U64(); break;
      case ArgType::kShortStr:
        v.text = r.ShortString();
        if (r.ok() && !spec->content && !ValidUtf8(v.text)) {
          error = WireError{WireError::Kind::kClose, ReplyCode::kFrameError,
                            "FRAME_ERROR - Malformed UTF-8 in shortstr", 0, 0};
          return std::nullopt;
        }
        break;
      case ArgType::kLongStr: v.text = r.LongString(); break;
      case ArgType::kTable: {
        const char* start = r.position();
        uint32_t n = r.U32();
        (void)r.Bytes(n);
        if (!r.ok()) break;
        v.text = std::string_view(start, 4 + static_cast<size_t>(n));
        if (!CheckTableBytes(v.text).empty()) {
          // rabbit_binary_parser has no clause for the tag: the connection
          // process dies without a close frame.
          error = WireError{WireError::Kind::kCrash, ReplyCode::kInternalError,
                            Cat("a field table in ", spec->name, " does not parse: ",
                                CheckTableBytes(v.text)),
                            class_id, method_id};
          return std::nullopt;
        }
        break;
      }
      case ArgType::kBit: break;
    }
  }
  if (!r.ok() || !r.done()) {
    error = WireError{WireError::Kind::kClose, ReplyCode::kFrameError,
                      Cat("FRAME_ERROR - cannot decode ", ErlangBytes(args)), class_id, method_id};
    return std::nullopt;
  }
  return m;
}

MethodWriter::MethodWriter(uint32_t id) {
  AppendU16(payload_, static_cast<uint16_t>(id >> 16));
  AppendU16(payload_, static_cast<uint16_t>(id));
}

MethodWriter& MethodWriter::Octet(uint8_t v) {
  EndBits();
  AppendU8(payload_, v);
  return *this;
}
MethodWriter& MethodWriter::Short(uint16_t v) {
  EndBits();
  AppendU16(payload_, v);
  return *this;
}
MethodWriter& MethodWriter::Long(uint32_t v) {
  EndBits();
  AppendU32(payload_, v);
  return *this;
}
MethodWriter& MethodWriter::LongLong(uint64_t v) {
  EndBits();
  AppendU64(payload_, v);
  return *this;
}
MethodWriter& MethodWriter::ShortStr(std::string_view v) {
  EndBits();
  WARREN_CHECK(v.size() <= 255);
  AppendU8(payload_, static_cast<uint8_t>(v.size()));
  payload_.append(v);
  return *this;
}
MethodWriter& MethodWriter::LongStr(std::string_view v) {
  EndBits();
  AppendU32(payload_, static_cast<uint32_t>(v.size()));
  payload_.append(v);
  return *this;
}
MethodWriter& MethodWriter::Bit(bool v) {
  if (bit_at_ == std::string::npos || bit_ == 8) {
    bit_at_ = payload_.size();
    payload_.push_back('\0');
    bit_ = 0;
  }
  if (v) payload_[bit_at_] = static_cast<char>(payload_[bit_at_] | (1 << bit_));
  ++bit_;
  return *this;
}
MethodWriter& MethodWriter::Table(const FieldTable& t) {
  EndBits();
  std::string why;
  std::optional<size_t> size = EncodedTableSize(t, &why);
  WARREN_CHECK(size.has_value());
  size_t at = payload_.size();
  payload_.resize(at + *size);
  PutTable(t, payload_.data() + at);
  return *this;
}

void MethodWriter::AppendTo(std::string& out, uint16_t channel) {
  AppendFrame(out, kFrameMethod, channel, payload_);
}

}  // namespace warren::internal::wire
