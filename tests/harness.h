// A small arrange/act/assert harness over the public API, so broker tests
// read like the rule they check. Every harness checks the accounting
// invariants when the test ends.
#ifndef WARREN_TESTS_HARNESS_H_
#define WARREN_TESTS_HARNESS_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "warren/testing/matchers.h"
#include "warren/warren.h"

namespace warren::testing {

inline FieldValue I(int64_t v) { return FieldValue::SignedInt(static_cast<int32_t>(v)); }
inline FieldValue L(int64_t v) { return FieldValue::Long(v); }
inline FieldValue S(std::string_view v) { return FieldValue::String(v); }
inline FieldValue B(bool v) { return FieldValue::Bool(v); }

// What a recording consumer does with each delivery.
enum class OnDelivery {
  kAck,
  kHold,
  kRequeue,      // reject requeue=true, every time
  kRequeueOnce,  // reject requeue=true unless redelivered, then ack
  kReject,       // reject requeue=false
};

struct Recorder {
  std::vector<Delivery> deliveries;
  std::vector<std::string> Bodies() const {
    std::vector<std::string> out;
    for (const Delivery& d : deliveries) out.emplace_back(d.body());
    return out;
  }
};

class BrokerHarness {
 public:
  explicit BrokerHarness(SimulationOptions options = {})
      : sim(options), conn(sim.Connect("test")), ch(*conn.OpenChannel()) {}
  ~BrokerHarness() { EXPECT_THAT(sim.CheckInvariants(), IsOk()); }

  void DeclareExchange(std::string_view name, std::string_view type = "direct",
                       FieldTable args = {}) {
    ASSERT_THAT(ch.ExchangeDeclare(name, {.type = std::string(type), .arguments = args}),
                IsOk());
  }
  void DeclareQueue(std::string_view name, FieldTable args = {}, bool durable = false) {
    ASSERT_THAT(ch.QueueDeclare(name, {.durable = durable, .arguments = std::move(args)}),
                IsOk());
  }
  // The smallest dead-letter setup: `queue` (with `args`) dead-letters
  // through the default exchange straight to `dlq`; both are declared.
  void DeclareQueueDeadLetteringTo(std::string_view queue, std::string_view dlq,
                                   FieldTable args = {}) {
    DeclareQueue(dlq);
    args.Set("x-dead-letter-exchange", S(""));
    args.Set("x-dead-letter-routing-key", S(dlq));
    DeclareQueue(queue, std::move(args));
  }
  void Bind(std::string_view queue, std::string_view exchange, std::string_view key = "",
            FieldTable args = {}) {
    ASSERT_THAT(ch.QueueBind(queue, exchange, key, args), IsOk());
  }
  MessageId Publish(std::string_view exchange, std::string_view key, std::string_view body,
                    BasicProperties props = {}) {
    auto r = ch.BasicPublish({.exchange = std::string(exchange),
                              .routing_key = std::string(key),
                              .properties = std::move(props),
                              .body = std::string(body)});
    EXPECT_THAT(r, IsOk());
    return r.ok() ? r->message : MessageId{};
  }
  // Publishes to the default exchange, i.e. straight to `queue`.
  MessageId Send(std::string_view queue, std::string_view body, BasicProperties props = {}) {
    return Publish("", queue, body, std::move(props));
  }

  // A consumer on `channel` (default: the harness channel) that records
  // every delivery and then acts on it.
  Recorder& Consume(std::string_view queue, OnDelivery action, Channel* channel = nullptr,
                    ConsumeOptions options = {}) {
    Channel c = channel ? *channel : ch;
    recorders_.push_back(std::make_unique<Recorder>());
    Recorder* rec = recorders_.back().get();
    auto tag = c.BasicConsume(
        queue,
        [rec, c, action](const Delivery& d) mutable {
          rec->deliveries.push_back(d);
          switch (action) {
            case OnDelivery::kAck: EXPECT_THAT(c.BasicAck(d.delivery_tag), IsOk()); break;
            case OnDelivery::kRequeue: EXPECT_THAT(c.BasicReject(d.delivery_tag, true), IsOk()); break;
            case OnDelivery::kReject: EXPECT_THAT(c.BasicReject(d.delivery_tag, false), IsOk()); break;
            case OnDelivery::kRequeueOnce:
              EXPECT_THAT(d.redelivered ? c.BasicAck(d.delivery_tag)
                                        : c.BasicReject(d.delivery_tag, true),
                          IsOk());
              break;
            case OnDelivery::kHold: break;
          }
        },
        options);
    EXPECT_THAT(tag, IsOk());
    return *rec;
  }

  // All runs are bounded so that a livelock fails the test instead of
  // hanging it.
  static constexpr int64_t kMaxEvents = 200000;
  void RunFor(absl::Duration d) { ASSERT_THAT(sim.RunFor(d, kMaxEvents), IsOk()); }
  // Runs everything until no event is pending.
  void Settle() { ASSERT_THAT(sim.RunUntilIdle(kMaxEvents), IsOk()); }
  // Runs only what is due at the current instant (deliveries, callbacks).
  void Flush() { RunFor(absl::ZeroDuration()); }

  // 0 for a queue that does not exist (rules about deleted queues read so).
  uint64_t Ready(std::string_view q) const {
    auto info = sim.Queue(q);
    return info.ok() ? info->ready : 0;
  }
  uint64_t Unacked(std::string_view q) const {
    auto info = sim.Queue(q);
    return info.ok() ? info->unacked : 0;
  }
  bool Exists(std::string_view q) const { return sim.Queue(q).ok(); }
  // The ready bodies, head first; a queue that does not exist fails the test.
  std::vector<std::string> Bodies(std::string_view q) const {
    std::vector<std::string> out;
    absl::StatusOr<std::vector<QueuedMessage>> messages = sim.Messages(q);
    EXPECT_THAT(messages, IsOk());
    if (!messages.ok()) return out;
    for (const QueuedMessage& m : *messages) out.emplace_back(m.body());
    return out;
  }
  Channel NewChannel() { return *conn.OpenChannel(); }
  // basic.get on the harness channel: the next ready message of `queue`, or
  // nullopt when it is empty (a failed get fails the test).
  std::optional<Delivery> Get(std::string_view queue, bool no_ack = true) {
    absl::StatusOr<std::optional<Delivery>> got = ch.BasicGet(queue, no_ack);
    EXPECT_THAT(got, IsOk());
    return got.ok() ? *std::move(got) : std::nullopt;
  }

  Simulation sim;
  Connection conn;
  Channel ch;

 private:
  std::vector<std::unique_ptr<Recorder>> recorders_;
};

inline BasicProperties Expiring(std::string ms) {
  BasicProperties p;
  p.expiration = std::move(ms);
  return p;
}

inline BasicProperties WithHeaders(FieldTable headers) {
  BasicProperties p;
  p.headers = std::move(headers);
  return p;
}

}  // namespace warren::testing

#endif  // WARREN_TESTS_HARNESS_H_
