// Option structs for the simulation and for each AMQP method that takes
// flags. Every field has a default and a comment; AMQP arguments stay field
// tables because RabbitMQ validates their types ("invalid type 'longstr'").
#ifndef WARREN_INCLUDE_WARREN_OPTIONS_H_
#define WARREN_INCLUDE_WARREN_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/time/time.h"
#include "warren/field_value.h"
#include "warren/trace.h"

namespace warren {

struct SimulationOptions {
  // The only source of randomness (server-named queues, ...).
  uint64_t seed = 1;
  // Virtual time at construction. Default: 2025-01-01T00:00:00Z.
  absl::Time start = absl::FromUnixSeconds(1735689600);
  // RabbitMQ's consumer_timeout (delivery acknowledgement timeout). A channel
  // whose oldest unacked delivery is older than this is closed with 406 at
  // its next tick. absl::InfiniteDuration() disables it.
  absl::Duration consumer_timeout = absl::Minutes(30);
  // channel_tick_interval: how often a channel checks consumer_timeout.
  // Must be positive (Run* reports INVALID_ARGUMENT otherwise).
  absl::Duration channel_tick_interval = absl::Seconds(60);
  // Quorum queues evaluate x-expires only on this tick. Must be positive.
  absl::Duration quorum_tick_interval = absl::Seconds(5);
  // Largest accepted body (max_message_size); larger publishes get 406.
  uint64_t max_message_size = 134217728;
  // Keep a trace event per transition (see trace.h). Off: counters only.
  bool trace = true;
  // How many of the latest trace events trace() keeps in memory. When full,
  // the older half is dropped (seq numbers still count the whole run);
  // TraceCount() and `trace_sink` see every event. About 300 bytes each.
  size_t trace_kept_events = 1 << 20;
  // Called with every trace event as it happens (e.g. to stream the whole
  // trace to a file). Must not call back into the Simulation.
  std::function<void(const TraceEvent&)> trace_sink;
  // Keep a per-copy fate record for Fate() queries. Off: counters only.
  bool record_fates = true;
  // The live-message bound: message copies ready in queues or delivered and
  // unacked, all queues together. A publish made while the bound is reached
  // returns RESOURCE_EXHAUSTED and stores nothing; a Run* call during which
  // a copy takes the count past it stops after that event with
  // RESOURCE_EXHAUSTED. Keeps a runaway program from exhausting memory
  // (roughly 150 bytes per copy).
  uint64_t max_live_messages = 5'000'000;
};

enum class ExchangeType { kDirect, kFanout, kTopic, kHeaders };

struct ExchangeDeclareOptions {
  // "direct", "fanout", "topic" or "headers"; anything else is a
  // connection error 503 COMMAND_INVALID, as in RabbitMQ.
  std::string type = "direct";
  bool passive = false;
  bool durable = false;
  bool auto_delete = false;  // deleted when its last binding as source goes
  bool internal = false;     // cannot be published to directly
  FieldTable arguments;      // only alternate-exchange has meaning
};

struct QueueDeclareOptions {
  bool passive = false;
  bool durable = false;
  bool exclusive = false;    // owned by this connection
  bool auto_delete = false;  // deleted when its last consumer goes
  // x-message-ttl, x-expires, x-max-length, x-max-length-bytes, x-overflow,
  // x-dead-letter-exchange, x-dead-letter-routing-key, x-max-priority,
  // x-single-active-consumer, x-queue-type (classic|quorum),
  // x-delivery-limit, ... validated with RabbitMQ's 406 texts.
  FieldTable arguments;
};

struct QueueDeleteOptions {
  bool if_unused = false;  // 406 if the queue has consumers
  bool if_empty = false;   // 406 if the queue has ready messages
};

struct ConsumeOptions {
  std::string consumer_tag;  // empty: server-generated "amq.ctag-..."
  bool no_ack = false;       // auto-ack: settled when sent
  bool exclusive = false;
  FieldTable arguments;      // x-priority (integer)
};

struct QosOptions {
  uint32_t prefetch_size = 0;   // anything but 0: 540 NOT_IMPLEMENTED
  uint16_t prefetch_count = 0;  // 0 = unlimited
  bool global = false;          // false: per consumer created afterwards
};

enum class PolicyApplyTo { kAll, kQueues, kExchanges };

// rabbitmqctl set_policy NAME PATTERN DEFINITION --priority N --apply-to X
struct PolicySpec {
  std::string name;
  std::string pattern;    // regex, matched unanchored against the name
  FieldTable definition;  // "message-ttl", "dead-letter-exchange", ...
  int priority = 0;
  PolicyApplyTo apply_to = PolicyApplyTo::kAll;
};

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_OPTIONS_H_
