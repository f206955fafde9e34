// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ScanInputs and the limits of docs/limits.md on a whole scan: a ReDoS rule against
// crafted values is counted in ScanStats (with one thread or several), a record over
// max_record_bytes and an event nested too deeply are counted errors, and every other
// record around them is still matched.

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "eval/evaluator.h"
#include "inputs/reader.h"
#include "inputs/scan_testing.h"
#include "support/per_match_sink.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

struct Transcript : vigil::testing::PerMatchSink {
  std::vector<std::string> lines;
  bool OnMatch(const Record& r, const vigil::Match& m) override {
    lines.push_back("match " + std::to_string(r.index) + " " + m.rule->title);
    return true;
  }
  void OnError(const InputError& e) override {
    lines.push_back("error " + std::to_string(e.line) + ":" + std::to_string(e.byte_offset) + " #" +
                    std::to_string(e.index) + " " + e.message);
  }
};

std::shared_ptr<const RuleSet> Rules() {
  RuleSetBuilder b;
  b.AddYaml(R"(title: redos
detection: {s: {userAgent|re: '(a+)+$'}, condition: s}
---
title: name
detection: {s: {eventName: GetObject}, condition: s}
---
title: nested
detection: {s: {requestParameters.x.y: 1}, condition: s}
)");
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

const std::string kCrafted =
    R"({"eventName":"GetObject","userAgent":")" + std::string(100000, 'a') + R"(!"})";

TEST(ScannerLimitsTest, RegexLimitHitsAreCountedInTheScanStats) {
  testing::TempDir dir;
  const std::string ndjson = kCrafted + "\n" +
                             R"({"eventName":"GetObject","userAgent":"aaa"})" + "\n" + kCrafted + "\n";
  const std::string a = dir.Write("a.json", ndjson);
  const std::string b = dir.Write("b.json", ndjson);
  for (unsigned threads : {1u, 2u}) {
    Scanner scanner(Rules());
    ScanOptions options;
    options.threads = threads;
    Transcript sink;
    ScanStats stats = ScanInputs(scanner, {a, b}, options, &sink);
    EXPECT_EQ(stats.events, 6u) << threads;
    EXPECT_EQ(stats.matches, 8u) << threads;
    EXPECT_EQ(stats.event_errors, 0u) << threads;
    EXPECT_EQ(stats.regex_limit_hits, 4u) << threads;
    const std::vector<std::string> one_file = {"match 0 name", "match 1 redos", "match 1 name",
                                               "match 2 name"};
    std::vector<std::string> expected = one_file;
    expected.insert(expected.end(), one_file.begin(), one_file.end());
    EXPECT_EQ(sink.lines, expected) << threads;
  }
}

// An event that repeats a key some rule reads is matched read both ways and counted,
// per scan, with one thread or several; a repeated key no rule reads is not counted.
TEST(ScannerLimitsTest, DuplicateKeyEventsAreCountedInTheScanStats) {
  RuleSetBuilder b;
  b.AddYaml(R"(title: not admin
detection: {s: {eventName: GetObject}, f: {arn: admin}, condition: s and not f}
)");
  ASSERT_FALSE(b.has_errors());
  const std::shared_ptr<const RuleSet> rules = b.Build();
  testing::TempDir dir;
  const std::string ndjson = R"({"eventName":"GetObject","arn":"admin","arn":"attacker"})"
                             "\n"
                             R"({"eventName":"GetObject","arn":"admin"})"
                             "\n"
                             R"({"eventName":"GetObject","arn":"admin","other":1,"other":2})"
                             "\n"
                             R"({"eventName":"GetObject","arn":"attacker","arn":"admin"})"
                             "\n";
  const std::string a = dir.Write("a.json", ndjson);
  const std::string c = dir.Write("c.json", ndjson);
  for (unsigned threads : {1u, 2u}) {
    Scanner scanner(rules);
    ScanOptions options;
    options.threads = threads;
    Transcript sink;
    ScanStats stats = ScanInputs(scanner, {a, c}, options, &sink);
    EXPECT_EQ(stats.events, 8u) << threads;
    EXPECT_EQ(stats.duplicate_key_events, 4u) << threads;
    EXPECT_EQ(stats.matches, 4u) << threads;  // records 0 and 3 of each file: attacker read once
    const std::vector<std::string> one_file = {"match 0 not admin", "match 3 not admin"};
    std::vector<std::string> expected = one_file;
    expected.insert(expected.end(), one_file.begin(), one_file.end());
    EXPECT_EQ(sink.lines, expected) << threads;
  }
}

TEST(ScannerLimitsTest, OversizedAndTooDeepRecordsAreCountedAndTheRestMatched) {
  testing::TempDir dir;
  const std::string big = R"({"eventName":"GetObject","pad":")" + std::string(30000, 'x') + R"("})";
  const std::string deep =
      R"({"eventName":"GetObject","requestParameters":{"x":)" + std::string(10000, '[') +
      std::string(10000, ']') + "}}";
  const std::string file = dir.Write(
      "mixed.json", std::string(R"({"Records":[)") + "\n" + R"({"eventName":"GetObject"},)" + "\n" + big +
                        ",\n" + deep + ",\n" + R"({"eventName":"GetObject","requestParameters":{"x":{"y":1}}})" +
                        "\n]}\n");
  Scanner scanner(Rules());
  ScanOptions options;
  options.read.max_record_bytes = 25000;  // between deep (20,078 bytes) and big
  Transcript sink;
  ScanStats stats = ScanInputs(scanner, {file}, options, &sink);
  EXPECT_EQ(stats.events, 3u);
  EXPECT_EQ(stats.event_errors, 1u);
  EXPECT_EQ(stats.input_errors, 1u);
  EXPECT_EQ(stats.matches, 3u);
  EXPECT_EQ(sink.lines, (std::vector<std::string>{
                            "match 0 name",
                            "error 3:40 #1 record of 30034 bytes is larger than max_record_bytes (25000); skipped",
                            "error 4:0 #2 record 2: event nested deeper than 128 levels (objects and arrays)",
                            "match 3 name",
                            "match 3 nested",
                        }));
}

// What ScanInputs reports in full: every record (index, line, envelope, text), its
// matches and every error.
struct FullTranscript : Transcript {
  bool OnRecordDone(const Record& r, size_t matches) override {
    lines.push_back("done " + std::to_string(r.index) + " line " + std::to_string(r.line) + " envelope " +
                    std::to_string(static_cast<int>(r.envelope)) + " matches " + std::to_string(matches) +
                    (r.json.empty() ? "" : " " + std::string(r.json)));
    return true;
  }
};

// The same, from reading alone (ReadInputs) and matching each record by itself: the
// reference for ScanInputs, whose Reader lends the matcher its parse of an NDJSON line.
struct ReadThenMatch : RecordSink {
  explicit ReadThenMatch(std::shared_ptr<const RuleSet> rules) : scanner(std::move(rules)) {}
  Scanner scanner;
  FullTranscript out;
  bool OnRecord(const Record& r) override {
    std::vector<vigil::Match> m;
    Status s = scanner.Match(r.json, &m, EventKind::kAuto, r.envelope);
    if (!s.ok()) {
      InputError e;
      e.line = r.line;
      e.index = r.index;
      e.message = "record " + std::to_string(r.index) + ": " + s.message();
      out.lines.push_back("event error #" + std::to_string(r.index));
      return out.OnRecordDone(r, 0);
    }
    for (const auto& x : m) out.OnMatch(r, x);
    return out.OnRecordDone(r, m.size());
  }
  void OnError(const InputError& e) override { out.OnError(e); }
};

// ScanInputs over `files` with one and two threads gives what reading and matching
// apart give, record by record; with one thread, `reused` records were matched from
// the Reader's parse.
void ExpectScanAsReadThenMatch(const std::shared_ptr<const RuleSet>& rules, const std::vector<std::string>& files,
                               uint64_t reused, size_t min_lines) {
  ReadThenMatch reference(rules);
  ReadInputs(files, ReadOptions(), &reference);
  ASSERT_GT(reference.out.lines.size(), min_lines);
  for (unsigned threads : {1u, 2u}) {
    Scanner scanner(rules);
    ScanOptions options;
    options.threads = threads;
    FullTranscript sink;
    ScanInputs(scanner, files, options, &sink);
    if (threads == 1) {
      EXPECT_EQ(scanner.evaluator().counters().dom_reused, reused);
    }
    // Event errors read differently (ScanInputs says where in the record); the rest
    // must be the same, record by record. With threads, OnRecordDone has no text.
    auto normal = [threads](std::string l) {
      if (l.rfind("error ", 0) == 0 && l.find(" record ") != std::string::npos) {
        const size_t hash = l.find('#');
        return "event error #" + l.substr(hash + 1, l.find(' ', hash) - hash - 1);
      }
      if (threads > 1 && l.rfind("done ", 0) == 0) {
        const size_t m = l.find(" matches ");
        const size_t end = l.find(' ', m + 9);
        if (end != std::string::npos) l.resize(end);
      }
      return l;
    };
    std::vector<std::string> got, want;
    for (const auto& l : sink.lines) got.push_back(normal(l));
    for (const auto& l : reference.out.lines) want.push_back(normal(l));
    ASSERT_EQ(got.size(), want.size()) << threads;
    for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << threads << " at " << i;
  }
}

std::shared_ptr<const RuleSet> OneParseRules() {
  RuleSetBuilder b;
  b.AddYaml(R"(title: name
detection: {s: {eventName: GetObject}, condition: s}
---
title: nested
detection: {s: {requestParameters.x: 1}, condition: s}
)");
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

// An NDJSON line is parsed once when it is one plain event or a {"Records":[...]}
// document (the Reader's look at it is the matcher's parse); every other line is read
// as before. Both must give what reading and matching apart give, on lines at the edges
// of that choice.
TEST(ScannerOneParseTest, NdjsonLinesReadAsWhenReadAndMatchedApart) {
  const std::shared_ptr<const RuleSet> rules = OneParseRules();
  const std::vector<std::string> lines = {
      R"({"eventName":"GetObject","requestParameters":{"x":1}})",
      R"(  {"eventName":"GetObject"}   )",                                // spaces around
      R"({"Records":[{"eventName":"GetObject"},{"eventName":"Other"}]})",  // an envelope
      R"({"Rec\u006frds":[{"eventName":"GetObject"}],"eventName":"GetObject"})",  // escaped: a field
      R"({"Records":"not an array","eventName":"GetObject"})",
      R"({"detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"GetObject"}})",
      R"({"Events":[{"CloudTrailEvent":"{\"eventName\":\"GetObject\"}"}]})",
      R"({"eventName":"GetObject"} {"eventName":"GetObject"})",  // two on one line
      R"({"eventName":"GetObject"} x)",                          // trailing text
      R"({"eventName":"GetObject","n":1e999})",                  // beyond double
      R"({"eventName":"GetObject","n":123456789012345678901234567890})",
      R"({"eventName":"GetObject","s":"\ud800"})",  // lone surrogate
      R"({"eventName":"GetObject","eventName":"Other"})",
      R"({"eventName":"GetObj)",  // cut
      R"(["eventName","GetObject"])",
      R"([{"eventName":"GetObject"}])",
      R"("GetObject")",
      R"({"eventName":"GetObject","requestParameters":{"x":1,"Records":[]}})",  // nested key
      std::string(R"({"eventName":"GetObject","deep":)") + std::string(2000, '[') + std::string(2000, ']') + "}",
      // Records documents at the edges of reading them from one parse: keys around the
      // array, brackets and quotes inside strings, nested arrays, no records, an element
      // that is not an object, two Records keys, a record with duplicate keys (its copies
      // are parsed: the records after it are parsed on their own), other envelope keys.
      R"({"a":{"b":[1,{"c":"]}\"["}]},"Records":[ {"eventName":"GetObject","requestParameters":{"x":[1,[2]]}} , {"eventName":"Other","k":"}"} ],"z":null})",
      R"({"Records":[]})",
      R"({"Records":[{"eventName":"GetObject"},1,{"eventName":"GetObject"}]})",
      R"({"Records":[{"eventName":"GetObject"}],"Records":[{"eventName":"GetObject"}]})",
      R"({"Records":[{"eventName":"Other","eventName":"GetObject"},{"eventName":"GetObject"},{"requestParameters":{"x":1}}]})",
      R"({"Records":[{"eventName":"GetObject"}],"detail-type":"x","detail":{"eventName":"GetObject"}})",
      R"({"Records":[{"eventName":"GetObject","s":"\ud800"}]})",
  };
  std::string ndjson;
  for (const auto& l : lines) ndjson += l + "\n";
  testing::TempDir dir;
  const std::string a = dir.Write("a.json", ndjson);
  const std::string c = dir.Write("c.json", ndjson);
  // Lines 0, 1, 12 and 17 of each file took the one-parse path as one event; 3 and 4
  // have a key named like an envelope and were read as before. Records from one parse:
  // 2 of line 2, 2 of line 19, the first of line 23 (duplicate keys: the others are
  // parsed apart).
  ExpectScanAsReadThenMatch(rules, {a, c}, 2 * (4 + 2 + 2 + 1), 2 * lines.size());
}

