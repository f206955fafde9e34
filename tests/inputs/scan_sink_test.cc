// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The library's scans as a sink sees them (include/vigil/scanner.h): one OnRecord per
// record with all of its matches together, ScanEvents over events in memory, and
// correlation done by the scan itself (ScanOptions::correlator): alerts right after the
// record that raised them, the stream's end flushed (or not, for a stream scanned in
// parts), refused events reported, and the same transcript from one thread or two.

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "inputs/scan_testing.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

// Three detection rules that all match a StopLogging event, one that matches a
// DeleteTrail; a sliding event_count (alerts as soon as two stops by one principal
// are within an hour) and an anchored one (a window of fewer than three stops, decided
// when the window is complete or the stream ends).
constexpr char kRules[] = R"(title: stop
detection: {s: {eventName: StopLogging}, condition: s}
---
title: stop by anyone
detection: {s: {eventName|startswith: Stop}, condition: s}
---
title: cloudtrail source
detection: {s: {eventSource: cloudtrail.amazonaws.com}, condition: s}
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
---
title: few stops
correlation:
  type: event_count
  rules: [stop]
  group-by: [userIdentity.arn]
  timespan: 1h
  condition: {lt: 3}
)";

std::string Event(const std::string& name, const std::string& time, const std::string& who = "alice") {
  return R"({"eventSource":"cloudtrail.amazonaws.com","eventName":")" + name + R"(","eventTime":")" + time +
         R"(","userIdentity":{"arn":"arn:aws:iam::1:user/)" + who + R"("}})";
}

