// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The time and baseline invariants of the Correlator (docs/limits.md, "Time and
// baselines"): an event dated far ahead of its file's delivery time (or the clock) is
// counted and left out of correlation, so it can neither move the watermark nor age or
// poison a first_seen baseline; an unreadable time is counted; a baseline carries an end
// line, so a file cut at a line boundary is refused; reading one is bounded; saving
// through a symbolic link keeps the link and the target's mode.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "inputs/scan_testing.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

std::shared_ptr<const RuleSet> Build(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml, "test.yml");
  auto rs = b.Build();
  for (const auto& d : rs->diagnostics()) ADD_FAILURE() << d.ToString();
  return rs;
}

// A base rule on ConsoleLogin, an event_count correlation (2 logins from one address
// within 5 minutes) and a first_seen one (new address per user, no learning period).
const char* kRules =
    "title: Login\nname: Login\nid: 10000000-0000-4000-8000-000000000001\nlogsource:\n  product: "
    "aws\n  service: cloudtrail\n"
    "detection:\n  s:\n    eventName: ConsoleLogin\n  condition: s\n---\n"
    "title: Burst\nid: 10000000-0000-4000-8000-000000000002\ncorrelation:\n  type: event_count\n"
    "  rules: [Login]\n  group-by: [sourceIPAddress]\n  timespan: 5m\n  condition: {gte: 2}\n---\n"
    "title: New address\nid: 10000000-0000-4000-8000-000000000003\ncorrelation:\n  type: "
    "first_seen\n"
    "  rules: [Login]\n  group-by: [user]\n  timespan: 30d\n  condition: {field: "
    "sourceIPAddress}\n";

constexpr int64_t kJan2 = 1704153600000;  // 2024-01-02T00:00:00Z

std::string Login(const std::string& time_json, const std::string& ip, const std::string& user = "alice") {
  return "{\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"eventTime\":" + time_json +
         ",\"sourceIPAddress\":\"" + ip + "\",\"user\":\"" + user + "\"}";
}
std::string At(const std::string& iso) { return "\"" + iso + "\""; }

struct Fed {
  std::vector<std::string> alerts;  // "title value"
  std::vector<bool> ok;             // Add's status per event
};

Fed FeedAll(const std::shared_ptr<const RuleSet>& rs, Correlator& c, const std::vector<std::string>& events,
            const std::string& file = "events.jsonl") {
  Scanner scanner(rs);
  std::vector<Match> m;
  Fed out;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_TRUE(scanner.Match(events[i], &m).ok()) << events[i];
    out.ok.push_back(c.Add(events[i], m, {file, i}).ok());
  }
  c.Flush();
  for (const auto& a : c.TakeAlerts()) {
    out.alerts.push_back(a.rule->info.title + " " + std::to_string(static_cast<int>(a.value)));
  }
  return out;
}

CorrelatorOptions AsOf(int64_t now_ms) {
  CorrelatorOptions o;
  o.now_ms = now_ms;
  return o;
}

const std::vector<std::string> kStream = {
    Login(At("2024-01-01T10:00:00Z"), "1.1.1.1"),
    Login(At("2024-01-01T10:01:00Z"), "1.1.1.1"),  // burst of 2: alert
    Login(At("2024-01-01T10:02:00Z"), "2.2.2.2"),  // new address for alice: alert
};

// Item 7 of issue 13: one record dated 2099 came first and silenced every alert (its
// time moved the watermark, so every later event was "late").
TEST(TimeOutlierTest, AFutureEventDoesNotBlindCorrelation) {
  auto rs = Build(kRules);
  Correlator plain(rs, AsOf(kJan2));
  const Fed expected = FeedAll(rs, plain, kStream);
  ASSERT_EQ(expected.alerts, (std::vector<std::string>{"New address 0", "Burst 2", "New address 1"}));

  std::vector<std::string> forged = kStream;
  forged.insert(forged.begin(), Login(At("2099-01-01T00:00:00Z"), "6.6.6.6"));
  Correlator c(rs, AsOf(kJan2));
  const Fed got = FeedAll(rs, c, forged);
  EXPECT_EQ(got.alerts, expected.alerts);
  EXPECT_EQ(c.future_events(), 1u);
  EXPECT_EQ(c.late_events(), 0u);
  EXPECT_EQ(got.ok, (std::vector<bool>{true, true, true, true}));  // counted, not an error
  // Not learned either: 6.6.6.6 would otherwise be "known" until 2099 + 30 days.
  EXPECT_EQ(c.BaselineSize(), 2u);
  EXPECT_EQ(c.SerializeBaseline().find("6.6.6.6"), std::string::npos);
}

