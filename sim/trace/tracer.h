// Collects trace events in order. Callers check enabled() before building
// costly detail strings.
//
// Memory is bounded: the tracer keeps the latest events only (at most
// `keep` of them; when full it drops the older half, so keeping costs O(1)
// per event amortized), counts every event by kind and by (kind, queue),
// and hands each event to an optional sink as it happens (a trace file
// that holds the whole run). Event seq numbers count the whole run.
#ifndef WARREN_SIM_TRACE_TRACER_H_
#define WARREN_SIM_TRACE_TRACER_H_

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "warren/trace.h"

namespace warren::internal {

class Tracer {
 public:
  using Sink = std::function<void(const TraceEvent&)>;
  Tracer(bool enabled, size_t keep, Sink sink)
      : enabled_(enabled), keep_(keep < 2 ? 2 : keep), sink_(std::move(sink)) {}
  bool enabled() const { return enabled_; }

  void Emit(absl::Time now, TraceKind kind, MessageId message, std::string_view queue,
            std::string_view exchange, std::string_view routing_key, std::string_view channel,
            std::string detail, uint64_t copy = 0) {
    if (!enabled_) return;
    if (events_.size() >= keep_) DropOlderHalf();
    TraceEvent& e = events_.AppendSlot();  // may be recycled: every field is set
    e.seq = total_++;
    e.time = now;
    e.kind = kind;
    e.message = message;
    e.copy = copy;
    e.queue.assign(queue);
    e.exchange.assign(exchange);
    e.routing_key.assign(routing_key);
    e.channel.assign(channel);
    e.detail = std::move(detail);
    Count(e);
    if (sink_) sink_(e);
  }
  // The latest events, oldest first.
  const TraceEvents& events() const { return events_; }
  std::vector<TraceEvent> TakeEvents();
  // Events emitted over the whole run, kept or not.
  uint64_t total() const { return total_; }
  // Events of `kind` over the whole run; with a queue, only those about it.
  uint64_t CountOf(TraceKind kind, std::string_view queue) const;

 private:
  void DropOlderHalf();
  void Count(const TraceEvent& e);

  bool enabled_;
  size_t keep_;
  Sink sink_;
  uint64_t total_ = 0;
  TraceEvents events_;
  std::array<uint64_t, kTraceKindCount> by_kind_{};
  absl::flat_hash_map<std::string, std::array<uint64_t, kTraceKindCount>> by_queue_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_TRACE_TRACER_H_
