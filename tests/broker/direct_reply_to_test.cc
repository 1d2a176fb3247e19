// Direct reply-to (amq.rabbitmq.reply-to), probed against RabbitMQ 3.10.8:
// the requester consumes the pseudo-queue with no_ack, its requests carry a
// reply name of its own, and replies reach it without any queue.
#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

struct Rpc {
  BrokerHarness h;
  Channel client = h.NewChannel();
  Channel server = h.NewChannel();
  std::vector<Delivery> replies;
  std::string reply_to;  // what the request carried

  Rpc() {
    h.DeclareQueue("rpc");
    EXPECT_THAT(client.BasicConsume("amq.rabbitmq.reply-to",
                                    [this](const Delivery& d) { replies.push_back(d); },
                                    {.consumer_tag = "replies", .no_ack = true}),
                IsOk());
    EXPECT_THAT(server.BasicConsume("rpc", [this](const Delivery& d) {
      reply_to = *d.properties().reply_to;
      EXPECT_THAT(server.BasicPublish({.routing_key = reply_to, .body = "pong"}), IsOk());
      EXPECT_THAT(server.BasicAck(d.delivery_tag), IsOk());
    }), IsOk());
  }
  void Request() {
    BasicProperties p;
    p.reply_to = "amq.rabbitmq.reply-to";
    EXPECT_THAT(client.BasicPublish({.routing_key = "rpc", .properties = p, .body = "ping"}),
                IsOk());
  }
};

TEST(DirectReplyTo, AReplyReachesTheRequesterWithoutAQueueAndIsAccountedAsAcked) {
  Rpc rpc;
  rpc.Request();
  rpc.h.Settle();
  EXPECT_THAT(rpc.reply_to, StartsWith("amq.rabbitmq.reply-to."));
  ASSERT_EQ(rpc.replies.size(), 1u);
  const Delivery& d = rpc.replies[0];
  EXPECT_EQ(d.body(), "pong");
  EXPECT_EQ(d.consumer_tag, "replies");
  EXPECT_EQ(d.exchange(), "");
  EXPECT_EQ(d.routing_key(), rpc.reply_to);
  EXPECT_FALSE(d.redelivered);
  EXPECT_FALSE(rpc.h.sim.Queue(rpc.reply_to).ok());  // no queue exists
  Counters c = rpc.h.sim.counters();
  EXPECT_EQ(c.published, 2u);
  EXPECT_EQ(c.acked, 2u);  // the request by the server, the reply by no-ack
  EXPECT_EQ(c.unroutable, 0u);
}

TEST(DirectReplyTo, RepliesShowTheChannelsNextDeliveryTagWithoutTakingIt) {
  Rpc rpc;
  rpc.Request();
  rpc.Request();
  rpc.h.Settle();
  ASSERT_EQ(rpc.replies.size(), 2u);
  EXPECT_EQ(rpc.replies[0].delivery_tag, rpc.replies[1].delivery_tag);
  EXPECT_EQ(rpc.replies[0].delivery_tag.value, 1u);
}

TEST(DirectReplyTo, TheReplyConsumerMustNotAcknowledgeAndIsOnePerChannel) {
  BrokerHarness h;
  Channel ch = h.NewChannel();
  absl::StatusOr<std::string> acking =
      ch.BasicConsume("amq.rabbitmq.reply-to", [](const Delivery&) {});
  EXPECT_THAT(acking.status().message(),
              HasSubstr("406 PRECONDITION_FAILED - reply consumer cannot acknowledge"));
  Channel again = h.NewChannel();
  ASSERT_THAT(again.BasicConsume("amq.rabbitmq.reply-to", [](const Delivery&) {},
                                 {.no_ack = true}),
              IsOk());
  absl::StatusOr<std::string> twice =
      again.BasicConsume("amq.rabbitmq.reply-to", [](const Delivery&) {}, {.no_ack = true});
  EXPECT_THAT(twice.status().message(), HasSubstr("reply consumer already set"));
}

TEST(DirectReplyTo, ARequestNeedsAReplyConsumerOnItsOwnChannel) {
  BrokerHarness h;
  h.DeclareQueue("rpc");
  BasicProperties p;
  p.reply_to = "amq.rabbitmq.reply-to";
  absl::Status s = h.ch.BasicPublish({.routing_key = "rpc", .properties = p}).status();
  EXPECT_THAT(std::string(s.message()),
              HasSubstr("406 PRECONDITION_FAILED - fast reply consumer does not exist"));
  EXPECT_FALSE(h.ch.is_open());
}

