// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil scan` with correlation rules: the jsonl alert format, generate semantics
// (base rule matches hidden or shown), the table rows, and the same output whatever
// the number of threads.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "support/shared_data.h"

namespace {

struct Proc {
  int status = -1;
  std::string out;
};

Proc Sh(const std::string& cmd) {
  Proc r;
  FILE* p = popen(("bash -c '" + cmd + "' 2>/dev/null").c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

const std::string kVigil = VIGIL_CLI_PATH;
const std::string kSrc = VIGIL_SOURCE_DIR;
const std::string kSuzaku = std::string(VIGIL_SHARED_DIR) + "/corpus/sigma/suzaku-cloudtrail";

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

std::string Rules(const std::string& generate) {
  return "title: Failed\nid: 11111111-1111-4111-8111-111111111111\nlevel: low\n"
         "logsource:\n  product: aws\n  service: cloudtrail\n"
         "detection:\n  s:\n    eventName: ConsoleLogin\n  condition: s\n---\n"
         "title: Burst\nid: 22222222-2222-4222-8222-222222222222\nlevel: high\n"
         "correlation:\n  type: event_count\n  rules: [Failed]\n  group-by: [sourceIPAddress]\n"
         "  timespan: 1m\n  condition:\n    gte: 2\n" + generate;
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
  Proc one = Sh("cd " + kSrc + " && " + kVigil + " scan -q -j 1 --format jsonl --rules " + kSuzaku + " examples/logs");
  Proc four = Sh("cd " + kSrc + " && " + kVigil + " scan -q -j 4 --format jsonl --rules " + kSuzaku + " examples/logs");
  EXPECT_EQ(one.status, 0);
  EXPECT_EQ(one.out, four.out);
  size_t alerts = 0;
  std::istringstream in(one.out);
  for (std::string l; std::getline(in, l);) alerts += l.rfind("{\"correlation_id\"", 0) == 0;
  EXPECT_EQ(alerts, 4u);
}

}  // namespace
