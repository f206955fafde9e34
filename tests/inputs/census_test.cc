// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The event census (ScanOptions::census, EventCensus; src/inputs/census.h): every valid
// event counted by account, region and hour, matched or not, with the first and last
// eventTime of each cell; kNoHour and "" for what an event lacks; strings cut at 64
// bytes; at most census_max_cells cells, the first ones in order, whatever the order
// of the events; the same from one thread or four, from ScanInputs, ScanEvents and
// ScanStream. And ScanStream's matches carry ScanOptions::record_fields
// (StreamMatch::fields) equal to what a ScanSink gets in Record::fields. Run under
// ThreadSanitizer by scripts/test.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "inputs/census.h"
#include "inputs/scan_testing.h"
#include "util/timeparts.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

constexpr char kRules[] = R"(title: stop
detection: {s: {eventName: StopLogging}, condition: s}
)";

std::shared_ptr<const RuleSet> Rules(const char* yaml = kRules) {
  RuleSetBuilder b;
  b.AddYaml(yaml, "census.yml");
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

// One CloudTrail-like event; an empty account, region or time leaves the key out.
std::string Event(const std::string& account, const std::string& region, const std::string& time,
                  const std::string& name = "GetTrail") {
  std::string e = R"({"eventVersion":"1.08","eventName":")" + name + "\"";
  if (!time.empty()) e += R"(,"eventTime":")" + time + "\"";
  if (!region.empty()) e += R"(,"awsRegion":")" + region + "\"";
  if (!account.empty()) e += R"(,"recipientAccountId":")" + account + "\"";
  return e + R"(,"userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/a"}})";
}

int64_t Ms(const char* iso) {
  int64_t ms = 0;
  EXPECT_TRUE(internal::ParseIsoTimestamp(iso, &ms)) << iso;
  return ms;
}

// A cell as one comparable value.
using Row = std::tuple<std::string, std::string, int64_t, uint64_t, int64_t, int64_t>;
std::vector<Row> Rows(const EventCensus& c) {
  std::vector<Row> rows;
  for (const CensusCell& x : c.cells)
    rows.emplace_back(x.account, x.region, x.hour, x.events, x.first_ms, x.last_ms);
  return rows;
}

struct NullSink : ScanSink {
  bool OnRecord(const Record&, std::span<const vigil::Match>) override { return true; }
  void OnError(const InputError&) override {}
};

ScanOptions CensusOptions(unsigned threads = 1, size_t max_cells = 100000) {
  ScanOptions o;
  o.census = true;
  o.census_max_cells = max_cells;
  o.threads = threads;
  return o;
}

TEST(CensusTest, CountsEveryValidEventByAccountRegionAndHour) {
  testing::TempDir dir;
  const std::string text =
      Event("111111111111", "us-east-1", "2024-01-01T00:10:00Z") + "\n" +
      Event("111111111111", "us-east-1", "2024-01-01T00:59:59.500Z", "StopLogging") + "\n" +
      Event("111111111111", "us-east-1", "2024-01-01T00:00:01Z") + "\n" +
      Event("111111111111", "us-east-1", "2024-01-01T01:00:00Z") + "\n" +
      Event("111111111111", "eu-west-1", "2024-01-01T00:30:00+02:00") +
      "\n" +  // 22:30Z the day before
      Event("222222222222", "us-east-1", "2024-01-01T00:20:00Z") + "\n" +
      // Not valid JSON where a rule reads (the matcher refuses it): not counted; nor
      // a record the reader refuses.
      R"({"eventName":tru,"awsRegion":"r"})" + "\n" + R"({"eventName":"GetTrail",})" + "\n";
  const std::string path = dir.Write("a.ndjson", text);
  Scanner scanner(Rules());
  NullSink sink;
  const ScanStats stats = ScanInputs(scanner, {path}, CensusOptions(), &sink);
  EXPECT_EQ(stats.matches, 1u);  // a census counts matched and unmatched events alike
  const int64_t h0 = Ms("2024-01-01T00:00:00Z") / 3'600'000;
  const std::vector<Row> want = {
      {"111111111111", "eu-west-1", h0 - 2, 1, Ms("2023-12-31T22:30:00Z"),
       Ms("2023-12-31T22:30:00Z")},
      {"111111111111", "us-east-1", h0, 3, Ms("2024-01-01T00:00:01Z"),
       Ms("2024-01-01T00:59:59.500Z")},
      {"111111111111", "us-east-1", h0 + 1, 1, Ms("2024-01-01T01:00:00Z"),
       Ms("2024-01-01T01:00:00Z")},
      {"222222222222", "us-east-1", h0, 1, Ms("2024-01-01T00:20:00Z"), Ms("2024-01-01T00:20:00Z")},
  };
  EXPECT_EQ(Rows(stats.census), want);
  EXPECT_EQ(stats.census.overflow_events, 0u);
  EXPECT_EQ(stats.events, 7u);
  EXPECT_EQ(stats.event_errors, 1u);
  EXPECT_EQ(stats.input_errors, 1u);
  // Not asked: no census.
  const ScanStats plain = ScanInputs(scanner, {path}, ScanOptions(), &sink);
  EXPECT_TRUE(plain.census.cells.empty());
}

