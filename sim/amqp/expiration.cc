#include "sim/amqp/expiration.h"

#include "sim/core/strings.h"

namespace warren::internal {

std::variant<int64_t, std::string> ParseExpiration(std::string_view text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) {
    negative = text[i] == '-';
    ++i;
  }
  size_t digits_start = i;
  // Saturate far above the limit; the exact value only matters below it.
  int64_t value = 0;
  bool huge = false;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
    if (value > 1'000'000'000'000'000) {
      huge = true;
    } else {
      value = value * 10 + (text[i] - '0');
    }
    ++i;
  }
  if (i == digits_start) return std::string("no_integer");
  std::string_view rest = text.substr(i);
  if (!rest.empty()) return Cat("{leftover_string,\"", rest, "\"}");
  std::string digits(text.substr(digits_start, i - digits_start));
  // Strip leading zeros for the report, as Erlang prints the integer.
  size_t nz = digits.find_first_not_of('0');
  std::string printed = nz == std::string::npos ? "0" : digits.substr(nz);
  if (negative && printed != "0") return Cat("{value_negative,-", printed, "}");
  if (huge || value > kMaxExpiryMs) return Cat("{value_too_large,", printed, "}");
  return value;
}

}  // namespace warren::internal
