// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// What the `vigil` subcommands share: usage errors and rule loading.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "cli/options.h"
#include "vigil/vigil.h"

namespace vigil::cli {

std::string DefaultRules();

// `s` as a quoted JSON string (jsonl output).
std::string JsonString(std::string_view s);

// Output written to stdout could not be written (err: errno; EPIPE, a reader that
// closed the pipe, is not reported): prints "vigil: writing the output failed" once per
// process, however many places notice. Returns the exit status for it, 1.
int OutputFailed(int err);

// Prints "vigil: message" and a pointer to --help; returns 2 (bad usage).
int Usage(const std::string& message, const char* command = "scan");

// Reads the --vars file into compile options. Prints the error and returns false.
bool CompileOptionsFrom(const RuleArgs& o, vigil::CompileOptions* out);

// Loads and compiles the rules; prints diagnostics. Returns null on failure (with
// *status set) unless `skip_bad_rules`.
std::shared_ptr<const vigil::RuleSet> LoadRules(const RuleArgs& o, bool skip_bad_rules,
                                                int* status);

int Scan(int argc, char** argv);
int Dump(int argc, char** argv);
int Test(int argc, char** argv);
int Check(int argc, char** argv);
int ExplainCommand(int argc, char** argv);
int List(int argc, char** argv);
int ValidateCommand(int argc, char** argv);

}  // namespace vigil::cli
