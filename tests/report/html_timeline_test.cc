// The HTML report's lanes and depth series (sim/report/html_timeline.h).
#include "sim/report/html_timeline.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/report/html_report.h"
#include "warren/scenario.h"
#include "warren/testing/matchers.h"

namespace warren::report {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Runs a shipped scenario with the timeline fed from its trace.
struct Drawn {
  ScenarioSpec spec;
  ScenarioResult result;
  std::unique_ptr<HtmlTimeline> timeline;
};
Drawn Draw(const std::string& file) {
  Drawn d;
  absl::StatusOr<ScenarioSpec> spec = LoadScenarioFile(std::string(WARREN_SCENARIO_DIR) + "/" + file);
  EXPECT_THAT(spec, testing::IsOk());
  d.spec = *spec;
  d.timeline = std::make_unique<HtmlTimeline>(d.spec.options.start);
  HtmlTimeline* t = d.timeline.get();
  d.result = RunScenario(d.spec, {.on_trace_event = [t](const TraceEvent& e) { t->OnEvent(e); }});
  return d;
}

TEST(HtmlTimeline, ALaneFollowsItsMessageThroughEveryQueueAndCountsItsDeaths) {
  Drawn d = Draw("ttl_dlx_ladder_reject_chain.json");
  ASSERT_EQ(d.timeline->lanes().size(), 1u);
  const Lane& lane = d.timeline->lanes()[0];
  std::vector<std::string> path;
  for (const LaneSegment& s : lane.segments) {
    path.push_back(s.queue + (s.unacked ? ":unacked" : ":ready"));
  }
  EXPECT_THAT(path, ElementsAre("task_queue:ready", "task_queue:unacked", "retry_2s:ready",
                                "task_queue:ready", "task_queue:unacked", "retry_4s:ready",
                                "task_queue:ready", "task_queue:unacked", "retry_8s:ready",
                                "task_queue:ready", "task_queue:unacked", "dlq:ready"));
  EXPECT_EQ(lane.segments.back().to_ms, -1);  // still in the dlq at the end
  EXPECT_EQ(lane.segments.back().from_ms, 14000);
  std::vector<std::string> deaths;
  for (const LaneMark& m : lane.marks) {
    if (m.kind == "dead-lettered") deaths.push_back(m.text.substr(m.text.find("x-death")));
  }
  // The task_queue entry's count rises as RabbitMQ 3.10 raises it in place.
  EXPECT_THAT(deaths, ElementsAre("x-death {queue=task_queue reason=rejected count=1}",
                                  "x-death {queue=retry_2s reason=expired count=1}",
                                  "x-death {queue=task_queue reason=rejected count=2}",
                                  "x-death {queue=retry_4s reason=expired count=1}",
                                  "x-death {queue=task_queue reason=rejected count=3}",
                                  "x-death {queue=retry_8s reason=expired count=1}",
                                  "x-death {queue=task_queue reason=rejected count=4}"));
}

TEST(HtmlTimeline, DepthSeriesEndAtTheBrokersCounts) {
  Drawn d = Draw("ttl_dlx_ladder_reject_chain.json");
  for (const auto& [queue, series] : d.timeline->depths()) {
    SCOPED_TRACE(queue);
    uint64_t ready = 0, unacked = 0;
    if (!series.points.empty()) {
      ready = series.points.back().ready;
      unacked = series.points.back().unacked;
    }
    // The queue table is "name messages unacked" per line.
    bool found = false;
    for (const std::string& line : d.result.queue_table) {
      if (line.rfind(queue + " ", 0) != 0) continue;
      found = true;
      EXPECT_THAT(line, ::testing::MatchesRegex(queue + " +" + std::to_string(ready) + " +" +
                                                std::to_string(unacked)));
    }
    EXPECT_TRUE(found);
  }
}

TEST(HtmlReport, EmbedsItsDataSoThatScriptTextCannotCloseTheScriptElement) {
  Drawn d = Draw("ttl_dlx_ladder_reject_chain.json");
  d.spec.name = "</script><script>alert(1)</script>";
  ScenarioReport run{.spec = &d.spec, .result = &d.result};
  std::string page = HtmlReport({{&run, d.timeline.get()}});
  EXPECT_THAT(page, HasSubstr("<\\/script><script>alert(1)<\\/script>"));
  EXPECT_THAT(page, ::testing::Not(HasSubstr("</script><script>alert(1)")));
}

}  // namespace
}  // namespace warren::report
