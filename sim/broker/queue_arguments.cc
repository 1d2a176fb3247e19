#include "sim/broker/queue_arguments.h"

#include <array>

#include "sim/core/strings.h"
#include "sim/amqp/expiration.h"

namespace warren::internal {
namespace {

using Check = std::optional<std::string> (*)(const FieldValue&);

std::string Quoted(std::string_view s) { return Cat("\"", s, "\""); }

std::optional<std::string> IntType(const FieldValue& v) {
  if (v.is_integer()) return std::nullopt;
  return Quoted(Cat("expected integer, got ", FieldTypeName(v.type())));
}

std::optional<std::string> CheckExpiry(const FieldValue& v) {
  if (auto e = IntType(v)) return e;
  if (v.as_int() < 0) return Cat("{value_negative,", v.as_int(), "}");
  if (v.as_int() > kMaxExpiryMs) return Cat("{value_too_large,", v.as_int(), "}");
  return std::nullopt;
}

std::optional<std::string> CheckExpires(const FieldValue& v) {
  if (auto e = IntType(v)) return e;
  if (v.as_int() == 0) return std::string("{value_zero,0}");
  return CheckExpiry(v);
}

std::optional<std::string> CheckNonNeg(const FieldValue& v) {
  if (auto e = IntType(v)) return e;
  if (v.as_int() < 0) return Cat("{value_negative,", v.as_int(), "}");
  return std::nullopt;
}

std::optional<std::string> CheckMaxPriority(const FieldValue& v) {
  if (auto e = CheckNonNeg(v)) return e;
  if (v.as_int() > 255) return Cat("{max_value_exceeded,", v.as_int(), "}");
  return std::nullopt;
}

std::optional<std::string> CheckString(const FieldValue& v) {
  if (v.type() == FieldType::kLongString) return std::nullopt;
  return Cat("{unacceptable_type,", FieldTypeName(v.type()), "}");
}

std::optional<std::string> CheckOverflow(const FieldValue& v) {
  if (auto e = CheckString(v)) return e;
  if (ParseOverflow(v.as_string())) return std::nullopt;
  return std::string("invalid_overflow");
}

std::optional<std::string> CheckBool(const FieldValue& v) {
  if (v.type() == FieldType::kBool) return std::nullopt;
  return Cat("{unacceptable_type,", FieldTypeName(v.type()), "}");
}

std::optional<std::string> CheckQueueMode(const FieldValue& v) {
  if (auto e = CheckString(v)) return e;
  if (v.as_string() == "default" || v.as_string() == "lazy") return std::nullopt;
  return Quoted(Cat("unsupported queue mode '", v.as_string(), "'"));
}

std::optional<std::string> CheckQueueVersion(const FieldValue& v) {
  if (auto e = IntType(v)) return e;
  if (v.as_int() == 1 || v.as_int() == 2) return std::nullopt;
  return Quoted(Cat("unsupported queue version '", v.as_int(), "'"));
}

std::optional<std::string> CheckQueueType(const FieldValue& v) {
  if (auto e = CheckString(v)) return e;
  const std::string& s = v.as_string();
  if (s == "classic" || s == "quorum" || s == "stream") return std::nullopt;
  return Quoted(Cat("unsupported queue type '", s, "'"));
}

std::optional<std::string> CheckStrategy(const FieldValue& v) {
  if (auto e = CheckString(v)) return e;
  if (v.as_string() == "at-most-once" || v.as_string() == "at-least-once") return std::nullopt;
  return std::string("invalid_dlx_strategy");
}

struct ArgRule {
  std::string_view key;
  Check check;
};

// rabbit_amqqueue:declare_args/0 order (first failure wins).
constexpr ArgRule kDeclareArgs[] = {
    {"x-expires", CheckExpires},
    {"x-message-ttl", CheckExpiry},
    {"x-dead-letter-exchange", nullptr},  // special text, see below
    {"x-dead-letter-routing-key", CheckString},
    {"x-max-length", CheckNonNeg},
    {"x-max-length-bytes", CheckNonNeg},
    {"x-max-in-memory-length", CheckNonNeg},
    {"x-max-in-memory-bytes", CheckNonNeg},
    {"x-max-priority", CheckMaxPriority},
    {"x-overflow", CheckOverflow},
    {"x-queue-mode", CheckQueueMode},
    {"x-queue-version", CheckQueueVersion},
    {"x-single-active-consumer", CheckBool},
    {"x-queue-type", CheckQueueType},
    {"x-delivery-limit", CheckNonNeg},
    {"x-dead-letter-strategy", CheckStrategy},
};

constexpr std::string_view kQuorumOnly[] = {
    "x-delivery-limit", "x-dead-letter-strategy", "x-max-in-memory-length",
    "x-max-in-memory-bytes", "x-quorum-initial-group-size"};
constexpr std::string_view kClassicOnly[] = {"x-max-priority", "x-queue-mode",
                                             "x-queue-version", "x-queue-master-locator"};

// Arguments compared on redeclare, per type.
constexpr std::string_view kClassicEquivalence[] = {
    "x-expires",          "x-message-ttl",  "x-dead-letter-exchange",
    "x-dead-letter-routing-key", "x-max-length", "x-max-length-bytes",
    "x-max-priority",     "x-overflow",     "x-queue-mode",
    "x-queue-version",    "x-single-active-consumer", "x-queue-type",
    "x-queue-master-locator"};
constexpr std::string_view kQuorumEquivalence[] = {
    "x-dead-letter-exchange", "x-dead-letter-routing-key", "x-dead-letter-strategy",
    "x-expires",          "x-max-length",   "x-max-length-bytes",
    "x-max-in-memory-length", "x-max-in-memory-bytes", "x-overflow",
    "x-single-active-consumer", "x-queue-type", "x-quorum-initial-group-size",
    "x-delivery-limit",   "x-message-ttl"};

std::optional<int64_t> IntArg(const FieldTable& args, std::string_view key) {
  const FieldValue* v = args.Find(key);
  if (v == nullptr) return std::nullopt;
  return v->as_int();
}

std::optional<std::string> StringArg(const FieldTable& args, std::string_view key) {
  const FieldValue* v = args.Find(key);
  if (v == nullptr) return std::nullopt;
  return v->as_string();
}

QueueArgs ParseValidated(const FieldTable& args, QueueType type) {
  QueueArgs out;
  out.type = type;
  auto millis = [](std::optional<int64_t> ms) {
    return ms ? std::optional<absl::Duration>(absl::Milliseconds(*ms)) : std::nullopt;
  };
  out.message_ttl = millis(IntArg(args, "x-message-ttl"));
  out.expires = millis(IntArg(args, "x-expires"));
  out.max_length = IntArg(args, "x-max-length");
  out.max_length_bytes = IntArg(args, "x-max-length-bytes");
  out.max_priority = IntArg(args, "x-max-priority");
  out.delivery_limit = IntArg(args, "x-delivery-limit");
  if (auto o = StringArg(args, "x-overflow")) out.overflow = ParseOverflow(*o);
  out.dead_letter_exchange = StringArg(args, "x-dead-letter-exchange");
  out.dead_letter_routing_key = StringArg(args, "x-dead-letter-routing-key");
  if (const FieldValue* sac = args.Find("x-single-active-consumer")) {
    out.single_active_consumer = sac->as_bool();
  }
  return out;
}

}  // namespace

std::optional<Overflow> ParseOverflow(std::string_view s) {
  if (s == "drop-head") return Overflow::kDropHead;
  if (s == "reject-publish") return Overflow::kRejectPublish;
  if (s == "reject-publish-dlx") return Overflow::kRejectPublishDlx;
  return std::nullopt;
}

std::string QueueResource(std::string_view name) {
  return Cat("queue '", name, "' in vhost '/'");
}
std::string ExchangeResource(std::string_view name) {
  return Cat("exchange '", name, "' in vhost '/'");
}

std::variant<QueueArgs, std::string> ValidateQueueArguments(std::string_view name,
                                                            const FieldTable& args,
                                                            bool durable, bool exclusive,
                                                            bool auto_delete) {
  std::string q = QueueResource(name);
  // 3.10 order: the channel's DLX type check, then the queue type, then
  // keys foreign to that type, then values (declare_args order), then the
  // quorum queue's property checks.
  if (const FieldValue* v = args.Find("x-dead-letter-exchange"); v && !v->is_string()) {
    return Cat("invalid type '", FieldTypeName(v->type()),
               "' for arg 'x-dead-letter-exchange' in ", q);
  }
  QueueType type = QueueType::kClassic;
  if (const FieldValue* t = args.Find("x-queue-type")) {
    if (auto reason = CheckQueueType(*t)) {
      return Cat("invalid arg 'x-queue-type' for ", q, ": ", *reason);
    }
    if (t->as_string() == "quorum") type = QueueType::kQuorum;
    if (t->as_string() == "stream") return std::string("stream");
  }
  bool quorum = type == QueueType::kQuorum;
  const std::string_view* begin = quorum ? std::begin(kClassicOnly) : std::begin(kQuorumOnly);
  const std::string_view* end = quorum ? std::end(kClassicOnly) : std::end(kQuorumOnly);
  for (const std::string_view* key = begin; key != end; ++key) {
    if (args.Contains(*key)) {
      return Cat("invalid arg '", *key, "' for ", q, " of queue type ",
                 quorum ? "rabbit_quorum_queue" : "rabbit_classic_queue");
    }
  }
  for (const ArgRule& rule : kDeclareArgs) {
    const FieldValue* v = args.Find(rule.key);
    if (v == nullptr || rule.check == nullptr) continue;
    if (auto reason = rule.check(*v)) {
      return Cat("invalid arg '", rule.key, "' for ", q, ": ", *reason);
    }
    if (rule.key == "x-dead-letter-routing-key" && !args.Contains("x-dead-letter-exchange")) {
      return Cat("invalid arg 'x-dead-letter-routing-key' for ", q,
                 ": routing_key_but_no_dlx_defined");
    }
  }
  if (quorum) {
    if (auto_delete) return Cat("invalid property 'auto-delete' for ", q);
    if (exclusive) return Cat("invalid property 'exclusive-owner' for ", q);
    if (!durable) return Cat("invalid property 'non-durable' for ", q);
  }
  return ParseValidated(args, type);
}

std::string DescribeArgument(const FieldValue* value) {
  if (value == nullptr) return "none";
  return Cat("the value '", value->ToString(), "' of type '",
                      FieldTypeName(value->type()), "'");
}

std::optional<std::string> CheckQueueEquivalence(std::string_view name, QueueType type,
                                                 const FieldTable& current,
                                                 const FieldTable& requested) {
  const std::string_view* begin =
      type == QueueType::kQuorum ? std::begin(kQuorumEquivalence) : std::begin(kClassicEquivalence);
  const std::string_view* end =
      type == QueueType::kQuorum ? std::end(kQuorumEquivalence) : std::end(kClassicEquivalence);
  for (const std::string_view* key = begin; key != end; ++key) {
    const FieldValue* cur = current.Find(*key);
    const FieldValue* req = requested.Find(*key);
    if (*key == "x-queue-type" && type == QueueType::kClassic) {
      // An explicit "classic" equals an absent x-queue-type.
      auto is_classic = [](const FieldValue* v) {
        return v == nullptr || (v->is_string() && v->as_string() == "classic");
      };
      if (is_classic(cur) && is_classic(req)) continue;
    }
    if (cur == nullptr && req == nullptr) continue;
    if (cur != nullptr && req != nullptr) {
      if (cur->EquivalentTo(*req)) continue;
      bool same_class = (cur->is_integer() && req->is_integer()) ||
                        (cur->is_float() && req->is_float()) || cur->type() == req->type();
      if (same_class) {
        return Cat("inequivalent arg '", *key, "' for ", QueueResource(name),
                            ": received '", req->ToString(), "' but current is '",
                            cur->ToString(), "'");
      }
    }
    return Cat("inequivalent arg '", *key, "' for ", QueueResource(name),
                        ": received ", DescribeArgument(req), " but current is ",
                        DescribeArgument(cur));
  }
  return std::nullopt;
}

}  // namespace warren::internal

namespace warren {

std::string_view QueueTypeName(QueueType type) {
  return type == QueueType::kQuorum ? "quorum" : "classic";
}

std::string_view OverflowName(Overflow o) {
  switch (o) {
    case Overflow::kDropHead: return "drop-head";
    case Overflow::kRejectPublish: return "reject-publish";
    case Overflow::kRejectPublishDlx: return "reject-publish-dlx";
  }
  return "drop-head";
}

}  // namespace warren
