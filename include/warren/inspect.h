// Read-only snapshots of the broker for tests and tools: queues with their
// ready/unacked/consumer counts, the messages in a queue, exchanges,
// bindings, policies, per-message fates and the accounting counters.
// Snapshots are values: they do not change when the simulation runs on.
#ifndef WARREN_INCLUDE_WARREN_INSPECT_H_
#define WARREN_INCLUDE_WARREN_INSPECT_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "warren/field_value.h"
#include "warren/message.h"
#include "warren/options.h"

namespace warren {

struct QueuedMessage {
  MessageRef message;
  bool redelivered = false;
  std::optional<absl::Time> deadline;  // TTL deadline, fixed at enqueue
  uint32_t delivery_count = 0;         // quorum queues: returns so far
  const BasicProperties& properties() const { return message->properties(); }
  std::string_view body() const { return message->body(); }
};

struct QueueInfo {
  std::string name;
  bool durable = false;
  bool exclusive = false;
  bool auto_delete = false;
  FieldTable arguments;
  // The effective settings: arguments and policies merged (the type and
  // the overflow behaviour always set; QueueTypeName / OverflowName name them).
  QueueSettings settings;
  std::string policy;           // the applied policy's name, or empty
  std::string operator_policy;  // the applied operator policy's name, or empty
  uint64_t ready = 0;
  uint64_t unacked = 0;
  uint64_t consumers = 0;
  uint64_t ready_bytes = 0;
};

struct BindingInfo {
  std::string source;
  std::string destination;
  bool destination_is_exchange = false;
  std::string routing_key;
  FieldTable arguments;
};

struct ExchangeInfo {
  std::string name;
  std::string type;
  bool durable = false;
  bool auto_delete = false;
  bool internal = false;
  FieldTable arguments;
  std::string policy;
};

// Where one copy of a message is, or how it ended.
enum class CopyState {
  kReady,
  kUnacked,
  kAcked,         // settled by the consumer (ack, auto-ack)
  kDeadLettered,  // left for its DLX; later copies carry the same message id
  kDropped,       // discarded; `reason` says why
};
std::string_view CopyStateName(CopyState state);

struct CopyFate {
  std::string queue;
  CopyState state = CopyState::kReady;
  std::string reason;  // for kDropped / kDeadLettered: "expired", "maxlen", ...
  absl::Time since;
};

struct MessageFate {
  MessageId id;
  // Non-empty when the publish itself went nowhere: "unroutable",
  // "unroutable (returned)", "dead-letter cycle", ...
  std::vector<std::string> drops;
  std::vector<CopyFate> copies;  // in creation order, across DL hops
};

// The ledger's counters. Invariant (checked by Simulation::CheckInvariants):
// copies_enqueued == ready + unacked + acked + dead_lettered + dropped.
struct Counters {
  uint64_t published = 0;
  uint64_t unroutable = 0;         // publishes that reached no queue
  uint64_t returned = 0;
  uint64_t copies_enqueued = 0;    // includes dead-lettered copies
  uint64_t ready = 0;
  uint64_t unacked = 0;
  uint64_t acked = 0;
  uint64_t dead_lettered = 0;
  uint64_t dropped = 0;            // copies dropped, any reason
  std::map<std::string, uint64_t> dropped_by_reason;   // copies
  std::map<std::string, uint64_t> message_drops_by_reason;  // whole messages
  uint64_t confirms_acked = 0;
  uint64_t confirms_nacked = 0;
};

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_INSPECT_H_
