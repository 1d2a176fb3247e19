// UpdateXDeath now rewrites the encoded headers (copying untouched entries
// and deaths as bytes). This checks it against a model: the table-based
// algorithm it replaced, kept here verbatim in spirit, on random header
// sets (absent/non-array/array x-death, repeats of (queue, reason),
// non-table deaths, pre-existing x-first-death-*, duplicate keys).
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sim/broker/dead_letter.h"

namespace warren::internal {
namespace {

const std::string* ModelString(const FieldTable& t, std::string_view key) {
  const FieldValue* v = t.Find(key);
  return v && v->type() == FieldType::kLongString ? &v->as_string() : nullptr;
}

void ModelUpdateXDeath(FieldTable& headers, const FieldTable& entry) {
  FieldTable fresh;
  fresh.Set("count", FieldValue::Long(1));
  for (const auto& [k, v] : entry) fresh.Set(k, v);
  FieldValue* existing = headers.Find("x-death");
  if (existing == nullptr) {
    headers.Set("x-first-death-reason", *entry.Find("reason"));
    headers.Set("x-first-death-queue", *entry.Find("queue"));
    headers.Set("x-first-death-exchange", *entry.Find("exchange"));
    headers.Set("x-death", FieldValue::Array({FieldValue::Table(fresh)}));
  } else if (existing->type() != FieldType::kArray) {
    *existing = FieldValue::Array({FieldValue::Table(fresh)});
  } else {
    std::vector<FieldValue> deaths = existing->as_array();
    if (deaths.size() >= 2) std::reverse(deaths.begin(), deaths.end());
    const std::string& queue = entry.Find("queue")->as_string();
    const std::string& reason = entry.Find("reason")->as_string();
    auto match = std::find_if(deaths.begin(), deaths.end(), [&](const FieldValue& d) {
      if (d.type() != FieldType::kTable) return false;
      const std::string* q = ModelString(d.as_table(), "queue");
      const std::string* r = ModelString(d.as_table(), "reason");
      return q && r && *q == queue && *r == reason;
    });
    FieldTable updated;
    if (match == deaths.end()) {
      updated = fresh;
    } else {
      updated = match->as_table();
      deaths.erase(match);
      FieldValue* count = updated.Find("count");
      int64_t n = count && count->is_integer() ? count->as_int() : 0;
      updated.Set("count", FieldValue::Long(n + 1));
    }
    std::stable_sort(updated.mutable_entries().begin(), updated.mutable_entries().end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    deaths.insert(deaths.begin(), FieldValue::Table(std::move(updated)));
    *existing = FieldValue::Array(std::move(deaths));
  }
  std::stable_sort(headers.mutable_entries().begin(), headers.mutable_entries().end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
}

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  std::string Pick(std::initializer_list<const char*> options) {
    return *(options.begin() + rng_() % options.size());
  }
  FieldTable Death() {
    FieldTable d;
    std::vector<FieldTable::Entry> e;
    if (rng_() % 5) e.emplace_back("queue", FieldValue::String(Pick({"q1", "q2", "q3"})));
    if (rng_() % 5) e.emplace_back("reason", FieldValue::String(Pick({"expired", "rejected"})));
    if (rng_() % 7 == 0) e.emplace_back("queue", FieldValue::SignedInt(1));  // a non-string twin
    switch (rng_() % 4) {
      case 0: break;
      case 1: e.emplace_back("count", FieldValue::Long(static_cast<int64_t>(rng_() % 9))); break;
      case 2: e.emplace_back("count", FieldValue::SignedInt(3)); break;
      default: e.emplace_back("count", FieldValue::String("7")); break;
    }
    e.emplace_back("time", FieldValue::Timestamp(static_cast<int64_t>(rng_() % 1000)));
    std::shuffle(e.begin(), e.end(), rng_);
    return FieldTable(std::move(e));
  }
  FieldTable Headers() {
    std::vector<FieldTable::Entry> e;
    switch (rng_() % 4) {
      case 0: break;  // no x-death
      case 1: e.emplace_back("x-death", FieldValue::String("stringified")); break;
      default: {
        std::vector<FieldValue> deaths;
        for (size_t n = rng_() % 5; n > 0; --n) {
          deaths.push_back(rng_() % 8 ? FieldValue::Table(Death()) : FieldValue::Long(1));
        }
        e.emplace_back("x-death", FieldValue::Array(std::move(deaths)));
      }
    }
    for (size_t n = rng_() % 5; n > 0; --n) {
      e.emplace_back(Pick({"a", "zz", "x-first-death-queue", "CC", "x-death", "b"}),
                     FieldValue::SignedInt(static_cast<int32_t>(rng_() % 100)));
    }
    std::shuffle(e.begin(), e.end(), rng_);
    return FieldTable(std::move(e));
  }
  FieldTable Entry() {
    FieldTable t;
    t.Set("reason", FieldValue::String(Pick({"expired", "rejected", "maxlen"})));
    t.Set("queue", FieldValue::String(Pick({"q1", "q2", "q3"})));
    t.Set("time", FieldValue::Timestamp(static_cast<int64_t>(rng_() % 1000)));
    t.Set("exchange", FieldValue::String(Pick({"", "dlx"})));
    t.Set("routing-keys", FieldValue::Array({FieldValue::String("k")}));
    if (rng_() % 2) t.Set("original-expiration", FieldValue::String("500"));
    return t;
  }

 private:
  std::mt19937 rng_;
};

TEST(XDeath, EncodedUpdateMatchesTheTableModel) {
  Gen gen(2026);
  for (int i = 0; i < 5000; ++i) {
    FieldTable headers = gen.Headers();
    FieldTable entry = gen.Entry();
    FieldTable want = headers;
    ModelUpdateXDeath(want, entry);
    UpdateXDeath(headers, entry);
    ASSERT_EQ(ToJson(headers), ToJson(want)) << "case " << i;
    ASSERT_EQ(headers, want) << "case " << i;
  }
}

}  // namespace
}  // namespace warren::internal
