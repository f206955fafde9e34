// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Shared helpers of the Google Benchmark suites (bench_*.cc): where the test data
// comes from, and how rule sets are built. Not part of vigil.
//
// Data, all deterministic, made once per process and kept in memory or in a temporary
// folder that is removed at exit:
//   events     VIGIL_BENCH_EVENTS=<file.ndjson>, else `tools/gen_cloudtrail.py --seed 7
//              --events 20000` (VIGIL_BENCH_EVENT_COUNT overrides 20000).
//   rule sets  VIGIL_BENCH_RULES_DIR=<dir> holding rules-<N>.yml or rules-<N>/ (and
//              rules-<N>-nokw.yml for the keyword-free variant), else
//              `tools/gen_rules.py --seed 7 --count N` into the temporary folder.
//   smoke      VIGIL_BENCH_SMOKE=1 makes every data set tiny (a few hundred events,
//              at most 100 rules, a few hundred KB of logs) so that
//              `--benchmark_min_time=0.01` runs a whole suite in seconds.
// The source tree is VIGIL_SOURCE_DIR (compiled in; the environment variable of the
// same name overrides it). python3 must be on PATH unless every data set is given.
#pragma once

#include <benchmark/benchmark.h>

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "support/per_match_sink.h"
#include "vigil/vigil.h"

namespace vigil::bench {

// True when VIGIL_BENCH_SMOKE is set to something other than "" or "0".
bool Smoke();

// An environment variable as an integer, or `fallback` when unset or malformed.
// Accepts a size suffix: 500KB, 20MB, 1GB (powers of 1000).
uint64_t EnvSize(const char* name, uint64_t fallback);

std::string SourceDir();

// A folder for generated data, created on first use and removed at exit.
const std::string& TempDir();

// Runs a shell command; aborts the process (with its output) if it fails.
void RunOrDie(const std::string& command);

// Events held in memory, each followed by kRecordPadding readable bytes so that both
// Scanner::Match and Scanner::MatchPadded (and simdjson) can read them in place.
struct EventCorpus {
  std::string storage;
  std::vector<std::string_view> events;  // valid after Seal()
  std::vector<size_t> sizes;
  uint64_t bytes = 0;  // sum of the events' sizes, padding excluded

  void Add(std::string_view json);
  // Points `events` into `storage`; call after the last Add().
  void Seal();
};

// The shared corpus of realistic CloudTrail events (see the top of this file).
const EventCorpus& Events();

// Path of a generated rule set of `count` rules (a multi-document YAML file by
// default; `folder` gives one file per rule). `keywords` false leaves keyword rules
// out (gen_rules.py --keyword-rate 0).
std::string GeneratedRules(int count, bool folder = false, bool keywords = true);

// Path of a generated one-shape rule set (`gen_rules.py --shape SHAPE`; "mix" is the
// default output): a multi-document YAML file of the first `count` rules. The largest
// set of a shape (`max_count`) is generated once per process and the smaller ones are
// its first documents (each set is a prefix of the larger). VIGIL_BENCH_RULES_DIR may
// hold them as rules-<shape>-<count>.yml (made by the same command).
std::string ShapeRules(const std::string& shape, int count, int max_count);

// Path of the bundled rule pack (rules/).
std::string PackDir();

// Builds a rule set from files or folders, or from YAML text; aborts on load errors
// (a benchmark over a rule set that silently lost rules would measure nothing).
std::shared_ptr<const RuleSet> BuildFromPaths(const std::vector<std::string>& paths);
std::shared_ptr<const RuleSet> BuildFromYaml(const std::string& yaml);

// The benchmark arguments for rule counts: `full` normally, `smoke` in smoke mode.
void RuleCountArgs(benchmark::internal::Benchmark* b, const std::vector<int64_t>& full,
                   const std::vector<int64_t>& smoke);

// Matches every event of `corpus` once with `scanner`; returns the number of matches.
uint64_t MatchAll(Scanner& scanner, const EventCorpus& corpus, std::vector<Match>* out);

// Sets items (events), bytes and a matches-per-event counter on `state` after a loop
// that matched `corpus` once per iteration.
void ReportCorpus(benchmark::State& state, const EventCorpus& corpus, uint64_t matches_last_pass);

// A ScanSink that does the output work of `vigil scan --format jsonl` (src/cli/scan.cc):
// each match becomes the same JSON line (the rule's fields escaped once per rule, the
// event minified once per record), appended to a buffer that is "written" (counted and
// cleared) at 1 MiB, as stdio does with the CLI's buffer. No correlations, no syscalls.
class JsonlSink : public vigil::testing::PerMatchSink {
 public:
  explicit JsonlSink(const RuleSet& rules) : rules_(rules) {}
  bool OnMatch(const Record& record, const Match& match) override;
  void OnError(const InputError&) override { ++errors; }
  bool OnRecordDone(const Record&, size_t matches) override;

  // jsonl bytes produced so far.
  uint64_t bytes_out() const { return flushed_ + out_.size(); }

  uint64_t matches = 0, errors = 0;
  uint64_t records = 0;           // records matched against the rules
  uint64_t matched_records = 0;   // records with at least one match
  uint64_t printed_records = 0;   // records with a printed match (building blocks are not)

 private:
  const RuleSet& rules_;
  std::vector<std::string> prefix_;  // by rule index
  std::string file_, file_json_, compact_, out_;
  uint64_t flushed_ = 0;
  bool record_ready_ = false;  // compact_ holds the current record's event
};

// Reads each file whole and decompresses it with libdeflate in one call, into a buffer
// sized from the gzip trailer and reused (what vigil_decompress_floor and vigil's reader
// do): the least a scan of these files can cost. Returns the decompressed bytes.
uint64_t GunzipFloor(const std::vector<std::string>& files);

// The regular files under `folder` (recursively) whose name ends in .gz, sorted.
std::vector<std::string> GzFiles(const std::string& folder);

}  // namespace vigil::bench
