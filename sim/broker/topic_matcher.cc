#include "sim/broker/topic_matcher.h"

namespace warren::internal {

std::vector<std::string_view> SplitTopicWords(std::string_view key) {
  std::vector<std::string_view> words;
  if (key.empty()) return words;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    if (dot == std::string_view::npos) {
      words.push_back(key.substr(start));
      return words;
    }
    words.push_back(key.substr(start, dot - start));
    start = dot + 1;
  }
}

namespace {

// Iterative matcher with backtracking on the last '#': linear in practice.
bool MatchWords(const std::vector<std::string_view>& pattern,
                const std::vector<std::string_view>& words) {
  size_t p = 0, w = 0;
  size_t star_p = std::string_view::npos, star_w = 0;
  while (w < words.size()) {
    if (p < pattern.size() && pattern[p] == "#") {
      star_p = p++;
      star_w = w;
    } else if (p < pattern.size() && (pattern[p] == "*" || pattern[p] == words[w])) {
      ++p;
      ++w;
    } else if (star_p != std::string_view::npos) {
      p = star_p + 1;
      w = ++star_w;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == "#") ++p;
  return p == pattern.size();
}

}  // namespace

bool TopicMatches(std::string_view binding_key, std::string_view routing_key) {
  return MatchWords(SplitTopicWords(binding_key), SplitTopicWords(routing_key));
}

}  // namespace warren::internal