TEST(TimeOutlierTest, AFutureEventDoesNotAgeTheBaselineOut) {
  // The baseline was 22 lines and became 3 on the sample logs: the 2099 event was the
  // "latest time" when the baseline was saved, so every entry had aged out.
  auto rs = Build(kRules);
  Correlator c(rs, AsOf(kJan2));
  std::vector<std::string> events = kStream;
  events.push_back(Login(At("2099-01-01T00:00:00Z"), "6.6.6.6", "mallory"));
  FeedAll(rs, c, events);
  EXPECT_EQ(c.future_events(), 1u);
  EXPECT_EQ(c.BaselineSize(), 2u);
  const std::string saved = c.SerializeBaseline();
  EXPECT_NE(saved.find("1.1.1.1"), std::string::npos) << saved;
  EXPECT_NE(saved.find("2.2.2.2"), std::string::npos) << saved;
}

TEST(TimeOutlierTest, TheHorizonIsOneDayPastTheDeliveryTimeElseTheClock) {
  auto rs = Build(kRules);
  // The file was delivered 2024-01-01 00:05: events up to 2024-01-02 00:05 are in, an
  // event one second later is an outlier, although the clock (2026) is far ahead.
  const std::string delivered = "AWSLogs/1/CloudTrail/us-east-1/2024/01/01/1_CloudTrail_us-east-1_20240101T0005Z_abc.json.gz";
  const std::vector<std::string> events = {Login(At("2024-01-02T00:05:00Z"), "1.1.1.1", "a"),
                                           Login(At("2024-01-02T00:05:01Z"), "1.1.1.1", "b")};
  Correlator by_file(rs, AsOf(1798761600000));  // 2027-01-01
  FeedAll(rs, by_file, events, delivered);
  EXPECT_EQ(by_file.future_events(), 1u);
  // Another name: the clock is the reference (2024-01-01 00:05 here, so the same cut).
  Correlator by_clock(rs, AsOf(1704067500000));
  FeedAll(rs, by_clock, events, "stream.jsonl");
  EXPECT_EQ(by_clock.future_events(), 1u);
  Correlator later_clock(rs, AsOf(kJan2 + 86400000));
  FeedAll(rs, later_clock, events, "stream.jsonl");
  EXPECT_EQ(later_clock.future_events(), 0u);
  // A file name dated after the clock is not trusted: the clock caps it.
  Correlator forged_name(rs, AsOf(1704067500000));
  FeedAll(rs, forged_name, events, "1_CloudTrail_us-east-1_20991231T2359Z_abc.json.gz");
  EXPECT_EQ(forged_name.future_events(), 1u);
  // Configurable: 1 hour, or no bound at all.
  CorrelatorOptions hour = AsOf(1704067500000);
  hour.max_future_ms = 3600 * 1000;
  Correlator tight(rs, hour);
  FeedAll(rs, tight, events, "stream.jsonl");
  EXPECT_EQ(tight.future_events(), 2u);
  CorrelatorOptions none = AsOf(1704067500000);
  none.max_future_ms = std::numeric_limits<int64_t>::max();
  Correlator unbounded(rs, none);
  FeedAll(rs, unbounded, events, "stream.jsonl");
  EXPECT_EQ(unbounded.future_events(), 0u);
}

