#include "warren/connection.h"

#include "sim/broker/broker.h"

namespace warren {

absl::StatusOr<Channel> Connection::OpenChannel() {
  absl::StatusOr<uint64_t> id = broker_->OpenChannel(id_);
  if (!id.ok()) return id.status();
  return Channel(broker_, *id);
}

absl::StatusOr<Channel> Connection::OpenChannel(uint16_t number) {
  if (number == 0) {
    return absl::InvalidArgumentError("channel 0 is the connection's own; channels start at 1");
  }
  absl::StatusOr<uint64_t> id = broker_->OpenChannel(id_, number);
  if (!id.ok()) return id.status();
  return Channel(broker_, *id);
}

absl::Status Connection::Close() { return broker_->CloseConnectionByClient(id_); }

absl::Status Connection::ForceClose(const CloseReason& reason) {
  return broker_->ForceCloseConnection(id_, reason);
}

bool Connection::is_open() const { return broker_->FindConnection(id_)->open; }

std::optional<CloseReason> Connection::close_reason() const {
  return broker_->FindConnection(id_)->close_reason;
}

const std::string& Connection::name() const { return broker_->FindConnection(id_)->name; }

}  // namespace warren
