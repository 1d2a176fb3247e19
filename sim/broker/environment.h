// What every model in one Simulation shares: virtual time (the scheduler),
// the single seeded random source, and the trace. The Simulation owns one
// Environment and hands it to its broker, so a further model on the same
// clock (a second broker kind, a fault explorer, a client's timers) takes
// the same three and its events interleave on one timeline and one trace.
#ifndef WARREN_SIM_BROKER_ENVIRONMENT_H_
#define WARREN_SIM_BROKER_ENVIRONMENT_H_

#include "sim/core/random.h"
#include "sim/core/scheduler.h"
#include "sim/trace/tracer.h"
#include "warren/options.h"

namespace warren::internal {

struct Environment {
  explicit Environment(const SimulationOptions& o)
      : scheduler(o.start),
        random(o.seed),
        tracer(o.trace, o.trace_kept_events, o.trace_sink) {}
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  Scheduler scheduler;
  Random random;
  Tracer tracer;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_ENVIRONMENT_H_
