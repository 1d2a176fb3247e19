// AMQP reply codes as data. RabbitMQ answers misuse with a reply code that
// closes either the channel (soft errors) or the whole connection (hard
// errors); 312 NO_ROUTE is a basic.return and closes nothing. This one table
// gives each code its name, its scope and the absl::StatusCode a C++ caller
// sees. Reply texts follow RabbitMQ 3.10: "NOT_FOUND - no queue 'q' in vhost '/'".
#ifndef WARREN_INCLUDE_WARREN_REPLY_CODE_H_
#define WARREN_INCLUDE_WARREN_REPLY_CODE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace warren {

enum class ReplyCode : uint16_t {
  kReplySuccess = 200,
  kContentTooLarge = 311,
  kNoRoute = 312,
  kNoConsumers = 313,
  kConnectionForced = 320,
  kInvalidPath = 402,
  kAccessRefused = 403,
  kNotFound = 404,
  kResourceLocked = 405,
  kPreconditionFailed = 406,
  kFrameError = 501,
  kSyntaxError = 502,
  kCommandInvalid = 503,
  kChannelError = 504,
  kUnexpectedFrame = 505,
  kResourceError = 506,
  kNotAllowed = 530,
  kNotImplemented = 540,
  kInternalError = 541,
};

enum class CloseScope {
  kNone,        // 200, 312, 313: nothing is closed
  kChannel,     // soft error
  kConnection,  // hard error
};

// "NOT_FOUND", "PRECONDITION_FAILED", ...
std::string_view ReplyName(ReplyCode code);
CloseScope ScopeOf(ReplyCode code);
// 404 -> kNotFound, 403 -> kPermissionDenied, 405 -> kUnavailable,
// 406 -> kFailedPrecondition, 5xx -> kInvalidArgument/kUnimplemented, ...
absl::StatusCode ToStatusCode(ReplyCode code);

// Why a channel or connection was closed, as the close frame says.
struct CloseReason {
  ReplyCode code = ReplyCode::kReplySuccess;
  std::string text;        // "NOT_FOUND - no exchange 'x' in vhost '/'"
  uint16_t class_id = 0;   // AMQP class of the method that caused it
  uint16_t method_id = 0;  // AMQP method id

  friend bool operator==(const CloseReason&, const CloseReason&) = default;
};

// The Status a provoking call returns: message "<code> <text>", e.g.
// "406 PRECONDITION_FAILED - inequivalent arg 'durable' ...". The payload
// "warren.reply_code" carries the numeric code.
absl::Status ReplyStatus(const CloseReason& reason);
// Extracts the reply code a Status carries, or 0 when it carries none.
uint16_t ReplyCodeOf(const absl::Status& status);

}  // namespace warren

#endif  // WARREN_INCLUDE_WARREN_REPLY_CODE_H_
