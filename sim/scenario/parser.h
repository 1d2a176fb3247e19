// The scenario parser's own tables, for tests that keep the published
// schema (scenarios/schema.json) and the README true to them; and the
// parts the expectation parser shares.
#ifndef WARREN_SIM_SCENARIO_PARSER_H_
#define WARREN_SIM_SCENARIO_PARSER_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario/json_cursor.h"
#include "warren/message.h"

namespace warren::internal {

// The JSON key of every timeline action, in the parser's order.
std::vector<std::string_view> TimelineActionKeys();

// Basic properties from a "properties" object (a publish's, or an expected
// message's).
absl::StatusOr<BasicProperties> ParseProperties(const JsonCursor& c);

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_PARSER_H_
