// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The `vigil` command: dispatches to the subcommands (scan.cc, rule_tools.cc).

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>

#include "cli/common.h"

namespace {

constexpr const char* kMainHelp = R"(usage: vigil COMMAND [options]

commands:
  scan     match logs against Sigma rules (vigil scan --help)
  test     run the unit tests rules carry in their `tests:` attribute
  check    lint rule files (errors, and warnings for what is likely wrong)
  explain  show item by item why a rule did or did not match an event
  list     print rule metadata (jsonl or a table)
  validate check CloudTrail log file integrity offline (digest files, signatures)
  dump     print the compiled rules: fields, shared predicates, conditions
  version  print the version

Each command takes --help.
)";

int Dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::fputs(kMainHelp, stderr);
    return 2;
  }
  const std::string cmd = argv[1];
  if (cmd == "scan") return vigil::cli::Scan(argc - 2, argv + 2);
  if (cmd == "dump") return vigil::cli::Dump(argc - 2, argv + 2);
  if (cmd == "test") return vigil::cli::Test(argc - 2, argv + 2);
  if (cmd == "check") return vigil::cli::Check(argc - 2, argv + 2);
  if (cmd == "explain") return vigil::cli::ExplainCommand(argc - 2, argv + 2);
  if (cmd == "list") return vigil::cli::List(argc - 2, argv + 2);
  if (cmd == "validate") return vigil::cli::ValidateCommand(argc - 2, argv + 2);
  if (cmd == "version" || cmd == "--version") {
    std::printf("vigil %d.%d.%d\n", VIGIL_VERSION_MAJOR, VIGIL_VERSION_MINOR, VIGIL_VERSION_PATCH);
    return 0;
  }
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::fputs(kMainHelp, stdout);
    return 0;
  }
  return vigil::cli::Usage("unknown command '" + cmd + "'");
}

// Output that could not be written (a full disk, /dev/full) must not end in exit status
// 0: stdio keeps unwritten data buffered, so this final flush fails again with the
// reason. A reader that closed the pipe early (`vigil list | head`) is not an error.
int FinishOutput(int status) {
  if (std::fflush(stdout) == 0 && !std::ferror(stdout)) return status;
  const int err = errno != 0 ? errno : EIO;
  if (err == EPIPE) return status;
  const int failed = vigil::cli::OutputFailed(err);
  return status == 0 ? failed : status;
}

}  // namespace

int main(int argc, char** argv) {
  // A closed pipe shows up as EPIPE from write(), handled above and in `vigil scan`.
  std::signal(SIGPIPE, SIG_IGN);
  return FinishOutput(Dispatch(argc, argv));
}
