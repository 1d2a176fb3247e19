// One Celery worker process (prefork or solo pool): receives task
// messages, holds ETA messages unacked, runs bodies on virtual time and
// acks/rejects per the Celery 5.2 state machine.
#ifndef WARREN_SIM_CELERY_WORKER_H_
#define WARREN_SIM_CELERY_WORKER_H_

#include <deque>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "sim/celery/celery_internal.h"

namespace warren::celery {

class Worker {
 public:
  Worker(CeleryApp::Impl& app, WorkerSpec spec) : app_(app), spec_(std::move(spec)) {}
  const std::string& name() const { return spec_.name; }
  absl::Status Start();
  // Connects, sets QoS and consumes. A broker-closed channel (e.g. the 406
  // consumer timeout) is an "Unrecoverable error": the worker exits.
  absl::Status Connect();
  // revoke: a broadcast only live workers receive; each keeps its own set.
  void AddRevoked(const std::string& task_id) { if (alive_) revoked_.insert(task_id); }
  // The process exits: its connection closes. `clean_exit`: its own warm
  // shutdown (exit code 0), which a supervisor does not restart.
  void Die(std::string why, bool clean_exit = false);
  // Warm shutdown (SIGTERM), as probed (tests/conformance/probes/
  // celery_warm_shutdown.py): consuming stops at once. Prefork lets the
  // running tasks finish and starts nothing else; solo interrupts the
  // running body (no state stored; a deferred early ack still goes out)
  // and then runs every message it had already received. Then the process
  // exits and its connection closes: what it still holds (prefetched, ETA)
  // goes back to the queue.
  absl::Status WarmShutdown();
  absl::Status KillChild();   // SIGKILL of the child running a job
  bool alive() const { return alive_; }
  // revoke --terminate: kills the child if it runs `task_id`.
  void Terminate(const std::string& task_id);

 private:
  // This process's origin header and app oid (reply_to) for the retries it
  // publishes: a new process at each start.
  CeleryApp::Impl::Sender sender_;
  bool acks_late(const TaskSpec& t) const;
  void OnDelivery(const Delivery& d);
  bool RevokedOrExpired(Job& job);
  void Enqueue(std::shared_ptr<Job> job);
  void Pump();
  void Execute(std::shared_ptr<Job> job);
  void Finish(std::shared_ptr<Job> job, const TaskSpec& t, const Attempt& a);
  void Retry(Job& job, const TaskSpec& t, const std::string& exc, absl::Duration countdown,
             std::optional<int> max_retries);
  void Failure(Job& job, const TaskSpec& t, const std::string& exc);
  // What left the tracer after the second on_failure call.
  enum class Escape { kReject, kRetry, kException };
  void Escaped(Job& job, const TaskSpec& t, Escape what, bool requeue, const std::string& exc);
  absl::Duration AutoRetryCountdown(const Job& job, const TaskSpec& t) const;
  void FailureDisposition(Job& job, const TaskSpec& t);
  // Frees the slot of a job whose child died; the pending Finish is void.
  std::shared_ptr<Job> TakeRunning(const std::shared_ptr<Job>& job);
  int slots() const { return spec_.pool == Pool::kSolo ? 1 : spec_.concurrency; }
  void HardTimeLimit(std::shared_ptr<Job> job, uint64_t run);
  void PublishRetryOrReject(Job& job, const std::string& exc, absl::Duration countdown);
  // Deferred to the event loop (solo + ETA: to the next wake-up).
  void Ack(Job& job);
  void Reject(Job& job, bool requeue);
  enum class Settlement { kAck, kReject, kRequeue };
  void Settle(Job& job, Settlement how);
  void SendEarlyAckIfPending(Job& job);
  // basic.qos global for prefetch_, as kombu sets it (see ApplyQos).
  absl::Status ApplyQos();
  absl::Time EtaDispatchTime(absl::Time eta) const;
  // During a warm shutdown: exits once nothing is left to run.
  void MaybeFinishShutdown();

  CeleryApp::Impl& app_;
  WorkerSpec spec_;
  std::optional<Connection> conn_;
  std::optional<Channel> ch_;
  bool alive_ = false;
  bool stopping_ = false;  // a warm shutdown is under way
  std::vector<std::string> consumer_tags_;
  absl::Time started_;
  int prefetch_ = 0;
  bool qos_disabled_warned_ = false;
  int busy_ = 0;
  std::deque<std::shared_ptr<Job>> pending_;
  std::deque<std::shared_ptr<Job>> running_;  // jobs in pool slots, oldest first
  std::set<std::string, std::less<>> revoked_;
  uint64_t runs_ = 0;
  uint64_t session_ = 0;
};

}  // namespace warren::celery

#endif  // WARREN_SIM_CELERY_WORKER_H_
