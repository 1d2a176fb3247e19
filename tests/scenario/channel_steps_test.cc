// Timeline steps on the file's own named connections: the channel-level
// methods (consume, ack by tag, tx, close...), what their replies carry, and
// expect_error on policy steps. The conformance suite (s10_*) holds the same
// methods against a real RabbitMQ; these pin the runner's own rules.
#include <string>
#include <string_view>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "warren/observation.h"
#include "warren/scenario.h"
#include "warren/testing/matchers.h"

namespace warren {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

ScenarioResult RunFile(std::string_view json) {
  absl::StatusOr<ScenarioSpec> spec = ParseScenario(json, "inline.json");
  EXPECT_THAT(spec, testing::IsOk());
  if (!spec.ok()) return {};
  return RunScenario(*spec, {.observe = true});
}

std::vector<uint64_t> Tags(const std::vector<ObservedDelivery>& list) {
  std::vector<uint64_t> tags;
  for (const ObservedDelivery& d : list) tags.push_back(d.delivery_tag);
  return tags;
}

TEST(NamedConnection, StepsOnOneConnectionShareItsChannelItsConsumerAndItsTags) {
  ScenarioResult r = RunFile(R"({"version": 1, "queues": [{"name": "q"}],
    "timeline": [
      {"at_ms": 0, "connection": "c1", "consume": {"queue": "q", "consumer_tag": "t"}},
      {"at_ms": 10, "publish": {"routing_key": "q", "body": "a"}},
      {"at_ms": 10, "publish": {"routing_key": "q", "body": "b"}},
      {"at_ms": 10, "publish": {"routing_key": "q", "body": "c"}},
      {"at_ms": 20, "connection": "c1", "ack": {"delivery_tag": 2, "multiple": true}}],
    "expect": [{"queue": "q", "ready": 0, "unacked": 1}],
    "run_for_ms": 30})");
  EXPECT_THAT(r.step_errors, IsEmpty());
  EXPECT_THAT(r.failures, IsEmpty());
  ASSERT_EQ(r.observation.channels["c1"].size(), 3u);
  EXPECT_THAT(Tags(r.observation.channels["c1"]), ElementsAre(1, 2, 3));
  EXPECT_EQ(r.observation.channels["c1"][2].consumer_tag, "t");
  EXPECT_EQ(r.observation.channels["c1"][2].message.body, "c");
}

TEST(NamedConnection, AChannelAStepClosedOpensAgainAtItsNextStepWithTagsFromOne) {
  ScenarioResult r = RunFile(R"({"version": 1, "queues": [{"name": "q"}],
    "timeline": [
      {"at_ms": 0, "publish": {"routing_key": "q", "body": "a"}},
      {"at_ms": 10, "connection": "c1", "get": {"queue": "q"}},
      {"at_ms": 20, "connection": "c1", "ack": {"delivery_tag": 7},
       "expect_error": {"code": 406, "closes": "channel",
                        "text": "PRECONDITION_FAILED - unknown delivery tag 7"}},
      {"at_ms": 30, "connection": "c1", "get": {"queue": "q"}}],
    "run_for_ms": 40})");
  EXPECT_THAT(r.step_errors, IsEmpty());
  EXPECT_THAT(r.failures, IsEmpty());
  ASSERT_EQ(r.observation.steps.size(), 4u);
  const std::optional<ObservedReply>& first = r.observation.steps[1].reply;
  const std::optional<ObservedReply>& again = r.observation.steps[3].reply;
  ASSERT_TRUE(first && first->got && again && again->got);
  EXPECT_EQ(first->got->delivery_tag, 1u);
  EXPECT_FALSE(first->got->message.redelivered);
  // The close requeued "a"; the new channel's first tag is 1 again.
  EXPECT_EQ(again->got->delivery_tag, 1u);
  EXPECT_TRUE(again->got->message.redelivered);
}

TEST(NamedConnection, AnExclusiveQueueBelongsToTheConnectionThatDeclaredIt) {
  ScenarioResult r = RunFile(R"({"version": 1,
    "timeline": [
      {"at_ms": 0, "connection": "owner", "declare_queue": {"name": "mine", "exclusive": true}},
      {"at_ms": 10, "connection": "other", "get": {"queue": "mine"},
       "expect_error": {"code": 405, "closes": "channel"}},
      {"at_ms": 20, "connection": "owner", "get": {"queue": "mine"}},
      {"at_ms": 30, "connection": "owner", "close": "connection"}],
    "expect": [{"queue_gone": "mine"}],
    "run_for_ms": 40})");
  EXPECT_THAT(r.step_errors, IsEmpty());
  EXPECT_THAT(r.failures, IsEmpty());
  ASSERT_TRUE(r.observation.steps[2].reply);
  EXPECT_TRUE(r.observation.steps[2].reply->empty);
}

