// The simulation's one PRNG: std::mt19937_64 with our own distributions
// (std::*_distribution algorithms are implementation-defined).
#ifndef WARREN_SIM_CORE_RANDOM_H_
#define WARREN_SIM_CORE_RANDOM_H_

#include <cstdint>
#include <random>

namespace warren::internal {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}
  uint64_t Next() { return engine_(); }
  // Uniform in [0, n). REQUIRES: n > 0. Rejection sampling: no modulo bias.
  uint64_t Uniform(uint64_t n) {
    uint64_t limit = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do x = engine_(); while (x >= limit);
    return x % n;
  }
  // True with probability p (53-bit resolution).
  bool Bernoulli(double p) { return static_cast<double>(engine_() >> 11) * 0x1.0p-53 < p; }

 private:
  std::mt19937_64 engine_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_CORE_RANDOM_H_
