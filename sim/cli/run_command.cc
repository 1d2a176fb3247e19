#include "sim/cli/run_command.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>

#include "absl/hash/hash.h"
#include "absl/strings/numbers.h"
#include "sim/cli/flags.h"
#include "sim/core/strings.h"
#include "sim/core/utf8.h"
#include "sim/report/html_report.h"
#include "sim/report/junit.h"
#include "sim/report/result_json.h"
#include "warren/figures.h"
#include "warren/scenario.h"
#include "warren/trace.h"

namespace warren::cli {
namespace {

struct RunFlags {
  std::vector<std::string> files;
  std::string trace_path;
  std::string json_path;
  std::string junit_path;
  std::string html_path;
  std::optional<uint64_t> seed;
  bool quiet = false;
  bool check_determinism = false;
};

bool ParseRunFlags(const std::vector<std::string>& args, RunFlags& f) {
  FlagParser p("warren run", args);
  while (p.Next()) {
    if (p.Switch("--quiet", f.quiet) || p.Switch("--check-determinism", f.check_determinism) ||
        p.Value("--trace", f.trace_path) || p.Value("--json", f.json_path) ||
        p.Value("--junit", f.junit_path) || p.Value("--html", f.html_path) || p.Seed(f.seed)) {
      continue;
    }
    if (!p.Positional(f.files)) return false;
  }
  if (!p.ok()) return false;
  if (f.files.empty()) {
    std::cerr << "warren run: no scenario file given\n";
    return false;
  }
  return true;
}

// A progress line on stderr for runs longer than a second, when stderr is a
// terminal and the timeline is not printing to one: virtual time reached and
// events so far, rewritten in place.
class Progress {
 public:
  Progress(std::string_view label, absl::Time start, bool timeline)
      : label_(internal::PrintableText(label)),
        start_(start),
        wall_start_(Clock::now()),
        enabled_(isatty(STDERR_FILENO) == 1 && !(timeline && isatty(STDOUT_FILENO) == 1)) {}
  ~Progress() { Clear(); }

  void Update(absl::Time now, uint64_t events) {
    if (!enabled_) return;
    auto wall = Clock::now();
    using std::chrono::milliseconds, std::chrono::seconds;
    if (wall - wall_start_ < seconds(1) || wall - last_ < milliseconds(200)) return;
    last_ = wall;
    shown_ = true;
    std::cerr << "\r\x1b[K" << label_ << ": virtual +" << FormatSeconds(now - start_) << ", "
              << events << " events" << std::flush;
  }
  void Clear() {
    if (shown_) std::cerr << "\r\x1b[K" << std::flush;
    shown_ = false;
  }
  // Wall seconds since this run started (JUnit's time).
  double Elapsed() const {
    return std::chrono::duration<double>(Clock::now() - wall_start_).count();
  }

 private:
  // The CLI is the process's edge: wall time here never reaches a trace.
  using Clock = std::chrono::steady_clock;
  std::string label_;
  absl::Time start_;
  Clock::time_point wall_start_, last_;
  bool enabled_;
  bool shown_ = false;
};

// Streams one run's trace: the timeline to stdout (unless quiet), JSON Lines
// to the trace file, and a hash per event for --check-determinism. Memory
// stays flat however long the run.
class TraceStream {
 public:
  TraceStream(absl::Time start, bool timeline, std::ofstream* file, bool hash)
      : start_(start), timeline_(timeline), file_(file), hash_(hash) {}

  void ShowProgress(Progress* progress) { progress_ = progress; }
  void DrawFor(report::HtmlTimeline* html) { html_ = html; }
  // For a second run: compare each event's hash with the first run's.
  void CompareWith(const std::vector<uint64_t>* first) { first_ = first; }

  void operator()(const TraceEvent& e) {
    ++events_;
    if (progress_ != nullptr && (events_ & 0xffff) == 0) progress_->Update(e.time, events_);
    if (html_ != nullptr) html_->OnEvent(e);
    if (timeline_) std::cout << FormatTimelineLine(e, start_) << "\n";
    if (file_ == nullptr && !hash_) return;
    std::string line = ToJsonLine(e);
    if (file_ != nullptr && *file_) *file_ << line << '\n';
    if (!hash_) return;
    uint64_t h = absl::HashOf(line);
    if (first_ == nullptr) {
      hashes_.push_back(h);
    } else if (!diverged_ && (e.seq >= first_->size() || (*first_)[e.seq] != h)) {
      diverged_ = true;
      divergence_seq_ = e.seq;
      divergence_ = "event " + std::to_string(e.seq) + ":\n  run 2: " + line;
    }
  }

