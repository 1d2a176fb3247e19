#include "sim/amqp/field_codec.h"

#include <cstring>
#include <limits>

#include "sim/amqp/limits.h"
#include "sim/core/check.h"
#include "sim/core/coding.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

// Payload bytes of fixed-size types; 0 for void; -1 for variable ones.
int FixedSize(FieldType t) {
  switch (t) {
    case FieldType::kVoid: return 0;
    case FieldType::kBool:
    case FieldType::kByte:
    case FieldType::kUnsignedByte: return 1;
    case FieldType::kShort:
    case FieldType::kUnsignedShort: return 2;
    case FieldType::kSignedInt:
    case FieldType::kUnsignedInt:
    case FieldType::kFloat: return 4;
    case FieldType::kDecimal: return 5;
    case FieldType::kLong:
    case FieldType::kDouble:
    case FieldType::kTimestamp: return 8;
    default: return -1;
  }
}

// The tag as stored: RabbitMQ reads 'L' as a signed long.
FieldType Canonical(char tag) { return tag == 'L' ? FieldType::kLong : static_cast<FieldType>(tag); }

bool KnownTag(char tag) {
  switch (tag) {
    case 't': case 'b': case 'B': case 's': case 'u': case 'I': case 'i': case 'l': case 'L':
    case 'f': case 'd': case 'D': case 'S': case 'x': case 'A': case 'T': case 'F': case 'V':
      return true;
    default:
      return false;
  }
}

bool FitsType(FieldType t, int64_t v) {
  switch (t) {
    case FieldType::kByte: return v >= INT8_MIN && v <= INT8_MAX;
    case FieldType::kUnsignedByte: return v >= 0 && v <= UINT8_MAX;
    case FieldType::kShort: return v >= INT16_MIN && v <= INT16_MAX;
    case FieldType::kUnsignedShort: return v >= 0 && v <= UINT16_MAX;
    case FieldType::kSignedInt: return v >= INT32_MIN && v <= INT32_MAX;
    case FieldType::kUnsignedInt: return v >= 0 && v <= UINT32_MAX;
    default: return true;
  }
}

// ---- sizing (with checks) and writing ----

std::optional<size_t> ValueSize(const FieldValue& v, int depth, std::string* why);

std::optional<size_t> TableSize(const FieldTable& t, int depth, std::string* why) {
  if (depth > kMaxNesting) {
    *why = Cat("nests tables and arrays deeper than ", kMaxNesting, " levels");
    return std::nullopt;
  }
  size_t n = 4;
  for (const auto& [key, value] : t) {
    if (key.size() > kMaxShortString) {
      *why = Cat("has a key of ", key.size(), " bytes (a field table key is an AMQP short string: "
                 "at most 255 bytes)");
      return std::nullopt;
    }
    std::optional<size_t> s = ValueSize(value, depth + 1, why);
    if (!s) return std::nullopt;
    n += 1 + key.size() + *s;
  }
  return n;
}

std::optional<size_t> ValueSize(const FieldValue& v, int depth, std::string* why) {
  FieldType t = v.type();
  if (int fixed = FixedSize(t); fixed >= 0) {
    if (v.is_integer() && !FitsType(t, v.as_int())) {
      *why = Cat("holds ", v.as_int(), ", which does not fit its type ", FieldTypeName(t));
      return std::nullopt;
    }
    return 1 + static_cast<size_t>(fixed);
  }
  switch (t) {
    case FieldType::kLongString:
    case FieldType::kBinary: return 1 + 4 + v.as_string().size();
    case FieldType::kTable: {
      std::optional<size_t> s = TableSize(v.as_table(), depth, why);
      return s ? std::optional<size_t>(1 + *s) : std::nullopt;
    }
    case FieldType::kArray: {
      if (depth > kMaxNesting) {
        *why = Cat("nests tables and arrays deeper than ", kMaxNesting, " levels");
        return std::nullopt;
      }
      size_t n = 1 + 4;
      for (const FieldValue& item : v.as_array()) {
        std::optional<size_t> s = ValueSize(item, depth + 1, why);
        if (!s) return std::nullopt;
        n += *s;
      }
      return n;
    }
    default: WARREN_CHECK(false);
  }
  return std::nullopt;
}

