// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of timeparts.h. Calendar arithmetic is done by hand on the proleptic
// Gregorian calendar instead of through <ctime>/<chrono> time zones: the results must
// not depend on the host's TZ setting or its tz database, and timegm is not portable.
#include "util/timeparts.h"

#include <cmath>

#include <cstdio>
#include <ctime>

#include <cstddef>

namespace vigil::internal {
namespace {

// The fields of a parsed timestamp, as written in the text.
struct Fields {
  int year = 0;
  int month = 0;
  int day = 0;
  int hour = 0;
  int minute = 0;
  int second = 0;
  int millis = 0;
  int offset_minutes = 0;  // east of UTC is positive
};

bool IsLeapYear(int64_t year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return (month == 2 && IsLeapYear(year)) ? 29 : kDays[month - 1];
}

// Days from 1970-01-01 to the given date (year >= 1): whole years, their leap days,
// then whole months of this year.
int64_t DaysSinceEpoch(int year, int month, int day) {
  static constexpr int kDaysBeforeMonth[12] = {0,   31,  59,  90,  120, 151,
                                               181, 212, 243, 273, 304, 334};
  const int64_t prior_years = year - 1;
  const int64_t leap_days = prior_years / 4 - prior_years / 100 + prior_years / 400;
  int64_t days = prior_years * 365 + leap_days + kDaysBeforeMonth[month - 1] + (day - 1);
  if (month > 2 && IsLeapYear(year)) ++days;
  constexpr int64_t kEpochFromYearOne = 719162;  // days from 0001-01-01 to 1970-01-01
  return days - kEpochFromYearOne;
}

// ISO weekday, Monday = 1 .. Sunday = 7. 1970-01-01 was a Thursday.
int IsoWeekday(int64_t days_since_epoch) {
  const int64_t r = ((days_since_epoch % 7) + 7) % 7;  // 0 = Thursday
  return static_cast<int>((r + 3) % 7) + 1;
}

// An ISO year has 53 weeks when it starts on a Thursday, or is a leap year starting on
// a Wednesday; in both cases it has 53 Thursdays.
int IsoWeeksInYear(int year) {
  const int jan1 = IsoWeekday(DaysSinceEpoch(year, 1, 1));
  return (jan1 == 4 || (jan1 == 3 && IsLeapYear(year))) ? 53 : 52;
}

int IsoWeek(int year, int month, int day) {
  const int64_t days = DaysSinceEpoch(year, month, day);
  const int64_t ordinal = days - DaysSinceEpoch(year, 1, 1) + 1;
  // Week 1 is the week with the year's first Thursday; shifting each date to the
  // Thursday of its week turns that into plain division.
  const int64_t week = (ordinal - IsoWeekday(days) + 10) / 7;
  if (week < 1) return IsoWeeksInYear(year - 1);
  if (week > IsoWeeksInYear(year)) return 1;
  return static_cast<int>(week);
}

// A small cursor over the text with fixed-width digit reads.
class Cursor {
 public:
  explicit Cursor(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }

