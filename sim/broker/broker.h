// The broker: all state of one simulated RabbitMQ vhost plus the clients
// connected to it, on the simulation's virtual clock. The public handles
// (Simulation, Connection, Channel) are thin wrappers over this class.
//
// The Broker orchestrates; the pieces decide. A Queue (queue.h) owns its
// ready messages and rules (admission, TTL deadlines, drop-head, expiry,
// consumer rotation); an Exchange (exchange.h) owns its bindings and which
// of them a message matches; ChannelState and Consumer (consumer.h) hold the
// client side (prefetch, unacked, the outbox); the Ledger accounts for every
// copy, the Tracer records, the Scheduler orders (those two and the Random
// come from the Simulation's Environment). Files, by concern:
//   broker_channel.cc   connections and channels: open, close, consumer timeout
//   broker_exchange.cc  exchange declare/delete, bindings between exchanges
//   broker_route.cc     routing: the walk over exchanges, alternate exchanges
//   broker_queue.cc     queue declare, bind, purge, delete; policy application
//   broker_policy.cc    policies (set, clear, re-apply to live queues)
//   broker_publish.cc   basic.publish, confirms; broker_tx.cc  transactions
//   broker_enqueue.cc   a routed copy into its queue (admission, hand-off)
//   broker_dispatch.cc  ready messages to consumers, a delivery's bookkeeping
//   broker_deliver.cc   the outbox: deliveries handed to callbacks
//   broker_expiry.cc    message TTL (head-only) and x-expires
//   broker_consume.cc   basic.qos, consume, cancel, get
//   broker_ack.cc       ack, nack, reject, recover, requeue
//   broker_dead_letter.cc  dead-lettering (x-death in dead_letter.cc)
//   broker_reply_to.cc  direct reply-to
//   broker_inspect.cc   inspection and CheckInvariants
//
// Invariants (the queue's own are in queue.h, the channel's in consumer.h):
//  (1) a copy is in exactly one place: a queue's ReadyMessages, a channel's
//      unacked map, or nowhere (settled), matching the ledger's state;
//  (2) user callbacks run only from scheduler events, never inside a call
//      made by the user (deliveries, returns, confirms, closes, cancels);
//  (3) every Consumer* in a queue's consumer list is owned by an open
//      channel's consumer map, and vice versa;
//  (4) a queue's TTL timer is armed iff a ready sub-queue front has a
//      finite deadline, and then for the earliest one.
#ifndef WARREN_SIM_BROKER_BROKER_H_
#define WARREN_SIM_BROKER_BROKER_H_

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/types/span.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sim/amqp/methods.h"
#include "sim/broker/topic_trie.h"
#include "sim/broker/consumer.h"
#include "sim/broker/dead_letter.h"
#include "sim/broker/environment.h"
#include "sim/broker/exchange.h"
#include "sim/broker/ledger.h"
#include "sim/broker/policy.h"
#include "sim/broker/queue.h"
#include "sim/broker/queue_arguments.h"
#include "sim/broker/ready_messages.h"
#include "sim/broker/unacked_map.h"
#include "sim/core/status_macros.h"
#include "sim/core/random.h"
#include "sim/core/ring.h"
#include "sim/core/scheduler.h"
#include "sim/trace/tracer.h"
#include "warren/channel.h"
#include "warren/inspect.h"
#include "warren/options.h"

namespace warren::internal {

class Broker {
 public:
  // Uses `env` (time, randomness, trace), which must outlive the broker.
  Broker(SimulationOptions options, Environment& env);
  ~Broker();

  const SimulationOptions& options() const { return options_; }
  Scheduler& scheduler() { return scheduler_; }
  const Scheduler& scheduler() const { return scheduler_; }
  absl::Time Now() const { return scheduler_.Now(); }

