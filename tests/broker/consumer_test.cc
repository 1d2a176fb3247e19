// Spec section 5: dispatch, prefetch, acks, requeue, cancel, close,
// single active consumer and the consumer (ack) timeout.
#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::ElementsAre;

TEST(Dispatch, ConsumersAreServedRoundRobin) {
  BrokerHarness h;
  h.DeclareQueue("q");
  Recorder& a = h.Consume("q", OnDelivery::kAck);
  Recorder& b = h.Consume("q", OnDelivery::kAck);
  for (const char* m : {"1", "2", "3", "4"}) h.Send("q", m);
  h.Settle();
  EXPECT_EQ(a.Bodies(), (std::vector<std::string>{"1", "3"}));
  EXPECT_EQ(b.Bodies(), (std::vector<std::string>{"2", "4"}));
}

TEST(Dispatch, AConsumerWithoutPrefetchTakesTheWholeBacklogBeforeASecondArrives) {
  BrokerHarness h;
  h.DeclareQueue("q");
  for (const char* m : {"1", "2", "3"}) h.Send("q", m);
  Recorder& a = h.Consume("q", OnDelivery::kHold);
  Recorder& b = h.Consume("q", OnDelivery::kHold);
  h.Settle();
  EXPECT_EQ(a.deliveries.size(), 3u);
  EXPECT_EQ(b.deliveries.size(), 0u);
}

TEST(Dispatch, HigherPriorityConsumersGetMessagesUntilTheirPrefetchIsFull) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 2}), IsOk());
  Recorder& low = h.Consume("q", OnDelivery::kHold);
  Recorder& high = h.Consume("q", OnDelivery::kHold, nullptr,
                             {.arguments = {{"x-priority", I(10)}}});
  for (const char* m : {"1", "2", "3"}) h.Send("q", m);
  h.Settle();
  EXPECT_EQ(high.Bodies(), (std::vector<std::string>{"1", "2"}));
  EXPECT_EQ(low.Bodies(), (std::vector<std::string>{"3"}));
}

TEST(Dispatch, XPriorityMustBeAnInteger) {
  BrokerHarness h;
  h.DeclareQueue("q");
  EXPECT_THAT(h.ch.BasicConsume("q", [](const Delivery&) {},
                                {.arguments = {{"x-priority", S("high")}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text,
            "PRECONDITION_FAILED - invalid arg 'x-priority' for queue 'q' in vhost '/': "
            "\"expected integer, got longstr\"");
}

TEST(Dispatch, ABlockedConsumerRejoinsAtTheBackWhenItHasRoomAgain) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 1}), IsOk());
  Recorder& a = h.Consume("q", OnDelivery::kHold);
  Channel other = h.NewChannel();
  Recorder& b = h.Consume("q", OnDelivery::kHold, &other);
  for (const char* m : {"1", "2", "3"}) h.Send("q", m);
  h.Flush();
  EXPECT_EQ(a.Bodies(), (std::vector<std::string>{"1"}));
  EXPECT_EQ(b.Bodies(), (std::vector<std::string>{"2", "3"}));
  ASSERT_THAT(h.ch.BasicAck(a.deliveries[0].delivery_tag), IsOk());
  h.Send("q", "4");
  h.Send("q", "5");
  h.Flush();
  EXPECT_EQ(a.Bodies(), (std::vector<std::string>{"1", "5"}));
  EXPECT_EQ(b.Bodies(), (std::vector<std::string>{"2", "3", "4"}));
}

TEST(Prefetch, PerConsumerLimitAppliesToEachConsumerSeparately) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 2}), IsOk());
  Recorder& a = h.Consume("q", OnDelivery::kHold);
  Recorder& b = h.Consume("q", OnDelivery::kHold);
  for (int i = 0; i < 6; ++i) h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(a.deliveries.size(), 2u);
  EXPECT_EQ(b.deliveries.size(), 2u);
  EXPECT_EQ(h.Ready("q"), 2u);
}

