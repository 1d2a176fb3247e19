// Spec section 7: publisher confirms.
#include "harness.h"

namespace warren::testing {
namespace {

class Confirms : public ::testing::Test {
 protected:
  void SetUp() override {
    h.ch.OnConfirm([this](const Confirm& c) {
      events.push_back(std::string(c.ack ? "ack " : "nack ") + std::to_string(c.delivery_tag));
    });
    h.ch.OnReturn([this](const Return& r) { events.push_back("return " + r.routing_key); });
    ASSERT_THAT(h.ch.ConfirmSelect(), IsOk());
  }
  BrokerHarness h;
  std::vector<std::string> events;
};

TEST_F(Confirms, SequenceNumbersStartAtOneAndEachIsConfirmedOnce) {
  h.DeclareQueue("q");
  for (int i = 0; i < 3; ++i) h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(events, (std::vector<std::string>{"ack 1", "ack 2", "ack 3"}));
  EXPECT_EQ(h.sim.counters().confirms_acked, 3u);
}

TEST_F(Confirms, AnUnroutableMandatoryMessageIsReturnedBeforeItsAck) {
  ASSERT_THAT(h.ch.BasicPublish({.routing_key = "nowhere", .mandatory = true}), IsOk());
  h.Settle();
  EXPECT_EQ(events, (std::vector<std::string>{"return nowhere", "ack 1"}));
}

TEST_F(Confirms, AnyRejectingQueueMeansNackEvenIfAnotherQueueKeptTheMessage) {
  h.DeclareExchange("fan", "fanout");
  h.DeclareQueue("ok");
  h.DeclareQueue("full", {{"x-max-length", I(0)}, {"x-overflow", S("reject-publish")}});
  h.Bind("ok", "fan");
  h.Bind("full", "fan");
  h.Publish("fan", "", "m");
  h.Settle();
  EXPECT_EQ(events, (std::vector<std::string>{"nack 1"}));
  EXPECT_EQ(h.Ready("ok"), 1u);
}

TEST_F(Confirms, DropHeadAcksEvenWhenTheMessageIsDroppedAtOnce) {
  h.DeclareQueue("q", {{"x-max-length", I(0)}});
  MessageId id = h.Send("q", "m");
  h.Settle();
  EXPECT_EQ(events, (std::vector<std::string>{"ack 1"}));
  EXPECT_EQ(h.sim.Fate(id).copies[0].state, CopyState::kDropped);
}

}  // namespace
}  // namespace warren::testing
