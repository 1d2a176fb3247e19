// The property encoding (AMQP's content header, which stored messages keep):
// lossless for every property and field type (random tables, nested), the
// single-field readers agree with a full decode, the bytes are AMQP's, and
// bytes from a client are checked before anything trusts them.
#include "sim/amqp/message_store.h"
#include "sim/amqp/property_codec.h"

#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "warren/message.h"

namespace warren::internal {
namespace {

class RandomProperties {
 public:
  explicit RandomProperties(uint64_t seed) : rng_(seed) {}

  BasicProperties Next() {
    BasicProperties p;
    auto maybe_str = [&](std::optional<std::string>& f) { if (Coin()) f = Str(); };
    maybe_str(p.content_type);
    maybe_str(p.content_encoding);
    if (Coin()) p.delivery_mode = static_cast<int>(rng_() % 256);  // an octet
    if (Coin()) p.priority = static_cast<int>(rng_() % 256);
    maybe_str(p.correlation_id);
    maybe_str(p.reply_to);
    maybe_str(p.expiration);
    maybe_str(p.message_id);
    if (Coin()) p.timestamp = Int();
    maybe_str(p.type);
    maybe_str(p.user_id);
    maybe_str(p.app_id);
    maybe_str(p.cluster_id);
    if (Coin()) p.headers = Table(0);
    return p;
  }

 private:
  bool Coin() { return rng_() % 2 == 0; }
  int64_t Int() {
    switch (rng_() % 4) {
      case 0: return 0;
      case 1: return std::numeric_limits<int64_t>::min();
      case 2: return std::numeric_limits<int64_t>::max();
      default: return static_cast<int64_t>(rng_());
    }
  }
  std::string Str() {
    std::string s(rng_() % 256, '\0');  // up to a short string's 255 bytes, with NULs
    for (char& c : s) c = static_cast<char>(rng_());
    return s;
  }
  // An integer of type `t`, in its range (the extremes included).
  FieldValue Integer(FieldType t) {
    int64_t lo = INT64_MIN, hi = INT64_MAX;
    switch (t) {
      case FieldType::kByte: lo = INT8_MIN; hi = INT8_MAX; break;
      case FieldType::kUnsignedByte: lo = 0; hi = UINT8_MAX; break;
      case FieldType::kShort: lo = INT16_MIN; hi = INT16_MAX; break;
      case FieldType::kUnsignedShort: lo = 0; hi = UINT16_MAX; break;
      case FieldType::kSignedInt: lo = INT32_MIN; hi = INT32_MAX; break;
      case FieldType::kUnsignedInt: lo = 0; hi = UINT32_MAX; break;
      default: break;
    }
    switch (rng_() % 4) {
      case 0: return FieldValue::Integer(t, lo);
      case 1: return FieldValue::Integer(t, hi);
      case 2: return FieldValue::Integer(t, 0);
      default: {
        uint64_t span = static_cast<uint64_t>(hi) - static_cast<uint64_t>(lo);
        uint64_t r = span == UINT64_MAX ? rng_() : rng_() % (span + 1);
        return FieldValue::Integer(t, static_cast<int64_t>(static_cast<uint64_t>(lo) + r));
      }
    }
  }
  FieldValue Value(int depth) {
    static constexpr FieldType kInts[] = {
        FieldType::kByte, FieldType::kUnsignedByte, FieldType::kShort, FieldType::kUnsignedShort,
        FieldType::kSignedInt, FieldType::kUnsignedInt, FieldType::kLong};
    switch (rng_() % (depth < 3 ? 11 : 9)) {
      case 0: return FieldValue::Void();
      case 1: return FieldValue::Bool(Coin());
      case 2: return Integer(kInts[rng_() % 7]);
      case 3: return FieldValue::Float(static_cast<float>(static_cast<int32_t>(rng_())) / 7.0f);
      case 4: return FieldValue::Double(static_cast<double>(Int()) / 3.0);
      case 5: return FieldValue::String(Str());
      case 6: return FieldValue::Binary(Str());
      case 7: return FieldValue::Timestamp(Int());
      case 8: return FieldValue::Decimal(static_cast<uint8_t>(rng_()), static_cast<uint32_t>(rng_()));
      case 9: {
        std::vector<FieldValue> items(rng_() % 4);
        for (FieldValue& v : items) v = Value(depth + 1);
        return FieldValue::Array(std::move(items));
      }
      default: return FieldValue::Table(Table(depth + 1));
    }
  }
  FieldTable Table(int depth) {
    FieldTable t;
    for (size_t n = rng_() % 6; n > 0; --n) {
      t.mutable_entries().emplace_back(Str().substr(0, 20), Value(depth));
    }
    return t;
  }

