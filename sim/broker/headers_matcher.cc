#include "sim/broker/headers_matcher.h"

#include "absl/strings/match.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

enum class Mode { kAll, kAny, kAllWithX, kAnyWithX };

Mode ModeOf(const FieldTable& args) {
  const FieldValue* m = args.Find("x-match");
  if (m == nullptr) return Mode::kAll;
  const std::string& s = m->as_string();
  if (s == "any") return Mode::kAny;
  if (s == "all-with-x") return Mode::kAllWithX;
  if (s == "any-with-x") return Mode::kAnyWithX;
  return Mode::kAll;
}

}  // namespace

std::optional<std::string> ValidateHeadersBinding(const FieldTable& args) {
  const FieldValue* m = args.Find("x-match");
  if (m == nullptr) return std::nullopt;
  if (m->type() != FieldType::kLongString) {
    return Cat("Invalid x-match field type ", FieldTypeName(m->type()), " (value ",
                        m->ToString(), "); expected longstr");
  }
  const std::string& s = m->as_string();
  if (s == "all" || s == "any" || s == "all-with-x" || s == "any-with-x") return std::nullopt;
  return Cat("Invalid x-match field value <<\"", s,
                      "\">>; expected all, any, all-with-x, or any-with-x");
}

namespace {

// `matches(key, pattern)`: the message has header `key` and it matches
// `pattern` (a void pattern tests presence only).
template <typename Matches>
bool MatchWith(const FieldTable& args, Matches matches) {
  Mode mode = ModeOf(args);
  bool with_x = mode == Mode::kAllWithX || mode == Mode::kAnyWithX;
  bool all = mode == Mode::kAll || mode == Mode::kAllWithX;
  for (const auto& [key, pattern] : args) {
    if (key == "x-match") continue;
    if (!with_x && absl::StartsWith(key, "x-")) continue;
    bool matched = matches(key, pattern);
    if (all && !matched) return false;
    if (!all && matched) return true;
  }
  return all;
}

// A void pattern tests presence only.
bool ValueMatches(const FieldValue& pattern, const FieldValue* value) {
  return value != nullptr && (pattern.type() == FieldType::kVoid || pattern.LooselyEquals(*value));
}

}  // namespace

bool HeadersMatch(const FieldTable& args, const FieldTable* headers) {
  return MatchWith(args, [headers](std::string_view key, const FieldValue& pattern) {
    return ValueMatches(pattern, headers ? headers->Find(key) : nullptr);
  });
}

EncodedHeaders::EncodedHeaders(std::string_view encoded_properties)
    : raw_(SplitProperties(encoded_properties).headers), decoded_(raw_.size()) {}

const FieldValue* EncodedHeaders::Find(std::string_view key) {
  constexpr size_t kScanLimit = 16;  // a linear look is cheaper below this
  size_t found = raw_.size();
  if (raw_.size() <= kScanLimit) {
    for (size_t i = 0; i < raw_.size(); ++i) {
      if (raw_[i].key == key) {
        found = i;
        break;
      }
    }
  } else {
    if (index_.empty()) {
      for (size_t i = 0; i < raw_.size(); ++i) {
        index_.try_emplace(absl::string_view(raw_[i].key.data(), raw_[i].key.size()), i);
      }
    }
    auto it = index_.find(absl::string_view(key.data(), key.size()));
    if (it != index_.end()) found = it->second;
  }
  if (found == raw_.size()) return nullptr;
  if (!decoded_[found]) decoded_[found] = DecodeValue(raw_[found].value);
  return &*decoded_[found];
}

bool HeadersMatch(const FieldTable& args, EncodedHeaders& headers) {
  return MatchWith(args, [&headers](std::string_view key, const FieldValue& pattern) {
    return ValueMatches(pattern, headers.Find(key));
  });
}

}  // namespace warren::internal
