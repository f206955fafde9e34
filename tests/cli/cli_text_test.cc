// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil scan` on hostile text and hostile timing (issue 13): lone surrogates, control
// characters in the table, file names that are not UTF-8 or hold newlines, Unicode
// line separators in jsonl, SIGTERM/SIGINT in the middle of a scan, and a live pipe
// whose findings must come out without waiting for more input.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

const std::string kVigil = VIGIL_CLI_PATH;
const std::string kSrc = VIGIL_SOURCE_DIR;

struct Outcome {
  int status = -1;  // exit status, or 128 + signal when killed by one
  std::string out, err;
};

// Runs vigil with `args` (no shell), `input` on stdin.
Outcome Vigil(const std::vector<std::string>& args, const std::string& input = "") {
  Outcome r;
  const std::string err_file = ::testing::TempDir() + "/vigil_text_err." + std::to_string(getpid());
  int in[2], out[2];
  if (::pipe(in) != 0 || ::pipe(out) != 0) return r;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(in[0], 0);
    ::dup2(out[1], 1);
    const int e = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(e, 2);
    ::close(in[1]);
    ::close(out[0]);
    std::vector<char*> argv{const_cast<char*>(kVigil.c_str())};
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(kVigil.c_str(), argv.data());
    ::_exit(127);
  }
  ::close(in[0]);
  ::close(out[1]);
  std::thread writer([&] {
    size_t done = 0;
    while (done < input.size()) {
      const ssize_t n = ::write(in[1], input.data() + done, input.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::close(in[1]);
  });
  char buf[65536];
  for (ssize_t n; (n = ::read(out[0], buf, sizeof buf)) > 0;) r.out.append(buf, static_cast<size_t>(n));
  ::close(out[0]);
  writer.join();
  int st = 0;
  ::waitpid(pid, &st, 0);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  std::ifstream e(err_file);
  std::stringstream ss;
  ss << e.rdbuf();
  r.err = ss.str();
  return r;
}

std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

// A StopLogging record of the bundled sample logs, with `user_agent` spliced in as
// JSON text (escapes included).
std::string StopLogging(const std::string& user_agent) {
  return R"({"eventVersion":"1.11","userIdentity":{"type":"IAMUser","principalId":"AIDA2RUB36J7PDEG34I5H","arn":"arn:aws:iam::641826429272:user/nina.novak","accountId":"641826429272","accessKeyId":"AKIA2RUB36J7O6BWUC36","userName":"nina.novak"},"eventTime":"2026-11-25T08:20:48Z","eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","awsRegion":"us-east-1","sourceIPAddress":"198.51.100.101","userAgent":")" +
         user_agent +
         R"(","requestParameters":{"name":"org-management-trail"},"responseElements":null,"requestID":"cc698c6a-98ab-4e50-bb56-0d84ea5eb723","eventID":"425da962-7883-4368-ab51-b509eb6f15ae","readOnly":false,"eventType":"AwsApiCall","managementEvent":true,"recipientAccountId":"641826429272","eventCategory":"Management"})";
}

std::vector<std::string> RuleIds(const std::string& jsonl) {
  std::vector<std::string> ids;
  for (const auto& l : Lines(jsonl)) {
    const size_t at = l.find("\"rule_id\":\"");
    if (at != std::string::npos) ids.push_back(l.substr(at + 11, l.find('"', at + 11) - at - 11));
  }
  return ids;
}

TEST(CliTextTest, LoneSurrogateInUserAgentStillMatchesTheBundledPack) {
  const Outcome plain = Vigil({"scan", "-q", "--format", "jsonl", "-"}, StopLogging("aws-cli/2.15") + "\n");
  ASSERT_EQ(plain.status, 0) << plain.err;
  const std::vector<std::string> expected = RuleIds(plain.out);
  ASSERT_GE(expected.size(), 2u);  // the pack's StopLogging rules
  for (const char* ua : {"aws-cli\\ud800", "\\udc00x", "a\\ud800\\ud800b", "\\ud83d"}) {
    const Outcome r = Vigil({"scan", "--format", "jsonl", "-"}, StopLogging(ua) + "\n");
    EXPECT_EQ(r.status, 0) << ua;
    EXPECT_EQ(RuleIds(r.out), expected) << ua << ": " << r.err;
    EXPECT_NE(r.err.find(", 0 errors"), std::string::npos) << r.err;
    // The event is printed as it was read.
    EXPECT_NE(r.out.find(std::string("\"userAgent\":\"") + ua + "\""), std::string::npos);
  }
}

