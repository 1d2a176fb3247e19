// queue.declare / bind / unbind / purge / delete, queue lifecycle (exclusive,
// auto-delete, x-expires) and policy application to queues.
#include <algorithm>

#include "absl/strings/match.h"
#include "sim/core/strings.h"
#include "sim/broker/broker.h"
#include "sim/broker/headers_matcher.h"
#include "sim/amqp/methods.h"
#include "sim/amqp/names.h"

namespace warren::internal {
namespace {

bool SamePolicy(const std::optional<PolicySpec>& applied, const PolicySpec* now) {
  if (!applied || now == nullptr) return !applied && now == nullptr;
  return applied->name == now->name && applied->definition == now->definition;
}

std::optional<PolicySpec> Copy(const PolicySpec* p) {
  return p ? std::optional<PolicySpec>(*p) : std::nullopt;
}

std::string Locked(std::string_view name) {
  return Cat("cannot obtain exclusive access to locked ", QueueResource(name),
                      ". It could be originally declared on another connection or the "
                      "exclusive property value does not match that of the original "
                      "declaration.");
}

}  // namespace

std::string Broker::ServerName(std::string_view prefix) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string name(prefix);
  for (int i = 0; i < 22; ++i) name += kAlphabet[random_.Uniform(64)];
  return name;
}

Queue* Broker::FindQueue(std::string_view name) {
  auto it = queue_by_name_.find(absl::string_view(name.data(), name.size()));
  return it == queue_by_name_.end() ? nullptr : it->second;
}

const Queue* Broker::FindQueue(std::string_view name) const {
  auto it = queue_by_name_.find(absl::string_view(name.data(), name.size()));
  return it == queue_by_name_.end() ? nullptr : it->second;
}

absl::StatusOr<Queue*> Broker::UsableQueue(ChannelState& ch, std::string_view raw,
                                           MethodId m) {
  std::string name = StripCrLf(raw);
  if (name.empty()) {
    if (ch.last_queue.empty()) {
      return Fail(ch, ReplyCode::kNotFound, "no previously declared queue", m);
    }
    name = ch.last_queue;
  }
  Queue* q = FindQueue(name);
  if (q == nullptr) return Fail(ch, ReplyCode::kNotFound, Cat("no ", QueueResource(name)), m);
  if (q->owner != 0 && q->owner != ch.connection) {
    return Fail(ch, ReplyCode::kResourceLocked, Locked(name), m);
  }
  return q;
}

absl::StatusOr<QueueDeclareOk> Broker::QueueDeclare(uint64_t id, std::string_view raw,
                                                    const QueueDeclareOptions& o) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  const MethodId m = methods::kQueueDeclare;
  std::string name = StripCrLf(raw);
  if (name == "amq.rabbitmq.reply-to" || IsReplyName(name)) return DeclareReplyTo(*ch, name);
  Queue* q = nullptr;
  if (o.passive) {
    // 3.10 does not expand "" on a passive declare: 404 "no queue ''".
    if (name.empty()) return Fail(*ch, ReplyCode::kNotFound, Cat("no ", QueueResource("")), m);
    WARREN_ASSIGN_OR_RETURN(q, UsableQueue(*ch, name, m));
  } else {
    if (absl::StartsWith(name, "amq.")) {
      return Fail(*ch, ReplyCode::kAccessRefused,
                  Cat("queue name '", name, "' contains reserved prefix 'amq.*'"), m);
    }
    q = name.empty() ? nullptr : FindQueue(name);
    if (q != nullptr) {
      uint64_t wanted_owner = o.exclusive ? ch->connection : 0;
      if (q->owner != wanted_owner) return Fail(*ch, ReplyCode::kResourceLocked, Locked(name), m);
      auto inequivalent = [&](std::string_view what, bool got, bool cur) {
        return Fail(*ch, ReplyCode::kPreconditionFailed,
                    Cat("inequivalent arg '", what, "' for ", QueueResource(name),
                                 ": received '", BoolText(got), "' but current is '", BoolText(cur),
                                 "'"),
                    m);
      };
      bool durable = o.durable && !o.exclusive;
      if (q->durable != durable) return inequivalent("durable", durable, q->durable);
      if (q->auto_delete != o.auto_delete) {
        return inequivalent("auto_delete", o.auto_delete, q->auto_delete);
      }
      if (auto err = CheckQueueEquivalence(name, q->args.type, q->arguments, o.arguments)) {
        return Fail(*ch, ReplyCode::kPreconditionFailed, *err, m);
      }
    } else {
      const FieldValue* type = o.arguments.Find("x-queue-type");
      if (name.empty() && type && type->is_string() && type->as_string() == "quorum") {
        return Fail(*ch, ReplyCode::kPreconditionFailed,
                    "Cannot declare a server-named queue for type rabbit_quorum_queue", m);
      }
      if (name.empty()) {
        do name = ServerName("amq.gen-"); while (FindQueue(name) != nullptr);
      }
      auto validated =
          ValidateQueueArguments(name, o.arguments, o.durable, o.exclusive, o.auto_delete);
      if (auto* err = std::get_if<std::string>(&validated)) {
        if (*err == "stream") {
          return absl::UnimplementedError(
              "warren models classic and quorum queues; x-queue-type 'stream' is not "
              "simulated (the channel stays open)");
        }
        return Fail(*ch, ReplyCode::kPreconditionFailed, *err, m);
      }
      const QueueArgs& args = std::get<QueueArgs>(validated);
      q = &CreateQueue(name, o, args, o.exclusive ? ch->connection : 0);
    }
  }
  ch->last_queue = q->name;
  if (!q->is_quorum()) TouchExpires(*q);
  return QueueDeclareOk{q->name, q->ready.size(), q->consumers.size()};
}

