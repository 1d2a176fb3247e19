// The Celery pipeline end to end: N always-failing tasks, autoretry with
// backoff (3 retries), acks_late + on_failure Reject -> the DLQ. Second
// argument: 1 keeps the event feed (the default), 0 turns it off as a run
// of a million tasks would.
#include <utility>

#include "benchmark/benchmark.h"
#include "warren/celery.h"
#include "warren/warren.h"

namespace {

using warren::celery::Attempt;

void BM_CeleryFailingTasksThroughRetriesToDlq(benchmark::State& state) {
  const int64_t tasks = state.range(0);
  double simulated_seconds = 0;
  for (auto _ : state) {
    warren::Simulation sim({.seed = 1, .trace = false, .record_fates = false});
    warren::Channel ch = *sim.Connect("setup").OpenChannel();
    (void)ch.QueueDeclare("dlq");
    (void)ch.QueueDeclare("task_queue", {.arguments = {
        {"x-dead-letter-exchange", warren::FieldValue::String("")},
        {"x-dead-letter-routing-key", warren::FieldValue::String("dlq")}}});
    warren::celery::CeleryApp app(sim, {.task_queues_from_broker = true,
                                        .task_acks_late = true,
                                        .record_events = state.range(1) != 0});
    (void)app.DefineTask({.name = "flaky", .autoretry_for = {"RuntimeError"}, .retry_backoff = 1,
                          .retry_jitter = false,
                          .on_failure = warren::celery::OnFailure::kRaiseReject,
                          .attempts = {{.kind = Attempt::Kind::kRaise}}});
    // Prefork: the final Reject reaches the parent, which rejects into the
    // DLQ (a solo pool would swallow it in its timer).
    (void)app.StartWorker({.name = "w", .pool = warren::celery::Pool::kPrefork,
                           .concurrency = 64, .queues = {"task_queue"}});
    for (int64_t i = 0; i < tasks; ++i) (void)app.ApplyAsync("flaky", {.queue = "task_queue"});
    absl::Time start = sim.Now();
    if (!sim.RunUntilIdle(int64_t{1} << 40).ok()) {
      state.SkipWithError("run did not finish");
      break;
    }
    simulated_seconds += absl::ToDoubleSeconds(sim.Now() - start);
    if (sim.Queue("dlq")->ready != static_cast<uint64_t>(tasks)) {
      state.SkipWithError("not every task reached the dlq");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations() * tasks);
  state.counters["simulated_s_per_wall_s"] =
      benchmark::Counter(simulated_seconds, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_CeleryFailingTasksThroughRetriesToDlq)
    ->Args({1000, 1})
    ->Args({10000, 1})
    ->Args({1000, 0})
    ->Args({10000, 0})
    ->Args({100000, 0})
    ->Args({1000000, 0})
    ->Unit(benchmark::kMillisecond);

}  // namespace
