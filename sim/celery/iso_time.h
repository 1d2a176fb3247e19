// ISO 8601 times as Celery writes them in task headers (Python's
// isoformat()): 2025-01-01T00:00:01.250000+00:00 (UTC, microseconds), and
// 2025-01-01T00:00:01+00:00 when the microseconds are zero. Formatting and
// parsing this one layout by hand: absl's general FormatTime/ParseTime
// cost microseconds each, and every retry and delivery needs one.
#ifndef WARREN_SIM_CELERY_ISO_TIME_H_
#define WARREN_SIM_CELERY_ISO_TIME_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace warren::celery {

// Truncates to the microsecond, as Python's isoformat() does.
std::string IsoTime(absl::Time t);
// The same into `out`, reusing its buffer.
void IsoTimeInto(absl::Time t, std::string& out);
// Either layout above; any other text falls back to absl::ParseTime (any
// fraction). nullopt when neither parses.
std::optional<absl::Time> ParseIsoTime(std::string_view text);

}  // namespace warren::celery

#endif  // WARREN_SIM_CELERY_ISO_TIME_H_
