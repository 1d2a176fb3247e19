// A topic exchange's bindings as a trie of binding-key words, so routing
// costs follow the routing key's words and the matches, not the number of
// bindings (RabbitMQ keeps a similar trie: rabbit_exchange_type_topic).
// Same word rules as TopicMatches: "*" is exactly one (possibly empty)
// word, "#" zero or more. Values are returned in no particular order, each
// once per Match call.
#ifndef WARREN_SIM_BROKER_TOPIC_TRIE_H_
#define WARREN_SIM_BROKER_TOPIC_TRIE_H_

#include <algorithm>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/string_view.h"
#include "sim/broker/topic_matcher.h"

namespace warren::internal {

template <typename T>
class TopicTrie {
 public:
  void Add(std::string_view binding_key, T value) {
    Node* n = &root_;
    for (std::string_view w : SplitTopicWords(binding_key)) {
      auto& child = n->children[std::string(w)];
      if (!child) child = std::make_unique<Node>();
      n = child.get();
    }
    n->values.push_back(std::move(value));
  }

  // Removes one occurrence of `value` under `binding_key`; prunes empty nodes.
  void Remove(std::string_view binding_key, const T& value) {
    std::vector<std::string_view> words = SplitTopicWords(binding_key);
    Remove(&root_, words, 0, value);
  }

  // Appends every value whose binding key matches `routing_key`.
  template <typename Out>
  void Match(std::string_view routing_key, Out& out) const {
    std::vector<std::string_view> words = SplitTopicWords(routing_key);
    WalkState state;
    Walk(&root_, words, 0, state, out);
  }

  bool empty() const { return root_.children.empty() && root_.values.empty(); }

 private:
  struct Node {
    absl::flat_hash_map<std::string, std::unique_ptr<Node>> children;
    std::vector<T> values;
    const Node* Child(std::string_view w) const {
      auto it = children.find(absl::string_view(w.data(), w.size()));
      return it == children.end() ? nullptr : it->second.get();
    }
  };

  struct WalkState {
    // (node, position) pairs visited: '#' can reach a node through several
    // splits of the words, and must neither repeat work nor values.
    absl::flat_hash_set<std::pair<const Node*, size_t>> seen;
    // For each '#' node, the lowest position its word loop has started
    // from: a later start only covers the positions below it, so a '#'
    // costs O(words) in all, not O(words) per way of reaching it.
    absl::flat_hash_map<const Node*, size_t> hash_from;
  };

  template <typename Out>
  static void Walk(const Node* n, const std::vector<std::string_view>& words, size_t i,
                   WalkState& state, Out& out) {
    if (!state.seen.insert({n, i}).second) return;
    if (i == words.size()) out.insert(out.end(), n->values.begin(), n->values.end());
    if (const Node* hash = n->Child("#")) {
      auto [it, first] = state.hash_from.try_emplace(hash, words.size() + 1);
      size_t end = it->second;  // positions >= end are already covered
      if (i < end) {
        it->second = i;
        for (size_t k = i; k < end; ++k) Walk(hash, words, k, state, out);
      }
    }
    if (i == words.size()) return;
    if (const Node* exact = n->Child(words[i])) Walk(exact, words, i + 1, state, out);
    if (words[i] != "*") {
      if (const Node* star = n->Child("*")) Walk(star, words, i + 1, state, out);
    }
  }

  static bool Remove(Node* n, const std::vector<std::string_view>& words, size_t i,
                     const T& value) {
    if (i == words.size()) {
      auto it = std::find(n->values.begin(), n->values.end(), value);
      if (it != n->values.end()) n->values.erase(it);
    } else {
      auto it = n->children.find(absl::string_view(words[i].data(), words[i].size()));
      if (it != n->children.end() && Remove(it->second.get(), words, i + 1, value)) {
        n->children.erase(it);
      }
    }
    return n->children.empty() && n->values.empty();
  }

  Node root_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_TOPIC_TRIE_H_
