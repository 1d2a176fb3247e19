#include "sim/core/ring.h"

#include <deque>
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "sim/core/random.h"

namespace warren::internal {
namespace {

// A ring must behave exactly like a deque under any mix of pushes and pops
// at both ends, across growth and wrap-around, with non-trivial elements.
TEST(Ring, MatchesADequeUnderRandomPushesAndPops) {
  Random random(3);
  Ring<std::string> ring;
  std::deque<std::string> model;
  for (int step = 0; step < 20000; ++step) {
    uint64_t op = random.Uniform(10);
    if (op < 6) {
      std::string v = std::string(random.Uniform(40), 'x') + std::to_string(step);
      ring.push_back(v);
      model.push_back(v);
    } else if (op < 8 && !model.empty()) {
      ring.pop_front();
      model.pop_front();
    } else if (op < 9 && !model.empty()) {
      ring.pop_back();
      model.pop_back();
    } else if (random.Uniform(200) == 0) {
      ring.clear();
      model.clear();
    }
    ASSERT_EQ(ring.size(), model.size());
    if (!model.empty()) {
      ASSERT_EQ(ring.front(), model.front());
      ASSERT_EQ(ring.back(), model.back());
      size_t i = random.Uniform(model.size());
      ASSERT_EQ(ring[i], model[i]);
    }
  }
}

TEST(Ring, DestroysEveryElementExactlyOnce) {
  auto counter = std::make_shared<int>(0);
  {
    Ring<std::shared_ptr<int>> ring;
    for (int i = 0; i < 100; ++i) ring.push_back(counter);
    for (int i = 0; i < 30; ++i) ring.pop_front();
    EXPECT_EQ(counter.use_count(), 71);
    Ring<std::shared_ptr<int>> moved = std::move(ring);
    EXPECT_EQ(counter.use_count(), 71);
  }
  EXPECT_EQ(counter.use_count(), 1);
}

TEST(Ring, ADrainedBurstGivesItsSlotsBack) {
  Ring<int> ring;
  for (int i = 0; i < 5000; ++i) ring.push_back(i);
  while (!ring.empty()) ring.pop_front();
  EXPECT_GE(ring.capacity(), 5000u);
  ring.ShrinkIfDrained();
  EXPECT_EQ(ring.capacity(), 0u);
  ring.push_back(7);
  EXPECT_EQ(ring.front(), 7);
}

}  // namespace
}  // namespace warren::internal
