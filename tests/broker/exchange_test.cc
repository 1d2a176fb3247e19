// Spec section 1: exchange declaration and the routing pipeline.
#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(ExchangeDeclare, NewAmqPrefixedExchangeIsRefusedWith403) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.ExchangeDeclare("amq.x"), ReplyIs(ReplyCode::kAccessRefused));
  EXPECT_THAT(h.ch, ClosedWith(ReplyCode::kAccessRefused));
  EXPECT_EQ(h.ch.close_reason()->text,
            "ACCESS_REFUSED - exchange name 'amq.x' contains reserved prefix 'amq.*'");
}

TEST(ExchangeDeclare, RedeclaringAnExistingAmqExchangeWithSamePropertiesIsOk) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.ExchangeDeclare("amq.direct", {.type = "direct", .durable = true}), IsOk());
}

TEST(ExchangeDeclare, DefaultExchangeOperationsAreRefused) {
  BrokerHarness h;
  h.DeclareQueue("q");
  EXPECT_THAT(h.ch.QueueBind("q", "", "q"), ReplyIs(ReplyCode::kAccessRefused));
  EXPECT_EQ(h.ch.close_reason()->text,
            "ACCESS_REFUSED - operation not permitted on the default exchange");
}

TEST(ExchangeDeclare, UnknownTypeIsAConnectionError503ClosingEveryChannel) {
  BrokerHarness h;
  Channel other = h.NewChannel();
  EXPECT_THAT(h.ch.ExchangeDeclare("x", {.type = "nosuchtype"}),
              ReplyIs(ReplyCode::kCommandInvalid));
  EXPECT_FALSE(h.conn.is_open());
  EXPECT_FALSE(other.is_open());
  EXPECT_EQ(h.conn.close_reason()->text, "COMMAND_INVALID - unknown exchange type 'nosuchtype'");
}

TEST(ExchangeDeclare, RedeclareWithAnotherTypeIs406WithRabbitMqText) {
  BrokerHarness h;
  h.DeclareExchange("x", "direct");
  EXPECT_THAT(h.ch.ExchangeDeclare("x", {.type = "fanout"}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text,
            "PRECONDITION_FAILED - inequivalent arg 'type' for exchange 'x' in vhost '/': "
            "received 'fanout' but current is 'direct'");
}

TEST(ExchangeDeclare, OnlyAlternateExchangeArgumentIsCompared) {
  BrokerHarness h;
  h.DeclareExchange("x", "direct", {{"x-foo", I(1)}, {"alternate-exchange", S("ae")}});
  EXPECT_THAT(h.ch.ExchangeDeclare("x", {.arguments = {{"x-foo", I(2)},
                                                       {"alternate-exchange", S("ae")}}}),
              IsOk());
  EXPECT_THAT(h.ch.ExchangeDeclare("x", {.arguments = {{"x-foo", I(2)}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
}

TEST(ExchangeDeclare, PassiveDeclareOfAMissingExchangeIs404) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.ExchangeDeclare("nope", {.passive = true}), ReplyIs(ReplyCode::kNotFound));
  EXPECT_EQ(h.ch.close_reason()->text, "NOT_FOUND - no exchange 'nope' in vhost '/'");
}

TEST(ExchangeDelete, MissingExchangeIsNotAnErrorButIfUnusedWithBindingsIs406) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.ExchangeDelete("nope"), IsOk());
  h.DeclareExchange("x");
  h.DeclareQueue("q");
  h.Bind("q", "x", "k");
  EXPECT_THAT(h.ch.ExchangeDelete("x", /*if_unused=*/true),
              ReplyIs(ReplyCode::kPreconditionFailed));
}

TEST(ExchangeDelete, SystemExchangesCannotBeDeleted) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.ExchangeDelete("amq.direct"), ReplyIs(ReplyCode::kAccessRefused));
}

TEST(AutoDeleteExchange, NeverBoundLivesForeverAndLastUnbindDeletesIt) {
  BrokerHarness h;
  ASSERT_THAT(h.ch.ExchangeDeclare("x", {.auto_delete = true}), IsOk());
  h.DeclareQueue("q");
  h.Bind("q", "x", "k");
  ASSERT_THAT(h.ch.QueueUnbind("q", "x", "k"), IsOk());
  EXPECT_THAT(h.ch.ExchangeDeclare("x", {.passive = true}), ReplyIs(ReplyCode::kNotFound));
}

TEST(AutoDeleteExchange, DeletingTheLastBoundQueueDeletesIt) {
  BrokerHarness h;
  ASSERT_THAT(h.ch.ExchangeDeclare("x", {.auto_delete = true}), IsOk());
  h.DeclareQueue("q");
  h.Bind("q", "x", "k");
  ASSERT_THAT(h.ch.QueueDelete("q"), IsOk());
  EXPECT_THAT(h.ch.ExchangeDeclare("x", {.passive = true}), ReplyIs(ReplyCode::kNotFound));
}

