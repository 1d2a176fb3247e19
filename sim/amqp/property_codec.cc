#include "sim/amqp/property_codec.h"

#include <array>

#include "sim/amqp/limits.h"
#include "sim/core/check.h"
#include "sim/core/coding.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

// The properties in flag order; the flag bit of index i is 15 - i.
enum Prop {
  kContentType,
  kContentEncoding,
  kHeaders,
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
};
constexpr int kProps = 14;
static_assert(kExpiration == kExpirationField && kHeaders == RawProperties::kHeaders &&
              kProps == RawProperties::kFields);

constexpr uint16_t Bit(int prop) { return static_cast<uint16_t>(1u << (15 - prop)); }

enum class Kind { kShortString, kTable, kOctet, kU64 };
constexpr Kind KindOf(int prop) {
  return prop == kHeaders                                ? Kind::kTable
         : prop == kDeliveryMode || prop == kPriority ? Kind::kOctet
         : prop == kTimestamp                            ? Kind::kU64
                                                         : Kind::kShortString;
}

// The short-string properties of `p`, by flag index (null where not one).
std::array<const std::optional<std::string>*, kProps> Strings(const BasicProperties& p) {
  std::array<const std::optional<std::string>*, kProps> s{};
  s[kContentType] = &p.content_type;
  s[kContentEncoding] = &p.content_encoding;
  s[kCorrelationId] = &p.correlation_id;
  s[kReplyTo] = &p.reply_to;
  s[kExpiration] = &p.expiration;
  s[kMessageId] = &p.message_id;
  s[kType] = &p.type;
  s[kUserId] = &p.user_id;
  s[kAppId] = &p.app_id;
  s[kClusterId] = &p.cluster_id;
  return s;
}

constexpr const char* kNames[kProps] = {
    "content_type", "content_encoding", "headers",  "delivery_mode", "priority",
    "correlation_id", "reply_to",       "expiration", "message_id",  "timestamp",
    "type",           "user_id",        "app_id",     "cluster_id"};

// The bytes of the property at the front of `rest` (trusted).
size_t FieldLength(int prop, std::string_view rest) {
  switch (KindOf(prop)) {
    case Kind::kShortString:
      WARREN_CHECK(!rest.empty());
      return 1 + static_cast<uint8_t>(rest[0]);
    case Kind::kTable:
      WARREN_CHECK(rest.size() >= 4);
      return 4 + GetU32(rest.data());
    case Kind::kOctet: return 1;
    case Kind::kU64: return 8;
  }
  return 0;
}

// Calls fn(prop, bytes) for each present property of trusted `bytes`, in
// order, until it returns false.
template <typename Fn>
void ForEachField(std::string_view bytes, Fn fn) {
  if (bytes.empty()) return;
  WARREN_CHECK(bytes.size() >= 2);
  const uint16_t flags = GetU16(bytes.data());
  std::string_view rest = bytes.substr(2);
  for (int prop = 0; prop < kProps; ++prop) {
    if ((flags & Bit(prop)) == 0) continue;
    size_t n = FieldLength(prop, rest);
    WARREN_CHECK(n <= rest.size());
    if (!fn(prop, rest.substr(0, n))) return;
    rest.remove_prefix(n);
  }
}

std::optional<std::string_view> HeadersOf(std::string_view bytes) {
  std::optional<std::string_view> out;
  ForEachField(bytes, [&](int prop, std::string_view field) {
    if (prop == kHeaders) out = field;
    return prop < kHeaders;
  });
  return out;
}

}  // namespace

std::optional<size_t> EncodedPropertiesSize(const BasicProperties& p, std::string* why) {
  size_t n = 0;
  const auto strings = Strings(p);
  for (int prop = 0; prop < kProps; ++prop) {
    const std::optional<std::string>* s = strings[prop];
    if (s == nullptr || !*s) continue;
    if ((*s)->size() > kMaxShortString) {
      *why = Cat("the ", kNames[prop], " property is ", (*s)->size(),
                 " bytes; an AMQP short string holds at most 255");
      return std::nullopt;
    }
    n += 1 + (*s)->size();
  }
  for (const auto& [octet, name] : {std::pair{&p.delivery_mode, "delivery_mode"},
                                    std::pair{&p.priority, "priority"}}) {
    if (!*octet) continue;
    if (**octet < 0 || **octet > 255) {
      *why = Cat("the ", name, " property is ", **octet, "; it is an octet (0 to 255)");
      return std::nullopt;
    }
    n += 1;
  }
  if (p.timestamp) n += 8;
  if (p.headers) {
    std::string table_why;
    std::optional<size_t> t = EncodedTableSize(*p.headers, &table_why);
    if (!t) {
      *why = Cat("the headers table ", table_why);
      return std::nullopt;
    }
    n += *t;
  }
  return n == 0 ? 0 : n + 2;
}

