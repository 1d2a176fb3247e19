#include "warren/channel.h"

#include "sim/amqp/limits.h"
#include "sim/broker/queue_settings.h"
#include "sim/broker/broker.h"
#include "sim/amqp/methods.h"
#include "sim/core/status_macros.h"

namespace warren {

using internal::CheckFieldTable;
using internal::CheckShortString;
using internal::methods::kBasicNack;
using internal::methods::kBasicReject;

namespace {

absl::Status CheckBindArguments(std::string_view destination, std::string_view source,
                                std::string_view routing_key, const FieldTable& arguments) {
  WARREN_RETURN_IF_ERROR(CheckShortString("the destination name", destination));
  WARREN_RETURN_IF_ERROR(CheckShortString("the source exchange name", source));
  WARREN_RETURN_IF_ERROR(CheckShortString("the routing key", routing_key));
  return CheckFieldTable("the arguments table", arguments);
}

}  // namespace

absl::Status Channel::ExchangeDeclare(std::string_view name, const ExchangeDeclareOptions& o) {
  WARREN_RETURN_IF_ERROR(CheckShortString("the exchange name", name));
  WARREN_RETURN_IF_ERROR(CheckShortString("the exchange type", o.type));
  WARREN_RETURN_IF_ERROR(CheckFieldTable("the arguments table", o.arguments));
  return broker_->ExchangeDeclare(id_, name, o);
}
absl::Status Channel::ExchangeDelete(std::string_view name, bool if_unused) {
  WARREN_RETURN_IF_ERROR(CheckShortString("the exchange name", name));
  return broker_->ExchangeDelete(id_, name, if_unused);
}
absl::Status Channel::ExchangeBind(std::string_view destination, std::string_view source,
                                   std::string_view routing_key, const FieldTable& arguments) {
  WARREN_RETURN_IF_ERROR(CheckBindArguments(destination, source, routing_key, arguments));
  return broker_->ExchangeBind(id_, destination, source, routing_key, arguments, true);
}
absl::Status Channel::ExchangeUnbind(std::string_view destination, std::string_view source,
                                     std::string_view routing_key, const FieldTable& arguments) {
  WARREN_RETURN_IF_ERROR(CheckBindArguments(destination, source, routing_key, arguments));
  return broker_->ExchangeBind(id_, destination, source, routing_key, arguments, false);
}
absl::StatusOr<QueueDeclareOk> Channel::QueueDeclare(std::string_view name,
                                                     const QueueDeclareOptions& o) {
  WARREN_RETURN_IF_ERROR(CheckShortString("the queue name", name));
  WARREN_RETURN_IF_ERROR(CheckFieldTable("the arguments table", o.arguments));
  if (internal::AnySettingGiven(o.settings)) [[unlikely]] {
    absl::StatusOr<FieldTable> arguments =
        internal::MergeSettingsIntoArguments(o.settings, o.arguments);
    if (!arguments.ok()) return arguments.status();
    QueueDeclareOptions merged = o;
    merged.settings = {};
    merged.arguments = *std::move(arguments);
    return broker_->QueueDeclare(id_, name, merged);
  }
  return broker_->QueueDeclare(id_, name, o);
}
absl::Status Channel::QueueBind(std::string_view queue, std::string_view exchange,
                                std::string_view routing_key, const FieldTable& arguments) {
  WARREN_RETURN_IF_ERROR(CheckBindArguments(queue, exchange, routing_key, arguments));
  return broker_->QueueBind(id_, queue, exchange, routing_key, arguments, true);
}
absl::Status Channel::QueueUnbind(std::string_view queue, std::string_view exchange,
                                  std::string_view routing_key, const FieldTable& arguments) {
  WARREN_RETURN_IF_ERROR(CheckBindArguments(queue, exchange, routing_key, arguments));
  return broker_->QueueBind(id_, queue, exchange, routing_key, arguments, false);
}
absl::StatusOr<uint64_t> Channel::QueuePurge(std::string_view queue) {
  WARREN_RETURN_IF_ERROR(CheckShortString("the queue name", queue));
  return broker_->QueuePurge(id_, queue);
}
absl::StatusOr<uint64_t> Channel::QueueDelete(std::string_view queue,
                                              const QueueDeleteOptions& o) {
  WARREN_RETURN_IF_ERROR(CheckShortString("the queue name", queue));
  return broker_->QueueDelete(id_, queue, o);
}
absl::StatusOr<PublishReceipt> Channel::BasicPublish(const Publishing& publishing) {
  // The properties are checked where they are encoded (Broker::CreateMessage).
  if ((publishing.exchange.size() | publishing.routing_key.size()) > internal::kMaxShortString)
      [[unlikely]] {
    WARREN_RETURN_IF_ERROR(CheckShortString("the exchange name", publishing.exchange));
    return CheckShortString("the routing key", publishing.routing_key);
  }
  return broker_->Publish(id_, publishing);
}
absl::Status Channel::BasicQos(const QosOptions& o) { return broker_->Qos(id_, o); }
absl::StatusOr<std::string> Channel::BasicConsume(std::string_view queue,
                                                  DeliveryCallback on_delivery,
                                                  const ConsumeOptions& o) {
  WARREN_RETURN_IF_ERROR(CheckShortString("the queue name", queue));
  WARREN_RETURN_IF_ERROR(CheckShortString("the consumer tag", o.consumer_tag));
  WARREN_RETURN_IF_ERROR(CheckFieldTable("the arguments table", o.arguments));
  if (!on_delivery) {
    return absl::InvalidArgumentError(
        "BasicConsume: the delivery callback is empty; pass a callable that handles (and "
        "acknowledges) each delivery");
  }
  return broker_->Consume(id_, queue, std::move(on_delivery), o);
}
absl::Status Channel::BasicCancel(std::string_view tag) {
  WARREN_RETURN_IF_ERROR(CheckShortString("the consumer tag", tag));
  return broker_->Cancel(id_, tag);
}
absl::StatusOr<std::optional<Delivery>> Channel::BasicGet(std::string_view queue, bool no_ack) {
  WARREN_RETURN_IF_ERROR(CheckShortString("the queue name", queue));
  return broker_->Get(id_, queue, no_ack);
}
absl::Status Channel::BasicAck(DeliveryTag tag, bool multiple) {
  return broker_->Ack(id_, tag.value, multiple);
}
absl::Status Channel::BasicNack(DeliveryTag tag, bool multiple, bool requeue) {
  return broker_->Reject(id_, tag.value, multiple, requeue, kBasicNack);
}
absl::Status Channel::BasicReject(DeliveryTag tag, bool requeue) {
  return broker_->Reject(id_, tag.value, false, requeue, kBasicReject);
}
absl::Status Channel::BasicRecover(bool requeue) { return broker_->Recover(id_, requeue); }
absl::Status Channel::ConfirmSelect() { return broker_->ConfirmSelect(id_); }
absl::Status Channel::TxSelect() { return broker_->TxSelect(id_); }
absl::Status Channel::TxCommit() { return broker_->TxCommit(id_); }
absl::Status Channel::TxRollback() { return broker_->TxRollback(id_); }
absl::Status Channel::Close() { return broker_->CloseChannelByClient(id_); }

void Channel::OnReturn(ReturnCallback cb) { *broker_->FindChannel(id_)->on_return = std::move(cb); }
void Channel::OnConfirm(ConfirmCallback cb) {
  *broker_->FindChannel(id_)->on_confirm = std::move(cb);
}
void Channel::OnClose(CloseCallback cb) { *broker_->FindChannel(id_)->on_close = std::move(cb); }
void Channel::OnCancel(CancelCallback cb) { *broker_->FindChannel(id_)->on_cancel = std::move(cb); }

bool Channel::is_open() const { return broker_->FindChannel(id_)->open; }
std::optional<CloseReason> Channel::close_reason() const {
  return broker_->FindChannel(id_)->close_reason;
}
uint16_t Channel::number() const { return broker_->FindChannel(id_)->number; }
uint64_t Channel::unacked_count() const { return broker_->FindChannel(id_)->unacked.size(); }

}  // namespace warren
