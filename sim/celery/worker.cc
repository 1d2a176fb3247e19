#include "sim/celery/worker.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "sim/core/strings.h"

namespace warren::celery {
namespace {

bool Holds(const Attempt::When& w, int retries, const TaskArguments* args) {
  if (w.retries && retries != *w.retries) return false;
  if (w.retries_at_least && retries < *w.retries_at_least) return false;
  if (!w.arg) return true;
  const FieldValue* v = nullptr;
  const std::string& name = *w.arg;
  bool index = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isdigit(c) != 0;
  });
  if (args != nullptr && index) {
    size_t i = std::stoul(name.size() > 9 ? std::string("999999999") : name);
    if (i < args->args.size()) v = &args->args[i];
  } else if (args != nullptr) {
    v = args->kwargs.Find(name);
  }
  if (v == nullptr) return false;
  return !w.equals || v->LooselyEquals(*w.equals);
}

}  // namespace

Attempt ChooseAttempt(const TaskSpec& t, int execution, int retries, const TaskArguments* args) {
  size_t positional = 0;
  for (const Attempt& a : t.attempts) {
    if (!a.when) {
      ++positional;
    } else if (Holds(*a.when, retries, args)) {
      return a;
    }
  }
  if (positional == 0) return Attempt{};
  size_t want = std::min<size_t>(static_cast<size_t>(execution), positional - 1);
  for (const Attempt& a : t.attempts) {
    if (a.when) continue;
    if (want-- == 0) return a;
  }
  return Attempt{};
}

using internal::Cat;

bool Worker::acks_late(const TaskSpec& t) const {
  return t.acks_late.value_or(app_.config().task_acks_late);
}

absl::Status Worker::Start() {
  revoked_.clear();  // a new process knows no revokes
  sender_ = app_.NewSender();
  alive_ = true;
  stopping_ = false;
  started_ = app_.sim().Now();
  return Connect();
}

absl::Status Worker::Connect() {
  if (conn_ && conn_->is_open()) (void)conn_->Close();
  ++session_;
  pending_.clear();
  running_.clear();
  busy_ = 0;
  conn_ = app_.sim().Connect(spec_.name);
  absl::StatusOr<Channel> ch = conn_->OpenChannel();
  if (!ch.ok()) return ch.status();
  ch_ = *ch;
  ch_->OnClose([this, session = session_](const CloseReason& reason) {
    if (!alive_ || session != session_) return;
    // Celery 5.2: "Unrecoverable error: PreconditionFailed(406 ...)" and the
    // worker process exits; its connection drops and RabbitMQ requeues.
    Die(Cat("CRITICAL Unrecoverable error: ", static_cast<int>(reason.code), " ", reason.text));
  });
  // The task consumer declares what it consumes (kombu auto_declare).
  for (const std::string& q : spec_.queues) {
    if (absl::Status s = app_.DeclareTaskQueue(*ch_, q); !s.ok()) return s;
  }
  prefetch_ = spec_.concurrency * app_.config().worker_prefetch_multiplier;
  // Celery applies QoS globally on RabbitMQ (qos_semantics_matches_spec is
  // false), which is also why a 5.2 worker cannot consume a quorum queue.
  if (absl::Status s = ApplyQos(); !s.ok()) return s;
  consumer_tags_.clear();
  for (const std::string& q : spec_.queues) {
    absl::StatusOr<std::string> tag =
        ch_->BasicConsume(q, [this](const Delivery& d) { OnDelivery(d); });
    if (!tag.ok()) return tag.status();
    consumer_tags_.push_back(*tag);
  }
  return absl::OkStatus();
}

absl::Status Worker::WarmShutdown() {
  if (!alive_) return absl::FailedPreconditionError(Cat("worker ", spec_.name, " is not running"));
  if (stopping_) return absl::OkStatus();  // a second SIGTERM changes nothing
  stopping_ = true;
  app_.Event("worker-shutdown", "", spec_.name, "Warm shutdown (MainProcess)");
  for (const std::string& tag : consumer_tags_) (void)ch_->BasicCancel(tag);
  if (spec_.pool == Pool::kSolo && !running_.empty()) {
    // The signal handler raises inside the body (it runs in the main
    // thread): the task never completes and stores no state.
    std::shared_ptr<Job> job = TakeRunning(running_.front());
    app_.Event("task-interrupted", job->id, spec_.name, "WorkerShutdown");
    SendEarlyAckIfPending(*job);
  }
  Pump();
  return absl::OkStatus();
}

