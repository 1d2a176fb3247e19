// Checking scenario expectations against a live Simulation.
#ifndef WARREN_SIM_SCENARIO_EXPECTATIONS_H_
#define WARREN_SIM_SCENARIO_EXPECTATIONS_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "warren/celery.h"
#include "warren/observation.h"
#include "warren/scenario.h"
#include "warren/simulation.h"

namespace warren::internal {

// What a run knows besides the Simulation: publish labels, apply_async
// labels and the Celery app (if the scenario has one).
struct RunContext {
  std::map<std::string, std::vector<MessageId>> labels;
  std::map<std::string, std::string> task_ids;  // apply_async label -> task id
  const celery::CeleryApp* celery = nullptr;
  absl::Time start;  // the run's start (x-death time_s counts from it)
  // What the clients saw (deliveries of the clients "client" expectations
  // name are recorded even when the run is not observed).
  const Observation* observation = nullptr;
  // Publish instants by MessageId::value, kept only when an expectation
  // uses header_ms_after_publish (NeedsPublishTimes).
  std::map<uint64_t, absl::Time> published_at;
};

// True when an expectation of `spec` needs RunContext::published_at.
bool NeedsPublishTimes(const ScenarioSpec& spec);
// The clients and named channels "client" expectations name.
std::set<std::string> WatchedClients(const ScenarioSpec& spec);

// Each failed part of `e`, as "what: expected X, got Y". Empty: it holds.
std::vector<std::string> CheckExpectation(const Simulation& sim, const Expectation& e,
                                          const RunContext& context);

// rabbitmqctl list_queues name messages messages_unacknowledged, as lines.
std::vector<std::string> QueueTable(const Simulation& sim);

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_EXPECTATIONS_H_
