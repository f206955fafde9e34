#!/usr/bin/env bash
# Runs every benchmark suite with 5 repetitions and summarizes them (min/median).
#   benchmarks/run.sh [BUILD_DIR [OUT_DIR]]      (defaults: build-bench, bench-results)
# Extra Google Benchmark flags go in BENCH_FLAGS, e.g. BENCH_FLAGS=--benchmark_filter=Pack.
# The data-size variables of bench_common.h (VIGIL_BENCH_EVENTS, VIGIL_BENCH_SCAN_BYTES,
# ...) pass through.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${1:-build-bench}
OUT=${2:-bench-results}
mkdir -p "$OUT"
for suite in parse match tables scan shapes; do
  echo "== $suite (load: $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  # shapes: one pass over its events takes up to ~30 s at 10,000 keyword rules today
  reps=5; [ "$suite" = shapes ] && reps=3
  "$BUILD_DIR/benchmarks/vigil_bench_$suite" --benchmark_repetitions=$reps \
    --benchmark_out="$OUT/$suite.json" --benchmark_out_format=json ${BENCH_FLAGS:-} >"$OUT/$suite.txt"
  python3 benchmarks/summarize.py "$OUT/$suite.json" >"$OUT/$suite.md"
  if [ "$suite" = shapes ]; then python3 benchmarks/summarize.py --shape-ratios "$OUT/$suite.json" >>"$OUT/$suite.md"; fi
done
echo "summaries in $OUT/*.md" >&2
