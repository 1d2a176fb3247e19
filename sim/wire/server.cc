// The AMQP listener, its sockets and timers, the realtime clock and the
// shutdown signals. Every byte goes through the Engine (and so into the
// input log); this file only moves bytes and keeps wall time.
#include "sim/wire/server_internal.h"

#include <csignal>
#include <iostream>

#include "absl/time/clock.h"
#include "sim/core/strings.h"

namespace warren::internal::wire {
namespace {

std::string Endpoint(const tcp::endpoint& e) {
  return Cat(e.address().to_string(), ":", e.port());
}

}  // namespace

Server::Server(const ServeOptions& options)
    : options_(options),
      engine_(options.engine,
              options.input_log_path.empty()
                  ? std::function<void(const std::string&)>()
                  : [this](const std::string& line) {
                      if (log_file_.is_open()) log_file_ << line << '\n';
                    }) {}

absl::Status Server::Start(const std::function<void(uint16_t, uint16_t)>& ready) {
  if (options_.clock == ClockMode::kRealtime && !(options_.factor > 0)) {
    return absl::InvalidArgumentError("--clock realtime:K needs K > 0");
  }
  if (!options_.input_log_path.empty()) {
    log_file_.open(options_.input_log_path, std::ios::binary | std::ios::trunc);
    if (!log_file_) {
      return absl::InvalidArgumentError(
          Cat("cannot write the input log ", options_.input_log_path));
    }
    const SimulationOptions& o = options_.engine.simulation;
    nlohmann::json users = nlohmann::json::array();
    for (const User& u : options_.engine.session.users) {
      users.push_back({{"name", u.name}, {"password", u.password}});
    }
    log_file_ << nlohmann::json{{"op", "start"},
                                {"seed", o.seed},
                                {"start_ns", absl::ToUnixNanos(o.start)},
                                {"users", users},
                                {"version", 1}}
                     .dump()
              << '\n';
  }
  if (options_.setup) {
    if (absl::Status s = options_.setup(engine_); !s.ok()) return s;
  }
  boost::system::error_code ec;
  tcp::endpoint ep(asio::ip::make_address(options_.bind_address, ec), options_.amqp_port);
  if (ec) return absl::InvalidArgumentError(Cat("bad --bind address '", options_.bind_address, "'"));
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(128, ec);  // RabbitMQ's backlog
  if (ec) {
    return absl::UnavailableError(Cat("cannot listen for AMQP on ", options_.bind_address, ":",
                                      options_.amqp_port, ": ", ec.message()));
  }
  absl::StatusOr<std::unique_ptr<HttpServer>> http = HttpServer::Start(
      io_, options_.bind_address, options_.http_port,
      [this](const HttpRequest& req, HttpResponder respond) { Handle(req, std::move(respond)); });
  if (!http.ok()) return http.status();
  http_ = *std::move(http);
  signals_.add(SIGTERM);
  signals_.add(SIGINT);
  signals_.async_wait([this](const boost::system::error_code& e, int sig) {
    if (!e) Shutdown(sig);
  });
  virtual_start_ = engine_.sim().Now();
  wall_start_ = WallClock::now();
  Accept();
  Tick();
  if (options_.clock == ClockMode::kRealtime) ArmRealtime();
  ready(acceptor_.local_endpoint().port(), http_->port());
  return absl::OkStatus();
}

void Server::Accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed at shutdown
    if (stopping_) return;
    socket.set_option(tcp::no_delay(true), ec);  // RabbitMQ's tcp_listen_options
    auto s = std::make_shared<AmqpSocket>(io_, std::move(socket));
    boost::system::error_code e1, e2;
    tcp::endpoint peer = s->socket.remote_endpoint(e1);
    tcp::endpoint local = s->socket.local_endpoint(e2);
    std::string name = e1 || e2 ? "client" : Cat(Endpoint(peer), " -> ", Endpoint(local));
    s->id = engine_.Open(std::move(name));
    sockets_[s->id] = s;
    Read(s);
    Accept();
  });
}

