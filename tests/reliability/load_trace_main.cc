// Prints, per random-load seed, the event count and an FNV-1a hash of the
// trace's JSON Lines, so that CI can compare the Release and the
// Debug+sanitizer builds (traces run to hundreds of MB); with --full, the
// trace itself, to find where two builds diverge:
//   warren_load_trace FIRST_SEED LAST_SEED [--full]
#include <cstdlib>
#include <iostream>
#include <random>
#include <string>

#include "tests/reliability/load_driver.h"

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: warren_load_trace FIRST_SEED LAST_SEED [--full]\n";
    return 2;
  }
  uint64_t first = std::strtoull(argv[1], nullptr, 10);
  uint64_t last = std::strtoull(argv[2], nullptr, 10);
  bool full = argc > 3 && std::string(argv[3]) == "--full";
  constexpr int steps = 1000;
  int exit_code = 0;
  for (uint64_t seed = first; seed <= last; ++seed) {
    std::mt19937_64 rng(seed);
    warren::testing::LoadDriver driver([&rng] { return rng(); }, {.seed = seed, .trace = true});
    absl::Status s;
    for (int i = 0; i < steps && s.ok(); ++i) {
      s = driver.Step();
      if (driver.exhausted()) break;
    }
    if (s.ok()) s = driver.Finish();
    if (!s.ok()) {
      std::cerr << "seed " << seed << ": " << s << "\n";
      exit_code = 1;
    }
    if (full) {
      warren::WriteJsonLines(driver.sim().trace(), std::cout);
      continue;
    }
    uint64_t hash = 14695981039346656037ull;
    for (const warren::TraceEvent& e : driver.sim().trace()) {
      for (unsigned char c : warren::ToJsonLine(e) + "\n") hash = (hash ^ c) * 1099511628211ull;
    }
    std::cout << "seed " << seed << ": " << driver.sim().trace().size() << " events, fnv1a64 "
              << std::hex << hash << std::dec << "\n";
  }
  return exit_code;
}
