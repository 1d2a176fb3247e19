#include "sim/broker/topic_matcher.h"

#include "gtest/gtest.h"

namespace warren::internal {
namespace {

struct Case {
  const char* binding;
  const char* key;
  bool matches;
};

// The consequences listed in the spec, section 1.4.
constexpr Case kCases[] = {
    {"", "", true},       {"#", "", true},        {"#.#", "", true},    {"#.#.#", "", true},
    {"*", "", false},     {"a", "", false},       {"*", "a", true},     {"*", "#", true},
    {"*", "*", true},     {"*", "a.b", false},    {"a.*", "a.", true},  {"a.*", "a.b", true},
    {"a.*", "a", false},  {"a.#", "a", true},     {"a.#", "a.", true},  {"a.#", "a..b", true},
    {"*.*", ".", true},   {"*.*", "a.", true},    {"#.*", "a", true},   {"#.*", "", false},
    {"*.#", "a.b.c", true}, {"#.*.#", "x", true}, {"#.*.#", "", false}, {"a.*.b", "a..b", true},
    {"A.b", "a.b", false}, {"a*", "ab", false},   {"a*", "a*", true},   {"#a", "a", false},
    {"a.#.b", "a.b", true}, {"a.#.b", "a.x.y.b", true}, {"a.#.b", "a.x.y.c", false},
    {"#.b.#.c", "b.c", true}, {"#.b.#.c", "x.b.y.c.c", true}, {"#.b.#.c", "x.c.b", false},
};

TEST(TopicMatcher, FollowsRabbitMqWordRules) {
  for (const Case& c : kCases) {
    EXPECT_EQ(TopicMatches(c.binding, c.key), c.matches)
        << "binding '" << c.binding << "' key '" << c.key << "'";
  }
}

TEST(TopicMatcher, EmptyKeyHasZeroWordsAndTrailingDotMakesAnEmptyWord) {
  EXPECT_TRUE(SplitTopicWords("").empty());
  EXPECT_EQ(SplitTopicWords("a.").size(), 2u);
  EXPECT_EQ(SplitTopicWords(".").size(), 2u);
  EXPECT_EQ(SplitTopicWords("a..b").size(), 3u);
}

}  // namespace
}  // namespace warren::internal
