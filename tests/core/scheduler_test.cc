#include "sim/core/scheduler.h"

#include <vector>

#include "gtest/gtest.h"

namespace warren::internal {
namespace {

const absl::Time kStart = absl::FromUnixSeconds(1000);

TEST(Scheduler, SameInstantEventsRunInSchedulingOrder) {
  Scheduler s(kStart);
  std::vector<int> order;
  s.ScheduleAt(kStart + absl::Seconds(1), [&] { order.push_back(2); });
  s.ScheduleAt(kStart, [&] { order.push_back(0); });
  s.ScheduleAt(kStart, [&] { order.push_back(1); });
  ASSERT_TRUE(s.RunUntil(kStart + absl::Seconds(5)).ok());
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2}));
  EXPECT_EQ(s.Now(), kStart + absl::Seconds(5));
}

TEST(Scheduler, CallbackNeverRunsInsideTheCallThatScheduledIt) {
  Scheduler s(kStart);
  bool ran = false;
  s.ScheduleAt(kStart, [&] { ran = true; });
  EXPECT_FALSE(ran);
  s.Step();
  EXPECT_TRUE(ran);
}

TEST(Scheduler, CancelPreventsTheRunAndReportsWhetherItDid) {
  Scheduler s(kStart);
  bool ran = false;
  auto id = s.ScheduleAt(kStart + absl::Seconds(1), [&] { ran = true; });
  EXPECT_TRUE(s.Cancel(id));
  EXPECT_FALSE(s.Cancel(id));
  ASSERT_TRUE(s.RunUntil(kStart + absl::Seconds(2)).ok());
  EXPECT_FALSE(ran);
}

TEST(Scheduler, RunUntilIdleStopsAtTheBoundWithResourceExhausted) {
  Scheduler s(kStart);
  std::function<void()> again = [&] { s.ScheduleAfter(absl::Seconds(1), again, "loop"); };
  s.ScheduleAt(kStart, again, "loop");
  absl::Status st = s.RunUntilIdle(100);
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(st.message().find("loop"), std::string_view::npos);
}

TEST(Scheduler, RunUntilIdleIgnoresDaemonEvents) {
  Scheduler s(kStart);
  int ticks = 0;
  s.ScheduleAt(kStart + absl::Minutes(1), [&] { ++ticks; }, "tick", /*daemon=*/true);
  EXPECT_TRUE(s.RunUntilIdle(10).ok());
  EXPECT_EQ(ticks, 0);
  EXPECT_EQ(s.Now(), kStart);
}

TEST(Scheduler, TimeNeverMovesBackwards) {
  Scheduler s(kStart);
  ASSERT_TRUE(s.RunUntil(kStart + absl::Seconds(10)).ok());
  absl::Time seen;
  s.ScheduleAt(kStart, [&] { seen = s.Now(); });  // in the past: clamped
  s.Step();
  EXPECT_EQ(seen, kStart + absl::Seconds(10));
}

}  // namespace
}  // namespace warren::internal

namespace warren::internal {
namespace {

TEST(Scheduler, RunUntilReportsALivelockAtOneInstantInsteadOfHanging) {
  Scheduler s(kStart);
  std::function<void()> spin = [&] { s.ScheduleAt(s.Now(), spin, "spin"); };
  s.ScheduleAt(kStart, spin, "spin");
  absl::Status st = s.RunUntil(kStart + absl::Seconds(1), 1000);
  EXPECT_EQ(st.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(st.message().find("spin"), std::string_view::npos);
  EXPECT_EQ(s.Now(), kStart);
}

}  // namespace
}  // namespace warren::internal
