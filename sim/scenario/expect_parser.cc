// "expect" entries: queue depths and messages, fates, event and counter
// counts, Celery task rows.
#include "sim/scenario/expect_parser.h"

#include <iterator>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "sim/core/status_macros.h"
#include "sim/core/strings.h"
#include "sim/scenario/parser.h"
#include "sim/scenario/scenario_keys.h"

namespace warren::internal {
namespace {

absl::StatusOr<std::vector<std::string>> StringList(const JsonCursor& c, std::string_view key) {
  std::vector<std::string> out;
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> items, c.Array(key));
  for (const JsonCursor& i : items) {
    if (!i.value().is_string()) return i.Error("a string");
    out.push_back(i.value().get<std::string>());
  }
  return out;
}

absl::StatusOr<ExpectedXDeath> ParseExpectedXDeath(const JsonCursor& d) {
  WARREN_RETURN_IF_ERROR(d.AllowOnly(kExpectedXDeathKeys));
  ExpectedXDeath x;
  WARREN_ASSIGN_OR_RETURN(x.queue, d.RequiredString("queue"));
  WARREN_ASSIGN_OR_RETURN(x.reason, d.RequiredString("reason"));
  WARREN_ASSIGN_OR_RETURN(x.count, d.Int("count", 1, 1, INT64_MAX));
  WARREN_ASSIGN_OR_RETURN(x.exchange, d.OptionalString("exchange"));
  if (d.Has("routing_keys")) {
    WARREN_ASSIGN_OR_RETURN(x.routing_keys, StringList(d, "routing_keys"));
  }
  WARREN_ASSIGN_OR_RETURN(x.original_expiration, d.OptionalString("original_expiration"));
  WARREN_ASSIGN_OR_RETURN(x.time_s, d.OptionalInt("time_s", 0, INT64_MAX / 1000));
  return x;
}

// "header_types": {"h": "long"}: RabbitMQ's type names.
absl::Status ParseHeaderTypes(const JsonCursor& c, std::map<std::string, std::string>& out) {
  if (!c.Has("header_types")) return absl::OkStatus();
  JsonCursor t = c.Child("header_types");
  WARREN_RETURN_IF_ERROR(t.ExpectObject());
  static constexpr FieldType kTypes[] = {
      FieldType::kVoid,      FieldType::kBool,       FieldType::kByte,
      FieldType::kUnsignedByte, FieldType::kShort,   FieldType::kUnsignedShort,
      FieldType::kSignedInt, FieldType::kUnsignedInt, FieldType::kLong,
      FieldType::kFloat,     FieldType::kDouble,     FieldType::kDecimal,
      FieldType::kLongString, FieldType::kBinary,    FieldType::kTimestamp,
      FieldType::kArray,     FieldType::kTable};
  for (const auto& [name, value] : t.value().items()) {
    JsonCursor v = t.Child(name);
    bool known = false;
    std::string names;
    for (FieldType type : kTypes) {
      known |= value.is_string() && value.get<std::string>() == FieldTypeName(type);
      Append(&names, names.empty() ? "" : ", ", FieldTypeName(type));
    }
    if (!known) return v.Error(Cat("an AMQP field type (", names, ")"));
    out[name] = value.get<std::string>();
  }
  return absl::OkStatus();
}

absl::StatusOr<ExpectedMessage> ParseExpectedMessage(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kExpectedMessageKeys));
  ExpectedMessage m;
  WARREN_ASSIGN_OR_RETURN(m.body, c.OptionalString("body"));
  WARREN_ASSIGN_OR_RETURN(m.redelivered, c.OptionalBool("redelivered"));
  WARREN_ASSIGN_OR_RETURN(m.headers, c.Table("headers"));
  if (c.Has("x_death")) {
    WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> deaths, c.Array("x_death"));
    m.x_death.emplace();
    for (const JsonCursor& d : deaths) {
      WARREN_ASSIGN_OR_RETURN(ExpectedXDeath x, ParseExpectedXDeath(d));
      m.x_death->push_back(std::move(x));
    }
  }
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> absent, c.Array("absent_headers"));
  for (const JsonCursor& a : absent) {
    if (!a.value().is_string()) return a.Error("a header name");
    m.absent_headers.push_back(a.value().get<std::string>());
  }
  WARREN_ASSIGN_OR_RETURN(m.present_headers, StringList(c, "present_headers"));
  WARREN_RETURN_IF_ERROR(ParseHeaderTypes(c, m.header_types));
  if (c.Has("header_ms_after_publish")) {
    JsonCursor t = c.Child("header_ms_after_publish");
    WARREN_RETURN_IF_ERROR(t.ExpectObject());
    for (const auto& [name, value] : t.value().items()) {
      WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> ms,
                              t.OptionalInt(name, -315360000000, 315360000000));
      m.header_ms_after_publish[name] = *ms;
    }
  }
  if (c.Has("properties")) {
    WARREN_ASSIGN_OR_RETURN(m.properties, ParseProperties(c.Child("properties")));
    if (m.properties.headers) {
      return c.Child("properties").Child("headers").Error(
          "nothing here (expected headers go in the message's own \"headers\")");
    }
  }
  return m;
}