TEST(Prefetch, GlobalLimitIsSharedByAllConsumersOfTheChannel) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 3, .global = true}), IsOk());
  Recorder& a = h.Consume("q", OnDelivery::kHold);
  Recorder& b = h.Consume("q", OnDelivery::kHold);
  for (int i = 0; i < 6; ++i) h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(a.deliveries.size() + b.deliveries.size(), 3u);
}

TEST(Prefetch, BothLimitsApplyWhenGlobalIsSetAfterThePerConsumerOne) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 2}), IsOk());
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 3, .global = true}), IsOk());
  Recorder& a = h.Consume("q", OnDelivery::kHold);
  Recorder& b = h.Consume("q", OnDelivery::kHold);
  for (int i = 0; i < 6; ++i) h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(a.deliveries.size(), 2u);
  EXPECT_EQ(b.deliveries.size(), 1u);
}

TEST(Prefetch, QosAfterConsumeDoesNotChangeAnExistingConsumer) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 1}), IsOk());
  Recorder& a = h.Consume("q", OnDelivery::kHold);
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 5}), IsOk());
  for (int i = 0; i < 3; ++i) h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(a.deliveries.size(), 1u);
}

TEST(Prefetch, DoesNotApplyToAutoAckConsumersOrBasicGet) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.BasicQos({.prefetch_count = 1}), IsOk());
  for (int i = 0; i < 3; ++i) h.Send("q", "m");
  ASSERT_THAT(h.ch.BasicGet("q"), IsOk());
  ASSERT_THAT(h.ch.BasicGet("q"), IsOk());
  Recorder& a = h.Consume("q", OnDelivery::kHold, nullptr, {.no_ack = true});
  h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(a.deliveries.size(), 2u);
}

TEST(Prefetch, NonZeroPrefetchSizeIsAConnectionError540) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.BasicQos({.prefetch_size = 10}), ReplyIs(ReplyCode::kNotImplemented));
  EXPECT_FALSE(h.conn.is_open());
}

TEST(Acks, DeliveryTagsArePerChannelStartAtOneAndCountGetsToo) {
  BrokerHarness h;
  h.DeclareQueue("q");
  for (int i = 0; i < 3; ++i) h.Send("q", "m");
  auto g1 = h.ch.BasicGet("q", /*no_ack=*/true);
  Channel other = h.NewChannel();
  auto g2 = other.BasicGet("q");
  auto g3 = h.ch.BasicGet("q");
  EXPECT_EQ((*g1)->delivery_tag.value, 1u);
  EXPECT_EQ((*g2)->delivery_tag.value, 1u);
  EXPECT_EQ((*g3)->delivery_tag.value, 2u);
}

TEST(Acks, UnknownDeliveryTagIs406ClosingTheChannel) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "m");
  auto got = h.ch.BasicGet("q");
  ASSERT_THAT(h.ch.BasicAck((*got)->delivery_tag), IsOk());
  EXPECT_THAT(h.ch.BasicAck((*got)->delivery_tag), ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text, "PRECONDITION_FAILED - unknown delivery tag 1");
}

TEST(Acks, TagOfAnAutoAckDeliveryOrOfAnotherChannelIsUnknown) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "a");
  h.Send("q", "b");
  auto auto_acked = h.ch.BasicGet("q", true);
  EXPECT_THAT(h.ch.BasicAck((*auto_acked)->delivery_tag), ReplyIs(ReplyCode::kPreconditionFailed));
  Channel c1 = h.NewChannel(), c2 = h.NewChannel();
  auto got = c1.BasicGet("q");
  EXPECT_THAT(c2.BasicAck((*got)->delivery_tag), ReplyIs(ReplyCode::kPreconditionFailed));
}

