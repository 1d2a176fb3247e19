// `warren run --json FILE`: the run's result as data (result.schema.json,
// installed next to the scenario schema, describes it).
#ifndef WARREN_SIM_REPORT_RESULT_JSON_H_
#define WARREN_SIM_REPORT_RESULT_JSON_H_

#include <string>
#include <vector>

#include "sim/report/checks.h"
#include "warren/figures.h"

namespace warren::report {

std::string ResultJson(const std::vector<ScenarioReport>& runs);

}  // namespace warren::report

#endif  // WARREN_SIM_REPORT_RESULT_JSON_H_
