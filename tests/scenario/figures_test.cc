// Figures of a run (warren/figures.h): depths, latencies, deliveries,
// outcomes, in virtual time.
#include <random>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/scenario/figures_collector.h"
#include "tests/reliability/load_driver.h"
#include "warren/scenario.h"
#include "warren/testing/matchers.h"

namespace warren {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

ScenarioResult RunInline(std::string_view json) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario(json, "inline.json");
  EXPECT_THAT(spec, testing::IsOk()) << spec.status();
  return spec.ok() ? RunScenario(*spec) : ScenarioResult{};
}

const QueueFigures* FindQueue(const RunFigures& f, std::string_view name) {
  for (const QueueFigures& q : f.queues) {
    if (q.queue == name) return &q;
  }
  return nullptr;
}

TEST(Summarize, PercentilesAreNearestRank) {
  std::vector<absl::Duration> ms;
  for (int i = 100; i >= 1; --i) ms.push_back(absl::Milliseconds(i));  // unsorted on purpose
  DurationSummary s = Summarize(ms);
  EXPECT_EQ(s.count, 100u);
  EXPECT_EQ(s.p50, absl::Milliseconds(50));
  EXPECT_EQ(s.p90, absl::Milliseconds(90));
  EXPECT_EQ(s.p99, absl::Milliseconds(99));
  EXPECT_EQ(s.max, absl::Milliseconds(100));
  DurationSummary one = Summarize({absl::Seconds(3)});
  EXPECT_EQ(one.p50, absl::Seconds(3));
  EXPECT_EQ(one.p99, absl::Seconds(3));
  EXPECT_EQ(Summarize({}).count, 0u);
}

// The shipped reject chain: rejected at 0, 2, 6 and 14 s, parked in the dlq.
TEST(RunFigures, ALadderMessageSettlesInTheDlqAfterItsHops) {
  absl::StatusOr<ScenarioSpec> spec =
      LoadScenarioFile(std::string(WARREN_SCENARIO_DIR) + "/ttl_dlx_ladder_reject_chain.json");
  ASSERT_THAT(spec, testing::IsOk());
  ScenarioResult r = RunScenario(*spec);
  ASSERT_EQ(r.figures.messages.size(), 1u);
  const MessageGroupFigures& g = r.figures.messages[0];
  EXPECT_EQ(g.messages, 1u);
  EXPECT_EQ(g.latency.count, 1u);
  EXPECT_EQ(g.latency.max, absl::Seconds(14));  // 2 + 4 + 8 s of TTL
  EXPECT_EQ(g.deliveries, 4u);
  EXPECT_THAT(g.outcomes, ElementsAre(Pair("in queue dlq", 1)));
  const QueueFigures* dlq = FindQueue(r.figures, "dlq");
  ASSERT_NE(dlq, nullptr);
  EXPECT_EQ(dlq->peak_ready, 1u);
  // In the dlq from 14 s to the end of the run.
  double span = absl::ToDoubleSeconds(r.figures.span);
  EXPECT_NEAR(dlq->mean_ready, (span - 14) / span, 1e-9);
  const QueueFigures* retry8 = FindQueue(r.figures, "retry_8s");
  ASSERT_NE(retry8, nullptr);
  EXPECT_NEAR(retry8->mean_ready, 8 / span, 1e-9);
}

TEST(RunFigures, ARepublishCountsAsTheOriginalMessageNotAsItsAck) {
  absl::StatusOr<ScenarioSpec> spec =
      LoadScenarioFile(std::string(WARREN_SCENARIO_DIR) + "/ttl_dlx_ladder_republish.json");
  ASSERT_THAT(spec, testing::IsOk());
  ScenarioResult r = RunScenario(*spec);
  ASSERT_EQ(r.figures.messages.size(), 1u);
  EXPECT_THAT(r.figures.messages[0].outcomes, ElementsAre(Pair("in queue dlq", 1)));
  EXPECT_EQ(r.figures.messages[0].latency.max, absl::Seconds(14));
}

TEST(RunFigures, UnlabelledStepsAreGroupedByTheirPointerAndDropsAreOutcomes) {
  ScenarioResult r = RunInline(R"({ "version": 1,
    "queues": [{"name": "q", "arguments": {"x-max-length": 1, "x-overflow": "drop-head"}}],
    "timeline": [
      {"at_ms": 0, "publish": {"routing_key": "q", "body": "a", "count": 3}},
      {"at_ms": 0, "publish": {"routing_key": "nowhere", "body": "b", "label": "lost"}}
    ],
    "expect": [{"queue": "q", "ready": 1}]
  })");
  ASSERT_EQ(r.figures.messages.size(), 2u);
  EXPECT_EQ(r.figures.messages[0].group, "/timeline/0");
  EXPECT_THAT(r.figures.messages[0].outcomes,
              ElementsAre(Pair(::testing::StartsWith("dropped: maxlen"), 2), Pair("in queue q", 1)));
  EXPECT_EQ(r.figures.messages[1].group, "lost");
  EXPECT_THAT(r.figures.messages[1].outcomes, ElementsAre(Pair("dropped: unroutable", 1)));
}

