#include "sim/broker/headers_matcher.h"

#include "gtest/gtest.h"

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

}  // namespace
}  // namespace warren::internal
