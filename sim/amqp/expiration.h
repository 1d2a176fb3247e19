// Parsing of the `expiration` property (rabbit_basic:parse_expiration):
// decimal milliseconds read like Erlang's string:to_integer, whole string,
// 0 ... 315 360 000 000.
#ifndef WARREN_SIM_AMQP_EXPIRATION_H_
#define WARREN_SIM_AMQP_EXPIRATION_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace warren::internal {

inline constexpr int64_t kMaxExpiryMs = 315360000000;

// The TTL in ms, or RabbitMQ's reason term as text ("no_integer",
// "{value_negative,-1}", "{leftover_string,\".5\"}", ...).
std::variant<int64_t, std::string> ParseExpiration(std::string_view text);

}  // namespace warren::internal

#endif  // WARREN_SIM_AMQP_EXPIRATION_H_
