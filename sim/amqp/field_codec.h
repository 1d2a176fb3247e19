// AMQP 0-9-1 field values and tables in their wire encoding, the one
// encoding Warren has: stored messages keep their properties exactly as a
// content header carries them, so the wire front end passes them through
// and dead-lettering rewrites x-death without decoding the rest.
//
// A value is its type tag and payload (RabbitMQ 3.10's rabbit_binary_parser
// tags: t b B s u I i l f d D S x A T F V; 'L' reads as a signed 64-bit
// long, as RabbitMQ reads it). A table is a u32 byte length then (short
// string key, value) pairs; an array a u32 byte length then values.
//
// Two kinds of input. Bytes Warren wrote itself, or bytes that passed
// CheckTableBytes, are trusted: the readers below treat a malformed buffer
// as a programmer error (WARREN_CHECK). Bytes from a client are checked
// first: known tags, lengths that add up, at most kMaxNesting levels.
#ifndef WARREN_SIM_AMQP_FIELD_CODEC_H_
#define WARREN_SIM_AMQP_FIELD_CODEC_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "warren/field_value.h"

namespace warren::internal {

// One encoded field value, type tag first.
struct RawValue {
  std::string_view bytes;
  // The tag's type ('L' reads as kLong, as RabbitMQ reads it).
  FieldType type() const {
    return bytes.front() == 'L' ? FieldType::kLong : static_cast<FieldType>(bytes.front());
  }
};
struct RawEntry {
  std::string_view key;
  RawValue value;
};

// ---- encoding values Warren holds ----

// Bytes of `t`'s encoding (with its u32 length), or nullopt with `why` set
// when it cannot be encoded: a key over 255 bytes, nesting deeper than
// kMaxNesting, an integer outside its type's range. Never recurses deeper
// than kMaxNesting.
std::optional<size_t> EncodedTableSize(const FieldTable& t, std::string* why);
// Writes the encoding at `out`; returns the end. REQUIRES: EncodedTableSize ok.
char* PutTable(const FieldTable& t, char* out);
// A value with its tag (REQUIRES: it can be encoded, as above).
std::string EncodeValue(const FieldValue& v);

// ---- checking bytes from a client ----

// "" when `table` (u32 length included) is a well-formed table of at most
// kMaxNesting levels with known tags and nothing after it; else what is
// wrong, in words.
std::string CheckTableBytes(std::string_view table);

// ---- reading trusted bytes ----

// The bytes of the value (tag first) at the front of `bytes`.
RawValue RawValueAt(std::string_view bytes);
// The entries of an encoded table (u32 length included).
std::vector<RawEntry> TableEntries(std::string_view table);
FieldTable DecodeTable(std::string_view table);
FieldValue DecodeValue(RawValue v);
// REQUIRES: an array value.
std::vector<RawValue> ArrayItems(RawValue array);
// The items' bytes of `array`. REQUIRES: an array.
std::string_view ArrayBody(RawValue array);
// Calls fn(item) for each item of `array` in order, until fn returns false;
// allocates nothing. REQUIRES: an array.
template <typename Fn>
void ForEachArrayItem(RawValue array, Fn fn);

// ---- building encodings piece by piece (dead-lettering) ----

std::string EncodeArray(const std::vector<RawValue>& items);
std::string EncodeTable(const std::vector<RawEntry>& entries);  // a value: tag 'F' first
std::string EncodeString(std::string_view s);                   // longstr value
std::string EncodeLong(int64_t v);
std::string EncodeTimestamp(int64_t seconds);
// The text of a longstr value; nullopt for any other type.
std::optional<std::string_view> StringValue(RawValue v);
// The integer of an integer-typed value; nullopt for any other type.
std::optional<int64_t> IntegerValue(RawValue v);
// A longstr entry of a table value; nullopt when absent or another type.
// The first entry with the key decides.
std::optional<std::string_view> TableString(RawValue table, std::string_view key);

template <typename Fn>
void ForEachArrayItem(RawValue array, Fn fn) {
  std::string_view body = ArrayBody(array);
  while (!body.empty()) {
    RawValue item = RawValueAt(body);
    if (!fn(item)) return;
    body.remove_prefix(item.bytes.size());
  }
}

}  // namespace warren::internal

#endif  // WARREN_SIM_AMQP_FIELD_CODEC_H_