  // ---- connections and channels (broker_channel.cc) ----
  uint64_t Connect(std::string_view name, std::string_view user);
  // `number` 0: the next free number (1, 2, ...).
  absl::StatusOr<uint64_t> OpenChannel(uint64_t connection, uint16_t number = 0);
  absl::Status CloseChannelByClient(uint64_t channel);
  absl::Status CloseConnectionByClient(uint64_t connection);
  absl::Status ForceCloseConnection(uint64_t connection, const CloseReason& reason);
  const ChannelState* FindChannel(uint64_t id) const {
    return id < channel_by_id_.size() ? channel_by_id_[id] : nullptr;
  }
  ChannelState* FindChannel(uint64_t id) {
    return id < channel_by_id_.size() ? channel_by_id_[id] : nullptr;
  }
  const ConnectionState* FindConnection(uint64_t id) const;

  // ---- exchanges (broker_exchange.cc) ----
  absl::Status ExchangeDeclare(uint64_t ch, std::string_view name,
                               const ExchangeDeclareOptions& o);
  absl::Status ExchangeDelete(uint64_t ch, std::string_view name, bool if_unused);
  absl::Status ExchangeBind(uint64_t ch, std::string_view dest, std::string_view source,
                            std::string_view key, const FieldTable& args, bool bind);

  // ---- queues (broker_queue.cc) ----
  absl::StatusOr<QueueDeclareOk> QueueDeclare(uint64_t ch, std::string_view name,
                                              const QueueDeclareOptions& o);
  absl::Status QueueBind(uint64_t ch, std::string_view queue, std::string_view exchange,
                         std::string_view key, const FieldTable& args, bool bind);
  absl::StatusOr<uint64_t> QueuePurge(uint64_t ch, std::string_view queue);
  absl::StatusOr<uint64_t> QueueDelete(uint64_t ch, std::string_view queue,
                                       const QueueDeleteOptions& o);

  // ---- publish (broker_publish.cc) ----
  absl::StatusOr<PublishReceipt> Publish(uint64_t ch, const Publishing& p);
  absl::Status ConfirmSelect(uint64_t ch);
  // ---- transactions (broker_tx.cc) ----
  absl::Status TxSelect(uint64_t ch);
  absl::Status TxCommit(uint64_t ch);
  absl::Status TxRollback(uint64_t ch);

  // ---- consumers, basic.get and acks (broker_consume.cc, broker_ack.cc) ----
  absl::Status Qos(uint64_t ch, const QosOptions& o);
  absl::StatusOr<std::string> Consume(uint64_t ch, std::string_view queue,
                                      DeliveryCallback cb, const ConsumeOptions& o);
  absl::Status Cancel(uint64_t ch, std::string_view tag);
  absl::StatusOr<std::optional<Delivery>> Get(uint64_t ch, std::string_view queue,
                                              bool no_ack);
  absl::Status Ack(uint64_t ch, uint64_t tag, bool multiple);
  absl::Status Reject(uint64_t ch, uint64_t tag, bool multiple, bool requeue,
                      MethodId method);
  absl::Status Recover(uint64_t ch, bool requeue);

  // ---- policies (broker_policy.cc) ----
  absl::Status SetPolicy(const PolicySpec& p, bool operator_policy);
  absl::Status ClearPolicy(std::string_view name, bool operator_policy);
  std::vector<PolicySpec> Policies(bool operator_policies = false) const {
    return policies_.All(operator_policies);
  }

  // ---- inspection (broker_inspect.cc) ----
  std::vector<QueueInfo> QueueInfos() const;
  std::optional<QueueInfo> QueueInfoOf(std::string_view name) const;
  // nullopt: no such queue.
  std::optional<std::vector<QueuedMessage>> MessagesOf(std::string_view name) const;
  std::vector<ExchangeInfo> ExchangeInfos() const;
  std::vector<BindingInfo> BindingInfos() const;
  MessageFate Fate(MessageId id) const { return ledger_.Fate(id); }
  const Ledger& ledger() const { return ledger_; }
  const Counters& counters() const { return ledger_.counters(); }
  const TraceEvents& trace() const { return tracer_.events(); }
  const Tracer& tracer() const { return tracer_; }
  std::vector<TraceEvent> TakeTrace() { return tracer_.TakeEvents(); }
  absl::Status CheckInvariants() const;
  void Annotate(TraceKind kind, std::string_view source, std::string detail, MessageId m) {
    Trace(kind, m, "", source, std::move(detail));
  }

