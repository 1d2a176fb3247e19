// JSON -> ScenarioSpec. First pass: shapes and types, unknown keys are
// errors. Second pass (references.cc): names refer to things that exist.
#include "sim/core/status_macros.h"
#include "sim/core/strings.h"
#include "sim/scenario/celery_parser.h"
#include "sim/scenario/expect_parser.h"
#include "sim/scenario/json_cursor.h"
#include "sim/scenario/scenario_keys.h"
#include "sim/scenario/json_reader.h"
#include "sim/scenario/parser.h"
#include "sim/scenario/references.h"
#include "sim/scenario/topology.h"
#include "warren/scenario.h"

namespace warren {
namespace internal {

absl::StatusOr<BasicProperties> ParseProperties(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kPropertiesKeys));
  BasicProperties p;
  WARREN_ASSIGN_OR_RETURN(p.content_type, c.OptionalShortString("content_type"));
  WARREN_ASSIGN_OR_RETURN(p.content_encoding, c.OptionalShortString("content_encoding"));
  if (c.Has("headers")) {
    WARREN_ASSIGN_OR_RETURN(FieldTable h, c.Table("headers"));
    p.headers = std::move(h);
  }
  WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> mode, c.OptionalInt("delivery_mode", 0, 255));
  if (mode) p.delivery_mode = static_cast<int>(*mode);
  WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> prio, c.OptionalInt("priority", 0, 255));
  if (prio) p.priority = static_cast<int>(*prio);
  WARREN_ASSIGN_OR_RETURN(p.correlation_id, c.OptionalShortString("correlation_id"));
  WARREN_ASSIGN_OR_RETURN(p.reply_to, c.OptionalShortString("reply_to"));
  WARREN_ASSIGN_OR_RETURN(p.expiration, c.OptionalShortString("expiration"));
  WARREN_ASSIGN_OR_RETURN(p.message_id, c.OptionalShortString("message_id"));
  WARREN_ASSIGN_OR_RETURN(p.timestamp, c.OptionalInt("timestamp", 0, INT64_MAX));
  WARREN_ASSIGN_OR_RETURN(p.type, c.OptionalShortString("type"));
  WARREN_ASSIGN_OR_RETURN(p.user_id, c.OptionalShortString("user_id"));
  WARREN_ASSIGN_OR_RETURN(p.app_id, c.OptionalShortString("app_id"));
  return p;
}

