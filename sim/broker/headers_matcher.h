// Headers exchange matching (rabbit_exchange_type_headers, 3.10): x-match
// all / any / all-with-x / any-with-x; void pattern values test presence;
// top-level values compare loosely (1 == 1.0, longstr == binary).
#ifndef WARREN_SIM_BROKER_HEADERS_MATCHER_H_
#define WARREN_SIM_BROKER_HEADERS_MATCHER_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "sim/amqp/property_codec.h"
#include "warren/field_value.h"

namespace warren::internal {

// The 406 text for an invalid x-match in binding arguments, or nullopt.
std::optional<std::string> ValidateHeadersBinding(const FieldTable& binding_args);

// REQUIRES: ValidateHeadersBinding(binding_args) succeeded.
bool HeadersMatch(const FieldTable& binding_args, const FieldTable* message_headers);

// A stored message's headers as routing reads them: split from the
// encoding once, each value decoded the first time a binding names it, so
// routing leaves the message's own properties undecoded.
class EncodedHeaders {
 public:
  explicit EncodedHeaders(std::string_view encoded_properties);
  // The first header named `key`, as FieldTable::Find.
  const FieldValue* Find(std::string_view key);

 private:
  std::vector<RawEntry> raw_;
  std::vector<std::optional<FieldValue>> decoded_;  // parallel to raw_
  // Key -> first entry, built on the first Find of a large table, so that
  // matching N binding keys against M headers is O(N + M), not O(N * M).
  absl::flat_hash_map<absl::string_view, size_t> index_;
};

bool HeadersMatch(const FieldTable& binding_args, EncodedHeaders& message_headers);

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_HEADERS_MATCHER_H_
