// Celery 5.2 worker semantics (../shared/spec/celery-worker.md), including
// the worked examples of its section 9 (prefork, concurrency 1).
#include <algorithm>
#include <regex>
#include <set>

#include "celery/celery_rig.h"
#include "harness.h"
#include "warren/celery.h"

namespace warren::testing {
namespace {

using celery::Attempt;
using celery::CeleryApp;
using celery::OnFailure;
using celery::Pool;
using celery::TaskSpec;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

Attempt Raise(std::string exc = "RuntimeError") {
  return {.kind = Attempt::Kind::kRaise, .exception = std::move(exc)};
}

// Section 9 topology: task_queue dead-letters to dlx/dlq.
class SeedTopology : public ::testing::Test {
 protected:
  void SetUp() override {
    h.DeclareExchange("dlx", "direct");
    h.DeclareQueue("dlq");
    h.Bind("dlq", "dlx", "dlq");
    h.DeclareQueue("task_queue", {{"x-dead-letter-exchange", S("dlx")},
                                  {"x-dead-letter-routing-key", S("dlq")}});
  }
  // autoretry_for=(RuntimeError,), retry_kwargs={"max_retries": 3, "countdown": 1},
  // the body always raises RuntimeError; on_failure as given.
  TaskSpec FlakyWork(OnFailure on_failure, std::optional<bool> acks_late = std::nullopt) {
    return {.name = "flaky_work", .acks_late = acks_late, .autoretry_for = {"RuntimeError"},
            .retry_countdown = absl::Seconds(1), .retry_max_retries = 3,
            .on_failure = on_failure, .attempts = {Raise()}};
  }
  void StartPrefork(CeleryApp& app) {
    ASSERT_THAT(app.StartWorker({.name = "w1", .pool = Pool::kPrefork, .queues = {"task_queue"}}),
                IsOk());
  }
  BrokerHarness h;
};

TEST_F(SeedTopology, WithoutAcksLateOnFailureRejectNeverDeadLetters) {
  CeleryApp app(h.sim, {.task_queues_from_broker = true});
  ASSERT_THAT(app.DefineTask(FlakyWork(OnFailure::kRaiseReject)), IsOk());
  StartPrefork(app);
  auto id = app.ApplyAsync("flaky_work", {.queue = "task_queue"});
  ASSERT_THAT(id, IsOk());
  h.RunFor(absl::Minutes(2));
  auto row = app.Task(*id);
  EXPECT_EQ(row->executions, 4);
  EXPECT_EQ(row->published, 4);  // retries 0..3, same id
  EXPECT_EQ(row->state, "FAILURE");
  EXPECT_EQ(row->result, "Reject()");
  EXPECT_THAT(h.Bodies("dlq"), IsEmpty());
  EXPECT_EQ(h.Ready("task_queue") + h.Unacked("task_queue"), 0u);
}

TEST_F(SeedTopology, WithAcksLateTheFinalRejectDeadLettersOnce) {
  CeleryApp app(h.sim, {.task_queues_from_broker = true});
  ASSERT_THAT(app.DefineTask(FlakyWork(OnFailure::kRaiseReject, true)), IsOk());
  StartPrefork(app);
  auto id = app.ApplyAsync("flaky_work", {.queue = "task_queue"});
  h.RunFor(absl::Minutes(2));
  EXPECT_EQ(app.Task(*id)->executions, 4);
  WARREN_ASSERT_OK_AND_ASSIGN(auto dlq, h.sim.Messages("dlq"));
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_THAT(dlq[0], HasXDeath({{"task_queue", "rejected", 1}}));
  const FieldTable& entry = dlq[0].properties().headers->Find("x-death")->as_array()[0].as_table();
  EXPECT_EQ(*entry.Find("exchange"), S(""));
  EXPECT_EQ(*entry.Find("routing-keys"), FieldValue::Array({S("task_queue")}));
  EXPECT_THAT(dlq[0], HasHeader("x-first-death-reason", S("rejected")));
  EXPECT_THAT(dlq[0], HasHeader("retries", I(3)));
  EXPECT_THAT(dlq[0], HasHeader("id", S(*id)));
  // The Celery event feed is in the broker trace too, in order.
  std::vector<std::string> celery;
  for (const TraceEvent& e : h.sim.trace()) {
    if (e.kind == TraceKind::kCelery) celery.push_back(e.detail.substr(0, e.detail.find(' ')));
  }
  EXPECT_EQ(std::count(celery.begin(), celery.end(), "task-retried"), 3);
  EXPECT_EQ(celery.front(), "task-sent");
  EXPECT_EQ(celery.back(), "task-failed");
}

TEST_F(SeedTopology, AcksLatePlainExceptionIsAckedByDefaultAndDeadLetteredWhenConfigured) {
  for (bool acks_on_failure : {true, false}) {
    SCOPED_TRACE(acks_on_failure);
    BrokerHarness local;
    local.DeclareExchange("dlx", "direct");
    local.DeclareQueue("dlq");
    local.Bind("dlq", "dlx", "dlq");
    local.DeclareQueue("task_queue", {{"x-dead-letter-exchange", S("dlx")},
                                      {"x-dead-letter-routing-key", S("dlq")}});
    CeleryApp app(local.sim, {.task_queues_from_broker = true,
                              .task_acks_late = true,
                              .task_acks_on_failure_or_timeout = acks_on_failure});
    ASSERT_THAT(app.DefineTask({.name = "plain", .attempts = {Raise()}}), IsOk());
    ASSERT_THAT(app.StartWorker({.name = "w1", .queues = {"task_queue"}}), IsOk());
    auto id = app.ApplyAsync("plain", {.queue = "task_queue"});
    local.RunFor(absl::Seconds(10));
    EXPECT_EQ(app.Task(*id)->state, "FAILURE");
    EXPECT_EQ(local.Ready("dlq"), acks_on_failure ? 0u : 1u);
  }
}

// The seed claims a retry from on_failure keeps the final Reject out of the
// DLQ. In 5.2.6 the second on_failure call re-raises what the first raised:
// Retry (acked by Request.on_retry) while retrying, then Reject, which the
// prefork parent turns into reject(requeue=False): the DLQ gets it.
TEST_F(SeedTopology, RetryInsideOnFailureStillDeadLettersTheFinalRejectWithAcksLate) {
  CeleryApp app(h.sim, {.task_queues_from_broker = true});
  TaskSpec t = FlakyWork(OnFailure::kRetryThenReject, true);
  t.autoretry_for.clear();  // the seed's RetryInFailureTask retries from on_failure
  t.default_retry_delay = absl::Seconds(1);  // self.retry(exc=exc, countdown=1)
  ASSERT_THAT(app.DefineTask(t), IsOk());
  StartPrefork(app);
  auto id = app.ApplyAsync("flaky_work", {.queue = "task_queue"});
  h.RunFor(absl::Minutes(5));
  EXPECT_EQ(app.Task(*id)->executions, 4);
  EXPECT_EQ(app.Task(*id)->published, 4);
  EXPECT_EQ(h.Ready("dlq"), 1u);
  EXPECT_EQ(h.Ready("task_queue") + h.Unacked("task_queue"), 0u);
}

TEST_F(SeedTopology, RetryInsideOnFailureWithoutAcksLateLosesTheMessage) {
  CeleryApp app(h.sim, {.task_queues_from_broker = true});
  TaskSpec t = FlakyWork(OnFailure::kRetryThenReject);
  t.autoretry_for.clear();
  t.default_retry_delay = absl::Seconds(1);
  ASSERT_THAT(app.DefineTask(t), IsOk());
  StartPrefork(app);
  auto id = app.ApplyAsync("flaky_work", {.queue = "task_queue"});
  h.RunFor(absl::Minutes(5));
  EXPECT_EQ(app.Task(*id)->executions, 4);
  EXPECT_THAT(h.Bodies("dlq"), IsEmpty());
}

TEST(CeleryEta, AnEtaMessageStaysDeliveredUnackedDuringTheCountdown) {
  CeleryRig rig({.name = "t"}, {.pool = Pool::kSolo});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("t", {.queue = "q", .countdown = absl::Seconds(30)});
  h.RunFor(absl::Seconds(29));
  EXPECT_EQ(h.Unacked("q"), 1u);
  EXPECT_EQ(app.Task(*id)->executions, 0);
  h.RunFor(absl::Seconds(1));
  EXPECT_EQ(app.Task(*id)->executions, 1);
  EXPECT_EQ(app.Task(*id)->state, "SUCCESS");
}

TEST(CeleryEta, PreforkRunsAnEtaTaskOnlyAtThePoolsNextFiveSecondTick) {
  CeleryRig rig({.name = "t"});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("t", {.queue = "q", .countdown = absl::Seconds(1)});
  h.RunFor(absl::Seconds(5) - absl::Milliseconds(1));
  EXPECT_EQ(app.Task(*id)->executions, 0);
  h.RunFor(absl::Milliseconds(1));
  EXPECT_EQ(app.Task(*id)->executions, 1);
}

TEST(CeleryExpires, AnExpiredMessageIsRevokedAndAckedEvenWithAcksLate) {
  BrokerHarness h;
  h.DeclareExchange("dlx", "fanout");
  h.DeclareQueue("dlq");
  h.Bind("dlq", "dlx");
  h.DeclareQueue("q", {{"x-dead-letter-exchange", S("dlx")}});
  CeleryApp app(h.sim, {.task_queues_from_broker = true, .task_acks_late = true});
  ASSERT_THAT(app.DefineTask({.name = "t"}), IsOk());
  ASSERT_THAT(app.StartWorker({.name = "w", .queues = {"q"}}), IsOk());
  // expires already in the past: expiration "0", delivered to a waiting consumer.
  auto id = app.ApplyAsync("t", {.queue = "q", .expires_at = h.sim.Now() - absl::Seconds(1)});
  h.RunFor(absl::Seconds(1));
  EXPECT_EQ(app.Task(*id)->state, "REVOKED");
  EXPECT_EQ(app.Task(*id)->result, "TaskRevokedError('expired')");
  EXPECT_EQ(app.Task(*id)->executions, 0);
  EXPECT_EQ(h.Ready("dlq") + h.Unacked("q"), 0u);
}

TEST(CeleryExpires, WithoutAConsumerAPastExpiryIsExpiredByTheBrokerAndStaysPending) {
  BrokerHarness h;
  h.DeclareQueue("q");
  CeleryApp app(h.sim, {.task_queues_from_broker = true});
  ASSERT_THAT(app.DefineTask({.name = "t"}), IsOk());
  auto id = app.ApplyAsync("t", {.queue = "q", .expires_at = h.sim.Now() - absl::Seconds(1)});
  EXPECT_EQ(h.Ready("q"), 0u);
  EXPECT_EQ(app.Task(*id)->state, "PENDING");
}

TEST(CeleryRetry, RetryingATaskPublishedWithExpiresHitsThe526BugAndIsRejected) {
  CeleryRig rig({.name = "t",
                 .autoretry_for = {"RuntimeError"},
                 .retry_countdown = absl::Seconds(1),
                 .attempts = {Raise()}},
                {.app = {.task_acks_late = true}, .dlq = true});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("t", {.queue = "q", .expires = absl::Hours(1)});
  h.RunFor(absl::Seconds(30));
  EXPECT_EQ(app.Task(*id)->executions, 1);
  EXPECT_EQ(app.Task(*id)->state, "PENDING");  // no backend row was written
  EXPECT_EQ(h.Ready("dlq"), 1u);
}

TEST(CeleryRetry, BackoffWithoutJitterDoublesFromTheFactor) {
  CeleryRig rig({.name = "t",
                 .autoretry_for = {"RuntimeError"},
                 .retry_backoff = 1,
                 .retry_jitter = false,
                 .attempts = {Raise()}},
                {.pool = Pool::kSolo});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  app.ApplyAsync("t", {.queue = "q"}).IgnoreError();
  h.RunFor(absl::Minutes(1));
  std::vector<int64_t> starts;
  for (const celery::CeleryEvent& e : app.events()) {
    if (e.type == "task-started") starts.push_back(absl::ToUnixSeconds(e.time) - absl::ToUnixSeconds(h.sim.options().start));
  }
  EXPECT_EQ(starts, (std::vector<int64_t>{0, 1, 3, 7}));  // countdowns 1, 2, 4
}

TEST(CeleryRetry, JitterIsDrawnFromTheSeedSoRunsRepeat) {
  auto run = [](uint64_t seed) {
    BrokerHarness h({.seed = seed});
    h.DeclareQueue("q");
    CeleryApp app(h.sim, {.task_queues_from_broker = true});
    (void)app.DefineTask({.name = "t", .autoretry_for = {"RuntimeError"}, .retry_backoff = 4,
                          .attempts = {Raise()}});
    (void)app.StartWorker({.name = "w", .pool = Pool::kSolo, .queues = {"q"}});
    (void)app.ApplyAsync("t", {.queue = "q"});
    h.RunFor(absl::Minutes(5));
    std::vector<int64_t> starts;
    for (const celery::CeleryEvent& e : app.events()) {
      if (e.type == "task-started") starts.push_back(absl::ToUnixMillis(e.time));
    }
    return starts;
  };
  EXPECT_EQ(run(11), run(11));
  EXPECT_EQ(run(11).size(), 4u);
}

TEST(CeleryPools, SoloSwallowsTheSecondOnFailureErrorOfAnEtaRunAndNeverSettles) {
  CeleryRig rig({.name = "t", .on_failure = OnFailure::kRaiseReject, .attempts = {Raise()}},
                {.app = {.task_acks_late = true}, .pool = Pool::kSolo, .dlq = true});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  app.ApplyAsync("t", {.queue = "q", .countdown = absl::Seconds(1)}).IgnoreError();
  h.RunFor(absl::Minutes(5));
  EXPECT_EQ(h.Unacked("q"), 1u);  // "Error in timer": neither ack nor reject
  EXPECT_EQ(h.Ready("dlq"), 0u);
}

TEST(CeleryPools, SoloWorkerCrashesWhenTheErrorEscapesADirectRunAndEverythingRequeues) {
  CeleryRig rig({.name = "t", .on_failure = OnFailure::kRaiseReject, .attempts = {Raise()}},
                {.app = {.task_acks_late = true}, .pool = Pool::kSolo});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  app.ApplyAsync("t", {.queue = "q"}).IgnoreError();
  h.RunFor(absl::Seconds(1));
  EXPECT_EQ(h.Ready("q"), 1u);
  EXPECT_TRUE((*h.sim.Messages("q"))[0].redelivered);
  EXPECT_EQ(app.events().back().type, "worker-offline");
}

TEST(CeleryPools, PreforkDeadLettersTheSameTaskThatSoloLeavesUnacked) {
  CeleryRig rig({.name = "t", .on_failure = OnFailure::kRaiseReject, .attempts = {Raise()}},
                {.app = {.task_acks_late = true}, .dlq = true});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  app.ApplyAsync("t", {.queue = "q", .countdown = absl::Seconds(1)}).IgnoreError();
  h.RunFor(absl::Minutes(1));
  EXPECT_EQ(h.Ready("dlq"), 1u);
}

TEST(CeleryWorkerLost, RejectOnWorkerLostRequeuesWithoutAFailureRow) {
  CeleryRig rig(
      {.name = "t", .reject_on_worker_lost = true, .attempts = {{.duration = absl::Seconds(60)}}},
      {.app = {.task_acks_late = true}});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("t", {.queue = "q"});
  h.RunFor(absl::Seconds(10));
  ASSERT_THAT(app.KillChild("w"), IsOk());
  h.RunFor(absl::Seconds(2));  // the parent notices the lost child
  EXPECT_EQ(app.Task(*id)->state, "PENDING");
  EXPECT_GE(app.Task(*id)->executions, 2);  // requeued and picked up again
}

TEST(CeleryWorkerLost, WithoutRejectOnWorkerLostTheTaskFailsAndIsAcked) {
  CeleryRig rig({.name = "t", .attempts = {{.duration = absl::Seconds(60)}}},
                {.app = {.task_acks_late = true}});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("t", {.queue = "q"});
  h.RunFor(absl::Seconds(10));
  ASSERT_THAT(app.KillChild("w"), IsOk());
  h.RunFor(absl::Seconds(2));  // the parent notices the lost child
  EXPECT_EQ(app.Task(*id)->state, "FAILURE");
  EXPECT_EQ(app.Task(*id)->result, "WorkerLostError");
  EXPECT_EQ(h.Ready("q") + h.Unacked("q"), 0u);
}

// Task.from_config: a task that sets no reject_on_worker_lost takes the
// app's task_reject_on_worker_lost; one that sets it keeps its own.
TEST(CeleryWorkerLost, TheAppSettingAppliesToTasksThatSetNone) {
  for (std::optional<bool> own : {std::optional<bool>(), std::optional<bool>(false)}) {
    SCOPED_TRACE(own ? "the task sets false" : "the task sets nothing");
    CeleryRig rig({.name = "t",
                   .reject_on_worker_lost = own,
                   .attempts = {{.duration = absl::Seconds(60)}}},
                  {.app = {.task_acks_late = true, .task_reject_on_worker_lost = true}});
    auto id = rig.app.ApplyAsync("t", {.queue = "q"});
    rig.h.RunFor(absl::Seconds(10));
    ASSERT_THAT(rig.app.KillChild("w"), IsOk());
    rig.h.RunFor(absl::Seconds(2));
    EXPECT_EQ(rig.app.Task(*id)->state, own ? "FAILURE" : "PENDING");
  }
}

TEST(CeleryWorker, KillingTheWholeWorkerRequeuesItsUnackedMessages) {
  CeleryRig rig({.name = "t", .attempts = {{.duration = absl::Seconds(60)}}},
                {.app = {.task_acks_late = true}});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  for (int i = 0; i < 3; ++i) app.ApplyAsync("t", {.queue = "q"}).IgnoreError();
  h.RunFor(absl::Seconds(1));
  EXPECT_EQ(h.Unacked("q"), 3u);  // prefetch 4: all three delivered
  ASSERT_THAT(app.KillWorker("w"), IsOk());
  EXPECT_EQ(h.Ready("q"), 3u);
}

TEST(CeleryWorker, ARevokedEtaTaskIsAckedWhenItsTimerFiresWithoutRunning) {
  CeleryRig rig({.name = "t"});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("t", {.queue = "q", .countdown = absl::Seconds(10)});
  h.RunFor(absl::Seconds(5));
  app.Revoke(*id);
  h.RunFor(absl::Seconds(10));
  EXPECT_EQ(app.Task(*id)->state, "REVOKED");
  EXPECT_EQ(app.Task(*id)->executions, 0);
  EXPECT_EQ(h.Ready("q") + h.Unacked("q"), 0u);
  EXPECT_EQ(app.TasksInState("REVOKED").size(), 1u);
}

TEST(CeleryWorker, A52WorkerCannotConsumeAQuorumQueueBecauseOfGlobalQos) {
  BrokerHarness h;
  h.DeclareQueue("qq", {{"x-queue-type", S("quorum")}}, true);
  CeleryApp app(h.sim, {.task_queues_from_broker = true});
  EXPECT_THAT(app.StartWorker({.name = "w", .queues = {"qq"}}),
              ReplyIs(ReplyCode::kNotImplemented));
}

}  // namespace
}  // namespace warren::testing

