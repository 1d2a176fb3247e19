#include "sim/cli/serve_command.h"

#include <cmath>
#include <fstream>
#include <iostream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"
#include "nlohmann/json.hpp"
#include "sim/cli/flags.h"
#include "sim/wire/server.h"
#include "warren/scenario.h"
#include "warren/trace.h"

namespace warren::cli {
namespace {

using internal::wire::ClockMode;
using internal::wire::Engine;
using internal::wire::ServeOptions;
using internal::wire::User;
using Json = nlohmann::json;

constexpr char kServeUsage[] =
    "usage: warren serve [--amqp-port N] [--http-port N] [--bind ADDR]\n"
    "                    [--clock manual|realtime[:K]] [--scenario FILE] [--definitions FILE]\n"
    "                    [--seed N] [--start RFC3339] [--trace OUT.jsonl] [--users FILE]\n"
    "                    [--input-log OUT.jsonl] [--trace-keep N]\n"
    "\n"
    "Serves the simulated RabbitMQ 3.10.8 to real AMQP 0-9-1 clients (Celery, kombu, pika,\n"
    "amqplib, Go, Java) and prints one line when it accepts connections:\n"
    "  READY amqp=<port> http=<port>\n"
    "Ports default to 5672 and 15672; 0 picks a free one. Binds 127.0.0.1 unless --bind.\n"
    "\n"
    "  --clock manual       (default) virtual time moves only when asked:\n"
    "                         POST /warren/v1/clock/advance {\"ms\": N}\n"
    "                         POST /warren/v1/clock/run {\"until\": \"idle\"|RFC3339, ...}\n"
    "  --clock realtime[:K] virtual time follows the wall clock, K times faster\n"
    "  --scenario FILE      declare a scenario file's exchanges, queues, bindings, policies\n"
    "  --definitions FILE   import RabbitMQ definitions (GET /api/definitions' format)\n"
    "  --users FILE         {\"users\": [{\"name\": ..., \"password\": ...}]} (default guest/guest)\n"
    "  --trace OUT.jsonl    every trace event, as `warren run --trace` writes them\n"
    "  --input-log OUT      every input in order; `warren replay-wire OUT` re-runs it\n"
    "  --trace-keep N       trace events kept in memory for GET /warren/v1/trace (default\n"
    "                       1048576, ~250 MB at most; the oldest half goes when full)\n"
    "  --start RFC3339      the virtual start (default: the wall clock now, in ms)\n"
    "\n"
    "HTTP: a RabbitMQ management API subset (/api/overview, queues, exchanges, bindings,\n"
    "policies, operator-policies, connections, definitions; basic auth as the AMQP users) and\n"
    "/warren/v1: clock, clock/advance, clock/run, clock/lock|unlock, trace?since=N, counters,\n"
    "invariants, fate/{id}, queues/{name}/messages, await, faults, reset.\n"
    "SIGTERM/SIGINT close every connection with 320 CONNECTION_FORCED, as RabbitMQ does.\n";

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(path + ": cannot open the file");
  std::stringstream b;
  b << in.rdbuf();
  return b.str();
}

absl::StatusOr<std::vector<User>> ReadUsers(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFile(path);
  if (!text.ok()) return text.status();
  Json j = Json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.contains("users") || !j["users"].is_array()) {
    return absl::InvalidArgumentError(path + ": expected {\"users\": [{\"name\": ..., \"password\": ...}]}");
  }
  std::vector<User> users;
  for (const Json& u : j["users"]) {
    if (!u.is_object() || !u.contains("name") || !u["name"].is_string() ||
        !u.value("password", Json()).is_string()) {
      return absl::InvalidArgumentError(path + ": each user needs a string name and password");
    }
    users.push_back({u["name"].get<std::string>(), u["password"].get<std::string>()});
  }
  return users;
}

}  // namespace

