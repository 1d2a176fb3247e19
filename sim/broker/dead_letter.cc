#include "sim/broker/dead_letter.h"

#include <algorithm>

namespace warren::internal {
namespace {

const std::string* StringField(const FieldTable& t, std::string_view key) {
  const FieldValue* v = t.Find(key);
  if (v == nullptr || v->type() != FieldType::kLongString) return nullptr;
  return &v->as_string();
}

bool SameQueueAndReason(const FieldValue& entry, const std::string& queue,
                        const std::string& reason) {
  if (entry.type() != FieldType::kTable) return false;
  const std::string* q = StringField(entry.as_table(), "queue");
  const std::string* r = StringField(entry.as_table(), "reason");
  return q && r && *q == queue && *r == reason;
}

}  // namespace

std::string_view DeathReasonName(DeathReason reason) {
  switch (reason) {
    case DeathReason::kRejected: return "rejected";
    case DeathReason::kExpired: return "expired";
    case DeathReason::kMaxlen: return "maxlen";
    case DeathReason::kDeliveryLimit: return "delivery_limit";
  }
  return "rejected";
}

void UpdateXDeath(FieldTable& headers, const FieldTable& entry) {
  FieldTable fresh;
  fresh.mutable_entries().reserve(entry.size() + 1);
  fresh.Set("count", FieldValue::Long(1));
  for (const auto& [k, v] : entry) fresh.Set(k, v);

  FieldValue* existing = headers.Find("x-death");
  if (existing == nullptr) {
    headers.Set("x-first-death-reason", *entry.Find("reason"));
    headers.Set("x-first-death-queue", *entry.Find("queue"));
    headers.Set("x-first-death-exchange", *entry.Find("exchange"));
    headers.Set("x-death", FieldValue::Array({FieldValue::Table(std::move(fresh))}));
  } else if (existing->type() != FieldType::kArray) {
    // A non-array x-death (e.g. stringified by a republishing client) is
    // reset; x-first-death-* are not added since the header existed.
    *existing = FieldValue::Array({FieldValue::Table(std::move(fresh))});
  } else {
    std::vector<FieldValue> deaths = existing->as_array();
    if (deaths.size() >= 2) std::reverse(deaths.begin(), deaths.end());
    const std::string& queue = entry.Find("queue")->as_string();
    const std::string& reason = entry.Find("reason")->as_string();
    auto match = std::find_if(deaths.begin(), deaths.end(), [&](const FieldValue& d) {
      return SameQueueAndReason(d, queue, reason);
    });
    FieldTable updated;
    if (match == deaths.end()) {
      updated = std::move(fresh);
    } else {
      updated = match->as_table();
      deaths.erase(match);
      FieldValue* count = updated.Find("count");
      int64_t n = count && count->is_integer() ? count->as_int() : 0;
      updated.Set("count", FieldValue::Long(n + 1));
    }
    updated.SortByKey();
    deaths.insert(deaths.begin(), FieldValue::Table(std::move(updated)));
    *existing = FieldValue::Array(std::move(deaths));
  }
  headers.SortByKey();
}

MessageRef MakeDeadLetter(const Message& original, std::string_view queue, DeathReason reason,
                          absl::Time now, std::string_view dlx,
                          const std::optional<std::string>& dlrk) {
  BasicProperties props = original.properties();
  FieldTable headers = std::move(props.headers).value_or(FieldTable());

  // x-death routing-keys: the publish key, then the CC header keys.
  std::vector<FieldValue> death_keys = {FieldValue::String(original.routing_key())};
  if (const FieldValue* cc = headers.Find("CC"); cc && cc->type() == FieldType::kArray) {
    for (const FieldValue& k : cc->as_array()) {
      if (k.type() == FieldType::kLongString) death_keys.push_back(k);
    }
  }
  FieldTable entry;
  entry.mutable_entries().reserve(6);
  entry.Set("reason", FieldValue::String(DeathReasonName(reason)));
  entry.Set("queue", FieldValue::String(queue));
  entry.Set("time", FieldValue::Timestamp(absl::ToUnixSeconds(now)));
  entry.Set("exchange", FieldValue::String(original.exchange()));
  entry.Set("routing-keys", FieldValue::Array(std::move(death_keys)));
  if (props.expiration) {
    entry.Set("original-expiration", FieldValue::String(*props.expiration));
  }
  UpdateXDeath(headers, entry);

  std::string_view routing_key = original.routing_key();
  std::vector<std::string> extra_keys;
  if (dlrk) {
    routing_key = *dlrk;
    headers.Erase("CC");
  } else {
    extra_keys = original.extra_routing_keys();
  }
  props.headers = std::move(headers);
  props.expiration.reset();
  return Message::Create(original.id(), dlx, routing_key, original.body(), std::move(props),
                         std::nullopt, std::move(extra_keys));
}

bool IsDeadLetterCycle(const Message& m, DeathReason reason, std::string_view target_queue) {
  const std::optional<FieldTable>& headers = m.properties().headers;
  if (reason == DeathReason::kRejected || !headers) return false;
  const FieldValue* xdeath = headers->Find("x-death");
  if (xdeath == nullptr || xdeath->type() != FieldType::kArray) return false;
  for (const FieldValue& d : xdeath->as_array()) {
    if (d.type() != FieldType::kTable) return false;  // non-table: not "all automatic"
    const std::string* r = StringField(d.as_table(), "reason");
    if (r && *r == "rejected") return false;
    const std::string* q = StringField(d.as_table(), "queue");
    if (q && *q == target_queue) return true;
  }
  return false;
}

}  // namespace warren::internal