TEST(Acks, MultipleAcksEverythingUpToTheTagWhichMustStillBeOutstanding) {
  BrokerHarness h;
  h.DeclareQueue("q");
  for (int i = 0; i < 4; ++i) h.Send("q", "m");
  for (int i = 0; i < 4; ++i) ASSERT_THAT(h.ch.BasicGet("q"), IsOk());
  ASSERT_THAT(h.ch.BasicAck(DeliveryTag{3}), IsOk());
  EXPECT_THAT(h.ch.BasicAck(DeliveryTag{3}, /*multiple=*/true),
              ReplyIs(ReplyCode::kPreconditionFailed));
}

TEST(Acks, TagZeroWithMultipleAcksEverythingOutstanding) {
  BrokerHarness h;
  h.DeclareQueue("q");
  for (int i = 0; i < 3; ++i) h.Send("q", "m");
  for (int i = 0; i < 3; ++i) ASSERT_THAT(h.ch.BasicGet("q"), IsOk());
  ASSERT_THAT(h.ch.BasicAck(DeliveryTag{0}, true), IsOk());
  EXPECT_EQ(h.ch.unacked_count(), 0u);
  EXPECT_EQ(h.sim.counters().acked, 3u);
}

TEST(Acks, TagZeroWithoutMultipleIsUnknown) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.BasicAck(DeliveryTag{0}), ReplyIs(ReplyCode::kPreconditionFailed));
}

TEST(Requeue, ClassicRequeueRestoresTheOriginalPositionWithRedelivered) {
  BrokerHarness h;
  h.DeclareQueue("q");
  for (const char* m : {"1", "2", "3"}) h.Send("q", m);
  auto g1 = h.ch.BasicGet("q");
  auto g2 = h.ch.BasicGet("q");
  h.Send("q", "4");
  ASSERT_THAT(h.ch.BasicReject((*g2)->delivery_tag, true), IsOk());
  ASSERT_THAT(h.ch.BasicReject((*g1)->delivery_tag, true), IsOk());
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"1", "2", "3", "4"}));
  auto again = h.ch.BasicGet("q");
  EXPECT_TRUE((*again)->redelivered);
}

TEST(Requeue, ChannelCloseRequeuesToAnotherConsumerInOrder) {
  BrokerHarness h;
  h.DeclareQueue("q");
  Channel first = h.NewChannel();
  Recorder& held = h.Consume("q", OnDelivery::kHold, &first);
  for (const char* m : {"1", "2", "3"}) h.Send("q", m);
  h.Flush();
  ASSERT_EQ(held.deliveries.size(), 3u);
  Channel second = h.NewChannel();
  Recorder& taker = h.Consume("q", OnDelivery::kAck, &second);
  ASSERT_THAT(first.Close(), IsOk());
  h.Settle();
  EXPECT_EQ(taker.Bodies(), (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_TRUE(taker.deliveries[0].redelivered);
}

TEST(Requeue, RecoverRedeliversWithNewTagsAndRequeueFalseIs540) {
  BrokerHarness h;
  h.DeclareQueue("q");
  Recorder& r = h.Consume("q", OnDelivery::kHold);
  h.Send("q", "m");
  h.Flush();
  ASSERT_THAT(h.ch.BasicRecover(true), IsOk());
  h.Flush();
  ASSERT_EQ(r.deliveries.size(), 2u);
  EXPECT_EQ(r.deliveries[1].delivery_tag.value, 2u);
  EXPECT_TRUE(r.deliveries[1].redelivered);
  EXPECT_THAT(h.ch.BasicRecover(false), ReplyIs(ReplyCode::kNotImplemented));
  EXPECT_FALSE(h.conn.is_open());
}

TEST(Cancel, UnackedMessagesStayAckableAfterCancelAndUnknownTagsAreFine) {
  BrokerHarness h;
  h.DeclareQueue("q");
  Recorder& r = h.Consume("q", OnDelivery::kHold, nullptr, {.consumer_tag = "c"});
  h.Send("q", "m");
  h.Flush();
  ASSERT_THAT(h.ch.BasicCancel("c"), IsOk());
  ASSERT_THAT(h.ch.BasicCancel("never-existed"), IsOk());
  EXPECT_EQ(h.Unacked("q"), 1u);
  EXPECT_THAT(h.ch.BasicAck(r.deliveries[0].delivery_tag), IsOk());
}

TEST(Consume, ReusingAConsumerTagIsConnectionError530EvenForAMissingQueue) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.BasicConsume("q", [](const Delivery&) {}, {.consumer_tag = "dup"}), IsOk());
  EXPECT_THAT(h.ch.BasicConsume("nope", [](const Delivery&) {}, {.consumer_tag = "dup"}),
              ReplyIs(ReplyCode::kNotAllowed));
  EXPECT_FALSE(h.conn.is_open());
  EXPECT_EQ(h.conn.close_reason()->text, "NOT_ALLOWED - attempt to reuse consumer tag 'dup'");
}

