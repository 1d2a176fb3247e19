#include "sim/scenario/json_cursor.h"

#include <algorithm>
#include <limits>

#include "sim/amqp/limits.h"
#include "sim/core/status_macros.h"
#include "sim/core/strings.h"
#include "sim/core/utf8.h"
#include "sim/scenario/scenario_keys.h"

namespace warren::internal {
namespace {

// The value as JSON, cut to 60 bytes on a code-point boundary. Values are
// at most kMaxNesting deep (the parser refuses deeper ones), so dump()'s
// recursion is bounded.
std::string Describe(const nlohmann::ordered_json& v) {
  std::string text = v.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  if (text.size() <= 60) return text;
  return std::string(Utf8Prefix(text, 57)) + "...";
}

absl::Status KeyLength(const JsonCursor& item, std::string_view key) {
  if (key.size() <= kMaxShortString) return absl::OkStatus();
  return absl::InvalidArgumentError(Cat(item.pointer(), ": a field table key is an AMQP short "
                                        "string of at most 255 bytes, this one has ",
                                        key.size()));
}

}  // namespace

std::string JoinPointer(std::string_view base, std::string_view key) {
  std::string out(base);
  out += '/';
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

bool JsonCursor::Has(std::string_view key) const {
  return value_->is_object() && value_->contains(key);
}

JsonCursor JsonCursor::Child(std::string_view key) const {
  return JsonCursor((*value_)[std::string(key)], JoinPointer(pointer_, key));
}

absl::Status JsonCursor::Error(std::string_view expected) const {
  return absl::InvalidArgumentError(
      Cat(pointer_.empty() ? "/" : pointer_, ": expected ", expected, ", got ", Describe(*value_)));
}

absl::Status JsonCursor::ExpectObject() const {
  return value_->is_object() ? absl::OkStatus() : Error("an object");
}

absl::Status JsonCursor::AllowOnly(std::span<const std::string_view> keys) const {
  WARREN_RETURN_IF_ERROR(ExpectObject());
  for (auto it = value_->begin(); it != value_->end(); ++it) {
    if (std::find(keys.begin(), keys.end(), it.key()) == keys.end()) {
      std::string allowed;
      for (std::string_view k : keys) Append(&allowed, allowed.empty() ? "" : ", ", k);
      return absl::InvalidArgumentError(Cat(JoinPointer(pointer_, it.key()),
                                            ": unknown key (allowed here: ", allowed, ")"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<JsonCursor>> JsonCursor::Array(std::string_view key) const {
  std::vector<JsonCursor> out;
  if (!Has(key)) return out;
  JsonCursor c = Child(key);
  if (!c.value().is_array()) return c.Error("an array");
  for (size_t i = 0; i < c.value().size(); ++i) {
    out.emplace_back(c.value()[i], Cat(c.pointer(), "/", i));
  }
  return out;
}

absl::StatusOr<std::string> JsonCursor::RequiredString(std::string_view key) const {
  if (!Has(key)) {
    return absl::InvalidArgumentError(
        Cat(JoinPointer(pointer_, key), ": expected a string, got nothing (required)"));
  }
  JsonCursor c = Child(key);
  if (!c.value().is_string()) return c.Error("a string");
  return c.value().get<std::string>();
}

absl::StatusOr<std::string> JsonCursor::String(std::string_view key, std::string fallback) const {
  WARREN_ASSIGN_OR_RETURN(std::optional<std::string> v, OptionalString(key));
  return v ? *v : fallback;
}

absl::StatusOr<std::optional<std::string>> JsonCursor::OptionalString(std::string_view key) const {
  if (!Has(key)) return std::optional<std::string>();
  JsonCursor c = Child(key);
  if (!c.value().is_string()) return c.Error("a string");
  return std::optional<std::string>(c.value().get<std::string>());
}

absl::StatusOr<std::optional<std::string>> JsonCursor::OptionalShortString(
    std::string_view key) const {
  WARREN_ASSIGN_OR_RETURN(std::optional<std::string> v, OptionalString(key));
  if (v && v->size() > kMaxShortString) {
    return absl::InvalidArgumentError(
        Cat(JoinPointer(pointer_, key), ": expected a string of at most 255 bytes (an AMQP short "
            "string), got one of ", v->size(), " bytes"));
  }
  return v;
}

absl::StatusOr<std::string> JsonCursor::ShortString(std::string_view key,
                                                    std::string fallback) const {
  WARREN_ASSIGN_OR_RETURN(std::optional<std::string> v, OptionalShortString(key));
  return v ? *v : fallback;
}

absl::StatusOr<std::string> JsonCursor::RequiredShortString(std::string_view key) const {
  WARREN_RETURN_IF_ERROR(RequiredString(key).status());
  WARREN_ASSIGN_OR_RETURN(std::optional<std::string> v, OptionalShortString(key));
  return std::move(*v);
}

absl::StatusOr<std::optional<bool>> JsonCursor::OptionalBool(std::string_view key) const {
  if (!Has(key)) return std::optional<bool>();
  JsonCursor c = Child(key);
  if (!c.value().is_boolean()) return c.Error("true or false");
  return std::optional<bool>(c.value().get<bool>());
}

absl::StatusOr<bool> JsonCursor::Bool(std::string_view key, bool fallback) const {
  WARREN_ASSIGN_OR_RETURN(std::optional<bool> v, OptionalBool(key));
  return v.value_or(fallback);
}

absl::StatusOr<std::optional<int64_t>> JsonCursor::OptionalInt(std::string_view key, int64_t min,
                                                               int64_t max) const {
  if (!Has(key)) return std::optional<int64_t>();
  JsonCursor c = Child(key);
  const nlohmann::ordered_json& v = c.value();
  std::string range = Cat("an integer in [", min, ", ", max, "]");
  if (v.is_number_unsigned()) {
    uint64_t u = v.get<uint64_t>();
    if (u > static_cast<uint64_t>(max) || static_cast<int64_t>(u) < min) return c.Error(range);
    return std::optional<int64_t>(static_cast<int64_t>(u));
  }
  if (!v.is_number_integer()) return c.Error(range);
  int64_t i = v.get<int64_t>();
  if (i < min || i > max) return c.Error(range);
  return std::optional<int64_t>(i);
}

absl::StatusOr<int64_t> JsonCursor::Int(std::string_view key, int64_t fallback, int64_t min,
                                        int64_t max) const {
  WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> v, OptionalInt(key, min, max));
  return v.value_or(fallback);
}

absl::StatusOr<std::optional<absl::Duration>> JsonCursor::OptionalMillis(
    std::string_view key) const {
  // Up to ~10 years of virtual time: enough, and far from overflow.
  WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> ms, OptionalInt(key, 0, 315360000000));
  if (!ms) return std::optional<absl::Duration>();
  return std::optional<absl::Duration>(absl::Milliseconds(*ms));
}

absl::StatusOr<absl::Duration> JsonCursor::Millis(std::string_view key,
                                                  absl::Duration fallback) const {
  WARREN_ASSIGN_OR_RETURN(std::optional<absl::Duration> d, OptionalMillis(key));
  return d.value_or(fallback);
}

absl::StatusOr<FieldTable> JsonCursor::Table(std::string_view key) const {
  FieldTable out;
  if (!Has(key)) return out;
  JsonCursor c = Child(key);
  if (!c.value().is_object()) return c.Error("an object (an AMQP field table)");
  for (auto it = c.value().begin(); it != c.value().end(); ++it) {
    JsonCursor item(it.value(), JoinPointer(c.pointer(), it.key()));
    WARREN_RETURN_IF_ERROR(KeyLength(item, it.key()));
    WARREN_ASSIGN_OR_RETURN(FieldValue v, item.ToFieldValue());
    // JSON object keys are unique, so append (Set would search: quadratic).
    out.mutable_entries().emplace_back(it.key(), std::move(v));
  }
  return out;
}

absl::StatusOr<FieldValue> JsonCursor::ToFieldValue() const {
  const nlohmann::ordered_json& v = *value_;
  if (v.is_null()) return FieldValue::Void();
  if (v.is_boolean()) return FieldValue::Bool(v.get<bool>());
  if (v.is_string()) return FieldValue::String(v.get<std::string>());
  if (v.is_number_float()) return FieldValue::Double(v.get<double>());
  if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return Error("an integer that fits in 64 signed bits");
  }
  if (v.is_number_integer()) {
    int64_t i = v.get<int64_t>();
    bool fits32 = i >= std::numeric_limits<int32_t>::min() && i <= std::numeric_limits<int32_t>::max();
    return fits32 ? FieldValue::SignedInt(static_cast<int32_t>(i)) : FieldValue::Long(i);
  }
  if (v.is_array()) {
    std::vector<FieldValue> items;
    for (size_t i = 0; i < v.size(); ++i) {
      WARREN_ASSIGN_OR_RETURN(FieldValue item, JsonCursor(v[i], Cat(pointer_, "/", i)).ToFieldValue());
      items.push_back(std::move(item));
    }
    return FieldValue::Array(std::move(items));
  }
  if (v.contains("$type")) {
    WARREN_RETURN_IF_ERROR(AllowOnly(kTypedValueKeys));
    WARREN_ASSIGN_OR_RETURN(std::string type, RequiredString("$type"));
    if (!Has("value")) return Error("{\"$type\": ..., \"value\": ...}");
    JsonCursor value = Child("value");
    auto integer = [&](FieldType t, int64_t min, int64_t max) -> absl::StatusOr<FieldValue> {
      WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> i, OptionalInt("value", min, max));
      return t == FieldType::kTimestamp ? FieldValue::Timestamp(*i) : FieldValue::Integer(t, *i);
    };
    if (type == "long") return integer(FieldType::kLong, INT64_MIN, INT64_MAX);
    if (type == "signedint") return integer(FieldType::kSignedInt, INT32_MIN, INT32_MAX);
    if (type == "short") return integer(FieldType::kShort, INT16_MIN, INT16_MAX);
    if (type == "byte") return integer(FieldType::kByte, INT8_MIN, INT8_MAX);
    if (type == "timestamp") return integer(FieldType::kTimestamp, 0, INT64_MAX);
    if (type == "double") {
      if (!value.value().is_number()) return value.Error("a number");
      return FieldValue::Double(value.value().get<double>());
    }
    if (type == "longstr" || type == "binary") {
      if (!value.value().is_string()) return value.Error("a string");
      std::string s = value.value().get<std::string>();
      return type == "binary" ? FieldValue::Binary(s) : FieldValue::String(s);
    }
    return Child("$type").Error(
        "one of long, signedint, short, byte, timestamp, double, longstr, binary");
  }
  FieldTable table;
  for (auto it = v.begin(); it != v.end(); ++it) {
    JsonCursor c(it.value(), JoinPointer(pointer_, it.key()));
    WARREN_RETURN_IF_ERROR(KeyLength(c, it.key()));
    WARREN_ASSIGN_OR_RETURN(FieldValue item, c.ToFieldValue());
    table.mutable_entries().emplace_back(it.key(), std::move(item));
  }
  return FieldValue::Table(std::move(table));
}

}  // namespace warren::internal
