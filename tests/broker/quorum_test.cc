// Spec sections 2.7, 2.9, 3.3: quorum queue differences.
#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::ElementsAre;

FieldTable Quorum(FieldTable extra = {}) {
  FieldTable t{{"x-queue-type", S("quorum")}};
  for (const auto& [k, v] : extra) t.Set(k, v);
  return t;
}

std::optional<int64_t> DeliveryCount(const Delivery& d) {
  const auto& h = d.properties().headers;
  const FieldValue* v = h ? h->Find("x-delivery-count") : nullptr;
  if (v == nullptr) return std::nullopt;
  return v->as_int();
}

TEST(QuorumDeliveryCount, AbsentOnFirstConsumerDeliveryThenCountsReturns) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum(), /*durable=*/true);
  Recorder& r = h.Consume("qq", OnDelivery::kHold);
  h.Send("qq", "m");
  h.Flush();
  ASSERT_THAT(h.ch.BasicReject(r.deliveries[0].delivery_tag, true), IsOk());
  h.Flush();
  ASSERT_EQ(r.deliveries.size(), 2u);
  EXPECT_EQ(DeliveryCount(r.deliveries[0]), std::nullopt);
  EXPECT_FALSE(r.deliveries[0].redelivered);
  EXPECT_EQ(DeliveryCount(r.deliveries[1]), 1);
  EXPECT_TRUE(r.deliveries[1].redelivered);
}

TEST(QuorumDeliveryCount, AlwaysPresentOnBasicGetStartingAtZero) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum(), true);
  h.Send("qq", "m");
  auto g = h.ch.BasicGet("qq");
  EXPECT_EQ(DeliveryCount(**g), 0);
  ASSERT_THAT(h.ch.BasicNack((*g)->delivery_tag, false, true), IsOk());
  auto g2 = h.ch.BasicGet("qq");
  EXPECT_EQ(DeliveryCount(**g2), 1);
}

TEST(QuorumDeliveryLimit, AllowsLimitPlusOneDeliveriesThenDeadLetters) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  h.DeclareQueue("qq", Quorum({{"x-delivery-limit", I(2)},
                               {"x-dead-letter-exchange", S("")},
                               {"x-dead-letter-routing-key", S("dead")}}),
                 true);
  Recorder& r = h.Consume("qq", OnDelivery::kRequeue);
  h.Send("qq", "m");
  h.Settle();
  EXPECT_EQ(r.deliveries.size(), 3u);
  WARREN_ASSERT_OK_AND_ASSIGN(auto dead, h.sim.Messages("dead"));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_THAT(dead[0], HasXDeath({{"qq", "delivery_limit", 1}}));
  EXPECT_FALSE(dead[0].properties().headers->Contains("x-delivery-count"));
}

TEST(QuorumDeliveryLimit, WithoutDlxTheMessageIsDropped) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum({{"x-delivery-limit", I(0)}}), true);
  h.Consume("qq", OnDelivery::kRequeue);
  MessageId id = h.Send("qq", "m");
  h.Settle();
  EXPECT_EQ(h.sim.Fate(id).copies[0].reason, "delivery_limit (no dead-letter exchange)");
}

TEST(QuorumDeliveryLimit, PolicyAndArgumentCombineAsTheMinimum) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum({{"x-delivery-limit", I(5)}}), true);
  ASSERT_THAT(h.sim.SetPolicy({.name = "dl", .pattern = "^qq$",
                               .definition = {{"delivery-limit", I(1)}}}),
              IsOk());
  EXPECT_EQ(h.sim.Queue("qq")->settings.delivery_limit, 1);
}

TEST(QuorumRequeue, WithoutDeliveryLimitANackGoesToTheTail) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum(), true);
  for (const char* m : {"1", "2", "3"}) h.Send("qq", m);
  auto g = h.ch.BasicGet("qq");
  ASSERT_THAT(h.ch.BasicNack((*g)->delivery_tag, false, true), IsOk());
  EXPECT_EQ(h.Bodies("qq"), (std::vector<std::string>{"2", "3", "1"}));
}

TEST(QuorumRequeue, WithADeliveryLimitANackGoesToTheFrontInReturnOrder) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum({{"x-delivery-limit", I(10)}}), true);
  for (const char* m : {"1", "2", "3"}) h.Send("qq", m);
  auto g1 = h.ch.BasicGet("qq");
  auto g2 = h.ch.BasicGet("qq");
  ASSERT_THAT(h.ch.BasicNack((*g2)->delivery_tag, false, true), IsOk());
  ASSERT_THAT(h.ch.BasicNack((*g1)->delivery_tag, false, true), IsOk());
  EXPECT_EQ(h.Bodies("qq"), (std::vector<std::string>{"2", "1", "3"}));
}

