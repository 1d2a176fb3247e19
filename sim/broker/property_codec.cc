#include "sim/broker/property_codec.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <utility>

#include "sim/core/check.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

// Presence bits, also the encoding order. Headers are last on purpose.
enum PropertyBit : uint16_t {
  kContentType,
  kContentEncoding,
  kDeliveryMode,
  kPriority,
  kCorrelationId,
  kReplyTo,
  kExpiration,
  kMessageId,
  kTimestamp,
  kType,
  kUserId,
  kAppId,
  kClusterId,
  kHeaders,
};

uint64_t ZigZag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
int64_t UnZigZag(uint64_t u) { return static_cast<int64_t>(u >> 1) ^ -static_cast<int64_t>(u & 1); }

// One encoder for both passes: Sizer counts the bytes, Writer writes them.
struct Sizer {
  size_t n = 0;
  void Byte(uint8_t) { ++n; }
  void Bytes(const void*, size_t size) { n += size; }
};
struct Writer {
  char* out;
  void Byte(uint8_t b) { *out++ = static_cast<char>(b); }
  void Bytes(const void* p, size_t size) {
    if (size != 0) std::memcpy(out, p, size);
    out += size;
  }
};

template <typename Sink>
void Varint(Sink& s, uint64_t v) {
  while (v >= 0x80) {
    s.Byte(static_cast<uint8_t>(v | 0x80));
    v >>= 7;
  }
  s.Byte(static_cast<uint8_t>(v));
}

template <typename Sink>
void Str(Sink& s, std::string_view v) {
  Varint(s, v.size());
  s.Bytes(v.data(), v.size());
}

template <typename Sink>
void Table(Sink& s, const FieldTable& t);
template <typename Sink>
void Value(Sink& s, const FieldValue& v);

template <typename Sink>
void Items(Sink& s, const std::vector<FieldValue>& items) {
  Varint(s, items.size());
  for (const FieldValue& item : items) Value(s, item);
}

// A nested array or table is prefixed with its byte length (4 bytes, so
// the writer backfills it and both passes stay linear in the depth), and
// readers looking for one header skip whole x-death histories in one step.
constexpr size_t kLengthBytes = 4;
template <typename Body>
void Sized(Sizer& s, const Body& body) {
  s.n += kLengthBytes;
  body(s);
}
template <typename Body>
void Sized(Writer& w, const Body& body) {
  char* at = w.out;
  w.out += kLengthBytes;
  body(w);
  const uint64_t n = static_cast<uint64_t>(w.out - at) - kLengthBytes;
  WARREN_CHECK(n <= UINT32_MAX);
  for (size_t i = 0; i < kLengthBytes; ++i) at[i] = static_cast<char>((n >> (8 * i)) & 0xff);
}

template <typename Sink>
void Value(Sink& s, const FieldValue& v) {
  s.Byte(static_cast<uint8_t>(v.type()));
  switch (v.type()) {
    case FieldType::kVoid: return;
    case FieldType::kFloat:
    case FieldType::kDouble: {
      double d = v.as_double();
      s.Bytes(&d, sizeof d);
      return;
    }
    case FieldType::kLongString:
    case FieldType::kBinary: Str(s, v.as_string()); return;
    case FieldType::kArray:
      Sized(s, [&](auto& sink) { Items(sink, v.as_array()); });
      return;
    case FieldType::kTable:
      Sized(s, [&](auto& sink) { Table(sink, v.as_table()); });
      return;
    case FieldType::kBool: Varint(s, v.as_bool() ? 1 : 0); return;
    default: Varint(s, ZigZag(v.as_int())); return;  // integers, timestamp
  }
}

template <typename Sink>
void Table(Sink& s, const FieldTable& t) {
  Varint(s, t.size());
  for (const auto& [key, value] : t) {
    Str(s, key);
    Value(s, value);
  }
}

