// GoogleTest/GMock helpers for embedders' tests, in domain words:
//
//   EXPECT_THAT(ch.QueueDeclare("q"), IsOk());
//   EXPECT_THAT(ch.BasicPublish({.exchange = "nope"}), ReplyIs(ReplyCode::kNotFound));
//   EXPECT_THAT(ch, ClosedWith(ReplyCode::kNotFound));
//   EXPECT_THAT(sim.Messages("dlq"), ElementsAre(AllOf(
//       HasBody("job-1"), HasXDeath({{"task_queue", "rejected", 1}}))));
//
// Header-only; link GTest::gmock. Not part of the library proper.
#ifndef WARREN_INCLUDE_WARREN_TESTING_MATCHERS_H_
#define WARREN_INCLUDE_WARREN_TESTING_MATCHERS_H_

#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "warren/channel.h"
#include "warren/inspect.h"
#include "warren/message.h"
#include "warren/reply_code.h"

namespace warren::testing {

namespace internal {
inline const absl::Status& GetStatus(const absl::Status& s) { return s; }
template <typename T>
const absl::Status& GetStatus(const absl::StatusOr<T>& s) {
  return s.status();
}
inline const BasicProperties& PropertiesOf(const Delivery& d) { return d.properties(); }
inline const BasicProperties& PropertiesOf(const QueuedMessage& m) { return m.properties(); }
inline const BasicProperties& PropertiesOf(const Message& m) { return m.properties(); }
inline std::string_view BodyOf(const Delivery& d) { return d.body(); }
inline std::string_view BodyOf(const QueuedMessage& m) { return m.body(); }
inline std::string_view BodyOf(const Message& m) { return m.body(); }
}  // namespace internal

// A Status or StatusOr is OK.
MATCHER(IsOk, "is OK") {
  const absl::Status& s = internal::GetStatus(arg);
  if (!s.ok()) *result_listener << "status is " << s;
  return s.ok();
}

// A Status or StatusOr failed with this absl::StatusCode.
MATCHER_P(StatusIs, code, "has status code " + absl::StatusCodeToString(code)) {
  const absl::Status& s = internal::GetStatus(arg);
  *result_listener << "status is " << s;
  return s.code() == code;
}

// A Status or StatusOr carries this AMQP reply code (404, 406, ...).
MATCHER_P(ReplyIs, reply_code,
          "carries AMQP reply code " + std::to_string(static_cast<int>(reply_code))) {
  const absl::Status& s = internal::GetStatus(arg);
  *result_listener << "status is " << s;
  return ReplyCodeOf(s) == static_cast<uint16_t>(reply_code);
}

// A Channel was closed by the broker with this reply code.
MATCHER_P(ClosedWith, reply_code,
          "was closed with reply code " + std::to_string(static_cast<int>(reply_code))) {
  std::optional<CloseReason> r = arg.close_reason();
  if (arg.is_open()) {
    *result_listener << "channel is open";
    return false;
  }
  if (!r) {
    *result_listener << "channel was closed by the client";
    return false;
  }
  *result_listener << "closed with " << static_cast<int>(r->code) << " " << r->text;
  return r->code == reply_code;
}

// A Delivery / QueuedMessage / Message has this body.
MATCHER_P(HasBody, body, "has body \"" + std::string(body) + "\"") {
  const std::string_view b = internal::BodyOf(arg);
  *result_listener << "body is \"" << b << "\"";
  return b == body;
}

// A Delivery / QueuedMessage / Message carries this header value.
MATCHER_P2(HasHeader, key, value, "has header " + std::string(key)) {
  const auto& h = internal::PropertiesOf(arg).headers;
  const FieldValue* v = h ? h->Find(key) : nullptr;
  if (v == nullptr) {
    *result_listener << "header absent";
    return false;
  }
  *result_listener << "header is " << ToJson(*v);
  return *v == value;
}

struct DeathEntry {
  std::string queue;
  std::string reason;
  int64_t count;
};

// The x-death history, newest first, as (queue, reason, count) triples.
inline std::vector<DeathEntry> XDeathOf(const BasicProperties& p) {
  std::vector<DeathEntry> out;
  const FieldValue* x = p.headers ? p.headers->Find("x-death") : nullptr;
  if (x == nullptr || x->type() != FieldType::kArray) return out;
  for (const FieldValue& d : x->as_array()) {
    if (d.type() != FieldType::kTable) continue;
    const FieldTable& t = d.as_table();
    const FieldValue* q = t.Find("queue");
    const FieldValue* r = t.Find("reason");
    const FieldValue* c = t.Find("count");
    out.push_back({q && q->is_string() ? q->as_string() : "",
                   r && r->is_string() ? r->as_string() : "",
                   c && c->is_integer() ? c->as_int() : -1});
  }
  return out;
}

// A Delivery / QueuedMessage / Message has exactly this x-death history:
//   HasXDeath({{"retry_2s", "expired", 1}, {"task_queue", "rejected", 1}})
MATCHER_P(HasXDeathMatcher, expected, "has x-death history") {
  std::vector<DeathEntry> got = XDeathOf(internal::PropertiesOf(arg));
  std::vector<DeathEntry> want(expected.begin(), expected.end());
  *result_listener << "x-death is [";
  for (size_t i = 0; i < got.size(); ++i) {
    *result_listener << (i ? ", " : "") << got[i].queue << "/" << got[i].reason << "/"
                     << got[i].count;
  }
  *result_listener << "]";
  if (got.size() != want.size()) return false;
  for (size_t i = 0; i < got.size(); ++i) {
    if (got[i].queue != want[i].queue || got[i].reason != want[i].reason ||
        got[i].count != want[i].count) {
      return false;
    }
  }
  return true;
}

inline auto HasXDeath(std::vector<DeathEntry> expected) {
  return HasXDeathMatcher(std::move(expected));
}

}  // namespace warren::testing

// ASSIGN_OR_RETURN for tests: fails the test (fatally) on a non-OK status.
#define WARREN_ASSERT_OK_AND_ASSIGN(lhs, expr)                                  \
  WARREN_ASSERT_OK_AND_ASSIGN_IMPL_(WARREN_TESTING_CONCAT_(warren_sor_, __LINE__), lhs, expr)
#define WARREN_TESTING_CONCAT_INNER_(a, b) a##b
#define WARREN_TESTING_CONCAT_(a, b) WARREN_TESTING_CONCAT_INNER_(a, b)
#define WARREN_ASSERT_OK_AND_ASSIGN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                      \
  ASSERT_TRUE(tmp.ok()) << tmp.status();                  \
  lhs = std::move(*tmp)

#endif  // WARREN_INCLUDE_WARREN_TESTING_MATCHERS_H_
