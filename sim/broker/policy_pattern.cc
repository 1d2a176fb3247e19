#include "sim/broker/policy_pattern.h"

#include <pcre.h>

#include "sim/core/strings.h"

namespace warren::internal {
namespace {

// Backtracking steps per match (PCRE's default is 10^7: ~0.1 s of a
// pathological pattern against a 255-byte name; this is a tenth of that).
constexpr unsigned long kMatchLimit = 1'000'000;
// Nested backtracking frames per match: PCRE (as Debian builds it) recurses
// on the C stack, a few hundred bytes per frame.
constexpr unsigned long kRecursionLimit = 4'000;

// Erlang's ~p of a string: double quotes, \" and \\ escaped.
std::string ErlangString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

struct PolicyPattern::Compiled {
  pcre* code = nullptr;
  pcre_extra* extra = nullptr;
  ~Compiled() {
    if (extra != nullptr) pcre_free_study(extra);
    if (code != nullptr) pcre_free(code);
  }
};

absl::StatusOr<PolicyPattern> PolicyPattern::Compile(std::string_view pattern) {
  if (size_t nul = pattern.find('\0'); nul != std::string_view::npos) {
    // PCRE 8 takes a C string; Erlang passes the binary with its length.
    // Refused rather than silently cut.
    return absl::InvalidArgumentError(Cat("{\"NUL byte in pattern\",", nul, "}"));
  }
  auto c = std::make_shared<Compiled>();
  const char* error = nullptr;
  int offset = 0;
  std::string text(pattern);
  c->code = pcre_compile(text.c_str(), 0, &error, &offset, nullptr);
  if (c->code == nullptr) {
    return absl::InvalidArgumentError(Cat("{", ErlangString(error), ",", offset, "}"));
  }
  c->extra = static_cast<pcre_extra*>(pcre_malloc(sizeof(pcre_extra)));
  *c->extra = pcre_extra{};
  c->extra->flags = PCRE_EXTRA_MATCH_LIMIT | PCRE_EXTRA_MATCH_LIMIT_RECURSION;
  c->extra->match_limit = kMatchLimit;
  c->extra->match_limit_recursion = kRecursionLimit;
  return PolicyPattern(std::move(c));
}

bool PolicyPattern::Matches(std::string_view name) const {
  int rc = pcre_exec(compiled_->code, compiled_->extra, name.data(), static_cast<int>(name.size()),
                     0, 0, nullptr, 0);
  return rc >= 0;
}

}  // namespace warren::internal
