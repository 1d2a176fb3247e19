// The keys each object of a scenario file may hold: the tables the parser
// checks objects against (JsonCursor::AllowOnly) and `warren keys` prints as
// the reference. A key is written here once; the parser, the reference and
// the schema test (schema.json must allow exactly these) all read it.
#ifndef WARREN_SIM_SCENARIO_SCENARIO_KEYS_H_
#define WARREN_SIM_SCENARIO_SCENARIO_KEYS_H_

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace warren::internal {

inline constexpr std::string_view kRootKeys[] = {
    "$schema", "version", "name", "description", "seed", "options", "exchanges", "queues",
    "bindings", "policies", "clients", "celery", "timeline", "expect", "run_for_ms"};
inline constexpr std::string_view kOptionsKeys[] = {
    "consumer_timeout_ms", "channel_tick_ms", "quorum_tick_ms", "max_events", "max_live_messages"};
inline constexpr std::string_view kExchangeKeys[] = {
    "name", "type", "passive", "durable", "auto_delete", "internal", "arguments"};
inline constexpr std::string_view kQueueKeys[] = {
    "name", "as", "passive", "durable", "exclusive", "auto_delete", "arguments"};
inline constexpr std::string_view kBindingKeys[] = {
    "exchange", "queue", "to_exchange", "routing_key", "arguments"};
inline constexpr std::string_view kPolicyKeys[] = {
    "name", "pattern", "definition", "priority", "apply_to", "operator"};
inline constexpr std::string_view kPropertiesKeys[] = {
    "content_type", "content_encoding", "headers", "delivery_mode", "priority", "correlation_id",
    "reply_to", "expiration", "message_id", "timestamp", "type", "user_id", "app_id"};
inline constexpr std::string_view kClientRuleKeys[] = {
    "when", "do", "delay_ms", "exchange", "routing_key"};
inline constexpr std::string_view kClientWhenKeys[] = {
    "attempt", "redelivered", "x_death_count_at_least", "x_death_count_below", "x_death_queue",
    "header", "header_equals"};
inline constexpr std::string_view kExpectedErrorKeys[] = {"code", "closes", "text"};
inline constexpr std::string_view kClientKeys[] = {
    "name", "queue", "prefetch", "start_ms", "rules", "expect_error"};
inline constexpr std::string_view kPublishKeys[] = {
    "exchange", "routing_key", "body", "properties", "mandatory", "count", "label", "confirm"};
inline constexpr std::string_view kStepKeys[] = {
    "at_ms", "note", "expect_error", "connection", "channel"};
inline constexpr std::string_view kDeleteQueueKeys[] = {"name", "if_unused", "if_empty"};
inline constexpr std::string_view kDeleteExchangeKeys[] = {"name", "if_unused"};
inline constexpr std::string_view kGetKeys[] = {"queue", "no_ack"};
inline constexpr std::string_view kConsumeKeys[] = {
    "queue", "consumer_tag", "no_ack", "exclusive", "arguments"};
inline constexpr std::string_view kQosKeys[] = {"prefetch_count", "prefetch_size", "global"};
inline constexpr std::string_view kAckKeys[] = {"delivery_tag", "multiple"};
inline constexpr std::string_view kNackKeys[] = {"delivery_tag", "multiple", "requeue"};
inline constexpr std::string_view kRejectKeys[] = {"delivery_tag", "requeue"};
inline constexpr std::string_view kRecoverKeys[] = {"requeue"};
inline constexpr std::string_view kCeleryKeys[] = {"app", "tasks", "workers"};
inline constexpr std::string_view kCeleryAppKeys[] = {
    "task_acks_late", "task_acks_on_failure_or_timeout", "task_reject_on_worker_lost",
    "worker_prefetch_multiplier", "task_create_missing_queues", "task_queues"};
inline constexpr std::string_view kTaskKeys[] = {
    "name", "acks_late", "acks_on_failure_or_timeout", "reject_on_worker_lost", "autoretry_for",
    "max_retries", "default_retry_delay_ms", "retry_kwargs", "retry_backoff",
    "retry_backoff_max_ms", "retry_jitter", "on_failure", "body", "soft_time_limit_ms",
    "time_limit_ms"};
inline constexpr std::string_view kRetryKwargsKeys[] = {"max_retries", "countdown_ms"};
inline constexpr std::string_view kAttemptKeys[] = {
    "do", "exception", "countdown_ms", "requeue", "duration_ms", "probability", "when"};
inline constexpr std::string_view kAttemptWhenKeys[] = {
    "retries", "retries_at_least", "arg", "equals"};
inline constexpr std::string_view kWorkerKeys[] = {
    "name", "pool", "concurrency", "queues", "start_ms", "prefork_tick_ms", "solo_wakeup_ms",
    "restart_after_ms"};
inline constexpr std::string_view kApplyAsyncKeys[] = {
    "task", "queue", "countdown_ms", "eta_ms", "expires_ms", "label", "task_id", "args", "kwargs"};
inline constexpr std::string_view kExpectationKeys[] = {
    "at_ms", "queue", "ready", "unacked", "enqueued", "messages", "queue_gone", "fate", "copies",
    "drops", "event", "counter", "equals", "note", "task", "state", "result", "executions",
    "retries", "published", "tasks_in_state", "celery_event", "name_prefix", "client",
    "deliveries", "delivery_count", "events", "backend_row"};
inline constexpr std::string_view kExpectedMessageKeys[] = {
    "body", "redelivered", "x_death", "headers", "absent_headers", "present_headers",
    "header_types", "header_ms_after_publish", "properties"};
inline constexpr std::string_view kExpectedXDeathKeys[] = {
    "queue", "reason", "count", "exchange", "routing_keys", "original_expiration", "time_s"};
inline constexpr std::string_view kTypedValueKeys[] = {"$type", "value"};

struct KeyTable {
  std::string_view where;  // JSON pointer pattern (N: any index) or the step that holds it
  std::string_view what;
  std::span<const std::string_view> keys;
};

// Every table, in file order. (The timeline step object itself is listed by
// TimelineActionKeys(): its keys are at_ms, note, expect_error and one action.)
std::vector<KeyTable> ScenarioKeyTables();

// The reference of every key, as Markdown (`warren keys`; committed as
// scenarios/KEYS.md, which a test keeps equal to this).
std::string ScenarioKeyReference();

}  // namespace warren::internal

#endif  // WARREN_SIM_SCENARIO_SCENARIO_KEYS_H_
