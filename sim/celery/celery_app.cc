// The Celery app model: task registry, producer (protocol v2 messages),
// result backend (celery_taskmeta), event feed, and the public facade.
#include <algorithm>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "sim/core/status_macros.h"
#include "sim/core/strings.h"
#include "sim/celery/celery_internal.h"
#include "sim/celery/python_literals.h"
#include "sim/celery/worker.h"

namespace warren::celery {

using internal::Cat;


CeleryApp::Impl::Impl(Simulation& sim, AppConfig config)
    : sim_(sim), config_(config), random_(sim.options().seed ^ 0x63656c657279ULL) {}

const TaskSpec* CeleryApp::Impl::FindTask(std::string_view name) const {
  auto it = tasks_.find(name);
  return it == tasks_.end() ? nullptr : &it->second;
}

TaskState* CeleryApp::Impl::FindRow(std::string_view id) const {
  auto it = row_index_.find(absl::string_view(id.data(), id.size()));
  return it == row_index_.end() ? nullptr : it->second;
}

TaskState& CeleryApp::Impl::Row(std::string_view id, std::string_view task) {
  TaskState* row = FindRow(id);
  if (row == nullptr) {
    row = &rows_.emplace_back();
    row->id = id;
    row_index_.emplace(absl::string_view(row->id.data(), row->id.size()), row);
  }
  if (row->name.empty()) row->name = task;
  return *row;
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

absl::Status CeleryApp::Impl::DeclareTaskQueue(Channel& ch, const std::string& queue) {
  // A configured Queue has no exchange of its own: Celery gives it the
  // default exchange and routing key ("celery").
  auto configured = [&](const QueueDeclareOptions& options) -> absl::Status {
    WARREN_RETURN_IF_ERROR(ch.ExchangeDeclare("celery", {.type = "direct", .durable = true}));
    WARREN_RETURN_IF_ERROR(ch.QueueDeclare(queue, options).status());
    return ch.QueueBind(queue, "celery", "celery");
  };
  for (const TaskQueue& q : config_.task_queues) {
    if (q.name == queue) return configured(q.options);
  }
  if (config_.task_queues_from_broker) {
    if (absl::StatusOr<QueueInfo> q = sim_.Queue(queue); q.ok()) {
      return configured({.durable = q->durable,
                         .exclusive = q->exclusive,
                         .auto_delete = q->auto_delete,
                         .arguments = q->arguments});
    }
  }
  if (!config_.task_create_missing_queues) {
    // celery.exceptions.QueueNotFound
    return absl::NotFoundError(
        Cat("Queue '", queue, "' missing from task_queues (task_create_missing_queues is off)"));
  }
  // Queues.new_missing: Queue(name, Exchange(name), routing_key=name).
  WARREN_RETURN_IF_ERROR(ch.ExchangeDeclare(queue, {.type = "direct", .durable = true}));
  WARREN_RETURN_IF_ERROR(ch.QueueDeclare(queue, {.durable = true}).status());
  return ch.QueueBind(queue, queue, queue);
}

Channel& CeleryApp::Impl::Producer() {
  if (!producer_ || !producer_->is_open()) {
    if (!producer_conn_ || !producer_conn_->is_open()) {
      producer_conn_ = sim_.Connect("celery-producer");
      producer_declared_.clear();  // kombu caches declarations per connection
    }
    producer_ = *producer_conn_->OpenChannel();
  }
  return *producer_;
}

CeleryApp::Impl::Sender CeleryApp::Impl::NewSender() {
  uint64_t pid = next_pid_++;
  // splitmix64 of (seed, pid): a fixed function, not the app's stream.
  auto mix = [](uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  };
  uint64_t a = mix(sim_.options().seed ^ (pid << 1)), b = mix(a ^ pid);
  // uuid3-shaped, as Celery's oid_from() (version 3, RFC 4122 variant).
  std::string oid = Cat(absl::Hex(a >> 32, absl::kZeroPad8), "-",
                        absl::Hex((a >> 16) & 0xffff, absl::kZeroPad4), "-3",
                        absl::Hex(a & 0xfff, absl::kZeroPad3), "-",
                        absl::Hex(0x8000 | ((b >> 48) & 0x3fff), absl::kZeroPad4), "-",
                        absl::Hex(b & 0xffffffffffffULL, absl::kZeroPad12));
  return {Cat("gen", pid, "@warren"), std::move(oid)};
}

absl::Status CeleryApp::Impl::PublishMessage(const TaskMessage& m, std::string exchange,
                                             std::string routing_key,
                                             std::optional<std::string> expiration,
                                             TaskState* row) {
  Publishing& out = publishing_;
  BasicProperties& p = out.properties;
  // A v2 message's header keys, in the order Celery 5.2.6 writes them
  // (amqp.py as_task_v2; probed: tests/conformance/probes/celery_message.py).
  enum : size_t {
    kLang, kTask, kId, kShadow, kEta, kExpires, kGroup, kGroupIndex, kRetries, kTimelimit,
    kRootId, kParentId, kArgsrepr, kKwargsrepr, kOrigin, kIgnoreResult, kCount
  };
  if (!p.headers) {
    // First use: the fixed values and the header table's shape.
    p.content_type = "application/json";
    p.content_encoding = "utf-8";
    p.delivery_mode = 2;
    std::vector<FieldTable::Entry> headers;
    for (const char* key : {"lang", "task", "id", "shadow", "eta", "expires", "group",
                            "group_index", "retries", "timelimit", "root_id", "parent_id",
                            "argsrepr", "kwargsrepr", "origin", "ignore_result"}) {
      headers.emplace_back(key, FieldValue::Void());
    }
    headers[kLang].second = FieldValue::String("py");
    headers[kTimelimit].second = FieldValue::Array({FieldValue::Void(), FieldValue::Void()});
    headers[kIgnoreResult].second = FieldValue::Bool(false);
    p.headers = FieldTable(std::move(headers));
  }
  if (!p.correlation_id) p.correlation_id.emplace();
  p.correlation_id->assign(m.id.data(), m.id.size());  // keeps its buffer
  if (!p.reply_to) p.reply_to.emplace();
  p.reply_to->assign(*m.reply_to);
  p.expiration = std::move(expiration);
  p.priority = m.priority;
  out.body.assign(m.body.data(), m.body.size());
  std::vector<FieldTable::Entry>& h = p.headers->mutable_entries();
  h[kTask].second.SetString(m.task);
  h[kId].second.SetString(m.id);
  if (m.eta) {
    IsoTimeInto(*m.eta, eta_text_);
    h[kEta].second.SetString(eta_text_);
  } else {
    h[kEta].second = FieldValue::Void();
  }
  if (m.expires) {
    IsoTimeInto(*m.expires, expires_text_);
    h[kExpires].second.SetString(expires_text_);
  } else {
    h[kExpires].second = FieldValue::Void();
  }
  h[kRetries].second = FieldValue::SignedInt(m.retries);
  h[kRootId].second.SetString(m.root_id);
  if (m.parent_id) {
    h[kParentId].second.SetString(*m.parent_id);
  } else {
    h[kParentId].second = FieldValue::Void();
  }
  h[kArgsrepr].second.SetString(m.argsrepr);
  h[kKwargsrepr].second.SetString(m.kwargsrepr);
  h[kOrigin].second.SetString(*m.origin);
  out.exchange = std::move(exchange);
  out.routing_key = std::move(routing_key);
  absl::StatusOr<PublishReceipt> r = Producer().BasicPublish(out);
  if (!r.ok()) return r.status();
  if (row == nullptr) row = &Row(m.id, m.task);
  ++row->published;
  row_by_message_.Put(r->message.value, row);
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
    id = Cat(absl::Hex(a >> 32, absl::kZeroPad8), "-",
             absl::Hex((a >> 16) & 0xffff, absl::kZeroPad4), "-4",
             absl::Hex(a & 0xfff, absl::kZeroPad3), "-a", absl::Hex(b >> 52, absl::kZeroPad3), "-",
             absl::Hex(b & 0xffffffffffffULL, absl::kZeroPad12));
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
  // send_task_message: declare=[queue], once per connection (a failed
  // declare is not remembered, so the next apply_async tries again).
  if (!producer_declared_.contains(o.queue)) {
    WARREN_RETURN_IF_ERROR(DeclareTaskQueue(Producer(), o.queue));
    producer_declared_.insert(o.queue);
  }
  if (producer_sender_.oid.empty()) producer_sender_ = NewSender();
  const bool plain = o.args.empty() && o.kwargs.empty();
  if (!plain) arguments_[id] = TaskArguments{o.args, o.kwargs};
  // The common case (no arguments) reuses constant text.
  static const std::string kPlainBody = TaskBody({}, {});
  std::string body = plain ? std::string() : TaskBody(o.args, o.kwargs);
  std::string argsrepr = plain ? std::string() : ArgsRepr(o.args, /*tuple=*/false);
  std::string kwargsrepr = plain ? std::string() : KwargsRepr(o.kwargs);
  TaskMessage m{.id = id,
                .task = task,
                .retries = 0,
                .eta = eta,
                .expires = expires,
                .root_id = id,
                .argsrepr = plain ? std::string_view("()") : std::string_view(argsrepr),
                .kwargsrepr = plain ? std::string_view("{}") : std::string_view(kwargsrepr),
                .body = plain ? std::string_view(kPlainBody) : std::string_view(body),
                .origin = &producer_sender_.origin,
                .reply_to = &producer_sender_.oid};
  absl::Status s = PublishMessage(m, "", o.queue, expiration, nullptr);
  if (!s.ok()) return s;
  Event("task-sent", id, "", task, " -> ", o.queue);
  return id;
}

absl::Status CeleryApp::Impl::PublishRetry(const Job& job, absl::Time eta,
                                           const std::string& origin,
                                           const std::string& reply_to) {
  // Same id, retries + 1, the same arguments (body and reprs as received),
  // the same root; the parent is the retried task itself. To the same queue
  // through the default exchange when it arrived that way, else to the
  // delivery's exchange/routing key.
  const Message& msg = *job.message;
  // Celery re-sends the arguments as a signature's tuple: the args repr
  // becomes a tuple's even when apply_async was given a list.
  std::string argsrepr;
  if (const TaskArguments* a = ArgumentsOf(job.id); a != nullptr) {
    argsrepr = ArgsRepr(a->args, /*tuple=*/true);
  }
  std::optional<absl::Time> header_eta;
  if (eta > sim_.Now()) header_eta = eta;  // countdown 0: no eta header
  TaskMessage m{.id = job.id,
                .task = job.task,
                .retries = job.retries + 1,
                .eta = header_eta,
                .expires = job.expires,
                .root_id = job.root_id.empty() ? job.id : job.root_id,
                .parent_id = job.id,
                .argsrepr = argsrepr.empty() ? job.argsrepr : std::string_view(argsrepr),
                .kwargsrepr = job.kwargsrepr,
                .body = msg.body(),
                .origin = &origin,
                .reply_to = &reply_to,
                .priority = msg.properties().priority};
  return PublishMessage(m, std::string(msg.exchange()),
                        msg.exchange().empty() ? job.queue : std::string(msg.routing_key()),
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

absl::Status CeleryApp::StopWorker(std::string_view name) {
  for (const auto& w : impl_->workers_) {
    if (w->name() == name) return w->WarmShutdown();
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
  const TaskState* row = impl_->FindRow(id);
  if (row == nullptr) return std::nullopt;
  return *row;
}

std::vector<const TaskState*> CeleryApp::Impl::SortedRows() const {
  std::vector<const TaskState*> rows;
  rows.reserve(rows_.size());
  for (const TaskState& row : rows_) rows.push_back(&row);
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
