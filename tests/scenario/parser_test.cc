// Malformed scenarios get one clear error: file, JSON pointer, what was
// expected and what was found. Nothing half-loads.
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "warren/scenario.h"
#include "warren/trace.h"

namespace warren {
namespace {

struct Bad {
  const char* json;
  const char* error;
};

// Each case names the rule it breaks through its expected message.
const Bad kBad[] = {
    {R"({})", "f.json: /version: expected 1, got nothing (required)"},
    {R"({"version": 2})", "f.json: /version: expected an integer in [1, 1], got 2"},
    {R"({"version": 1, "qeueus": []})",
     "f.json: /qeueus: unknown key (allowed here: $schema, version, name, description, seed, "
     "options, exchanges, queues, bindings, policies, clients, celery, timeline, expect, "
     "run_for_ms)"},
    {R"({"version": 1, "queues": {}})", "f.json: /queues: expected an array, got {}"},
    {R"({"version": 1, "queues": [{"name": 5}]})",
     "f.json: /queues/0/name: expected a string, got 5"},
    {R"({"version": 1, "queues": [{"name": "q", "tll_ms": 5}]})",
     "f.json: /queues/0/tll_ms: unknown key (allowed here: name, as, passive, durable, exclusive, "
     "auto_delete, arguments)"},
    {R"({"version": 1, "queues": [{"name": "q", "durable": "yes"}]})",
     "f.json: /queues/0/durable: expected true or false, got \"yes\""},
    {R"({"version": 1, "queues": [{"name": "q"}, {"name": "q"}]})",
     "f.json: /queues/1/name: queue \"q\" is declared twice"},
    {R"({"version": 1, "queues": [{"name": "q"}], "bindings": [{"exchange": "amq.direct", "queue": "jbos"}]})",
     "f.json: /bindings/0/queue: no queue named \"jbos\""},
    {R"({"version": 1, "bindings": [{"exchange": "nope", "queue": "q"}]})",
     "f.json: /bindings/0/exchange: no exchange named \"nope\""},
    {R"({"version": 1, "timeline": [{"at_ms": -1, "publish": {}}]})",
     "f.json: /timeline/0/at_ms: expected an integer in [0, 315360000000], got -1"},
    {R"({"version": 1, "timeline": [{"at_ms": "5s", "publish": {}}]})",
     "f.json: /timeline/0/at_ms: expected an integer in [0, 315360000000], got \"5s\""},
    {R"({"version": 1, "timeline": [{"at_ms": 0}]})",
     "f.json: /timeline/0: expected exactly one action (publish, set_policy, clear_policy, "
     "declare_exchange, declare_queue, bind, unbind, delete_queue, purge_queue, "
     "delete_exchange, stop_client, apply_async, kill_worker, kill_child, revoke, terminate, "
     "restart_worker, get, consume, cancel, qos, ack, nack, reject, recover, tx, close, stop_worker), got "
     "{\"at_ms\":0}"},
    {R"({"version": 1, "timeline": [{"stop_client": "ghost"}]})",
     "f.json: /timeline/0/stop_client: no client named \"ghost\""},
    {R"({"version": 1, "clients": [{"name": "c", "queue": "q"}]})",
     "f.json: /clients/0/queue: no queue named \"q\""},
    {R"({"version": 1, "queues": [{"name": "q"}], "clients": [{"name": "c", "queue": "q", "rules": [{"do": "explode"}]}]})",
     "f.json: /clients/0/rules/0/do: expected one of \"ack\", \"reject\", \"requeue\", "
     "\"nack\", \"hold\", \"republish\", \"crash\", got \"explode\""},
    {R"({"version": 1, "expect": [{"queue": "nope", "ready": 1}]})",
     "f.json: /expect/0/queue: no queue named \"nope\""},
    {R"({"version": 1, "expect": [{"fate": "never"}]})",
     "f.json: /expect/0/fate: no published message with label \"never\""},
    {R"({"version": 1, "expect": [{"counter": "publishd", "equals": 1}]})",
     "f.json: /expect/0/counter: expected one of published, unroutable, returned, "
     "copies_enqueued, ready, unacked, acked, dead_lettered, dropped, confirms_acked, "
     "confirms_nacked, got \"publishd\""},
    {R"({"version": 1, "queues": [{"name": "q", "arguments": {"x-message-ttl": {"$type": "long"}}}]})",
     "f.json: /queues/0/arguments/x-message-ttl: expected {\"$type\": ..., \"value\": ...}, got "
     "{\"$type\":\"long\"}"},
    {R"({"version": 1, "policies": [{"name": "p", "pattern": ".*", "apply_to": "everything"}]})",
     "f.json: /policies/0/apply_to: expected one of \"queues\", \"exchanges\", \"all\", got "
     "\"everything\""},
    {R"({"version": 1, "timeline": [{"publish": {"count": 0}}]})",
     "f.json: /timeline/0/publish/count: expected an integer in [1, 1000000], got 0"},
    {R"({"version": 1, "seed": 99999999999999999999})",
     "f.json: /seed: expected an integer in [0, 9223372036854775807], got 1e+20"},
};

TEST(ScenarioParser, MalformedFilesGetOneClearErrorNamingTheJsonPointer) {
  for (const Bad& b : kBad) {
    absl::StatusOr<ScenarioSpec> spec = ParseScenario(b.json, "f.json");
    ASSERT_FALSE(spec.ok()) << b.json;
    EXPECT_EQ(spec.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(spec.status().message()), b.error) << b.json;
  }
}

TEST(ScenarioParser, EveryTraceKindAndOnlyThoseCanBeCountedByAnExpectation) {
  auto load = [](std::string_view event) {
    std::string json = R"({"version": 1, "expect": [{"event": ")";
    json.append(event).append(R"(", "equals": 0}]})");
    return ParseScenario(json, "f.json");
  };
  int kinds = 0;
  for (int k = 0; TraceKindName(static_cast<TraceKind>(k)) != "unknown"; ++k, ++kinds) {
    std::string_view name = TraceKindName(static_cast<TraceKind>(k));
    EXPECT_TRUE(load(name).ok()) << name;
  }
  EXPECT_EQ(kinds, static_cast<int>(TraceKind::kDivergence) + 1);  // the last kind
  // kTraceKindCount (which sizes the tracer's counters) is the same count.
  EXPECT_EQ(static_cast<size_t>(kinds), kTraceKindCount);
  EXPECT_TRUE(load("divergence").ok());
  for (std::string_view bad : {"unknown", "diverged", "", "Published"}) {
    EXPECT_EQ(load(bad).status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(ScenarioParser, InvalidJsonKeepsLineAndColumn) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario("{\n  \"version\": 1,\n  oops\n}", "f.json");
  ASSERT_FALSE(spec.ok());
  EXPECT_THAT(std::string(spec.status().message()),
              ::testing::AllOf(::testing::StartsWith("f.json: invalid JSON: "),
                               ::testing::HasSubstr("line 3, column 3")));
}

TEST(ScenarioParser, TruncatedAndNonUtf8InputAreErrorsNotCrashes) {
  EXPECT_FALSE(ParseScenario("{\"version\": 1, \"queues\": [", "f.json").ok());
  EXPECT_FALSE(ParseScenario("{\"version\": 1, \"name\": \"\xff\xfe\"}", "f.json").ok());
  EXPECT_FALSE(ParseScenario("", "f.json").ok());
}

TEST(ScenarioParser, MissingFileIsNotFound) {
  EXPECT_EQ(LoadScenarioFile("/nonexistent/x.json").status().code(), absl::StatusCode::kNotFound);
}

TEST(ScenarioParser, JsonValuesBecomeTypedAmqpValues) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario(R"({
    "version": 1,
    "queues": [{"name": "q", "arguments": {
      "a": 5, "b": 5000000000, "c": "s", "d": true, "e": 1.5, "f": {"$type": "long", "value": 7},
      "g": [1, "x"], "h": {"k": null}}}]
  })", "f.json");
  ASSERT_TRUE(spec.ok()) << spec.status();
  const FieldTable& t = spec->queues[0].options.arguments;
  EXPECT_EQ(*t.Find("a"), FieldValue::SignedInt(5));
  EXPECT_EQ(*t.Find("b"), FieldValue::Long(5000000000));
  EXPECT_EQ(*t.Find("c"), FieldValue::String("s"));
  EXPECT_EQ(*t.Find("d"), FieldValue::Bool(true));
  EXPECT_EQ(*t.Find("e"), FieldValue::Double(1.5));
  EXPECT_EQ(*t.Find("f"), FieldValue::Long(7));
  EXPECT_EQ(*t.Find("g"), FieldValue::Array({FieldValue::SignedInt(1), FieldValue::String("x")}));
  EXPECT_EQ(*t.Find("h"), FieldValue::Table({{"k", FieldValue::Void()}}));
}

}  // namespace
}  // namespace warren
