#include "sim/report/html_timeline.h"

#include <algorithm>
#include <utility>

#include "sim/core/strings.h"

namespace warren::report {
namespace {

using internal::Cat;

// "expired -> exchange 'x' routing key 'k'" -> "expired".
std::string DeathReason(const std::string& detail) { return detail.substr(0, detail.find(" -> ")); }

// Halves a long series: each pair of points becomes the later one with the
// pair's larger depths, so peaks survive.
void Halve(std::vector<DepthPoint>& points) {
  std::vector<DepthPoint> out;
  out.reserve(points.size() / 2 + 1);
  for (size_t i = 0; i + 1 < points.size(); i += 2) {
    out.push_back({points[i + 1].at_ms, std::max(points[i].ready, points[i + 1].ready),
                   std::max(points[i].unacked, points[i + 1].unacked)});
  }
  if (points.size() % 2 == 1) out.push_back(points.back());
  points = std::move(out);
}

}  // namespace

void HtmlTimeline::Depth(QueueSeries& q, int64_t at, int64_t ready, int64_t unacked) {
  q.ready += ready;
  q.unacked += unacked;
  std::vector<DepthPoint>& series = q.points;
  if (!series.empty() && series.back().at_ms == at) {
    series.back().ready = q.ready;  // the level from this instant on
    series.back().unacked = q.unacked;
    return;
  }
  series.push_back({at, q.ready, q.unacked});
  if (series.size() > kMaxDepthPoints) Halve(series);
}

void HtmlTimeline::Open(Copy& c, int64_t at) {
  if (c.lane < 0) return;
  Lane& lane = lanes_[c.lane];
  c.segment = static_cast<int>(lane.segments.size());
  lane.segments.push_back({.queue = *c.queue_name, .unacked = c.unacked, .from_ms = at});
}

void HtmlTimeline::Close(Copy& c, int64_t at) {
  if (c.lane < 0 || c.segment < 0) return;
  lanes_[c.lane].segments[c.segment].to_ms = at;
  c.segment = -1;
}

void HtmlTimeline::Mark(uint64_t message, int64_t at, const TraceEvent& e, std::string text) {
  auto it = lane_of_.find(message);
  if (it == lane_of_.end()) return;
  lanes_[it->second].marks.push_back(
      {.at_ms = at, .kind = std::string(TraceKindName(e.kind)), .text = std::move(text)});
}

void HtmlTimeline::OnEvent(const TraceEvent& e) {
  const int64_t at = Ms(e.time);
  last_ms_ = std::max(last_ms_, at);
  const uint64_t m = e.message.value;
  switch (e.kind) {
    case TraceKind::kPublished: {
      ++messages_;
      if (lanes_.size() < kMaxLanes && !lane_of_.contains(m)) {
        lane_of_[m] = static_cast<int>(lanes_.size());
        lanes_.push_back({.message = m,
                          .title = Cat("#", m, " ", e.exchange.empty() ? "(default)" : e.exchange,
                                       "/", e.routing_key)});
      }
      Mark(m, at, e, Cat("published to '", e.exchange, "' key '", e.routing_key, "' by ", e.channel));
      return;
    }
    case TraceKind::kEnqueued: {
      auto lane = lane_of_.find(m);
      auto q = queues_.try_emplace(e.queue).first;
      Copy& c = copies_[e.copy];
      c = {.queue_name = &q->first,
           .queue = &q->second,
           .lane = lane == lane_of_.end() ? -1 : lane->second};
      Open(c, at);
      Depth(*c.queue, at, 1, 0);
      return;
    }
    case TraceKind::kDelivered:
    case TraceKind::kRequeued: {
      auto it = copies_.find(e.copy);
      bool deliver = e.kind == TraceKind::kDelivered;
      if (it == copies_.end() || it->second.unacked == deliver) return;
      Copy& c = it->second;
      Close(c, at);
      c.unacked = deliver;
      Open(c, at);
      Depth(*c.queue, at, deliver ? -1 : 1, deliver ? 1 : -1);
      Mark(m, at, e, Cat(TraceKindName(e.kind), " in ", e.queue, " (", e.channel, ") ", e.detail));
      return;
    }
    case TraceKind::kAcked:
    case TraceKind::kRejected:
    case TraceKind::kExpired:
    case TraceKind::kDeadLettered:
    case TraceKind::kDropped:
    case TraceKind::kUnroutable: {
      std::string text = Cat(TraceKindName(e.kind), e.queue.empty() ? "" : " in ", e.queue, ": ",
                             e.detail);
      if (e.kind == TraceKind::kDeadLettered && lane_of_.contains(m)) {
        // The x-death entry this death writes (RabbitMQ 3.10: one entry per
        // queue and reason, its count raised each time).
        std::string reason = DeathReason(e.detail);
        int count = ++deaths_[{m, e.queue, reason}];
        text = Cat(text, "\nx-death {queue=", e.queue, " reason=", reason, " count=", count, "}");
      }
      if (auto it = copies_.find(e.copy); e.copy != 0 && it != copies_.end()) {
        Close(it->second, at);
        Depth(*it->second.queue, at, it->second.unacked ? 0 : -1, it->second.unacked ? -1 : 0);
        copies_.erase(it);
      }
      Mark(m, at, e, std::move(text));
      return;
    }
    case TraceKind::kCelery:
      if (feed_.size() < kMaxFeed) {
        feed_.push_back({.at_ms = at, .who = e.channel, .text = e.detail});
      } else {
        ++feed_dropped_;
      }
      return;
    default: return;
  }
}

}  // namespace warren::report