TEST(CensusTest, MissingOrBadFieldsGoToNoHourAndEmptyStrings) {
  const std::vector<std::string> events = {
      Event("", "", ""),                                                      // nothing
      Event("123", "", "not a time"),                                         // unreadable time
      Event("123", "us-east-1", "2023-02-29T00:00:00Z"),                      // no such day
      R"({"eventTime":1704067200,"awsRegion":7,"recipientAccountId":null})",  // not strings
      R"({"eventTime":"1970-01-01T00:00:00Z","awsRegion":"r"})",              // hour 0, not kNoHour
      R"({"eventTime":"1969-12-31T23:59:59Z","awsRegion":"r"})",  // before 1970: hour -1
  };
  std::vector<std::string_view> views(events.begin(), events.end());
  Scanner scanner(Rules());
  NullSink sink;
  const ScanStats stats = ScanEvents(scanner, views, "mem", CensusOptions(), &sink);
  const int64_t none = EventCensus::kNoHour;
  const std::vector<Row> want = {
      {"", "", none, 2, 0, 0},    {"", "r", -1, 1, -1000, -1000},      {"", "r", 0, 1, 0, 0},
      {"123", "", none, 1, 0, 0}, {"123", "us-east-1", none, 1, 0, 0},
  };
  EXPECT_EQ(Rows(stats.census), want);
}

TEST(CensusTest, EventTimesReadAsParseIsoTimestampReadsThem) {
  // The census reads CloudTrail's own shape of eventTime in the hour of the one before
  // without ParseIsoTimestamp: the same answers, also for what it must refuse.
  std::mt19937 rng(5);
  const std::vector<std::string> odd = {
      "2024-01-01T05:60:00Z",     "2024-01-01T05:59:60Z", "2024-01-01T05:5a:00Z",
      "2024-01-01T05:07:0 Z",     "2024-01-01t05:07:09Z", "2024-01-01 05:07:09Z",
      "2024-01-01T05:07:09.250Z", "2024-01-01T05:07Z",    "2024-01-01T05:07:09+01:00",
      "2024-01-01T24:00:00Z",     "2023-02-29T05:07:09Z", "2024-01-01T05:07:09z"};
  std::vector<std::string> events;
  internal::CensusTally want(100000);
  for (int i = 0; i < 2000; ++i) {
    std::string time;
    if (i % 5 == 0) {
      time = odd[rng() % odd.size()];
    } else {
      char buf[32];
      snprintf(buf, sizeof buf, "2024-01-01T%02u:%02u:%02uZ", static_cast<unsigned>(5 + rng() % 2),
               static_cast<unsigned>(rng() % 61), static_cast<unsigned>(rng() % 61));
      time = buf;
    }
    events.push_back(Event("1", "r", time));
    int64_t ms = 0;
    const bool timed = internal::ParseIsoTimestamp(time, &ms);
    want.Add("1", "r", timed, ms);
  }
  std::vector<std::string_view> views(events.begin(), events.end());
  Scanner scanner(Rules());
  NullSink sink;
  const ScanStats stats = ScanEvents(scanner, views, "mem", CensusOptions(), &sink);
  EXPECT_EQ(Rows(stats.census), Rows(want.Result()));
  EXPECT_GE(stats.census.cells.size(), 4u);  // hours 4 (the +01:00), 5, 6, and none
}