// The same for documents: pretty-printed and compact CloudTrail delivery files, with
// and without a trailing newline, a document beyond kMaxWholeDocumentBytes (read by the
// On-Demand pass), and `jq .` output (two documents one after the other).
TEST(ScannerOneParseTest, RecordsDocumentsReadAsWhenReadAndMatchedApart) {
  const std::shared_ptr<const RuleSet> rules = OneParseRules();
  testing::TempDir dir;
  std::vector<std::string> files;
  const std::string pretty =
      "{\n  \"Records\": [\n    {\n      \"eventName\": \"GetObject\",\n      \"requestParameters\": {\"x\": 1}\n    },\n"
      "    {\n      \"eventName\": \"Other\"\n    }\n  ]\n}\n";
  files.push_back(dir.Write("pretty.json", pretty));
  files.push_back(dir.Write("compact.json", R"({"Records":[{"eventName":"GetObject"},{"eventName":"Other"}]})"));
  files.push_back(dir.Write("two.json", pretty + pretty));
  std::string big = R"({"Records":[)";
  const std::string record = R"({"eventName":"GetObject","pad":")" + std::string(1000, 'p') + R"("})";
  for (size_t i = 0; big.size() <= internal::kMaxWholeDocumentBytes; ++i) big += (i ? "," : "") + record;
  big += "]}\n";
  files.push_back(dir.Write("big.json", big));
  // pretty: 2, compact: 2; the others through the On-Demand pass.
  ExpectScanAsReadThenMatch(rules, files, 4, 8);
}

