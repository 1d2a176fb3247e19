// Fuzzer-guided broker load: the random-load driver (load_driver.h) with
// its choices read from the fuzzer's bytes instead of a seeded generator,
// so coverage guidance steers the operation mix. Any invariant violation
// (accounting, prefetch, redelivered flag, time) aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "tests/reliability/load_driver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t pos = 0;
  auto next = [&]() -> uint64_t { return pos < size ? data[pos++] : 0; };
  warren::testing::LoadDriver driver(next, {.seed = 1, .trace = false});
  absl::Status s;
  // Each step reads a few bytes; stop when they run out.
  while (pos < size && s.ok()) {
    s = driver.Step();
    if (driver.exhausted() || driver.sim().counters().copies_enqueued > 20000) break;
  }
  if (s.ok()) s = driver.Finish();
  if (!s.ok()) {
    std::fprintf(stderr, "violation after %d steps: %s\n", driver.steps(), s.ToString().c_str());
    std::abort();
  }
  return 0;
}
