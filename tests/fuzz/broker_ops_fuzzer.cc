// Fuzzer-guided broker load: the random-load driver (load_driver.h) with
// its choices read from the fuzzer's bytes instead of a seeded generator,
// so coverage guidance steers the operation mix. Any invariant violation
// (accounting, prefetch, redelivered flag, time) aborts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "tests/reliability/load_driver.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  size_t pos = 0;
  auto next = [&]() -> uint64_t { return pos < size ? data[pos++] : 0; };
  // WARREN_FUZZ_TRACE=FILE writes the trace, to compare builds.
  const char* trace_path = std::getenv("WARREN_FUZZ_TRACE");
  warren::testing::LoadDriver driver(next, {.seed = 1, .trace = trace_path != nullptr});
  absl::Status s;
  // Each step reads a few bytes; stop when they run out.
  while (pos < size && s.ok()) {
    s = driver.Step();
    if (std::getenv("WARREN_FUZZ_STEPS") != nullptr) {
      std::fprintf(stderr, "step %d pos %zu published %llu copies %llu\n", driver.steps(), pos,
                   static_cast<unsigned long long>(driver.sim().counters().published),
                   static_cast<unsigned long long>(driver.sim().counters().copies_enqueued));
    }
    if (driver.exhausted() || driver.sim().counters().copies_enqueued > 20000) break;
  }
  if (s.ok()) s = driver.Finish();
  if (trace_path != nullptr) {
    std::ofstream out(trace_path);
    warren::WriteJsonLines(driver.sim().trace(), out);
  }
  if (std::getenv("WARREN_FUZZ_VERBOSE") != nullptr) {  // to compare builds
    const warren::Counters& c = driver.sim().counters();
    std::fprintf(stderr, "steps %d published %llu copies %llu acked %llu time %s\n",
                 driver.steps(), static_cast<unsigned long long>(c.published),
                 static_cast<unsigned long long>(c.copies_enqueued),
                 static_cast<unsigned long long>(c.acked),
                 absl::FormatTime(driver.sim().Now()).c_str());
  }
  if (!s.ok()) {
    std::fprintf(stderr, "violation after %d steps: %s\n", driver.steps(), s.ToString().c_str());
    std::abort();
  }
  return 0;
}
