// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil scan` with correlation rules: the jsonl alert format, generate semantics
// (base rule matches hidden or shown), the table rows, the lateness bound (events too
// far out of time order dropped and counted; alerts printed as soon as time closes
// their window), and the same output whatever the number of threads.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "cli/cli_testing.h"
#include "support/shared_data.h"

namespace {

using vigil::cli_testing::Proc;
// Runs a command line with bash; stdout is captured (add 2>&1 to capture stderr too).
using vigil::cli_testing::Sh;

const std::string kVigil = VIGIL_CLI_PATH;
const std::string kSrc = VIGIL_SOURCE_DIR;
const std::string kSuzaku = std::string(VIGIL_SHARED_DIR) + "/corpus/sigma/suzaku-cloudtrail";

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string Rules(const std::string& generate) {
  return "title: Failed\nname: Failed\nid: 11111111-1111-4111-8111-111111111111\nlevel: low\n"
         "logsource:\n  product: aws\n  service: cloudtrail\n"
         "detection:\n  s:\n    eventName: ConsoleLogin\n  condition: s\n---\n"
         "title: Burst\nid: 22222222-2222-4222-8222-222222222222\nlevel: high\n"
         "correlation:\n  type: event_count\n  rules: [Failed]\n  group-by: [sourceIPAddress]\n"
         "  timespan: 1m\n  condition:\n    gte: 2\n" +
         generate;
}

const char* kEvents =
    "{\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2024-01-01T00:00:30Z\",\"sourceIPAddress\":\"1.2.3.4\"}\n"
    "{\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2024-01-01T00:00:00Z\",\"sourceIPAddress\":\"1.2.3.4\"}\n"
    "{\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2024-01-01T00:05:00Z\",\"sourceIPAddress\":\"1.2.3.4\"}\n";

TEST(ScanCorrelationTest, JsonlAlertsAndGenerateFalse) {
  const std::string rules = WriteTemp("corr_rules.yml", Rules(""));
  const std::string events = WriteTemp("corr_events.jsonl", kEvents);
  Proc r = Sh(kVigil + " scan -q --format jsonl --rules " + rules + " " + events);
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out,
            "{\"correlation_id\":\"22222222-2222-4222-8222-222222222222\",\"correlation_title\":\"Burst\","
            "\"level\":\"high\",\"type\":\"event_count\",\"group\":{\"sourceIPAddress\":\"1.2.3.4\"},"
            "\"window_start\":\"2024-01-01T00:00:00.000Z\",\"window_end\":\"2024-01-01T00:00:30.000Z\","
            "\"value\":2,\"events\":[{\"file\":\"" + events + "\",\"record\":1},{\"file\":\"" + events +
            "\",\"record\":0}]}\n");
}

TEST(ScanCorrelationTest, GenerateTrueKeepsTheBaseMatches) {
  const std::string rules = WriteTemp("corr_rules_gen.yml", Rules("  generate: true\n"));
  const std::string events = WriteTemp("corr_events2.jsonl", kEvents);
  Proc r = Sh(kVigil + " scan -q --format jsonl --rules " + rules + " " + events);
  EXPECT_EQ(r.status, 0);
  size_t base = 0, corr = 0;
  std::istringstream in(r.out);
  for (std::string l; std::getline(in, l);) {
    base += l.rfind("{\"rule_id\"", 0) == 0;
    corr += l.rfind("{\"correlation_id\"", 0) == 0;
  }
  EXPECT_EQ(base, 3u);
  EXPECT_EQ(corr, 1u);
  Proc t = Sh(kVigil + " scan -q --format table --rules " + rules + " " + events);
  EXPECT_NE(t.out.find("Burst"), std::string::npos);
  EXPECT_NE(t.out.find("event_count=2"), std::string::npos);
}

