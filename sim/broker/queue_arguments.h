// queue.declare argument validation and redeclare equivalence, with
// RabbitMQ 3.10's checks, order and reply texts (rabbit_amqqueue:declare_args,
// rabbit_misc:assert_args_equivalence). Pure functions over field tables.
#ifndef WARREN_SIM_BROKER_QUEUE_ARGUMENTS_H_
#define WARREN_SIM_BROKER_QUEUE_ARGUMENTS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "warren/field_value.h"
#include "warren/options.h"

namespace warren::internal {

// The validated declare arguments: QueueSettings (warren/options.h) with
// only what the arguments gave set (overflow unset when not given).
using QueueArgs = QueueSettings;

std::optional<Overflow> ParseOverflow(std::string_view s);

// "queue 'q' in vhost '/'"
std::string QueueResource(std::string_view name);
std::string ExchangeResource(std::string_view name);

// Validates a new queue's arguments and flags. Returns the parsed arguments
// or the 406 reply text (without the "PRECONDITION_FAILED - " prefix).
// The x-queue-type "stream" is reported as unsupported by Warren (the
// caller turns that into UNIMPLEMENTED).
std::variant<QueueArgs, std::string> ValidateQueueArguments(std::string_view name,
                                                            const FieldTable& args,
                                                            bool durable, bool exclusive,
                                                            bool auto_delete);

// Redeclare equivalence of the known arguments of `type`. nullopt = equal,
// else the 406 text "inequivalent arg 'x' for queue ...: received ... but
// current is ...".
std::optional<std::string> CheckQueueEquivalence(std::string_view name, QueueType type,
                                                 const FieldTable& current,
                                                 const FieldTable& requested);

// Erlang rendering used in equivalence messages: "the value '1000' of type
// 'signedint'" or "none".
std::string DescribeArgument(const FieldValue* value);

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_QUEUE_ARGUMENTS_H_
