// Replays a trace into a fresh accounting model: every copy-level event
// moves one copy (by its copy id) through ready -> unacked -> settled, and
// message-level events count publishes, returns, confirms and whole-message
// drops. The resulting counters must equal the simulation's own ledger:
// the trace is then a complete record of where every message went.
// Illegal transitions (a delivery of a copy that is not ready, an ack of one
// that is not unacked, a copy enqueued twice) are errors.
#ifndef WARREN_TESTS_RELIABILITY_TRACE_REPLAY_H_
#define WARREN_TESTS_RELIABILITY_TRACE_REPLAY_H_

#include <vector>

#include "absl/status/statusor.h"
#include "warren/inspect.h"
#include "warren/trace.h"

namespace warren::testing {

absl::StatusOr<Counters> ReplayTrace(const TraceEvents& trace);

// OK when every counter agrees; else names the first that differs.
absl::Status SameCounters(const Counters& replayed, const Counters& ledger);

}  // namespace warren::testing

#endif  // WARREN_TESTS_RELIABILITY_TRACE_REPLAY_H_
