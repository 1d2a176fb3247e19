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

#include "absl/container/flat_hash_map.h"
#include "absl/time/time.h"
#include "warren/inspect.h"

namespace warren::internal {

class Ledger {
 public:
  explicit Ledger(bool record) : record_(record) {}

  // A publish was accepted by a channel.
  void Published() { ++counters_.published; }
  // The publish carried the application's message_id property (kept only
  // when recording, for FatesOf).
  void NamedByApplication(std::string_view message_id, MessageId message) {
    if (record_) by_application_id_[std::string(message_id)].push_back(message);
  }
  // Every publish that carried `message_id`, in publish order.
  std::vector<MessageId> ByApplicationId(std::string_view message_id) const {
    auto it = by_application_id_.find(absl::string_view(message_id.data(), message_id.size()));
    return it == by_application_id_.end() ? std::vector<MessageId>{} : it->second;
  }
  // A new copy entered `queue` as ready. Returns its copy id (0 if not
  // recording).
  uint64_t NewCopy(MessageId message, uint32_t queue_index, absl::Time now);
  // Interns a queue name for NewCopy (once per queue, not per message).
  uint32_t QueueIndex(std::string_view name) { return queue_names_.Intern(name); }
  void Move(uint64_t copy, CopyState from, CopyState to, std::string_view reason,
            absl::Time now);
  // A whole message (or dead-lettered copy) reached no queue.
  void MessageDropped(MessageId message, std::string_view reason);
  void Unroutable() { ++counters_.unroutable; }
  void Returned() { ++counters_.returned; }
  void Confirmed(bool ack) { ++(ack ? counters_.confirms_acked : counters_.confirms_nacked); }

  const Counters& counters() const { return counters_; }
  // Copies in a queue or held unacked: what the live-message bound counts.
  uint64_t live() const { return counters_.ready + counters_.unacked; }
  // In time linear in the message's own copies and drops.
  MessageFate Fate(MessageId id) const;

 private:
  struct CopyRecord {
    MessageId message;
    uint32_t queue_index;
    uint32_t reason_index;
    uint32_t next_copy;  // the message's next copy id, 0 at the end
    CopyState state;
    absl::Time since;
  };
  // Names in first-use order, with a hash index for the lookup (queue
  // churn interns a new name per server-named queue).
  struct Names {
    std::vector<std::string> by_index;
    absl::flat_hash_map<std::string, uint32_t> index;
    uint32_t Intern(std::string_view name);
  };
  // The first and last copy id of a message (0: none), for Fate.
  struct CopyChain {
    uint32_t first = 0;
    uint32_t last = 0;
  };
  uint64_t& Count(CopyState s);
  CopyChain& ChainOf(MessageId message);

  bool record_;
  Counters counters_;
  std::vector<CopyRecord> copies_;  // copy id = index + 1
  std::vector<CopyChain> chains_;   // by message id (ids are dense, from 1)
  Names queue_names_;
  Names reasons_;                   // index 0 = ""
  // Whole-message drops (reason index) by message id: rare, so a hash map.
  absl::flat_hash_map<uint64_t, std::vector<uint32_t>> message_drops_;
  // The application's message_id property -> Warren's ids (a retry
  // republishes the same id: several entries).
  absl::flat_hash_map<std::string, std::vector<MessageId>> by_application_id_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_LEDGER_H_
