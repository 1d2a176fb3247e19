#include "warren/field_value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/core/check.h"
#include "sim/core/strings.h"
#include "sim/core/utf8.h"

namespace warren {

struct FieldValue::Composite {
  std::vector<FieldValue> array;
  FieldTable table;
};

void FieldValue::ReleaseComposite() {
  // Children are moved out of a block before it dies, so no destructor
  // below this one ever finds a composite to release recursively.
  std::vector<std::shared_ptr<Composite>> pending;
  pending.push_back(std::move(composite_));
  while (!pending.empty()) {
    std::shared_ptr<Composite> c = std::move(pending.back());
    pending.pop_back();
    if (c.use_count() != 1) continue;  // still shared: its owners keep it
    for (FieldValue& v : c->array) {
      if (v.composite_) pending.push_back(std::move(v.composite_));
    }
    for (auto& entry : c->table.mutable_entries()) {
      if (entry.second.composite_) pending.push_back(std::move(entry.second.composite_));
    }
  }
}

void FieldValue::DetachComposite() {
  if (composite_.use_count() > 1) composite_ = std::make_shared<Composite>(*composite_);
}

std::string_view FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kVoid: return "void";
    case FieldType::kBool: return "bool";
    case FieldType::kByte: return "byte";
    case FieldType::kUnsignedByte: return "unsignedbyte";
    case FieldType::kShort: return "short";
    case FieldType::kUnsignedShort: return "unsignedshort";
    case FieldType::kSignedInt: return "signedint";
    case FieldType::kUnsignedInt: return "unsignedint";
    case FieldType::kLong: return "long";
    case FieldType::kFloat: return "float";
    case FieldType::kDouble: return "double";
    case FieldType::kDecimal: return "decimal";
    case FieldType::kLongString: return "longstr";
    case FieldType::kBinary: return "binary";
    case FieldType::kTimestamp: return "timestamp";
    case FieldType::kArray: return "array";
    case FieldType::kTable: return "table";
  }
  return "unknown";
}

FieldValue FieldValue::Bool(bool b) {
  FieldValue v;
  v.type_ = FieldType::kBool;
  v.int_ = b ? 1 : 0;
  return v;
}

FieldValue FieldValue::Integer(FieldType type, int64_t i) {
  FieldValue v;
  v.type_ = type;
  v.int_ = i;
  WARREN_CHECK(v.is_integer());
  return v;
}

FieldValue FieldValue::Decimal(uint8_t scale, uint32_t value) {
  FieldValue v;
  v.type_ = FieldType::kDecimal;
  v.int_ = (static_cast<int64_t>(scale) << 32) | value;
  return v;
}

uint8_t FieldValue::decimal_scale() const {
  WARREN_CHECK(type_ == FieldType::kDecimal);
  return static_cast<uint8_t>(int_ >> 32);
}

uint32_t FieldValue::decimal_value() const {
  WARREN_CHECK(type_ == FieldType::kDecimal);
  return static_cast<uint32_t>(int_);
}

FieldValue FieldValue::Double(double d) {
  FieldValue v;
  v.type_ = FieldType::kDouble;
  v.double_ = d;
  return v;
}

FieldValue FieldValue::Float(float f) {
  FieldValue v;
  v.type_ = FieldType::kFloat;
  v.double_ = f;
  return v;
}

FieldValue FieldValue::String(std::string_view s) {
  FieldValue v;
  v.type_ = FieldType::kLongString;
  v.string_ = std::string(s);
  return v;
}

void FieldValue::SetString(std::string_view s) {
  type_ = FieldType::kLongString;
  composite_.reset();
  string_.assign(s.data(), s.size());
}

FieldValue FieldValue::Binary(std::string_view s) {
  FieldValue v;
  v.type_ = FieldType::kBinary;
  v.string_ = std::string(s);
  return v;
}

FieldValue FieldValue::Timestamp(int64_t seconds) {
  FieldValue v;
  v.type_ = FieldType::kTimestamp;
  v.int_ = seconds;
  return v;
}

FieldValue FieldValue::Array(std::vector<FieldValue> items) {
  FieldValue v;
  v.type_ = FieldType::kArray;
  v.composite_ = std::make_shared<Composite>(Composite{std::move(items), {}});
  return v;
}

FieldValue FieldValue::Table(FieldTable table) {
  FieldValue v;
  v.type_ = FieldType::kTable;
  v.composite_ = std::make_shared<Composite>(Composite{{}, std::move(table)});
  return v;
}

