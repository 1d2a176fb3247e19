#include "sim/scenario/figures_collector.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_join.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

// The accounting reason of a drop: its detail up to "; ".
std::string_view DropReason(const std::string& detail) {
  return std::string_view(detail).substr(0, detail.find("; "));
}

bool IsTerminal(const celery::CeleryEvent& e) {
  if (e.type == "task-rejected") return e.detail != "requeue";
  return e.type == "task-succeeded" || e.type == "task-failed" || e.type == "task-revoked";
}

}  // namespace

uint32_t FiguresCollector::Outcome(std::string_view text) {
  auto it = outcome_index_.find(absl::string_view(text.data(), text.size()));
  if (it != outcome_index_.end()) return it->second;
  uint32_t id = static_cast<uint32_t>(outcome_names_.size());
  outcome_names_.emplace_back(text);
  outcome_index_.emplace(outcome_names_.back(), id);
  return id;
}

void FiguresCollector::AddToGroup(MessageId message, const std::string& group) {
  auto [it, added] = group_index_.try_emplace(group, group_names_.size());
  if (added) group_names_.push_back(group);
  uint32_t root = static_cast<uint32_t>(roots_.size());
  roots_.push_back({.group = it->second, .published = published_at_, .settled = published_at_});
  Attach(message.value, root);
}

void FiguresCollector::Link(MessageId child, MessageId parent) {
  uint32_t root = RootOf(parent.value);
  if (root == kNone) return;  // the parent is in no group
  republished_.insert(parent.value);
  Attach(child.value, root);
}

// `message` (the one just published) belongs to `root`: so do the copies and
// drops its publish already made.
void FiguresCollector::Attach(uint64_t message, uint32_t root) {
  if (message >= root_of_.size()) root_of_.resize(message + 1, kNone);
  root_of_[message] = root;
  if (message != pending_message_) return;
  for (uint64_t copy : pending_copies_) {
    if (auto c = copies_.find(copy); c != copies_.end()) c->second.root = root;
  }
  for (auto& [outcome, when] : pending_drops_) Settle(roots_[root], outcome, when);
  pending_copies_.clear();
  pending_drops_.clear();
}

void FiguresCollector::Settle(Root& r, uint32_t outcome, absl::Time when) {
  auto at = std::lower_bound(r.outcomes.begin(), r.outcomes.end(), outcome);
  if (at == r.outcomes.end() || *at != outcome) r.outcomes.insert(at, outcome);
  r.settled = std::max(r.settled, when);
}

FiguresCollector::Depth& FiguresCollector::QueueDepth(const std::string& name, absl::Time now) {
  auto [it, added] = queues_.try_emplace(name);
  if (added) it->second.since = now;
  return it->second;
}

void FiguresCollector::Change(Depth& d, absl::Time now, int64_t ready, int64_t unacked) {
  if (now != d.since) {
    double seconds = absl::ToDoubleSeconds(now - d.since);
    d.area_ready += seconds * static_cast<double>(d.ready);
    d.area_unacked += seconds * static_cast<double>(d.unacked);
    d.since = now;
  }
  d.ready += ready;
  d.unacked += unacked;
  d.peak_ready = std::max(d.peak_ready, d.ready);
  d.peak_unacked = std::max(d.peak_unacked, d.unacked);
}

uint32_t FiguresCollector::RootOf(uint64_t message) const {
  return message < root_of_.size() ? root_of_[message] : kNone;
}

// A copy leaves its queue. `outcome` kNone: it was dead-lettered (its
// message goes on as another copy, or is dropped as a whole).
void FiguresCollector::EndCopy(uint64_t copy_id, absl::Time now, uint32_t outcome) {
  auto it = copies_.find(copy_id);
  if (it == copies_.end()) return;  // already gone (expired, then dead-lettered)
  Copy& c = it->second;
  Change(*c.queue, now, c.unacked ? 0 : -1, c.unacked ? -1 : 0);
  if (c.root != kNone) {
    Root& r = roots_[c.root];
    r.deliveries += c.deliveries;
    r.redeliveries += c.deliveries > 1 ? c.deliveries - 1 : 0;
    bool replaced = outcome == acked_ && republished_.contains(c.message);
    if (outcome != kNone && !replaced) Settle(r, outcome, now);
  }
  copies_.erase(it);
}

