// The "celery" section of a scenario file and the Celery timeline steps.
#ifndef WARREN_SIM_SCENARIO_CELERY_PARSER_H_
#define WARREN_SIM_SCENARIO_CELERY_PARSER_H_

#include "absl/status/statusor.h"
#include "sim/scenario/json_cursor.h"
#include "warren/scenario.h"

namespace warren::internal {

absl::StatusOr<ScenarioCelery> ParseCelery(const JsonCursor& c);
// {"task": ..., "queue": ..., "countdown_ms", "eta_ms", "expires_ms", "label"}
absl::StatusOr<ApplyAsyncStep> ParseApplyAsync(const JsonCursor& c);

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_CELERY_PARSER_H_