uint16_t Mask(const BasicProperties& p) {
  uint16_t m = 0;
  auto bit = [&](bool set, PropertyBit b) { if (set) m |= static_cast<uint16_t>(1u << b); };
  bit(p.content_type.has_value(), kContentType);
  bit(p.content_encoding.has_value(), kContentEncoding);
  bit(p.delivery_mode.has_value(), kDeliveryMode);
  bit(p.priority.has_value(), kPriority);
  bit(p.correlation_id.has_value(), kCorrelationId);
  bit(p.reply_to.has_value(), kReplyTo);
  bit(p.expiration.has_value(), kExpiration);
  bit(p.message_id.has_value(), kMessageId);
  bit(p.timestamp.has_value(), kTimestamp);
  bit(p.type.has_value(), kType);
  bit(p.user_id.has_value(), kUserId);
  bit(p.app_id.has_value(), kAppId);
  bit(p.cluster_id.has_value(), kClusterId);
  bit(p.headers.has_value(), kHeaders);
  return m;
}

template <typename Sink>
void Properties(Sink& s, const BasicProperties& p) {
  uint16_t mask = Mask(p);
  if (mask == 0) return;
  s.Byte(static_cast<uint8_t>(mask & 0xff));
  s.Byte(static_cast<uint8_t>(mask >> 8));
  auto str = [&](const std::optional<std::string>& v) { if (v) Str(s, *v); };
  auto num = [&](const auto& v) { if (v) Varint(s, ZigZag(*v)); };
  str(p.content_type);
  str(p.content_encoding);
  num(p.delivery_mode);
  num(p.priority);
  str(p.correlation_id);
  str(p.reply_to);
  str(p.expiration);
  str(p.message_id);
  num(p.timestamp);
  str(p.type);
  str(p.user_id);
  str(p.app_id);
  str(p.cluster_id);
  if (p.headers) Table(s, *p.headers);
}

// Runs `encode` twice: to size the result, then to write it.
template <typename Encode>
std::string EncodeWith(const Encode& encode) {
  Sizer s;
  encode(s);
  std::string out(s.n, '\0');
  Writer w{out.data()};
  encode(w);
  WARREN_CHECK(w.out == out.data() + out.size());
  return out;
}

// ---- decoding ----

