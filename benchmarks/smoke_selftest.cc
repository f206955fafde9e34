// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// A benchmark that always reports an error, and one that works: run_smoke.cmake must
// fail on this binary (ctest benchmarks_smoke_detects_errors), although Google
// Benchmark 1.7 exits 0 after SkipWithError. Not a measurement.

#include <benchmark/benchmark.h>

namespace {

void BM_SelfTestWorks(benchmark::State& state) {
  int x = 0;
  for (auto _ : state) benchmark::DoNotOptimize(++x);
}
BENCHMARK(BM_SelfTestWorks);

void BM_SelfTestErrors(benchmark::State& state) {
  state.SkipWithError("deliberate error");
  for (auto _ : state) {
  }
}
BENCHMARK(BM_SelfTestErrors);

}  // namespace
