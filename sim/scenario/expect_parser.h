// The "expect" entries of a scenario file.
#ifndef WARREN_SIM_SCENARIO_EXPECT_PARSER_H_
#define WARREN_SIM_SCENARIO_EXPECT_PARSER_H_

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sim/scenario/json_cursor.h"
#include "warren/scenario.h"

namespace warren::internal {

absl::StatusOr<Expectation> ParseExpectation(const JsonCursor& c);

// The JSON key of each kind of expectation, in ExpectationCheck's order.
std::vector<std::string_view> ExpectationKeys();

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_EXPECT_PARSER_H_
