// Spec section 7: transactions.
#include "harness.h"

namespace warren::testing {
namespace {

TEST(Transactions, PublishesTakeEffectOnlyAtCommit) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.TxSelect(), IsOk());
  h.Send("q", "m");
  EXPECT_EQ(h.Ready("q"), 0u);
  ASSERT_THAT(h.ch.TxCommit(), IsOk());
  EXPECT_EQ(h.Ready("q"), 1u);
}

TEST(Transactions, RollbackDiscardsPublishesWithAStatedReason) {
  BrokerHarness h;
  h.DeclareQueue("q");
  ASSERT_THAT(h.ch.TxSelect(), IsOk());
  MessageId id = h.Send("q", "m");
  ASSERT_THAT(h.ch.TxRollback(), IsOk());
  ASSERT_THAT(h.ch.TxCommit(), IsOk());
  EXPECT_EQ(h.Ready("q"), 0u);
  EXPECT_THAT(h.sim.Fate(id).drops, ::testing::ElementsAre("transaction rolled back"));
}

TEST(Transactions, AcksTakeEffectAtCommitAndRollbackMakesTagsOutstandingAgain) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "m");
  ASSERT_THAT(h.ch.TxSelect(), IsOk());
  auto got = h.ch.BasicGet("q");
  ASSERT_THAT(h.ch.BasicAck((*got)->delivery_tag), IsOk());
  EXPECT_EQ(h.Unacked("q"), 1u);
  ASSERT_THAT(h.ch.TxRollback(), IsOk());
  ASSERT_THAT(h.ch.BasicAck((*got)->delivery_tag), IsOk());  // outstanding again
  ASSERT_THAT(h.ch.TxCommit(), IsOk());
  EXPECT_EQ(h.Unacked("q"), 0u);
  EXPECT_EQ(h.sim.counters().acked, 1u);
}

// Found by the broker-operations fuzzer (a commit then settled a tag that
// basic.recover had already requeued): rabbit_channel drops a tx-acked tag
// from its unacked queue at the basic.ack, so recover does not return it.
TEST(Transactions, RecoverLeavesDeliveriesAckedInsideTheTransactionToTheCommit) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "acked-in-tx");
  h.Send("q", "outstanding");
  ASSERT_THAT(h.ch.TxSelect(), IsOk());
  auto first = h.ch.BasicGet("q");
  auto second = h.ch.BasicGet("q");
  ASSERT_TRUE(first.ok() && first->has_value() && second.ok() && second->has_value());
  ASSERT_THAT(h.ch.BasicAck((*first)->delivery_tag), IsOk());
  ASSERT_THAT(h.ch.BasicRecover(true), IsOk());
  EXPECT_EQ(h.Ready("q"), 1u);    // only "outstanding" went back
  EXPECT_EQ(h.Unacked("q"), 1u);  // "acked-in-tx" waits for the commit
  ASSERT_THAT(h.ch.TxCommit(), IsOk());
  EXPECT_EQ(h.Unacked("q"), 0u);
  EXPECT_EQ(h.sim.counters().acked, 1u);
}

TEST(Transactions, ATagAckedInsideTheTransactionIsNoLongerOutstanding) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "m");
  ASSERT_THAT(h.ch.TxSelect(), IsOk());
  auto got = h.ch.BasicGet("q");
  ASSERT_THAT(h.ch.BasicAck((*got)->delivery_tag), IsOk());
  EXPECT_THAT(h.ch.BasicAck((*got)->delivery_tag), ReplyIs(ReplyCode::kPreconditionFailed));
}

