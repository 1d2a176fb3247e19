#include "sim/amqp/limits.h"

#include "sim/core/strings.h"

namespace warren::internal {
namespace {

// The first problem inside `v` at nesting `depth` (the table holding it is
// at depth - 1), or "" when there is none.
std::string ValueProblem(const FieldValue& v, int depth);

std::string TableProblem(const FieldTable& t, int depth) {
  if (depth > kMaxNesting) {
    return Cat("nests tables and arrays deeper than ", kMaxNesting, " levels");
  }
  for (const auto& [key, value] : t) {
    if (key.size() > kMaxShortString) {
      return Cat("has a key of ", key.size(), " bytes (a field table key is an AMQP short "
                 "string: at most 255 bytes)");
    }
    std::string p = ValueProblem(value, depth + 1);
    if (!p.empty()) return p;
  }
  return "";
}

std::string ValueProblem(const FieldValue& v, int depth) {
  if (v.type() == FieldType::kTable) return TableProblem(v.as_table(), depth);
  if (v.type() != FieldType::kArray) return "";
  if (depth > kMaxNesting) {
    return Cat("nests tables and arrays deeper than ", kMaxNesting, " levels");
  }
  for (const FieldValue& item : v.as_array()) {
    std::string p = ValueProblem(item, depth + 1);
    if (!p.empty()) return p;
  }
  return "";
}

}  // namespace

absl::Status CheckShortString(std::string_view what, std::string_view value) {
  if (value.size() <= kMaxShortString) return absl::OkStatus();
  return absl::InvalidArgumentError(
      Cat(what, " is ", value.size(), " bytes; an AMQP short string holds at most 255 (a client "
          "library cannot send it, so nothing was sent)"));
}

absl::Status CheckFieldTable(std::string_view what, const FieldTable& table) {
  std::string p = TableProblem(table, 1);
  if (p.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(Cat(what, " ", p, "; nothing was sent"));
}

absl::Status CheckProperties(const BasicProperties& p) {
  const std::pair<const char*, const std::optional<std::string>*> strings[] = {
      {"content_type", &p.content_type}, {"content_encoding", &p.content_encoding},
      {"correlation_id", &p.correlation_id}, {"reply_to", &p.reply_to},
      {"expiration", &p.expiration}, {"message_id", &p.message_id}, {"type", &p.type},
      {"user_id", &p.user_id}, {"app_id", &p.app_id}, {"cluster_id", &p.cluster_id}};
  for (const auto& [name, value] : strings) {
    if (*value && (*value)->size() > kMaxShortString) {
      return CheckShortString(Cat("the ", name, " property"), **value);
    }
  }
  if (p.headers) return CheckFieldTable("the headers table", *p.headers);
  return absl::OkStatus();
}

}  // namespace warren::internal
