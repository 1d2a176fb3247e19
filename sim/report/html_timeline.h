// What the HTML report draws, gathered from a run's trace as it streams:
// one lane per message (the first `max_lanes` published; the rest are
// counted and appear in the depth plots and figures), each a list of
// segments (ready or unacked in a queue) and marks (published, delivered,
// acked, rejected, expired, dead-lettered with its x-death entry, dropped);
// per queue its depth over virtual time; the Celery event feed. Memory is
// bounded: lanes and feed are capped, depth series are halved when long.
#ifndef WARREN_SIM_REPORT_HTML_TIMELINE_H_
#define WARREN_SIM_REPORT_HTML_TIMELINE_H_

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "warren/trace.h"

namespace warren::report {

struct LaneSegment {
  std::string queue;
  bool unacked = false;
  int64_t from_ms = 0;
  int64_t to_ms = -1;  // -1: still there at the end
};

struct LaneMark {
  int64_t at_ms = 0;
  std::string kind;  // a trace kind name
  std::string text;  // shown on hover
};

struct Lane {
  uint64_t message = 0;
  std::string title;  // "#3 task_exchange/task"
  std::vector<LaneSegment> segments;
  std::vector<LaneMark> marks;
};

struct DepthPoint {
  int64_t at_ms;
  uint64_t ready, unacked;
};

struct FeedLine {
  int64_t at_ms;
  std::string who, text;
};

class HtmlTimeline {
 public:
  static constexpr size_t kMaxLanes = 200;
  static constexpr size_t kMaxFeed = 1000;
  static constexpr size_t kMaxDepthPoints = 4096;  // per queue, before halving

  explicit HtmlTimeline(absl::Time start) : start_(start) {}
  void OnEvent(const TraceEvent& e);

  const std::vector<Lane>& lanes() const { return lanes_; }
  uint64_t messages() const { return messages_; }  // published, lanes or not
  struct QueueSeries {
    uint64_t ready = 0, unacked = 0;
    std::vector<DepthPoint> points;
  };
  const std::map<std::string, QueueSeries>& depths() const { return queues_; }
  const std::vector<FeedLine>& feed() const { return feed_; }
  uint64_t feed_dropped() const { return feed_dropped_; }
  int64_t last_ms() const { return last_ms_; }

 private:
  struct Copy {
    const std::string* queue_name = nullptr;  // key in queues_
    QueueSeries* queue = nullptr;
    bool unacked = false;
    int lane = -1;     // index into lanes_, -1: no lane
    int segment = -1;  // its open segment in that lane
  };
  int64_t Ms(absl::Time t) const { return absl::ToInt64Milliseconds(t - start_); }
  void Depth(QueueSeries& q, int64_t at, int64_t ready, int64_t unacked);
  void Open(Copy& c, int64_t at);
  void Close(Copy& c, int64_t at);
  void Mark(uint64_t message, int64_t at, const TraceEvent& e, std::string text);

  absl::Time start_;
  int64_t last_ms_ = 0;
  uint64_t messages_ = 0;
  std::vector<Lane> lanes_;
  absl::flat_hash_map<uint64_t, int> lane_of_;  // message id -> lane
  absl::flat_hash_map<uint64_t, Copy> copies_;  // live copies
  std::map<std::string, QueueSeries> queues_;  // by name
  // x-death counts as RabbitMQ 3.10 keeps them: per message, queue, reason.
  std::map<std::tuple<uint64_t, std::string, std::string>, int> deaths_;
  std::vector<FeedLine> feed_;
  uint64_t feed_dropped_ = 0;
};

}  // namespace warren::report

#endif  // WARREN_SIM_REPORT_HTML_TIMELINE_H_
