// warren/testing/matchers.h: what an embedder's failing test prints. Each
// test pins the text, so a printer or an explanation that regresses to
// bytes ("48-byte object <E0-C0 ...>") fails here.
#include "harness.h"

namespace warren::testing {
namespace {

using ::testing::Not;
using ::testing::PrintToString;

template <typename M, typename T>
std::string Explain(const M& matcher, const T& value) {
  ::testing::StringMatchResultListener listener;
  ::testing::ExplainMatchResult(matcher, value, &listener);
  return listener.str();
}

// A message that went task_queue -> rejected -> dlq.
struct Rejected : BrokerHarness {
  Rejected() {
    DeclareQueueDeadLetteringTo("task_queue", "dlq");
    BasicProperties p;
    p.message_id = "order-17";
    p.headers = FieldTable{{"retries", I(3)}};
    id = Send("task_queue", "job", p);
    Consume("task_queue", OnDelivery::kReject);
    Settle();
  }
  MessageId id;
};

TEST(Printers, AMessageShowsItsBodyHeadersAndXDeathInDomainWords) {
  Rejected h;
  WARREN_ASSERT_OK_AND_ASSIGN(auto dlq, h.sim.Messages("dlq"));
  ASSERT_EQ(dlq.size(), 1u);
  const std::string text = PrintToString(dlq[0]);
  EXPECT_THAT(text, ::testing::StartsWith("{body=\"job\""));
  EXPECT_THAT(text, ::testing::HasSubstr(" retries=3"));
  EXPECT_THAT(text,
              ::testing::HasSubstr("x-death=[{queue=task_queue reason=rejected count=1}]"));
  EXPECT_THAT(text, ::testing::HasSubstr("x-first-death-reason=\"rejected\""));
}

TEST(Printers, DeathEntriesFieldValuesQueuesFatesAndTaskRowsPrintAsWords) {
  Rejected h;
  EXPECT_EQ(PrintToString(DeathEntry{"retry.2", "expired", 1}),
            "{queue=retry.2 reason=expired count=1}");
  EXPECT_EQ(PrintToString(I(3)), "signedint 3");
  EXPECT_EQ(PrintToString(*h.sim.Queue("dlq")),
            "{queue=dlq type=classic ready=1 unacked=0 consumers=0}");
  EXPECT_EQ(PrintToString(h.sim.Fate(h.id)),
            "{message=#" + std::to_string(h.id.value) +
                " copies=[task_queue:dead-lettered(rejected), dlq:ready]}");
  celery::TaskState row{.id = "t1", .name = "flaky", .state = "FAILURE", .result = "Reject()"};
  EXPECT_EQ(PrintToString(row),
            "{task=flaky id=t1 state=FAILURE result=Reject() retries=0 executions=0}");
}

TEST(Matchers, HasHeaderSaysWhenOnlyTheFieldTypeDiffers) {
  Rejected h;
  WARREN_ASSERT_OK_AND_ASSIGN(auto dlq, h.sim.Messages("dlq"));
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_THAT(dlq[0], HasHeader("retries", I(3)));
  EXPECT_THAT(dlq[0], Not(HasHeader("retries", L(3))));
  EXPECT_EQ(Explain(HasHeader("retries", L(3)), dlq[0]), "type differs: signedint 3 vs long 3");
  EXPECT_EQ(Explain(HasHeader("retries", I(4)), dlq[0]), "header is signedint 3");
}

TEST(Matchers, XDeathCanBeCheckedInAnyOrderAndPerQueueAndReason) {
  BrokerHarness h;
  h.DeclareExchange("dlx", "fanout");
  h.DeclareQueue("dlq");
  h.Bind("dlq", "dlx");
  h.DeclareQueue("a", {{"x-dead-letter-exchange", S("")}, {"x-dead-letter-routing-key", S("b")}});
  h.DeclareQueue("b", {{"x-message-ttl", I(10)}, {"x-dead-letter-exchange", S("dlx")}});
  h.Send("a", "m");
  h.Consume("a", OnDelivery::kReject);
  h.RunFor(absl::Seconds(1));
  WARREN_ASSERT_OK_AND_ASSIGN(auto dlq, h.sim.Messages("dlq"));
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_THAT(dlq[0], HasXDeath({{"b", "expired", 1}, {"a", "rejected", 1}}));
  EXPECT_THAT(dlq[0], HasXDeathUnordered({{"a", "rejected", 1}, {"b", "expired", 1}}));
  EXPECT_THAT(dlq[0], Not(HasXDeathUnordered({{"a", "rejected", 1}})));
  EXPECT_THAT(dlq[0], HasXDeathCount("a", "rejected", 1));
  EXPECT_THAT(dlq[0], HasXDeathCount("a", "expired", 0));
  EXPECT_EQ(Explain(HasXDeathCount("a", "rejected", 2), dlq[0]),
            "x-death is [{queue=b reason=expired count=1}, {queue=a reason=rejected count=1}]");
}

TEST(Matchers, DepthFateAndTraceCountsReadAsTheRuleTheyCheck) {
  Rejected h;
  EXPECT_THAT(h.sim.Queue("dlq"), HasDepth(1, 0));
  EXPECT_EQ(Explain(HasDepth(1, 0), h.sim.Queue("dql")), "the queue does not exist");
  EXPECT_EQ(Explain(HasDepth(0, 0), h.sim.Queue("dlq")), "it has 1 ready and 0 unacked");
  EXPECT_THAT(h.sim.Fate(h.id), FateIs({"task_queue:dead-lettered", "dlq:ready"}));
  EXPECT_THAT(h.sim.Fate(h.id), Not(FateIs({"dlq:ready"})));
  EXPECT_THAT(h.sim, HasTraceCount(TraceKind::kDeadLettered, 1));
  EXPECT_THAT(h.sim, HasTraceCountIn(TraceKind::kEnqueued, "dlq", 1));
  EXPECT_EQ(Explain(HasTraceCount(TraceKind::kExpired, 1), h.sim), "it emitted 0");
}

TEST(Fates, CanBeAskedByTheApplicationsOwnMessageId) {
  Rejected h;
  std::vector<MessageFate> fates = h.sim.FatesOf("order-17");
  ASSERT_EQ(fates.size(), 1u);
  EXPECT_EQ(fates[0].id, h.id);
  EXPECT_THAT(fates[0], FateIs({"task_queue:dead-lettered", "dlq:ready"}));
  EXPECT_TRUE(h.sim.FatesOf("order-18").empty());
  // A republish under the same id (a Celery retry) adds a second fate.
  BasicProperties p;
  p.message_id = "order-17";
  h.Send("dlq", "again", p);
  EXPECT_EQ(h.sim.FatesOf("order-17").size(), 2u);
}

TEST(RunUntilCondition, StopsAtTheFirstInstantTheConditionHolds) {
  BrokerHarness h;
  h.DeclareQueueDeadLetteringTo("q", "dlq", {{"x-message-ttl", I(5000)}});
  h.Send("q", "m");
  const absl::Time start = h.sim.Now();
  ASSERT_THAT(h.sim.RunUntil([&] { return h.Ready("dlq") == 1; }, start + absl::Minutes(1)),
              IsOk());
  EXPECT_EQ(h.sim.Now() - start, absl::Seconds(5));
}

TEST(RunUntilCondition, IsDeadlineExceededWhenItNeverHoldsAndStopsAtTheDeadline) {
  BrokerHarness h;
  h.DeclareQueue("q");
  const absl::Time deadline = h.sim.Now() + absl::Seconds(30);
  EXPECT_THAT(h.sim.RunUntil([&] { return h.Ready("q") == 1; }, deadline),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(h.sim.Now(), deadline);
  EXPECT_THAT(h.sim.RunUntil([] { return false; }, deadline - absl::Seconds(1)),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST(RunUntilCondition, AConsumerThatAlwaysRequeuesIsABoundNotAHang) {
  BrokerHarness h;
  h.DeclareQueue("q");
  h.Send("q", "m");
  h.Consume("q", OnDelivery::kRequeue);
  EXPECT_THAT(h.sim.RunUntil([] { return false; }, h.sim.Now() + absl::Seconds(1), 1000),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(Typos, AQueueThatDoesNotExistIsNotFoundNamingTheQueuesThatDo) {
  Rejected h;
  EXPECT_THAT(h.sim.Messages("dql"), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(h.sim.Queue("dql").status().message(),
            "no queue 'dql' (the queues are: 'dlq', 'task_queue')");
  EXPECT_THAT(h.sim.Messages("dql"), Not(IsOkAndHolds(::testing::IsEmpty())));
  EXPECT_THAT(Explain(IsOkAndHolds(::testing::IsEmpty()), h.sim.Messages("dql")),
              ::testing::StartsWith("status is NOT_FOUND: no queue 'dql'"));
  EXPECT_THAT(h.sim.Messages("task_queue"), IsOkAndHolds(::testing::IsEmpty()));
}

}  // namespace
}  // namespace warren::testing
