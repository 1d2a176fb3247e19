// StrCat/StrAppend that accept std::string_view. This Abseil build's
// absl::string_view is its own type, so std::string_view arguments are
// converted here, in one place.
#ifndef WARREN_SIM_CORE_STRINGS_H_
#define WARREN_SIM_CORE_STRINGS_H_

#include <string>
#include <string_view>
#include <type_traits>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"

namespace warren::internal {

template <typename T>
decltype(auto) ToAbsl(const T& v) {
  if constexpr (std::is_same_v<T, std::string_view>) {
    return absl::string_view(v.data(), v.size());
  } else {
    return (v);
  }
}

// Byte equality without a memcmp call for the short names and keys the
// per-message caches compare.
inline bool SameBytes(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

template <typename... Args>
std::string Cat(const Args&... args) {
  return absl::StrCat(ToAbsl(args)...);
}

template <typename... Args>
void Append(std::string* out, const Args&... args) {
  absl::StrAppend(out, ToAbsl(args)...);
}

// A message on one line, for reports that print one error per line: a
// paragraph break becomes ": ", a line break a space ("Validation failed\n\n
// -1 is not a valid message TTL\n" -> "Validation failed: -1 is not ...").
inline std::string OneLine(std::string_view text) {
  absl::string_view t = absl::StripTrailingAsciiWhitespace(ToAbsl(text));
  return absl::StrReplaceAll(t, {{"\r\n", "\n"}, {"\n\n", ": "}, {"\n", " "}, {"\r", " "}});
}

}  // namespace warren::internal

#endif  // WARREN_SIM_CORE_STRINGS_H_
