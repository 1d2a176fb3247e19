// The accounting ledger: every copy of every published message is, at every
// instant, ready, unacked, acked, dead-lettered or dropped with a reason.
// Callers state each transition (from, to); the ledger keeps counters and,
// when enabled, a per-copy record for fate queries.
#ifndef WARREN_SIM_BROKER_LEDGER_H_
#define WARREN_SIM_BROKER_LEDGER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "warren/inspect.h"

namespace warren::internal {

class Ledger {
 public:
  explicit Ledger(bool record) : record_(record) {}

  // A publish was accepted by a channel.
  void Published() { ++counters_.published; }
  // A new copy entered `queue` as ready. Returns its copy id (0 if not
  // recording).
  uint64_t NewCopy(MessageId message, uint32_t queue_index, absl::Time now);
  // Interns a queue name for NewCopy (once per queue, not per message).
  uint32_t QueueIndex(std::string_view name) { return Intern(queue_names_, name); }
  void Move(uint64_t copy, CopyState from, CopyState to, std::string_view reason,
            absl::Time now);
  // A whole message (or dead-lettered copy) reached no queue.
  void MessageDropped(MessageId message, std::string_view reason);
  void Unroutable() { ++counters_.unroutable; }
  void Returned() { ++counters_.returned; }
  void Confirmed(bool ack) { ++(ack ? counters_.confirms_acked : counters_.confirms_nacked); }

  const Counters& counters() const { return counters_; }
  MessageFate Fate(MessageId id) const;

 private:
  struct CopyRecord {
    MessageId message;
    uint32_t queue_index;
    CopyState state;
    uint32_t reason_index;
    absl::Time since;
  };
  uint32_t Intern(std::vector<std::string>& names, std::string_view name);
  uint64_t& Count(CopyState s);

  bool record_;
  Counters counters_;
  std::vector<CopyRecord> copies_;          // copy id = index + 1
  std::vector<std::string> queue_names_;    // interned
  std::vector<std::string> reasons_;        // interned; index 0 = ""
  std::vector<std::pair<MessageId, uint32_t>> message_drops_;  // reason index
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_LEDGER_H_
