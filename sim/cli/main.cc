// The warren CLI: thin argument handling over the library.
#include <algorithm>
#include <cstring>
#include <iostream>
#include <string_view>

#include <string>
#include <vector>

#include "sim/cli/demo.h"
#include "sim/cli/run_command.h"
#include "sim/cli/serve_command.h"
#include "sim/scenario/scenario_keys.h"
#include "warren/version.h"

namespace {

constexpr char kUsage[] =
    "usage: warren --version\n"
    "       warren demo ladder     run the TTL + dead-letter delay ladder (2s/4s/8s -> dlq)\n"
    "       warren run FILE... [--trace OUT.jsonl] [--seed N] [--quiet] [--check-determinism]\n"
    "                  [--json OUT.json] [--junit OUT.xml] [--html OUT.html]\n"
    "                              replay scenario files; exit 0 all expectations hold,\n"
    "                              1 one failed, 2 invalid input\n"
    "       warren validate FILE...  check scenario files without running them\n"
    "       warren keys            print the reference of every scenario file key (Markdown)\n"
    "       warren observe FILE    run one scenario and print what its AMQP clients saw,\n"
    "                              as JSON (the conformance suite's format)\n"
    "       warren serve [...]     serve the simulated broker to real AMQP clients\n"
    "                              (warren serve --help)\n"
    "       warren replay-wire LOG [--trace OUT.jsonl]\n"
    "                              re-run a warren serve input log in-process\n";

}  // namespace

int main(int argc, char** argv) {
  std::string_view cmd = argc >= 2 ? argv[1] : "";
  if (cmd == "--version" || cmd == "version") {
    std::cout << "warren " << WARREN_VERSION_STRING << " (models RabbitMQ "
              << WARREN_MODELED_RABBITMQ << ")\n";
    return 0;
  }
  if (cmd == "demo" && argc == 3 && std::string_view(argv[2]) == "ladder") {
    return warren::cli::RunLadderDemo();
  }
  std::vector<std::string> rest(argv + std::min(argc, 2), argv + argc);
  if (cmd == "run") return warren::cli::RunCommand(rest);
  if (cmd == "keys" && argc == 2) {
    std::cout << warren::internal::ScenarioKeyReference();
    return 0;
  }
  if (cmd == "validate") return warren::cli::ValidateCommand(rest);
  if (cmd == "observe") return warren::cli::ObserveCommand(rest);
  if (cmd == "serve") return warren::cli::ServeCommand(rest);
  if (cmd == "replay-wire") return warren::cli::ReplayWireCommand(rest);
  if (cmd == "--help" || cmd == "help") {
    std::cout << kUsage;
    return 0;
  }
  std::cerr << kUsage;
  return 2;
}