namespace warren::testing {
namespace {

using celery::Attempt;
using celery::CeleryApp;
using celery::Pool;

TEST(CeleryTimeLimits, AHardTimeLimitKillsTheChildThenTheFailureDispositionApplies) {
  for (bool acks_on_failure : {true, false}) {
    SCOPED_TRACE(acks_on_failure);
    BrokerHarness h;
    h.DeclareQueue("dlq");
    h.DeclareQueue("q", {{"x-dead-letter-exchange", S("")},
                         {"x-dead-letter-routing-key", S("dlq")}});
    CeleryApp app(h.sim, {.task_queues_from_broker = true, .task_acks_late = true,
                          .task_acks_on_failure_or_timeout = acks_on_failure});
    ASSERT_THAT(app.DefineTask({.name = "slow", .time_limit = absl::Seconds(30),
                                .attempts = {{.duration = absl::Minutes(5)}}}),
                IsOk());
    ASSERT_THAT(app.StartWorker({.name = "w", .queues = {"q"}}), IsOk());
    auto id = app.ApplyAsync("slow", {.queue = "q"});
    h.RunFor(absl::Seconds(30) - absl::Milliseconds(1));
    EXPECT_EQ(app.Task(*id)->state, "PENDING");
    h.RunFor(absl::Milliseconds(1));
    EXPECT_EQ(app.Task(*id)->state, "FAILURE");
    EXPECT_EQ(app.Task(*id)->result, "TimeLimitExceeded()");
    h.Flush();
    // Acked, or rejected into the dead-letter queue.
    EXPECT_EQ(h.Unacked("q"), 0u);
    EXPECT_EQ(h.Ready("dlq"), acks_on_failure ? 0u : 1u);
  }
}

TEST(CeleryTimeLimits, ASoftTimeLimitRaisesInsideTheBodyAndCanBeAutoretried) {
  CeleryRig rig({.name = "slow",
                 .autoretry_for = {"SoftTimeLimitExceeded"},
                 .retry_countdown = absl::Seconds(1),
                 .soft_time_limit = absl::Seconds(10),
                 .attempts = {{.duration = absl::Minutes(1)}, {}}});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("slow", {.queue = "q"});
  h.RunFor(absl::Minutes(1));
  EXPECT_EQ(app.Task(*id)->state, "SUCCESS");
  EXPECT_EQ(app.Task(*id)->executions, 2);
}

TEST(CeleryTimeLimits, TheSoloPoolHasNone) {
  CeleryRig rig({.name = "slow",
                 .time_limit = absl::Seconds(1),
                 .attempts = {{.duration = absl::Seconds(5)}}},
                {.pool = Pool::kSolo});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("slow", {.queue = "q"});
  h.RunFor(absl::Seconds(10));
  EXPECT_EQ(app.Task(*id)->state, "SUCCESS");
}

TEST(CeleryRevoke, TerminateKillsTheRunningJobAndMarksItRevoked) {
  CeleryRig rig({.name = "slow", .attempts = {{.duration = absl::Minutes(5)}}},
                {.app = {.task_acks_late = true}});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("slow", {.queue = "q"});
  h.RunFor(absl::Seconds(10));
  app.Revoke(*id, /*terminate=*/true);
  h.Flush();
  EXPECT_EQ(app.Task(*id)->state, "REVOKED");
  EXPECT_EQ(app.Task(*id)->result, "TaskRevokedError('terminated')");
  EXPECT_EQ(h.Unacked("q"), 0u);
}

TEST(CeleryWorker, ARestartedWorkerPicksUpWhatTheKilledOneLeftUnacked) {
  CeleryRig rig({.name = "t", .attempts = {{.duration = absl::Seconds(30)}}},
                {.app = {.task_acks_late = true}});
  BrokerHarness& h = rig.h;
  CeleryApp& app = rig.app;
  auto id = app.ApplyAsync("t", {.queue = "q"});
  h.RunFor(absl::Seconds(10));
  ASSERT_THAT(app.KillWorker("w"), IsOk());
  EXPECT_EQ(h.Ready("q"), 1u);
  ASSERT_THAT(app.RestartWorker("w"), IsOk());
  h.RunFor(absl::Minutes(1));
  EXPECT_EQ(app.Task(*id)->state, "SUCCESS");
  EXPECT_EQ(app.Task(*id)->executions, 2);
}

TEST(CeleryBodies, ProbabilisticOutcomesAreDrawnFromTheSeed) {
  auto run = [](uint64_t seed) {
    BrokerHarness h({.seed = seed});
    h.DeclareQueue("q");
    CeleryApp app(h.sim, {.task_queues_from_broker = true});
    (void)app.DefineTask({.name = "t", .attempts = {{.kind = Attempt::Kind::kRaise, .probability = 0.5}}});
    (void)app.StartWorker({.name = "w", .queues = {"q"}});
    for (int i = 0; i < 64; ++i) (void)app.ApplyAsync("t", {.queue = "q"});
    h.RunFor(absl::Seconds(5));
    return app.TasksInState("FAILURE").size();
  };
  size_t failures = run(5);
  EXPECT_EQ(failures, run(5));
  EXPECT_GT(failures, 10u);
  EXPECT_LT(failures, 54u);
}

TEST(CeleryIds, GeneratedTaskIdsAreVersion4UuidsThatRepeatWithTheSeed) {
  auto ids = [](uint64_t seed) {
    BrokerHarness h({.seed = seed});
    h.DeclareQueue("q");
    CeleryApp app(h.sim, {.task_queues_from_broker = true});
    (void)app.DefineTask({.name = "t"});
    std::vector<std::string> out;
    for (int i = 0; i < 200; ++i) out.push_back(*app.ApplyAsync("t", {.queue = "q"}));
    return out;
  };
  std::vector<std::string> first = ids(3);
  const std::regex uuid4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}");
  for (const std::string& id : first) EXPECT_TRUE(std::regex_match(id, uuid4)) << id;
  EXPECT_EQ(std::set<std::string>(first.begin(), first.end()).size(), first.size());
  EXPECT_EQ(first, ids(3));
  EXPECT_NE(first, ids(4));
  // Pinned: the same seed gives the same ids in every release, so traces
  // and expectations written against them keep matching.
  EXPECT_EQ(first[0], "81d62e2f-e02b-40ff-ab47-85a42197250b");
  EXPECT_EQ(first[1], "4c94759a-c9bc-403f-acbf-45be21ef6613");
}

// Rows are found through a view of their own id: a short (inline-stored)
// id must stay findable while thousands of other rows are added around it.
TEST(CeleryRows, AShortCallerChosenIdKeepsOneRowWhileManyOthersAreAdded) {
  BrokerHarness h;
  h.DeclareQueue("q");
  CeleryApp app(h.sim, {.task_queues_from_broker = true});
  ASSERT_THAT(app.DefineTask({.name = "t", .autoretry_for = {"RuntimeError"},
                              .retry_countdown = absl::Seconds(1), .retry_max_retries = 2,
                              .attempts = {Raise()}}),
              IsOk());
  ASSERT_THAT(app.ApplyAsync("t", {.queue = "q", .task_id = "t1"}), IsOk());
  for (int i = 0; i < 3000; ++i) {
    ASSERT_THAT(app.ApplyAsync("t", {.queue = "q", .task_id = absl::StrCat("other-", i)}), IsOk());
  }
  ASSERT_THAT(app.StartWorker({.name = "w", .queues = {"q"}}), IsOk());
  h.RunFor(absl::Minutes(1));
  std::optional<celery::TaskState> row = app.Task("t1");
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->id, "t1");
  EXPECT_EQ(row->executions, 3);
  EXPECT_EQ(row->published, 3);
  EXPECT_EQ(row->state, "FAILURE");
  std::vector<celery::TaskState> all = app.Tasks();
  EXPECT_EQ(all.size(), 3001u);
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end(),
                             [](const auto& a, const auto& b) { return a.id < b.id; }));
  EXPECT_FALSE(app.Task("t2").has_value());
  std::optional<celery::TaskState> last = app.Task("other-2999");
  ASSERT_TRUE(last.has_value());
  EXPECT_EQ(last->published, 3);
}

}  // namespace
}  // namespace warren::testing

