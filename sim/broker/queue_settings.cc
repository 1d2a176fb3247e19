#include "sim/broker/queue_settings.h"

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace warren::internal {
namespace {

// Adds `key` = `value` to `out` unless `out` already names it.
absl::Status Add(FieldTable& out, std::string_view key, FieldValue value) {
  if (out.Contains(key)) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(key), " is given twice: in QueueDeclareOptions::settings and in its arguments table; "
             "keep one"));
  }
  out.Set(key, std::move(value));
  return absl::OkStatus();
}

absl::Status AddMilliseconds(FieldTable& out, std::string_view key,
                             const std::optional<absl::Duration>& d) {
  if (!d.has_value()) return absl::OkStatus();
  if (*d == absl::InfiniteDuration() || *d == -absl::InfiniteDuration() ||
      *d % absl::Milliseconds(1) != absl::ZeroDuration()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(key), " must be a whole number of milliseconds (RabbitMQ's unit); got ",
                     absl::FormatDuration(*d)));
  }
  return Add(out, key, FieldValue::Long(absl::ToInt64Milliseconds(*d)));
}

absl::Status AddInteger(FieldTable& out, std::string_view key, const std::optional<int64_t>& v) {
  return v.has_value() ? Add(out, key, FieldValue::Long(*v)) : absl::OkStatus();
}

absl::Status AddString(FieldTable& out, std::string_view key,
                       const std::optional<std::string>& v) {
  return v.has_value() ? Add(out, key, FieldValue::String(*v)) : absl::OkStatus();
}

}  // namespace

bool AnySettingGiven(const QueueSettings& s) {
  return s.type != QueueType::kClassic || s.message_ttl || s.expires || s.max_length ||
         s.max_length_bytes || s.overflow || s.dead_letter_exchange ||
         s.dead_letter_routing_key || s.max_priority || s.delivery_limit ||
         s.single_active_consumer;
}

absl::StatusOr<FieldTable> MergeSettingsIntoArguments(const QueueSettings& s,
                                                      const FieldTable& arguments) {
  FieldTable out = arguments;
  if (s.type != QueueType::kClassic) {
    if (absl::Status st = Add(out, "x-queue-type", FieldValue::String(QueueTypeName(s.type)));
        !st.ok()) {
      return st;
    }
  }
  for (absl::Status st : {
           AddMilliseconds(out, "x-message-ttl", s.message_ttl),
           AddMilliseconds(out, "x-expires", s.expires),
           AddInteger(out, "x-max-length", s.max_length),
           AddInteger(out, "x-max-length-bytes", s.max_length_bytes),
           s.overflow ? Add(out, "x-overflow", FieldValue::String(OverflowName(*s.overflow)))
                      : absl::OkStatus(),
           AddString(out, "x-dead-letter-exchange", s.dead_letter_exchange),
           AddString(out, "x-dead-letter-routing-key", s.dead_letter_routing_key),
           AddInteger(out, "x-max-priority", s.max_priority),
           AddInteger(out, "x-delivery-limit", s.delivery_limit),
           s.single_active_consumer
               ? Add(out, "x-single-active-consumer", FieldValue::Bool(true))
               : absl::OkStatus(),
       }) {
    if (!st.ok()) return st;
  }
  return out;
}

}  // namespace warren::internal
