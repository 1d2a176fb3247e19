// Spec section 2.1-2.3 and 2.5: queue.declare, argument validation,
// redeclare equivalence, purge and delete.
#include "harness.h"

namespace warren::testing {
namespace {

std::string CloseText(const Channel& ch) {
  return ch.close_reason() ? ch.close_reason()->text : "(open)";
}

TEST(QueueDeclare, EmptyNameGivesAServerNamedQueue) {
  BrokerHarness h;
  auto ok = h.ch.QueueDeclare("");
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->queue.substr(0, 8), "amq.gen-");
  EXPECT_EQ(ok->queue.size(), 8u + 22u);
}

TEST(QueueDeclare, ServerNamesAreDeterministicForASeed) {
  BrokerHarness a({.seed = 42}), b({.seed = 42});
  EXPECT_EQ(a.ch.QueueDeclare("")->queue, b.ch.QueueDeclare("")->queue);
}

TEST(QueueDeclare, NonPassiveDeclareOfAnyAmqNameIs403EvenIfItExists) {
  BrokerHarness h;
  auto ok = h.ch.QueueDeclare("");
  ASSERT_THAT(ok, IsOk());
  EXPECT_THAT(h.ch.QueueDeclare(ok->queue, {.passive = true}), IsOk());
  EXPECT_THAT(h.ch.QueueDeclare(ok->queue), ReplyIs(ReplyCode::kAccessRefused));
  EXPECT_EQ(CloseText(h.ch), "ACCESS_REFUSED - queue name '" + ok->queue +
                                 "' contains reserved prefix 'amq.*'");
}

TEST(QueueDeclare, AReplyTextOver255BytesIsCutTo252BytesAndAnEllipsisAsRabbitMQCutsIt) {
  BrokerHarness h;
  std::string name(255, 'q');
  h.DeclareQueue(name, {{"x-message-ttl", FieldValue::Long(1000)}});
  ASSERT_THAT(h.ch.QueueDeclare(name, {.arguments = {{"x-message-ttl", FieldValue::Long(2000)}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  ASSERT_TRUE(h.ch.close_reason().has_value());
  std::string text = h.ch.close_reason()->text;  // close_reason() is a copy
  EXPECT_EQ(text.size(), 255u);
  EXPECT_EQ(text.substr(0, 67),
            "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q");
  EXPECT_EQ(text.substr(252), "...");
}

TEST(QueueDeclare, QuorumQueuesCannotBeServerNamed) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.QueueDeclare("", {.durable = true,
                                     .arguments = {{"x-queue-type", S("quorum")}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h.ch),
            "PRECONDITION_FAILED - Cannot declare a server-named queue for type "
            "rabbit_quorum_queue");
}

TEST(QueueDeclare, EmptyQueueNameMeansTheLastDeclaredQueueOnThisChannel) {
  BrokerHarness h;
  Channel other = h.NewChannel();
  EXPECT_THAT(other.BasicGet(""), ReplyIs(ReplyCode::kNotFound));
  EXPECT_EQ(CloseText(other), "NOT_FOUND - no previously declared queue");
  h.DeclareQueue("q");
  h.Send("q", "m");
  auto got = h.ch.BasicGet("", true);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ((*got)->body(), "m");
}

TEST(QueueDeclare, DeclareOkCountsReadyMessagesOnlyAndConsumers) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "a");
  h.Send("q", "b");
  ASSERT_THAT(h.ch.BasicGet("q"), IsOk());
  h.Consume("q", OnDelivery::kHold);
  auto ok = h.ch.QueueDeclare("q", {.passive = true});
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ(ok->message_count, 0u);  // b went to the consumer; a is unacked
  EXPECT_EQ(ok->consumer_count, 1u);
}

TEST(QueueDeclare, PassiveDeclareIgnoresFlagsAndArgumentsAndMissingIs404) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)}});
  EXPECT_THAT(h.ch.QueueDeclare("q", {.passive = true, .durable = true,
                                      .arguments = {{"x-message-ttl", I(5)}}}),
              IsOk());
  EXPECT_THAT(h.ch.QueueDeclare("nope", {.passive = true}), ReplyIs(ReplyCode::kNotFound));
  EXPECT_EQ(CloseText(h.ch), "NOT_FOUND - no queue 'nope' in vhost '/'");
}

TEST(QueueDeclare, ExclusiveForcesNonDurable) {
  BrokerHarness h;
  ASSERT_THAT(h.ch.QueueDeclare("q", {.durable = true, .exclusive = true}), IsOk());
  EXPECT_FALSE(h.sim.Queue("q")->durable);
}