TEST(Binding, BindingToMissingQueueOrExchangeIs404AndUnbindingNothingIsOk) {
  BrokerHarness h;
  h.DeclareExchange("x");
  EXPECT_THAT(h.ch.QueueUnbind("q", "x", "k"), IsOk());
  EXPECT_THAT(h.ch.QueueBind("q", "x", "k"), ReplyIs(ReplyCode::kNotFound));
  Channel c2 = h.NewChannel();
  ASSERT_THAT(c2.QueueDeclare("q"), IsOk());
  EXPECT_THAT(c2.QueueBind("q", "nope", "k"), ReplyIs(ReplyCode::kNotFound));
}

TEST(Routing, DirectIsExactAndCaseSensitive) {
  BrokerHarness h;
  h.DeclareExchange("x", "direct");
  h.DeclareQueue("q1");
  h.DeclareQueue("q2");
  h.Bind("q1", "x", "Key");
  h.Bind("q2", "x", "a*");
  h.Publish("x", "Key", "1");
  h.Publish("x", "key", "2");
  h.Publish("x", "ab", "3");
  h.Publish("x", "a*", "4");
  EXPECT_EQ(h.Bodies("q1"), (std::vector<std::string>{"1"}));
  EXPECT_EQ(h.Bodies("q2"), (std::vector<std::string>{"4"}));
}

TEST(Routing, AQueueGetsOneCopyPerPublishHoweverManyBindingsMatch) {
  BrokerHarness h;
  h.DeclareExchange("t", "topic");
  h.DeclareQueue("q");
  h.Bind("q", "t", "a.*");
  h.Bind("q", "t", "#");
  h.Bind("q", "t", "a.b");
  h.Publish("t", "a.b", "m", WithHeaders({{"CC", FieldValue::Array({S("a.c")})}}));
  EXPECT_EQ(h.Ready("q"), 1u);
}

TEST(Routing, CcAndBccAddRoutingKeysAndBccIsStrippedOnDelivery) {
  BrokerHarness h;
  h.DeclareQueue("main");
  h.DeclareQueue("cc");
  h.DeclareQueue("bcc");
  h.Send("main", "m", WithHeaders({{"CC", FieldValue::Array({S("cc"), I(7)})},
                                   {"BCC", FieldValue::Array({S("bcc")})}}));
  EXPECT_EQ(h.Ready("main") + h.Ready("cc") + h.Ready("bcc"), 3u);
  WARREN_ASSERT_OK_AND_ASSIGN(auto copy, h.sim.Messages("bcc"));
  ASSERT_EQ(copy.size(), 1u);
  EXPECT_EQ(copy[0].message->routing_key(), "main");  // the publish key
  EXPECT_TRUE(copy[0].properties().headers->Contains("CC"));
  EXPECT_FALSE(copy[0].properties().headers->Contains("BCC"));
}

TEST(Routing, CcHeaderThatIsNotAnArrayIs406) {
  BrokerHarness h;
  auto r = h.ch.BasicPublish({.routing_key = "q",
                              .properties = WithHeaders({{"CC", S("q2")}})});
  EXPECT_THAT(r, ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text,
            "PRECONDITION_FAILED - invalid message: {unacceptable_type_in_header,\"CC\",longstr}");
}

TEST(AlternateExchange, IsUsedOnlyWhenTheExchangesOwnBindingsMatchNothing) {
  BrokerHarness h;
  h.DeclareExchange("ae", "fanout");
  h.DeclareQueue("unrouted");
  h.Bind("unrouted", "ae");
  h.DeclareExchange("x", "direct", {{"alternate-exchange", S("ae")}});
  h.DeclareExchange("y", "direct");
  ASSERT_THAT(h.ch.ExchangeBind("y", "x", "to-y"), IsOk());
  h.Publish("x", "to-y", "dropped by y");  // x matched y; y drops it; no AE
  h.Publish("x", "other", "to ae");
  EXPECT_EQ(h.Bodies("unrouted"), (std::vector<std::string>{"to ae"}));
}

TEST(AlternateExchange, DeliveryKeepsTheOriginalExchangeAndRoutingKey) {
  BrokerHarness h;
  h.DeclareExchange("ae", "fanout");
  h.DeclareQueue("unrouted");
  h.Bind("unrouted", "ae");
  h.DeclareExchange("x", "direct", {{"alternate-exchange", S("ae")}});
  h.Publish("x", "k", "m");
  WARREN_ASSERT_OK_AND_ASSIGN(auto got, h.sim.Messages("unrouted"));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].message->exchange(), "x");
  EXPECT_EQ(got[0].message->routing_key(), "k");
}

