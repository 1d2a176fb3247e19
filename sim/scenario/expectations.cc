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

// x-death as "queue/reason/count" entries, in order; with the optional
// fields `want` names (exchange, routing-keys, original-expiration, time)
// when the entry at that index asks for them.
std::vector<std::string> XDeathEntries(const BasicProperties& p,
                                       const std::vector<ExpectedXDeath>& want,
                                       absl::Time start) {
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
    std::string entry = Cat(str("queue"), "/", str("reason"), "/",
                            c && c->is_integer() ? c->as_int() : -1);
    const ExpectedXDeath* w = parts.size() < want.size() ? &want[parts.size()] : nullptr;
    if (w && w->exchange) Append(&entry, " exchange=", str("exchange"));
    if (w && w->routing_keys) {
      std::vector<std::string> keys;
      const FieldValue* rk = t.Find("routing-keys");
      if (rk && rk->type() == FieldType::kArray) {
        for (const FieldValue& k : rk->as_array()) keys.push_back(k.is_string() ? k.as_string() : "?");
      }
      Append(&entry, " routing-keys=[", absl::StrJoin(keys, ","), "]");
    }
    if (w && w->original_expiration) {
      Append(&entry, " original-expiration=",
             t.Contains("original-expiration") ? str("original-expiration") : "(none)");
    }
    if (w && w->time_s) {
      const FieldValue* time = t.Find("time");
      Append(&entry, " time_s=",
             time && time->type() == FieldType::kTimestamp
                 ? Cat(time->as_int() - absl::ToUnixSeconds(start))
                 : std::string("(none)"));
    }
    parts.push_back(std::move(entry));
  }
  return parts;
}

std::vector<std::string> ExpectedXDeathEntries(const std::vector<ExpectedXDeath>& x) {
  std::vector<std::string> parts;
  for (const ExpectedXDeath& d : x) {
    std::string entry = Cat(d.queue, "/", d.reason, "/", d.count);
    if (d.exchange) Append(&entry, " exchange=", *d.exchange);
    if (d.routing_keys) Append(&entry, " routing-keys=[", absl::StrJoin(*d.routing_keys, ","), "]");
    if (d.original_expiration) Append(&entry, " original-expiration=", *d.original_expiration);
    if (d.time_s) Append(&entry, " time_s=", *d.time_s);
    parts.push_back(std::move(entry));
  }
  return parts;
}

// A message as the checks see it: queued, or delivered to a client.
struct MessageView {
  std::string_view body;
  bool redelivered = false;
  const BasicProperties* properties = nullptr;
  uint64_t id = 0;
};

// Each property `want` sets must be set to the same value in `got`.
void CheckProperties(const BasicProperties& got, const BasicProperties& want,
                     const std::string& at, std::vector<std::string>& out) {
  auto check = [&](const char* name, const auto& g, const auto& w) {
    if (!w || (g && *g == *w)) return;
    out.push_back(Cat(at, " property ", name, ": expected ", *w, ", got ",
                      g ? Cat(*g) : std::string("nothing")));
  };
  check("content_type", got.content_type, want.content_type);
  check("content_encoding", got.content_encoding, want.content_encoding);
  check("delivery_mode", got.delivery_mode, want.delivery_mode);
  check("priority", got.priority, want.priority);
  check("correlation_id", got.correlation_id, want.correlation_id);
  check("reply_to", got.reply_to, want.reply_to);
  check("expiration", got.expiration, want.expiration);
  check("message_id", got.message_id, want.message_id);
  check("timestamp", got.timestamp, want.timestamp);
  check("type", got.type, want.type);
  check("user_id", got.user_id, want.user_id);
  check("app_id", got.app_id, want.app_id);
}

// Python's isoformat() with an offset (fraction optional when parsing).
constexpr char kIsoLayout[] = "%Y-%m-%dT%H:%M:%E*S%Ez";

