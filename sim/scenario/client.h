// A scripted AMQP consumer for scenarios: a client of the public API, like
// any embedder. For each delivery the first matching rule decides.
#ifndef WARREN_SIM_SCENARIO_CLIENT_H_
#define WARREN_SIM_SCENARIO_CLIENT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "warren/observation.h"
#include "warren/scenario.h"
#include "warren/simulation.h"

namespace warren::internal {

// How many messages (deliveries, returns, drained messages) a run may still
// copy into its Observation; each copy holds a body and decoded properties,
// so an exploding run (copies doubling through a dead-letter fan-out) is
// bounded here, not by the allocator. RunOptions::max_observed_messages.
class ObservationBudget {
 public:
  explicit ObservationBudget(uint64_t limit) : left_(limit) {}
  // True when one more message may be recorded (and counts it).
  bool Take() {
    if (left_ == 0) {
      exhausted_ = true;
      return false;
    }
    --left_;
    return true;
  }
  bool exhausted() const { return exhausted_; }

 private:
  uint64_t left_;
  bool exhausted_ = false;
};

class ScriptedClient {
 public:
  // Broker-initiated cancels/closes are recorded in `seen`, and deliveries
  // too, while `budget` allows, when `record_deliveries`.
  ScriptedClient(Simulation& sim, const ScenarioClient& spec, Observation& seen,
                 bool record_deliveries, ObservationBudget& budget)
      : sim_(sim),
        spec_(spec),
        seen_(seen),
        record_deliveries_(record_deliveries),
        budget_(budget) {}
  const std::string& name() const { return spec_.name; }
  // Connects, sets prefetch and consumes. Effective at the current instant.
  absl::Status Start();
  // The connection drops: RabbitMQ requeues everything unacked.
  absl::Status Stop();
  // Called with each republish this client makes: (new message, original).
  void OnRepublish(std::function<void(MessageId, MessageId)> fn) { on_republish_ = std::move(fn); }
  // Null before Start() opened them.
  const Channel* channel() const { return ch_ ? &*ch_ : nullptr; }
  const Connection* connection() const { return conn_ ? &*conn_ : nullptr; }

 private:
  void OnDelivery(const Delivery& d);
  const ClientRule* Choose(const Delivery& d, int attempt) const;
  void Act(const ClientRule& rule, const Delivery& d);

  Simulation& sim_;
  ScenarioClient spec_;  // a copy: the runner resolves its queue name
  Observation& seen_;
  bool record_deliveries_;
  ObservationBudget& budget_;
  std::optional<Connection> conn_;
  std::optional<Channel> ch_;
  std::map<uint64_t, int> attempts_;  // message id -> deliveries seen
  std::function<void(MessageId, MessageId)> on_republish_;
};

// A delivery, get-ok or return as the client sees it on the wire.
ObservedMessage Observe(const Delivery& d);

// Sum of x-death counts, of entries for `queue` only if given.
int64_t XDeathCount(const BasicProperties& p, const std::optional<std::string>& queue);

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_CLIENT_H_
