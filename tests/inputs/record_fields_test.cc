// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ScanOptions::record_fields (include/vigil/scanner.h): the fields a sink asks of each
// matched record arrive in Record::fields, read from the parse that matched it
// (Scanner::captured(), the correlations' fields followed by the sink's), from
// ScanEvents and ScanInputs with one thread or two; not for unmatched records, nor for
// an event the DOM cannot take (a repeated key a rule reads, a lone surrogate); and a
// correlating scan raises the same alerts whether the sink asks for fields or not.

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inputs/scan_testing.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

constexpr char kRules[] = R"(title: stop
detection: {s: {eventName: StopLogging}, condition: s}
---
title: delete
detection: {s: {eventName: DeleteTrail}, condition: s}
---
title: two stops
correlation:
  type: event_count
  rules: [stop]
  group-by: [userIdentity.arn]
  timespan: 1h
  condition: {gte: 2}
)";

std::shared_ptr<const RuleSet> Rules(const char* yaml = kRules) {
  RuleSetBuilder b;
  b.AddYaml(yaml, "fields.yml");
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

std::string Event(const std::string& name, const std::string& time,
                  const std::string& who = "alice") {
  return R"({"eventTime":")" + time + R"(","eventName":")" + name +
         R"(","sourceIPAddress":"10.0.0.1","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::1:user/)" +
         who + R"("},"resources":[{"type":"t"},{"ARN":"r1"},{"ARN":"r2"}],"n":42,"nil":null})";
}

// What the sink saw of each record: its index, whether it matched, and its fields as
// text ("-" for absent, s:TEXT for a string, n:TEXT for a number, j:TEXT for others).
struct FieldSink : ScanSink {
  std::vector<std::string> lines;
  std::vector<std::string> alerts;
  bool OnRecord(const Record& r, std::span<const vigil::Match> matches) override {
    std::string line = std::to_string(r.index) + (matches.empty() ? " no match" : " match") +
                       " fields=" + std::to_string(r.fields.size());
    for (const CapturedFields::Value& v : r.fields) {
      line += " ";
      if (!v.present) {
        line += "-";
      } else {
        line += (v.is_string ? "s:" : v.is_number ? "n:" : "j:") + v.text;
      }
    }
    lines.push_back(line);
    return true;
  }
  void OnError(const InputError& e) override { lines.push_back("error " + e.message); }
  bool OnAlert(const CorrelationAlert& a) override {
    std::string line = a.rule->info.title;
    for (const EventRef& e : a.events) line += " " + e.file + ":" + std::to_string(e.record);
    alerts.push_back(line);
    return true;
  }
};

const std::vector<std::string> kFields = {"eventName", "userIdentity.arn", "resources.ARN", "n",
                                          "nil",       "missing",          "userIdentity"};

// The line FieldSink writes for a matched Event(name, _, who).
std::string Matched(uint64_t index, const std::string& name, const std::string& who = "alice") {
  return std::to_string(index) + " match fields=7 s:" + name + " s:arn:aws:iam::1:user/" + who +
         " s:r1 n:42 - - j:{\"type\":\"IAMUser\",\"arn\":\"arn:aws:iam::1:user/" + who + "\"}";
}

TEST(RecordFieldsTest, ScanEventsGivesTheFieldsOfMatchedRecordsOnly) {
  Scanner scanner(Rules());
  const std::string stop = Event("StopLogging", "2024-01-01T00:00:00Z");
  const std::string get = Event("GetTrail", "2024-01-01T00:00:01Z");
  const std::string del = Event("DeleteTrail", "2024-01-01T00:00:02Z", "bob");
  const std::vector<std::string_view> events = {stop, get, "{broken", del};
  ScanOptions options;
  options.record_fields = kFields;
  FieldSink sink;
  ScanEvents(scanner, events, "mem", options, &sink);
  ASSERT_EQ(sink.lines.size(), 5u);
  EXPECT_EQ(sink.lines[0], Matched(0, "StopLogging"));
  EXPECT_EQ(sink.lines[1], "1 no match fields=0");
  EXPECT_EQ(sink.lines[3], "2 no match fields=0");  // after its error
  EXPECT_EQ(sink.lines[4], Matched(3, "DeleteTrail", "bob"));
  // Not asked: nothing comes.
  FieldSink plain;
  ScanEvents(scanner, events, "mem", ScanOptions(), &plain);
  EXPECT_EQ(plain.lines[0], "0 match fields=0");
  EXPECT_EQ(plain.lines[4], "3 match fields=0");
}

