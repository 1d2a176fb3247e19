// Spec section 3: message TTL, head-only expiry, unacked never expire.
#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::ElementsAre;

TEST(MessageTtl, QueueTtlExpiresAtTheDeadlineNotOneTickBefore) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(10000)}});
  h.Send("q", "m");
  h.RunFor(absl::Seconds(10) - absl::Milliseconds(1));
  EXPECT_EQ(h.Ready("q"), 1u);
  h.RunFor(absl::Milliseconds(1));
  EXPECT_EQ(h.Ready("q"), 0u);
}

TEST(MessageTtl, ExpiredMessageBehindALongerLivedHeadStaysCountedUntilItIsTheHead) {
  BrokerHarness h;
  h.DeclareExchange("dlx", "fanout");
  h.DeclareQueue("dead");
  h.Bind("dead", "dlx");
  h.DeclareQueue("q", {{"x-dead-letter-exchange", S("dlx")}});
  h.Send("q", "long", Expiring("10000"));
  h.Send("q", "short", Expiring("1000"));
  h.RunFor(absl::Seconds(5));
  EXPECT_EQ(h.Ready("q"), 2u);  // "short" expired but is not at the head
  EXPECT_EQ(h.Ready("dead"), 0u);
  h.RunFor(absl::Seconds(5));
  EXPECT_EQ(h.Ready("q"), 0u);
  EXPECT_EQ(h.Bodies("dead"), (std::vector<std::string>{"long", "short"}));
}

TEST(MessageTtl, BasicGetReturnsTheHeadThenDropsExpiredMessagesBehindIt) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "head", Expiring("10000"));
  h.Send("q", "behind", Expiring("1000"));
  h.RunFor(absl::Seconds(5));
  auto got = h.ch.BasicGet("q", true);
  ASSERT_THAT(got, IsOk());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->body(), "head");
  EXPECT_EQ((*got)->message_count, 0u);
}

TEST(MessageTtl, EffectiveTtlIsTheMinimumOfQueueAndMessageTtl) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(5000)}});
  h.Send("q", "a", Expiring("2000"));
  h.RunFor(absl::Milliseconds(1999));
  EXPECT_EQ(h.Ready("q"), 1u);
  h.RunFor(absl::Milliseconds(1));
  EXPECT_EQ(h.Ready("q"), 0u);
  h.Send("q", "b", Expiring("9000"));
  h.RunFor(absl::Milliseconds(4999));
  EXPECT_EQ(h.Ready("q"), 1u);
  h.RunFor(absl::Milliseconds(1));
  EXPECT_EQ(h.Ready("q"), 0u);
}

TEST(MessageTtl, UnackedMessagesNeverExpire) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)}});
  Recorder& r = h.Consume("q", OnDelivery::kHold);
  h.Send("q", "m");
  h.RunFor(absl::Seconds(10));
  EXPECT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(h.Unacked("q"), 1u);
}

TEST(MessageTtl, RequeueKeepsTheOriginalDeadlineAndAPassedOneExpiresAtOnce) {
  BrokerHarness h;
  h.DeclareExchange("dlx", "fanout");
  h.DeclareQueue("dead");
  h.Bind("dead", "dlx");
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)}, {"x-dead-letter-exchange", S("dlx")}});
  h.Send("q", "m");
  auto got = h.ch.BasicGet("q");
  ASSERT_THAT(got, IsOk());
  h.RunFor(absl::Seconds(3));
  ASSERT_THAT(h.ch.BasicReject((*got)->delivery_tag, true), IsOk());
  EXPECT_EQ(h.Ready("q"), 0u);
  EXPECT_THAT(h.sim.Messages("dead"), IsOkAndHolds(ElementsAre(HasXDeath({{"q", "expired", 1}}))));
}

TEST(MessageTtl, RequeueBeforeTheDeadlineDoesNotResetIt) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)}});
  h.Send("q", "m");
  h.RunFor(absl::Milliseconds(600));
  auto got = h.ch.BasicGet("q");
  ASSERT_THAT(got, IsOk());
  ASSERT_THAT(h.ch.BasicReject((*got)->delivery_tag, true), IsOk());
  h.RunFor(absl::Milliseconds(399));
  EXPECT_EQ(h.Ready("q"), 1u);
  h.RunFor(absl::Milliseconds(1));
  EXPECT_EQ(h.Ready("q"), 0u);
}