void Server::Read(const std::shared_ptr<AmqpSocket>& s) {
  if (s->closed || s->reading) return;
  Session* session = engine_.Find(s->id);
  if (session == nullptr) return Close(s);
  if (session->output().size() + s->sending.size() > kOutputHighWater) return;  // back-pressure
  if (session->paused()) return;  // blocked by a resource alarm
  s->reading = true;
  s->socket.async_read_some(
      asio::buffer(s->buffer), [this, s](boost::system::error_code ec, size_t n) {
        s->reading = false;
        if (s->closed) return;
        if (ec) {
          engine_.Gone(s->id);
          Close(s);
          Pump();
          return;
        }
        s->last_read = last_input_ = WallClock::now();
        if (options_.clock == ClockMode::kRealtime) {
          // Events due before this input run first, at their instants.
          absl::Time now = VirtualNow();
          if (now > engine_.sim().Now()) (void)engine_.RunUntil(now);
        }
        engine_.Input(s->id, std::string_view(s->buffer.data(), n));
        Pump();
        Read(s);
      });
}

void Server::Pump() {
  for (auto it = sockets_.begin(); it != sockets_.end();) {
    std::shared_ptr<AmqpSocket> s = (it++)->second;
    if (engine_.Find(s->id) == nullptr) {
      Close(s);
      continue;
    }
    Flush(s);
    ApplyAction(s);
  }
  if (options_.clock == ClockMode::kRealtime) ArmRealtime();
}

void Server::Flush(const std::shared_ptr<AmqpSocket>& s) {
  Session* session = engine_.Find(s->id);
  if (s->closed || s->writing || session == nullptr || session->output().empty()) return;
  s->sending.swap(session->output());
  session->output().clear();
  s->writing = true;
  s->last_write = WallClock::now();
  asio::async_write(s->socket, asio::buffer(s->sending),
                    [this, s](boost::system::error_code ec, size_t) {
                      s->writing = false;
                      s->sending.clear();
                      if (s->closed) return;
                      if (ec) {
                        engine_.Gone(s->id);
                        Close(s);
                        Pump();
                        return;
                      }
                      if (s->close_after_write) return Close(s);
                      Flush(s);
                      Read(s);  // resumes a connection held back by its output
                    });
}

void Server::ApplyAction(const std::shared_ptr<AmqpSocket>& s) {
  Session* session = engine_.Find(s->id);
  if (session == nullptr || s->closed) return;
  auto close_in = [&](std::chrono::steady_clock::duration d) {
    s->close_timer.expires_after(d);
    s->close_timer.async_wait([this, s](boost::system::error_code ec) {
      if (ec) return;  // re-armed or cancelled
      engine_.Gone(s->id);
      Close(s);
      Pump();
    });
  };
  switch (session->socket_action()) {
    case SocketAction::kKeep: return;
    case SocketAction::kCloseNow:
      for (const std::string& note : session->notes()) {
        std::cerr << "warren serve: " << session->name() << ": " << note << "\n";
      }
      engine_.Gone(s->id);
      if (s->writing) {
        s->close_after_write = true;  // the last frames (our header, close-ok) go first
      } else {
        Close(s);
      }
      return;
    case SocketAction::kCloseAfterSilence:
      if (s->close_timer.expiry() > WallClock::now()) return;  // armed already
      for (const std::string& note : session->notes()) {
        std::cerr << "warren serve: " << session->name() << ": " << note << "\n";
      }
      close_in(kSilentCloseDelay);
      return;
    case SocketAction::kCloseAfterClose: {
      if (s->close_timer.expiry() > WallClock::now()) return;
      uint16_t hb = session->heartbeat();
      close_in(hb > 0 && hb < 30 ? std::chrono::seconds(hb) : kClosingTimeout);
      return;
    }
  }
}

void Server::Close(const std::shared_ptr<AmqpSocket>& s) {
  if (s->closed) return;
  s->closed = true;
  boost::system::error_code ignored;
  s->close_timer.cancel();
  // RabbitMQ's listen options set linger {true, 0}: every close is a reset.
  s->socket.set_option(asio::socket_base::linger(true, 0), ignored);
  s->socket.close(ignored);
  sockets_.erase(s->id);
}

void Server::CloseOrphans() { Pump(); }

void Server::DropSocketOf(const std::string& connection_name) {
  for (auto& [id, s] : sockets_) {
    Session* session = engine_.Find(id);
    if (session != nullptr && session->name() == connection_name) {
      std::shared_ptr<AmqpSocket> keep = s;
      engine_.Gone(id);
      Close(keep);
      Pump();
      return;
    }
  }
}

