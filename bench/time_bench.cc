// Virtual time: scheduler events per second, TTL expiry + dead-letter hops
// per second, the seed article's 2 s / 4 s / 8 s delay ladder for N
// messages (with simulated seconds per wall second), start-up of a
// Simulation with a small topology, and `warren run` as a whole process.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <string>

#include "bench/bench_util.h"

extern char** environ;

namespace warren::bench {
namespace {

void BM_SchedulerEvents(benchmark::State& state) {
  Simulation sim(Quiet());
  int64_t ran = 0;
  for (auto _ : state) {
    for (int i = 0; i < 1000; ++i) sim.ScheduleAfter(absl::Milliseconds(i % 17), [&ran] { ++ran; });
    (void)sim.RunUntilIdle();
  }
  if (ran != state.iterations() * 1000) state.SkipWithError("events lost");
  state.SetItemsProcessed(state.iterations() * 1000);
}
BENCHMARK(BM_SchedulerEvents);

// 1000 messages expire (1 s TTL) from q1 into q2, then (1 s TTL) into a
// capped dlq: 2000 TTL + dead-letter hops per iteration.
void BM_TtlDeadLetterHops(benchmark::State& state) {
  for (auto _ : state) {
    Bed b;
    b.Check(state, b.ch.QueueDeclare("dlq", {.arguments = {{"x-max-length", I(0)}}}).status());
    for (const char* q : {"q2", "q1"}) {
      b.Check(state, b.ch.QueueDeclare(q, {.arguments = {
          {"x-message-ttl", I(1000)}, {"x-dead-letter-exchange", S("")},
          {"x-dead-letter-routing-key", S(std::string(q) == "q1" ? "q2" : "dlq")}}}).status());
    }
    for (int i = 0; i < 1000; ++i) (void)b.ch.BasicPublish({.routing_key = "q1", .body = "m"});
    (void)b.sim.RunUntilIdle();
    if (b.sim.counters().dead_lettered != 2000) state.SkipWithError("hops missing");
  }
  state.SetItemsProcessed(state.iterations() * 2000);
}
BENCHMARK(BM_TtlDeadLetterHops);

// The peers' TTL + DLX workload (bench/peers): 2000 messages through a
// 10 ms queue TTL, dead-lettered into a dlq whose consumer acks them.
void BM_PeerTtlDlx(benchmark::State& state) {
  for (auto _ : state) {
    Bed b;
    b.Check(state, b.ch.QueueDeclare("dlq").status());
    b.Check(state, b.ch.QueueDeclare("ttl", {.arguments = {
        {"x-message-ttl", I(10)}, {"x-dead-letter-exchange", S("")},
        {"x-dead-letter-routing-key", S("dlq")}}}).status());
    int64_t seen = 0;
    Channel c = b.ch;
    b.Check(state, b.ch.BasicConsume("dlq", [&seen, c](const Delivery& d) mutable {
      if (c.BasicAck(d.delivery_tag).ok()) ++seen;
    }).status());
    for (int i = 0; i < 2000; ++i) (void)b.ch.BasicPublish({.routing_key = "ttl", .body = "m"});
    (void)b.sim.RunUntilIdle();
    if (seen != 2000) state.SkipWithError("messages missing");
  }
  state.SetItemsProcessed(state.iterations() * 2000);
}
BENCHMARK(BM_PeerTtlDlx);

// The delay ladder: a worker rejects every attempt; task_queue dead-letters
// to retry_exchange, whose binding key picks the 2 s / 4 s / 8 s queue by
// the attempt (a header the worker sets when it republishes), then the dlq.
void BM_DelayLadder(benchmark::State& state) {
  const int64_t n = state.range(0);
  double simulated = 0;
  for (auto _ : state) {
    Bed b;
    b.Check(state, b.ch.ExchangeDeclare("retry", {.type = "direct"}));
    b.Check(state, b.ch.QueueDeclare("dlq").status());
    b.Check(state, b.ch.QueueBind("dlq", "retry", "3"));
    b.Check(state, b.ch.QueueDeclare("task_queue").status());
    int delays[] = {2000, 4000, 8000};
    for (int i = 0; i < 3; ++i) {
      std::string q = "retry_" + std::to_string(delays[i] / 1000) + "s";
      b.Check(state, b.ch.QueueDeclare(q, {.arguments = {
          {"x-message-ttl", I(delays[i])}, {"x-dead-letter-exchange", S("")},
          {"x-dead-letter-routing-key", S("task_queue")}}}).status());
      b.Check(state, b.ch.QueueBind(q, "retry", std::to_string(i)));
    }
    Channel worker = *b.conn.OpenChannel();
    b.Check(state, worker.BasicConsume("task_queue", [&worker](const Delivery& d) {
      const FieldValue* a = d.properties().headers ? d.properties().headers->Find("attempt")
                                                    : nullptr;
      int attempt = a ? static_cast<int>(a->as_int()) : 0;
      BasicProperties p = d.properties();
      if (!p.headers) p.headers = FieldTable();
      p.headers->Set("attempt", I(attempt + 1));
      (void)worker.BasicPublish({.exchange = "retry", .routing_key = std::to_string(attempt),
                                 .properties = p, .body = std::string(d.body())});
      (void)worker.BasicAck(d.delivery_tag);
    }).status());
    absl::Time start = b.sim.Now();
    for (int64_t i = 0; i < n; ++i) (void)b.ch.BasicPublish({.routing_key = "task_queue", .body = "job"});
    (void)b.sim.RunUntilIdle();
    simulated += absl::ToDoubleSeconds(b.sim.Now() - start);
    if (b.sim.Queue("dlq")->ready != static_cast<uint64_t>(n)) state.SkipWithError("ladder lost messages");
  }
  state.SetItemsProcessed(state.iterations() * n * 4);  // 4 attempts each
  state.counters["sim_s_per_wall_s"] =
      benchmark::Counter(simulated, benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DelayLadder)->Arg(1000)->Arg(100000)->Unit(benchmark::kMillisecond);

// A Simulation, a connection, 2 exchanges, 3 queues (DLX, TTL), 3 bindings.
void BM_StartupSmallTopology(benchmark::State& state) {
  for (auto _ : state) {
    Simulation sim(Quiet());
    Connection conn = sim.Connect("app");
    Channel ch = *conn.OpenChannel();
    (void)ch.ExchangeDeclare("tasks", {.type = "direct"});
    (void)ch.ExchangeDeclare("dlx", {.type = "fanout"});
    (void)ch.QueueDeclare("work", {.arguments = {{"x-dead-letter-exchange", S("dlx")}}});
    (void)ch.QueueDeclare("retry", {.arguments = {{"x-message-ttl", I(2000)},
                                                  {"x-dead-letter-exchange", S("tasks")}}});
    (void)ch.QueueDeclare("dlq");
    (void)ch.QueueBind("work", "tasks", "work");
    (void)ch.QueueBind("retry", "dlx", "");
    (void)ch.QueueBind("dlq", "dlx", "");
    benchmark::DoNotOptimize(sim);
  }
}
BENCHMARK(BM_StartupSmallTopology);

// `warren run --quiet` on the seed ladder scenario, as a whole process.
void BM_WarrenRunProcess(benchmark::State& state) {
  std::string bin = WARREN_CLI_PATH, scenario = WARREN_LADDER_SCENARIO;
  char* argv[] = {bin.data(), const_cast<char*>("run"), const_cast<char*>("--quiet"),
                  scenario.data(), nullptr};
  posix_spawn_file_actions_t quiet;
  posix_spawn_file_actions_init(&quiet);
  posix_spawn_file_actions_addopen(&quiet, 1, "/dev/null", O_WRONLY, 0);
  for (auto _ : state) {
    pid_t pid;
    int status = 0;
    if (posix_spawn(&pid, bin.c_str(), &quiet, nullptr, argv, environ) != 0 ||
        waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
      state.SkipWithError("warren run failed");
      break;
    }
  }
  posix_spawn_file_actions_destroy(&quiet);
}
BENCHMARK(BM_WarrenRunProcess)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warren::bench
