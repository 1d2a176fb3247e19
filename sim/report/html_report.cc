#include "sim/report/html_report.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "sim/report/html_page.h"
#include "warren/figures.h"
#include "warren/version.h"

namespace warren::report {
namespace {

using nlohmann::ordered_json;

constexpr size_t kPlotPoints = 800;  // per queue in the page

// At most kPlotPoints points: each bucket of consecutive points keeps its
// last time and its largest depths.
ordered_json DepthJson(const std::vector<DepthPoint>& points) {
  ordered_json out = ordered_json::array();
  size_t per = std::max<size_t>(1, (points.size() + kPlotPoints - 1) / kPlotPoints);
  for (size_t i = 0; i < points.size(); i += per) {
    DepthPoint p = points[i];
    for (size_t j = i + 1; j < std::min(points.size(), i + per); ++j) {
      p = {points[j].at_ms, std::max(p.ready, points[j].ready),
           std::max(p.unacked, points[j].unacked)};
    }
    out.push_back({p.at_ms, p.ready, p.unacked});
  }
  return out;
}

ordered_json LanesJson(const HtmlTimeline& t, std::vector<std::string>& queues) {
  ordered_json lanes = ordered_json::array();
  auto queue_index = [&](const std::string& q) {
    auto it = std::find(queues.begin(), queues.end(), q);
    if (it != queues.end()) return static_cast<int>(it - queues.begin());
    queues.push_back(q);
    return static_cast<int>(queues.size() - 1);
  };
  for (const Lane& lane : t.lanes()) {
    ordered_json segs = ordered_json::array(), marks = ordered_json::array();
    for (const LaneSegment& s : lane.segments) {
      segs.push_back({queue_index(s.queue), s.unacked ? 1 : 0, s.from_ms, s.to_ms});
    }
    for (const LaneMark& m : lane.marks) marks.push_back({m.at_ms, m.kind, m.text});
    lanes.push_back({{"title", lane.title}, {"segs", segs}, {"marks", marks}});
  }
  return lanes;
}

ordered_json SectionJson(const HtmlSection& section) {
  const ScenarioSpec& spec = *section.run->spec;
  const ScenarioResult& r = *section.run->result;
  const HtmlTimeline& t = *section.timeline;
  std::vector<std::string> queues;
  for (const auto& [name, series] : t.depths()) queues.push_back(name);
  ordered_json lanes = LanesJson(t, queues);
  ordered_json depth = ordered_json::object();
  for (const auto& [name, series] : t.depths()) depth[name] = DepthJson(series.points);
  ordered_json checks = ordered_json::array();
  for (const Check& c : ChecksOf(spec, r)) {
    checks.push_back({{"name", c.name}, {"ok", c.failures.empty()}, {"failures", c.failures}});
  }
  ordered_json tasks = ordered_json::array();
  for (const celery::TaskState& task : r.tasks) {
    tasks.push_back({{"id", task.id}, {"name", task.name}, {"state", task.state},
                     {"retries", task.retries}, {"executions", task.executions},
                     {"result", task.result}});
  }
  ordered_json feed = ordered_json::array();
  for (const FeedLine& f : t.feed()) feed.push_back({f.at_ms, f.who, f.text});
  int64_t span = std::max<int64_t>(t.last_ms(), absl::ToInt64Milliseconds(r.figures.span));
  return {{"file", spec.file},
          {"name", spec.name},
          {"ok", r.ok()},
          {"span_ms", std::max<int64_t>(span, 1)},
          {"messages", t.messages()},
          {"trace_events", r.trace_events_total},
          {"queues", queues},
          {"lanes", lanes},
          {"depth", depth},
          {"checks", checks},
          {"figures", FormatFigures(r.figures)},
          {"tasks", tasks},
          {"feed", feed},
          {"feed_dropped", t.feed_dropped()}};
}

}  // namespace

std::string HtmlReport(const std::vector<HtmlSection>& sections) {
  ordered_json data = ordered_json::array();
  for (const HtmlSection& s : sections) data.push_back(SectionJson(s));
  std::string json = data.dump(-1, ' ', false, ordered_json::error_handler_t::replace);
  // Inside <script>, "</" could end the element: JSON allows "<\/".
  std::string safe;
  safe.reserve(json.size());
  for (size_t i = 0; i < json.size(); ++i) {
    if (json[i] == '<' && i + 1 < json.size() && json[i + 1] == '/') {
      safe += "<\\/";
      ++i;
    } else {
      safe += json[i];
    }
  }
  return std::string(kHtmlHead) + WARREN_VERSION_STRING + kHtmlData + safe + kHtmlTail;
}

}  // namespace warren::report
