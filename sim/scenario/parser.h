// The scenario parser's own tables, for tests that keep the published
// schema (scenarios/schema.json) and the README true to them.
#ifndef WARREN_SIM_SCENARIO_PARSER_H_
#define WARREN_SIM_SCENARIO_PARSER_H_

#include <string_view>
#include <vector>

namespace warren::internal {

// The JSON key of every timeline action, in the parser's order.
std::vector<std::string_view> TimelineActionKeys();

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_PARSER_H_