absl::StatusOr<std::vector<ExpectedMessage>> ExpectedMessages(const JsonCursor& c,
                                                              std::string_view key) {
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> msgs, c.Array(key));
  std::vector<ExpectedMessage> out;
  for (const JsonCursor& m : msgs) {
    WARREN_ASSIGN_OR_RETURN(ExpectedMessage em, ParseExpectedMessage(m));
    out.push_back(std::move(em));
  }
  return out;
}

absl::StatusOr<uint64_t> Equals(const JsonCursor& c) {
  WARREN_ASSIGN_OR_RETURN(int64_t n, c.Int("equals", -1, 0, INT64_MAX));
  if (n < 0) return c.Error("\"equals\" with the expected count");
  return static_cast<uint64_t>(n);
}

absl::StatusOr<ExpectationCheck> ParseQueue(const JsonCursor& c, std::string_view key) {
  QueueExpectation e;
  WARREN_ASSIGN_OR_RETURN(e.queue, c.RequiredString(key));
  auto count = [&](std::string_view field, std::optional<uint64_t>& out) -> absl::Status {
    WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> n, c.OptionalInt(field, 0, INT64_MAX));
    if (n) out = static_cast<uint64_t>(*n);
    return absl::OkStatus();
  };
  WARREN_RETURN_IF_ERROR(count("ready", e.ready));
  WARREN_RETURN_IF_ERROR(count("unacked", e.unacked));
  WARREN_RETURN_IF_ERROR(count("enqueued", e.enqueued));
  if (c.Has("messages")) {
    WARREN_ASSIGN_OR_RETURN(e.messages, ExpectedMessages(c, "messages"));
  }
  WARREN_ASSIGN_OR_RETURN(e.name_prefix, c.OptionalString("name_prefix"));
  return e;
}

absl::StatusOr<ExpectationCheck> ParseClientExpectation(const JsonCursor& c, std::string_view key) {
  ClientExpectation e;
  WARREN_ASSIGN_OR_RETURN(e.client, c.RequiredString(key));
  if (c.Has("deliveries")) {
    WARREN_ASSIGN_OR_RETURN(e.deliveries, ExpectedMessages(c, "deliveries"));
  }
  WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> n, c.OptionalInt("delivery_count", 0, INT64_MAX));
  if (n) e.delivery_count = static_cast<uint64_t>(*n);
  if (c.Has("events")) {
    WARREN_ASSIGN_OR_RETURN(e.events, StringList(c, "events"));
  }
  return e;
}

absl::StatusOr<ExpectationCheck> ParseQueueGone(const JsonCursor& c, std::string_view key) {
  QueueGoneExpectation e;
  WARREN_ASSIGN_OR_RETURN(e.queue, c.RequiredString(key));
  return e;
}

absl::StatusOr<ExpectationCheck> ParseFate(const JsonCursor& c, std::string_view key) {
  FateExpectation e;
  WARREN_ASSIGN_OR_RETURN(e.label, c.RequiredString(key));
  WARREN_ASSIGN_OR_RETURN(e.copies, StringList(c, "copies"));
  WARREN_ASSIGN_OR_RETURN(e.drops, StringList(c, "drops"));
  return e;
}

