#!/usr/bin/env python3
"""Summarizes Google Benchmark JSON output (--benchmark_out=F --benchmark_out_format=json,
best with --benchmark_repetitions=5) as a Markdown table: for each benchmark, the
median and the best of the repetitions for CPU time, wall time, events/s and MB/s,
plus the user counters of the median repetition that are not rates.

Google Benchmark computes items_per_second and bytes_per_second from CPU time (unless a
benchmark asks for real time); on a shared machine CPU time is the steadier of the two.

Usage: summarize.py RESULT.json [RESULT.json ...]
       summarize.py --shape-ratios SHAPES.json [...]   (vigil_bench_shapes output)

--shape-ratios prints, for each rule shape of vigil_bench_shapes (benchmarks named
Shape/<shape>/<rules>), the cost of an event at each rule count (ns, from the median and
the best repetition of items_per_second), matches per event, and the ratio of the cost
at the largest count to the cost at the smallest (issue 12's target: <= 3x from 100 to
10,000 rules), both medians and both bests.
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


def load_runs(paths):
    runs, order, context = {}, [], None
    for path in paths:
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
    return runs, order, context


def fmt_ns(v):
    if v >= 1e6:
        return "%.2f ms" % (v / 1e6)
    if v >= 1e3:
        return "%.2f µs" % (v / 1e3)
    return "%.0f ns" % v


def shape_ratios(paths):
    runs, order, context = load_runs(paths)
    shapes, counts = [], set()
    cost = {}  # (shape, count) -> (median ns, best ns, matches/event)
    for name in order:
        parts = name.split("/")
        if len(parts) != 3 or parts[0] != "Shape":
            continue
        shape, n = parts[1], int(parts[2])
        rates = [r["items_per_second"] for r in runs[name] if "items_per_second" in r]
        if not rates:
            continue
        if shape not in shapes:
            shapes.append(shape)
        counts.add(n)
        mpe = statistics.median(r.get("matches/event", 0) for r in runs[name])
        cost[(shape, n)] = (1e9 / statistics.median(rates), 1e9 / max(rates), mpe)
    counts = sorted(counts)
    if not counts:
        print("no Shape/<shape>/<rules> benchmarks in " + ", ".join(paths))
        return
    lo, hi = counts[0], counts[-1]
    print()
    print("Cost of an event by rule count, median (best) of the repetitions; matches/event in brackets; "
          "ratio = cost at %d rules / cost at %d rules (target <= 3)." % (hi, lo))
    print()
    print("| shape | " + " | ".join("%s rules" % format(n, ",") for n in counts) +
          " | ratio %s/%s median | ratio best |" % (format(hi, ","), format(lo, ",")))
    print("|---|" + "---|" * len(counts) + "---|---|")
    for shape in shapes:
        row = ["`%s`" % shape]
        for n in counts:
            c = cost.get((shape, n))
            row.append("%s (%s) [%.3g]" % (fmt_ns(c[0]), fmt_ns(c[1]), c[2]) if c else "")
        a, b = cost.get((shape, lo)), cost.get((shape, hi))
        if a and b:
            row.append("**%.1fx**" % (b[0] / a[0]))
            row.append("%.1fx" % (b[1] / a[1]))
        else:
            row += ["", ""]
        print("| " + " | ".join(row) + " |")


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--shape-ratios":
        shape_ratios(sys.argv[2:])
        return
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