char* PutValue(const FieldValue& v, char* out);

char* PutTableBody(const FieldTable& t, char* out) {
  char* length_at = out;
  out += 4;
  for (const auto& [key, value] : t) {
    out = PutU8(out, static_cast<uint8_t>(key.size()));
    out = PutBytes(out, key);
    out = PutValue(value, out);
  }
  PutU32(length_at, static_cast<uint32_t>(out - length_at - 4));
  return out;
}

char* PutValue(const FieldValue& v, char* out) {
  FieldType t = v.type();
  out = PutU8(out, static_cast<uint8_t>(t));
  switch (t) {
    case FieldType::kVoid: return out;
    case FieldType::kBool: return PutU8(out, v.as_bool() ? 1 : 0);
    case FieldType::kByte:
    case FieldType::kUnsignedByte: return PutU8(out, static_cast<uint8_t>(v.as_int()));
    case FieldType::kShort:
    case FieldType::kUnsignedShort: return PutU16(out, static_cast<uint16_t>(v.as_int()));
    case FieldType::kSignedInt:
    case FieldType::kUnsignedInt: return PutU32(out, static_cast<uint32_t>(v.as_int()));
    case FieldType::kLong:
    case FieldType::kTimestamp: return PutU64(out, static_cast<uint64_t>(v.as_int()));
    case FieldType::kFloat: {
      float f = static_cast<float>(v.as_double());
      uint32_t bits;
      std::memcpy(&bits, &f, sizeof bits);
      return PutU32(out, bits);
    }
    case FieldType::kDouble: {
      double d = v.as_double();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      return PutU64(out, bits);
    }
    case FieldType::kDecimal:
      out = PutU8(out, v.decimal_scale());
      return PutU32(out, v.decimal_value());
    case FieldType::kLongString:
    case FieldType::kBinary:
      out = PutU32(out, static_cast<uint32_t>(v.as_string().size()));
      return PutBytes(out, v.as_string());
    case FieldType::kTable: return PutTableBody(v.as_table(), out);
    case FieldType::kArray: {
      char* length_at = out;
      out += 4;
      for (const FieldValue& item : v.as_array()) out = PutValue(item, out);
      PutU32(length_at, static_cast<uint32_t>(out - length_at - 4));
      return out;
    }
  }
  WARREN_CHECK(false);
  return out;
}

// ---- checking untrusted bytes ----

std::string CheckValue(ByteReader& r, int depth);

std::string CheckEntries(ByteReader& r, int depth, bool table) {
  if (depth > kMaxNesting) {
    return Cat("tables and arrays nest deeper than ", kMaxNesting, " levels");
  }
  std::string_view body = r.LongString();
  if (!r.ok()) return "a table or array is longer than the bytes that hold it";
  ByteReader in(body);
  while (!in.done()) {
    if (table) {
      (void)in.ShortString();
      if (!in.ok()) return "a table key runs past the end of its table";
    }
    std::string why = CheckValue(in, depth + 1);
    if (!why.empty()) return why;
  }
  return "";
}

std::string CheckValue(ByteReader& r, int depth) {
  char tag = static_cast<char>(r.U8());
  if (!r.ok()) return "a value is missing its type tag";
  if (!KnownTag(tag)) {
    return Cat("unknown field type tag '", std::string(1, tag), "' (byte ",
               static_cast<int>(static_cast<unsigned char>(tag)), ")");
  }
  FieldType t = Canonical(tag);
  if (int fixed = FixedSize(t); fixed >= 0) {
    (void)r.Bytes(static_cast<size_t>(fixed));
    return r.ok() ? "" : "a value runs past the end of its table";
  }
  if (t == FieldType::kLongString || t == FieldType::kBinary) {
    (void)r.LongString();
    return r.ok() ? "" : "a string runs past the end of its table";
  }
  return CheckEntries(r, depth, t == FieldType::kTable);
}