TEST(AlternateExchange, ChainsAreFollowedAndCyclesEndUnroutable) {
  BrokerHarness h;
  h.DeclareExchange("ae2", "fanout");
  h.DeclareQueue("end");
  h.Bind("end", "ae2");
  h.DeclareExchange("ae1", "direct", {{"alternate-exchange", S("ae2")}});
  h.DeclareExchange("x", "direct", {{"alternate-exchange", S("ae1")}});
  h.Publish("x", "k", "m");
  EXPECT_EQ(h.Ready("end"), 1u);

  h.DeclareExchange("c1", "direct", {{"alternate-exchange", S("c2")}});
  h.DeclareExchange("c2", "direct", {{"alternate-exchange", S("c1")}});
  MessageId id = h.Publish("c1", "k", "m");
  EXPECT_THAT(h.sim.Fate(id).drops, ElementsAre("unroutable"));
}

TEST(AlternateExchange, PolicyProvidesItButTheArgumentWins) {
  BrokerHarness h;
  h.DeclareExchange("ae-arg", "fanout");
  h.DeclareExchange("ae-pol", "fanout");
  h.DeclareQueue("arg");
  h.DeclareQueue("pol");
  h.Bind("arg", "ae-arg");
  h.Bind("pol", "ae-pol");
  h.DeclareExchange("x", "direct", {{"alternate-exchange", S("ae-arg")}});
  h.DeclareExchange("y", "direct");
  ASSERT_THAT(h.sim.SetPolicy({.name = "ae", .pattern = "^[xy]$",
                               .definition = {{"alternate-exchange", S("ae-pol")}}}),
              IsOk());
  h.Publish("x", "k", "1");
  h.Publish("y", "k", "2");
  EXPECT_EQ(h.Bodies("arg"), (std::vector<std::string>{"1"}));
  EXPECT_EQ(h.Bodies("pol"), (std::vector<std::string>{"2"}));
}

TEST(AlternateExchange, DefaultExchangeNeverUsesOne) {
  BrokerHarness h;
  h.DeclareExchange("ae", "fanout");
  h.DeclareQueue("unrouted");
  h.Bind("unrouted", "ae");
  ASSERT_THAT(h.sim.SetPolicy({.name = "ae", .pattern = ".*",
                               .definition = {{"alternate-exchange", S("ae")}},
                               .apply_to = PolicyApplyTo::kExchanges}),
              IsOk());
  h.Send("nope", "m");
  EXPECT_EQ(h.Ready("unrouted"), 0u);
}

TEST(AlternateExchange, ArgumentOfWrongTypeIs406) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.ExchangeDeclare("x", {.arguments = {{"alternate-exchange", I(1)}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text,
            "PRECONDITION_FAILED - invalid type 'signedint' for arg 'alternate-exchange' in "
            "exchange 'x' in vhost '/'");
}

TEST(InternalExchange, CannotBePublishedToButIsReachableByE2eAndAsAe) {
  BrokerHarness h;
  ASSERT_THAT(h.ch.ExchangeDeclare("int", {.type = "fanout", .internal = true}), IsOk());
  h.DeclareQueue("q");
  h.Bind("q", "int");
  h.DeclareExchange("front", "fanout");
  ASSERT_THAT(h.ch.ExchangeBind("int", "front", ""), IsOk());
  h.DeclareExchange("x", "direct", {{"alternate-exchange", S("int")}});
  h.Publish("front", "", "via e2e");
  h.Publish("x", "k", "via ae");
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"via e2e", "via ae"}));
  EXPECT_THAT(h.ch.BasicPublish({.exchange = "int"}), ReplyIs(ReplyCode::kAccessRefused));
  EXPECT_EQ(h.ch.close_reason()->text,
            "ACCESS_REFUSED - cannot publish to internal exchange 'int' in vhost '/'");
}

TEST(ExchangeToExchange, CyclesAndDiamondsDeliverOneCopy) {
  BrokerHarness h;
  for (const char* x : {"a", "b", "c", "d"}) h.DeclareExchange(x, "fanout");
  ASSERT_THAT(h.ch.ExchangeBind("b", "a", ""), IsOk());
  ASSERT_THAT(h.ch.ExchangeBind("c", "a", ""), IsOk());
  ASSERT_THAT(h.ch.ExchangeBind("d", "b", ""), IsOk());
  ASSERT_THAT(h.ch.ExchangeBind("d", "c", ""), IsOk());
  ASSERT_THAT(h.ch.ExchangeBind("a", "d", ""), IsOk());  // cycle
  ASSERT_THAT(h.ch.ExchangeBind("a", "a", ""), IsOk());  // self
  h.DeclareQueue("q");
  h.Bind("q", "d");
  h.Publish("a", "", "m");
  EXPECT_EQ(h.Ready("q"), 1u);
  ASSERT_THAT(h.ch.ExchangeDelete("b"), IsOk());
  h.Publish("a", "", "m2");
  EXPECT_EQ(h.Ready("q"), 2u);
}