  std::mt19937_64 rng_;
};

std::string Encode(const BasicProperties& p) {
  std::string why;
  std::optional<size_t> size = EncodedPropertiesSize(p, &why);
  EXPECT_TRUE(size.has_value()) << why;
  std::string bytes(size.value_or(0), '\0');
  char* end = EncodeProperties(p, bytes.data());
  EXPECT_EQ(end, bytes.data() + bytes.size());
  return bytes;
}

TEST(PropertyCodec, DecodingAnEncodingGivesBackEqualProperties) {
  RandomProperties gen(20261203);
  for (int i = 0; i < 2000; ++i) {
    BasicProperties p = gen.Next();
    std::string bytes = Encode(p);
    ASSERT_EQ(DecodeProperties(bytes), p) << "case " << i;
    EXPECT_EQ(bytes.empty() ? "" : CheckPropertyBytes(bytes), "") << "case " << i;
  }
}

TEST(PropertyCodec, NoPropertiesTakeNoBytes) {
  std::string why;
  EXPECT_EQ(EncodedPropertiesSize({}, &why), 0u);
  EXPECT_EQ(DecodeProperties(""), BasicProperties());
}

TEST(PropertyCodec, SingleFieldReadersAgreeWithAFullDecode) {
  RandomProperties gen(7);
  for (int i = 0; i < 2000; ++i) {
    BasicProperties p = gen.Next();
    std::string bytes = Encode(p);
    EXPECT_EQ(DecodePriority(bytes), p.priority);
    if (!p.headers) {
      EXPECT_FALSE(DecodeHeader(bytes, "x").has_value());
      continue;
    }
    for (const auto& [key, value] : *p.headers) {
      // The first entry with a key is the one Find returns.
      const FieldValue* first = p.headers->Find(key);
      std::optional<FieldValue> got = DecodeHeader(bytes, key);
      ASSERT_TRUE(got.has_value());
      EXPECT_EQ(*got, *first);
      std::optional<std::string_view> s = DecodeHeaderString(bytes, key);
      EXPECT_EQ(s.has_value(), first->is_string());
      if (s) EXPECT_EQ(*s, first->as_string());
    }
    EXPECT_FALSE(DecodeHeader(bytes, std::string(21, 'k')).has_value());  // keys are <= 20
  }
}

// Message::FindHeaders reads many headers in one pass; each answer must be
// what FindHeaderString / FindHeader give for that key alone, including
// repeated keys (first wins), missing keys and messages without headers.
TEST(PropertyCodec, OnePassHeaderReadsAgreeWithSingleLookups) {
  RandomProperties gen(11);
  for (int i = 0; i < 2000; ++i) {
    BasicProperties p = gen.Next();
    if (p.headers && !p.headers->empty() && i % 2 == 0) {
      // A repeated key with another value: the first one must win.
      std::string first = p.headers->begin()->first;
      p.headers->mutable_entries().emplace_back(first, FieldValue::Long(i));
    }
    MessageRef m = internal::MessageStore::CreateForTest(MessageId{1}, "", "k", "b", p);
    std::vector<std::string> names;
    if (p.headers) {
      for (const auto& [key, value] : *p.headers) names.push_back(key);
    }
    names.push_back(std::string(21, 'k'));  // absent: keys are <= 20
    if (names.size() > 2) names.push_back(names[1]);  // asked twice
    if (i % 3 == 0) {  // past the eight looked up without allocating
      for (int k = 0; k < 9; ++k) names.push_back("absent" + std::to_string(k));
    }
    std::vector<std::string_view> keys(names.begin(), names.end());
    std::vector<std::optional<Message::HeaderRef>> got(keys.size());
    m->FindHeaders(keys, got);
    for (size_t k = 0; k < keys.size(); ++k) {
      std::optional<FieldValue> want = m->FindHeader(keys[k]);
      ASSERT_EQ(got[k].has_value(), want.has_value()) << "case " << i << " key " << keys[k];
      if (!want) continue;
      EXPECT_EQ(got[k]->type, want->type());
      EXPECT_EQ(got[k]->text, m->FindHeaderString(keys[k]));
      std::optional<int64_t> integer;
      if (want->is_integer()) integer = want->as_int();
      EXPECT_EQ(got[k]->integer, integer) << "case " << i << " key " << keys[k];
    }
  }
}

// Nested arrays/tables are sized once per level (a sizing pass per level
// was 2^depth work: 60 levels would never finish).
TEST(PropertyCodec, DeepNestingEncodesInLinearTime) {
  FieldValue v = FieldValue::String("leaf");
  for (int depth = 0; depth < 60; ++depth) {
    v = depth % 2 ? FieldValue::Array({v, FieldValue::Long(depth)})
                  : FieldValue::Table(FieldTable{{"d", v}});
  }
  BasicProperties p;
  p.headers = FieldTable{{"deep", v}};
  EXPECT_EQ(DecodeProperties(Encode(p)), p);
  EXPECT_EQ(DecodeHeader(Encode(p), "deep"), v);
}

TEST(PropertyCodec, RoutingKeysRoundTrip) {
  std::vector<std::string> keys = {"a", "", std::string(200, 'z'), "b.c"};
  std::string bytes(EncodedKeysSize(keys), '\0');
  EncodeKeys(keys, bytes.data());
  EXPECT_EQ(DecodeKeys(bytes), keys);
  EXPECT_EQ(EncodedKeysSize({}), 0u);
  EXPECT_TRUE(DecodeKeys("").empty());
}

TEST(StoredMessage, KeepsPropertiesHeadersAndKeysAsPublished) {
  BasicProperties p;
  p.priority = 7;
  p.correlation_id = "c-1";
  p.headers = FieldTable{{"id", FieldValue::String("task-1")},
                         {"retries", FieldValue::SignedInt(2)}};
  MessageRef m = internal::MessageStore::CreateForTest(MessageId{3}, "x", "rk", "body", p, 50, {"cc1", "bcc1"});
  EXPECT_EQ(m->exchange(), "x");
  EXPECT_EQ(m->routing_key(), "rk");
  EXPECT_EQ(m->body(), "body");
  EXPECT_EQ(m->expiration_ms(), 50);
  EXPECT_EQ(m->priority(), 7);
  EXPECT_EQ(m->FindHeaderString("id"), "task-1");
  EXPECT_FALSE(m->FindHeaderString("retries").has_value());  // not a longstr
  EXPECT_EQ(m->FindHeader("retries"), FieldValue::SignedInt(2));
  EXPECT_FALSE(m->FindHeader("eta").has_value());
  EXPECT_EQ(m->properties(), p);
  EXPECT_EQ(&m->properties(), &m->properties());  // decoded once, kept
  EXPECT_EQ(m->extra_routing_keys(), (std::vector<std::string>{"cc1", "bcc1"}));

  MessageRef bare = internal::MessageStore::CreateForTest(MessageId{4}, "", "q", "");
  EXPECT_FALSE(bare->has_properties());
  EXPECT_TRUE(bare->properties().empty());
  EXPECT_FALSE(bare->priority().has_value());
  EXPECT_TRUE(bare->extra_routing_keys().empty());
}

}  // namespace
}  // namespace warren::internal

