// Memory: bytes per queued small message (1-byte body, no headers) and per
// extra fanout copy (the body is shared, never copied per queue), measured
// by counting live heap bytes (malloc_usable_size) around the publishes.
// Its own binary: the counting operator new would slow the speed benchmarks.
#include <malloc.h>

#include <atomic>
#include <cstdio>
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

// A queued message carrying what a Celery task message carries: content
// type and encoding, a uuid correlation id, delivery mode, priority and the
// eight protocol-v2 headers the model sends (uuid id and root_id, an ISO
// eta), and Celery's ~90-byte body. Arg 1 routes it through a headers
// exchange (matching on `task`), which must not leave the properties
// decoded on the queued message.
void BM_BytesPerQueuedCeleryTaskMessage(benchmark::State& state) {
  double per_message = 0;
  const bool via_headers = state.range(0) == 1;
  for (auto _ : state) {
    Bed b;
    b.Check(state, b.ch.QueueDeclare("tasks").status());
    if (via_headers) {
      b.Check(state, b.ch.ExchangeDeclare("by-task", {.type = "headers"}));
      b.Check(state, b.ch.QueueBind("tasks", "by-task", "", {{"task", S("tasks.flaky")}}));
    }
    int64_t before = live_bytes.load();
    for (int i = 0; i < kMessages; ++i) {
      char id[40];
      std::snprintf(id, sizeof id, "%08x-1c2b-4a5e-a9d0-%012x", i, i * 7919);
      BasicProperties p;
      p.content_type = "application/json";
      p.content_encoding = "utf-8";
      p.correlation_id = id;
      p.delivery_mode = 2;
      p.priority = 0;
      p.headers = FieldTable{{"lang", S("py")},
                             {"task", S("tasks.flaky")},
                             {"id", S(id)},
                             {"eta", S("2026-12-03T12:00:02.000000+00:00")},
                             {"expires", FieldValue::Void()},
                             {"retries", I(1)},
                             {"root_id", S(id)},
                             {"parent_id", FieldValue::Void()}};
      (void)b.ch.BasicPublish(
          {.exchange = via_headers ? "by-task" : "",
           .routing_key = "tasks",
           .properties = std::move(p),
           .body = "[[], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, "
                   "\"chord\": null}]"});
    }
    per_message = static_cast<double>(live_bytes.load() - before) / kMessages;
    if (b.sim.Queue("tasks")->ready != static_cast<uint64_t>(kMessages)) {
      state.SkipWithError("lost");
    }
  }
  state.counters["bytes_per_message"] = per_message;
}
BENCHMARK(BM_BytesPerQueuedCeleryTaskMessage)
    ->Arg(0)
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace warren::bench