bool FieldValue::IsIntegerType(FieldType t) {
  switch (t) {
    case FieldType::kByte:
    case FieldType::kUnsignedByte:
    case FieldType::kShort:
    case FieldType::kUnsignedShort:
    case FieldType::kSignedInt:
    case FieldType::kUnsignedInt:
    case FieldType::kLong:
      return true;
    default:
      return false;
  }
}

bool FieldValue::as_bool() const {
  WARREN_CHECK(type_ == FieldType::kBool);
  return int_ != 0;
}
int64_t FieldValue::as_int() const {
  WARREN_CHECK(is_integer() || type_ == FieldType::kTimestamp);
  return int_;
}
double FieldValue::as_double() const {
  WARREN_CHECK(is_float());
  return double_;
}
const std::string& FieldValue::as_string() const {
  WARREN_CHECK(type_ == FieldType::kLongString || type_ == FieldType::kBinary);
  return string_;
}
const std::vector<FieldValue>& FieldValue::as_array() const {
  WARREN_CHECK(type_ == FieldType::kArray);
  return composite_->array;
}
const FieldTable& FieldValue::as_table() const {
  WARREN_CHECK(type_ == FieldType::kTable);
  return composite_->table;
}
std::vector<FieldValue>& FieldValue::mutable_array() {
  WARREN_CHECK(type_ == FieldType::kArray);
  DetachComposite();
  return composite_->array;
}
FieldTable& FieldValue::mutable_table() {
  WARREN_CHECK(type_ == FieldType::kTable);
  DetachComposite();
  return composite_->table;
}

bool operator==(const FieldValue& a, const FieldValue& b) {
  if (a.type_ != b.type_) return false;
  switch (a.type_) {
    case FieldType::kVoid: return true;
    case FieldType::kFloat:
    case FieldType::kDouble: return a.double_ == b.double_;
    case FieldType::kLongString:
    case FieldType::kBinary: return a.string_ == b.string_;
    case FieldType::kArray:
      return a.composite_ == b.composite_ || a.composite_->array == b.composite_->array;
    case FieldType::kTable:
      return a.composite_ == b.composite_ || a.composite_->table == b.composite_->table;
    default: return a.int_ == b.int_;
  }
}

bool FieldValue::LooselyEquals(const FieldValue& other) const {
  if (is_number() && other.is_number()) {
    if (is_integer() && other.is_integer()) return int_ == other.int_;
    double x = is_integer() ? static_cast<double>(int_) : double_;
    double y = other.is_integer() ? static_cast<double>(other.int_) : other.double_;
    return x == y;
  }
  bool a_str = type_ == FieldType::kLongString || type_ == FieldType::kBinary;
  bool b_str = other.type_ == FieldType::kLongString || other.type_ == FieldType::kBinary;
  if (a_str && b_str) return string_ == other.string_;
  return *this == other;
}

bool FieldValue::EquivalentTo(const FieldValue& other) const {
  if (is_integer() && other.is_integer()) return int_ == other.int_;
  if (is_float() && other.is_float()) return double_ == other.double_;
  return *this == other;
}

std::string FieldValue::ToString() const {
  switch (type_) {
    case FieldType::kVoid: return "undefined";
    case FieldType::kBool: return int_ ? "true" : "false";
    case FieldType::kFloat:
    case FieldType::kDouble: {
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.17g", double_);
      return buf;
    }
    case FieldType::kLongString:
    case FieldType::kBinary: return string_;
    case FieldType::kArray:
    case FieldType::kTable: return ToJson(*this);
    case FieldType::kDecimal:  // Erlang ~p of RabbitMQ's term
      return internal::Cat("{decimal,", decimal_scale(), ",", decimal_value(), "}");
    default: return internal::Cat(int_);
  }
}

// ---- FieldTable ----

FieldTable::FieldTable(std::initializer_list<Entry> entries) : entries_(entries) {}
FieldTable::FieldTable(std::vector<Entry> entries) : entries_(std::move(entries)) {}

std::vector<FieldTable::Entry>::const_iterator FieldTable::begin() const {
  return entries_.begin();
}
std::vector<FieldTable::Entry>::const_iterator FieldTable::end() const {
  return entries_.end();
}

bool operator==(const FieldTable& a, const FieldTable& b) { return a.entries_ == b.entries_; }

const FieldValue* FieldTable::Find(std::string_view key) const {
  for (const auto& [k, v] : entries_) {
    if (k == key) return &v;
  }
  return nullptr;
}

