// GoogleTest/GMock helpers for embedders' tests, in domain words:
//
//   EXPECT_THAT(ch.QueueDeclare("q"), IsOk());
//   EXPECT_THAT(ch.BasicPublish({.exchange = "nope"}), ReplyIs(ReplyCode::kNotFound));
//   EXPECT_THAT(ch, ClosedWith(ReplyCode::kNotFound));
//   EXPECT_THAT(sim.Messages("dlq"), ElementsAre(AllOf(
//       HasBody("job-1"), HasXDeath({{"task_queue", "rejected", 1}}))));
//
//   EXPECT_THAT(sim.Queue("dlq"), HasDepth(1, 0));
//   EXPECT_THAT(sim.Fate(id), FateIs({"task_queue:dead-lettered", "dlq:ready"}));
//   EXPECT_THAT(sim, HasTraceCount(TraceKind::kExpired, 3));
//   EXPECT_THAT(dlq[0], HasXDeathCount("task_queue", "rejected", 4));
//
// Failures print in domain words: PrintTo below gives GoogleTest a printer
// for messages, deliveries, field values, x-death entries, queue info,
// fates and task rows.
//
// Header-only; link GTest::gmock. Not part of the library proper.
#ifndef WARREN_INCLUDE_WARREN_TESTING_MATCHERS_H_
#define WARREN_INCLUDE_WARREN_TESTING_MATCHERS_H_

#include <algorithm>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gmock/gmock.h"
#include "warren/celery.h"
#include "warren/channel.h"
#include "warren/inspect.h"
#include "warren/message.h"
#include "warren/reply_code.h"
#include "warren/simulation.h"

namespace warren::testing {

struct DeathEntry {
  std::string queue;
  std::string reason;
  int64_t count;
};

inline void PrintTo(const DeathEntry& e, std::ostream* os) {
  *os << "{queue=" << e.queue << " reason=" << e.reason << " count=" << e.count << "}";
}

// The x-death history as (queue, reason, count) triples, in the array's
// order: element 0 is the latest death; the rest follow RabbitMQ 3.10's
// order, which reverses an array of two or more entries at every death
// before moving the match to the front (so a ladder ends as
// [task_queue/4, retry_2s/1, retry_4s/1, retry_8s/1]). HasXDeathUnordered
// and HasXDeathCount do not depend on that order.
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

namespace internal {
// "[{queue=a reason=rejected count=1}, ...]"
inline std::string DeathList(const std::vector<DeathEntry>& deaths) {
  std::string out = "[";
  for (size_t i = 0; i < deaths.size(); ++i) {
    out += (i ? ", " : "") + ::testing::PrintToString(deaths[i]);
  }
  return out + "]";
}
inline std::string ListDeaths(const std::vector<DeathEntry>& got) {
  return "x-death is " + DeathList(got);
}
}  // namespace internal

}  // namespace warren::testing

namespace warren {

// ---- GoogleTest printers (found by argument-dependent lookup) ----
inline void PrintTo(const FieldValue& v, std::ostream* os) {
  *os << FieldTypeName(v.type()) << " " << ToJson(v);
}
namespace testing_internal {
inline void PrintMessage(std::string_view body, bool redelivered, const BasicProperties& p,
                         std::ostream* os) {
  *os << "{body=\"" << body << "\"";
  if (redelivered) *os << " redelivered";
  if (p.headers) {
    for (const auto& [key, value] : p.headers->entries()) {
      *os << " " << key << "=";
      if (key == "x-death" && value.type() == FieldType::kArray) {
        *os << testing::internal::DeathList(testing::XDeathOf(p));
      } else {
        *os << ToJson(value);
      }
    }
  }
  *os << "}";
}
}  // namespace testing_internal
inline void PrintTo(const QueuedMessage& m, std::ostream* os) {
  testing_internal::PrintMessage(m.body(), m.redelivered, m.properties(), os);
}
inline void PrintTo(const Delivery& d, std::ostream* os) {
  testing_internal::PrintMessage(d.body(), d.redelivered, d.properties(), os);
}
inline void PrintTo(const Message& m, std::ostream* os) {
  testing_internal::PrintMessage(m.body(), false, m.properties(), os);
}
inline void PrintTo(const QueueInfo& q, std::ostream* os) {
  *os << "{queue=" << q.name << " type=" << QueueTypeName(q.settings.type) << " ready=" << q.ready
      << " unacked=" << q.unacked << " consumers=" << q.consumers;
  if (!q.policy.empty()) *os << " policy=" << q.policy;
  *os << "}";
}
inline void PrintTo(const MessageFate& f, std::ostream* os) {
  *os << "{message=#" << f.id.value << " copies=[";
  for (size_t i = 0; i < f.copies.size(); ++i) {
    const CopyFate& c = f.copies[i];
    *os << (i ? ", " : "") << c.queue << ":" << CopyStateName(c.state);
    if (!c.reason.empty()) *os << "(" << c.reason << ")";
  }
  *os << "]";
  for (const std::string& d : f.drops) *os << " dropped:" << d;
  *os << "}";
}
inline void PrintTo(const Simulation& sim, std::ostream* os) {
  *os << "{simulation at " << absl::FormatTime(sim.Now()) << ", " << sim.trace_events_total()
      << " trace events}";
}
namespace celery {
inline void PrintTo(const TaskState& t, std::ostream* os) {
  *os << "{task=" << t.name << " id=" << t.id << " state=" << t.state;
  if (!t.result.empty()) *os << " result=" << t.result;
  *os << " retries=" << t.retries << " executions=" << t.executions << "}";
}
}  // namespace celery

}  // namespace warren

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

