#include "sim/scenario/references.h"

#include <set>

#include "absl/strings/match.h"

#include "sim/core/overloaded.h"
#include "sim/core/status_macros.h"
#include "sim/core/strings.h"
#include "warren/inspect.h"

namespace warren::internal {
namespace {

// "<pointer>: no queue named \"q\"".
absl::Status Missing(std::string_view pointer, std::string_view what, std::string_view name) {
  return absl::InvalidArgumentError(Cat(pointer, ": no ", what, " named \"", name, "\""));
}

// "<pointer>: no published message with label \"job\"".
absl::Status MissingLabel(std::string_view pointer, std::string_view what,
                          std::string_view label) {
  return absl::InvalidArgumentError(Cat(pointer, ": no ", what, " with label \"", label, "\""));
}

// Walks the kinds until TraceKindName stops knowing one, so a new kind
// needs only its name there (the enum is dense from 0).
bool IsTraceKind(std::string_view name) { return TraceKindFromName(name).has_value(); }

absl::Status NeedsCelery(const ScenarioSpec& spec, std::string_view pointer) {
  return spec.celery ? absl::OkStatus()
                     : absl::InvalidArgumentError(Cat(pointer, ": expected a \"celery\" section"));
}

}  // namespace

bool CounterByName(const Counters& c, std::string_view name, uint64_t* value) {
  const std::pair<std::string_view, uint64_t> table[] = {
      {"published", c.published},   {"unroutable", c.unroutable},
      {"returned", c.returned},     {"copies_enqueued", c.copies_enqueued},
      {"ready", c.ready},           {"unacked", c.unacked},
      {"acked", c.acked},           {"dead_lettered", c.dead_lettered},
      {"dropped", c.dropped},       {"confirms_acked", c.confirms_acked},
      {"confirms_nacked", c.confirms_nacked}};
  for (const auto& [n, v] : table) {
    if (n == name) {
      *value = v;
      return true;
    }
  }
  return false;
}

// "" names no queue in a file: in AMQP it would mean "the channel's last
// declared queue", which a scenario has no way to see.
absl::Status EmptyQueueName(std::string_view pointer) {
  return absl::InvalidArgumentError(Cat(
      pointer, ": expected a queue name, got \"\" (in AMQP it means the channel's last "
      "declared queue; to use a server-named queue, declare {\"name\": \"\", \"as\": "
      "\"<alias>\"} and refer to the alias)"));
}

// A queue reference: not "", and (when `must_exist`) declared in the file.
absl::Status QueueRef(const std::set<std::string>& queues, std::string_view pointer,
                      const std::string& name, bool must_exist = true) {
  if (name.empty()) return EmptyQueueName(pointer);
  if (must_exist && !queues.contains(name)) return Missing(pointer, "queue", name);
  return absl::OkStatus();
}

absl::Status CheckReferences(const JsonCursor& root, const ScenarioSpec& spec) {
  std::set<std::string> exchanges = {"", "amq.direct", "amq.fanout", "amq.topic", "amq.headers",
                                     "amq.match"};
  std::set<std::string> queues, clients, labels, tasks, workers, task_labels;
  for (size_t i = 0; i < spec.exchanges.size(); ++i) {
    if (!exchanges.insert(spec.exchanges[i].name).second) {
      return absl::InvalidArgumentError(Cat("/exchanges/", i, "/name: exchange \"",
                                            spec.exchanges[i].name, "\" is declared twice"));
    }
  }
  for (size_t i = 0; i < spec.queues.size(); ++i) {
    const ScenarioQueue& q = spec.queues[i];
    if (q.name.empty() && q.alias.empty()) continue;  // nothing may refer to it
    if (!queues.insert(q.name.empty() ? q.alias : q.name).second) {
      return absl::InvalidArgumentError(
          q.name.empty() ? Cat("/queues/", i, "/as: \"", q.alias, "\" already names a queue")
                         : Cat("/queues/", i, "/name: queue \"", q.name, "\" is declared twice"));
    }
  }
  // Names the timeline itself declares.
  for (const ScenarioStep& s : spec.timeline) {
    if (const auto* x = std::get_if<DeclareExchangeStep>(&s.action)) {
      exchanges.insert(x->exchange.name);
    }
    if (const auto* q = std::get_if<DeclareQueueStep>(&s.action);
        q != nullptr && !(q->queue.name + q->queue.alias).empty()) {
      queues.insert(q->queue.name.empty() ? q->queue.alias : q->queue.name);
    }
    if (const auto* p = std::get_if<PublishStep>(&s.action); p && !p->label.empty()) {
      labels.insert(p->label);
    }
    if (const auto* a = std::get_if<ApplyAsyncStep>(&s.action)) {
      if (!a->label.empty()) task_labels.insert(a->label);
      // Celery declares the queue it sends to (task_create_missing_queues).
      if (spec.celery && spec.celery->app.task_create_missing_queues) queues.insert(a->apply.queue);
    }
  }
  if (spec.celery) {
    for (size_t i = 0; i < spec.celery->tasks.size(); ++i) {
      if (!tasks.insert(spec.celery->tasks[i].name).second) {
        return absl::InvalidArgumentError(Cat("/celery/tasks/", i, "/name: task \"",
                                              spec.celery->tasks[i].name, "\" is defined twice"));
      }
    }
    for (size_t i = 0; i < spec.celery->workers.size(); ++i) {
      const celery::WorkerSpec& w = spec.celery->workers[i];
      if (!workers.insert(w.name).second) {
        return absl::InvalidArgumentError(
            Cat("/celery/workers/", i, "/name: worker \"", w.name, "\" is declared twice"));
      }
      // With task_create_missing_queues (the default) a worker declares
      // the queues it consumes, as Celery does: they need not exist.
      bool creates = spec.celery->app.task_create_missing_queues;
      for (size_t j = 0; j < w.queues.size(); ++j) {
        WARREN_RETURN_IF_ERROR(
            QueueRef(queues, Cat("/celery/workers/", i, "/queues/", j), w.queues[j], !creates));
        if (creates) queues.insert(w.queues[j]);
      }
    }
    if (spec.celery->task_queue_names) {
      std::set<std::string> top;
      for (const ScenarioQueue& q : spec.queues) top.insert(q.name);
      const std::vector<std::string>& names = *spec.celery->task_queue_names;
      for (size_t i = 0; i < names.size(); ++i) {
        std::string at = Cat("/celery/app/task_queues/", i);
        if (names[i].empty()) return EmptyQueueName(at);
        if (!top.contains(names[i])) return Missing(at, "queue in \"queues\"", names[i]);
      }
    }
  }
  for (size_t i = 0; i < spec.bindings.size(); ++i) {
    const ScenarioBinding& b = spec.bindings[i];
    std::string at = Cat("/bindings/", i);
    if (!exchanges.contains(b.source)) return Missing(Cat(at, "/exchange"), "exchange", b.source);
    if (b.to_exchange && !exchanges.contains(b.destination)) {
      return Missing(Cat(at, "/to_exchange"), "exchange", b.destination);
    }
    if (!b.to_exchange) WARREN_RETURN_IF_ERROR(QueueRef(queues, Cat(at, "/queue"), b.destination));
  }
  for (size_t i = 0; i < spec.clients.size(); ++i) {
    const ScenarioClient& c = spec.clients[i];
    WARREN_RETURN_IF_ERROR(QueueRef(queues, Cat("/clients/", i, "/queue"), c.queue));
    for (size_t j = 0; j < c.rules.size(); ++j) {
      const ClientRule& r = c.rules[j];
      if (r.action == ClientAction::kRepublish && !r.republish_exchange.empty() &&
          !exchanges.contains(r.republish_exchange)) {
        return Missing(Cat("/clients/", i, "/rules/", j, "/exchange"), "exchange",
                       r.republish_exchange);
      }
    }
    if (!clients.insert(c.name).second) {
      return absl::InvalidArgumentError(
          Cat("/clients/", i, "/name: client \"", c.name, "\" is declared twice"));
    }
  }
  for (const ScenarioStep& s : spec.timeline) {
    // Timeline steps may name queues the file never declares (to provoke a
    // 404), but never "".
    auto at = [&](const char* key) { return Cat(s.pointer, key); };
    auto queue_ref = [&](const char* key, const std::string& name) {
      return QueueRef(queues, at(key), name, /*must_exist=*/false);
    };
    auto worker = [&](const char* key, const std::string& name) {
      return workers.contains(name) ? absl::OkStatus()
                                    : Missing(at(key), "celery worker", name);
    };
    auto task_label = [&](const char* key, const std::string& label) {
      return task_labels.contains(label) ? absl::OkStatus()
                                         : MissingLabel(at(key), "apply_async", label);
    };
    // The observation keys a named channel's deliveries and events by its
    // connection's name, as it keys a client's by the client's.
    if (clients.contains(s.connection)) {
      return absl::InvalidArgumentError(
          Cat(at("/connection"), ": \"", s.connection,
              "\" is a client's name; name the step's connection differently"));
    }
    WARREN_RETURN_IF_ERROR(std::visit(
        Overloaded{
            [&](const BindStep& b) {
              return b.binding.to_exchange ? absl::OkStatus()
                                           : queue_ref("/bind/queue", b.binding.destination);
            },
            [&](const UnbindStep& b) {
              return b.binding.to_exchange ? absl::OkStatus()
                                           : queue_ref("/unbind/queue", b.binding.destination);
            },
            [&](const DeleteQueueStep& d) { return queue_ref("/delete_queue", d.queue); },
            [&](const PurgeQueueStep& p) { return queue_ref("/purge_queue", p.queue); },
            [&](const StopClientStep& c) {
              return clients.contains(c.client) ? absl::OkStatus()
                                                : Missing(at("/stop_client"), "client", c.client);
            },
            [&](const ApplyAsyncStep& a) {
              if (!tasks.contains(a.task)) {
                return Missing(at("/apply_async/task"), "celery task", a.task);
              }
              // apply_async declares its queue (task_create_missing_queues).
              return QueueRef(queues, at("/apply_async/queue"), a.apply.queue,
                              !spec.celery || !spec.celery->app.task_create_missing_queues);
            },
            [&](const KillWorkerStep& k) { return worker("/kill_worker", k.worker); },
            [&](const KillChildStep& k) { return worker("/kill_child", k.worker); },
            [&](const RestartWorkerStep& r) { return worker("/restart_worker", r.worker); },
            [&](const StopWorkerStep& w) { return worker("/stop_worker", w.worker); },
            [&](const RevokeStep& r) { return task_label("/revoke", r.label); },
            [&](const TerminateStep& t) { return task_label("/terminate", t.label); },
            // Publishes, policies and declarations refer to nothing that
            // must exist beforehand (a 404 is a step result).
            [](const PublishStep&) { return absl::OkStatus(); },
            [](const SetPolicyStep&) { return absl::OkStatus(); },
            [](const ClearPolicyStep&) { return absl::OkStatus(); },
            [](const DeclareExchangeStep&) { return absl::OkStatus(); },
            [](const DeclareQueueStep&) { return absl::OkStatus(); },
            [](const DeleteExchangeStep&) { return absl::OkStatus(); },
            [&](const GetStep& g) { return queue_ref("/get/queue", g.queue); },
            [&](const ConsumeStep& c) { return queue_ref("/consume/queue", c.queue); },
            // Channel methods act on what the channel holds at run time: a
            // wrong tag is the broker's 406, a step result.
            [](const CancelStep&) { return absl::OkStatus(); },
            [](const QosStep&) { return absl::OkStatus(); },
            [](const AckStep&) { return absl::OkStatus(); },
            [](const NackStep&) { return absl::OkStatus(); },
            [](const RejectStep&) { return absl::OkStatus(); },
            [](const RecoverStep&) { return absl::OkStatus(); },
            [](const TxStep&) { return absl::OkStatus(); },
            [](const CloseStep&) { return absl::OkStatus(); },
        },
        s.action));
  }
  // What a "client" expectation may name: a scripted client, or a named
  // channel a consume step uses ("conn", "conn/2").
  std::set<std::string> receivers = clients;
  for (const ScenarioStep& s : spec.timeline) {
    if (std::holds_alternative<ConsumeStep>(s.action)) {
      receivers.insert(s.channel == 1 ? s.connection : Cat(s.connection, "/", s.channel));
    }
  }
  for (const Expectation& e : spec.expectations) {
    WARREN_RETURN_IF_ERROR(std::visit(
        Overloaded{
            [&](const ClientExpectation& c) {
              return receivers.contains(c.client)
                         ? absl::OkStatus()
                         : Missing(Cat(e.pointer, "/client"),
                                   "client (or named channel with a consume step)", c.client);
            },
            [&](const QueueExpectation& q) {
              return QueueRef(queues, Cat(e.pointer, "/queue"), q.queue);
            },
            [&](const QueueGoneExpectation& q) {
              return QueueRef(queues, Cat(e.pointer, "/queue_gone"), q.queue);
            },
            [&](const FateExpectation& f) {
              return labels.contains(f.label)
                         ? absl::OkStatus()
                         : MissingLabel(Cat(e.pointer, "/fate"), "published message", f.label);
            },
            [&](const EventCountExpectation& x) {
              if (IsTraceKind(x.event)) return absl::OkStatus();
              return absl::InvalidArgumentError(Cat(e.pointer, "/event: expected a trace event kind "
                                                    "(published, routed, enqueued, delivered, acked, "
                                                    "rejected, requeued, expired, dead-lettered, "
                                                    "dropped, returned, confirmed, ...), got \"",
                                                    x.event, "\""));
            },
            [&](const TaskExpectation& t) {
              return task_labels.contains(t.label)
                         ? absl::OkStatus()
                         : MissingLabel(Cat(e.pointer, "/task"), "apply_async", t.label);
            },
            [&](const TasksInStateExpectation&) { return NeedsCelery(spec, e.pointer); },
            [&](const CeleryEventExpectation&) { return NeedsCelery(spec, e.pointer); },
            [&](const CounterExpectation& x) {
              uint64_t unused;
              if (CounterByName(Counters(), x.counter, &unused)) return absl::OkStatus();
              return absl::InvalidArgumentError(
                  Cat(e.pointer, "/counter: expected one of published, unroutable, returned, "
                                 "copies_enqueued, ready, unacked, acked, dead_lettered, dropped, "
                                 "confirms_acked, confirms_nacked, got \"", x.counter, "\""));
            },
        },
        e.check));
  }
  (void)root;
  return absl::OkStatus();
}

}  // namespace warren::internal
