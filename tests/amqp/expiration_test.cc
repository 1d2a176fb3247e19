#include "sim/amqp/expiration.h"

#include "gtest/gtest.h"

namespace warren::internal {
namespace {

std::string Reason(std::string_view s) {
  auto r = ParseExpiration(s);
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "ok";
}

TEST(Expiration, AcceptsWhatErlangToIntegerAccepts) {
  EXPECT_EQ(std::get<int64_t>(ParseExpiration("0")), 0);
  EXPECT_EQ(std::get<int64_t>(ParseExpiration("+100")), 100);
  EXPECT_EQ(std::get<int64_t>(ParseExpiration("0100")), 100);
  EXPECT_EQ(std::get<int64_t>(ParseExpiration("315360000000")), 315360000000);
}

TEST(Expiration, RejectsWithRabbitMqReasons) {
  EXPECT_EQ(Reason("abc"), "no_integer");
  EXPECT_EQ(Reason(""), "no_integer");
  EXPECT_EQ(Reason(" 100"), "no_integer");
  EXPECT_EQ(Reason("-1"), "{value_negative,-1}");
  EXPECT_EQ(Reason("1.5"), "{leftover_string,\".5\"}");
  EXPECT_EQ(Reason("1e3"), "{leftover_string,\"e3\"}");
  EXPECT_EQ(Reason("100 "), "{leftover_string,\" \"}");
  EXPECT_EQ(Reason("315360000001"), "{value_too_large,315360000001}");
}

}  // namespace
}  // namespace warren::internal
