#include "sim/celery/iso_time.h"

#include <cstdint>

#include "gtest/gtest.h"
#include "sim/core/random.h"

namespace warren::celery {
namespace {

constexpr char kFormat[] = "%Y-%m-%dT%H:%M:%E6S+00:00";
constexpr char kWholeFormat[] = "%Y-%m-%dT%H:%M:%S+00:00";

// The hand-written layout must agree with absl's general formatter and
// parser everywhere: 1970 +/- a few centuries, leap days, sub-second times.
TEST(IsoTime, FormatAndParseAgreeWithAbslOverCenturies) {
  internal::Random random(7);
  for (int i = 0; i < 20000; ++i) {
    // Microseconds in [1600, 2400).
    int64_t span = int64_t{800} * 366 * 86400 * 1000000;
    int64_t micros = static_cast<int64_t>(random.Uniform(static_cast<uint64_t>(span))) -
                     int64_t{370} * 365 * 86400 * 1000000;
    absl::Time t = absl::FromUnixMicros(micros) + absl::Nanoseconds(random.Uniform(1000));
    std::string expected = absl::FormatTime(
        micros % 1000000 == 0 ? kWholeFormat : kFormat, t, absl::UTCTimeZone());
    ASSERT_EQ(IsoTime(t), expected) << micros;
    std::optional<absl::Time> back = ParseIsoTime(expected);
    ASSERT_TRUE(back.has_value()) << expected;
    ASSERT_EQ(*back, absl::FromUnixMicros(micros)) << expected;
  }
}

TEST(IsoTime, LeapDaysAndDayBoundaries) {
  EXPECT_EQ(IsoTime(absl::FromUnixSeconds(951782400)), "2000-02-29T00:00:00+00:00");
  EXPECT_EQ(IsoTime(absl::FromUnixMicros(-1)), "1969-12-31T23:59:59.999999+00:00");
  EXPECT_FALSE(ParseIsoTime("1900-02-29T00:00:00.000000+00:00").has_value());
  EXPECT_FALSE(ParseIsoTime("2025-01-01T24:00:00.000000+00:00").has_value());
}

// datetime(2025, 1, 1, 0, 0, 1, tzinfo=utc).isoformat() and with 5 us.
TEST(IsoTime, LeavesOutAZeroFractionAsPythonsIsoformatDoes) {
  absl::Time t = absl::FromUnixSeconds(1735689601);
  EXPECT_EQ(IsoTime(t), "2025-01-01T00:00:01+00:00");
  EXPECT_EQ(IsoTime(t + absl::Microseconds(5)), "2025-01-01T00:00:01.000005+00:00");
  EXPECT_EQ(ParseIsoTime("2025-01-01T00:00:01+00:00"), t);
  EXPECT_EQ(ParseIsoTime("2025-01-01T00:00:01.000000+00:00"), t);  // other writers
}

TEST(IsoTime, OtherTextFallsBackToTheGeneralParserOrFails) {
  EXPECT_EQ(ParseIsoTime("2025-01-01T00:00:01.5+00:00"),
            absl::FromUnixSeconds(1735689601) + absl::Milliseconds(500));
  EXPECT_FALSE(ParseIsoTime("tomorrow").has_value());
  EXPECT_FALSE(ParseIsoTime("").has_value());
}

}  // namespace
}  // namespace warren::celery
