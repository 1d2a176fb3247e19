// The floor: the least work any broker core loop must do per message —
// one allocation (the message), one hash lookup (the route), a ring-buffer
// push and pop (the queue). Core-loop figures are read as a ratio of this,
// measured in the same run, so they mean something on a shared machine.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "benchmark/benchmark.h"

namespace {

struct FloorMessage {
  std::string body;
  uint64_t id;
};

void BM_Floor(benchmark::State& state) {
  absl::flat_hash_map<std::string, int> routes = {{"k", 0}};
  std::vector<std::unique_ptr<FloorMessage>> ring(1024);
  size_t head = 0, tail = 0;
  uint64_t id = 0, acked = 0;
  const std::string key = "k";
  constexpr int kBatch = 1000;
  for (auto _ : state) {
    for (int i = 0; i < kBatch; ++i) {
      auto m = std::make_unique<FloorMessage>(FloorMessage{"m", ++id});
      auto it = routes.find(key);
      benchmark::DoNotOptimize(it);
      ring[tail++ % ring.size()] = std::move(m);
      std::unique_ptr<FloorMessage> out = std::move(ring[head++ % ring.size()]);
      acked += out->id != 0;
    }
  }
  benchmark::DoNotOptimize(acked);
  state.SetItemsProcessed(state.iterations() * kBatch);
}
BENCHMARK(BM_Floor);

}  // namespace
