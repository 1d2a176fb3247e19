// Second pass over a parsed scenario: every name refers to something that
// exists (declared up front, in the timeline, or built in), so that errors
// point at the referrer: "/bindings/0/queue: no queue named \"jbos\"".
#ifndef WARREN_SIM_SCENARIO_REFERENCES_H_
#define WARREN_SIM_SCENARIO_REFERENCES_H_

#include "absl/status/status.h"
#include "sim/scenario/json_cursor.h"
#include "warren/inspect.h"
#include "warren/scenario.h"

namespace warren::internal {

absl::Status CheckReferences(const JsonCursor& root, const ScenarioSpec& spec);

// The names `counter` expectations accept, and their values.
bool CounterByName(const Counters& c, std::string_view name, uint64_t* value);

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_REFERENCES_H_
