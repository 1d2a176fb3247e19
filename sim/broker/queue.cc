// The cold parts of Queue (queue.h).
#include "sim/broker/queue.h"

#include <algorithm>
#include <memory>

namespace warren::internal {

std::shared_ptr<const BasicProperties> Queue::DeliveredProperties(const Envelope& e,
                                                                  bool via_get) const {
  if (!is_quorum() || (!via_get && e.delivery_count == 0)) return nullptr;
  auto props = std::make_shared<BasicProperties>(e.message->properties());
  if (!props->headers) props->headers.emplace();
  props->headers->Set("x-delivery-count", FieldValue::Long(e.delivery_count));
  return props;
}

// The smaller of the queue's and the message's TTL from `now`; a quorum
// queue's TTL of 0 counts as 1 ms.
absl::Time Queue::TtlDeadline(std::optional<int64_t> expiration_ms, absl::Time now) const {
  std::optional<absl::Duration> ttl = config.message_ttl;
  if (expiration_ms.has_value()) {
    const absl::Duration d = absl::Milliseconds(*expiration_ms);
    ttl = ttl ? std::min(*ttl, d) : d;
  }
  const bool zero = is_quorum() && *ttl == absl::ZeroDuration();
  return now + (zero ? absl::Milliseconds(1) : *ttl);
}

// The message's priority, clamped to 0..x-max-priority.
uint8_t Queue::PriorityLevel(const Message& m) const {
  const int p = m.priority().value_or(0);
  return static_cast<uint8_t>(std::clamp(p, 0, static_cast<int>(*config.max_priority)));
}

}  // namespace warren::internal
