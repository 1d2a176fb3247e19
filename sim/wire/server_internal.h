// The server's parts, shared by server.cc (sockets, timers, the clock) and
// control.cc (the HTTP routes). Asio lives only in these files.
#ifndef WARREN_SIM_WIRE_SERVER_INTERNAL_H_
#define WARREN_SIM_WIRE_SERVER_INTERNAL_H_

// Boost 1.74's asio/awaitable.hpp needs <utility> first under C++20.
#include <utility>

#include <array>
#include <chrono>
#include <cstdint>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio.hpp>

#include "sim/wire/engine.h"
#include "sim/wire/http_server.h"
#include "sim/wire/server.h"

namespace warren::internal::wire {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using WallClock = std::chrono::steady_clock;

// How long RabbitMQ waits before resetting a socket after an error it
// answers with silence (?SILENT_CLOSE_DELAY), and for a close-ok.
inline constexpr std::chrono::seconds kSilentCloseDelay{3};
inline constexpr std::chrono::seconds kClosingTimeout{30};
inline constexpr std::chrono::seconds kHandshakeTimeout{10};
// Output past this many bytes stops reading from the connection until it
// drains (publishers are held back, as RabbitMQ's credit flow does).
inline constexpr size_t kOutputHighWater = 8 << 20;

// One client socket and its session (the session lives in the Engine).
struct AmqpSocket : std::enable_shared_from_this<AmqpSocket> {
  AmqpSocket(asio::io_context& io, tcp::socket s)
      : socket(std::move(s)), close_timer(io), accepted(WallClock::now()) {}
  uint64_t id = 0;
  tcp::socket socket;
  asio::steady_timer close_timer;
  std::array<char, 64 * 1024> buffer;
  std::string sending;  // handed to async_write
  bool writing = false;
  bool reading = false;
  bool closed = false;
  bool close_after_write = false;
  WallClock::time_point accepted;
  WallClock::time_point last_read = WallClock::now();
  WallClock::time_point last_write = WallClock::now();
};

class Server {
 public:
  Server(const ServeOptions& options);
  absl::Status Start(const std::function<void(uint16_t, uint16_t)>& ready);
  void Run() { io_.run(); }

  // ---- used by the control routes (control.cc) ----
  Engine& engine() { return engine_; }
  ClockMode clock() const { return options_.clock; }
  double factor() const { return options_.factor; }
  const SessionOptions& session_options() const { return options_.engine.session; }
  // Runs the simulation at the current instant and sends what it produced.
  void Pump();
  // Why virtual time may not move now ("" when the wire is quiet).
  std::string WhyNotQuiet(std::chrono::milliseconds settle, bool hold_on_unacked) const;
  asio::io_context& io() { return io_; }
  // Closes sockets whose sessions the Engine dropped (a reset).
  void CloseOrphans();
  void DropSocketOf(const std::string& connection_name);
  WallClock::time_point last_input() const { return last_input_; }
  WallClock::time_point last_run() const { return last_run_; }
  void NoteRun() { last_run_ = WallClock::now(); }
  int locks = 0;  // POST /warren/v1/clock/lock

  // The HTTP entry point (control.cc).
  // Routes one HTTP request. A body whose fields have the wrong JSON types
  // gets 400 with nlohmann's words, never an exception out of the loop.
  void Handle(const HttpRequest& req, HttpResponder respond);
  void Route(const HttpRequest& req, const nlohmann::json& body, HttpResponder respond);

 private:
  void Accept();
  void Read(const std::shared_ptr<AmqpSocket>& s);
  void Flush(const std::shared_ptr<AmqpSocket>& s);
  void ApplyAction(const std::shared_ptr<AmqpSocket>& s);
  void Close(const std::shared_ptr<AmqpSocket>& s);
  void Tick();  // every second: heartbeats, handshake timeouts
  void ArmRealtime();
  absl::Time VirtualNow() const;
  void Shutdown(int signal);

  ServeOptions options_;
  asio::io_context io_{1};
  tcp::acceptor acceptor_{io_};
  asio::signal_set signals_{io_};
  asio::steady_timer tick_{io_};
  asio::steady_timer realtime_timer_{io_};
  std::unique_ptr<HttpServer> http_;
  std::ofstream log_file_;
  Engine engine_;
  std::map<uint64_t, std::shared_ptr<AmqpSocket>> sockets_;
  // realtime: virtual time = virtual_start_ + factor * (wall - wall_start_)
  absl::Time virtual_start_;
  WallClock::time_point wall_start_;
  WallClock::time_point last_input_ = WallClock::now();
  WallClock::time_point last_run_ = WallClock::now();
  bool stopping_ = false;
};

}  // namespace warren::internal::wire

#endif  // WARREN_SIM_WIRE_SERVER_INTERNAL_H_
