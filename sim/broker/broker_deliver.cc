// The outbox: each "basic.deliver" event hands a channel's oldest pending
// delivery to its consumer's callback (invariant (2) in broker.h: callbacks
// run only from events), through one reused Delivery; retired consumers are
// freed once no callback is on the stack.
#include "sim/broker/broker.h"

namespace warren::internal {

void Broker::DeliverNext(ChannelState& ch) {
  if (!ch.open || ch.outbox.empty()) return;
  PendingDelivery p = std::move(ch.outbox.front());
  ch.outbox.pop_front();
  ch.outbox.ShrinkIfDrained();
  // Retired consumers stay until their last delivery has run; those this
  // callback retires wait for a later one.
  if (ch.outbox.empty()) Bury(ch.retired);
  if (!p.consumer->callback) {
    FreeGraveyardIfSafe();
    return;
  }
  Delivery fresh;
  Delivery& d = delivering_ ? fresh : delivery_scratch_;
  bool outer = !delivering_;
  delivering_ = true;
  if (outer && scratch_consumer_ == p.consumer) {
    // Same consumer as last time: its tag and queue are already in place.
  } else {
    d.consumer_tag = p.consumer->tag;
    d.queue = p.consumer->queue_name;
  }
  if (outer) scratch_consumer_ = p.consumer;
  d.delivery_tag = DeliveryTag{p.tag};
  d.redelivered = p.redelivered;
  d.message = std::move(p.message);
  d.delivered_properties = std::move(p.delivered_properties);
  d.message_count = 0;
  p.consumer->callback(d);
  d.message = nullptr;
  d.delivered_properties = nullptr;
  if (outer) delivering_ = false;
  FreeGraveyardIfSafe();
}

void Broker::FreeGraveyard() {
  graveyard_.clear();
  // A new consumer may reuse a freed address: the scratch must not trust
  // its pointer any more.
  scratch_consumer_ = nullptr;
}

}  // namespace warren::internal
