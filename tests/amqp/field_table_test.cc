// FieldTable::SortByKey matches a stable sort by key (rabbit_misc:
// sort_field_table), for small tables (in-place permutation) and large ones.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "warren/field_value.h"

namespace warren {
namespace {

TEST(FieldTable, SortByKeyIsAStableSortByKey) {
  std::mt19937 rng(42);
  for (int round = 0; round < 3000; ++round) {
    const size_t n = rng() % 40;  // both sides of the 32-entry switch-over
    std::vector<FieldTable::Entry> entries;
    for (size_t i = 0; i < n; ++i) {
      // Few distinct keys, so equal keys (and their order) are exercised.
      std::string key(1, static_cast<char>('a' + rng() % 6));
      entries.emplace_back(key, FieldValue::Long(static_cast<int64_t>(i)));
    }
    std::vector<FieldTable::Entry> want = entries;
    std::stable_sort(want.begin(), want.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    FieldTable t(std::move(entries));
    t.SortByKey();
    ASSERT_EQ(t.entries(), want) << "round " << round;
  }
}

}  // namespace
}  // namespace warren

namespace warren {
namespace {

TEST(FieldValue, AMovedFromArrayOrTableIsVoid) {
  FieldValue array = FieldValue::Array({FieldValue::Long(1)});
  FieldValue table = FieldValue::Table(FieldTable{{"k", FieldValue::Long(1)}});
  FieldValue a = std::move(array);
  FieldValue t;
  t = std::move(table);
  EXPECT_EQ(array.type(), FieldType::kVoid);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(table.type(), FieldType::kVoid);  // NOLINT(bugprone-use-after-move)
  EXPECT_EQ(ToJson(array), ToJson(FieldValue::Void()));
  EXPECT_EQ(a.as_array().size(), 1u);
  EXPECT_EQ(t.as_table().size(), 1u);
}

TEST(FieldValue, MoveAssigningAnItemOfItsOwnArrayUnwrapsIt) {
  FieldValue v = FieldValue::Array({FieldValue::Table(FieldTable{{"k", FieldValue::Long(7)}})});
  v = std::move(v.mutable_array()[0]);  // the array (and the item's old home) is released
  ASSERT_EQ(v.type(), FieldType::kTable);
  EXPECT_EQ(v.as_table().Find("k")->as_int(), 7);
}

}  // namespace
}  // namespace warren
