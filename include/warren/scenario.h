// Scenario replay files: a broker topology, scripted AMQP clients, a
// timeline of steps on virtual time, and expectations, loaded from JSON
// (format version 1, JSON Schema in scenarios/schema.json) or built in C++.
//
// Three stages: text -> JSON (parse errors keep line and column) -> a
// ScenarioSpec of plain structs (every error names the file, the JSON
// pointer, what was expected and what was found; unknown keys are errors)
// -> a Simulation run whose outcome is checked against the expectations.
// Nothing runs half-loaded: a spec either loads whole or not at all.
#ifndef WARREN_INCLUDE_WARREN_SCENARIO_H_
#define WARREN_INCLUDE_WARREN_SCENARIO_H_

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "warren/celery.h"
#include "warren/field_value.h"
#include "warren/figures.h"
#include "warren/message.h"
#include "warren/observation.h"
#include "warren/options.h"
#include "warren/trace.h"

namespace warren {

struct ScenarioExchange {
  std::string name;
  ExchangeDeclareOptions options;
};

struct ScenarioQueue {
  std::string name;  // "" asks for a server-named queue ("amq.gen-...")
  // Only with `name` "": how the rest of the file refers to the server-named
  // queue ("as" in JSON); without it nothing can. AMQP's own meaning of ""
  // elsewhere (the channel's last declared queue) has no place in a file.
  std::string alias;
  QueueDeclareOptions options;
};

struct ScenarioPolicy {
  PolicySpec spec;
  bool operator_policy = false;  // rabbitmqctl set_operator_policy
};

struct ScenarioBinding {
  std::string source;       // exchange
  std::string destination;  // queue, or exchange when to_exchange
  bool to_exchange = false;
  std::string routing_key;
  FieldTable arguments;
};

// When a client rule applies. Unset fields always match.
struct ClientCondition {
  std::optional<int> attempt;  // 1-based count of deliveries of this message to this client
  std::optional<bool> redelivered;
  // Sum of x-death counts (optionally only entries of `x_death_queue`).
  std::optional<int64_t> x_death_count_at_least;
  std::optional<int64_t> x_death_count_below;
  std::optional<std::string> x_death_queue;
  std::optional<std::string> header;  // header that must be present...
  std::optional<FieldValue> header_equals;  // ...and, if set, equal this
};

enum class ClientAction {
  kAck,
  kReject,     // basic.reject requeue=false (dead-letters if a DLX is set)
  kRequeue,    // basic.reject requeue=true
  kNack,       // basic.nack requeue=false
  kHold,       // never settle
  kRepublish,  // publish a copy (headers kept) to exchange/routing key, then ack
  kCrash,      // close the connection without settling: everything requeues
};

struct ClientRule {
  ClientCondition when;
  ClientAction action = ClientAction::kAck;
  absl::Duration delay = absl::ZeroDuration();  // think time before acting
  std::string republish_exchange;
  std::string republish_routing_key;
};

// A plain AMQP consumer with scripted behaviour: for each delivery the
// first rule whose condition holds decides; without a match it acks.
struct ExpectedError {
  // AMQP reply code, e.g. 406; 0 on set_policy / clear_policy, which are not
  // AMQP methods (the management API's error has only a text).
  uint16_t code = 0;
  std::string closes;     // "channel" or "connection"
  std::string text;       // optional: exact reply text
};

struct ScenarioClient {
  std::string name;
  std::string queue;
  uint16_t prefetch = 0;
  absl::Duration start = absl::ZeroDuration();
  std::vector<ClientRule> rules;
  // Set when starting the client (basic.qos + basic.consume) must fail,
  // e.g. 405 consuming another connection's exclusive queue.
  std::optional<ExpectedError> expect_error;
};

// The Celery part of a scenario: app settings, tasks and workers.
struct ScenarioCelery {
  // app.task_queues is filled when the run starts: from the file's
  // top-level queues named here ("task_queues"), all of them if unset.
  celery::AppConfig app;
  std::optional<std::vector<std::string>> task_queue_names;
  std::vector<celery::TaskSpec> tasks;
  std::vector<celery::WorkerSpec> workers;
};

// Timeline steps: one struct per action, a ScenarioStep holds one of them.
// The parser's table (sim/scenario/parser.cc) names each action's JSON key
// once; the reference check and the runner std::visit the variant, so an
// action added here and forgotten there does not compile.
struct PublishStep {
  Publishing publish;
  int count = 1;        // how many copies to publish
  std::string label;    // names the message(s) for fate checks
  bool confirm = false; // confirm.select the publisher channel first
};
struct SetPolicyStep {
  PolicySpec policy;
  bool operator_policy = false;
};
struct ClearPolicyStep {
  std::string name;
};
struct DeclareExchangeStep {
  ScenarioExchange exchange;
};
struct DeclareQueueStep {
  ScenarioQueue queue;
};
struct BindStep {
  ScenarioBinding binding;
};
struct UnbindStep {
  ScenarioBinding binding;
};
struct DeleteQueueStep {  // "delete_queue": a name, or {name, if_unused, if_empty}
  std::string queue;
  QueueDeleteOptions options;
};
struct PurgeQueueStep {
  std::string queue;
};
struct DeleteExchangeStep {  // "delete_exchange": a name, or {name, if_unused}
  std::string exchange;
  bool if_unused = false;
};
// The channel-level methods below run on a step's named connection (see
// ScenarioStep::connection), which the file must give them.
struct GetStep {  // basic.get; the reply (get-ok or get-empty) is observed
  std::string queue;
  bool no_ack = false;
};
struct ConsumeStep {  // basic.consume; deliveries are observed and held
  std::string queue;
  ConsumeOptions options;  // consumer_tag "" = server-generated
};
struct CancelStep {  // basic.cancel
  std::string consumer_tag;
};
struct QosStep {  // basic.qos
  QosOptions qos;
};
// basic.ack / basic.nack / basic.reject of the channel's delivery tag.
struct AckStep {
  DeliveryTag delivery_tag;
  bool multiple = false;
};
struct NackStep {
  DeliveryTag delivery_tag;
  bool multiple = false;
  bool requeue = true;
};
struct RejectStep {
  DeliveryTag delivery_tag;
  bool requeue = true;
};
struct RecoverStep {  // basic.recover
  bool requeue = true;
};
enum class TxMethod { kSelect, kCommit, kRollback };
struct TxStep {  // "tx": "select" | "commit" | "rollback"
  TxMethod method = TxMethod::kSelect;
};
struct CloseStep {  // "close": "channel" | "connection", by the client
  bool connection = false;
};
// The client's connection closes (a crash); its unacked messages requeue.
struct StopClientStep {
  std::string client;
};
// Celery producer: task.apply_async(...).
struct ApplyAsyncStep {
  std::string task;
  celery::ApplyOptions apply;  // eta: from the scenario's start (the runner rebases it)
  std::optional<absl::Duration> expires_relative;  // may be negative: in the past
  std::string label;
};
struct KillWorkerStep {  // the whole Celery worker dies
  std::string worker;
};
struct KillChildStep {  // SIGKILL of the prefork child running a job
  std::string worker;
};
struct RevokeStep {  // celery revoke <id of the labelled task>
  std::string label;
};
struct TerminateStep {  // celery revoke --terminate <id of the labelled task>
  std::string label;
};
struct RestartWorkerStep {  // start a killed or crashed Celery worker again
  std::string worker;
};
struct StopWorkerStep {  // SIGTERM: the worker's warm shutdown (CeleryApp::StopWorker)
  std::string worker;
};
using StepAction =
    std::variant<PublishStep, SetPolicyStep, ClearPolicyStep, DeclareExchangeStep,
                 DeclareQueueStep, BindStep, UnbindStep, DeleteQueueStep, PurgeQueueStep,
                 DeleteExchangeStep, StopClientStep, ApplyAsyncStep, KillWorkerStep,
                 KillChildStep, RevokeStep, TerminateStep, RestartWorkerStep, GetStep,
                 ConsumeStep, CancelStep, QosStep, AckStep, NackStep, RejectStep, RecoverStep,
                 TxStep, CloseStep, StopWorkerStep>;

struct ScenarioStep {
  absl::Duration at;
  std::string pointer;  // JSON pointer of the step, for reports
  StepAction action;
  std::optional<ExpectedError> expect_error;
  // Where an AMQP step runs: a connection of the file's own naming, opened
  // at its first step (and again after it closed), and a channel number on
  // it (opened likewise). Empty: the runner's own connections (publishes on
  // one, everything else on another), which reopen after an error too.
  std::string connection;
  uint16_t channel = 1;
};

struct ExpectedXDeath {
  std::string queue;
  std::string reason;
  int64_t count = 0;
  // Checked when set.
  std::optional<std::string> exchange;
  std::optional<std::vector<std::string>> routing_keys;
  std::optional<std::string> original_expiration;
  // The entry's "time" (an AMQP timestamp: whole seconds), as seconds from
  // the run's start.
  std::optional<int64_t> time_s;
};

struct ExpectedMessage {
  std::optional<std::string> body;
  std::optional<bool> redelivered;
  std::optional<std::vector<ExpectedXDeath>> x_death;  // whole array, newest first
  FieldTable headers;  // each must be present with this value (any integer type)
  std::vector<std::string> absent_headers;
  std::vector<std::string> present_headers;  // with any value
  // Header name -> AMQP field type name ("long", "longstr", "timestamp"...).
  std::map<std::string, std::string> header_types;
  // Header name -> milliseconds after the message's own publish: the header
  // (an ISO 8601 string, as Celery's eta and expires, or an AMQP
  // timestamp, to the second) names that instant.
  std::map<std::string, int64_t> header_ms_after_publish;
  // Each property given must be set to this value (headers aside: above).
  BasicProperties properties;
};

// One struct per kind of expectation; the JSON key that selects each is
// named once, in the parser's table (ExpectationKeys()).
struct QueueExpectation {  // "queue": depth and/or messages of a queue
  std::string queue;
  std::optional<uint64_t> ready;
  std::optional<uint64_t> unacked;
  std::optional<uint64_t> enqueued;  // copies that ever entered the queue
  std::optional<std::vector<ExpectedMessage>> messages;  // ready messages, head first
  // The queue's actual name starts so: for a server-named queue
  // ("amq.gen-"), which the file knows by its alias.
  std::optional<std::string> name_prefix;
};
// "client": what a scripted client, or a named channel ("conn" or
// "conn/2"), received and saw. Only what is given is checked.
struct ClientExpectation {
  std::string client;
  std::optional<std::vector<ExpectedMessage>> deliveries;  // all of them, in order
  std::optional<uint64_t> delivery_count;
  // Server-sent cancels and closes, exactly: "cancel" (a named channel's:
  // "cancel <tag>"), "406 PRECONDITION_FAILED - ...".
  std::optional<std::vector<std::string>> events;
};
struct QueueGoneExpectation {  // "queue_gone": the queue does not exist
  std::string queue;
};
struct FateExpectation {  // "fate": where a labelled message ended
  std::string label;
  std::vector<std::string> copies;  // "queue:state" per copy, in order
  std::vector<std::string> drops;   // message-level drops
};
struct EventCountExpectation {  // "event": trace events of a kind
  std::string event;  // trace kind name
  std::string queue;  // only those about this queue; empty: all
  uint64_t equals = 0;
};
struct CounterExpectation {  // "counter": a ledger counter
  std::string counter;  // "published", "unroutable", ...
  uint64_t equals = 0;
};
struct TaskExpectation {  // "task": a Celery task's backend row (by apply_async label)
  std::string label;
  std::optional<std::string> state;
  std::optional<std::string> result;
  std::optional<int> executions;
  std::optional<int> retries;
  std::optional<int> published;  // messages published for the id
  // Whether celery_taskmeta has a row for the id: only once a state was
  // stored (RETRY, FAILURE, SUCCESS, REVOKED). With none, AsyncResult
  // reports PENDING all the same; this tells the two apart.
  std::optional<bool> backend_row;
};
struct TasksInStateExpectation {  // "tasks_in_state": backend rows in a state
  std::string state;
  uint64_t equals = 0;
};
struct CeleryEventExpectation {  // "celery_event": Celery events of a type
  std::string event;
  uint64_t equals = 0;
};
using ExpectationCheck =
    std::variant<QueueExpectation, QueueGoneExpectation, FateExpectation, EventCountExpectation,
                 CounterExpectation, TaskExpectation, TasksInStateExpectation,
                 CeleryEventExpectation, ClientExpectation>;

struct Expectation {
  std::optional<absl::Duration> at;  // unset: at the end
  std::string pointer;
  ExpectationCheck check;
};

struct ScenarioSpec {
  std::string file;  // where it came from, for messages
  std::string name;
  std::string description;
  SimulationOptions options;
  std::vector<ScenarioExchange> exchanges;
  std::vector<ScenarioQueue> queues;
  std::vector<ScenarioBinding> bindings;
  std::vector<ScenarioPolicy> policies;
  std::vector<ScenarioClient> clients;
  std::optional<ScenarioCelery> celery;
  std::vector<ScenarioStep> timeline;
  std::vector<Expectation> expectations;
  absl::Duration run_for = absl::Minutes(10);  // virtual time to run
  // Bound on the whole run's work: events run (housekeeping ticks excepted),
  // publishes (steps' included) and dead-letter hops. Past it the run stops
  // with a livelock report. (options.max_live_messages is in `options`.)
  int64_t max_events = 5'000'000;
};

// Loads and validates a scenario. Errors are INVALID_ARGUMENT (or NOT_FOUND
// for a missing file) reading "<file>: <json pointer>: expected ..., got ...".
absl::StatusOr<ScenarioSpec> LoadScenarioFile(const std::string& path);
absl::StatusOr<ScenarioSpec> ParseScenario(std::string_view json_text, std::string_view file);

struct ExpectationFailure {
  std::string pointer;
  std::string what;  // "queue 'dlq' ready: expected 1, got 0"
};

struct ScenarioResult {
  std::vector<ExpectationFailure> failures;
  std::vector<std::string> step_errors;  // steps that failed unexpectedly
  // The latest trace events (SimulationOptions::trace_kept_events of them at
  // most; RunOptions::on_trace_event sees them all), and how many in all.
  std::vector<TraceEvent> trace;
  uint64_t trace_events_total = 0;
  std::vector<std::string> queue_table;  // rabbitmqctl list_queues style lines
  RunFigures figures;  // depths, latencies, deliveries: see figures.h
  std::vector<celery::TaskState> tasks;  // the Celery backend's rows at the end, by id
  // What the clients saw, ending with every queue drained by basic.get after
  // the run (the trace and queue table are taken before that drain).
  Observation observation;
  absl::Time start;
  bool ok() const { return failures.empty() && step_errors.empty(); }
};

// Runs a loaded scenario on a fresh Simulation. Never throws; a scenario
// that livelocks reports it as a step error.
struct RunOptions {
  // Fill result.observation completely: copy every delivery the scripted
  // clients get and, after the run, drain every queue with basic.get (what
  // `warren observe` and the conformance suite compare). Off for plain runs,
  // which then record only step replies, client events, returns and
  // confirms: the copies would cost a body per delivered message.
  bool observe = false;
  // Called with every trace event as it happens (SimulationOptions::
  // trace_sink): how `warren run` streams a long run's timeline and trace
  // file without holding them in memory.
  std::function<void(const TraceEvent&)> on_trace_event;
  // How many messages the observation may hold: deliveries and drained
  // messages when `observe`, returns always (each a copy of a body and its
  // properties). Past it they are counted out, the run goes on, and it ends
  // with a step error saying so (exit 1; `warren observe` prints the partial
  // observation).
  uint64_t max_observed_messages = 25'000;
  // Compute ScenarioResult::figures (about 1.5x the time of a publish-heavy
  // run and ~190 bytes per live message copy). Off: figures stay empty.
  bool figures = true;
};
ScenarioResult RunScenario(const ScenarioSpec& spec, const RunOptions& options = {});

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_SCENARIO_H_
