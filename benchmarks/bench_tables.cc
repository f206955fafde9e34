// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Questions: does the cost of testing a value grow with the number of literals on its
// field (equality, |contains, |startswith, |endswith)? And what does a |re cost per
// value, alone and by the hundred?
//
// Synthetic, through the public API: N rules, each testing the one field userAgent
// against its own random literal (or regex), over 4096 small CloudTrail-shaped events
// whose userAgent is a random string of 40 or 400 characters; 5% of the events carry
// one of the literals (so some rules fire). BM_TableFloor reads the same events with a
// single rule on another field: subtract it to get the cost of the userAgent value
// itself. Arguments are /<literals>/<value length>.

#include <algorithm>
#include <ctime>
#include <random>
#include <set>

#include "compile/literal_matcher.h"
#include "eval/glob.h"
#include "util/strings.h"

#include "bench_common.h"

namespace vigil::bench {
namespace {

enum class Kind { kEquals, kContains, kStartsWith, kEndsWith, kRegex, kFloor };

const char* Modifier(Kind k) {
  switch (k) {
    case Kind::kEquals: return "";
    case Kind::kContains: return "|contains";
    case Kind::kStartsWith: return "|startswith";
    case Kind::kEndsWith: return "|endswith";
    case Kind::kRegex: return "|re";
    case Kind::kFloor: return "";
  }
  return "";
}

std::string RandomWord(std::mt19937_64& rng, size_t n) {
  static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s(n, 'a');
  for (char& c : s) c = kAlphabet[rng() % 36];
  return s;
}

struct Table {
  std::shared_ptr<const RuleSet> rules;
  EventCorpus events;
};

// N literals (or regexes) and the events, all from a fixed seed.
Table MakeTable(Kind kind, int n, size_t value_len) {
  std::mt19937_64 rng(7);
  // What each rule tests, and a string that satisfies it (for the 5% of hits).
  std::vector<std::string> tests, witnesses;
  for (int i = 0; i < n; ++i) {
    if (kind == Kind::kRegex) {
      // Unanchored, a few alternatives and classes: the shape of real |re values.
      const std::string a = RandomWord(rng, 5), b = RandomWord(rng, 4), c = RandomWord(rng, 4);
      tests.push_back(a + "[-_.](" + b + "|" + c + ")\\d{2,}");
      witnesses.push_back(a + "-" + c + "42");
    } else {
      const std::string lit = RandomWord(rng, 8 + rng() % 9);
      tests.push_back(lit);
      witnesses.push_back(lit);
    }
  }
  std::string yaml;
  for (int i = 0; i < n; ++i) {
    yaml += "title: Table rule " + std::to_string(i) + "\nlogsource: {product: aws, service: cloudtrail}\n"
            "detection:\n  selection:\n    " +
            std::string(kind == Kind::kFloor ? "eventName" : "userAgent") + Modifier(kind) + ": '" + tests[i] +
            "'\n  condition: selection\nlevel: low\n---\n";
  }
  Table t;
  t.rules = BuildFromYaml(yaml);

  const size_t count = Smoke() ? 256 : 4096;
  for (size_t e = 0; e < count; ++e) {
    std::string v = RandomWord(rng, value_len);
    if (rng() % 100 < 5 && kind != Kind::kFloor) {
      const std::string& w = witnesses[rng() % witnesses.size()];
      switch (kind) {
        case Kind::kEquals: v = w; break;
        case Kind::kStartsWith: v.replace(0, std::min(w.size(), v.size()), w); break;
        case Kind::kEndsWith: v = v.substr(0, v.size() - std::min(w.size(), v.size())) + w; break;
        default: {  // contains, regex: somewhere inside
          const size_t at = rng() % (v.size() > w.size() ? v.size() - w.size() : 1);
          v.replace(at, std::min(w.size(), v.size()), w);
        }
      }
    }
    t.events.Add(R"({"eventVersion":"1.08","eventTime":"2026-11-25T08:00:00Z","eventSource":"s3.amazonaws.com",)"
                 R"("eventName":"GetObject","awsRegion":"us-east-1","sourceIPAddress":"203.0.113.7","userAgent":")" +
                 v + R"(","requestParameters":{"bucketName":"nimbus-app-assets"},"readOnly":true})");
  }
  t.events.Seal();
  return t;
}

