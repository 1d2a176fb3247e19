// tx.select / tx.commit / tx.rollback: publishes are routed at publish time
// and delivered at commit; acks/nacks/rejects take effect at commit;
// rollback discards publishes and makes the tags outstanding again.
#include "sim/broker/broker.h"
#include "sim/core/strings.h"

namespace warren::internal {
namespace {

using methods::kTxCommit;
using methods::kTxRollback;
using methods::kTxSelect;
constexpr char kNotTransactional[] = "channel is not transactional";

}  // namespace

absl::Status Broker::TxSelect(uint64_t id) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  if (ch->confirm_mode) {
    return Fail(*ch, ReplyCode::kPreconditionFailed, "cannot switch from confirm to tx mode",
                kTxSelect);
  }
  ch->tx_mode = true;
  return absl::OkStatus();
}

absl::Status Broker::TxCommit(uint64_t id) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  if (!ch->tx_mode) return Fail(*ch, ReplyCode::kPreconditionFailed, kNotTransactional, kTxCommit);
  std::vector<TxOp> ops = std::move(ch->tx_ops);
  ch->tx_ops.clear();
  bool all_accepted = true;
  for (TxOp& op : ops) {
    switch (op.kind) {
      case TxOp::Kind::kPublish: {
        // An exchange deleted since the publish routes nowhere.
        QueueList targets = Route(op.message->exchange(), *op.message);
        all_accepted &= CompletePublish(*ch, op.message, targets, op.mandatory,
                                        /*confirm_seq=*/0);
        break;
      }
      case TxOp::Kind::kAck:
        SettleAck(*ch, op.tags);
        break;
      case TxOp::Kind::kReject:
      case TxOp::Kind::kRequeue:
        SettleReject(*ch, op.tags, op.kind == TxOp::Kind::kRequeue);
        break;
    }
  }
  UnblockConsumers(*ch);
  DispatchChannel(*ch);
  if (!all_accepted) {
    // A queue refused a message (reject-publish overflow).
    return Fail(*ch, ReplyCode::kPreconditionFailed, "partial tx completion", kTxCommit);
  }
  return absl::OkStatus();
}

absl::Status Broker::TxRollback(uint64_t id) {
  WARREN_ASSIGN_OR_RETURN(ChannelState * ch, Usable(id));
  if (!ch->tx_mode) {
    return Fail(*ch, ReplyCode::kPreconditionFailed, kNotTransactional, kTxRollback);
  }
  for (const TxOp& op : ch->tx_ops) {
    if (op.kind == TxOp::Kind::kPublish) {
      ledger_.MessageDropped(op.message->id(), "transaction rolled back");
      Trace(TraceKind::kDropped, op.message->id(), "", ch->label, "transaction rolled back");
    }
    for (uint64_t t : op.tags) {
      if (Unacked* u = ch->unacked.Find(t)) u->in_tx = false;
    }
  }
  ch->tx_ops.clear();
  return absl::OkStatus();
}

}  // namespace warren::internal