TEST(ScanCorrelationTest, SuzakuOnTheSampleLogsSameOutputWhateverTheThreads) {
  VIGIL_SKIP_WITHOUT_SHARED("corpus/sigma/suzaku-cloudtrail");
  // The sample logs are an S3 export of three regions. Their files are read in
  // delivery time, not region after region, so event time is in order to within
  // minutes: the default 15 minutes finds what holding everything finds, the same
  // output line for line, and no event is late.
  const std::string scan = "cd " + kSrc + " && " + kVigil + " scan --format jsonl --rules " +
                           kSuzaku + " examples/logs";
  Proc all = Sh(scan + " -q -j 1 --lateness inf");
  EXPECT_EQ(all.status, 0);
  size_t alerts = 0;
  std::istringstream in(all.out);
  for (std::string l; std::getline(in, l);) alerts += l.rfind("{\"correlation_id\"", 0) == 0;
  EXPECT_EQ(alerts, 4u);
  EXPECT_EQ(Sh(scan + " -q -j 4 --lateness inf").out, all.out);
  for (const char* threads : {"1", "4"}) {
    Proc dflt = Sh(scan + " -q -j " + threads);
    EXPECT_EQ(dflt.status, 0) << "-j " << threads;
    EXPECT_EQ(dflt.out, all.out) << "-j " << threads;
    // suzaku's correlations name their rules by title: a warning each at load, and the
    // summary lists them again (docs/sigma-conformance.md).
    Proc summary =
        Sh(scan + " -j " + threads +
           " 2>&1 >/dev/null | grep -v -F -e \" events in \" -e \"[reference-by-title]\"");
    std::string by_title;
    for (const char* at : {"aws_cloudtrail_iam_persistence_chain.yml:27:11",
                           "aws_cloudtrail_iam_persistence_chain.yml:28:11",
                           "aws_cloudtrail_many_access_denied.yml:27:11",
                           "aws_cloudtrail_many_failed_logins.yml:21:11",
                           "aws_cloudtrail_many_recon_events.yml:21:11",
                           "aws_cloudtrail_s3_enum_after_getcalleridentity.yml:28:11",
                           "aws_cloudtrail_s3_enum_after_getcalleridentity.yml:29:11"}) {
      by_title += (by_title.empty() ? "" : ", ") + kSuzaku + "/" + at;
    }
    EXPECT_EQ(summary.out,
              "vigil: 5 correlation rules: 4 alerts; 296 matches of their base rules not shown "
              "(generate: false)\nvigil: warning: 7 correlation references name a rule by its "
              "title, which the Sigma specification does not allow (id or name only) and other "
              "Sigma tools do not resolve: " +
                  by_title + "\n")
        << "-j " << threads;
    EXPECT_EQ(
        Sh(scan + " -j " + threads + " 2>&1 >/dev/null | grep -c -F \"[reference-by-title]\"").out,
        "7\n");
  }
}

// A ConsoleLogin from `ip` at 2024-01-01T`hms`Z.
std::string Login(const std::string& hms, const std::string& ip) {
  return "{\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\",\"eventTime\":"
         "\"2024-01-01T" + hms + "Z\",\"sourceIPAddress\":\"" + ip + "\"}\n";
}

// The jsonl line of a Burst alert (Rules()) for `ip` over `events` (file, record).
std::string BurstAlert(const std::string& ip, const std::string& start, const std::string& end,
                       const std::vector<std::pair<std::string, int>>& events) {
  std::string s =
      "{\"correlation_id\":\"22222222-2222-4222-8222-222222222222\",\"correlation_title\":\"Burst\","
      "\"level\":\"high\",\"type\":\"event_count\",\"group\":{\"sourceIPAddress\":\"" + ip + "\"},"
      "\"window_start\":\"2024-01-01T" + start + ".000Z\",\"window_end\":\"2024-01-01T" + end +
      ".000Z\",\"value\":" + std::to_string(events.size()) + ",\"events\":[";
  for (size_t i = 0; i < events.size(); ++i) {
    s += std::string(i ? "," : "") + "{\"file\":\"" + events[i].first +
         "\",\"record\":" + std::to_string(events[i].second) + "}";
  }
  return s + "]}\n";
}