struct InvalidArg {
  const char* key;
  FieldValue value;
  const char* reason;
};

TEST(QueueArguments, InvalidValuesAreRejectedWith406AndRabbitMqReasons) {
  const InvalidArg cases[] = {
      {"x-message-ttl", I(-1), "{value_negative,-1}"},
      {"x-message-ttl", L(315360000001), "{value_too_large,315360000001}"},
      {"x-message-ttl", S("100"), "\"expected integer, got longstr\""},
      {"x-message-ttl", FieldValue::Double(1.5), "\"expected integer, got double\""},
      {"x-expires", I(0), "{value_zero,0}"},
      {"x-expires", I(-5), "{value_negative,-5}"},
      {"x-max-length", I(-1), "{value_negative,-1}"},
      {"x-max-priority", I(256), "{max_value_exceeded,256}"},
      {"x-overflow", S("drop-tail"), "invalid_overflow"},
      {"x-single-active-consumer", S("true"), "{unacceptable_type,longstr}"},
      {"x-queue-mode", S("fast"), "\"unsupported queue mode 'fast'\""},
      {"x-queue-version", I(3), "\"unsupported queue version '3'\""},
      {"x-queue-type", S("fancy"), "\"unsupported queue type 'fancy'\""},
  };
  for (const InvalidArg& c : cases) {
    BrokerHarness h;
    EXPECT_THAT(h.ch.QueueDeclare("q", {.arguments = {{c.key, c.value}}}),
                ReplyIs(ReplyCode::kPreconditionFailed))
        << c.key;
    EXPECT_EQ(CloseText(h.ch), std::string("PRECONDITION_FAILED - invalid arg '") + c.key +
                                   "' for queue 'q' in vhost '/': " + c.reason);
  }
}

TEST(QueueArguments, DeadLetterExchangeMustBeAStringAndRoutingKeyNeedsIt) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.QueueDeclare("q", {.arguments = {{"x-dead-letter-exchange", I(1)}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h.ch), "PRECONDITION_FAILED - invalid type 'signedint' for arg "
                             "'x-dead-letter-exchange' in queue 'q' in vhost '/'");
  BrokerHarness h2;
  EXPECT_THAT(h2.ch.QueueDeclare("q", {.arguments = {{"x-dead-letter-routing-key", S("k")}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h2.ch), "PRECONDITION_FAILED - invalid arg 'x-dead-letter-routing-key' "
                              "for queue 'q' in vhost '/': routing_key_but_no_dlx_defined");
}

TEST(QueueArguments, TypeSpecificArgumentsAreRejectedOnTheOtherType) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.QueueDeclare("c", {.arguments = {{"x-delivery-limit", I(3)}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h.ch), "PRECONDITION_FAILED - invalid arg 'x-delivery-limit' for queue "
                             "'c' in vhost '/' of queue type rabbit_classic_queue");
  BrokerHarness h2;
  EXPECT_THAT(h2.ch.QueueDeclare("qq", {.durable = true,
                                        .arguments = {{"x-queue-type", S("quorum")},
                                                      {"x-max-priority", I(5)}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h2.ch), "PRECONDITION_FAILED - invalid arg 'x-max-priority' for queue "
                              "'qq' in vhost '/' of queue type rabbit_quorum_queue");
}

TEST(QueueArguments, QuorumQueuesMustBeDurableNonExclusiveNonAutoDelete) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.QueueDeclare("qq", {.arguments = {{"x-queue-type", S("quorum")}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h.ch),
            "PRECONDITION_FAILED - invalid property 'non-durable' for queue 'qq' in vhost '/'");
}

TEST(QueueArguments, UnknownArgumentsAreStoredAndNeverCompared) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-foo", S("bar")}});
  EXPECT_THAT(h.ch.QueueDeclare("q", {.arguments = {{"x-foo", I(7)}}}), IsOk());
}

TEST(QueueArguments, StreamQueuesAreReportedUnimplementedWithoutClosingTheChannel) {
  BrokerHarness h;
  EXPECT_THAT(h.ch.QueueDeclare("s", {.durable = true,
                                      .arguments = {{"x-queue-type", S("stream")}}}),
              StatusIs(absl::StatusCode::kUnimplemented));
  EXPECT_TRUE(h.ch.is_open());
}

TEST(QueueRedeclare, DifferentTtlIs406WithBothValues) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)}});
  EXPECT_THAT(h.ch.QueueDeclare("q", {.arguments = {{"x-message-ttl", I(2000)}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h.ch), "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue "
                             "'q' in vhost '/': received '2000' but current is '1000'");
}

TEST(QueueRedeclare, MissingArgumentCountsAsDifferent) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)}});
  EXPECT_THAT(h.ch.QueueDeclare("q"), ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h.ch),
            "PRECONDITION_FAILED - inequivalent arg 'x-message-ttl' for queue 'q' in vhost "
            "'/': received none but current is the value '1000' of type 'signedint'");
}

