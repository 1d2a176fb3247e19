// Scenario text -> nlohmann::ordered_json under Warren's input rules, so that no
// input can exhaust memory or the stack and nothing is silently ignored:
// files are regular and at most kMaxScenarioBytes; no NUL byte (the JSON
// lexer would stop there and ignore the rest); arrays and objects nest at
// most kMaxNesting levels; an object may not repeat a key (the JSON library
// would keep the last one and drop the first without a word). Every error
// names the place: "<pointer>: duplicate key", "byte N: ...".
#ifndef WARREN_SIM_SCENARIO_JSON_READER_H_
#define WARREN_SIM_SCENARIO_JSON_READER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"

namespace warren::internal {

inline constexpr size_t kMaxScenarioBytes = 64 << 20;

// The file's bytes. NOT_FOUND when it cannot be opened; INVALID_ARGUMENT
// for a directory or other non-regular file, or one over the size limit
// (never read past it). Messages start with `path`.
absl::StatusOr<std::string> ReadScenarioFile(const std::string& path);

// Parses `text`. Errors are INVALID_ARGUMENT without the file name:
// "invalid JSON: ..." (nlohmann's, with line and column), "/a/0/b: ...".
absl::StatusOr<nlohmann::ordered_json> ParseJsonText(std::string_view text);

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_JSON_READER_H_