namespace {

using Json = nlohmann::ordered_json;

absl::StatusOr<ScenarioExchange> ParseExchange(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(
      c.AllowOnly(kExchangeKeys));
  ScenarioExchange x;
  WARREN_ASSIGN_OR_RETURN(x.name, c.RequiredShortString("name"));
  WARREN_ASSIGN_OR_RETURN(x.options.type, c.ShortString("type", "direct"));
  WARREN_ASSIGN_OR_RETURN(x.options.passive, c.Bool("passive", false));
  WARREN_ASSIGN_OR_RETURN(x.options.durable, c.Bool("durable", false));
  WARREN_ASSIGN_OR_RETURN(x.options.auto_delete, c.Bool("auto_delete", false));
  WARREN_ASSIGN_OR_RETURN(x.options.internal, c.Bool("internal", false));
  WARREN_ASSIGN_OR_RETURN(x.options.arguments, c.Table("arguments"));
  return x;
}

absl::StatusOr<ScenarioQueue> ParseQueue(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(
      c.AllowOnly(kQueueKeys));
  ScenarioQueue q;
  WARREN_ASSIGN_OR_RETURN(q.name, c.RequiredShortString("name"));
  WARREN_ASSIGN_OR_RETURN(q.alias, c.ShortString("as", ""));
  if (!q.name.empty() && c.Has("as")) {
    return c.Child("as").Error("nothing: \"as\" names a server-named queue (\"name\": \"\")");
  }
  WARREN_ASSIGN_OR_RETURN(q.options.passive, c.Bool("passive", false));
  WARREN_ASSIGN_OR_RETURN(q.options.durable, c.Bool("durable", false));
  WARREN_ASSIGN_OR_RETURN(q.options.exclusive, c.Bool("exclusive", false));
  WARREN_ASSIGN_OR_RETURN(q.options.auto_delete, c.Bool("auto_delete", false));
  WARREN_ASSIGN_OR_RETURN(q.options.arguments, c.Table("arguments"));
  return q;
}

absl::StatusOr<ScenarioBinding> ParseBinding(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(
      c.AllowOnly(kBindingKeys));
  ScenarioBinding b;
  WARREN_ASSIGN_OR_RETURN(b.source, c.RequiredShortString("exchange"));
  if (c.Has("queue") == c.Has("to_exchange")) {
    return c.Error("exactly one of \"queue\" or \"to_exchange\"");
  }
  b.to_exchange = c.Has("to_exchange");
  WARREN_ASSIGN_OR_RETURN(b.destination, c.RequiredShortString(b.to_exchange ? "to_exchange" : "queue"));
  WARREN_ASSIGN_OR_RETURN(b.routing_key, c.ShortString("routing_key", ""));
  WARREN_ASSIGN_OR_RETURN(b.arguments, c.Table("arguments"));
  return b;
}

absl::StatusOr<PolicySpec> ParsePolicy(const JsonCursor& c, bool* operator_policy) {
  WARREN_RETURN_IF_ERROR(
      c.AllowOnly(kPolicyKeys));
  PolicySpec p;
  WARREN_ASSIGN_OR_RETURN(p.name, c.RequiredString("name"));
  WARREN_ASSIGN_OR_RETURN(p.pattern, c.RequiredString("pattern"));
  WARREN_ASSIGN_OR_RETURN(p.definition, c.Table("definition"));
  WARREN_ASSIGN_OR_RETURN(int64_t priority, c.Int("priority", 0, -1000000, 1000000));
  p.priority = static_cast<int>(priority);
  static const std::pair<const char*, PolicyApplyTo> kApplyTo[] = {
      {"queues", PolicyApplyTo::kQueues},
      {"exchanges", PolicyApplyTo::kExchanges},
      {"all", PolicyApplyTo::kAll}};
  WARREN_ASSIGN_OR_RETURN(p.apply_to, Choice(c, "apply_to", kApplyTo, {PolicyApplyTo::kAll}));
  bool op = false;
  WARREN_ASSIGN_OR_RETURN(op, c.Bool("operator", false));
  if (operator_policy) *operator_policy = op;
  return p;
}

absl::StatusOr<ClientRule> ParseRule(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kClientRuleKeys));
  ClientRule r;
  if (c.Has("when")) {
    JsonCursor w = c.Child("when");
    WARREN_RETURN_IF_ERROR(w.AllowOnly(kClientWhenKeys));
    WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> attempt, w.OptionalInt("attempt", 1, 1000000));
    if (attempt) r.when.attempt = static_cast<int>(*attempt);
    WARREN_ASSIGN_OR_RETURN(r.when.redelivered, w.OptionalBool("redelivered"));
    WARREN_ASSIGN_OR_RETURN(r.when.x_death_count_at_least,
                            w.OptionalInt("x_death_count_at_least", 0, INT64_MAX));
    WARREN_ASSIGN_OR_RETURN(r.when.x_death_count_below,
                            w.OptionalInt("x_death_count_below", 0, INT64_MAX));
    WARREN_ASSIGN_OR_RETURN(r.when.x_death_queue, w.OptionalString("x_death_queue"));
    WARREN_ASSIGN_OR_RETURN(r.when.header, w.OptionalString("header"));
    if (w.Has("header_equals")) {
      if (!r.when.header) return w.Child("header_equals").Error("\"header\" alongside it");
      WARREN_ASSIGN_OR_RETURN(FieldValue v, w.Child("header_equals").ToFieldValue());
      r.when.header_equals = std::move(v);
    }
  }
  static const std::pair<const char*, ClientAction> kActions[] = {
      {"ack", ClientAction::kAck},         {"reject", ClientAction::kReject},
      {"requeue", ClientAction::kRequeue}, {"nack", ClientAction::kNack},
      {"hold", ClientAction::kHold},       {"republish", ClientAction::kRepublish},
      {"crash", ClientAction::kCrash}};
  WARREN_ASSIGN_OR_RETURN(r.action, Choice(c, "do", kActions));
  WARREN_ASSIGN_OR_RETURN(r.delay, c.Millis("delay_ms", absl::ZeroDuration()));
  if (r.action == ClientAction::kRepublish) {
    WARREN_ASSIGN_OR_RETURN(r.republish_exchange, c.ShortString("exchange", ""));
    WARREN_ASSIGN_OR_RETURN(r.republish_routing_key, c.RequiredShortString("routing_key"));
  } else if (c.Has("exchange") || c.Has("routing_key")) {
    return c.Error("\"exchange\"/\"routing_key\" only with \"do\": \"republish\"");
  }
  return r;
}