void RunTable(benchmark::State& state, Kind kind) {
  const int n = static_cast<int>(state.range(0));
  const size_t len = static_cast<size_t>(state.range(1));
  Table t = MakeTable(kind, n, len);
  Scanner scanner(t.rules);
  std::vector<Match> out;
  uint64_t matches = 0;
  for (auto _ : state) matches = MatchAll(scanner, t.events, &out);
  state.counters["rules"] = static_cast<double>(t.rules->size());
  ReportCorpus(state, t.events, matches);
}

void LiteralArgs(benchmark::internal::Benchmark* b) {
  const std::vector<int64_t> counts =
      Smoke() ? std::vector<int64_t>{1, 10} : std::vector<int64_t>{1, 10, 100, 1000, 10000};
  for (int64_t len : {40, 400}) {
    for (int64_t n : counts) b->Args({n, len});
    if (Smoke()) break;
  }
}

void RegexArgs(benchmark::internal::Benchmark* b) {
  const std::vector<int64_t> counts = Smoke() ? std::vector<int64_t>{1, 10} : std::vector<int64_t>{1, 10, 100, 1000};
  for (int64_t len : {40, 400}) {
    for (int64_t n : counts) b->Args({n, len});
    if (Smoke()) break;
  }
}

void FloorArgs(benchmark::internal::Benchmark* b) {
  b->Args({1, 40});
  if (!Smoke()) b->Args({1, 400});
}

void BM_TableFloor(benchmark::State& state) { RunTable(state, Kind::kFloor); }
BENCHMARK(BM_TableFloor)->Apply(FloorArgs);

void BM_TableEquals(benchmark::State& state) { RunTable(state, Kind::kEquals); }
BENCHMARK(BM_TableEquals)->Apply(LiteralArgs);

void BM_TableContains(benchmark::State& state) { RunTable(state, Kind::kContains); }
BENCHMARK(BM_TableContains)->Apply(LiteralArgs);

void BM_TableStartsWith(benchmark::State& state) { RunTable(state, Kind::kStartsWith); }
BENCHMARK(BM_TableStartsWith)->Apply(LiteralArgs);

void BM_TableEndsWith(benchmark::State& state) { RunTable(state, Kind::kEndsWith); }
BENCHMARK(BM_TableEndsWith)->Apply(LiteralArgs);

void BM_TableRegex(benchmark::State& state) { RunTable(state, Kind::kRegex); }
BENCHMARK(BM_TableRegex)->Apply(RegexArgs);

// The wildcard matcher on hostile input (tests/eval/glob_test.cc counts its steps; this
// is the time): a long literal part that almost matches everywhere (stars only, arg 0)
// and 30 stars before a '?' (the backtracking path, arg 1), over texts of 64 KiB and of
// 1 MiB. Linear time means the larger text costs ~16x the smaller (in CPU time); a
// quadratic matcher would cost 256x. The benchmark errors (and benchmarks_smoke fails)
// when the best ratio seen is above 64x, or when the step count exceeds its linear
// bound.
void BM_GlobHostile(benchmark::State& state) {
  const bool backtracking = state.range(0) == 1;
  std::string pat;
  if (backtracking) {
    for (int i = 0; i < 30; ++i) pat += "*a";
    pat += "*?b";
  } else {
    pat = "*" + std::string(1000, 'a') + "b*";
  }
  const std::string small(64 << 10, 'a'), large(1 << 20, 'a');
  size_t steps = 0;
  if (internal::GlobMatchCounted(pat, large, &steps) || steps > 3 * large.size()) {
    state.SkipWithError("the matcher took more than 3 steps per byte of text");
    return;
  }
  // Thread CPU time, not wall time: on a shared machine a 1 MiB run spans scheduler
  // slices that a 64 KiB run fits in, and wall time would count the waits.
  const auto cpu = [] {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  };
  double best_small = 1e30, best_large = 1e30;
  bool matched = false;
  for (auto _ : state) {
    const double t0 = cpu();
    matched |= internal::GlobMatch(pat, small);
    const double t1 = cpu();
    matched |= internal::GlobMatch(pat, large);
    const double t2 = cpu();
    best_small = std::min(best_small, t1 - t0);
    best_large = std::min(best_large, t2 - t1);
  }
  benchmark::DoNotOptimize(matched);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(small.size() + large.size()));
  const double ratio = best_large / std::max(best_small, 1e-9);
  state.counters["steps_per_byte"] = static_cast<double>(steps) / static_cast<double>(large.size());
  state.counters["large_over_small"] = ratio;
  if (ratio > 64) state.SkipWithError("16x the text took more than 64x the time: not linear");
}
BENCHMARK(BM_GlobHostile)->Arg(0)->Arg(1);