FieldValue* FieldTable::Find(std::string_view key) {
  for (auto& [k, v] : entries_) {
    if (k == key) return &v;
  }
  return nullptr;
}

void FieldTable::Set(std::string_view key, FieldValue value) {
  if (FieldValue* existing = Find(key)) {
    *existing = std::move(value);
    return;
  }
  entries_.emplace_back(std::string(key), std::move(value));
}

bool FieldTable::Erase(std::string_view key) {
  auto it = std::find_if(entries_.begin(), entries_.end(),
                         [&](const Entry& e) { return e.first == key; });
  if (it == entries_.end()) return false;
  entries_.erase(it);
  return true;
}

void FieldTable::SortByKey() {
  auto less = [](const Entry& a, const Entry& b) { return a.first < b.first; };
  if (std::is_sorted(entries_.begin(), entries_.end(), less)) return;
  if (entries_.size() > 32) {
    std::stable_sort(entries_.begin(), entries_.end(), less);
    return;
  }
  // Headers and x-death entries are small (this runs on every dead-letter
  // hop): sort positions by a stable insertion sort, then apply the
  // permutation in place, cycle by cycle (one move per entry plus one per
  // cycle), with no allocation; a new vector here was a 1 KB+ block per
  // hop, past malloc's per-thread cache.
  uint8_t order[32];  // order[k]: the index of the entry that belongs at k
  const size_t n = entries_.size();
  for (size_t i = 0; i < n; ++i) {
    size_t j = i;
    for (; j > 0 && less(entries_[i], entries_[order[j - 1]]); --j) order[j] = order[j - 1];
    order[j] = static_cast<uint8_t>(i);
  }
  for (size_t start = 0; start < n; ++start) {
    if (order[start] == start) continue;
    Entry held = std::move(entries_[start]);
    size_t k = start;
    while (order[k] != start) {
      size_t from = order[k];
      entries_[k] = std::move(entries_[from]);
      order[k] = static_cast<uint8_t>(k);
      k = from;
    }
    entries_[k] = std::move(held);
    order[k] = static_cast<uint8_t>(k);
  }
}

// ---- JSON rendering ----

namespace {

// JSON text is UTF-8: a byte that is not part of well-formed UTF-8 (AMQP
// strings are bytes) is written as the code point of the same number,
// \u00XX, so the output always parses and stays deterministic.
void AppendJsonString(std::string& out, std::string_view s) {
  out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      size_t n = internal::Utf8SequenceAt(s, i);
      if (n == 0) {
        char buf[8];
        std::snprintf(buf, sizeof buf, "\\u%04x", c);
        out += buf;
      } else {
        out.append(s.substr(i, n));
        i += n - 1;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void AppendJson(std::string& out, const FieldValue& v);

void AppendJsonTable(std::string& out, const FieldTable& t) {
  out += '{';
  bool first = true;
  for (const auto& [k, v] : t) {
    if (!first) out += ',';
    first = false;
    AppendJsonString(out, k);
    out += ':';
    AppendJson(out, v);
  }
  out += '}';
}

void AppendJson(std::string& out, const FieldValue& v) {
  switch (v.type()) {
    case FieldType::kVoid: out += "null"; break;
    case FieldType::kBool: out += v.as_bool() ? "true" : "false"; break;
    case FieldType::kFloat:
    case FieldType::kDouble: out += v.ToString(); break;
    case FieldType::kLongString: AppendJsonString(out, v.as_string()); break;
    case FieldType::kBinary:
      out += "{\"binary\":";
      AppendJsonString(out, v.as_string());
      out += '}';
      break;
    case FieldType::kTimestamp: internal::Append(&out, "{\"timestamp\":", v.as_int(), "}"); break;
    case FieldType::kDecimal:
      internal::Append(&out, "{\"decimal\":{\"scale\":", v.decimal_scale(), ",\"value\":",
                       v.decimal_value(), "}}");
      break;
    case FieldType::kArray: {
      out += '[';
      bool first = true;
      for (const FieldValue& item : v.as_array()) {
        if (!first) out += ',';
        first = false;
        AppendJson(out, item);
      }
      out += ']';
      break;
    }
    case FieldType::kTable: AppendJsonTable(out, v.as_table()); break;
    default: internal::Append(&out, v.as_int()); break;
  }
}

}  // namespace

std::string ToJson(const FieldValue& value) {
  std::string out;
  AppendJson(out, value);
  return out;
}

std::string ToJson(const FieldTable& table) {
  std::string out;
  AppendJsonTable(out, table);
  return out;
}

}  // namespace warren
