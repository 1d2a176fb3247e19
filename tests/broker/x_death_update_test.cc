// UpdateXDeath (dead_letter.h) on its own: the x-death headers one dead-lettering
// writes. The broker-level rules (who dead-letters when, the ladder, cycles)
// are in dead_lettering_test.cc; a random-input check against a model in
// x_death_update_model_test.cc.
#include "sim/amqp/message_store.h"
#include "sim/broker/dead_letter.h"

#include "gtest/gtest.h"

namespace warren::internal {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1700000000);

MessageRef Original(BasicProperties properties = {}, std::vector<std::string> extra_keys = {}) {
  return internal::MessageStore::CreateForTest(MessageId{1}, "", "task_queue", "job", std::move(properties),
                         std::nullopt, std::move(extra_keys));
}

BasicProperties WithHeaders(FieldTable headers) {
  BasicProperties p;
  p.headers = std::move(headers);
  return p;
}

// The routing key followed by the CC/BCC keys.
std::vector<std::string> RoutingKeys(const Message& m) {
  std::vector<std::string> out = {std::string(m.routing_key())};
  for (const std::string& k : m.extra_routing_keys()) out.push_back(k);
  return out;
}

std::vector<std::string> Keys(const FieldTable& t) {
  std::vector<std::string> out;
  for (const auto& [k, v] : t) out.push_back(k);
  return out;
}

const std::vector<FieldValue>& Deaths(const MessageRef& m) {
  return m->properties().headers->Find("x-death")->as_array();
}

TEST(DeadLetter, FirstDeathAddsXDeathAndFirstDeathHeadersSortedByKey) {
  MessageRef m = Original(WithHeaders({{"zz", FieldValue::String("user")},
                                       {"CC", FieldValue::Array({FieldValue::String("cc1")})}}));
  MessageRef d =
      MakeDeadLetter(*m, "task_queue", DeathReason::kRejected, kT0, "retry", std::nullopt);
  EXPECT_EQ(Keys(*d->properties().headers),
            (std::vector<std::string>{"CC", "x-death", "x-first-death-exchange",
                                      "x-first-death-queue", "x-first-death-reason", "zz"}));
  const FieldTable& entry = Deaths(d)[0].as_table();
  // The very first entry keeps RabbitMQ's construction order.
  EXPECT_EQ(Keys(entry), (std::vector<std::string>{"count", "reason", "queue", "time",
                                                   "exchange", "routing-keys"}));
  EXPECT_EQ(*entry.Find("count"), FieldValue::Long(1));
  EXPECT_EQ(*entry.Find("time"), FieldValue::Timestamp(1700000000));
  EXPECT_EQ(*entry.Find("routing-keys"),
            FieldValue::Array({FieldValue::String("task_queue"), FieldValue::String("cc1")}));
  EXPECT_EQ(d->exchange(), "retry");
}

TEST(DeadLetter, ExpirationIsRemovedAndRecordedAsOriginalExpiration) {
  BasicProperties p;
  p.expiration = "5000";
  MessageRef m = Original(p, {});
  MessageRef d = MakeDeadLetter(*m, "q", DeathReason::kExpired, kT0, "dlx", std::nullopt);
  EXPECT_FALSE(d->properties().expiration.has_value());
  EXPECT_EQ(*Deaths(d)[0].as_table().Find("original-expiration"), FieldValue::String("5000"));
}

TEST(DeadLetter, RoutingKeyReplacesKeysAndRemovesCcHeader) {
  MessageRef m = Original(WithHeaders({{"CC", FieldValue::Array({FieldValue::String("cc1")})}}),
                          {"cc1", "bcc1"});
  MessageRef with = MakeDeadLetter(*m, "q", DeathReason::kRejected, kT0, "dlx", "dead");
  EXPECT_EQ(RoutingKeys(*with), std::vector<std::string>{"dead"});
  EXPECT_FALSE(with->properties().headers->Contains("CC"));
  MessageRef without = MakeDeadLetter(*m, "q", DeathReason::kRejected, kT0, "dlx", std::nullopt);
  EXPECT_EQ(RoutingKeys(*without), (std::vector<std::string>{"task_queue", "cc1", "bcc1"}));
  EXPECT_TRUE(without->properties().headers->Contains("CC"));
}

std::vector<std::pair<std::string, int64_t>> History(const MessageRef& m) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (const FieldValue& d : Deaths(m)) {
    out.emplace_back(d.as_table().Find("queue")->as_string(),
                     d.as_table().Find("count")->as_int());
  }
  return out;
}