TEST(NamedConnection, TransactionalPublishesAndAcksTakeEffectOnlyAtCommit) {
  ScenarioResult r = RunFile(R"({"version": 1, "queues": [{"name": "q"}],
    "timeline": [
      {"at_ms": 0, "connection": "tx", "tx": "select"},
      {"at_ms": 0, "connection": "tx", "publish": {"routing_key": "q", "body": "kept"}},
      {"at_ms": 10, "declare_queue": {"name": "q", "passive": true}},
      {"at_ms": 20, "connection": "tx", "tx": "commit"},
      {"at_ms": 20, "connection": "tx", "publish": {"routing_key": "q", "body": "dropped"}},
      {"at_ms": 20, "connection": "tx", "tx": "rollback"},
      {"at_ms": 30, "declare_queue": {"name": "q", "passive": true}}],
    "expect": [{"queue": "q", "ready": 1, "messages": [{"body": "kept"}]}],
    "run_for_ms": 40})");
  EXPECT_THAT(r.step_errors, IsEmpty());
  EXPECT_THAT(r.failures, IsEmpty());
  ASSERT_TRUE(r.observation.steps[2].reply && r.observation.steps[6].reply);
  EXPECT_EQ(r.observation.steps[2].reply->message_count, 0u);
  EXPECT_EQ(r.observation.steps[6].reply->message_count, 1u);
}

TEST(NamedConnection, ClosingTheConnectionRequeuesWhatEveryChannelHeld) {
  ScenarioResult r = RunFile(R"({"version": 1, "queues": [{"name": "q"}],
    "timeline": [
      {"at_ms": 0, "publish": {"routing_key": "q", "body": "a"}},
      {"at_ms": 0, "publish": {"routing_key": "q", "body": "b"}},
      {"at_ms": 10, "connection": "c", "get": {"queue": "q"}},
      {"at_ms": 10, "connection": "c", "channel": 2, "get": {"queue": "q"}},
      {"at_ms": 20, "declare_queue": {"name": "q", "passive": true}},
      {"at_ms": 30, "connection": "c", "close": "connection"},
      {"at_ms": 40, "declare_queue": {"name": "q", "passive": true}}],
    "run_for_ms": 50})");
  EXPECT_THAT(r.step_errors, IsEmpty());
  ASSERT_TRUE(r.observation.steps[4].reply && r.observation.steps[6].reply);
  EXPECT_EQ(r.observation.steps[4].reply->message_count, 0u);
  EXPECT_EQ(r.observation.steps[6].reply->message_count, 2u);
}

TEST(PolicyStep, ExpectErrorComparesTheManagementApiErrorText) {
  const std::string bad_pattern =
      R"("set_policy": {"name": "p", "pattern": "(", "definition": {"message-ttl": 5}})";
  ScenarioResult right = RunFile(R"({"version": 1, "timeline": [{"at_ms": 0, )" + bad_pattern +
                             R"(, "expect_error": {"text": "Validation failed\n\npattern should )"
                             R"(be regular expression but is invalid: {\"missing )\",1}\n"}}]})");
  EXPECT_THAT(right.step_errors, IsEmpty());
  EXPECT_THAT(right.failures, IsEmpty());

  ScenarioResult wrong = RunFile(R"({"version": 1, "timeline": [{"at_ms": 0, )" + bad_pattern +
                             R"(, "expect_error": {"text": "something else"}}]})");
  ASSERT_EQ(wrong.failures.size(), 1u);
  EXPECT_THAT(wrong.failures[0].what, HasSubstr("missing )"));

  ScenarioResult accepted = RunFile(R"({"version": 1, "timeline": [{"at_ms": 0,
    "set_policy": {"name": "p", "pattern": "^q$", "definition": {"message-ttl": 5}},
    "expect_error": {"text": "anything"}}]})");
  ASSERT_EQ(accepted.failures.size(), 1u);
  EXPECT_THAT(accepted.failures[0].what, HasSubstr("but it succeeded"));
}

TEST(StepReply, GetOkCarriesTheReadyCountLeftAndGetEmptyIsMarked) {
  ScenarioResult r = RunFile(R"({"version": 1, "queues": [{"name": "q"}],
    "timeline": [
      {"at_ms": 0, "publish": {"routing_key": "q", "body": "a"}},
      {"at_ms": 0, "publish": {"routing_key": "q", "body": "b"}},
      {"at_ms": 10, "get": {"queue": "q", "no_ack": true}},
      {"at_ms": 10, "get": {"queue": "q", "no_ack": true}},
      {"at_ms": 10, "get": {"queue": "q", "no_ack": true}},
      {"at_ms": 20, "purge_queue": "q"}],
    "run_for_ms": 30})");
  EXPECT_THAT(r.step_errors, IsEmpty());
  const std::vector<ObservedStep>& s = r.observation.steps;
  ASSERT_EQ(s.size(), 6u);
  ASSERT_TRUE(s[2].reply && s[2].reply->got && s[3].reply && s[3].reply->got && s[4].reply);
  EXPECT_EQ(s[2].reply->got->message.body, "a");
  EXPECT_EQ(s[2].reply->message_count, 1u);
  EXPECT_EQ(s[3].reply->message_count, 0u);
  EXPECT_TRUE(s[4].reply->empty);
  EXPECT_FALSE(s[4].reply->got);
  ASSERT_TRUE(s[5].reply);
  EXPECT_EQ(s[5].reply->message_count, 0u);
}

}  // namespace
}  // namespace warren
