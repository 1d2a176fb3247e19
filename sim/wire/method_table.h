// The AMQP 0-9-1 method table: every method's class and method id, its
// name as RabbitMQ writes it ("basic.publish"), its argument layout, whether
// content (a header and body frames) follows it, and which side sends it.
// One constant table, so decoding and encoding are generic and the table can
// be checked against an independent source (pika's spec) in one test.
#ifndef WARREN_SIM_WIRE_METHOD_TABLE_H_
#define WARREN_SIM_WIRE_METHOD_TABLE_H_

#include <cstdint>
#include <span>
#include <string_view>

namespace warren::internal::wire {

enum class ArgType : uint8_t {
  kOctet,
  kShort,
  kLong,
  kLongLong,
  kShortStr,
  kLongStr,
  kBit,  // consecutive bits share an octet, least significant first
  kTable,
  kTimestamp,
};

struct Arg {
  ArgType type;
  std::string_view name;
};

struct MethodSpec {
  uint16_t class_id;
  uint16_t method_id;
  std::string_view name;
  std::span<const Arg> args;
  bool content;       // a content header and body frames follow
  bool client_sends;  // a client may send it (else only the server does)
};

// Sorted by (class_id, method_id).
std::span<const MethodSpec> AllMethods();
// nullptr for an id the protocol does not have.
const MethodSpec* FindMethod(uint16_t class_id, uint16_t method_id);

// Method ids the session switches on: (class << 16) | method.
constexpr uint32_t Id(uint16_t class_id, uint16_t method_id) {
  return (uint32_t{class_id} << 16) | method_id;
}
namespace ids {
inline constexpr uint32_t kConnectionStart = Id(10, 10), kConnectionStartOk = Id(10, 11),
                          kConnectionSecure = Id(10, 20), kConnectionSecureOk = Id(10, 21),
                          kConnectionTune = Id(10, 30), kConnectionTuneOk = Id(10, 31),
                          kConnectionOpen = Id(10, 40), kConnectionOpenOk = Id(10, 41),
                          kConnectionClose = Id(10, 50), kConnectionCloseOk = Id(10, 51),
                          kConnectionBlocked = Id(10, 60), kConnectionUnblocked = Id(10, 61),
                          kConnectionUpdateSecret = Id(10, 70),
                          kConnectionUpdateSecretOk = Id(10, 71);
inline constexpr uint32_t kChannelOpen = Id(20, 10), kChannelOpenOk = Id(20, 11),
                          kChannelFlow = Id(20, 20), kChannelFlowOk = Id(20, 21),
                          kChannelClose = Id(20, 40), kChannelCloseOk = Id(20, 41);
inline constexpr uint32_t kAccessRequest = Id(30, 10), kAccessRequestOk = Id(30, 11);
inline constexpr uint32_t kExchangeDeclare = Id(40, 10), kExchangeDeclareOk = Id(40, 11),
                          kExchangeDelete = Id(40, 20), kExchangeDeleteOk = Id(40, 21),
                          kExchangeBind = Id(40, 30), kExchangeBindOk = Id(40, 31),
                          kExchangeUnbind = Id(40, 40), kExchangeUnbindOk = Id(40, 51);
inline constexpr uint32_t kQueueDeclare = Id(50, 10), kQueueDeclareOk = Id(50, 11),
                          kQueueBind = Id(50, 20), kQueueBindOk = Id(50, 21),
                          kQueuePurge = Id(50, 30), kQueuePurgeOk = Id(50, 31),
                          kQueueDelete = Id(50, 40), kQueueDeleteOk = Id(50, 41),
                          kQueueUnbind = Id(50, 50), kQueueUnbindOk = Id(50, 51);
inline constexpr uint32_t kBasicQos = Id(60, 10), kBasicQosOk = Id(60, 11),
                          kBasicConsume = Id(60, 20), kBasicConsumeOk = Id(60, 21),
                          kBasicCancel = Id(60, 30), kBasicCancelOk = Id(60, 31),
                          kBasicPublish = Id(60, 40), kBasicReturn = Id(60, 50),
                          kBasicDeliver = Id(60, 60), kBasicGet = Id(60, 70),
                          kBasicGetOk = Id(60, 71), kBasicGetEmpty = Id(60, 72),
                          kBasicAck = Id(60, 80), kBasicReject = Id(60, 90),
                          kBasicRecoverAsync = Id(60, 100), kBasicRecover = Id(60, 110),
                          kBasicRecoverOk = Id(60, 111), kBasicNack = Id(60, 120);
inline constexpr uint32_t kConfirmSelect = Id(85, 10), kConfirmSelectOk = Id(85, 11);
inline constexpr uint32_t kTxSelect = Id(90, 10), kTxSelectOk = Id(90, 11),
                          kTxCommit = Id(90, 20), kTxCommitOk = Id(90, 21),
                          kTxRollback = Id(90, 30), kTxRollbackOk = Id(90, 31);
}  // namespace ids

}  // namespace warren::internal::wire

#endif  // WARREN_SIM_WIRE_METHOD_TABLE_H_