// The observed 3.10 ladder from spec section 4.2, newest first.
TEST(DeadLetter, DelayLadderHistoryMatchesTheReversalQuirk) {
  MessageRef m = Original();
  auto hop = [&](const char* queue, DeathReason r, const char* dlx) {
    m = MakeDeadLetter(*m, queue, r, kT0, dlx, std::nullopt);
  };
  hop("task_queue", DeathReason::kRejected, "retry");
  hop("retry_2s", DeathReason::kExpired, "task_exchange");
  EXPECT_EQ(History(m), (std::vector<std::pair<std::string, int64_t>>{{"retry_2s", 1},
                                                                     {"task_queue", 1}}));
  hop("task_queue", DeathReason::kRejected, "retry");
  hop("retry_4s", DeathReason::kExpired, "task_exchange");
  EXPECT_EQ(History(m), (std::vector<std::pair<std::string, int64_t>>{
                            {"retry_4s", 1}, {"retry_2s", 1}, {"task_queue", 2}}));
  hop("task_queue", DeathReason::kRejected, "retry");
  hop("retry_8s", DeathReason::kExpired, "task_exchange");
  EXPECT_EQ(History(m), (std::vector<std::pair<std::string, int64_t>>{
                            {"retry_8s", 1}, {"retry_4s", 1}, {"retry_2s", 1}, {"task_queue", 3}}));
  hop("task_queue", DeathReason::kRejected, "dlx");
  EXPECT_EQ(History(m), (std::vector<std::pair<std::string, int64_t>>{
                            {"task_queue", 4}, {"retry_2s", 1}, {"retry_4s", 1}, {"retry_8s", 1}}));
}

TEST(DeadLetter, RepeatKeepsFirstOccurrenceFieldsAndSortsRewrittenEntry) {
  MessageRef m = Original();
  m = MakeDeadLetter(*m, "q", DeathReason::kRejected, kT0, "x", std::nullopt);
  m = MakeDeadLetter(*m, "q", DeathReason::kRejected, kT0 + absl::Seconds(9), "x", std::nullopt);
  ASSERT_EQ(Deaths(m).size(), 1u);
  const FieldTable& e = Deaths(m)[0].as_table();
  EXPECT_EQ(*e.Find("count"), FieldValue::Long(2));
  EXPECT_EQ(*e.Find("time"), FieldValue::Timestamp(1700000000));
  EXPECT_EQ(*e.Find("exchange"), FieldValue::String(""));  // first occurrence kept
  EXPECT_EQ(Keys(e), (std::vector<std::string>{"count", "exchange", "queue", "reason",
                                               "routing-keys", "time"}));
  EXPECT_EQ(*m->properties().headers->Find("x-first-death-exchange"), FieldValue::String(""));
}

TEST(DeadLetter, NonArrayXDeathIsResetWithoutFirstDeathHeaders) {
  MessageRef m = Original(WithHeaders({{"x-death", FieldValue::String("garbage")}}));
  MessageRef d = MakeDeadLetter(*m, "q", DeathReason::kRejected, kT0, "x", std::nullopt);
  EXPECT_EQ(Deaths(d).size(), 1u);
  EXPECT_FALSE(d->properties().headers->Contains("x-first-death-queue"));
}

TEST(DeadLetter, CycleDetectionIgnoresRejectedAndCatchesAutomaticCycles) {
  MessageRef m = Original();
  MessageRef expired = MakeDeadLetter(*m, "a", DeathReason::kExpired, kT0, "x", std::nullopt);
  EXPECT_TRUE(IsDeadLetterCycle(*expired, DeathReason::kExpired, "a"));
  EXPECT_FALSE(IsDeadLetterCycle(*expired, DeathReason::kExpired, "b"));
  MessageRef rejected = MakeDeadLetter(*m, "a", DeathReason::kRejected, kT0, "x", std::nullopt);
  EXPECT_FALSE(IsDeadLetterCycle(*rejected, DeathReason::kRejected, "a"));
  // work(reject) -> retry(ttl) -> work: a rejected entry sits in the cycle.
  MessageRef retry =
      MakeDeadLetter(*rejected, "retry", DeathReason::kExpired, kT0, "x", std::nullopt);
  EXPECT_FALSE(IsDeadLetterCycle(*retry, DeathReason::kExpired, "a"));
}

}  // namespace
}  // namespace warren::internal
