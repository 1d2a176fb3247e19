// Every bound Warren puts on a run, and every misuse of the C++ API, ends in
// a Status that says what happened: never a crash, a hang, memory growing
// without limit, or virtual time moving backwards (issue 16).
#include <string>

#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::HasSubstr;

std::string Message(const absl::Status& s) { return std::string(s.message()); }

TEST(RunBounds, ALivelockEndsWithResourceExhaustedWhileTheKeptTraceStaysBounded) {
  BrokerHarness h({.trace_kept_events = 1000});
  h.DeclareQueue("q");
  h.Consume("q", OnDelivery::kRequeue);
  h.Send("q", "hot potato");
  absl::Status s = h.sim.RunFor(absl::Seconds(1), /*max_events=*/50000);
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(Message(s), HasSubstr("bound of 50000 events"));
  // Memory holds at most the kept events; the counts cover the whole run.
  EXPECT_LE(h.sim.trace().size(), 1000u);
  EXPECT_GE(h.sim.trace().size(), 500u);
  EXPECT_GT(h.sim.trace_events_total(), 50000u);
  EXPECT_EQ(h.sim.trace().back().seq + 1, h.sim.trace_events_total());
  EXPECT_GT(h.sim.TraceCount(TraceKind::kRequeued, "q"), 20000u);
  EXPECT_EQ(h.sim.TraceCount(TraceKind::kPublished), 1u);
}

TEST(RunBounds, TheTraceSinkSeesEveryEventTheMemoryNoLongerHolds) {
  uint64_t seen = 0, next_seq = 0;
  bool in_order = true;
  SimulationOptions o{.trace_kept_events = 10};
  o.trace_sink = [&](const TraceEvent& e) {
    in_order = in_order && e.seq == next_seq++;
    ++seen;
  };
  BrokerHarness h(o);
  h.DeclareQueue("q");
  h.Consume("q", OnDelivery::kAck);
  for (int i = 0; i < 100; ++i) h.Send("q", "m");
  h.Settle();
  EXPECT_TRUE(in_order);
  EXPECT_EQ(seen, h.sim.trace_events_total());
  EXPECT_LE(h.sim.trace().size(), 10u);
  EXPECT_EQ(h.sim.TraceCount(TraceKind::kAcked, "q"), 100u);
}

TEST(RunBounds, PublishesMadeInsideCallbacksCountAgainstTheBound) {
  BrokerHarness h;
  h.DeclareQueue("trigger");
  h.DeclareQueue("sink");
  // One event whose callback publishes without end: the bound counts the
  // publishes, so the run stops although it is a single event.
  ASSERT_THAT(h.ch.BasicConsume("trigger", [&](const Delivery&) {
    for (int i = 0; i < 1'000'000 && h.ch.BasicPublish({.routing_key = "sink"}).ok(); ++i) {
    }
  }, {.no_ack = true}), IsOk());
  h.Send("trigger", "go");
  EXPECT_THAT(h.sim.RunFor(absl::Seconds(1), 1000), StatusIs(absl::StatusCode::kResourceExhausted));
  // Once the callback's publishes spent the bound, the next one was refused
  // (ending the loop): one event could not run on for a million publishes.
  // The bound of 1000 units: 1000 publishes fit (the delivery event itself
  // is counted when it returns); the 1001st was refused.
  EXPECT_EQ(h.Ready("sink"), 1000u);
  EXPECT_EQ(h.sim.counters().published, 1001u);  // with "go"
}

TEST(RunBounds, HousekeepingTicksDoNotCountAsLivelock) {
  // One held delivery and a ten-year consumer timeout: the channel ticks
  // every minute (5.26 million ticks), none of which is work.
  BrokerHarness h({.consumer_timeout = absl::Hours(24 * 3650)});
  h.DeclareQueue("q");
  h.Consume("q", OnDelivery::kHold);
  h.Send("q", "held");
  EXPECT_THAT(h.sim.RunFor(absl::Hours(24 * 3000), /*max_events=*/1000), IsOk());
  EXPECT_EQ(h.Unacked("q"), 1u);
}

