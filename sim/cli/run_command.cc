#include "sim/cli/run_command.h"

#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>

#include "absl/strings/numbers.h"
#include "warren/scenario.h"
#include "warren/trace.h"

namespace warren::cli {
namespace {

struct RunFlags {
  std::vector<std::string> files;
  std::string trace_path;
  std::optional<uint64_t> seed;
  bool quiet = false;
  bool check_determinism = false;
};

bool ParseFlags(const std::vector<std::string>& args, RunFlags& f) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> const std::string* {
      if (i + 1 >= args.size()) {
        std::cerr << "warren run: " << a << " needs a value\n";
        return nullptr;
      }
      return &args[++i];
    };
    if (a == "--quiet") {
      f.quiet = true;
    } else if (a == "--check-determinism") {
      f.check_determinism = true;
    } else if (a == "--trace") {
      const std::string* v = value();
      if (!v) return false;
      f.trace_path = *v;
    } else if (a == "--seed") {
      const std::string* v = value();
      uint64_t seed;
      if (!v || !absl::SimpleAtoi(*v, &seed)) {
        std::cerr << "warren run: --seed expects a non-negative integer\n";
        return false;
      }
      f.seed = seed;
    } else if (a.rfind("--", 0) == 0) {
      std::cerr << "warren run: unknown option " << a << "\n";
      return false;
    } else {
      f.files.push_back(a);
    }
  }
  if (f.files.empty()) {
    std::cerr << "warren run: no scenario file given\n";
    return false;
  }
  return true;
}

std::string Jsonl(const std::vector<TraceEvent>& trace) {
  std::ostringstream out;
  WriteJsonLines(trace, out);
  return out.str();
}

// The first event where two runs differ, or "" when identical.
std::string FirstDivergence(const ScenarioResult& a, const ScenarioResult& b) {
  size_t n = std::min(a.trace.size(), b.trace.size());
  for (size_t i = 0; i < n; ++i) {
    std::string x = ToJsonLine(a.trace[i]), y = ToJsonLine(b.trace[i]);
    if (x != y) return "event " + std::to_string(i) + ":\n  run 1: " + x + "\n  run 2: " + y;
  }
  if (a.trace.size() != b.trace.size()) {
    return "run 1 has " + std::to_string(a.trace.size()) + " events, run 2 has " +
           std::to_string(b.trace.size());
  }
  return "";
}

void Report(const ScenarioSpec& spec, const ScenarioResult& r, bool quiet) {
  std::cout << "== " << spec.file << (spec.name.empty() ? "" : ": " + spec.name) << "\n";
  if (!quiet) {
    for (const TraceEvent& e : r.trace) std::cout << FormatTimelineLine(e, r.start) << "\n";
    std::cout << "\n";
    for (const std::string& line : r.queue_table) std::cout << line << "\n";
  }
  for (const std::string& e : r.step_errors) std::cout << "STEP FAILED " << e << "\n";
  for (const ExpectationFailure& f : r.failures) {
    std::cout << "FAIL " << f.pointer << ": " << f.what << "\n";
  }
  std::cout << (r.ok() ? "ok" : "FAILED") << ": " << spec.expectations.size()
            << " expectations, " << r.failures.size() << " failed, " << r.step_errors.size()
            << " step errors\n";
}

}  // namespace

int RunCommand(const std::vector<std::string>& args) {
  RunFlags flags;
  if (!ParseFlags(args, flags)) return 2;
  std::vector<ScenarioSpec> specs;
  for (const std::string& file : flags.files) {
    absl::StatusOr<ScenarioSpec> spec = LoadScenarioFile(file);
    if (!spec.ok()) {
      std::cerr << spec.status().message() << "\n";
      return 2;
    }
    if (flags.seed) spec->options.seed = *flags.seed;
    specs.push_back(std::move(*spec));
  }
  std::ofstream trace_out;
  if (!flags.trace_path.empty()) {
    trace_out.open(flags.trace_path, std::ios::binary | std::ios::trunc);
    if (!trace_out) {
      std::cerr << "warren run: cannot write " << flags.trace_path << "\n";
      return 2;
    }
  }
  int exit_code = 0;
  for (const ScenarioSpec& spec : specs) {
    ScenarioResult result = RunScenario(spec);
    Report(spec, result, flags.quiet);
    if (!result.ok()) exit_code = 1;
    if (trace_out) trace_out << Jsonl(result.trace);
    if (flags.check_determinism) {
      std::string diverged = FirstDivergence(result, RunScenario(spec));
      if (diverged.empty()) {
        std::cout << "deterministic: a second run gave a byte-identical trace\n";
      } else {
        std::cout << "NOT DETERMINISTIC: first divergence at " << diverged << "\n";
        exit_code = 1;
      }
    }
  }
  return exit_code;
}

int ValidateCommand(const std::vector<std::string>& args) {
  if (args.empty()) {
    std::cerr << "warren validate: no scenario file given\n";
    return 2;
  }
  int exit_code = 0;
  for (const std::string& file : args) {
    absl::StatusOr<ScenarioSpec> spec = LoadScenarioFile(file);
    if (spec.ok()) {
      std::cout << file << ": valid\n";
    } else {
      std::cerr << spec.status().message() << "\n";
      exit_code = 2;
    }
  }
  return exit_code;
}

int ObserveCommand(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "warren observe: expects exactly one scenario file\n";
    return 2;
  }
  absl::StatusOr<ScenarioSpec> spec = LoadScenarioFile(args[0]);
  if (!spec.ok()) {
    std::cerr << spec.status().message() << "\n";
    return 2;
  }
  ScenarioResult result = RunScenario(*spec, {.observe = true});
  for (const std::string& e : result.step_errors) std::cerr << "step failed: " << e << "\n";
  std::cout << ObservationToJson(result.observation);
  return 0;
}

}  // namespace warren::cli
