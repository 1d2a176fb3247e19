#include "sim/cli/demo.h"

#include <cstdio>
#include <iostream>

#include "warren/warren.h"

namespace warren::cli {
namespace {

FieldValue Int(int64_t v) { return FieldValue::SignedInt(static_cast<int32_t>(v)); }
FieldValue Str(std::string_view v) { return FieldValue::String(v); }

std::string History(const BasicProperties& p) {
  const FieldValue* x = p.headers ? p.headers->Find("x-death") : nullptr;
  if (x == nullptr) return "(no x-death)";
  std::string out = "x-death [";
  bool first = true;
  for (const FieldValue& d : x->as_array()) {
    const FieldTable& t = d.as_table();
    out += (first ? "" : ", ") + t.Find("queue")->as_string() + "/" +
           t.Find("reason")->as_string() + "/" + std::to_string(t.Find("count")->as_int());
    first = false;
  }
  return out + "]";
}

void PrintQueues(const Simulation& sim) {
  std::printf("\n%-14s %9s %25s\n", "name", "messages", "messages_unacknowledged");
  for (const QueueInfo& q : sim.Queues()) {
    std::printf("%-14s %9llu %25llu\n", q.name.c_str(), (unsigned long long)q.ready,
                (unsigned long long)q.unacked);
  }
}

}  // namespace

int RunLadderDemo() {
  Simulation sim({.seed = 1});
  Connection conn = sim.Connect("worker");
  absl::StatusOr<Channel> ch = conn.OpenChannel();
  auto check = [](const absl::Status& s) {
    if (!s.ok()) std::cerr << "demo setup failed: " << s << "\n";
    return s.ok();
  };
  bool ok = check(ch.status()) &&
            check(ch->ExchangeDeclare("task_exchange", {.type = "direct"})) &&
            check(ch->ExchangeDeclare("retry_exchange", {.type = "direct"})) &&
            check(ch->QueueDeclare("task_queue", {.arguments = {{"x-dead-letter-exchange",
                                                                 Str("retry_exchange")}}})
                      .status()) &&
            check(ch->QueueBind("task_queue", "task_exchange", "task")) &&
            check(ch->QueueDeclare("dlq").status());
  const std::pair<const char*, int> stages[] = {{"retry_2s", 2000}, {"retry_4s", 4000},
                                                {"retry_8s", 8000}};
  for (auto [name, ttl] : stages) {
    ok = ok && check(ch->QueueDeclare(name, {.arguments = {{"x-message-ttl", Int(ttl)},
                                                           {"x-dead-letter-exchange",
                                                            Str("task_exchange")}}})
                         .status());
  }
  if (!ok) return 1;
  // The worker always fails; attempt n (1-based) is retried via stage n,
  // the fourth failure goes to the dlq. Retry stages are chosen by routing
  // key, which the failing worker sets by re-binding retry_exchange.
  int attempt = 0;
  Channel worker = *ch;
  auto consumed = worker.BasicConsume("task_queue", [&](const Delivery& d) {
    ++attempt;
    std::printf("attempt %d of job %llu: %s -> rejected\n", attempt,
                (unsigned long long)d.message_id().value, History(d.properties()).c_str());
    const char* from = attempt >= 2 && attempt <= 4 ? stages[attempt - 2].first : nullptr;
    const char* to = attempt <= 3 ? stages[attempt - 1].first : "dlq";
    if (from) (void)worker.QueueUnbind(from, "retry_exchange", "task");
    (void)worker.QueueBind(to, "retry_exchange", "task");
    (void)worker.BasicReject(d.delivery_tag, /*requeue=*/false);
  });
  if (!check(consumed.status())) return 1;
  if (!check(ch->BasicPublish({.exchange = "task_exchange", .routing_key = "task",
                               .body = "send-invoice"})
                 .status())) {
    return 1;
  }
  absl::Status ran = sim.RunFor(absl::Minutes(1));
  if (!check(ran)) return 1;
  std::printf("\ntimeline (virtual time; all of it took microseconds):\n");
  for (const TraceEvent& e : sim.trace()) {
    std::printf("%s\n", FormatTimelineLine(e, sim.options().start).c_str());
  }
  PrintQueues(sim);
  for (const QueuedMessage& m : sim.Messages("dlq").value_or(std::vector<QueuedMessage>{})) {
    std::printf("\ndlq holds \"%.*s\" with %s\n", static_cast<int>(m.body().size()), m.body().data(),
                History(m.properties()).c_str());
  }
  return check(sim.CheckInvariants()) ? 0 : 1;
}

}  // namespace warren::cli
