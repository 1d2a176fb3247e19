// Messages as AMQP 0-9-1 sees them: the 14 basic properties, what a client
// publishes, and what it receives (deliveries, basic.get results, returns,
// publisher confirms). Plain values; not thread-aware.
#ifndef WARREN_INCLUDE_WARREN_MESSAGE_H_
#define WARREN_INCLUDE_WARREN_MESSAGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "warren/field_value.h"

namespace warren {

// Identifies one basic.publish across all its copies and dead-letter hops.
// Assigned by the simulation in publish order, starting at 1.
struct MessageId {
  uint64_t value = 0;
  friend bool operator==(MessageId a, MessageId b) { return a.value == b.value; }
  friend bool operator<(MessageId a, MessageId b) { return a.value < b.value; }
};

// Per-channel delivery tag (basic.deliver / basic.get-ok), starting at 1.
struct DeliveryTag {
  uint64_t value = 0;
  friend bool operator==(DeliveryTag a, DeliveryTag b) { return a.value == b.value; }
};

// The basic content-header properties. Absent = not set on the wire.
struct BasicProperties {
  std::optional<std::string> content_type;
  std::optional<std::string> content_encoding;
  std::optional<FieldTable> headers;
  std::optional<int> delivery_mode;  // 1 transient, 2 persistent; others: 406
  std::optional<int> priority;       // 0..255
  std::optional<std::string> correlation_id;
  std::optional<std::string> reply_to;
  std::optional<std::string> expiration;  // decimal milliseconds, as a string
  std::optional<std::string> message_id;
  std::optional<int64_t> timestamp;  // seconds
  std::optional<std::string> type;
  std::optional<std::string> user_id;
  std::optional<std::string> app_id;
  std::optional<std::string> cluster_id;

  friend bool operator==(const BasicProperties&, const BasicProperties&) = default;
};

// What basic.publish carries.
struct Publishing {
  std::string exchange;     // "" = the default exchange
  std::string routing_key;
  BasicProperties properties;
  std::string body;
  bool mandatory = false;   // unroutable -> basic.return 312 NO_ROUTE
  bool immediate = false;   // RabbitMQ answers 540 NOT_IMPLEMENTED
};

// A message as stored by the broker. Immutable once stored and shared by
// every queue it was routed to (the body is never copied per queue).
// Dead-lettering makes a new Message with the same id.
struct Message {
  MessageId id;
  std::string exchange;     // exchange it was last published to
  std::string routing_key;  // the publish routing key (or the DLRK)
  // Keys routing used: routing_key, then CC, then BCC header keys.
  std::vector<std::string> routing_keys;
  BasicProperties properties;  // BCC already stripped
  std::string body;
  // properties.expiration as validated at publish, so queues need not parse
  // it again per copy. Unset when there is no expiration.
  std::optional<int64_t> expiration_ms;
};
using MessageRef = std::shared_ptr<const Message>;

// basic.deliver (from a consumer) or basic.get-ok.
struct Delivery {
  std::string consumer_tag;  // empty for basic.get
  DeliveryTag delivery_tag;
  bool redelivered = false;
  std::string queue;         // the queue it came from (not on the wire)
  MessageRef message;
  // Quorum queues add x-delivery-count to the delivered headers; when they
  // do, this holds the headers as delivered. Otherwise message->properties.
  std::optional<BasicProperties> delivered_properties;
  uint64_t message_count = 0;  // basic.get-ok only: ready messages left

  const BasicProperties& properties() const {
    return delivered_properties ? *delivered_properties : message->properties;
  }
  const std::string& body() const { return message->body; }
  const std::string& exchange() const { return message->exchange; }
  const std::string& routing_key() const { return message->routing_key; }
  MessageId message_id() const { return message->id; }
};

// basic.return for a mandatory message that reached no queue.
struct Return {
  uint16_t reply_code = 312;
  std::string reply_text = "NO_ROUTE";
  std::string exchange;
  std::string routing_key;
  MessageRef message;
};

// basic.ack / basic.nack from the broker in confirm mode.
struct Confirm {
  uint64_t delivery_tag = 0;  // the publish sequence number
  bool multiple = false;
  bool ack = true;            // false: basic.nack
};

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_MESSAGE_H_
