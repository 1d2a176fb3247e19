// The Observation is what the conformance suite compares with a real
// RabbitMQ, so each part of it must report what a client would see.
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "warren/observation.h"
#include "warren/scenario.h"
#include "warren/testing/matchers.h"

namespace warren {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

Observation Observe(std::string_view json) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario(json, "inline.json");
  EXPECT_THAT(spec, testing::IsOk());
  if (!spec.ok()) return {};
  ScenarioResult r = RunScenario(*spec, {.observe = true});
  for (const std::string& e : r.step_errors) ADD_FAILURE() << e;
  return r.observation;
}

TEST(Observation, AFailedStepRecordsReplyCodeWhatClosedAndText) {
  Observation o = Observe(R"({"version": 1, "queues": [{"name": "q", "durable": true}],
    "timeline": [
      {"at_ms": 0, "declare_queue": {"name": "q"},
       "expect_error": {"code": 406, "closes": "channel"}},
      {"at_ms": 0, "declare_queue": {"name": "q", "durable": true}}],
    "run_for_ms": 10})");
  ASSERT_EQ(o.steps.size(), 2u);
  EXPECT_EQ(o.steps[0].code, 406);
  EXPECT_EQ(o.steps[0].closes, "channel");
  EXPECT_EQ(o.steps[0].text,
            "PRECONDITION_FAILED - inequivalent arg 'durable' for queue 'q' in vhost '/': "
            "received 'false' but current is 'true'");
  EXPECT_EQ(o.steps[1].code, 0);
  EXPECT_EQ(o.steps[1].closes, "");
}

TEST(Observation, DeliveriesKeepXDeathButItsJsonDropsTheWallClockTime) {
  Observation o = Observe(R"({"version": 1,
    "queues": [{"name": "work", "arguments": {"x-dead-letter-exchange": "",
                                              "x-dead-letter-routing-key": "dead"}},
               {"name": "dead"}],
    "clients": [{"name": "worker", "queue": "work", "rules": [{"do": "reject"}]},
                {"name": "reader", "queue": "dead"}],
    "timeline": [{"at_ms": 0, "publish": {"routing_key": "work", "body": "m"}}],
    "run_for_ms": 10})");
  ASSERT_EQ(o.deliveries["reader"].size(), 1u);
  const ObservedMessage& m = o.deliveries["reader"][0];
  EXPECT_EQ(m.routing_key, "dead");
  ASSERT_TRUE(m.properties.headers);
  const FieldValue* x_death = m.properties.headers->Find("x-death");
  ASSERT_NE(x_death, nullptr);
  EXPECT_NE(x_death->as_array()[0].as_table().Find("time"), nullptr);

  nlohmann::json doc = nlohmann::json::parse(ObservationToJson(o));
  const nlohmann::json& entry =
      doc["deliveries"]["reader"][0]["properties"]["headers"]["x-death"][0];
  EXPECT_EQ(entry["count"], 1);
  EXPECT_EQ(entry["reason"], "rejected");
  EXPECT_FALSE(entry.contains("time"));
  EXPECT_EQ(doc["deliveries"]["worker"][0]["redelivered"], false);
}

TEST(Observation, QueuesAreDrainedHeadFirstAfterTheRunAndUnackedCounted) {
  Observation o = Observe(R"({"version": 1, "queues": [{"name": "q"}],
    "clients": [{"name": "holder", "queue": "q", "prefetch": 1, "rules": [{"do": "hold"}]}],
    "timeline": [{"at_ms": 0, "publish": {"routing_key": "q", "body": "a"}},
                 {"at_ms": 0, "publish": {"routing_key": "q", "body": "b"}},
                 {"at_ms": 0, "publish": {"routing_key": "q", "body": "c"}}],
    "run_for_ms": 10})");
  ASSERT_EQ(o.queues.size(), 1u);
  EXPECT_EQ(o.queues[0].unacked, 1u);
  std::vector<std::string> bodies;
  for (const ObservedMessage& m : o.queues[0].ready) bodies.push_back(m.body);
  EXPECT_THAT(bodies, ElementsAre("b", "c"));
}