void Server::Tick() {
  // Heartbeats run on wall time, never on virtual time: a test that sits in
  // manual mode for minutes keeps its clients.
  const WallClock::time_point now = WallClock::now();
  for (auto it = sockets_.begin(); it != sockets_.end();) {
    std::shared_ptr<AmqpSocket> s = (it++)->second;
    Session* session = engine_.Find(s->id);
    if (session == nullptr) continue;
    if (!session->running() && session->socket_action() == SocketAction::kKeep &&
        now - s->accepted > kHandshakeTimeout) {
      // handshake_timeout: no frame, a reset.
      std::cerr << "warren serve: " << session->name()
                << ": no connection.open within 10 s (RabbitMQ's handshake_timeout)\n";
      engine_.Gone(s->id);
      Close(s);
      continue;
    }
    const uint16_t hb = session->heartbeat();
    if (hb == 0 || !session->running()) continue;
    // Not reading on purpose (blocked, or held back by its own output):
    // RabbitMQ pauses its heartbeat monitor then, and so do we.
    if (!s->reading) s->last_read = now;
    if (now - s->last_read > std::chrono::seconds(2 * hb)) {
      std::cerr << "warren serve: " << session->name() << ": missed heartbeats, closing\n";
      engine_.Gone(s->id);
      Close(s);
      continue;
    }
    if (now - s->last_write >= std::chrono::milliseconds(500 * hb) && session->output().empty()) {
      AppendHeartbeat(session->output());
    }
  }
  Pump();
  tick_.expires_after(std::chrono::seconds(1));
  tick_.async_wait([this](boost::system::error_code ec) {
    if (!ec && !stopping_) Tick();
  });
}

absl::Time Server::VirtualNow() const {
  double wall = std::chrono::duration<double>(WallClock::now() - wall_start_).count();
  return virtual_start_ + absl::Nanoseconds(static_cast<int64_t>(wall * options_.factor * 1e9));
}

void Server::ArmRealtime() {
  std::optional<absl::Time> next = engine_.sim().NextEventTime(/*housekeeping=*/true);
  realtime_timer_.cancel();
  if (!next) return;
  double wall_s = absl::ToDoubleSeconds(*next - virtual_start_) / options_.factor;
  auto at = wall_start_ + std::chrono::duration_cast<WallClock::duration>(
                              std::chrono::duration<double>(wall_s));
  realtime_timer_.expires_at(at);
  realtime_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    absl::Time now = VirtualNow();
    if (now > engine_.sim().Now()) (void)engine_.RunUntil(now);
    NoteRun();
    Pump();
  });
}

void Server::Shutdown(int signal) {
  stopping_ = true;
  // A RabbitMQ shutdown closes every connection with 320.
  const CloseReason reason{ReplyCode::kConnectionForced,
                           "CONNECTION_FORCED - broker forced connection closure with reason "
                           "'shutdown'",
                           0, 0};
  for (auto& [id, s] : sockets_) engine_.ForceClose(id, reason);
  Pump();
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  if (http_) http_->Stop();
  tick_.cancel();
  realtime_timer_.cancel();
  // Let the close frames go out, then stop.
  auto stop = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(100));
  stop->async_wait([this, stop](boost::system::error_code) { io_.stop(); });
  if (log_file_.is_open()) log_file_.flush();
  (void)signal;
}

std::string Server::WhyNotQuiet(std::chrono::milliseconds settle, bool hold_on_unacked) const {
  const WallClock::time_point now = WallClock::now();
  if (locks > 0) return Cat(locks, " clock lock(s) held (POST /warren/v1/clock/unlock)");
  for (const auto& [id, s] : sockets_) {
    const Session* session = const_cast<Engine&>(engine_).Find(id);
    if (session == nullptr) continue;
    boost::system::error_code ec;
    size_t available = s->socket.available(ec);
    if (available > 0 || session->pending_input() > 0) {
      return Cat("connection ", session->name(), " has unread input");
    }
    if (s->writing || !session->output().empty()) {
      return Cat("connection ", session->name(), " has output not yet sent");
    }
    if (hold_on_unacked && session->unacked() > 0) {
      return Cat("connection ", session->name(), " holds ", session->unacked(),
                 " unacked deliveries (\"hold_on_unacked\": false skips ahead anyway)");
    }
  }
  if (now - last_input_ < settle) return "a client sent data less than settle_ms ago";
  if (now - last_run_ < settle) return "the last step's deliveries are less than settle_ms old";
  return "";
}

absl::Status Serve(const ServeOptions& options,
                   const std::function<void(uint16_t, uint16_t)>& ready) {
  Server server(options);
  if (absl::Status s = server.Start(ready); !s.ok()) return s;
  server.Run();
  return absl::OkStatus();
}

}  // namespace warren::internal::wire
