// The RETURN_IF_ERROR / ASSIGN_OR_RETURN helpers our Abseil version lacks.
#ifndef WARREN_SIM_CORE_STATUS_MACROS_H_
#define WARREN_SIM_CORE_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define WARREN_RETURN_IF_ERROR(expr)                 \
  do {                                               \
    ::absl::Status warren_status_ = (expr);          \
    if (!warren_status_.ok()) return warren_status_; \
  } while (0)

#define WARREN_CONCAT_INNER_(a, b) a##b
#define WARREN_CONCAT_(a, b) WARREN_CONCAT_INNER_(a, b)

#define WARREN_ASSIGN_OR_RETURN(lhs, expr) \
  WARREN_ASSIGN_OR_RETURN_IMPL_(WARREN_CONCAT_(warren_statusor_, __LINE__), lhs, expr)

#define WARREN_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(*tmp)

#endif  // WARREN_SIM_CORE_STATUS_MACROS_H_
