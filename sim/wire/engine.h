// Everything `warren serve` does to its Simulation, without sockets: the
// client sessions, the runs of virtual time, and the management operations
// (policies, deletes, definitions, forced closes, resets). Each mutation is
// written to the input log as one JSON line before it happens, so
// `warren replay-wire LOG` can apply the same lines to a fresh Engine and
// get the live run's trace byte for byte: the live run is nondeterministic
// only in the order its inputs arrived, and the log records that order.
//
// Not thread-safe: one thread owns the Engine and its Simulation.
#ifndef WARREN_SIM_WIRE_ENGINE_H_
#define WARREN_SIM_WIRE_ENGINE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "nlohmann/json.hpp"
#include "sim/wire/session.h"
#include "warren/simulation.h"

namespace warren::internal::wire {

struct EngineOptions {
  SimulationOptions simulation;
  SessionOptions session;
  // Every Run* call is bounded (a livelock among real clients is reported,
  // not spun on).
  int64_t max_events_per_run = Simulation::kDefaultMaxEvents;
};

// A management call's answer, as the HTTP layer returns it.
struct ManageReply {
  int status = 200;  // HTTP status
  nlohmann::json body;
};

class Engine {
 public:
  // `log` receives each input-log line (no newline); null: no log.
  Engine(EngineOptions options, std::function<void(const std::string&)> log);
  ~Engine();

  Simulation& sim() { return *sim_; }
  const EngineOptions& options() const { return options_; }

  // ---- client connections ----
  // A new client connection named `name` (as in the trace); its id.
  uint64_t Open(std::string name);
  Session* Find(uint64_t id);
  // Bytes from the client, then the simulation runs at the current instant
  // (deliveries, confirms, closes reach the session's output).
  void Input(uint64_t id, std::string_view bytes);
  // The client went away (socket closed or heartbeat timeout); the session
  // is dropped.
  void Gone(uint64_t id);
  // The server closes one connection (shutdown, management, fault).
  void ForceClose(uint64_t id, const CloseReason& reason);
  // A resource alarm on one connection (Session::SetBlocked); nullopt clears it.
  void SetBlocked(uint64_t id, std::optional<std::string> reason);
  const std::map<uint64_t, std::unique_ptr<Session>>& sessions() const { return sessions_; }

  // ---- virtual time ----
  absl::Status RunUntil(absl::Time t);

  // ---- management (the RabbitMQ HTTP API's mutations, and Warren's) ----
  // `op` names the operation ("set_policy", "clear_policy", "delete_queue",
  // "purge_queue", "delete_exchange", "declare_exchange", "declare_queue",
  // "bind", "close_connection", "reset") and its arguments.
  ManageReply Manage(const nlohmann::json& op);

  // Applies one line of an input log to this Engine.
  absl::Status Replay(const nlohmann::json& entry);

 private:
  void Log(nlohmann::json entry);
  // The management connection's channel, reopened after an error closed it.
  Channel& Admin();
  ManageReply Apply(const nlohmann::json& op);
  void RunAtNow();

  EngineOptions options_;
  std::function<void(const std::string&)> log_;
  std::unique_ptr<Simulation> sim_;
  std::map<uint64_t, std::unique_ptr<Session>> sessions_;
  uint64_t next_id_ = 1;
  std::optional<Connection> admin_conn_;
  std::optional<Channel> admin_;
};

// Imports RabbitMQ definitions (exchanges, queues, bindings, policies, as
// GET /api/definitions exports them) through Engine::Manage; the first
// refusal comes back.
ManageReply ImportDefinitions(Engine& engine, const nlohmann::json& definitions);

// JSON (the management API's shapes) -> AMQP field values: integers are
// longs, as rabbit_mgmt converts them; objects are tables.
FieldValue JsonToField(const nlohmann::json& v);
FieldTable JsonToTable(const nlohmann::json& v);
nlohmann::json FieldToJson(const FieldValue& v);
nlohmann::json TableToJson(const FieldTable& t);

}  // namespace warren::internal::wire

#endif  // WARREN_SIM_WIRE_ENGINE_H_