// A folder whose files are read in the opposite order of their event times: a.jsonl
// (read first) has 1.1.1.1's logins at 00:10, b.jsonl 2.2.2.2's at 00:00.
std::string OutOfOrderDir() {
  const std::string dir = ::testing::TempDir() + "/corr_out_of_order";
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/a.jsonl") << Login("00:10:00", "1.1.1.1") << Login("00:10:20", "1.1.1.1");
  std::ofstream(dir + "/b.jsonl") << Login("00:00:00", "2.2.2.2") << Login("00:00:10", "2.2.2.2");
  return dir;
}

TEST(ScanCorrelationTest, LatenessInfHoldsEveryEventToTheEnd) {
  const std::string rules = WriteTemp("corr_rules_late_inf.yml", Rules(""));
  const std::string dir = OutOfOrderDir();
  const std::string a = dir + "/a.jsonl", b = dir + "/b.jsonl";
  const std::string expected =
      BurstAlert("2.2.2.2", "00:00:00", "00:00:10", {{b, 0}, {b, 1}}) +
      BurstAlert("1.1.1.1", "00:10:00", "00:10:20", {{a, 0}, {a, 1}});
  for (const char* lateness : {"inf", "all", "15m", "900s", "1h"}) {
    Proc r = Sh(kVigil + " scan -q -j 1 --format jsonl --lateness " + lateness + " --rules " + rules +
                " " + dir);
    EXPECT_EQ(r.status, 0) << lateness;
    EXPECT_EQ(r.out, expected) << lateness;
  }
  // Nothing was late: no line about late events in the summary.
  Proc err = Sh(kVigil + " scan -j 1 --format jsonl --lateness inf --rules " + rules + " " + dir +
                " 2>&1 >/dev/null");
  EXPECT_EQ(err.out.find("lateness"), std::string::npos) << err.out;
}

TEST(ScanCorrelationTest, LatenessZeroDropsAndCountsOutOfOrderEvents) {
  const std::string rules = WriteTemp("corr_rules_late_0.yml", Rules(""));
  const std::string dir = OutOfOrderDir();
  const std::string a = dir + "/a.jsonl";
  // 10 minutes: b.jsonl's logins are 10:10 and 10:20 behind 00:10:20, still late.
  for (const char* lateness : {"0", "10m"}) {
    Proc r = Sh(kVigil + " scan -q -j 1 --format jsonl --lateness " + lateness + " --rules " + rules +
                " " + dir);
    EXPECT_EQ(r.status, 0) << lateness;
    EXPECT_EQ(r.out, BurstAlert("1.1.1.1", "00:10:00", "00:10:20", {{a, 0}, {a, 1}})) << lateness;
    Proc err = Sh(kVigil + " scan -j 1 --format jsonl --lateness " + lateness + " --rules " + rules +
                  " " + dir + " 2>&1 >/dev/null | grep -v \" events in \"");
    EXPECT_EQ(err.out,
              "vigil: 1 correlation rules: 1 alerts; 4 matches of their base rules not shown "
              "(generate: false)\n"
              "vigil: 2 events arrived later than the lateness bound (--lateness " +
                  std::string(lateness) + ") and were not correlated\n");
  }
  // One late event: singular.
  const std::string one = ::testing::TempDir() + "/corr_one_late.jsonl";
  std::ofstream(one) << Login("00:00:30", "1.2.3.4") << Login("00:00:00", "1.2.3.4")
                     << Login("00:00:40", "1.2.3.4");
  Proc r = Sh(kVigil + " scan -j 1 --format jsonl --lateness 0 --rules " + rules + " " + one +
              " 2>&1 | grep -v \" events in \"");
  EXPECT_EQ(r.out, BurstAlert("1.2.3.4", "00:00:30", "00:00:40", {{one, 0}, {one, 2}}) +
                       "vigil: 1 correlation rules: 1 alerts; 3 matches of their base rules not "
                       "shown (generate: false)\n"
                       "vigil: 1 event arrived later than the lateness bound (--lateness 0) and "
                       "was not correlated\n");
}