 private:
  // -- channel plumbing (broker_channel.cc) --
  absl::StatusOr<ChannelState*> Usable(uint64_t ch);
  // The open channel `id`, or nullptr (then Usable(id) says why): the
  // per-message calls skip building a StatusOr.
  ChannelState* OpenChannelOrNull(uint64_t id) {
    ChannelState* ch = FindChannel(id);
    return ch != nullptr && ch->open ? ch : nullptr;
  }
  // Closes per the code's scope and returns the provoking call's Status.
  absl::Status Fail(ChannelState& ch, ReplyCode code, std::string text, MethodId method);
  void CloseChannel(ChannelState& ch, std::optional<CloseReason> reason);
  void CloseConnection(ConnectionState& conn, std::optional<CloseReason> reason);
  void ArmConsumerTimeout(ChannelState& ch);
  void ConsumerTimeoutTick(uint64_t channel);
  void RemoveConsumer(ChannelState& ch, const std::string& tag, bool notify_client);

  // -- lookups (broker_queue.cc, broker_exchange.cc) --
  Queue* FindQueue(std::string_view name);
  const Queue* FindQueue(std::string_view name) const;
  Queue* FindQueueById(uint64_t id) {
    return id < queues_by_id_.size() ? queues_by_id_[id] : nullptr;
  }
  Exchange* FindExchange(std::string_view name);
  // FindExchange through the channel's one-entry cache.
  Exchange* FindExchangeCached(ChannelState& ch, std::string_view name);
  // Resolves "" to the channel's last declared queue; 404 if none/missing,
  // 405 if exclusive to another connection.
  absl::StatusOr<Queue*> UsableQueue(ChannelState& ch, std::string_view name, MethodId m);

  // -- exchanges and routing (broker_exchange.cc, broker_route.cc) --
  void DeclareDefaultExchanges();
  Exchange& CreateExchange(std::string name, ExchangeType type, std::string type_name,
                           const ExchangeDeclareOptions& o);
  void DeleteExchange(const std::string& name);
  // Removes every binding to `queue` or `exchange` (one of them non-null);
  // returns the names of the source exchanges that lost one (to check
  // auto-delete once the caller is done).
  std::vector<std::string> RemoveBindingsTo(const Queue* queue, const Exchange* exchange);
  void MaybeAutoDeleteExchange(const std::string& name);
  void ApplyExchangePolicy(Exchange& x);
  // Queues a message reaches from exchange `x` (""=default), de-duplicated,
  // in discovery order.
  using QueueList = absl::InlinedVector<Queue*, 4>;
  QueueList Route(std::string_view exchange, const Message& m);
  // The same from an exchange already looked up (nullptr: the default).
  QueueList RouteFrom(Exchange* start, const Message& m);

  // -- queues (broker_queue.cc; ReapplyPolicies in broker_policy.cc) --
  Queue& CreateQueue(std::string name, const QueueDeclareOptions& o, const QueueArgs& args,
                     uint64_t owner);
  void DeleteQueue(Queue& q, std::string_view why);
  // Discards every ready message of `q` (purge, deletion) with `reason`.
  void DropAllReady(Queue& q, std::string_view reason);
  void ApplyQueuePolicy(Queue& q);
  // Re-matches policies; applies only if the queue's policy changed.
  bool RefreshQueuePolicy(Queue& q);
  void ReapplyPolicies();
  std::string ServerName(std::string_view prefix);

