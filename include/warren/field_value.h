// AMQP 0-9-1 field values and field tables, as carried by message headers,
// queue/exchange/binding arguments and policy definitions.
//
// A FieldValue keeps its AMQP type tag, because RabbitMQ's behaviour depends
// on it: x-death entries are typed, argument validation reports the type
// ("invalid type 'signedint'"), headers-exchange matching ignores the tag at
// top level while redeclare equivalence compares type classes. A FieldTable
// keeps insertion order (the wire order), which matters for x-death.
//
// Values are plain copyable data; no part of this header is thread-aware.
//
//   FieldTable args;
//   args.Set("x-message-ttl", FieldValue::SignedInt(2000));
//   args.Set("x-dead-letter-exchange", FieldValue::String("task_exchange"));
#ifndef WARREN_INCLUDE_WARREN_FIELD_VALUE_H_
#define WARREN_INCLUDE_WARREN_FIELD_VALUE_H_

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace warren {

class FieldValue;

// An ordered AMQP field table. Lookup is linear: tables are small.
class FieldTable {
 public:
  using Entry = std::pair<std::string, FieldValue>;

  FieldTable() = default;
  FieldTable(std::initializer_list<Entry> entries);
  explicit FieldTable(std::vector<Entry> entries);

  const FieldValue* Find(std::string_view key) const;
  FieldValue* Find(std::string_view key);
  bool Contains(std::string_view key) const { return Find(key) != nullptr; }
  // Replaces the value in place if `key` exists, else appends.
  void Set(std::string_view key, FieldValue value);
  // Returns whether `key` was present.
  bool Erase(std::string_view key);
  // Sorts entries bytewise by key, as rabbit_misc:sort_field_table does.
  void SortByKey();

  bool empty() const;
  size_t size() const;
  const std::vector<Entry>& entries() const { return entries_; }
  std::vector<Entry>& mutable_entries() { return entries_; }
  std::vector<Entry>::const_iterator begin() const;
  std::vector<Entry>::const_iterator end() const;

  friend bool operator==(const FieldTable& a, const FieldTable& b);
  friend bool operator!=(const FieldTable& a, const FieldTable& b) { return !(a == b); }

 private:
  std::vector<Entry> entries_;
};


// AMQP field types, named as RabbitMQ names them in error messages.
enum class FieldType : char {
  kVoid = 'V',
  kBool = 't',
  kByte = 'b',           // signed 8
  kUnsignedByte = 'B',
  kShort = 's',          // signed 16
  kUnsignedShort = 'u',
  kSignedInt = 'I',      // signed 32 (what pika sends for a Python int)
  kUnsignedInt = 'i',
  kLong = 'l',           // signed 64
  kFloat = 'f',
  kDouble = 'd',
  kDecimal = 'D',        // scale (8 bits) and unsigned 32-bit digits
  kLongString = 'S',
  kBinary = 'x',         // byte array
  kTimestamp = 'T',      // seconds since the epoch
  kArray = 'A',
  kTable = 'F',
};

// RabbitMQ's name for a type: "signedint", "longstr", "long", "table", ...
std::string_view FieldTypeName(FieldType type);

class FieldValue {
 public:
  FieldValue() = default;  // void
  // Destroys nested arrays and tables without recursion: a value nested
  // 10^6 levels deep (built in C++) is released in a loop.
  ~FieldValue() {
    if (composite_) ReleaseComposite();
  }
  FieldValue(const FieldValue&) = default;
  FieldValue& operator=(const FieldValue&) = default;
  // A moved-from value is void (not an array or table without contents).
  FieldValue(FieldValue&& o) noexcept
      : type_(o.type_), string_(std::move(o.string_)), composite_(std::move(o.composite_)) {
    std::memcpy(&int_, &o.int_, sizeof int_);  // the union, whichever member it holds
    o.type_ = FieldType::kVoid;
  }
  FieldValue& operator=(FieldValue&& o) noexcept {
    if (this != &o) {
      // `o` may live inside this value's own array or table: take it out
      // first, then release the old contents.
      FieldValue taken(std::move(o));
      type_ = taken.type_;
      std::memcpy(&int_, &taken.int_, sizeof int_);
      string_ = std::move(taken.string_);
      composite_ = std::move(taken.composite_);
    }
    return *this;
  }

  static FieldValue Void() { return FieldValue(); }
  static FieldValue Bool(bool b);
  static FieldValue Integer(FieldType type, int64_t v);  // any integer type
  static FieldValue SignedInt(int32_t v) { return Integer(FieldType::kSignedInt, v); }
  static FieldValue Long(int64_t v) { return Integer(FieldType::kLong, v); }
  static FieldValue Short(int16_t v) { return Integer(FieldType::kShort, v); }
  static FieldValue Double(double v);
  static FieldValue Float(float v);
  static FieldValue String(std::string_view s);
  static FieldValue Binary(std::string_view bytes);
  static FieldValue Timestamp(int64_t seconds);
  // AMQP decimal: `value` / 10^`scale` (pika and py-amqp send Python Decimal so).
  static FieldValue Decimal(uint8_t scale, uint32_t value);
  static FieldValue Array(std::vector<FieldValue> items);
  static FieldValue Table(FieldTable table);

  FieldType type() const { return type_; }
  bool is_integer() const { return IsIntegerType(type_); }
  // The signed and unsigned 8- to 64-bit integer types (not timestamps).
  static bool IsIntegerType(FieldType t);
  bool is_float() const { return type_ == FieldType::kFloat || type_ == FieldType::kDouble; }
  bool is_string() const { return type_ == FieldType::kLongString; }
  bool is_number() const { return is_integer() || is_float(); }

  // Accessors. REQUIRES: the matching type (checked; a mismatch aborts).
  bool as_bool() const;
  int64_t as_int() const;      // integer types and timestamp
  uint8_t decimal_scale() const;   // REQUIRES: decimal
  uint32_t decimal_value() const;  // REQUIRES: decimal
  double as_double() const;    // float types
  const std::string& as_string() const;  // longstr and binary
  const std::vector<FieldValue>& as_array() const;
  const FieldTable& as_table() const;
  // Makes this a longstr holding `s`, reusing its string buffer (a
  // producer refilling the same headers for every message).
  void SetString(std::string_view s);
  std::vector<FieldValue>& mutable_array();
  FieldTable& mutable_table();

  // Exact equality: same type tag and same value, recursively.
  friend bool operator==(const FieldValue& a, const FieldValue& b);
  friend bool operator!=(const FieldValue& a, const FieldValue& b) { return !(a == b); }

  // Erlang `==` on decoded top-level values, as the headers exchange uses:
  // numbers compare numerically across types, longstr equals binary with
  // the same bytes; nested arrays/tables compare exactly (inner tags count).
  bool LooselyEquals(const FieldValue& other) const;

  // RabbitMQ's type_class equality used by redeclare equivalence: integer
  // types are one class, float types another, others compare by tag.
  bool EquivalentTo(const FieldValue& other) const;

  // Human/diagnostic rendering close to Erlang's ~p of the value
  // (strings unquoted), used in reply texts: 2000, true, abc.
  std::string ToString() const;

 private:
  // Arrays and tables live in a block shared by copies until one of them
  // is mutated (copy on write): header tables are copied on every
  // dead-letter hop, and their nested x-death entries rarely change.
  struct Composite;
  void DetachComposite();
  void ReleaseComposite();

  FieldType type_ = FieldType::kVoid;
  union {
    int64_t int_ = 0;  // integers, timestamps, bool
    double double_;    // float, double
  };
  std::string string_;  // longstr, binary
  std::shared_ptr<Composite> composite_;  // array, table
};

// Defined here, where FieldValue is complete (clang instantiates the entry
// type for these, and FieldTable precedes FieldValue).
inline bool FieldTable::empty() const { return entries_.empty(); }
inline size_t FieldTable::size() const { return entries_.size(); }

// Renders a value or table as compact JSON with type tags where the JSON
// type alone would lose them: {"count":{"l":1}} style is avoided; numbers
// and strings render plainly, timestamps as {"T":n}. Deterministic.
std::string ToJson(const FieldValue& value);
std::string ToJson(const FieldTable& table);

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_FIELD_VALUE_H_
