// Stored messages: one allocation for the fixed fields, the exchange,
// routing key and body bytes, and the encoded properties and CC/BCC keys
// (sim/amqp/property_codec.h); decoded forms are built on first use.
#include <cstring>
#include <new>

#include "sim/amqp/message_store.h"
#include "sim/amqp/property_codec.h"
#include "sim/core/check.h"
#include "warren/message.h"

namespace warren {
namespace {

const BasicProperties& NoProperties() {
  static const BasicProperties* const kNone = new BasicProperties();  // never destroyed
  return *kNone;
}

const std::vector<std::string>& NoKeys() {
  static const std::vector<std::string>* const kNone = new std::vector<std::string>();
  return *kNone;
}

char* Append(char* out, std::string_view bytes) {
  if (!bytes.empty()) std::memcpy(out, bytes.data(), bytes.size());
  return out + bytes.size();
}

}  // namespace

struct Message::Decoded {
  std::optional<BasicProperties> properties;
  std::optional<std::vector<std::string>> keys;
};

bool BasicProperties::empty() const {
  return !content_type && !content_encoding && !headers && !delivery_mode && !priority &&
         !correlation_id && !reply_to && !expiration && !message_id && !timestamp && !type &&
         !user_id && !app_id && !cluster_id;
}

// Inlined into both creators: the core loop creates one message per publish.
[[gnu::always_inline]] inline Message* Message::Allocate(
    MessageId id, std::string_view exchange, std::string_view routing_key, std::string_view body,
    size_t properties_size, size_t keys_size, char** properties_out) {
  constexpr size_t kMax = UINT32_MAX;
  WARREN_CHECK(exchange.size() <= kMax && routing_key.size() <= kMax && body.size() <= kMax &&
               properties_size <= kMax && keys_size <= kMax);
  const size_t tail =
      exchange.size() + routing_key.size() + body.size() + properties_size + keys_size;
  void* block = ::operator new(sizeof(Message) + tail);
  auto* m = new (block) Message();
  m->id_ = id;
  m->exchange_size_ = static_cast<uint32_t>(exchange.size());
  m->routing_key_size_ = static_cast<uint32_t>(routing_key.size());
  m->body_size_ = static_cast<uint32_t>(body.size());
  m->properties_size_ = static_cast<uint32_t>(properties_size);
  m->keys_size_ = static_cast<uint32_t>(keys_size);
  m->refs_ = 1;
  char* out = reinterpret_cast<char*>(m + 1);
  out = Append(out, exchange);
  out = Append(out, routing_key);
  *properties_out = Append(out, body);
  return m;
}

namespace internal {

MessageRef MessageStore::Create(MessageId id, std::string_view exchange,
                                std::string_view routing_key, std::string_view body,
                                const BasicProperties& properties, size_t properties_size,
                                std::optional<int64_t> expiration_ms,
                                const std::vector<std::string>& extra_routing_keys) {
  const size_t keys_size =
      extra_routing_keys.empty() ? 0 : EncodedKeysSize(extra_routing_keys);
  char* out = nullptr;
  Message* m = Message::Allocate(id, exchange, routing_key, body, properties_size, keys_size, &out);
  m->expiration_ms_ = expiration_ms.value_or(-1);
  if (properties_size != 0) out = EncodeProperties(properties, out);  // most have none
  if (keys_size != 0) out = EncodeKeys(extra_routing_keys, out);
  WARREN_CHECK(out == m->encoded_keys().data() + keys_size);
  MessageRef ref;
  ref.m_ = m;
  return ref;
}

MessageRef MessageStore::CreateEncoded(MessageId id, std::string_view exchange,
                                       std::string_view routing_key, std::string_view body,
                                       std::string_view encoded_properties,
                                       std::optional<int64_t> expiration_ms,
                                       const std::vector<std::string>& extra_routing_keys) {
  const size_t keys_size = EncodedKeysSize(extra_routing_keys);
  char* out = nullptr;
  Message* m = Message::Allocate(id, exchange, routing_key, body, encoded_properties.size(),
                                 keys_size, &out);
  m->expiration_ms_ = expiration_ms.value_or(-1);
  out = Append(out, encoded_properties);
  EncodeKeys(extra_routing_keys, out);
  MessageRef ref;
  ref.m_ = m;
  return ref;
}

MessageRef MessageStore::CreateForTest(MessageId id, std::string_view exchange,
                                       std::string_view routing_key, std::string_view body,
                                       const BasicProperties& properties,
                                       std::optional<int64_t> expiration_ms,
                                       const std::vector<std::string>& extra_routing_keys) {
  std::string why;
  std::optional<size_t> size = EncodedPropertiesSize(properties, &why);
  WARREN_CHECK(size.has_value());
  return Create(id, exchange, routing_key, body, properties, *size, expiration_ms,
                extra_routing_keys);
}

}  // namespace internal

Message::~Message() { delete decoded_; }

void Message::Release(Message* m) {
  m->~Message();
  ::operator delete(static_cast<void*>(m));
}

Message::Decoded& Message::decoded() const {
  if (decoded_ == nullptr) decoded_ = new Decoded();
  return *decoded_;
}

const BasicProperties& Message::properties() const {
  if (properties_size_ == 0) return NoProperties();
  Decoded& d = decoded();
  if (!d.properties) d.properties = internal::DecodeProperties(encoded_properties());
  return *d.properties;
}

void Message::FindHeaders(std::span<const std::string_view> keys,
                          std::span<std::optional<HeaderRef>> out) const {
  WARREN_CHECK(out.size() >= keys.size());
  constexpr size_t kInline = 8;
  std::optional<internal::RawValue> inline_raw[kInline];
  std::vector<std::optional<internal::RawValue>> heap_raw;
  std::span<std::optional<internal::RawValue>> raw(inline_raw, kInline);
  if (keys.size() > kInline) {
    heap_raw.resize(keys.size());
    raw = heap_raw;
  }
  internal::FindRawHeaders(encoded_properties(), keys, raw);
  for (size_t i = 0; i < keys.size(); ++i) {
    out[i].reset();
    if (!raw[i]) continue;
    HeaderRef& h = out[i].emplace();
    h.type = raw[i]->type();
    if (h.type == FieldType::kLongString) {
      h.text = internal::StringValue(*raw[i]);
    } else if (FieldValue::IsIntegerType(h.type)) {  // decodes without allocating
      h.integer = internal::IntegerValue(*raw[i]);
    }
  }
}

std::optional<int> Message::priority() const {
  return internal::DecodePriority(encoded_properties());
}

std::optional<FieldValue> Message::FindHeader(std::string_view key) const {
  return internal::DecodeHeader(encoded_properties(), key);
}

std::optional<std::string_view> Message::FindHeaderString(std::string_view key) const {
  return internal::DecodeHeaderString(encoded_properties(), key);
}

const std::vector<std::string>& Message::extra_routing_keys() const {
  if (keys_size_ == 0) return NoKeys();
  Decoded& d = decoded();
  if (!d.keys) d.keys = internal::DecodeKeys(encoded_keys());
  return *d.keys;
}

}  // namespace warren
