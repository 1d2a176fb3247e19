// Spec section 2.4: auto-delete and x-expires.
#include "harness.h"

namespace warren::testing {
namespace {

TEST(AutoDeleteQueue, IsDeletedWhenItsLastConsumerGoesButNeedsAFirstConsumer) {
  BrokerHarness h;
  ASSERT_THAT(h.ch.QueueDeclare("q", {.auto_delete = true}), IsOk());
  h.Send("q", "m");
  ASSERT_THAT(h.ch.BasicGet("q", true), IsOk());  // basic.get is not a consumer
  EXPECT_TRUE(h.Exists("q"));
  auto tag = h.ch.BasicConsume("q", [](const Delivery&) {});
  ASSERT_THAT(tag, IsOk());
  ASSERT_THAT(h.ch.BasicCancel(*tag), IsOk());
  EXPECT_FALSE(h.Exists("q"));
}

TEST(AutoDeleteQueue, ClosingTheConsumersChannelDeletesItWithoutDeadLetteringUnacked) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  ASSERT_THAT(h.ch.QueueDeclare("q", {.auto_delete = true,
                                      .arguments = {{"x-message-ttl", I(1000)},
                                                    {"x-dead-letter-exchange", S("")},
                                                    {"x-dead-letter-routing-key", S("dead")}}}),
              IsOk());
  Channel c = h.NewChannel();
  h.Consume("q", OnDelivery::kHold, &c);
  MessageId id = h.Send("q", "m");
  h.RunFor(absl::Seconds(5));  // past its deadline while unacked
  ASSERT_THAT(c.Close(), IsOk());
  EXPECT_FALSE(h.Exists("q"));
  EXPECT_EQ(h.Ready("dead"), 0u);
  EXPECT_EQ(h.sim.Fate(id).copies[0].state, CopyState::kDropped);
}

TEST(QueueExpires, UnusedQueueIsDeletedAtTheDeadlineAndPublishingDoesNotCountAsUse) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-expires", I(10000)}});
  h.RunFor(absl::Seconds(5));
  h.Send("q", "m");
  h.RunFor(absl::Seconds(5) - absl::Milliseconds(1));
  EXPECT_TRUE(h.Exists("q"));
  h.RunFor(absl::Milliseconds(1));
  EXPECT_FALSE(h.Exists("q"));
}

TEST(QueueExpires, BasicGetEvenWhenEmptyAndPassiveDeclareRestartTheTimer) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-expires", I(10000)}});
  h.RunFor(absl::Seconds(8));
  ASSERT_THAT(h.ch.BasicGet("q"), IsOk());
  h.RunFor(absl::Seconds(8));
  ASSERT_THAT(h.ch.QueueDeclare("q", {.passive = true}), IsOk());
  h.RunFor(absl::Seconds(10) - absl::Milliseconds(1));
  EXPECT_TRUE(h.Exists("q"));
  h.RunFor(absl::Milliseconds(1));
  EXPECT_FALSE(h.Exists("q"));
}

TEST(QueueExpires, NeverFiresWhileConsumedAndRestartsWhenTheLastConsumerLeaves) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-expires", I(10000)}});
  auto tag = h.ch.BasicConsume("q", [](const Delivery&) {});
  ASSERT_THAT(tag, IsOk());
  h.RunFor(absl::Minutes(5));
  EXPECT_TRUE(h.Exists("q"));
  ASSERT_THAT(h.ch.BasicCancel(*tag), IsOk());
  h.RunFor(absl::Seconds(10) - absl::Milliseconds(1));
  EXPECT_TRUE(h.Exists("q"));
  h.RunFor(absl::Milliseconds(1));
  EXPECT_FALSE(h.Exists("q"));
}

TEST(QueueExpires, MessagesOfAnExpiredQueueAreDiscardedNotDeadLettered) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  h.DeclareQueue("q", {{"x-expires", I(1000)},
                       {"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("dead")}});
  MessageId id = h.Send("q", "m");
  h.RunFor(absl::Seconds(1));
  EXPECT_FALSE(h.Exists("q"));
  EXPECT_EQ(h.Ready("dead"), 0u);
  EXPECT_EQ(h.sim.Fate(id).copies[0].reason, "queue deleted: expired (x-expires)");
}

TEST(QueueExpires, QuorumQueuesExpireOnlyOnTheirFiveSecondTick) {
  BrokerHarness h;
  h.DeclareQueue("qq", {{"x-queue-type", S("quorum")}, {"x-expires", I(1500)}}, true);
  h.RunFor(absl::Seconds(5) - absl::Milliseconds(1));
  EXPECT_TRUE(h.Exists("qq"));
  h.RunFor(absl::Milliseconds(1));
  EXPECT_FALSE(h.Exists("qq"));
}

}  // namespace
}  // namespace warren::testing