int ServeCommand(const std::vector<std::string>& args) {
  FlagParser p("warren serve", args);
  std::optional<int64_t> amqp_port, http_port, trace_keep;
  std::string bind, clock, scenario, definitions, trace, users_file, input_log, start;
  std::optional<uint64_t> seed;
  bool help = false;
  std::vector<std::string> positional;
  while (p.Next()) {
    if (p.Switch("--help", help) || p.Int("--amqp-port", 0, 65535, amqp_port) ||
        p.Int("--http-port", 0, 65535, http_port) || p.Value("--bind", bind) ||
        p.Value("--clock", clock) || p.Value("--scenario", scenario) ||
        p.Value("--definitions", definitions) || p.Value("--trace", trace) ||
        p.Value("--users", users_file) || p.Value("--input-log", input_log) ||
        p.Value("--start", start) || p.Int("--trace-keep", 2, int64_t{1} << 40, trace_keep) ||
        p.Seed(seed)) {
      continue;
    }
    if (!p.Positional(positional)) return 2;
  }
  if (!p.ok()) return 2;
  if (help) {
    std::cout << kServeUsage;
    return 0;
  }
  if (!positional.empty()) {
    std::cerr << "warren serve: unexpected argument " << positional[0] << "\n";
    return 2;
  }
  ServeOptions o;
  if (!bind.empty()) o.bind_address = bind;
  if (amqp_port) o.amqp_port = static_cast<uint16_t>(*amqp_port);
  if (http_port) o.http_port = static_cast<uint16_t>(*http_port);
  if (clock.empty() || clock == "manual") {
    o.clock = ClockMode::kManual;
  } else if (clock.rfind("realtime", 0) == 0) {
    o.clock = ClockMode::kRealtime;
    if (clock.size() > 8) {
      if (clock[8] != ':' || !absl::SimpleAtod(clock.substr(9), &o.factor) ||
          !(o.factor > 0) || !std::isfinite(o.factor)) {
        std::cerr << "warren serve: --clock realtime:K needs a positive number K, got " << clock
                  << "\n";
        return 2;
      }
    }
  } else {
    std::cerr << "warren serve: --clock expects manual or realtime[:K], got " << clock << "\n";
    return 2;
  }
  SimulationOptions& sim = o.engine.simulation;
  if (seed) sim.seed = *seed;
  if (trace_keep) sim.trace_kept_events = static_cast<size_t>(*trace_keep);
  if (!start.empty()) {
    std::string err;
    if (!absl::ParseTime(absl::RFC3339_full, start, &sim.start, &err)) {
      std::cerr << "warren serve: --start: " << err << "\n";
      return 2;
    }
  } else {
    // x-death times and timestamps look real; --start makes them repeat.
    sim.start = absl::FromUnixMillis(absl::ToUnixMillis(absl::Now()));
  }
  if (!users_file.empty()) {
    absl::StatusOr<std::vector<User>> users = ReadUsers(users_file);
    if (!users.ok()) {
      std::cerr << users.status().message() << "\n";
      return 2;
    }
    o.engine.session.users = *users;
  }
  std::ofstream trace_out;
  if (!trace.empty()) {
    trace_out.open(trace, std::ios::binary | std::ios::trunc);
    if (!trace_out) {
      std::cerr << "warren serve: cannot write " << trace << "\n";
      return 2;
    }
    sim.trace_sink = [&trace_out](const TraceEvent& e) {
      trace_out << ToJsonLine(e) << '\n';
      trace_out.flush();
    };
  }
  o.input_log_path = input_log;
  std::optional<std::string> scenario_text, definitions_text;
  if (!scenario.empty()) {
    absl::StatusOr<ScenarioSpec> spec = LoadScenarioFile(scenario);
    if (!spec.ok()) {
      std::cerr << spec.status().message() << "\n";
      return 2;
    }
    scenario_text = *ReadFile(scenario);
  }
  if (!definitions.empty()) {
    absl::StatusOr<std::string> text = ReadFile(definitions);
    if (!text.ok()) {
      std::cerr << text.status().message() << "\n";
      return 2;
    }
    definitions_text = *text;
  }
  o.setup = [&](Engine& engine) -> absl::Status {
    if (scenario_text) {
      internal::wire::ManageReply r = engine.Manage(
          {{"op", "load_topology"}, {"file", scenario}, {"scenario", *scenario_text}});
      if (r.status >= 300) {
        return absl::InvalidArgumentError(scenario + ": " + r.body.value("reason", std::string()));
      }
    }
    if (definitions_text) {
      Json j = Json::parse(*definitions_text, nullptr, false);
      if (j.is_discarded()) return absl::InvalidArgumentError(definitions + ": not JSON");
      internal::wire::ManageReply r = internal::wire::ImportDefinitions(engine, j);
      if (r.status >= 300) {
        return absl::InvalidArgumentError(definitions + ": " + r.body.value("reason", std::string()));
      }
    }
    return absl::OkStatus();
  };
  absl::Status s = internal::wire::Serve(o, [](uint16_t amqp, uint16_t http) {
    std::cout << "READY amqp=" << amqp << " http=" << http << std::endl;
  });
  if (!s.ok()) {
    std::cerr << "warren serve: " << s.message() << "\n";
    return s.code() == absl::StatusCode::kUnavailable ? 1 : 2;
  }
  return 0;
}