  // -- enqueue (broker_enqueue.cc): the queue admits and stamps, the
  //    broker makes the ledger copy, traces and hands off or dispatches --
  enum class EnqueueResult { kAccepted, kRejected };
  EnqueueResult Enqueue(Queue& q, const MessageRef& m);
  // Dead-letters (maxlen) the heads a drop-head queue gives up (Q4). The
  // test is inline: most queues have no length limit.
  void EnforceDropHead(Queue& q) {
    if (q.MustDropHead()) [[unlikely]] DropHeadsOverLimit(q);
  }
  void DropHeadsOverLimit(Queue& q);

  // -- expiry (broker_expiry.cc): message TTL at the head, x-expires --
  void DropExpired(Queue& q);
  void ArmTtlTimer(Queue& q);
  void TouchExpires(Queue& q);
  void ExpiresFired(uint64_t queue_id);

  // -- dispatch (broker_dispatch.cc): ready messages to consumers --
  void Dispatch(Queue& q);
  void DispatchChannel(ChannelState& ch);
  // Consumers of `ch` that regained room rejoin their queues (Q3).
  void UnblockConsumers(ChannelState& ch);
  void DeliverTo(Queue& q, Consumer& c, Envelope e);

  // -- settle and requeue (broker_ack.cc) --
  absl::StatusOr<TagList> CollectTags(ChannelState& ch, uint64_t tag, bool multiple, MethodId m);
  Unacked TakeUnacked(ChannelState& ch, uint64_t tag);
  void SettleAck(ChannelState& ch, absl::Span<const uint64_t> tags);
  void SettleReject(ChannelState& ch, absl::Span<const uint64_t> tags, bool requeue);
  enum class ReturnKind { kNack, kClose };
  void Requeue(ChannelState& ch, std::vector<Unacked> items, ReturnKind kind);

  // -- the outbox (broker_deliver.cc) --
  // Runs the callback of `ch`'s oldest pending delivery.
  void DeliverNext(ChannelState& ch);

  // -- publish (broker_publish.cc) --
  // The stored message of a validated publish (BCC header removed).
  // INVALID_ARGUMENT (nothing changed) when the properties cannot be
  // encoded in a content header.
  absl::StatusOr<MessageRef> CreateMessage(const Publishing& p,
                                           std::optional<int64_t> expiration_ms,
                                           const std::vector<std::string>& extra_keys);
  // basic.publish with reply_to "amq.rabbitmq.reply-to" (broker_publish.cc).
  absl::StatusOr<PublishReceipt> PublishWithReplyTo(ChannelState& ch, const Publishing& p);
  absl::StatusOr<MessageRef> CreateMessageWithProperties(
      const Publishing& p, std::optional<int64_t> expiration_ms,
      const std::vector<std::string>& extra_keys);
  // Enqueues a routed publish (or returns/drops it) and sends its confirm.
  // Returns whether every target queue accepted it.
  bool CompletePublish(ChannelState& ch, const MessageRef& m, const QueueList& targets,
                       bool mandatory, uint64_t confirm_seq);

  // -- direct reply-to (broker_reply_to.cc) --
  bool IsReplyName(std::string_view routing_key) const;
  // A new reply name: "amq.rabbitmq.reply-to." + base64 of a pid term +
  // "." + base64 of 16 random bytes, the shape of RabbitMQ's (40 + 24
  // characters, standard alphabet); the pid is the reply consumer's number.
  std::string NewReplyName();
  bool ReplyNameDecodes(std::string_view name) const;
  absl::StatusOr<std::string> ConsumeReplyTo(ChannelState& ch, DeliveryCallback cb,
                                             const ConsumeOptions& o);
  void DropReplyConsumer(ChannelState& ch);
  absl::StatusOr<QueueDeclareOk> DeclareReplyTo(ChannelState& ch, std::string_view name);
  // A publish to the default exchange addressed to a reply name.
  void DeliverReply(ChannelState& from, const MessageRef& ref, bool mandatory,
                    uint64_t confirm_seq);

  // -- dead-lettering (broker_dead_letter.cc) --
  // Settles `e` (currently in ledger state `from`) out of `q` for `reason`.
  void DeadLetter(Queue& q, Envelope e, DeathReason reason, CopyState from);

