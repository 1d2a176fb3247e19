// A model of a Celery 5.2 worker (and its producer side and result backend)
// running against the simulated broker, per ../shared/spec/celery-worker.md:
// early vs late acks, Reject/Ignore/Retry, autoretry with backoff and
// seeded jitter, the on_failure-raises-again path and its pool-specific
// endings (prefork parent reject, solo "Error in timer" swallowing, solo
// worker crash), ETA messages held unacked with a prefetch bump, expired or
// revoked messages acked on receipt, the 5.2.6 retry-with-expires bug.
//
// The model is a client of the public Channel API, like any embedder. Not
// thread-safe; the CeleryApp must not outlive its Simulation.
//
//   warren::Simulation sim;
//   warren::celery::CeleryApp app(sim, {.task_acks_late = true});
//   app.DefineTask({.name = "flaky", .autoretry_for = {"RuntimeError"},
//                   .retry_countdown = absl::Seconds(1),
//                   .on_failure = warren::celery::OnFailure::kRaiseReject,
//                   .attempts = {{.kind = warren::celery::Attempt::Kind::kRaise}}});
//   app.StartWorker({.name = "w1", .queues = {"task_queue"}});
//   app.ApplyAsync("flaky", {.queue = "task_queue"});
//   sim.RunFor(absl::Minutes(1));
#ifndef WARREN_INCLUDE_WARREN_CELERY_H_
#define WARREN_INCLUDE_WARREN_CELERY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "warren/field_value.h"
#include "warren/simulation.h"

namespace warren::celery {

// What the task body does on one execution.
struct Attempt {
  enum class Kind {
    kSucceed,
    kRaise,   // raise `exception` (autoretry_for may turn it into a retry)
    kRetry,   // raise self.retry(exc=exception, countdown=countdown)
    kReject,  // raise Reject(requeue=requeue)
    kIgnore,  // raise Ignore()
  };
  Kind kind = Kind::kSucceed;
  std::string exception = "RuntimeError";
  std::optional<absl::Duration> countdown;  // kRetry; unset: the task's rule
  bool requeue = false;                     // kReject
  absl::Duration duration = absl::ZeroDuration();  // how long the body runs
  // Seeded probability that this outcome happens; otherwise the body
  // succeeds (after the same duration). 1: always.
  double probability = 1.0;
  // When set, this entry is the body's choice whenever it holds (the first
  // such entry in order wins), whatever the execution count: the body
  // branching on self.request.retries or on its arguments. Unset fields
  // always hold.
  struct When {
    std::optional<int> retries;           // self.request.retries == N
    std::optional<int> retries_at_least;  // self.request.retries >= N
    // An argument: a positional index ("0", "1"...) or a keyword name;
    // with `equals`, it must have that value (numbers across widths), else
    // it must be present.
    std::optional<std::string> arg;
    std::optional<FieldValue> equals;
  };
  std::optional<When> when;
};

// What the task base class's on_failure does.
enum class OnFailure {
  kNothing,
  kRaiseReject,         // raise Reject()            (the seed's DlqAwareTask)
  kRaiseRejectRequeue,  // raise Reject(requeue=True)
  // if self.request.retries < max_retries: raise self.retry(exc=exc)
  // else: raise Reject()                     (the seed's RetryInFailureTask)
  kRetryThenReject,
};

struct TaskSpec {
  std::string name;
  std::optional<bool> acks_late;                   // unset: app's task_acks_late
  std::optional<bool> acks_on_failure_or_timeout;  // unset: app's setting
  std::optional<bool> reject_on_worker_lost;        // unset: app's setting
  std::vector<std::string> autoretry_for;  // exception names
  std::optional<int> max_retries = 3;      // nullopt: retry forever
  absl::Duration default_retry_delay = absl::Seconds(180);
  std::optional<absl::Duration> retry_countdown;  // retry_kwargs={"countdown": ...}
  std::optional<int> retry_max_retries;           // retry_kwargs={"max_retries": ...}
  int retry_backoff = 0;                           // 0 off; True == 1
  absl::Duration retry_backoff_max = absl::Seconds(600);
  bool retry_jitter = true;
  OnFailure on_failure = OnFailure::kNothing;
  // Prefork only (the solo pool has no time limits): past soft_time_limit
  // the body raises SoftTimeLimitExceeded; past time_limit the child is
  // killed: FAILURE(TimeLimitExceeded), then the usual failure disposition
  // (acks_late: ack, or reject without acks_on_failure_or_timeout).
  std::optional<absl::Duration> soft_time_limit;
  std::optional<absl::Duration> time_limit;
  // The first entry with a `when` that holds; otherwise execution n
  // (0-based) does the n-th entry without a `when` (the last one repeats);
  // none: succeed.
  std::vector<Attempt> attempts;
};

// A queue listed in the app's task_queues setting: kombu's
// Queue(name, queue_arguments=..., durable=...) with no exchange of its own,
// which Celery binds to its default exchange ("celery", direct) with the
// default routing key ("celery").
struct TaskQueue {
  std::string name;
  QueueDeclareOptions options;
};

struct AppConfig {
  // What a producer declares before its first publish to a queue (per
  // connection, as kombu's maybe_declare caches) and a worker declares for
  // each queue it consumes when it starts, observed on Celery 5.2.6 +
  // RabbitMQ 3.10.8: a queue in `task_queues` with its options; any other
  // name, when task_create_missing_queues, as Queue(name, Exchange(name,
  // direct, durable), routing_key=name), durable and without arguments. A
  // queue that exists with other arguments answers 406 PRECONDITION_FAILED:
  // apply_async fails and a worker dies ("Unrecoverable error").
  bool task_create_missing_queues = true;
  std::vector<TaskQueue> task_queues;
  // A convenience for tests whose topology is declared on the Simulation
  // first: task_queues is taken to list every queue that exists when it is
  // declared, with the options it was declared with (a deployment whose
  // Celery configuration matches its broker). Listed task_queues win.
  bool task_queues_from_broker = false;
  bool task_acks_late = false;
  bool task_acks_on_failure_or_timeout = true;
  // A task's reject_on_worker_lost when it sets none (Task.from_config).
  bool task_reject_on_worker_lost = false;
  int worker_prefetch_multiplier = 4;
  // Keep the event feed (events()). A run of millions of tasks may turn it
  // off: each task attempt records several events. Trace lines are written
  // whenever SimulationOptions::trace is on.
  bool record_events = true;
};

enum class Pool { kPrefork, kSolo };

struct WorkerSpec {
  std::string name;
  Pool pool = Pool::kPrefork;
  // Prefork: pool processes. Solo runs one body at a time; concurrency only
  // sizes its prefetch (solo without -c reports the CPU count, observed 2).
  int concurrency = 1;
  std::vector<std::string> queues = {"celery"};
  // Prefork: an ETA task reaches the child only at the pool's maintenance
  // tick (observed every 5 s in an idle worker), phased from worker start.
  absl::Duration prefork_tick = absl::Seconds(5);
  // Solo: an ack/reject decided by a timer-run (ETA) task is sent only at
  // the next event-loop wake-up (observed up to 10 s; 9.5 s once).
  absl::Duration solo_wakeup = absl::Seconds(10);
  // After a prefork child is SIGKILLed the parent notices the lost worker
  // about this much later (observed: redelivery ~2 s after the kill).
  absl::Duration worker_lost_delay = absl::Seconds(2);
  absl::Duration start = absl::ZeroDuration();
  // A supervisor (systemd Restart=on-failure, a Kubernetes pod) starting
  // the worker again this long after it died of anything but its own warm
  // shutdown: a kill, an unrecoverable error. Unset: it stays dead.
  std::optional<absl::Duration> restart_after;
};

struct ApplyOptions {
  std::string queue = "celery";
  std::optional<absl::Duration> countdown;  // header eta = now + countdown
  std::optional<absl::Time> eta;
  std::optional<absl::Duration> expires;    // relative; also the AMQP expiration
  std::optional<absl::Time> expires_at;     // absolute (may be in the past)
  std::string task_id;                      // empty: generated
  // The task's arguments: the body [args, kwargs, embed] and the argsrepr /
  // kwargsrepr headers are written from them as Celery writes them.
  std::vector<FieldValue> args;
  FieldTable kwargs;
};

// One row of celery_taskmeta (PENDING when there is no row).
struct TaskState {
  std::string id;
  std::string name;
  std::string state = "PENDING";  // RETRY, FAILURE, SUCCESS, REVOKED
  std::string result;             // exception repr for FAILURE/RETRY/REVOKED
  int retries = 0;
  std::optional<absl::Time> date_done;
  int executions = 0;             // not in the backend: how often the body ran
  int published = 0;              // messages published for this id (retries incl.)
};

// A Celery-style event (celery events): task-sent, task-received,
// task-started, task-succeeded, task-failed, task-retried, task-rejected,
// task-revoked, worker-lost, worker-offline.
struct CeleryEvent {
  absl::Time time;
  std::string type;
  std::string task_id;
  std::string worker;
  std::string detail;
};

class CeleryApp {
 public:
  CeleryApp(Simulation& sim, AppConfig config = {});
  ~CeleryApp();
  CeleryApp(const CeleryApp&) = delete;
  CeleryApp& operator=(const CeleryApp&) = delete;