class Reader {
 public:
  explicit Reader(std::string_view bytes) : p_(bytes.data()), end_(bytes.data() + bytes.size()) {}
  bool done() const { return p_ == end_; }
  const char* position() const { return p_; }
  uint8_t Byte() {
    WARREN_CHECK(p_ < end_);
    return static_cast<uint8_t>(*p_++);
  }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      WARREN_CHECK(shift < 64);
      uint8_t b = Byte();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if ((b & 0x80) == 0) return v;
    }
  }
  int64_t Signed() { return UnZigZag(Varint()); }
  // The byte length in front of a nested array or table.
  uint64_t Length() {
    uint64_t n = 0;
    for (size_t i = 0; i < kLengthBytes; ++i) n |= static_cast<uint64_t>(Byte()) << (8 * i);
    WARREN_CHECK(n <= static_cast<uint64_t>(end_ - p_));
    return n;
  }
  // For reserve(): a count can't exceed the bytes left (each item takes one).
  size_t Bounded(uint64_t n) const {
    return static_cast<size_t>(std::min<uint64_t>(n, static_cast<uint64_t>(end_ - p_)));
  }
  void Skip(uint64_t n) {
    WARREN_CHECK(n <= static_cast<uint64_t>(end_ - p_));
    p_ += n;
  }
  std::string_view Str() {
    uint64_t n = Varint();
    WARREN_CHECK(n <= static_cast<uint64_t>(end_ - p_));
    std::string_view v(p_, n);
    p_ += n;
    return v;
  }
  double Double() {
    WARREN_CHECK(end_ - p_ >= static_cast<ptrdiff_t>(sizeof(double)));
    double d;
    std::memcpy(&d, p_, sizeof d);
    p_ += sizeof d;
    return d;
  }

  FieldValue Value() {
    auto type = static_cast<FieldType>(Byte());
    switch (type) {
      case FieldType::kVoid: return FieldValue::Void();
      case FieldType::kFloat: return FieldValue::Float(static_cast<float>(Double()));
      case FieldType::kDouble: return FieldValue::Double(Double());
      case FieldType::kLongString: return FieldValue::String(Str());
      case FieldType::kBinary: return FieldValue::Binary(Str());
      case FieldType::kArray: {
        const uint64_t length = Length();
        const char* end = p_ + length;
        uint64_t n = Varint();
        std::vector<FieldValue> items;
        items.reserve(Bounded(n));
        for (uint64_t i = 0; i < n; ++i) items.push_back(Value());
        WARREN_CHECK(p_ == end);  // the prefix that SkipValue trusts
        return FieldValue::Array(std::move(items));
      }
      case FieldType::kTable: {
        const uint64_t length = Length();
        const char* end = p_ + length;
        FieldTable t = Table();
        WARREN_CHECK(p_ == end);
        return FieldValue::Table(std::move(t));
      }
      case FieldType::kBool: return FieldValue::Bool(Varint() != 0);
      case FieldType::kTimestamp: return FieldValue::Timestamp(Signed());
      default: return FieldValue::Integer(type, Signed());
    }
  }

  // Moves past one value without building it.
  void SkipValue() {
    auto type = static_cast<FieldType>(Byte());
    switch (type) {
      case FieldType::kVoid: return;
      case FieldType::kFloat:
      case FieldType::kDouble: (void)Double(); return;
      case FieldType::kLongString:
      case FieldType::kBinary: (void)Str(); return;
      case FieldType::kArray:
      case FieldType::kTable: Skip(Length()); return;
      default: (void)Varint(); return;
    }
  }

  FieldTable Table() {
    uint64_t n = Varint();
    std::vector<FieldTable::Entry> entries;
    entries.reserve(Bounded(n));
    for (uint64_t i = 0; i < n; ++i) {
      std::string_view key = Str();
      entries.emplace_back(std::string(key), Value());
    }
    return FieldTable(std::move(entries));
  }

  // The presence mask; 0 for no properties at all (an empty encoding).
  uint16_t Mask() {
    if (done()) return 0;
    uint16_t mask = Byte();
    return static_cast<uint16_t>(mask | (Byte() << 8));
  }
  // Moves past one non-header property.
  void SkipField(PropertyBit b) {
    if (IsNumber(b)) {
      (void)Varint();
    } else {
      (void)Str();
    }
  }
  // The next field value, as encoded.
  RawValue NextRaw() {
    const char* start = p_;
    SkipValue();
    return RawValue{std::string_view(start, static_cast<size_t>(p_ - start))};
  }

  // Positions the reader at the value of top-level header `key`; false
  // when there are no headers or no such key.
  bool SeekHeader(std::string_view key) {
    uint16_t mask = SkipToHeaders();
    if ((mask & (1u << kHeaders)) == 0) return false;
    for (uint64_t n = Varint(); n > 0; --n) {
      if (Str() == key) return true;
      SkipValue();
    }
    return false;
  }

  // Reads the mask and every field before `stop`; returns the mask.
  uint16_t SkipFieldsBefore(PropertyBit stop) {
    uint16_t mask = Mask();
    for (int b = 0; b < stop; ++b) {
      if ((mask & (1u << b)) != 0) SkipField(static_cast<PropertyBit>(b));
    }
    return mask;
  }
  uint16_t SkipToHeaders() { return SkipFieldsBefore(kHeaders); }

  static bool IsNumber(PropertyBit b) {
    return b == kDeliveryMode || b == kPriority || b == kTimestamp;
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace

size_t EncodedPropertiesSize(const BasicProperties& p) {
  Sizer s;
  Properties(s, p);
  return s.n;
}

char* EncodeProperties(const BasicProperties& p, char* out) {
  Writer w{out};
  Properties(w, p);
  return w.out;
}

BasicProperties DecodeProperties(std::string_view bytes) {
  BasicProperties p;
  Reader r(bytes);
  const uint16_t mask = r.Mask();
  auto has = [&](PropertyBit b) { return (mask & (1u << b)) != 0; };
  auto str = [&](PropertyBit b, std::optional<std::string>& v) {
    if (has(b)) v.emplace(r.Str());
  };
  str(kContentType, p.content_type);
  str(kContentEncoding, p.content_encoding);
  if (has(kDeliveryMode)) p.delivery_mode = static_cast<int>(r.Signed());
  if (has(kPriority)) p.priority = static_cast<int>(r.Signed());
  str(kCorrelationId, p.correlation_id);
  str(kReplyTo, p.reply_to);
  str(kExpiration, p.expiration);
  str(kMessageId, p.message_id);
  if (has(kTimestamp)) p.timestamp = r.Signed();
  str(kType, p.type);
  str(kUserId, p.user_id);
  str(kAppId, p.app_id);
  str(kClusterId, p.cluster_id);
  if (has(kHeaders)) p.headers = r.Table();
  WARREN_CHECK(r.done());
  return p;
}

std::optional<int> DecodePriority(std::string_view bytes) {
  Reader r(bytes);
  uint16_t mask = r.SkipFieldsBefore(kPriority);
  if ((mask & (1u << kPriority)) == 0) return std::nullopt;
  return static_cast<int>(r.Signed());
}

std::optional<FieldValue> DecodeHeader(std::string_view bytes, std::string_view key) {
  Reader r(bytes);
  if (!r.SeekHeader(key)) return std::nullopt;
  return r.Value();
}

std::optional<std::string_view> DecodeHeaderString(std::string_view bytes, std::string_view key) {
  std::optional<RawValue> v = FindRawHeader(bytes, key);
  return v ? StringValue(*v) : std::nullopt;
}

std::optional<std::string_view> StringValue(RawValue v) {
  if (v.type() != FieldType::kLongString) return std::nullopt;
  Reader r(v.bytes.substr(1));
  return r.Str();
}

static_assert(kExpirationField == kExpiration);
void RawProperties::DropExpiration() { fields[kExpiration] = {}; }

RawProperties SplitProperties(std::string_view bytes) {
  RawProperties out;
  Reader r(bytes);
  const uint16_t mask = r.Mask();
  for (int b = 0; b < RawProperties::kFields; ++b) {
    if ((mask & (1u << b)) == 0) continue;
    const char* start = r.position();
    r.SkipField(static_cast<PropertyBit>(b));
    out.fields[b] = std::string_view(start, static_cast<size_t>(r.position() - start));
  }
  if ((mask & (1u << kHeaders)) != 0) {
    out.has_headers = true;
    uint64_t n = r.Varint();
    out.headers.reserve(r.Bounded(n) + 4);
    for (uint64_t i = 0; i < n; ++i) {
      std::string_view key = r.Str();
      out.headers.push_back({key, r.NextRaw()});
    }
  }
  WARREN_CHECK(r.done());
  return out;
}

std::optional<RawValue> FindRawHeader(std::string_view bytes, std::string_view key) {
  Reader r(bytes);
  if (!r.SeekHeader(key)) return std::nullopt;
  return r.NextRaw();
}

void FindRawHeaders(std::string_view bytes, std::span<const std::string_view> keys,
                    std::span<std::optional<RawValue>> out) {
  WARREN_CHECK(out.size() >= keys.size());
  for (size_t i = 0; i < keys.size(); ++i) out[i].reset();
  Reader r(bytes);
  const uint16_t mask = r.SkipToHeaders();
  if ((mask & (1u << kHeaders)) == 0) return;
  size_t missing = keys.size();
  for (uint64_t n = r.Varint(); n > 0 && missing > 0; --n) {
    std::string_view key = r.Str();
    RawValue value = r.NextRaw();
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!out[i] && SameBytes(keys[i], key)) {
        out[i] = value;
        --missing;
      }
    }
  }
}

