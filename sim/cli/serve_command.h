// `warren serve` (the wire front end) and `warren replay-wire LOG`.
#ifndef WARREN_SIM_CLI_SERVE_COMMAND_H_
#define WARREN_SIM_CLI_SERVE_COMMAND_H_

#include <string>
#include <vector>

namespace warren::cli {

int ServeCommand(const std::vector<std::string>& args);
int ReplayWireCommand(const std::vector<std::string>& args);

}  // namespace warren::cli

#endif  // WARREN_SIM_CLI_SERVE_COMMAND_H_
