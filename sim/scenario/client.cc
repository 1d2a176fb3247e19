#include "sim/scenario/client.h"

#include "sim/core/status_macros.h"
#include "sim/core/strings.h"

namespace warren::internal {

int64_t XDeathCount(const BasicProperties& p, const std::optional<std::string>& queue) {
  const FieldValue* x = p.headers ? p.headers->Find("x-death") : nullptr;
  if (x == nullptr || x->type() != FieldType::kArray) return 0;
  int64_t total = 0;
  for (const FieldValue& d : x->as_array()) {
    if (d.type() != FieldType::kTable) continue;
    const FieldValue* q = d.as_table().Find("queue");
    const FieldValue* c = d.as_table().Find("count");
    if (queue && !(q && q->is_string() && q->as_string() == *queue)) continue;
    if (c && c->is_integer()) total += c->as_int();
  }
  return total;
}

ObservedMessage Observe(const Delivery& d) {
  return {.message_id = d.message->id().value,
          .exchange = std::string(d.exchange()),
          .routing_key = std::string(d.routing_key()),
          .redelivered = d.redelivered,
          .properties = d.properties(),
          .body = std::string(d.body())};
}

absl::Status ScriptedClient::Start() {
  if (record_deliveries_) seen_.deliveries[spec_.name];  // present even if nothing arrives
  conn_ = sim_.Connect(spec_.name);
  WARREN_ASSIGN_OR_RETURN(Channel ch, conn_->OpenChannel());
  ch_ = ch;
  ch_->OnCancel([this](const std::string&) { seen_.client_events[spec_.name].push_back("cancel"); });
  ch_->OnClose([this](const CloseReason& r) {
    seen_.client_events[spec_.name].push_back(Cat(static_cast<int>(r.code), " ", r.text));
  });
  WARREN_RETURN_IF_ERROR(ch_->BasicQos({.prefetch_count = spec_.prefetch}));
  return ch_->BasicConsume(spec_.queue, [this](const Delivery& d) { OnDelivery(d); }).status();
}

absl::Status ScriptedClient::Stop() {
  if (!conn_ || !conn_->is_open()) return absl::OkStatus();
  return conn_->Close();
}

const ClientRule* ScriptedClient::Choose(const Delivery& d, int attempt) const {
  for (const ClientRule& r : spec_.rules) {
    const ClientCondition& w = r.when;
    if (w.attempt && *w.attempt != attempt) continue;
    if (w.redelivered && *w.redelivered != d.redelivered) continue;
    int64_t deaths = XDeathCount(d.properties(), w.x_death_queue);
    if (w.x_death_count_at_least && deaths < *w.x_death_count_at_least) continue;
    if (w.x_death_count_below && deaths >= *w.x_death_count_below) continue;
    if (w.header) {
      const auto& h = d.properties().headers;
      const FieldValue* v = h ? h->Find(*w.header) : nullptr;
      if (v == nullptr) continue;
      if (w.header_equals && !v->LooselyEquals(*w.header_equals)) continue;
    }
    return &r;
  }
  return nullptr;
}

void ScriptedClient::OnDelivery(const Delivery& d) {
  if (record_deliveries_ && budget_.Take()) seen_.deliveries[spec_.name].push_back(Observe(d));
  int attempt = ++attempts_[d.message_id().value];
  static const ClientRule kDefault;  // ack
  const ClientRule* rule = Choose(d, attempt);
  if (rule == nullptr) rule = &kDefault;
  if (rule->delay > absl::ZeroDuration()) {
    sim_.ScheduleAfter(rule->delay, [this, rule, d] { Act(*rule, d); });
  } else {
    Act(*rule, d);
  }
}

void ScriptedClient::Act(const ClientRule& rule, const Delivery& d) {
  if (!ch_ || !ch_->is_open()) return;  // crashed or closed meanwhile
  // Errors (e.g. a 406 for a tag the broker no longer knows) close the
  // channel and show in the trace; the script has nothing else to do.
  switch (rule.action) {
    case ClientAction::kAck: (void)ch_->BasicAck(d.delivery_tag); break;
    case ClientAction::kReject: (void)ch_->BasicReject(d.delivery_tag, false); break;
    case ClientAction::kRequeue: (void)ch_->BasicReject(d.delivery_tag, true); break;
    case ClientAction::kNack: (void)ch_->BasicNack(d.delivery_tag, false, false); break;
    case ClientAction::kHold: break;
    case ClientAction::kRepublish: {
      absl::StatusOr<PublishReceipt> sent =
          ch_->BasicPublish({.exchange = rule.republish_exchange,
                             .routing_key = rule.republish_routing_key,
                             .properties = d.properties(),
                             .body = std::string(d.body())});
      if (sent.ok() && on_republish_) on_republish_(sent->message, d.message_id());
      (void)ch_->BasicAck(d.delivery_tag);
      break;
    }
    case ClientAction::kCrash: (void)conn_->Close(); break;
  }
}

}  // namespace warren::internal
