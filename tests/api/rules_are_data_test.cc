// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Rules are data: a rule file comes from whoever can open a pull request on a rules
// repository, so nothing in one may make vigil open, write or run anything. Each
// hostile construct below either loads as plain data (and matches its literal text) or
// fails with an error at its position; an inotify watch on a canary folder, which the
// rules name in every way they can, proves nothing there was opened, read or created,
// through the library and through `vigil scan`, `vigil test` and `vigil check`.

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "vigil/vigil.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

// A folder holding files a rule might try to reach, watched for any access.
class Canary {
 public:
  Canary() {
    std::string pattern = (fs::temp_directory_path() / "vigil_canary_XXXXXX").string();
    dir_ = mkdtemp(pattern.data());
    // If a rule could include this file, the rule would match eventName Included.
    std::ofstream(dir_ + "/secret.yml") << "eventName: Included\n";
    std::ofstream(dir_ + "/passwd") << "root:x:0:0\n";
    fd_ = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    EXPECT_GE(fd_, 0);
    EXPECT_GE(inotify_add_watch(fd_, dir_.c_str(),
                                IN_OPEN | IN_ACCESS | IN_CREATE | IN_MODIFY | IN_DELETE | IN_MOVED_TO),
              0);
  }
  ~Canary() {
    close(fd_);
    fs::remove_all(dir_);
  }
  const std::string& dir() const { return dir_; }

  // Names of the entries touched since the last call ("." for the folder itself).
  std::vector<std::string> Touched() {
    std::vector<std::string> names;
    alignas(inotify_event) char buf[8192];
    for (;;) {
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) break;
      for (ssize_t off = 0; off < n;) {
        const auto* ev = reinterpret_cast<const inotify_event*>(buf + off);
        names.push_back(ev->len > 0 ? std::string(ev->name) : ".");
        off += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
      }
    }
    return names;
  }

 private:
  std::string dir_;
  int fd_ = -1;
};

struct Loaded {
  std::shared_ptr<const RuleSet> rules;
  std::vector<std::string> errors;  // "line:column: message"
};

Loaded Load(const std::string& yaml, CompileOptions options = {}) {
  RuleSetBuilder b(std::move(options));
  b.AddYaml(yaml, "hostile.yml");
  Loaded out;
  out.rules = b.Build();
  for (const auto& d : b.diagnostics()) {
    if (d.severity == Severity::kError) {
      out.errors.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " +
                           d.message);
    }
  }
  return out;
}

std::vector<std::string> Titles(const RuleSet& rules, const std::string& event) {
  Scanner scanner(std::shared_ptr<const RuleSet>(&rules, [](const RuleSet*) {}));
  std::vector<Match> out;
  EXPECT_TRUE(scanner.Match(event, &out, EventKind::kAny).ok()) << event;
  std::vector<std::string> titles;
  for (const auto& m : out) titles.push_back(m.rule->title);
  return titles;
}

class RulesAreDataTest : public ::testing::Test {
 protected:
  void TearDown() override {
    EXPECT_EQ(canary_.Touched(), std::vector<std::string>{}) << "the canary folder was touched";
  }
  Canary canary_;
};

TEST_F(RulesAreDataTest, TheCanaryNoticesAnAccess) {
  // The watch works: reading a canary file shows up (open, then read).
  std::ifstream in(canary_.dir() + "/secret.yml");
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "eventName: Included");
  EXPECT_EQ(canary_.Touched(), (std::vector<std::string>{"secret.yml", "secret.yml"}));
}

TEST_F(RulesAreDataTest, YamlTagsAreNotInterpreted) {
  // Tags that mean "include a file" or "build an object" in other YAML loaders. The
  // loader keeps the tag and the text; vigil reads the text as a value.
  const std::string c = canary_.dir();
  Loaded l = Load("title: include\ndetection:\n  s:\n    eventName: !include " + c +
                  "/secret.yml\n  condition: s\n---\n"
                  "title: python\ndetection:\n  s:\n    eventName: !!python/object/apply:os.system [\"touch " +
                  c + "/written\"]\n  condition: s\n---\n"
                  "title: merge\ndetection:\n  s:\n    <<: !include " + c + "/secret.yml\n  condition: s\n");
  ASSERT_EQ(l.errors, std::vector<std::string>{}) << "they load, as data";
  EXPECT_EQ(Titles(*l.rules, R"({"eventName":"Included"})"), std::vector<std::string>{});
  EXPECT_EQ(Titles(*l.rules, "{\"eventName\":\"" + c + "/secret.yml\"}"),
            std::vector<std::string>{"include"});
  EXPECT_EQ(Titles(*l.rules, "{\"eventName\":[\"touch " + c + "/written\"]}"),
            std::vector<std::string>{"python"});
  EXPECT_EQ(Titles(*l.rules, "{\"<<\":\"" + c + "/secret.yml\"}"), std::vector<std::string>{"merge"});
  EXPECT_FALSE(fs::exists(c + "/written"));
}

