#include "sim/wire/engine.h"

#include "absl/strings/escaping.h"
#include "sim/core/strings.h"
#include "sim/scenario/topology.h"
#include "warren/scenario.h"

namespace warren::internal::wire {
namespace {

using Json = nlohmann::json;

int HttpStatusOf(const absl::Status& s) {
  switch (s.code()) {
    case absl::StatusCode::kOk: return 204;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kInvalidArgument: return 400;
    case absl::StatusCode::kFailedPrecondition: return 400;
    default: return 500;
  }
}

ManageReply Error(int status, std::string_view error, std::string_view reason) {
  return {status, Json{{"error", error}, {"reason", reason}}};
}

ManageReply FromStatus(const absl::Status& s) {
  if (s.ok()) return {204, nullptr};
  int status = HttpStatusOf(s);
  return Error(status, status == 404 ? "Object Not Found" : "bad_request",
               std::string(s.message()));
}

PolicyApplyTo ApplyTo(const std::string& s) {
  if (s == "queues") return PolicyApplyTo::kQueues;
  if (s == "exchanges") return PolicyApplyTo::kExchanges;
  return PolicyApplyTo::kAll;
}

}  // namespace

FieldValue JsonToField(const Json& v) {
  if (v.is_null()) return FieldValue::Void();
  if (v.is_boolean()) return FieldValue::Bool(v.get<bool>());
  if (v.is_number_integer()) return FieldValue::Long(v.get<int64_t>());
  if (v.is_number_unsigned()) return FieldValue::Long(static_cast<int64_t>(v.get<uint64_t>()));
  if (v.is_number_float()) return FieldValue::Double(v.get<double>());
  if (v.is_string()) return FieldValue::String(v.get<std::string>());
  if (v.is_array()) {
    std::vector<FieldValue> items;
    for (const Json& item : v) items.push_back(JsonToField(item));
    return FieldValue::Array(std::move(items));
  }
  return FieldValue::Table(JsonToTable(v));
}

FieldTable JsonToTable(const Json& v) {
  FieldTable t;
  if (!v.is_object()) return t;
  for (auto it = v.begin(); it != v.end(); ++it) {
    t.mutable_entries().emplace_back(it.key(), JsonToField(it.value()));
  }
  return t;
}

Json FieldToJson(const FieldValue& v) {
  switch (v.type()) {
    case FieldType::kVoid: return nullptr;
    case FieldType::kBool: return v.as_bool();
    case FieldType::kFloat:
    case FieldType::kDouble: return v.as_double();
    case FieldType::kLongString:
    case FieldType::kBinary: return Json(v.as_string());  // bytes; escaped on dump
    case FieldType::kArray: {
      Json out = Json::array();
      for (const FieldValue& item : v.as_array()) out.push_back(FieldToJson(item));
      return out;
    }
    case FieldType::kTable: return TableToJson(v.as_table());
    case FieldType::kDecimal: return v.ToString();
    default: return v.as_int();  // integers and timestamps
  }
}

Json TableToJson(const FieldTable& t) {
  Json out = Json::object();
  for (const auto& [k, v] : t) {
    if (!out.contains(k)) out[k] = FieldToJson(v);
  }
  return out;
}

Engine::Engine(EngineOptions options, std::function<void(const std::string&)> log)
    : options_(std::move(options)),
      log_(std::move(log)),
      sim_(std::make_unique<Simulation>(options_.simulation)) {}

Engine::~Engine() {
  sessions_.clear();  // before the Simulation they point into
  admin_.reset();
  admin_conn_.reset();
}

void Engine::Log(Json entry) {
  if (log_) log_(entry.dump(-1, ' ', false, Json::error_handler_t::replace));
}

uint64_t Engine::Open(std::string name) {
  uint64_t id = next_id_++;
  Log({{"op", "open"}, {"conn", id}, {"name", name}});
  sessions_.emplace(id, std::make_unique<Session>(*sim_, options_.session, std::move(name)));
  return id;
}

Session* Engine::Find(uint64_t id) {
  auto it = sessions_.find(id);
  return it == sessions_.end() ? nullptr : it->second.get();
}

void Engine::RunAtNow() { (void)sim_->RunUntil(sim_->Now(), options_.max_events_per_run); }

void Engine::Input(uint64_t id, std::string_view bytes) {
  Session* s = Find(id);
  if (s == nullptr) return;
  if (log_) {  // the base64 copy only when someone keeps it
    Log({{"op", "in"},
         {"conn", id},
         {"bytes", absl::Base64Escape(absl::string_view(bytes.data(), bytes.size()))}});
  }
  s->OnBytes(bytes);
  RunAtNow();
}

void Engine::Gone(uint64_t id) {
  auto it = sessions_.find(id);
  if (it == sessions_.end()) return;
  Log({{"op", "gone"}, {"conn", id}});
  it->second->OnPeerGone();
  sessions_.erase(it);
  RunAtNow();
}

void Engine::ForceClose(uint64_t id, const CloseReason& reason) {
  Session* s = Find(id);
  if (s == nullptr) return;
  Log({{"op", "force_close"}, {"conn", id}, {"code", static_cast<int>(reason.code)},
       {"text", reason.text}});
  s->ForceClose(reason);
  RunAtNow();
}

void Engine::SetBlocked(uint64_t id, std::optional<std::string> reason) {
  Session* s = Find(id);
  if (s == nullptr) return;
  if (reason) {
    Log({{"op", "block"}, {"conn", id}, {"reason", *reason}});
  } else {
    Log({{"op", "unblock"}, {"conn", id}});
  }
  s->SetBlocked(std::move(reason));
  RunAtNow();
}

absl::Status Engine::RunUntil(absl::Time t) {
  Log({{"op", "run_until"}, {"t_ns", absl::ToUnixNanos(t)}});
  return sim_->RunUntil(t, options_.max_events_per_run);
}

Channel& Engine::Admin() {
  if (!admin_ || !admin_->is_open()) {
    if (!admin_conn_ || !admin_conn_->is_open()) admin_conn_ = sim_->Connect("management");
    admin_ = *admin_conn_->OpenChannel();
  }
  return *admin_;
}

ManageReply Engine::Manage(const Json& op) {
  Log(op);
  ManageReply r;
  try {  // the same answer live and in a replay, whatever the op holds
    r = Apply(op);
  } catch (const Json::exception& e) {
    r = {400, Json{{"error", "bad_request"}, {"reason", e.what()}}};
  }
  RunAtNow();
  return r;
}

ManageReply Engine::Apply(const Json& op) {
  const std::string kind = op.value("op", "");
  auto str = [&](const char* key) { return op.value(key, std::string()); };
  if (kind == "set_policy") {
    PolicySpec p{.name = str("name"), .pattern = str("pattern"),
                 .definition = JsonToTable(op.value("definition", Json::object())),
                 .priority = op.value("priority", 0), .apply_to = ApplyTo(str("apply_to"))};
    absl::Status s = op.value("operator", false) ? sim_->SetOperatorPolicy(p) : sim_->SetPolicy(p);
    return FromStatus(s);
  }
  if (kind == "clear_policy") {
    absl::Status s = op.value("operator", false) ? sim_->ClearOperatorPolicy(str("name"))
                                                 : sim_->ClearPolicy(str("name"));
    return FromStatus(s);
  }
  if (kind == "delete_queue") {
    return FromStatus(Admin()
                          .QueueDelete(str("name"), {.if_unused = op.value("if_unused", false),
                                                     .if_empty = op.value("if_empty", false)})
                          .status());
  }
  if (kind == "purge_queue") return FromStatus(Admin().QueuePurge(str("name")).status());
  if (kind == "delete_exchange") {
    return FromStatus(Admin().ExchangeDelete(str("name"), op.value("if_unused", false)));
  }
  if (kind == "declare_exchange") {
    return FromStatus(Admin().ExchangeDeclare(
        str("name"), {.type = op.value("type", std::string("direct")),
                      .durable = op.value("durable", false),
                      .auto_delete = op.value("auto_delete", false),
                      .internal = op.value("internal", false),
                      .arguments = JsonToTable(op.value("arguments", Json::object()))}));
  }
  if (kind == "declare_queue") {
    return FromStatus(Admin()
                          .QueueDeclare(str("name"),
                                        {.durable = op.value("durable", false),
                                         .auto_delete = op.value("auto_delete", false),
                                         .arguments =
                                             JsonToTable(op.value("arguments", Json::object()))})
                          .status());
  }
  if (kind == "bind" || kind == "unbind") {
    FieldTable args = JsonToTable(op.value("arguments", Json::object()));
    const bool bind = kind == "bind";
    const bool to_exchange = str("destination_type") == "exchange";
    Channel& ch = Admin();
    absl::Status s =
        to_exchange
            ? (bind ? ch.ExchangeBind(str("destination"), str("source"), str("routing_key"), args)
                    : ch.ExchangeUnbind(str("destination"), str("source"), str("routing_key"),
                                        args))
            : (bind ? ch.QueueBind(str("destination"), str("source"), str("routing_key"), args)
                    : ch.QueueUnbind(str("destination"), str("source"), str("routing_key"), args));
    ManageReply r = FromStatus(s);
    if (bind && r.status == 204) r.status = 201;
    return r;
  }
  if (kind == "close_connection") {
    for (auto& [id, s] : sessions_) {
      if (s->name() != str("name")) continue;
      s->ForceClose(CloseReason{ReplyCode::kConnectionForced,
                                Cat("CONNECTION_FORCED - ", str("reason")), 0, 0});
      return {204, nullptr};
    }
    return Error(404, "Object Not Found", "Not Found");
  }
  if (kind == "load_topology") {
    // A scenario file's exchanges, queues, bindings and policies, declared
    // as the scenario runner declares them (types kept exactly).
    absl::StatusOr<ScenarioSpec> spec = ParseScenario(str("scenario"), str("file"));
    if (!spec.ok()) return Error(400, "bad_request", std::string(spec.status().message()));
    std::map<std::string, std::string> aliases;
    if (absl::Status s = DeclareTopology(*sim_, Admin(), *spec, aliases); !s.ok()) {
      return Error(400, "bad_request", std::string(s.message()));
    }
    return {204, nullptr};
  }
  if (kind == "reset") {
    sessions_.clear();
    admin_.reset();
    admin_conn_.reset();
    SimulationOptions o = options_.simulation;
    if (op.contains("seed")) o.seed = op["seed"].get<uint64_t>();
    if (op.contains("start_ns")) o.start = absl::FromUnixNanos(op["start_ns"].get<int64_t>());
    sim_ = std::make_unique<Simulation>(o);
    return {204, nullptr};
  }
  return Error(400, "bad_request", Cat("unknown operation \"", kind, "\""));
}

namespace {

ManageReply ImportDefinitionsOrThrow(Engine& engine, const Json& definitions) {
  if (!definitions.is_object()) return Error(400, "bad_request", "definitions must be an object");
  // Warren models the vhost "/" only. Definitions that name another are
  // refused whole, before anything is applied (importing them into "/"
  // would merge what RabbitMQ keeps apart).
  auto other_vhost = [](const Json& item) -> std::optional<std::string> {
    if (!item.is_object() || !item.contains("vhost")) return std::nullopt;
    const Json& v = item["vhost"];
    if (v.is_string() && v.get<std::string>() == "/") return std::nullopt;
    return v.is_string() ? v.get<std::string>() : v.dump();
  };
  for (const char* key :
       {"vhosts", "exchanges", "queues", "bindings", "policies", "operator_policies"}) {
    const Json list = definitions.value(key, Json::array());
    if (!list.is_array()) return Error(400, "bad_request", Cat(key, " must be an array"));
    for (size_t i = 0; i < list.size(); ++i) {
      std::optional<std::string> v = std::string(key) == "vhosts"
                                         ? (list[i].value("name", std::string("/")) == "/"
                                                ? std::nullopt
                                                : std::optional(list[i].value("name", std::string())))
                                         : other_vhost(list[i]);
      if (v) {
        return Error(400, "bad_request",
                     Cat("warren serve models the vhost '/' only; ", key, "[", i,
                         "] names vhost '", *v, "'"));
      }
    }
  }
  auto each = [&](const char* key, const char* op, auto convert) -> std::optional<ManageReply> {
    for (const Json& item : definitions.value(key, Json::array())) {
      Json o = convert(item);
      o["op"] = op;
      if (ManageReply r = engine.Manage(o); r.status >= 300) return r;
    }
    return std::nullopt;
  };
  auto same = [](const Json& j) { return j; };
  auto policy = [](bool operator_policy) {
    return [operator_policy](const Json& p) {
      return Json{{"name", p.value("name", std::string())},
                  {"pattern", p.value("pattern", std::string())},
                  {"definition", p.value("definition", Json::object())},
                  {"priority", p.value("priority", 0)},
                  {"apply_to", p.value("apply-to", std::string("all"))},
                  {"operator", operator_policy}};
    };
  };
  if (auto r = each("exchanges", "declare_exchange", same)) return *r;
  if (auto r = each("queues", "declare_queue", same)) return *r;
  if (auto r = each("bindings", "bind", same)) return *r;
  if (auto r = each("policies", "set_policy", policy(false))) return *r;
  if (auto r = each("operator_policies", "set_policy", policy(true))) return *r;
  return {204, nullptr};
}

}  // namespace

ManageReply ImportDefinitions(Engine& engine, const Json& definitions) {
  try {  // a field of the wrong type (a string priority, ...) is a 400
    return ImportDefinitionsOrThrow(engine, definitions);
  } catch (const Json::exception& e) {
    return Error(400, "bad_request", e.what());
  }
}

absl::Status Engine::Replay(const Json& entry) {
  const std::string op = entry.value("op", "");
  if (op == "open") {
    const uint64_t want = entry.value("conn", uint64_t{0});
    if (Open(entry.value("name", std::string())) != want) {
      return absl::DataLossError(Cat("connection ids diverged at connection ", want));
    }
    return absl::OkStatus();
  }
  if (op == "in") {
    std::string bytes;
    if (!absl::Base64Unescape(entry.value("bytes", std::string()), &bytes)) {
      return absl::DataLossError("bad base64 in an \"in\" line");
    }
    Input(entry.value("conn", uint64_t{0}), bytes);
    return absl::OkStatus();
  }
  if (op == "gone") {
    Gone(entry.value("conn", uint64_t{0}));
    return absl::OkStatus();
  }
  if (op == "force_close") {
    ForceClose(entry.value("conn", uint64_t{0}),
               CloseReason{static_cast<ReplyCode>(entry.value("code", 320)),
                           entry.value("text", std::string()), 0, 0});
    return absl::OkStatus();
  }
  if (op == "block" || op == "unblock") {
    SetBlocked(entry.value("conn", uint64_t{0}),
               op == "block" ? std::optional<std::string>(entry.value("reason", std::string()))
                             : std::nullopt);
    return absl::OkStatus();
  }
  if (op == "run_until") {
    (void)RunUntil(absl::FromUnixNanos(entry.value("t_ns", int64_t{0})));
    return absl::OkStatus();
  }
  (void)Manage(entry);
  return absl::OkStatus();
}

}  // namespace warren::internal::wire
