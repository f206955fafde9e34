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

namespace vigil::cli_testing {
namespace {

const std::string kVigil = VIGIL_CLI_PATH;

// A folder of this test process's own (tests of one binary may run in parallel).
std::string TempDir(const std::string& name) {
  const std::string dir = ::testing::TempDir() + "/" + std::to_string(getpid()) + "_" + name;
  std::filesystem::create_directories(dir);
  return dir;
}

// A rule file and an event in a folder of their own, and a rule of the pack.
struct Files {
  std::string dir = TempDir("options");
  std::string stop = dir + "/stop.yml";
  std::string event = dir + "/event.jsonl";
  std::string root =
      std::string(VIGIL_SOURCE_DIR) + "/rules/aws/cloudtrail/aws_root_account_usage.yml";
  Files() {
    std::ofstream(stop) << kStopRule;
    std::ofstream(event) << kStopEvent;
  }
};

// stderr of a usage error of `command`.
std::string UsageError(const std::string& message, const std::string& command) {
  return "vigil: " + message + "\n(see vigil " + command + " --help)\n";
}

// `vigil <command> <args>` fails with status 2, printing `message` and nothing else.
struct UsageCase {
  std::string command, args, message;
};

void ExpectUsageErrors(const std::vector<UsageCase>& cases) {
  for (const UsageCase& c : cases) {
    Proc r = Sh(kVigil + " " + c.command + " " + c.args + " </dev/null");
    EXPECT_EQ(r.status, 2) << c.command << " " << c.args;
    EXPECT_EQ(r.err, UsageError(c.message, c.command)) << c.args;
    EXPECT_EQ(r.out, "") << c.args;  // refused before anything ran
  }
}

TEST(CliOptionsTest, WhatACommandDoesNotTakeIsAUsageErrorNamingIt) {
  const Files f;
  ExpectUsageErrors({
      {"check", "--baseline x " + f.stop,
       "--baseline is an option of vigil scan, not of vigil check"},
      {"check", "-fjsonl " + f.stop,
       "-f is an option of vigil scan, list and validate, not of vigil check"},
      {"list", "--threads 2 " + f.stop, "--threads is an option of vigil scan, not of vigil list"},
      {"list", "-q " + f.stop,
       "-q is an option of vigil scan, test, check and validate, not of vigil list"},
      {"scan", "--junit out.xml " + f.event,
       "--junit is an option of vigil test, not of vigil scan"},
      {"scan", "--strict " + f.event,
       "--strict is an option of vigil check and validate, not of vigil scan"},
      {"dump", "--rules " + f.stop + " --skip-bad-rules",
       "--skip-bad-rules is an option of vigil scan, not of vigil dump"},
      {"test", "--format=jsonl " + f.stop,
       "--format is an option of vigil scan, list and validate, not of vigil test"},
      {"test", "--lateness 1m " + f.stop,
       "--lateness is an option of vigil scan, not of vigil test"},
      {"explain", "-j2 " + f.stop + " " + f.event,
       "-j is an option of vigil scan, not of vigil explain"},
      {"explain", "--logsource any " + f.stop + " " + f.event,
       "--logsource is an option of vigil scan, not of vigil explain"},
      // Unknown options and operands.
      {"scan", "--bogus=3 " + f.event, "unknown option --bogus"},
      {"check", "-x5 " + f.stop, "unknown option -x"},
      // Bundled flags are read one by one: -q is check's, -v is not.
      {"check", "-qv " + f.stop, "-v is an option of vigil test, not of vigil check"},
      // dump's rules come with --rules; a path given as an operand used to be ignored.
      {"dump", f.stop, "unexpected operand '" + f.stop + "'"},
      {"dump", "-- -x", "unexpected operand '-x'"},
      // The help flag does not hide a wrong option.
      {"scan", "--help --bogus", "unknown option --bogus"},
  });
}

TEST(CliOptionsTest, ValuesComeAttachedAfterEqualsOrSeparate) {
  const Files f;
  Proc spaced = Sh(kVigil + " list --format jsonl --rules " + f.stop);
  ASSERT_EQ(spaced.status, 0) << spaced.err;
  ASSERT_EQ(Lines(spaced.out).size(), 1u) << spaced.out;
  EXPECT_NE(spaced.out.find("\"title\":\"Trail stopped\""), std::string::npos) << spaced.out;
  for (const std::string& args :
       {"-fjsonl -r" + f.stop, "--format=jsonl --rules=" + f.stop, "-f jsonl " + f.stop}) {
    Proc r = Sh(kVigil + " list " + args);
    EXPECT_EQ(r.status, 0) << args << ": " << r.err;
    EXPECT_EQ(r.out, spaced.out) << args;
  }
  // Every value option of scan after `=`, against the same values given separately.
  const std::string scan = kVigil + " scan -q ";
  Proc separate = Sh(scan + "--rules " + f.stop +
                     " --format jsonl --threads 1 --lateness 1h --max-future 2d "
                     "--max-held-events 100 --logsource cloudtrail " +
                     f.event);
  ASSERT_EQ(separate.status, 0) << separate.err;
  ASSERT_EQ(Lines(separate.out).size(), 1u) << separate.out;
  EXPECT_NE(separate.out.find("\"rule_title\":\"Trail stopped\""), std::string::npos)
      << separate.out;
  Proc equals = Sh(scan + "--rules=" + f.stop +
                   " --format=jsonl --threads=1 --lateness=1h --max-future=2d "
                   "--max-held-events=100 --logsource=cloudtrail " +
                   f.event);
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
  EXPECT_NE(test_operand.out.find("vigil: 1 rules: 0 passed, 0 failed, 1 without tests"),
            std::string::npos)
      << test_operand.out;
  Proc explain = Sh(kVigil + " explain -r" + f.stop + " --rule=\"Trail stopped\" " + f.event);
  EXPECT_EQ(explain.status, 0) << explain.err;
  EXPECT_NE(explain.out.find("MATCH"), std::string::npos) << explain.out;
}

TEST(CliOptionsTest, RepeatedOptionsAddOrKeepTheLastValue) {
  const Files f;
  // --rules adds each path; --format keeps the last.
  Proc both =
      Sh(kVigil + " list --format table -r " + f.stop + " --rules " + f.root + " --format jsonl");
  ASSERT_EQ(both.status, 0) << both.err;
  const std::vector<std::string> lines = Lines(both.out);
  ASSERT_EQ(lines.size(), 2u) << both.out;
  EXPECT_NE(both.out.find("\"title\":\"Trail stopped\""), std::string::npos) << both.out;
  EXPECT_NE(both.out.find("\"title\":\"AWS Root Account Usage\""), std::string::npos) << both.out;
  EXPECT_EQ(lines[0][0], '{');
}

TEST(CliOptionsTest, BadAndMissingValuesAreRefusedWithWhatTheOptionNeeds) {
  const Files f;
  ExpectUsageErrors({
      {"scan", "--threads abc", "--threads needs a number (0: one per core)"},
      {"scan", "--threads=-1", "--threads needs a number (0: one per core)"},
      {"scan", "-j300", "--threads is at most 256, not 300"},
      {"scan", "--max-held-events 1",
       "--max-held-events needs a number of events, at least 2, not '1'"},
      {"scan", "--max-held-events=99999999999",
       "--max-held-events needs a number of events, at least 2, not '99999999999'"},
      {"scan", "--logsource=aws", "--logsource is auto, cloudtrail or any"},
      // A value may look like an option: it is taken, and judged.
      {"scan", "--max-future -1d",
       "--max-future needs a duration such as 1d, 12h or 30m, or inf (no bound), not '-1d'"},
      // Missing: at the end of the command line, or empty after `=`.
      {"scan", "--rules", "--rules needs a path"},
      {"scan", "-j", "--threads needs a number (0: one per core)"},
      {"scan", "--baseline=", "--baseline needs a file"},
      {"scan", "--logsource", "--logsource needs auto, cloudtrail or any"},
      {"check", "--vars", "--vars needs a file"},
      {"test", "--junit", "--junit needs a file"},
      {"explain", "--rule", "--rule needs a rule id, name or title"},
      {"list", "-f", "--format is table or jsonl"},
      // An empty value after `=` is the option's, not the next argument's.
      {"scan", "--baseline= " + f.event, "--baseline needs a file"},
  });
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
      {"scan", "usage: vigil scan [options] [INPUT]...",
       "  --max-held-events N correlation's memory bound"},
      {"dump", "usage: vigil dump [--rules PATH]... [--vars FILE]\n", ""},
      {"test", "usage: vigil test [options] [PATH]...",
       "  --junit FILE     also write the results"},
      {"check", "usage: vigil check [options] [PATH]...", "  --no-require-tests   do not warn"},
      {"explain", "usage: vigil explain [options] RULE [EVENT]...",
       "  --rule RULE    the rule, given as an option"},
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
}  // namespace vigil::cli_testing
