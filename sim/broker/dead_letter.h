// Dead-lettering as pure functions (rabbit_dead_letter, 3.10): the new
// message with its x-death history, and the cycle check that drops copies
// on all-automatic cycles.
#ifndef WARREN_SIM_BROKER_DEAD_LETTER_H_
#define WARREN_SIM_BROKER_DEAD_LETTER_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"
#include "warren/message.h"

namespace warren::internal {

enum class DeathReason { kRejected, kExpired, kMaxlen, kDeliveryLimit };
std::string_view DeathReasonName(DeathReason reason);

// Updates an x-death header set for one more death: adds x-first-death-*
// on the first, merges a (queue, reason) repeat in place (count + 1, moved
// to the front, first-occurrence fields kept), reverses an existing array
// of two or more entries first (3.10's regrouping), sorts rewritten entries
// and the whole table by key. `entry` is the new entry without "count".
void UpdateXDeath(FieldTable& headers, const FieldTable& entry);

// The message dead-lettered from `queue` for `reason` at `now`, to be
// routed through `dlx` with routing keys [dlrk] or the original keys.
MessageRef MakeDeadLetter(const Message& original, std::string_view queue, DeathReason reason,
                          absl::Time now, std::string_view dlx,
                          const std::optional<std::string>& dlrk);

// True if delivering the dead-lettered message (already carrying its
// updated x-death) to `target_queue` would close an all-automatic cycle.
bool IsDeadLetterCycle(const Message& dead_lettered, DeathReason reason,
                       std::string_view target_queue);

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_DEAD_LETTER_H_
