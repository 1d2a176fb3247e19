// The cold parts of Queue (queue.h).
#include "sim/broker/queue.h"

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

}  // namespace warren::internal
