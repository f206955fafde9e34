// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Question: how does the per-event cost of matching grow with the number of rules,
// shape by shape? (Issue 12's target: at 10,000 rules an event may cost at most 3x what
// it costs at 100 rules, for every predicate shape separately and for the mix.)
//
// Rule sets: tools/gen_rules.py --seed 7 --shape SHAPE for SHAPE in equality, prefix,
// suffix, contains, wildcard, regex, keyword, cidr, numeric, fieldref, and the default
// mix, at 100, 1,000 and 10,000 rules (each set is a prefix of the larger; in a shape's
// set that shape's predicates decide every rule and ~3% of the rules fire on generated
// events, see tools/rule_shapes.py). Events: the same VIGIL_BENCH_SHAPE_EVENTS (default
// 1,000) CloudTrail events for every set, every k-th event of the shared corpus
// (bench_common.h), matched in memory with Scanner::MatchPadded.
//
//   Shape/<shape>/<rules>      events/s (items_per_second), matches/event, rules; the
//                              cost per event is 1e9 / items_per_second ns, and
//                              `summarize.py --shape-ratios` prints the 10k/100 ratio.
//   Compile/<shape>/<rules>    RuleSetBuilder AddPath + Build at 10,000 rules (CPU time;
//                              load_cpu_ms, build_cpu_ms), the heap the built set holds
//                              (set_heap_MB, mallinfo2 in-use bytes with the set alive and
//                              the builder gone) and, measured once in a forked child after
//                              malloc_trim, the peak and kept RSS growth of compiling it
//                              (peak_rss_growth_MB, rss_growth_MB).
//
// The largest per-event costs (keyword, wildcard and regex sets at 10,000 rules) are
// milliseconds today, so one pass over the events is one iteration; run with
// --benchmark_repetitions=3 (benchmarks/run.sh uses 5 for the other suites).

#include <malloc.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>

#include "bench_common.h"
#include "eval/evaluator.h"

