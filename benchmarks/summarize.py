#!/usr/bin/env python3
"""Summarizes Google Benchmark JSON output (--benchmark_out=F --benchmark_out_format=json,
best with --benchmark_repetitions=5) as a Markdown table: for each benchmark, the
median and the best of the repetitions for CPU time, wall time, events/s and MB/s,
plus the user counters of the median repetition that are not rates.

Google Benchmark computes items_per_second and bytes_per_second from CPU time (unless a
benchmark asks for real time); on a shared machine CPU time is the steadier of the two.

Usage: summarize.py RESULT.json [RESULT.json ...]
"""

import json
import statistics
import sys

RATE_KEYS = {"items_per_second", "bytes_per_second"}
SKIP = {"name", "family_index", "per_family_instance_index", "run_name", "run_type", "repetitions",
        "repetition_index", "threads", "iterations", "real_time", "cpu_time", "time_unit",
        "aggregate_name", "aggregate_unit", "error_occurred", "error_message"}
TO_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}


def fmt_rate(v, unit=""):
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if v >= div:
            return "%.3g%s%s" % (v / div, suffix, unit)
    return "%.3g%s" % (v, unit)


def fmt_ms(v):
    if v >= 100:
        return "%.0f ms" % v
    if v >= 1:
        return "%.2f ms" % v
    return "%.1f µs" % (v * 1e3)


def main():
    runs = {}
    order = []
    context = None
    for path in sys.argv[1:]:
        with open(path) as f:
            doc = json.load(f)
        context = context or doc.get("context", {})
        for b in doc["benchmarks"]:
            if b.get("run_type") != "iteration" or b.get("error_occurred"):
                continue
            name = b.get("run_name", b["name"])
            if name not in runs:
                runs[name] = []
                order.append(name)
            runs[name].append(b)
    if context:
        print("<!-- %s, %s CPUs at %s MHz, load average %s -->" % (
            context.get("date", "?"), context.get("num_cpus", "?"), context.get("mhz_per_cpu", "?"),
            context.get("load_avg", "?")))
    print("| benchmark | reps | CPU time median (best) | wall median | events/s median (best) | "
          "MB/s median (best) | counters |")
    print("|---|---|---|---|---|---|---|")
    for name in order:
        rs = runs[name]
        cpu = [r["cpu_time"] * TO_MS[r.get("time_unit", "ns")] for r in rs]
        wall = [r["real_time"] * TO_MS[r.get("time_unit", "ns")] for r in rs]
        med = statistics.median(cpu)
        row = ["`%s`" % name, str(len(rs)), "%s (%s)" % (fmt_ms(med), fmt_ms(min(cpu))),
               fmt_ms(statistics.median(wall))]
        for key, unit in (("items_per_second", ""), ("bytes_per_second", "")):
            vals = [r[key] for r in rs if key in r]
            if key == "bytes_per_second":
                vals = [v / 1e6 for v in vals]
                row.append("%.0f (%.0f)" % (statistics.median(vals), max(vals)) if vals else "")
            else:
                row.append("%s (%s)" % (fmt_rate(statistics.median(vals)), fmt_rate(max(vals))) if vals else "")
        # Counters of the repetition closest to the median CPU time.
        mid = min(rs, key=lambda r: abs(r["cpu_time"] * TO_MS[r.get("time_unit", "ns")] - med))
        counters = []
        for k, v in mid.items():
            if k in SKIP or k in RATE_KEYS or not isinstance(v, (int, float)):
                continue
            counters.append("%s=%s" % (k, ("%.4g" % v)))
        row.append(" ".join(counters))
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