TEST(QueueRedeclare, IntegerTypesCompareByValueAndExplicitClassicEqualsAbsent) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", FieldValue::Short(1000)}});
  EXPECT_THAT(h.ch.QueueDeclare("q", {.arguments = {{"x-message-ttl", L(1000)},
                                                    {"x-queue-type", S("classic")}}}),
              IsOk());
}

TEST(QueueRedeclare, InvalidValueOnAnExistingQueueReportsInequivalence) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)}});
  EXPECT_THAT(h.ch.QueueDeclare("q", {.arguments = {{"x-message-ttl", I(-1)}}}),
              ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_NE(CloseText(h.ch).find("inequivalent arg 'x-message-ttl'"), std::string::npos);
}

TEST(QueueRedeclare, DurableMismatchIs406) {
  BrokerHarness h;
  h.DeclareQueue("q");
  EXPECT_THAT(h.ch.QueueDeclare("q", {.durable = true}), ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h.ch), "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in "
                             "vhost '/': received 'true' but current is 'false'");
}

TEST(ExclusiveQueue, ExclusiveFlagMismatchIs405NotA406) {
  BrokerHarness h;
  h.DeclareQueue("q");
  EXPECT_THAT(h.ch.QueueDeclare("q", {.exclusive = true}), ReplyIs(ReplyCode::kResourceLocked));
}

TEST(ExclusiveQueue, OtherConnectionsMayPublishButEverythingElseIs405) {
  BrokerHarness h;
  ASSERT_THAT(h.ch.QueueDeclare("mine", {.exclusive = true}), IsOk());
  Connection other = h.sim.Connect("other");
  auto make = [&] { return *other.OpenChannel(); };
  Channel c = make();
  EXPECT_THAT(c.BasicPublish({.routing_key = "mine", .body = "hi"}), IsOk());
  EXPECT_EQ(h.Ready("mine"), 1u);
  EXPECT_THAT(c.QueueDeclare("mine", {.passive = true}), ReplyIs(ReplyCode::kResourceLocked));
  EXPECT_THAT(make().BasicGet("mine"), ReplyIs(ReplyCode::kResourceLocked));
  EXPECT_THAT(make().QueuePurge("mine"), ReplyIs(ReplyCode::kResourceLocked));
  EXPECT_THAT(make().QueueDelete("mine"), ReplyIs(ReplyCode::kResourceLocked));
  EXPECT_THAT(make().BasicConsume("mine", [](const Delivery&) {}),
              ReplyIs(ReplyCode::kResourceLocked));
  EXPECT_THAT(make().QueueBind("mine", "amq.direct", "k"), ReplyIs(ReplyCode::kResourceLocked));
}

TEST(ExclusiveQueue, SurvivesItsChannelAndIsDeletedWithItsConnection) {
  BrokerHarness h;
  ASSERT_THAT(h.ch.QueueDeclare("mine", {.exclusive = true}), IsOk());
  h.Send("mine", "m");
  ASSERT_THAT(h.ch.Close(), IsOk());
  EXPECT_TRUE(h.Exists("mine"));
  ASSERT_THAT(h.conn.Close(), IsOk());
  EXPECT_FALSE(h.Exists("mine"));
}

TEST(QueuePurge, RemovesReadyMessagesOnlyAndReturnsTheirCount) {
  BrokerHarness h;
  h.DeclareQueue("q");
  for (const char* b : {"a", "b", "c"}) h.Send("q", b);
  auto got = h.ch.BasicGet("q");
  ASSERT_THAT(got, IsOk());
  auto purged = h.ch.QueuePurge("q");
  ASSERT_THAT(purged, IsOk());
  EXPECT_EQ(*purged, 2u);
  ASSERT_THAT(h.ch.BasicReject((*got)->delivery_tag, true), IsOk());
  EXPECT_EQ(h.Bodies("q"), (std::vector<std::string>{"a"}));
}

TEST(QueueDelete, IfUnusedAndIfEmptyAre406) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "m");
  EXPECT_THAT(h.ch.QueueDelete("q", {.if_empty = true}), ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h.ch), "PRECONDITION_FAILED - queue 'q' in vhost '/' not empty");
  Channel c = h.NewChannel();
  ASSERT_THAT(c.BasicConsume("q", [](const Delivery&) {}), IsOk());
  EXPECT_THAT(c.QueueDelete("q", {.if_unused = true}), ReplyIs(ReplyCode::kPreconditionFailed));
}