TEST(Transactions, ModeConflictsAndCommitWithoutSelectAre406) {
  BrokerHarness h;
  ASSERT_THAT(h.ch.TxSelect(), IsOk());
  EXPECT_THAT(h.ch.ConfirmSelect(), ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text,
            "PRECONDITION_FAILED - cannot switch from tx to confirm mode");
  Channel c = h.NewChannel();
  ASSERT_THAT(c.ConfirmSelect(), IsOk());
  EXPECT_THAT(c.TxSelect(), ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(c.close_reason()->text, "PRECONDITION_FAILED - cannot switch from confirm to tx mode");
  Channel d = h.NewChannel();
  EXPECT_THAT(d.TxCommit(), ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(d.close_reason()->text, "PRECONDITION_FAILED - channel is not transactional");
}

TEST(Transactions, ClosingWithAnOpenTransactionRequeuesAndDropsItsPublishes) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "kept");
  Channel c = h.NewChannel();
  ASSERT_THAT(c.TxSelect(), IsOk());
  auto got = c.BasicGet("q");
  ASSERT_THAT(c.BasicAck((*got)->delivery_tag), IsOk());
  auto lost = c.BasicPublish({.routing_key = "q", .body = "never"});
  ASSERT_THAT(c.Close(), IsOk());
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"kept"}));
  EXPECT_THAT(h.sim.Fate(lost->message).drops,
              ::testing::ElementsAre("transaction not committed (channel closed)"));
}

}  // namespace
}  // namespace warren::testing

namespace warren::testing {
namespace {

TEST(Transactions, MandatoryReturnsHappenAtCommitWhenRoutingDoes) {
  BrokerHarness h;
  std::vector<std::string> returned;
  h.ch.OnReturn([&](const Return& r) { returned.push_back(r.routing_key); });
  ASSERT_THAT(h.ch.TxSelect(), IsOk());
  ASSERT_THAT(h.ch.BasicPublish({.routing_key = "late", .mandatory = true}), IsOk());
  h.DeclareQueue("late");  // exists by commit time: routed, not returned
  ASSERT_THAT(h.ch.BasicPublish({.routing_key = "nowhere", .mandatory = true}), IsOk());
  ASSERT_THAT(h.ch.TxCommit(), IsOk());
  h.Settle();
  EXPECT_EQ(returned, (std::vector<std::string>{"nowhere"}));
  EXPECT_EQ(h.Ready("late"), 1u);
}

TEST(Transactions, ACommitWhoseMessageAQueueRefusedFailsWithPartialTxCompletion) {
  BrokerHarness h;
  h.DeclareQueue("full", {{"x-max-length", I(0)}, {"x-overflow", S("reject-publish")}});
  ASSERT_THAT(h.ch.TxSelect(), IsOk());
  h.Send("full", "m");
  EXPECT_THAT(h.ch.TxCommit(), ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text, "PRECONDITION_FAILED - partial tx completion");
}

}  // namespace
}  // namespace warren::testing

namespace warren::testing {
namespace {

// rabbit_channel:evaluate_consumer_timeout looks at its unacked queue, which
// a basic.ack inside a transaction has already left.
TEST(Transactions, ADeliveryAckedInsideAnUncommittedTransactionDoesNotTimeOut) {
  BrokerHarness h({.consumer_timeout = absl::Seconds(1),
                   .channel_tick_interval = absl::Milliseconds(100)});
  h.DeclareQueue("q");
  h.Send("q", "m");
  ASSERT_THAT(h.ch.TxSelect(), IsOk());
  auto got = h.ch.BasicGet("q");
  ASSERT_TRUE(got.ok() && got->has_value());
  ASSERT_THAT(h.ch.BasicAck((*got)->delivery_tag), IsOk());
  ASSERT_THAT(h.sim.RunFor(absl::Seconds(5)), IsOk());
  EXPECT_TRUE(h.ch.is_open());
  ASSERT_THAT(h.ch.TxRollback(), IsOk());  // outstanding again: now it times out
  ASSERT_THAT(h.sim.RunFor(absl::Seconds(5)), IsOk());
  EXPECT_THAT(h.ch, ClosedWith(ReplyCode::kPreconditionFailed));
}

}  // namespace
}  // namespace warren::testing
