// Option structs for the simulation and for each AMQP method that takes
// flags. Every field has a default and a comment; AMQP arguments stay field
// tables because RabbitMQ validates their types ("invalid type 'longstr'").
#ifndef WARREN_INCLUDE_WARREN_OPTIONS_H_
#define WARREN_INCLUDE_WARREN_OPTIONS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

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

// What RabbitMQ 3.10 knows of a queue's type and overflow behaviour.
enum class QueueType { kClassic, kQuorum };
enum class Overflow { kDropHead, kRejectPublish, kRejectPublishDlx };
std::string_view QueueTypeName(QueueType type);  // "classic", "quorum"
std::string_view OverflowName(Overflow overflow);  // "drop-head", "reject-publish", ...

// A queue's settings, typed. In QueueDeclareOptions: what the declare asks
// for (unset: not given); they become the x-arguments RabbitMQ reads, once,
// so its checks and 406 texts apply unchanged. In QueueInfo: the effective
// settings, arguments and policies merged (there `overflow` is always set).
struct QueueSettings {
  QueueType type = QueueType::kClassic;              // x-queue-type
  std::optional<absl::Duration> message_ttl;         // x-message-ttl (whole ms)
  std::optional<absl::Duration> expires;             // x-expires (whole ms)
  std::optional<int64_t> max_length;                 // x-max-length
  std::optional<int64_t> max_length_bytes;           // x-max-length-bytes
  std::optional<Overflow> overflow;                  // x-overflow
  std::optional<std::string> dead_letter_exchange;   // x-dead-letter-exchange
  std::optional<std::string> dead_letter_routing_key;  // x-dead-letter-routing-key
  std::optional<int64_t> max_priority;               // x-max-priority (classic)
  std::optional<int64_t> delivery_limit;             // x-delivery-limit (quorum)
  bool single_active_consumer = false;               // x-single-active-consumer
};

struct QueueDeclareOptions {
  bool passive = false;
  bool durable = false;
  bool exclusive = false;    // owned by this connection
  bool auto_delete = false;  // deleted when its last consumer goes
  // Typed settings; each one given adds its x-argument to `arguments`
  // (naming one both ways is INVALID_ARGUMENT; a duration that is not a
  // whole number of milliseconds too).
  QueueSettings settings;
  // Raw x-arguments, as a client sends them: x-message-ttl, x-expires,
  // x-max-length, x-max-length-bytes, x-overflow, x-dead-letter-exchange,
  // x-dead-letter-routing-key, x-max-priority, x-single-active-consumer,
  // x-queue-type (classic|quorum), x-delivery-limit, ... validated with
  // RabbitMQ's 406 texts (so a test can provoke each).
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
