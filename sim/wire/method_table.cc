// The AMQP 0-9-1 methods as RabbitMQ 3.10 extends them (connection.blocked,
// update-secret, exchange.bind, basic.nack, confirm): ids, names, argument
// layouts, typed from the protocol (RabbitMQ's amqp-rabbitmq-0.9.1.json is not
// on this machine, and no generated file is committed) and checked against
// pika's generated spec by tests/wire/method_table_crosscheck.py.
#include "sim/wire/method_table.h"

#include <algorithm>

namespace warren::internal::wire {
namespace {

using enum ArgType;

constexpr Arg kConnectionStartArgs[] = {{kOctet, "version_major"}, {kOctet, "version_minor"}, {kTable, "server_properties"}, {kLongStr, "mechanisms"}, {kLongStr, "locales"}};
constexpr Arg kConnectionStartOkArgs[] = {{kTable, "client_properties"}, {kShortStr, "mechanism"}, {kLongStr, "response"}, {kShortStr, "locale"}};
constexpr Arg kConnectionSecureArgs[] = {{kLongStr, "challenge"}};
constexpr Arg kConnectionSecureOkArgs[] = {{kLongStr, "response"}};
constexpr Arg kConnectionTuneArgs[] = {{kShort, "channel_max"}, {kLong, "frame_max"}, {kShort, "heartbeat"}};
constexpr Arg kConnectionTuneOkArgs[] = {{kShort, "channel_max"}, {kLong, "frame_max"}, {kShort, "heartbeat"}};
constexpr Arg kConnectionOpenArgs[] = {{kShortStr, "virtual_host"}, {kShortStr, "capabilities"}, {kBit, "insist"}};
constexpr Arg kConnectionOpenOkArgs[] = {{kShortStr, "known_hosts"}};
constexpr Arg kConnectionCloseArgs[] = {{kShort, "reply_code"}, {kShortStr, "reply_text"}, {kShort, "class_id"}, {kShort, "method_id"}};
constexpr Arg kConnectionBlockedArgs[] = {{kShortStr, "reason"}};
constexpr Arg kConnectionUpdateSecretArgs[] = {{kLongStr, "new_secret"}, {kShortStr, "reason"}};
constexpr Arg kChannelOpenArgs[] = {{kShortStr, "out_of_band"}};
constexpr Arg kChannelOpenOkArgs[] = {{kLongStr, "channel_id"}};
constexpr Arg kChannelFlowArgs[] = {{kBit, "active"}};
constexpr Arg kChannelFlowOkArgs[] = {{kBit, "active"}};
constexpr Arg kChannelCloseArgs[] = {{kShort, "reply_code"}, {kShortStr, "reply_text"}, {kShort, "class_id"}, {kShort, "method_id"}};
constexpr Arg kAccessRequestArgs[] = {{kShortStr, "realm"}, {kBit, "exclusive"}, {kBit, "passive"}, {kBit, "active"}, {kBit, "write"}, {kBit, "read"}};
constexpr Arg kAccessRequestOkArgs[] = {{kShort, "ticket"}};
constexpr Arg kExchangeDeclareArgs[] = {{kShort, "ticket"}, {kShortStr, "exchange"}, {kShortStr, "type"}, {kBit, "passive"}, {kBit, "durable"}, {kBit, "auto_delete"}, {kBit, "internal"}, {kBit, "nowait"}, {kTable, "arguments"}};
constexpr Arg kExchangeDeleteArgs[] = {{kShort, "ticket"}, {kShortStr, "exchange"}, {kBit, "if_unused"}, {kBit, "nowait"}};
constexpr Arg kExchangeBindArgs[] = {{kShort, "ticket"}, {kShortStr, "destination"}, {kShortStr, "source"}, {kShortStr, "routing_key"}, {kBit, "nowait"}, {kTable, "arguments"}};
constexpr Arg kExchangeUnbindArgs[] = {{kShort, "ticket"}, {kShortStr, "destination"}, {kShortStr, "source"}, {kShortStr, "routing_key"}, {kBit, "nowait"}, {kTable, "arguments"}};
constexpr Arg kQueueDeclareArgs[] = {{kShort, "ticket"}, {kShortStr, "queue"}, {kBit, "passive"}, {kBit, "durable"}, {kBit, "exclusive"}, {kBit, "auto_delete"}, {kBit, "nowait"}, {kTable, "arguments"}};
constexpr Arg kQueueDeclareOkArgs[] = {{kShortStr, "queue"}, {kLong, "message_count"}, {kLong, "consumer_count"}};
constexpr Arg kQueueBindArgs[] = {{kShort, "ticket"}, {kShortStr, "queue"}, {kShortStr, "exchange"}, {kShortStr, "routing_key"}, {kBit, "nowait"}, {kTable, "arguments"}};
constexpr Arg kQueuePurgeArgs[] = {{kShort, "ticket"}, {kShortStr, "queue"}, {kBit, "nowait"}};
constexpr Arg kQueuePurgeOkArgs[] = {{kLong, "message_count"}};
constexpr Arg kQueueDeleteArgs[] = {{kShort, "ticket"}, {kShortStr, "queue"}, {kBit, "if_unused"}, {kBit, "if_empty"}, {kBit, "nowait"}};
constexpr Arg kQueueDeleteOkArgs[] = {{kLong, "message_count"}};
constexpr Arg kQueueUnbindArgs[] = {{kShort, "ticket"}, {kShortStr, "queue"}, {kShortStr, "exchange"}, {kShortStr, "routing_key"}, {kTable, "arguments"}};
constexpr Arg kBasicQosArgs[] = {{kLong, "prefetch_size"}, {kShort, "prefetch_count"}, {kBit, "global"}};
constexpr Arg kBasicConsumeArgs[] = {{kShort, "ticket"}, {kShortStr, "queue"}, {kShortStr, "consumer_tag"}, {kBit, "no_local"}, {kBit, "no_ack"}, {kBit, "exclusive"}, {kBit, "nowait"}, {kTable, "arguments"}};
constexpr Arg kBasicConsumeOkArgs[] = {{kShortStr, "consumer_tag"}};
constexpr Arg kBasicCancelArgs[] = {{kShortStr, "consumer_tag"}, {kBit, "nowait"}};
constexpr Arg kBasicCancelOkArgs[] = {{kShortStr, "consumer_tag"}};
constexpr Arg kBasicPublishArgs[] = {{kShort, "ticket"}, {kShortStr, "exchange"}, {kShortStr, "routing_key"}, {kBit, "mandatory"}, {kBit, "immediate"}};
constexpr Arg kBasicReturnArgs[] = {{kShort, "reply_code"}, {kShortStr, "reply_text"}, {kShortStr, "exchange"}, {kShortStr, "routing_key"}};
constexpr Arg kBasicDeliverArgs[] = {{kShortStr, "consumer_tag"}, {kLongLong, "delivery_tag"}, {kBit, "redelivered"}, {kShortStr, "exchange"}, {kShortStr, "routing_key"}};
constexpr Arg kBasicGetArgs[] = {{kShort, "ticket"}, {kShortStr, "queue"}, {kBit, "no_ack"}};
constexpr Arg kBasicGetOkArgs[] = {{kLongLong, "delivery_tag"}, {kBit, "redelivered"}, {kShortStr, "exchange"}, {kShortStr, "routing_key"}, {kLong, "message_count"}};
constexpr Arg kBasicGetEmptyArgs[] = {{kShortStr, "cluster_id"}};
constexpr Arg kBasicAckArgs[] = {{kLongLong, "delivery_tag"}, {kBit, "multiple"}};
constexpr Arg kBasicRejectArgs[] = {{kLongLong, "delivery_tag"}, {kBit, "requeue"}};
constexpr Arg kBasicRecoverAsyncArgs[] = {{kBit, "requeue"}};
constexpr Arg kBasicRecoverArgs[] = {{kBit, "requeue"}};
constexpr Arg kBasicNackArgs[] = {{kLongLong, "delivery_tag"}, {kBit, "multiple"}, {kBit, "requeue"}};
constexpr Arg kConfirmSelectArgs[] = {{kBit, "nowait"}};

constexpr MethodSpec kMethods[] = {
    {10, 10, "connection.start", kConnectionStartArgs, false, false},
    {10, 11, "connection.start-ok", kConnectionStartOkArgs, false, true},
    {10, 20, "connection.secure", kConnectionSecureArgs, false, false},
    {10, 21, "connection.secure-ok", kConnectionSecureOkArgs, false, true},
    {10, 30, "connection.tune", kConnectionTuneArgs, false, false},
    {10, 31, "connection.tune-ok", kConnectionTuneOkArgs, false, true},
    {10, 40, "connection.open", kConnectionOpenArgs, false, true},
    {10, 41, "connection.open-ok", kConnectionOpenOkArgs, false, false},
    {10, 50, "connection.close", kConnectionCloseArgs, false, true},
    {10, 51, "connection.close-ok", {}, false, true},
    {10, 60, "connection.blocked", kConnectionBlockedArgs, false, false},
    {10, 61, "connection.unblocked", {}, false, false},
    {10, 70, "connection.update-secret", kConnectionUpdateSecretArgs, false, true},
    {10, 71, "connection.update-secret-ok", {}, false, false},
    {20, 10, "channel.open", kChannelOpenArgs, false, true},
    {20, 11, "channel.open-ok", kChannelOpenOkArgs, false, false},
    {20, 20, "channel.flow", kChannelFlowArgs, false, true},
    {20, 21, "channel.flow-ok", kChannelFlowOkArgs, false, true},
    {20, 40, "channel.close", kChannelCloseArgs, false, true},
    {20, 41, "channel.close-ok", {}, false, true},
    {30, 10, "access.request", kAccessRequestArgs, false, true},
    {30, 11, "access.request-ok", kAccessRequestOkArgs, false, false},
    {40, 10, "exchange.declare", kExchangeDeclareArgs, false, true},
    {40, 11, "exchange.declare-ok", {}, false, false},
    {40, 20, "exchange.delete", kExchangeDeleteArgs, false, true},
    {40, 21, "exchange.delete-ok", {}, false, false},
    {40, 30, "exchange.bind", kExchangeBindArgs, false, true},
    {40, 31, "exchange.bind-ok", {}, false, false},
    {40, 40, "exchange.unbind", kExchangeUnbindArgs, false, true},
    {40, 51, "exchange.unbind-ok", {}, false, false},
    {50, 10, "queue.declare", kQueueDeclareArgs, false, true},
    {50, 11, "queue.declare-ok", kQueueDeclareOkArgs, false, false},
    {50, 20, "queue.bind", kQueueBindArgs, false, true},
    {50, 21, "queue.bind-ok", {}, false, false},
    {50, 30, "queue.purge", kQueuePurgeArgs, false, true},
    {50, 31, "queue.purge-ok", kQueuePurgeOkArgs, false, false},
    {50, 40, "queue.delete", kQueueDeleteArgs, false, true},
    {50, 41, "queue.delete-ok", kQueueDeleteOkArgs, false, false},
    {50, 50, "queue.unbind", kQueueUnbindArgs, false, true},
    {50, 51, "queue.unbind-ok", {}, false, false},
    {60, 10, "basic.qos", kBasicQosArgs, false, true},
    {60, 11, "basic.qos-ok", {}, false, false},
    {60, 20, "basic.consume", kBasicConsumeArgs, false, true},
    {60, 21, "basic.consume-ok", kBasicConsumeOkArgs, false, false},
    {60, 30, "basic.cancel", kBasicCancelArgs, false, true},
    {60, 31, "basic.cancel-ok", kBasicCancelOkArgs, false, true},
    {60, 40, "basic.publish", kBasicPublishArgs, true, true},
    {60, 50, "basic.return", kBasicReturnArgs, true, false},
    {60, 60, "basic.deliver", kBasicDeliverArgs, true, false},
    {60, 70, "basic.get", kBasicGetArgs, false, true},
    {60, 71, "basic.get-ok", kBasicGetOkArgs, true, false},
    {60, 72, "basic.get-empty", kBasicGetEmptyArgs, false, false},
    {60, 80, "basic.ack", kBasicAckArgs, false, true},
    {60, 90, "basic.reject", kBasicRejectArgs, false, true},
    {60, 100, "basic.recover-async", kBasicRecoverAsyncArgs, false, true},
    {60, 110, "basic.recover", kBasicRecoverArgs, false, true},
    {60, 111, "basic.recover-ok", {}, false, false},
    {60, 120, "basic.nack", kBasicNackArgs, false, true},
    {85, 10, "confirm.select", kConfirmSelectArgs, false, true},
    {85, 11, "confirm.select-ok", {}, false, false},
    {90, 10, "tx.select", {}, false, true},
    {90, 11, "tx.select-ok", {}, false, false},
    {90, 20, "tx.commit", {}, false, true},
    {90, 21, "tx.commit-ok", {}, false, false},
    {90, 30, "tx.rollback", {}, false, true},
    {90, 31, "tx.rollback-ok", {}, false, false},
};

}  // namespace

std::span<const MethodSpec> AllMethods() { return kMethods; }

const MethodSpec* FindMethod(uint16_t class_id, uint16_t method_id) {
  // Sorted by (class, method): a binary search.
  auto it = std::lower_bound(std::begin(kMethods), std::end(kMethods),
                             std::pair{class_id, method_id}, [](const MethodSpec& m, auto key) {
                               return std::pair{m.class_id, m.method_id} < key;
                             });
  if (it == std::end(kMethods) || it->class_id != class_id || it->method_id != method_id) {
    return nullptr;
  }
  return &*it;
}

}  // namespace warren::internal::wire