std::string JoinProperties(const RawProperties& p) {
  uint16_t mask = p.has_headers ? static_cast<uint16_t>(1u << kHeaders) : 0;
  size_t size = 2;
  for (int b = 0; b < RawProperties::kFields; ++b) {
    if (!p.fields[b].empty()) mask = static_cast<uint16_t>(mask | (1u << b));
    size += p.fields[b].size();
  }
  if (mask == 0) return {};
  Sizer sizer;
  if (p.has_headers) {
    Varint(sizer, p.headers.size());
    for (const RawEntry& e : p.headers) {
      Str(sizer, e.key);
      sizer.Bytes(nullptr, e.value.bytes.size());
    }
  }
  std::string out(size + sizer.n, '\0');
  Writer w{out.data()};
  w.Byte(static_cast<uint8_t>(mask & 0xff));
  w.Byte(static_cast<uint8_t>(mask >> 8));
  for (std::string_view f : p.fields) w.Bytes(f.data(), f.size());
  if (p.has_headers) {
    Varint(w, p.headers.size());
    for (const RawEntry& e : p.headers) {
      Str(w, e.key);
      w.Bytes(e.value.bytes.data(), e.value.bytes.size());
    }
  }
  WARREN_CHECK(w.out == out.data() + out.size());
  return out;
}