namespace warren::testing {
namespace {

// kombu.common.QoS.set: a prefetch count that does not fit basic.qos's
// 16 bits disables QoS (0 = unlimited) with a warning; it never wraps
// (20 x 3300 = 66 000 used to become 464).
TEST(CeleryPrefetch, AboveTheSixteenBitLimitQosIsDisabledAsKombuDoes) {
  BrokerHarness h;
  h.DeclareQueue("celery");
  celery::CeleryApp app(h.sim, {.task_queues_from_broker = true, .worker_prefetch_multiplier = 3300});
  ASSERT_THAT(app.DefineTask({.name = "slow",
                              .attempts = {{.kind = celery::Attempt::Kind::kSucceed,
                                            .duration = absl::Hours(1)}}}),
              IsOk());
  ASSERT_THAT(app.StartWorker({.name = "w1", .concurrency = 20, .queues = {"celery"}}), IsOk());
  for (int i = 0; i < 1000; ++i) ASSERT_THAT(app.ApplyAsync("slow", {.queue = "celery"}), IsOk());
  h.RunFor(absl::Seconds(1));
  // Everything prefetched (no limit): 20 tasks run (acked early), 980 wait
  // unacked in the worker. A wrapped prefetch of 464 left 516 ready.
  EXPECT_EQ(h.Ready("celery"), 0u);
  EXPECT_EQ(h.Unacked("celery"), 980u);
  int warnings = 0;
  for (const TraceEvent& e : h.sim.trace()) {
    warnings += e.detail == "WARNING QoS: Disabled: prefetch_count exceeds 65535";
  }
  EXPECT_EQ(warnings, 1);
}

}  // namespace
}  // namespace warren::testing
