#include "sim/scenario/figures_collector.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_join.h"

namespace warren::internal {
namespace {

// The accounting reason of a drop: its detail up to "; ".
std::string DropOutcome(const std::string& detail) {
  return "dropped: " + detail.substr(0, detail.find("; "));
}

bool IsTerminal(const celery::CeleryEvent& e) {
  if (e.type == "task-rejected") return e.detail != "requeue";
  return e.type == "task-succeeded" || e.type == "task-failed" || e.type == "task-revoked";
}

}  // namespace

void FiguresCollector::AddToGroup(MessageId message, const std::string& group) {
  auto [it, added] = group_index_.try_emplace(group, group_names_.size());
  if (added) group_names_.push_back(group);
  Root& root = roots_[message.value];
  root.group = it->second;
  root.published = published_at_;
  root_order_.push_back(message.value);
  Attach(message.value, message.value);
}

void FiguresCollector::Link(MessageId child, MessageId parent) {
  auto it = root_of_.find(parent.value);
  if (it == root_of_.end()) return;  // the parent is in no group
  republished_.insert(parent.value);
  Attach(child.value, it->second);
}

// `message` (the one just published) belongs to `root`: so do the copies and
// drops its publish already made.
void FiguresCollector::Attach(uint64_t message, uint64_t root) {
  root_of_[message] = root;
  if (message != pending_message_) return;
  for (uint64_t copy : pending_copies_) {
    if (auto c = copies_.find(copy); c != copies_.end()) c->second.root = root;
  }
  Root& r = roots_[root];
  for (auto& [outcome, when] : pending_drops_) Settle(r, outcome, when);
  pending_copies_.clear();
  pending_drops_.clear();
}

void FiguresCollector::Settle(Root& r, const std::string& outcome, absl::Time when) {
  ++r.outcomes[outcome];
  r.settled = std::max(r.settled, when);
}

FiguresCollector::Depth& FiguresCollector::QueueDepth(const std::string& name, absl::Time now) {
  auto [it, added] = queues_.try_emplace(name);
  if (added) it->second.since = now;
  return it->second;
}

void FiguresCollector::Change(Depth& d, absl::Time now, int64_t ready, int64_t unacked) {
  double seconds = absl::ToDoubleSeconds(now - d.since);
  d.area_ready += seconds * static_cast<double>(d.ready);
  d.area_unacked += seconds * static_cast<double>(d.unacked);
  d.since = now;
  d.ready += ready;
  d.unacked += unacked;
  d.peak_ready = std::max(d.peak_ready, d.ready);
  d.peak_unacked = std::max(d.peak_unacked, d.unacked);
}

FiguresCollector::Root* FiguresCollector::RootOf(uint64_t message) {
  auto it = root_of_.find(message);
  return it == root_of_.end() ? nullptr : &roots_[it->second];
}

// A copy leaves its queue. `outcome` empty: it was dead-lettered (its
// message goes on as another copy, or is dropped as a whole).
void FiguresCollector::EndCopy(uint64_t copy_id, absl::Time now, const std::string& outcome) {
  auto it = copies_.find(copy_id);
  if (it == copies_.end()) return;  // already gone (expired, then dead-lettered)
  Copy& c = it->second;
  Change(*c.queue, now, c.unacked ? 0 : -1, c.unacked ? -1 : 0);
  if (c.root != 0) {
    Root& r = roots_[c.root];
    r.deliveries += c.deliveries;
    r.redeliveries += c.deliveries > 1 ? c.deliveries - 1 : 0;
    bool replaced = outcome == "acked" && republished_.contains(c.message);
    if (!outcome.empty() && !replaced) Settle(r, outcome, now);
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
      auto root = root_of_.find(e.message.value);
      Depth& d = QueueDepth(e.queue, e.time);
      copies_[e.copy] = {.queue = &d,
                         .message = e.message.value,
                         .root = root == root_of_.end() ? 0 : root->second,
                         .enqueued = e.time};
      if (root == root_of_.end() && e.message.value == pending_message_) {
        pending_copies_.push_back(e.copy);
      }
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
    case TraceKind::kAcked: return EndCopy(e.copy, e.time, "acked");
    case TraceKind::kRejected:
    case TraceKind::kExpired:
    case TraceKind::kDeadLettered: return EndCopy(e.copy, e.time, "");
    case TraceKind::kUnroutable:  // a whole-message drop, detail as for kDropped
    case TraceKind::kDropped: {
      std::string outcome = DropOutcome(e.detail);
      if (e.copy != 0) {
        // A copy dropped after it expired or was rejected has already left
        // its queue: its root still gets the drop as its outcome.
        bool gone = !copies_.contains(e.copy);
        EndCopy(e.copy, e.time, outcome);
        if (Root* r = RootOf(e.message.value); gone && r != nullptr) Settle(*r, outcome, e.time);
        return;
      }
      if (Root* r = RootOf(e.message.value)) {
        Settle(*r, outcome, e.time);
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
  absl::flat_hash_map<const Depth*, const std::string*> names;
  for (const auto& [name, d] : queues_) names[&d] = &name;
  for (const auto& [id, c] : copies_) {
    if (c.root == 0) continue;
    Root& r = roots_[c.root];
    r.deliveries += c.deliveries;
    r.redeliveries += c.deliveries > 1 ? c.deliveries - 1 : 0;
    if (c.unacked) {
      ++r.outcomes["unacked"];
      r.in_flight = true;
    } else {
      Settle(r, "in queue " + *names[c.queue], c.enqueued);
    }
  }
  std::vector<MessageGroupFigures> groups(group_names_.size());
  std::vector<std::vector<absl::Duration>> latencies(group_names_.size());
  for (size_t i = 0; i < groups.size(); ++i) groups[i].group = group_names_[i];
  for (uint64_t id : root_order_) {
    const Root& r = roots_[id];
    MessageGroupFigures& g = groups[r.group];
    ++g.messages;
    g.deliveries += r.deliveries;
    g.redeliveries += r.redeliveries;
    std::vector<std::string> parts;
    for (const auto& [outcome, n] : r.outcomes) parts.push_back(outcome);
    ++g.outcomes[parts.empty() ? "in flight" : absl::StrJoin(parts, " + ")];
    if (!r.in_flight && !parts.empty()) latencies[r.group].push_back(r.settled - r.published);
  }
  for (size_t i = 0; i < groups.size(); ++i) groups[i].latency = Summarize(latencies[i]);
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