// `policy`: on set_policy / clear_policy, which have no AMQP reply code:
// then a "text" and no "code".
absl::StatusOr<ExpectedError> ParseExpectedError(const JsonCursor& c, bool policy = false) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kExpectedErrorKeys));
  ExpectedError e;
  if (policy) {
    if (c.Has("code") || c.Has("closes")) {
      return c.Error("only \"text\" on a policy step (the management API's error text: "
                     "policies are not AMQP methods and have no reply code)");
    }
    WARREN_ASSIGN_OR_RETURN(e.text, c.RequiredString("text"));
    return e;
  }
  WARREN_ASSIGN_OR_RETURN(int64_t code, c.Int("code", 0, 200, 599));
  if (code == 0) return c.Error("an object with \"code\" (an AMQP reply code)");
  e.code = static_cast<uint16_t>(code);
  WARREN_ASSIGN_OR_RETURN(e.closes, c.String("closes", ""));
  if (!e.closes.empty() && e.closes != "channel" && e.closes != "connection") {
    return c.Child("closes").Error("\"channel\" or \"connection\"");
  }
  WARREN_ASSIGN_OR_RETURN(e.text, c.String("text", ""));
  return e;
}

absl::StatusOr<ScenarioClient> ParseClient(const JsonCursor& c) {
  WARREN_RETURN_IF_ERROR(
      c.AllowOnly(kClientKeys));
  ScenarioClient client;
  WARREN_ASSIGN_OR_RETURN(client.name, c.RequiredString("name"));
  WARREN_ASSIGN_OR_RETURN(client.queue, c.RequiredShortString("queue"));
  WARREN_ASSIGN_OR_RETURN(int64_t prefetch, c.Int("prefetch", 0, 0, 65535));
  client.prefetch = static_cast<uint16_t>(prefetch);
  WARREN_ASSIGN_OR_RETURN(client.start, c.Millis("start_ms", absl::ZeroDuration()));
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> rules, c.Array("rules"));
  for (const JsonCursor& r : rules) {
    WARREN_ASSIGN_OR_RETURN(ClientRule rule, ParseRule(r));
    client.rules.push_back(std::move(rule));
  }
  if (c.Has("expect_error")) {
    WARREN_ASSIGN_OR_RETURN(client.expect_error, ParseExpectedError(c.Child("expect_error")));
  }
  return client;
}


absl::StatusOr<StepAction> ParsePublishStep(const JsonCursor& step, const char* key) {
  JsonCursor p = step.Child(key);
  WARREN_RETURN_IF_ERROR(p.AllowOnly(kPublishKeys));
  PublishStep s;
  WARREN_ASSIGN_OR_RETURN(s.publish.exchange, p.ShortString("exchange", ""));
  WARREN_ASSIGN_OR_RETURN(s.publish.routing_key, p.ShortString("routing_key", ""));
  WARREN_ASSIGN_OR_RETURN(s.publish.body, p.String("body", ""));
  WARREN_ASSIGN_OR_RETURN(s.publish.mandatory, p.Bool("mandatory", false));
  WARREN_ASSIGN_OR_RETURN(int64_t count, p.Int("count", 1, 1, 1000000));
  s.count = static_cast<int>(count);
  WARREN_ASSIGN_OR_RETURN(s.label, p.String("label", ""));
  WARREN_ASSIGN_OR_RETURN(s.confirm, p.Bool("confirm", false));
  if (p.Has("properties")) {
    WARREN_ASSIGN_OR_RETURN(s.publish.properties, ParseProperties(p.Child("properties")));
  }
  return s;
}