TEST(QuorumRequeue, ChannelCloseReturnsToTheFrontAndCounts) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum(), true);
  for (const char* m : {"1", "2", "3"}) h.Send("qq", m);
  Channel c = h.NewChannel();
  ASSERT_THAT(c.BasicGet("qq"), IsOk());
  ASSERT_THAT(c.BasicGet("qq"), IsOk());
  ASSERT_THAT(c.Close(), IsOk());
  EXPECT_EQ(h.Bodies("qq"), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ((*h.sim.Messages("qq"))[0].delivery_count, 1u);
}

TEST(QuorumMaxLength, RejectPublishLetsMaxLengthPlusOneIn) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum({{"x-max-length", I(2)}, {"x-overflow", S("reject-publish")}}),
                 true);
  std::vector<bool> acks;
  h.ch.OnConfirm([&](const Confirm& c) { acks.push_back(c.ack); });
  ASSERT_THAT(h.ch.ConfirmSelect(), IsOk());
  for (const char* m : {"r1", "r2", "r3", "r4", "r5"}) h.Send("qq", m);
  h.Settle();
  EXPECT_EQ(acks, (std::vector<bool>{true, true, true, false, false}));
  EXPECT_EQ(h.Bodies("qq"), (std::vector<std::string>{"r1", "r2", "r3"}));
}

TEST(QuorumMaxLength, RejectPublishUnblocksAtEightyPercent) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum({{"x-max-length", I(5)}, {"x-overflow", S("reject-publish")}}),
                 true);
  for (int i = 0; i < 6; ++i) h.Send("qq", "m");
  EXPECT_EQ(h.Ready("qq"), 6u);
  ASSERT_THAT(h.ch.BasicGet("qq", true), IsOk());
  h.Send("qq", "still blocked at 5");
  EXPECT_EQ(h.Ready("qq"), 5u);
  ASSERT_THAT(h.ch.BasicGet("qq", true), IsOk());
  h.Send("qq", "accepted at 4");
  EXPECT_EQ(h.Ready("qq"), 5u);
}

TEST(QuorumMaxLength, RejectPublishDlxBehavesAsDropHead) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  h.DeclareQueue("qq", Quorum({{"x-max-length", I(1)},
                               {"x-overflow", S("reject-publish-dlx")},
                               {"x-dead-letter-exchange", S("")},
                               {"x-dead-letter-routing-key", S("dead")}}),
                 true);
  h.Send("qq", "old");
  h.Send("qq", "new");
  EXPECT_EQ(h.Bodies("qq"), (std::vector<std::string>{"new"}));
  EXPECT_EQ(h.Bodies("dead"), (std::vector<std::string>{"old"}));
}

TEST(QuorumTtl, TtlZeroIsTreatedAsOneMillisecond) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum({{"x-message-ttl", I(0)}}), true);
  h.Send("qq", "m");
  EXPECT_EQ(h.Ready("qq"), 1u);
  h.RunFor(absl::Milliseconds(1));
  EXPECT_EQ(h.Ready("qq"), 0u);
}

TEST(QuorumTtl, ExpiryIsHeadOnlyBehindALiveReturnedMessage) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum({{"x-delivery-limit", I(10)}}), true);
  h.Send("qq", "long", Expiring("10000"));
  auto g = h.ch.BasicGet("qq");
  h.Send("qq", "short", Expiring("1000"));
  ASSERT_THAT(h.ch.BasicNack((*g)->delivery_tag, false, true), IsOk());  // to the front
  h.RunFor(absl::Seconds(5));
  EXPECT_EQ(h.Bodies("qq"), (std::vector<std::string>{"long", "short"}));
}

TEST(QuorumQueues, GlobalQosThenConsumeIsConnectionError540) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum(), true);
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 5, .global = true}), IsOk());
  EXPECT_THAT(h.ch.BasicConsume("qq", [](const Delivery&) {}),
              ReplyIs(ReplyCode::kNotImplemented));
  EXPECT_FALSE(h.conn.is_open());
}

TEST(QuorumQueues, BasicGetWithSingleActiveConsumerIs405) {
  BrokerHarness h;
  h.DeclareQueue("qq", Quorum({{"x-single-active-consumer", B(true)}}), true);
  EXPECT_THAT(h.ch.BasicGet("qq"), ReplyIs(ReplyCode::kResourceLocked));
}

}  // namespace
}  // namespace warren::testing

namespace warren::testing {
namespace {

TEST(QuorumQueues, DeleteWithIfUnusedIsNotImplemented540) {
  BrokerHarness h;
  h.DeclareQueue("qq", {{"x-queue-type", S("quorum")}}, true);
  EXPECT_THAT(h.ch.QueueDelete("qq", {.if_unused = true}), ReplyIs(ReplyCode::kNotImplemented));
  EXPECT_EQ(h.conn.close_reason()->text,
            "NOT_IMPLEMENTED - cannot delete queue 'qq' in vhost '/'. queue.delete operations "
            "with if-unused flag set are not supported by quorum queues");
}

}  // namespace
}  // namespace warren::testing
