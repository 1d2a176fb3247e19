// Small text helpers shared by the AMQP method handlers.
#ifndef WARREN_SIM_AMQP_NAMES_H_
#define WARREN_SIM_AMQP_NAMES_H_

#include <string>
#include <string_view>

namespace warren::internal {

// rabbit_channel:strip_cr_lf: CR and LF are removed from entity names.
inline std::string StripCrLf(std::string_view name) {
  std::string out;
  out.reserve(name.size());
  for (char c : name) {
    if (c != '\r' && c != '\n') out += c;
  }
  return out;
}

// Erlang's rendering of a boolean in "received 'true' but current is ..."
inline const char* BoolText(bool b) { return b ? "true" : "false"; }

}  // namespace warren::internal

#endif  // WARREN_SIM_AMQP_NAMES_H_