TEST(Consume, FromAMissingQueueIs404) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.BasicConsume("nope", [](const Delivery&) {}), ReplyIs(ReplyCode::kNotFound));
}

TEST(Consume, ExclusiveConsumeIsRefusedWhenOthersExistAndBlocksOthers) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.DeclareQueue("r");
  Channel c1 = h.NewChannel(), c2 = h.NewChannel(), c3 = h.NewChannel();
  ASSERT_THAT(c1.BasicConsume("q", [](const Delivery&) {}), IsOk());
  EXPECT_THAT(c2.BasicConsume("q", [](const Delivery&) {}, {.exclusive = true}),
              ReplyIs(ReplyCode::kAccessRefused));
  ASSERT_THAT(c1.BasicConsume("r", [](const Delivery&) {}, {.exclusive = true}), IsOk());
  EXPECT_THAT(c3.BasicConsume("r", [](const Delivery&) {}), ReplyIs(ReplyCode::kAccessRefused));
  EXPECT_EQ(c3.close_reason()->text, "ACCESS_REFUSED - queue 'r' in vhost '/' in exclusive use");
}

TEST(SingleActiveConsumer, OnlyTheFirstConsumerGetsMessagesUntilItLeaves) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-single-active-consumer", B(true)}});
  Recorder& first = h.Consume("q", OnDelivery::kHold, nullptr, {.consumer_tag = "first"});
  Recorder& second = h.Consume("q", OnDelivery::kAck);
  for (const char* m : {"1", "2"}) h.Send("q", m);
  h.Flush();
  EXPECT_EQ(first.deliveries.size(), 2u);
  EXPECT_EQ(second.deliveries.size(), 0u);
  ASSERT_THAT(h.ch.BasicCancel("first"), IsOk());
  h.Send("q", "3");
  h.Flush();
  EXPECT_EQ(second.Bodies(), (std::vector<std::string>{"3"}));
  EXPECT_EQ(h.Unacked("q"), 2u);  // the cancelled consumer's stay unacked
}

// The active consumer's channel closes while it holds nothing of this
// queue (its channel-wide prefetch is used up on another queue): the next
// consumer takes over at once, without waiting for a publish or an ack.
TEST(SingleActiveConsumer, WhenTheActiveConsumersChannelClosesTheNextOneGetsTheBacklog) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-single-active-consumer", B(true)}});
  h.DeclareQueue("other");
  Channel c1 = *h.conn.OpenChannel();
  Channel c2 = *h.conn.OpenChannel();
  ASSERT_THAT(c1.BasicQos({.prefetch_count = 1, .global = true}), IsOk());
  Recorder& holder = h.Consume("other", OnDelivery::kHold, &c1);
  h.Send("other", "x");
  h.Flush();
  ASSERT_EQ(holder.deliveries.size(), 1u);  // c1's one slot is taken
  Recorder& first = h.Consume("q", OnDelivery::kHold, &c1);
  Recorder& second = h.Consume("q", OnDelivery::kAck, &c2);
  h.Send("q", "1");
  h.Flush();
  EXPECT_EQ(first.deliveries.size(), 0u);
  EXPECT_EQ(h.Ready("q"), 1u);
  ASSERT_THAT(c1.Close(), IsOk());
  h.Flush();
  EXPECT_EQ(second.Bodies(), (std::vector<std::string>{"1"}));
  EXPECT_EQ(h.Ready("q"), 0u);
  EXPECT_THAT(h.sim.CheckInvariants(), IsOk());
  // RabbitMQ 3.10.8 crashes the queue here instead (rabbitmq-server#5460):
  // the trace says so, once, on this queue.
  std::vector<std::string> divergences;
  for (const TraceEvent& e : h.sim.trace()) {
    if (e.kind == TraceKind::kDivergence) divergences.push_back(e.queue);
  }
  EXPECT_EQ(divergences, (std::vector<std::string>{"q"}));
}