TEST(CensusTest, LongAccountsAndRegionsAreCutAt64Bytes) {
  const std::string long_account(100, 'a');
  // 63 ASCII bytes then a three-byte character (U+20AC): cut before it, at 63.
  const std::string euro = std::string(63, 'r') + "\xE2\x82\xAC" + "tail";
  const std::vector<std::string> events = {
      Event(long_account, euro, "2024-01-01T00:00:00Z"),
      Event(long_account + "b", std::string(63, 'r') + "\xE2\x82\xAC", "2024-01-01T00:00:01Z"),
      Event(std::string(64, 'a'), std::string(64, 'x'), "2024-01-01T00:00:02Z"),
  };
  std::vector<std::string_view> views(events.begin(), events.end());
  Scanner scanner(Rules());
  NullSink sink;
  const ScanStats stats = ScanEvents(scanner, views, "mem", CensusOptions(), &sink);
  ASSERT_EQ(stats.census.cells.size(), 2u);
  const CensusCell& a = stats.census.cells[0];
  EXPECT_EQ(a.account, std::string(64, 'a'));
  EXPECT_EQ(a.region, std::string(63, 'r'));
  EXPECT_EQ(a.events, 2u);  // the two accounts that differ after 64 bytes are one
  const CensusCell& b = stats.census.cells[1];
  EXPECT_EQ(b.account, std::string(64, 'a'));
  EXPECT_EQ(b.region, std::string(64, 'x'));  // exactly 64: kept whole
  EXPECT_EQ(b.events, 1u);
}

TEST(CensusTest, EventsWithoutTheMatchersDomAreReadFromTheirText) {
  // A repeated key that a rule reads (eventName) makes the matcher parse copies: the
  // census reads the text itself, first key wins (as the DOM reads it). A lone
  // surrogate escape reads as U+FFFD, as the matcher reads it.
  const std::vector<std::string> events = {
      R"({"eventName":"StopLogging","eventName":"x","recipientAccountId":"1","recipientAccountId":"2","awsRegion":"r","eventTime":"2024-01-01T00:00:00Z"})",
      R"({"eventName":"GetTrail","recipientAccountId":"a\ud800b","awsRegion":"r\u0031","eventTime":"2024-01-01T00:00:00Z"})",
      R"({"eventName":"GetTrail","recipientAccountId":"1","recipientAccountId":"2","awsRegion":"r","eventTime":"2024-01-01T00:30:00Z"})",
  };
  std::vector<std::string_view> views(events.begin(), events.end());
  Scanner scanner(Rules());
  NullSink sink;
  const ScanStats stats = ScanEvents(scanner, views, "mem", CensusOptions(), &sink);
  EXPECT_EQ(stats.duplicate_key_events, 1u);
  const int64_t h0 = Ms("2024-01-01T00:00:00Z") / 3'600'000;
  const std::vector<Row> want = {
      {"1", "r", h0, 2, Ms("2024-01-01T00:00:00Z"), Ms("2024-01-01T00:30:00Z")},
      {"a\xEF\xBF\xBD"
       "b",
       "r1", h0, 1, Ms("2024-01-01T00:00:00Z"), Ms("2024-01-01T00:00:00Z")},
  };
  EXPECT_EQ(Rows(stats.census), want);
}

