// `warren run`, `warren validate` and `warren observe`.
#ifndef WARREN_SIM_CLI_RUN_COMMAND_H_
#define WARREN_SIM_CLI_RUN_COMMAND_H_

#include <string>
#include <vector>

namespace warren::cli {

// Exit codes: 0 every expectation holds, 1 one failed (or a step failed),
// 2 invalid input (bad flags, unreadable or malformed scenario).
int RunCommand(const std::vector<std::string>& args);
int ValidateCommand(const std::vector<std::string>& args);
// `warren observe FILE`: the run's Observation as JSON on stdout. Exit 0
// (whatever the expectations say: the observation is the output), 2 invalid.
int ObserveCommand(const std::vector<std::string>& args);

}  // namespace warren::cli

#endif  // WARREN_SIM_CLI_RUN_COMMAND_H_
