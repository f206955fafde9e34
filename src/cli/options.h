// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The options of each `vigil` command: one struct per command, and a Parse overload per
// struct that accepts exactly that command's options (options.cc, the only file that
// sees CLI11). An option of another command is a usage error that names the command it
// belongs to; `--help` prints the command's own hand-written help text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "vigil/vigil.h"

namespace vigil::cli {

// What every command that loads rules takes: -r/--rules PATH (repeatable) and
// --vars FILE (values for |expand placeholders).
struct RuleArgs {
  std::vector<std::string> rules;
  std::string vars;
};

// vigil scan [options] [INPUT]...
struct ScanArgs : RuleArgs {
  std::vector<std::string> inputs;  // none: standard input
  std::string format;               // -f: table or jsonl; empty: table on a terminal
  vigil::EventKind kind = vigil::EventKind::kAuto;  // --logsource
  unsigned threads = 0;                             // -j: 0 = one per core
  bool skip_bad_rules = false;
  bool quiet = false;
  // --lateness: how far out of event-time order a correlation-relevant event may
  // arrive; INT64_MAX holds every event to the end. Default: CloudTrail delivers events
  // up to about 15 minutes after they happen.
  int64_t lateness_ms = 15 * 60 * 1000;
  std::string lateness = "15m";  // as written, for messages
  // --max-future: events dated further past their file's delivery time (or the clock)
  // are time outliers, not correlated (INT64_MAX: no bound).
  int64_t max_future_ms = 24 * 60 * 60 * 1000;
  std::string max_future = "1d";  // as written, for messages
  // --max-held-events: correlation state held at most (CorrelatorOptions::max_held_events).
  size_t max_held_events = 200000;
  // --baseline: first_seen baseline file, loaded before and saved after.
  std::string baseline;
  // --validate: log file integrity validation of the INPUT folders before the scan
  // (vigil validate), with --public-keys and --signatures as there.
  bool validate = false;
  std::string public_keys;
  std::string signatures;
};

// vigil dump [--rules PATH]... [--vars FILE]
struct DumpArgs : RuleArgs {};

// vigil test [options] [PATH]...
struct TestArgs : RuleArgs {
  std::vector<std::string> paths;
  std::string junit;  // --junit FILE
  bool verbose = false;
  bool quiet = false;
};

// vigil check [options] [PATH]...
struct CheckArgs : RuleArgs {
  std::vector<std::string> paths;
  bool no_require_tests = false;
  bool strict = false;  // warnings fail too
  bool quiet = false;
};

// vigil explain [options] RULE [EVENT]...
struct ExplainArgs : RuleArgs {
  std::string rule;                   // --rule: then every operand is an EVENT
  std::vector<std::string> operands;  // RULE (without --rule), then the EVENTs
};

// vigil list [options] [PATH]...
struct ListArgs : RuleArgs {
  std::vector<std::string> paths;
  std::string format;  // table or jsonl; empty: table on a terminal
};

// vigil validate [options] PATH...
struct ValidateArgs {
  std::vector<std::string> paths;
  std::string public_keys;       // --public-keys FILE
  std::string signatures;        // --signatures FILE
  int64_t start_ms = INT64_MIN;  // --start TIME
  int64_t end_ms = INT64_MAX;    // --end TIME
  std::string format;            // table or jsonl; empty: table on a terminal
  bool strict = false;           // unverified findings fail too
  bool quiet = false;
};

// Parse the arguments that follow the command's name into *args. Each returns -1 for
// the command to go on, or its exit status: 0 when --help printed `help`, 2 after a
// usage error (printed by Usage, common.h).
int Parse(int argc, char** argv, const char* help, ScanArgs* args);
int Parse(int argc, char** argv, const char* help, DumpArgs* args);
int Parse(int argc, char** argv, const char* help, TestArgs* args);
int Parse(int argc, char** argv, const char* help, CheckArgs* args);
int Parse(int argc, char** argv, const char* help, ExplainArgs* args);
int Parse(int argc, char** argv, const char* help, ListArgs* args);
int Parse(int argc, char** argv, const char* help, ValidateArgs* args);

}  // namespace vigil::cli