TEST(CensusTest, PastMaxCellsTheFirstCellsInOrderAreKeptAndTheRestOverflow) {
  // 200 accounts, in a shuffled order, 3 events each (two hours), 5 cells at most.
  std::vector<std::string> events;
  for (int a = 0; a < 200; ++a) {
    const std::string account = std::to_string(1000 + a);
    events.push_back(Event(account, "r", "2024-01-01T00:00:00Z"));
    events.push_back(Event(account, "r", "2024-01-01T00:00:05Z"));
    events.push_back(Event(account, "r", "2024-01-01T01:00:00Z"));
  }
  std::mt19937 rng(7);
  std::shuffle(events.begin(), events.end(), rng);
  std::vector<std::string_view> views(events.begin(), events.end());
  Scanner scanner(Rules());
  NullSink sink;
  const ScanStats stats = ScanEvents(scanner, views, "mem", CensusOptions(1, 5), &sink);
  const int64_t h0 = Ms("2024-01-01T00:00:00Z") / 3'600'000;
  const std::vector<Row> want = {
      {"1000", "r", h0, 2, Ms("2024-01-01T00:00:00Z"), Ms("2024-01-01T00:00:05Z")},
      {"1000", "r", h0 + 1, 1, Ms("2024-01-01T01:00:00Z"), Ms("2024-01-01T01:00:00Z")},
      {"1001", "r", h0, 2, Ms("2024-01-01T00:00:00Z"), Ms("2024-01-01T00:00:05Z")},
      {"1001", "r", h0 + 1, 1, Ms("2024-01-01T01:00:00Z"), Ms("2024-01-01T01:00:00Z")},
      {"1002", "r", h0, 2, Ms("2024-01-01T00:00:00Z"), Ms("2024-01-01T00:00:05Z")},
  };
  EXPECT_EQ(Rows(stats.census), want);
  EXPECT_EQ(stats.census.overflow_events, 600u - 8u);
  // No cells at all: everything overflows.
  const ScanStats none = ScanEvents(scanner, views, "mem", CensusOptions(1, 0), &sink);
  EXPECT_TRUE(none.census.cells.empty());
  EXPECT_EQ(none.census.overflow_events, 600u);
}