absl::StatusOr<StepAction> ParseSetPolicyStep(const JsonCursor& step, const char* key) {
  SetPolicyStep s;
  WARREN_ASSIGN_OR_RETURN(s.policy, ParsePolicy(step.Child(key), &s.operator_policy));
  return s;
}

absl::StatusOr<StepAction> ParseDeclareExchangeStep(const JsonCursor& step, const char* key) {
  WARREN_ASSIGN_OR_RETURN(ScenarioExchange x, ParseExchange(step.Child(key)));
  return DeclareExchangeStep{std::move(x)};
}

absl::StatusOr<StepAction> ParseDeclareQueueStep(const JsonCursor& step, const char* key) {
  WARREN_ASSIGN_OR_RETURN(ScenarioQueue q, ParseQueue(step.Child(key)));
  return DeclareQueueStep{std::move(q)};
}

template <typename Step>
absl::StatusOr<StepAction> ParseBindingStep(const JsonCursor& step, const char* key) {
  WARREN_ASSIGN_OR_RETURN(ScenarioBinding b, ParseBinding(step.Child(key)));
  return Step{std::move(b)};
}

// Actions whose value is one name. AMQP names (queues, exchanges) are short
// strings; the others (clients, workers, labels) are the file's own.
template <typename Step, bool kAmqpName>
absl::StatusOr<StepAction> ParseNameStep(const JsonCursor& step, const char* key) {
  WARREN_ASSIGN_OR_RETURN(std::string name,
                          kAmqpName ? step.RequiredShortString(key) : step.RequiredString(key));
  return Step{std::move(name)};
}

absl::StatusOr<StepAction> ParseApplyAsyncStep(const JsonCursor& step, const char* key) {
  return ParseApplyAsync(step.Child(key));
}

absl::StatusOr<StepAction> ParseDeleteQueueStep(const JsonCursor& step, const char* key) {
  JsonCursor c = step.Child(key);
  if (c.value().is_string()) return ParseNameStep<DeleteQueueStep, true>(step, key);
  if (!c.value().is_object()) return c.Error("a queue name or {\"name\", \"if_unused\", \"if_empty\"}");
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kDeleteQueueKeys));
  DeleteQueueStep d;
  WARREN_ASSIGN_OR_RETURN(d.queue, c.RequiredShortString("name"));
  WARREN_ASSIGN_OR_RETURN(d.options.if_unused, c.Bool("if_unused", false));
  WARREN_ASSIGN_OR_RETURN(d.options.if_empty, c.Bool("if_empty", false));
  return d;
}

absl::StatusOr<StepAction> ParseDeleteExchangeStep(const JsonCursor& step, const char* key) {
  JsonCursor c = step.Child(key);
  if (c.value().is_string()) return ParseNameStep<DeleteExchangeStep, true>(step, key);
  if (!c.value().is_object()) return c.Error("an exchange name or {\"name\", \"if_unused\"}");
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kDeleteExchangeKeys));
  DeleteExchangeStep d;
  WARREN_ASSIGN_OR_RETURN(d.exchange, c.RequiredShortString("name"));
  WARREN_ASSIGN_OR_RETURN(d.if_unused, c.Bool("if_unused", false));
  return d;
}

absl::StatusOr<StepAction> ParseGetStep(const JsonCursor& step, const char* key) {
  JsonCursor c = step.Child(key);
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kGetKeys));
  GetStep g;
  WARREN_ASSIGN_OR_RETURN(g.queue, c.RequiredShortString("queue"));
  WARREN_ASSIGN_OR_RETURN(g.no_ack, c.Bool("no_ack", false));
  return g;
}