// ---- reading trusted bytes ----

size_t ValueLength(std::string_view bytes) {
  WARREN_CHECK(!bytes.empty());
  FieldType t = Canonical(bytes[0]);
  if (int fixed = FixedSize(t); fixed >= 0) return 1 + static_cast<size_t>(fixed);
  WARREN_CHECK(bytes.size() >= 5);
  return 1 + 4 + GetU32(bytes.data() + 1);
}

}  // namespace

std::optional<size_t> EncodedTableSize(const FieldTable& t, std::string* why) {
  return TableSize(t, 1, why);
}

char* PutTable(const FieldTable& t, char* out) { return PutTableBody(t, out); }

std::string EncodeValue(const FieldValue& v) {
  std::string why;
  std::optional<size_t> size = ValueSize(v, 1, &why);
  WARREN_CHECK(size.has_value());
  std::string out(*size, '\0');
  WARREN_CHECK(PutValue(v, out.data()) == out.data() + out.size());
  return out;
}

std::string CheckTableBytes(std::string_view table) {
  ByteReader r(table);
  std::string why = CheckEntries(r, 1, /*table=*/true);
  if (!why.empty()) return why;
  if (!r.done()) return Cat(r.left(), " bytes follow the table");
  return "";
}

RawValue RawValueAt(std::string_view bytes) {
  size_t n = ValueLength(bytes);
  WARREN_CHECK(n <= bytes.size());
  return RawValue{bytes.substr(0, n)};
}

std::vector<RawEntry> TableEntries(std::string_view table) {
  WARREN_CHECK(table.size() >= 4);
  std::string_view body = table.substr(4, GetU32(table.data()));
  std::vector<RawEntry> out;
  out.reserve(8);
  while (!body.empty()) {
    size_t k = static_cast<uint8_t>(body[0]);
    WARREN_CHECK(body.size() > k);
    std::string_view key = body.substr(1, k);
    RawValue v = RawValueAt(body.substr(1 + k));
    out.push_back({key, v});
    body.remove_prefix(1 + k + v.bytes.size());
  }
  return out;
}

FieldTable DecodeTable(std::string_view table) {
  std::vector<RawEntry> raw = TableEntries(table);
  std::vector<FieldTable::Entry> entries;
  entries.reserve(raw.size());
  for (const RawEntry& e : raw) entries.emplace_back(std::string(e.key), DecodeValue(e.value));
  return FieldTable(std::move(entries));
}

FieldValue DecodeValue(RawValue v) {
  const char* p = v.bytes.data() + 1;
  FieldType t = Canonical(v.bytes[0]);
  switch (t) {
    case FieldType::kVoid: return FieldValue::Void();
    case FieldType::kBool: return FieldValue::Bool(*p != 0);
    case FieldType::kByte: return FieldValue::Integer(t, static_cast<int8_t>(*p));
    case FieldType::kUnsignedByte: return FieldValue::Integer(t, static_cast<uint8_t>(*p));
    case FieldType::kShort: return FieldValue::Integer(t, static_cast<int16_t>(GetU16(p)));
    case FieldType::kUnsignedShort: return FieldValue::Integer(t, GetU16(p));
    case FieldType::kSignedInt: return FieldValue::Integer(t, static_cast<int32_t>(GetU32(p)));
    case FieldType::kUnsignedInt: return FieldValue::Integer(t, GetU32(p));
    case FieldType::kLong: return FieldValue::Integer(t, static_cast<int64_t>(GetU64(p)));
    case FieldType::kTimestamp: return FieldValue::Timestamp(static_cast<int64_t>(GetU64(p)));
    case FieldType::kFloat: {
      uint32_t bits = GetU32(p);
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return FieldValue::Float(f);
    }
    case FieldType::kDouble: {
      uint64_t bits = GetU64(p);
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return FieldValue::Double(d);
    }
    case FieldType::kDecimal:
      return FieldValue::Decimal(static_cast<uint8_t>(*p), GetU32(p + 1));
    case FieldType::kLongString: return FieldValue::String(v.bytes.substr(5));
    case FieldType::kBinary: return FieldValue::Binary(v.bytes.substr(5));
    case FieldType::kTable: return FieldValue::Table(DecodeTable(v.bytes.substr(1)));
    case FieldType::kArray: {
      std::vector<FieldValue> items;
      for (RawValue item : ArrayItems(v)) items.push_back(DecodeValue(item));
      return FieldValue::Array(std::move(items));
    }
  }
  WARREN_CHECK(false);
  return FieldValue::Void();
}

