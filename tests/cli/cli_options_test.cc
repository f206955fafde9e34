// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Each `vigil` command takes its own options and no others (issue 14, src/cli/options.h):
// an option of another command is a usage error that names it, values come attached
// (-j1, -fjsonl, -rPATH), after `=` or as the next argument, `--` ends the options, and
// bad or missing values are refused with the messages of the old hand-written parser.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli/cli_testing.h"

namespace {

using vigil::cli_testing::Lines;
using vigil::cli_testing::Proc;
using vigil::cli_testing::Sh;

const std::string kVigil = VIGIL_CLI_PATH;
const std::string kSrc = VIGIL_SOURCE_DIR;

// A folder of this test process's own (tests of one binary may run in parallel).
std::string TempDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/" + std::to_string(getpid()) + "_" + name;
  std::filesystem::create_directories(dir);
  return dir;
}

constexpr const char* kStopRule = R"(title: Trail stopped
id: 6f3c1a52-2f0e-4d5b-9a43-0c2f1d7e9b10
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging}
  condition: selection
level: high
)";

constexpr const char* kDeleteRule = R"(title: Trail deleted
id: 0d9e7b34-5a61-4c2f-8e17-3b6a9c4f2d21
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventSource: cloudtrail.amazonaws.com, eventName: DeleteTrail}
  condition: selection
level: high
)";

constexpr const char* kStopEvent =
    R"({"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","eventTime":"2026-01-01T00:00:00Z"})"
    "\n";

// Two rule files and an event in a folder of their own.
struct Files {
  std::string dir = TempDir("options");
  std::string stop = dir + "/stop.yml";
  std::string del = dir + "/delete.yml";
  std::string event = dir + "/event.jsonl";
  Files() {
    std::ofstream(stop) << kStopRule;
    std::ofstream(del) << kDeleteRule;
    std::ofstream(event) << kStopEvent;
  }
};

// stderr of a usage error of `command`.
std::string UsageError(const std::string& message, const std::string& command) {
  return "vigil: " + message + "\n(see vigil " + command + " --help)\n";
}

TEST(CliOptionsTest, AnOptionOfAnotherCommandIsAUsageErrorNamingIt) {
  const Files f;
  struct Case {
    std::string command, args, message;
  };
  const std::vector<Case> cases = {
      {"check", "--baseline x " + f.stop, "--baseline is an option of vigil scan, not of vigil check"},
      {"check", "-fjsonl " + f.stop, "-f is an option of vigil scan and list, not of vigil check"},
      {"list", "--threads 2 " + f.stop, "--threads is an option of vigil scan, not of vigil list"},
      {"list", "-q " + f.stop, "-q is an option of vigil scan, test and check, not of vigil list"},
      {"scan", "--junit out.xml " + f.event, "--junit is an option of vigil test, not of vigil scan"},
      {"scan", "--strict " + f.event, "--strict is an option of vigil check, not of vigil scan"},
      {"dump", "--rules " + f.stop + " --skip-bad-rules", "--skip-bad-rules is an option of vigil scan, not of vigil dump"},
      {"test", "--format=jsonl " + f.stop, "--format is an option of vigil scan and list, not of vigil test"},
      {"test", "--lateness 1m " + f.stop, "--lateness is an option of vigil scan, not of vigil test"},
      {"explain", "-j2 " + f.stop + " " + f.event, "-j is an option of vigil scan, not of vigil explain"},
      {"explain", "--logsource any " + f.stop + " " + f.event,
       "--logsource is an option of vigil scan, not of vigil explain"},
  };
  for (const Case& c : cases) {
    Proc r = Sh(kVigil + " " + c.command + " " + c.args);
    EXPECT_EQ(r.status, 2) << c.command << " " << c.args;
    EXPECT_EQ(r.err, UsageError(c.message, c.command)) << c.args;
    EXPECT_EQ(r.out, "") << c.args;  // refused before anything ran
  }
}

