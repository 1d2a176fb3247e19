#include "tests/reliability/load_driver.h"

#include <utility>

namespace warren::testing {
namespace {

// Events (dead-letter hops included) per RunFor: with kMaxCopies, what keeps
// a multiplying dead-letter cycle from eating the machine.
constexpr int64_t kEventsPerRun = 1000;

FieldValue I(int64_t v) { return FieldValue::SignedInt(static_cast<int32_t>(v)); }
FieldValue S(std::string_view v) { return FieldValue::String(v); }

// A copy that was never dead-lettered (no x-death) is the only copy of its
// message in its queue, so queue + id identify it. (Dead-lettered copies are
// left out: in DLX cycles two lineages can carry identical histories.)
std::optional<std::string> CopyKey(const Delivery& d) {
  const auto& h = d.properties().headers;
  if (h && h->Find("x-death") != nullptr) return std::nullopt;
  return d.queue + "#" + std::to_string(d.message_id().value);
}

}  // namespace

LoadDriver::LoadDriver(std::function<uint64_t()> next, SimulationOptions options)
    : next_(std::move(next)), sim_(options), last_now_(sim_.Now()) {
  Connection setup = sim_.Connect("setup");
  Channel ch = *setup.OpenChannel();
  (void)ch.ExchangeDeclare("dlx", {.type = "direct"});
  (void)ch.ExchangeDeclare("fan", {.type = "fanout"});
  (void)ch.ExchangeDeclare("topic", {.type = "topic"});
}

FieldTable LoadDriver::RandomQueueArgs() {
  FieldTable t;
  if (Coin(40)) t.Set("x-message-ttl", I(Pick(3) * 500));
  if (Coin(30)) t.Set("x-max-length", I(Pick(4)));
  if (Coin(20)) t.Set("x-overflow", S(Pick(2) ? "reject-publish" : "reject-publish-dlx"));
  if (Coin(50)) {
    t.Set("x-dead-letter-exchange", S(Coin(50) ? "" : "dlx"));
    t.Set("x-dead-letter-routing-key", S(QueueName()));
  }
  if (Coin(15)) t.Set("x-max-priority", I(3));
  if (Coin(10)) t.Set("x-single-active-consumer", FieldValue::Bool(true));
  return t;
}

Channel& LoadDriver::SomeChannel() {
  // Errors close channels (and connections) all the time here: keep a few open.
  std::erase_if(channels_, [](const Channel& c) { return !c.is_open(); });
  if (channels_.size() < 2 || Coin(10)) {
    std::string name = "c" + std::to_string(steps_);
    if (!conn_ || !conn_->is_open() || Coin(10)) conn_ = sim_.Connect(name);
    absl::StatusOr<Channel> ch = conn_->OpenChannel();
    if (!ch.ok()) {
      conn_ = sim_.Connect(name);
      ch = conn_->OpenChannel();
    }
    if (ch.ok()) {
      channels_.push_back(*ch);
      (void)channels_.back().BasicQos({.prefetch_count = static_cast<uint16_t>(Pick(4))});
      if (Coin(15)) (void)channels_.back().ConfirmSelect();
      if (Coin(5)) (void)channels_.back().TxSelect();
    }
  }
  return channels_[Pick(static_cast<int>(channels_.size()))];
}

void LoadDriver::Observe(const Delivery& d) {
  // A copy has one first delivery: two without redelivered=true are a bug.
  // (Order of observation is not broker order: a deliver frame can reach
  // its callback after a later basic.get of the same, requeued, copy.)
  std::optional<std::string> key = CopyKey(d);
  if (!key || d.redelivered) return;
  if (!seen_.insert(*key).second && violation_.ok()) {
    violation_ = absl::InternalError("message #" + std::to_string(d.message_id().value) +
                                     " delivered twice from " + d.queue +
                                     " without redelivered=true");
  }
}

void LoadDriver::Consume(Channel ch) {
  // Choices are drawn in statements of their own: the evaluation order of
  // function arguments differs between compilers (g++ vs clang), and the
  // same seed or fuzz input must drive the same operations in every build.
  int mode = Pick(5);
  std::string queue = QueueName();
  bool no_ack = Coin(10);
  FieldTable arguments;
  if (Coin(20)) arguments.Set("x-priority", I(Pick(3)));
  auto on_delivery = [this, ch, mode](const Delivery& d) mutable {
    Observe(d);
    switch (mode) {
      case 0: (void)ch.BasicAck(d.delivery_tag); break;
      case 1: (void)ch.BasicReject(d.delivery_tag, !d.redelivered); break;
      case 2: (void)ch.BasicNack(d.delivery_tag, Coin(50), false); break;
      case 3: if (Coin(30)) (void)ch.Close(); break;
      default: break;  // hold
    }
  };
  absl::StatusOr<std::string> tag = ch.BasicConsume(
      queue, std::move(on_delivery), {.no_ack = no_ack, .arguments = std::move(arguments)});
  if (tag.ok()) consumers_.emplace_back(ch, *tag);
}

void LoadDriver::Operate() {
  Channel ch = SomeChannel();
  switch (Pick(13)) {
    case 0:
    case 1: {
      QueueDeclareOptions o{.auto_delete = Coin(10), .arguments = RandomQueueArgs()};
      if (Coin(15)) {  // quorum: durable, with a delivery limit now and then
        o.durable = true;
        o.auto_delete = false;
        o.arguments.Erase("x-max-priority");
        o.arguments.Set("x-queue-type", S("quorum"));
        if (Coin(50)) o.arguments.Set("x-delivery-limit", I(Pick(3)));
      }
      (void)ch.QueueDeclare(QueueName(), o);
      break;
    }
    case 2: {
      std::string queue = QueueName();
      const char* exchange = Pick(2) ? "fan" : "dlx";
      (void)ch.QueueBind(queue, exchange, QueueName());
      break;
    }
    case 3: Consume(ch); break;
    case 4:
    case 5:
    case 6: {
      BasicProperties p;
      if (Coin(30)) p.expiration = std::to_string(Pick(3) * 700);
      if (Coin(20)) p.priority = Pick(5);
      if (Coin(10)) p.headers = FieldTable{{"CC", FieldValue::Array({S(QueueName())})}};
      const char* x[] = {"", "fan", "dlx", "topic"};
      (void)ch.BasicPublish({.exchange = x[Pick(4)], .routing_key = QueueName(),
                             .properties = p, .body = std::string(Pick(8), 'x'),
                             .mandatory = Coin(20)});
      break;
    }
    case 7: {
      std::string queue = QueueName();
      bool no_ack = Coin(20);
      absl::StatusOr<std::optional<Delivery>> got = ch.BasicGet(queue, no_ack);
      if (got.ok() && got->has_value()) {
        Observe(**got);
        if (Coin(50)) (void)ch.BasicReject((**got).delivery_tag, Coin(50));
      }
      break;
    }
    case 8:
      // A livelock (a requeue spin, a multiplying dead-letter cycle) exhausts
      // the bound; the seed has shown what it can, the driver stops it.
      if (sim_.RunFor(absl::Milliseconds(Pick(3000)), kEventsPerRun).code() ==
          absl::StatusCode::kResourceExhausted) {
        exhausted_ = true;
      }
      break;
    case 9:
      if (Coin(50)) {
        (void)sim_.SetPolicy({.name = "p", .pattern = "^q[0-2]$",
                              .definition = {{"max-length", I(Pick(3))},
                                             {"dead-letter-exchange", S("dlx")}}});
      } else {
        (void)sim_.ClearPolicy("p");
      }
      break;
    case 10:
      if (Coin(20)) {
        (void)ch.QueueDelete(QueueName());
      } else {
        (void)ch.QueuePurge(QueueName());
      }
      break;
    case 11:
      // Room for consumers changes: prefetch raised or lowered mid-flight
      // (per consumer or channel-wide), a consumer cancelled.
      std::erase_if(consumers_, [](const auto& c) { return !c.first.is_open(); });
      if (Coin(50) || consumers_.empty()) {
        uint16_t prefetch = static_cast<uint16_t>(Pick(4));
        bool global = Coin(30);
        (void)ch.BasicQos({.prefetch_count = prefetch, .global = global});
      } else {
        size_t k = static_cast<size_t>(Pick(static_cast<int>(consumers_.size())));
        (void)consumers_[k].first.BasicCancel(consumers_[k].second);
        consumers_.erase(consumers_.begin() + static_cast<ptrdiff_t>(k));
      }
      break;
    default:
      if (Coin(20)) {
        (void)ch.Close();
      } else if (Coin(30)) {
        (void)(Coin(50) ? ch.TxCommit() : ch.TxRollback());  // 406 unless tx.select'd
      } else {
        (void)ch.BasicRecover(true);
      }
      break;
  }
}

absl::Status LoadDriver::Check() {
  if (!violation_.ok()) return violation_;
  if (sim_.Now() < last_now_) {
    violation_ = absl::InternalError("virtual time went back");
    return violation_;
  }
  last_now_ = sim_.Now();
  if (absl::Status s = sim_.CheckInvariants(); !s.ok()) violation_ = s;
  return violation_;
}

absl::Status LoadDriver::Step() {
  if (!violation_.ok()) return violation_;
  Operate();
  ++steps_;
  return Check();
}

absl::Status LoadDriver::Finish() {
  if (!violation_.ok() || exhausted_ || sim_.counters().copies_enqueued > kMaxCopies) {
    return Check();
  }
  absl::Status s = sim_.RunFor(absl::Minutes(10), 4 * kEventsPerRun);
  // A requeue spin may legitimately exhaust the bound; anything else is a bug.
  if (!s.ok() && s.code() != absl::StatusCode::kResourceExhausted) violation_ = s;
  return Check();
}

}  // namespace warren::testing