TEST(QueueDelete, ConsumersGetAServerCancelAndLateAcksAreHarmless) {
  BrokerHarness h;
  h.DeclareQueue("q");
  std::vector<std::string> cancelled;
  h.ch.OnCancel([&](const std::string& tag) { cancelled.push_back(tag); });
  Recorder& r = h.Consume("q", OnDelivery::kHold);
  h.Send("q", "m");
  h.Flush();
  ASSERT_EQ(r.deliveries.size(), 1u);
  Channel c2 = h.NewChannel();
  ASSERT_THAT(c2.QueueDelete("q"), IsOk());
  h.Flush();
  EXPECT_EQ(cancelled.size(), 1u);
  EXPECT_THAT(h.ch.BasicAck(r.deliveries[0].delivery_tag), IsOk());
  EXPECT_TRUE(h.ch.is_open());
}

TEST(QueueDelete, DeletingAMissingQueueIsNotAnError) {
  BrokerHarness h;
  auto r = h.ch.QueueDelete("nope");
  ASSERT_THAT(r, IsOk());
  EXPECT_EQ(*r, 0u);
}

TEST(QueueDeclare, TypedSettingsAreTheXArgumentsTheyName) {
  BrokerHarness h;
  QueueDeclareOptions o{.durable = true};
  o.settings = {.type = QueueType::kQuorum,
                .message_ttl = absl::Seconds(2),
                .max_length = 5,
                .overflow = Overflow::kRejectPublish,
                .dead_letter_exchange = "dlx",
                .delivery_limit = 3};
  ASSERT_THAT(h.ch.QueueDeclare("typed", o), IsOk());
  auto q = h.sim.Queue("typed");
  ASSERT_THAT(q, IsOk());
  EXPECT_EQ(q->settings.type, QueueType::kQuorum);
  EXPECT_EQ(q->settings.message_ttl, absl::Milliseconds(2000));
  EXPECT_EQ(q->settings.max_length, 5);
  EXPECT_EQ(q->settings.overflow, Overflow::kRejectPublish);
  EXPECT_EQ(q->settings.dead_letter_exchange, "dlx");
  EXPECT_EQ(q->settings.delivery_limit, 3);
  EXPECT_EQ(q->settings.expires, std::nullopt);
  // What a client would have sent: the declared arguments, as RabbitMQ lists them.
  ASSERT_NE(q->arguments.Find("x-message-ttl"), nullptr);
  EXPECT_EQ(q->arguments.Find("x-message-ttl")->as_int(), 2000);
  EXPECT_EQ(q->arguments.Find("x-queue-type")->as_string(), "quorum");
  EXPECT_EQ(q->arguments.Find("x-max-priority"), nullptr);
  // Redeclaring with the same arguments spelled raw is equivalent.
  EXPECT_THAT(h.ch.QueueDeclare("typed", {.durable = true, .arguments = q->arguments}), IsOk());
}

TEST(QueueDeclare, ATypedSettingThatRabbitMQRefusesGetsItsPreconditionFailed) {
  BrokerHarness h;
  QueueDeclareOptions o;
  o.settings.message_ttl = absl::Milliseconds(-1);
  EXPECT_THAT(h.ch.QueueDeclare("q", o), ReplyIs(ReplyCode::kPreconditionFailed));
  EXPECT_EQ(CloseText(h.ch),
            "PRECONDITION_FAILED - invalid arg 'x-message-ttl' for queue 'q' in vhost '/': "
            "{value_negative,-1}");
}

TEST(QueueDeclare, ASettingGivenBothTypedAndRawIsInvalidArgumentAndChangesNothing) {
  BrokerHarness h;
  QueueDeclareOptions o{.arguments = {{"x-max-length", L(1)}}};
  o.settings.max_length = 2;
  EXPECT_THAT(h.ch.QueueDeclare("q", o), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(h.ch.is_open());
  EXPECT_FALSE(h.sim.Queue("q").ok());
}

TEST(QueueDeclare, ATypedDurationMustBeWholeMilliseconds) {
  BrokerHarness h;
  QueueDeclareOptions o;
  o.settings.expires = absl::Microseconds(1500);
  EXPECT_THAT(h.ch.QueueDeclare("q", o), StatusIs(absl::StatusCode::kInvalidArgument));
  o.settings.expires = absl::InfiniteDuration();
  EXPECT_THAT(h.ch.QueueDeclare("q", o), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_FALSE(h.sim.Queue("q").ok());
}

}  // namespace
}  // namespace warren::testing
