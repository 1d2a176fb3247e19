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
  // connection.close: every channel closes (unacked deliveries requeued)
  // and the connection's exclusive queues are deleted.
  [[nodiscard]] absl::Status Close();
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
