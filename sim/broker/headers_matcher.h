// Headers exchange matching (rabbit_exchange_type_headers, 3.10): x-match
// all / any / all-with-x / any-with-x; void pattern values test presence;
// top-level values compare loosely (1 == 1.0, longstr == binary).
#ifndef WARREN_SIM_BROKER_HEADERS_MATCHER_H_
#define WARREN_SIM_BROKER_HEADERS_MATCHER_H_

#include <optional>
#include <string>

#include "warren/field_value.h"

namespace warren::internal {

// The 406 text for an invalid x-match in binding arguments, or nullopt.
std::optional<std::string> ValidateHeadersBinding(const FieldTable& binding_args);

// REQUIRES: ValidateHeadersBinding(binding_args) succeeded.
bool HeadersMatch(const FieldTable& binding_args, const FieldTable* message_headers);

}  // namespace warren::internal

#endif  // WARREN_SIM_BROKER_HEADERS_MATCHER_H_