TEST(RunFigures, AnUnackedMessageHasNoLatencyAndRedeliveriesAreCounted) {
  ScenarioResult r = RunInline(R"({ "version": 1,
    "queues": [{"name": "q"}],
    "clients": [{"name": "c", "queue": "q", "prefetch": 1,
                 "rules": [{"when": {"attempt": 1}, "do": "requeue"}, {"do": "hold"}]}],
    "timeline": [{"at_ms": 0, "publish": {"routing_key": "q", "body": "a", "label": "m"}}],
    "expect": [{"queue": "q", "unacked": 1}]
  })");
  ASSERT_EQ(r.figures.messages.size(), 1u);
  const MessageGroupFigures& g = r.figures.messages[0];
  EXPECT_EQ(g.latency.count, 0u);
  EXPECT_EQ(g.deliveries, 2u);
  EXPECT_EQ(g.redeliveries, 1u);
  EXPECT_THAT(g.outcomes, ElementsAre(Pair("unacked", 1)));
  const QueueFigures* q = FindQueue(r.figures, "q");
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(q->peak_unacked, 1u);
  EXPECT_NEAR(q->mean_unacked, 1.0, 1e-9);  // unacked from 0 s to the end
}

TEST(RunFigures, CeleryTasksGetLatencyFromSentToTheirLastTerminalEvent) {
  absl::StatusOr<ScenarioSpec> spec =
      LoadScenarioFile(std::string(WARREN_SCENARIO_DIR) + "/celery_retry_backoff.json");
  ASSERT_THAT(spec, testing::IsOk());
  ScenarioResult r = RunScenario(*spec);
  const TaskFigures* no_jitter = nullptr;
  for (const TaskFigures& t : r.figures.tasks) {
    if (t.task == "no_jitter") no_jitter = &t;
  }
  ASSERT_NE(no_jitter, nullptr);
  EXPECT_EQ(no_jitter->tasks, 1u);
  EXPECT_EQ(no_jitter->retries, 3u);
  EXPECT_EQ(no_jitter->max_retries, 3);
  EXPECT_EQ(no_jitter->latency.max, absl::Seconds(7));  // 1 + 2 + 4 s of backoff
  EXPECT_THAT(no_jitter->outcomes, ElementsAre(Pair("failed", 1)));
}

// The collector's live copies per queue must equal the broker's own counts
// after any workload: the random load (every queue feature, DLX cycles,
// requeues, closes, deletes) across seeds.
TEST(FiguresCollector, LiveCopiesPerQueueEqualTheBrokersCountsAfterRandomLoad) {
  for (uint64_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE(::testing::Message() << "seed " << seed);
    internal::FiguresCollector figures;
    std::mt19937_64 rng(seed);
    testing::LoadDriver driver(
        [&rng] { return rng(); },
        {.seed = seed, .trace_sink = [&figures](const TraceEvent& e) { figures.OnEvent(e); }});
    figures.Start(driver.sim().Now());
    for (int i = 0; i < 600 && !driver.exhausted(); ++i) ASSERT_THAT(driver.Step(), testing::IsOk());
    ASSERT_THAT(driver.Finish(), testing::IsOk());
    for (const QueueInfo& q : driver.sim().Queues()) {
      EXPECT_EQ(figures.ReadyIn(q.name), q.ready) << q.name;
      EXPECT_EQ(figures.UnackedIn(q.name), q.unacked) << q.name;
    }
  }
}

TEST(RunFigures, AreLeftEmptyWhenTheRunOptionsTurnThemOff) {
  absl::StatusOr<ScenarioSpec> spec =
      LoadScenarioFile(std::string(WARREN_SCENARIO_DIR) + "/ttl_dlx_ladder_reject_chain.json");
  ASSERT_THAT(spec, testing::IsOk());
  ScenarioResult on = RunScenario(*spec);
  ScenarioResult off = RunScenario(*spec, {.figures = false});
  EXPECT_FALSE(on.figures.queues.empty());
  EXPECT_TRUE(off.figures.queues.empty());
  EXPECT_TRUE(off.figures.messages.empty());
  EXPECT_TRUE(off.ok());
}

TEST(FormatFigures, NamesEachQueueGroupAndTask) {
  RunFigures f{.span = absl::Seconds(10),
               .queues = {{.queue = "dlq", .peak_ready = 2, .mean_ready = 0.5}},
               .messages = {{.group = "job",
                             .messages = 2,
                             .latency = Summarize({absl::Seconds(14), absl::Seconds(2)}),
                             .deliveries = 5,
                             .redeliveries = 1,
                             .outcomes = {{"in queue dlq", 2}}}}};
  std::vector<std::string> lines = FormatFigures(f);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0], "figures over 10.000s of virtual time");
  EXPECT_EQ(lines[2], "  dlq             2       0.500             0         0.000");
  EXPECT_EQ(lines[3],
            "  messages job: 2, latency p50 2.000s  p90 14.000s  p99 14.000s  max 14.000s "
            "(2 settled)");
  EXPECT_EQ(lines[4], "    deliveries 5 (1 redelivered); outcomes: in queue dlq 2");
}

}  // namespace
}  // namespace warren
