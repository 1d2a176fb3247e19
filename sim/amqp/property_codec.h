// A message's properties in the AMQP 0-9-1 content-header encoding: a
// 16-bit flags word (bit 15 content-type ... bit 2 cluster-id; bits 1 and
// 0 are ignored, as RabbitMQ ignores them), then the present properties in
// flag order: short strings, the headers table, delivery-mode and priority
// octets, a 64-bit timestamp. A stored Message keeps exactly these bytes
// (none at all when no property is set), so a delivery copies them to the
// wire and a publish from the wire stores what the client sent.
//
// Bytes from a client pass CheckPropertyBytes first; after that, and for
// bytes Warren encoded, the readers treat a malformed buffer as a
// programmer error (WARREN_CHECK).
#ifndef WARREN_SIM_AMQP_PROPERTY_CODEC_H_
#define WARREN_SIM_AMQP_PROPERTY_CODEC_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "sim/amqp/field_codec.h"
#include "warren/message.h"

namespace warren::internal {

// Bytes EncodeProperties will write (0 when no property is set), or
// nullopt with `why` set when `p` cannot be encoded: a short string over
// 255 bytes, delivery-mode or priority outside 0..255, a headers table
// that cannot be encoded (field_codec.h).
std::optional<size_t> EncodedPropertiesSize(const BasicProperties& p, std::string* why);
// Writes the encoding at `out`; returns the end. REQUIRES: the size was ok.
char* EncodeProperties(const BasicProperties& p, char* out);
BasicProperties DecodeProperties(std::string_view bytes);

// "" when `bytes` (a content header's property list, flags first) is well
// formed: every flagged property present, nothing after the last one, the
// headers table valid (CheckTableBytes). Else what is wrong, in words.
std::string CheckPropertyBytes(std::string_view bytes);

// One field or header, read without decoding the rest.
std::optional<int> DecodePriority(std::string_view bytes);
std::optional<FieldValue> DecodeHeader(std::string_view bytes, std::string_view key);
// A longstr header as a view into `bytes`; nullopt when absent or of
// another type.
std::optional<std::string_view> DecodeHeaderString(std::string_view bytes, std::string_view key);

// ---- Rewriting without decoding (dead-lettering) ----

// Encoded properties taken apart: every property as encoded (empty views
// when absent; a short string keeps its length byte), the headers split
// into entries. Indexes are the flag order (bit 15 - index).
struct RawProperties {
  static constexpr int kFields = 14;
  static constexpr int kHeaders = 2;  // fields[kHeaders] is unused: see `headers`
  std::string_view fields[kFields];
  bool has_headers = false;
  std::vector<RawEntry> headers;
  void DropExpiration();
};
RawProperties SplitProperties(std::string_view bytes);
// Header `key` of encoded properties, as encoded.
std::optional<RawValue> FindRawHeader(std::string_view bytes, std::string_view key);
// Headers `keys` in one pass: out[i] is the first header named keys[i].
// REQUIRES: out.size() >= keys.size().
void FindRawHeaders(std::string_view bytes, std::span<const std::string_view> keys,
                    std::span<std::optional<RawValue>> out);
// The encoding of `p` (headers present when has_headers).
std::string JoinProperties(const RawProperties& p);
// The text of an encoded short-string property (RawProperties::fields).
std::string_view FieldString(std::string_view field);
// The RawProperties::fields index of the expiration property.
inline constexpr int kExpirationField = 7;

// Extra routing keys (CC, then BCC), stored after the properties: a u32
// count and long strings. Warren's own bookkeeping, never on the wire.
size_t EncodedKeysSize(const std::vector<std::string>& keys);
char* EncodeKeys(const std::vector<std::string>& keys, char* out);
std::vector<std::string> DecodeKeys(std::string_view bytes);

}  // namespace warren::internal

#endif  // WARREN_SIM_AMQP_PROPERTY_CODEC_H_
