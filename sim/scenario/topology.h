// The world before t = 0: a scenario's exchanges, queues, bindings and
// policies, declared in file order. Shared by the runner and the loader,
// which declares the topology on a scratch Simulation so that a topology
// RabbitMQ would refuse is a load error naming the JSON pointer.
#ifndef WARREN_SIM_SCENARIO_TOPOLOGY_H_
#define WARREN_SIM_SCENARIO_TOPOLOGY_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "warren/channel.h"
#include "warren/scenario.h"
#include "warren/simulation.h"

namespace warren::internal {

// queue.bind / exchange.bind, or the unbind counterparts.
absl::Status Bind(Channel& ch, const ScenarioBinding& b, bool bind);

// Declares everything on `admin`; the first refusal comes back as
// "<json pointer>: <reply>", e.g. "/queues/0: 406 PRECONDITION_FAILED - ...".
// Server-named queues ("name": "", "as": alias) are recorded in `aliases`
// (alias -> generated name), and bindings to an alias use that name.
absl::Status DeclareTopology(Simulation& sim, Channel& admin, const ScenarioSpec& spec,
                             std::map<std::string, std::string>& aliases);

// `name` as the broker knows it: the generated name for an alias.
const std::string& ResolveQueue(const std::map<std::string, std::string>& aliases,
                                const std::string& name);

// DeclareTopology on a scratch Simulation, for the loader: the error reads
// "/queues/0: expected a declaration RabbitMQ accepts, got 406 ...".
absl::Status CheckTopology(const ScenarioSpec& spec);

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_TOPOLOGY_H_
