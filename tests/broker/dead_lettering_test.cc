// Spec section 4: dead-lettering through the broker, the seed's delay
// ladder, cycle detection and the seed's catch-all policy.
#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// The seed document's ladder: task_queue rejects into retry_exchange; the
// retry_Ns queues hold the message for their TTL and dead-letter it back to
// task_exchange; the final reject lands in dlq. The retry stage is chosen
// by rebinding retry_exchange between hops (the pure reject-chain variant).
class DelayLadder : public ::testing::Test {
 protected:
  void SetUp() override {
    h.DeclareExchange("task_exchange", "direct");
    h.DeclareExchange("retry_exchange", "direct");
    h.DeclareQueue("task_queue", {{"x-dead-letter-exchange", S("retry_exchange")}});
    h.Bind("task_queue", "task_exchange", "task");
    for (auto [name, ttl] : {std::pair{"retry_2s", 2000}, {"retry_4s", 4000}, {"retry_8s", 8000}}) {
      h.DeclareQueue(name, {{"x-message-ttl", I(ttl)},
                            {"x-dead-letter-exchange", S("task_exchange")}});
    }
    h.DeclareQueue("dlq");
  }
  void Route(std::string_view from, std::string_view to) {
    if (!from.empty()) ASSERT_THAT(h.ch.QueueUnbind(from, "retry_exchange", "task"), IsOk());
    h.Bind(to, "retry_exchange", "task");
  }
  BrokerHarness h;
};

TEST_F(DelayLadder, EachHopRewritesXDeathExactlyAsRabbitMq310Does) {
  Route("", "retry_2s");
  Recorder& worker = h.Consume("task_queue", OnDelivery::kReject);
  h.Publish("task_exchange", "task", "job");
  h.Flush();
  EXPECT_THAT(h.sim.Messages("retry_2s"), IsOkAndHolds(ElementsAre(HasXDeath({{"task_queue", "rejected", 1}}))));

  Route("retry_2s", "retry_4s");
  h.RunFor(absl::Seconds(2) - absl::Milliseconds(1));
  EXPECT_EQ(h.Ready("retry_2s"), 1u);
  h.RunFor(absl::Milliseconds(1));
  h.Flush();
  ASSERT_EQ(worker.deliveries.size(), 2u);
  EXPECT_THAT(worker.deliveries[1],
              HasXDeath({{"retry_2s", "expired", 1}, {"task_queue", "rejected", 1}}));
  EXPECT_THAT(h.sim.Messages("retry_4s"),
              IsOkAndHolds(ElementsAre(HasXDeath({{"task_queue", "rejected", 2}, {"retry_2s", "expired", 1}}))));

  Route("retry_4s", "retry_8s");
  h.RunFor(absl::Seconds(4));
  h.Flush();
  ASSERT_EQ(worker.deliveries.size(), 3u);
  EXPECT_THAT(worker.deliveries[2], HasXDeath({{"retry_4s", "expired", 1},
                                               {"retry_2s", "expired", 1},
                                               {"task_queue", "rejected", 2}}));

  Route("retry_8s", "dlq");
  h.RunFor(absl::Seconds(8));
  h.Flush();
  ASSERT_EQ(worker.deliveries.size(), 4u);
  EXPECT_THAT(worker.deliveries[3], HasXDeath({{"retry_8s", "expired", 1},
                                               {"retry_4s", "expired", 1},
                                               {"retry_2s", "expired", 1},
                                               {"task_queue", "rejected", 3}}));
  EXPECT_THAT(h.sim.Messages("dlq"), IsOkAndHolds(ElementsAre(HasXDeath({{"task_queue", "rejected", 4},
                                                             {"retry_2s", "expired", 1},
                                                             {"retry_4s", "expired", 1},
                                                             {"retry_8s", "expired", 1}}))));
  EXPECT_EQ(h.Ready("task_queue") + h.Ready("retry_2s") + h.Ready("retry_4s") +
                h.Ready("retry_8s"),
            0u);
}

TEST_F(DelayLadder, FirstDeathHeadersNameTheFirstRejectAndNeverChange) {
  Route("", "retry_2s");
  h.Consume("task_queue", OnDelivery::kReject);
  h.Publish("task_exchange", "task", "job");
  h.Flush();
  Route("retry_2s", "dlq");
  h.RunFor(absl::Seconds(2));
  h.Flush();
  WARREN_ASSERT_OK_AND_ASSIGN(auto dlq, h.sim.Messages("dlq"));
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_THAT(dlq[0], HasHeader("x-first-death-queue", S("task_queue")));
  EXPECT_THAT(dlq[0], HasHeader("x-first-death-reason", S("rejected")));
  EXPECT_THAT(dlq[0], HasHeader("x-first-death-exchange", S("task_exchange")));
  // The x-death entry's exchange is the exchange the message was last
  // published to: the DLX on later deaths.
  const FieldTable& newest =
      dlq[0].properties().headers->Find("x-death")->as_array()[0].as_table();
  EXPECT_EQ(*newest.Find("exchange"), S("task_exchange"));
  EXPECT_EQ(dlq[0].message->exchange(), "retry_exchange");
}

