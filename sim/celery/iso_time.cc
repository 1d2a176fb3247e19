#include "sim/celery/iso_time.h"

#include <cstdint>

namespace warren::celery {
namespace {

constexpr char kIsoFormat[] = "%Y-%m-%dT%H:%M:%E6S+00:00";
constexpr char kIsoParseFormat[] = "%Y-%m-%dT%H:%M:%E*S+00:00";  // fraction optional
constexpr size_t kLength = 32;       // 2025-01-01T00:00:01.000000+00:00
constexpr size_t kWholeLength = 25;  // 2025-01-01T00:00:01+00:00

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Days since 1970-01-01 <-> proleptic Gregorian date (H. Hinnant's
// civil_from_days / days_from_civil).
void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  if (m <= 2) --y;
  const int64_t era = FloorDiv(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void Put(char* out, int64_t v, int digits) {
  for (int i = digits - 1; i >= 0; --i, v /= 10) out[i] = static_cast<char>('0' + v % 10);
}

bool Digits(std::string_view s, size_t at, int n, int64_t& v) {
  v = 0;
  for (int i = 0; i < n; ++i) {
    char c = s[at + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  return true;
}

bool IsLeap(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned DaysIn(int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeap(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::string IsoTime(absl::Time t) {
  std::string out;
  IsoTimeInto(t, out);
  return out;
}

void IsoTimeInto(absl::Time t, std::string& out) {
  const int64_t micros = absl::ToUnixMicros(t);  // floors
  const int64_t secs = FloorDiv(micros, 1000000);
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t fraction = micros - secs * 1000000;
  if (days < DaysFromCivil(0, 1, 1) || days > DaysFromCivil(9999, 12, 31)) {
    out = absl::FormatTime(fraction == 0 ? "%Y-%m-%dT%H:%M:%S+00:00" : kIsoFormat, t,
                           absl::UTCTimeZone());  // beyond 4 digits
    return;
  }
  int64_t y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  const int64_t sod = secs - days * 86400;
  // Python's isoformat() leaves the fraction out when it is zero.
  out.assign(fraction == 0 ? "0000-00-00T00:00:00+00:00" : "0000-00-00T00:00:00.000000+00:00");
  Put(&out[0], y, 4);
  Put(&out[5], m, 2);
  Put(&out[8], d, 2);
  Put(&out[11], sod / 3600, 2);
  Put(&out[14], sod / 60 % 60, 2);
  Put(&out[17], sod % 60, 2);
  if (fraction != 0) Put(&out[20], fraction, 6);
}

std::optional<absl::Time> ParseIsoTime(std::string_view s) {
  int64_t y, mo, d, h, mi, sec, us = 0;
  const bool whole = s.size() == kWholeLength;
  const bool fractional = s.size() == kLength && s[19] == '.' && Digits(s, 20, 6, us);
  if ((whole || fractional) && s[4] == '-' && s[7] == '-' && s[10] == 'T' && s[13] == ':' &&
      s[16] == ':' && s.substr(s.size() - 6) == "+00:00" && Digits(s, 0, 4, y) &&
      Digits(s, 5, 2, mo) && Digits(s, 8, 2, d) && Digits(s, 11, 2, h) && Digits(s, 14, 2, mi) &&
      Digits(s, 17, 2, sec) && mo >= 1 && mo <= 12 && d >= 1 &&
      d <= DaysIn(y, static_cast<unsigned>(mo)) && h < 24 && mi < 60 && sec < 60) {
    int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
    return absl::FromUnixMicros(((days * 24 + h) * 60 + mi) * 60 * 1000000 + sec * 1000000 + us);
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(kIsoParseFormat, std::string(s), absl::UTCTimeZone(), &t, &err)) {
    return std::nullopt;
  }
  return t;
}

}  // namespace warren::celery
