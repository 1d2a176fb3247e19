#include "sim/amqp/limits.h"

#include "sim/amqp/field_codec.h"
#include "sim/core/strings.h"

namespace warren::internal {

absl::Status ShortStringTooLong(std::string_view what, size_t size) {
  return absl::InvalidArgumentError(
      Cat(what, " is ", size, " bytes; an AMQP short string holds at most 255 (a client "
          "library cannot send it, so nothing was sent)"));
}

absl::Status CheckFieldTable(std::string_view what, const FieldTable& table) {
  std::string why;
  if (EncodedTableSize(table, &why)) return absl::OkStatus();
  return absl::InvalidArgumentError(Cat(what, " ", why, "; nothing was sent"));
}

}  // namespace warren::internal
