// The stored-message property encoding: lossless for every property and
// field type (random tables, nested), and the single-field readers agree
// with a full decode.
#include "sim/broker/property_codec.h"

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
    if (Coin()) p.delivery_mode = static_cast<int>(Int());
    if (Coin()) p.priority = static_cast<int>(Int());
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
    std::string s(rng_() % 300, '\0');  // past one varint byte, with NULs
    for (char& c : s) c = static_cast<char>(rng_());
    return s;
  }
  FieldValue Value(int depth) {
    static constexpr FieldType kInts[] = {
        FieldType::kByte, FieldType::kUnsignedByte, FieldType::kShort, FieldType::kUnsignedShort,
        FieldType::kSignedInt, FieldType::kUnsignedInt, FieldType::kLong};
    switch (rng_() % (depth < 3 ? 10 : 8)) {
      case 0: return FieldValue::Void();
      case 1: return FieldValue::Bool(Coin());
      case 2: return FieldValue::Integer(kInts[rng_() % 7], Int());
      case 3: return FieldValue::Float(static_cast<float>(static_cast<int32_t>(rng_())) / 7.0f);
      case 4: return FieldValue::Double(static_cast<double>(Int()) / 3.0);
      case 5: return FieldValue::String(Str());
      case 6: return FieldValue::Binary(Str());
      case 7: return FieldValue::Timestamp(Int());
      case 8: {
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
  std::string bytes(EncodedPropertiesSize(p), '\0');
  char* end = EncodeProperties(p, bytes.data());
  EXPECT_EQ(end, bytes.data() + bytes.size());
  return bytes;
}

TEST(PropertyCodec, DecodingAnEncodingGivesBackEqualProperties) {
  RandomProperties gen(20261203);
  for (int i = 0; i < 2000; ++i) {
    BasicProperties p = gen.Next();
    ASSERT_EQ(DecodeProperties(Encode(p)), p) << "case " << i;
  }
}

TEST(PropertyCodec, NoPropertiesTakeNoBytes) {
  EXPECT_EQ(EncodedPropertiesSize({}), 0u);
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
    MessageRef m = Message::Create(MessageId{1}, "", "k", "b", p);
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
  MessageRef m = Message::Create(MessageId{3}, "x", "rk", "body", p, 50, {"cc1", "bcc1"});
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

  MessageRef bare = Message::Create(MessageId{4}, "", "q", "");
  EXPECT_FALSE(bare->has_properties());
  EXPECT_TRUE(bare->properties().empty());
  EXPECT_FALSE(bare->priority().has_value());
  EXPECT_TRUE(bare->extra_routing_keys().empty());
}

}  // namespace
}  // namespace warren::internal
