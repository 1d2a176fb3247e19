#include "sim/broker/headers_matcher.h"

#include <random>
#include <string>

#include "gtest/gtest.h"
#include "sim/amqp/property_codec.h"

namespace warren::internal {
namespace {

FieldTable Headers(FieldTable t) { return t; }

TEST(HeadersMatcher, TopLevelNumbersCompareAcrossTypes) {
  FieldTable binding{{"x-match", FieldValue::String("all")}, {"n", FieldValue::Short(1)}};
  FieldTable as_long{{"n", FieldValue::Long(1)}};
  FieldTable as_double{{"n", FieldValue::Double(1.0)}};
  FieldTable as_string{{"n", FieldValue::String("1")}};
  FieldTable as_bool{{"n", FieldValue::Bool(true)}};
  EXPECT_TRUE(HeadersMatch(binding, &as_long));
  EXPECT_TRUE(HeadersMatch(binding, &as_double));
  EXPECT_FALSE(HeadersMatch(binding, &as_string));
  EXPECT_FALSE(HeadersMatch(binding, &as_bool));
}

TEST(HeadersMatcher, LongStringEqualsBinaryWithSameBytes) {
  FieldTable binding{{"k", FieldValue::String("ab")}};
  FieldTable bytes{{"k", FieldValue::Binary("ab")}};
  EXPECT_TRUE(HeadersMatch(binding, &bytes));
}

TEST(HeadersMatcher, NestedArraysCompareInnerTypeTags) {
  FieldTable binding{{"k", FieldValue::Array({FieldValue::Short(1)})}};
  FieldTable same{{"k", FieldValue::Array({FieldValue::Short(1)})}};
  FieldTable other{{"k", FieldValue::Array({FieldValue::Long(1)})}};
  EXPECT_TRUE(HeadersMatch(binding, &same));
  EXPECT_FALSE(HeadersMatch(binding, &other));
}

TEST(HeadersMatcher, AllWithNoConsideredKeysMatchesEverythingAnyMatchesNothing) {
  FieldTable all{{"x-match", FieldValue::String("all")}, {"x-k", FieldValue::String("v")}};
  FieldTable any{{"x-match", FieldValue::String("any")}, {"x-k", FieldValue::String("v")}};
  FieldTable msg{{"x-k", FieldValue::String("v")}};
  EXPECT_TRUE(HeadersMatch(all, nullptr));
  EXPECT_FALSE(HeadersMatch(any, &msg));
}

TEST(HeadersMatcher, WithXVariantsConsiderXKeys) {
  FieldTable allx{{"x-match", FieldValue::String("all-with-x")}, {"x-k", FieldValue::String("v")}};
  FieldTable anyx{{"x-match", FieldValue::String("any-with-x")}, {"x-k", FieldValue::String("v")}};
  FieldTable yes{{"x-k", FieldValue::String("v")}};
  FieldTable no{{"x-k", FieldValue::String("w")}};
  EXPECT_TRUE(HeadersMatch(allx, &yes));
  EXPECT_FALSE(HeadersMatch(allx, &no));
  EXPECT_TRUE(HeadersMatch(anyx, &yes));
  EXPECT_FALSE(HeadersMatch(anyx, &no));
}

TEST(HeadersMatcher, VoidPatternTestsPresenceOnly) {
  FieldTable binding{{"k", FieldValue::Void()}};
  FieldTable present{{"k", FieldValue::Long(42)}};
  FieldTable absent{{"j", FieldValue::Long(42)}};
  EXPECT_TRUE(HeadersMatch(binding, &present));
  EXPECT_FALSE(HeadersMatch(binding, &absent));
}

TEST(HeadersMatcher, InvalidXMatchIsRejectedWithRabbitMqText) {
  EXPECT_EQ(*ValidateHeadersBinding({{"x-match", FieldValue::String("some")}}),
            "Invalid x-match field value <<\"some\">>; expected all, any, all-with-x, or "
            "any-with-x");
  EXPECT_EQ(*ValidateHeadersBinding({{"x-match", FieldValue::SignedInt(1)}}),
            "Invalid x-match field type signedint (value 1); expected longstr");
  EXPECT_FALSE(ValidateHeadersBinding({{"x-match", FieldValue::String("any-with-x")}}));
}

// Routing matches bindings against the message's encoded headers
// (EncodedHeaders); it must agree with the table matcher on every
// mode, key, value type, loose numeric/string equality, duplicate header
// keys and messages with no headers at all.
TEST(HeadersMatcher, MatchingTheEncodingAgreesWithMatchingTheTable) {
  std::mt19937_64 rng(20261203);
  const std::vector<std::string> keys = {"a", "b", "x-k", "format", "n"};
  const std::vector<std::string> modes = {"", "all", "any", "all-with-x", "any-with-x"};
  auto value = [&rng]() {
    switch (rng() % 9) {
      case 0: return FieldValue::Void();
      case 1: return FieldValue::Short(static_cast<int16_t>(rng() % 3));
      case 2: return FieldValue::Long(static_cast<int64_t>(rng() % 3));
      case 3: return FieldValue::Double(static_cast<double>(rng() % 3));
      case 4: return FieldValue::String(std::string(1, static_cast<char>('0' + rng() % 3)));
      case 5: return FieldValue::Binary(std::string(1, static_cast<char>('0' + rng() % 3)));
      case 6: return FieldValue::Bool(rng() % 2 == 0);
      case 7: return FieldValue::Array({FieldValue::Short(static_cast<int16_t>(rng() % 2))});
      default: return FieldValue::Table({{"t", FieldValue::Long(static_cast<int64_t>(rng() % 2))}});
    }
  };
  int matched = 0;
  for (int i = 0; i < 20000; ++i) {
    FieldTable binding;
    const std::string& mode = modes[rng() % modes.size()];
    if (!mode.empty()) binding.Set("x-match", FieldValue::String(mode));
    for (int k = static_cast<int>(rng() % 4); k > 0; --k) {
      binding.Set(keys[rng() % keys.size()], value());
    }
    BasicProperties props;
    if (rng() % 8 != 0) {
      props.headers.emplace();
      for (int k = static_cast<int>(rng() % 6); k > 0; --k) {
        // Append, not Set: repeated keys stay repeated, as on the wire.
        props.headers->mutable_entries().emplace_back(keys[rng() % keys.size()], value());
      }
    }
    if (rng() % 2 == 0) props.content_type = "text/plain";
    std::string why;
    std::string encoded(*EncodedPropertiesSize(props, &why), '\0');
    EncodeProperties(props, encoded.data());
    const FieldTable* headers = props.headers ? &*props.headers : nullptr;
    bool want = HeadersMatch(binding, headers);
    EncodedHeaders from_encoding(encoded);
    ASSERT_EQ(HeadersMatch(binding, from_encoding), want)
        << "case " << i << ": binding " << FieldValue::Table(binding).ToString() << " headers "
        << (headers ? FieldValue::Table(*headers).ToString() : "none");
    matched += want;
  }
  // Both outcomes are exercised, not just one.
  EXPECT_GT(matched, 2000);
  EXPECT_LT(matched, 18000);
}

}  // namespace
}  // namespace warren::internal