namespace warren::internal {
namespace {

std::string Hex(std::string_view bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// The bytes are AMQP 0-9-1's: flags (bit 15 content-type ... bit 2
// cluster-id) then the properties in flag order, tables with a u32 length,
// long strings with a u32 length, big-endian integers.
TEST(PropertyCodec, TheEncodingIsTheContentHeadersPropertyList) {
  BasicProperties p;
  p.content_type = "text/plain";
  p.delivery_mode = 2;
  p.headers = FieldTable{{"n", FieldValue::SignedInt(-2)}, {"s", FieldValue::String("é")}};
  p.timestamp = 1;
  EXPECT_EQ(Hex(Encode(p)),
            "b040"                                   // content-type, headers, mode, timestamp
            "0a" + Hex("text/plain") +               // shortstr
            "00000010"                               // table of 16 bytes
            "016e" "49" "fffffffe"                   // n: I -2
            "0173" "53" "00000002" "c3a9"            // s: S "é"
            "02"                                     // delivery-mode octet
            "0000000000000001");                     // timestamp u64
}

TEST(FieldCodec, ItReadsEveryTagRabbitMQReadsAndLAsALong) {
  std::string table("\x00\x00\x00\x00", 4);
  auto add = [&](std::string_view key, std::string_view value) {
    table += static_cast<char>(key.size());
    table.append(key);
    table.append(value);
  };
  add("t", std::string("t\x01", 2));
  add("L", std::string("L\xff\xff\xff\xff\xff\xff\xff\xfe", 9));
  add("D", std::string("D\x02\x00\x00\x30\x39", 6));
  add("f", std::string("f\x3f\xc0\x00\x00", 5));
  add("V", "V");
  uint32_t n = static_cast<uint32_t>(table.size() - 4);
  table[0] = static_cast<char>(n >> 24);
  table[1] = static_cast<char>(n >> 16);
  table[2] = static_cast<char>(n >> 8);
  table[3] = static_cast<char>(n);
  ASSERT_EQ(CheckTableBytes(table), "");
  FieldTable t = DecodeTable(table);
  EXPECT_EQ(*t.Find("t"), FieldValue::Bool(true));
  EXPECT_EQ(*t.Find("L"), FieldValue::Long(-2));  // re-encoded as 'l', as RabbitMQ does
  EXPECT_EQ(*t.Find("D"), FieldValue::Decimal(2, 12345));
  EXPECT_EQ(*t.Find("f"), FieldValue::Float(1.5f));
  EXPECT_EQ(*t.Find("V"), FieldValue::Void());
}

TEST(FieldCodec, ClientBytesAreCheckedBeforeAnythingTrustsThem) {
  auto table = [](std::string body) {
    std::string out(4, '\0');
    out[2] = static_cast<char>(body.size() >> 8);
    out[3] = static_cast<char>(body.size());
    return out + body;
  };
  EXPECT_EQ(CheckTableBytes(table(std::string("\x01kZ", 3))),
            "unknown field type tag 'Z' (byte 90)");
  EXPECT_EQ(CheckTableBytes(table(std::string("\x01kS\x00\x00\x00\x09" "ab", 9))),
            "a string runs past the end of its table");
  EXPECT_EQ(CheckTableBytes(table(std::string("\x05k", 2))),
            "a table key runs past the end of its table");
  EXPECT_EQ(CheckTableBytes(table("") + "x"), "1 bytes follow the table");
  EXPECT_EQ(CheckTableBytes(std::string("\x00\x00\x00\x09", 4)),
            "a table or array is longer than the bytes that hold it");
  // 101 nested arrays inside the table: one level too deep.
  std::string deep = "V";
  for (int i = 0; i < 100; ++i) {
    std::string len(4, '\0');
    len[2] = static_cast<char>(deep.size() >> 8);
    len[3] = static_cast<char>(deep.size());
    deep = "A" + len + deep;
  }
  EXPECT_EQ(CheckTableBytes(table("\x01k" + deep)),
            "tables and arrays nest deeper than 100 levels");
  EXPECT_EQ(CheckPropertyBytes(std::string("\x80\x00\x05" "ab", 5)),
            "the content_type property runs past the end of the header");
  EXPECT_EQ(CheckPropertyBytes(std::string("\x00\x00" "z", 3)), "1 bytes follow the last property");
  EXPECT_EQ(CheckPropertyBytes(std::string("\x00", 1)), "the property flags are missing");
}

TEST(PropertyCodec, PropertiesThatCannotTravelInAContentHeaderAreRefusedWithTheReason) {
  auto why = [](const BasicProperties& p) {
    std::string why;
    EXPECT_FALSE(EncodedPropertiesSize(p, &why).has_value());
    return why;
  };
  BasicProperties p;
  p.message_id = std::string(256, 'm');
  EXPECT_EQ(why(p), "the message_id property is 256 bytes; an AMQP short string holds at most 255");
  BasicProperties q;
  q.priority = 256;
  EXPECT_EQ(why(q), "the priority property is 256; it is an octet (0 to 255)");
  BasicProperties h;
  h.headers = FieldTable{{"x", FieldValue::Integer(FieldType::kUnsignedByte, 300)}};
  EXPECT_EQ(why(h), "the headers table holds 300, which does not fit its type unsignedbyte");
}

}  // namespace
}  // namespace warren::internal