void Worker::MaybeFinishShutdown() {
  auto done = [this] {
    return alive_ && stopping_ && busy_ == 0 && (spec_.pool == Pool::kPrefork || pending_.empty());
  };
  if (!done()) return;
  // After the acks and rejects this instant already queued (Settle sends
  // them from the event loop): the last task's ack leaves before the exit.
  app_.sim().ScheduleAfter(absl::ZeroDuration(), [this, done, session = session_] {
    if (session == session_ && done()) Die("warm shutdown", /*clean_exit=*/true);
  });
}

absl::Status Worker::ApplyQos() {
  // kombu.common.QoS.set: a prefetch count above the 16-bit field turns
  // QoS off (0 = unlimited) with a warning, instead of wrapping.
  constexpr int kPrefetchCountMax = 0xFFFF;
  uint16_t count = static_cast<uint16_t>(prefetch_);
  if (prefetch_ > kPrefetchCountMax) {
    count = 0;
    if (!qos_disabled_warned_ && app_.sim().options().trace) {
      app_.sim().AnnotateTrace(TraceKind::kCelery, spec_.name,
                               "WARNING QoS: Disabled: prefetch_count exceeds 65535");
    }
    qos_disabled_warned_ = true;
  }
  return ch_->BasicQos({.prefetch_count = count, .global = true});
}

void Worker::Die(std::string why, bool clean_exit) {
  if (!alive_) return;
  alive_ = false;
  app_.Event("worker-offline", "", spec_.name, why);
  if (conn_ && conn_->is_open()) (void)conn_->Close();
  pending_.clear();
  running_.clear();
  if (spec_.restart_after && !clean_exit) {
    app_.sim().ScheduleAfter(*spec_.restart_after, [this, session = session_] {
      // Not if someone restarted it meanwhile.
      if (alive_ || session != session_) return;
      app_.Event("worker-online", "", spec_.name, "restarted by its supervisor");
      (void)Start();
    });
  }
}

absl::Status Worker::KillChild() {
  if (spec_.pool != Pool::kPrefork) {
    return absl::FailedPreconditionError("only a prefork pool has child processes");
  }
  if (!alive_ || running_.empty()) {
    return absl::FailedPreconditionError(Cat("worker ", spec_.name, " runs no job"));
  }
  std::shared_ptr<Job> job = TakeRunning(running_.front());  // the oldest job's child
  // The parent notices the lost child a little later (worker_lost_delay).
  app_.sim().ScheduleAfter(spec_.worker_lost_delay, [this, job, session = session_] {
    if (!alive_ || session != session_) return;
    const TaskSpec& t = *app_.FindTask(job->task);
    app_.Event("worker-lost", job->id, spec_.name, "WorkerLostError: the child was SIGKILLed");
    if (acks_late(t) &&
        t.reject_on_worker_lost.value_or(app_.config().task_reject_on_worker_lost)) {
      Reject(*job, /*requeue=*/true);
    } else {
      app_.MarkState(*job, "FAILURE", "WorkerLostError");
      FailureDisposition(*job, t);
    }
    Pump();
  });
  return absl::OkStatus();
}

std::shared_ptr<Job> Worker::TakeRunning(const std::shared_ptr<Job>& job) {
  std::shared_ptr<Job> taken = job;
  auto it = std::find(running_.begin(), running_.end(), job);
  if (it != running_.end()) running_.erase(it);  // keeps the oldest-first order
  taken->run = 0;  // its pending Finish becomes a no-op
  --busy_;
  return taken;
}

void Worker::Terminate(const std::string& task_id) {
  if (!alive_ || spec_.pool != Pool::kPrefork) return;
  auto it = std::find_if(running_.begin(), running_.end(),
                         [&](const std::shared_ptr<Job>& j) { return j->id == task_id; });
  if (it == running_.end()) return;
  std::shared_ptr<Job> job = TakeRunning(*it);
  app_.MarkState(*job, "REVOKED", "TaskRevokedError('terminated')");
  app_.Event("task-revoked", job->id, spec_.name, "terminated");
  Ack(*job);  // _announce_revoked acknowledges unconditionally
  Pump();
}

