// Every published message is accounted for: ready, unacked, acked,
// dead-lettered or dropped with a stated reason.
#include "harness.h"

namespace warren::testing {
namespace {

TEST(Accounting, CountersBalanceAcrossEveryKindOfEnding) {
  BrokerHarness h;
  h.DeclareExchange("fan", "fanout");
  h.DeclareQueue("dead");
  h.DeclareQueue("acked");
  h.DeclareQueue("held");
  h.DeclareQueue("ttl", {{"x-message-ttl", I(10)}, {"x-dead-letter-exchange", S("")},
                         {"x-dead-letter-routing-key", S("dead")}});
  h.DeclareQueue("capped", {{"x-max-length", I(1)}});
  for (const char* q : {"acked", "held", "ttl", "capped"}) h.Bind(q, "fan");
  h.Consume("acked", OnDelivery::kAck);
  h.Consume("held", OnDelivery::kHold);
  for (int i = 0; i < 5; ++i) h.Publish("fan", "", "m");
  h.Send("nowhere", "lost");
  h.RunFor(absl::Seconds(1));
  Counters c = h.sim.counters();
  EXPECT_EQ(c.published, 6u);
  EXPECT_EQ(c.unroutable, 1u);
  EXPECT_EQ(c.copies_enqueued, 25u);  // 5 x 4 queues + 5 dead-lettered copies
  EXPECT_EQ(c.acked, 5u);
  EXPECT_EQ(c.unacked, 5u);
  EXPECT_EQ(c.dead_lettered, 5u);
  EXPECT_EQ(c.ready, 5u + 1u);  // dead + capped
  EXPECT_EQ(c.dropped_by_reason["maxlen (no dead-letter exchange)"], 4u);
  EXPECT_THAT(h.sim.CheckInvariants(), IsOk());
}

TEST(Accounting, FateFollowsAMessageAcrossDeadLetterHops) {
  BrokerHarness h;
  h.DeclareQueue("final");
  h.DeclareQueue("work", {{"x-dead-letter-exchange", S("")},
                          {"x-dead-letter-routing-key", S("final")}});
  h.Consume("work", OnDelivery::kReject);
  MessageId id = h.Send("work", "m");
  h.Settle();
  MessageFate fate = h.sim.Fate(id);
  ASSERT_EQ(fate.copies.size(), 2u);
  EXPECT_EQ(fate.copies[0].queue, "work");
  EXPECT_EQ(fate.copies[0].state, CopyState::kDeadLettered);
  EXPECT_EQ(fate.copies[0].reason, "rejected");
  EXPECT_EQ(fate.copies[1].queue, "final");
  EXPECT_EQ(fate.copies[1].state, CopyState::kReady);
}

TEST(Simulation, AnEmptyTimerSchedulesNothing) {
  Simulation sim;
  sim.ScheduleAfter(absl::Seconds(1), nullptr);
  int ran = 0;
  sim.ScheduleAfter(absl::Seconds(2), [&] { ++ran; });
  EXPECT_TRUE(sim.RunUntilIdle().ok());
  EXPECT_EQ(ran, 1);
  EXPECT_TRUE(sim.CheckInvariants().ok());
}

}  // namespace
}  // namespace warren::testing
