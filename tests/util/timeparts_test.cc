// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for util/timeparts.h. ISO week numbers come from Python's
// date.isocalendar() and epoch milliseconds from datetime arithmetic against
// 1970-01-01T00:00:00+00:00, computed independently of the implementation.
#include "util/timeparts.h"

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace vigil::internal {
namespace {

constexpr int64_t kInvalid = -999;

int64_t Part(std::string_view text, TimePart part) {
  int64_t value = kInvalid;
  if (!ExtractTimePart(text, part, &value)) return kInvalid;
  return value;
}

int64_t Millis(std::string_view text) {
  int64_t value = kInvalid;
  if (!ParseIsoTimestamp(text, &value)) return kInvalid;
  return value;
}

// The one duration grammar (DurationSyntax), as rules write timespans and as the CLI and
// the Python API take a stream's lateness.
TEST(DurationGrammar, RuleAndStreamSyntaxes) {
  auto rule = [](const std::string& t) {
    int64_t ms = -1;
    return ParseDurationMillis(t, DurationSyntax::kRule, &ms) ? ms : -1;
  };
  auto stream = [](const std::string& t) {
    int64_t ms = -1;
    return ParseDurationMillis(t, DurationSyntax::kStream, &ms) ? ms : -1;
  };
  constexpr int64_t kDay = 86400000;
  EXPECT_EQ(rule("90s"), 90000);
  EXPECT_EQ(rule("15m"), 900000);
  EXPECT_EQ(rule("2h"), 7200000);
  EXPECT_EQ(rule("1w"), 7 * kDay);
  EXPECT_EQ(rule("3M"), 90 * kDay);
  EXPECT_EQ(rule("1y"), 365 * kDay);
  EXPECT_EQ(rule("999999999s"), 999999999000);
  for (const char* bad : {"", "s", "0", "inf", "500ms", "1.5h", " 15m", "15m ", "15", "-1m", "1000000000s", "15x"}) {
    EXPECT_EQ(rule(bad), -1) << bad;
  }
  EXPECT_EQ(stream("500ms"), 500);
  EXPECT_EQ(stream("15m"), 900000);
  EXPECT_EQ(stream("1w"), 7 * kDay);
  EXPECT_EQ(stream("0"), 0);
  EXPECT_EQ(stream("0s"), 0);
  EXPECT_EQ(stream("inf"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(stream("all"), std::numeric_limits<int64_t>::max());
  for (const char* bad : {"", "ms", "3M", "1y", "900", "1.5h", " 15m", "infinity", "-0", "1000000000ms"}) {
    EXPECT_EQ(stream(bad), -1) << bad;
  }
}

TEST(TimePartsExtract, CloudTrailEventTime) {
  constexpr std::string_view kTime = "2024-02-29T13:45:07Z";
  EXPECT_EQ(Part(kTime, TimePart::kMinute), 45);
  EXPECT_EQ(Part(kTime, TimePart::kHour), 13);
  EXPECT_EQ(Part(kTime, TimePart::kDay), 29);
  EXPECT_EQ(Part(kTime, TimePart::kWeek), 9);
  EXPECT_EQ(Part(kTime, TimePart::kMonth), 2);
  EXPECT_EQ(Part(kTime, TimePart::kYear), 2024);
}

TEST(TimePartsExtract, OffsetIsNotApplied) {
  EXPECT_EQ(Part("2024-01-01T23:30:00-05:00", TimePart::kHour), 23);
  EXPECT_EQ(Part("2024-01-01T23:30:00-05:00", TimePart::kDay), 1);
  EXPECT_EQ(Part("2024-01-01T01:15:00+0530", TimePart::kHour), 1);
  EXPECT_EQ(Part("2024-01-01T01:15:00+0530", TimePart::kMinute), 15);
  EXPECT_EQ(Part("2023-12-31T23:59:59+14:00", TimePart::kYear), 2023);
}

TEST(TimePartsExtract, AcceptedShapes) {
  EXPECT_EQ(Part("2021-06-15T08:09:10", TimePart::kMinute), 9);
  EXPECT_EQ(Part("2021-06-15T08:09:10.123456Z", TimePart::kHour), 8);
  EXPECT_EQ(Part("2021-06-15T08:09:10,5Z", TimePart::kHour), 8);
  EXPECT_EQ(Part("2021-06-15 08:09:10", TimePart::kHour), 8);
  EXPECT_EQ(Part("2021-06-15t08:09:10z", TimePart::kHour), 8);
  EXPECT_EQ(Part("2021-06-15T08:09", TimePart::kMinute), 9);
  EXPECT_EQ(Part("2021-06-15T08:09:10+02", TimePart::kMinute), 9);
}

TEST(TimePartsExtract, DateOnly) {
  EXPECT_EQ(Part("2021-06-15", TimePart::kMinute), 0);
  EXPECT_EQ(Part("2021-06-15", TimePart::kHour), 0);
  EXPECT_EQ(Part("2021-06-15", TimePart::kDay), 15);
  EXPECT_EQ(Part("2021-06-15", TimePart::kMonth), 6);
  EXPECT_EQ(Part("2021-06-15", TimePart::kYear), 2021);
}

TEST(TimePartsExtract, IsoWeekBoundaries) {
  struct Case {
    const char* date;
    int64_t week;
  };
  for (const Case& c : {
           Case{"2021-01-03", 53},  // belongs to 2020
           Case{"2021-01-04", 1},
           Case{"2020-12-31", 53},
           Case{"2020-01-01", 1},
           Case{"2019-12-30", 1},  // belongs to 2020
           Case{"2019-12-29", 52},
           Case{"2015-12-31", 53},
           Case{"2016-01-01", 53},  // belongs to 2015
           Case{"2016-01-03", 53},
           Case{"2016-01-04", 1},
           Case{"2024-12-29", 52},
           Case{"2024-12-30", 1},  // belongs to 2025
           Case{"2026-01-01", 1},
           Case{"2026-12-31", 53},
           Case{"2027-01-01", 53},  // belongs to 2026
           Case{"2004-12-31", 53},
           Case{"2005-01-02", 53},
           Case{"2008-12-29", 1},
           Case{"2010-01-03", 53},
           Case{"2000-02-29", 9},
           Case{"1970-01-01", 1},
           Case{"0001-01-01", 1},
           Case{"9999-12-31", 52},
       }) {
    EXPECT_EQ(Part(c.date, TimePart::kWeek), c.week) << c.date;
  }
  // The year part stays the calendar year even when the ISO week belongs to another.
  EXPECT_EQ(Part("2021-01-03T10:00:00Z", TimePart::kYear), 2021);
  EXPECT_EQ(Part("2021-01-03T10:00:00Z", TimePart::kWeek), 53);
}

TEST(TimePartsExtract, LeapDays) {
  EXPECT_EQ(Part("2024-02-29", TimePart::kDay), 29);
  EXPECT_EQ(Part("2000-02-29", TimePart::kDay), 29);
  EXPECT_EQ(Part("2023-02-29", TimePart::kDay), kInvalid);
  EXPECT_EQ(Part("1900-02-29", TimePart::kDay), kInvalid);
  EXPECT_EQ(Part("2100-02-29T00:00:00Z", TimePart::kDay), kInvalid);
}

TEST(TimePartsExtract, Rejects) {
  for (const char* bad : {
           "",
           "ThisIsAWrongEventTime",
           "2024-13-01T00:00:00Z",
           "2024-00-10",
           "2024-01-32",
           "2024-04-31",
           "2024-01-00",
           "0000-01-01",
           "24-01-01",
           "2024-1-01",
           "2024/01/01",
           "2024-01-01T",
           "2024-01-01Z",
           "2024-01-01T24:00:00Z",
           "2024-01-01T23:60:00Z",
           "2024-01-01T23:59:60Z",
           "2024-01-01T1:00:00Z",
           "2024-01-01T10",
           "2024-01-01T10:00:00.Z",
           "2024-01-01T10:00:00+5:00",
           "2024-01-01T10:00:00+24:00",
           "2024-01-01T10:00:00+05:60",
           "2024-01-01T10:00:00+05:",
           "2024-01-01T10:00:00ZZ",
           "2024-01-01T10:00:00 ",
           " 2024-01-01",
           "2024-01-01x",
           "1700000000",
       }) {
    EXPECT_EQ(Part(bad, TimePart::kHour), kInvalid) << bad;
    EXPECT_EQ(Millis(bad), kInvalid) << bad;
  }
}

TEST(TimePartsExtract, LeavesOutputOnFailure) {
  int64_t value = 42;
  EXPECT_FALSE(ExtractTimePart("2024-02-30", TimePart::kDay, &value));
  EXPECT_EQ(value, 42);
  EXPECT_FALSE(ParseIsoTimestamp("2024-02-30", &value));
  EXPECT_EQ(value, 42);
}

TEST(TimePartsParseIso, EpochAndCloudTrail) {
  EXPECT_EQ(Millis("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(Millis("2024-02-29T13:45:07Z"), 1709214307000);
  EXPECT_EQ(Millis("2024-02-29T13:45:07.123Z"), 1709214307123);
  EXPECT_EQ(Millis("2038-01-19T03:14:07Z"), 2147483647000);
}

TEST(TimePartsParseIso, OffsetsAreApplied) {
  EXPECT_EQ(Millis("2024-01-01T23:30:00-05:00"), 1704169800000);
  EXPECT_EQ(Millis("2024-01-01T23:30:00-0500"), 1704169800000);
  EXPECT_EQ(Millis("2024-01-02T04:30:00Z"), 1704169800000);
  EXPECT_EQ(Millis("2024-01-01T23:30:00+0530"), 1704132000000);
  // Crosses back over the leap day.
  EXPECT_EQ(Millis("2024-03-01T00:00:00+14:00"), 1709200800000);
  EXPECT_EQ(Millis("2024-03-01T00:00:00+14"), 1709200800000);
}

TEST(TimePartsParseIso, NoZoneAndDateOnlyAreUtc) {
  EXPECT_EQ(Millis("2024-02-29T13:45:07"), 1709214307000);
  EXPECT_EQ(Millis("2000-03-01"), 951868800000);
  EXPECT_EQ(Millis("2024-02-29 13:45:07"), 1709214307000);
}

TEST(TimePartsParseIso, FractionTruncatedToMillis) {
  EXPECT_EQ(Millis("2024-02-29T13:45:07.1Z"), 1709214307100);
  EXPECT_EQ(Millis("2024-02-29T13:45:07.12Z"), 1709214307120);
  EXPECT_EQ(Millis("2024-02-29T13:45:07.123999999Z"), 1709214307123);
}

TEST(TimePartsParseIso, RangeEnds) {
  EXPECT_EQ(Millis("1969-12-31T23:59:59Z"), -1000);
  EXPECT_EQ(Millis("0001-01-01T00:00:00Z"), -62135596800000);
  EXPECT_EQ(Millis("9999-12-31T23:59:59.999Z"), 253402300799999);
}

// Numeric timestamps (issue 13: numeric epoch times were never exercised): every part
// of a unix-millisecond time equals the part of the same time written in ISO 8601.
TEST(TimePartsEpoch, PartsOfUnixMillisEqualThePartsOfTheIsoText) {
  const TimePart parts[] = {TimePart::kMinute, TimePart::kHour, TimePart::kDay,
                            TimePart::kWeek,   TimePart::kMonth, TimePart::kYear};
  // 1970 to 9999 in uneven steps, plus the days around year and leap boundaries.
  std::vector<int64_t> times = {0, 951782400000, 951868800000, 1709644800123, 1735603200000,
                                1609632000000, 253402300799999};
  for (int64_t t = 0; t < 253402300799999; t += 7777777777777) times.push_back(t);
  for (const int64_t ms : times) {
    const std::string iso = FormatIsoMillis(ms);
    for (const TimePart part : parts) {
      int64_t from_text = -1, from_number = -2;
      ASSERT_TRUE(ExtractTimePart(iso, part, &from_text)) << iso;
      ASSERT_TRUE(ExtractTimePartOfUnixMillis(ms, part, &from_number)) << ms;
      EXPECT_EQ(from_number, from_text) << iso << " part " << static_cast<int>(part);
    }
  }
}

TEST(TimePartsEpoch, NumbersAreSecondsOrMilliseconds) {
  int64_t ms = 0;
  ASSERT_TRUE(EpochNumberToMillis(1709644800, &ms));
  EXPECT_EQ(ms, 1709644800000);
  ASSERT_TRUE(EpochNumberToMillis(1709644800123, &ms));
  EXPECT_EQ(ms, 1709644800123);
  ASSERT_TRUE(EpochNumberToMillis(1e11, &ms));  // the largest number read as seconds
  EXPECT_EQ(ms, 100000000000000);
  ASSERT_TRUE(EpochNumberToMillis(1e11 + 1, &ms));
  EXPECT_EQ(ms, 100000000001);
  ASSERT_TRUE(EpochNumberToMillis(-1.5, &ms));
  EXPECT_EQ(ms, -1500);
  ms = 7;
  EXPECT_FALSE(EpochNumberToMillis(1e300, &ms));
  EXPECT_FALSE(EpochNumberToMillis(-1e15, &ms));
  EXPECT_FALSE(EpochNumberToMillis(std::numeric_limits<double>::infinity(), &ms));
  EXPECT_FALSE(EpochNumberToMillis(std::numeric_limits<double>::quiet_NaN(), &ms));
  EXPECT_EQ(ms, 7);
  int64_t part = 0;
  ASSERT_TRUE(ExtractTimePartOfUnixMillis(-1, TimePart::kYear, &part));  // 1969-12-31T23:59:59.999Z
  EXPECT_EQ(part, 1969);
  ASSERT_TRUE(ExtractTimePartOfUnixMillis(-1, TimePart::kMinute, &part));
  EXPECT_EQ(part, 59);
}

}  // namespace
}  // namespace vigil::internal