absl::StatusOr<StepAction> ParseConsumeStep(const JsonCursor& step, const char* key) {
  JsonCursor c = step.Child(key);
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kConsumeKeys));
  ConsumeStep s;
  WARREN_ASSIGN_OR_RETURN(s.queue, c.RequiredShortString("queue"));
  WARREN_ASSIGN_OR_RETURN(s.options.consumer_tag, c.ShortString("consumer_tag", ""));
  WARREN_ASSIGN_OR_RETURN(s.options.no_ack, c.Bool("no_ack", false));
  WARREN_ASSIGN_OR_RETURN(s.options.exclusive, c.Bool("exclusive", false));
  WARREN_ASSIGN_OR_RETURN(s.options.arguments, c.Table("arguments"));
  return s;
}

absl::StatusOr<StepAction> ParseQosStep(const JsonCursor& step, const char* key) {
  JsonCursor c = step.Child(key);
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kQosKeys));
  QosStep s;
  WARREN_ASSIGN_OR_RETURN(int64_t count, c.Int("prefetch_count", 0, 0, 65535));
  WARREN_ASSIGN_OR_RETURN(int64_t size, c.Int("prefetch_size", 0, 0, UINT32_MAX));
  s.qos.prefetch_count = static_cast<uint16_t>(count);
  s.qos.prefetch_size = static_cast<uint32_t>(size);
  WARREN_ASSIGN_OR_RETURN(s.qos.global, c.Bool("global", false));
  return s;
}

// A delivery tag: 0 only with "multiple" (every outstanding tag).
absl::StatusOr<DeliveryTag> ParseDeliveryTag(const JsonCursor& c) {
  WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> tag, c.OptionalInt("delivery_tag", 0, INT64_MAX));
  if (!tag) return c.RequiredString("delivery_tag").status();  // its "required" message
  return DeliveryTag{static_cast<uint64_t>(*tag)};
}

absl::StatusOr<StepAction> ParseAckStep(const JsonCursor& step, const char* key) {
  JsonCursor c = step.Child(key);
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kAckKeys));
  AckStep s;
  WARREN_ASSIGN_OR_RETURN(s.delivery_tag, ParseDeliveryTag(c));
  WARREN_ASSIGN_OR_RETURN(s.multiple, c.Bool("multiple", false));
  return s;
}

absl::StatusOr<StepAction> ParseNackStep(const JsonCursor& step, const char* key) {
  JsonCursor c = step.Child(key);
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kNackKeys));
  NackStep s;
  WARREN_ASSIGN_OR_RETURN(s.delivery_tag, ParseDeliveryTag(c));
  WARREN_ASSIGN_OR_RETURN(s.multiple, c.Bool("multiple", false));
  WARREN_ASSIGN_OR_RETURN(s.requeue, c.Bool("requeue", true));
  return s;
}

absl::StatusOr<StepAction> ParseRejectStep(const JsonCursor& step, const char* key) {
  JsonCursor c = step.Child(key);
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kRejectKeys));
  RejectStep s;
  WARREN_ASSIGN_OR_RETURN(s.delivery_tag, ParseDeliveryTag(c));
  WARREN_ASSIGN_OR_RETURN(s.requeue, c.Bool("requeue", true));
  return s;
}

absl::StatusOr<StepAction> ParseRecoverStep(const JsonCursor& step, const char* key) {
  JsonCursor c = step.Child(key);
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kRecoverKeys));
  RecoverStep s;
  WARREN_ASSIGN_OR_RETURN(s.requeue, c.Bool("requeue", true));
  return s;
}

absl::StatusOr<StepAction> ParseTxStep(const JsonCursor& step, const char* key) {
  static const std::pair<const char*, TxMethod> kMethods[] = {
      {"select", TxMethod::kSelect}, {"commit", TxMethod::kCommit},
      {"rollback", TxMethod::kRollback}};
  WARREN_ASSIGN_OR_RETURN(TxMethod m, Choice(step, key, kMethods));
  return TxStep{m};
}

