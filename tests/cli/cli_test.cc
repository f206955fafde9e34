// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The `vigil` command as a user runs it: exit statuses, jsonl output on the bundled
// sample logs (checked against the generator's manifest), rule errors with
// positions, malformed input reported without losing the rest, and a pipe that the
// reader closes early.

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace {

struct Proc {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line; stdout captured, stderr captured through a temp file.
Proc Sh(const std::string& cmd) {
  // ctest runs tests as parallel processes: each call gets its own stderr file.
  static int calls = 0;
  const std::string err_file = ::testing::TempDir() + "/vigil_cli_stderr." +
                               std::to_string(getpid()) + "." + std::to_string(++calls) + ".txt";
  Proc r;
  FILE* p = popen(("bash -c '" + cmd + "' 2>" + err_file).c_str(), "r");
  if (!p) return r;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  const int st = pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  std::ifstream e(err_file);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  return r;
}

const std::string kVigil = VIGIL_CLI_PATH;
const std::string kSrc = VIGIL_SOURCE_DIR;

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CliTest, HelpAndUsageErrors) {
  Proc h = Sh(kVigil + " scan --help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("exit status"), std::string::npos);
  EXPECT_NE(h.out.find("--format"), std::string::npos);
  EXPECT_EQ(Sh(kVigil + " scan --format xml").status, 2);
  EXPECT_EQ(Sh(kVigil + " scan --bogus").status, 2);
  EXPECT_EQ(Sh(kVigil + " frobnicate").status, 2);
  EXPECT_EQ(Sh(kVigil).status, 2);
}

TEST(CliTest, JsonlOnTheSampleLogsMatchesTheGeneratorManifest) {
  Proc r = Sh("cd " + kSrc + " && " + kVigil + " scan --format jsonl examples/logs");
  ASSERT_EQ(r.status, 0) << r.err;
  // Expected matches per rule title, from the generator's manifest.
  simdjson::dom::parser mp;
  simdjson::dom::element manifest;
  ASSERT_FALSE(mp.load(kSrc + "/examples/sample-manifest.json").get(manifest));
  std::map<std::string, int64_t> expected;
  int64_t total = 0;
  for (auto kv : manifest["expected_rule_matches"].get_object()) {
    expected[std::string(kv.key)] = int64_t(kv.value);
    total += int64_t(kv.value);
  }
  ASSERT_GT(total, 0);
  const auto lines = Lines(r.out);
  EXPECT_EQ(static_cast<int64_t>(lines.size()), total);
  simdjson::dom::parser p;
  std::map<std::string, int64_t> by_file_stem;
  for (const auto& l : lines) {
    simdjson::dom::element m;
    ASSERT_FALSE(p.parse(l).get(m)) << l;
    for (const char* key : {"rule_id", "rule_title", "level", "author", "file"}) {
      std::string_view v;
      EXPECT_FALSE(m[key].get_string().get(v)) << key << " in " << l;
      EXPECT_FALSE(v.empty()) << key;
    }
    EXPECT_TRUE(m["tags"].is_array());
    int64_t record;
    ASSERT_FALSE(m["record"].get_int64().get(record));
    EXPECT_GE(record, 0);
    simdjson::dom::object ev;
    ASSERT_FALSE(m["event"].get_object().get(ev)) << "event must be the record object";
    std::string_view name;
    EXPECT_FALSE(ev["eventName"].get_string().get(name));
    std::string_view file;
    ASSERT_FALSE(m["file"].get_string().get(file));
    EXPECT_EQ(file.rfind("examples/logs/AWSLogs/", 0), 0u) << file;
    EXPECT_EQ(file.find("CloudTrail-Digest"), std::string_view::npos);
  }
  EXPECT_NE(r.err.find("2500 events"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0 errors"), std::string::npos) << r.err;
}

TEST(CliTest, TableIsAlignedAndSummarised) {
  Proc r = Sh("cd " + kSrc + " && " + kVigil + " scan --format table examples/logs");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_GT(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("LEVEL", 0), 0u);
  const size_t rule_col = lines[0].find("RULE");
  const size_t time_col = lines[0].find("TIME");
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].substr(time_col, 4), "2026") << lines[i];  // the TIME column lines up
    EXPECT_NE(lines[i][rule_col], ' ');
  }
  EXPECT_NE(r.err.find("matches ("), std::string::npos) << r.err;
}

TEST(CliTest, BrokenRulesExitTwoWithPositions) {
  const std::string dir = ::testing::TempDir() + "/cli_rules";
  Sh("rm -rf " + dir + " && mkdir -p " + dir);
  WriteTemp("cli_rules/good.yml",
            "title: ok\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: X}\n  condition: s\n");
  WriteTemp("cli_rules/bad.yml",
            "title: bad\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s:\n    eventName|contians: X\n  condition: s\n");
  Proc r = Sh("echo \"{}\" | " + kVigil + " scan --rules " + dir + " -");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(dir + "/bad.yml:5:15: error: unknown modifier 'contians'"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  Proc k = Sh("echo \"{\\\"eventName\\\":\\\"X\\\"}\" | " + kVigil + " scan --skip-bad-rules --format jsonl --rules " + dir + " -");
  EXPECT_EQ(k.status, 0) << k.err;
  EXPECT_EQ(Lines(k.out).size(), 1u);
}

TEST(CliTest, MalformedLinesAreReportedAndEverythingElseIsScanned) {
  const std::string rules = WriteTemp("cli_stop.yml",
      "title: stop\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: StopLogging}\n  condition: s\n");
  const std::string input = WriteTemp("cli_input.jsonl",
      "{\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\",\"eventTime\":\"2024-01-01T00:00:00Z\"}\n"
      "{\"eventName\":\"StopLogging\",broken\n"
      "{\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\",\"eventTime\":\"2024-01-01T00:00:01Z\"}\n");
  Proc r = Sh(kVigil + " scan --format jsonl --rules " + rules + " " + input);
  EXPECT_EQ(r.status, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out << r.err;
  EXPECT_NE(lines[0].find("\"record\":0"), std::string::npos);
  EXPECT_NE(lines[1].find("\"record\":2"), std::string::npos);
  EXPECT_NE(r.err.find(input + ":2"), std::string::npos) << r.err;  // file and line of the bad one
  EXPECT_NE(r.err.find("1 errors"), std::string::npos) << r.err;
}

TEST(CliTest, ReaderClosingThePipeEndsCleanly) {
  // Many matches, a reader that takes one line: vigil must stop without an error.
  Proc r = Sh("cd " + kSrc + " && set -o pipefail; " + kVigil +
             " scan --format jsonl examples/logs examples/logs examples/logs | head -n 1; echo \"status=${PIPESTATUS[0]}\"");
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[1], "status=0");
}

}  // namespace
