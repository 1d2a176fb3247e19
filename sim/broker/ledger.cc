#include "sim/broker/ledger.h"

#include <algorithm>

#include "sim/core/check.h"

namespace warren {

std::string_view CopyStateName(CopyState state) {
  switch (state) {
    case CopyState::kReady: return "ready";
    case CopyState::kUnacked: return "unacked";
    case CopyState::kAcked: return "acked";
    case CopyState::kDeadLettered: return "dead-lettered";
    case CopyState::kDropped: return "dropped";
  }
  return "unknown";
}

}  // namespace warren

namespace warren::internal {

uint32_t Ledger::Intern(std::vector<std::string>& names, std::string_view name) {
  // Linear from the back: the recent names are the likely ones.
  for (size_t i = names.size(); i-- > 0;) {
    if (names[i] == name) return static_cast<uint32_t>(i);
  }
  names.emplace_back(name);
  return static_cast<uint32_t>(names.size() - 1);
}

uint64_t& Ledger::Count(CopyState s) {
  switch (s) {
    case CopyState::kReady: return counters_.ready;
    case CopyState::kUnacked: return counters_.unacked;
    case CopyState::kAcked: return counters_.acked;
    case CopyState::kDeadLettered: return counters_.dead_lettered;
    case CopyState::kDropped: return counters_.dropped;
  }
  return counters_.dropped;
}

uint64_t Ledger::NewCopy(MessageId message, uint32_t queue_index, absl::Time now) {
  ++counters_.copies_enqueued;
  ++counters_.ready;
  if (!record_) return 0;
  if (reasons_.empty()) reasons_.emplace_back();
  copies_.push_back({message, queue_index, CopyState::kReady, 0, now});
  WARREN_CHECK(copies_.size() <= UINT32_MAX);  // Envelope::copy is 32 bits
  return copies_.size();
}

void Ledger::Move(uint64_t copy, CopyState from, CopyState to, std::string_view reason,
                  absl::Time now) {
  uint64_t& from_count = Count(from);
  WARREN_CHECK(from_count > 0);
  --from_count;
  ++Count(to);
  if (to == CopyState::kDropped) ++counters_.dropped_by_reason[std::string(reason)];
  if (!record_ || copy == 0) return;
  CopyRecord& r = copies_[copy - 1];
  WARREN_CHECK(r.state == from);
  r.state = to;
  r.reason_index = Intern(reasons_, reason);
  r.since = now;
}

void Ledger::MessageDropped(MessageId message, std::string_view reason) {
  ++counters_.message_drops_by_reason[std::string(reason)];
  if (!record_) return;
  if (reasons_.empty()) reasons_.emplace_back();
  message_drops_.emplace_back(message, Intern(reasons_, reason));
}

MessageFate Ledger::Fate(MessageId id) const {
  MessageFate fate;
  fate.id = id;
  for (const auto& [m, reason] : message_drops_) {
    if (m == id) fate.drops.push_back(reasons_[reason]);
  }
  for (const CopyRecord& r : copies_) {
    if (!(r.message == id)) continue;
    fate.copies.push_back(
        {queue_names_[r.queue_index], r.state, reasons_[r.reason_index], r.since});
  }
  return fate;
}

}  // namespace warren::internal