// Without CorrelatorOptions::now_ms the system clock is the reference: the correlator
// reads it again only for an event its last reading refuses (the clock moves forward),
// so refusals and acceptances interleave as if it were read for each event.
TEST(TimeOutlierTest, TheSystemClockBoundsEventsWhenNoTimeIsGiven) {
  auto rs = Build(kRules);
  const int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::system_clock::now().time_since_epoch()).count();
  const std::string far = "32503680000000";  // the year 3000
  CorrelatorOptions options;
  ASSERT_EQ(options.now_ms, 0);
  Correlator c(rs, options);
  FeedAll(rs, c,
          {Login(far, "1.1.1.1", "a"), Login(std::to_string(now - 7200000), "1.1.1.1", "b"), Login(far, "1.1.1.1", "c"),
           Login(std::to_string(now - 3600000), "1.1.1.1", "d"), Login(std::to_string(now + 3600000), "1.1.1.1", "e"),
           Login(far, "1.1.1.1", "f")},
          "stream.jsonl");
  // Three in the year 3000; an hour ahead is within the default day.
  EXPECT_EQ(c.future_events(), 3u);
}

TEST(TimeOutlierTest, UnreadableTimesAreCountedAndReported) {
  auto rs = Build(kRules);
  Correlator c(rs, AsOf(kJan2));
  // 1e300 seconds was cast to an integer (undefined behaviour) and used as a time.
  const Fed got = FeedAll(rs, c,
                          {Login("1e300", "1.1.1.1"), Login(At("yesterday"), "1.1.1.1"), Login("true", "1.1.1.1"),
                           Login("1704103200", "1.1.1.1"), Login("1704103260000", "1.1.1.1")});
  EXPECT_EQ(got.ok, (std::vector<bool>{false, false, false, true, true}));
  EXPECT_EQ(c.untimed_events(), 3u);
  EXPECT_EQ(c.future_events(), 0u);
  // The two numeric times (unix seconds, then milliseconds, a minute apart) correlate.
  EXPECT_EQ(got.alerts, (std::vector<std::string>{"New address 0", "Burst 2"}));
}

// ---- baselines -------------------------------------------------------------------------

std::string Saved() {
  auto rs = Build(kRules);
  Correlator c(rs, AsOf(kJan2));
  FeedAll(rs, c, kStream);
  return c.SerializeBaseline();
}

TEST(BaselineEndLineTest, TruncationAtALineBoundaryIsRefused) {
  auto rs = Build(kRules);
  const std::string text = Saved();
  ASSERT_EQ(std::count(text.begin(), text.end(), '\n'), 5) << text;  // header, rule, 2 values, end
  {
    Correlator whole(rs);
    ASSERT_TRUE(whole.RestoreBaseline(text, "b").ok());
    EXPECT_EQ(whole.BaselineSize(), 2u);
  }
  // Cut after the 4th line: the end line is gone.
  std::string cut = text.substr(0, text.rfind("{\"vigil_baseline_end\""));
  Correlator c(rs);
  EXPECT_EQ(c.RestoreBaseline(cut, "b").message(),
            "b:4: truncated: the end line {\"vigil_baseline_end\":...} is missing; nothing of the file was "
            "used (restore it from a copy, or remove it to learn from scratch)");
  EXPECT_EQ(c.BaselineSize(), 0u);
  // A line lost in the middle: the end line disagrees.
  const size_t third = text.find('\n', text.find('\n', text.find('\n') + 1) + 1) + 1;
  const std::string holed = text.substr(0, text.find('\n', text.find('\n') + 1) + 1) + text.substr(third);
  Status s = c.RestoreBaseline(holed, "b");
  EXPECT_EQ(s.message().rfind("b:4: damaged: the end line counts 4 lines and ", 0), 0u) << s.message();
  // Anything after the end line.
  EXPECT_EQ(c.RestoreBaseline(text + "{\"rule\":\"x\"}\n", "b").message(),
            "b:6: content after the end line {\"vigil_baseline_end\":...}");
  EXPECT_EQ(c.BaselineSize(), 0u);
  // A version 1 file (written before the end line existed) is still read.
  const std::string v1 = "{\"vigil_baseline\":1}\n{\"rule\":\"r\",\"group\":[null],\"value\":[\"x\"],"
                         "\"first\":\"2024-01-01T00:00:00Z\",\"last\":\"2024-01-01T00:00:00Z\"}\n";
  EXPECT_TRUE(c.RestoreBaseline(v1, "old").ok());
  EXPECT_EQ(c.BaselineSize(), 1u);
}

