// The stored form of a message's properties: a compact, lossless byte
// encoding kept inside the Message's own allocation, instead of a
// BasicProperties (464 bytes of optionals) plus a header table at 96 bytes
// per entry. A queued Celery task message with eight headers went from
// 1 633 bytes (scattered blocks) to 425 all-in (warren_bench_memory); a
// million of them queued is what the Celery pipeline benchmark holds.
//
// Layout: a 16-bit presence mask, then the present fields in the order of
// `PropertyBit`, the headers last (so a scalar can be read without walking
// the table). Strings are a varint length and bytes; integers zigzag
// varints; a field value is its AMQP type tag then its payload (varint for
// every integer-like tag, 8 raw bytes for float/double, length + bytes for
// longstr/binary; for arrays and tables a 4-byte length, so a reader skips
// them whole, then count + items or count + key/value pairs). Only this file's encoder writes the bytes, so the decoders treat
// a malformed buffer as a programmer error (WARREN_CHECK).
#ifndef WARREN_SIM_BROKER_PROPERTY_CODEC_H_
#define WARREN_SIM_BROKER_PROPERTY_CODEC_H_

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "warren/message.h"

namespace warren::internal {

// Bytes EncodeProperties will write; 0 when no property is set.
size_t EncodedPropertiesSize(const BasicProperties& p);
// Writes the encoding at `out` (EncodedPropertiesSize bytes); returns the end.
char* EncodeProperties(const BasicProperties& p, char* out);
BasicProperties DecodeProperties(std::string_view bytes);

// One field or header, read without decoding the rest.
std::optional<int> DecodePriority(std::string_view bytes);
std::optional<FieldValue> DecodeHeader(std::string_view bytes, std::string_view key);
// A longstr header as a view into `bytes`; nullopt when absent or of
// another type.
std::optional<std::string_view> DecodeHeaderString(std::string_view bytes, std::string_view key);

// ---- Rewriting without decoding (dead-lettering) ----

// One encoded field value, type tag first.
struct RawValue {
  std::string_view bytes;
  FieldType type() const { return static_cast<FieldType>(bytes.front()); }
};
struct RawEntry {
  std::string_view key;
  RawValue value;
};

// Encoded properties taken apart: the non-header fields as encoded (empty
// views when absent) and the header entries, all views into the bytes.
struct RawProperties {
  static constexpr int kFields = 13;  // every property but the headers
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
std::string EncodeValue(const FieldValue& v);
FieldValue DecodeValue(RawValue v);
// REQUIRES: an array value.
std::vector<RawValue> ArrayItems(RawValue array);
std::string EncodeArray(const std::vector<RawValue>& items);
std::string EncodeTable(const std::vector<RawEntry>& entries);
// Scalar values encoded without building a FieldValue.
std::string EncodeString(std::string_view s);  // longstr
std::string EncodeLong(int64_t v);
std::string EncodeTimestamp(int64_t seconds);
// The text of an encoded string field (RawProperties::fields).
std::string_view FieldString(std::string_view field);
// The RawProperties::fields index of the expiration property.
inline constexpr int kExpirationField = 6;
// The text of a longstr value; nullopt for any other type.
std::optional<std::string_view> StringValue(RawValue v);
// A longstr entry of a table value; nullopt when absent or another type.
std::optional<std::string_view> TableString(RawValue table, std::string_view key);

// Extra routing keys (CC, then BCC): a count and length-prefixed strings.
size_t EncodedKeysSize(const std::vector<std::string>& keys);
char* EncodeKeys(const std::vector<std::string>& keys, char* out);
std::vector<std::string> DecodeKeys(std::string_view bytes);

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_PROPERTY_CODEC_H_