TEST(CliTextTest, TableEscapesControlCharactersOfEventValues) {
  const std::string rule = kSrc + "/rules/aws/cloudtrail/aws_cloudtrail_trail_tampering.yml";
  std::string ev = StopLogging("x");
  // An OSC title sequence and a screen clear in the principal, CR LF and a forged row in
  // the source IP, a bidi override in the event time.
  ev.replace(ev.find("arn:aws:iam::641826429272:user/nina.novak"), 41, "\\u001b]0;pwned\\u0007\\u001b[2J");
  ev.replace(ev.find("198.51.100.101"), 14, "1.2.3.4\\r\\nhigh  Forged row");
  ev.replace(ev.find("2026-11-25T08:20:48Z"), 20, "\\u202e2026");
  const Outcome r = Vigil({"scan", "-q", "--format", "table", "--rules", rule, "-"}, ev + "\n");
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
  EXPECT_EQ(r.out.find('\r'), std::string::npos);
  EXPECT_EQ(r.out.find("\xe2\x80\xae"), std::string::npos);
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;  // the header and one row
  EXPECT_NE(lines[1].find("\\x1b]0;pwned\\x07\\x1b[2J"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("1.2.3.4\\r\\nhigh  Forged row"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("\\u202e2026"), std::string::npos) << lines[1];
}

TEST(CliTextTest, TableShowsALoneSurrogateAsTheReplacementCharacter) {
  const std::string rule = kSrc + "/rules/aws/cloudtrail/aws_cloudtrail_trail_tampering.yml";
  std::string ev = StopLogging("x");
  ev.replace(ev.find("nina.novak\",\"accountId"), 10, "nina\\ud800");
  const Outcome r = Vigil({"scan", "-q", "--format", "table", "--rules", rule, "-"}, ev + "\n");
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_NE(lines[1].find("arn:aws:iam::641826429272:user/nina\xef\xbf\xbd"), std::string::npos) << lines[1];
}

// The table's cells come with each matched record from the scan's capture
// (ScanOptions::record_fields); an event with a repeated key that a rule reads has
// none (it was matched read both ways), and its cells are read from its text: the
// first value of each key, as before.
TEST(CliTextTest, TableCellsFromTheCaptureAndFromARepeatedKeyEvent) {
  const std::string rule = kSrc + "/rules/aws/cloudtrail/aws_cloudtrail_trail_tampering.yml";
  const std::string plain = StopLogging("x");
  std::string repeated_first = plain;  // StopLogging, then GetTrail: matched first-wins
  repeated_first.insert(repeated_first.find("\"awsRegion\""), R"("eventName":"GetTrail",)");
  std::string repeated_last = plain;  // GetTrail, then StopLogging: matched last-wins
  repeated_last.insert(1, R"("eventName":"GetTrail",)");
  // Repeated keys no rule reads (a second arn in userIdentity, a second eventTime):
  // captured, the first value of each.
  std::string repeated_arn = plain;
  repeated_arn.insert(repeated_arn.find("\"accountId\""),
                      R"("arn":"arn:aws:iam::1:user/mallory",)");
  repeated_arn.insert(repeated_arn.find("\"eventTime\""), R"("eventTime":"1999-01-01T00:00:00Z",)");
  std::string type_only = plain;  // no arn: the principal is userIdentity.type
  type_only.replace(type_only.find(R"("arn":)"), 49, R"("invokedBy":"x")");
  // Two files, so that two threads scan them in parallel.
  const std::string dir = ::testing::TempDir() + "/vigil_cells." + std::to_string(getpid());
  std::filesystem::create_directories(dir);
  std::ofstream(dir + "/a.ndjson") << plain + "\n" + repeated_first + "\n";
  std::ofstream(dir + "/b.ndjson") << repeated_last + "\n" + repeated_arn + "\n" + type_only + "\n";
  for (unsigned threads : {1u, 2u}) {
    SCOPED_TRACE(threads);
    const Outcome r = Vigil({"scan", "-q", "--format", "table", "--threads",
                             std::to_string(threads), "--rules", rule, dir});
    ASSERT_EQ(r.status, 0) << r.err;
    const std::vector<std::string> lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 6u) << r.out;  // the header and one row per event
    auto row_has = [&](size_t row, const std::string& time, const std::string& event,
                       const std::string& who, const std::string& where) {
      const std::string& l = lines[row];
      EXPECT_NE(l.find(time + "  " + event + " "), std::string::npos) << l;
      EXPECT_NE(l.find(" " + who + " "), std::string::npos) << l;
      EXPECT_NE(l.find(" 198.51.100.101  " + where), std::string::npos) << l;
    };
    const std::string nina = "arn:aws:iam::641826429272:user/nina.novak";
    row_has(1, "2026-11-25T08:20:48Z", "StopLogging", nina, "a.ndjson:0");
    row_has(2, "2026-11-25T08:20:48Z", "StopLogging", nina, "a.ndjson:1");
    row_has(3, "2026-11-25T08:20:48Z", "GetTrail   ", nina, "b.ndjson:0");
    row_has(4, "1999-01-01T00:00:00Z", "StopLogging", nina, "b.ndjson:1");
    row_has(5, "2026-11-25T08:20:48Z", "StopLogging", "IAMUser", "b.ndjson:2");
    EXPECT_EQ(r.out.find("mallory"), std::string::npos) << r.out;
  }
  std::filesystem::remove_all(dir);
}

TEST(CliTextTest, JsonlEscapesUnicodeLineSeparators) {
  // Raw U+2028, U+2029 and U+0085 in a value (valid JSON, valid UTF-8).
  const Outcome r = Vigil({"scan", "-q", "--format", "jsonl", "--rules",
                       kSrc + "/rules/aws/cloudtrail/aws_cloudtrail_trail_tampering.yml", "-"},
                      StopLogging("a\xe2\x80\xa8" "b\xe2\x80\xa9" "c\xc2\x85" "d") + "\n");
  ASSERT_EQ(r.status, 0) << r.err;
  ASSERT_EQ(Lines(r.out).size(), 1u);
  EXPECT_EQ(r.out.find("\xe2\x80\xa8"), std::string::npos);
  EXPECT_EQ(r.out.find("\xe2\x80\xa9"), std::string::npos);
  EXPECT_EQ(r.out.find("\xc2\x85"), std::string::npos);
  EXPECT_NE(r.out.find(R"("userAgent":"a\u2028b\u2029c\u0085d")"), std::string::npos) << r.out;
}

// The rule's part of a line and the file's are escaped once and kept; each line must
// still hold no raw separator, in every part, for every match of a record.
TEST(CliTextTest, JsonlEscapesLineSeparatorsInRuleTitlesAndFileNames) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / ("vigil_separators." + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string sep = "\xe2\x80\xa8";
  for (const char* n : {"1", "2"}) {
    std::ofstream(dir / (std::string("r") + n + ".yml"))
        << "title: 'stop" << sep << n << "'\nlogsource: {product: aws, service: cloudtrail}\n"
        << "detection:\n  sel: {eventName: StopLogging}\n  condition: sel\n";
  }
  const fs::path input = dir / ("in" + sep + ".json");
  std::ofstream(input) << StopLogging("a" + sep + "b") << "\n" << StopLogging("c") << "\n";
  const Outcome r = Vigil({"scan", "-q", "--format", "jsonl", "--rules", (dir / "r1.yml").string(), "--rules",
                           (dir / "r2.yml").string(), input.string()});
  fs::remove_all(dir);
  ASSERT_EQ(r.status, 0) << r.err;
  const std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.out;
  for (const std::string& l : lines) {
    EXPECT_EQ(l.find(sep), std::string::npos) << l;
    EXPECT_NE(l.find(R"("rule_title":"stop\u2028)"), std::string::npos) << l;
    EXPECT_NE(l.find(R"(in\u2028.json","record":)"), std::string::npos) << l;
  }
  EXPECT_NE(lines[0].find(R"("userAgent":"a\u2028b")"), std::string::npos) << lines[0];
  EXPECT_NE(lines[1].find(R"("userAgent":"a\u2028b")"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find(R"("userAgent":"c")"), std::string::npos) << lines[2];
}

TEST(CliTextTest, FileNamesAreEscapedReversibly) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / ("vigil_names." + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string rule = kSrc + "/rules/aws/cloudtrail/aws_cloudtrail_trail_tampering.yml";
  // Two names that differ only in a byte that is not UTF-8, and one with a backslash.
  for (const char* name : {"a\xff.json", "a\xfe.json", "a\\xff.json"}) {
    std::ofstream(dir / name) << StopLogging("x") << "\n";
  }
  // A file whose name holds a newline and a forged message, with a broken line.
  std::ofstream(dir / "bad\nvigil: all clear.json") << "{\"a\":1}\n{broken\n";
  const Outcome r = Vigil({"scan", "--format", "jsonl", "-j", "1", "--rules", rule, dir.string()});
  ASSERT_EQ(r.status, 0) << r.err;
  std::vector<std::string> files;
  for (const auto& l : Lines(r.out)) {
    const size_t at = l.find("\"file\":\"");
    ASSERT_NE(at, std::string::npos);
    files.push_back(l.substr(at + 8, l.find("\",\"record\"") - at - 8));
  }
  const std::string d = dir.string();
  // Walk order is byte order: "a\\xff" (0x5c) < "a\xfe" < "a\xff".
  EXPECT_EQ(files, (std::vector<std::string>{d + "/a\\\\\\\\xff.json", d + "/a\\\\xfe.json", d + "/a\\\\xff.json"}));
  // stderr: the name with its newline escaped, on one line with the error.
  const std::vector<std::string> err = Lines(r.err);
  ASSERT_EQ(err.size(), 2u) << r.err;  // the error and the summary
  EXPECT_EQ(err[0].rfind(d + "/bad\\nvigil: all clear.json:2: ", 0), 0u) << err[0];
  fs::remove_all(dir);
}

TEST(CliTextTest, RuleFileNamesOnStandardErrorAreEscaped) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / ("vigil_rule_names." + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "bad\nvigil: 0 error(s).yml") << "title: t\ndetection: {s: {a|nosuch: x}, condition: s}\n";
  const Outcome r = Vigil({"scan", "--rules", dir.string(), "-"});
  EXPECT_EQ(r.status, 2);
  const std::vector<std::string> err = Lines(r.err);
  ASSERT_EQ(err.size(), 2u) << r.err;  // the diagnostic and "nothing scanned"
  EXPECT_EQ(err[0].rfind(dir.string() + "/bad\\nvigil: 0 error(s).yml:2:", 0), 0u) << err[0];
  fs::remove_all(dir);
}

// `vigil check` and `vigil test` print rule file names, titles and test names: a
// contributed rule must not forge lines of their reports either.
TEST(CliTextTest, CheckAndTestReportsEscapeNamesAndTitles) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::path(::testing::TempDir()) / ("vigil_check_names." + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "bad\nok    forged.yml") << "title: t\ndetection: {s: {a|nosuch: x}, condition: s}\n";
  const Outcome check = Vigil({"check", dir.string()});
  EXPECT_EQ(check.status, 1);
  const std::vector<std::string> out = Lines(check.out);
  ASSERT_EQ(out.size(), 8u) << check.out;  // 7 warnings (no id, no tests...) and the error
  for (const std::string& line : out) {
    EXPECT_EQ(line.rfind(dir.string() + "/bad\\nok    forged.yml:", 0), 0u) << line;
  }
  EXPECT_NE(out.back().find(":2:19: error: unknown modifier 'nosuch'"), std::string::npos) << out.back();
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::ofstream(dir / "r.yml") << "title: \"T\\e[2J\\rFORGED\"\nlogsource: {product: aws}\n"
                                  "detection: {s: {eventName: A}, condition: s}\n"
                                  "tests:\n  - name: \"n\\e]0;x\\a\"\n    expect: match\n"
                                  "    event: {eventName: B}\n";
  const Outcome test = Vigil({"test", dir.string()});
  EXPECT_EQ(test.status, 1);
  EXPECT_EQ(test.out.find('\x1b'), std::string::npos) << test.out;
  EXPECT_EQ(test.out.find('\r'), std::string::npos) << test.out;
  EXPECT_EQ(test.out.find('\a'), std::string::npos) << test.out;
  EXPECT_NE(test.out.find("T\\x1b[2J\\rFORGED"), std::string::npos) << test.out;
  fs::remove_all(dir);
}

// A scan of a live pipe: stdin stays open, records come when the test writes them.
struct LiveScan {
  pid_t pid = -1;
  int in = -1, out = -1;
  std::string err_file;

  explicit LiveScan(const std::vector<std::string>& args) {
    err_file = ::testing::TempDir() + "/vigil_live_err." + std::to_string(getpid());
    int i[2], o[2];
    if (::pipe(i) != 0 || ::pipe(o) != 0) return;
    pid = ::fork();
    if (pid == 0) {
      ::dup2(i[0], 0);
      ::dup2(o[1], 1);
      const int e = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(e, 2);
      ::close(i[1]);
      ::close(o[0]);
      std::vector<char*> argv{const_cast<char*>(kVigil.c_str())};
      for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
      argv.push_back(nullptr);
      ::execv(kVigil.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(i[0]);
    ::close(o[1]);
    in = i[1];
    out = o[0];
  }

  void Send(const std::string& s) const { ASSERT_EQ(::write(in, s.data(), s.size()), static_cast<ssize_t>(s.size())); }

  // What arrives on stdout within `ms` (a liveness bound, not a speed assertion).
  std::string ReadFor(int ms) const {
    std::string got;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now()).count();
      if (left <= 0) break;
      pollfd p{out, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
      char buf[65536];
      const ssize_t n = ::read(out, buf, sizeof buf);
      if (n <= 0) break;
      got.append(buf, static_cast<size_t>(n));
      if (!got.empty() && got.back() == '\n') break;
    }
    return got;
  }

  std::string ReadToEnd() const {
    std::string got;
    char buf[65536];
    for (ssize_t n; (n = ::read(out, buf, sizeof buf)) > 0;) got.append(buf, static_cast<size_t>(n));
    return got;
  }

  int Wait() {
    int st = 0;
    ::waitpid(pid, &st, 0);
    ::close(in);
    ::close(out);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
  }

  std::string Err() const {
    std::ifstream e(err_file);
    std::stringstream ss;
    ss << e.rdbuf();
    return ss.str();
  }
};

TEST(CliTextTest, LivePipeFindingsArriveWithoutMoreInputAndSigtermEndsCleanly) {
  const std::string rule = kSrc + "/rules/aws/cloudtrail/aws_cloudtrail_trail_tampering.yml";
  LiveScan s({"scan", "--format", "jsonl", "--rules", rule, "-"});
  ASSERT_GT(s.pid, 0);
  // Two lines: the reader decides the framing (NDJSON) when the second line comes.
  s.Send(StopLogging("first") + "\n" + StopLogging("second") + "\n");
  // stdout is a pipe and stdin stays open: before, the matches sat in a 64 KiB buffer
  // until more input or the end. Now they are written within a second.
  std::string got;
  for (int i = 0; i < 2 && Lines(got).size() < 2; ++i) got += s.ReadFor(10000);
  ASSERT_EQ(Lines(got).size(), 2u) << got;
  EXPECT_NE(Lines(got)[0].find("\"userAgent\":\"first\""), std::string::npos) << got;
  EXPECT_NE(Lines(got)[1].find("\"userAgent\":\"second\""), std::string::npos) << got;
  // SIGTERM while the scan waits for input: it ends, prints the summary, exits 143.
  ASSERT_EQ(::kill(s.pid, SIGTERM), 0);
  const std::string rest = s.ReadToEnd();
  EXPECT_EQ(rest, "");
  EXPECT_EQ(s.Wait(), 143);
  const std::string err = s.Err();
  EXPECT_NE(err.find("vigil: 2 events in 1 files scanned"), std::string::npos) << err;
  EXPECT_NE(err.find("vigil: interrupted by SIGTERM"), std::string::npos) << err;
}

// One record on a pipe that stays open (`tail -f` of a quiet trail): its finding must
// not wait for a second line. Before, the reader waited for the next line to decide the
// framing, so the finding appeared only when more input (or the end) came.
TEST(CliTextTest, LivePipeALoneFirstRecordIsMatchedWithoutASecondLine) {
  const std::string rule = kSrc + "/rules/aws/cloudtrail/aws_cloudtrail_trail_tampering.yml";
  LiveScan s({"scan", "--format", "jsonl", "--rules", rule, "-"});
  ASSERT_GT(s.pid, 0);
  s.Send(StopLogging("only") + "\n");
  std::string got;
  for (int i = 0; i < 2 && Lines(got).empty(); ++i) got += s.ReadFor(10000);
  ASSERT_EQ(Lines(got).size(), 1u) << got;
  EXPECT_NE(Lines(got)[0].find("\"userAgent\":\"only\""), std::string::npos) << got;
  ASSERT_EQ(::kill(s.pid, SIGTERM), 0);
  EXPECT_EQ(s.ReadToEnd(), "");
  EXPECT_EQ(s.Wait(), 143);
}

TEST(CliTextTest, SigintMidStreamLeavesWholeLinesOnly) {
  const std::string rule = kSrc + "/rules/aws/cloudtrail/aws_cloudtrail_trail_tampering.yml";
  LiveScan s({"scan", "--format", "jsonl", "--rules", rule, "-"});
  ASSERT_GT(s.pid, 0);
  // Many matches, then the middle of a record, then the signal.
  std::string batch;
  for (int i = 0; i < 300; ++i) batch += StopLogging("ua" + std::to_string(i)) + "\n";
  std::thread feeder([&] { s.Send(batch + StopLogging("cut").substr(0, 200)); });
  // Wait for all 300 matches (each read returns at a line end), so that the signal
  // comes while the scan waits in the middle of the last record.
  std::string out;
  for (int tries = 0; tries < 1000 && Lines(out).size() < 300; ++tries) {
    const std::string got = s.ReadFor(10000);
    if (got.empty()) break;
    out += got;
  }
  feeder.join();
  ASSERT_EQ(::kill(s.pid, SIGINT), 0);
  out += s.ReadToEnd();
  EXPECT_EQ(s.Wait(), 130);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back(), '\n');
  const std::vector<std::string> lines = Lines(out);
  EXPECT_EQ(lines.size(), 300u);
  for (const auto& l : lines) {
    ASSERT_EQ(l.front(), '{');
    ASSERT_EQ(l.back(), '}');
  }
  const std::string err = s.Err();
  EXPECT_NE(err.find("vigil: 300 events in 1 files scanned"), std::string::npos) << err;
  EXPECT_NE(err.find("vigil: interrupted by SIGINT"), std::string::npos) << err;
  EXPECT_EQ(err.find("unexpected end"), std::string::npos) << err;
}

}  // namespace
