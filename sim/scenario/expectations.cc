#include "sim/scenario/expectations.h"

#include <cstdio>
#include <variant>

#include "absl/strings/str_join.h"
#include "sim/core/overloaded.h"
#include "sim/core/strings.h"
#include "sim/core/utf8.h"
#include "sim/scenario/client.h"
#include "sim/scenario/references.h"

namespace warren::internal {
namespace {

// A list for a failure message: all of it when short, else its first
// entries and how many more (a runaway run's fate can hold thousands of
// copies; the message must stay readable and bounded).
std::string JoinForMessage(const std::vector<std::string>& items) {
  constexpr size_t kShown = 24;
  if (items.size() <= kShown) return absl::StrJoin(items, ", ");
  std::vector<std::string> head(items.begin(), items.begin() + kShown);
  return Cat(absl::StrJoin(head, ", "), ", ... (", items.size() - kShown, " more)");
}

// x-death as "queue/reason/count" entries, in order.
std::vector<std::string> XDeathEntries(const BasicProperties& p) {
  const FieldValue* x = p.headers ? p.headers->Find("x-death") : nullptr;
  std::vector<std::string> parts;
  if (x == nullptr || x->type() != FieldType::kArray) return parts;
  for (const FieldValue& d : x->as_array()) {
    if (d.type() != FieldType::kTable) continue;
    const FieldTable& t = d.as_table();
    auto str = [&](const char* k) {
      const FieldValue* v = t.Find(k);
      return v && v->is_string() ? v->as_string() : std::string("?");
    };
    const FieldValue* c = t.Find("count");
    parts.push_back(Cat(str("queue"), "/", str("reason"), "/",
                        c && c->is_integer() ? c->as_int() : -1));
  }
  return parts;
}

std::vector<std::string> ExpectedXDeathEntries(const std::vector<ExpectedXDeath>& x) {
  std::vector<std::string> parts;
  for (const ExpectedXDeath& d : x) parts.push_back(Cat(d.queue, "/", d.reason, "/", d.count));
  return parts;
}

void CheckMessage(const QueuedMessage& got, const ExpectedMessage& want, const std::string& at,
                  std::vector<std::string>& out) {
  if (want.body && got.body() != *want.body) {
    out.push_back(Cat(at, " body: expected \"", *want.body, "\", got \"", got.body(), "\""));
  }
  if (want.redelivered && got.redelivered != *want.redelivered) {
    out.push_back(Cat(at, " redelivered: expected ", *want.redelivered ? "true" : "false",
                      ", got ", got.redelivered ? "true" : "false"));
  }
  if (want.x_death) {
    std::vector<std::string> g = XDeathEntries(got.properties());
    std::vector<std::string> w = ExpectedXDeathEntries(*want.x_death);
    if (g != w) {
      out.push_back(Cat(at, " x-death: expected [", JoinForMessage(w), "], got [",
                        JoinForMessage(g), "]"));
    }
  }
  const auto& headers = got.properties().headers;
  for (const auto& [key, value] : want.headers) {
    const FieldValue* v = headers ? headers->Find(key) : nullptr;
    if (v == nullptr || !v->LooselyEquals(value)) {
      out.push_back(Cat(at, " header ", key, ": expected ", ToJson(value), ", got ",
                        v ? ToJson(*v) : "nothing"));
    }
  }
  for (const std::string& key : want.absent_headers) {
    if (headers && headers->Contains(key)) out.push_back(Cat(at, " header ", key, ": expected absent"));
  }
}

void CheckQueue(const Simulation& sim, const QueueExpectation& e, std::vector<std::string>& out) {
  absl::StatusOr<QueueInfo> q = sim.Queue(e.queue);
  if (!q.ok()) {
    out.push_back(Cat("queue '", e.queue, "': expected it to exist, it does not"));
    return;
  }
  auto count = [&](const char* what, std::optional<uint64_t> want, uint64_t got) {
    if (want && *want != got) {
      out.push_back(Cat("queue '", e.queue, "' ", what, ": expected ", *want, ", got ", got));
    }
  };
  count("ready", e.ready, q->ready);
  count("unacked", e.unacked, q->unacked);
  if (e.enqueued) {
    count("enqueued", e.enqueued, sim.TraceCount(TraceKind::kEnqueued, e.queue));
  }
  if (!e.messages) return;
  std::vector<QueuedMessage> got = sim.Messages(e.queue).value_or(std::vector<QueuedMessage>{});
  if (got.size() != e.messages->size()) {
    out.push_back(Cat("queue '", e.queue, "' messages: expected ", e.messages->size(), ", got ",
                      got.size()));
  }
  for (size_t i = 0; i < std::min(got.size(), e.messages->size()); ++i) {
    CheckMessage(got[i], (*e.messages)[i], Cat("queue '", e.queue, "' message ", i), out);
  }
}

void CheckFate(const Simulation& sim, const FateExpectation& e,
               const std::map<std::string, std::vector<MessageId>>& labels,
               std::vector<std::string>& out) {
  auto it = labels.find(e.label);
  if (it == labels.end()) {
    out.push_back(Cat("message \"", e.label, "\" was never published"));
    return;
  }
  for (MessageId id : it->second) {
    MessageFate fate = sim.Fate(id);
    std::vector<std::string> copies;
    for (const CopyFate& c : fate.copies) copies.push_back(Cat(c.queue, ":", CopyStateName(c.state)));
    if (copies != e.copies) {
      out.push_back(Cat("fate of \"", e.label, "\" (#", id.value, ") copies: expected [",
                        JoinForMessage(e.copies), "], got [", JoinForMessage(copies), "]"));
    }
    if (fate.drops != e.drops) {
      out.push_back(Cat("fate of \"", e.label, "\" (#", id.value, ") drops: expected [",
                        JoinForMessage(e.drops), "], got [", JoinForMessage(fate.drops), "]"));
    }
  }
}

void CheckTask(const TaskExpectation& e, const RunContext& context,
               std::vector<std::string>& out) {
  auto id = context.task_ids.find(e.label);
  if (id == context.task_ids.end() || context.celery == nullptr) {
    out.push_back(Cat("task \"", e.label, "\" was never applied"));
    return;
  }
  celery::TaskState row = context.celery->Task(id->second).value_or(celery::TaskState{});
  std::string who = Cat("task \"", e.label, "\"");
  if (e.state && row.state != *e.state) {
    out.push_back(Cat(who, " state: expected ", *e.state, ", got ", row.state));
  }
  if (e.result && row.result != *e.result) {
    out.push_back(Cat(who, " result: expected \"", *e.result, "\", got \"", row.result, "\""));
  }
  auto number = [&](const char* what, std::optional<int> want, int got) {
    if (want && *want != got) out.push_back(Cat(who, " ", what, ": expected ", *want, ", got ", got));
  };
  number("executions", e.executions, row.executions);
  number("retries", e.retries, row.retries);
  number("published", e.published, row.published);
}

}  // namespace

std::vector<std::string> CheckExpectation(const Simulation& sim, const Expectation& e,
                                          const RunContext& context) {
  std::vector<std::string> out;
  std::visit(
      Overloaded{
          [&](const QueueExpectation& q) { CheckQueue(sim, q, out); },
          [&](const QueueGoneExpectation& q) {
            if (sim.Queue(q.queue).ok()) {
              out.push_back(Cat("queue '", q.queue, "': expected it gone, it exists"));
            }
          },
          [&](const FateExpectation& f) { CheckFate(sim, f, context.labels, out); },
          [&](const EventCountExpectation& x) {
            std::optional<TraceKind> kind = TraceKindFromName(x.event);  // checked at load
            uint64_t n = kind ? sim.TraceCount(*kind, x.queue) : 0;
            if (n != x.equals) {
              out.push_back(Cat("events '", x.event, "'",
                                x.queue.empty() ? "" : Cat(" in '", x.queue, "'"),
                                ": expected ", x.equals, ", got ", n));
            }
          },
          [&](const CounterExpectation& x) {
            uint64_t v = 0;
            CounterByName(sim.counters(), x.counter, &v);
            if (v != x.equals) {
              out.push_back(Cat("counter ", x.counter, ": expected ", x.equals, ", got ", v));
            }
          },
          [&](const TaskExpectation& t) { CheckTask(t, context, out); },
          [&](const TasksInStateExpectation& x) {
            uint64_t n = context.celery ? context.celery->TasksInState(x.state).size() : 0;
            if (n != x.equals) {
              out.push_back(Cat("tasks in state ", x.state, ": expected ", x.equals, ", got ", n));
            }
          },
          [&](const CeleryEventExpectation& x) {
            uint64_t n = 0;
            if (context.celery) {
              for (const celery::CeleryEvent& ev : context.celery->events()) n += ev.type == x.event;
            }
            if (n != x.equals) {
              out.push_back(Cat("celery events '", x.event, "': expected ", x.equals, ", got ", n));
            }
          },
      },
      e.check);
  return out;
}

std::vector<std::string> QueueTable(const Simulation& sim) {
  std::vector<std::string> lines;
  char buf[512];
  std::snprintf(buf, sizeof buf, "%-24s %9s %24s", "name", "messages", "messages_unacknowledged");
  lines.emplace_back(buf);
  for (const QueueInfo& q : sim.Queues()) {
    std::snprintf(buf, sizeof buf, "%-24s %9llu %24llu", PrintableText(q.name).c_str(),
                  static_cast<unsigned long long>(q.ready), static_cast<unsigned long long>(q.unacked));
    lines.emplace_back(buf);
  }
  return lines;
}

}  // namespace warren::internal
