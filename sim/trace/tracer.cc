#include "sim/trace/tracer.h"

#include <iterator>

namespace warren::internal {

void Tracer::DropOlderHalf() {
  events_.DropFront(events_.size() / 2);
}

std::vector<TraceEvent> Tracer::TakeEvents() { return events_.TakeAll(); }

void Tracer::Count(const TraceEvent& e) {
  size_t kind = static_cast<size_t>(e.kind);
  ++by_kind_[kind];
  if (e.queue.empty()) return;
  auto it = by_queue_.find(absl::string_view(e.queue));
  if (it == by_queue_.end()) it = by_queue_.emplace(e.queue, std::array<uint64_t, kTraceKindCount>{}).first;
  ++it->second[kind];
}

uint64_t Tracer::CountOf(TraceKind kind, std::string_view queue) const {
  size_t k = static_cast<size_t>(kind);
  if (queue.empty()) return by_kind_[k];
  auto it = by_queue_.find(absl::string_view(queue.data(), queue.size()));
  return it == by_queue_.end() ? 0 : it->second[k];
}

}  // namespace warren::internal
