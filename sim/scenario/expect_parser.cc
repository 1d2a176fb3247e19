// "expect" entries: queue depths and messages, fates, event and counter
// counts, Celery task rows.
#include "sim/scenario/expect_parser.h"

#include "sim/core/status_macros.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

absl::StatusOr<ExpectedMessage> ParseExpectedMessage(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly({"body", "redelivered", "x_death", "headers",
                                      "absent_headers"}));
  ExpectedMessage m;
  WARREN_ASSIGN_OR_RETURN(m.body, c.OptionalString("body"));
  WARREN_ASSIGN_OR_RETURN(m.redelivered, c.OptionalBool("redelivered"));
  WARREN_ASSIGN_OR_RETURN(m.headers, c.Table("headers"));
  if (c.Has("x_death")) {
    WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> deaths, c.Array("x_death"));
    m.x_death.emplace();
    for (const JsonCursor& d : deaths) {
      WARREN_RETURN_IF_ERROR(d.AllowOnly({"queue", "reason", "count"}));
      ExpectedXDeath x;
      WARREN_ASSIGN_OR_RETURN(x.queue, d.RequiredString("queue"));
      WARREN_ASSIGN_OR_RETURN(x.reason, d.RequiredString("reason"));
      WARREN_ASSIGN_OR_RETURN(x.count, d.Int("count", 1, 1, INT64_MAX));
      m.x_death->push_back(std::move(x));
    }
  }
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> absent, c.Array("absent_headers"));
  for (const JsonCursor& a : absent) {
    if (!a.value().is_string()) return a.Error("a header name");
    m.absent_headers.push_back(a.value().get<std::string>());
  }
  return m;
}

absl::StatusOr<std::vector<std::string>> StringList(const JsonCursor& c, std::string_view key) {
  std::vector<std::string> out;
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> items, c.Array(key));
  for (const JsonCursor& i : items) {
    if (!i.value().is_string()) return i.Error("a string");
    out.push_back(i.value().get<std::string>());
  }
  return out;
}

}  // namespace

absl::StatusOr<Expectation> ParseExpectation(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly({"at_ms", "queue", "ready", "unacked", "enqueued",
                                      "messages", "queue_gone", "fate", "copies", "drops",
                                      "event", "counter", "equals", "note", "task", "state",
                                      "result", "executions", "retries", "published",
                                      "tasks_in_state", "celery_event"}));
  Expectation e;
  e.pointer = c.pointer();
  WARREN_ASSIGN_OR_RETURN(e.at, c.OptionalMillis("at_ms"));
  int kinds = c.Has("queue") + c.Has("queue_gone") + c.Has("fate") + c.Has("counter") +
              (c.Has("event") && !c.Has("queue") ? 1 : 0) + c.Has("task") +
              c.Has("tasks_in_state") + c.Has("celery_event");
  if (kinds != 1) {
    return c.Error("one of \"queue\", \"queue_gone\", \"fate\", \"event\", \"counter\", "
                   "\"task\", \"tasks_in_state\" or \"celery_event\"");
  }
  auto equals = [&](Expectation& out) -> absl::Status {
    WARREN_ASSIGN_OR_RETURN(int64_t n, c.Int("equals", -1, 0, INT64_MAX));
    if (n < 0) return c.Error("\"equals\" with the expected count");
    out.equals = static_cast<uint64_t>(n);
    return absl::OkStatus();
  };
  if (c.Has("task")) {
    e.kind = ExpectationKind::kTask;
    WARREN_ASSIGN_OR_RETURN(e.label, c.RequiredString("task"));
    WARREN_ASSIGN_OR_RETURN(e.state, c.OptionalString("state"));
    WARREN_ASSIGN_OR_RETURN(e.result, c.OptionalString("result"));
    for (auto [key, field] : {std::pair{"executions", &e.executions}, {"retries", &e.retries},
                              {"published", &e.published}}) {
      WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> v, c.OptionalInt(key, 0, 1000000000));
      if (v) *field = static_cast<int>(*v);
    }
    return e;
  }
  if (c.Has("tasks_in_state")) {
    e.kind = ExpectationKind::kTasksInState;
    WARREN_ASSIGN_OR_RETURN(e.state, c.OptionalString("tasks_in_state"));
    WARREN_RETURN_IF_ERROR(equals(e));
    return e;
  }
  if (c.Has("celery_event")) {
    e.kind = ExpectationKind::kCeleryEvent;
    WARREN_ASSIGN_OR_RETURN(e.event, c.RequiredString("celery_event"));
    WARREN_RETURN_IF_ERROR(equals(e));
    return e;
  }
  if (c.Has("event")) {
    e.kind = ExpectationKind::kEventCount;
    WARREN_ASSIGN_OR_RETURN(e.event, c.RequiredString("event"));
    WARREN_ASSIGN_OR_RETURN(e.queue, c.String("queue", ""));
    WARREN_ASSIGN_OR_RETURN(int64_t n, c.Int("equals", -1, 0, INT64_MAX));
    if (n < 0) return c.Error("\"equals\" with the expected count");
    e.equals = static_cast<uint64_t>(n);
  } else if (c.Has("counter")) {
    e.kind = ExpectationKind::kCounter;
    WARREN_ASSIGN_OR_RETURN(e.counter, c.RequiredString("counter"));
    WARREN_ASSIGN_OR_RETURN(int64_t n, c.Int("equals", -1, 0, INT64_MAX));
    if (n < 0) return c.Error("\"equals\" with the expected count");
    e.equals = static_cast<uint64_t>(n);
  } else if (c.Has("queue_gone")) {
    e.kind = ExpectationKind::kQueueGone;
    WARREN_ASSIGN_OR_RETURN(e.queue, c.RequiredString("queue_gone"));
  } else if (c.Has("fate")) {
    e.kind = ExpectationKind::kFate;
    WARREN_ASSIGN_OR_RETURN(e.label, c.RequiredString("fate"));
    WARREN_ASSIGN_OR_RETURN(e.fate_states, StringList(c, "copies"));
    WARREN_ASSIGN_OR_RETURN(e.fate_drops, StringList(c, "drops"));
  } else {
    e.kind = ExpectationKind::kQueue;
    WARREN_ASSIGN_OR_RETURN(e.queue, c.RequiredString("queue"));
    auto count = [&](std::string_view key, std::optional<uint64_t>& out) -> absl::Status {
      WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> n, c.OptionalInt(key, 0, INT64_MAX));
      if (n) out = static_cast<uint64_t>(*n);
      return absl::OkStatus();
    };
    WARREN_RETURN_IF_ERROR(count("ready", e.ready));
    WARREN_RETURN_IF_ERROR(count("unacked", e.unacked));
    WARREN_RETURN_IF_ERROR(count("enqueued", e.enqueued));
    if (c.Has("messages")) {
      WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> msgs, c.Array("messages"));
      e.messages.emplace();
      for (const JsonCursor& m : msgs) {
        WARREN_ASSIGN_OR_RETURN(ExpectedMessage em, ParseExpectedMessage(m));
        e.messages->push_back(std::move(em));
      }
    }
  }
  return e;
}

}  // namespace warren::internal