void Worker::HardTimeLimit(std::shared_ptr<Job> job, uint64_t run) {
  if (!alive_ || job->run != run ||
      std::find(running_.begin(), running_.end(), job) == running_.end()) {
    return;
  }
  TakeRunning(job);
  const TaskSpec& t = *app_.FindTask(job->task);
  app_.MarkState(*job, "FAILURE", "TimeLimitExceeded()");
  app_.Event("task-failed", job->id, spec_.name, "TimeLimitExceeded: the child was killed");
  // billiard's on_hard_timeout reports the job failed first
  // (Request.on_failure), then on_timeout, whose ack is then a no-op.
  FailureDisposition(*job, t);
  Pump();
}

bool Worker::RevokedOrExpired(Job& job) {
  bool expired = job.expires && *job.expires <= app_.sim().Now();
  if (!expired && !revoked_.contains(job.id)) return false;
  app_.MarkState(job, "REVOKED",
                 expired ? "TaskRevokedError('expired')" : "TaskRevokedError('revoked')");
  app_.Event("task-revoked", job.id, spec_.name, expired ? "expired" : "revoked");
  Ack(job);  // never rejected, even with acks_late (observed)
  return true;
}

void Worker::OnDelivery(const Delivery& d) {
  if (!alive_) return;
  auto job = std::make_shared<Job>();
  job->tag = d.delivery_tag;
  job->message = d.message;
  job->queue = d.queue;
  job->session = session_;
  job->row = app_.TakeRowOf(d.message->id());
  // The protocol-v2 headers the worker reads, in one pass over the stored
  // message without decoding the rest (a quorum delivery only adds
  // x-delivery-count). Strings are views into the message, which the job
  // holds.
  static constexpr std::string_view kKeys[] = {"id",      "task",     "retries",   "eta",
                                               "expires", "root_id",  "argsrepr", "kwargsrepr"};
  std::optional<Message::HeaderRef> h[std::size(kKeys)];
  d.message->FindHeaders(kKeys, h);
  auto text = [&h](int i) { return h[i] ? h[i]->text : std::nullopt; };
  job->id = text(0).value_or(std::string_view());
  job->task = text(1).value_or(std::string_view());
  if (h[2] && h[2]->integer) job->retries = static_cast<int>(*h[2]->integer);
  job->eta = text(3) ? ParseIsoTime(*text(3)) : std::nullopt;
  job->expires = text(4) ? ParseIsoTime(*text(4)) : std::nullopt;
  job->root_id = text(5).value_or(std::string_view());
  job->argsrepr = text(6).value_or(std::string_view("()"));
  job->kwargsrepr = text(7).value_or(std::string_view("{}"));
  app_.Event("task-received", job->id, spec_.name, job->task);
  if (app_.FindTask(job->task) == nullptr) {
    // consumer.py on_unknown_task: "Received unregistered task", the
    // message is rejected (requeue=False), then the backend marks the id
    // FAILURE(NotRegistered) and a task-failed event goes out.
    Reject(*job, false);
    std::string exc = Cat("NotRegistered('", job->task, "')");
    app_.MarkState(*job, "FAILURE", exc);
    app_.Event("task-failed", job->id, spec_.name, exc);
    return;
  }
  if (RevokedOrExpired(*job)) return;
  absl::Time now = app_.sim().Now();
  if (job->eta) {
    // strategy.py: any eta (even a past one) goes through the timer and
    // bumps the prefetch.
    // Held delivered-unacked until the ETA; the prefetch grows by one so
    // other messages still flow.
    ++prefetch_;
    (void)ApplyQos();
    app_.sim().ScheduleAfter(std::max(EtaDispatchTime(*job->eta) - now, absl::ZeroDuration()),
                             [this, job] {
      // A worker shutting down no longer runs its timers' jobs: they stay
      // held until its connection closes.
      if (!alive_ || job->session != session_ || stopping_) return;
      --prefetch_;
      (void)ApplyQos();
      job->from_timer = true;
      Enqueue(job);
    });
    return;
  }
  Enqueue(job);
}

absl::Time Worker::EtaDispatchTime(absl::Time eta) const {
  if (spec_.pool == Pool::kSolo) return eta;
  // Prefork: the job reaches the child at the pool's next maintenance tick.
  absl::Duration rem;
  int64_t k = absl::IDivDuration(eta - started_, spec_.prefork_tick, &rem);
  if (rem > absl::ZeroDuration()) ++k;
  return started_ + k * spec_.prefork_tick;
}

