// Builds a run's RunFigures from its trace as it streams: one state per live
// queue copy (ready or unacked, and in which queue), one record per message
// that belongs to a group. Celery task figures come from the app's events at
// the end.
#ifndef WARREN_SIM_SCENARIO_FIGURES_COLLECTOR_H_
#define WARREN_SIM_SCENARIO_FIGURES_COLLECTOR_H_

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
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
  struct Depth {
    uint64_t ready = 0, unacked = 0, peak_ready = 0, peak_unacked = 0;
    double area_ready = 0, area_unacked = 0;  // depth x seconds
    absl::Time since;
  };
  struct Copy {
    Depth* queue;
    uint64_t message;
    uint64_t root;  // 0: its message is in no group
    absl::Time enqueued;
    int deliveries = 0;
    bool unacked = false;
  };
  // A group's message, followed through its hops and republishes.
  struct Root {
    uint32_t group = 0;
    absl::Time published;
    absl::Time settled;                   // the latest outcome's time
    std::map<std::string, int> outcomes;  // of its copies and drops
    bool in_flight = false;               // a copy is unacked at the end
    uint64_t deliveries = 0, redeliveries = 0;
  };

  void Attach(uint64_t message, uint64_t root);
  void Settle(Root& r, const std::string& outcome, absl::Time when);
  Depth& QueueDepth(const std::string& name, absl::Time now);
  void Change(Depth& d, absl::Time now, int64_t ready, int64_t unacked);
  void EndCopy(uint64_t copy_id, absl::Time now, const std::string& outcome);
  Root* RootOf(uint64_t message);
  std::vector<MessageGroupFigures> GroupFigures();
  static std::vector<TaskFigures> CeleryFigures(const celery::CeleryApp& app);

  absl::Time start_;
  std::map<std::string, Depth> queues_;  // by name: the output order
  absl::flat_hash_map<uint64_t, Copy> copies_;  // live copies by copy id
  std::vector<std::string> group_names_;
  std::map<std::string, uint32_t> group_index_;
  absl::flat_hash_map<uint64_t, uint64_t> root_of_;  // message id -> root message id
  absl::flat_hash_map<uint64_t, Root> roots_;
  // Messages a client republished: their ack is not an outcome, the
  // republish's outcome is.
  absl::flat_hash_set<uint64_t> republished_;
  std::vector<uint64_t> root_order_;  // publish order
  // The message being published: its copies and drops come before the
  // caller learns its id and calls AddToGroup or Link.
  absl::Time published_at_;
  uint64_t pending_message_ = 0;
  std::vector<uint64_t> pending_copies_;
  std::vector<std::pair<std::string, absl::Time>> pending_drops_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_FIGURES_COLLECTOR_H_
