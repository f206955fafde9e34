// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The real CloudTrail records of ../shared/data/cloudtrail (provenance in its
// README.md), as the backtests read them: the same six sources for the SigmaHQ
// backtest (sigmahq_real_records_test.cc), the pack's (pack_real_records_test.cc) and
// scripts/backtest.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vigil/vigil.h"

namespace vigil::testing {

inline const std::string& RealDataDir() {
  static const std::string dir = std::string(VIGIL_SHARED_DIR) + "/data/cloudtrail";
  return dir;
}

// The real (non-fixture) sources, relative to RealDataDir(), as listed in the data
// README; SOURCES in scripts/backtest is the same list.
inline const std::vector<std::string>& RealInputs() {
  static const std::vector<std::string> inputs = {
      "invictus-aws-dataset/CloudTrail",                                          // mixed
      "stratus-red-team/detonation-logs",                                         // attack
      "otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json",  // attack
      "traildiscover/logExamples",                                                // catalogue
      "cribl-pack-cloudtrail/zyNWSr.records.json",                                // benign
      "cloudtrail2sightings/extracted",                                           // attack
  };
  return inputs;
}

// A record's file relative to RealDataDir().
inline std::string RelativeToData(const std::string& file) {
  const std::string& dir = RealDataDir();
  return file.rfind(dir + "/", 0) == 0 ? file.substr(dir.size() + 1) : file;
}

// Scans every real source with `rules` (one thread, so sinks see input order).
inline ScanStats ScanRealInputs(std::shared_ptr<const RuleSet> rules, ScanSink* sink) {
  Scanner scanner(std::move(rules));
  std::vector<std::string> in;
  for (const auto& p : RealInputs()) in.push_back(RealDataDir() + "/" + p);
  return ScanInputs(scanner, in, ScanOptions{}, sink);
}

// What reading the real sources must give, whatever the rules: 4,093 parsed events (data
// README) + record 0 of the malformed cloudtrail2sightings/extracted/
// aws.execution.ec2-user-data.json, read before its syntax error at line 112. That file
// gives the two read errors: the damage, and the pretty-printed lines after it that
// could not be recovered (113 to 307), so the loss is stated.
inline void ExpectRealDataTotals(const ScanStats& stats, const std::vector<InputError>& errors) {
  EXPECT_EQ(stats.events, 4094u);
  EXPECT_EQ(stats.files, 680u);
  EXPECT_EQ(stats.event_errors, 0u);
  EXPECT_EQ(stats.input_errors, 2u);
  ASSERT_EQ(errors.size(), 2u);
  for (const auto& e : errors) {
    EXPECT_NE(e.file.find("cloudtrail2sightings/extracted/aws.execution.ec2-user-data.json"), std::string::npos);
  }
  EXPECT_EQ(errors[0].line, 112u);
  EXPECT_EQ(errors[1].line, 113u);
}

// The scan of every real source with the rules `make_rules()` returns, into a Sink,
// done once per Sink type and kept for all the tests of a binary.
template <typename Sink>
struct RealScan {
  Sink sink;
  ScanStats stats;
};

template <typename Sink, typename MakeRules>
const RealScan<Sink>& ScanRealOnce(MakeRules make_rules) {
  static RealScan<Sink>* scan = [&] {
    auto* r = new RealScan<Sink>;
    r->stats = ScanRealInputs(make_rules(), &r->sink);
    return r;
  }();
  return *scan;
}

}  // namespace vigil::testing
