#include "warren/reply_code.h"

#include "absl/strings/cord.h"
#include "absl/strings/numbers.h"
#include "sim/core/strings.h"

namespace warren {
namespace {

struct ReplyRow {
  ReplyCode code;
  std::string_view name;
  CloseScope scope;
  absl::StatusCode status;
};

// The one table: name, what the error closes, what a C++ caller sees.
constexpr ReplyRow kReplyTable[] = {
    {ReplyCode::kReplySuccess, "REPLY_SUCCESS", CloseScope::kNone, absl::StatusCode::kOk},
    {ReplyCode::kContentTooLarge, "CONTENT_TOO_LARGE", CloseScope::kChannel,
     absl::StatusCode::kResourceExhausted},
    {ReplyCode::kNoRoute, "NO_ROUTE", CloseScope::kNone, absl::StatusCode::kNotFound},
    {ReplyCode::kNoConsumers, "NO_CONSUMERS", CloseScope::kNone,
     absl::StatusCode::kUnavailable},
    {ReplyCode::kConnectionForced, "CONNECTION_FORCED", CloseScope::kConnection,
     absl::StatusCode::kAborted},
    {ReplyCode::kInvalidPath, "INVALID_PATH", CloseScope::kConnection,
     absl::StatusCode::kInvalidArgument},
    {ReplyCode::kAccessRefused, "ACCESS_REFUSED", CloseScope::kChannel,
     absl::StatusCode::kPermissionDenied},
    {ReplyCode::kNotFound, "NOT_FOUND", CloseScope::kChannel, absl::StatusCode::kNotFound},
    {ReplyCode::kResourceLocked, "RESOURCE_LOCKED", CloseScope::kChannel,
     absl::StatusCode::kUnavailable},
    {ReplyCode::kPreconditionFailed, "PRECONDITION_FAILED", CloseScope::kChannel,
     absl::StatusCode::kFailedPrecondition},
    {ReplyCode::kFrameError, "FRAME_ERROR", CloseScope::kConnection,
     absl::StatusCode::kInvalidArgument},
    {ReplyCode::kSyntaxError, "SYNTAX_ERROR", CloseScope::kConnection,
     absl::StatusCode::kInvalidArgument},
    {ReplyCode::kCommandInvalid, "COMMAND_INVALID", CloseScope::kConnection,
     absl::StatusCode::kInvalidArgument},
    {ReplyCode::kChannelError, "CHANNEL_ERROR", CloseScope::kConnection,
     absl::StatusCode::kFailedPrecondition},
    {ReplyCode::kUnexpectedFrame, "UNEXPECTED_FRAME", CloseScope::kConnection,
     absl::StatusCode::kInvalidArgument},
    {ReplyCode::kResourceError, "RESOURCE_ERROR", CloseScope::kConnection,
     absl::StatusCode::kResourceExhausted},
    {ReplyCode::kNotAllowed, "NOT_ALLOWED", CloseScope::kConnection,
     absl::StatusCode::kPermissionDenied},
    {ReplyCode::kNotImplemented, "NOT_IMPLEMENTED", CloseScope::kConnection,
     absl::StatusCode::kUnimplemented},
    {ReplyCode::kInternalError, "INTERNAL_ERROR", CloseScope::kConnection,
     absl::StatusCode::kInternal},
};

const ReplyRow* Row(ReplyCode code) {
  for (const ReplyRow& row : kReplyTable) {
    if (row.code == code) return &row;
  }
  return nullptr;
}

constexpr char kPayloadUrl[] = "warren.reply_code";

}  // namespace

std::string_view ReplyName(ReplyCode code) {
  const ReplyRow* row = Row(code);
  return row ? row->name : "UNKNOWN";
}

CloseScope ScopeOf(ReplyCode code) {
  const ReplyRow* row = Row(code);
  return row ? row->scope : CloseScope::kConnection;
}

absl::StatusCode ToStatusCode(ReplyCode code) {
  const ReplyRow* row = Row(code);
  return row ? row->status : absl::StatusCode::kUnknown;
}

absl::Status ReplyStatus(const CloseReason& reason) {
  absl::Status status(ToStatusCode(reason.code),
                      internal::Cat(static_cast<int>(reason.code), " ", reason.text));
  status.SetPayload(kPayloadUrl, absl::Cord(internal::Cat(static_cast<int>(reason.code))));
  return status;
}

uint16_t ReplyCodeOf(const absl::Status& status) {
  auto payload = status.GetPayload(kPayloadUrl);
  if (!payload) return 0;
  int code = 0;
  if (!absl::SimpleAtoi(std::string(*payload), &code)) return 0;
  return static_cast<uint16_t>(code);
}

}  // namespace warren