TEST(ScannerValidityTest, AMatchedEventIsValidJsonOrAnError) {
  // The matcher does not read `x`, so a broken literal there is only found by the
  // whole-event check a match triggers: a match is never reported with invalid text.
  auto rules = Rules();
  Scanner scanner(rules);
  std::vector<Match> out;
  Status s = scanner.Match(R"({"eventName":"GetObject","x":tru})", &out);
  EXPECT_EQ(s.message(), "invalid JSON at byte 29 of the event: invalid literal (expected true, false or null)");
  EXPECT_TRUE(out.empty());
  s = scanner.Match(R"({"eventName":"GetObject","x":{"b":1]})", &out);
  EXPECT_EQ(s.message(), "invalid JSON at byte 35 of the event: expected ',' or '}' after an object member");
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(scanner.Match(R"({"eventName":"GetObject","x":true})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule->title, "name");
  // An event no rule matches is not checked whole (its broken unread field is skipped).
  EXPECT_TRUE(scanner.Match(R"({"eventName":"PutObject","x":tru})", &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST(ScannerValidityTest, AMatchedEventIsCheckedByTheJsonGrammarNotByTheDomParsersLimits) {
  // The whole-event check runs simdjson's DOM parser first and the strict scanner when
  // it refuses (src/inputs/event_check.h): what JSON allows and the DOM parser does not
  // still matches; what JSON forbids is an error with its byte, whichever parser saw it.
  auto rules = Rules();
  Scanner scanner(rules);
  std::vector<Match> out;
  for (const char* x : {"1e400", "-1e400", "18446744073709551616", "123456789012345678901234567890",
                        R"("\ud800")", R"(["\udc00",1e999])"}) {
    const std::string event = std::string(R"({"eventName":"GetObject","x":)") + x + "}";
    ASSERT_TRUE(scanner.Match(event, &out).ok()) << event;
    ASSERT_EQ(out.size(), 1u) << event;
  }
  // Nesting in a field no rule reads: the matcher skips it, the check counts it.
  auto nested = [](int levels) {
    return std::string(R"({"eventName":"GetObject","x":)") + std::string(levels - 1, '[') +
           std::string(levels - 1, ']') + "}";
  };
  ASSERT_TRUE(scanner.Match(nested(1024), &out).ok());
  EXPECT_EQ(out.size(), 1u);
  Status s = scanner.Match(nested(1025), &out);
  EXPECT_EQ(s.message(), "invalid JSON at byte 1052 of the event: JSON nested too deeply");
  EXPECT_TRUE(out.empty());
  s = scanner.Match(R"({"eventName":"GetObject","x":"\q"})", &out);
  EXPECT_EQ(s.message(), "invalid JSON at byte 30 of the event: invalid escape in a string");
  s = scanner.Match(R"({"eventName":"GetObject","x":[1,-]})", &out);
  EXPECT_EQ(s.message(), "invalid JSON at byte 32 of the event: invalid number");
  // Invalid UTF-8 anywhere is refused before matching (simdjson checks every byte).
  s = scanner.Match("{\"eventName\":\"GetObject\",\"x\":\"\xc3\x28\"}", &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("UTF-8"), std::string::npos) << s.message();
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace vigil
