// An AMQP connection: owns channels and exclusive queues. A small copyable
// handle; the Simulation must outlive it. Not thread-safe.
#ifndef WARREN_INCLUDE_WARREN_CONNECTION_H_
#define WARREN_INCLUDE_WARREN_CONNECTION_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "warren/channel.h"
#include "warren/reply_code.h"

namespace warren {

class Connection {
 public:
  // channel.open. Fails only when the connection is closed.
  [[nodiscard]] absl::StatusOr<Channel> OpenChannel();
  // channel.open with the client's own channel number (what traces show);
  // FAILED_PRECONDITION when a channel of that number is open on this
  // connection, INVALID_ARGUMENT for 0 (channel 0 is the connection's).
  [[nodiscard]] absl::StatusOr<Channel> OpenChannel(uint16_t number);
  // connection.close: every channel closes (unacked deliveries requeued)
  // and the connection's exclusive queues are deleted.
  [[nodiscard]] absl::Status Close();
  // The broker closes the connection with `reason`: 320 CONNECTION_FORCED
  // for rabbitmqctl close_connection, the management API or a shutdown; a
  // 5xx for a protocol error a wire client made. Then as Close(), but the
  // channels' OnClose callbacks get `reason` (from Run*). Effective now.
  // FAILED_PRECONDITION when already closed.
  [[nodiscard]] absl::Status ForceClose(const CloseReason& reason);
  bool is_open() const;
  std::optional<CloseReason> close_reason() const;
  const std::string& name() const;
  uint64_t id() const { return id_; }

 private:
  friend class Simulation;
  Connection(internal::Broker* broker, uint64_t id) : broker_(broker), id_(id) {}
  internal::Broker* broker_;
  uint64_t id_;
};

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_CONNECTION_H_