char* EncodeProperties(const BasicProperties& p, char* out) {
  const auto strings = Strings(p);
  uint16_t flags = 0;
  for (int prop = 0; prop < kProps; ++prop) {
    bool set = strings[prop] != nullptr ? strings[prop]->has_value()
               : prop == kHeaders       ? p.headers.has_value()
               : prop == kDeliveryMode  ? p.delivery_mode.has_value()
               : prop == kPriority      ? p.priority.has_value()
                                        : p.timestamp.has_value();
    if (set) flags |= Bit(prop);
  }
  if (flags == 0) return out;
  out = PutU16(out, flags);
  for (int prop = 0; prop < kProps; ++prop) {
    if ((flags & Bit(prop)) == 0) continue;
    switch (KindOf(prop)) {
      case Kind::kShortString: {
        const std::string& s = **strings[prop];
        out = PutU8(out, static_cast<uint8_t>(s.size()));
        out = PutBytes(out, s);
        break;
      }
      case Kind::kTable: out = PutTable(*p.headers, out); break;
      case Kind::kOctet:
        out = PutU8(out, static_cast<uint8_t>(prop == kDeliveryMode ? *p.delivery_mode : *p.priority));
        break;
      case Kind::kU64: out = PutU64(out, static_cast<uint64_t>(*p.timestamp)); break;
    }
  }
  return out;
}

BasicProperties DecodeProperties(std::string_view bytes) {
  BasicProperties p;
  std::array<std::optional<std::string>*, kProps> strings{};
  strings[kContentType] = &p.content_type;
  strings[kContentEncoding] = &p.content_encoding;
  strings[kCorrelationId] = &p.correlation_id;
  strings[kReplyTo] = &p.reply_to;
  strings[kExpiration] = &p.expiration;
  strings[kMessageId] = &p.message_id;
  strings[kType] = &p.type;
  strings[kUserId] = &p.user_id;
  strings[kAppId] = &p.app_id;
  strings[kClusterId] = &p.cluster_id;
  ForEachField(bytes, [&](int prop, std::string_view field) {
    switch (KindOf(prop)) {
      case Kind::kShortString: strings[prop]->emplace(field.substr(1)); break;
      case Kind::kTable: p.headers = DecodeTable(field); break;
      case Kind::kOctet:
        (prop == kDeliveryMode ? p.delivery_mode : p.priority) = static_cast<uint8_t>(field[0]);
        break;
      case Kind::kU64: p.timestamp = static_cast<int64_t>(GetU64(field.data())); break;
    }
    return true;
  });
  return p;
}

std::string CheckPropertyBytes(std::string_view bytes) {
  ByteReader r(bytes);
  const uint16_t flags = r.U16();
  if (!r.ok()) return "the property flags are missing";
  for (int prop = 0; prop < kProps; ++prop) {
    if ((flags & Bit(prop)) == 0) continue;
    switch (KindOf(prop)) {
      case Kind::kShortString: (void)r.ShortString(); break;
      case Kind::kTable: {
        uint32_t n = r.U32();
        std::string_view body = r.Bytes(n);
        if (!r.ok()) break;
        std::string why = CheckTableBytes(std::string_view(body.data() - 4, n + 4));
        if (!why.empty()) return Cat("the headers property: ", why);
        break;
      }
      case Kind::kOctet: (void)r.U8(); break;
      case Kind::kU64: (void)r.U64(); break;
    }
    if (!r.ok()) return Cat("the ", kNames[prop], " property runs past the end of the header");
  }
  if (!r.done()) return Cat(r.left(), " bytes follow the last property");
  return "";
}

std::optional<int> DecodePriority(std::string_view bytes) {
  std::optional<int> out;
  ForEachField(bytes, [&](int prop, std::string_view field) {
    if (prop == kPriority) out = static_cast<uint8_t>(field[0]);
    return prop < kPriority;
  });
  return out;
}

std::optional<FieldValue> DecodeHeader(std::string_view bytes, std::string_view key) {
  std::optional<RawValue> v = FindRawHeader(bytes, key);
  return v ? std::optional<FieldValue>(DecodeValue(*v)) : std::nullopt;
}

std::optional<std::string_view> DecodeHeaderString(std::string_view bytes, std::string_view key) {
  std::optional<RawValue> v = FindRawHeader(bytes, key);
  return v ? StringValue(*v) : std::nullopt;
}

