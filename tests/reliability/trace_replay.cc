#include "tests/reliability/trace_replay.h"

#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace warren::testing {
namespace {

enum class State { kReady, kUnacked, kPending, kAcked, kDeadLettered, kDropped };

// The accounting reason: the detail up to "; " (context follows it).
std::string Reason(const std::string& detail) { return detail.substr(0, detail.find("; ")); }

std::string Describe(const TraceEvent& e) {
  return absl::StrCat("event ", e.seq, " (", std::string(TraceKindName(e.kind)), " copy ", e.copy,
                      " of message #", e.message.value, ")");
}

}  // namespace

absl::StatusOr<Counters> ReplayTrace(const TraceEvents& trace) {
  Counters c;
  absl::flat_hash_map<uint64_t, State> copies;
  // Moves a known copy from one of `from` to `to`.
  auto move = [&](const TraceEvent& e, std::initializer_list<State> from,
                  State to) -> absl::Status {
    auto it = copies.find(e.copy);
    if (e.copy == 0 || it == copies.end()) {
      return absl::InternalError(Describe(e) + ": no such copy was enqueued");
    }
    for (State s : from) {
      if (it->second == s) {
        it->second = to;
        return absl::OkStatus();
      }
    }
    return absl::InternalError(absl::StrCat(Describe(e), ": copy is in state ",
                                            static_cast<int>(it->second)));
  };
  // Dead-lettered or dropped: from any live state. Only a copy refused at
  // the door by a length limit (reject-publish drops it, reject-publish-dlx
  // dead-letters it) may be seen first here; it counts as created.
  auto settle = [&](const TraceEvent& e, State to) -> absl::Status {
    if (!copies.contains(e.copy)) {
      if (e.copy == 0 || e.detail.rfind("maxlen", 0) != 0) {
        return absl::InternalError(Describe(e) + ": no such copy was enqueued");
      }
      copies.emplace(e.copy, to);
      ++c.copies_enqueued;
      return absl::OkStatus();
    }
    return move(e, {State::kReady, State::kUnacked, State::kPending}, to);
  };
  for (const TraceEvent& e : trace) {
    absl::Status s;
    switch (e.kind) {
      case TraceKind::kPublished: ++c.published; break;
      case TraceKind::kUnroutable:
        ++c.unroutable;
        ++c.message_drops_by_reason[Reason(e.detail)];
        break;
      case TraceKind::kReturned: ++c.returned; break;
      case TraceKind::kConfirmed:
        ++(e.detail.rfind("basic.ack", 0) == 0 ? c.confirms_acked : c.confirms_nacked);
        break;
      case TraceKind::kEnqueued:
        if (e.copy == 0 || !copies.try_emplace(e.copy, State::kReady).second) {
          s = absl::InternalError(Describe(e) + ": copy id missing or reused");
        }
        ++c.copies_enqueued;
        break;
      case TraceKind::kDelivered: s = move(e, {State::kReady}, State::kUnacked); break;
      case TraceKind::kAcked: s = move(e, {State::kUnacked}, State::kAcked); break;
      case TraceKind::kRejected: s = move(e, {State::kUnacked}, State::kPending); break;
      case TraceKind::kRequeued: s = move(e, {State::kUnacked}, State::kReady); break;
      case TraceKind::kExpired: s = move(e, {State::kReady}, State::kPending); break;
      case TraceKind::kDeadLettered: s = settle(e, State::kDeadLettered); break;
      case TraceKind::kDropped:
        if (e.copy == 0) {
          ++c.message_drops_by_reason[Reason(e.detail)];
        } else {
          s = settle(e, State::kDropped);
          ++c.dropped_by_reason[Reason(e.detail)];
        }
        break;
      default: break;
    }
    if (!s.ok()) return s;
  }
  for (const auto& [copy, state] : copies) {
    switch (state) {
      case State::kReady: ++c.ready; break;
      case State::kUnacked: ++c.unacked; break;
      case State::kAcked: ++c.acked; break;
      case State::kDeadLettered: ++c.dead_lettered; break;
      case State::kDropped: ++c.dropped; break;
      case State::kPending:
        return absl::InternalError(absl::StrCat(
            "copy ", copy, " was rejected or expired but never dead-lettered or dropped"));
    }
  }
  return c;
}

absl::Status SameCounters(const Counters& r, const Counters& l) {
  const std::pair<const char*, std::pair<uint64_t, uint64_t>> scalars[] = {
      {"published", {r.published, l.published}},
      {"unroutable", {r.unroutable, l.unroutable}},
      {"returned", {r.returned, l.returned}},
      {"copies_enqueued", {r.copies_enqueued, l.copies_enqueued}},
      {"ready", {r.ready, l.ready}},
      {"unacked", {r.unacked, l.unacked}},
      {"acked", {r.acked, l.acked}},
      {"dead_lettered", {r.dead_lettered, l.dead_lettered}},
      {"dropped", {r.dropped, l.dropped}},
      {"confirms_acked", {r.confirms_acked, l.confirms_acked}},
      {"confirms_nacked", {r.confirms_nacked, l.confirms_nacked}}};
  for (const auto& [name, v] : scalars) {
    if (v.first != v.second) {
      return absl::InternalError(
          absl::StrCat(name, ": the trace says ", v.first, ", the ledger ", v.second));
    }
  }
  auto same_map = [](const char* name, const std::map<std::string, uint64_t>& a,
                     const std::map<std::string, uint64_t>& b) -> absl::Status {
    if (a == b) return absl::OkStatus();
    std::string diff;
    for (const auto& [k, v] : a) {
      auto it = b.find(k);
      if (it == b.end() || it->second != v) {
        absl::StrAppend(&diff, " '", k, "' trace ", v, " ledger ", it == b.end() ? 0 : it->second, ";");
      }
    }
    for (const auto& [k, v] : b) {
      if (!a.contains(k)) absl::StrAppend(&diff, " '", k, "' trace 0 ledger ", v, ";");
    }
    return absl::InternalError(absl::StrCat(name, ":", diff));
  };
  if (absl::Status s = same_map("dropped_by_reason", r.dropped_by_reason, l.dropped_by_reason);
      !s.ok()) {
    return s;
  }
  return same_map("message_drops_by_reason", r.message_drops_by_reason,
                  l.message_drops_by_reason);
}

}  // namespace warren::testing