std::shared_ptr<const RuleSet> Rules() {
  RuleSetBuilder b;
  b.AddYaml(kRules, "sink.yml");
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

// Everything a scan reports, one line per call.
struct Transcript : ScanSink {
  std::vector<std::string> lines;
  bool OnRecord(const Record& r, std::span<const vigil::Match> matches) override {
    std::string line = "record " + (r.file ? *r.file : std::string("?")) + ":" + std::to_string(r.index) + " [";
    for (const vigil::Match& m : matches) line += (line.back() == '[' ? "" : ",") + m.rule->title;
    lines.push_back(line + "]");
    return true;
  }
  void OnError(const InputError& e) override { lines.push_back("error " + std::to_string(e.index)); }
  bool OnAlert(const CorrelationAlert& a) override {
    std::string line = "alert " + a.rule->info.title + " value " + std::to_string(static_cast<int>(a.value)) + " events";
    for (const EventRef& e : a.events) line += " " + std::to_string(e.record);
    lines.push_back(line);
    return true;
  }
  void OnCorrelationError(const Record& r, const Status& s) override {
    lines.push_back("refused " + std::to_string(r.index) + ": " + s.message());
  }
};

TEST(ScanSinkTest, OneCallPerRecordWithAllItsMatches) {
  auto rules = Rules();
  Scanner scanner(rules);
  const std::string stop = Event("StopLogging", "2024-01-01T00:00:00Z");
  const std::string other = R"({"eventName":"GetObject"})";
  const std::vector<std::string_view> events = {stop, other, "{broken", stop};
  Transcript sink;
  const ScanStats st = ScanEvents(scanner, events, "mem", ScanOptions(), &sink, 10);
  EXPECT_EQ(sink.lines, (std::vector<std::string>{
                            "record mem:10 [stop,stop by anyone,cloudtrail source]",
                            "record mem:11 []",
                            "error 12",
                            "record mem:12 []",
                            "record mem:13 [stop,stop by anyone,cloudtrail source]",
                        }));
  EXPECT_EQ(st.events, 4u);
  EXPECT_EQ(st.matches, 6u);
  EXPECT_EQ(st.event_errors, 1u);
  EXPECT_EQ(st.alerts, 0u);  // no correlator given: none
}

TEST(ScanSinkTest, AlertsFollowTheRecordThatRaisedThemAndTheEndFlushes) {
  auto rules = Rules();
  Scanner scanner(rules);
  CorrelatorOptions co;
  co.lateness_ms = 0;  // events in time order: each is processed as it comes
  Correlator correlator(rules, co);
  ScanOptions options;
  options.correlator = &correlator;
  const std::string a = Event("StopLogging", "2024-01-01T00:00:00Z");
  const std::string b = Event("StopLogging", "2024-01-01T00:10:00Z");
  const std::string c = Event("StopLogging", "2024-01-01T00:20:00Z", "bob");
  const std::string untimed = R"({"eventName":"StopLogging","userIdentity":{"arn":"x"}})";
  const std::vector<std::string_view> events = {a, b, c, untimed};
  Transcript sink;
  const ScanStats st = ScanEvents(scanner, events, "mem", options, &sink);
  EXPECT_EQ(sink.lines, (std::vector<std::string>{
                            "record mem:0 [stop,stop by anyone,cloudtrail source]",
                            "record mem:1 [stop,stop by anyone,cloudtrail source]",
                            // bob's stop moves event time past alice's second.
                            "record mem:2 [stop,stop by anyone,cloudtrail source]",
                            "alert two stops value 2 events 0 1",
                            "record mem:3 [stop,stop by anyone]",
                            "refused 3: correlation: event has no readable eventTime",
                            // The anchored windows are decided at the end of the stream.
                            "alert few stops value 2 events 0 1",
                            "alert few stops value 1 events 2",
                        }));
  EXPECT_EQ(st.alerts, 3u);
  EXPECT_EQ(st.correlation_errors, 1u);
  EXPECT_EQ(correlator.untimed_events(), 1u);
}

TEST(ScanSinkTest, AStreamScannedInPartsIsFlushedOnlyAtItsEnd) {
  auto rules = Rules();
  Scanner scanner(rules);
  Correlator correlator(rules);
  ScanOptions options;
  options.correlator = &correlator;
  options.end_of_stream = false;
  const std::string a = Event("StopLogging", "2024-01-01T00:00:00Z");
  const std::string b = Event("StopLogging", "2024-01-01T00:10:00Z");
  Transcript first, second;
  ScanEvents(scanner, std::vector<std::string_view>{a}, "q", options, &first, 0);
  EXPECT_EQ(first.lines, (std::vector<std::string>{"record q:0 [stop,stop by anyone,cloudtrail source]"}));
  EXPECT_EQ(correlator.StateSize(), 1u) << "the first part's event is still held";
  options.end_of_stream = true;
  ScanEvents(scanner, std::vector<std::string_view>{b}, "q", options, &second, 1);
  EXPECT_EQ(second.lines, (std::vector<std::string>{
                              "record q:1 [stop,stop by anyone,cloudtrail source]",
                              "alert two stops value 2 events 0 1",
                              "alert few stops value 2 events 0 1",
                          }));
}

TEST(ScanSinkTest, AlertsAreTheSameFromOneThreadOrTwo) {
  auto rules = Rules();
  testing::TempDir dir;
  // Four files; alice stops in the first and third, bob in the second and fourth (the
  // correlator reorders within the lateness bound), and a delete in between.
  const std::vector<std::vector<std::string>> files = {
      {Event("StopLogging", "2024-01-01T00:00:00Z"), Event("DeleteTrail", "2024-01-01T00:00:05Z")},
      {Event("StopLogging", "2024-01-01T00:01:00Z", "bob")},
      {Event("StopLogging", "2024-01-01T00:02:00Z")},
      {Event("StopLogging", "2024-01-01T00:03:00Z", "bob"), Event("StopLogging", "2024-01-01T05:00:00Z")},
  };
  std::vector<std::string> paths;
  for (size_t i = 0; i < files.size(); ++i) {
    std::string text;
    for (const auto& e : files[i]) text += e + "\n";
    paths.push_back(dir.Write("f" + std::to_string(i) + ".ndjson", text));
  }
  std::vector<std::string> want;
  for (unsigned threads : {1u, 2u}) {
    Scanner scanner(rules);
    Correlator correlator(rules);
    ScanOptions options;
    options.threads = threads;
    options.correlator = &correlator;
    Transcript sink;
    const ScanStats st = ScanInputs(scanner, paths, options, &sink);
    EXPECT_EQ(st.events, 6u);
    if (threads == 1) {
      want = sink.lines;
      // alice's two stops (an alert as soon as the second is read), bob's, then the
      // anchored windows at the end: alice's two, bob's two, alice's last stop alone.
      size_t alerts = 0;
      for (const auto& l : want) alerts += l.rfind("alert ", 0) == 0 ? 1 : 0;
      EXPECT_EQ(alerts, 5u);
      EXPECT_EQ(st.alerts, 5u);
    } else {
      EXPECT_EQ(sink.lines, want);
    }
  }
}

}  // namespace
}  // namespace vigil
