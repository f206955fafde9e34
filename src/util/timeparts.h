// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ISO 8601 timestamp handling for the Sigma time-part modifiers (minute, hour, day,
// week, month, year) and for correlation time windows. CloudTrail writes eventTime as
// "2024-02-29T13:45:07Z"; the parser also takes the other shapes that show up in
// exported or re-shipped logs (fractional seconds, numeric offsets, a space instead of
// 'T', date-only values).
//
// Grammar, the whole string, no surrounding whitespace:
//   YYYY-MM-DD [ ('T' | 't' | ' ') HH:MM [ :SS [ ('.' | ',') digits+ ] ] [ zone ] ]
//   zone = 'Z' | 'z' | ('+' | '-') HH [ [':'] MM ]
// Four-digit years 0001..9999; month, day, hour (0..23), minute and second (0..59) are
// range-checked, including the day against the month's length in that year (so
// 2023-02-29 fails and 2024-02-29 parses). Leap seconds and 24:00 are rejected.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vigil::internal {

enum class TimePart { kMinute, kHour, kDay, kWeek, kMonth, kYear };

// Stores the requested part of the timestamp as written: the Sigma specification says
// the time modifiers do not convert between time zones, so "2024-01-01T23:30:00-05:00"
// has hour 23 and day 1. For a date-only value, minute and hour are 0.
//
// kWeek is the ISO 8601 week number (1..53), whose year may differ from the calendar
// year: 2021-01-03 is in week 53 (of 2020), 2024-12-30 in week 1 (of 2025). kYear is
// always the calendar year as written. Returns false, leaving *out unchanged, when the
// text is not a valid timestamp.
bool ExtractTimePart(std::string_view iso8601, TimePart part, int64_t* out);

// A JSON number taken as a timestamp, the way correlation reads a numeric eventTime:
// unix seconds, or unix milliseconds when it is above 10^11 (10^11 seconds is the year
// 5138, 10^11 milliseconds March 1973). Fractions below a millisecond are dropped.
// False for what is not finite or lies outside the years 0001..9999.
bool EpochNumberToMillis(double number, int64_t* unix_millis);

// ExtractTimePart for a timestamp given as unix milliseconds, in UTC (a number has no
// zone to keep). Always true for the range EpochNumberToMillis accepts.
bool ExtractTimePartOfUnixMillis(int64_t unix_millis, TimePart part, int64_t* out);

// Converts the timestamp to milliseconds since 1970-01-01T00:00:00Z, applying the zone
// offset (unlike ExtractTimePart). A value without a zone, and a date-only value
// (midnight), are taken as UTC. Fractional seconds beyond milliseconds are truncated.
// Returns false, leaving *unix_millis unchanged, when the text is not a valid timestamp.
bool ParseIsoTimestamp(std::string_view iso8601, int64_t* unix_millis);

// The one duration grammar: digits (at most nine, so the result cannot overflow) and
// one unit, e.g. "90s", "15m", "30d". Which units, and what else, depends on where
// the duration is written:
enum class DurationSyntax {
  // A correlation rule's timespan or learning: s, m, h, d, w, and M (30 days) and y
  // (365 days), which Sigma does not have.
  kRule,
  // How far a stream may run (the CLI's --lateness and --max-future, the Python API's
  // lateness and max_future): ms, s, m, h, d, w; a bare "0"; "inf" or "all" for no
  // bound (INT64_MAX). A bare number other than 0 is refused: seconds or milliseconds?
  kStream,
};
// False (leaving *ms unchanged) for anything else.
bool ParseDurationMillis(std::string_view text, DurationSyntax syntax, int64_t* ms);

// The delivery time in a CloudTrail log file name: the first `_YYYYMMDDTHHMMZ_` of the
// last path component (<account>_CloudTrail_<region>_20240101T0005Z_<random>.json.gz),
// as unix milliseconds. False (leaving *unix_millis unchanged) when there is none or it
// is not a valid date and time.
bool DeliveryTimeFromFileName(std::string_view path, int64_t* unix_millis);

// Formats unix milliseconds as "YYYY-MM-DDTHH:MM:SS.mmmZ" (UTC), the inverse of
// ParseIsoTimestamp for years 1970..9999.
std::string FormatIsoMillis(int64_t unix_millis);

}  // namespace vigil::internal