// The ordinary hand-over (the active consumer held messages of the queue,
// which the close requeues) is what RabbitMQ does too: no divergence noted.
TEST(SingleActiveConsumer, AHandOverThatRequeuesWhatTheActiveOneHeldIsNotADivergence) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-single-active-consumer", B(true)}});
  Channel c1 = *h.conn.OpenChannel();
  Channel c2 = *h.conn.OpenChannel();
  ASSERT_THAT(c1.BasicQos({.prefetch_count = 1}), IsOk());
  Recorder& first = h.Consume("q", OnDelivery::kHold, &c1);
  Recorder& second = h.Consume("q", OnDelivery::kAck, &c2);
  for (const char* m : {"1", "2"}) h.Send("q", m);
  h.Flush();
  ASSERT_EQ(first.deliveries.size(), 1u);
  ASSERT_THAT(c1.Close(), IsOk());
  h.Flush();
  EXPECT_EQ(second.Bodies(), (std::vector<std::string>{"1", "2"}));
  for (const TraceEvent& e : h.sim.trace()) EXPECT_NE(e.kind, TraceKind::kDivergence);
}

TEST(SingleActiveConsumer, ExclusiveConsumeIs403) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-single-active-consumer", B(true)}});
  EXPECT_THAT(h.ch.BasicConsume("q", [](const Delivery&) {}, {.exclusive = true}),
              ReplyIs(ReplyCode::kAccessRefused));
}

TEST(ConsumerTimeout, ClosesTheChannelWith406AtTheFirstTickAfterTheTimeout) {
  BrokerHarness h({.consumer_timeout = absl::Minutes(30)});
  h.DeclareQueue("q");
  Channel c = h.NewChannel();
  Recorder& r = h.Consume("q", OnDelivery::kHold, &c);
  h.Send("q", "m");
  h.Flush();
  ASSERT_EQ(r.deliveries.size(), 1u);
  // Ticks every 60 s from channel open; the check is strictly "older than".
  h.RunFor(absl::Minutes(31) - absl::Milliseconds(1));
  EXPECT_TRUE(c.is_open());
  h.RunFor(absl::Milliseconds(1));
  EXPECT_THAT(c, ClosedWith(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(c.close_reason()->text,
            "PRECONDITION_FAILED - delivery acknowledgement on channel 2 timed out. Timeout "
            "value used: 1800000 ms. This timeout value can be configured, see consumers doc "
            "guide to learn more");
  EXPECT_TRUE(h.conn.is_open());
  EXPECT_EQ(h.Ready("q"), 1u);  // requeued
}

TEST(ConsumerTimeout, DoesNotFireWhileDeliveriesAreAckedInTime) {
  BrokerHarness h({.consumer_timeout = absl::Minutes(1)});
  h.DeclareQueue("q");
  h.Consume("q", OnDelivery::kAck);
  for (int i = 0; i < 5; ++i) {
    h.Send("q", "m");
    h.RunFor(absl::Minutes(1));
  }
  EXPECT_TRUE(h.ch.is_open());
}

}  // namespace
}  // namespace warren::testing

