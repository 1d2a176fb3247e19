#include "sim/broker/policy.h"

#include <algorithm>
#include <optional>

#include "sim/core/strings.h"
#include "sim/amqp/expiration.h"

namespace warren::internal {
namespace {

// Erlang ~p of a definition value: 5, <<"100">>, true.
std::string ErlangTerm(const FieldValue& v) {
  if (v.type() == FieldType::kLongString) return Cat("<<\"", v.as_string(), "\">>");
  return v.ToString();
}

// rabbit_runtime_parameters:format_error: "Validation failed~n~n<msg>~n".
absl::Status Invalid(std::string_view detail) {
  return absl::InvalidArgumentError(Cat("Validation failed\n\n", detail, "\n"));
}

bool IsInt(const FieldValue& v) { return v.is_integer(); }

std::optional<std::string> ValidateValue(const std::string& key, const FieldValue& v) {
  auto bad = [&](std::string_view what) {
    return Cat(ErlangTerm(v), " is not a valid ", what);
  };
  if (key == "message-ttl") {
    if (!IsInt(v) || v.as_int() < 0 || v.as_int() > kMaxExpiryMs) return bad("message TTL");
  } else if (key == "expires") {
    if (!IsInt(v) || v.as_int() < 1 || v.as_int() > kMaxExpiryMs) return bad("queue expiry");
  } else if (key == "max-length") {
    if (!IsInt(v) || v.as_int() < 0) return bad("maximum length");
  } else if (key == "max-length-bytes") {
    if (!IsInt(v) || v.as_int() < 0) return bad("maximum length in bytes");
  } else if (key == "max-in-memory-length" || key == "max-in-memory-bytes") {
    if (!IsInt(v) || v.as_int() < 0) return bad(Cat(key, " value"));
  } else if (key == "delivery-limit") {
    if (!IsInt(v) || v.as_int() < 0) return bad("delivery limit");
  } else if (key == "dead-letter-exchange") {
    if (!v.is_string()) return bad("dead letter exchange name");
  } else if (key == "dead-letter-routing-key") {
    if (!v.is_string()) return bad("dead letter routing key");
  } else if (key == "alternate-exchange") {
    if (!v.is_string()) return bad("alternate exchange name");
  } else if (key == "overflow") {
    if (!v.is_string() || !ParseOverflow(v.as_string())) return bad("overflow value");
  } else if (key == "queue-mode") {
    if (!v.is_string() || (v.as_string() != "default" && v.as_string() != "lazy")) {
      return bad("queue-mode value");
    }
  } else if (key == "dead-letter-strategy") {
    if (!v.is_string() ||
        (v.as_string() != "at-most-once" && v.as_string() != "at-least-once")) {
      return bad("dead letter strategy");
    }
  }
  return std::nullopt;
}

constexpr std::string_view kUserKeys[] = {
    "alternate-exchange", "dead-letter-exchange", "dead-letter-routing-key",
    "dead-letter-strategy", "message-ttl", "expires", "max-length", "max-length-bytes",
    "max-in-memory-length", "max-in-memory-bytes", "queue-mode", "queue-version",
    "overflow", "delivery-limit", "max-age", "stream-max-segment-size-bytes",
    "queue-leader-locator", "initial-cluster-size", "ha-mode", "ha-params",
    "ha-sync-mode", "ha-promote-on-shutdown", "ha-promote-on-failure",
    "ha-sync-batch-size", "queue-master-locator"};
constexpr std::string_view kOperatorKeys[] = {
    "expires", "message-ttl", "max-length", "max-length-bytes",
    "max-in-memory-length", "max-in-memory-bytes", "delivery-limit"};

std::optional<int64_t> IntKey(const PolicySpec* p, std::string_view key) {
  if (p == nullptr) return std::nullopt;
  const FieldValue* v = p->definition.Find(key);
  if (v == nullptr || !v->is_integer()) return std::nullopt;
  return v->as_int();
}

std::optional<std::string> StringKey(const PolicySpec* p, std::string_view key) {
  if (p == nullptr) return std::nullopt;
  const FieldValue* v = p->definition.Find(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return v->as_string();
}

template <typename T>
std::optional<T> Min(std::optional<T> a, std::optional<T> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

absl::Status PolicyStore::Set(const PolicySpec& spec, bool operator_policy) {
  if (spec.definition.empty()) return Invalid("no policy provided");
  // Known keys' values are validated first; unknown keys are reported only
  // when those pass, listed in key order (maps:to_list).
  std::vector<std::pair<std::string, std::string>> unknown;
  for (const auto& [key, value] : spec.definition) {
    bool known = false;
    if (operator_policy) {
      known = std::find(std::begin(kOperatorKeys), std::end(kOperatorKeys), key) !=
              std::end(kOperatorKeys);
    } else {
      known = std::find(std::begin(kUserKeys), std::end(kUserKeys), key) != std::end(kUserKeys);
    }
    if (!known) {
      unknown.emplace_back(key, Cat("{<<\"", key, "\">>,", ErlangTerm(value), "}"));
    } else if (auto err = ValidateValue(key, value)) {
      return Invalid(*err);
    }
  }
  if (!unknown.empty()) {
    std::sort(unknown.begin(), unknown.end());
    std::string list;
    for (const auto& [key, term] : unknown) Append(&list, list.empty() ? "" : ",", term);
    return Invalid(Cat("[", list, "] are not recognised policy settings"));
  }
  absl::StatusOr<PolicyPattern> pattern = PolicyPattern::Compile(spec.pattern);
  if (!pattern.ok()) {
    // rabbit_policy formats the {Message, Offset} term with ~p after a
    // 53-character prefix: io_lib_pretty keeps it on one line only while
    // it is shorter than 80 - 54 columns; otherwise the offset goes on a
    // line of its own, under the message (54 spaces in).
    constexpr std::string_view kPrefix = "pattern should be regular expression but is invalid: ";
    std::string term(pattern.status().message());
    const size_t comma = term.rfind(',');
    if (term.size() >= 80 - (kPrefix.size() + 1) && comma != std::string::npos) {
      term = Cat(term.substr(0, comma + 1), "\n", std::string(kPrefix.size() + 1, ' '),
                 term.substr(comma + 1));
    }
    return Invalid(Cat(kPrefix, term));
  }
  Entry entry{spec, *std::move(pattern)};
  Map& map = operator_policy ? operator_ : user_;
  map.insert_or_assign(spec.name, std::move(entry));
  return absl::OkStatus();
}

absl::Status PolicyStore::Clear(std::string_view name, bool operator_policy) {
  Map& map = operator_policy ? operator_ : user_;
  auto it = map.find(name);
  if (it == map.end()) {
    return absl::NotFoundError(Cat("Parameter does not exist: ", name));
  }
  map.erase(it);
  return absl::OkStatus();
}

const PolicySpec* PolicyStore::Match(const Map& map, std::string_view name, bool queue) const {
  const PolicySpec* best = nullptr;
  for (const auto& [policy_name, entry] : map) {
    PolicyApplyTo a = entry.spec.apply_to;
    if (a == PolicyApplyTo::kQueues && !queue) continue;
    if (a == PolicyApplyTo::kExchanges && queue) continue;
    if (!entry.pattern.Matches(name)) continue;
    // Highest priority wins; among equals the first by name (deterministic;
    // RabbitMQ leaves ties unspecified).
    if (best == nullptr || entry.spec.priority > best->priority) best = &entry.spec;
  }
  return best;
}

const PolicySpec* PolicyStore::ForQueue(std::string_view name, bool operator_policy) const {
  return Match(operator_policy ? operator_ : user_, name, /*queue=*/true);
}

const PolicySpec* PolicyStore::ForExchange(std::string_view name) const {
  return Match(user_, name, /*queue=*/false);
}

std::vector<PolicySpec> PolicyStore::All(bool operator_policies) const {
  std::vector<PolicySpec> out;
  for (const auto& [name, entry] : operator_policies ? operator_ : user_) out.push_back(entry.spec);
  return out;
}

QueueConfig EffectiveQueueConfig(const QueueArgs& args, const PolicySpec* user,
                                 const PolicySpec* op) {
  bool quorum = args.type == QueueType::kQuorum;
  QueueConfig c;
  c.type = args.type;
  c.policy = user ? user->name : "";
  c.operator_policy = op ? op->name : "";
  // Operator and user policy values of one key combine as their minimum.
  auto policy_int = [&](std::string_view key) { return Min(IntKey(user, key), IntKey(op, key)); };
  auto millis = [](std::optional<int64_t> ms) {
    return ms ? std::optional<absl::Duration>(absl::Milliseconds(*ms)) : std::nullopt;
  };
  c.message_ttl = Min(args.message_ttl, millis(policy_int("message-ttl")));
  c.max_length = Min(args.max_length, policy_int("max-length"));
  c.max_length_bytes = Min(args.max_length_bytes, policy_int("max-length-bytes"));
  std::optional<absl::Duration> policy_expires = millis(policy_int("expires"));
  c.expires = quorum && policy_expires ? policy_expires : Min(args.expires, policy_expires);
  if (quorum) c.delivery_limit = Min(args.delivery_limit, policy_int("delivery-limit"));
  std::optional<Overflow> policy_overflow;
  if (auto o = StringKey(user, "overflow")) policy_overflow = ParseOverflow(*o);
  if (quorum) {
    c.overflow = policy_overflow.value_or(args.overflow.value_or(Overflow::kDropHead));
  } else {
    c.overflow = args.overflow.value_or(policy_overflow.value_or(Overflow::kDropHead));
  }
  c.dead_letter_exchange = args.dead_letter_exchange
                               ? args.dead_letter_exchange
                               : StringKey(user, "dead-letter-exchange");
  c.dead_letter_routing_key = args.dead_letter_routing_key
                                  ? args.dead_letter_routing_key
                                  : StringKey(user, "dead-letter-routing-key");
  c.max_priority = args.max_priority;
  c.single_active_consumer = args.single_active_consumer;
  return c;
}

std::optional<std::string> EffectiveAlternateExchange(const FieldTable& exchange_args,
                                                      const PolicySpec* policy) {
  if (const FieldValue* ae = exchange_args.Find("alternate-exchange")) {
    if (ae->is_string()) return ae->as_string();
  }
  return StringKey(policy, "alternate-exchange");
}

}  // namespace warren::internal
