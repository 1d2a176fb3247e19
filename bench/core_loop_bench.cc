// Core loop: publish -> direct route -> enqueue -> deliver -> ack.
#include <utility>

#include "benchmark/benchmark.h"
#include "warren/warren.h"

namespace {

void BM_PublishDeliverAckDirect(benchmark::State& state) {
  warren::Simulation sim({.seed = 1, .trace = false, .record_fates = false});
  warren::Connection conn = sim.Connect("bench");
  warren::Channel ch = *conn.OpenChannel();
  if (!ch.ExchangeDeclare("x", {.type = "direct"}).ok() || !ch.QueueDeclare("q").ok() ||
      !ch.QueueBind("q", "x", "k").ok() ||
      !ch.BasicQos({.prefetch_count = static_cast<uint16_t>(state.range(0))}).ok()) {
    state.SkipWithError("setup failed");
    return;
  }
  int64_t acked = 0;
  auto consumed = ch.BasicConsume("q", [&](const warren::Delivery& d) {
    if (ch.BasicAck(d.delivery_tag).ok()) ++acked;
  });
  if (!consumed.ok()) {
    state.SkipWithError("consume failed");
    return;
  }
  constexpr int kBatch = 1000;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      (void)ch.BasicPublish({.exchange = "x", .routing_key = "k", .body = "m"});
    }
    (void)sim.RunUntilIdle();
  }
  if (acked != static_cast<int64_t>(state.iterations()) * kBatch) {
    state.SkipWithError("not every message was acked");
  }
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_PublishDeliverAckDirect)->Arg(1)->Arg(100)->Arg(0);

}  // namespace
