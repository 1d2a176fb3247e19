// QueueDeclareOptions::settings -> the x-arguments RabbitMQ reads.
#ifndef WARREN_SIM_BROKER_QUEUE_SETTINGS_H_
#define WARREN_SIM_BROKER_QUEUE_SETTINGS_H_

#include "absl/status/statusor.h"
#include "warren/field_value.h"
#include "warren/options.h"

namespace warren::internal {

// True when `settings` asks for anything (a default QueueSettings asks for
// nothing, and a declare then uses its arguments table as given).
bool AnySettingGiven(const QueueSettings& settings);

// `arguments` plus one x-argument per setting given. INVALID_ARGUMENT when a
// setting is also named in `arguments`, or a duration is not a whole, finite
// number of milliseconds. Values RabbitMQ would refuse (a negative TTL, say)
// pass through, so the declare gets RabbitMQ's 406 for them.
absl::StatusOr<FieldTable> MergeSettingsIntoArguments(const QueueSettings& settings,
                                                      const FieldTable& arguments);

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_QUEUE_SETTINGS_H_