void Worker::Enqueue(std::shared_ptr<Job> job) {
  pending_.push_back(std::move(job));
  Pump();
}

void Worker::Pump() {
  // A prefork worker shutting down starts nothing new; solo runs what it
  // had already received.
  const bool starts = !stopping_ || spec_.pool == Pool::kSolo;
  while (alive_ && starts && busy_ < slots() && !pending_.empty()) {
    std::shared_ptr<Job> job = pending_.front();
    pending_.pop_front();
    if (RevokedOrExpired(*job)) continue;  // checked again when a slot frees up
    Execute(std::move(job));
  }
  MaybeFinishShutdown();
}

void Worker::Execute(std::shared_ptr<Job> job) {
  const TaskSpec& t = *app_.FindTask(job->task);
  ++busy_;
  job->run = ++runs_;
  running_.push_back(job);
  if (job->row == nullptr) job->row = &app_.Row(job->id, job->task);
  int n = job->row->executions++;
  app_.Event("task-started", job->id, spec_.name, "retries=", job->retries);
  if (!acks_late(t)) {
    // Prefork acks when the child accepts the job; solo's deferred ack
    // only leaves after the body returns.
    if (spec_.pool == Pool::kPrefork) {
      Ack(*job);
    } else {
      job->early_ack_pending = true;
    }
  }
  Attempt a = ChooseAttempt(t, n, job->retries, app_.ArgumentsOf(job->id));
  if (a.probability < 1.0 && !app_.Chance(a.probability)) a.kind = Attempt::Kind::kSucceed;
  uint64_t run = job->run;
  if (spec_.pool == Pool::kPrefork) {
    if (t.time_limit && a.duration > *t.time_limit) {
      app_.sim().ScheduleAfter(*t.time_limit, [this, job, run] { HardTimeLimit(job, run); });
    }
    if (t.soft_time_limit && a.duration > *t.soft_time_limit &&
        (!t.time_limit || *t.soft_time_limit < *t.time_limit)) {
      a.kind = Attempt::Kind::kRaise;
      a.exception = "SoftTimeLimitExceeded";
      a.duration = *t.soft_time_limit;
    }
  }
  app_.sim().ScheduleAfter(a.duration, [this, job, run, &t, a] {
    // The worker died, reconnected, or the child was killed meanwhile.
    if (!alive_ || job->run != run || job->session != session_) return;
    Finish(job, t, a);
  });
}

void Worker::SendEarlyAckIfPending(Job& job) {
  if (!job.early_ack_pending) return;
  job.early_ack_pending = false;
  Ack(job);
}

void Worker::Finish(std::shared_ptr<Job> job, const TaskSpec& t, const Attempt& a) {
  TakeRunning(job);
  switch (a.kind) {
    case Attempt::Kind::kSucceed:
      SendEarlyAckIfPending(*job);
      app_.MarkState(*job, "SUCCESS", "");
      app_.Event("task-succeeded", job->id, spec_.name);
      if (acks_late(t)) Ack(*job);
      break;
    case Attempt::Kind::kIgnore:
      SendEarlyAckIfPending(*job);
      Ack(*job);
      break;
    case Attempt::Kind::kReject:
      SendEarlyAckIfPending(*job);
      app_.Event("task-rejected", job->id, spec_.name, a.requeue ? "requeue" : "");
      Reject(*job, a.requeue);
      break;
    case Attempt::Kind::kRetry:
      // An explicit self.retry(): max_retries and default_retry_delay.
      SendEarlyAckIfPending(*job);
      Retry(*job, t, a.exception, a.countdown.value_or(t.default_retry_delay), t.max_retries);
      break;
    case Attempt::Kind::kRaise: {
      bool autoretry = std::find(t.autoretry_for.begin(), t.autoretry_for.end(), a.exception) !=
                       t.autoretry_for.end();
      if (autoretry) {
        SendEarlyAckIfPending(*job);
        Retry(*job, t, a.exception, AutoRetryCountdown(*job, t),
              t.retry_max_retries ? t.retry_max_retries : t.max_retries);
      } else {
        Failure(*job, t, a.exception);
      }
      break;
    }
  }
  Pump();
}

}  // namespace warren::celery
