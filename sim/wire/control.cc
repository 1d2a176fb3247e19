// The HTTP control plane: the RabbitMQ management API subset that test
// harnesses and tools call (same paths, JSON shapes and basic auth), and
// Warren's own /warren/v1 (the clock, the trace, counters, fates, awaits,
// faults, resets).
#include <algorithm>
#include <iostream>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "sim/core/strings.h"
#include "sim/wire/server_internal.h"
#include "warren/version.h"

namespace warren::internal::wire {
namespace {

using Json = nlohmann::json;

HttpResponse JsonReply(int status, const Json& body) {
  return {status, "application/json",
          body.is_null() ? "" : body.dump(-1, ' ', false, Json::error_handler_t::replace)};
}

HttpResponse NotFound() {
  return JsonReply(404, {{"error", "Object Not Found"}, {"reason", "Not Found"}});
}

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int v = 0;
      if (absl::SimpleHexAtoi(std::string(s.substr(i + 1, 2)), &v)) {
        out += static_cast<char>(v);
        i += 2;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

struct Target {
  std::vector<std::string> path;  // decoded segments
  std::map<std::string, std::string> query;
};

Target ParseTarget(std::string_view target) {
  Target t;
  std::string_view path = target, query;
  if (size_t q = target.find('?'); q != std::string_view::npos) {
    path = target.substr(0, q);
    query = target.substr(q + 1);
  }
  for (absl::string_view a : absl::StrSplit(absl::string_view(path.data(), path.size()), '/')) {
    std::string_view seg(a.data(), a.size());
    if (!seg.empty()) t.path.push_back(PercentDecode(seg));
  }
  for (absl::string_view a : absl::StrSplit(absl::string_view(query.data(), query.size()), '&')) {
    std::string_view kv(a.data(), a.size());
    if (kv.empty()) continue;
    size_t eq = kv.find('=');
    std::string_view k = kv.substr(0, eq);
    std::string_view v = eq == std::string_view::npos ? "" : kv.substr(eq + 1);
    t.query[PercentDecode(std::string_view(k.data(), k.size()))] =
        PercentDecode(std::string_view(v.data(), v.size()));
  }
  return t;
}

std::string Iso(absl::Time t) { return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone()); }

Json QueueJson(const QueueInfo& q) {
  Json args = TableToJson(q.arguments);
  Json j{{"name", q.name},
         {"vhost", "/"},
         {"type", std::string(QueueTypeName(q.settings.type))},
         {"durable", q.durable},
         {"auto_delete", q.auto_delete},
         {"exclusive", q.exclusive},
         {"arguments", args},
         {"policy", q.policy.empty() ? Json(nullptr) : Json(q.policy)},
         {"messages", q.ready + q.unacked},
         {"messages_ready", q.ready},
         {"messages_unacknowledged", q.unacked},
         {"consumers", q.consumers},
         {"message_bytes_ready", q.ready_bytes},
         {"state", "running"},
         {"node", "rabbit@warren"}};
  return j;
}

Json ExchangeJson(const ExchangeInfo& x) {
  return {{"name", x.name},           {"vhost", "/"},
          {"type", x.type},           {"durable", x.durable},
          {"auto_delete", x.auto_delete}, {"internal", x.internal},
          {"arguments", TableToJson(x.arguments)},
          {"policy", x.policy.empty() ? Json(nullptr) : Json(x.policy)}};
}

Json BindingJson(const BindingInfo& b) {
  return {{"source", b.source},
          {"vhost", "/"},
          {"destination", b.destination},
          {"destination_type", b.destination_is_exchange ? "exchange" : "queue"},
          {"routing_key", b.routing_key},
          {"arguments", TableToJson(b.arguments)},
          {"properties_key", b.routing_key.empty() ? "~" : b.routing_key}};
}

Json PolicyJson(const PolicySpec& p) {
  const char* apply = p.apply_to == PolicyApplyTo::kQueues      ? "queues"
                      : p.apply_to == PolicyApplyTo::kExchanges ? "exchanges"
                                                                : "all";
  return {{"vhost", "/"},         {"name", p.name},         {"pattern", p.pattern},
          {"apply-to", apply},    {"definition", TableToJson(p.definition)},
          {"priority", p.priority}};
}

// Keeps only the requested ?columns= of each object.
Json Columns(Json list, const Target& t) {
  auto it = t.query.find("columns");
  if (it == t.query.end()) return list;
  std::vector<std::string> cols = absl::StrSplit(it->second, ',');
  Json out = Json::array();
  for (const Json& item : list) {
    Json o = Json::object();
    for (const std::string& c : cols) {
      if (item.contains(c)) o[c] = item[c];
    }
    out.push_back(o);
  }
  return out;
}

Json MessageJson(const QueuedMessage& m) {
  Json props = Json::object();
  const BasicProperties& p = m.properties();
  auto str = [&](const char* k, const std::optional<std::string>& v) { if (v) props[k] = *v; };
  str("content_type", p.content_type);
  str("content_encoding", p.content_encoding);
  str("correlation_id", p.correlation_id);
  str("reply_to", p.reply_to);
  str("expiration", p.expiration);
  str("message_id", p.message_id);
  str("type", p.type);
  str("user_id", p.user_id);
  str("app_id", p.app_id);
  if (p.delivery_mode) props["delivery_mode"] = *p.delivery_mode;
  if (p.priority) props["priority"] = *p.priority;
  if (p.timestamp) props["timestamp"] = *p.timestamp;
  if (p.headers) props["headers"] = TableToJson(*p.headers);
  Json j{{"message", m.message->id().value},
         {"exchange", std::string(m.message->exchange())},
         {"routing_key", std::string(m.message->routing_key())},
         {"redelivered", m.redelivered},
         {"payload", std::string(m.body())},
         {"payload_bytes", m.body().size()},
         {"properties", props}};
  if (m.deadline) j["ttl_deadline"] = Iso(*m.deadline);
  return j;
}

Json CountersJson(const Counters& c) {
  return {{"published", c.published},
          {"unroutable", c.unroutable},
          {"returned", c.returned},
          {"copies_enqueued", c.copies_enqueued},
          {"ready", c.ready},
          {"unacked", c.unacked},
          {"acked", c.acked},
          {"dead_lettered", c.dead_lettered},
          {"dropped", c.dropped},
          {"dropped_by_reason", c.dropped_by_reason},
          {"message_drops_by_reason", c.message_drops_by_reason},
          {"confirms_acked", c.confirms_acked},
          {"confirms_nacked", c.confirms_nacked}};
}

bool Authorized(const HttpRequest& req, const SessionOptions& o) {
  constexpr std::string_view kBasic = "Basic ";
  if (req.authorization.rfind(kBasic, 0) != 0) return false;
  std::string decoded;
  if (!absl::Base64Unescape(req.authorization.substr(kBasic.size()), &decoded)) return false;
  size_t colon = decoded.find(':');
  if (colon == std::string::npos) return false;
  for (const User& u : o.users) {
    if (u.name == decoded.substr(0, colon) && u.password == decoded.substr(colon + 1)) return true;
  }
  return false;
}

// How long a long poll may wait on the wall clock: "wall_timeout_ms"
// (default 10 s), within [0, 1 h].
std::chrono::milliseconds WallTimeout(const Json& b) {
  return std::chrono::milliseconds(
      std::clamp<int64_t>(b.value("wall_timeout_ms", int64_t{10000}), 0, 3600000));
}

// A long poll: calls `done` when `ready()` says so or at the deadline.
void PollUntil(Server& server, WallClock::time_point deadline, std::function<bool()> ready,
               std::function<void(bool)> done) {
  if (ready()) return done(true);
  if (WallClock::now() >= deadline) return done(false);
  auto timer = std::make_shared<asio::steady_timer>(server.io(), std::chrono::milliseconds(2));
  timer->async_wait([&server, deadline, ready, done, timer](boost::system::error_code) {
    PollUntil(server, deadline, ready, done);
  });
}

}  // namespace

void Server::Handle(const HttpRequest& req, HttpResponder respond) {
  Json body;
  if (!req.body.empty()) {
    body = Json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (body.is_discarded()) {
      return respond(JsonReply(400, {{"error", "bad_request"}, {"reason", "the body is not JSON"}}));
    }
  }
  // Every field is read synchronously in Route (callbacks that run later
  // get plain values), so a wrong type surfaces here, as a 400.
  auto responded = std::make_shared<bool>(false);  // long polls answer later
  HttpResponder once = [responded, respond](HttpResponse r) {
    *responded = true;
    respond(std::move(r));
  };
  try {
    Route(req, body, once);
  } catch (const Json::exception& e) {
    if (!*responded) {
      respond(JsonReply(400, {{"error", "bad_request"}, {"reason", Cat("body: ", e.what())}}));
    }
  }
}

void Server::Route(const HttpRequest& req, const Json& body, HttpResponder respond) {
  Target t = ParseTarget(req.target);
  const std::vector<std::string>& p = t.path;
  auto is = [&](std::initializer_list<std::string_view> want) {
    if (p.size() != want.size()) return false;
    size_t i = 0;
    for (std::string_view w : want) {
      if (w != "*" && p[i] != w) return false;
      ++i;
    }
    return true;
  };
  Simulation& sim = engine_.sim();

  // ---- /warren/v1 ----
  if (p.size() >= 2 && p[0] == "warren" && p[1] == "v1") {
    if (is({"warren", "v1", "clock"}) && req.method == "GET") {
      std::optional<absl::Time> next = sim.NextEventTime();
      return respond(JsonReply(
          200, {{"now", Iso(sim.Now())},
                {"now_ms", absl::ToUnixMillis(sim.Now())},
                {"mode", clock() == ClockMode::kManual ? "manual" : "realtime"},
                {"factor", factor()},
                {"next_event", next ? Json(Iso(*next)) : Json(nullptr)},
                {"locks", locks}}));
    }
    if (is({"warren", "v1", "clock", "lock"}) && req.method == "POST") {
      ++locks;
      return respond(JsonReply(200, {{"locks", locks}}));
    }
    if (is({"warren", "v1", "clock", "unlock"}) && req.method == "POST") {
      if (locks > 0) --locks;
      return respond(JsonReply(200, {{"locks", locks}}));
    }
    if ((is({"warren", "v1", "clock", "advance"}) || is({"warren", "v1", "clock", "run"})) &&
        req.method == "POST") {
      if (clock() != ClockMode::kManual) {
        return respond(JsonReply(409, {{"error", "conflict"},
                                       {"reason", "the clock is realtime; start warren serve "
                                                  "with --clock manual to move it by hand"}}));
      }
      const bool advance = p[3] == "advance";
      const Json& b = body.is_object() ? body : Json::object();
      const auto started = WallClock::now();
      const auto wall_deadline = started + WallTimeout(b);
      absl::Time target;
      bool until_idle = false;
      if (advance) {
        target = sim.Now() + absl::Milliseconds(b.value("ms", int64_t{0}));
      } else if (b.contains("until") && b["until"].is_string() && b["until"] != "idle") {
        std::string err;
        if (!absl::ParseTime(absl::RFC3339_full, b["until"].get<std::string>(), &target, &err)) {
          return respond(JsonReply(400, {{"error", "bad_request"},
                                         {"reason", Cat("until: ", err)}}));
        }
      } else {
        until_idle = true;
        target = sim.Now() + absl::Milliseconds(b.value("max_virtual_ms", int64_t{86400000}));
      }
      if (target < sim.Now()) {
        return respond(JsonReply(400, {{"error", "bad_request"},
                                       {"reason", "virtual time never moves backwards"}}));
      }
      const auto settle = std::chrono::milliseconds(
          std::clamp<int64_t>(b.value("settle_ms", int64_t{advance ? 0 : 50}), 0, 60000));
      const bool hold = b.value("hold_on_unacked", !advance);
      const absl::Time begin = sim.Now();
      auto steps = std::make_shared<int64_t>(0);
      auto last_block = std::make_shared<std::string>();
      // One step: when the wire is quiet, run to the next event (or the
      // target); repeat until the target, idle, or the wall deadline.
      auto step = std::make_shared<std::function<void()>>();
      *step = [this, step, steps, last_block, target, until_idle, settle, hold, wall_deadline,
               started, begin, advance, respond]() {
        Simulation& sim = engine_.sim();
        auto finish = [&](const char* why, int status) {
          respond(JsonReply(status, {{"stopped", why},
                                     {"now", Iso(sim.Now())},
                                     {"now_ms", absl::ToUnixMillis(sim.Now())},
                                     {"advanced_ms", absl::ToInt64Milliseconds(sim.Now() - begin)},
                                     {"steps", *steps},
                                     {"wall_ms", std::chrono::duration_cast<std::chrono::milliseconds>(
                                                     WallClock::now() - started).count()},
                                     {"blocked_by", last_block->empty() ? Json(nullptr)
                                                                        : Json(*last_block)}}));
          *step = nullptr;  // breaks the cycle
        };
        std::string why = WhyNotQuiet(settle, hold);
        if (!why.empty()) {
          *last_block = why;
          if (WallClock::now() >= wall_deadline) return finish("timeout", 408);
          auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(2));
          timer->async_wait([step, timer](boost::system::error_code) { if (*step) (*step)(); });
          return;
        }
        last_block->clear();
        std::optional<absl::Time> next = sim.NextEventTime();
        absl::Time to = advance || !next || *next > target ? target : *next;
        if (until_idle && !next) return finish("idle", 200);
        absl::Status s = engine_.RunUntil(to);
        ++*steps;
        NoteRun();
        Pump();
        if (!s.ok()) {
          respond(JsonReply(500, {{"error", "run_failed"}, {"reason", std::string(s.message())}}));
          *step = nullptr;
          return;
        }
        if (sim.Now() >= target) return finish(until_idle ? "max_virtual_ms" : "target", 200);
        auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(0));
        timer->async_wait([step, timer](boost::system::error_code) { if (*step) (*step)(); });
      };
      // advance: wait for the barrier (unread input) only; run: the full quiet.
      return (*step)();
    }
    if (is({"warren", "v1", "trace"}) && req.method == "GET") {
      // Events with seq >= since, at most `limit` of them (default 100 000),
      // oldest first; events older than the kept window are gone (the first
      // line's seq says where the answer starts).
      uint64_t since = 0, limit = 100000;
      if (auto it = t.query.find("since"); it != t.query.end()) (void)absl::SimpleAtoi(it->second, &since);
      if (auto it = t.query.find("limit"); it != t.query.end()) (void)absl::SimpleAtoi(it->second, &limit);
      const TraceEvents& trace = sim.trace();
      size_t from = 0;
      if (!trace.empty() && since > trace.front().seq) {
        from = static_cast<size_t>(std::min<uint64_t>(since - trace.front().seq, trace.size()));
      }
      std::string out;
      for (size_t i = from; i < trace.size() && i - from < limit; ++i) {
        out += ToJsonLine(trace[i]);
        out += '\n';
      }
      return respond(HttpResponse{200, "application/x-ndjson", out});
    }
    if (is({"warren", "v1", "counters"}) && req.method == "GET") {
      return respond(JsonReply(200, CountersJson(sim.counters())));
    }
    if (is({"warren", "v1", "invariants"}) && req.method == "GET") {
      absl::Status s = sim.CheckInvariants();
      return respond(s.ok() ? JsonReply(200, {{"ok", true}})
                            : JsonReply(409, {{"ok", false}, {"error", std::string(s.message())}}));
    }
    if (is({"warren", "v1", "fate", "*"}) && req.method == "GET") {
      uint64_t id = 0;
      if (!absl::SimpleAtoi(p[3], &id)) return respond(NotFound());
      MessageFate f = sim.Fate(MessageId{id});
      Json copies = Json::array();
      for (const CopyFate& c : f.copies) {
        copies.push_back({{"queue", c.queue}, {"state", std::string(CopyStateName(c.state))},
                          {"reason", c.reason}, {"since", Iso(c.since)}});
      }
      return respond(JsonReply(200, {{"message", id}, {"drops", f.drops}, {"copies", copies}}));
    }
    if (is({"warren", "v1", "queues", "*", "messages"}) && req.method == "GET") {
      absl::StatusOr<std::vector<QueuedMessage>> messages = sim.Messages(p[3]);
      if (!messages.ok()) return respond(NotFound());
      Json out = Json::array();
      for (const QueuedMessage& m : *messages) out.push_back(MessageJson(m));
      return respond(JsonReply(200, out));
    }
    if (is({"warren", "v1", "await"}) && req.method == "POST") {
      const Json& b = body.is_object() ? body : Json::object();
      const std::string queue = b.value("queue", std::string());
      const auto deadline = WallClock::now() + WallTimeout(b);
      auto want = [&](const char* key) {
        return b.contains(key) ? std::optional<uint64_t>(b[key].get<uint64_t>()) : std::nullopt;
      };
      const std::optional<bool> exists =
          b.contains("exists") ? std::optional<bool>(b["exists"].get<bool>()) : std::nullopt;
      const std::optional<uint64_t> ready_eq = want("ready"), ready_min = want("ready_at_least"),
                                    unacked_eq = want("unacked"),
                                    consumers_min = want("consumers_at_least");
      auto ready = [=, this]() {
        absl::StatusOr<QueueInfo> q = engine_.sim().Queue(queue);
        if (exists) return q.ok() == *exists;
        if (!q.ok()) return false;
        return (!ready_eq || q->ready == *ready_eq) && (!ready_min || q->ready >= *ready_min) &&
               (!unacked_eq || q->unacked == *unacked_eq) &&
               (!consumers_min || q->consumers >= *consumers_min);
      };
      return PollUntil(*this, deadline, ready, [this, respond, queue](bool met) {
        absl::StatusOr<QueueInfo> q = engine_.sim().Queue(queue);
        respond(JsonReply(met ? 200 : 408, {{"met", met},
                                            {"queue", q.ok() ? QueueJson(*q) : Json(nullptr)}}));
      });
    }
    if (is({"warren", "v1", "faults"}) && req.method == "POST") {
      if (body.contains("close_connection")) {
        std::string name = body["close_connection"].get<std::string>();
        for (const auto& [id, s] : engine_.sessions()) {
          if (s->name() != name) continue;
          engine_.ForceClose(id, CloseReason{static_cast<ReplyCode>(body.value("code", 320)),
                                             body.value("text", std::string("CONNECTION_FORCED - fault injected")),
                                             0, 0});
          Pump();
          return respond(JsonReply(200, {{"closed", name}}));
        }
        return respond(NotFound());
      }
      // connection.blocked / unblocked, as a RabbitMQ resource alarm sends
      // them: to connections whose client claims the capability; blocked
      // goes out at the connection's next publish. "*" names every one.
      for (const char* key : {"block_connection", "unblock_connection"}) {
        if (!body.contains(key)) continue;
        const std::string name = body[key].get<std::string>();
        const bool block = key[0] == 'b';
        const std::string reason = body.value("reason", std::string("low on memory"));
        Json done = Json::array();
        std::vector<uint64_t> ids;
        for (const auto& [id, s] : engine_.sessions()) {
          if (name != "*" && s->name() != name) continue;
          ids.push_back(id);
          done.push_back(s->name());
        }
        if (done.empty() && name != "*") return respond(NotFound());
        for (uint64_t id : ids) {
          engine_.SetBlocked(id, block ? std::optional<std::string>(reason) : std::nullopt);
        }
        Pump();
        if (!block) {
          for (const auto& [id, socket] : sockets_) Read(socket);  // reading resumes
        }
        return respond(JsonReply(200, {{block ? "blocked" : "unblocked", done}}));
      }
      if (body.contains("drop_socket")) {
        DropSocketOf(body["drop_socket"].get<std::string>());
        return respond(JsonReply(200, {{"dropped", body["drop_socket"]}}));
      }
      return respond(JsonReply(400, {{"error", "bad_request"},
                                     {"reason", "expected close_connection, drop_socket, "
                                                "block_connection or unblock_connection"}}));
    }
    if (is({"warren", "v1", "reset"}) && req.method == "POST") {
      Json op{{"op", "reset"}};
      if (body.contains("seed")) op["seed"] = body["seed"];
      ManageReply r = engine_.Manage(op);
      CloseOrphans();
      return respond(JsonReply(r.status == 204 ? 200 : r.status, r.body.is_null() ? Json{{"reset", true}} : r.body));
    }
    return respond(NotFound());
  }

  // ---- the management API subset ----
  if (p.empty() || p[0] != "api") return respond(NotFound());
  if (!Authorized(req, session_options())) {
    return respond(JsonReply(401, {{"error", "not_authorised"}, {"reason", "Login failed"}}));
  }
  auto vhost_ok = [&](size_t i) { return p.size() <= i || p[i] == "/"; };
  if (is({"api", "overview"})) {
    Counters c = sim.counters();
    return respond(JsonReply(200, {{"product_name", session_options().identity.product},
                                   {"product_version", session_options().identity.version},
                                   {"rabbitmq_version", session_options().identity.version},
                                   {"management_version", session_options().identity.version},
                                   {"cluster_name", session_options().identity.cluster_name},
                                   {"node", "rabbit@warren"},
                                   {"warren_version", WARREN_VERSION_STRING},
                                   {"queue_totals", {{"messages", c.ready + c.unacked},
                                                     {"messages_ready", c.ready},
                                                     {"messages_unacknowledged", c.unacked}}},
                                   {"object_totals", {{"queues", sim.Queues().size()},
                                                      {"exchanges", sim.Exchanges().size()},
                                                      {"connections", engine_.sessions().size()}}}}));
  }
  if (p[1] == "queues" && req.method == "GET" && p.size() <= 3 && vhost_ok(2)) {
    Json out = Json::array();
    for (const QueueInfo& q : sim.Queues()) out.push_back(QueueJson(q));
    return respond(JsonReply(200, Columns(out, t)));
  }
  if (p[1] == "queues" && p.size() >= 4 && vhost_ok(2)) {
    const std::string& name = p[3];
    if (p.size() == 4 && req.method == "GET") {
      absl::StatusOr<QueueInfo> q = sim.Queue(name);
      return respond(q.ok() ? JsonReply(200, QueueJson(*q)) : NotFound());
    }
    if (p.size() == 4 && req.method == "DELETE") {
      if (!sim.Queue(name).ok()) return respond(NotFound());
      ManageReply r = engine_.Manage({{"op", "delete_queue"}, {"name", name},
                                      {"if_unused", t.query.contains("if-unused")},
                                      {"if_empty", t.query.contains("if-empty")}});
      Pump();
      return respond(JsonReply(r.status, r.body));
    }
    if (p.size() == 5 && p[4] == "contents" && req.method == "DELETE") {
      if (!sim.Queue(name).ok()) return respond(NotFound());
      ManageReply r = engine_.Manage({{"op", "purge_queue"}, {"name", name}});
      Pump();
      return respond(JsonReply(r.status, r.body));
    }
    return respond(NotFound());
  }
  if (p[1] == "exchanges" && req.method == "GET" && p.size() <= 3 && vhost_ok(2)) {
    Json out = Json::array();
    for (const ExchangeInfo& x : sim.Exchanges()) out.push_back(ExchangeJson(x));
    return respond(JsonReply(200, Columns(out, t)));
  }
  if (p[1] == "exchanges" && p.size() == 4 && vhost_ok(2)) {
    if (req.method == "GET") {
      for (const ExchangeInfo& x : sim.Exchanges()) {
        if (x.name == p[3]) return respond(JsonReply(200, ExchangeJson(x)));
      }
      return respond(NotFound());
    }
    if (req.method == "DELETE") {
      ManageReply r = engine_.Manage({{"op", "delete_exchange"}, {"name", p[3]},
                                      {"if_unused", t.query.contains("if-unused")}});
      Pump();
      return respond(JsonReply(r.status, r.body));
    }
  }
  if (p[1] == "bindings" && req.method == "GET" && vhost_ok(2)) {
    // /api/bindings[/vhost[/e/SRC/(q|e)/DEST]]
    Json out = Json::array();
    for (const BindingInfo& b : sim.Bindings()) {
      if (p.size() == 7 && (b.source != p[4] || b.destination != p[6] ||
                            b.destination_is_exchange != (p[5] == "e"))) {
        continue;
      }
      out.push_back(BindingJson(b));
    }
    return respond(JsonReply(200, Columns(out, t)));
  }
  if (p[1] == "bindings" && p.size() >= 7 && p[3] == "e" && (p[5] == "q" || p[5] == "e") &&
      vhost_ok(2)) {
    // POST .../e/SRC/q/QUEUE {routing_key, arguments}: 201; DELETE .../PROPS: 204.
    const char* dest_type = p[5] == "q" ? "queue" : "exchange";
    if (p.size() == 7 && req.method == "POST") {
      ManageReply r = engine_.Manage({{"op", "bind"}, {"source", p[4]}, {"destination", p[6]},
                                      {"destination_type", dest_type},
                                      {"routing_key", body.value("routing_key", std::string())},
                                      {"arguments", body.value("arguments", Json::object())}});
      Pump();
      return respond(JsonReply(r.status, r.body));
    }
    if (p.size() == 8 && req.method == "DELETE") {
      // The properties key: the routing key, "~" for an empty one (bindings
      // with arguments are not addressed this way here).
      std::string key = p[7] == "~" ? "" : p[7];
      ManageReply r = engine_.Manage({{"op", "unbind"}, {"source", p[4]}, {"destination", p[6]},
                                      {"destination_type", dest_type}, {"routing_key", key}});
      Pump();
      return respond(JsonReply(r.status, r.body));
    }
  }
  if ((p[1] == "policies" || p[1] == "operator-policies") && vhost_ok(2)) {
    const bool op = p[1] == "operator-policies";
    if (p.size() <= 3 && req.method == "GET") {
      Json out = Json::array();
      for (const PolicySpec& s : op ? sim.OperatorPolicies() : sim.Policies()) {
        out.push_back(PolicyJson(s));
      }
      return respond(JsonReply(200, out));
    }
    if (p.size() == 4 && req.method == "PUT") {
      Json opj{{"op", "set_policy"}, {"name", p[3]}, {"operator", op},
               {"pattern", body.value("pattern", std::string())},
               {"definition", body.value("definition", Json::object())},
               {"priority", body.value("priority", 0)},
               {"apply_to", body.value("apply-to", std::string("all"))}};
      bool existed = false;
      for (const PolicySpec& s : op ? sim.OperatorPolicies() : sim.Policies()) {
        existed = existed || s.name == p[3];
      }
      ManageReply r = engine_.Manage(opj);
      Pump();
      if (r.status == 204 && !existed) r.status = 201;
      return respond(JsonReply(r.status, r.body));
    }
    if (p.size() == 4 && req.method == "DELETE") {
      ManageReply r = engine_.Manage({{"op", "clear_policy"}, {"name", p[3]}, {"operator", op}});
      Pump();
      return respond(JsonReply(r.status, r.body));
    }
    if (p.size() == 4 && req.method == "GET") {
      for (const PolicySpec& s : op ? sim.OperatorPolicies() : sim.Policies()) {
        if (s.name == p[3]) return respond(JsonReply(200, PolicyJson(s)));
      }
      return respond(NotFound());
    }
  }
  if (p[1] == "connections") {
    if (p.size() == 2 && req.method == "GET") {
      Json out = Json::array();
      for (const auto& [id, s] : engine_.sessions()) {
        out.push_back({{"name", s->name()},
                       {"user", s->user()},
                       {"vhost", s->vhost()},
                       {"channels", s->channel_count()},
                       {"state", s->running() ? "running" : "starting"},
                       {"client_properties", TableToJson(s->client_properties())}});
      }
      return respond(JsonReply(200, out));
    }
    if (p.size() == 3 && req.method == "DELETE") {
      ManageReply r = engine_.Manage(
          {{"op", "close_connection"}, {"name", p[2]}, {"reason", "Closed via management plugin"}});
      Pump();
      return respond(JsonReply(r.status, r.body));
    }
  }
  if (p[1] == "definitions") {
    if (req.method == "GET") {
      Json queues = Json::array(), exchanges = Json::array(), bindings = Json::array(),
           policies = Json::array(), operator_policies = Json::array();
      for (const QueueInfo& q : sim.Queues()) {
        if (q.exclusive) continue;
        queues.push_back({{"name", q.name}, {"vhost", "/"}, {"durable", q.durable},
                          {"auto_delete", q.auto_delete}, {"arguments", TableToJson(q.arguments)}});
      }
      for (const ExchangeInfo& x : sim.Exchanges()) {
        if (x.name.empty() || x.name.rfind("amq.", 0) == 0) continue;
        exchanges.push_back(ExchangeJson(x));
      }
      for (const BindingInfo& b : sim.Bindings()) bindings.push_back(BindingJson(b));
      for (const PolicySpec& s : sim.Policies()) policies.push_back(PolicyJson(s));
      for (const PolicySpec& s : sim.OperatorPolicies()) {
        operator_policies.push_back(PolicyJson(s));
      }
      return respond(JsonReply(200, {{"rabbit_version", session_options().identity.version},
                                     {"vhosts", {{{"name", "/"}}}},
                                     {"queues", queues},
                                     {"exchanges", exchanges},
                                     {"bindings", bindings},
                                     {"policies", policies},
                                     {"operator_policies", operator_policies}}));
    }
    if (req.method == "POST") {
      ManageReply r = ImportDefinitions(engine_, body);
      Pump();
      return respond(JsonReply(r.status, r.body));
    }
  }
  respond(NotFound());
}

}  // namespace warren::internal::wire