TEST(CliOptionsTest, UnknownOptionsAndOperandsAreUsageErrors) {
  const Files f;
  Proc bogus = Sh(kVigil + " scan --bogus=3 " + f.event);
  EXPECT_EQ(bogus.status, 2);
  EXPECT_EQ(bogus.err, UsageError("unknown option --bogus", "scan"));
  Proc short_bogus = Sh(kVigil + " check -x5 " + f.stop);
  EXPECT_EQ(short_bogus.status, 2);
  EXPECT_EQ(short_bogus.err, UsageError("unknown option -x", "check"));
  // Bundled flags are read one by one: -q is check's, -v is not.
  Proc bundle = Sh(kVigil + " check -qv " + f.stop);
  EXPECT_EQ(bundle.status, 2);
  EXPECT_EQ(bundle.err, UsageError("-v is an option of vigil test, not of vigil check", "check"));
  // dump's rules come with --rules; a path given as an operand used to be ignored.
  Proc operand = Sh(kVigil + " dump " + f.stop);
  EXPECT_EQ(operand.status, 2);
  EXPECT_EQ(operand.err, UsageError("unexpected operand '" + f.stop + "'", "dump"));
  Proc dashed = Sh(kVigil + " dump -- -x");
  EXPECT_EQ(dashed.status, 2);
  EXPECT_EQ(dashed.err, UsageError("unexpected operand '-x'", "dump"));
  // The help flag does not hide a wrong option.
  Proc help = Sh(kVigil + " scan --help --bogus");
  EXPECT_EQ(help.status, 2);
  EXPECT_EQ(help.err, UsageError("unknown option --bogus", "scan"));
}

TEST(CliOptionsTest, ValuesComeAttachedAfterEqualsOrSeparate) {
  const Files f;
  Proc spaced = Sh(kVigil + " list --format jsonl --rules " + f.stop);
  ASSERT_EQ(spaced.status, 0) << spaced.err;
  ASSERT_EQ(Lines(spaced.out).size(), 1u) << spaced.out;
  EXPECT_NE(spaced.out.find("\"title\":\"Trail stopped\""), std::string::npos) << spaced.out;
  for (const std::string& args : {"-fjsonl -r" + f.stop, "--format=jsonl --rules=" + f.stop, "-f jsonl " + f.stop}) {
    Proc r = Sh(kVigil + " list " + args);
    EXPECT_EQ(r.status, 0) << args << ": " << r.err;
    EXPECT_EQ(r.out, spaced.out) << args;
  }
  // Every value option of scan after `=`, against the same values given separately.
  const std::string scan = kVigil + " scan -q ";
  Proc separate = Sh(scan + "--rules " + f.stop + " --format jsonl --threads 1 --lateness 1h --max-future 2d "
                     "--max-held-events 100 --logsource cloudtrail " + f.event);
  ASSERT_EQ(separate.status, 0) << separate.err;
  ASSERT_EQ(Lines(separate.out).size(), 1u) << separate.out;
  EXPECT_NE(separate.out.find("\"rule_title\":\"Trail stopped\""), std::string::npos) << separate.out;
  Proc equals = Sh(scan + "--rules=" + f.stop + " --format=jsonl --threads=1 --lateness=1h --max-future=2d "
                   "--max-held-events=100 --logsource=cloudtrail " + f.event);
  EXPECT_EQ(equals.status, 0) << equals.err;
  EXPECT_EQ(equals.out, separate.out);
  Proc attached = Sh(scan + "-r" + f.stop + " -fjsonl -j1 " + f.event);
  EXPECT_EQ(attached.status, 0) << attached.err;
  EXPECT_EQ(attached.out, separate.out);
  // test and explain: -rPATH as --rules PATH.
  Proc test_attached = Sh(kVigil + " test -r" + f.stop);
  Proc test_operand = Sh(kVigil + " test " + f.stop);
  EXPECT_EQ(test_attached.status, 0) << test_attached.err;
  EXPECT_EQ(test_attached.out, test_operand.out);
  EXPECT_NE(test_operand.out.find("vigil: 1 rules: 0 passed, 0 failed, 1 without tests"), std::string::npos)
      << test_operand.out;
  Proc explain = Sh(kVigil + " explain -r" + f.stop + " --rule=\"Trail stopped\" " + f.event);
  EXPECT_EQ(explain.status, 0) << explain.err;
  EXPECT_NE(explain.out.find("MATCH"), std::string::npos) << explain.out;
}

TEST(CliOptionsTest, RepeatedOptionsAddOrKeepTheLastValue) {
  const Files f;
  // --rules adds each path; --format keeps the last.
  Proc both = Sh(kVigil + " list --format table -r " + f.stop + " --rules " + f.del + " --format jsonl");
  ASSERT_EQ(both.status, 0) << both.err;
  const std::vector<std::string> lines = Lines(both.out);
  ASSERT_EQ(lines.size(), 2u) << both.out;
  EXPECT_NE(both.out.find("\"title\":\"Trail stopped\""), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("\"title\":\"Trail deleted\""), std::string::npos) << both.out;
  EXPECT_EQ(lines[0][0], '{');
}

