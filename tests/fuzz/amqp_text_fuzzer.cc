// Fuzzes the parsers of text that arrives from AMQP clients and operators:
// the expiration property, topic binding keys and routing keys (checked
// against a plain reference matcher), and policy patterns (compiled and
// matched against queue names). Input: three strings separated by '\n'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/amqp/expiration.h"
#include "sim/broker/topic_matcher.h"
#include "sim/broker/topic_trie.h"
#include "warren/warren.h"

namespace {

std::vector<std::string> Words(std::string_view key) {
  std::vector<std::string> out;
  if (key.empty()) return out;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    out.emplace_back(key.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return out;
    start = dot + 1;
  }
}

// The rules by the book, exponential but obviously right.
bool Reference(const std::vector<std::string>& b, size_t i, const std::vector<std::string>& r,
               size_t j) {
  if (i == b.size()) return j == r.size();
  if (b[i] == "#") {
    for (size_t k = j; k <= r.size(); ++k) {
      if (Reference(b, i + 1, r, k)) return true;
    }
    return false;
  }
  if (j == r.size()) return false;
  if (b[i] != "*" && b[i] != r[j]) return false;
  return Reference(b, i + 1, r, j + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t a = in.find('\n');
  size_t b = a == std::string_view::npos ? a : in.find('\n', a + 1);
  std::string_view first = in.substr(0, a);
  std::string_view second = a == std::string_view::npos ? "" : in.substr(a + 1, b - a - 1);
  std::string_view third = b == std::string_view::npos ? "" : in.substr(b + 1);

  // expiration: a TTL in range, or a reason; never both, never a crash.
  auto ttl = warren::internal::ParseExpiration(first);
  if (const int64_t* ms = std::get_if<int64_t>(&ttl)) {
    if (*ms < 0 || *ms > warren::internal::kMaxExpiryMs) std::abort();
  }

  // topic matching agrees with the reference (bounded: the reference is
  // exponential in the number of '#').
  std::vector<std::string> bw = Words(first), rw = Words(second);
  if (bw.size() <= 12 && rw.size() <= 24 &&
      warren::internal::TopicMatches(first, second) != Reference(bw, 0, rw, 0)) {
    std::abort();
  }
  // ... and so does the trie the topic exchange routes with.
  warren::internal::TopicTrie<int> trie;
  trie.Add(first, 1);
  std::vector<int> hits;
  trie.Match(second, hits);
  if (hits.size() > 1 || hits.empty() == warren::internal::TopicMatches(first, second)) {
    std::abort();
  }

  // policy patterns: refused with a reason, or compiled and matched. PCRE
  // with match and recursion limits: no pattern is kept out (the old
  // std::regex engine could take exponential time on "(a+)+").
  {
    warren::Simulation sim;
    absl::Status s = sim.SetPolicy({.name = "p",
                                    .pattern = std::string(third),
                                    .definition = {{"max-length", warren::FieldValue::SignedInt(1)}}});
    if (s.ok()) {
      warren::Connection conn = sim.Connect("fuzz");
      absl::StatusOr<warren::Channel> ch = conn.OpenChannel();
      if (ch.ok() && second.size() <= 255) (void)ch->QueueDeclare(second);
    } else if (s.message().empty()) {
      std::abort();
    }
  }
  return 0;
}