TEST(DirectReplyTo, AMandatoryReplyIsDeliveredAndAlsoReturned) {
  Rpc rpc;
  rpc.Request();
  rpc.h.Settle();
  std::vector<Return> returns;
  rpc.server.OnReturn([&](const Return& r) { returns.push_back(r); });
  ASSERT_THAT(rpc.server.BasicPublish({.routing_key = rpc.reply_to, .body = "again",
                                       .mandatory = true}),
              IsOk());
  rpc.h.Settle();
  EXPECT_EQ(rpc.replies.size(), 2u);
  ASSERT_EQ(returns.size(), 1u);
  EXPECT_EQ(returns[0].reply_code, 312);
}

TEST(DirectReplyTo, AReplyToAConsumerThatIsGoneIsDroppedAsUnroutable) {
  Rpc rpc;
  rpc.Request();
  rpc.h.Settle();
  ASSERT_THAT(rpc.client.BasicCancel("replies"), IsOk());
  ASSERT_THAT(rpc.server.BasicPublish({.routing_key = rpc.reply_to, .body = "late"}), IsOk());
  rpc.h.Settle();
  EXPECT_EQ(rpc.replies.size(), 1u);
  EXPECT_EQ(rpc.h.sim.counters().unroutable, 1u);
}

TEST(DirectReplyTo, DeclaringThePseudoQueueAlwaysShowsOneConsumerAndTheOwnNameFromItsChannelIs541) {
  Rpc rpc;
  absl::StatusOr<QueueDeclareOk> base =
      rpc.h.ch.QueueDeclare("amq.rabbitmq.reply-to", {.passive = true});
  ASSERT_THAT(base, IsOk());
  EXPECT_EQ(base->consumer_count, 1u);
  rpc.Request();
  rpc.h.Settle();
  absl::StatusOr<QueueDeclareOk> other = rpc.server.QueueDeclare(rpc.reply_to, {.passive = true});
  ASSERT_THAT(other, IsOk());
  EXPECT_EQ(other->message_count, 0u);
  EXPECT_EQ(other->consumer_count, 1u);
  absl::Status own = rpc.client.QueueDeclare(rpc.reply_to, {.passive = true}).status();
  EXPECT_EQ(ReplyCodeOf(own), 541);
  EXPECT_EQ(own.message(), "541 INTERNAL_ERROR");  // the bare name, as RabbitMQ sends it
  EXPECT_FALSE(rpc.h.conn.is_open());  // a hard error: the connection goes
}

TEST(DirectReplyTo, AReplyNameIsABase64PidTermAndA16ByteKeyAsInRabbitMQ) {
  Rpc rpc;
  rpc.Request();
  rpc.h.Settle();
  const std::string_view rest = std::string_view(rpc.reply_to).substr(22);
  const size_t dot = rest.find('.');
  ASSERT_NE(dot, std::string_view::npos);
  EXPECT_EQ(dot, 40u);  // 30 bytes of term_to_binary(pid), as 3.10.8 shows it
  EXPECT_EQ(rest.size() - dot - 1, 24u);
  EXPECT_EQ(rest.substr(rest.size() - 2), "==");
  for (char c : rest) EXPECT_TRUE(isalnum(c) || c == '+' || c == '/' || c == '=' || c == '.') << c;
}

TEST(DirectReplyTo, AReplyNameWhosePidDoesNotDecodeCrashesTheChannelAndClosesTheConnection) {
  Rpc rpc;
  Connection other = rpc.h.sim.Connect("other");
  Channel declarer = *other.OpenChannel();
  absl::Status declared =
      declarer.QueueDeclare("amq.rabbitmq.reply-to.nonsense.xyz", {.passive = true}).status();
  EXPECT_EQ(ReplyCodeOf(declared), 541);
  EXPECT_FALSE(other.is_open());

  const Counters before = rpc.h.sim.counters();
  absl::Status published =
      rpc.server
          .BasicPublish({.routing_key = "amq.rabbitmq.reply-to.nonsense.xyz", .body = "x",
                         .mandatory = true})
          .status();
  EXPECT_EQ(ReplyCodeOf(published), 541);
  EXPECT_EQ(published.message(), "541 INTERNAL_ERROR");
  EXPECT_FALSE(rpc.h.conn.is_open());
  EXPECT_EQ(rpc.h.sim.counters().published, before.published);  // nothing to account for
  EXPECT_THAT(rpc.h.sim.CheckInvariants(), IsOk());
}

TEST(DirectReplyTo, AWellFormedNameOfAChannelThatIsGoneIsNotFound) {
  Rpc rpc;
  rpc.Request();
  rpc.h.Settle();
  ASSERT_THAT(rpc.client.Close(), IsOk());
  absl::Status s = rpc.server.QueueDeclare(rpc.reply_to, {.passive = true}).status();
  EXPECT_EQ(ReplyCodeOf(s), 404);
}

}  // namespace
}  // namespace warren::testing