// A header naming an instant: an ISO 8601 string (Celery's eta, expires)
// or an AMQP timestamp (whole seconds).
void CheckHeaderTime(const FieldValue* v, const std::string& key, int64_t ms,
                     const MessageView& got, const RunContext& context, const std::string& at,
                     std::vector<std::string>& out) {
  auto published = context.published_at.find(got.id);
  if (published == context.published_at.end()) {
    out.push_back(Cat(at, " header ", key, ": the message's publish is not in this run's record "
                      "(a dead-lettered copy keeps its message; compare with the run's start)"));
    return;
  }
  absl::Time want = published->second + absl::Milliseconds(ms);
  std::string shown = Cat(ms, " ms after its publish (",
                          absl::FormatTime(kIsoLayout, want, absl::UTCTimeZone()), ")");
  if (v == nullptr) {
    out.push_back(Cat(at, " header ", key, ": expected ", shown, ", got nothing"));
  } else if (v->is_string()) {
    absl::Time parsed;
    std::string error;
    std::optional<absl::Time> t;
    if (absl::ParseTime(kIsoLayout, v->as_string(), &parsed, &error)) t = parsed;
    if (!t || *t != want) {
      out.push_back(Cat(at, " header ", key, ": expected ", shown, ", got \"", v->as_string(),
                        "\"", t ? Cat(" (", absl::ToInt64Milliseconds(*t - published->second),
                                      " ms after its publish)")
                                 : std::string(" (not an ISO 8601 time)")));
    }
  } else if (v->type() == FieldType::kTimestamp) {
    if (v->as_int() != absl::ToUnixSeconds(want)) {
      out.push_back(Cat(at, " header ", key, ": expected ", shown, " (timestamp ",
                        absl::ToUnixSeconds(want), "), got timestamp ", v->as_int()));
    }
  } else {
    out.push_back(Cat(at, " header ", key, ": expected a time (ISO 8601 string or timestamp), "
                      "got ", ToJson(*v)));
  }
}

void CheckMessage(const MessageView& got, const ExpectedMessage& want, const std::string& at,
                  const RunContext& context, std::vector<std::string>& out) {
  if (want.body && got.body != *want.body) {
    out.push_back(Cat(at, " body: expected \"", *want.body, "\", got \"", got.body, "\""));
  }
  if (want.redelivered && got.redelivered != *want.redelivered) {
    out.push_back(Cat(at, " redelivered: expected ", *want.redelivered ? "true" : "false",
                      ", got ", got.redelivered ? "true" : "false"));
  }
  if (want.x_death) {
    std::vector<std::string> g = XDeathEntries(*got.properties, *want.x_death, context.start);
    std::vector<std::string> w = ExpectedXDeathEntries(*want.x_death);
    if (g != w) {
      out.push_back(Cat(at, " x-death: expected [", JoinForMessage(w), "], got [",
                        JoinForMessage(g), "]"));
    }
  }
  const auto& headers = got.properties->headers;
  auto find = [&](const std::string& key) { return headers ? headers->Find(key) : nullptr; };
  for (const auto& [key, value] : want.headers) {
    const FieldValue* v = find(key);
    if (v == nullptr || !v->LooselyEquals(value)) {
      out.push_back(Cat(at, " header ", key, ": expected ", ToJson(value), ", got ",
                        v ? ToJson(*v) : "nothing"));
    }
  }
  for (const std::string& key : want.absent_headers) {
    if (find(key)) out.push_back(Cat(at, " header ", key, ": expected absent"));
  }
  for (const std::string& key : want.present_headers) {
    if (!find(key)) out.push_back(Cat(at, " header ", key, ": expected present, it is absent"));
  }
  for (const auto& [key, type] : want.header_types) {
    const FieldValue* v = find(key);
    if (v == nullptr || FieldTypeName(v->type()) != type) {
      out.push_back(Cat(at, " header ", key, ": expected type ", type, ", got ",
                        v ? FieldTypeName(v->type()) : "nothing"));
    }
  }
  for (const auto& [key, ms] : want.header_ms_after_publish) {
    CheckHeaderTime(find(key), key, ms, got, context, at, out);
  }
  CheckProperties(*got.properties, want.properties, at, out);
}