  std::vector<uint64_t>& hashes() { return hashes_; }
  // "" when the second run matched the first event for event.
  std::string Divergence(const ScenarioResult& first) const {
    if (diverged_) {
      // The first run's line, if it is still among its kept events.
      for (const TraceEvent& e : first.trace) {
        if (e.seq == divergence_seq_) return divergence_ + "\n  run 1: " + ToJsonLine(e);
      }
      return divergence_ + "\n  run 1: (differs; no longer in memory)";
    }
    if (events_ != first_->size()) {
      return "run 1 has " + std::to_string(first_->size()) + " events, run 2 has " +
             std::to_string(events_);
    }
    return "";
  }

 private:
  absl::Time start_;
  bool timeline_;
  std::ofstream* file_;
  bool hash_;
  Progress* progress_ = nullptr;
  report::HtmlTimeline* html_ = nullptr;
  const std::vector<uint64_t>* first_ = nullptr;
  std::vector<uint64_t> hashes_;
  uint64_t events_ = 0;
  bool diverged_ = false;
  uint64_t divergence_seq_ = 0;
  std::string divergence_;
};

void Report(const ScenarioSpec& spec, const ScenarioResult& r, bool quiet) {
  if (!quiet) {
    std::cout << "\n";
    for (const std::string& line : r.queue_table) std::cout << line << "\n";
    std::cout << "\n";
    for (const std::string& line : FormatFigures(r.figures)) std::cout << line << "\n";
  }
  for (const std::string& e : r.step_errors) std::cout << "STEP FAILED " << e << "\n";
  for (const ExpectationFailure& f : r.failures) {
    std::cout << "FAIL " << f.pointer << ": " << f.what << "\n";
  }
  std::cout << (r.ok() ? "ok" : "FAILED") << ": " << spec.expectations.size()
            << " expectations, " << r.failures.size() << " failed, " << r.step_errors.size()
            << " step errors\n";
}

// Refuses a trace path that names one of the inputs (it would be
// overwritten before being read again).
bool TracePathIsAnInput(const std::string& trace, const std::vector<std::string>& inputs) {
  std::error_code ec;
  if (!std::filesystem::exists(trace, ec)) return false;
  for (const std::string& in : inputs) {
    if (std::filesystem::equivalent(trace, in, ec)) {
      std::cerr << "warren run: refusing to write to " << trace
                << ": it is the input scenario " << in << "\n";
      return true;
    }
  }
  return false;
}

bool TraceWriteFailed(std::ofstream& out, const std::string& path) {
  if (!out.is_open()) return false;
  out.flush();
  if (out) return false;
  std::cerr << "warren run: cannot write the trace to " << path << ": " << std::strerror(errno)
            << "\n";
  return true;
}

// Opens a report file before the runs (a path that cannot be written is a
// usage error up front, not after a long run); false with a message.
bool OpenReport(const std::string& path, std::ofstream& out) {
  if (path.empty()) return true;
  out.open(path, std::ios::binary | std::ios::trunc);
  if (out) return true;
  std::cerr << "warren run: cannot write " << path << ": " << std::strerror(errno) << "\n";
  return false;
}

// Writes a report whole; false (with a message) if it cannot.
bool WriteReport(const std::string& path, std::ofstream& out, const std::string& text) {
  out << text;
  out.close();
  if (out) return true;
  std::cerr << "warren run: cannot write " << path << ": " << std::strerror(errno) << "\n";
  return false;
}

}  // namespace

int RunCommand(const std::vector<std::string>& args) {
  RunFlags flags;
  if (!ParseRunFlags(args, flags)) return 2;
  std::vector<ScenarioSpec> specs;
  for (const std::string& file : flags.files) {
    absl::StatusOr<ScenarioSpec> spec = LoadScenarioFile(file);
    if (!spec.ok()) {
      std::cerr << spec.status().message() << "\n";
      return 2;
    }
    if (flags.seed) spec->options.seed = *flags.seed;
    // The timeline and trace file are streamed; memory keeps only the tail
    // (shown when --check-determinism finds a divergence).
    spec->options.trace_kept_events = 4096;
    specs.push_back(std::move(*spec));
  }
  for (const std::string* out : {&flags.json_path, &flags.junit_path, &flags.html_path}) {
    if (!out->empty() && TracePathIsAnInput(*out, flags.files)) return 2;
  }
  std::ofstream json_out, junit_out, html_out;
  if (!OpenReport(flags.json_path, json_out) || !OpenReport(flags.junit_path, junit_out) ||
      !OpenReport(flags.html_path, html_out)) {
    return 2;
  }
  std::ofstream trace_out;
  if (!flags.trace_path.empty()) {
    if (TracePathIsAnInput(flags.trace_path, flags.files)) return 2;
    trace_out.open(flags.trace_path, std::ios::binary | std::ios::trunc);
    if (!trace_out) {
      std::cerr << "warren run: cannot write " << flags.trace_path << ": " << std::strerror(errno)
                << "\n";
      return 2;
    }
  }
  int exit_code = 0;
  std::vector<ScenarioResult> results;
  std::vector<report::ScenarioReport> reports;
  std::vector<std::unique_ptr<report::HtmlTimeline>> timelines;
  results.reserve(specs.size());
  reports.reserve(specs.size());
  for (const ScenarioSpec& spec : specs) {
    std::cout << "== " << spec.file << (spec.name.empty() ? "" : ": " + spec.name) << "\n";
    TraceStream stream(spec.options.start, !flags.quiet, trace_out.is_open() ? &trace_out : nullptr,
                       flags.check_determinism);
    Progress progress(spec.file, spec.options.start, !flags.quiet);
    stream.ShowProgress(&progress);
    if (html_out.is_open()) {
      timelines.push_back(std::make_unique<report::HtmlTimeline>(spec.options.start));
      stream.DrawFor(timelines.back().get());
    }
    ScenarioResult& result =
        results.emplace_back(RunScenario(spec, {.on_trace_event = std::ref(stream)}));
    progress.Clear();
    report::ScenarioReport& rep =
        reports.emplace_back(report::ScenarioReport{.spec = &spec, .result = &result});
    rep.wall_seconds = progress.Elapsed();
    Report(spec, result, flags.quiet);
    if (!result.ok()) exit_code = 1;
    if (TraceWriteFailed(trace_out, flags.trace_path)) return 2;
    if (flags.check_determinism) {
      TraceStream second(spec.options.start, false, nullptr, true);
      second.CompareWith(&stream.hashes());
      (void)RunScenario(spec, {.on_trace_event = std::ref(second), .figures = false});
      rep.determinism_checked = true;
      rep.divergence = second.Divergence(result);
      if (rep.divergence.empty()) {
        std::cout << "deterministic: a second run gave a byte-identical trace\n";
      } else {
        std::cout << "NOT DETERMINISTIC: first divergence at " << rep.divergence << "\n";
        exit_code = 1;
      }
    }
    // Only the figures and the reports' texts are needed from here on.
    result.trace.clear();
    result.trace.shrink_to_fit();
    result.observation = {};
  }
  if (json_out.is_open() && !WriteReport(flags.json_path, json_out, report::ResultJson(reports))) {
    return 2;
  }
  if (html_out.is_open()) {
    std::vector<report::HtmlSection> sections;
    for (size_t i = 0; i < reports.size(); ++i) sections.push_back({&reports[i], timelines[i].get()});
    if (!WriteReport(flags.html_path, html_out, report::HtmlReport(sections))) return 2;
  }
  if (junit_out.is_open() &&
      !WriteReport(flags.junit_path, junit_out, report::JUnitXml(reports))) {
    return 2;
  }
  if (trace_out.is_open()) {
    trace_out.close();
    if (!trace_out) {
      std::cerr << "warren run: cannot write the trace to " << flags.trace_path << ": "
                << std::strerror(errno) << "\n";
      return 2;
    }
  }
  return exit_code;
}

int ValidateCommand(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  FlagParser p("warren validate", args);
  while (p.Next()) {
    if (!p.Positional(files)) return 2;
  }
  if (!p.ok()) return 2;
  if (files.empty()) {
    std::cerr << "warren validate: no scenario file given\n";
    return 2;
  }
  int exit_code = 0;
  for (const std::string& file : files) {
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
  std::vector<std::string> files;
  FlagParser p("warren observe", args);
  while (p.Next()) {
    if (!p.Positional(files)) return 2;
  }
  if (!p.ok()) return 2;
  if (files.size() != 1) {
    std::cerr << "warren observe: expects exactly one scenario file\n";
    return 2;
  }
  absl::StatusOr<ScenarioSpec> spec = LoadScenarioFile(files[0]);
  if (!spec.ok()) {
    std::cerr << spec.status().message() << "\n";
    return 2;
  }
  ScenarioResult result = RunScenario(*spec, {.observe = true});
  for (const std::string& e : result.step_errors) std::cerr << "step failed: " << e << "\n";
  std::cout << ObservationToJson(result.observation);
  if (!result.step_errors.empty()) {
    std::cerr << "warren observe: the run failed; the observation above is partial\n";
    return 1;
  }
  return 0;
}

}  // namespace warren::cli