TEST(CensusTest, TheTallyNeverHoldsMoreThanMaxCells) {
  // Memory: ever-new accounts (a hostile log), arriving largest first so that every
  // one evicts the last kept; the tally stays at max_cells and ends with the smallest.
  internal::CensusTally tally(100);
  size_t most = 0;
  for (int a = 99'999; a >= 0; --a) {
    tally.Add("acct" + std::to_string(1'000'000 + a), "us-east-1", true, int64_t{a} * 1000);
    most = std::max(most, tally.cells());
  }
  EXPECT_EQ(most, 100u);
  const EventCensus c = tally.Result();
  ASSERT_EQ(c.cells.size(), 100u);
  EXPECT_EQ(c.cells.front().account, "acct1000000");
  EXPECT_EQ(c.cells.back().account, "acct1000099");
  EXPECT_EQ(c.overflow_events, 100'000u - 100u);
}

TEST(CensusTest, MergedTalliesEqualOneTallyOfAllTheEvents) {
  // Any split of the events over tallies, merged in any order, gives what one tally
  // of them all gives, overflow included (what makes threads = 4 equal threads = 1).
  std::mt19937 rng(11);
  struct Ev {
    std::string account, region;
    bool timed;
    int64_t ms;
  };
  std::vector<Ev> evs;
  for (int i = 0; i < 3000; ++i) {
    evs.push_back({std::to_string(rng() % 40), rng() % 2 ? "us-east-1" : "eu-west-1",
                   rng() % 10 != 0, static_cast<int64_t>(rng() % (48 * 3'600'000))});
  }
  for (const size_t max_cells : {size_t{7}, size_t{100000}}) {
    internal::CensusTally one(max_cells);
    for (const Ev& e : evs) one.Add(e.account, e.region, e.timed, e.ms);
    std::vector<std::unique_ptr<internal::CensusTally>> parts;
    for (int p = 0; p < 4; ++p) parts.push_back(std::make_unique<internal::CensusTally>(max_cells));
    for (const Ev& e : evs) parts[rng() % 4]->Add(e.account, e.region, e.timed, e.ms);
    internal::CensusTally merged(max_cells);
    for (size_t p : {2, 0, 3, 1}) merged.Merge(*parts[p]);
    const EventCensus a = one.Result(), b = merged.Result();
    EXPECT_EQ(Rows(a), Rows(b)) << max_cells;
    EXPECT_EQ(a.overflow_events, b.overflow_events) << max_cells;
    uint64_t total = a.overflow_events;
    for (const CensusCell& c : a.cells) total += c.events;
    EXPECT_EQ(total, evs.size());
    if (max_cells == 7) {
      EXPECT_EQ(a.cells.size(), 7u);
      EXPECT_GT(a.overflow_events, 0u);
    }
  }
}

// Several files of many accounts, regions and hours.
std::vector<std::string> WriteFiles(const testing::TempDir& dir) {
  std::vector<std::string> paths;
  std::mt19937 rng(3);
  const char* regions[] = {"us-east-1", "eu-west-1", "ap-south-1"};
  for (int f = 0; f < 6; ++f) {
    std::string text;
    for (int i = 0; i < 400; ++i) {
      const int hour = static_cast<int>(rng() % 30);
      const int minute = static_cast<int>(rng() % 60);
      char time[32];
      snprintf(time, sizeof time, "2024-03-%02dT%02d:%02d:07Z", 1 + hour / 24, hour % 24, minute);
      const std::string account = std::to_string(100000000000 + rng() % 9);
      text += Event(account, regions[rng() % 3], rng() % 50 ? time : "",
                    i % 7 ? "GetTrail" : "StopLogging") +
              "\n";
      if (i % 97 == 0)
        text += R"({"eventName":tru})"
                "\n";  // an event error
    }
    paths.push_back(dir.Write("f" + std::to_string(f) + ".ndjson", text));
  }
  return paths;
}

TEST(CensusTest, FourThreadsGiveTheOneThreadCensusExactly) {
  testing::TempDir dir;
  const std::vector<std::string> paths = WriteFiles(dir);
  Scanner scanner(Rules());
  NullSink sink;
  for (const size_t max_cells : {size_t{100000}, size_t{20}}) {
    const ScanStats one = ScanInputs(scanner, paths, CensusOptions(1, max_cells), &sink);
    const ScanStats four = ScanInputs(scanner, paths, CensusOptions(4, max_cells), &sink);
    EXPECT_EQ(one.events, 6u * 400u + 6u * 5u);
    EXPECT_EQ(Rows(one.census), Rows(four.census)) << max_cells;
    EXPECT_EQ(one.census.overflow_events, four.census.overflow_events) << max_cells;
    uint64_t total = one.census.overflow_events;
    for (const CensusCell& c : one.census.cells) total += c.events;
    EXPECT_EQ(total, one.events - one.event_errors);
    if (max_cells == 20) {
      EXPECT_EQ(one.census.cells.size(), 20u);
    } else {
      EXPECT_GT(one.census.cells.size(), 200u);
      EXPECT_EQ(one.census.overflow_events, 0u);
    }
  }
}

TEST(CensusTest, ScanEventsAndScanStreamGiveTheSameCensus) {
  testing::TempDir dir;
  const std::vector<std::string> paths = WriteFiles(dir);
  Scanner scanner(Rules());
  NullSink sink;
  const ScanStats inputs = ScanInputs(scanner, paths, CensusOptions(), &sink);
  // ScanEvents over the same records.
  EventCensus merged;
  {
    std::vector<std::string> lines;
    for (const std::string& p : paths) {
      std::ifstream in(p);
      for (std::string line; std::getline(in, line);) lines.push_back(line);
    }
    std::vector<std::string_view> views(lines.begin(), lines.end());
    merged = ScanEvents(scanner, views, "mem", CensusOptions(), &sink).census;
  }
  EXPECT_EQ(Rows(inputs.census), Rows(merged));
  // ScanStream, with two threads.
  auto pool = std::make_shared<ScannerPool>(scanner.shared_rules());
  ScanStreamOptions so;
  so.scan = CensusOptions(2);
  ScanStream stream(pool, paths, so);
  std::vector<ScanStream::Item> items;
  while (stream.Next(&items)) {
  }
  ASSERT_TRUE(stream.status().ok());
  EXPECT_EQ(Rows(stream.stats().census), Rows(inputs.census));
}

// ---- StreamMatch::fields ------------------------------------------------------------

constexpr char kFieldRules[] = R"(title: stop
detection: {s: {eventName: StopLogging}, condition: s}
---
title: stop again
detection: {s: {eventName: StopLogging}, condition: s}
---
title: two stops
correlation:
  type: event_count
  rules: [stop]
  group-by: [userIdentity.arn]
  timespan: 1h
  condition: {gte: 2}
)";

// A value as text: "-" absent, s:TEXT, n:TEXT, j:TEXT.
std::string ValueText(const CapturedFields::Value& v) {
  if (!v.present) return "-";
  return (v.is_string ? "s:" : v.is_number ? "n:" : "j:") + v.text;
}