TEST(RecordFieldsTest, TheFieldsAreTheSameFromOneThreadOrTwoThreads) {
  auto rules = Rules();
  testing::TempDir dir;
  std::vector<std::string> paths;
  for (int f = 0; f < 3; ++f) {
    std::string text;
    for (int i = 0; i < 50; ++i) {
      const std::string who = "u" + std::to_string(f) + "_" + std::to_string(i);
      text += Event(i % 3 == 0   ? "StopLogging"
                    : i % 3 == 1 ? "GetTrail"
                                 : "DeleteTrail",
                    "2024-01-01T00:00:00Z", who) +
              "\n";
    }
    paths.push_back(dir.Write("f" + std::to_string(f) + ".ndjson", text));
  }
  std::vector<std::string> want;
  for (int f = 0; f < 3; ++f) {
    for (int i = 0; i < 50; ++i) {
      const std::string who = "u" + std::to_string(f) + "_" + std::to_string(i);
      want.push_back(i % 3 == 1 ? std::to_string(i) + " no match fields=0"
                                : Matched(static_cast<uint64_t>(i),
                                          i % 3 == 0 ? "StopLogging" : "DeleteTrail", who));
    }
  }
  for (unsigned threads : {1u, 2u}) {
    Scanner scanner(rules);
    ScanOptions options;
    options.threads = threads;
    options.record_fields = kFields;
    FieldSink sink;
    const ScanStats st = ScanInputs(scanner, paths, options, &sink);
    EXPECT_EQ(st.events, 150u);
    EXPECT_EQ(sink.lines, want) << threads << " threads";
  }
}

TEST(RecordFieldsTest, ACorrelatingScanRaisesTheSameAlertsWhenTheSinkAsksForFields) {
  auto rules = Rules();
  testing::TempDir dir;
  std::vector<std::string> paths;
  for (int f = 0; f < 4; ++f) {
    std::string text;
    for (int i = 0; i < 6; ++i) {
      text += Event("StopLogging",
                    "2024-01-01T0" + std::to_string(f) + ":0" + std::to_string(i) + ":00Z",
                    i % 2 ? "alice" : "bob") +
              "\n";
    }
    paths.push_back(dir.Write("f" + std::to_string(f) + ".ndjson", text));
  }
  std::vector<std::string> want_alerts;
  for (unsigned threads : {1u, 2u}) {
    for (bool fields : {false, true}) {
      Scanner scanner(rules);
      Correlator correlator(rules);
      ScanOptions options;
      options.threads = threads;
      options.correlator = &correlator;
      // userIdentity.arn is also the correlation's group-by: captured twice, once at
      // the rules' index and once at the sink's.
      if (fields) options.record_fields = {"userIdentity.arn", "eventName"};
      FieldSink sink;
      const ScanStats st = ScanInputs(scanner, paths, options, &sink);
      EXPECT_EQ(st.correlation_errors, 0u);
      if (threads == 1 && !fields) {
        want_alerts = sink.alerts;
        EXPECT_GE(want_alerts.size(), 4u);
      } else {
        EXPECT_EQ(sink.alerts, want_alerts) << threads << " threads, fields " << fields;
      }
      EXPECT_EQ(sink.lines[1], fields ? "1 match fields=2 s:arn:aws:iam::1:user/alice s:StopLogging"
                                      : "1 match fields=0");
    }
  }
}

