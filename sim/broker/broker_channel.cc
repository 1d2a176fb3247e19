// Connections, channels, closing, and the consumer (ack) timeout.
#include <algorithm>

#include "sim/core/strings.h"
#include "sim/broker/broker.h"
#include "sim/core/check.h"

namespace warren::internal {
namespace {

bool HoldsUnackedOf(const UnackedMap<Unacked>& unacked, uint64_t queue_id) {
  bool holds = false;
  unacked.ForEach([&](uint64_t, const Unacked& u) {
    holds = u.queue_id == queue_id;
    return !holds;  // stop at the first
  });
  return holds;
}

}  // namespace

Broker::Broker(SimulationOptions options, Environment& env)
    : options_(options),
      scheduler_(env.scheduler),
      random_(env.random),
      tracer_(env.tracer),
      ledger_(options.record_fates) {
  DeclareDefaultExchanges();
}

Broker::~Broker() = default;

void Broker::EmitTrace(TraceKind kind, MessageId m, std::string_view queue,
                       std::string_view channel, std::string_view detail, uint64_t copy) {
  tracer_.Emit(Now(), kind, m, queue, "", "", channel, std::string(detail), copy);
}

absl::Status Broker::LiveBoundReached() const {
  return absl::ResourceExhaustedError(Cat(
      "the live-message bound (SimulationOptions::max_live_messages = ",
      options_.max_live_messages, ") was reached: ", ledger_.live(),
      " message copies are ready or unacked; raise the bound, or look for a producer that "
      "outruns its consumers"));
}

uint64_t Broker::Connect(std::string_view name, std::string_view user) {
  auto conn = std::make_unique<ConnectionState>();
  conn->id = next_id_++;
  conn->name = name.empty() ? Cat("conn-", conn->id) : std::string(name);
  conn->user = std::string(user);
  uint64_t id = conn->id;
  connections_.emplace(id, std::move(conn));
  return id;
}

const ConnectionState* Broker::FindConnection(uint64_t id) const {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : it->second.get();
}

absl::StatusOr<uint64_t> Broker::OpenChannel(uint64_t connection, uint16_t number) {
  auto it = connections_.find(connection);
  if (it == connections_.end()) return absl::NotFoundError("no such connection");
  ConnectionState& conn = *it->second;
  if (!conn.open) {
    return absl::FailedPreconditionError(
        Cat("connection '", conn.name, "' is closed: ",
                     conn.close_reason ? conn.close_reason->text : "closed by client"));
  }
  if (number != 0) {
    for (uint64_t other : conn.channels) {
      const ChannelState* o = FindChannel(other);
      if (o != nullptr && o->open && o->number == number) {
        return absl::FailedPreconditionError(
            Cat("channel ", number, " is already open on connection '", conn.name, "'"));
      }
    }
  }
  auto ch = std::make_unique<ChannelState>();
  ch->id = next_id_++;
  ch->connection = connection;
  ch->connection_state = &conn;
  ch->number = number != 0 ? number : conn.next_channel++;
  ch->opened = Now();
  ch->label = Cat(conn.name, "/", ch->number);
  uint64_t id = ch->id;
  conn.channels.push_back(id);
  if (channel_by_id_.size() <= id) channel_by_id_.resize(id + 1, nullptr);
  channel_by_id_[id] = ch.get();
  channels_.emplace(id, std::move(ch));
  return id;
}

absl::StatusOr<ChannelState*> Broker::Usable(uint64_t id) {
  ChannelState* ch = FindChannel(id);
  if (ch == nullptr) return absl::NotFoundError("no such channel");
  if (!ch->open) {
    return absl::FailedPreconditionError(Cat(
        "channel ", ch->label, " is closed",
        ch->close_reason ? Cat(": ", static_cast<int>(ch->close_reason->code), " ",
                                        ch->close_reason->text)
                         : std::string(" by the client")));
  }
  return ch;
}

absl::Status Broker::Fail(ChannelState& ch, ReplyCode code, std::string text, MethodId m) {
  // An empty text is the bare name, as RabbitMQ sends 541 INTERNAL_ERROR
  // for a crashed channel process.
  CloseReason reason{code, text.empty() ? std::string(ReplyName(code))
                                        : Cat(ReplyName(code), " - ", text),
                     m.class_id, m.method_id};
  // The reply text is a short string: RabbitMQ cuts a longer one to its
  // first 252 bytes and "..." (observed; conformance s8_03).
  if (reason.text.size() > 255) reason.text = Cat(reason.text.substr(0, 252), "...");
  if (ScopeOf(code) == CloseScope::kConnection) {
    CloseConnection(*connections_.at(ch.connection), reason);
  } else if (ScopeOf(code) == CloseScope::kChannel) {
    CloseChannel(ch, reason);
  }
  return ReplyStatus(reason);
}

void Broker::RemoveConsumer(ChannelState& ch, const std::string& tag, bool notify_client) {
  auto it = ch.consumers.find(tag);
  if (it == ch.consumers.end()) return;
  Consumer* c = it->second.get();
  Queue* q = c->queue;
  ch.consumer_by_tag[c->tag_index - 1] = nullptr;
  auto& list = q->consumers;
  list.erase(std::remove(list.begin(), list.end(), c), list.end());
  if (c->exclusive) q->exclusive_consumer = false;
  if (notify_client && ch.open) {
    Later("basic.cancel", [cb = ch.on_cancel, tag, id = ch.id, this] {
      const ChannelState* live = FindChannel(id);
      if (live && live->open && *cb) (*cb)(tag);
    });
  }
  // Not freed here: deliveries already sent may still be waiting for it, or
  // its own callback may be the caller (DeliverNext frees it later).
  ch.retired.push_back(std::move(it->second));
  ch.consumers.erase(it);
  if (q->consumers.empty()) {
    q->last_active = Now();
    TouchExpires(*q);
  }
}

void Broker::CloseChannel(ChannelState& ch, std::optional<CloseReason> reason) {
  if (!ch.open) return;
  ch.open = false;
  DropReplyConsumer(ch);
  ch.deliverable = false;
  ch.close_reason = reason;
  for (const TxOp& op : ch.tx_ops) {
    if (op.kind == TxOp::Kind::kPublish) {
      ledger_.MessageDropped(op.message->id(), "transaction not committed (channel closed)");
      Trace(TraceKind::kDropped, op.message->id(), "", ch.label,
            "transaction not committed (channel closed)");
    }
  }
  ch.tx_ops.clear();
  // Consumers go first (auto-delete needs "last consumer gone"), then the
  // unacked deliveries are requeued, then emptied auto-delete queues go.
  std::vector<std::pair<uint64_t, std::string>> by_seq;
  for (const auto& [tag, c] : ch.consumers) by_seq.emplace_back(c->seq, tag);
  std::sort(by_seq.begin(), by_seq.end());
  std::vector<uint64_t> touched;
  // Single-active-consumer queues whose active consumer leaves holding
  // nothing of them while messages wait (its channel-wide prefetch is used
  // up elsewhere): RabbitMQ 3.10.8 hands over without delivering and its
  // queue process crashes at the next publish.
  std::vector<uint64_t> sac_crash;
  for (const auto& [seq, tag] : by_seq) {
    const Consumer& c = *ch.consumers.at(tag);
    const Queue& q = *c.queue;
    if (q.config.single_active_consumer && q.consumers.size() > 1 &&
        q.consumers.front() == &c && !q.ready.empty() && !HoldsUnackedOf(ch.unacked, q.id)) {
      sac_crash.push_back(q.id);
    }
  }
  for (const auto& [seq, tag] : by_seq) {
    touched.push_back(ch.consumers.at(tag)->queue->id);
    RemoveConsumer(ch, tag, /*notify_client=*/false);
  }
  // An auto-delete queue this close leaves without consumers is deleted
  // without requeueing (rabbit_amqqueue_process:handle_ch_down checks
  // should_auto_delete first): its unacked copies go with it.
  auto doomed = [this](uint64_t qid) {
    Queue* q = FindQueueById(qid);
    return q && q->auto_delete && q->had_consumer && q->consumers.empty();
  };
  ch.outbox.clear();  // a closed channel's pending deliveries are never seen
  // A callback may be closing its own channel: its consumer is freed once
  // the callback has returned.
  Bury(ch.retired);
  FreeGraveyardIfSafe();
  std::vector<uint64_t> tags;
  ch.unacked.ForEach([&](uint64_t tag, const Unacked&) {
    tags.push_back(tag);
    return true;
  });
  std::vector<Unacked> items;
  for (uint64_t tag : tags) {
    Unacked u = TakeUnacked(ch, tag);
    if (doomed(u.queue_id)) {
      ledger_.Move(u.envelope.copy, CopyState::kUnacked, CopyState::kDropped,
                   "queue deleted: auto-delete: last consumer gone", Now());
      if (const Queue* q = FindQueueById(u.queue_id)) {
        Trace(TraceKind::kDropped, u.envelope.message->id(), q->name, ch.label,
              "queue deleted: auto-delete: last consumer gone", u.envelope.copy);
      }
      continue;
    }
    items.push_back(std::move(u));
  }
  Requeue(ch, std::move(items), ReturnKind::kClose);
  Trace(TraceKind::kChannelClosed, {}, "", ch.label,
        reason ? Cat(static_cast<int>(reason->code), " ", reason->text)
               : "closed by client");
  if (reason) {
    Later("channel.close", [cb = ch.on_close, r = *reason] {
      if (*cb) (*cb)(r);
    });
  }
  for (uint64_t qid : touched) {
    Queue* q = FindQueueById(qid);
    if (q == nullptr) continue;  // deleted by an earlier entry (a queue repeats)
    if (q->auto_delete && q->had_consumer && q->consumers.empty()) {
      DeleteQueue(*q, "auto-delete: last consumer gone");
    } else {
      // Single active consumer: the next one takes over now, even when
      // the closed one held nothing of this queue to requeue.
      Dispatch(*q);
      if (auto it = std::find(sac_crash.begin(), sac_crash.end(), qid); it != sac_crash.end()) {
        sac_crash.erase(it);
        Trace(TraceKind::kDivergence, {}, q->name, ch.label,
              "single active consumer handed over after its channel closed: Warren delivers the "
              "backlog to the next consumer; RabbitMQ 3.10.8 leaves it undelivered and crashes "
              "the queue process at its next publish, restarting it empty "
              "(rabbitmq-server#5460)");
      }
    }
  }
}

void Broker::CloseConnection(ConnectionState& conn, std::optional<CloseReason> reason) {
  if (!conn.open) return;
  conn.open = false;
  conn.close_reason = reason;
  // A closing connection's channels take nothing more (their deliveries
  // would bounce back when the next channel closes).
  for (uint64_t id : conn.channels) {
    if (ChannelState* ch = FindChannel(id)) ch->deliverable = false;
  }
  for (uint64_t id : conn.channels) {
    ChannelState* ch = FindChannel(id);
    if (ch) CloseChannel(*ch, reason);
  }
  std::vector<uint64_t> exclusive;
  for (const auto& [name, q] : queues_) {
    if (q->owner == conn.id) exclusive.push_back(q->id);
  }
  for (uint64_t qid : exclusive) {
    if (Queue* q = FindQueueById(qid)) DeleteQueue(*q, "exclusive owner connection closed");
  }
  Trace(TraceKind::kConnectionClosed, {}, "", conn.name,
        reason ? Cat(static_cast<int>(reason->code), " ", reason->text)
               : "closed by client");
}

absl::Status Broker::CloseChannelByClient(uint64_t id) {
  absl::StatusOr<ChannelState*> ch = Usable(id);
  if (!ch.ok()) return ch.status();
  CloseChannel(**ch, std::nullopt);
  return absl::OkStatus();
}

absl::Status Broker::ForceCloseConnection(uint64_t id, const CloseReason& reason) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return absl::NotFoundError("no such connection");
  if (!it->second->open) return absl::FailedPreconditionError("connection already closed");
  CloseConnection(*it->second, reason);
  return absl::OkStatus();
}