// The two engines of LiteralMatcher (compile/literal_matcher.h), Vectorscan and the
// q-gram index, on the same literal sets, to place kGramIndexMinLiterals where the
// index starts to win: N caseless literals (6 to 24 bytes) cut from CloudTrail-shaped
// values (user agents, ARNs, event names, bucket names), searched in 4096 other such
// values, 5% of which hold one, or in 4096 texts of 30 values each (about an event's
// size: the keyword prefilter's text). Arguments: /<engine: 0 Vectorscan, 1 index>/<N>/
// <text: 0 a value, 1 thirty>.
void BM_LiteralEngine(benchmark::State& state) {
  const auto engine = state.range(0) == 0 ? internal::LiteralEngine::kVectorscan : internal::LiteralEngine::kGramIndex;
  const size_t n = static_cast<size_t>(state.range(1));
  std::mt19937_64 rng(11);
  const char* verbs[] = {"Get", "List", "Describe", "Put", "Create", "Delete", "Update", "Attach"};
  const char* nouns[] = {"Bucket", "Object", "Role", "Policy", "User", "Instance", "Key", "Trail", "Secret", "Function"};
  auto value = [&]() -> std::string {
    switch (rng() % 4) {
      case 0:
        return "aws-cli/2." + std::to_string(rng() % 30) + "." + std::to_string(rng() % 10) + " Python/3." +
               std::to_string(8 + rng() % 5) + " Linux/" + RandomWord(rng, 6) + " exe/x86_64." + RandomWord(rng, 5);
      case 1:
        return "arn:aws:iam::" + std::to_string(100000000000 + rng() % 900000000000) + ":role/" + RandomWord(rng, 4) +
               "-" + RandomWord(rng, 7);
      case 2: return std::string(verbs[rng() % 8]) + nouns[rng() % 10] + (rng() % 2 ? "Status" : "");
      default: return RandomWord(rng, 5) + "-prod-" + RandomWord(rng, 8) + "-logs";
    }
  };
  std::vector<internal::Literal> lits;
  std::set<std::string> seen;
  while (lits.size() < n) {
    const std::string v = value();
    const size_t len = std::min<size_t>(v.size(), 6 + rng() % 19);
    std::string lit;
    internal::AsciiLowerInto(v.substr(rng() % (v.size() - len + 1), len), &lit);
    if (seen.insert(lit).second) lits.push_back({lit, true});
  }
  std::vector<std::string> texts;
  size_t bytes = 0;
  const int values_per_text = state.range(2) == 0 ? 1 : 30;
  for (int i = 0; i < 4096; ++i) {
    std::string t;
    for (int k = 0; k < values_per_text; ++k) t += (k ? "\",\"" : "") + value();
    if (rng() % 20 == 0) t.insert(t.size() / 2, lits[rng() % lits.size()].text);
    bytes += t.size();
    texts.push_back(std::move(t));
  }
  std::string warning;
  auto m = internal::LiteralMatcher::Build(lits, &warning, engine);
  if (engine == internal::LiteralEngine::kVectorscan ? !m->uses_vectorscan() : !m->uses_gram_index()) {
    state.SkipWithError("the engine asked for was not built");
    return;
  }
  internal::LiteralScratch scratch;
  scratch.Prepare(*m);
  size_t hits = 0;
  for (auto _ : state) {
    for (const auto& t : texts) m->Scan(t, &scratch, [&](uint32_t) { ++hits; });
  }
  benchmark::DoNotOptimize(hits);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.counters["ns_per_value"] =
      benchmark::Counter(static_cast<double>(state.iterations() * texts.size()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.counters["hits_per_value"] =
      static_cast<double>(hits) / static_cast<double>(state.iterations() * texts.size());
}
BENCHMARK(BM_LiteralEngine)->ArgsProduct({{0, 1}, {8, 16, 32, 64, 128, 256, 512, 1024, 4096, 16384}, {0, 1}});

}  // namespace
}  // namespace vigil::bench