TEST(RunBounds, ANonPositiveTickIntervalIsAnErrorNotALivelock) {
  for (absl::Duration tick : {absl::ZeroDuration(), absl::Seconds(-1)}) {
    Simulation sim({.channel_tick_interval = tick});
    absl::Status s = sim.RunFor(absl::Seconds(1));
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(Message(s), HasSubstr("channel_tick_interval must be positive"));
    EXPECT_EQ(sim.Now(), SimulationOptions{}.start);
  }
  Simulation quorum({.quorum_tick_interval = absl::ZeroDuration()});
  EXPECT_THAT(quorum.RunUntilIdle(), StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(RunBounds, RunCalledFromInsideACallbackFailsAndTimeNeverGoesBack) {
  BrokerHarness h;
  h.DeclareQueue("q");
  absl::Status nested;
  absl::Time seen_in_callback;
  ASSERT_THAT(h.ch.BasicConsume("q", [&](const Delivery& d) {
    nested = h.sim.RunFor(absl::Seconds(10));
    seen_in_callback = h.sim.Now();
    (void)h.ch.BasicAck(d.delivery_tag);
  }), IsOk());
  h.Send("q", "m");
  absl::Time start = h.sim.Now();
  h.RunFor(absl::Seconds(5));
  EXPECT_THAT(nested, StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(Message(nested), HasSubstr("ScheduleAfter"));
  EXPECT_EQ(seen_in_callback, start);  // the nested call moved nothing
  EXPECT_EQ(h.sim.Now(), start + absl::Seconds(5));
  for (auto nested_call : {+[](Simulation& s) { return s.RunUntilIdle(); },
                           +[](Simulation& s) { return s.RunUntil(s.Now()); }}) {
    absl::Status inner;
    h.sim.ScheduleAfter(absl::Seconds(1), [&] { inner = nested_call(h.sim); });
    h.RunFor(absl::Seconds(2));
    EXPECT_THAT(inner, StatusIs(absl::StatusCode::kFailedPrecondition));
  }
}

TEST(RunBounds, AMisdirectedDeadlineIsInvalidArgumentAndMovesNothing) {
  Simulation sim;
  absl::Time start = sim.Now();
  EXPECT_THAT(sim.RunFor(absl::Seconds(-1)), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(sim.RunUntil(start - absl::Milliseconds(1)),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_EQ(sim.Now(), start);
}

TEST(RunBounds, TimePastTheVirtualHorizonIsOutOfRangeSoNoTtlIsSilentlyLost) {
  // Deadlines are int64 nanoseconds: 2262-04-11T23:47:16Z is the last
  // instant. A TTL that would end after it can never be due; a run that
  // tries to get there is refused instead of silently keeping the message.
  absl::Time near_end = absl::FromUnixSeconds(9223372036LL - 3600);
  BrokerHarness h({.start = near_end});
  h.DeclareQueue("dlq");
  h.DeclareQueue("q", {{"x-message-ttl", I(1800 * 1000)},
                       {"x-dead-letter-exchange", S("")},
                       {"x-dead-letter-routing-key", S("dlq")}});
  h.Send("q", "m");
  h.RunFor(absl::Minutes(30));
  EXPECT_EQ(h.Ready("dlq"), 1u);  // still inside the horizon: the TTL fires
  absl::Status s = h.sim.RunFor(absl::Hours(2));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kOutOfRange));
  EXPECT_THAT(Message(s), HasSubstr("2262-04-11T23:47:16"));
  EXPECT_EQ(h.sim.Now(), near_end + absl::Minutes(30));
  Simulation beyond({.start = absl::InfiniteFuture()});
  EXPECT_THAT(beyond.RunFor(absl::ZeroDuration()), StatusIs(absl::StatusCode::kOutOfRange));
}

TEST(LiveMessages, APublishThatFindsTheBoundReachedIsRefusedAndStoresNothing) {
  BrokerHarness h({.max_live_messages = 3});
  h.DeclareQueue("q");
  for (int i = 0; i < 3; ++i) h.Send("q", "m");
  absl::StatusOr<PublishReceipt> r = h.ch.BasicPublish({.routing_key = "q", .body = "fourth"});
  EXPECT_THAT(r, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(Message(r.status()), HasSubstr("max_live_messages = 3"));
  EXPECT_TRUE(h.ch.is_open());  // a bound of the simulation, not an AMQP error
  EXPECT_EQ(h.sim.counters().published, 3u);
  EXPECT_EQ(h.Ready("q"), 3u);
}

TEST(LiveMessages, ARunStopsAfterTheEventThatTookTheCountPastTheBound) {
  BrokerHarness h({.max_live_messages = 10});
  h.DeclareExchange("fan", "fanout");
  for (std::string q : {"a", "b", "c", "d"}) {
    h.DeclareQueue(q);
    h.Bind(q, "fan");
  }
  h.DeclareQueue("trigger");
  ASSERT_THAT(h.ch.BasicConsume("trigger", [&](const Delivery&) {
    for (int i = 0; i < 3; ++i) (void)h.ch.BasicPublish({.exchange = "fan"});
  }, {.no_ack = true}), IsOk());
  h.Send("trigger", "go");
  absl::Status s = h.sim.RunFor(absl::Seconds(1));
  EXPECT_THAT(s, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(Message(s), HasSubstr("live-message bound"));
  EXPECT_EQ(h.sim.counters().ready, 12u);  // accounted for, not lost
}

TEST(ShortStrings, NamesKeysTagsAndPropertiesLongerThan255BytesAreRefusedAndNothingCloses) {
  BrokerHarness h;
  const std::string long_name(256, 'n'), fine(255, 'n');
  auto refused = [](const absl::Status& s) {
    EXPECT_THAT(s, StatusIs(absl::StatusCode::kInvalidArgument));
    EXPECT_THAT(std::string(s.message()), HasSubstr("at most 255"));
  };
  refused(h.ch.QueueDeclare(long_name).status());
  refused(h.ch.ExchangeDeclare(long_name));
  refused(h.ch.QueueBind("q", "amq.direct", long_name));
  refused(h.ch.BasicPublish({.routing_key = long_name}).status());
  refused(h.ch.BasicPublish({.exchange = long_name}).status());
  BasicProperties p;
  p.message_id = long_name;
  refused(h.ch.BasicPublish({.routing_key = "q", .properties = p}).status());
  refused(h.ch.BasicPublish({.routing_key = "q",
                             .properties = WithHeaders({{long_name, I(1)}})}).status());
  refused(h.ch.BasicConsume("q", [](const Delivery&) {}, {.consumer_tag = long_name}).status());
  refused(h.ch.BasicGet(long_name).status());
  EXPECT_TRUE(h.ch.is_open());
  EXPECT_THAT(h.ch.QueueDeclare(fine), IsOk());
  EXPECT_EQ(h.sim.counters().published, 0u);
}

FieldValue Nested(int depth) {
  FieldValue v = FieldValue::SignedInt(1);
  for (int i = 0; i < depth; ++i) v = FieldValue::Array({std::move(v)});
  return v;
}

TEST(Nesting, FieldTablesDeeperThan100LevelsAreRefusedAtPublishAndDeclare) {
  BrokerHarness h;
  h.DeclareQueue("q");
  // The headers table is level 1: a value holding 99 arrays reaches 100.
  EXPECT_THAT(h.ch.BasicPublish({.routing_key = "q",
                                 .properties = WithHeaders({{"ok", Nested(99)}})}),
              IsOk());
  absl::Status deep = h.ch.BasicPublish({.routing_key = "q",
                                         .properties = WithHeaders({{"deep", Nested(100)}})})
                          .status();
  EXPECT_THAT(deep, StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(Message(deep), HasSubstr("deeper than 100 levels"));
  EXPECT_THAT(h.ch.QueueDeclare("q2", {.arguments = {{"x-deep", Nested(200'000)}}}),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(h.ch.is_open());
  EXPECT_EQ(h.Ready("q"), 1u);
}

TEST(Nesting, AMillionLevelFieldValueIsDestroyedWithoutRecursion) {
  FieldValue v = Nested(1'000'000);
  FieldValue copy = v;  // shared, copy-on-write
  v = FieldValue::Void();
  EXPECT_EQ(copy.type(), FieldType::kArray);
  copy = FieldValue::Void();  // the last owner: released in a loop
  SUCCEED();
}

TEST(ApiMisuse, ConsumingWithAnEmptyCallbackIsInvalidArgument) {
  BrokerHarness h;
  h.DeclareQueue("q");
  EXPECT_THAT(h.ch.BasicConsume("q", nullptr), StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(h.ch.is_open());
  EXPECT_EQ(h.sim.Queue("q")->consumers, 0u);
}

}  // namespace
}  // namespace warren::testing
