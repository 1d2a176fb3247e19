// The trace: one structured event per message or channel transition, in the
// order they happened, stamped with virtual time. The same program and seed
// always produce the same trace, byte for byte, and WriteJsonLines renders it
// as JSON Lines. Not thread-aware.
#ifndef WARREN_INCLUDE_WARREN_TRACE_H_
#define WARREN_INCLUDE_WARREN_TRACE_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "warren/message.h"
#include "warren/trace_events.h"

namespace warren {

enum class TraceKind {
  kPublished,       // basic.publish accepted by the channel
  kRouted,          // routed to >= 1 queue (detail: the queues)
  kUnroutable,      // routed to no queue (detail: dropped or returned)
  kEnqueued,        // a copy entered a queue
  kDelivered,       // basic.deliver / basic.get-ok
  kAcked,           // settled by ack or auto-ack
  kRejected,        // reject/nack with requeue=false
  kRequeued,        // back to ready: nack/reject requeue, close, recover
  kExpired,         // TTL reached at the head
  kDeadLettered,    // a copy left its queue for its DLX (detail: reason)
  kDropped,         // a copy (copy != 0) or a whole message was discarded;
                    // detail: the accounting reason, then "; " and context
  kReturned,        // basic.return
  kConfirmed,       // basic.ack / basic.nack to a confirm-mode publisher
  kChannelClosed,   // detail: reply code and text
  kConnectionClosed,
  kQueueDeleted,    // detail: why (delete, auto-delete, expires, exclusive)
  kExchangeDeleted,
  kPolicyChanged,
  kConsumerCancelled,  // detail: by client or by the server
  kCelery,             // a Celery event (task-received, task-retried, ...), from the worker model
  kDivergence,         // Warren knowingly departs from RabbitMQ 3.10.8 here, where the real
                       // broker has a known bug (detail: what each does, the upstream issue)
};

// How many kinds there are (kinds are numbered from 0 in declaration order).
inline constexpr size_t kTraceKindCount = static_cast<size_t>(TraceKind::kDivergence) + 1;

// "published", "dead-lettered", ...; the names JSON Lines and scenario files use.
std::string_view TraceKindName(TraceKind kind);
// The kind with that name, if any.
std::optional<TraceKind> TraceKindFromName(std::string_view name);

struct TraceEvent {
  uint64_t seq = 0;  // 0, 1, 2, ... in order of occurrence, over the whole run
  absl::Time time;
  TraceKind kind = TraceKind::kPublished;
  MessageId message;       // 0 when not about a message
  // The queue copy (one per queue a message entered) the event is about:
  // set on enqueued, delivered, acked, rejected, requeued, expired,
  // dead-lettered and on dropped copies; 0 on message-level events.
  uint64_t copy = 0;
  std::string queue;       // empty when not about a queue
  std::string exchange;
  std::string routing_key;
  std::string channel;     // "conn-name/3" when about a channel
  std::string detail;      // the cause, in words
};

// The events a Simulation keeps, oldest first (see trace_events.h).
using TraceEvents = ChunkedEvents<TraceEvent>;

// Renders one event as a single JSON object (no trailing newline).
std::string ToJsonLine(const TraceEvent& event);
void WriteJsonLines(const std::vector<TraceEvent>& events, std::ostream& out);
void WriteJsonLines(const TraceEvents& events, std::ostream& out);
// One human-readable timeline line, time relative to `start`:
//   "+   2.000s  expired        #1 retry_2s  message TTL reached at the head"
std::string FormatTimelineLine(const TraceEvent& event, absl::Time start);

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_TRACE_H_
