// What a worker does after a body ran: retries (republish), failures,
// the on_failure paths and their pool-specific endings, and the deferred
// ack/reject that Celery's Request performs at most once.
#include <algorithm>
#include <cmath>

#include "sim/core/strings.h"
#include "sim/celery/worker.h"

namespace warren::celery {

using internal::Cat;

absl::Duration Worker::AutoRetryCountdown(const Job& job, const TaskSpec& t) const {
  if (t.retry_backoff > 0) {
    // autoretry.py: backoff overrides retry_kwargs' countdown.
    // countdown = min(backoff_max, factor * 2 ** retries); jitter: uniform
    // integer in [0, countdown] from the simulation-seeded PRNG.
    double seconds = t.retry_backoff * std::pow(2.0, job.retries);
    int64_t countdown =
        static_cast<int64_t>(std::min(seconds, absl::ToDoubleSeconds(t.retry_backoff_max)));
    if (t.retry_jitter) countdown = static_cast<int64_t>(app_.Jitter(countdown));
    return absl::Seconds(countdown);
  }
  return t.retry_countdown.value_or(t.default_retry_delay);
}

void Worker::PublishRetryOrReject(Job& job, const std::string& exc, absl::Duration countdown) {
  absl::Status s = job.expires
                       // Celery 5.2.6 re-sends `expires` as a string; the
                       // publish raises TypeError -> Reject(requeue=False).
                       ? absl::InvalidArgumentError("TypeError (Celery 5.2.6 expires bug)")
                       : app_.PublishRetry(job, app_.sim().Now() + countdown, sender_.origin,
                                         sender_.oid);
  if (!s.ok()) {
    app_.Event("task-rejected", job.id, spec_.name, "retry publish failed: ", s.message());
    Reject(job, false);
    return;
  }
  app_.MarkState(job, "RETRY", Cat(exc, "()"));
  app_.Event("task-retried", job.id, spec_.name, exc, ": Retry in ",
             absl::ToInt64Seconds(countdown), "s");
}

void Worker::Retry(Job& job, const TaskSpec& t, const std::string& exc, absl::Duration countdown,
                   std::optional<int> max_retries) {
  if (max_retries && job.retries + 1 > *max_retries) {
    Failure(job, t, exc);  // the original exception is re-raised
    return;
  }
  bool had_expires = job.expires.has_value();
  PublishRetryOrReject(job, exc, countdown);
  if (!had_expires && acks_late(t)) Ack(job);  // Request.on_retry
}

void Worker::Failure(Job& job, const TaskSpec& t, const std::string& exc) {
  app_.MarkState(job, "FAILURE", Cat(exc, "()"));
  app_.Event("task-failed", job.id, spec_.name, exc);
  switch (t.on_failure) {
    case OnFailure::kNothing:
      SendEarlyAckIfPending(job);
      FailureDisposition(job, t);
      return;
    case OnFailure::kRaiseReject:
    case OnFailure::kRaiseRejectRequeue: {
      // "Exception raised outside body": FAILURE(Reject), then on_failure
      // runs again outside the request and raises Reject again.
      bool requeue = t.on_failure == OnFailure::kRaiseRejectRequeue;
      app_.MarkState(job, "FAILURE", requeue ? "Reject(requeue=True)" : "Reject()");
      Escaped(job, t, Escape::kReject, requeue, exc);
      return;
    }
    case OnFailure::kRetryThenReject: {
      // First call, inside the request: self.retry() publishes and raises
      // Retry while retries < max_retries, else the code raises Reject().
      // A failed retry publish (the expires bug) raises Reject too.
      bool retry = !t.max_retries || job.retries < *t.max_retries;
      bool published = false;
      if (retry && !job.expires) {
        published = app_.PublishRetry(job, app_.sim().Now() + t.default_retry_delay,
                                      sender_.origin, sender_.oid)
                        .ok();
        if (published) {
          app_.Event("task-retried", job.id, spec_.name, exc, " (retried from on_failure)");
        }
      }
      Escape first = published ? Escape::kRetry : Escape::kReject;
      app_.MarkState(job, "FAILURE", first == Escape::kRetry ? "Retry()" : "Reject()");
      // Second call, outside the request (retries == 0): self.retry(exc=...)
      // is called directly and re-raises what the first call raised.
      Escaped(job, t, first, false, exc);
      return;
    }
  }
}

void Worker::Escaped(Job& job, const TaskSpec& t, Escape what, bool requeue,
                     const std::string& exc) {
  const char* name = what == Escape::kReject ? "Reject" : what == Escape::kRetry ? "Retry" : nullptr;
  if (spec_.pool == Pool::kPrefork) {
    // billiard reports it as the job's error: parent Request.on_failure.
    switch (what) {
      case Escape::kReject: Reject(job, requeue); break;
      case Escape::kRetry: if (acks_late(t)) Ack(job); break;  // Request.on_retry
      case Escape::kException: FailureDisposition(job, t); break;
    }
    return;
  }
  if (job.from_timer) {
    // kombu's timer logs "Error in timer" and swallows it: neither ack nor
    // reject is ever sent (the early ack, if any, was already queued).
    SendEarlyAckIfPending(job);
    app_.Event("task-failed", job.id, spec_.name, "Error in timer: ", name ? name : exc,
               " (swallowed, left unacked)");
    return;
  }
  // Straight from a delivery: the exception escapes the event loop.
  Die(Cat("CRITICAL Unrecoverable error: ", name ? name : exc));
}

void Worker::FailureDisposition(Job& job, const TaskSpec& t) {
  if (!acks_late(t)) return;  // acked before the body ran
  if (t.acks_on_failure_or_timeout.value_or(app_.config().task_acks_on_failure_or_timeout)) {
    Ack(job);
  } else {
    Reject(job, false);
  }
}

void Worker::Settle(Job& job, Settlement how) {
  if (job.acknowledged) return;  // Request.acknowledge()/reject() act once
  job.acknowledged = true;
  bool late_wakeup = spec_.pool == Pool::kSolo && job.from_timer;
  DeliveryTag tag = job.tag;
  app_.sim().ScheduleAfter(late_wakeup ? spec_.solo_wakeup : absl::ZeroDuration(),
                           [this, tag, session = job.session, how] {
                             if (!alive_ || session != session_ || !ch_->is_open()) return;
                             if (how == Settlement::kAck) {
                               (void)ch_->BasicAck(tag);
                             } else {
                               (void)ch_->BasicReject(tag, how == Settlement::kRequeue);
                             }
                           });
}

void Worker::Ack(Job& job) {
  Settle(job, Settlement::kAck);
}

void Worker::Reject(Job& job, bool requeue) {
  Settle(job, requeue ? Settlement::kRequeue : Settlement::kReject);
}

}  // namespace warren::celery
