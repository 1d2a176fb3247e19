// A random broker workload over the public API, driven by any source of
// choices: a seeded generator (the random-load sweep) or fuzzer bytes (the
// broker-operations fuzzer). It mixes declares with random arguments and
// policies, publishes with random properties, consumers that ack / nack /
// reject / requeue / close, basic.get, TTLs, max-lengths, DLX chains and
// cycles, prefetch changes (per consumer and channel-wide), consumer
// cancels, consumer priorities, single-active-consumer queues and
// virtual-time jumps, and after every step checks:
//   - Simulation::CheckInvariants (ledger vs queues vs channels, bytes, TTL
//     timers, stale consumers, prefetch never exceeded, no ready message
//     beside a consumer with room);
//   - what clients see: a copy is delivered at most once without
//     redelivered=true (checked for copies never dead-lettered);
//   - virtual time never goes back.
// No gtest here, so fuzzers can use it; violations come back as Status.
#ifndef WARREN_TESTS_RELIABILITY_LOAD_DRIVER_H_
#define WARREN_TESTS_RELIABILITY_LOAD_DRIVER_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "warren/warren.h"

namespace warren::testing {

class LoadDriver {
 public:
  // `next` yields the driver's choices; the driver reduces them modulo n.
  LoadDriver(std::function<uint64_t()> next, SimulationOptions options);

  // One random operation, then every check. The first violation is returned
  // (and sticks: later calls return it too).
  absl::Status Step();
  // Lets the simulation run on (bounded) and checks once more.
  absl::Status Finish();

  Simulation& sim() { return sim_; }
  int steps() const { return steps_; }
  // A run hit the event bound (livelock) or the seed made too many copies:
  // callers stop stepping.
  bool exhausted() const { return exhausted_ || sim_.counters().copies_enqueued > kMaxCopies; }
  // Copies after which a seed stops: a multiplying dead-letter cycle must
  // not eat the machine.
  static constexpr uint64_t kMaxCopies = 200000;

 private:
  int Pick(int n) { return static_cast<int>(next_() % static_cast<uint64_t>(n)); }
  bool Coin(int percent) { return Pick(100) < percent; }
  std::string QueueName() { return "q" + std::to_string(Pick(6)); }
  FieldTable RandomQueueArgs();
  Channel& SomeChannel();
  void Consume(Channel ch);
  void Operate();
  void Observe(const Delivery& d);
  absl::Status Check();

  std::function<uint64_t()> next_;
  Simulation sim_;
  std::optional<Connection> conn_;
  std::vector<Channel> channels_;
  std::vector<std::pair<Channel, std::string>> consumers_;  // cancel candidates
  int steps_ = 0;
  bool exhausted_ = false;
  absl::Time last_now_;
  std::set<std::string> seen_;  // queue + id of delivered original copies
  absl::Status violation_;
};

}  // namespace warren::testing

#endif  // WARREN_TESTS_RELIABILITY_LOAD_DRIVER_H_
