// Seeded random load: a driver mixes broker operations (declares with
// random arguments and policies, publishes with random properties,
// consumers that ack / nack / reject / requeue / close, TTLs, max-lengths,
// DLX chains and cycles, virtual-time jumps) and checks after every step
// that the accounting balances and that prefetch limits hold. A failure
// prints the seed and step; rerun one seed with WARREN_SEED=<n>.
// CheckInvariants covers: ledger balance against queues and channels, byte
// counts, TTL timers armed for the head, no stale consumers, no unacked on
// closed channels, and no consumer holding more than its prefetch.
#include <cstdio>
#include <cstdlib>
#include <random>

#include "harness.h"

namespace warren::testing {
namespace {

class Driver {
 public:
  explicit Driver(uint64_t seed) : rng_(seed), h_({.seed = seed, .trace = false}) {}

  void Run(int steps) {
    Setup();
    for (step_ = 0; step_ < steps; ++step_) {
      Step();
      absl::Status inv = h_.sim.CheckInvariants();
      ASSERT_TRUE(inv.ok()) << "step " << step_ << ": " << inv;
      if (::testing::Test::HasFatalFailure()) return;
      // Dead-letter loops through CC keys or fanouts multiply messages
      // (as they would on RabbitMQ); stop such a seed before it eats the
      // machine. The invariants held up to here.
      if (h_.sim.counters().copies_enqueued > 200000) break;
    }
    const Counters& c = h_.sim.counters();
    if (std::getenv("WARREN_SEED") != nullptr) std::printf("seed run: %d steps, %llu published, %llu copies, %llu dead-lettered, %llu dropped\n",
                step_, (unsigned long long)c.published, (unsigned long long)c.copies_enqueued,
                (unsigned long long)c.dead_lettered, (unsigned long long)c.dropped);
    absl::Status s = h_.sim.RunFor(absl::Minutes(10), 20000);
    // A requeue spin may legitimately exhaust the bound; anything else is a bug.
    if (!s.ok()) ASSERT_EQ(s.code(), absl::StatusCode::kResourceExhausted) << s;
    ASSERT_THAT(h_.sim.CheckInvariants(), IsOk());
  }

 private:
  int Pick(int n) { return static_cast<int>(rng_() % static_cast<uint64_t>(n)); }
  bool Coin(int percent) { return Pick(100) < percent; }
  std::string QueueName() { return "q" + std::to_string(Pick(6)); }

  FieldTable RandomQueueArgs() {
    FieldTable t;
    if (Coin(40)) t.Set("x-message-ttl", I(Pick(3) * 500));
    if (Coin(30)) t.Set("x-max-length", I(Pick(4)));
    if (Coin(20)) t.Set("x-overflow", S(Pick(2) ? "reject-publish" : "reject-publish-dlx"));
    if (Coin(50)) {
      t.Set("x-dead-letter-exchange", S(Coin(50) ? "" : "dlx"));
      t.Set("x-dead-letter-routing-key", S(QueueName()));
    }
    if (Coin(15)) t.Set("x-max-priority", I(3));
    return t;
  }

  void Setup() {
    h_.DeclareExchange("dlx", "direct");
    h_.DeclareExchange("fan", "fanout");
    h_.DeclareExchange("topic", "topic");
  }

  Channel& SomeChannel() {
    // Errors close channels (and connections) all the time here: keep a few open.
    std::erase_if(channels_, [](const Channel& c) { return !c.is_open(); });
    if (channels_.size() < 2 || Coin(10)) {
      if (!conn_ || !conn_->is_open() || Coin(10)) conn_ = h_.sim.Connect("c" + std::to_string(step_));
      absl::StatusOr<Channel> ch = conn_->OpenChannel();
      if (!ch.ok()) {
        conn_ = h_.sim.Connect("c" + std::to_string(step_));
        ch = conn_->OpenChannel();
      }
      if (ch.ok()) {
        channels_.push_back(*ch);
        (void)channels_.back().BasicQos({.prefetch_count = static_cast<uint16_t>(Pick(4))});
      }
    }
    return channels_[Pick(static_cast<int>(channels_.size()))];
  }

