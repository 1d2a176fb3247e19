#include "sim/scenario/references.h"

#include <set>

#include "absl/strings/match.h"

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
  for (const ScenarioStep& s : spec.timeline) {
    if (s.kind == StepKind::kDeclareExchange) exchanges.insert(s.exchange.name);
    if (s.kind == StepKind::kDeclareQueue && !(s.queue.name + s.queue.alias).empty()) {
      queues.insert(s.queue.name.empty() ? s.queue.alias : s.queue.name);
    }
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
        WARREN_RETURN_IF_ERROR(
            QueueRef(queues, Cat("/celery/workers/", i, "/queues/", j), w.queues[j]));
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
    if ((s.kind == StepKind::kBind || s.kind == StepKind::kUnbind) && !s.binding.to_exchange) {
      WARREN_RETURN_IF_ERROR(QueueRef(
          queues, Cat(s.pointer, s.kind == StepKind::kBind ? "/bind" : "/unbind", "/queue"),
          s.binding.destination, /*must_exist=*/false));
    }
    if (s.kind == StepKind::kDeleteQueue || s.kind == StepKind::kPurgeQueue) {
      WARREN_RETURN_IF_ERROR(QueueRef(
          queues, Cat(s.pointer, s.kind == StepKind::kDeleteQueue ? "/delete_queue" : "/purge_queue"),
          s.queue.name, /*must_exist=*/false));
    }
    if (s.kind == StepKind::kStopClient && !clients.contains(s.client)) {
      return Missing(Cat(s.pointer, "/stop_client"), "client", s.client);
    }
    if (s.kind == StepKind::kApplyAsync) {
      if (!tasks.contains(s.task)) return Missing(Cat(s.pointer, "/apply_async/task"), "celery task", s.task);
      WARREN_RETURN_IF_ERROR(QueueRef(queues, Cat(s.pointer, "/apply_async/queue"), s.apply.queue));
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
        WARREN_RETURN_IF_ERROR(QueueRef(queues, Cat(e.pointer, "/queue"), e.queue));
        break;
      case ExpectationKind::kQueueGone:
        WARREN_RETURN_IF_ERROR(QueueRef(queues, Cat(e.pointer, "/queue_gone"), e.queue));
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
