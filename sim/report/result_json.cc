#include "sim/report/result_json.h"

#include <nlohmann/json.hpp>

#include "warren/version.h"

namespace warren::report {
namespace {

using nlohmann::ordered_json;

double Ms(absl::Duration d) { return absl::ToDoubleMilliseconds(d); }

ordered_json SummaryJson(const DurationSummary& s) {
  if (s.count == 0) return {{"count", 0}};
  return {{"count", s.count}, {"p50_ms", Ms(s.p50)}, {"p90_ms", Ms(s.p90)},
          {"p99_ms", Ms(s.p99)}, {"max_ms", Ms(s.max)}};
}

ordered_json FiguresJson(const RunFigures& f) {
  ordered_json queues = ordered_json::array(), messages = ordered_json::array(),
               tasks = ordered_json::array();
  for (const QueueFigures& q : f.queues) {
    queues.push_back({{"queue", q.queue},
                      {"peak_ready", q.peak_ready},
                      {"mean_ready", q.mean_ready},
                      {"peak_unacked", q.peak_unacked},
                      {"mean_unacked", q.mean_unacked}});
  }
  for (const MessageGroupFigures& g : f.messages) {
    messages.push_back({{"group", g.group},
                        {"messages", g.messages},
                        {"latency", SummaryJson(g.latency)},
                        {"deliveries", g.deliveries},
                        {"redeliveries", g.redeliveries},
                        {"outcomes", g.outcomes}});
  }
  for (const TaskFigures& t : f.tasks) {
    tasks.push_back({{"task", t.task},
                     {"tasks", t.tasks},
                     {"latency", SummaryJson(t.latency)},
                     {"retries", t.retries},
                     {"max_retries", t.max_retries},
                     {"outcomes", t.outcomes}});
  }
  return {{"span_ms", Ms(f.span)}, {"queues", queues}, {"messages", messages}, {"tasks", tasks}};
}

ordered_json ScenarioJson(const ScenarioReport& run) {
  const ScenarioSpec& spec = *run.spec;
  const ScenarioResult& r = *run.result;
  ordered_json checks = ordered_json::array();
  for (const Check& c : ChecksOf(spec, r)) {
    checks.push_back({{"pointer", c.pointer},
                      {"name", c.name},
                      {"ok", c.failures.empty()},
                      {"failures", c.failures}});
  }
  ordered_json out = {{"file", spec.file},
                      {"name", spec.name},
                      {"seed", spec.options.seed},
                      {"ok", r.ok()},
                      {"expectations", spec.expectations.size()},
                      {"failed", r.failures.size()},
                      {"step_errors", r.step_errors},
                      {"checks", checks},
                      {"trace_events", r.trace_events_total},
                      {"figures", FiguresJson(r.figures)}};
  if (run.determinism_checked) {
    out["deterministic"] = run.divergence.empty();
    if (!run.divergence.empty()) out["divergence"] = run.divergence;
  }
  return out;
}

}  // namespace

std::string ResultJson(const std::vector<ScenarioReport>& runs) {
  ordered_json scenarios = ordered_json::array();
  bool ok = true;
  for (const ScenarioReport& run : runs) {
    scenarios.push_back(ScenarioJson(run));
    ok = ok && run.result->ok() && run.divergence.empty();
  }
  ordered_json doc = {{"warren", WARREN_VERSION_STRING}, {"ok", ok}, {"scenarios", scenarios}};
  // Invalid UTF-8 (from a scenario's bytes) is replaced, never thrown.
  return doc.dump(2, ' ', false, ordered_json::error_handler_t::replace) + "\n";
}

}  // namespace warren::report