void CheckQueue(const Simulation& sim, const QueueExpectation& e, const RunContext& context,
                std::vector<std::string>& out) {
  absl::StatusOr<QueueInfo> q = sim.Queue(e.queue);
  if (!q.ok()) {
    out.push_back(Cat("queue '", e.queue, "': expected it to exist, it does not"));
    return;
  }
  if (e.name_prefix && !q->name.starts_with(*e.name_prefix)) {
    out.push_back(Cat("queue '", e.queue, "' name: expected one starting \"", *e.name_prefix,
                      "\", got \"", q->name, "\""));
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
    MessageView view{.body = got[i].body(),
                     .redelivered = got[i].redelivered,
                     .properties = &got[i].properties(),
                     .id = got[i].message->id().value};
    CheckMessage(view, (*e.messages)[i], Cat("queue '", e.queue, "' message ", i), context, out);
  }
}

void CheckClient(const ClientExpectation& e, const RunContext& context,
                 std::vector<std::string>& out) {
  static const std::vector<ObservedMessage> kNone;
  static const std::vector<ObservedDelivery> kNoChannel;
  static const std::vector<std::string> kNoEvents;
  const Observation& o = *context.observation;
  // A scripted client's deliveries, else a named channel's.
  std::vector<MessageView> got;
  auto client = o.deliveries.find(e.client);
  for (const ObservedMessage& m : client != o.deliveries.end() ? client->second : kNone) {
    got.push_back({m.body, m.redelivered, &m.properties, m.message_id});
  }
  auto channel = o.channels.find(e.client);
  for (const ObservedDelivery& d : channel != o.channels.end() ? channel->second : kNoChannel) {
    got.push_back({d.message.body, d.message.redelivered, &d.message.properties,
                   d.message.message_id});
  }
  std::string who = Cat("client \"", e.client, "\"");
  if (e.delivery_count && got.size() != *e.delivery_count) {
    out.push_back(Cat(who, " deliveries: expected ", *e.delivery_count, ", got ", got.size()));
  }
  if (e.deliveries) {
    if (got.size() != e.deliveries->size()) {
      std::vector<std::string> bodies;
      for (const MessageView& m : got) bodies.push_back(Cat("\"", m.body, "\""));
      out.push_back(Cat(who, " deliveries: expected ", e.deliveries->size(), ", got ", got.size(),
                        " [", JoinForMessage(bodies), "]"));
    }
    for (size_t i = 0; i < std::min(got.size(), e.deliveries->size()); ++i) {
      CheckMessage(got[i], (*e.deliveries)[i], Cat(who, " delivery ", i), context, out);
    }
  }
  if (e.events) {
    auto events = o.client_events.find(e.client);
    const std::vector<std::string>& seen = events != o.client_events.end() ? events->second : kNoEvents;
    if (seen != *e.events) {
      out.push_back(Cat(who, " events: expected [", JoinForMessage(*e.events), "], got [",
                        JoinForMessage(seen), "]"));
    }
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
  // The model keeps a record from the publish on; the backend stores a
  // row only with the first state (date_done).
  bool stored = row.date_done.has_value();
  if (e.backend_row && *e.backend_row != stored) {
    out.push_back(Cat(who, " backend row: expected ", *e.backend_row ? "one" : "none", ", got ",
                      stored ? Cat("one (", row.state, ")") : std::string("none (PENDING)")));
  }
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

bool NeedsPublishTimes(const ScenarioSpec& spec) {
  auto uses = [](const std::optional<std::vector<ExpectedMessage>>& list) {
    if (!list) return false;
    for (const ExpectedMessage& m : *list) {
      if (!m.header_ms_after_publish.empty()) return true;
    }
    return false;
  };
  for (const Expectation& e : spec.expectations) {
    if (const auto* q = std::get_if<QueueExpectation>(&e.check); q && uses(q->messages)) return true;
    if (const auto* c = std::get_if<ClientExpectation>(&e.check); c && uses(c->deliveries)) return true;
  }
  return false;
}

std::set<std::string> WatchedClients(const ScenarioSpec& spec) {
  std::set<std::string> names;
  for (const Expectation& e : spec.expectations) {
    if (const auto* c = std::get_if<ClientExpectation>(&e.check)) names.insert(c->client);
  }
  return names;
}

std::vector<std::string> CheckExpectation(const Simulation& sim, const Expectation& e,
                                          const RunContext& context) {
  std::vector<std::string> out;
  std::visit(
      Overloaded{
          [&](const QueueExpectation& q) { CheckQueue(sim, q, context, out); },
          [&](const ClientExpectation& c) { CheckClient(c, context, out); },
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