std::string EncodeValue(const FieldValue& v) {
  return EncodeWith([&](auto& sink) { Value(sink, v); });
}

FieldValue DecodeValue(RawValue v) {
  Reader r(v.bytes);
  FieldValue out = r.Value();
  WARREN_CHECK(r.done());
  return out;
}

std::vector<RawValue> ArrayItems(RawValue array) {
  Reader r(array.bytes);
  WARREN_CHECK(static_cast<FieldType>(r.Byte()) == FieldType::kArray);
  (void)r.Length();
  uint64_t n = r.Varint();
  std::vector<RawValue> items;
  items.reserve(r.Bounded(n) + 1);
  for (uint64_t i = 0; i < n; ++i) {
    items.push_back(r.NextRaw());
  }
  return items;
}

std::string EncodeArray(const std::vector<RawValue>& items) {
  return EncodeWith([&](auto& sink) {
    sink.Byte(static_cast<uint8_t>(FieldType::kArray));
    Sized(sink, [&](auto& body) {
      Varint(body, items.size());
      for (RawValue v : items) body.Bytes(v.bytes.data(), v.bytes.size());
    });
  });
}

std::string EncodeTable(const std::vector<RawEntry>& entries) {
  return EncodeWith([&](auto& sink) {
    sink.Byte(static_cast<uint8_t>(FieldType::kTable));
    Sized(sink, [&](auto& body) {
      Varint(body, entries.size());
      for (const RawEntry& e : entries) {
        Str(body, e.key);
        body.Bytes(e.value.bytes.data(), e.value.bytes.size());
      }
    });
  });
}

std::string EncodeString(std::string_view v) {
  return EncodeWith([&](auto& sink) {
    sink.Byte(static_cast<uint8_t>(FieldType::kLongString));
    Str(sink, v);
  });
}

std::string EncodeLong(int64_t v) {
  return EncodeWith([&](auto& sink) {
    sink.Byte(static_cast<uint8_t>(FieldType::kLong));
    Varint(sink, ZigZag(v));
  });
}

std::string EncodeTimestamp(int64_t seconds) {
  return EncodeWith([&](auto& sink) {
    sink.Byte(static_cast<uint8_t>(FieldType::kTimestamp));
    Varint(sink, ZigZag(seconds));
  });
}

std::string_view FieldString(std::string_view field) {
  Reader r(field);
  std::string_view s = r.Str();
  WARREN_CHECK(r.done());
  return s;
}

std::optional<std::string_view> TableString(RawValue table, std::string_view key) {
  Reader r(table.bytes);
  if (static_cast<FieldType>(r.Byte()) != FieldType::kTable) return std::nullopt;
  (void)r.Length();
  for (uint64_t n = r.Varint(); n > 0; --n) {
    bool match = r.Str() == key;
    RawValue v = r.NextRaw();
    if (match) return StringValue(v);  // the first entry with the key decides
  }
  return std::nullopt;
}

size_t EncodedKeysSize(const std::vector<std::string>& keys) {
  if (keys.empty()) return 0;
  Sizer s;
  Varint(s, keys.size());
  for (const std::string& k : keys) Str(s, k);
  return s.n;
}

char* EncodeKeys(const std::vector<std::string>& keys, char* out) {
  if (keys.empty()) return out;
  Writer w{out};
  Varint(w, keys.size());
  for (const std::string& k : keys) Str(w, k);
  return w.out;
}

std::vector<std::string> DecodeKeys(std::string_view bytes) {
  std::vector<std::string> keys;
  Reader r(bytes);
  if (r.done()) return keys;
  uint64_t n = r.Varint();
  keys.reserve(r.Bounded(n));
  for (uint64_t i = 0; i < n; ++i) keys.emplace_back(r.Str());
  WARREN_CHECK(r.done());
  return keys;
}

}  // namespace warren::internal
