// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// What the `vigil` subcommands share: option parsing and rule loading.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/vigil.h"

namespace vigil::cli {

std::string DefaultRules();

// `s` as a quoted JSON string (jsonl output).
std::string JsonString(std::string_view s);

struct Options {
  std::vector<std::string> rules;
  std::vector<std::string> inputs;
  std::string vars;
  std::string format;
  std::string junit;  // vigil test --junit FILE
  std::string rule;   // vigil explain --rule ID
  vigil::EventKind kind = vigil::EventKind::kAuto;
  bool skip_bad_rules = false;
  bool quiet = false;
  bool verbose = false;
  bool no_require_tests = false;
  bool strict = false;
  unsigned threads = 0;  // vigil scan --threads: 0 = one per core  // vigil check: warnings fail too
  // vigil scan --lateness: how far out of event-time order a correlation-relevant event
  // may arrive; INT64_MAX holds every event to the end. Default: CloudTrail delivers
  // events up to about 15 minutes after they happen.
  int64_t lateness_ms = 15 * 60 * 1000;
  std::string lateness = "15m";  // as written, for messages
  // vigil scan --baseline: first_seen baseline file, loaded before and saved after.
  std::string baseline;
  // vigil scan --max-future: events dated further past their file's delivery time (or
  // the clock) are time outliers, not correlated (INT64_MAX: no bound).
  int64_t max_future_ms = 24 * 60 * 60 * 1000;
  std::string max_future = "1d";  // as written, for messages
  // Correlation state held at most (CorrelatorOptions::max_held_events).
  size_t max_held_events = 200000;
};

// Output written to stdout could not be written (err: errno; EPIPE, a reader that
// closed the pipe, is not reported): prints "vigil: writing the output failed" once per
// process, however many places notice. Returns the exit status for it, 1.
int OutputFailed(int err);

// Prints "vigil: message" and a pointer to --help; returns 2 (bad usage).
int Usage(const std::string& message, const char* command = "scan");

// Parses the options common to every subcommand; other arguments become inputs.
// Returns 0, or the exit status of a usage error (already printed).
int ParseCommon(int argc, char** argv, Options* o, bool* help, const char* command = "scan");

// Reads the --vars file into compile options. Prints the error and returns false.
bool CompileOptionsFrom(const Options& o, vigil::CompileOptions* out);

// Loads and compiles the rules; prints diagnostics. Returns null on failure (with
// *status set) unless --skip-bad-rules.
std::shared_ptr<const vigil::RuleSet> LoadRules(const Options& o, int* status);

int Scan(int argc, char** argv);
int Dump(int argc, char** argv);
int Test(int argc, char** argv);
int Check(int argc, char** argv);
int ExplainCommand(int argc, char** argv);
int List(int argc, char** argv);

}  // namespace vigil::cli
