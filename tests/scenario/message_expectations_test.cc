// Expectations on messages (queued or delivered): x-death entries in full,
// properties, header types and presence, header times relative to the
// message's publish; and on what a client received and saw. Each rule is
// checked both ways: the true statement passes, a false one fails with a
// message naming what differs.
#include <string>
#include <string_view>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "warren/scenario.h"
#include "warren/testing/matchers.h"

namespace warren {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// The failures of a run of `json` (which must load and run without step
// errors). Not observed: "client" expectations record on their own.
std::vector<std::string> Failures(std::string_view json) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario(json, "inline.json");
  EXPECT_THAT(spec, testing::IsOk());
  if (!spec.ok()) return {"did not load"};
  ScenarioResult r = RunScenario(*spec);
  for (const std::string& e : r.step_errors) ADD_FAILURE() << e;
  std::vector<std::string> out;
  for (const ExpectationFailure& f : r.failures) out.push_back(f.what);
  return out;
}

TEST(MessageExpectation, XDeathEntriesCheckExchangeRoutingKeysOriginalExpirationAndTime) {
  // Expired after 1.5 s (per-message TTL), dead-lettered through "" to
  // "dead"; x-death keeps the original routing key and expiration.
  std::string ok = R"({"version": 1,
    "queues": [{"name": "work", "arguments": {"x-dead-letter-exchange": "",
                                              "x-dead-letter-routing-key": "dead"}},
               {"name": "dead"}],
    "timeline": [{"at_ms": 0, "publish": {"routing_key": "work", "body": "m",
                  "properties": {"expiration": "1500"}}}],
    "expect": [{"queue": "dead", "messages": [{"body": "m", "x_death": [
      {"queue": "work", "reason": "expired", "count": 1, "exchange": "",
       "routing_keys": ["work"], "original_expiration": "1500", "time_s": 1}]}]}],
    "run_for_ms": 3000})";
  EXPECT_THAT(Failures(ok), IsEmpty());

  std::string wrong = ok;
  wrong.replace(wrong.find(R"("time_s": 1)"), 11, R"("time_s": 2)");
  wrong.replace(wrong.find(R"(["work"])"), 8, R"(["dead"])");
  std::vector<std::string> f = Failures(wrong);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_THAT(f[0], HasSubstr("routing-keys=[work]"));
  EXPECT_THAT(f[0], HasSubstr("time_s=1"));
  EXPECT_THAT(f[0], HasSubstr("original-expiration=1500"));
}

TEST(MessageExpectation, HeaderTypesPresenceAndPropertiesAreCheckedWhenGiven) {
  auto run = [](std::string_view expected) {
    return Failures(std::string(R"({"version": 1, "queues": [{"name": "q"}],
      "timeline": [{"at_ms": 0, "publish": {"routing_key": "q", "body": "m", "properties": {
        "content_type": "application/json", "priority": 3,
        "headers": {"n": {"$type": "long", "value": 5}, "s": "text"}}}}],
      "expect": [{"queue": "q", "messages": [)") + std::string(expected) + "]}]}");
  };
  EXPECT_THAT(run(R"({"header_types": {"n": "long", "s": "longstr"}, "present_headers": ["n"],
                      "properties": {"content_type": "application/json", "priority": 3},
                      "headers": {"n": 5}})"),
              IsEmpty());
  EXPECT_THAT(run(R"({"header_types": {"n": "signedint"}})"),
              ElementsAre(HasSubstr("header n: expected type signedint, got long")));
  EXPECT_THAT(run(R"({"present_headers": ["missing"]})"),
              ElementsAre(HasSubstr("header missing: expected present")));
  EXPECT_THAT(run(R"({"properties": {"priority": 4}})"),
              ElementsAre(HasSubstr("property priority: expected 4, got 3")));
  EXPECT_THAT(run(R"({"properties": {"reply_to": "me"}})"),
              ElementsAre(HasSubstr("property reply_to: expected me, got nothing")));
}

