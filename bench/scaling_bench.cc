// Inputs that used to cost quadratic time (issue 16, item 12): each is timed
// at several sizes and Google Benchmark fits the complexity; the fit must be
// O(N) (time per item flat), where it used to grow with N.
#include <string>

#include "bench/bench_util.h"

namespace warren::bench {
namespace {

// Declaring N queues (queue-name interning for the ledger was a scan).
void BM_DeclareQueues(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Simulation sim({.trace = false});
    Channel ch = *sim.Connect("bench").OpenChannel();
    for (int i = 0; i < n; ++i) (void)ch.QueueDeclare("queue-" + std::to_string(i));
    benchmark::DoNotOptimize(sim.Queues().size());
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetComplexityN(n);
}
BENCHMARK(BM_DeclareQueues)->RangeMultiplier(4)->Range(1 << 10, 1 << 16)->Complexity();

// N cycles of declaring and deleting a server-named queue.
void BM_ServerNamedQueueChurn(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  for (auto _ : state) {
    Simulation sim({.trace = false});
    Channel ch = *sim.Connect("bench").OpenChannel();
    for (int i = 0; i < n; ++i) {
      absl::StatusOr<QueueDeclareOk> q = ch.QueueDeclare("");
      (void)ch.BasicPublish({.routing_key = q->queue});
      (void)ch.QueueDelete(q->queue);
    }
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetComplexityN(n);
}
BENCHMARK(BM_ServerNamedQueueChurn)->RangeMultiplier(4)->Range(1 << 10, 1 << 16)->Complexity();

// The fate of every one of N messages (a fate expectation over a label).
void BM_FateOfEveryMessage(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Simulation sim({.trace = false});
  Channel ch = *sim.Connect("bench").OpenChannel();
  (void)ch.QueueDeclare("q");
  std::vector<MessageId> ids;
  for (int i = 0; i < n; ++i) ids.push_back(ch.BasicPublish({.routing_key = "q"})->message);
  for (auto _ : state) {
    size_t copies = 0;
    for (MessageId id : ids) copies += sim.Fate(id).copies.size();
    benchmark::DoNotOptimize(copies);
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetComplexityN(n);
}
BENCHMARK(BM_FateOfEveryMessage)->RangeMultiplier(4)->Range(1 << 10, 1 << 16)->Complexity();

// A headers exchange binding of N entries against a message with N headers.
void BM_HeadersMatchLargeTables(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  Bed b;
  FieldTable args{{"x-match", S("all")}};
  FieldTable headers;
  for (int i = 0; i < n; ++i) {
    args.mutable_entries().emplace_back("h" + std::to_string(i), I(i));
    headers.mutable_entries().emplace_back("h" + std::to_string(n - 1 - i), I(n - 1 - i));
  }
  b.Check(state, b.ch.ExchangeDeclare("hx", {.type = "headers"}));
  b.Check(state, b.ch.QueueDeclare("q").status());
  b.Check(state, b.ch.QueueBind("q", "hx", "", args));
  BasicProperties p;
  p.headers = headers;
  for (auto _ : state) {
    (void)b.ch.BasicPublish({.exchange = "hx", .properties = p});
    (void)b.ch.QueuePurge("q");
  }
  if (b.sim.counters().unroutable != 0) state.SkipWithError("the binding did not match");
  state.SetItemsProcessed(state.iterations() * n);
  state.SetComplexityN(n);
}
BENCHMARK(BM_HeadersMatchLargeTables)->RangeMultiplier(4)->Range(16, 1 << 14)->Complexity();

// A topic binding "#.#" (and "#.x.#") against routing keys of N words.
void BM_TopicHashHashLongKeys(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));  // words, at most 127 in 255 bytes
  Bed b;
  b.Check(state, b.ch.ExchangeDeclare("tx", {.type = "topic"}));
  b.Check(state, b.ch.QueueDeclare("q").status());
  b.Check(state, b.ch.QueueBind("q", "tx", "#.#"));
  b.Check(state, b.ch.QueueBind("q", "tx", "#.x.#"));
  std::string key = "a";
  for (int i = 1; i < n; ++i) key += ".a";
  for (auto _ : state) {
    (void)b.ch.BasicPublish({.exchange = "tx", .routing_key = key});
    (void)b.ch.QueuePurge("q");
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.SetComplexityN(n);
}
BENCHMARK(BM_TopicHashHashLongKeys)->RangeMultiplier(2)->Range(8, 127)->Complexity();

}  // namespace
}  // namespace warren::bench
