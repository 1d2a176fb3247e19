// The client side of the broker's state: connections, channels, their
// consumers, unacked deliveries and the outbox of deliveries not yet handed
// to a callback. Plain data the Broker orchestrates; HasRoom is the one rule
// here (prefetch), inline because it is asked two or three times per message.
//
// Invariants:
//  (C1) a Consumer in a queue's rotation is owned by an open channel's
//       `consumers` map (or `retired` once cancelled, until its last pending
//       delivery has run), and vice versa;
//  (C2) `unacked` (per consumer and the channel's `global_unacked`) counts
//       the channel's outstanding consumer deliveries by tag owner;
//  (C3) `outbox` holds deliveries in the order their "basic.deliver" events
//       were scheduled: one event per entry, each takes the front.
#ifndef WARREN_SIM_BROKER_CONSUMER_H_
#define WARREN_SIM_BROKER_CONSUMER_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/time/time.h"
#include "sim/broker/ready_messages.h"
#include "sim/broker/unacked_map.h"
#include "sim/core/ring.h"
#include "warren/channel.h"

namespace warren::internal {

class Queue;
class Exchange;

struct ChannelState;

struct Consumer {
  std::string tag;
  uint32_t tag_index = 0;  // ChannelState::InternTag(tag)
  std::string queue_name;  // for deliveries still pending after a queue is gone
  uint64_t channel = 0;
  ChannelState* channel_state = nullptr;  // owner; outlives the consumer
  Queue* queue = nullptr;
  bool no_ack = false;
  bool exclusive = false;
  int64_t priority = 0;
  uint32_t prefetch = 0;  // 0 = unlimited
  // Signed: acking a delivery made to an earlier consumer with the same tag
  // credits this one, as rabbit_limiter does (keyed by tag).
  int64_t unacked = 0;
  // Skipped for lack of room; rejoins the back of its priority group when
  // it has room again (rabbit_queue_consumers block/unblock).
  bool blocked = false;
  uint64_t seq = 0;
  DeliveryCallback callback;
};

// A basic.deliver waiting for its same-instant event. A cancel does not take
// back deliveries already sent: the consumer outlives its cancel in
// ChannelState::retired until the outbox is empty.
struct PendingDelivery {
  const Consumer* consumer = nullptr;
  uint64_t tag = 0;
  bool redelivered = false;
  MessageRef message;
  std::shared_ptr<const BasicProperties> delivered_properties;  // quorum only
};

// Delivery tags a channel hands to basic.ack/nack/reject in one call.
using TagList = absl::InlinedVector<uint64_t, 4>;

struct Unacked {
  uint64_t queue_id = 0;
  Envelope envelope;
  // The consumer's interned tag (ChannelState::InternTag), 0 for basic.get:
  // acks credit whichever consumer holds that tag by then.
  uint32_t consumer = 0;
  absl::Time delivered_at;
  // Acked/rejected inside an uncommitted transaction: no longer an
  // outstanding tag, but still unacked until tx.commit.
  bool in_tx = false;
};

// What a transactional channel defers until tx.commit.
struct TxOp {
  enum class Kind { kPublish, kAck, kReject, kRequeue } kind;
  MessageRef message;                  // kPublish: routed at commit
  bool mandatory = false;              // kPublish
  std::vector<uint64_t> tags;          // kAck / kReject / kRequeue
};

struct ConnectionState;

struct ChannelState {
  uint64_t id = 0;
  uint64_t connection = 0;
  const ConnectionState* connection_state = nullptr;  // owner; never freed before
  uint16_t number = 0;
  bool open = true;
  // Open and its connection not closing: may take deliveries.
  bool deliverable = true;
  std::optional<CloseReason> close_reason;
  absl::Time opened;
  uint64_t next_tag = 1;
  UnackedMap<Unacked> unacked;  // by delivery tag
  std::map<std::string, std::unique_ptr<Consumer>> consumers;
  // Cancelled consumers, freed by DeliverNext once no delivery is pending
  // (a callback may run or be about to run for one), or at close.
  std::vector<std::unique_ptr<Consumer>> retired;
  // Consumer tags ever used on this channel, interned (index + 1), and the
  // consumer holding each now (nullptr once cancelled).
  absl::flat_hash_map<std::string, uint32_t> tag_index;
  std::vector<Consumer*> consumer_by_tag;
  bool any_blocked = false;  // some consumer may wait for room (UnblockConsumers)
  // Deliveries assigned but not yet handed to their callback, in order;
  // each has one "basic.deliver" event that takes the front.
  Ring<PendingDelivery> outbox;
  // The exchange the last publish named, until an exchange is deleted
  // (Broker::exchange_generation_): saves a hash lookup per publish.
  std::string cached_exchange_name;
  Exchange* cached_exchange = nullptr;
  uint64_t cached_exchange_generation = 0;
  uint64_t next_consumer_seq = 0;
  uint16_t prefetch_count = 0;  // for consumers created afterwards
  uint16_t global_prefetch = 0;
  uint32_t global_unacked = 0;  // consumer deliveries outstanding
  bool confirm_mode = false;
  bool tx_mode = false;
  std::vector<TxOp> tx_ops;
  uint64_t next_publish_seq = 1;
  std::string last_queue;  // for empty queue names
  // Direct reply-to: this channel's consumer of "amq.rabbitmq.reply-to",
  // with the reply name publishes from it carry (no queue behind it).
  struct ReplyConsumer {
    std::string tag;
    std::string name;
    DeliveryCallback callback;
  };
  std::optional<ReplyConsumer> reply_consumer;
  bool tick_armed = false;
  std::shared_ptr<ReturnCallback> on_return = std::make_shared<ReturnCallback>();
  std::shared_ptr<ConfirmCallback> on_confirm = std::make_shared<ConfirmCallback>();
  std::shared_ptr<CloseCallback> on_close = std::make_shared<CloseCallback>();
  std::shared_ptr<CancelCallback> on_cancel = std::make_shared<CancelCallback>();
  std::string label;  // "conn/3" for traces

  uint32_t InternTag(const std::string& tag) {
    auto [it, added] = tag_index.try_emplace(tag, static_cast<uint32_t>(consumer_by_tag.size() + 1));
    if (added) consumer_by_tag.push_back(nullptr);
    return it->second;
  }
  Consumer* ConsumerByIndex(uint32_t index) const {
    return index == 0 ? nullptr : consumer_by_tag[index - 1];
  }
};

struct ConnectionState {
  uint64_t id = 0;
  std::string name;
  std::string user;
  bool open = true;
  std::optional<CloseReason> close_reason;
  std::vector<uint64_t> channels;  // in open order
  uint16_t next_channel = 1;
};

// Room for one more delivery under the consumer's and the channel's prefetch.
inline bool HasRoom(const Consumer& c) {
  const ChannelState* ch = c.channel_state;
  if (!ch->deliverable) return false;
  if (c.no_ack) return true;
  if (c.prefetch != 0 && c.unacked >= static_cast<int64_t>(c.prefetch)) return false;
  if (ch->global_prefetch != 0 && ch->global_unacked >= ch->global_prefetch) return false;
  return true;
}

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_CONSUMER_H_
