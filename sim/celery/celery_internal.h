// Internals shared by the Celery app model and its workers.
#ifndef WARREN_SIM_CELERY_CELERY_INTERNAL_H_
#define WARREN_SIM_CELERY_CELERY_INTERNAL_H_

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "sim/core/id_window.h"
#include "sim/core/random.h"
#include "sim/core/strings.h"
#include "sim/celery/iso_time.h"
#include "warren/celery.h"

namespace warren::celery {

// A received task message (Celery's Request), acknowledged at most once.
// A task's arguments, kept by the app for the bodies that branch on them
// (Attempt::When::arg): only for tasks applied with some.
struct TaskArguments {
  std::vector<FieldValue> args;
  FieldTable kwargs;
};

// The body's choice for an execution (see TaskSpec::attempts).
Attempt ChooseAttempt(const TaskSpec& t, int execution, int retries, const TaskArguments* args);

// What a task message carries besides its routing: the v2 headers that
// vary and the body. Views: the caller keeps the text alive for the call.
struct TaskMessage {
  std::string_view id;
  std::string_view task;
  int retries = 0;
  std::optional<absl::Time> eta;
  std::optional<absl::Time> expires;
  std::string_view root_id;
  std::optional<std::string_view> parent_id;
  std::string_view argsrepr;
  std::string_view kwargsrepr;
  std::string_view body;
  const std::string* origin = nullptr;    // "gen<pid>@<host>" of the sender
  const std::string* reply_to = nullptr;  // the sending app instance's oid
  // None on a first publish (task.apply_async passes priority=None); a
  // retry copies the received message's (signature_from_request).
  std::optional<int> priority;
};

struct Job {
  DeliveryTag tag;
  MessageRef message;  // keeps the headers that id and task point into
  std::string queue;   // the queue it was consumed from
  std::string_view id;
  std::string_view task;
  int retries = 0;
  std::optional<absl::Time> eta;
  std::optional<absl::Time> expires;
  std::string_view root_id;   // as received (a retry keeps it)
  std::string_view argsrepr, kwargsrepr;
  bool acknowledged = false;  // Request.acknowledge()/reject() act once
  bool from_timer = false;    // dispatched by an ETA timer
  bool early_ack_pending = false;  // solo: the deferred early ack
  uint64_t run = 0;           // execution generation (KillChild cancels)
  uint64_t session = 0;       // the worker's connection it arrived on
  TaskState* row = nullptr;   // its result-backend row (rows never move)
};

class Worker;

class CeleryApp::Impl {
 public:
  Impl(Simulation& sim, AppConfig config);
  Simulation& sim() { return sim_; }
  const AppConfig& config() const { return config_; }
  const TaskSpec* FindTask(std::string_view name) const;

  // Backend writes (celery_taskmeta) and counters.
  TaskState& Row(std::string_view id, std::string_view task);
  void MarkState(const Job& job, std::string state, std::string result);
  // Records an event (and a trace line) when either is wanted; the detail
  // parts are concatenated only then.
  template <typename... Parts>
  void Event(std::string_view type, std::string_view id, const std::string& worker,
             const Parts&... detail) {
    if (!config_.record_events && !sim_.options().trace) return;
    RecordEvent(type, id, worker, internal::Cat(detail...));
  }
  void RecordEvent(std::string_view type, std::string_view id, const std::string& worker,
                   std::string detail);

  // kombu's declaration of a task queue on `ch` (see AppConfig): exchange,
  // queue, binding. NOT_FOUND for an unknown queue when missing queues are
  // not created; a 406 closes `ch` as on RabbitMQ.
  absl::Status DeclareTaskQueue(Channel& ch, const std::string& queue);

  // Publishing: the first message of a task, and a retry of a received one.
  absl::StatusOr<std::string> Publish(std::string_view task, const ApplyOptions& o);
  // `origin` / `reply_to`: the retrying worker's process (see Sender).
  absl::Status PublishRetry(const Job& job, absl::Time eta, const std::string& origin,
                            const std::string& reply_to);
  const TaskArguments* ArgumentsOf(std::string_view id) const {
    if (arguments_.empty()) return nullptr;
    auto it = arguments_.find(absl::string_view(id.data(), id.size()));
    return it == arguments_.end() ? nullptr : &it->second;
  }
  // A new sending process: its origin header ("gen<pid>@warren") and its
  // app instance's oid (reply_to), uuid-shaped and derived from the seed,
  // so that they neither draw from nor shift the app's random stream.
  struct Sender {
    std::string origin;
    std::string oid;
  };
  Sender NewSender();
  uint64_t Jitter(uint64_t max_inclusive) { return random_.Uniform(max_inclusive + 1); }
  bool Chance(double p) { return random_.Bernoulli(p); }

  Simulation& sim_;
  AppConfig config_;
  internal::Random random_;
  std::map<std::string, TaskSpec, std::less<>> tasks_;
  // The rows, in creation order: a deque, so Job::row and the views in
  // row_index_ stay valid (a row's id is never changed once set). Hashed
  // by id (a std::map walk over 10^5 cold uuid keys was a third of a large
  // run) through a view of the row's own id: one allocation per row for
  // its id, none for a node or a key copy. Listed in id order by
  // SortedRows(), so hash order never shows.
  std::deque<TaskState> rows_;
  absl::flat_hash_map<absl::string_view, TaskState*> row_index_;
  TaskState* FindRow(std::string_view id) const;
  std::vector<const TaskState*> SortedRows() const;
  // The row of each message this app published, until a worker receives
  // it: no hashing of a cold uuid (a third of a million-task run) and no
  // random probe either (IdWindow). A miss (a redelivery, a message
  // published by someone else, a hint dropped because its message never
  // reached a worker of this app while 2^22 later ones were published)
  // falls back to Row().
  internal::IdWindow<TaskState> row_by_message_{size_t{1} << 22};
  TaskState* TakeRowOf(MessageId id) { return row_by_message_.Take(id.value); }
  std::vector<CeleryEvent> events_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::optional<Connection> producer_conn_;
  std::optional<Channel> producer_;
  std::set<std::string> producer_declared_;  // maybe_declare's cache, per producer connection
  uint64_t next_id_ = 1;
  absl::flat_hash_map<std::string, TaskArguments> arguments_;  // by task id; lookups only
  uint64_t next_pid_ = 1000;
  Sender producer_sender_;

 private:
  Channel& Producer();
  // The message being published, refilled in place for every task message
  // so its strings and header table keep their buffers.
  Publishing publishing_;
  std::string eta_text_, expires_text_;
  // `row`: the task's row when the caller has it, else looked up.
  absl::Status PublishMessage(const TaskMessage& m, std::string exchange, std::string routing_key,
                              std::optional<std::string> expiration, TaskState* row);
};

}  // namespace warren::celery

#endif  // WARREN_SIM_CELERY_CELERY_INTERNAL_H_