// Found by fuzz_baseline: retention_seconds was multiplied by 1000 without a bound, a
// signed overflow (UBSan) for values past 9.2e15.
TEST(BaselineEndLineTest, RetentionBeyondTheMillisecondRangeIsRefused) {
  auto rs = Build(kRules);
  Correlator c(rs);
  const std::string head = "{\"vigil_baseline\":1}\n{\"rule\":\"r\",\"learning_since\":\"2024-01-01T00:00:00Z\",";
  EXPECT_EQ(c.RestoreBaseline(head + "\"retention_seconds\":36011704067200000}\n", "b").message(),
            "b:2: \"retention_seconds\" must be a non-negative integer of at most 9223372036854775");
  EXPECT_TRUE(c.RestoreBaseline(head + "\"retention_seconds\":9223372036854775}\n", "b").ok());
}

TEST(BaselineReadTest, ReadingIsBoundedAndOnlyRegularFiles) {
  auto rs = Build(kRules);
  Correlator c(rs);
  // /dev/zero was read without end (the process aborted): refused before any byte.
  EXPECT_EQ(c.LoadBaseline("/dev/zero").message(), "cannot read baseline /dev/zero: not a regular file");
  testing::TempDir dir;
  EXPECT_EQ(c.LoadBaseline(dir.path()).message(), "cannot read baseline " + dir.path() + ": not a regular file");
  const std::string path = dir.path() + "/big.jsonl";
  std::ofstream(path) << Saved();
  CorrelatorOptions small;
  small.max_baseline_bytes = 100;
  Correlator bounded(rs, small);
  EXPECT_EQ(bounded.LoadBaseline(path).message(),
            "baseline " + path + " is larger than the limit of 100 bytes");
  EXPECT_EQ(bounded.BaselineSize(), 0u);
  EXPECT_TRUE(c.LoadBaseline(path).ok());
  EXPECT_EQ(c.BaselineSize(), 2u);
}

TEST(BaselineSaveTest, ASymlinkIsFollowedAndTheModeKept) {
  testing::TempDir dir;
  const std::string target = dir.path() + "/shared/baseline.jsonl";
  const std::string link = dir.path() + "/baseline.jsonl";
  std::filesystem::create_directories(dir.path() + "/shared");
  std::ofstream(target) << "{\"vigil_baseline\":1}\n";
  ASSERT_EQ(chmod(target.c_str(), 0640), 0);
  ASSERT_EQ(symlink("shared/baseline.jsonl", link.c_str()), 0);
  auto rs = Build(kRules);
  Correlator c(rs, AsOf(kJan2));
  ASSERT_TRUE(c.LoadBaseline(link).ok());
  FeedAll(rs, c, kStream);
  ASSERT_TRUE(c.SaveBaseline(link).ok());
  EXPECT_TRUE(std::filesystem::is_symlink(link));  // was replaced by a regular file
  struct stat st;
  ASSERT_EQ(stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0640u);  // was 0600
  Correlator again(rs);
  ASSERT_TRUE(again.LoadBaseline(target).ok());
  EXPECT_EQ(again.BaselineSize(), 2u);
  // A link to a missing file is refused, not replaced by a regular file.
  const std::string dangling = dir.path() + "/dangling.jsonl";
  ASSERT_EQ(symlink("nowhere/b.jsonl", dangling.c_str()), 0);
  Status s = c.SaveBaseline(dangling);
  EXPECT_EQ(s.message(), "cannot follow the symbolic link " + dangling + ": No such file or directory");
  EXPECT_TRUE(std::filesystem::is_symlink(dangling));
}

}  // namespace
}  // namespace vigil
