// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Helpers of the CLI tests (tests/cli/*_test.cc): run the built `vigil` through a
// shell and split its output into lines. Test code only.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace vigil::cli_testing {

struct Proc {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs a shell command line (no single quotes in it); stdout captured, stderr through a
// file of its own: ctest runs tests as parallel processes, and the one counter (an
// inline function's static) keeps the calls of every test file of a process apart.
inline Proc Sh(const std::string& cmd) {
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

// A rule on CloudTrail's StopLogging, and an event it matches.
inline constexpr const char* kStopRule = R"(title: Trail stopped
id: 2b0c5f1e-7d43-4c39-9a9e-3f6f2b8d1c01
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging}
  condition: selection
level: high
)";

inline constexpr const char* kStopEvent =
    "{\"eventVersion\":\"1.08\",\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":"
    "\"StopLogging\","
    "\"eventTime\":\"2024-01-01T00:00:00Z\",\"awsRegion\":\"us-east-1\"}\n";

// The non-empty lines of `s`.
inline std::vector<std::string> Lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) {
    if (!l.empty()) out.push_back(l);
  }
  return out;
}

}  // namespace vigil::cli_testing