absl::StatusOr<ExpectationCheck> ParseEventCount(const JsonCursor& c, std::string_view key) {
  EventCountExpectation e;
  WARREN_ASSIGN_OR_RETURN(e.event, c.RequiredString(key));
  WARREN_ASSIGN_OR_RETURN(e.queue, c.String("queue", ""));
  WARREN_ASSIGN_OR_RETURN(e.equals, Equals(c));
  return e;
}

// A name under the selecting key and "equals": counter, tasks_in_state,
// celery_event.
template <typename T, std::string T::*kName>
absl::StatusOr<ExpectationCheck> ParseNamedCount(const JsonCursor& c, std::string_view key) {
  T e;
  WARREN_ASSIGN_OR_RETURN(e.*kName, c.RequiredString(key));
  WARREN_ASSIGN_OR_RETURN(e.equals, Equals(c));
  return e;
}

absl::StatusOr<ExpectationCheck> ParseTask(const JsonCursor& c, std::string_view key) {
  TaskExpectation e;
  WARREN_ASSIGN_OR_RETURN(e.label, c.RequiredString(key));
  WARREN_ASSIGN_OR_RETURN(e.state, c.OptionalString("state"));
  WARREN_ASSIGN_OR_RETURN(e.result, c.OptionalString("result"));
  WARREN_ASSIGN_OR_RETURN(e.backend_row, c.OptionalBool("backend_row"));
  for (auto [name, field] : {std::pair{"executions", &e.executions}, {"retries", &e.retries},
                             {"published", &e.published}}) {
    WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> v, c.OptionalInt(name, 0, 1000000000));
    if (v) *field = static_cast<int>(*v);
  }
  return e;
}

// The JSON key that selects each kind, and its parser: one entry per
// ExpectationCheck alternative. "queue" next to "event" is the event
// count's filter, not a queue expectation.
struct ExpectationParser {
  std::string_view key;
  absl::StatusOr<ExpectationCheck> (*parse)(const JsonCursor&, std::string_view key);
};
constexpr ExpectationParser kExpectationParsers[] = {
    {"queue", ParseQueue},
    {"queue_gone", ParseQueueGone},
    {"fate", ParseFate},
    {"event", ParseEventCount},
    {"counter", ParseNamedCount<CounterExpectation, &CounterExpectation::counter>},
    {"task", ParseTask},
    {"tasks_in_state", ParseNamedCount<TasksInStateExpectation, &TasksInStateExpectation::state>},
    {"celery_event", ParseNamedCount<CeleryEventExpectation, &CeleryEventExpectation::event>},
    {"client", ParseClientExpectation},
};
static_assert(std::size(kExpectationParsers) == std::variant_size_v<ExpectationCheck>,
              "every ExpectationCheck alternative needs its JSON key in kExpectationParsers");

}  // namespace

std::vector<std::string_view> ExpectationKeys() {
  std::vector<std::string_view> keys;
  for (const ExpectationParser& p : kExpectationParsers) keys.push_back(p.key);
  return keys;
}

absl::StatusOr<Expectation> ParseExpectation(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kExpectationKeys));
  Expectation e;
  e.pointer = c.pointer();
  WARREN_ASSIGN_OR_RETURN(e.at, c.OptionalMillis("at_ms"));
  const bool event_filter = c.Has("event");
  const ExpectationParser* found = nullptr;
  int count = 0;
  for (const ExpectationParser& p : kExpectationParsers) {
    if (!c.Has(p.key) || (p.key == "queue" && event_filter)) continue;
    found = &p;
    ++count;
  }
  if (count != 1) {
    std::string kinds;
    for (size_t i = 0; i < std::size(kExpectationParsers); ++i) {
      const char* sep = i == 0 ? "" : i + 1 == std::size(kExpectationParsers) ? " or " : ", ";
      Append(&kinds, sep, Cat("\"", kExpectationParsers[i].key, "\""));
    }
    return c.Error(Cat("one of ", kinds));
  }
  WARREN_ASSIGN_OR_RETURN(e.check, found->parse(c, found->key));
  return e;
}

}  // namespace warren::internal