TEST(Publish, ToAMissingExchangeIs404AndClosesTheChannel) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.BasicPublish({.exchange = "nope"}), ReplyIs(ReplyCode::kNotFound));
  EXPECT_THAT(h.ch, ClosedWith(ReplyCode::kNotFound));
  EXPECT_EQ(h.ch.close_reason()->text, "NOT_FOUND - no exchange 'nope' in vhost '/'");
  EXPECT_TRUE(h.conn.is_open());
}

TEST(Publish, ImmediateIsAConnectionError540) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.BasicPublish({.routing_key = "q", .immediate = true}),
              ReplyIs(ReplyCode::kNotImplemented));
  EXPECT_FALSE(h.conn.is_open());
}

TEST(Publish, MandatoryUnroutableIsReturnedWith312AndTheChannelStaysOpen) {
  BrokerHarness h;
  std::vector<Return> returns;
  h.ch.OnReturn([&](const Return& r) { returns.push_back(r); });
  ASSERT_THAT(h.ch.BasicPublish({.routing_key = "nowhere", .body = "m", .mandatory = true}),
              IsOk());
  EXPECT_THAT(returns, IsEmpty());  // only from Run*
  h.Settle();
  ASSERT_EQ(returns.size(), 1u);
  EXPECT_EQ(returns[0].reply_code, 312);
  EXPECT_EQ(returns[0].reply_text, "NO_ROUTE");
  EXPECT_EQ(returns[0].routing_key, "nowhere");
  EXPECT_TRUE(h.ch.is_open());
}

TEST(Publish, NonMandatoryUnroutableIsDroppedWithAStatedReason) {
  BrokerHarness h;
  MessageId id = h.Send("nowhere", "m");
  EXPECT_THAT(h.sim.Fate(id).drops, ElementsAre("unroutable"));
  EXPECT_EQ(h.sim.counters().unroutable, 1u);
}

TEST(Publish, DeliveryModeOtherThanOneOrTwoIs406) {
  BrokerHarness h;
  BasicProperties p;
  p.delivery_mode = 3;
  EXPECT_THAT(h.ch.BasicPublish({.routing_key = "q", .properties = p}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text,
            "PRECONDITION_FAILED - invalid message: {delivery_mode_unknown,3}");
}

TEST(Publish, UserIdMustMatchTheAuthenticatedUser) {
  BrokerHarness h;
  BasicProperties p;
  p.user_id = "someone";
  EXPECT_THAT(h.ch.BasicPublish({.routing_key = "q", .properties = p}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(h.ch.close_reason()->text,
            "PRECONDITION_FAILED - user_id property set to 'someone' but authenticated user "
            "was 'guest'");
}

TEST(Publish, PropertiesRoundTripUnchanged) {
  BrokerHarness h;
  h.DeclareQueue("q");
  BasicProperties p;
  p.content_type = "application/json";
  p.correlation_id = "c1";
  p.reply_to = "r";
  p.message_id = "m1";
  p.timestamp = 12345;
  p.type = "t";
  p.app_id = "a";
  p.priority = 3;
  p.delivery_mode = 2;
  p.headers = FieldTable{{"h", S("v")}};
  h.Send("q", "body", p);
  auto got = h.ch.BasicGet("q", true);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ((*got)->properties(), p);
}

TEST(HeadersExchange, RoutesByHeadersAndRejectsInvalidXMatchOnBind) {
  BrokerHarness h;
  h.DeclareExchange("hx", "headers");
  h.DeclareQueue("q");
  h.Bind("q", "hx", "", {{"x-match", S("any")}, {"a", I(1)}, {"b", S("x")}});
  h.Publish("hx", "", "yes", WithHeaders({{"a", FieldValue::Double(1.0)}}));
  h.Publish("hx", "", "no", WithHeaders({{"a", S("1")}}));
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"yes"}));
  EXPECT_THAT(h.ch.QueueBind("q", "hx", "", {{"x-match", S("some")}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
}

TEST(HeadersExchange, XMatchIsNotValidatedOnOtherExchangeTypes) {
  BrokerHarness h;
  h.DeclareExchange("dx", "direct");
  h.DeclareQueue("q");
  EXPECT_THAT(h.ch.QueueBind("q", "dx", "k", {{"x-match", S("some")}}), IsOk());
}

TEST(Names, CarriageReturnsAndLineFeedsAreStripped) {
  BrokerHarness h;
  auto ok = h.ch.QueueDeclare("a\r\nb");
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->queue, "ab");
}

}  // namespace
}  // namespace warren::testing
