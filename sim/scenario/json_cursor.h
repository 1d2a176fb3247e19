// A JSON value plus its JSON Pointer. Typed reads never throw; failures are
// INVALID_ARGUMENT "<pointer>: expected <what>, got <found>". The document
// must outlive every cursor on it.
#ifndef WARREN_SIM_SCENARIO_JSON_CURSOR_H_
#define WARREN_SIM_SCENARIO_JSON_CURSOR_H_

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "nlohmann/json.hpp"
#include "warren/field_value.h"

namespace warren::internal {

class JsonCursor {
 public:
  JsonCursor(const nlohmann::ordered_json& value, std::string pointer)
      : value_(&value), pointer_(std::move(pointer)) {}

  const std::string& pointer() const { return pointer_; }
  const nlohmann::ordered_json& value() const { return *value_; }
  bool Has(std::string_view key) const;
  JsonCursor Child(std::string_view key) const;  // REQUIRES: Has(key)
  absl::Status Error(std::string_view expected) const;  // "<ptr>: expected X, got Y"

  // Objects: every key must be one of `keys`.
  absl::Status AllowOnly(std::span<const std::string_view> keys) const;
  absl::Status ExpectObject() const;
  // Elements of an array member (empty if absent).
  absl::StatusOr<std::vector<JsonCursor>> Array(std::string_view key) const;

  absl::StatusOr<std::string> RequiredString(std::string_view key) const;
  absl::StatusOr<std::string> String(std::string_view key, std::string fallback) const;
  absl::StatusOr<std::optional<std::string>> OptionalString(std::string_view key) const;
  // The same for AMQP short strings (names, keys, tags, most properties):
  // longer than 255 bytes is an error.
  absl::StatusOr<std::string> RequiredShortString(std::string_view key) const;
  absl::StatusOr<std::string> ShortString(std::string_view key, std::string fallback) const;
  absl::StatusOr<std::optional<std::string>> OptionalShortString(std::string_view key) const;
  absl::StatusOr<bool> Bool(std::string_view key, bool fallback) const;
  absl::StatusOr<std::optional<bool>> OptionalBool(std::string_view key) const;
  absl::StatusOr<std::optional<int64_t>> OptionalInt(std::string_view key, int64_t min,
                                                     int64_t max) const;
  absl::StatusOr<int64_t> Int(std::string_view key, int64_t fallback, int64_t min,
                              int64_t max) const;
  // A non-negative integer of milliseconds ("ttl_ms", "at_ms").
  absl::StatusOr<std::optional<absl::Duration>> OptionalMillis(std::string_view key) const;
  absl::StatusOr<absl::Duration> Millis(std::string_view key, absl::Duration fallback) const;
  // An AMQP field table from a JSON object (see ToFieldValue).
  absl::StatusOr<FieldTable> Table(std::string_view key) const;
  // JSON -> AMQP value: integers -> signedint (long if outside 32 bits),
  // floats -> double, strings -> longstr, booleans -> bool, null -> void,
  // arrays -> array, objects -> table. {"$type": "long", "value": 5} picks a
  // type explicitly (long, short, byte, signedint, double, timestamp,
  // binary, longstr).
  absl::StatusOr<FieldValue> ToFieldValue() const;

 private:
  const nlohmann::ordered_json* value_;
  std::string pointer_;
};

// A string member that must be one of `choices` (name -> value); absent:
// `fallback`, or an error when there is none. The error lists the names.
template <typename T, size_t N>
absl::StatusOr<T> Choice(const JsonCursor& c, std::string_view key,
                         const std::pair<const char*, T> (&choices)[N],
                         std::optional<T> fallback = std::nullopt) {
  absl::StatusOr<std::optional<std::string>> got = c.OptionalString(key);
  if (!got.ok()) return got.status();
  if (!*got) {
    if (fallback) return *fallback;
    return c.RequiredString(key).status();  // its "required" message
  }
  std::string names;
  for (const auto& [name, value] : choices) {
    if (**got == name) return value;
    names += names.empty() ? "one of \"" : ", \"";
    names += name;
    names += '"';
  }
  return c.Child(key).Error(names);
}

// "<pointer>/<key>" with RFC 6901 escaping.
std::string JoinPointer(std::string_view base, std::string_view key);

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_JSON_CURSOR_H_
