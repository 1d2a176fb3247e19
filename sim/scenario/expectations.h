// Checking scenario expectations against a live Simulation.
#ifndef WARREN_SIM_SCENARIO_EXPECTATIONS_H_
#define WARREN_SIM_SCENARIO_EXPECTATIONS_H_

#include <map>
#include <string>
#include <vector>

#include "warren/celery.h"
#include "warren/scenario.h"
#include "warren/simulation.h"

namespace warren::internal {

// What a run knows besides the Simulation: publish labels, apply_async
// labels and the Celery app (if the scenario has one).
struct RunContext {
  std::map<std::string, std::vector<MessageId>> labels;
  std::map<std::string, std::string> task_ids;  // apply_async label -> task id
  const celery::CeleryApp* celery = nullptr;
};

// Each failed part of `e`, as "what: expected X, got Y". Empty: it holds.
std::vector<std::string> CheckExpectation(const Simulation& sim, const Expectation& e,
                                          const RunContext& context);

// rabbitmqctl list_queues name messages messages_unacknowledged, as lines.
std::vector<std::string> QueueTable(const Simulation& sim);

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_EXPECTATIONS_H_