std::string_view ArrayBody(RawValue array) {
  WARREN_CHECK(array.type() == FieldType::kArray && array.bytes.size() >= 5);
  return array.bytes.substr(5, GetU32(array.bytes.data() + 1));
}

std::vector<RawValue> ArrayItems(RawValue array) {
  std::string_view body = ArrayBody(array);
  std::vector<RawValue> items;
  while (!body.empty()) {
    items.push_back(RawValueAt(body));
    body.remove_prefix(items.back().bytes.size());
  }
  return items;
}

namespace {

// A composite value: tag, u32 length, then the parts as given.
template <typename Parts>
std::string Composite(FieldType tag, const Parts& write, size_t body_size) {
  std::string out(1 + 4 + body_size, '\0');
  char* p = PutU8(out.data(), static_cast<uint8_t>(tag));
  p = PutU32(p, static_cast<uint32_t>(body_size));
  p = write(p);
  WARREN_CHECK(p == out.data() + out.size());
  return out;
}

}  // namespace

std::string EncodeArray(const std::vector<RawValue>& items) {
  size_t n = 0;
  for (RawValue v : items) n += v.bytes.size();
  return Composite(FieldType::kArray, [&](char* p) {
    for (RawValue v : items) p = PutBytes(p, v.bytes);
    return p;
  }, n);
}

std::string EncodeTable(const std::vector<RawEntry>& entries) {
  size_t n = 0;
  for (const RawEntry& e : entries) {
    WARREN_CHECK(e.key.size() <= kMaxShortString);
    n += 1 + e.key.size() + e.value.bytes.size();
  }
  return Composite(FieldType::kTable, [&](char* p) {
    for (const RawEntry& e : entries) {
      p = PutU8(p, static_cast<uint8_t>(e.key.size()));
      p = PutBytes(p, e.key);
      p = PutBytes(p, e.value.bytes);
    }
    return p;
  }, n);
}

std::string EncodeString(std::string_view s) { return EncodeValue(FieldValue::String(s)); }
std::string EncodeLong(int64_t v) { return EncodeValue(FieldValue::Long(v)); }
std::string EncodeTimestamp(int64_t seconds) { return EncodeValue(FieldValue::Timestamp(seconds)); }

std::optional<std::string_view> StringValue(RawValue v) {
  if (v.type() != FieldType::kLongString) return std::nullopt;
  return v.bytes.substr(5);
}

std::optional<int64_t> IntegerValue(RawValue v) {
  FieldType t = Canonical(v.bytes[0]);
  if (!FieldValue::IsIntegerType(t)) return std::nullopt;
  return DecodeValue(v).as_int();
}

std::optional<std::string_view> TableString(RawValue table, std::string_view key) {
  if (table.type() != FieldType::kTable) return std::nullopt;
  // Walked in place: the dead-letter path asks this per x-death entry and
  // hop, and building the entry list allocated each time.
  std::string_view t = table.bytes.substr(1);
  WARREN_CHECK(t.size() >= 4);
  std::string_view body = t.substr(4, GetU32(t.data()));
  while (!body.empty()) {
    const size_t k = static_cast<uint8_t>(body[0]);
    WARREN_CHECK(body.size() > k);
    RawValue v = RawValueAt(body.substr(1 + k));
    if (body.substr(1, k) == key) return StringValue(v);
    body.remove_prefix(1 + k + v.bytes.size());
  }
  return std::nullopt;
}

}  // namespace warren::internal
