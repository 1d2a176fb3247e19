// One Celery worker process (prefork or solo pool): receives task
// messages, holds ETA messages unacked, runs bodies on virtual time and
// acks/rejects per the Celery 5.2 state machine.
#ifndef WARREN_SIM_WORKER_WORKER_H_
#define WARREN_SIM_WORKER_WORKER_H_

#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "sim/worker/celery_internal.h"

namespace warren::celery {

class Worker {
 public:
  Worker(CeleryApp::Impl& app, WorkerSpec spec) : app_(app), spec_(std::move(spec)) {}
  const std::string& name() const { return spec_.name; }
  absl::Status Start();
  // Connects (again), sets QoS and consumes. A broker-closed channel (e.g.
  // the 406 consumer timeout) makes the worker reconnect, as Celery's
  // consumer restarts; jobs of the old connection are forgotten (RabbitMQ
  // requeued their messages).
  absl::Status Connect();
  void Die(std::string why);  // the process exits: its connection closes
  absl::Status KillChild();   // SIGKILL of the child running a job
  bool alive() const { return alive_; }
  // revoke --terminate: kills the child if it runs `task_id`.
  void Terminate(const std::string& task_id);

 private:
  bool acks_late(const TaskSpec& t) const;
  void OnDelivery(const Delivery& d);
  bool RevokedOrExpired(Job& job);
  void Enqueue(std::shared_ptr<Job> job);
  void Pump();
  void Execute(std::shared_ptr<Job> job);
  void Finish(std::shared_ptr<Job> job, const TaskSpec& t, const Attempt& a);
  void Retry(Job& job, const TaskSpec& t, const std::string& exc,
             std::optional<absl::Duration> countdown);
  void Failure(Job& job, const TaskSpec& t, const std::string& exc);
  // An exception left the tracer after the second on_failure call.
  void Escaped(Job& job, const TaskSpec& t, bool is_reject, bool requeue,
               const std::string& exc);
  void FailureDisposition(Job& job, const TaskSpec& t);
  // Frees the slot of a job whose child died; the pending Finish is void.
  std::shared_ptr<Job> TakeRunning();
  void HardTimeLimit(std::shared_ptr<Job> job, uint64_t run);
  absl::Duration RetryCountdown(const Job& job, const TaskSpec& t) const;
  // Deferred to the event loop (solo + ETA: to the next wake-up).
  void Ack(Job& job);
  void Reject(Job& job, bool requeue);
  void Settle(Job& job, std::function<void(Channel&, DeliveryTag)> op);
  void SendEarlyAckIfPending(Job& job);
  absl::Time EtaDispatchTime(absl::Time eta) const;

  CeleryApp::Impl& app_;
  WorkerSpec spec_;
  std::optional<Connection> conn_;
  std::optional<Channel> ch_;
  bool alive_ = false;
  absl::Time started_;
  int prefetch_ = 0;
  int busy_ = 0;
  std::deque<std::shared_ptr<Job>> pending_;
  std::shared_ptr<Job> running_;  // the job a prefork child runs (concurrency 1 view)
  uint64_t runs_ = 0;
  uint64_t session_ = 0;
};

}  // namespace warren::celery

#endif  // WARREN_SIM_WORKER_WORKER_H_