namespace vigil::bench {
namespace {

const std::vector<std::string>& Shapes() {
  static const std::vector<std::string> k = {"mix",      "equality", "prefix", "suffix", "contains", "wildcard",
                                             "regex",    "keyword",  "cidr",   "numeric", "fieldref"};
  return k;
}

std::vector<int> Counts() { return Smoke() ? std::vector<int>{10, 100} : std::vector<int>{100, 1000, 10000}; }
int MaxCount() { return Counts().back(); }

// Every k-th event of the shared corpus, VIGIL_BENCH_SHAPE_EVENTS of them.
const EventCorpus& ShapeEvents() {
  static const EventCorpus* corpus = [] {
    const EventCorpus& all = Events();
    const size_t want = std::max<size_t>(1, EnvSize("VIGIL_BENCH_SHAPE_EVENTS", Smoke() ? 100 : 1000));
    const size_t step = std::max<size_t>(1, all.events.size() / want);
    auto* c = new EventCorpus;
    for (size_t i = 0; i < all.events.size() && c->sizes.size() < want; i += step) c->Add(all.events[i]);
    c->Seal();
    return c;
  }();
  return *corpus;
}

void BM_Shape(benchmark::State& state, const std::string& shape, int count) {
  const EventCorpus& c = ShapeEvents();
  Scanner scanner(BuildFromPaths({ShapeRules(shape, count, MaxCount())}));
  std::vector<Match> out;
  uint64_t matches = 0;
  for (auto _ : state) {
    matches = 0;
    for (std::string_view e : c.events) {
      Status s = scanner.MatchPadded(e, &out);
      if (!s.ok()) {
        state.SkipWithError(s.message().c_str());
        return;
      }
      matches += out.size();
    }
  }
  state.counters["rules"] = static_cast<double>(scanner.rules().size());
  // The matcher's work per event (src/eval/evaluator.h), for the "why" of each ratio.
  const auto& k = scanner.evaluator().counters();
  const double events = static_cast<double>(k.events ? k.events : 1);
  state.counters["candidates/event"] = static_cast<double>(k.candidates) / events;
  state.counters["conditions/event"] = static_cast<double>(k.conditions) / events;
  state.counters["lazy_tests/event"] = static_cast<double>(k.lazy_tests) / events;
  state.counters["memo_hits/event"] = static_cast<double>(k.memo_hits) / events;
  state.counters["fieldref_tests/event"] = static_cast<double>(k.fieldref_tests) / events;
  state.counters["set_searches/event"] = static_cast<double>(k.regex_set_searches) / events;
  state.counters["set_fallbacks/event"] = static_cast<double>(k.regex_set_fallbacks) / events;
  state.counters["set_pauses"] = static_cast<double>(k.regex_set_pauses);
  ReportCorpus(state, c, matches);
}

double ThreadCpuMs() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

double HeapInUseMB() {
  const struct mallinfo2 mi = mallinfo2();
  return static_cast<double>(mi.uordblks + mi.hblkhd) / (1024.0 * 1024.0);
}

// VmRSS or VmHWM of this process in MB.
double ProcStatusMB(const char* key) {
  std::ifstream f("/proc/self/status");
  std::string line;
  const size_t n = std::strlen(key);
  while (std::getline(f, line)) {
    if (line.compare(0, n, key) == 0 && line.size() > n && line[n] == ':') {
      return std::strtod(line.c_str() + n + 1, nullptr) / 1024.0;  // kB
    }
  }
  return 0;
}

// Compiles `path` in a forked child (after returning freed memory to the system, so that
// reused heap pages count again) and returns {peak RSS growth, kept RSS growth} in MB.
std::pair<double, double> RssGrowthInChild(const std::string& path) {
  malloc_trim(0);
  int fds[2];
  if (pipe(fds) != 0) return {-1, -1};
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    {
      std::ofstream clear("/proc/self/clear_refs");
      clear << "5";  // reset VmHWM to the current RSS
    }
    const double before = ProcStatusMB("VmRSS");
    double result[2] = {-1, -1};
    {
      std::shared_ptr<const RuleSet> set;
      {
        RuleSetBuilder b;
        b.AddPath(path);
        set = b.Build();
      }
      result[0] = ProcStatusMB("VmHWM") - before;
      result[1] = ProcStatusMB("VmRSS") - before;
      benchmark::DoNotOptimize(set);
    }
    ssize_t w = write(fds[1], result, sizeof result);
    (void)w;
    _exit(0);
  }
  close(fds[1]);
  double result[2] = {-1, -1};
  ssize_t r = read(fds[0], result, sizeof result);
  (void)r;
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return {result[0], result[1]};
}

void BM_Compile(benchmark::State& state, const std::string& shape, int count) {
  const std::string path = ShapeRules(shape, count, MaxCount());
  double load_ms = 0, build_ms = 0, heap_mb = 0;
  size_t rules = 0;
  for (auto _ : state) {
    const double heap0 = HeapInUseMB();
    const double t0 = ThreadCpuMs();
    std::shared_ptr<const RuleSet> set;
    {
      RuleSetBuilder b;
      b.AddPath(path);
      const double t1 = ThreadCpuMs();
      set = b.Build();
      const double t2 = ThreadCpuMs();
      load_ms += t1 - t0;
      build_ms += t2 - t1;
      if (b.has_errors()) {
        state.SkipWithError("rules failed to load");
        return;
      }
    }
    heap_mb += HeapInUseMB() - heap0;
    rules = set->size();
    benchmark::DoNotOptimize(set);
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["rules"] = static_cast<double>(rules);
  state.counters["load_cpu_ms"] = load_ms / n;
  state.counters["build_cpu_ms"] = build_ms / n;
  state.counters["set_heap_MB"] = heap_mb / n;
  const auto [peak, kept] = RssGrowthInChild(path);
  state.counters["peak_rss_growth_MB"] = peak;
  state.counters["rss_growth_MB"] = kept;
}

// Registered in this order: every shape at every count, then compile at the largest.
const bool kRegistered = [] {
  for (const auto& shape : Shapes()) {
    for (int count : Counts()) {
      benchmark::RegisterBenchmark(("Shape/" + shape + "/" + std::to_string(count)).c_str(),
                                   [shape, count](benchmark::State& st) { BM_Shape(st, shape, count); })
          ->Unit(benchmark::kMicrosecond);
    }
  }
  for (const auto& shape : Shapes()) {
    const int count = MaxCount();
    benchmark::RegisterBenchmark(("Compile/" + shape + "/" + std::to_string(count)).c_str(),
                                 [shape, count](benchmark::State& st) { BM_Compile(st, shape, count); })
        ->Unit(benchmark::kMillisecond);
  }
  return true;
}();

}  // namespace
}  // namespace vigil::bench