TEST_F(RulesAreDataTest, PathsInPlaceholdersLogsourcesAndFieldNamesAreJustNames) {
  const std::string c = canary_.dir();
  const std::string rule = "title: paths\nlogsource: {product: ../../" + c + "/passwd, service: " + c +
                           "/secret.yml}\ndetection:\n  s:\n    ../../etc/passwd: x\n    " + c +
                           "/secret.yml|expand: '%" + c + "/secret.yml%'\n  condition: s\n";
  // Without a value for the placeholder the rule is rejected, naming it.
  Loaded missing = Load(rule);
  ASSERT_EQ(missing.errors.size(), 1u);
  EXPECT_NE(missing.errors[0].find("placeholder"), std::string::npos) << missing.errors[0];
  EXPECT_NE(missing.errors[0].find(c + "/secret.yml"), std::string::npos) << missing.errors[0];
  // With one (given by whoever runs vigil, never by the rule), it is a value like any.
  CompileOptions o;
  o.placeholders[c + "/secret.yml"] = {"v"};
  Loaded l = Load(rule, o);
  ASSERT_EQ(l.errors, std::vector<std::string>{});
  ASSERT_EQ(l.rules->size(), 1u);
  EXPECT_EQ(l.rules->rule(0).logsource.product, "../../" + c + "/passwd");
  EXPECT_EQ(Titles(*l.rules, "{\"../../etc/passwd\":\"x\",\"" + c + "/secret.yml\":\"v\"}"),
            std::vector<std::string>{"paths"});
}

TEST_F(RulesAreDataTest, RegexCalloutsDoNothing) {
  // PCRE2 callouts call a function the matcher registers; vigil registers none, so a
  // callout in a rule's regex is a no-op and the pattern matches as if it were absent.
  const std::string c = canary_.dir();
  Loaded l = Load("title: callouts\ndetection:\n  s:\n    eventName|re: '(?C1)ab(?C\"touch " + c +
                  "/written\")c(?C`cat " + c + "/passwd`)'\n  condition: s\n");
  ASSERT_EQ(l.errors, std::vector<std::string>{});
  EXPECT_EQ(Titles(*l.rules, R"({"eventName":"xabcx"})"), std::vector<std::string>{"callouts"});
  EXPECT_EQ(Titles(*l.rules, R"({"eventName":"abd"})"), std::vector<std::string>{});
  EXPECT_FALSE(fs::exists(c + "/written"));
}

TEST_F(RulesAreDataTest, RuleReferencesNameRulesNotFiles) {
  // Filters and correlations name other rules; a path there names no loaded rule (a
  // warning, the reference is dropped), it is never opened.
  const std::string c = canary_.dir();
  RuleSetBuilder b;
  b.AddYaml("title: base\nname: base\ndetection:\n  s: {eventName: A}\n  condition: s\n---\n"
            "title: corr\ncorrelation:\n  type: event_count\n  rules: [" + c + "/secret.yml]\n"
            "  group-by: [eventName]\n  timespan: 1m\n  condition: {gte: 2}\n---\n"
            "title: filter\nfilter:\n  rules: [" + c + "/secret.yml]\n  selection: {eventName: B}\n"
            "  condition: not selection\n",
            "hostile.yml");
  auto rules = b.Build();
  std::vector<std::string> messages;
  for (const auto& d : b.diagnostics()) {
    EXPECT_EQ(d.severity, Severity::kWarning) << d.message;
    messages.push_back(std::to_string(d.where.line) + ": " + d.message);
  }
  EXPECT_EQ(messages,
            (std::vector<std::string>{
                "15: filter 'filter' names rule '" + c + "/secret.yml', which is not loaded",
                "10: correlation 'corr' references rule '" + c +
                    "/secret.yml', which is not loaded; it will not produce alerts "
                    "[unresolved-reference]"}));
  EXPECT_EQ(Titles(*rules, R"({"eventName":"A"})"), std::vector<std::string>{"base"});
}

// Runs a command; returns its exit status.
int RunQuietly(const std::string& cmd) {
  const int st = std::system((cmd + " >/dev/null 2>&1").c_str());
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

TEST_F(RulesAreDataTest, CliCommandsOnHostileRulesTouchNothing) {
  const std::string c = canary_.dir();
  std::string pattern = (fs::temp_directory_path() / "vigil_hostile_XXXXXX").string();
  const std::string work = mkdtemp(pattern.data());
  const std::string rules = work + "/hostile.yml";
  std::ofstream(rules) << "title: hostile\nid: 0b4b4c34-5d0e-4a43-9d35-0e1b1c1a0001\nstatus: test\n"
                          "description: d\nauthor: a\ndate: 2026-11-26\n"
                          "logsource: {product: ../" + c + "/passwd}\n"
                          "detection:\n  s:\n    eventName: !include " + c + "/secret.yml\n"
                          "    userAgent|re: '(?C\"" + c + "/written\")x'\n  condition: s\nlevel: high\n"
                          "tests:\n  - {name: t, expect: no_match, event: {eventName: Included}}\n";
  const std::string input = work + "/events.ndjson";
  std::ofstream(input) << "{\"eventName\":\"Included\",\"userAgent\":\"x\"}\n";
  EXPECT_EQ(RunQuietly(std::string(VIGIL_CLI_PATH) + " scan --rules " + rules + " " + input), 0);
  EXPECT_EQ(RunQuietly(std::string(VIGIL_CLI_PATH) + " test " + rules), 0);
  EXPECT_EQ(RunQuietly(std::string(VIGIL_CLI_PATH) + " check --no-require-tests " + rules), 0);
  EXPECT_EQ(RunQuietly(std::string(VIGIL_CLI_PATH) + " explain --rules " + rules + " hostile " + input), 1);
  fs::remove_all(work);
  EXPECT_FALSE(fs::exists(c + "/written"));
}

}  // namespace
}  // namespace vigil