Queue& Broker::CreateQueue(std::string name, const QueueDeclareOptions& o,
                           const QueueArgs& args, uint64_t owner) {
  // Priority levels only for classic queues (quorum queues ignore
  // x-max-priority in 3.10).
  auto q = std::make_unique<Queue>(
      next_id_++, name,
      args.type == QueueType::kClassic ? static_cast<int>(args.max_priority.value_or(0)) : 0);
  q->durable = o.durable && !o.exclusive;
  q->exclusive = o.exclusive;
  q->auto_delete = o.auto_delete;
  q->owner = owner;
  q->arguments = o.arguments;
  q->args = args;
  q->ledger_index = ledger_.QueueIndex(name);
  q->created = q->last_active = Now();
  Queue& ref = *q;
  if (queues_by_id_.size() <= ref.id) queues_by_id_.resize(ref.id + 1, nullptr);
  queues_by_id_[ref.id] = &ref;
  queue_by_name_[name] = &ref;
  queues_.emplace(std::move(name), std::move(q));
  ref.applied_policy = Copy(policies_.ForQueue(ref.name, false));
  ref.applied_operator_policy = Copy(policies_.ForQueue(ref.name, true));
  ApplyQueuePolicy(ref);
  return ref;
}

bool Broker::RefreshQueuePolicy(Queue& q) {
  const PolicySpec* user = policies_.ForQueue(q.name, false);
  const PolicySpec* op = policies_.ForQueue(q.name, true);
  if (SamePolicy(q.applied_policy, user) && SamePolicy(q.applied_operator_policy, op)) {
    return false;  // rabbit_policy:update_queue reports no_change
  }
  q.applied_policy = Copy(user);
  q.applied_operator_policy = Copy(op);
  ApplyQueuePolicy(q);
  return true;
}

void Broker::ApplyQueuePolicy(Queue& q) {
  std::optional<absl::Duration> old_expires = q.config.expires;
  q.config = EffectiveQueueConfig(q.args, q.applied_policy ? &*q.applied_policy : nullptr,
                                  q.applied_operator_policy ? &*q.applied_operator_policy
                                                            : nullptr);
  if (q.is_quorum()) {
    if (q.config.expires != old_expires) TouchExpires(q);
  } else {
    TouchExpires(q);
  }
  EnforceDropHead(q);
  DropExpired(q);
  Dispatch(q);
}

void Broker::DeleteQueue(Queue& q, std::string_view why) {
  uint64_t id = q.id;
  std::string name = q.name;
  // Server-side basic.cancel to every consumer, in registration order.
  std::vector<std::pair<uint64_t, Consumer*>> consumers;
  for (Consumer* c : q.consumers) consumers.emplace_back(c->seq, c);
  std::sort(consumers.begin(), consumers.end());
  for (const auto& [seq, c] : consumers) {
    ChannelState* ch = FindChannel(c->channel);
    Trace(TraceKind::kConsumerCancelled, {}, name, ch->label,
          Cat("server cancel of ", c->tag, ": queue deleted"));
    RemoveConsumer(*ch, std::string(c->tag), /*notify_client=*/true);
  }
  scheduler_.Cancel(q.ttl_timer);
  scheduler_.Cancel(q.expires_timer);
  DropAllReady(q, Cat("queue deleted: ", why));
  std::vector<std::string> sources = RemoveBindingsTo(&q, nullptr);
  queues_by_id_[id] = nullptr;
  queue_by_name_.erase(name);
  queues_.erase(name);
  Trace(TraceKind::kQueueDeleted, {}, name, "", why);
  for (const std::string& s : sources) MaybeAutoDeleteExchange(s);
}