namespace warren::testing {
namespace {

// The callback object must outlive its own run even when it removes its
// consumer; deliveries sent before the cancel still arrive (ASan checks the
// first half in CI).
TEST(Cancel, ACallbackMayCancelItsOwnConsumerAndEarlierDeliveriesStillArrive) {
  BrokerHarness h;
  h.DeclareQueue("q");
  for (const char* m : {"1", "2", "3"}) h.Send("q", m);
  std::vector<std::string> seen;
  std::string tag;
  auto consumed = h.ch.BasicConsume("q", [&](const Delivery& d) {
    seen.emplace_back(d.body());
    if (seen.size() == 1) ASSERT_THAT(h.ch.BasicCancel(tag), IsOk());
    ASSERT_THAT(h.ch.BasicAck(d.delivery_tag), IsOk());
  });
  ASSERT_THAT(consumed, IsOk());
  tag = *consumed;
  h.Settle();
  EXPECT_EQ(seen, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(h.sim.Queue("q")->ready, 0u);
}

TEST(Close, ACallbackMayCloseItsOwnChannelAndTheRestIsRequeued) {
  BrokerHarness h;
  h.DeclareQueue("q");
  Channel other = *h.conn.OpenChannel();
  for (const char* m : {"1", "2", "3"}) h.Send("q", m);
  std::vector<std::string> seen;
  ASSERT_THAT(other.BasicConsume("q", [&](const Delivery& d) {
    seen.emplace_back(d.body());
    ASSERT_THAT(other.Close(), IsOk());
  }), IsOk());
  h.Settle();
  EXPECT_EQ(seen, (std::vector<std::string>{"1"}));
  EXPECT_EQ(h.sim.Queue("q")->ready, 3u);
  EXPECT_THAT(h.sim.CheckInvariants(), IsOk());
}

// A callback that cancels its own consumer and then tries to run the
// simulation: the nested run is refused (time would move backwards when it
// returned), and the running closure survives until the callback returns
// (ASan checks the read); the outer run then delivers the rest.
TEST(Cancel, ACallbackThatCancelsItselfThenRunsTheSimulationKeepsItsClosure) {
  BrokerHarness h;
  h.DeclareQueue("q");
  for (const char* m : {"1", "2"}) h.Send("q", m);
  auto token = std::make_shared<std::string>("alive");
  std::weak_ptr<std::string> watch = token;
  std::string tag;
  std::vector<std::string> read_after_nested_run;
  auto consumed = h.ch.BasicConsume("q", [&, token = std::move(token)](const Delivery& d) {
    ASSERT_THAT(h.ch.BasicAck(d.delivery_tag), IsOk());
    if (d.body() != "1") return;
    ASSERT_THAT(h.ch.BasicCancel(tag), IsOk());
    EXPECT_THAT(h.sim.RunUntilIdle(), StatusIs(absl::StatusCode::kFailedPrecondition));
    read_after_nested_run.push_back(*token);
  });
  ASSERT_THAT(consumed, IsOk());
  tag = *consumed;
  h.Settle();
  EXPECT_EQ(read_after_nested_run, (std::vector<std::string>{"alive"}));
  EXPECT_TRUE(watch.expired());  // ... and is freed afterwards
}

// Closing a channel from inside another channel's callback frees the
// closed channel's consumers once that callback returns (they used to be
// kept until the broker died).
TEST(Close, ConsumersOfAChannelClosedInsideACallbackAreFreedAfterIt) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.DeclareQueue("trigger");
  Channel other = *h.conn.OpenChannel();
  auto token = std::make_shared<int>(1);
  std::weak_ptr<int> watch = token;
  ASSERT_THAT(other.BasicConsume("q", [token = std::move(token)](const Delivery&) {}), IsOk());
  ASSERT_THAT(h.ch.BasicConsume("trigger", [&](const Delivery& d) {
    ASSERT_THAT(other.Close(), IsOk());
    ASSERT_THAT(h.ch.BasicAck(d.delivery_tag), IsOk());
  }), IsOk());
  h.Send("trigger", "close it");
  h.Settle();
  EXPECT_FALSE(other.is_open());
  EXPECT_TRUE(watch.expired());
}

}  // namespace
}  // namespace warren::testing
