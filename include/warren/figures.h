// Figures of a scenario run, in virtual time: how deep each queue got, how
// long messages and Celery tasks took to settle, how often they were
// delivered. What a user compares between two retry configurations ("time to
// DLQ p99 14.0 s vs 62.0 s"). Computed from the trace as the run goes, so
// memory grows with the messages published, not with the events.
#ifndef WARREN_INCLUDE_WARREN_FIGURES_H_
#define WARREN_INCLUDE_WARREN_FIGURES_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace warren {

// Nearest-rank percentiles of a set of durations (all zero when count == 0).
struct DurationSummary {
  uint64_t count = 0;
  absl::Duration p50, p90, p99, max;
};
DurationSummary Summarize(std::vector<absl::Duration> samples);

// One queue over the run (from the run's start to its end). A queue deleted
// and declared again under the same name is one row.
struct QueueFigures {
  std::string queue;
  uint64_t peak_ready = 0;
  uint64_t peak_unacked = 0;
  double mean_ready = 0;  // time-weighted
  double mean_unacked = 0;
};

// The messages of one group: the timeline's publish steps with that `label`
// (or, unlabelled, the step's JSON pointer), each followed through its
// dead-letter hops and the republishes scripted clients make of it.
//
// A message's outcome, at the end of the run, names where its copies went:
// "acked", "in queue dlq", "unacked", "dropped: maxlen", or several joined
// by " + " for a fanned-out message. Its latency runs from its publish to the
// last event that gave it that outcome (the last ack, the enqueue into the
// queue it stays in, the drop); a message with a copy still unacked or in
// flight has none.
struct MessageGroupFigures {
  std::string group;
  uint64_t messages = 0;
  DurationSummary latency;  // over the messages that settled
  uint64_t deliveries = 0;     // all copies and hops, republishes included
  uint64_t redeliveries = 0;   // deliveries of a copy delivered before
  std::map<std::string, uint64_t> outcomes;
};

// The tasks of one Celery task name: latency from task-sent to the task's
// last terminal event (succeeded, failed, rejected, revoked); tasks not
// finished by the end (PENDING, RETRY, STARTED) have none.
struct TaskFigures {
  std::string task;
  uint64_t tasks = 0;
  DurationSummary latency;
  uint64_t retries = 0;      // task-retried events, all tasks
  int max_retries = 0;       // most of any one task
  std::map<std::string, uint64_t> outcomes;  // final state -> tasks
};

struct RunFigures {
  absl::Duration span;  // the run's virtual duration
  std::vector<QueueFigures> queues;          // by name
  std::vector<MessageGroupFigures> messages;  // by group
  std::vector<TaskFigures> tasks;             // by task name
};

// The figures as text lines (a "figures" block of `warren run`).
std::vector<std::string> FormatFigures(const RunFigures& figures);
// "14.000s", "250ms": how the text, JSON and report write durations.
std::string FormatSeconds(absl::Duration d);

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_FIGURES_H_