TEST(ScanCorrelationTest, AlertIsPrintedAsSoonAsEventTimeClosesItsWindow) {
  const std::string rules = WriteTemp(
      "corr_rules_stream.yml",
      Rules("") +
          "---\ntitle: Trail Stopped\nid: 33333333-3333-4333-8333-333333333333\nlevel: medium\n"
          "logsource:\n  product: aws\n  service: cloudtrail\n"
          "detection:\n  s:\n    eventName: StopLogging\n  condition: s\n");
  const std::string dir = ::testing::TempDir() + "/corr_stream";
  std::filesystem::create_directories(dir);
  const std::string stop_a =
      "{\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\","
      "\"eventTime\":\"2024-01-01T00:00:40Z\"}";
  const std::string stop_b =
      "{\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\","
      "\"eventTime\":\"2024-01-01T01:00:05Z\"}";
  std::ofstream(dir + "/a.jsonl") << Login("00:00:00", "1.1.1.1") << Login("00:00:30", "1.1.1.1")
                                  << stop_a << "\n";
  // b.jsonl's login (an hour later, another address) moves event time past the burst's
  // events by more than the lateness: the alert comes out before b.jsonl's match.
  std::ofstream(dir + "/b.jsonl") << Login("01:00:00", "3.3.3.3") << stop_b << "\n";
  const std::string a = dir + "/a.jsonl", b = dir + "/b.jsonl";
  auto trail = [](const std::string& file, int record, const std::string& event) {
    return "{\"rule_id\":\"33333333-3333-4333-8333-333333333333\",\"rule_title\":\"Trail Stopped\","
           "\"level\":\"medium\",\"status\":\"\",\"tags\":[],\"author\":\"\",\"file\":\"" +
           file + "\",\"record\":" + std::to_string(record) + ",\"event\":" + event + "}\n";
  };
  const std::string alert = BurstAlert("1.1.1.1", "00:00:00", "00:00:30", {{a, 0}, {a, 1}});
  for (const char* threads : {"1", "4"}) {
    Proc streamed = Sh(kVigil + " scan -q -j " + threads + " --format jsonl --rules " + rules + " " + dir);
    EXPECT_EQ(streamed.status, 0);
    EXPECT_EQ(streamed.out, trail(a, 2, stop_a) + alert + trail(b, 1, stop_b)) << "-j " << threads;
    Proc held = Sh(kVigil + " scan -q -j " + threads + " --format jsonl --lateness inf --rules " + rules +
                   " " + dir);
    EXPECT_EQ(held.out, trail(a, 2, stop_a) + trail(b, 1, stop_b) + alert) << "-j " << threads;
  }
}

TEST(ScanCorrelationTest, LatenessSameOutputWhateverTheThreads) {
  const std::string rules = WriteTemp("corr_rules_late_j.yml", Rules("  generate: true\n"));
  const std::string dir = OutOfOrderDir();
  for (const char* lateness : {"0", "15m", "inf"}) {
    for (const char* format : {"jsonl", "table"}) {
      const std::string args = std::string(" --format ") + format + " --lateness " + lateness +
                               " --rules " + rules + " " + dir + " 2>&1 | grep -v \" events in \"";
      Proc one = Sh(kVigil + " scan -j 1" + args);
      Proc four = Sh(kVigil + " scan -j 4" + args);
      EXPECT_EQ(one.out, four.out) << lateness << " " << format;
      EXPECT_NE(one.out.find("Burst"), std::string::npos) << lateness << " " << format;
    }
  }
}

