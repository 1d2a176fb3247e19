// Messages as AMQP 0-9-1 sees them: the 14 basic properties, what a client
// publishes, and what it receives (deliveries, basic.get results, returns,
// publisher confirms). Plain values; not thread-aware.
#ifndef WARREN_INCLUDE_WARREN_MESSAGE_H_
#define WARREN_INCLUDE_WARREN_MESSAGE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
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

  // True when no property is set.
  bool empty() const;
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

class Message;
class MessageRef;

namespace internal {
class MessageStore;  // creates and reads stored messages (sim/amqp/message_store.h)
}  // namespace internal

// A counted reference to a stored Message (like std::shared_ptr<const
// Message>, but one pointer wide and not thread-aware: the count is plain).
class MessageRef {
 public:
  MessageRef() = default;
  MessageRef(std::nullptr_t) {}  // NOLINT: like a pointer
  MessageRef(const MessageRef& o);
  MessageRef(MessageRef&& o) noexcept : m_(o.m_) { o.m_ = nullptr; }
  MessageRef& operator=(MessageRef o) noexcept {
    std::swap(m_, o.m_);
    return *this;
  }
  ~MessageRef();

  const Message* get() const { return m_; }
  const Message* operator->() const { return m_; }
  const Message& operator*() const { return *m_; }
  explicit operator bool() const { return m_ != nullptr; }
  friend bool operator==(const MessageRef& a, const MessageRef& b) { return a.m_ == b.m_; }

 private:
  friend class Message;
  friend class internal::MessageStore;
  Message* m_ = nullptr;
};

// A message as stored by the broker: immutable once stored and shared by
// every queue it was routed to (the body is never copied per queue).
// Dead-lettering makes a new Message with the same id.
//
// One allocation holds the fixed fields, the exchange, routing key and body
// bytes, and the properties exactly as an AMQP content header carries them
// (a queued Celery task message is ~0.5 KB all-in; with a BasicProperties
// and its header table it was ~1.6 KB). properties() decodes them on first
// use and keeps the result for the message's lifetime; FindHeader,
// FindHeaderString and priority() read one field straight from the
// encoding. Like the reference count, that first-use decode is not
// thread-aware. The simulation creates messages (basic.publish); the
// private fields below are here only so that the reference count and the
// accessors used on every delivery can be inline.
class Message {
 public:
  Message(const Message&) = delete;
  Message& operator=(const Message&) = delete;

  MessageId id() const { return id_; }
  // The exchange it was last published to (or dead-lettered through).
  std::string_view exchange() const { return {chars(), exchange_size_}; }
  // The publish routing key (or the dead-letter routing key).
  std::string_view routing_key() const { return {chars() + exchange_size_, routing_key_size_}; }
  std::string_view body() const {
    return {chars() + exchange_size_ + routing_key_size_, body_size_};
  }
  size_t body_size() const { return body_size_; }
  // BCC already stripped. Decoded on first use, then kept.
  const BasicProperties& properties() const;
  bool has_properties() const { return properties_size_ != 0; }
  std::optional<int> priority() const;
  // Header `key`, decoded alone (nullopt: no headers or no such key).
  std::optional<FieldValue> FindHeader(std::string_view key) const;
  // A longstr header as a view into this message (valid while a MessageRef
  // holds it); nullopt when absent or not a longstr.
  std::optional<std::string_view> FindHeaderString(std::string_view key) const;
  // One header as FindHeaders reads it in place: `text` views a longstr
  // value (valid while a MessageRef holds the message), `integer` holds an
  // integer-typed one; other types set neither (FindHeader decodes them).
  struct HeaderRef {
    FieldType type = FieldType::kVoid;
    std::optional<std::string_view> text;
    std::optional<int64_t> integer;
  };
  // Several headers in one pass over the encoding (FindHeader and
  // FindHeaderString walk it once per call): out[i] is the first header
  // named keys[i], nullopt when absent. REQUIRES: out.size() >= keys.size().
  // Filled into the caller's span, not returned: it runs per delivery and
  // must not allocate.
  void FindHeaders(std::span<const std::string_view> keys,
                   std::span<std::optional<HeaderRef>> out) const;
  const std::vector<std::string>& extra_routing_keys() const;
  bool has_extra_routing_keys() const { return keys_size_ != 0; }
  std::optional<int64_t> expiration_ms() const {
    return expiration_ms_ < 0 ? std::nullopt : std::optional<int64_t>(expiration_ms_);
  }

 private:
  friend class MessageRef;
  friend class internal::MessageStore;
  struct Decoded;  // properties and keys, decoded on first use
  // One block for the fields and the tail bytes; returns where the encoded
  // properties go (the keys follow them).
  static Message* Allocate(MessageId id, std::string_view exchange, std::string_view routing_key,
                           std::string_view body, size_t properties_size, size_t keys_size,
                           char** properties_out);
  Message() = default;
  ~Message();
  const char* chars() const { return reinterpret_cast<const char*>(this + 1); }
  std::string_view encoded_properties() const {
    return {chars() + exchange_size_ + routing_key_size_ + body_size_, properties_size_};
  }
  std::string_view encoded_keys() const {
    return {encoded_properties().data() + properties_size_, keys_size_};
  }
  Decoded& decoded() const;
  static void Release(Message* m);

  uint32_t refs_ = 0;
  uint32_t body_size_ = 0;
  uint32_t exchange_size_ = 0;
  uint32_t routing_key_size_ = 0;
  uint32_t properties_size_ = 0;
  uint32_t keys_size_ = 0;
  MessageId id_;
  int64_t expiration_ms_ = -1;
  mutable Decoded* decoded_ = nullptr;
};

inline MessageRef::MessageRef(const MessageRef& o) : m_(o.m_) {
  if (m_ != nullptr) ++m_->refs_;
}
inline MessageRef::~MessageRef() {
  if (m_ != nullptr && --m_->refs_ == 0) Message::Release(m_);
}

// basic.deliver (from a consumer) or basic.get-ok.
struct Delivery {
  std::string consumer_tag;  // empty for basic.get
  DeliveryTag delivery_tag;
  bool redelivered = false;
  std::string queue;         // the queue it came from (not on the wire)
  MessageRef message;
  // Quorum queues add x-delivery-count to the delivered headers; when they
  // do, this holds the properties as delivered. Otherwise null and
  // properties() is message->properties().
  std::shared_ptr<const BasicProperties> delivered_properties;
  uint64_t message_count = 0;  // basic.get-ok only: ready messages left

  const BasicProperties& properties() const {
    return delivered_properties ? *delivered_properties : message->properties();
  }
  std::string_view body() const { return message->body(); }
  std::string_view exchange() const { return message->exchange(); }
  std::string_view routing_key() const { return message->routing_key(); }
  MessageId message_id() const { return message->id(); }
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