void FiguresCollector::OnEvent(const TraceEvent& e) {
  switch (e.kind) {
    case TraceKind::kPublished:
      published_at_ = e.time;
      pending_message_ = e.message.value;
      pending_copies_.clear();
      pending_drops_.clear();
      return;
    case TraceKind::kEnqueued: {
      uint32_t root = RootOf(e.message.value);
      Depth& d = QueueDepth(e.queue, e.time);
      copies_[e.copy] = {.queue = &d, .message = e.message.value, .root = root, .enqueued = e.time};
      if (root == kNone && e.message.value == pending_message_) pending_copies_.push_back(e.copy);
      Change(d, e.time, 1, 0);
      return;
    }
    case TraceKind::kDelivered:
      if (auto it = copies_.find(e.copy); it != copies_.end() && !it->second.unacked) {
        it->second.unacked = true;
        ++it->second.deliveries;
        Change(*it->second.queue, e.time, -1, 1);
      }
      return;
    case TraceKind::kRequeued:
      if (auto it = copies_.find(e.copy); it != copies_.end() && it->second.unacked) {
        it->second.unacked = false;
        Change(*it->second.queue, e.time, 1, -1);
      }
      return;
    case TraceKind::kAcked: return EndCopy(e.copy, e.time, acked_);
    case TraceKind::kRejected:
    case TraceKind::kExpired:
    case TraceKind::kDeadLettered: return EndCopy(e.copy, e.time, kNone);
    case TraceKind::kUnroutable:  // a whole-message drop, detail as for kDropped
    case TraceKind::kDropped: {
      uint32_t outcome = Outcome(internal::Cat("dropped: ", DropReason(e.detail)));
      uint32_t root = RootOf(e.message.value);
      if (e.copy != 0) {
        // A copy dropped after it expired or was rejected has already left
        // its queue: its root still gets the drop as its outcome.
        bool gone = !copies_.contains(e.copy);
        EndCopy(e.copy, e.time, outcome);
        if (gone && root != kNone) Settle(roots_[root], outcome, e.time);
      } else if (root != kNone) {
        Settle(roots_[root], outcome, e.time);
      } else if (e.message.value == pending_message_) {
        pending_drops_.emplace_back(outcome, e.time);
      }
      return;
    }
    default: return;
  }
}

uint64_t FiguresCollector::ReadyIn(const std::string& queue) const {
  auto it = queues_.find(queue);
  return it == queues_.end() ? 0 : it->second.ready;
}

uint64_t FiguresCollector::UnackedIn(const std::string& queue) const {
  auto it = queues_.find(queue);
  return it == queues_.end() ? 0 : it->second.unacked;
}