TEST(ScanCorrelationTest, BadLatenessIsAUsageError) {
  for (const char* bad : {"15", "-5m", "15x", "m", "soon", "1000000000s", "\"\""}) {
    Proc r = Sh(kVigil + " scan --lateness " + bad + " /dev/null 2>&1");
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_NE(r.out.find("vigil: --lateness needs a duration such as 15m, 900s or 2h, 0 (no "
                         "reordering) or inf (hold every event to the end)"),
              std::string::npos)
        << bad << ": " << r.out;
  }
  Proc r = Sh(kVigil + " scan --lateness 15x /dev/null 2>&1");
  EXPECT_EQ(r.out,
            "vigil: --lateness needs a duration such as 15m, 900s or 2h, 0 (no reordering) or inf "
            "(hold every event to the end), not '15x'\n(see vigil scan --help)\n");
  Proc missing = Sh(kVigil + " scan --lateness 2>&1");
  EXPECT_EQ(missing.status, 2);
  Proc help = Sh(kVigil + " scan --help");
  EXPECT_NE(help.out.find("--lateness DURATION"), std::string::npos);
  EXPECT_NE(help.out.find("is not correlated"), std::string::npos);
}

TEST(ScanCorrelationTest, BaselineCarriesFirstSeenBetweenRuns) {
  const std::string rules = WriteTemp(
      "first_seen_rules.yml",
      "title: Login\nname: Login\nid: 33333333-3333-4333-8333-333333333333\nlevel: low\n"
      "detection:\n  s:\n    eventName: ConsoleLogin\n  condition: s\n---\n"
      "title: New address\nid: 44444444-4444-4444-8444-444444444444\nlevel: medium\n"
      "correlation:\n  type: first_seen\n  rules: [Login]\n  group-by: [user]\n  timespan: 30d\n"
      "  learning: 1d\n  condition:\n    field: sourceIPAddress\n");
  auto login = [](const std::string& day, const std::string& ip) {
    return "{\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2024-01-" + day +
           "T10:00:00Z\",\"user\":\"alice\",\"sourceIPAddress\":\"" + ip + "\"}\n";
  };
  const std::string dir = ::testing::TempDir() + "/baseline_cli";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string baseline = dir + "/seen.jsonl";
  const std::string day1 = WriteTemp("day1.jsonl", login("01", "1.1.1.1") + login("01", "2.2.2.2"));
  const std::string day5 = WriteTemp("day5.jsonl", login("05", "2.2.2.2") + login("05", "3.3.3.3"));
  const std::string cmd = kVigil + " scan -q --format jsonl --baseline " + baseline + " --rules " + rules + " ";
  // Day 1 is learning: no alert, and the baseline file appears.
  Proc first = Sh(cmd + day1);
  EXPECT_EQ(first.status, 0);
  EXPECT_EQ(first.out, "");
  ASSERT_TRUE(std::filesystem::exists(baseline));
  // Day 5, a separate run: 2.2.2.2 is remembered, 3.3.3.3 is new.
  Proc second = Sh(cmd + day5);
  EXPECT_EQ(second.status, 0);
  EXPECT_EQ(second.out,
            "{\"correlation_id\":\"44444444-4444-4444-8444-444444444444\",\"correlation_title\":\"New address\","
            "\"level\":\"medium\",\"type\":\"first_seen\",\"group\":{\"user\":\"alice\"},"
            "\"window_start\":\"2024-01-05T10:00:00.000Z\",\"window_end\":\"2024-01-05T10:00:00.000Z\","
            "\"value\":2,\"subject\":{\"sourceIPAddress\":\"3.3.3.3\"},\"events\":[{\"file\":\"" +
                day5 + "\",\"record\":1}]}\n");
  // A damaged baseline stops the scan before anything is overwritten.
  std::ofstream(baseline) << "{\"vigil_baseline\":1}\n{broken\n";
  Proc broken = Sh(kVigil + " scan -q --format jsonl --baseline " + baseline + " --rules " + rules + " " + day5 +
                   " 2>&1");
  EXPECT_EQ(broken.status, 2);
  EXPECT_EQ(broken.out.rfind("vigil: " + baseline + ":2: not valid JSON", 0), 0u) << broken.out;
  std::ifstream in(baseline);
  std::stringstream kept;
  kept << in.rdbuf();
  EXPECT_EQ(kept.str(), "{\"vigil_baseline\":1}\n{broken\n");
}

}  // namespace
