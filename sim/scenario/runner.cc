// ScenarioSpec -> Simulation: declares the topology, starts the scripted
// clients, runs the timeline on virtual time and checks the expectations.
#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <memory>

#include "sim/core/overloaded.h"
#include "sim/core/status_macros.h"
#include "sim/core/strings.h"
#include "sim/scenario/client.h"
#include "sim/scenario/expectations.h"
#include "sim/scenario/figures_collector.h"
#include "sim/scenario/topology.h"
#include "warren/scenario.h"
#include "warren/simulation.h"

namespace warren {
namespace internal {
namespace {

class ScenarioRun {
 public:
  ScenarioRun(const ScenarioSpec& spec, const RunOptions& options)
      : spec_(spec), run_options_(options), sim_(WithSink(spec.options)) {}

  ScenarioResult Run() {
    result_.start = sim_.Now();
    context_.start = result_.start;
    context_.observation = &result_.observation;
    figures_.Start(result_.start);
    if (!Setup()) return Finish();
    struct Item {
      absl::Duration at;
      int phase;  // 0: steps and client starts, 1: checks
      size_t order;
      std::function<void()> run;
    };
    std::vector<Item> agenda;
    size_t order = 0;
    for (const ScenarioClient& c : spec_.clients) {
      agenda.push_back({c.start, 0, order++, [this, &c] { StartClient(c); }});
    }
    if (spec_.celery) {
      for (const celery::WorkerSpec& w : spec_.celery->workers) {
        agenda.push_back({w.start, 0, order++, [this, &w] {
                            if (absl::Status s = celery_->StartWorker(w); !s.ok()) {
                              result_.step_errors.push_back(
                                  Cat("celery worker \"", w.name, "\": ", s.message()));
                            }
                          }});
      }
    }
    for (const ScenarioStep& s : spec_.timeline) {
      agenda.push_back({s.at, 0, order++, [this, &s] { RunStep(s); }});
    }
    for (const Expectation& e : spec_.expectations) {
      if (e.at) agenda.push_back({*e.at, 1, order++, [this, &e] { Check(e); }});
    }
    std::stable_sort(agenda.begin(), agenda.end(), [](const Item& a, const Item& b) {
      return std::tie(a.at, a.phase, a.order) < std::tie(b.at, b.phase, b.order);
    });
    for (Item& item : agenda) {
      if (!AdvanceTo(item.at)) return Finish();
      item.run();
      if (stopped_) return Finish();
    }
    absl::Duration end = std::max(spec_.run_for, agenda.empty() ? absl::ZeroDuration()
                                                                : agenda.back().at);
    if (!AdvanceTo(end)) return Finish();
    for (const Expectation& e : spec_.expectations) {
      if (!e.at) Check(e);
    }
    if (absl::Status s = sim_.CheckInvariants(); !s.ok()) {
      result_.step_errors.push_back(Cat("accounting invariant broken: ", s.message()));
    }
    return Finish();
  }

 private:
  // Every event feeds the figures, then the caller's sink.
  // Publish instants are kept only when an expectation needs them.
  SimulationOptions WithSink(SimulationOptions o) {
    const bool times = NeedsPublishTimes(spec_);
    if (!run_options_.figures && !times) {
      if (run_options_.on_trace_event) o.trace_sink = run_options_.on_trace_event;
      return o;
    }
    o.trace_sink = [this, times](const TraceEvent& e) {
      if (run_options_.figures) figures_.OnEvent(e);
      if (times && e.kind == TraceKind::kPublished) context_.published_at[e.message.value] = e.time;
      if (run_options_.on_trace_event) run_options_.on_trace_event(e);
    };
    return o;
  }

  // Deliveries are copied into the observation when the run is observed,
  // or when a "client" expectation names the client or channel.
  bool Recording(const std::string& client) const {
    return run_options_.observe || watched_.contains(client);
  }

