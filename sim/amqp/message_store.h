// Creating stored messages and reading their encoded properties: the
// simulation's entry points to Message, kept out of the public header.
#ifndef WARREN_SIM_AMQP_MESSAGE_STORE_H_
#define WARREN_SIM_AMQP_MESSAGE_STORE_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warren/message.h"

namespace warren::internal {

class MessageStore {
 public:
  // A stored message. `properties_size` is EncodedPropertiesSize(properties)
  // (REQUIRES: it succeeded). `extra_routing_keys` are the keys routing
  // used besides `routing_key`: the CC header keys, then the BCC ones.
  // `expiration_ms` is properties.expiration as validated at publish (so
  // queues need not parse it per copy); unset when there is none.
  static MessageRef Create(MessageId id, std::string_view exchange, std::string_view routing_key,
                           std::string_view body, const BasicProperties& properties,
                           size_t properties_size, std::optional<int64_t> expiration_ms,
                           const std::vector<std::string>& extra_routing_keys);
  // The same with the properties already encoded (trusted bytes: Warren's
  // own, or a client's that passed CheckPropertyBytes).
  static MessageRef CreateEncoded(MessageId id, std::string_view exchange,
                                  std::string_view routing_key, std::string_view body,
                                  std::string_view encoded_properties,
                                  std::optional<int64_t> expiration_ms,
                                  const std::vector<std::string>& extra_routing_keys);
  // For tests and tools: encodes `properties` (REQUIRES: encodable).
  static MessageRef CreateForTest(MessageId id, std::string_view exchange,
                                  std::string_view routing_key, std::string_view body,
                                  const BasicProperties& properties = {},
                                  std::optional<int64_t> expiration_ms = std::nullopt,
                                  const std::vector<std::string>& extra_routing_keys = {});
  // The properties as stored: a content header's property list (flags
  // first), empty when none is set.
  static std::string_view EncodedProperties(const Message& m) { return m.encoded_properties(); }
};

}  // namespace warren::internal

#endif  // WARREN_SIM_AMQP_MESSAGE_STORE_H_
