// Method frame payloads <-> methods, driven by the method table: decoding
// checks what RabbitMQ 3.10.8 checks (known ids, arguments that fill the
// payload exactly, UTF-8 short strings in methods without content, field
// tables with known tags); encoding builds the server's methods.
#ifndef WARREN_SIM_WIRE_METHOD_CODEC_H_
#define WARREN_SIM_WIRE_METHOD_CODEC_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "sim/wire/frames.h"
#include "sim/wire/method_table.h"
#include "warren/field_value.h"

namespace warren::internal::wire {

// One decoded argument. Strings and tables are views into the frame
// payload (valid while the frame is); tables stay encoded (u32 length
// included) and already checked, so DecodeTable can read them.
struct ArgValue {
  uint64_t number = 0;  // octet, short, long, longlong, bit, timestamp
  std::string_view text;  // shortstr, longstr; table: its encoding
};

struct Method {
  const MethodSpec* spec = nullptr;
  std::array<ArgValue, 10> args;  // in the table's order
  uint32_t id() const { return Id(spec->class_id, spec->method_id); }
  uint64_t Number(size_t i) const { return args[i].number; }
  bool Bit(size_t i) const { return args[i].number != 0; }
  std::string_view Text(size_t i) const { return args[i].text; }
  FieldTable Table(size_t i) const;
};

// The method in `payload`, or an error as RabbitMQ reports it: an unknown
// id or a bad table tag crash its connection process (kCrash); arguments
// that do not fill the payload exactly are 501 "cannot decode <<...>>";
// invalid UTF-8 in a short string of a method without content is 501
// "Malformed UTF-8 in shortstr".
std::optional<Method> DecodeMethod(std::string_view payload, std::optional<WireError>& error);

// Builds a method payload argument by argument, in the table's order.
class MethodWriter {
 public:
  explicit MethodWriter(uint32_t id);
  MethodWriter& Octet(uint8_t v);
  MethodWriter& Short(uint16_t v);
  MethodWriter& Long(uint32_t v);
  MethodWriter& LongLong(uint64_t v);
  MethodWriter& ShortStr(std::string_view v);  // REQUIRES: at most 255 bytes
  MethodWriter& LongStr(std::string_view v);
  MethodWriter& Bit(bool v);
  MethodWriter& Table(const FieldTable& t);  // REQUIRES: encodable
  // Appends the method frame on `channel` to `out`.
  void AppendTo(std::string& out, uint16_t channel);
  const std::string& payload() const { return payload_; }

 private:
  void EndBits() { bit_at_ = std::string::npos; }
  std::string payload_;
  size_t bit_at_ = std::string::npos;  // the octet collecting bits, if any
  int bit_ = 0;
};

}  // namespace warren::internal::wire

#endif  // WARREN_SIM_WIRE_METHOD_CODEC_H_