struct FieldLines : ScanSink {
  std::vector<std::string> lines;
  bool OnRecord(const Record& r, std::span<const vigil::Match> matches) override {
    for (const vigil::Match& m : matches) {
      std::string line = std::to_string(r.index) + " " + m.rule->title +
                         " fields=" + std::to_string(r.fields.size());
      for (const auto& v : r.fields) line += " " + ValueText(v);
      lines.push_back(line);
    }
    return true;
  }
  void OnError(const InputError&) override {}
};

TEST(CensusTest, StreamMatchesCarryTheRecordFieldsASinkGets) {
  testing::TempDir dir;
  const std::string text =
      R"({"eventName":"StopLogging","eventTime":"2024-01-01T00:00:00Z","userIdentity":{"arn":"u1"},"n":1.5,"resources":[{"a":1},{"ARN":"r1"}]})"
      "\n"
      R"({"eventName":"GetTrail","eventTime":"2024-01-01T00:00:01Z"})"
      "\n"
      // A repeated key a rule reads: not captured, so no fields (Record::fields).
      R"({"eventName":"StopLogging","eventName":"StopLogging","eventTime":"2024-01-01T00:00:02Z","userIdentity":{"arn":"u2"}})"
      "\n"
      R"({"eventName":"StopLogging","eventTime":"2024-01-01T00:00:03Z","userIdentity":{"arn":"u1"},"n":-7,"ok":true})"
      "\n";
  const std::string path = dir.Write("f.ndjson", text);
  const std::vector<std::string> fields = {"userIdentity.arn", "n",      "resources.ARN", "ok",
                                           "userIdentity",     "missing"};
  auto rules = Rules(kFieldRules);
  Scanner scanner(rules);
  ScanOptions o;
  o.record_fields = fields;
  FieldLines sink;
  ScanInputs(scanner, {path}, o, &sink);
  const std::vector<std::string> want = {
      R"(0 stop fields=6 s:u1 n:1.5 s:r1 - j:{"arn":"u1"} -)",
      R"(0 stop again fields=6 s:u1 n:1.5 s:r1 - j:{"arn":"u1"} -)",
      R"(2 stop fields=0)",
      R"(2 stop again fields=0)",
      R"(3 stop fields=6 s:u1 n:-7 - j:true j:{"arn":"u1"} -)",
      R"(3 stop again fields=6 s:u1 n:-7 - j:true j:{"arn":"u1"} -)",
  };
  EXPECT_EQ(sink.lines, want);

  ScanStreamOptions so;
  so.scan.record_fields = fields;
  so.building_blocks = true;  // "stop" feeds the correlation: kept, as the sink saw it
  ScanStream stream(std::make_shared<ScannerPool>(rules), {path}, so);
  std::vector<std::string> got;
  std::vector<const void*> shared;
  std::vector<ScanStream::Item> items;
  bool more = true;
  while (more) {
    more = stream.Next(&items);
    for (const auto& item : items) {
      const auto* m = std::get_if<StreamMatch>(&item);
      if (m == nullptr) continue;
      std::string line = std::to_string(m->record) + " " + m->rule->title +
                         " fields=" + std::to_string(m->fields ? m->fields->size() : 0);
      if (m->fields) {
        for (const auto& v : *m->fields) line += " " + ValueText(v);
      }
      got.push_back(line);
      shared.push_back(m->fields.get());
    }
  }
  EXPECT_EQ(got, want);
  ASSERT_EQ(shared.size(), 6u);
  EXPECT_EQ(shared[0], shared[1]);  // one copy for the matches of one record
  EXPECT_NE(shared[0], shared[4]);
  EXPECT_EQ(shared[2], nullptr);
  // Not asked: no fields.
  ScanStreamOptions no_fields;
  no_fields.building_blocks = true;
  ScanStream plain(std::make_shared<ScannerPool>(rules), {path}, no_fields);
  more = true;
  while (more) {
    more = plain.Next(&items);
    for (const auto& item : items) {
      if (const auto* m = std::get_if<StreamMatch>(&item)) {
        EXPECT_EQ(m->fields, nullptr);
      }
    }
  }
}

}  // namespace
}  // namespace vigil
