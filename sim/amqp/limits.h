// The protocol's size limits, checked where a caller hands Warren a value
// that could not travel on the wire: names, routing keys, consumer tags and
// most properties are AMQP short strings (one length byte: at most 255
// bytes), and field tables may not nest deeper than kMaxNesting. A real
// client library refuses to encode such values, so a C++ caller gets
// INVALID_ARGUMENT and nothing is sent (no channel closes). Message
// properties are checked where they are encoded (property_codec.h).
#ifndef WARREN_SIM_AMQP_LIMITS_H_
#define WARREN_SIM_AMQP_LIMITS_H_

#include <cstddef>
#include <string_view>

#include "absl/status/status.h"
#include "warren/field_value.h"

namespace warren::internal {

inline constexpr size_t kMaxShortString = 255;
// Arrays and tables nested in a value, the outermost table counting as 1
// (rabbitmq-c decodes to the same depth). Scenario JSON has the same limit.
inline constexpr int kMaxNesting = 100;

absl::Status ShortStringTooLong(std::string_view what, size_t size);

// OK, or INVALID_ARGUMENT "<what> is N bytes; ..." when `value` is longer
// than an AMQP short string. (Inline: every publish asks twice.)
inline absl::Status CheckShortString(std::string_view what, std::string_view value) {
  if (value.size() <= kMaxShortString) [[likely]] return absl::OkStatus();
  return ShortStringTooLong(what, value.size());
}
// OK, or INVALID_ARGUMENT when the table cannot be encoded: a key longer
// than a short string, nesting deeper than kMaxNesting, an integer outside
// its type. Never recurses deeper than that.
absl::Status CheckFieldTable(std::string_view what, const FieldTable& table);

}  // namespace warren::internal

#endif  // WARREN_SIM_AMQP_LIMITS_H_