TEST(Observation, ConfirmsAreAcksAndNacksInSequenceAndReturnsCarryTheMessage) {
  Observation o = Observe(R"({"version": 1,
    "queues": [{"name": "q", "arguments": {"x-max-length": 1, "x-overflow": "reject-publish"}}],
    "timeline": [
      {"at_ms": 0, "publish": {"routing_key": "q", "body": "kept", "confirm": true}},
      {"at_ms": 0, "publish": {"routing_key": "q", "body": "refused"}},
      {"at_ms": 0, "publish": {"routing_key": "nowhere", "body": "lost", "mandatory": true}}],
    "run_for_ms": 10})");
  EXPECT_THAT(o.confirms, ElementsAre(true, false, true));
  ASSERT_EQ(o.returns.size(), 1u);
  EXPECT_EQ(o.returns[0].reply_code, 312);
  EXPECT_EQ(o.returns[0].message.body, "lost");
  EXPECT_THAT(o.client_events, IsEmpty());
}

TEST(Observation, APlainRunRecordsStepRepliesButCopiesNoDeliveriesAndDrainsNothing) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario(R"({"version": 1, "queues": [{"name": "q"}],
    "clients": [{"name": "holder", "queue": "q", "prefetch": 1, "rules": [{"do": "hold"}]}],
    "timeline": [{"at_ms": 0, "publish": {"routing_key": "q", "body": "a"}},
                 {"at_ms": 0, "publish": {"routing_key": "q", "body": "b"}}],
    "run_for_ms": 10})", "inline.json");
  ASSERT_THAT(spec, testing::IsOk());
  ScenarioResult plain = RunScenario(*spec);
  EXPECT_EQ(plain.observation.steps.size(), 2u);
  EXPECT_THAT(plain.observation.deliveries, IsEmpty());
  EXPECT_THAT(plain.observation.queues, IsEmpty());
  ScenarioResult observed = RunScenario(*spec, {.observe = true});
  EXPECT_EQ(observed.observation.deliveries["holder"].size(), 1u);
  ASSERT_EQ(observed.observation.queues.size(), 1u);
  EXPECT_EQ(observed.observation.queues[0].ready.size(), 1u);
}

TEST(Observation, PastItsBoundMessagesAreCountedOutAndTheRunSaysSo) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario(R"({"version": 1,
    "queues": [{"name": "q"}, {"name": "left"}],
    "clients": [{"name": "c", "queue": "q"}],
    "timeline": [{"at_ms": 0, "publish": {"routing_key": "q", "count": 3}},
                 {"at_ms": 0, "publish": {"routing_key": "left", "count": 2}}],
    "expect": [{"queue": "q", "ready": 0}],
    "run_for_ms": 10})", "inline.json");
  ASSERT_THAT(spec, testing::IsOk());
  ScenarioResult r = RunScenario(*spec, {.observe = true, .max_observed_messages = 4});
  // 3 deliveries, then 1 of the 2 drained from "left"; the run itself is whole.
  EXPECT_EQ(r.observation.deliveries["c"].size(), 3u);
  ASSERT_EQ(r.observation.queues.size(), 2u);
  EXPECT_EQ(r.observation.queues[0].name, "left");
  EXPECT_EQ(r.observation.queues[0].ready.size(), 1u);
  EXPECT_THAT(r.failures, IsEmpty());
  ASSERT_EQ(r.step_errors.size(), 1u);
  EXPECT_THAT(r.step_errors[0], ::testing::HasSubstr("max_observed_messages = 4"));
  ScenarioResult whole = RunScenario(*spec, {.observe = true, .max_observed_messages = 5});
  EXPECT_THAT(whole.step_errors, IsEmpty());
  EXPECT_EQ(whole.observation.queues[0].ready.size(), 2u);
}

}  // namespace
}  // namespace warren
