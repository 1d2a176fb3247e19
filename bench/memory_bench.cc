// Memory: bytes per queued small message (1-byte body, no headers) and per
// extra fanout copy (the body is shared, never copied per queue), measured
// by counting live heap bytes (malloc_usable_size) around the publishes.
// Its own binary: the counting operator new would slow the speed benchmarks.
#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "bench/bench_util.h"

namespace {
std::atomic<int64_t> live_bytes{0};
}  // namespace

void* operator new(size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  live_bytes += static_cast<int64_t>(malloc_usable_size(p));
  return p;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  live_bytes -= static_cast<int64_t>(malloc_usable_size(p));
  std::free(p);
}
void operator delete(void* p, size_t) noexcept { operator delete(p); }

namespace warren::bench {
namespace {

constexpr int kMessages = 100000;

// Live bytes added by kMessages publishes to a fanout bound to `queues`.
int64_t BytesFor(benchmark::State& state, int queues) {
  Bed b;
  b.Check(state, b.ch.ExchangeDeclare("fan", {.type = "fanout"}));
  for (int i = 0; i < queues; ++i) {
    std::string q = "q" + std::to_string(i);
    b.Check(state, b.ch.QueueDeclare(q).status());
    b.Check(state, b.ch.QueueBind(q, "fan", ""));
  }
  (void)b.sim.RunUntilIdle();
  int64_t before = live_bytes.load();
  for (int i = 0; i < kMessages; ++i) (void)b.ch.BasicPublish({.exchange = "fan", .body = "m"});
  int64_t after = live_bytes.load();
  if (b.sim.Queue("q0")->ready != static_cast<uint64_t>(kMessages)) state.SkipWithError("lost");
  return after - before;
}

void BM_BytesPerQueuedMessage(benchmark::State& state) {
  double per_message = 0, per_copy = 0;
  for (auto _ : state) {
    int64_t one = BytesFor(state, 1);
    int64_t ten = BytesFor(state, 10);
    per_message = static_cast<double>(one) / kMessages;
    per_copy = static_cast<double>(ten - one) / (9.0 * kMessages);
  }
  state.counters["bytes_per_message"] = per_message;
  state.counters["bytes_per_extra_fanout_copy"] = per_copy;
}
BENCHMARK(BM_BytesPerQueuedMessage)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warren::bench