TEST(RecordFieldsTest, TheCaptureHasTheRulesFieldsThenTheRecordFields) {
  auto rules = Rules();
  Scanner scanner(rules);
  scanner.set_record_fields({"eventName", "eventTime"});
  const size_t n = rules->captured_fields().size();
  ASSERT_GE(n, 3u);  // eventTime, @timestamp, userIdentity.arn
  std::vector<vigil::Match> out;
  Correlator text_fed(rules), capture_fed(rules);
  for (int i = 0; i < 2; ++i) {
    const std::string e = Event("StopLogging", "2024-01-01T00:0" + std::to_string(i) + ":00Z");
    ASSERT_TRUE(scanner.Match(e, &out).ok());
    const CapturedFields* c = scanner.captured();
    ASSERT_NE(c, nullptr);
    ASSERT_EQ(c->values.size(), n + 2);
    EXPECT_EQ(c->values[0].text, "2024-01-01T00:0" + std::to_string(i) + ":00Z");
    EXPECT_EQ(c->values[n].text, "StopLogging");
    EXPECT_EQ(c->values[n + 1].text, c->values[0].text);
    // The correlator takes the longer capture: fed no text at all, it still reads the
    // event (a parse of "" would be refused).
    EXPECT_TRUE(capture_fed.Add("", out, EventRef{"m", static_cast<uint64_t>(i)}, c).ok());
    EXPECT_TRUE(text_fed.Add(e, out, EventRef{"m", static_cast<uint64_t>(i)}).ok());
  }
  capture_fed.Flush();
  text_fed.Flush();
  const auto a = capture_fed.TakeAlerts();
  const auto b = text_fed.TakeAlerts();
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].group, b[0].group);
  EXPECT_EQ(a[0].events.size(), 2u);
  // A match that feeds no correlation is captured too when fields are asked for.
  ASSERT_TRUE(scanner.Match(Event("DeleteTrail", "2024-01-01T00:00:00Z"), &out).ok());
  ASSERT_EQ(out.size(), 1u);
  ASSERT_NE(scanner.captured(), nullptr);
  EXPECT_EQ(scanner.captured()->values[n].text, "DeleteTrail");
  // ... and not without them.
  scanner.set_record_fields({});
  ASSERT_TRUE(scanner.Match(Event("DeleteTrail", "2024-01-01T00:00:00Z"), &out).ok());
  EXPECT_EQ(scanner.captured(), nullptr);
}

TEST(RecordFieldsTest, AScanGivesTheScannerItsOwnRecordFieldsBack) {
  Scanner scanner(Rules());
  scanner.set_record_fields({"x"});
  ScanOptions options;
  options.record_fields = {"eventName"};
  FieldSink sink;
  const std::string stop = Event("StopLogging", "2024-01-01T00:00:00Z");
  ScanEvents(scanner, std::vector<std::string_view>{stop}, "mem", options, &sink);
  EXPECT_EQ(sink.lines, std::vector<std::string>{"0 match fields=1 s:StopLogging"});
  EXPECT_EQ(scanner.record_fields(), std::vector<std::string>{"x"});
}

TEST(RecordFieldsTest, AnEventTheDomCannotTakeComesWithoutFields) {
  Scanner scanner(Rules());
  ScanOptions options;
  options.record_fields = {"eventName", "sourceIPAddress"};
  std::string repeated = Event("StopLogging", "2024-01-01T00:00:00Z");
  repeated.insert(1, R"("eventName":"GetTrail",)");  // matched read last-wins
  std::string surrogate = Event("StopLogging", "2024-01-01T00:00:00Z");
  surrogate.replace(surrogate.find("10.0.0.1"), 8, "10\\ud800");
  // A key no rule reads may repeat: the DOM takes its first value, as a reader of the
  // text would.
  std::string unread = Event("StopLogging", "2024-01-01T00:00:00Z");
  unread.insert(unread.find("\"sourceIPAddress\""), R"("sourceIPAddress":"10.9.9.9",)");
  FieldSink sink;
  ScanEvents(scanner, std::vector<std::string_view>{repeated, surrogate, unread}, "mem", options,
             &sink);
  EXPECT_EQ(sink.lines, (std::vector<std::string>{"0 match fields=0", "1 match fields=0",
                                                  "2 match fields=2 s:StopLogging s:10.9.9.9"}));
}

}  // namespace
}  // namespace vigil
