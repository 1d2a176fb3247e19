// `warren serve`: the Simulation behind real sockets. AMQP 0-9-1 clients
// connect as to RabbitMQ 3.10.8; an HTTP control plane (a subset of
// RabbitMQ's management API, and Warren's own /warren/v1) reads the broker
// and moves virtual time. One thread owns the sockets, the timers and the
// Simulation (the Simulation's own contract), on one Asio io_context.
#ifndef WARREN_SIM_WIRE_SERVER_H_
#define WARREN_SIM_WIRE_SERVER_H_

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "sim/wire/engine.h"

namespace warren::internal::wire {

enum class ClockMode {
  kManual,    // virtual time moves only inside /warren/v1/clock/advance and clock/run
  kRealtime,  // virtual time follows the wall clock, `factor` times faster
};

struct ServeOptions {
  std::string bind_address = "127.0.0.1";
  uint16_t amqp_port = 5672;  // 0: any free port
  uint16_t http_port = 15672;
  ClockMode clock = ClockMode::kManual;
  double factor = 1.0;  // realtime only
  EngineOptions engine;
  // JSON Lines: every input, in order (replayed by `warren replay-wire`).
  std::string input_log_path;
  // Runs once before the listeners open: declares a scenario's topology,
  // imports definitions.
  std::function<absl::Status(Engine&)> setup;
};

// Serves until SIGTERM or SIGINT (connections then get 320
// CONNECTION_FORCED, as from a RabbitMQ shutdown). `ready(amqp, http)` runs
// once, when both listeners accept. Errors: UNAVAILABLE when a port cannot
// be bound; INVALID_ARGUMENT for bad options.
absl::Status Serve(const ServeOptions& options,
                   const std::function<void(uint16_t amqp_port, uint16_t http_port)>& ready);

}  // namespace warren::internal::wire

#endif  // WARREN_SIM_WIRE_SERVER_H_
