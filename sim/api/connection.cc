#include "warren/connection.h"

#include "sim/broker/broker.h"

namespace warren {

absl::StatusOr<Channel> Connection::OpenChannel() {
  absl::StatusOr<uint64_t> id = broker_->OpenChannel(id_);
  if (!id.ok()) return id.status();
  return Channel(broker_, *id);
}

absl::Status Connection::Close() { return broker_->CloseConnectionByClient(id_); }

bool Connection::is_open() const { return broker_->FindConnection(id_)->open; }

std::optional<CloseReason> Connection::close_reason() const {
  return broker_->FindConnection(id_)->close_reason;
}

const std::string& Connection::name() const { return broker_->FindConnection(id_)->name; }

}  // namespace warren