absl::Status Broker::QueueBind(uint64_t id, std::string_view raw_queue,
                               std::string_view raw_exchange, std::string_view key,
                               const FieldTable& args, bool bind) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  const MethodId m = bind ? methods::kQueueBind : methods::kQueueUnbind;
  std::string queue = StripCrLf(raw_queue), exchange = StripCrLf(raw_exchange);
  if (queue.empty() && ch->last_queue.empty()) {
    return Fail(*ch, ReplyCode::kNotFound, "no previously declared queue", m);
  }
  std::string routing_key(key);
  if (queue.empty()) {
    queue = ch->last_queue;
    if (routing_key.empty()) routing_key = queue;  // expand_routing_key_shortcut
  }
  if (exchange.empty()) {
    return Fail(*ch, ReplyCode::kAccessRefused, "operation not permitted on the default exchange",
                m);
  }
  Exchange* x = FindExchange(exchange);
  Queue* q = FindQueue(queue);
  if (!bind) {
    if (x == nullptr || q == nullptr) return absl::OkStatus();
    auto it = std::find_if(x->bindings().begin(), x->bindings().end(), [&](const auto& b) {
      return b->queue == q && b->routing_key == routing_key && b->arguments == args;
    });
    if (it != x->bindings().end()) {
      if (q->owner != 0 && q->owner != ch->connection) {
        return Fail(*ch, ReplyCode::kResourceLocked, Locked(queue), m);
      }
      x->RemoveBinding(it->get());
      MaybeAutoDeleteExchange(exchange);
    }
    return absl::OkStatus();
  }
  if (x == nullptr) return Fail(*ch, ReplyCode::kNotFound, Cat("no ", ExchangeResource(exchange)), m);
  if (q == nullptr) return Fail(*ch, ReplyCode::kNotFound, Cat("no ", QueueResource(queue)), m);
  if (q->owner != 0 && q->owner != ch->connection) {
    return Fail(*ch, ReplyCode::kResourceLocked, Locked(queue), m);
  }
  if (x->type == ExchangeType::kHeaders) {
    if (auto err = ValidateHeadersBinding(args)) {
      return Fail(*ch, ReplyCode::kPreconditionFailed, *err, m);
    }
  }
  bool exists = std::any_of(x->bindings().begin(), x->bindings().end(), [&](const auto& b) {
    return b->queue == q && b->routing_key == routing_key && b->arguments == args;
  });
  if (exists) return absl::OkStatus();
  x->AddBinding({.seq = next_binding_seq_++, .source = std::string(exchange),
                 .destination = std::string(queue), .queue = q,
                 .routing_key = std::string(routing_key), .arguments = args});
  return absl::OkStatus();
}

absl::StatusOr<uint64_t> Broker::QueuePurge(uint64_t id, std::string_view name) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  WARREN_ASSIGN_OR_RETURN(Queue * q, UsableQueue(*ch, name, methods::kQueuePurge));
  uint64_t count = q->ready.size();
  DropAllReady(*q, "purged");
  ArmTtlTimer(*q);
  return count;
}

void Broker::DropAllReady(Queue& q, std::string_view reason) {
  for (Envelope& e : q.ready.TakeAll()) {
    ledger_.Move(e.copy, CopyState::kReady, CopyState::kDropped, reason, Now());
    Trace(TraceKind::kDropped, e.message->id(), q.name, "", reason, e.copy);
  }
  q.MaybeUnblockQuorum();
}

absl::StatusOr<uint64_t> Broker::QueueDelete(uint64_t id, std::string_view raw,
                                             const QueueDeleteOptions& o) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  const MethodId m = methods::kQueueDelete;
  std::string name = StripCrLf(raw);
  if (name.empty() && !ch->last_queue.empty()) name = ch->last_queue;
  if (!name.empty() && FindQueue(name) == nullptr) return 0;
  WARREN_ASSIGN_OR_RETURN(Queue * q, UsableQueue(*ch, name, m));
  if (q->is_quorum() && (o.if_unused || o.if_empty)) {
    return Fail(*ch, ReplyCode::kNotImplemented,
                Cat("cannot delete ", QueueResource(q->name), ". queue.delete operations with ",
                    o.if_unused ? "if-unused" : "if-empty",
                    " flag set are not supported by quorum queues"),
                m);
  }
  // if-empty is checked before if-unused (rabbit_amqqueue_process).
  if (o.if_empty && !q->ready.empty()) {
    return Fail(*ch, ReplyCode::kPreconditionFailed, Cat(QueueResource(q->name), " not empty"), m);
  }
  if (o.if_unused && !q->consumers.empty()) {
    return Fail(*ch, ReplyCode::kPreconditionFailed,
                Cat(QueueResource(q->name), " in use"), m);
  }
  uint64_t count = q->ready.size();
  DeleteQueue(*q, "queue.delete");
  return count;
}

}  // namespace warren::internal