absl::StatusOr<StepAction> ParseCloseStep(const JsonCursor& step, const char* key) {
  static const std::pair<const char*, bool> kWhat[] = {{"channel", false},
                                                       {"connection", true}};
  WARREN_ASSIGN_OR_RETURN(bool connection, Choice(step, key, kWhat));
  return CloseStep{connection};
}

// Where an action may run: anywhere on AMQP (the runner's connection by
// default, or the step's "connection"), only on a named connection (the
// channel-level methods whose effect belongs to one channel), or outside
// AMQP (policies, clients, Celery) where "connection" means nothing.
enum class On { kAnyChannel, kNamedChannel, kNoChannel };

// Every timeline action, by its JSON key, in the order error messages list
// them. The one place an action's key is named.
struct StepParser {
  const char* key;
  absl::StatusOr<StepAction> (*parse)(const JsonCursor& step, const char* key);
  On on;
};
constexpr StepParser kStepParsers[] = {
    {"publish", ParsePublishStep, On::kAnyChannel},
    {"set_policy", ParseSetPolicyStep, On::kNoChannel},
    {"clear_policy", ParseNameStep<ClearPolicyStep, false>, On::kNoChannel},
    {"declare_exchange", ParseDeclareExchangeStep, On::kAnyChannel},
    {"declare_queue", ParseDeclareQueueStep, On::kAnyChannel},
    {"bind", ParseBindingStep<BindStep>, On::kAnyChannel},
    {"unbind", ParseBindingStep<UnbindStep>, On::kAnyChannel},
    {"delete_queue", ParseDeleteQueueStep, On::kAnyChannel},
    {"purge_queue", ParseNameStep<PurgeQueueStep, true>, On::kAnyChannel},
    {"delete_exchange", ParseDeleteExchangeStep, On::kAnyChannel},
    {"stop_client", ParseNameStep<StopClientStep, false>, On::kNoChannel},
    {"apply_async", ParseApplyAsyncStep, On::kNoChannel},
    {"kill_worker", ParseNameStep<KillWorkerStep, false>, On::kNoChannel},
    {"kill_child", ParseNameStep<KillChildStep, false>, On::kNoChannel},
    {"revoke", ParseNameStep<RevokeStep, false>, On::kNoChannel},
    {"terminate", ParseNameStep<TerminateStep, false>, On::kNoChannel},
    {"restart_worker", ParseNameStep<RestartWorkerStep, false>, On::kNoChannel},
    {"get", ParseGetStep, On::kAnyChannel},
    {"consume", ParseConsumeStep, On::kNamedChannel},
    {"cancel", ParseNameStep<CancelStep, true>, On::kNamedChannel},
    {"qos", ParseQosStep, On::kNamedChannel},
    {"ack", ParseAckStep, On::kNamedChannel},
    {"nack", ParseNackStep, On::kNamedChannel},
    {"reject", ParseRejectStep, On::kNamedChannel},
    {"recover", ParseRecoverStep, On::kNamedChannel},
    {"tx", ParseTxStep, On::kNamedChannel},
    {"close", ParseCloseStep, On::kNamedChannel},
    {"stop_worker", ParseNameStep<StopWorkerStep, false>, On::kNoChannel},
};
static_assert(std::size(kStepParsers) == std::variant_size_v<StepAction>,
              "every StepAction alternative needs its JSON key in kStepParsers");

}  // namespace

std::vector<std::string_view> TimelineActionKeys() {
  std::vector<std::string_view> keys;
  for (const StepParser& p : kStepParsers) keys.push_back(p.key);
  return keys;
}

