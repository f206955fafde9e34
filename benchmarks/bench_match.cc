// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Question: how does matching cost grow with the number of rules, and what does it
// cost to compile a large rule set? The same in-memory events (bench_common.h) are
// matched against the bundled pack and against generated CloudTrail-shaped rule sets
// of 100, 1000, 5000 and 10000 rules (tools/gen_rules.py --seed 7; each set is a
// prefix of the next). vigil looks values up in per-field tables and evaluates only
// the rules a true predicate names as candidates, so the cost per event should grow
// with the number of rules that could fire on it, not with the total. The generated
// sets hold about 1% keyword rules, which make the walker visit every string of every
// event; the "NoKeywords" variant leaves them out to show their share.
//
// Reports events/s (items_per_second), bytes/s and matches per event; the compile
// benchmarks report the time of RuleSetBuilder AddPath + Build, split as
// load_cpu_ms (AddPath) and build_cpu_ms (Build).
//
// Start-up (issue 12: one thread, load and compile 1,000 rule files in <= 100 ms, the
// bundled pack in <= 15 ms, 10,000 rules in < 1 s): BM_CompilePackAsScan (the pack
// without its tests: blocks, as `vigil scan` loads it), BM_CompileGeneratedFolder/1000
// (one file per rule) and BM_CompileGenerated/10000 (one multi-document file).

#include <time.h>

#include "bench_common.h"

namespace vigil::bench {
namespace {

void RunMatch(benchmark::State& state, std::shared_ptr<const RuleSet> rules) {
  const EventCorpus& c = Events();
  Scanner scanner(std::move(rules));
  std::vector<Match> out;
  uint64_t matches = 0;
  for (auto _ : state) matches = MatchAll(scanner, c, &out);
  state.counters["rules"] = static_cast<double>(scanner.rules().size());
  ReportCorpus(state, c, matches);
}

void BM_MatchPack(benchmark::State& state) { RunMatch(state, BuildFromPaths({PackDir()})); }
BENCHMARK(BM_MatchPack)->Unit(benchmark::kMillisecond);

void BM_MatchGenerated(benchmark::State& state) {
  RunMatch(state, BuildFromPaths({GeneratedRules(static_cast<int>(state.range(0)))}));
}
BENCHMARK(BM_MatchGenerated)
    ->Apply([](benchmark::internal::Benchmark* b) {
      RuleCountArgs(b, {100, 1000, 5000, 10000}, {10, 100});
    })
    ->Unit(benchmark::kMillisecond);

void BM_MatchGeneratedNoKeywords(benchmark::State& state) {
  RunMatch(state, BuildFromPaths({GeneratedRules(static_cast<int>(state.range(0)), false, false)}));
}
BENCHMARK(BM_MatchGeneratedNoKeywords)
    ->Apply([](benchmark::internal::Benchmark* b) {
      RuleCountArgs(b, {100, 1000, 5000, 10000}, {100});
    })
    ->Unit(benchmark::kMillisecond);

// The pack and a generated set together: what a deployment with the pack plus a large
// in-house rule set pays.
void BM_MatchPackPlusGenerated(benchmark::State& state) {
  RunMatch(state, BuildFromPaths({PackDir(), GeneratedRules(static_cast<int>(state.range(0)))}));
}
BENCHMARK(BM_MatchPackPlusGenerated)
    ->Apply([](benchmark::internal::Benchmark* b) { RuleCountArgs(b, {1000}, {100}); })
    ->Unit(benchmark::kMillisecond);

// ---- compile time ------------------------------------------------------------------

// CPU time of this thread in milliseconds (the machine may be shared; CPU time is what
// Google Benchmark reports too).
double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

void RunCompile(benchmark::State& state, const std::string& path,
                const CompileOptions& options = {}) {
  double load_ms = 0, build_ms = 0;
  size_t rules = 0;
  for (auto _ : state) {
    const double t0 = ThreadCpuMs();
    RuleSetBuilder b(options);
    b.AddPath(path);
    const double t1 = ThreadCpuMs();
    std::shared_ptr<const RuleSet> set = b.Build();
    const double t2 = ThreadCpuMs();
    load_ms += t1 - t0;
    build_ms += t2 - t1;
    if (b.has_errors()) {
      state.SkipWithError("rules failed to load");
      return;
    }
    rules = set->size();
    benchmark::DoNotOptimize(set);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["rules"] = static_cast<double>(rules);
  state.counters["load_cpu_ms"] = load_ms / n;    // AddPath: read and parse the YAML
  state.counters["build_cpu_ms"] = build_ms / n;  // Build: lower, intern, compile tables
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * rules));  // rules/s
}

// One multi-document YAML file.
void BM_CompileGenerated(benchmark::State& state) {
  RunCompile(state, GeneratedRules(static_cast<int>(state.range(0))));
}
BENCHMARK(BM_CompileGenerated)
    ->Apply([](benchmark::internal::Benchmark* b) { RuleCountArgs(b, {1000, 10000}, {100}); })
    ->Unit(benchmark::kMillisecond);

// One file per rule (folder walk, one open/read per rule).
void BM_CompileGeneratedFolder(benchmark::State& state) {
  RunCompile(state, GeneratedRules(static_cast<int>(state.range(0)), true));
}
BENCHMARK(BM_CompileGeneratedFolder)
    ->Apply([](benchmark::internal::Benchmark* b) { RuleCountArgs(b, {1000, 10000}, {100}); })
    ->Unit(benchmark::kMillisecond);

// The pack with its tests: blocks, as `vigil test` and the Python package load it.
void BM_CompilePack(benchmark::State& state) { RunCompile(state, PackDir()); }
BENCHMARK(BM_CompilePack)->Unit(benchmark::kMillisecond);

// The pack as `vigil scan` loads it: the tests: blocks (most of its bytes) are blanked
// before parsing (CompileOptions::skip_attributes).
void BM_CompilePackAsScan(benchmark::State& state) {
  CompileOptions options;
  options.skip_attributes = {"tests"};
  RunCompile(state, PackDir(), options);
}
BENCHMARK(BM_CompilePackAsScan)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil::bench
