#include "sim/scenario/references.h"

#include <set>

#include "absl/strings/match.h"

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
bool IsTraceKind(std::string_view name) {
  if (name == "unknown") return false;
  for (int k = 0;; ++k) {
    std::string_view known = TraceKindName(static_cast<TraceKind>(k));
    if (known == "unknown") return false;
    if (known == name) return true;
  }
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
    if (!queues.insert(spec.queues[i].name).second) {
      return absl::InvalidArgumentError(Cat("/queues/", i, "/name: queue \"", spec.queues[i].name,
                                            "\" is declared twice"));
    }
  }
  for (const ScenarioStep& s : spec.timeline) {
    if (s.kind == StepKind::kDeclareExchange) exchanges.insert(s.exchange.name);
    if (s.kind == StepKind::kDeclareQueue) queues.insert(s.queue.name);
    if (s.kind == StepKind::kPublish && !s.label.empty()) labels.insert(s.label);
    if (s.kind == StepKind::kApplyAsync && !s.label.empty()) task_labels.insert(s.label);
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
      for (size_t j = 0; j < w.queues.size(); ++j) {
        if (!queues.contains(w.queues[j])) {
          return Missing(Cat("/celery/workers/", i, "/queues/", j), "queue", w.queues[j]);
        }
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
    if (!b.to_exchange && !queues.contains(b.destination)) {
      return Missing(Cat(at, "/queue"), "queue", b.destination);
    }
  }
  for (size_t i = 0; i < spec.clients.size(); ++i) {
    const ScenarioClient& c = spec.clients[i];
    if (!queues.contains(c.queue)) return Missing(Cat("/clients/", i, "/queue"), "queue", c.queue);
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
    if (s.kind == StepKind::kStopClient && !clients.contains(s.client)) {
      return Missing(Cat(s.pointer, "/stop_client"), "client", s.client);
    }
    if (s.kind == StepKind::kApplyAsync) {
      if (!tasks.contains(s.task)) return Missing(Cat(s.pointer, "/apply_async/task"), "celery task", s.task);
      if (!queues.contains(s.apply.queue)) {
        return Missing(Cat(s.pointer, "/apply_async/queue"), "queue", s.apply.queue);
      }
    }
    if ((s.kind == StepKind::kKillWorker || s.kind == StepKind::kKillChild ||
         s.kind == StepKind::kRestartWorker) &&
        !workers.contains(s.client)) {
      const char* key = s.kind == StepKind::kKillWorker  ? "/kill_worker"
                        : s.kind == StepKind::kKillChild ? "/kill_child"
                                                         : "/restart_worker";
      return Missing(Cat(s.pointer, key), "celery worker", s.client);
    }
    if ((s.kind == StepKind::kRevoke || s.kind == StepKind::kTerminate) &&
        !task_labels.contains(s.label)) {
      return MissingLabel(Cat(s.pointer, s.kind == StepKind::kRevoke ? "/revoke" : "/terminate"),
                          "apply_async", s.label);
    }
  }
  for (const Expectation& e : spec.expectations) {
    switch (e.kind) {
      case ExpectationKind::kQueue:
        if (!queues.contains(e.queue)) return Missing(Cat(e.pointer, "/queue"), "queue", e.queue);
        break;
      case ExpectationKind::kQueueGone:
        if (!queues.contains(e.queue)) {
          return Missing(Cat(e.pointer, "/queue_gone"), "queue", e.queue);
        }
        break;
      case ExpectationKind::kFate:
        if (!labels.contains(e.label)) {
          return MissingLabel(Cat(e.pointer, "/fate"), "published message", e.label);
        }
        break;
      case ExpectationKind::kEventCount:
        if (!IsTraceKind(e.event)) {
          return absl::InvalidArgumentError(Cat(e.pointer, "/event: expected a trace event kind "
                                                "(published, routed, enqueued, delivered, acked, "
                                                "rejected, requeued, expired, dead-lettered, "
                                                "dropped, returned, confirmed, ...), got \"",
                                                e.event, "\""));
        }
        break;
      case ExpectationKind::kTask:
        if (!task_labels.contains(e.label)) {
          return MissingLabel(Cat(e.pointer, "/task"), "apply_async", e.label);
        }
        break;
      case ExpectationKind::kTasksInState:
      case ExpectationKind::kCeleryEvent:
        if (!spec.celery) {
          return absl::InvalidArgumentError(Cat(e.pointer, ": expected a \"celery\" section"));
        }
        break;
      case ExpectationKind::kCounter: {
        uint64_t unused;
        if (!CounterByName(Counters(), e.counter, &unused)) {
          return absl::InvalidArgumentError(
              Cat(e.pointer, "/counter: expected one of published, unroutable, returned, "
                             "copies_enqueued, ready, unacked, acked, dead_lettered, dropped, "
                             "confirms_acked, confirms_nacked, got \"", e.counter, "\""));
        }
        break;
      }
    }
  }
  (void)root;
  return absl::OkStatus();
}

}  // namespace warren::internal