std::vector<MessageGroupFigures> FiguresCollector::GroupFigures() {
  // Copies still alive: parked in a queue (settled there) or unacked.
  const uint32_t unacked = Outcome("unacked");
  absl::flat_hash_map<const Depth*, uint32_t> parked;  // queue -> "in queue <name>"
  for (const auto& [name, d] : queues_) parked[&d] = Outcome("in queue " + name);
  for (const auto& [id, c] : copies_) {
    if (c.root == kNone) continue;
    Root& r = roots_[c.root];
    r.deliveries += c.deliveries;
    r.redeliveries += c.deliveries > 1 ? c.deliveries - 1 : 0;
    if (c.unacked) {
      Settle(r, unacked, r.settled);
      r.in_flight = true;
    } else {
      Settle(r, parked[c.queue], c.enqueued);
    }
  }
  std::vector<MessageGroupFigures> groups(group_names_.size());
  std::vector<std::vector<absl::Duration>> latencies(group_names_.size());
  // Per group, messages by their set of outcomes (named at the end).
  std::vector<std::map<absl::InlinedVector<uint32_t, 2>, uint64_t>> sets(group_names_.size());
  for (size_t i = 0; i < groups.size(); ++i) groups[i].group = group_names_[i];
  for (const Root& r : roots_) {
    MessageGroupFigures& g = groups[r.group];
    ++g.messages;
    g.deliveries += r.deliveries;
    g.redeliveries += r.redeliveries;
    ++sets[r.group][r.outcomes];
    if (!r.in_flight && !r.outcomes.empty()) latencies[r.group].push_back(r.settled - r.published);
  }
  for (size_t i = 0; i < groups.size(); ++i) {
    groups[i].latency = Summarize(std::move(latencies[i]));
    for (const auto& [set, n] : sets[i]) {
      std::vector<std::string> names;
      for (uint32_t o : set) names.push_back(outcome_names_[o]);
      std::sort(names.begin(), names.end());
      groups[i].outcomes[names.empty() ? "in flight" : absl::StrJoin(names, " + ")] += n;
    }
  }
  std::sort(groups.begin(), groups.end(),
            [](const auto& a, const auto& b) { return a.group < b.group; });
  return groups;
}

std::vector<TaskFigures> FiguresCollector::CeleryFigures(const celery::CeleryApp& app) {
  struct Life {
    absl::Time sent;
    const celery::CeleryEvent* last = nullptr;  // last sent, retried or terminal event
    int retries = 0;
  };
  std::map<std::string, Life> lives;  // by task id
  for (const celery::CeleryEvent& e : app.events()) {
    if (e.type == "task-sent") {
      auto [it, added] = lives.try_emplace(e.task_id);
      if (added) it->second.sent = e.time;
      it->second.last = &e;
    } else if (e.type == "task-retried" || IsTerminal(e)) {
      Life& life = lives[e.task_id];
      if (e.type == "task-retried") ++life.retries;
      life.last = &e;
    }
  }
  std::map<std::string, TaskFigures> by_name;
  std::map<std::string, std::vector<absl::Duration>> latencies;
  for (const celery::TaskState& t : app.Tasks()) {
    TaskFigures& f = by_name[t.name];
    f.task = t.name;
    ++f.tasks;
    auto it = lives.find(t.id);
    int retries = it == lives.end() ? 0 : it->second.retries;
    f.retries += retries;
    f.max_retries = std::max(f.max_retries, retries);
    const celery::CeleryEvent* last = it == lives.end() ? nullptr : it->second.last;
    if (last != nullptr && IsTerminal(*last)) {
      ++f.outcomes[last->type.substr(5)];  // "succeeded", "failed", ...
      latencies[t.name].push_back(last->time - it->second.sent);
    } else {
      ++f.outcomes[t.state];
    }
  }
  std::vector<TaskFigures> out;
  for (auto& [name, f] : by_name) {
    f.latency = Summarize(std::move(latencies[name]));
    out.push_back(std::move(f));
  }
  return out;
}

RunFigures FiguresCollector::Finish(absl::Time end, const celery::CeleryApp* celery) {
  RunFigures out{.span = end - start_};
  double span = absl::ToDoubleSeconds(end - start_);
  for (auto& [name, d] : queues_) {
    Change(d, end, 0, 0);
    out.queues.push_back({.queue = name,
                          .peak_ready = d.peak_ready,
                          .peak_unacked = d.peak_unacked,
                          .mean_ready = span > 0 ? d.area_ready / span : double(d.ready),
                          .mean_unacked = span > 0 ? d.area_unacked / span : double(d.unacked)});
  }
  out.messages = GroupFigures();
  if (celery != nullptr) out.tasks = CeleryFigures(*celery);
  return out;
}

}  // namespace warren::internal
