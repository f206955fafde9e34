#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""What the audit report costs over the scan alone (issue 17: at most 1.5x on 1,000,000
events), whole programs as a user runs them, in one run so the ratio is fair on a noisy
machine:

  scan     vigil scan -q --threads 1 --format jsonl LOGS > out.jsonl   (the findings)
  api      the same scan through the Python API, every match taken (RuleSet.scan)
  report   python -m vigil report LOGS -o report.html --threads 1 --validate no
           (HTML + JSON summary; the corpus has its digests, but validating them is
           `vigil validate`'s work, measured in benchmarks/README.md, not the scan's)

The corpus is tools/gen_cloudtrail.py's CloudTrail S3 layout (.json.gz files, 3 regions,
a week) at the "realistic" attack rate, where the bundled pack matches about a quarter of
the events (benchmarks/harness.py). Runs alternate (scan, api, report, scan, ...); the
minimum and median of each, wall and CPU (user + system of the child), are printed.

usage: report_cost.py [--events 1000000] [--runs 3] [--python PY] [--vigil PATH]
  PY: a Python with the vigil wheel and its `report` extra installed (default: this one);
  PATH: the `vigil` command (default: the one beside PY).
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / ".work"
ATTACK_RATE = 0.2  # harness.py's REALISTIC_ATTACK_RATE: the pack matches ~25%


def corpus(events: int) -> Path:
    out = WORK / f"report-s3-{events}ev"
    manifest = WORK / f"report-s3-{events}ev.manifest.json"
    if not manifest.exists():
        print(f"== generating {out} ({events:,} events)", flush=True)
        subprocess.run([sys.executable, str(REPO / "tools" / "gen_cloudtrail.py"), "--seed", "7",
                        "--events", str(events), "--duration", "7d", "--format", "s3",
                        "--gzip-level", "1", "--attack-rate", str(ATTACK_RATE),
                        "--out", str(out), "--manifest", str(manifest)], check=True)
    return out


def timed(cmd, stdout=subprocess.DEVNULL, env=None):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.monotonic()
    subprocess.run(cmd, stdout=stdout, stderr=subprocess.DEVNULL, check=True, env=env)
    wall = time.monotonic() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


API = """
import sys, vigil
n = 0
it = vigil.load(vigil.bundled()).scan(sys.argv[1], threads=1)
for m in it:
    n += 1
print(n, it.stats["events"])
"""


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--python", default=sys.executable)
    ap.add_argument("--vigil")
    a = ap.parse_args()
    WORK.mkdir(parents=True, exist_ok=True)
    logs = corpus(a.events)
    vigil = a.vigil or str(Path(a.python).with_name("vigil"))
    out = WORK / "report-cost"
    out.mkdir(exist_ok=True)
    runs = {"scan": [], "api": [], "report": []}
    for i in range(a.runs):
        with open(out / "scan.jsonl", "wb") as f:
            runs["scan"].append(timed([vigil, "scan", "-q", "--threads", "1", "--format", "jsonl",
                                       str(logs)], stdout=f))
        runs["api"].append(timed([a.python, "-c", API, str(logs)]))
        runs["report"].append(timed([a.python, "-m", "vigil", "report", str(logs), "-o",
                                     str(out / "report.html"), "--threads", "1", "--validate", "no"]))
        print(f"run {i + 1}: " + ", ".join(f"{k} {v[-1][0]:.2f} s wall / {v[-1][1]:.2f} s CPU"
                                           for k, v in runs.items()), flush=True)
    summary = json.loads((out / "report.json").read_text())
    scan_lines = sum(1 for _ in open(out / "scan.jsonl", "rb"))
    print(f"\n{summary['events']:,} events, {summary['findings_total']:,} findings "
          f"({100 * summary['findings_total'] / max(1, summary['events']):.0f}% match rate; "
          f"vigil scan printed {scan_lines:,} lines); HTML {os.path.getsize(out / 'report.html') / 1e6:.1f} MB, "
          f"JSON {os.path.getsize(out / 'report.json') / 1e6:.1f} MB")
    print(f"{'':8} {'wall min':>9} {'median':>8} {'CPU min':>8} {'median':>8}")
    for k, v in runs.items():
        walls, cpus = [w for w, _ in v], [c for _, c in v]
        print(f"{k:8} {min(walls):9.2f} {statistics.median(walls):8.2f} {min(cpus):8.2f} "
              f"{statistics.median(cpus):8.2f}")
    for base in ("scan", "api"):
        w = min(w for w, _ in runs["report"]) / min(w for w, _ in runs[base])
        c = min(c for _, c in runs["report"]) / min(c for _, c in runs[base])
        print(f"report / {base}: {w:.2f}x wall, {c:.2f}x CPU (minimums)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
