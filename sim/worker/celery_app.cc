// The Celery app model: task registry, producer (protocol v2 messages),
// result backend (celery_taskmeta), event feed, and the public facade.
#include <algorithm>
#include <cstdio>

#include "absl/strings/str_format.h"
#include "sim/core/strings.h"
#include "sim/worker/celery_internal.h"
#include "sim/worker/worker.h"

namespace warren::celery {

using internal::Cat;

namespace {

constexpr char kBody[] =
    "[[], {}, {\"callbacks\": null, \"errbacks\": null, \"chain\": null, \"chord\": null}]";

}  // namespace

CeleryApp::Impl::Impl(Simulation& sim, AppConfig config)
    : sim_(sim), config_(config), random_(sim.options().seed ^ 0x63656c657279ULL) {}

const TaskSpec* CeleryApp::Impl::FindTask(std::string_view name) const {
  auto it = tasks_.find(name);
  return it == tasks_.end() ? nullptr : &it->second;
}

TaskState& CeleryApp::Impl::Row(std::string_view id, std::string_view task) {
  TaskState& row = rows_[absl::string_view(id.data(), id.size())];
  if (row.id.empty()) row.id = id;
  if (row.name.empty()) row.name = task;
  return row;
}

void CeleryApp::Impl::MarkState(const Job& job, std::string state, std::string result) {
  TaskState& row = job.row ? *job.row : Row(job.id, job.task);
  row.state = std::move(state);
  row.result = std::move(result);
  row.retries = job.retries;
  row.date_done = sim_.Now();
}

void CeleryApp::Impl::RecordEvent(std::string_view type, std::string_view id,
                                  const std::string& worker, std::string detail) {
  if (sim_.options().trace) {
    sim_.AnnotateTrace(
        TraceKind::kCelery, worker.empty() ? "celery" : worker,
        internal::Cat(type, id.empty() ? "" : " ", id, detail.empty() ? "" : ": ", detail));
  }
  if (config_.record_events) {
    events_.push_back({sim_.Now(), std::string(type), std::string(id), worker, std::move(detail)});
  }
}

Channel& CeleryApp::Impl::Producer() {
  if (!producer_ || !producer_->is_open()) {
    if (!producer_conn_ || !producer_conn_->is_open()) producer_conn_ = sim_.Connect("celery-producer");
    producer_ = *producer_conn_->OpenChannel();
  }
  return *producer_;
}

absl::Status CeleryApp::Impl::PublishMessage(std::string_view id, std::string_view task,
                                             int retries, std::optional<absl::Time> eta,
                                             std::optional<absl::Time> expires,
                                             std::string exchange, std::string routing_key,
                                             std::optional<std::string> expiration,
                                             TaskState* row) {
  BasicProperties p;
  p.content_type = "application/json";
  p.content_encoding = "utf-8";
  p.correlation_id = id;
  p.delivery_mode = 2;
  p.priority = 0;
  p.expiration = std::move(expiration);
  // Built by moving: an initializer list would copy every key and value.
  std::vector<FieldTable::Entry> headers;
  headers.reserve(8);
  headers.emplace_back("lang", FieldValue::String("py"));
  headers.emplace_back("task", FieldValue::String(task));
  headers.emplace_back("id", FieldValue::String(id));
  headers.emplace_back("eta", eta ? FieldValue::String(IsoTime(*eta)) : FieldValue::Void());
  headers.emplace_back("expires",
                       expires ? FieldValue::String(IsoTime(*expires)) : FieldValue::Void());
  headers.emplace_back("retries", FieldValue::SignedInt(retries));
  headers.emplace_back("root_id", FieldValue::String(id));
  headers.emplace_back("parent_id", FieldValue::Void());
  p.headers = FieldTable(std::move(headers));
  absl::StatusOr<PublishReceipt> r = Producer().BasicPublish(
      {.exchange = std::move(exchange), .routing_key = std::move(routing_key),
       .properties = std::move(p), .body = kBody});
  if (!r.ok()) return r.status();
  if (row == nullptr) row = &Row(id, task);
  ++row->published;
  row_by_message_[r->message.value] = row;
  return absl::OkStatus();
}

absl::StatusOr<std::string> CeleryApp::Impl::Publish(std::string_view task,
                                                     const ApplyOptions& o) {
  if (FindTask(task) == nullptr) {
    return absl::NotFoundError(Cat("no task named \"", task, "\" is defined"));
  }
  std::string id = o.task_id;
  if (id.empty()) {
    // Deterministic, uuid-shaped ids from the seeded PRNG.
    uint64_t a = random_.Next(), b = random_.Next();
    id = absl::StrFormat("%08x-%04x-4%03x-a%03x-%012x", a >> 32, (a >> 16) & 0xffff, a & 0xfff,
                         b >> 52, b & 0xffffffffffffULL);
  }
  absl::Time now = sim_.Now();
  std::optional<absl::Time> eta = o.eta;
  // amqp.py: `if countdown:` -- a zero countdown sets no eta at all.
  if (o.countdown && *o.countdown > absl::ZeroDuration()) eta = now + *o.countdown;
  std::optional<absl::Time> expires = o.expires_at;
  if (o.expires) expires = now + *o.expires;
  std::optional<std::string> expiration;
  if (expires) {
    // Past expiries are clamped to "0" (with a warning, observed).
    int64_t ms = std::max<int64_t>(0, absl::ToInt64Milliseconds(*expires - now));
    expiration = Cat(ms);
  }
  absl::Status s = PublishMessage(id, task, 0, eta, expires, "", o.queue, expiration, nullptr);
  if (!s.ok()) return s;
  Event("task-sent", id, "", task, " -> ", o.queue);
  return id;
}

absl::Status CeleryApp::Impl::PublishRetry(const Job& job, absl::Time eta) {
  // Same id, retries + 1; to the same queue through the default exchange
  // when it arrived that way, else to the delivery's exchange/routing key.
  const Message& m = *job.message;
  std::optional<absl::Time> header_eta;
  if (eta > sim_.Now()) header_eta = eta;  // countdown 0: no eta header
  return PublishMessage(job.id, job.task, job.retries + 1, header_eta, job.expires,
                        std::string(m.exchange()),
                        m.exchange().empty() ? job.queue : std::string(m.routing_key()),
                        std::nullopt, job.row);
}

// ---- facade ----

CeleryApp::CeleryApp(Simulation& sim, AppConfig config)
    : impl_(std::make_unique<Impl>(sim, config)) {}
CeleryApp::~CeleryApp() = default;

absl::Status CeleryApp::DefineTask(TaskSpec task) {
  if (task.name.empty()) return absl::InvalidArgumentError("a task needs a name");
  if (task.retry_backoff < 0) return absl::InvalidArgumentError("retry_backoff must be >= 0");
  std::string name = task.name;
  if (!impl_->tasks_.emplace(name, std::move(task)).second) {
    return absl::AlreadyExistsError(Cat("task \"", name, "\" is already defined"));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> CeleryApp::ApplyAsync(std::string_view task, const ApplyOptions& o) {
  return impl_->Publish(task, o);
}

absl::Status CeleryApp::StartWorker(const WorkerSpec& spec) {
  if (spec.concurrency < 1) return absl::InvalidArgumentError("concurrency must be >= 1");
  for (const auto& w : impl_->workers_) {
    if (w->name() == spec.name) {
      return absl::AlreadyExistsError(Cat("worker \"", spec.name, "\" already exists"));
    }
  }
  impl_->workers_.push_back(std::make_unique<Worker>(*impl_, spec));
  return impl_->workers_.back()->Start();
}

absl::Status CeleryApp::KillWorker(std::string_view name) {
  for (const auto& w : impl_->workers_) {
    if (w->name() == name) {
      w->Die("killed");
      return absl::OkStatus();
    }
  }
  return absl::NotFoundError(Cat("no worker named \"", name, "\""));
}

absl::Status CeleryApp::KillChild(std::string_view name) {
  for (const auto& w : impl_->workers_) {
    if (w->name() == name) return w->KillChild();
  }
  return absl::NotFoundError(Cat("no worker named \"", name, "\""));
}

void CeleryApp::Revoke(std::string_view id, bool terminate) {
  for (const auto& w : impl_->workers_) {
    w->AddRevoked(std::string(id));
    if (terminate) w->Terminate(std::string(id));
  }
}

absl::Status CeleryApp::RestartWorker(std::string_view name) {
  for (const auto& w : impl_->workers_) {
    if (w->name() != name) continue;
    if (w->alive()) return absl::FailedPreconditionError(Cat("worker \"", name, "\" is running"));
    impl_->Event("worker-online", "", std::string(name), "restarted");
    return w->Start();
  }
  return absl::NotFoundError(Cat("no worker named \"", name, "\""));
}

std::optional<TaskState> CeleryApp::Task(std::string_view id) const {
  auto it = impl_->rows_.find(absl::string_view(id.data(), id.size()));
  if (it == impl_->rows_.end()) return std::nullopt;
  return it->second;
}

std::vector<const TaskState*> CeleryApp::Impl::SortedRows() const {
  std::vector<const TaskState*> rows;
  rows.reserve(rows_.size());
  for (const auto& [id, row] : rows_) rows.push_back(&row);
  std::sort(rows.begin(), rows.end(),
            [](const TaskState* a, const TaskState* b) { return a->id < b->id; });
  return rows;
}

std::vector<TaskState> CeleryApp::Tasks() const {
  std::vector<TaskState> out;
  for (const TaskState* row : impl_->SortedRows()) out.push_back(*row);
  return out;
}

std::vector<TaskState> CeleryApp::TasksInState(std::string_view state) const {
  std::vector<TaskState> out;
  for (const TaskState* row : impl_->SortedRows()) {
    if (row->state == state) out.push_back(*row);
  }
  return out;
}

const std::vector<CeleryEvent>& CeleryApp::events() const { return impl_->events_; }

}  // namespace warren::celery
