#include "sim/scenario/celery_parser.h"

#include "sim/core/status_macros.h"
#include "sim/core/strings.h"
#include "sim/scenario/scenario_keys.h"

namespace warren::internal {
namespace {

using celery::Attempt;
using celery::OnFailure;
using celery::Pool;
using celery::TaskSpec;
using celery::WorkerSpec;

// A key that may be null ("max_retries": null means forever).
absl::StatusOr<std::optional<int>> OptionalCount(const JsonCursor& c, std::string_view key,
                                                 std::optional<int> fallback) {
  if (!c.Has(key)) return fallback;
  if (c.Child(key).value().is_null()) return std::optional<int>();
  WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> v, c.OptionalInt(key, 0, 1000000));
  return std::optional<int>(static_cast<int>(*v));
}

absl::StatusOr<Attempt> ParseAttempt(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(
      c.AllowOnly(kAttemptKeys));
  Attempt a;
  static const std::pair<const char*, Attempt::Kind> kKinds[] = {
      {"succeed", Attempt::Kind::kSucceed}, {"raise", Attempt::Kind::kRaise},
      {"retry", Attempt::Kind::kRetry},     {"reject", Attempt::Kind::kReject},
      {"ignore", Attempt::Kind::kIgnore}};
  WARREN_ASSIGN_OR_RETURN(a.kind, Choice(c, "do", kKinds));
  WARREN_ASSIGN_OR_RETURN(a.exception, c.String("exception", "RuntimeError"));
  WARREN_ASSIGN_OR_RETURN(a.countdown, c.OptionalMillis("countdown_ms"));
  WARREN_ASSIGN_OR_RETURN(a.requeue, c.Bool("requeue", false));
  WARREN_ASSIGN_OR_RETURN(a.duration, c.Millis("duration_ms", absl::ZeroDuration()));
  if (c.Has("probability")) {
    JsonCursor p = c.Child("probability");
    if (!p.value().is_number() || p.value().get<double>() < 0 || p.value().get<double>() > 1) {
      return p.Error("a number in [0, 1]");
    }
    a.probability = p.value().get<double>();
  }
  if (c.Has("when")) {
    JsonCursor w = c.Child("when");
    WARREN_RETURN_IF_ERROR(w.AllowOnly(kAttemptWhenKeys));
    Attempt::When when;
    WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> retries, w.OptionalInt("retries", 0, 1000000000));
    if (retries) when.retries = static_cast<int>(*retries);
    WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> least,
                            w.OptionalInt("retries_at_least", 0, 1000000000));
    if (least) when.retries_at_least = static_cast<int>(*least);
    WARREN_ASSIGN_OR_RETURN(when.arg, w.OptionalString("arg"));
    if (w.Has("equals")) {
      if (!when.arg) return w.Child("equals").Error("\"arg\" alongside it");
      WARREN_ASSIGN_OR_RETURN(FieldValue v, w.Child("equals").ToFieldValue());
      when.equals = std::move(v);
    }
    a.when = std::move(when);
  }
  return a;
}

absl::StatusOr<TaskSpec> ParseTask(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kTaskKeys));
  TaskSpec t;
  WARREN_ASSIGN_OR_RETURN(t.name, c.RequiredString("name"));
  WARREN_ASSIGN_OR_RETURN(t.acks_late, c.OptionalBool("acks_late"));
  WARREN_ASSIGN_OR_RETURN(t.acks_on_failure_or_timeout, c.OptionalBool("acks_on_failure_or_timeout"));
  WARREN_ASSIGN_OR_RETURN(t.reject_on_worker_lost, c.OptionalBool("reject_on_worker_lost"));
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> excs, c.Array("autoretry_for"));
  for (const JsonCursor& e : excs) {
    if (!e.value().is_string()) return e.Error("an exception class name");
    t.autoretry_for.push_back(e.value().get<std::string>());
  }
  WARREN_ASSIGN_OR_RETURN(t.max_retries, OptionalCount(c, "max_retries", 3));
  WARREN_ASSIGN_OR_RETURN(t.default_retry_delay, c.Millis("default_retry_delay_ms", t.default_retry_delay));
  if (c.Has("retry_kwargs")) {
    JsonCursor k = c.Child("retry_kwargs");
    WARREN_RETURN_IF_ERROR(k.AllowOnly(kRetryKwargsKeys));
    WARREN_ASSIGN_OR_RETURN(t.retry_countdown, k.OptionalMillis("countdown_ms"));
    if (k.Has("max_retries")) {
      // retry_kwargs max_retries=None falls back to the task's max_retries.
      WARREN_ASSIGN_OR_RETURN(t.retry_max_retries, OptionalCount(k, "max_retries", std::nullopt));
    }
  }
  if (c.Has("retry_backoff") && c.Child("retry_backoff").value().is_boolean()) {
    t.retry_backoff = c.Child("retry_backoff").value().get<bool>() ? 1 : 0;
  } else {
    WARREN_ASSIGN_OR_RETURN(int64_t b, c.Int("retry_backoff", 0, 0, 1000000));
    t.retry_backoff = static_cast<int>(b);
  }
  WARREN_ASSIGN_OR_RETURN(t.retry_backoff_max, c.Millis("retry_backoff_max_ms", t.retry_backoff_max));
  WARREN_ASSIGN_OR_RETURN(t.retry_jitter, c.Bool("retry_jitter", true));
  WARREN_ASSIGN_OR_RETURN(t.soft_time_limit, c.OptionalMillis("soft_time_limit_ms"));
  WARREN_ASSIGN_OR_RETURN(t.time_limit, c.OptionalMillis("time_limit_ms"));
  static const std::pair<const char*, OnFailure> kOnFailure[] = {
      {"nothing", OnFailure::kNothing},
      {"raise_reject", OnFailure::kRaiseReject},
      {"raise_reject_requeue", OnFailure::kRaiseRejectRequeue},
      {"retry_then_reject", OnFailure::kRetryThenReject}};
  WARREN_ASSIGN_OR_RETURN(t.on_failure, Choice(c, "on_failure", kOnFailure, {OnFailure::kNothing}));
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> body, c.Array("body"));
  for (const JsonCursor& b : body) {
    WARREN_ASSIGN_OR_RETURN(Attempt a, ParseAttempt(b));
    t.attempts.push_back(std::move(a));
  }
  return t;
}