  bool Take(char c) {
    if (AtEnd() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }

  // Reads exactly `width` decimal digits.
  bool Digits(int width, int* out) {
    if (text_.size() - pos_ < static_cast<size_t>(width)) return false;
    int value = 0;
    for (int k = 0; k < width; ++k) {
      const char c = text_[pos_ + k];
      if (c < '0' || c > '9') return false;
      value = value * 10 + (c - '0');
    }
    pos_ += width;
    *out = value;
    return true;
  }

  // Reads one or more digits and keeps the first three as milliseconds.
  bool Fraction(int* millis) {
    int value = 0;
    int count = 0;
    while (!AtEnd() && Peek() >= '0' && Peek() <= '9') {
      if (count < 3) value = value * 10 + (Peek() - '0');
      ++count;
      ++pos_;
    }
    if (count == 0) return false;
    for (int k = count; k < 3; ++k) value *= 10;
    *millis = value;
    return true;
  }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

bool ParseZone(Cursor* in, Fields* f) {
  if (in->Take('Z') || in->Take('z')) return true;
  int sign = 0;
  if (in->Take('+')) {
    sign = 1;
  } else if (in->Take('-')) {
    sign = -1;
  } else {
    return false;
  }
  int hours = 0;
  int minutes = 0;
  if (!in->Digits(2, &hours) || hours > 23) return false;
  if (!in->AtEnd()) {
    in->Take(':');
    if (!in->Digits(2, &minutes) || minutes > 59) return false;
  }
  f->offset_minutes = sign * (hours * 60 + minutes);
  return true;
}

bool ParseFields(std::string_view text, Fields* f) {
  Cursor in(text);
  if (!in.Digits(4, &f->year) || !in.Take('-') || !in.Digits(2, &f->month) ||
      !in.Take('-') || !in.Digits(2, &f->day)) {
    return false;
  }
  if (f->year < 1 || f->month < 1 || f->month > 12 || f->day < 1 ||
      f->day > DaysInMonth(f->year, f->month)) {
    return false;
  }
  if (in.AtEnd()) return true;
  if (!in.Take('T') && !in.Take('t') && !in.Take(' ')) return false;
  if (!in.Digits(2, &f->hour) || f->hour > 23 || !in.Take(':') ||
      !in.Digits(2, &f->minute) || f->minute > 59) {
    return false;
  }
  if (in.Take(':')) {
    if (!in.Digits(2, &f->second) || f->second > 59) return false;
    if ((in.Take('.') || in.Take(',')) && !in.Fraction(&f->millis)) return false;
  }
  if (in.AtEnd()) return true;
  return ParseZone(&in, f) && in.AtEnd();
}

}  // namespace

namespace {
// 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z in unix milliseconds.
constexpr int64_t kMinUnixMillis = -62135596800000;
constexpr int64_t kMaxUnixMillis = 253402300799999;
constexpr int64_t kMillisPerDay = 86400000;
}  // namespace

bool EpochNumberToMillis(double number, int64_t* unix_millis) {
  if (!std::isfinite(number)) return false;
  const double ms = number > 1e11 ? number : number * 1000;
  if (!(ms >= static_cast<double>(kMinUnixMillis) && ms <= static_cast<double>(kMaxUnixMillis)))
    return false;
  *unix_millis = static_cast<int64_t>(std::floor(ms));
  return true;
}

bool ExtractTimePartOfUnixMillis(int64_t unix_millis, TimePart part, int64_t* out) {
  if (unix_millis < kMinUnixMillis || unix_millis > kMaxUnixMillis) return false;
  int64_t days = unix_millis / kMillisPerDay;
  int64_t in_day = unix_millis % kMillisPerDay;
  if (in_day < 0) {
    in_day += kMillisPerDay;
    --days;
  }
  // Civil date from days since 1970-01-01 (proleptic Gregorian, eras of 400 years).
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  switch (part) {
    case TimePart::kMinute: *out = in_day / 60000 % 60; return true;
    case TimePart::kHour: *out = in_day / 3600000; return true;
    case TimePart::kDay: *out = day; return true;
    case TimePart::kWeek: *out = IsoWeek(year, month, day); return true;
    case TimePart::kMonth: *out = month; return true;
    case TimePart::kYear: *out = year; return true;
  }
  return false;
}

bool ExtractTimePart(std::string_view iso8601, TimePart part, int64_t* out) {
  Fields f;
  if (!ParseFields(iso8601, &f)) return false;
  switch (part) {
    case TimePart::kMinute:
      *out = f.minute;
      return true;
    case TimePart::kHour:
      *out = f.hour;
      return true;
    case TimePart::kDay:
      *out = f.day;
      return true;
    case TimePart::kWeek:
      *out = IsoWeek(f.year, f.month, f.day);
      return true;
    case TimePart::kMonth:
      *out = f.month;
      return true;
    case TimePart::kYear:
      *out = f.year;
      return true;
  }
  return false;
}

bool ParseIsoTimestamp(std::string_view iso8601, int64_t* unix_millis) {
  Fields f;
  if (!ParseFields(iso8601, &f)) return false;
  const int64_t days = DaysSinceEpoch(f.year, f.month, f.day);
  const int64_t seconds = days * 86400 + f.hour * 3600 + f.minute * 60 + f.second -
                          static_cast<int64_t>(f.offset_minutes) * 60;
  *unix_millis = seconds * 1000 + f.millis;
  return true;
}

bool ParseDurationMillis(std::string_view text, DurationSyntax syntax, int64_t* ms) {
  const bool stream = syntax == DurationSyntax::kStream;
  if (stream && (text == "inf" || text == "all")) {
    *ms = std::numeric_limits<int64_t>::max();
    return true;
  }
  if (stream && text == "0") {
    *ms = 0;
    return true;
  }
  int64_t unit = 0;
  size_t unit_len = 1;
  if (stream && text.size() > 2 && text.substr(text.size() - 2) == "ms") {
    unit = 1;
    unit_len = 2;
  } else if (!text.empty()) {
    switch (text.back()) {
      case 's': unit = 1000; break;
      case 'm': unit = 60 * 1000; break;
      case 'h': unit = 3600 * 1000; break;
      case 'd': unit = 86400 * 1000; break;
      case 'w': unit = 7 * 86400 * 1000LL; break;
      case 'M': unit = stream ? 0 : 30 * 86400 * 1000LL; break;   // not in Sigma: 30 days
      case 'y': unit = stream ? 0 : 365 * 86400 * 1000LL; break;  // not in Sigma: 365 days
      default: break;
    }
  }
  const std::string_view digits = text.substr(0, text.size() - std::min(unit_len, text.size()));
  if (unit == 0 || digits.empty() || digits.size() > 9) return false;
  int64_t n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    n = n * 10 + (c - '0');
  }
  *ms = n * unit;
  return true;
}

bool DeliveryTimeFromFileName(std::string_view path, int64_t* unix_millis) {
  constexpr size_t kLen = 16;  // _YYYYMMDDTHHMMZ_
  const size_t slash = path.rfind('/');
  const std::string_view name = path.substr(slash == std::string_view::npos ? 0 : slash + 1);
  for (size_t at = name.find('_'); at != std::string_view::npos && at + kLen <= name.size();
       at = name.find('_', at + 1)) {
    const std::string_view t = name.substr(at, kLen);
    if (t[9] != 'T' || t[14] != 'Z' || t[15] != '_') continue;
    // As ISO 8601, so the calendar checks are ParseIsoTimestamp's.
    char iso[17] = {t[1], t[2], t[3], t[4], '-', t[5], t[6], '-', t[7], t[8],
                    'T', t[10], t[11], ':', t[12], t[13], 'Z'};
    if (ParseIsoTimestamp(std::string_view(iso, sizeof iso), unix_millis)) return true;
  }
  return false;
}

std::string FormatIsoMillis(int64_t unix_millis) {
  const int64_t ms = ((unix_millis % 1000) + 1000) % 1000;
  const std::time_t secs = static_cast<std::time_t>((unix_millis - ms) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

}  // namespace vigil::internal