namespace {

absl::StatusOr<ScenarioStep> ParseStep(const JsonCursor& c) {
  std::vector<std::string_view> allowed(std::begin(kStepKeys), std::end(kStepKeys));
  std::string actions;
  for (const StepParser& p : kStepParsers) {
    allowed.push_back(p.key);
    Append(&actions, actions.empty() ? "" : ", ", p.key);
  }
  WARREN_RETURN_IF_ERROR(c.AllowOnly(allowed));
  ScenarioStep s;
  s.pointer = c.pointer();
  WARREN_ASSIGN_OR_RETURN(s.at, c.Millis("at_ms", absl::ZeroDuration()));
  const StepParser* found = nullptr;
  int count = 0;
  for (const StepParser& p : kStepParsers) {
    if (!c.Has(p.key)) continue;
    found = &p;
    ++count;
  }
  if (count != 1) return c.Error(Cat("exactly one action (", actions, ")"));
  WARREN_ASSIGN_OR_RETURN(s.action, found->parse(c, found->key));
  WARREN_ASSIGN_OR_RETURN(s.connection, c.String("connection", ""));
  WARREN_ASSIGN_OR_RETURN(int64_t channel, c.Int("channel", 1, 1, 2047));
  s.channel = static_cast<uint16_t>(channel);
  if (found->on == On::kNoChannel && (c.Has("connection") || c.Has("channel"))) {
    return c.Error(Cat("no \"connection\" or \"channel\" with \"", found->key,
                       "\" (it is not an AMQP method on a channel)"));
  }
  if (c.Has("connection") && s.connection.empty()) {
    return c.Child("connection").Error("a connection name (not \"\")");
  }
  if (found->on == On::kNamedChannel && s.connection.empty()) {
    return c.Error(Cat("a \"connection\" naming the connection whose channel \"", found->key,
                       "\" acts on (deliveries and tags belong to one channel)"));
  }
  if (c.Has("channel") && !c.Has("connection")) {
    return c.Child("channel").Error("\"connection\" alongside it");
  }
  if (const auto* p = std::get_if<PublishStep>(&s.action); p && p->confirm && c.Has("connection")) {
    return c.Child("publish").Child("confirm").Error(
        "no \"confirm\" on a named connection (confirms are observed on the runner's publisher)");
  }
  if (c.Has("expect_error")) {
    bool policy = std::holds_alternative<SetPolicyStep>(s.action) ||
                  std::holds_alternative<ClearPolicyStep>(s.action);
    WARREN_ASSIGN_OR_RETURN(ExpectedError e, ParseExpectedError(c.Child("expect_error"), policy));
    s.expect_error = std::move(e);
  }
  return s;
}

template <typename T, typename Fn>
absl::Status ParseList(const JsonCursor& root, std::string_view key, std::vector<T>& out, Fn fn) {
  WARREN_ASSIGN_OR_RETURN(std::vector<JsonCursor> items, root.Array(key));
  for (const JsonCursor& item : items) {
    WARREN_ASSIGN_OR_RETURN(T value, fn(item));
    out.push_back(std::move(value));
  }
  return absl::OkStatus();
}

absl::Status ParseOptions(const JsonCursor& c, SimulationOptions& o, int64_t& max_events) {
  WARREN_RETURN_IF_ERROR(c.AllowOnly(kOptionsKeys));
  WARREN_ASSIGN_OR_RETURN(o.consumer_timeout, c.Millis("consumer_timeout_ms", o.consumer_timeout));
  WARREN_ASSIGN_OR_RETURN(o.channel_tick_interval,
                          c.Millis("channel_tick_ms", o.channel_tick_interval));
  WARREN_ASSIGN_OR_RETURN(o.quorum_tick_interval,
                          c.Millis("quorum_tick_ms", o.quorum_tick_interval));
  WARREN_ASSIGN_OR_RETURN(max_events, c.Int("max_events", max_events, 1, INT64_MAX));
  WARREN_ASSIGN_OR_RETURN(int64_t live, c.Int("max_live_messages",
                                               static_cast<int64_t>(o.max_live_messages), 1,
                                               INT64_MAX));
  o.max_live_messages = static_cast<uint64_t>(live);
  if (o.channel_tick_interval <= absl::ZeroDuration()) {
    return c.Child("channel_tick_ms").Error("a positive number of milliseconds");
  }
  if (o.quorum_tick_interval <= absl::ZeroDuration()) {
    return c.Child("quorum_tick_ms").Error("a positive number of milliseconds");
  }
  return absl::OkStatus();
}

// Publishes count against the run's bound, so a timeline whose publish
// steps alone exceed it can never run: refuse it before running.
absl::Status CheckPublishTotal(const ScenarioSpec& spec) {
  int64_t total = 0;
  for (const ScenarioStep& s : spec.timeline) {
    const PublishStep* p = std::get_if<PublishStep>(&s.action);
    if (p == nullptr) continue;
    total += p->count;
    if (total > spec.max_events) {
      return absl::InvalidArgumentError(Cat(
          s.pointer, "/publish/count: the timeline publishes ", total,
          " messages up to here, more than the run's bound of ", spec.max_events,
          " (options.max_events; every publish counts against it)"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ScenarioSpec> ParseRoot(const JsonCursor& root) {
  WARREN_RETURN_IF_ERROR(root.AllowOnly(kRootKeys));
  WARREN_ASSIGN_OR_RETURN(std::optional<int64_t> version, root.OptionalInt("version", 1, 1));
  if (!version) {
    return absl::InvalidArgumentError("/version: expected 1, got nothing (required)");
  }
  ScenarioSpec spec;
  WARREN_ASSIGN_OR_RETURN(spec.name, root.String("name", ""));
  WARREN_ASSIGN_OR_RETURN(spec.description, root.String("description", ""));
  WARREN_ASSIGN_OR_RETURN(int64_t seed, root.Int("seed", 1, 0, INT64_MAX));
  spec.options.seed = static_cast<uint64_t>(seed);
  if (root.Has("options")) {
    WARREN_RETURN_IF_ERROR(ParseOptions(root.Child("options"), spec.options, spec.max_events));
  }
  WARREN_RETURN_IF_ERROR(ParseList(root, "exchanges", spec.exchanges, ParseExchange));
  WARREN_RETURN_IF_ERROR(ParseList(root, "queues", spec.queues, ParseQueue));
  WARREN_RETURN_IF_ERROR(ParseList(root, "bindings", spec.bindings, ParseBinding));
  WARREN_RETURN_IF_ERROR(ParseList(
      root, "policies", spec.policies, [](const JsonCursor& c) -> absl::StatusOr<ScenarioPolicy> {
        ScenarioPolicy p;
        WARREN_ASSIGN_OR_RETURN(p.spec, ParsePolicy(c, &p.operator_policy));
        return p;
      }));
  WARREN_RETURN_IF_ERROR(ParseList(root, "clients", spec.clients, ParseClient));
  if (root.Has("celery")) {
    WARREN_ASSIGN_OR_RETURN(ScenarioCelery celery, ParseCelery(root.Child("celery")));
    spec.celery = std::move(celery);
  }
  WARREN_RETURN_IF_ERROR(ParseList(root, "timeline", spec.timeline, ParseStep));
  WARREN_RETURN_IF_ERROR(ParseList(root, "expect", spec.expectations, ParseExpectation));
  WARREN_RETURN_IF_ERROR(CheckPublishTotal(spec));
  WARREN_ASSIGN_OR_RETURN(spec.run_for, root.Millis("run_for_ms", spec.run_for));
  WARREN_RETURN_IF_ERROR(CheckReferences(root, spec));
  WARREN_RETURN_IF_ERROR(CheckTopology(spec));
  return spec;
}

}  // namespace
}  // namespace internal

absl::StatusOr<ScenarioSpec> ParseScenario(std::string_view text, std::string_view file) {
  absl::StatusOr<nlohmann::ordered_json> doc = internal::ParseJsonText(text);
  if (!doc.ok()) {
    return absl::InvalidArgumentError(internal::Cat(file, ": ", doc.status().message()));
  }
  absl::StatusOr<ScenarioSpec> spec = internal::ParseRoot(internal::JsonCursor(*doc, ""));
  if (!spec.ok()) {
    return absl::InvalidArgumentError(internal::Cat(file, ": ", spec.status().message()));
  }
  spec->file = std::string(file);
  return spec;
}

absl::StatusOr<ScenarioSpec> LoadScenarioFile(const std::string& path) {
  absl::StatusOr<std::string> text = internal::ReadScenarioFile(path);
  if (!text.ok()) return text.status();
  return ParseScenario(*text, path);
}

}  // namespace warren