TEST(DeadLettering, RejectWithoutDlxDiscardsTheMessage) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Consume("q", OnDelivery::kReject);
  MessageId id = h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(h.sim.Fate(id).copies[0].reason, "rejected (no dead-letter exchange)");
}

TEST(DeadLettering, MissingDlxDropsSilentlyAndKeepsTheChannelOpen) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-dead-letter-exchange", S("does-not-exist")}});
  h.Consume("q", OnDelivery::kReject);
  MessageId id = h.Send("q", "m");
  h.Settle();
  EXPECT_TRUE(h.ch.is_open());
  EXPECT_THAT(h.sim.Fate(id).drops,
              ElementsAre("dead-letter exchange 'does-not-exist' does not exist"));
}

TEST(DeadLettering, NackMultipleDeadLettersEveryCoveredTag) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  h.DeclareQueue("q", {{"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("dead")}});
  for (const char* b : {"a", "b", "c"}) h.Send("q", b);
  for (int i = 0; i < 3; ++i) ASSERT_THAT(h.ch.BasicGet("q"), IsOk());
  ASSERT_THAT(h.ch.BasicNack(DeliveryTag{2}, /*multiple=*/true, /*requeue=*/false), IsOk());
  EXPECT_EQ(h.Bodies("dead"), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(h.Unacked("q"), 1u);
}

TEST(DeadLettering, WithoutRoutingKeyTheCopyIsRoutedByPublishCcAndBccKeys) {
  BrokerHarness h;
  h.DeclareExchange("src", "direct");
  h.DeclareExchange("dlx", "direct");
  h.DeclareQueue("q", {{"x-dead-letter-exchange", S("dlx")}});
  h.Bind("q", "src", "k");
  for (const char* name : {"by-key", "by-cc", "by-bcc"}) h.DeclareQueue(name);
  h.Bind("by-key", "dlx", "k");
  h.Bind("by-cc", "dlx", "cc1");
  h.Bind("by-bcc", "dlx", "bcc1");
  h.Publish("src", "k", "m",
            WithHeaders({{"CC", FieldValue::Array({S("cc1")})},
                         {"BCC", FieldValue::Array({S("bcc1")})}}));
  h.Consume("q", OnDelivery::kReject);
  h.Settle();
  EXPECT_EQ(h.Ready("by-key"), 1u);
  EXPECT_EQ(h.Ready("by-cc"), 1u);
  EXPECT_EQ(h.Ready("by-bcc"), 1u);
  WARREN_ASSERT_OK_AND_ASSIGN(auto copy, h.sim.Messages("by-key"));
  EXPECT_TRUE(copy[0].properties().headers->Contains("CC"));
  EXPECT_FALSE(copy[0].properties().headers->Contains("BCC"));
  // x-death routing-keys: the publish key then CC keys, never BCC.
  const FieldTable& entry = copy[0].properties().headers->Find("x-death")->as_array()[0].as_table();
  EXPECT_EQ(*entry.Find("routing-keys"), FieldValue::Array({S("k"), S("cc1")}));
}

TEST(DeadLettering, WithRoutingKeyOnlyThatKeyRoutesAndCcHeaderIsRemoved) {
  BrokerHarness h;
  h.DeclareExchange("dlx", "direct");
  h.DeclareQueue("q", {{"x-dead-letter-exchange", S("dlx")},
                       {"x-dead-letter-routing-key", S("dead")}});
  h.DeclareQueue("dead");
  h.DeclareQueue("by-cc");
  h.Bind("dead", "dlx", "dead");
  h.Bind("by-cc", "dlx", "cc1");
  h.Send("q", "m", WithHeaders({{"CC", FieldValue::Array({S("cc1")})}}));
  h.Consume("q", OnDelivery::kReject);
  h.Settle();
  EXPECT_EQ(h.Ready("dead"), 1u);
  EXPECT_EQ(h.Ready("by-cc"), 0u);
  EXPECT_FALSE((*h.sim.Messages("dead"))[0].properties().headers->Contains("CC"));
}

TEST(DeadLetterCycles, ExpiryBackIntoTheSameQueueIsDroppedAfterTheFirstExpiry) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)},
                       {"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("q")}});
  MessageId id = h.Send("q", "m");
  h.RunFor(absl::Seconds(1));
  EXPECT_EQ(h.Ready("q"), 0u);
  EXPECT_THAT(h.sim.Fate(id).drops, ElementsAre("dead-letter cycle"));
}

TEST(DeadLetterCycles, TwoQueueExpiryCycleReachesTheSecondQueueThenDrops) {
  BrokerHarness h;
  h.DeclareQueue("a", {{"x-message-ttl", I(1000)},
                       {"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("b")}});
  h.DeclareQueue("b", {{"x-message-ttl", I(1000)},
                       {"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("a")}});
  MessageId id = h.Send("a", "m");
  h.RunFor(absl::Seconds(1));
  EXPECT_EQ(h.Ready("b"), 1u);
  h.RunFor(absl::Seconds(1));
  EXPECT_EQ(h.Ready("a") + h.Ready("b"), 0u);
  EXPECT_THAT(h.sim.Fate(id).drops, ElementsAre("dead-letter cycle"));
}

TEST(DeadLetterCycles, MaxLengthDeadLetteringToItselfIsDropped) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-max-length", I(1)},
                       {"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("q")}});
  MessageId first = h.Send("q", "1");
  h.Send("q", "2");
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"2"}));
  EXPECT_THAT(h.sim.Fate(first).drops, ElementsAre("dead-letter cycle"));
}

TEST(DeadLetterCycles, RejectLoopsNeverDropAndTheCountKeepsGrowing) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-dead-letter-exchange", S("")}, {"x-dead-letter-routing-key", S("q")}});
  h.Send("q", "m");
  for (int i = 1; i <= 5; ++i) {
    auto got = h.ch.BasicGet("q");
    ASSERT_THAT(got, IsOk());
    ASSERT_TRUE(got->has_value());
    ASSERT_THAT(h.ch.BasicReject((*got)->delivery_tag, false), IsOk());
    EXPECT_THAT(h.sim.Messages("q"), IsOkAndHolds(ElementsAre(HasXDeath({{"q", "rejected", i}}))));
  }
}

// Spec section 6: rabbitmqctl set_policy retry ".*"
//   '{"dead-letter-exchange":"delayed_retry","message-ttl":2000}' --apply-to queues
class SeedCatchAllPolicy : public ::testing::Test {
 protected:
  void SetUp() override {
    h.DeclareExchange("delayed_retry", "fanout");
    ASSERT_THAT(h.sim.SetPolicy({.name = "retry", .pattern = ".*",
                                 .definition = {{"dead-letter-exchange", S("delayed_retry")},
                                                {"message-ttl", I(2000)}},
                                 .apply_to = PolicyApplyTo::kQueues}),
                IsOk());
    h.DeclareQueue("task_queue");
  }
  BrokerHarness h;
};

TEST_F(SeedCatchAllPolicy, AMessageHopsToTheRetryQueueOnceThenIsDroppedAsAnExpiryCycle) {
  h.DeclareQueue("retry");
  h.Bind("retry", "delayed_retry");
  EXPECT_EQ(h.sim.Queue("retry")->policy, "retry");  // the retry queue too
  MessageId id = h.Send("task_queue", "job");
  h.RunFor(absl::Seconds(2));
  EXPECT_EQ(h.Ready("retry"), 1u);
  h.RunFor(absl::Seconds(2));
  EXPECT_EQ(h.Ready("retry") + h.Ready("task_queue"), 0u);
  EXPECT_THAT(h.sim.Fate(id).drops, ElementsAre("dead-letter cycle"));
}

TEST_F(SeedCatchAllPolicy, ARejectedMessageNeverReturnsToTheWorkQueue) {
  h.DeclareQueue("retry");
  h.Bind("retry", "delayed_retry");
  Recorder& worker = h.Consume("task_queue", OnDelivery::kReject);
  MessageId id = h.Send("task_queue", "job");
  h.Flush();
  EXPECT_EQ(h.Ready("retry"), 1u);
  h.RunFor(absl::Seconds(10));
  EXPECT_EQ(worker.deliveries.size(), 1u);
  EXPECT_THAT(h.sim.Fate(id).drops, ElementsAre("dead-letter cycle"));
}

TEST_F(SeedCatchAllPolicy, WhenTheDlxRoutesStraightBackAnUnconsumedMessageIsDropped) {
  h.Bind("task_queue", "delayed_retry");
  MessageId id = h.Send("task_queue", "job");
  h.RunFor(absl::Seconds(2));
  EXPECT_EQ(h.Ready("task_queue"), 0u);
  EXPECT_THAT(h.sim.Fate(id).drops, ElementsAre("dead-letter cycle"));
}

TEST(DeadLettering, QueueDeletionDiscardsMessagesWithoutDeadLettering) {
  BrokerHarness h;
  h.DeclareQueue("dead");
  h.DeclareQueue("q", {{"x-dead-letter-exchange", S("")}, {"x-dead-letter-routing-key", S("dead")}});
  h.Send("q", "m");
  auto deleted = h.ch.QueueDelete("q");
  ASSERT_THAT(deleted, IsOk());
  EXPECT_EQ(*deleted, 1u);
  EXPECT_THAT(h.Bodies("dead"), IsEmpty());
}

}  // namespace
}  // namespace warren::testing