// A StatusOr is OK and its value matches `inner`:
//   EXPECT_THAT(sim.Messages("dlq"), IsOkAndHolds(ElementsAre(HasBody("job"))));
MATCHER_P(IsOkAndHolds, inner, "is OK and holds a matching value") {
  if (!arg.ok()) {
    *result_listener << "status is " << arg.status();
    return false;
  }
  return ::testing::ExplainMatchResult(inner, *arg, result_listener);
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
  const FieldValue& want = value;
  if (*v == want) return true;
  if (v->type() != want.type() && ToJson(*v) == ToJson(want)) {
    *result_listener << "type differs: " << FieldTypeName(v->type()) << " " << ToJson(*v)
                     << " vs " << FieldTypeName(want.type()) << " " << ToJson(want);
  } else {
    *result_listener << "header is " << FieldTypeName(v->type()) << " " << ToJson(*v);
  }
  return false;
}

// A Delivery / QueuedMessage / Message has exactly this x-death history:
//   HasXDeath({{"retry_2s", "expired", 1}, {"task_queue", "rejected", 1}})
MATCHER_P(HasXDeathMatcher, expected, "has x-death history") {
  std::vector<DeathEntry> got = XDeathOf(internal::PropertiesOf(arg));
  std::vector<DeathEntry> want(expected.begin(), expected.end());
  *result_listener << internal::ListDeaths(got);
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

namespace internal {
inline bool SameDeath(const DeathEntry& a, const DeathEntry& b) {
  return a.queue == b.queue && a.reason == b.reason && a.count == b.count;
}
}  // namespace internal

// The same x-death entries in any order (each (queue, reason) once, as
// RabbitMQ keeps them).
MATCHER_P(HasXDeathUnorderedMatcher, expected, "has these x-death entries in any order") {
  std::vector<DeathEntry> got = XDeathOf(internal::PropertiesOf(arg));
  *result_listener << internal::ListDeaths(got);
  if (got.size() != expected.size()) return false;
  for (const DeathEntry& w : expected) {
    if (std::none_of(got.begin(), got.end(),
                     [&](const DeathEntry& g) { return internal::SameDeath(g, w); })) {
      return false;
    }
  }
  return true;
}
inline auto HasXDeathUnordered(std::vector<DeathEntry> expected) {
  return HasXDeathUnorderedMatcher(std::move(expected));
}

// The x-death entry for (queue, reason) has this count (0: no such entry).
MATCHER_P3(HasXDeathCount, queue, reason, count,
           "has x-death count " + std::to_string(count) + " for " + std::string(queue) + "/" +
               std::string(reason)) {
  std::vector<DeathEntry> got = XDeathOf(internal::PropertiesOf(arg));
  *result_listener << internal::ListDeaths(got);
  int64_t n = 0;
  for (const DeathEntry& g : got) {
    if (g.queue == queue && g.reason == reason) n = g.count;
  }
  return n == static_cast<int64_t>(count);
}

namespace internal {
inline const QueueInfo* InfoOf(const QueueInfo& q) { return &q; }
inline const QueueInfo* InfoOf(const std::optional<QueueInfo>& q) { return q ? &*q : nullptr; }
inline const QueueInfo* InfoOf(const absl::StatusOr<QueueInfo>& q) { return q.ok() ? &*q : nullptr; }
}  // namespace internal

// A queue (Simulation::Queue's result) exists with these depths.
MATCHER_P2(HasDepth, ready, unacked,
           "is a queue with " + std::to_string(ready) + " ready and " + std::to_string(unacked) +
               " unacked") {
  const QueueInfo* q = internal::InfoOf(arg);
  if (q == nullptr) {
    *result_listener << "the queue does not exist";
    return false;
  }
  *result_listener << "it has " << q->ready << " ready and " << q->unacked << " unacked";
  return q->ready == static_cast<uint64_t>(ready) && q->unacked == static_cast<uint64_t>(unacked);
}

// A MessageFate's copies, as "queue:state" in creation order (the scenario
// files' "copies"): FateIs({"task_queue:dead-lettered", "dlq:ready"}).
MATCHER_P(FateIsMatcher, expected, "has fate [" + ::testing::PrintToString(expected) + "]") {
  std::vector<std::string> got;
  for (const CopyFate& c : arg.copies) {
    got.push_back(c.queue + ":" + std::string(CopyStateName(c.state)));
  }
  *result_listener << "copies are " << ::testing::PrintToString(got);
  if (!arg.drops.empty()) *result_listener << ", drops " << ::testing::PrintToString(arg.drops);
  return got == expected;
}
inline auto FateIs(std::vector<std::string> copies) { return FateIsMatcher(std::move(copies)); }

// The Simulation emitted `count` trace events of `kind` (about `queue`,
// when given), counted over the whole run.
MATCHER_P2(HasTraceCount, kind, count,
           "emitted " + std::to_string(count) + " '" + std::string(TraceKindName(kind)) +
               "' events") {
  uint64_t n = arg.TraceCount(kind);
  *result_listener << "it emitted " << n;
  return n == static_cast<uint64_t>(count);
}
MATCHER_P3(HasTraceCountIn, kind, queue, count,
           "emitted " + std::to_string(count) + " '" + std::string(TraceKindName(kind)) +
               "' events about queue " + std::string(queue)) {
  uint64_t n = arg.TraceCount(kind, queue);
  *result_listener << "it emitted " << n;
  return n == static_cast<uint64_t>(count);
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