  // RESOURCE_EXHAUSTED naming SimulationOptions::max_live_messages.
  absl::Status LiveBoundReached() const;

  // -- trace helpers --
  // Takes the detail by view and tests the tracer inline: on the hot path
  // (publish, deliver, ack, requeue) with tracing off, nothing is copied,
  // allocated or called.
  void Trace(TraceKind kind, MessageId m, std::string_view queue, std::string_view channel,
             std::string_view detail, uint64_t copy = 0) {
    if (tracer_.enabled()) EmitTrace(kind, m, queue, channel, detail, copy);
  }
  void EmitTrace(TraceKind kind, MessageId m, std::string_view queue, std::string_view channel,
                 std::string_view detail, uint64_t copy);
  template <typename Fn>
  void Later(const char* label, Fn fn) {
    scheduler_.ScheduleNow(std::move(fn), label);
  }

  SimulationOptions options_;
  Scheduler& scheduler_;  // these three: the Simulation's Environment
  Random& random_;
  Tracer& tracer_;
  Ledger ledger_;
  PolicyStore policies_;
  uint64_t next_id_ = 1;          // connections, channels, queues
  uint64_t next_message_id_ = 1;
  uint64_t next_binding_seq_ = 1;
  uint64_t route_epoch_ = 0;  // one per Route call: de-duplicates in O(1)
  uint64_t exchange_generation_ = 1;  // bumped when an exchange is deleted
  // Nesting of synchronous dead-letter enqueues (DL -> enqueue -> expiry
  // -> DL ...). Past a small depth the enqueue becomes an event at the same
  // instant, so a TTL-0 ping-pong that cycle detection lets through (a
  // "rejected" entry in the loop) is a livelock the Run* bound reports,
  // not a stack overflow.
  int dead_letter_depth_ = 0;
  int synchronous_hops_ = 0;  // dead-letter hops in the current cascade
  // The Delivery handed to consumer callbacks, refilled per delivery so its
  // strings keep their capacity; a nested run (a callback that runs the
  // simulation) uses a fresh one.
  Delivery delivery_scratch_;
  const Consumer* scratch_consumer_ = nullptr;  // whose tag/queue it holds
  bool delivering_ = false;
  // Retired consumers with no delivery left. Freed only when no consumer
  // callback is on the stack: a callback that cancels (or closes) and then
  // runs the simulation must not see its own closure freed underneath it.
  std::vector<std::unique_ptr<Consumer>> graveyard_;
  void Bury(std::vector<std::unique_ptr<Consumer>>& retired) {
    if (retired.empty()) return;
    for (auto& c : retired) graveyard_.push_back(std::move(c));
    retired.clear();
  }
  void FreeGraveyardIfSafe() {
    if (!delivering_ && !graveyard_.empty()) FreeGraveyard();
  }
  void FreeGraveyard();
  absl::btree_map<std::string, std::unique_ptr<Exchange>, std::less<>> exchanges_;
  absl::btree_map<std::string, std::unique_ptr<Queue>, std::less<>> queues_;
  std::vector<Queue*> queues_by_id_;  // index: queue id; nullptr once deleted
  // Hash indexes for the per-publish lookups; only looked up, never
  // iterated (the btree maps above give the deterministic order).
  absl::flat_hash_map<std::string, Exchange*> exchange_by_name_;
  absl::flat_hash_map<std::string, Queue*> queue_by_name_;
  absl::flat_hash_map<std::string, uint64_t> reply_channels_;  // reply name -> channel id
  uint32_t reply_pids_ = 0;  // reply consumers so far (the "pid" in their names)
  std::vector<ChannelState*> channel_by_id_;  // index: channel id
  absl::btree_map<uint64_t, std::unique_ptr<ConnectionState>> connections_;
  absl::btree_map<uint64_t, std::unique_ptr<ChannelState>> channels_;
};

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_BROKER_H_