absl::Status Broker::CloseConnectionByClient(uint64_t id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) return absl::NotFoundError("no such connection");
  if (!it->second->open) return absl::FailedPreconditionError("connection already closed");
  CloseConnection(*it->second, std::nullopt);
  return absl::OkStatus();
}

void Broker::ArmConsumerTimeout(ChannelState& ch) {
  if (ch.tick_armed || ch.unacked.empty() ||
      options_.consumer_timeout == absl::InfiniteDuration()) {
    return;
  }
  // Ticks are phase-locked to the channel's open time, like RabbitMQ's
  // channel_tick_interval timer.
  absl::Duration interval = options_.channel_tick_interval;
  int64_t k = absl::IDivDuration(Now() - ch.opened, interval, &interval) + 1;
  absl::Time next = ch.opened + k * options_.channel_tick_interval;
  ch.tick_armed = true;
  scheduler_.ScheduleAt(next, [this, id = ch.id] { ConsumerTimeoutTick(id); },
                        "channel tick", /*daemon=*/true);
}

void Broker::ConsumerTimeoutTick(uint64_t id) {
  ChannelState* ch = FindChannel(id);
  if (ch == nullptr) return;
  ch->tick_armed = false;
  if (!ch->open || ch->unacked.empty()) return;
  absl::Time oldest = absl::InfiniteFuture();
  // Deliveries acked inside an open transaction left rabbit_channel's
  // unacked queue at the basic.ack: they do not time out.
  ch->unacked.ForEach([&](uint64_t, const Unacked& u) {
    if (!u.in_tx) oldest = std::min(oldest, u.delivered_at);
    return true;
  });
  // rabbit_channel:evaluate_consumer_timeout: strictly older than the timeout.
  if (oldest != absl::InfiniteFuture() && Now() - oldest > options_.consumer_timeout) {
    (void)Fail(*ch, ReplyCode::kPreconditionFailed,
               Cat("delivery acknowledgement on channel ", ch->number,
                            " timed out. Timeout value used: ",
                            absl::ToInt64Milliseconds(options_.consumer_timeout),
                            " ms. This timeout value can be configured, see consumers doc "
                            "guide to learn more"),
               {0, 0});
    return;
  }
  ArmConsumerTimeout(*ch);
}

}  // namespace warren::internal
