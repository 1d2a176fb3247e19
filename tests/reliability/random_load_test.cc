// Seeded random load (see load_driver.h for what is mixed and checked after
// every step). A failure prints the seed and step; rerun one seed with
// WARREN_SEED=<n>. WARREN_SWEEP_SEEDS widens the sweep (ctest label "long").
#include <cstdio>
#include <cstdlib>
#include <random>
#include <sstream>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/reliability/load_driver.h"
#include "tests/reliability/trace_replay.h"
#include "warren/testing/matchers.h"

namespace warren::testing {
namespace {

constexpr int kSteps = 1000;

// Runs one seed; returns the trace as JSON Lines when `trace` is set.
// `steps_done` accumulates the operations executed.
std::string RunSeed(uint64_t seed, bool trace, uint64_t* steps_done = nullptr) {
  std::mt19937_64 rng(seed);
  LoadDriver driver([&rng] { return rng(); }, {.seed = seed, .trace = trace});
  for (int i = 0; i < kSteps; ++i) {
    absl::Status s = driver.Step();
    EXPECT_TRUE(s.ok()) << "step " << i << ": " << s;
    if (!s.ok()) return "";
    // Dead-letter loops through CC keys or fanouts multiply messages (as
    // they would on RabbitMQ); stop such a seed before it eats the machine.
    if (driver.exhausted()) break;
  }
  absl::Status s = driver.Finish();
  EXPECT_TRUE(s.ok()) << "after the run: " << s;
  if (steps_done != nullptr) *steps_done += driver.steps();
  if (std::getenv("WARREN_SEED") != nullptr) {
    const Counters& c = driver.sim().counters();
    std::printf("seed run: %d steps, %llu published, %llu copies, %llu dead-lettered, %llu dropped\n",
                driver.steps(), (unsigned long long)c.published,
                (unsigned long long)c.copies_enqueued, (unsigned long long)c.dead_lettered,
                (unsigned long long)c.dropped);
  }
  if (!trace) return "";
  absl::StatusOr<Counters> replayed = ReplayTrace(driver.sim().trace());
  EXPECT_TRUE(replayed.ok()) << replayed.status();
  if (replayed.ok()) {
    absl::Status same = SameCounters(*replayed, driver.sim().counters());
    EXPECT_TRUE(same.ok()) << same;
  }
  std::ostringstream out;
  WriteJsonLines(driver.sim().trace(), out);
  return out.str();
}

std::vector<uint64_t> Seeds(uint64_t default_count) {
  if (const char* env = std::getenv("WARREN_SEED")) return {std::strtoull(env, nullptr, 10)};
  const char* n = std::getenv("WARREN_SWEEP_SEEDS");
  uint64_t count = n ? std::strtoull(n, nullptr, 10) : default_count;
  std::vector<uint64_t> seeds;
  for (uint64_t s = 1; s <= count; ++s) seeds.push_back(s);
  return seeds;
}

TEST(RandomLoad, AccountingBalancesAfterEveryStepAcrossSeeds) {
  std::vector<uint64_t> seeds = Seeds(40);
  uint64_t steps = 0;
  bool progress = std::getenv("WARREN_SWEEP_PROGRESS") != nullptr;
  for (uint64_t seed : seeds) {
    SCOPED_TRACE(::testing::Message() << "reproduce with WARREN_SEED=" << seed);
    if (progress) std::fprintf(stderr, "seed %llu\n", static_cast<unsigned long long>(seed));
    RunSeed(seed, /*trace=*/false, &steps);
    if (HasFailure()) return;
  }
  std::printf("swept %zu seeds, %llu operations, every check held after each\n", seeds.size(),
              static_cast<unsigned long long>(steps));
}

TEST(RandomLoad, TheTraceReplayedIntoAFreshModelGivesTheLedgersCounts) {
  for (uint64_t seed : Seeds(15)) {
    SCOPED_TRACE(::testing::Message() << "reproduce with WARREN_SEED=" << seed);
    RunSeed(seed, /*trace=*/true);  // RunSeed replays every traced run
    if (HasFailure()) return;
  }
}

TEST(RandomLoad, ASeedGivesTheSameTraceTwice) {
  for (uint64_t seed : {1, 2, 3}) {
    std::string first = RunSeed(seed, /*trace=*/true);
    EXPECT_FALSE(first.empty());
    EXPECT_EQ(first, RunSeed(seed, /*trace=*/true)) << "seed " << seed;
  }
}

}  // namespace
}  // namespace warren::testing
