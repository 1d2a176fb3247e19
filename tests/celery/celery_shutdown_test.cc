// Warm shutdown (SIGTERM) of a Celery 5.2.6 worker, as probed on RabbitMQ
// 3.10.8 by tests/conformance/probes/celery_warm_shutdown.py: three 3 s
// tasks, one slot, all prefetched, SIGTERM 1 s into the first.
#include <string>
#include <vector>

#include "harness.h"
#include "warren/celery.h"

namespace warren::testing {
namespace {

using celery::Attempt;
using celery::CeleryApp;
using celery::Pool;

struct Outcome {
  std::vector<std::string> states;   // per task, in apply order
  std::vector<int> executions;
  uint64_t ready = 0, unacked = 0;   // the queue after the worker exited
  bool worker_alive = true;
};

Outcome SigtermOneSecondIntoTheFirstOfThree(Pool pool, bool acks_late) {
  BrokerHarness h;
  CeleryApp app(h.sim);
  EXPECT_THAT(app.DefineTask({.name = "slow", .acks_late = acks_late,
                              .attempts = {{.duration = absl::Seconds(3)}}}),
              IsOk());
  EXPECT_THAT(app.StartWorker({.name = "w", .pool = pool, .queues = {"wp"}}), IsOk());
  std::vector<std::string> ids;
  for (int i = 0; i < 3; ++i) ids.push_back(*app.ApplyAsync("slow", {.queue = "wp"}));
  h.sim.RunFor(absl::Seconds(1));
  EXPECT_THAT(app.StopWorker("w"), IsOk());
  h.sim.RunFor(absl::Seconds(30));
  Outcome o;
  for (const std::string& id : ids) {
    std::optional<celery::TaskState> row = app.Task(id);
    o.states.push_back(row ? row->state : "no row");
    o.executions.push_back(row ? row->executions : 0);
  }
  o.ready = h.sim.Queue("wp")->ready;
  o.unacked = h.sim.Queue("wp")->unacked;
  o.worker_alive = app.RestartWorker("w").code() == absl::StatusCode::kFailedPrecondition;
  return o;
}

TEST(WarmShutdown, PreforkFinishesTheRunningTaskAndGivesBackWhatItHadNotStarted) {
  for (bool acks_late : {true, false}) {
    SCOPED_TRACE(acks_late ? "acks_late" : "early ack");
    Outcome o = SigtermOneSecondIntoTheFirstOfThree(Pool::kPrefork, acks_late);
    EXPECT_THAT(o.states, ::testing::ElementsAre("SUCCESS", "PENDING", "PENDING"));
    EXPECT_THAT(o.executions, ::testing::ElementsAre(1, 0, 0));
    EXPECT_EQ(o.ready, 2u);
    EXPECT_EQ(o.unacked, 0u);
    EXPECT_FALSE(o.worker_alive);
  }
}

TEST(WarmShutdown, SoloInterruptsTheRunningBodyThenRunsWhatItHadReceived) {
  // acks_late: the interrupted task's message goes back to the queue.
  Outcome late = SigtermOneSecondIntoTheFirstOfThree(Pool::kSolo, true);
  EXPECT_THAT(late.states, ::testing::ElementsAre("PENDING", "SUCCESS", "SUCCESS"));
  EXPECT_THAT(late.executions, ::testing::ElementsAre(1, 1, 1));
  EXPECT_EQ(late.ready, 1u);
  EXPECT_EQ(late.unacked, 0u);
  EXPECT_FALSE(late.worker_alive);
  // Early ack: its deferred ack still goes out: the task is lost.
  Outcome early = SigtermOneSecondIntoTheFirstOfThree(Pool::kSolo, false);
  EXPECT_THAT(early.states, ::testing::ElementsAre("PENDING", "SUCCESS", "SUCCESS"));
  EXPECT_EQ(early.ready, 0u);
  EXPECT_EQ(early.unacked, 0u);
}

TEST(Supervisor, RestartsAKilledWorkerAfterItsDelayButNotOneThatShutDownWarmly) {
  BrokerHarness h;
  CeleryApp app(h.sim);
  ASSERT_THAT(app.DefineTask({.name = "t"}), IsOk());
  ASSERT_THAT(app.StartWorker({.name = "w", .pool = Pool::kSolo, .queues = {"q"},
                               .restart_after = absl::Seconds(2)}),
              IsOk());
  h.sim.RunFor(absl::Seconds(1));
  ASSERT_THAT(app.KillWorker("w"), IsOk());
  std::string id = *app.ApplyAsync("t", {.queue = "q"});
  h.sim.RunFor(absl::Milliseconds(1999));
  EXPECT_EQ(app.Task(id)->state, "PENDING");  // still dead
  h.sim.RunFor(absl::Milliseconds(2));
  EXPECT_EQ(app.Task(id)->state, "SUCCESS");  // back, and consuming

  ASSERT_THAT(app.StopWorker("w"), IsOk());
  h.sim.RunFor(absl::Seconds(1));
  std::string later = *app.ApplyAsync("t", {.queue = "q"});
  h.sim.RunFor(absl::Seconds(10));
  EXPECT_EQ(app.Task(later)->state, "PENDING");  // exit 0: not restarted
}

}  // namespace
}  // namespace warren::testing
