// IdWindow against a plain map on random increasing puts, out-of-order
// takes, ids that are never taken, repeats and jumps: whatever it answers
// must be what was put for that id (it may forget, never invent), and it
// forgets only what its documented window bound allows.
#include "sim/core/id_window.h"

#include <cstdint>
#include <deque>
#include <map>
#include <random>
#include <vector>

#include "gtest/gtest.h"

namespace warren::internal {
namespace {

TEST(IdWindow, AnswersOnlyWhatWasPutAndForgetsOnlyBeyondItsWindow) {
  std::mt19937_64 rng(20261203);
  std::deque<int> values;  // one distinct address per put: a stale answer shows
  for (int round = 0; round < 200; ++round) {
    const size_t max_window = 1 + rng() % 64;
    IdWindow<int> w(max_window);
    std::map<uint64_t, int*> model;  // what was put and not taken
    uint64_t next = rng() % 1000;
    for (int step = 0; step < 2000; ++step) {
      unsigned op = rng() % 10;
      if (op < 5) {
        next += (rng() % 8 == 0) ? 1 + rng() % (2 * max_window) : 1;  // sometimes a jump
        int* v = &values.emplace_back(step);
        w.Put(next, v);
        model[next] = v;
      } else {
        if (model.empty()) continue;
        // Mostly the oldest few, sometimes any, sometimes one never put.
        auto it = model.begin();
        std::advance(it, static_cast<long>(rng() % std::min<size_t>(model.size(), 4)));
        uint64_t id = (op == 9) ? next + 1 + rng() % 5 : it->first;
        int* got = w.Take(id);
        auto m = model.find(id);
        int* want = m == model.end() ? nullptr : m->second;
        if (m != model.end()) model.erase(m);
        // Forgetting is allowed only for ids at least a window behind the newest.
        if (got == nullptr && want != nullptr) {
          ASSERT_GE(next - id, max_window) << "round " << round << " step " << step;
        } else {
          ASSERT_EQ(got, want) << "round " << round << " step " << step;
        }
      }
      ASSERT_LE(w.window(), max_window);
    }
  }
}

TEST(IdWindow, AnIdThatGoesBackIsStoredOnlyInAnEmptySlotOfTheWindow) {
  IdWindow<int> w(8);
  int a = 1, b = 2, c = 3, d = 4;
  w.Put(10, &a);
  w.Put(13, &b);
  w.Put(11, &c);  // backwards, an empty slot inside the window: kept
  w.Put(13, &d);  // backwards onto a filled slot: the first stays
  w.Put(5, &d);   // below the window: not kept
  EXPECT_EQ(w.Take(5), nullptr);
  EXPECT_EQ(w.Take(13), &b);
  EXPECT_EQ(w.Take(11), &c);
  EXPECT_EQ(w.Take(10), &a);
  EXPECT_EQ(w.window(), 0u);
}

TEST(IdWindow, AJumpOfAWindowOrMoreDropsEverythingBeforeIt) {
  IdWindow<int> w(4);
  int a = 1, b = 2;
  w.Put(1, &a);
  w.Put(5, &b);  // 1..5 would span 5 ids > 4
  EXPECT_EQ(w.Take(1), nullptr);
  EXPECT_EQ(w.Take(5), &b);
  EXPECT_EQ(w.window(), 0u);
}

TEST(IdWindow, TakenIdsAreForgottenAndTheWindowCloses) {
  IdWindow<int> w(16);
  int a = 1, b = 2;
  w.Put(10, &a);
  w.Put(12, &b);
  EXPECT_EQ(w.Take(11), nullptr);
  EXPECT_EQ(w.Take(10), &a);
  EXPECT_EQ(w.Take(10), nullptr);
  EXPECT_EQ(w.window(), 1u);  // slot 11 released with 10
  EXPECT_EQ(w.Take(12), &b);
  EXPECT_EQ(w.window(), 0u);
}

}  // namespace
}  // namespace warren::internal