TEST(MessageExpectation, HeaderMsAfterPublishIsCeleryEtaFromItsOwnPublish) {
  // A task sent at 700 ms with countdown 5 s: its eta header names
  // publish + 5000 ms. No worker consumes it, so it stays queued.
  auto run = [](int ms) {
    return Failures(R"({"version": 1,
      "celery": {"tasks": [{"name": "t"}]},
      "timeline": [{"at_ms": 700, "apply_async": {"task": "t", "queue": "celery",
                                                 "countdown_ms": 5000}}],
      "expect": [{"queue": "celery", "messages": [
        {"header_ms_after_publish": {"eta": )" + std::to_string(ms) + "}}]}]}");
  };
  EXPECT_THAT(run(5000), IsEmpty());
  EXPECT_THAT(run(4000), ElementsAre(AllOf(HasSubstr("header eta: expected 4000 ms after its "
                                                     "publish"),
                                           HasSubstr("(5000 ms after its publish)"))));
}

TEST(ClientExpectation, DeliveriesInOrderWithRedeliveredFlagsAndServerEvents) {
  std::string base = R"({"version": 1, "queues": [{"name": "q"}],
    "clients": [{"name": "w", "queue": "q",
                 "rules": [{"when": {"attempt": 1}, "do": "requeue"}]}],
    "timeline": [{"at_ms": 0, "publish": {"routing_key": "q", "body": "a"}},
                 {"at_ms": 10, "delete_queue": "q"}],
    "expect": [{"client": "w", "delivery_count": 2,
                "deliveries": [{"body": "a", "redelivered": false},
                               {"body": "a", "redelivered": true}],
                "events": ["cancel"]}],
    "run_for_ms": 20})";
  EXPECT_THAT(Failures(base), IsEmpty());

  std::string wrong = base;
  wrong.replace(wrong.find(R"("redelivered": false)"), 20, R"("redelivered": true)");
  wrong.replace(wrong.find(R"(["cancel"])"), 10, R"([])");
  EXPECT_THAT(Failures(wrong),
              ElementsAre(HasSubstr("delivery 0 redelivered: expected true, got false"),
                          HasSubstr("events: expected [], got [cancel]")));
}

TEST(ClientExpectation, ANamedChannelThatConsumesIsAClientToo) {
  std::string json = R"({"version": 1, "queues": [{"name": "q"}],
    "timeline": [
      {"at_ms": 0, "connection": "c", "channel": 2, "consume": {"queue": "q", "consumer_tag": "t"}},
      {"at_ms": 10, "publish": {"routing_key": "q", "body": "x"}},
      {"at_ms": 20, "delete_queue": "q"}],
    "expect": [{"client": "c/2", "deliveries": [{"body": "x"}], "events": ["cancel t"]}],
    "run_for_ms": 30})";
  EXPECT_THAT(Failures(json), IsEmpty());
  std::string unknown = json;
  unknown.replace(unknown.find(R"("client": "c/2")"), 15, R"("client": "c")");
  EXPECT_THAT(ParseScenario(unknown, "f.json").status().message(),
              HasSubstr("/expect/0/client: no client (or named channel with a consume step) "
                        "named \"c\""));
}

TEST(QueueExpectation, NamePrefixChecksWhatAServerNamedQueueWasCalled) {
  auto run = [](std::string_view prefix) {
    return Failures(std::string(R"({"version": 1, "queues": [{"name": "", "as": "tmp"}],
      "expect": [{"queue": "tmp", "name_prefix": ")") + std::string(prefix) + R"("}]})");
  };
  EXPECT_THAT(run("amq.gen-"), IsEmpty());
  EXPECT_THAT(run("tmp"), ElementsAre(HasSubstr("name: expected one starting \"tmp\", got "
                                                "\"amq.gen-")));
}

TEST(TaskExpectation, BackendRowTellsNoRowFromAStoredState) {
  // "never" is never consumed (no worker on its queue): PENDING, no row.
  std::string json = R"({"version": 1,
    "celery": {"tasks": [{"name": "t"}],
               "workers": [{"name": "w", "pool": "solo", "queues": ["celery"]}]},
    "timeline": [{"at_ms": 0, "apply_async": {"task": "t", "queue": "celery", "label": "ran"}},
                 {"at_ms": 0, "apply_async": {"task": "t", "queue": "idle", "label": "never"}}],
    "expect": [{"task": "ran", "state": "SUCCESS", "backend_row": true},
               {"task": "never", "state": "PENDING", "backend_row": false}],
    "run_for_ms": 5000})";
  EXPECT_THAT(Failures(json), IsEmpty());
  std::string wrong = json;
  wrong.replace(wrong.find(R"("backend_row": false)"), 20, R"("backend_row": true)");
  EXPECT_THAT(Failures(wrong),
              ElementsAre(HasSubstr("task \"never\" backend row: expected one, got none")));
}

}  // namespace
}  // namespace warren
