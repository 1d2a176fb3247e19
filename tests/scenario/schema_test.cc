// The published JSON Schema and the README name exactly the timeline
// actions and expectation kinds the parser knows (its tables are the one
// place each key is written; these two documents can drift from them).
#include <fstream>
#include <span>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sim/scenario/expect_parser.h"
#include "sim/scenario/parser.h"
#include "sim/scenario/scenario_keys.h"

namespace warren {
namespace {

std::set<std::string> Keys(std::span<const std::string_view> keys) {
  return std::set<std::string>(keys.begin(), keys.end());
}

std::set<std::string> ParserActions() {
  std::set<std::string> keys;
  for (std::string_view k : internal::TimelineActionKeys()) keys.emplace(k);
  return keys;
}

TEST(ScenarioSchema, NamesEveryTimelineActionTheParserKnowsAndNoOther) {
  std::ifstream in(std::string(WARREN_SCENARIO_DIR) + "/schema.json");
  ASSERT_TRUE(in) << "scenarios/schema.json";
  nlohmann::json schema = nlohmann::json::parse(in);
  std::set<std::string> in_schema;
  for (const auto& [key, value] : schema["properties"]["timeline"]["items"]["properties"].items()) {
    // The step's own keys (at_ms, note, expect_error, connection, channel).
    if (!Keys(internal::kStepKeys).contains(key)) in_schema.insert(key);
  }
  EXPECT_EQ(in_schema, ParserActions());
}

TEST(ScenarioSchema, TheReadmeListsEveryTimelineAction) {
  std::ifstream in(std::string(WARREN_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md";
  std::stringstream text;
  text << in.rdbuf();
  for (const std::string& key : ParserActions()) {
    EXPECT_THAT(text.str(), ::testing::HasSubstr("`" + key + "`")) << key;
  }
}

TEST(ScenarioSchema, AllowsEveryExpectationKindTheParserKnows) {
  std::ifstream in(std::string(WARREN_SCENARIO_DIR) + "/schema.json");
  ASSERT_TRUE(in) << "scenarios/schema.json";
  nlohmann::json schema = nlohmann::json::parse(in);
  const nlohmann::json& allowed = schema["properties"]["expect"]["items"]["properties"];
  for (std::string_view key : internal::ExpectationKeys()) {
    EXPECT_TRUE(allowed.contains(std::string(key))) << key;
  }
}

TEST(ScenarioSchema, TheReadmeListsEveryExpectationKind) {
  std::ifstream in(std::string(WARREN_SOURCE_DIR) + "/README.md");
  ASSERT_TRUE(in) << "README.md";
  std::stringstream text;
  text << in.rdbuf();
  for (std::string_view key : internal::ExpectationKeys()) {
    EXPECT_THAT(text.str(), ::testing::HasSubstr("`" + std::string(key) + "`")) << key;
  }
}

nlohmann::json LoadSchema() {
  std::ifstream in(std::string(WARREN_SCENARIO_DIR) + "/schema.json");
  return nlohmann::json::parse(in);
}

// Each key table of the parser, and where schema.json describes the same
// object (every pointer names a "properties" object of the schema).
TEST(ScenarioSchema, EveryObjectAllowsExactlyTheKeysOfTheParsersTable) {
  using namespace internal;  // the k...Keys tables
  const std::string items = "/properties/timeline/items/properties";
  const std::vector<std::pair<std::span<const std::string_view>, std::vector<std::string>>> where = {
      {kRootKeys, {"/properties"}},
      {kOptionsKeys, {"/properties/options/properties"}},
      {kExchangeKeys, {"/properties/exchanges/items/properties", items + "/declare_exchange/properties"}},
      {kQueueKeys, {"/properties/queues/items/properties", items + "/declare_queue/properties"}},
      {kBindingKeys,
       {"/properties/bindings/items/properties", items + "/bind/properties", items + "/unbind/properties"}},
      {kPolicyKeys, {"/properties/policies/items/properties", items + "/set_policy/properties"}},
      {kPropertiesKeys, {items + "/publish/properties/properties/properties"}},
      {kClientKeys, {"/properties/clients/items/properties"}},
      {kClientRuleKeys, {"/properties/clients/items/properties/rules/items/properties"}},
      {kClientWhenKeys, {"/properties/clients/items/properties/rules/items/properties/when/properties"}},
      {kExpectedErrorKeys,
       {"/properties/clients/items/properties/expect_error/properties", items + "/expect_error/properties"}},
      {kPublishKeys, {items + "/publish/properties"}},
      {kApplyAsyncKeys, {items + "/apply_async/properties"}},
      {kDeleteQueueKeys, {items + "/delete_queue/oneOf/1/properties"}},
      {kDeleteExchangeKeys, {items + "/delete_exchange/oneOf/1/properties"}},
      {kGetKeys, {items + "/get/properties"}},
      {kConsumeKeys, {items + "/consume/properties"}},
      {kQosKeys, {items + "/qos/properties"}},
      {kAckKeys, {items + "/ack/properties"}},
      {kNackKeys, {items + "/nack/properties"}},
      {kRejectKeys, {items + "/reject/properties"}},
      {kRecoverKeys, {items + "/recover/properties"}},
      {kCeleryKeys, {"/properties/celery/properties"}},
      {kCeleryAppKeys, {"/properties/celery/properties/app/properties"}},
      {kTaskKeys, {"/properties/celery/properties/tasks/items/properties"}},
      {kRetryKwargsKeys, {"/properties/celery/properties/tasks/items/properties/retry_kwargs/properties"}},
      {kAttemptKeys, {"/properties/celery/properties/tasks/items/properties/body/items/properties"}},
      {kAttemptWhenKeys,
       {"/properties/celery/properties/tasks/items/properties/body/items/properties/when/properties"}},
      {kWorkerKeys, {"/properties/celery/properties/workers/items/properties"}},
      {kExpectationKeys, {"/properties/expect/items/properties"}},
      {kExpectedMessageKeys,
       {"/properties/expect/items/properties/messages/items/properties",
        "/properties/expect/items/properties/deliveries/items/properties"}},
      {kExpectedXDeathKeys,
       {"/properties/expect/items/properties/messages/items/properties/x_death/items/properties",
        "/properties/expect/items/properties/deliveries/items/properties/x_death/items/properties"}},
  };
  nlohmann::json schema = LoadSchema();
  for (const auto& [table, pointers] : where) {
    for (const std::string& pointer : pointers) {
      SCOPED_TRACE(pointer);
      const nlohmann::json& props = schema.at(nlohmann::json::json_pointer(pointer));
      std::set<std::string> in_schema;
      for (const auto& [key, value] : props.items()) in_schema.insert(key);
      EXPECT_EQ(in_schema, Keys(table));
    }
  }
  // Every table is checked above, except the typed field value, which the
  // schema describes as any JSON value.
  EXPECT_EQ(where.size() + 1, ScenarioKeyTables().size());
}

TEST(ScenarioKeyReference, TheCommittedReferenceIsWhatWarrenKeysGenerates) {
  std::ifstream in(std::string(WARREN_SCENARIO_DIR) + "/KEYS.md");
  ASSERT_TRUE(in) << "scenarios/KEYS.md";
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(text.str(), internal::ScenarioKeyReference())
      << "regenerate it: build/warren keys > scenarios/KEYS.md";
}

TEST(ScenarioKeyReference, NamesEveryKeyOfEveryTableAndEveryAction) {
  std::string reference = internal::ScenarioKeyReference();
  for (const internal::KeyTable& t : internal::ScenarioKeyTables()) {
    for (std::string_view k : t.keys) {
      EXPECT_THAT(reference, ::testing::HasSubstr("`" + std::string(k) + "`")) << t.where;
    }
  }
  for (const std::string& action : ParserActions()) {
    EXPECT_THAT(reference, ::testing::HasSubstr("`" + action + "`"));
  }
}

}  // namespace
}  // namespace warren
