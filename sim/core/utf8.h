// UTF-8 checks for text Warren writes: JSON must be valid UTF-8, and a
// terminal must not receive raw control bytes (ANSI escapes in a queue name)
// from names that are, to AMQP, arbitrary bytes.
#ifndef WARREN_SIM_CORE_UTF8_H_
#define WARREN_SIM_CORE_UTF8_H_

#include <cstddef>
#include <string>
#include <string_view>

namespace warren::internal {

// The length of the well-formed UTF-8 sequence at s[i] (1 to 4), or 0 when
// the bytes there are not one (RFC 3629: no overlongs, no surrogates, at
// most U+10FFFF).
size_t Utf8SequenceAt(std::string_view s, size_t i);

// `s` for a terminal: bytes below 0x20, 0x7f and bytes that are not
// well-formed UTF-8 become \xNN (a backslash stays as it is: patterns and
// keys show as written).
std::string PrintableText(std::string_view s);

// The longest prefix of `s` of at most `max` bytes that ends on a code
// point boundary.
std::string_view Utf8Prefix(std::string_view s, size_t max);

}  // namespace warren::internal

#endif  // WARREN_SIM_CORE_UTF8_H_
