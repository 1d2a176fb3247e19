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

uint32_t Ledger::Names::Intern(std::string_view name) {
  // The recent names are the likely ones (reasons are a handful), so a
  // short look from the back first; then the hash index.
  for (size_t i = by_index.size(), n = 0; i-- > 0 && n < 8; ++n) {
    if (by_index[i] == name) return static_cast<uint32_t>(i);
  }
  absl::string_view key(name.data(), name.size());
  if (auto it = index.find(key); it != index.end()) return it->second;
  uint32_t i = static_cast<uint32_t>(by_index.size());
  by_index.emplace_back(name);
  index.emplace(std::string(name), i);
  return i;
}

Ledger::CopyChain& Ledger::ChainOf(MessageId message) {
  if (message.value >= chains_.size()) chains_.resize(message.value + 1);
  return chains_[message.value];
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
  if (reasons_.by_index.empty()) reasons_.Intern("");
  copies_.push_back({message, queue_index, 0, 0, CopyState::kReady, now});
  WARREN_CHECK(copies_.size() < UINT32_MAX);  // Envelope::copy is 32 bits
  uint32_t id = static_cast<uint32_t>(copies_.size());
  CopyChain& chain = ChainOf(message);
  if (chain.last != 0) {
    copies_[chain.last - 1].next_copy = id;
  } else {
    chain.first = id;
  }
  chain.last = id;
  return id;
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
  r.reason_index = reasons_.Intern(reason);
  r.since = now;
}

void Ledger::MessageDropped(MessageId message, std::string_view reason) {
  ++counters_.message_drops_by_reason[std::string(reason)];
  if (!record_) return;
  if (reasons_.by_index.empty()) reasons_.Intern("");
  message_drops_[message.value].push_back(reasons_.Intern(reason));
}

MessageFate Ledger::Fate(MessageId id) const {
  MessageFate fate;
  fate.id = id;
  if (auto it = message_drops_.find(id.value); it != message_drops_.end()) {
    for (uint32_t reason : it->second) fate.drops.push_back(reasons_.by_index[reason]);
  }
  if (id.value >= chains_.size()) return fate;
  for (uint32_t c = chains_[id.value].first; c != 0; c = copies_[c - 1].next_copy) {
    const CopyRecord& r = copies_[c - 1];
    fate.copies.push_back({queue_names_.by_index[r.queue_index], r.state,
                           reasons_.by_index[r.reason_index], r.since});
  }
  return fate;
}

}  // namespace warren::internal
