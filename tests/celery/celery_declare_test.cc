// What a Celery 5.2.6 producer and worker declare (task_create_missing_queues,
// task_queues), as probed on RabbitMQ 3.10.8 by
// tests/conformance/probes/celery_declares.py.
#include <string>
#include <vector>

#include "harness.h"
#include "warren/celery.h"

namespace warren::testing {
namespace {

using celery::CeleryApp;
using ::testing::HasSubstr;
using ::testing::Not;

celery::TaskSpec Noop() {
  return {.name = "t", .attempts = {{.kind = celery::Attempt::Kind::kSucceed}}};
}

bool HasBinding(const Simulation& sim, std::string_view source, std::string_view queue,
                std::string_view key) {
  for (const BindingInfo& b : sim.Bindings()) {
    if (b.source == source && b.destination == queue && b.routing_key == key) return true;
  }
  return false;
}

const ExchangeInfo* FindExchange(const Simulation& sim, std::string_view name,
                                 std::vector<ExchangeInfo>& store) {
  store = sim.Exchanges();
  for (const ExchangeInfo& x : store) {
    if (x.name == name) return &x;
  }
  return nullptr;
}

TEST(CeleryDeclares, ApplyAsyncDeclaresAQueueNothingDeclaredWithAnExchangeOfItsName) {
  BrokerHarness h;
  CeleryApp app(h.sim);
  ASSERT_THAT(app.DefineTask(Noop()), IsOk());
  ASSERT_THAT(app.ApplyAsync("t", {.queue = "probe_missing"}), IsOk());
  absl::StatusOr<QueueInfo> q = h.sim.Queue("probe_missing");
  ASSERT_THAT(q, IsOk());
  EXPECT_TRUE(q->durable);
  EXPECT_FALSE(q->auto_delete);
  EXPECT_TRUE(q->arguments.empty());
  EXPECT_EQ(q->ready, 1u);  // routed, not lost
  std::vector<ExchangeInfo> store;
  const ExchangeInfo* x = FindExchange(h.sim, "probe_missing", store);
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->type, "direct");
  EXPECT_TRUE(x->durable);
  EXPECT_TRUE(HasBinding(h.sim, "probe_missing", "probe_missing", "probe_missing"));
}

TEST(CeleryDeclares, AQueueDeclaredWithArgumentsTheAppDoesNotListFailsApplyAsyncWith406) {
  BrokerHarness h;
  h.DeclareQueue("probe_dlx", {{"x-dead-letter-exchange", S("dlx")}}, /*durable=*/true);
  CeleryApp app(h.sim);
  ASSERT_THAT(app.DefineTask(Noop()), IsOk());
  for (int attempt = 0; attempt < 2; ++attempt) {  // a failed declare is not cached
    absl::StatusOr<std::string> id = app.ApplyAsync("t", {.queue = "probe_dlx"});
    EXPECT_THAT(id, StatusIs(absl::StatusCode::kFailedPrecondition));
    EXPECT_THAT(std::string(id.status().message()),
                HasSubstr("406 PRECONDITION_FAILED - inequivalent arg 'x-dead-letter-exchange' "
                          "for queue 'probe_dlx' in vhost '/': received none but current is the "
                          "value 'dlx' of type 'longstr'"));
  }
  EXPECT_EQ(h.sim.Queue("probe_dlx")->ready, 0u);  // nothing published
  std::vector<ExchangeInfo> store;
  EXPECT_NE(FindExchange(h.sim, "probe_dlx", store), nullptr);  // declared before the queue
}

TEST(CeleryDeclares, AQueueListedInTaskQueuesIsDeclaredWithItsArgumentsOnTheCeleryExchange) {
  BrokerHarness h;
  FieldTable args;
  args.Set("x-dead-letter-exchange", S("dlx"));
  h.DeclareQueue("probe_dlx", args, /*durable=*/true);
  CeleryApp app(h.sim, {.task_queues = {{.name = "probe_dlx",
                                         .options = {.durable = true, .arguments = args}}}});
  ASSERT_THAT(app.DefineTask(Noop()), IsOk());
  ASSERT_THAT(app.ApplyAsync("t", {.queue = "probe_dlx"}), IsOk());
  EXPECT_EQ(h.sim.Queue("probe_dlx")->ready, 1u);
  EXPECT_TRUE(HasBinding(h.sim, "celery", "probe_dlx", "celery"));
}

TEST(CeleryDeclares, AStartingWorkerDeclaresTheQueuesItConsumes) {
  BrokerHarness h;
  CeleryApp app(h.sim);
  ASSERT_THAT(app.DefineTask(Noop()), IsOk());
  ASSERT_THAT(app.StartWorker({.name = "w", .queues = {"probe_worker_q"}}), IsOk());
  absl::StatusOr<QueueInfo> q = h.sim.Queue("probe_worker_q");
  ASSERT_THAT(q, IsOk());
  EXPECT_TRUE(q->durable);
  EXPECT_EQ(q->consumers, 1u);
  EXPECT_TRUE(HasBinding(h.sim, "probe_worker_q", "probe_worker_q", "probe_worker_q"));
}

TEST(CeleryDeclares, WithoutCreateMissingQueuesAnUnknownQueueIsNotFound) {
  BrokerHarness h;
  CeleryApp app(h.sim, {.task_create_missing_queues = false});
  ASSERT_THAT(app.DefineTask(Noop()), IsOk());
  absl::StatusOr<std::string> id = app.ApplyAsync("t", {.queue = "nowhere"});
  EXPECT_THAT(id, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(std::string(id.status().message()), HasSubstr("missing from task_queues"));
  EXPECT_THAT(h.sim.Queue("nowhere"), Not(IsOk()));
}

}  // namespace
}  // namespace warren::testing