  absl::Status DefineTask(TaskSpec task);
  // Publishes a task message now (default exchange, routing key = queue).
  absl::StatusOr<std::string> ApplyAsync(std::string_view task, const ApplyOptions& options);
  // Connects, sets prefetch, consumes `queues`. Effective at the current instant.
  absl::Status StartWorker(const WorkerSpec& worker);
  // The whole worker dies (connection drop): RabbitMQ requeues its unacked.
  absl::Status KillWorker(std::string_view worker);
  // Warm shutdown (SIGTERM): consuming stops at once; a prefork worker
  // lets its running tasks finish and starts nothing else; a solo worker
  // interrupts the running body (it never completes; a deferred early ack
  // still goes out: the task is lost) and then runs the messages it had
  // already received. Then it exits and RabbitMQ requeues what it still
  // held (prefetched, ETA). Probed: tests/conformance/probes/
  // celery_warm_shutdown.py.
  absl::Status StopWorker(std::string_view worker);
  // SIGKILL of the prefork child running a job: WorkerLostError path.
  absl::Status KillChild(std::string_view worker);
  // celery revoke <id>: a broadcast that workers alive now remember (each its
  // own set; a restarted worker forgets); checked on receipt and again when
  // a pool slot frees up. With terminate, a job running in a prefork child
  // is killed too: REVOKED('terminated') and the message is acked.
  void Revoke(std::string_view task_id, bool terminate = false);
  // Starts a worker that was killed (or crashed) again, with its spec.
  absl::Status RestartWorker(std::string_view worker);

  std::optional<TaskState> Task(std::string_view id) const;
  std::vector<TaskState> Tasks() const;  // by id
  // SELECT * FROM celery_taskmeta WHERE status = state
  std::vector<TaskState> TasksInState(std::string_view state) const;
  const std::vector<CeleryEvent>& events() const;

 private:
  friend class Worker;
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace warren::celery

#endif  // WARREN_INCLUDE_WARREN_CELERY_H_
