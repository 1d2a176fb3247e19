// Enqueue: the queue admits and stamps the copy (queue.h); the broker makes
// the ledger copy, traces, dead-letters or drops a refused copy, and hands
// an accepted one straight to a waiting consumer or queues and dispatches.
#include "sim/broker/broker.h"

namespace warren::internal {

Broker::EnqueueResult Broker::Enqueue(Queue& q, const MessageRef& m) {
  // Decided before the copy exists; the copy is made (ledger, position)
  // whatever the decision, as RabbitMQ counts a refused publish.
  const Queue::Admission admission = q.Admit(m->body_size());
  Envelope e = q.Stamp(m, ledger_.NewCopy(m->id(), q.ledger_index, Now()), Now());
  if (ledger_.live() > options_.max_live_messages) scheduler_.Interrupt(LiveBoundReached());
  if (admission != Queue::Admission::kAccept) {
    if (admission == Queue::Admission::kDeadLetter) {
      DeadLetter(q, std::move(e), DeathReason::kMaxlen, CopyState::kReady);
    } else {
      ledger_.Move(e.copy, CopyState::kReady, CopyState::kDropped, "maxlen (reject-publish)",
                   Now());
      Trace(TraceKind::kDropped, m->id(), q.name, "", "maxlen (reject-publish); publish rejected",
            e.copy);
    }
    return EnqueueResult::kRejected;
  }
  Trace(TraceKind::kEnqueued, m->id(), q.name, "", "", e.copy);
  if (q.ready.empty()) {
    // Handed straight to a waiting consumer: no TTL or length check first.
    if (Consumer* c = q.PickConsumer()) {
      DeliverTo(q, *c, std::move(e));
      return EnqueueResult::kAccepted;
    }
  }
  q.Push(std::move(e));
  EnforceDropHead(q);
  Dispatch(q);
  return EnqueueResult::kAccepted;
}

void Broker::DropHeadsOverLimit(Queue& q) {
  while (q.MustDropHead()) {
    DeadLetter(q, q.ready.PopHead(), DeathReason::kMaxlen, CopyState::kReady);
  }
}

}  // namespace warren::internal
