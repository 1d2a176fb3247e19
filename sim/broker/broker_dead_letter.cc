// Dead-lettering a copy out of its queue: to its DLX with a new x-death
// history, or dropped (no DLX, missing DLX, unroutable, cycle).
#include "sim/core/strings.h"
#include "sim/broker/broker.h"

namespace warren::internal {

void Broker::DeadLetter(Queue& q, Envelope e, DeathReason reason, CopyState from) {
  scheduler_.Charge(1);
  std::string_view why = DeathReasonName(reason);
  const std::optional<std::string>& dlx = q.config.dead_letter_exchange;
  MessageId id = e.message->id();
  if (!dlx) {
    std::string reason_text = Cat(why, " (no dead-letter exchange)");
    ledger_.Move(e.copy, from, CopyState::kDropped, reason_text, Now());
    Trace(TraceKind::kDropped, id, q.name, "", reason_text, e.copy);
    return;
  }
  ledger_.Move(e.copy, from, CopyState::kDeadLettered, why, Now());
  if (tracer_.enabled()) {
    Trace(TraceKind::kDeadLettered, id, q.name, "",
          Cat(why, " -> exchange '", *dlx, "'",
                       q.config.dead_letter_routing_key
                           ? Cat(" routing key '", *q.config.dead_letter_routing_key, "'")
                           : ""),
          e.copy);
  }
  if (FindExchange(*dlx) == nullptr) {
    std::string text = Cat("dead-letter exchange '", *dlx, "' does not exist");
    ledger_.MessageDropped(id, text);
    Trace(TraceKind::kDropped, id, q.name, "", text);
    return;
  }
  MessageRef dead =
      MakeDeadLetter(*e.message, q.name, reason, Now(), *dlx, q.config.dead_letter_routing_key);
  QueueList targets = Route(*dlx, *dead);
  if (targets.empty()) {
    ledger_.MessageDropped(id, "dead-letter unroutable");
    Trace(TraceKind::kDropped, id, q.name, "", "dead-letter unroutable; routed to no queue");
    return;
  }
  std::vector<Queue*> kept;
  for (Queue* t : targets) {
    if (IsDeadLetterCycle(*dead, reason, t->name)) {
      ledger_.MessageDropped(id, "dead-letter cycle");
      Trace(TraceKind::kDropped, id, t->name, "",
            Cat("dead-letter cycle; ", why, " back into '", t->name, "'"));
    } else {
      kept.push_back(t);
    }
  }
  // Dead-letter cascades run synchronously (as one instant) up to a depth
  // and a count per top-level call; beyond, the rest becomes same-instant
  // events, so a cascade that multiplies copies (DLX cycles through fanouts
  // and full queues) stays bounded by the Run* event bound instead of
  // growing exponentially inside one event.
  constexpr int kMaxSynchronousDepth = 8;
  constexpr int kMaxSynchronousHops = 64;
  if (dead_letter_depth_ == 0) synchronous_hops_ = 0;
  if (dead_letter_depth_ >= kMaxSynchronousDepth || ++synchronous_hops_ > kMaxSynchronousHops) {
    std::vector<uint64_t> ids;
    for (Queue* t : kept) ids.push_back(t->id);
    Later("dead-letter enqueue", [this, ids = std::move(ids), dead] {
      for (uint64_t id : ids) {
        if (Queue* t = FindQueueById(id)) {
          Enqueue(*t, dead);
        } else {
          ledger_.MessageDropped(dead->id(), "dead-letter target queue deleted");
          Trace(TraceKind::kDropped, dead->id(), "", "", "dead-letter target queue deleted");
        }
      }
    });
    return;
  }
  ++dead_letter_depth_;
  for (Queue* t : kept) Enqueue(*t, dead);
  --dead_letter_depth_;
}

}  // namespace warren::internal
