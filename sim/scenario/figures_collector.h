// Builds a run's RunFigures from its trace as it streams: one state per live
// queue copy (ready or unacked, and in which queue), one record per message
// that belongs to a group. Celery task figures come from the app's events at
// the end.
#ifndef WARREN_SIM_SCENARIO_FIGURES_COLLECTOR_H_
#define WARREN_SIM_SCENARIO_FIGURES_COLLECTOR_H_

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/time/time.h"
#include "warren/celery.h"
#include "warren/figures.h"
#include "warren/trace.h"

namespace warren::internal {

class FiguresCollector {
 public:
  void Start(absl::Time start) { start_ = start; }
  // `message` was published by a publish step of `group`.
  void AddToGroup(MessageId message, const std::string& group);
  // `child` is a republish of `parent` (a scripted client's republish rule):
  // it counts as the parent's message from here on.
  void Link(MessageId child, MessageId parent);
  void OnEvent(const TraceEvent& e);
  // `celery` may be null.
  RunFigures Finish(absl::Time end, const celery::CeleryApp* celery);

  // Copies alive now per queue, for checking against the broker's counts.
  uint64_t ReadyIn(const std::string& queue) const;
  uint64_t UnackedIn(const std::string& queue) const;

 private:
  static constexpr uint32_t kNone = UINT32_MAX;  // no root / no outcome
  struct Depth {
    uint64_t ready = 0, unacked = 0, peak_ready = 0, peak_unacked = 0;
    double area_ready = 0, area_unacked = 0;  // depth x seconds
    absl::Time since;
  };
  struct Copy {
    Depth* queue;
    uint64_t message;
    uint32_t root;  // index into roots_, kNone: its message is in no group
    uint32_t deliveries = 0;
    absl::Time enqueued;
    bool unacked = false;
  };
  // A group's message, followed through its hops and republishes.
  struct Root {
    uint32_t group = 0;
    bool in_flight = false;  // a copy is unacked at the end
    uint32_t deliveries = 0, redeliveries = 0;
    absl::Time published;
    absl::Time settled;  // the latest outcome's time
    absl::InlinedVector<uint32_t, 2> outcomes;  // interned, sorted, distinct
  };

  void Attach(uint64_t message, uint32_t root);
  uint32_t Outcome(std::string_view text);
  void Settle(Root& r, uint32_t outcome, absl::Time when);
  Depth& QueueDepth(const std::string& name, absl::Time now);
  void Change(Depth& d, absl::Time now, int64_t ready, int64_t unacked);
  void EndCopy(uint64_t copy_id, absl::Time now, uint32_t outcome);
  uint32_t RootOf(uint64_t message) const;
  std::vector<MessageGroupFigures> GroupFigures();
  static std::vector<TaskFigures> CeleryFigures(const celery::CeleryApp& app);

  absl::Time start_;
  std::map<std::string, Depth> queues_;  // by name: the output order
  absl::flat_hash_map<uint64_t, Copy> copies_;  // live copies by copy id
  std::vector<std::string> group_names_;
  std::map<std::string, uint32_t> group_index_;
  std::vector<std::string> outcome_names_;
  absl::flat_hash_map<std::string, uint32_t> outcome_index_;
  uint32_t acked_ = Outcome("acked");
  // Message id -> root index (kNone: in no group). Message ids are dense
  // (1, 2, 3, ... in publish order): 4 bytes per message published.
  std::vector<uint32_t> root_of_;
  std::vector<Root> roots_;  // in publish order
  // Messages a client republished: their ack is not an outcome, the
  // republish's outcome is.
  absl::flat_hash_set<uint64_t> republished_;
  // The message being published: its copies and drops come before the
  // caller learns its id and calls AddToGroup or Link.
  absl::Time published_at_;
  uint64_t pending_message_ = 0;
  std::vector<uint64_t> pending_copies_;
  std::vector<std::pair<uint32_t, absl::Time>> pending_drops_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_FIGURES_COLLECTOR_H_