  // The run's work left under spec.max_events (events, publishes, hops).
  int64_t WorkLeft() const { return spec_.max_events - sim_.work_done(); }
  absl::Status BoundReached() const {
    return absl::ResourceExhaustedError(
        Cat("the run's bound of ", spec_.max_events, " events (options.max_events; publishes "
            "and dead-letter hops included) was reached at virtual time ",
            absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", sim_.Now(), absl::UTCTimeZone())));
  }

  bool AdvanceTo(absl::Duration at) {
    absl::Time when = result_.start + at;
    if (when < sim_.Now()) when = sim_.Now();
    // Bounded: a livelocking scenario is reported, not hung.
    absl::Status s = WorkLeft() > 0 ? sim_.RunUntil(when, WorkLeft()) : BoundReached();
    if (!s.ok()) {
      std::string prefix =
          s.code() == absl::StatusCode::kResourceExhausted && WorkLeft() <= 0
              ? Cat("options.max_events (", spec_.max_events, " per run) exhausted: ")
              : "";
      result_.step_errors.push_back(Cat(prefix, s.message()));
    }
    return s.ok();
  }

  Channel& Admin() {
    if (!admin_ || !admin_->is_open()) {
      if (!admin_conn_ || !admin_conn_->is_open()) admin_conn_ = sim_.Connect("scenario");
      admin_ = *admin_conn_->OpenChannel();
    }
    return *admin_;
  }

  Channel& Publisher() {
    if (!pub_ || !pub_->is_open()) {
      if (!pub_conn_ || !pub_conn_->is_open()) pub_conn_ = sim_.Connect("publisher");
      pub_ = *pub_conn_->OpenChannel();
      confirmed_seq_ = 0;
      pub_->OnReturn([this](const Return& r) { RecordReturn(r); });
      pub_->OnConfirm([this](const Confirm& c) {
        uint64_t from = c.multiple ? confirmed_seq_ + 1 : c.delivery_tag;
        for (uint64_t seq = from; seq <= c.delivery_tag; ++seq) {
          result_.observation.confirms.push_back(c.ack);
        }
        confirmed_seq_ = std::max(confirmed_seq_, c.delivery_tag);
      });
      if (confirm_mode_) (void)pub_->ConfirmSelect();
    }
    return *pub_;
  }

  // The app's task_queues: the file's queues it names (all by default),
  // with their declared options.
  static celery::AppConfig AppConfigOf(const ScenarioSpec& spec) {
    celery::AppConfig app = spec.celery->app;
    const std::optional<std::vector<std::string>>& names = spec.celery->task_queue_names;
    for (const ScenarioQueue& q : spec.queues) {
      if (q.name.empty()) continue;  // server-named
      if (names && std::find(names->begin(), names->end(), q.name) == names->end()) continue;
      app.task_queues.push_back({.name = q.name, .options = q.options});
    }
    return app;
  }

  bool Setup() {
    if (absl::Status s = DeclareTopology(sim_, Admin(), spec_, aliases_); !s.ok()) {
      result_.step_errors.push_back(std::string(s.message()));
      return false;
    }
    if (spec_.celery) {
      celery_ = std::make_unique<celery::CeleryApp>(sim_, AppConfigOf(spec_));
      context_.celery = celery_.get();
      for (size_t i = 0; i < spec_.celery->tasks.size(); ++i) {
        if (absl::Status s = celery_->DefineTask(spec_.celery->tasks[i]); !s.ok()) {
          result_.step_errors.push_back(Cat("/celery/tasks/", i, ": ", s.message()));
          return false;
        }
      }
    }
    return true;
  }

  void StartClient(const ScenarioClient& spec) {
    ScenarioClient c = spec;
    c.queue = Q(c.queue);
    clients_.push_back(std::make_unique<ScriptedClient>(sim_, c, result_.observation,
                                                        Recording(c.name), budget_));
    if (run_options_.figures) {
      clients_.back()->OnRepublish(
          [this](MessageId child, MessageId parent) { figures_.Link(child, parent); });
    }
    absl::Status s = clients_.back()->Start();
    std::string pointer = Cat("client \"", c.name, "\"");
    if (!c.expect_error) {
      if (!s.ok()) result_.step_errors.push_back(Cat(pointer, ": ", s.message()));
      return;
    }
    CheckExpectedError(pointer, *c.expect_error, s, clients_.back()->channel(),
                       clients_.back()->connection());
  }

  // The channel `number` of the file's connection `name`, opened now if it
  // is not open (a closed one opens again, as a client reconnects).
  absl::StatusOr<Channel*> Named(const std::string& name, uint16_t number, Connection** conn) {
    NamedConnection& n = named_[name];
    if (!n.conn || !n.conn->is_open()) {
      n.conn = sim_.Connect(name);
      n.channels.clear();
    }
    *conn = &*n.conn;
    std::optional<Channel>& ch = n.channels[number];
    if (!ch || !ch->is_open()) {
      WARREN_ASSIGN_OR_RETURN(Channel opened, n.conn->OpenChannel(number));
      ch = opened;
      std::string key = number == 1 ? name : Cat(name, "/", number);
      ch->OnReturn([this](const Return& r) { RecordReturn(r); });
      ch->OnCancel([this, key, &n](const std::string& tag) {
        // A server-generated tag shows as "*", as in the deliveries.
        const bool given = n.given_tags.contains(tag);
        result_.observation.client_events[key].push_back(Cat("cancel ", given ? tag : "*"));
      });
    }
    return &*ch;
  }

  void RecordReturn(const Return& r) {
    if (!budget_.Take()) return;
    result_.observation.returns.push_back(
        {.reply_code = r.reply_code,
         .reply_text = r.reply_text,
         .message = {.exchange = r.exchange,
                     .routing_key = r.routing_key,
                     .properties = r.message->properties(),
                     .body = std::string(r.message->body())}});
  }

  // basic.consume on a named channel: deliveries are observed and held
  // until the file's ack steps settle them.
  absl::Status Consume(Channel& ch, const ScenarioStep& s, const ConsumeStep& c) {
    std::string key = s.channel == 1 ? s.connection : Cat(s.connection, "/", s.channel);
    std::string shown_tag = c.options.consumer_tag.empty() ? "*" : c.options.consumer_tag;
    if (!c.options.consumer_tag.empty()) named_[s.connection].given_tags.insert(c.options.consumer_tag);
    const bool recording = Recording(key);
    if (recording) result_.observation.channels[key];  // present even if empty
    return ch.BasicConsume(
                 Q(c.queue),
                 [this, key, shown_tag, recording](const Delivery& d) {
                   if (!recording || !budget_.Take()) return;
                   result_.observation.channels[key].push_back(
                       {.consumer_tag = shown_tag,
                        .delivery_tag = d.delivery_tag.value,
                        .message = Observe(d)});
                 },
                 c.options)
        .status();
  }

  // Runs a step; returns the Status, the handles it used and what its
  // ok-reply carried (for the methods whose reply carries data).
  absl::Status Execute(const ScenarioStep& s, Channel** used, Connection** used_conn,
                       std::optional<ObservedReply>* reply) {
    *used = &Admin();
    *used_conn = &*admin_conn_;
    if (!s.connection.empty()) {
      absl::StatusOr<Channel*> ch = Named(s.connection, s.channel, used_conn);
      if (!ch.ok()) return ch.status();
      *used = *ch;
    }
    Channel& ch = **used;
    return std::visit(
        Overloaded{
            [&](const PublishStep& p) -> absl::Status {
              if (s.connection.empty()) {
                *used = &Publisher();
                *used_conn = &*pub_conn_;
              }
              if (p.confirm && !confirm_mode_) {
                confirm_mode_ = true;
                WARREN_RETURN_IF_ERROR((*used)->ConfirmSelect());
              }
              for (int i = 0; i < p.count; ++i) {
                if (WorkLeft() <= 0) return BoundReached();
                absl::StatusOr<PublishReceipt> r = (*used)->BasicPublish(p.publish);
                if (!r.ok()) return r.status();
                if (!p.label.empty()) context_.labels[p.label].push_back(r->message);
                if (run_options_.figures) {
                  figures_.AddToGroup(r->message, p.label.empty() ? s.pointer : p.label);
                }
              }
              return absl::OkStatus();
            },
            // Policies go through the management API, not a channel.
            [&](const SetPolicyStep& p) {
              *used = nullptr;
              *used_conn = nullptr;
              return p.operator_policy ? sim_.SetOperatorPolicy(p.policy) : sim_.SetPolicy(p.policy);
            },
            [&](const ClearPolicyStep& p) {
              *used = nullptr;
              *used_conn = nullptr;
              return sim_.ClearPolicy(p.name);
            },
            [&](const DeclareExchangeStep& d) {
              return ch.ExchangeDeclare(d.exchange.name, d.exchange.options);
            },
            [&](const DeclareQueueStep& d) {
              const std::string& name = d.queue.name.empty() ? d.queue.name : Q(d.queue.name);
              absl::StatusOr<QueueDeclareOk> ok = ch.QueueDeclare(name, d.queue.options);
              if (!ok.ok()) return ok.status();
              if (!d.queue.alias.empty()) aliases_[d.queue.alias] = ok->queue;
              *reply = ObservedReply{.message_count = ok->message_count,
                                     .consumer_count = ok->consumer_count};
              return absl::OkStatus();
            },
            [&](const BindStep& b) { return BindOrUnbind(ch, b.binding, /*bind=*/true); },
            [&](const UnbindStep& b) { return BindOrUnbind(ch, b.binding, /*bind=*/false); },
            [&](const DeleteQueueStep& d) {
              absl::StatusOr<uint64_t> n = ch.QueueDelete(Q(d.queue), d.options);
              if (n.ok()) *reply = ObservedReply{.message_count = *n};
              return n.status();
            },
            [&](const PurgeQueueStep& p) {
              absl::StatusOr<uint64_t> n = ch.QueuePurge(Q(p.queue));
              if (n.ok()) *reply = ObservedReply{.message_count = *n};
              return n.status();
            },
            [&](const DeleteExchangeStep& d) { return ch.ExchangeDelete(d.exchange, d.if_unused); },
            [&](const GetStep& g) -> absl::Status {
              absl::StatusOr<std::optional<Delivery>> got = ch.BasicGet(Q(g.queue), g.no_ack);
              if (!got.ok()) return got.status();
              ObservedReply r;
              if (!got->has_value()) {
                r.empty = true;
              } else {
                r.message_count = (*got)->message_count;
              }
              if (got->has_value() && budget_.Take()) {
                r.got = ObservedDelivery{.delivery_tag = (*got)->delivery_tag.value,
                                         .message = Observe(**got)};
              }
              *reply = std::move(r);
              return absl::OkStatus();
            },
            [&](const ConsumeStep& c) { return Consume(ch, s, c); },
            [&](const CancelStep& c) { return ch.BasicCancel(c.consumer_tag); },
            [&](const QosStep& q) { return ch.BasicQos(q.qos); },
            [&](const AckStep& a) { return ch.BasicAck(a.delivery_tag, a.multiple); },
            [&](const NackStep& n) { return ch.BasicNack(n.delivery_tag, n.multiple, n.requeue); },
            [&](const RejectStep& r) { return ch.BasicReject(r.delivery_tag, r.requeue); },
            [&](const RecoverStep& r) { return ch.BasicRecover(r.requeue); },
            [&](const TxStep& t) {
              switch (t.method) {
                case TxMethod::kSelect: return ch.TxSelect();
                case TxMethod::kCommit: return ch.TxCommit();
                case TxMethod::kRollback: return ch.TxRollback();
              }
              return absl::OkStatus();
            },
            [&](const CloseStep& c) { return c.connection ? (*used_conn)->Close() : ch.Close(); },
            [&](const ApplyAsyncStep& a) -> absl::Status {
              // On the Celery app's own producer channel, not the runner's.
              *used = nullptr;
              *used_conn = nullptr;
              celery::ApplyOptions o = a.apply;
              if (o.eta) o.eta = result_.start + (*o.eta - absl::FromUnixMillis(0));
              if (a.expires_relative) o.expires_at = sim_.Now() + *a.expires_relative;
              absl::StatusOr<std::string> id = celery_->ApplyAsync(a.task, o);
              if (!id.ok()) return id.status();
              if (!a.label.empty()) context_.task_ids[a.label] = *id;
              return absl::OkStatus();
            },
            [&](const KillWorkerStep& k) { return celery_->KillWorker(k.worker); },
            [&](const KillChildStep& k) { return celery_->KillChild(k.worker); },
            [&](const RevokeStep& r) {
              celery_->Revoke(context_.task_ids[r.label], /*terminate=*/false);
              return absl::OkStatus();
            },
            [&](const TerminateStep& t) {
              celery_->Revoke(context_.task_ids[t.label], /*terminate=*/true);
              return absl::OkStatus();
            },
            [&](const RestartWorkerStep& r) { return celery_->RestartWorker(r.worker); },
            [&](const StopWorkerStep& w) { return celery_->StopWorker(w.worker); },
            [&](const StopClientStep& c) -> absl::Status {
              for (auto& client : clients_) {
                if (client->name() == c.client) return client->Stop();
              }
              return absl::NotFoundError(Cat("client \"", c.client, "\" has not started yet"));
            },
        },
        s.action);
  }

  absl::Status BindOrUnbind(Channel& ch, ScenarioBinding b, bool bind) {
    if (!b.to_exchange) b.destination = Q(b.destination);
    return Bind(ch, b, bind);
  }

  void RunStep(const ScenarioStep& s) {
    Channel* ch = nullptr;
    Connection* conn = nullptr;
    std::optional<ObservedReply> reply;
    absl::Status status = Execute(s, &ch, &conn, &reply);
    // A bound (work, live messages) ends the run: nothing after it is valid.
    if (status.code() == absl::StatusCode::kResourceExhausted) {
      result_.step_errors.push_back(Cat(s.pointer, ": ", status.message()));
      stopped_ = true;
      return;
    }
    Record(s, status, ch, conn, std::move(reply));
    if (!s.expect_error) {
      if (!status.ok()) result_.step_errors.push_back(Cat(s.pointer, ": ", status.message()));
      return;
    }
    CheckExpectedError(s.pointer, *s.expect_error, status, ch, conn);
  }

  // A step or client start that had to fail: the reply code, what closed
  // and (if given) the exact reply text. `ch`/`conn` may be null (nothing
  // was opened).
  void CheckExpectedError(const std::string& pointer, const ExpectedError& want,
                          const absl::Status& status, const Channel* ch, const Connection* conn) {
    auto fail = [&](std::string what) { result_.failures.push_back({pointer, std::move(what)}); };
    if (want.code == 0) {  // a policy step: the management API's error text
      if (status.ok()) return fail(Cat("expected the error \"", want.text, "\", but it succeeded"));
      std::string text = ReplyTextOf(status);
      if (text != want.text) fail(Cat("expected the error \"", want.text, "\", got \"", text, "\""));
      return;
    }
    if (status.ok()) return fail(Cat("expected reply ", want.code, ", but it succeeded"));
    if (ReplyCodeOf(status) != want.code) {
      return fail(Cat("expected reply ", want.code, ", got: ", status.message()));
    }
    bool ch_open = ch && ch->is_open(), conn_open = conn && conn->is_open();
    if (!want.closes.empty() && ch == nullptr) {
      // apply_async: the channel is the Celery app's own, not the runner's.
      fail(Cat("\"closes\" cannot be checked on this step: it runs on the Celery app's own "
               "channel (check the code and text)"));
    } else if (want.closes == "channel" && (ch_open || !conn_open)) {
      fail(Cat("expected the channel (only) to close"));
    }
    if (want.closes == "connection" && ch != nullptr && conn_open) {
      fail("expected the connection to close");
    }
    std::optional<CloseReason> reason = ch ? ch->close_reason() : std::nullopt;
    std::string text = reason ? reason->text : ch == nullptr ? ReplyTextOf(status) : "";
    if (!want.text.empty() && text != want.text) {
      fail(Cat("expected reply text \"", want.text, "\", got \"", text, "\""));
    }
  }

  // `ch`/`conn` are null for a step on a channel the runner does not hold
  // (the Celery app's): what closed is then unknown.
  void Record(const ScenarioStep& s, const absl::Status& status, const Channel* ch,
              const Connection* conn, std::optional<ObservedReply> reply) {
    ObservedStep& o = result_.observation.steps.emplace_back();
    o.pointer = s.pointer;
    if (status.ok()) {
      o.reply = std::move(reply);
      return;
    }
    o.code = ReplyCodeOf(status);
    if (ch == nullptr || conn == nullptr) {
      o.text = ReplyTextOf(status);
      return;
    }
    o.closes = !conn->is_open() ? "connection" : !ch->is_open() ? "channel" : "";
    std::optional<CloseReason> reason = ch->close_reason();
    o.text = reason ? reason->text : std::string(status.message());
  }

  // "406 PRECONDITION_FAILED - ..." -> "PRECONDITION_FAILED - ...": the
  // reply text a Status carries after its code.
  static std::string ReplyTextOf(const absl::Status& status) {
    std::string text(status.message());
    size_t space = text.find(' ');
    bool coded = space == 3 && std::all_of(text.begin(), text.begin() + 3, ::isdigit);
    return coded ? text.substr(4) : text;
  }

  // After the run: what a client sees listing the queues and exchanges and
  // draining every queue with basic.get (auto-ack), head first.
  void ObserveEnd() {
    Observation& o = result_.observation;
    for (const ExchangeInfo& x : sim_.Exchanges()) {
      if (!x.name.empty() && x.name.rfind("amq.", 0) != 0) o.exchanges.push_back(x.name);
    }
    for (const QueueInfo& q : sim_.Queues()) {
      if (q.name.rfind("amq.gen-", 0) == 0) continue;
      ObservedQueue out{.name = q.name};
      // Until get-empty, not the snapshot's count: taking a head can expire
      // the messages behind it into a queue drained later (as on RabbitMQ).
      bool refused = false;
      while (true) {
        absl::StatusOr<std::optional<Delivery>> got = Admin().BasicGet(q.name, /*no_ack=*/true);
        if (!got.ok()) refused = true;
        if (!got.ok() || !got->has_value()) break;
        if (budget_.Take()) out.ready.push_back(Observe(**got));
      }
      // A queue basic.get cannot read (quorum + single active consumer,
      // another connection's exclusive queue) is left out, as the
      // recorder leaves it out.
      if (!refused) o.queues.push_back(std::move(out));
    }
    // Unacked counts after the drain, like rabbitmqctl after the recorder's.
    for (ObservedQueue& out : o.queues) {
      if (absl::StatusOr<QueueInfo> q = sim_.Queue(out.name); q.ok()) out.unacked = q->unacked;
    }
  }

  void Check(const Expectation& e) {
    Expectation resolved = e;  // server-named queues by their alias
    std::visit(Overloaded{[&](QueueExpectation& x) { x.queue = Q(x.queue); },
                          [&](QueueGoneExpectation& x) { x.queue = Q(x.queue); },
                          [&](EventCountExpectation& x) { x.queue = Q(x.queue); },
                          [](auto&) {}},
               resolved.check);
    for (std::string& what : CheckExpectation(sim_, resolved, context_)) {
      result_.failures.push_back({e.pointer, std::move(what)});
    }
  }

  ScenarioResult Finish() {
    // One line each: reports print one error per line.
    for (std::string& e : result_.step_errors) e = OneLine(e);
    for (ExpectationFailure& f : result_.failures) f.what = OneLine(f.what);
    result_.trace_events_total = sim_.trace_events_total();
    result_.trace = sim_.TakeTrace();
    result_.queue_table = QueueTable(sim_);
    if (run_options_.figures) result_.figures = figures_.Finish(sim_.Now(), celery_.get());
    if (celery_) result_.tasks = celery_->Tasks();
    if (run_options_.observe) ObserveEnd();
    if (budget_.exhausted()) {
      result_.step_errors.push_back(Cat(
          "the observation bound (RunOptions::max_observed_messages = ",
          run_options_.max_observed_messages,
          ") was reached: deliveries, returns and drained messages past it are not in the "
          "observation (the run itself went on)"));
    }
    return std::move(result_);
  }

  const ScenarioSpec& spec_;
  RunOptions run_options_;
  ObservationBudget budget_{run_options_.max_observed_messages};
  FiguresCollector figures_;  // fed by sim_'s trace sink: declared before it
  RunContext context_;        // likewise (publish instants)
  Simulation sim_;  // declared before celery_: the app must die first
  std::optional<Connection> admin_conn_;
  std::optional<Channel> admin_;
  std::optional<Connection> pub_conn_;
  std::optional<Channel> pub_;
  // The file's named connections (ScenarioStep::connection) and their
  // channels by number.
  struct NamedConnection {
    std::optional<Connection> conn;
    std::map<uint16_t, std::optional<Channel>> channels;
    std::set<std::string> given_tags;  // consumer tags the file chose
  };
  std::map<std::string, NamedConnection> named_;
  bool confirm_mode_ = false;
  bool stopped_ = false;  // a bound ended the run early
  std::map<std::string, std::string> aliases_;  // server-named queues: alias -> name
  const std::string& Q(const std::string& name) const { return ResolveQueue(aliases_, name); }
  uint64_t confirmed_seq_ = 0;
  std::vector<std::unique_ptr<ScriptedClient>> clients_;
  std::unique_ptr<celery::CeleryApp> celery_;
  std::set<std::string> watched_ = WatchedClients(spec_);
  ScenarioResult result_;
};

}  // namespace
}  // namespace internal

ScenarioResult RunScenario(const ScenarioSpec& spec, const RunOptions& options) {
  return internal::ScenarioRun(spec, options).Run();
}

}  // namespace warren
