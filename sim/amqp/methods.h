// AMQP 0-9-1 class/method ids, recorded in CloseReason.
#ifndef WARREN_SIM_AMQP_METHODS_H_
#define WARREN_SIM_AMQP_METHODS_H_

#include <cstdint>

namespace warren::internal {

// AMQP class and method ids, for CloseReason.
struct MethodId {
  uint16_t class_id;
  uint16_t method_id;
};

namespace methods {

inline constexpr MethodId kExchangeDeclare{40, 10};
inline constexpr MethodId kExchangeDelete{40, 20};
inline constexpr MethodId kExchangeBind{40, 30};
inline constexpr MethodId kExchangeUnbind{40, 40};
inline constexpr MethodId kQueueDeclare{50, 10};
inline constexpr MethodId kQueueBind{50, 20};
inline constexpr MethodId kQueuePurge{50, 30};
inline constexpr MethodId kQueueDelete{50, 40};
inline constexpr MethodId kQueueUnbind{50, 50};
inline constexpr MethodId kBasicQos{60, 10};
inline constexpr MethodId kBasicConsume{60, 20};
inline constexpr MethodId kBasicCancel{60, 30};
inline constexpr MethodId kBasicPublish{60, 40};
inline constexpr MethodId kBasicGet{60, 70};
inline constexpr MethodId kBasicAck{60, 80};
inline constexpr MethodId kBasicReject{60, 90};
inline constexpr MethodId kBasicRecover{60, 110};
inline constexpr MethodId kBasicNack{60, 120};
inline constexpr MethodId kConfirmSelect{85, 10};
inline constexpr MethodId kTxSelect{90, 10};
inline constexpr MethodId kTxCommit{90, 20};
inline constexpr MethodId kTxRollback{90, 30};

}  // namespace methods
}  // namespace warren::internal

#endif  // WARREN_SIM_AMQP_METHODS_H_