absl::StatusOr<WorkerSpec> ParseWorker(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kWorkerKeys));
  WorkerSpec w;
  WARREN_ASSIGN_OR_RETURN(w.name, c.RequiredString("name"));
  static const std::pair<const char*, Pool> kPools[] = {{"prefork", Pool::kPrefork},
                                                        {"solo", Pool::kSolo}};
  WARREN_ASSIGN_OR_RETURN(w.pool, Choice(c, "pool", kPools, {Pool::kPrefork}));
  WARREN_ASSIGN_OR_RETURN(int64_t concurrency, c.Int("concurrency", 1, 1, 1024));
  w.concurrency = static_cast<int>(concurrency);
  if (c.Has("queues")) {
    w.queues.clear();
    WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> qs, c.Array("queues"));
    for (const JsonCursor& q : qs) {
      if (!q.value().is_string()) return q.Error("a queue name");
      w.queues.push_back(q.value().get<std::string>());
    }
  }
  WARREN_ASSIGN_OR_RETURN(w.start, c.Millis("start_ms", absl::ZeroDuration()));
  WARREN_ASSIGN_OR_RETURN(w.prefork_tick, c.Millis("prefork_tick_ms", w.prefork_tick));
  WARREN_ASSIGN_OR_RETURN(w.solo_wakeup, c.Millis("solo_wakeup_ms", w.solo_wakeup));
  WARREN_ASSIGN_OR_RETURN(w.restart_after, c.OptionalMillis("restart_after_ms"));
  if (w.prefork_tick <= absl::ZeroDuration()) {
    return c.Child("prefork_tick_ms").Error("a positive number of milliseconds");
  }
  return w;
}

}  // namespace

absl::StatusOr<ScenarioCelery> ParseCelery(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kCeleryKeys));
  ScenarioCelery out;
  if (c.Has("app")) {
    JsonCursor a = c.Child("app");
    WARREN_RETURN_IF_ERROR(a.AllowOnly(kCeleryAppKeys));
    WARREN_ASSIGN_OR_RETURN(out.app.task_acks_late, a.Bool("task_acks_late", false));
    WARREN_ASSIGN_OR_RETURN(out.app.task_acks_on_failure_or_timeout,
                            a.Bool("task_acks_on_failure_or_timeout", true));
    WARREN_ASSIGN_OR_RETURN(out.app.task_reject_on_worker_lost,
                            a.Bool("task_reject_on_worker_lost", false));
    WARREN_ASSIGN_OR_RETURN(int64_t m, a.Int("worker_prefetch_multiplier", 4, 1, 65535));
    out.app.worker_prefetch_multiplier = static_cast<int>(m);
    WARREN_ASSIGN_OR_RETURN(out.app.task_create_missing_queues,
                            a.Bool("task_create_missing_queues", true));
    if (a.Has("task_queues")) {
      WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> names, a.Array("task_queues"));
      std::vector<std::string> list;
      for (const JsonCursor& n : names) {
        if (!n.value().is_string()) return n.Error("a queue name (a string)");
        list.push_back(n.value().get<std::string>());
      }
      out.task_queue_names = std::move(list);
    }
  }
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> tasks, c.Array("tasks"));
  for (const JsonCursor& t : tasks) {
    WARREN_ASSIGN_OR_RETURN(TaskSpec task, ParseTask(t));
    out.tasks.push_back(std::move(task));
  }
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> workers, c.Array("workers"));
  for (const JsonCursor& w : workers) {
    WARREN_ASSIGN_OR_RETURN(WorkerSpec worker, ParseWorker(w));
    out.workers.push_back(std::move(worker));
  }
  return out;
}

absl::StatusOr<ApplyAsyncStep> ParseApplyAsync(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(
      c.AllowOnly(kApplyAsyncKeys));
  ApplyAsyncStep s;
  WARREN_ASSIGN_OR_RETURN(s.task, c.RequiredString("task"));
  WARREN_ASSIGN_OR_RETURN(s.apply.queue, c.ShortString("queue", "celery"));
  WARREN_ASSIGN_OR_RETURN(s.apply.countdown, c.OptionalMillis("countdown_ms"));
  WARREN_ASSIGN_OR_RETURN(std::optional<absl::Duration> eta, c.OptionalMillis("eta_ms"));
  if (eta) s.apply.eta = absl::FromUnixMillis(0) + *eta;  // rebased by the runner
  // Relative, and may be negative: an expiry already in the past.
  WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> expires,
                          c.OptionalInt("expires_ms", -315360000000, 315360000000));
  if (expires) s.expires_relative = absl::Milliseconds(*expires);
  WARREN_ASSIGN_OR_RETURN(s.label, c.String("label", ""));
  WARREN_ASSIGN_OR_RETURN(s.apply.task_id, c.String("task_id", ""));
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> args, c.Array("args"));
  for (const JsonCursor& a : args) {
    WARREN_ASSIGN_OR_RETURN(FieldValue v, a.ToFieldValue());
    s.apply.args.push_back(std::move(v));
  }
  WARREN_ASSIGN_OR_RETURN(s.apply.kwargs, c.Table("kwargs"));
  return s;
}

}  // namespace warren::internal