TEST(MessageTtl, TtlZeroIsDeliveredToAWaitingConsumerWithExpirationStillSet) {
  BrokerHarness h;
  h.DeclareQueue("q");
  Recorder& r = h.Consume("q", OnDelivery::kAck);
  h.Send("q", "m", Expiring("0"));
  h.Settle();
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].properties().expiration, "0");
}

TEST(MessageTtl, TtlZeroWithoutAConsumerExpiresImmediately) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(0)}});
  MessageId id = h.Send("q", "m");
  EXPECT_EQ(h.Ready("q"), 0u);
  MessageFate fate = h.sim.Fate(id);
  ASSERT_EQ(fate.copies.size(), 1u);
  EXPECT_EQ(fate.copies[0].state, CopyState::kDropped);
  EXPECT_EQ(fate.copies[0].reason, "expired (no dead-letter exchange)");
}

TEST(MessageTtl, PolicyTtlAppliesOnlyToMessagesEnqueuedAfterIt) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "old");
  ASSERT_THAT(h.sim.SetPolicy({.name = "ttl", .pattern = "^q$",
                               .definition = {{"message-ttl", I(1000)}}}),
              IsOk());
  h.Send("q", "new");
  h.RunFor(absl::Seconds(5));
  // "new" has expired but "old" (no deadline) is the head and blocks it.
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"old", "new"}));
  auto got = h.ch.BasicGet("q", true);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(h.Ready("q"), 0u);
}

TEST(MessageTtl, ExpirationPropertyIsDeliveredUnchanged) {
  BrokerHarness h;
  h.DeclareQueue("q");
  Recorder& r = h.Consume("q", OnDelivery::kAck);
  h.Send("q", "m", Expiring("60000"));
  h.Settle();
  ASSERT_EQ(r.deliveries.size(), 1u);
  EXPECT_EQ(r.deliveries[0].properties().expiration, "60000");
}

TEST(MessageTtl, InvalidExpirationIsRejectedWith406EvenWhenUnroutable) {
  BrokerHarness h;
  auto r = h.ch.BasicPublish({.routing_key = "nowhere", .properties = Expiring("1.5")});
  EXPECT_THAT(r, ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_THAT(h.ch, ClosedWith(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text,
            "PRECONDITION_FAILED - invalid expiration '1.5': {leftover_string,\".5\"}");
}

TEST(MessageTtl, DeadLetteredCopyLosesExpirationAndRecordsOriginalExpiration) {
  BrokerHarness h;
  h.DeclareExchange("dlx", "fanout");
  h.DeclareQueue("dead");
  h.Bind("dead", "dlx");
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)}, {"x-dead-letter-exchange", S("dlx")}});
  h.Send("q", "m", Expiring("5000"));  // the queue TTL fires first
  h.RunFor(absl::Seconds(1));
  WARREN_ASSERT_OK_AND_ASSIGN(auto dead, h.sim.Messages("dead"));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_FALSE(dead[0].properties().expiration.has_value());
  const FieldTable& entry =
      dead[0].properties().headers->Find("x-death")->as_array()[0].as_table();
  EXPECT_EQ(*entry.Find("original-expiration"), S("5000"));
}

TEST(MessageTtl, TheSameMessageExpiresIndependentlyInEachQueue) {
  BrokerHarness h;
  h.DeclareExchange("fan", "fanout");
  h.DeclareQueue("fast", {{"x-message-ttl", I(1000)}});
  h.DeclareQueue("slow", {{"x-message-ttl", I(3000)}});
  h.Bind("fast", "fan");
  h.Bind("slow", "fan");
  h.Publish("fan", "", "m");
  h.RunFor(absl::Seconds(1));
  EXPECT_EQ(h.Ready("fast"), 0u);
  EXPECT_EQ(h.Ready("slow"), 1u);
  h.RunFor(absl::Seconds(2));
  EXPECT_EQ(h.Ready("slow"), 0u);
}

}  // namespace
}  // namespace warren::testing
