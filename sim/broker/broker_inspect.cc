// Read-only views and the accounting invariant check.
#include "sim/core/strings.h"
#include "sim/broker/broker.h"

namespace warren::internal {
namespace {

QueueInfo Describe(const Queue& q) {
  QueueInfo i;
  i.name = q.name;
  i.durable = q.durable;
  i.exclusive = q.exclusive;
  i.auto_delete = q.auto_delete;
  i.arguments = q.arguments;
  i.settings = q.config;  // the QueueSettings part
  i.policy = q.config.policy;
  i.operator_policy = q.config.operator_policy;
  i.ready = q.ready.size();
  i.unacked = q.unacked;
  i.consumers = q.consumers.size();
  i.ready_bytes = q.ready.bytes();
  return i;
}

}  // namespace

std::vector<QueueInfo> Broker::QueueInfos() const {
  std::vector<QueueInfo> out;
  for (const auto& [name, q] : queues_) out.push_back(Describe(*q));
  return out;
}

std::optional<QueueInfo> Broker::QueueInfoOf(std::string_view name) const {
  const Queue* q = FindQueue(name);
  if (q == nullptr) return std::nullopt;
  return Describe(*q);
}

std::optional<std::vector<QueuedMessage>> Broker::MessagesOf(std::string_view name) const {
  const Queue* q = FindQueue(name);
  if (q == nullptr) return std::nullopt;
  std::vector<QueuedMessage> out;
  q->ready.ForEachInOrder([&out](const StoredEnvelope& e, int64_t deadline_ns) {
    QueuedMessage m;
    m.message = e.message;
    m.redelivered = e.redelivered;
    if (deadline_ns != INT64_MAX) m.deadline = absl::FromUnixNanos(deadline_ns);
    m.delivery_count = e.delivery_count;
    out.push_back(std::move(m));
  });
  return out;
}

std::vector<ExchangeInfo> Broker::ExchangeInfos() const {
  std::vector<ExchangeInfo> out;
  for (const auto& [name, x] : exchanges_) {
    out.push_back({x->name, x->type_name, x->durable, x->auto_delete, x->internal,
                   x->arguments, x->policy});
  }
  return out;
}

std::vector<BindingInfo> Broker::BindingInfos() const {
  std::vector<const Binding*> all;
  for (const auto& [name, x] : exchanges_) {
    for (const auto& b : x->bindings()) all.push_back(b.get());
  }
  std::sort(all.begin(), all.end(),
            [](const Binding* a, const Binding* b) { return a->seq < b->seq; });
  std::vector<BindingInfo> out;
  for (const Binding* b : all) {
    out.push_back({b->source, b->destination, b->exchange != nullptr, b->routing_key,
                   b->arguments});
  }
  return out;
}

absl::Status Broker::CheckInvariants() const {
  const Counters& c = ledger_.counters();
  uint64_t settled = c.acked + c.dead_lettered + c.dropped;
  if (c.copies_enqueued != c.ready + c.unacked + settled) {
    return absl::InternalError(Cat(
        "ledger out of balance: enqueued ", c.copies_enqueued, " != ready ", c.ready,
        " + unacked ", c.unacked, " + acked ", c.acked, " + dead-lettered ", c.dead_lettered,
        " + dropped ", c.dropped));
  }
  uint64_t ready = 0;
  absl::flat_hash_map<uint64_t, uint64_t> unacked_by_queue;
  for (const auto& [name, q] : queues_) {
    ready += q->ready.size();
    uint64_t bytes = 0;
    q->ready.ForEachInOrder([&bytes](const StoredEnvelope& e, int64_t) { bytes += e.bytes(); });
    if (bytes != q->ready.bytes()) {
      return absl::InternalError(Cat("queue '", name, "' byte count drifted"));
    }
    absl::Time due = q->ready.EarliestFrontDeadline();
    bool armed = q->ttl_timer.valid();
    if (armed != (due != absl::InfiniteFuture()) || (armed && q->ttl_timer.when != due)) {
      return absl::InternalError(Cat("queue '", name, "' TTL timer not armed for its head"));
    }
    // Every change that can let a consumer take a message dispatches, so
    // ready messages and a consumer with room never coexist between
    // steps: a message waiting with a consumer free to take it is stranded.
    if (!q->ready.empty()) {
      for (const Consumer* consumer : q->consumers) {
        if (HasRoom(*consumer)) {
          return absl::InternalError(Cat("queue '", name, "' holds ", q->ready.size(),
                                         " ready while consumer ", consumer->tag,
                                         " has room"));
        }
        if (q->config.single_active_consumer) break;  // only the active one takes
      }
    }
    for (const Consumer* consumer : q->consumers) {
      if (!consumer->no_ack && consumer->prefetch != 0 &&
          consumer->unacked > static_cast<int64_t>(consumer->prefetch)) {
        return absl::InternalError(Cat("consumer ", consumer->tag, " on '", name, "' holds ",
                                       consumer->unacked, " unacked over its prefetch ",
                                       consumer->prefetch));
      }
      const ChannelState* ch = FindChannel(consumer->channel);
      if (ch == nullptr || !ch->open || !ch->consumers.contains(consumer->tag) ||
          ch->consumers.at(consumer->tag).get() != consumer) {
        return absl::InternalError(Cat("queue '", name, "' has a stale consumer"));
      }
    }
  }
  uint64_t unacked = 0;
  for (const auto& [id, ch] : channels_) {
    unacked += ch->unacked.size();
    if (!ch->open && !ch->unacked.empty()) {
      return absl::InternalError(Cat("closed channel ", ch->label, " holds unacked"));
    }
    ch->unacked.ForEach([&](uint64_t, const Unacked& u) {
      ++unacked_by_queue[u.queue_id];
      return true;
    });
  }
  for (const auto& [name, q] : queues_) {
    auto it = unacked_by_queue.find(q->id);
    uint64_t expected = it == unacked_by_queue.end() ? 0 : it->second;
    if (q->unacked != expected) {
      return absl::InternalError(Cat("queue '", name, "' unacked ", q->unacked,
                                              " but channels hold ", expected));
    }
  }
  if (ready != c.ready || unacked != c.unacked) {
    return absl::InternalError(Cat("ledger says ready ", c.ready, " unacked ",
                                            c.unacked, "; queues hold ready ", ready,
                                            ", channels hold unacked ", unacked));
  }
  return absl::OkStatus();
}

}  // namespace warren::internal