TEST(CliOptionsTest, BadAndMissingValuesAreRefusedWithWhatTheOptionNeeds) {
  const Files f;
  struct Case {
    std::string command, args, message;
  };
  const std::vector<Case> cases = {
      {"scan", "--threads abc", "--threads needs a number (0: one per core)"},
      {"scan", "--threads=-1", "--threads needs a number (0: one per core)"},
      {"scan", "-j300", "--threads is at most 256, not 300"},
      {"scan", "--max-held-events 1", "--max-held-events needs a number of events, at least 2, not '1'"},
      {"scan", "--max-held-events=99999999999", "--max-held-events needs a number of events, at least 2, not '99999999999'"},
      {"scan", "--logsource=aws", "--logsource is auto, cloudtrail or any"},
      // A value may look like an option: it is taken, and judged.
      {"scan", "--max-future -1d", "--max-future needs a duration such as 1d, 12h or 30m, or inf (no bound), not '-1d'"},
      // Missing: at the end of the command line, or empty after `=`.
      {"scan", "--rules", "--rules needs a path"},
      {"scan", "-j", "--threads needs a number (0: one per core)"},
      {"scan", "--baseline=", "--baseline needs a file"},
      {"scan", "--logsource", "--logsource needs auto, cloudtrail or any"},
      {"check", "--vars", "--vars needs a file"},
      {"test", "--junit", "--junit needs a file"},
      {"explain", "--rule", "--rule needs a rule id, name or title"},
      {"list", "-f", "--format is table or jsonl"},
  };
  for (const Case& c : cases) {
    Proc r = Sh(kVigil + " " + c.command + " " + c.args + " </dev/null");
    EXPECT_EQ(r.status, 2) << c.command << " " << c.args;
    EXPECT_EQ(r.err, UsageError(c.message, c.command)) << c.args;
  }
  // An empty value after `=` is the option's, not the next argument's.
  Proc empty = Sh(kVigil + " scan --baseline= " + f.event);
  EXPECT_EQ(empty.status, 2);
  EXPECT_EQ(empty.err, UsageError("--baseline needs a file", "scan"));
}

TEST(CliOptionsTest, DoubleDashEndsTheOptions) {
  const Files f;
  std::filesystem::copy_file(f.event, f.dir + "/-events.jsonl",
                             std::filesystem::copy_options::overwrite_existing);
  const std::string scan = "cd " + f.dir + " && " + kVigil + " scan -q -f jsonl --rules stop.yml ";
  Proc ended = Sh(scan + "-- -events.jsonl");
  EXPECT_EQ(ended.status, 0) << ended.err;
  EXPECT_EQ(Lines(ended.out).size(), 1u) << ended.out;
  Proc option = Sh(scan + "-events.jsonl");
  EXPECT_EQ(option.status, 2);
  EXPECT_EQ(option.err, UsageError("unknown option -e", "scan"));
}

TEST(CliOptionsTest, HelpPrintsEachCommandsOwnText) {
  struct Case {
    std::string command, start, detail;
  };
  const std::vector<Case> cases = {
      {"scan", "usage: vigil scan [options] [INPUT]...", "  --max-held-events N correlation's memory bound"},
      {"dump", "usage: vigil dump [--rules PATH]... [--vars FILE]\n", ""},
      {"test", "usage: vigil test [options] [PATH]...", "  --junit FILE     also write the results"},
      {"check", "usage: vigil check [options] [PATH]...", "  --no-require-tests   do not warn"},
      {"explain", "usage: vigil explain [options] RULE [EVENT]...", "  --rule RULE    the rule, given as an option"},
      {"list", "usage: vigil list [options] [PATH]...", "  -f, --format FORMAT  table or jsonl"},
  };
  for (const Case& c : cases) {
    for (const char* flag : {"--help", "-h"}) {
      Proc r = Sh(kVigil + " " + c.command + " " + flag);
      EXPECT_EQ(r.status, 0) << c.command << " " << flag;
      EXPECT_EQ(r.err, "") << c.command;
      EXPECT_EQ(r.out.rfind(c.start, 0), 0u) << c.command << ": " << r.out;
      EXPECT_NE(r.out.find(c.detail), std::string::npos) << c.command << ": " << r.out;
    }
  }
  for (const char* main_help : {" --help", " help", " -h"}) {
    Proc r = Sh(kVigil + main_help);
    EXPECT_EQ(r.status, 0) << main_help;
    EXPECT_EQ(r.out.rfind("usage: vigil COMMAND [options]\n", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("  explain  show item by item"), std::string::npos) << r.out;
  }
  Proc version = Sh(kVigil + " version");
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out.rfind("vigil ", 0), 0u) << version.out;
  EXPECT_EQ(Lines(version.out).size(), 1u) << version.out;
}

}  // namespace
