// Shared set-up for the benchmarks: a quiet Simulation (no trace, no fate
// records) with one admin channel, and declare helpers that stop the
// benchmark on a failed call instead of measuring a broken topology.
#ifndef WARREN_BENCH_BENCH_UTIL_H_
#define WARREN_BENCH_BENCH_UTIL_H_

#include <optional>
#include <string>
#include <utility>

#include "benchmark/benchmark.h"
#include "warren/warren.h"

namespace warren::bench {

inline SimulationOptions Quiet() { return {.seed = 1, .trace = false, .record_fates = false}; }

struct Bed {
  Simulation sim{Quiet()};
  Connection conn = sim.Connect("bench");
  Channel ch = *conn.OpenChannel();
  bool ok = true;

  void Check(benchmark::State& state, const absl::Status& s) {
    if (!s.ok() && ok) {
      ok = false;
      state.SkipWithError(std::string(s.message()).c_str());
    }
  }
};

inline FieldValue S(std::string_view v) { return FieldValue::String(v); }
inline FieldValue I(int64_t v) { return FieldValue::SignedInt(static_cast<int32_t>(v)); }

}  // namespace warren::bench

#endif  // WARREN_BENCH_BENCH_UTIL_H_
