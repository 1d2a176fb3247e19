// The same program with the same seed gives a byte-identical JSONL trace.
#include <sstream>

#include "harness.h"

namespace warren::testing {
namespace {

// A workload touching most transitions: fanout, TTL expiry, dead-lettering,
// requeue, mandatory returns, server-named queues, channel close.
std::string RunWorkload(uint64_t seed) {
  BrokerHarness h({.seed = seed});
  h.DeclareExchange("fan", "fanout");
  h.DeclareExchange("dlx", "fanout");
  h.DeclareQueue("dead");
  h.Bind("dead", "dlx");
  h.DeclareQueue("a", {{"x-message-ttl", I(1500)}, {"x-dead-letter-exchange", S("dlx")}});
  h.DeclareQueue("b", {{"x-max-length", I(3)}, {"x-dead-letter-exchange", S("dlx")}});
  auto anon = h.ch.QueueDeclare("");
  h.Bind("a", "fan");
  h.Bind("b", "fan");
  h.Bind(anon->queue, "fan");
  Channel c = h.NewChannel();
  h.Consume("a", OnDelivery::kRequeueOnce, &c);
  h.Consume(anon->queue, OnDelivery::kReject);
  for (int i = 0; i < 10; ++i) {
    h.Publish("fan", "k", "m" + std::to_string(i));
    (void)h.ch.BasicPublish({.routing_key = "nowhere", .mandatory = true});
    h.RunFor(absl::Milliseconds(700));
    if (i == 5) (void)c.Close();
  }
  h.RunFor(absl::Seconds(10));
  std::ostringstream out;
  WriteJsonLines(h.sim.trace(), out);
  return out.str();
}

TEST(Determinism, TheSameSeedGivesAByteIdenticalTrace) {
  std::string first = RunWorkload(7);
  std::string second = RunWorkload(7);
  EXPECT_GT(first.size(), 1000u);
  EXPECT_EQ(first, second);
}

TEST(Determinism, ADifferentSeedChangesServerGeneratedNames) {
  EXPECT_NE(RunWorkload(7), RunWorkload(8));
}

TEST(Trace, EachLineIsAJsonObjectWithTimeKindAndCause) {
  BrokerHarness h;
  h.DeclareQueue("q", {{"x-message-ttl", I(1000)}});
  h.Send("q", "m");
  h.RunFor(absl::Seconds(1));
  std::vector<std::string> kinds;
  for (const TraceEvent& e : h.sim.trace()) kinds.emplace_back(TraceKindName(e.kind));
  EXPECT_EQ(kinds, (std::vector<std::string>{"published", "routed", "enqueued", "expired",
                                             "dropped"}));
  std::string line = ToJsonLine(h.sim.trace().back());
  EXPECT_EQ(line,
            "{\"seq\":4,\"t_ms\":1735689601000,\"time\":\"2025-01-01T00:00:01.000Z\","
            "\"kind\":\"dropped\",\"message\":1,\"copy\":1,\"queue\":\"q\","
            "\"detail\":\"expired (no dead-letter exchange)\"}");
}

}  // namespace
}  // namespace warren::testing
