// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil scan` and the time and baseline invariants (issue 13, items 7 and 8): a forged
// future eventTime no longer silences correlation and is reported; --max-future; a
// scan holds an exclusive lock on its --baseline; findings are printed even when the
// baseline cannot be saved.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cli/cli_testing.h"
#include "support/shared_data.h"

namespace {

using vigil::cli_testing::Proc;
// Runs a command line with bash; stdout is captured (add 2>&1 to capture stderr too).
using vigil::cli_testing::Sh;

const std::string kVigil = VIGIL_CLI_PATH;
const std::string kSrc = VIGIL_SOURCE_DIR;
const std::string kLogs = kSrc + "/examples/logs";

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = TempPath(name);
  std::ofstream(path) << text;
  return path;
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

// A failed console sign-in dated 2099, which the bundled pack's correlations use.
const char* kForged =
    "{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"AIDAX\","
    "\"arn\":\"arn:aws:iam::641826429272:user/x\",\"accountId\":\"641826429272\",\"userName\":\"x\"},"
    "\"eventTime\":\"2099-01-01T00:00:00Z\",\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\","
    "\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"203.0.113.9\",\"userAgent\":\"Mozilla\","
    "\"errorMessage\":\"Failed authentication\",\"requestParameters\":null,"
    "\"responseElements\":{\"ConsoleLogin\":\"Failure\"},\"eventType\":\"AwsConsoleSignIn\","
    "\"recipientAccountId\":\"641826429272\"}\n";

TEST(ScanTimeTest, AForgedFutureEventNoLongerSilencesTheSampleLogs) {
  const std::string forged = WriteTemp("forged_2099.json", kForged);
  Proc plain = Sh(kVigil + " scan -q --format jsonl " + kLogs);
  ASSERT_EQ(plain.status, 0);
  const size_t alerts = Count(plain.out, "{\"correlation_id\":");
  ASSERT_EQ(alerts, 2u) << plain.out;
  // The forged record first: every later event used to be "late", and 0 alerts came out.
  Proc with = Sh(kVigil + " scan -q --format jsonl " + forged + " " + kLogs);
  EXPECT_EQ(with.status, 0);
  EXPECT_EQ(Count(with.out, "{\"correlation_id\":"), alerts) << with.out;
  // The summary says what happened.
  Proc summary = Sh(kVigil + " scan --format jsonl " + forged + " " + kLogs + " 2>&1 >/dev/null");
  EXPECT_NE(summary.out.find("vigil: warning: 1 event dated more than 1d after its file's delivery time (or the "
                             "clock): a time outlier, printed if matched but not correlated (--max-future)\n"),
            std::string::npos)
      << summary.out;
  EXPECT_EQ(summary.out.find("later than the lateness bound"), std::string::npos) << summary.out;
  // --max-future inf is the old behaviour, kept for replays of synthetic data.
  Proc unbounded = Sh(kVigil + " scan -q --format jsonl --max-future inf " + forged + " " + kLogs);
  EXPECT_EQ(Count(unbounded.out, "{\"correlation_id\":"), 0u);
}

TEST(ScanTimeTest, AForgedFutureEventNoLongerShrinksTheBaseline) {
  const std::string forged = WriteTemp("forged_2099_b.json", kForged);
  const std::string a = TempPath("shrink_a.jsonl"), b = TempPath("shrink_b.jsonl");
  std::filesystem::remove(a);
  std::filesystem::remove(b);
  ASSERT_EQ(Sh(kVigil + " scan -q --format jsonl --baseline " + a + " " + kLogs).status, 0);
  ASSERT_EQ(Sh(kVigil + " scan -q --format jsonl --baseline " + b + " " + forged + " " + kLogs).status, 0);
  const std::string ta = ReadAll(a), tb = ReadAll(b);
  EXPECT_EQ(Count(ta, "\n"), 14u) << ta;  // header, rule and value lines, end line
  EXPECT_EQ(tb.substr(tb.find('\n')), ta.substr(ta.find('\n')));  // all but the save time
}

TEST(ScanTimeTest, MaxFutureOption) {
  const std::string rules = WriteTemp(
      "max_future_rules.yml",
      "title: Failed\nid: 11111111-1111-4111-8111-111111111111\nlevel: low\n"
      "detection:\n  s:\n    eventName: ConsoleLogin\n  condition: s\n---\n"
      "title: Burst\nid: 22222222-2222-4222-8222-222222222222\nlevel: high\n"
      "correlation:\n  type: event_count\n  rules: [Failed]\n  group-by: [sourceIPAddress]\n"
      "  timespan: 1m\n  condition:\n    gte: 2\n");
  // Dated 2 hours after the file's delivery time (2024-01-01 00:05).
  const std::string dir = TempPath("max_future_dir");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/1_CloudTrail_us-east-1_20240101T0005Z_abc.json")
      << "{\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2024-01-01T02:05:00Z\",\"sourceIPAddress\":\"1.2.3.4\"}\n"
         "{\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2024-01-01T02:05:30Z\",\"sourceIPAddress\":\"1.2.3.4\"}\n";
  const std::string cmd = kVigil + " scan --format jsonl --rules " + rules + " " + dir;
  Proc day = Sh(cmd + " 2>/dev/null");
  EXPECT_EQ(Count(day.out, "{\"correlation_id\":"), 1u) << day.out;
  Proc hour = Sh(cmd + " --max-future 1h 2>&1");
  EXPECT_EQ(Count(hour.out, "{\"correlation_id\":"), 0u) << hour.out;
  EXPECT_NE(hour.out.find("vigil: warning: 2 events dated more than 1h after their file's delivery time (or the "
                          "clock): time outliers, printed if matched but not correlated (--max-future)\n"),
            std::string::npos)
      << hour.out;
  Proc bad = Sh(kVigil + " scan --max-future soon /dev/null 2>&1");
  EXPECT_EQ(bad.status, 2);
  EXPECT_EQ(bad.out, "vigil: --max-future needs a duration such as 1d, 12h or 30m, or inf (no bound), not "
                     "'soon'\n(see vigil scan --help)\n");
}

TEST(ScanTimeTest, UnreadableEventTimesAreWarnedAbout) {
  const std::string rules = WriteTemp(
      "untimed_rules.yml",
      "title: Failed\nid: 11111111-1111-4111-8111-111111111111\nlevel: low\n"
      "detection:\n  s:\n    eventName: ConsoleLogin\n  condition: s\n---\n"
      "title: Burst\nid: 22222222-2222-4222-8222-222222222222\nlevel: high\n"
      "correlation:\n  type: event_count\n  rules: [Failed]\n  group-by: [sourceIPAddress]\n"
      "  timespan: 1m\n  condition:\n    gte: 2\n  generate: true\n");
  const std::string events = WriteTemp(
      "untimed.jsonl",
      "{\"eventName\":\"ConsoleLogin\",\"eventTime\":1e300,\"sourceIPAddress\":\"1.2.3.4\"}\n"
      "{\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2024-13-01T00:00:00Z\",\"sourceIPAddress\":\"1.2.3.4\"}\n");
  Proc r = Sh(kVigil + " scan --format jsonl --rules " + rules + " " + events + " 2>&1");
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(Count(r.out, "{\"rule_id\":"), 2u) << r.out;  // still matched and printed
  EXPECT_NE(r.out.find("vigil: warning: 2 events matched by correlations' rules had no readable eventTime: "
                       "printed if they matched, but not correlated\n"),
            std::string::npos)
      << r.out;
}

// ---- baselines ---------------------------------------------------------------------------

TEST(ScanBaselineTest, ASecondScanOfTheSameBaselineStops) {
  const std::string dir = TempPath("baseline_lock");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string baseline = dir + "/seen.jsonl";
  ASSERT_EQ(Sh(kVigil + " scan -q --format jsonl --baseline " + baseline + " " + kLogs).status, 0);
  const std::string before = ReadAll(baseline);
  // This process plays the first scan: it holds the lock.
  const int fd = open(baseline.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(flock(fd, LOCK_EX | LOCK_NB), 0);
  Proc second = Sh(kVigil + " scan --format jsonl --baseline " + baseline + " " + kLogs + " 2>&1");
  EXPECT_EQ(second.status, 2);
  EXPECT_EQ(second.out, "vigil: cannot use the baseline: " + baseline +
                            " is in use by another scan (it holds an exclusive lock on it until it ends)\n");
  EXPECT_EQ(ReadAll(baseline), before);
  close(fd);
  EXPECT_EQ(Sh(kVigil + " scan -q --format jsonl --baseline " + baseline + " " + kLogs).status, 0);
}

TEST(ScanBaselineTest, ConcurrentScansLoseNothing) {
  // Two scans at once on a missing baseline: one runs, the other stops (status 2); the
  // file is the whole baseline of the one that ran, never a mix or an empty file.
  const std::string dir = TempPath("baseline_race");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string baseline = dir + "/seen.jsonl";
  const std::string one = kVigil + " scan -q --format jsonl --baseline " + baseline + " " + kLogs + " >/dev/null";
  Proc r = Sh("(" + one + "; echo $? >" + dir + "/a) & (" + one + "; echo $? >" + dir + "/b) & wait");
  const std::string a = ReadAll(dir + "/a"), b = ReadAll(dir + "/b");
  EXPECT_TRUE((a == "0\n" && (b == "0\n" || b == "2\n")) || (b == "0\n" && a == "2\n")) << a << b;
  EXPECT_EQ(Count(ReadAll(baseline), "\n"), 14u);
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) files += e.path().filename() == "seen.jsonl";
  EXPECT_EQ(files, 1u);
}

TEST(ScanBaselineTest, FindingsArePrintedWhenTheBaselineCannotBeSaved) {
  // A folder nobody can create files in, root included (CI runs as root, where chmod
  // stops nothing): /proc/self/ of the vigil process.
  const std::string args = " scan --format table " + kLogs;
  Proc plain = Sh(kVigil + args + " 2>/dev/null");
  ASSERT_EQ(plain.status, 0);
  ASSERT_GT(Count(plain.out, "\n"), 10u);
  Proc failed = Sh(kVigil + args + " --baseline /proc/self/vigil-baseline.jsonl 2>/dev/null");
  EXPECT_EQ(failed.status, 1);
  EXPECT_EQ(failed.out, plain.out);  // was empty
  Proc err = Sh(kVigil + args + " --baseline /proc/self/vigil-baseline.jsonl 2>&1 >/dev/null");
  EXPECT_NE(err.out.find("vigil: the baseline was not saved: cannot create a temporary file for "
                         "/proc/self/vigil-baseline.jsonl: "),
            std::string::npos)
      << err.out;
  EXPECT_NE(err.out.find(" correlation rules: 2 alerts"), std::string::npos) << err.out;  // summary too
}

TEST(ScanBaselineTest, FindingsArePrintedWhenTheDiskIsFull) {
  // A full disk, for root too: a file size limit of 1 KiB (the baseline is 2.8 KB), with
  // SIGXFSZ ignored so that the write fails (EFBIG) instead of killing the process. The
  // table goes to a pipe, which the limit does not cover.
  const std::string dir = TempPath("baseline_full");
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string args = " scan --format table " + kLogs;
  Proc plain = Sh(kVigil + args + " 2>/dev/null");
  ASSERT_EQ(plain.status, 0);
  Proc full = Sh("trap \"\" XFSZ; ulimit -f 1; " + kVigil + args + " --baseline " + dir + "/b.jsonl 2>" + dir + "/err");
  EXPECT_EQ(full.status, 1);
  EXPECT_EQ(full.out, plain.out);  // was empty
  const std::string err = ReadAll(dir + "/err");
  EXPECT_NE(err.find("vigil: the baseline was not saved: cannot write " + dir + "/b.jsonl.tmp."), std::string::npos)
      << err;
  EXPECT_NE(err.find(": File too large\n"), std::string::npos) << err;
  // What was there (the empty baseline made when the scan locked it) is intact.
  Proc again = Sh(kVigil + " scan -q --format jsonl --baseline " + dir + "/b.jsonl " + kLogs + " >/dev/null");
  EXPECT_EQ(again.status, 0);
}

}  // namespace
