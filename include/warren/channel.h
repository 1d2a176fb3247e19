// An AMQP channel, with RabbitMQ 3.10's rules. Methods are named after the
// AMQP methods they model and take effect at the current virtual instant;
// they never advance virtual time. What the broker sends later (deliveries,
// basic.return, confirms, closes, server-side cancels) reaches the callbacks
// only from Simulation::Run*, never inside the call that caused it.
//
// A Channel is a small copyable handle; the Simulation must outlive it. Not
// thread-safe: confine a Simulation and its handles to one thread.
//
// Errors: a misuse returns a Status whose message starts with the AMQP reply
// code and name ("404 NOT_FOUND - no queue 'q' in vhost '/'") and closes the
// channel (soft error) or the connection (hard error) as RabbitMQ would;
// afterwards is_open() is false and close_reason() holds the reply. Calls on
// a closed channel return FAILED_PRECONDITION quoting that close.
#ifndef WARREN_INCLUDE_WARREN_CHANNEL_H_
#define WARREN_INCLUDE_WARREN_CHANNEL_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "warren/field_value.h"
#include "warren/message.h"
#include "warren/options.h"
#include "warren/reply_code.h"

namespace warren {

namespace internal {
class Broker;
}

using DeliveryCallback = std::function<void(const Delivery&)>;
using ReturnCallback = std::function<void(const Return&)>;
using ConfirmCallback = std::function<void(const Confirm&)>;
using CloseCallback = std::function<void(const CloseReason&)>;
using CancelCallback = std::function<void(const std::string& consumer_tag)>;

struct QueueDeclareOk {
  std::string queue;  // the (possibly server-generated) name
  uint64_t message_count = 0;  // ready messages only
  uint64_t consumer_count = 0;
};

struct PublishReceipt {
  MessageId message;
  uint64_t confirm_seq = 0;  // 0 unless the channel is in confirm mode
};

class Channel {
 public:
  // exchange.declare / exchange.delete
  [[nodiscard]] absl::Status ExchangeDeclare(std::string_view name,
                                             const ExchangeDeclareOptions& options = {});
  [[nodiscard]] absl::Status ExchangeDelete(std::string_view name, bool if_unused = false);
  // exchange.bind: messages matching in `source` flow on to `destination`.
  [[nodiscard]] absl::Status ExchangeBind(std::string_view destination, std::string_view source,
                                          std::string_view routing_key,
                                          const FieldTable& arguments = {});
  [[nodiscard]] absl::Status ExchangeUnbind(std::string_view destination,
                                            std::string_view source,
                                            std::string_view routing_key,
                                            const FieldTable& arguments = {});

  // queue.declare. An empty name asks for a server-named "amq.gen-..." queue.
  [[nodiscard]] absl::StatusOr<QueueDeclareOk> QueueDeclare(
      std::string_view name, const QueueDeclareOptions& options = {});
  [[nodiscard]] absl::Status QueueBind(std::string_view queue, std::string_view exchange,
                                       std::string_view routing_key,
                                       const FieldTable& arguments = {});
  [[nodiscard]] absl::Status QueueUnbind(std::string_view queue, std::string_view exchange,
                                         std::string_view routing_key,
                                         const FieldTable& arguments = {});
  // queue.purge: removes ready messages; returns how many.
  [[nodiscard]] absl::StatusOr<uint64_t> QueuePurge(std::string_view queue);
  // queue.delete: returns the ready count at deletion. Messages are
  // discarded (never dead-lettered); consumers get a server basic.cancel.
  [[nodiscard]] absl::StatusOr<uint64_t> QueueDelete(std::string_view queue,
                                                     const QueueDeleteOptions& options = {});

  // basic.publish. Routing, enqueueing, overflow and any immediate delivery
  // assignment happen now; the consumer callback runs later.
  // The broker copies what it stores; the Publishing may be reused after.
  [[nodiscard]] absl::StatusOr<PublishReceipt> BasicPublish(const Publishing& publishing);

  // basic.qos
  [[nodiscard]] absl::Status BasicQos(const QosOptions& options);
  // basic.consume: returns the consumer tag. `on_delivery` runs from Run*.
  [[nodiscard]] absl::StatusOr<std::string> BasicConsume(std::string_view queue,
                                                         DeliveryCallback on_delivery,
                                                         const ConsumeOptions& options = {});
  // basic.cancel: unknown tags are fine. Unacked deliveries stay unacked.
  [[nodiscard]] absl::Status BasicCancel(std::string_view consumer_tag);
  // basic.get: nullopt when the queue has no ready message (get-empty).
  [[nodiscard]] absl::StatusOr<std::optional<Delivery>> BasicGet(std::string_view queue,
                                                                 bool no_ack = false);
  // basic.ack / basic.nack / basic.reject. `multiple` covers every
  // outstanding tag <= tag (tag 0 with multiple: all).
  [[nodiscard]] absl::Status BasicAck(DeliveryTag tag, bool multiple = false);
  [[nodiscard]] absl::Status BasicNack(DeliveryTag tag, bool multiple = false,
                                       bool requeue = true);
  [[nodiscard]] absl::Status BasicReject(DeliveryTag tag, bool requeue = true);
  // basic.recover: requeue=false is 540 NOT_IMPLEMENTED in RabbitMQ.
  [[nodiscard]] absl::Status BasicRecover(bool requeue = true);

  // confirm.select: later publishes get sequence numbers from 1.
  // On a transactional channel: 406.
  [[nodiscard]] absl::Status ConfirmSelect();
  // tx.select: from now on publishes (routed at publish time) and
  // acks/nacks/rejects take effect only at TxCommit; TxRollback discards the
  // publishes and makes acked tags outstanding again. On a confirm channel:
  // 406. Commit/rollback without select: 406 "channel is not transactional".
  [[nodiscard]] absl::Status TxSelect();
  [[nodiscard]] absl::Status TxCommit();
  [[nodiscard]] absl::Status TxRollback();

  // channel.close by the client: unacked deliveries are requeued.
  [[nodiscard]] absl::Status Close();

  // Callbacks for what the broker sends on its own. Replace, not add.
  void OnReturn(ReturnCallback cb);
  void OnConfirm(ConfirmCallback cb);
  void OnClose(CloseCallback cb);
  void OnCancel(CancelCallback cb);  // server-initiated basic.cancel

  bool is_open() const;
  std::optional<CloseReason> close_reason() const;
  uint16_t number() const;  // channel number on its connection, from 1
  uint64_t id() const { return id_; }
  // How many deliveries on this channel are not yet acked.
  uint64_t unacked_count() const;

 private:
  friend class Connection;
  Channel(internal::Broker* broker, uint64_t id) : broker_(broker), id_(id) {}
  internal::Broker* broker_;
  uint64_t id_;
};

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_CHANNEL_H_
