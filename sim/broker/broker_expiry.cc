// Expiry: message TTL, head-only (the queue finds the expired heads, the
// broker traces and dead-letters them and keeps one timer armed for the
// next, invariant (4) in broker.h), and x-expires (a queue unused for its
// expiry time is deleted; quorum queues check only on their periodic tick).
#include <algorithm>
#include <vector>

#include "sim/broker/broker.h"

namespace warren::internal {

void Broker::DropExpired(Queue& q) {
  std::vector<Envelope> expired;
  q.TakeExpired(Now(), expired);
  // Collected first: dead-lettering may re-enter this queue.
  for (Envelope& e : expired) {
    Trace(TraceKind::kExpired, e.message->id(), q.name, "", "message TTL reached at the head",
          e.copy);
    DeadLetter(q, std::move(e), DeathReason::kExpired, CopyState::kReady);
  }
}

void Broker::ArmTtlTimer(Queue& q) {
  absl::Time due = q.NextDeadline();
  if (!q.ttl_timer.valid() && due == absl::InfiniteFuture()) return;
  if (q.ttl_timer.valid() && q.ttl_timer.when == due) return;
  scheduler_.Cancel(q.ttl_timer);
  q.ttl_timer = {};
  if (due == absl::InfiniteFuture()) return;
  q.ttl_timer = scheduler_.ScheduleAt(
      due,
      [this, id = q.id] {
        Queue* live = FindQueueById(id);
        if (live == nullptr) return;
        live->ttl_timer = {};
        Dispatch(*live);
      },
      "message ttl");
}

void Broker::TouchExpires(Queue& q) {
  scheduler_.Cancel(q.expires_timer);
  q.expires_timer = {};
  if (!q.config.expires || !q.consumers.empty()) return;
  const absl::Duration expires = *q.config.expires;
  absl::Time when = Now() + expires;
  if (q.is_quorum()) {
    // Quorum queues evaluate expiry only on their periodic tick.
    absl::Time deadline = q.last_active + expires;
    absl::Duration tick = options_.quorum_tick_interval;
    absl::Duration rem;
    int64_t k = absl::IDivDuration(std::max(deadline, Now()) - q.created, tick, &rem);
    if (rem > absl::ZeroDuration()) ++k;
    when = q.created + k * tick;
  }
  q.expires_timer = scheduler_.ScheduleAt(when, [this, id = q.id] { ExpiresFired(id); },
                                          "queue expires");
}

void Broker::ExpiresFired(uint64_t id) {
  Queue* q = FindQueueById(id);
  if (q == nullptr) return;
  q->expires_timer = {};
  if (!q->consumers.empty() || !q->config.expires) return;
  if (q->is_quorum() && Now() < q->last_active + *q->config.expires) {
    TouchExpires(*q);
    return;
  }
  DeleteQueue(*q, "expired (x-expires)");
}

}  // namespace warren::internal