void RawProperties::DropExpiration() { fields[kExpiration] = {}; }

RawProperties SplitProperties(std::string_view bytes) {
  RawProperties out;
  ForEachField(bytes, [&](int prop, std::string_view field) {
    if (prop == kHeaders) {
      out.has_headers = true;
      out.headers = TableEntries(field);
    } else {
      out.fields[prop] = field;
    }
    return true;
  });
  return out;
}

std::optional<RawValue> FindRawHeader(std::string_view bytes, std::string_view key) {
  std::optional<std::string_view> headers = HeadersOf(bytes);
  if (!headers) return std::nullopt;
  std::string_view body = headers->substr(4);
  while (!body.empty()) {
    size_t k = static_cast<uint8_t>(body[0]);
    std::string_view name = body.substr(1, k);
    RawValue v = RawValueAt(body.substr(1 + k));
    if (SameBytes(name, key)) return v;
    body.remove_prefix(1 + k + v.bytes.size());
  }
  return std::nullopt;
}

void FindRawHeaders(std::string_view bytes, std::span<const std::string_view> keys,
                    std::span<std::optional<RawValue>> out) {
  WARREN_CHECK(out.size() >= keys.size());
  for (size_t i = 0; i < keys.size(); ++i) out[i].reset();
  std::optional<std::string_view> headers = HeadersOf(bytes);
  if (!headers) return;
  std::string_view body = headers->substr(4);
  size_t missing = keys.size();
  while (!body.empty() && missing > 0) {
    size_t k = static_cast<uint8_t>(body[0]);
    std::string_view name = body.substr(1, k);
    RawValue v = RawValueAt(body.substr(1 + k));
    for (size_t i = 0; i < keys.size(); ++i) {
      if (!out[i] && SameBytes(keys[i], name)) {
        out[i] = v;
        --missing;
      }
    }
    body.remove_prefix(1 + k + v.bytes.size());
  }
}

std::string JoinProperties(const RawProperties& p) {
  uint16_t flags = 0;
  size_t size = 2;
  for (int prop = 0; prop < kProps; ++prop) {
    if (prop == kHeaders) {
      if (!p.has_headers) continue;
      flags |= Bit(prop);
      size += 4;
      for (const RawEntry& e : p.headers) size += 1 + e.key.size() + e.value.bytes.size();
    } else if (!p.fields[prop].empty()) {
      flags |= Bit(prop);
      size += p.fields[prop].size();
    }
  }
  if (flags == 0) return {};
  std::string out(size, '\0');
  char* w = PutU16(out.data(), flags);
  for (int prop = 0; prop < kProps; ++prop) {
    if ((flags & Bit(prop)) == 0) continue;
    if (prop != kHeaders) {
      w = PutBytes(w, p.fields[prop]);
      continue;
    }
    char* length_at = w;
    w += 4;
    for (const RawEntry& e : p.headers) {
      WARREN_CHECK(e.key.size() <= kMaxShortString);
      w = PutU8(w, static_cast<uint8_t>(e.key.size()));
      w = PutBytes(w, e.key);
      w = PutBytes(w, e.value.bytes);
    }
    PutU32(length_at, static_cast<uint32_t>(w - length_at - 4));
  }
  WARREN_CHECK(w == out.data() + out.size());
  return out;
}

std::string_view FieldString(std::string_view field) {
  WARREN_CHECK(!field.empty() && static_cast<uint8_t>(field[0]) + 1u == field.size());
  return field.substr(1);
}

size_t EncodedKeysSize(const std::vector<std::string>& keys) {
  if (keys.empty()) return 0;
  size_t n = 4;
  for (const std::string& k : keys) n += 4 + k.size();
  return n;
}

char* EncodeKeys(const std::vector<std::string>& keys, char* out) {
  if (keys.empty()) return out;
  out = PutU32(out, static_cast<uint32_t>(keys.size()));
  for (const std::string& k : keys) {
    out = PutU32(out, static_cast<uint32_t>(k.size()));
    out = PutBytes(out, k);
  }
  return out;
}

std::vector<std::string> DecodeKeys(std::string_view bytes) {
  std::vector<std::string> keys;
  if (bytes.empty()) return keys;
  ByteReader r(bytes);
  uint32_t n = r.U32();
  keys.reserve(std::min<size_t>(n, r.left() / 4));
  for (uint32_t i = 0; i < n; ++i) keys.emplace_back(r.LongString());
  WARREN_CHECK(r.ok() && r.done());
  return keys;
}

}  // namespace warren::internal