  void Consume(Channel ch) {
    int mode = Pick(5);
    (void)ch.BasicConsume(QueueName(), [this, ch, mode](const Delivery& d) mutable {
      switch (mode) {
        case 0: (void)ch.BasicAck(d.delivery_tag); break;
        case 1: (void)ch.BasicReject(d.delivery_tag, !d.redelivered); break;
        case 2: (void)ch.BasicNack(d.delivery_tag, Coin(50), false); break;
        case 3: if (Coin(30)) (void)ch.Close(); break;
        default: break;  // hold
      }
    }, {.no_ack = Coin(10)});
  }

  void Step() {
    Channel ch = SomeChannel();
    switch (Pick(12)) {
      case 0:
      case 1: (void)ch.QueueDeclare(QueueName(), {.arguments = RandomQueueArgs()}); break;
      case 2: (void)ch.QueueBind(QueueName(), Pick(2) ? "fan" : "dlx", QueueName()); break;
      case 3: Consume(ch); break;
      case 4:
      case 5:
      case 6: {
        BasicProperties p;
        if (Coin(30)) p.expiration = std::to_string(Pick(3) * 700);
        if (Coin(20)) p.priority = Pick(5);
        if (Coin(10)) p.headers = FieldTable{{"CC", FieldValue::Array({S(QueueName())})}};
        const char* x[] = {"", "fan", "dlx", "topic"};
        (void)ch.BasicPublish({.exchange = x[Pick(4)], .routing_key = QueueName(),
                               .properties = p, .body = std::string(Pick(8), 'x'),
                               .mandatory = Coin(20)});
        break;
      }
      case 7: {
        absl::StatusOr<std::optional<Delivery>> got = ch.BasicGet(QueueName(), Coin(20));
        if (got.ok() && got->has_value() && Coin(50)) {
          (void)ch.BasicReject((**got).delivery_tag, Coin(50));
        }
        break;
      }
      case 8: (void)h_.sim.RunFor(absl::Milliseconds(Pick(3000)), 5000); break;
      case 9:
        if (Coin(50)) {
          (void)h_.sim.SetPolicy({.name = "p", .pattern = "^q[0-2]$",
                                  .definition = {{"max-length", I(Pick(3))},
                                                 {"dead-letter-exchange", S("dlx")}}});
        } else {
          (void)h_.sim.ClearPolicy("p");
        }
        break;
      case 10: if (Coin(20)) (void)ch.QueueDelete(QueueName()); else (void)ch.QueuePurge(QueueName()); break;
      default: if (Coin(20)) (void)ch.Close(); else (void)ch.BasicRecover(true); break;
    }
  }


  std::mt19937_64 rng_;
  BrokerHarness h_;
  std::optional<Connection> conn_;
  std::vector<Channel> channels_;
  int step_ = 0;
};

TEST(RandomLoad, AccountingBalancesAfterEveryStepAcrossSeeds) {
  const char* env = std::getenv("WARREN_SEED");
  std::vector<uint64_t> seeds;
  if (env != nullptr) {
    seeds.push_back(std::strtoull(env, nullptr, 10));
  } else {
    // WARREN_SWEEP_SEEDS widens the sweep (the "long" ctest label uses it).
    const char* n = std::getenv("WARREN_SWEEP_SEEDS");
    uint64_t count = n ? std::strtoull(n, nullptr, 10) : 40;
    for (uint64_t s = 1; s <= count; ++s) seeds.push_back(s);
  }
  for (uint64_t seed : seeds) {
    SCOPED_TRACE(::testing::Message() << "reproduce with WARREN_SEED=" << seed);
    Driver(seed).Run(1000);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace warren::testing
