// The topic trie must agree with the word rules (TopicMatches) for every
// pair of binding key and routing key, including empty words and '#'
// sequences, and return each matching value once.
#include "sim/broker/topic_trie.h"

#include <algorithm>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "sim/broker/topic_matcher.h"

namespace warren::internal {
namespace {

const std::vector<std::string> kKeys = {
    "", "#", "*", "a", "a.b", "a.b.c", "a.*", "*.b", "a.#", "#.c", "a.#.c", "#.#", "*.*",
    "a..b", ".", "..", "a.", ".a", "#.a.#", "*.#", "#.*", "a.*.#", "a.#.#.c", "*", "b.a"};

TEST(TopicTrie, AgreesWithTheWordRulesForEveryPairOfKeys) {
  TopicTrie<int> trie;
  for (size_t i = 0; i < kKeys.size(); ++i) trie.Add(kKeys[i], static_cast<int>(i));
  for (const std::string& routing : kKeys) {
    std::vector<int> got;
    trie.Match(routing, got);
    std::sort(got.begin(), got.end());
    std::vector<int> want;
    for (size_t i = 0; i < kKeys.size(); ++i) {
      if (TopicMatches(kKeys[i], routing)) want.push_back(static_cast<int>(i));
    }
    EXPECT_EQ(got, want) << "routing key '" << routing << "'";
  }
}

TEST(TopicTrie, RemovingABindingLeavesTheOthersAndEmptiesTheTrie) {
  TopicTrie<int> trie;
  trie.Add("a.#", 1);
  trie.Add("a.#", 2);
  trie.Add("a.*", 3);
  trie.Remove("a.#", 1);
  std::vector<int> got;
  trie.Match("a.b", got);
  std::sort(got.begin(), got.end());
  EXPECT_THAT(got, ::testing::ElementsAre(2, 3));
  trie.Remove("a.#", 2);
  trie.Remove("a.*", 3);
  EXPECT_TRUE(trie.empty());
}

}  // namespace
}  // namespace warren::internal
