#include <cstdio>

#include "sim/core/strings.h"
#include "sim/core/utf8.h"
#include "warren/field_value.h"
#include "warren/trace.h"

namespace warren {

std::string_view TraceKindName(TraceKind kind) {
  switch (kind) {
    case TraceKind::kPublished: return "published";
    case TraceKind::kRouted: return "routed";
    case TraceKind::kUnroutable: return "unroutable";
    case TraceKind::kEnqueued: return "enqueued";
    case TraceKind::kDelivered: return "delivered";
    case TraceKind::kAcked: return "acked";
    case TraceKind::kRejected: return "rejected";
    case TraceKind::kRequeued: return "requeued";
    case TraceKind::kExpired: return "expired";
    case TraceKind::kDeadLettered: return "dead-lettered";
    case TraceKind::kDropped: return "dropped";
    case TraceKind::kReturned: return "returned";
    case TraceKind::kConfirmed: return "confirmed";
    case TraceKind::kChannelClosed: return "channel-closed";
    case TraceKind::kConnectionClosed: return "connection-closed";
    case TraceKind::kQueueDeleted: return "queue-deleted";
    case TraceKind::kExchangeDeleted: return "exchange-deleted";
    case TraceKind::kPolicyChanged: return "policy-changed";
    case TraceKind::kConsumerCancelled: return "consumer-cancelled";
    case TraceKind::kCelery: return "celery";
    case TraceKind::kDivergence: return "divergence";
  }
  return "unknown";
}

std::optional<TraceKind> TraceKindFromName(std::string_view name) {
  for (size_t k = 0; k < kTraceKindCount; ++k) {
    if (TraceKindName(static_cast<TraceKind>(k)) == name) return static_cast<TraceKind>(k);
  }
  return std::nullopt;
}

std::string ToJsonLine(const TraceEvent& e) {
  // Strings go through FieldValue's JSON escaping, so one escaper exists.
  auto str = [](std::string_view s) { return ToJson(FieldValue::String(s)); };
  std::string out = internal::Cat(
      "{\"seq\":", e.seq, ",\"t_ms\":", absl::ToUnixMillis(e.time),
      ",\"time\":", str(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", e.time, absl::UTCTimeZone())),
      ",\"kind\":", str(TraceKindName(e.kind)));
  if (e.message.value != 0) internal::Append(&out, ",\"message\":", e.message.value);
  if (e.copy != 0) internal::Append(&out, ",\"copy\":", e.copy);
  if (!e.queue.empty()) internal::Append(&out, ",\"queue\":", str(e.queue));
  if (!e.exchange.empty()) internal::Append(&out, ",\"exchange\":", str(e.exchange));
  if (!e.routing_key.empty()) internal::Append(&out, ",\"routing_key\":", str(e.routing_key));
  if (!e.channel.empty()) internal::Append(&out, ",\"channel\":", str(e.channel));
  if (!e.detail.empty()) internal::Append(&out, ",\"detail\":", str(e.detail));
  out += '}';
  return out;
}

std::string FormatTimelineLine(const TraceEvent& e, absl::Time start) {
  char when[32];
  std::snprintf(when, sizeof when, "+%9.3fs", absl::ToDoubleSeconds(e.time - start));
  char kind[24];
  std::snprintf(kind, sizeof kind, "%-18s", std::string(TraceKindName(e.kind)).c_str());
  std::string out = internal::Cat(when, "  ", kind);
  if (e.message.value != 0) internal::Append(&out, "#", e.message.value, " ");
  // Names are bytes to AMQP: control bytes and invalid UTF-8 are escaped.
  using internal::PrintableText;
  if (!e.queue.empty()) internal::Append(&out, "queue=", PrintableText(e.queue), " ");
  if (!e.exchange.empty() || e.kind == TraceKind::kPublished) {
    internal::Append(&out, "exchange='", PrintableText(e.exchange), "' ");
  }
  if (!e.routing_key.empty()) internal::Append(&out, "key=", PrintableText(e.routing_key), " ");
  if (!e.channel.empty()) internal::Append(&out, "[", PrintableText(e.channel), "] ");
  if (!e.detail.empty()) internal::Append(&out, "- ", PrintableText(e.detail));
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

void WriteJsonLines(const std::vector<TraceEvent>& events, std::ostream& out) {
  for (const TraceEvent& e : events) out << ToJsonLine(e) << '\n';
}

void WriteJsonLines(const TraceEvents& events, std::ostream& out) {
  for (const TraceEvent& e : events) out << ToJsonLine(e) << '\n';
}

}  // namespace warren
