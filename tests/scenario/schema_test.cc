// The published JSON Schema and the README name exactly the timeline
// actions and expectation kinds the parser knows (its tables are the one
// place each key is written; these two documents can drift from them).
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "sim/scenario/expect_parser.h"
#include "sim/scenario/parser.h"

namespace warren {
namespace {

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
    if (key != "at_ms" && key != "expect_error" && key != "note") in_schema.insert(key);
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

}  // namespace
}  // namespace warren
