// A policy's name pattern, compiled and matched as RabbitMQ does it: with
// PCRE 8 (Erlang's `re`), unanchored, bytes not code points, compile errors
// reported as Erlang prints them ({"missing )",4}). Matching is bounded
// (PCRE's match and recursion limits), so no pattern can backtrack for ever
// or exhaust the stack; a match that hits a limit counts as no match.
#ifndef WARREN_SIM_BROKER_POLICY_PATTERN_H_
#define WARREN_SIM_BROKER_POLICY_PATTERN_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace warren::internal {

class PolicyPattern {
 public:
  // INVALID_ARGUMENT whose message is the Erlang term re:compile returns,
  // e.g. {"missing )",4}.
  static absl::StatusOr<PolicyPattern> Compile(std::string_view pattern);

  // re:run(Name, Pattern, [{capture, none}]) == match.
  bool Matches(std::string_view name) const;

 private:
  struct Compiled;
  explicit PolicyPattern(std::shared_ptr<const Compiled> c) : compiled_(std::move(c)) {}
  std::shared_ptr<const Compiled> compiled_;  // immutable; shared by copies
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_POLICY_PATTERN_H_
