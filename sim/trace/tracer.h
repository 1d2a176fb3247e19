// Collects trace events in order. Callers check enabled() before building
// costly detail strings.
#ifndef WARREN_SIM_TRACE_TRACER_H_
#define WARREN_SIM_TRACE_TRACER_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "warren/trace.h"

namespace warren::internal {

class Tracer {
 public:
  explicit Tracer(bool enabled) : enabled_(enabled) {}
  bool enabled() const { return enabled_; }

  void Emit(absl::Time now, TraceKind kind, MessageId message, std::string_view queue,
            std::string_view exchange, std::string_view routing_key, std::string_view channel,
            std::string detail, uint64_t copy = 0) {
    if (!enabled_) return;
    TraceEvent& e = events_.emplace_back();
    e.seq = events_.size() - 1;
    e.time = now;
    e.kind = kind;
    e.message = message;
    e.copy = copy;
    e.queue = std::string(queue);
    e.exchange = std::string(exchange);
    e.routing_key = std::string(routing_key);
    e.channel = std::string(channel);
    e.detail = std::move(detail);
  }
  const std::vector<TraceEvent>& events() const { return events_; }

 private:
  bool enabled_;
  std::vector<TraceEvent> events_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_TRACE_TRACER_H_
