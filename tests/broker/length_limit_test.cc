// Spec sections 2.6-2.8: max-length, overflow modes, priorities.
#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;

TEST(MaxLength, DropHeadDropsTheOldestAndCountsReadyMessagesOnly) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-length", I(2)}});
  h.Send("q", "1");
  ASSERT_THAT(h.ch.BasicGet("q"), IsOk());  // unacked: not counted
  for (const char* m : {"2", "3", "4"}) h.Send("q", m);
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"3", "4"}));
  EXPECT_EQ(h.Unacked("q"), 1u);
}

TEST(MaxLength, BytesCountBodiesOnlyAndAnOversizedMessageIsAcceptedThenDropped) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-length-bytes", I(5)}});
  h.Send("q", "", WithHeaders({{"big", S(std::string(100, 'x'))}}));
  h.Send("q", "12345");
  EXPECT_EQ(h.Ready("q"), 2u);
  MessageId big = h.Send("q", "123456");
  // Drop-head runs until the queue fits: both older ones go, then the big one.
  EXPECT_TRUE(h.Bodies("q").empty());
  EXPECT_EQ(h.sim.Fate(big).copies[0].reason, "maxlen (no dead-letter exchange)");
}

TEST(MaxLength, DropHeadDeadLettersWithReasonMaxlen) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  h.DeclareQueue("q", {{"x-max-length", I(1)},
                       {"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("dead")}});
  h.Send("q", "1");
  h.Send("q", "2");
  EXPECT_THAT(h.sim.Messages("dead"), IsOkAndHolds(ElementsAre(AllOf(HasBody("1"),
                                                         HasXDeath({{"q", "maxlen", 1}})))));
}

TEST(MaxLength, ZeroWithDropHeadStillFeedsAWaitingConsumer) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-length", I(0)}});
  Recorder& r = h.Consume("q", OnDelivery::kAck);
  h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(r.deliveries.size(), 1u);
  ASSERT_THAT(h.ch.BasicCancel(r.deliveries[0].consumer_tag), IsOk());
  MessageId dropped = h.Send("q", "n");
  EXPECT_EQ(h.sim.Fate(dropped).copies[0].state, CopyState::kDropped);
}

TEST(MaxLength, ZeroWithRejectPublishRejectsEvenWithAWaitingConsumer) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-length", I(0)}, {"x-overflow", S("reject-publish")}});
  Recorder& r = h.Consume("q", OnDelivery::kAck);
  h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(r.deliveries.size(), 0u);
}

TEST(MaxLength, RejectPublishNacksInConfirmModeAndDoesNotDeadLetter) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  h.DeclareQueue("q", {{"x-max-length", I(1)},
                       {"x-overflow", S("reject-publish")},
                       {"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("dead")}});
  std::vector<Confirm> confirms;
  h.ch.OnConfirm([&](const Confirm& c) { confirms.push_back(c); });
  ASSERT_THAT(h.ch.ConfirmSelect(), IsOk());
  h.Send("q", "1");
  h.Send("q", "2");
  h.Settle();
  ASSERT_EQ(confirms.size(), 2u);
  EXPECT_TRUE(confirms[0].ack);
  EXPECT_FALSE(confirms[1].ack);
  EXPECT_EQ(h.Ready("dead"), 0u);
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"1"}));
}

TEST(MaxLength, RejectPublishDlxDeadLettersTheRejectedNewMessage) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  h.DeclareQueue("q", {{"x-max-length", I(1)},
                       {"x-overflow", S("reject-publish-dlx")},
                       {"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("dead")}});
  h.Send("q", "1");
  h.Send("q", "2");
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"1"}));
  EXPECT_THAT(h.sim.Messages("dead"), IsOkAndHolds(ElementsAre(AllOf(HasBody("2"),
                                                         HasXDeath({{"q", "maxlen", 1}})))));
}

TEST(MaxLength, ARequeuedMessageAtTheHeadIsTheFirstDropped) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-length", I(2)}});
  h.Send("q", "1");
  auto got = h.ch.BasicGet("q");
  h.Send("q", "2");
  h.Send("q", "3");
  ASSERT_THAT(h.ch.BasicReject((*got)->delivery_tag, true), IsOk());
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"2", "3"}));
}

TEST(MaxLength, RejectPublishRequeueMayExceedTheLimit) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-length", I(1)}, {"x-overflow", S("reject-publish")}});
  h.Send("q", "1");
  auto got = h.ch.BasicGet("q");
  h.Send("q", "2");
  ASSERT_THAT(h.ch.BasicReject((*got)->delivery_tag, true), IsOk());
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"1", "2"}));
}

TEST(MaxLength, LoweringTheLimitByPolicyTruncatesWithDeadLettering) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  h.DeclareQueue("q", {{"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("dead")}});
  for (const char* m : {"1", "2", "3"}) h.Send("q", m);
  ASSERT_THAT(h.sim.SetPolicy({.name = "cap", .pattern = "^q$",
                               .definition = {{"max-length", I(1)}}}),
              IsOk());
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"3"}));
  EXPECT_EQ(h.Bodies("dead"), (std::vector<std::string>{"1", "2"}));
}

TEST(Priority, HighestPriorityFirstFifoWithinAPriorityAndCappedAtMax) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-priority", I(5)}});
  auto prio = [](int p) {
    BasicProperties props;
    props.priority = p;
    return props;
  };
  h.Send("q", "low", prio(1));
  h.Send("q", "none");
  h.Send("q", "max-a", prio(9));  // treated as 5
  h.Send("q", "max-b", prio(5));
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"max-a", "max-b", "low", "none"}));
}

TEST(Priority, IgnoredWithoutMaxPriority) {
  BrokerHarness h;
  h.DeclareQueue("q");
  BasicProperties p;
  p.priority = 9;
  h.Send("q", "a");
  h.Send("q", "b", p);
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"a", "b"}));
}

TEST(Priority, DropHeadDropsTheHighestPriorityMessage) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-priority", I(5)}, {"x-max-length", I(2)}});
  BasicProperties high;
  high.priority = 5;
  h.Send("q", "low1");
  h.Send("q", "high", high);
  h.Send("q", "low2");
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"low1", "low2"}));
}

TEST(Priority, RequeueReturnsToItsPlaceInsideItsPriorityLevel) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-priority", I(5)}});
  BasicProperties high;
  high.priority = 3;
  h.Send("q", "h1", high);
  h.Send("q", "h2", high);
  h.Send("q", "low");
  auto got = h.ch.BasicGet("q");
  ASSERT_EQ((*got)->body(), "h1");
  ASSERT_THAT(h.ch.BasicReject((*got)->delivery_tag, true), IsOk());
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"h1", "h2", "low"}));
}

}  // namespace
}  // namespace warren::testing
