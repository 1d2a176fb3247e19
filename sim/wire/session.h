// One AMQP 0-9-1 client connection, without I/O: bytes in, bytes out. The
// session speaks RabbitMQ 3.10.8's side of the protocol (handshake, channel
// lifecycle, close handshakes, capability gating, its error texts) and
// drives the public Connection/Channel API of a Simulation, so a real
// client's methods take the same path as a C++ test's.
//
// The transport (sim/wire/server.cc, or the replay of an input log) calls
// OnBytes with what the socket delivered, runs the simulation at the
// current instant (deliveries, confirms and closes reach the session's
// callbacks then), sends output(), and carries out socket_action(). Wall
// time (heartbeats, the handshake timeout, close delays) is the transport's:
// nothing here reads a clock.
//
// Not thread-safe: the session, its Simulation and the transport share one
// thread.
#ifndef WARREN_SIM_WIRE_SESSION_H_
#define WARREN_SIM_WIRE_SESSION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/wire/assembler.h"
#include "sim/wire/frames.h"
#include "sim/wire/method_codec.h"
#include "warren/simulation.h"

namespace warren::internal::wire {

// What the server says about itself in connection.start.
struct ServerIdentity {
  std::string product = "RabbitMQ";  // kombu picks Celery's QoS mode from this
  std::string version = "3.10.8";
  std::string platform = "Erlang/OTP 25.2.3";
  std::string cluster_name = "rabbit@warren";
  std::string copyright = "Copyright (c) 2007-2022 VMware, Inc. or its affiliates.";
  std::string information = "Licensed under the MPL 2.0. Website: https://rabbitmq.com";
};

struct User {
  std::string name;
  std::string password;
};

struct SessionOptions {
  ServerIdentity identity;
  // connection.tune: RabbitMQ 3.10.8's defaults.
  uint16_t channel_max = 2047;
  uint32_t frame_max = 131072;
  uint16_t heartbeat = 60;
  std::vector<User> users = {{"guest", "guest"}};
  std::vector<std::string> vhosts = {"/"};
  // Bodies beyond this are refused by the broker (406); the assembler keeps
  // no more than this of one.
  uint64_t max_message_size = 134217728;
};

// What the transport must do with the socket.
enum class SocketAction {
  kKeep,
  kCloseNow,          // reset now (a crash in RabbitMQ, or close-ok after our close)
  kCloseAfterSilence, // RabbitMQ sleeps 3 s before resetting (errors before open)
  kCloseAfterClose,   // connection.close sent: wait for close-ok, at most the closing timeout
};

class Session {
 public:
  // `name` is the connection's name in the simulation's trace (RabbitMQ
  // names connections "peer:port -> host:port").
  Session(Simulation& sim, const SessionOptions& options, std::string name);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Bytes from the client. Replies go to output() at once (synchronous
  // methods); deliveries and confirms when the caller runs the simulation.
  void OnBytes(std::string_view bytes);
  // The client went away (socket closed, heartbeat timeout): like a
  // connection close without a handshake; unacked messages are requeued.
  void OnPeerGone();
  // The server closes the connection with `reason` (320 CONNECTION_FORCED
  // for a shutdown or the management API; any code for an injected fault).
  void ForceClose(const CloseReason& reason);
  // A resource alarm, as RabbitMQ raises it: connection.blocked goes out at
  // the connection's next publish (to clients whose capabilities claim it),
  // and from then on nothing more is read, buffered frames included, until
  // the alarm clears (nullopt): connection.unblocked, then reading resumes
  // where it stopped. A connection that never publishes keeps working.
  void SetBlocked(std::optional<std::string> reason);
  // Whether the session stopped reading (blocked after a publish).
  bool paused() const { return blocked_sent_; }

  std::string& output() { return output_; }
  const std::string& output() const { return output_; }
  SocketAction socket_action() const { return action_; }
  // The negotiated heartbeat in seconds (0: none), once tuned.
  uint16_t heartbeat() const { return heartbeat_; }
  bool running() const { return state_ == State::kRunning; }
  // Diagnostics for the operator (what RabbitMQ would only log): why the
  // socket is being closed without a close frame, and what RabbitMQ does.
  const std::vector<std::string>& notes() const { return notes_; }

  // For /api/connections and /warren/v1: who this is.
  const std::string& name() const { return name_; }
  const std::string& user() const { return user_; }
  const std::string& vhost() const { return vhost_; }
  const FieldTable& client_properties() const { return client_properties_; }
  std::optional<Connection>& connection() { return connection_; }
  size_t channel_count() const { return channels_.size(); }
  // Bytes received but not yet a whole frame (the server waits for them
  // before it moves virtual time).
  size_t pending_input() const {
    return reader_.buffered() + (state_ == State::kProtocolHeader ? header_.size() : 0);
  }
  // Deliveries sent on this connection's channels and not yet settled.
  uint64_t unacked() const;

 private:
  enum class State {
    kProtocolHeader,  // the 8-byte "AMQP\0\0\x09\x01"
    kStartOk,
    kTuneOk,
    kAwaitOpen,  // tuned; waiting for connection.open
    kRunning,
    kClosing,  // we sent connection.close; waiting for close-ok
    kClosed,
  };
  struct ChannelSlot {
    explicit ChannelSlot(uint64_t max_body) : assembler(max_body) {}
    std::optional<Channel> channel;
    bool closing = false;  // we sent channel.close; frames are ignored until close-ok
    bool gone = false;     // closed both ways: the number is free once the frame is done
    Assembler assembler;
    uint64_t next_confirm = 1;  // confirms: the next sequence number not yet told
    std::vector<std::string> consumer_tags;
  };

  // ---- input (session.cc) ----
  void OnFrame(const Frame& frame);
  void OnProtocolHeader();
  void OnConnectionMethod(const Method& m);
  void OnChannelFrame(const Frame& frame);
  void Fail(const WireError& error);

  // ---- handshake (session_handshake.cc) ----
  void SendStart();
  void OnStartOk(const Method& m);
  void OnTuneOk(const Method& m);
  void OnOpen(const Method& m);
  bool Authenticate(std::string_view mechanism, std::string_view response);
  bool ClientCapability(std::string_view name) const;

  // ---- channels (session_channel.cc) ----
  void OnChannelOpen(uint16_t number, ChannelSlot* slot, const Method& m);
  void OnCommand(uint16_t number, ChannelSlot& slot, const Method& m,
                 std::string_view properties, std::string_view body);
  // An API call's failure: the channel or connection close it caused.
  void Closed(uint16_t number, ChannelSlot& slot, const absl::Status& status);
  void SendChannelClose(uint16_t number, ChannelSlot& slot, const CloseReason& reason);
  void SendConnectionClose(const CloseReason& reason);
  void WireCallbacks(uint16_t number, Channel& ch);

  // ---- basic class (session_basic.cc) ----
  void OnBasic(uint16_t number, ChannelSlot& slot, const Method& m, std::string_view properties,
               std::string_view body);
  void AppendContent(uint16_t channel, std::string_view properties, std::string_view body);
  void AppendDelivery(uint16_t channel, const Delivery& d);

  Simulation& sim_;
  SessionOptions options_;
  std::string name_;
  State state_ = State::kProtocolHeader;
  SocketAction action_ = SocketAction::kKeep;
  FrameReader reader_;
  std::string header_;  // protocol header bytes so far
  std::string output_;
  std::vector<std::string> notes_;

  FieldTable client_properties_;
  std::string user_;
  std::string vhost_;
  uint16_t channel_max_ = 0;
  uint32_t frame_max_ = kFrameMinSize;
  uint16_t heartbeat_ = 0;
  std::optional<Connection> connection_;
  std::map<uint16_t, ChannelSlot> channels_;
  std::optional<std::string> blocked_;  // a pending or sent connection.blocked reason
  bool blocked_sent_ = false;
  // Cleared when the session goes: callbacks the simulation still holds
  // then do nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace warren::internal::wire

#endif  // WARREN_SIM_WIRE_SESSION_H_