int ReplayWireCommand(const std::vector<std::string>& args) {
  FlagParser p("warren replay-wire", args);
  std::string trace;
  std::vector<std::string> files;
  while (p.Next()) {
    if (p.Value("--trace", trace)) continue;
    if (!p.Positional(files)) return 2;
  }
  if (!p.ok()) return 2;
  if (files.size() != 1) {
    std::cerr << "usage: warren replay-wire LOG.jsonl [--trace OUT.jsonl]\n";
    return 2;
  }
  std::ifstream in(files[0]);
  if (!in) {
    std::cerr << files[0] << ": cannot open the file\n";
    return 2;
  }
  std::string line;
  if (!std::getline(in, line)) {
    std::cerr << files[0] << ": empty\n";
    return 2;
  }
  Json start = Json::parse(line, nullptr, false);
  if (start.is_discarded() || start.value("op", "") != "start") {
    std::cerr << files[0] << ": line 1: expected the {\"op\": \"start\", ...} line\n";
    return 2;
  }
  internal::wire::EngineOptions eo;
  try {  // a field of the wrong type is the log's fault, said as such
    eo.simulation.seed = start.value("seed", uint64_t{1});
    eo.simulation.start = absl::FromUnixNanos(start.value("start_ns", int64_t{0}));
    if (start.contains("users")) {
      eo.session.users.clear();
      for (const Json& u : start["users"]) {
        eo.session.users.push_back(
            {u.value("name", std::string()), u.value("password", std::string())});
      }
    }
  } catch (const Json::exception& e) {
    std::cerr << files[0] << ": line 1: " << e.what() << "\n";
    return 2;
  }
  std::ofstream trace_out;
  std::ostream* out = &std::cout;
  if (!trace.empty()) {
    trace_out.open(trace, std::ios::binary | std::ios::trunc);
    if (!trace_out) {
      std::cerr << "warren replay-wire: cannot write " << trace << "\n";
      return 2;
    }
    out = &trace_out;
  }
  eo.simulation.trace_sink = [out](const TraceEvent& e) { *out << ToJsonLine(e) << '\n'; };
  Engine engine(eo, nullptr);
  for (int n = 2; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    Json entry = Json::parse(line, nullptr, false);
    if (entry.is_discarded()) {
      std::cerr << files[0] << ": line " << n << ": not JSON\n";
      return 2;
    }
    absl::Status s;
    try {
      s = engine.Replay(entry);
    } catch (const Json::exception& e) {
      std::cerr << files[0] << ": line " << n << ": " << e.what() << "\n";
      return 2;
    }
    if (!s.ok()) {
      std::cerr << files[0] << ": line " << n << ": " << s.message() << "\n";
      return 1;
    }
  }
  return 0;
}

}  // namespace warren::cli
