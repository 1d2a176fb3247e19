#include "sim/broker/dead_letter.h"

#include <algorithm>
#include <deque>
#include <utility>

#include "sim/amqp/message_store.h"
#include "sim/amqp/property_codec.h"

namespace warren::internal {
namespace {

// Dead-lettering works on the stored (encoded) properties: headers and
// earlier deaths are copied through as bytes; only the new or merged death
// entry is built as a table. Views in `headers` point into the original
// message or into `owned`, which outlives them.
using Owned = std::deque<std::string>;

RawValue Own(Owned& owned, std::string bytes) { return {owned.emplace_back(std::move(bytes))}; }

bool SameQueueAndReason(RawValue death, std::string_view queue, std::string_view reason) {
  if (death.type() != FieldType::kTable) return false;
  std::optional<std::string_view> q = TableString(death, "queue");
  std::optional<std::string_view> r = TableString(death, "reason");
  return q && r && *q == queue && *r == reason;
}

RawEntry* FindEntry(std::vector<RawEntry>& entries, std::string_view key) {
  for (RawEntry& e : entries) {
    if (e.key == key) return &e;
  }
  return nullptr;
}

// FieldTable::Set on raw entries: replaces the first `key`, else appends.
void SetEntry(std::vector<RawEntry>& entries, std::string_view key, RawValue value) {
  if (RawEntry* e = FindEntry(entries, key)) {
    e->value = value;
  } else {
    entries.push_back({key, value});
  }
}

// FieldTable::SortByKey on raw entries: stable, bytewise by key (an
// insertion sort: a few entries, mostly in order already).
void SortByKey(std::vector<RawEntry>& entries) {
  for (size_t i = 1; i < entries.size(); ++i) {
    RawEntry e = entries[i];
    size_t j = i;
    for (; j > 0 && e.key < entries[j - 1].key; --j) entries[j] = entries[j - 1];
    entries[j] = e;
  }
}

// UpdateXDeath (see dead_letter.h) on raw entries. REQUIRES: `entry` has
// reason, queue and exchange as longstr, unique keys and no "count".
void UpdateXDeathRaw(std::vector<RawEntry>& headers, const std::vector<RawEntry>& entry,
                     Owned& owned) {
  std::vector<RawEntry> fresh;
  fresh.reserve(entry.size() + 1);
  fresh.push_back({"count", Own(owned, EncodeLong(1))});
  fresh.insert(fresh.end(), entry.begin(), entry.end());
  auto field = [&](std::string_view key) { return FindEntry(fresh, key)->value; };

  RawEntry* existing = FindEntry(headers, "x-death");
  if (existing == nullptr) {
    SetEntry(headers, "x-first-death-reason", field("reason"));
    SetEntry(headers, "x-first-death-queue", field("queue"));
    SetEntry(headers, "x-first-death-exchange", field("exchange"));
    headers.push_back({"x-death", Own(owned, EncodeArray({Own(owned, EncodeTable(fresh))}))});
  } else if (existing->value.type() != FieldType::kArray) {
    // A non-array x-death (e.g. stringified by a republishing client) is
    // reset; x-first-death-* are not added since the header existed.
    existing->value = Own(owned, EncodeArray({Own(owned, EncodeTable(fresh))}));
  } else {
    std::vector<RawValue> deaths = ArrayItems(existing->value);
    if (deaths.size() >= 2) std::reverse(deaths.begin(), deaths.end());
    std::string_view queue = *StringValue(field("queue"));
    std::string_view reason = *StringValue(field("reason"));
    auto match = std::find_if(deaths.begin(), deaths.end(), [&](RawValue d) {
      return SameQueueAndReason(d, queue, reason);
    });
    RawValue updated;
    if (match == deaths.end()) {
      SortByKey(fresh);
      updated = Own(owned, EncodeTable(fresh));
    } else {
      // A repeat: count + 1 on the earlier entry (a rare path, decoded).
      FieldTable merged = DecodeValue(*match).as_table();
      deaths.erase(match);
      FieldValue* count = merged.Find("count");
      int64_t n = count && count->is_integer() ? count->as_int() : 0;
      merged.Set("count", FieldValue::Long(n + 1));
      merged.SortByKey();
      updated = Own(owned, EncodeValue(FieldValue::Table(std::move(merged))));
    }
    deaths.insert(deaths.begin(), updated);
    existing->value = Own(owned, EncodeArray(deaths));
  }
  SortByKey(headers);
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
  Owned owned;
  auto raw = [&](const FieldTable& t) {
    std::vector<RawEntry> out;
    for (const auto& [k, v] : t) out.push_back({k, Own(owned, EncodeValue(v))});
    return out;
  };
  std::vector<RawEntry> updated = raw(headers);
  UpdateXDeathRaw(updated, raw(entry), owned);
  std::vector<FieldTable::Entry> decoded;
  decoded.reserve(updated.size());
  for (const RawEntry& e : updated) decoded.emplace_back(std::string(e.key), DecodeValue(e.value));
  headers = FieldTable(std::move(decoded));
}

MessageRef MakeDeadLetter(const Message& original, std::string_view queue, DeathReason reason,
                          absl::Time now, std::string_view dlx,
                          const std::optional<std::string>& dlrk) {
  RawProperties props = SplitProperties(MessageStore::EncodedProperties(original));
  Owned owned;

  // x-death routing-keys: the publish key, then the CC header keys.
  std::vector<RawValue> death_keys = {Own(owned, EncodeString(original.routing_key()))};
  if (RawEntry* cc = FindEntry(props.headers, "CC"); cc && cc->value.type() == FieldType::kArray) {
    for (RawValue k : ArrayItems(cc->value)) {
      if (k.type() == FieldType::kLongString) death_keys.push_back(k);
    }
  }
  std::vector<RawEntry> entry = {
      {"reason", Own(owned, EncodeString(DeathReasonName(reason)))},
      {"queue", Own(owned, EncodeString(queue))},
      {"time", Own(owned, EncodeTimestamp(absl::ToUnixSeconds(now)))},
      {"exchange", Own(owned, EncodeString(original.exchange()))},
      {"routing-keys", Own(owned, EncodeArray(death_keys))},
  };
  if (std::string_view exp = props.fields[kExpirationField]; !exp.empty()) {
    entry.push_back({"original-expiration", Own(owned, EncodeString(FieldString(exp)))});
  }
  props.has_headers = true;
  UpdateXDeathRaw(props.headers, entry, owned);

  std::string_view routing_key = original.routing_key();
  const std::vector<std::string> no_keys;
  const std::vector<std::string>* extra_keys = &no_keys;
  if (dlrk) {
    routing_key = *dlrk;
    auto cc = std::find_if(props.headers.begin(), props.headers.end(),
                           [](const RawEntry& e) { return e.key == "CC"; });
    if (cc != props.headers.end()) props.headers.erase(cc);
  } else if (original.has_extra_routing_keys()) {
    extra_keys = &original.extra_routing_keys();
  }
  props.DropExpiration();
  return MessageStore::CreateEncoded(original.id(), dlx, routing_key, original.body(),
                                     JoinProperties(props), /*expiration_ms=*/std::nullopt,
                                     *extra_keys);
}

bool IsDeadLetterCycle(const Message& m, DeathReason reason, std::string_view target_queue) {
  if (reason == DeathReason::kRejected) return false;
  std::optional<RawValue> xdeath = FindRawHeader(MessageStore::EncodedProperties(m), "x-death");
  if (!xdeath || xdeath->type() != FieldType::kArray) return false;
  bool cycle = false;
  ForEachArrayItem(*xdeath, [&](RawValue d) {
    if (d.type() != FieldType::kTable) return false;  // non-table: not "all automatic"
    std::optional<std::string_view> r = TableString(d, "reason");
    if (r && *r == "rejected") return false;
    std::optional<std::string_view> q = TableString(d, "queue");
    if (q && *q == target_queue) {
      cycle = true;
      return false;
    }
    return true;
  });
  return cycle;
}

}  // namespace warren::internal
