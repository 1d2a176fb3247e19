// Stored messages: one allocation for the fixed fields and the exchange,
// routing key and body bytes; properties in a shared block only when set.
#include <cstring>
#include <new>

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

}  // namespace

bool BasicProperties::empty() const {
  return !content_type && !content_encoding && !headers && !delivery_mode && !priority &&
         !correlation_id && !reply_to && !expiration && !message_id && !timestamp && !type &&
         !user_id && !app_id && !cluster_id;
}

MessageRef Message::Create(MessageId id, std::string_view exchange, std::string_view routing_key,
                           std::string_view body, BasicProperties&& properties,
                           std::optional<int64_t> expiration_ms,
                           std::vector<std::string>&& extra_routing_keys) {
  constexpr size_t kMax = UINT32_MAX;
  WARREN_CHECK(exchange.size() <= kMax && routing_key.size() <= kMax && body.size() <= kMax);
  const size_t chars = exchange.size() + routing_key.size() + body.size();
  void* block = ::operator new(sizeof(Message) + chars);
  auto* m = new (block) Message();
  m->id_ = id;
  m->exchange_size_ = static_cast<uint32_t>(exchange.size());
  m->routing_key_size_ = static_cast<uint32_t>(routing_key.size());
  m->body_size_ = static_cast<uint32_t>(body.size());
  m->expiration_ms_ = expiration_ms.value_or(-1);
  if (!properties.empty() || !extra_routing_keys.empty()) {
    m->extras_ = std::make_shared<const Extras>(
        Extras{std::move(properties), std::move(extra_routing_keys)});
  }
  char* out = reinterpret_cast<char*>(m + 1);
  if (!exchange.empty()) std::memcpy(out, exchange.data(), exchange.size());
  out += exchange.size();
  if (!routing_key.empty()) std::memcpy(out, routing_key.data(), routing_key.size());
  out += routing_key.size();
  if (!body.empty()) std::memcpy(out, body.data(), body.size());
  MessageRef ref;
  ref.m_ = m;
  m->refs_ = 1;
  return ref;
}

void Message::Release(Message* m) {
  m->~Message();
  ::operator delete(static_cast<void*>(m));
}

const BasicProperties& Message::properties() const {
  return extras_ ? extras_->properties : NoProperties();
}

const std::vector<std::string>& Message::extra_routing_keys() const {
  return extras_ ? extras_->extra_routing_keys : NoKeys();
}

}  // namespace warren
