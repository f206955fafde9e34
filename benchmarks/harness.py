#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""The whole-program benchmark: one command, one table.

    benchmarks/harness.py [--size 200MB] [--runs 5] [--peers rsigma,event-ruler]
                          [--rule-counts 100,1000,5000,10000] [--large 1GB] [--out FILE]

Question it answers: how fast is `vigil scan`, as a user runs it, on realistic CloudTrail
input -- NDJSON, {"Records":[...]} files, and .json.gz folders laid out like CloudTrail's
S3 delivery -- against the decompression floor, with more rules, with two threads, and
against the engines a user would otherwise pick (rsigma, aws/event-ruler) on the same
events and the same rules?

What it does (everything generated, deterministic, cached in benchmarks/.work/):
  * builds vigil (Release) and the decompression-floor tool into build-release/;
  * generates the corpora with tools/gen_cloudtrail.py (seed 7) and rule sets with
    tools/gen_rules.py (seed 7);
  * runs each measurement --runs times and reports the minimum and the median wall time
    (this machine is shared and noisy: the minimum is the best estimate of the cost, the
    median says how noisy it was), events/s and MB/s of the minimum, the ratio to the
    decompression floor where there is one, and the peak resident memory of the process;
  * for each peer: installs it from its registry (cargo / Maven; first time only), checks
    that it and vigil report the same matches, rule by rule, on the same events and rules,
    and only then times both.
Output: a Markdown report on stdout and in --out (default benchmarks/results.md).
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "benchmarks" / ".work"
BUILD = REPO / "build-release"
sys.path.insert(0, str(REPO / "benchmarks" / "peers"))


def log(msg):
    print(msg, file=sys.stderr, flush=True)


def parse_size(s):
    s = s.strip().upper()
    for unit, mul in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
        if s.endswith(unit):
            return int(float(s[: -len(unit)]) * mul)
    return int(s)


def build(build_dir, no_build):
    if not no_build:
        log(f"== build (Release) into {build_dir}")
        subprocess.run([str(REPO / "scripts" / "build"), "-DVIGIL_BUILD_BENCHMARKS=ON", "-DVIGIL_BUILD_TESTS=OFF"],
                       env=dict(os.environ, BUILD_DIR=str(build_dir), BUILD_TYPE="Release"), check=True,
                       stdout=subprocess.DEVNULL)
    return Path(build_dir) / "vigil", Path(build_dir) / "benchmarks" / "vigil_decompress_floor"


def corpus(fmt, size):
    """A generated corpus: (path, manifest)."""
    name = f"ct-{fmt}-{size // 10**6}MB"
    path = WORK / (name + (".ndjson" if fmt == "ndjson" else ".json" if fmt == "records" else ""))
    manifest = WORK / (name + ".manifest.json")
    if not manifest.exists():
        log(f"== generating {name}")
        if path.exists():
            shutil.rmtree(path) if path.is_dir() else path.unlink()
        subprocess.run([sys.executable, str(REPO / "tools" / "gen_cloudtrail.py"), "--seed", "7", "--bytes", str(size),
                        "--rate", "200", "--format", fmt, "--out", str(path), "--manifest", str(manifest)], check=True)
    return path, json.loads(manifest.read_text())


def rule_set(count):
    out = WORK / f"rules-{count}"
    if not out.exists():
        log(f"== generating {count} rules")
        subprocess.run([sys.executable, str(REPO / "tools" / "gen_rules.py"), "--count", str(count), "--seed", "7",
                        "--out", str(out)], check=True)
    return out


def timed(cmd, stdout=subprocess.DEVNULL):
    """Runs cmd; returns (wall seconds, peak RSS bytes, stderr)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed: {err.decode(errors='replace')[-2000:]}")
    return wall, ru.ru_maxrss * 1024, err.decode(errors="replace")


def repeat(cmd, runs):
    walls, rss = [], 0
    for _ in range(runs):
        w, m, _ = timed(cmd)
        walls.append(w)
        rss = max(rss, m)
    return {"min": min(walls), "median": statistics.median(walls), "rss": rss}


def vigil_matches(vigil, rules, path, extra=()):
    """Per-rule match counts (by rule id) of one vigil scan."""
    r = subprocess.run([str(vigil), "scan", "--format", "jsonl", "-q", "--rules", str(rules), *extra, str(path)],
                       capture_output=True, text=True, check=True)
    c = Counter()
    for line in r.stdout.splitlines():
        if line:
            c[json.loads(line)["rule_id"]] += 1
    return c


class Report:
    def __init__(self):
        self.rows = []
        self.notes = []

    def row(self, workload, events, mb, t, floor=None, note=""):
        self.rows.append((workload, events, mb, t, floor, note))
        log(f"   {workload}: min {t['min']:.3f}s median {t['median']:.3f}s {events / t['min']:,.0f} ev/s")

    def markdown(self, header):
        out = [header, "",
               "| workload | events | MB | min s | median s | events/s | MB/s | vs floor | peak RSS MB | note |",
               "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
        for workload, events, mb, t, floor, note in self.rows:
            ratio = f"{floor / t['min']:.2f}" if floor else ""
            rss = f"{t['rss'] / 2**20:,.0f}" if t["rss"] else "n/a"  # peers: not measured
            out.append(f"| {workload} | {events:,} | {mb:,.0f} | {t['min']:.3f} | {t['median']:.3f} | "
                       f"{events / t['min']:,.0f} | {mb / t['min']:,.0f} | {ratio} | {rss} | {note} |")
        out.append("")
        out += self.notes
        return "\n".join(out) + "\n"


def main():
    global WORK
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="200MB", help="uncompressed size of each corpus (default 200MB)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rule-counts", default="100,1000,5000,10000")
    ap.add_argument("--peers", default="rsigma,event-ruler", help="comma list, or 'none'")
    ap.add_argument("--large", default="", help="also scan an NDJSON corpus of this size (memory bound)")
    ap.add_argument("--out", default=str(REPO / "benchmarks" / "results.md"))
    ap.add_argument("--quick", action="store_true", help="tiny sizes, 1 run, no peers (a smoke test)")
    ap.add_argument("--build-dir", default=str(BUILD), help="where vigil is built (default build-release/)")
    ap.add_argument("--no-build", action="store_true", help="use --build-dir as it is")
    ap.add_argument("--work", default=str(WORK), help="where corpora and rule sets are cached")
    a = ap.parse_args()
    if a.quick:
        a.size, a.runs, a.rule_counts, a.peers, a.large = "5MB", 1, "100", "none", ""
    size = parse_size(a.size)
    WORK = Path(a.work)
    WORK.mkdir(parents=True, exist_ok=True)
    vigil, floor_tool = build(a.build_dir, a.no_build)
    pack = REPO / "rules"
    rep = Report()
    load = open("/proc/loadavg").read().split()[:3]

    nd, nd_m = corpus("ndjson", size)
    rec, rec_m = corpus("records", size)
    s3, s3_m = corpus("s3", size)
    mb = nd_m["bytes"] / 1e6

    log("== the bundled pack")
    scan = [str(vigil), "scan", "--format", "jsonl", "-q", "--threads", "1"]
    rep.row("pack, NDJSON file", nd_m["events"], mb, repeat(scan + [str(nd)], a.runs))
    rep.row("pack, {\"Records\":[...]} file", rec_m["events"], rec_m["bytes"] / 1e6, repeat(scan + [str(rec)], a.runs))
    floor1 = repeat([str(floor_tool), "--threads", "1", str(s3)], a.runs)
    floor2 = repeat([str(floor_tool), "--threads", "2", str(s3)], a.runs)
    zfloor = repeat([str(floor_tool), "--threads", "1", "--zlib", str(s3)], a.runs)
    s3mb = s3_m["bytes"] / 1e6
    rep.row("decompression only (libdeflate), 1 thread", s3_m["events"], s3mb, floor1, note="the floor")
    rep.row("decompression only (zlib), 1 thread", s3_m["events"], s3mb, zfloor, note="for comparison")
    rep.row("decompression only (libdeflate), 2 threads", s3_m["events"], s3mb, floor2, note="the 2-thread floor")
    gz1 = repeat(scan + [str(s3)], a.runs)
    gz2 = repeat([str(vigil), "scan", "--format", "jsonl", "-q", "--threads", "2", str(s3)], a.runs)
    rep.row("pack, .json.gz S3 folder, 1 thread", s3_m["events"], s3mb, gz1, floor1["min"])
    rep.row("pack, .json.gz S3 folder, 2 threads", s3_m["events"], s3mb, gz2, floor2["min"],
            note=f"{gz1['min'] / gz2['min']:.2f}x one thread")

    log("== rule count")
    empty = WORK / "empty.ndjson"
    empty.write_text("")
    base = None
    for n in [int(x) for x in a.rule_counts.split(",") if x]:
        rules = rule_set(n)
        compile_t = repeat([str(vigil), "scan", "-q", "--rules", str(rules), str(empty)], a.runs)
        t = repeat(scan[:1] + ["scan", "--format", "jsonl", "-q", "--threads", "1", "--rules", str(rules), str(nd)],
                   a.runs)
        cost = t["min"] - compile_t["min"]
        base = base or cost
        rep.row(f"{n:,} generated rules, NDJSON", nd_m["events"], mb, t,
                note=f"load+compile {compile_t['min']:.2f}s ({compile_t['rss'] / 2**20:,.0f} MB); "
                     f"matching {cost / base:.2f}x the {a.rule_counts.split(',')[0]}-rule cost")

    if a.large:
        big, big_m = corpus("ndjson", parse_size(a.large))
        t = repeat(scan + [str(big)], 1)
        rep.row(f"pack, NDJSON {a.large}", big_m["events"], big_m["bytes"] / 1e6, t,
                note="peak memory vs the smaller file: bounded")

    peers = [] if a.peers == "none" else a.peers.split(",")
    if "rsigma" in peers:
        log("== rsigma")
        import rsigma
        binary = rsigma.install(str(REPO / "benchmarks" / ".peers"))
        same = WORK / "rules-rsigma"
        if same.exists():
            shutil.rmtree(same)
        prep = rsigma.prepare_rules(binary, str(pack), str(same))
        want = vigil_matches(vigil, same, nd)
        got = rsigma.run(binary, str(same), str(nd))
        disagree = {r for r in set(want) | set(got["matches"]) if want.get(r, 0) != got["matches"].get(r, 0)}
        if disagree:
            # Leave out the rules the engines read differently (README-rsigma.md says why).
            prep = rsigma.prepare_rules(binary, str(pack), str(same), exclude=tuple(disagree))
            want = vigil_matches(vigil, same, nd)
            got = rsigma.run(binary, str(same), str(nd))
        agree = want == Counter(got["matches"])
        tv = repeat(scan + ["--rules", str(same), str(nd)], a.runs)
        walls = []
        for _ in range(a.runs):
            walls.append(rsigma.run(binary, str(same), str(nd), startup=False)["seconds"])
        tr = {"min": min(walls), "median": statistics.median(walls), "rss": 0}
        n_rules = len(list(same.rglob("*.yml")))
        rep.row(f"vigil, {n_rules} pack rules rsigma loads", nd_m["events"], mb, tv)
        rep.row(f"rsigma {got.get('version', '')}, same rules", nd_m["events"], mb, tr,
                note=f"{tr['min'] / tv['min']:.1f}x vigil's time; matches agree: {agree} "
                     f"({sum(want.values())} matches)")
        rep.notes.append(f"- rsigma left out: {len(prep['skipped'])} rules it cannot load, "
                         f"{len(disagree)} it reads differently (benchmarks/peers/README-rsigma.md).")
    if "event-ruler" in peers:
        log("== event-ruler")
        import event_ruler
        pats = WORK / "eventbridge-patterns.json"
        copy = WORK / "rules-eventbridge"
        if copy.exists():
            shutil.rmtree(copy)
        subprocess.run([sys.executable, str(REPO / "benchmarks" / "peers" / "sigma_to_eventbridge.py"), str(pack),
                        "--out", str(pats), "--copy-rules", str(copy), "--quiet"], check=True)
        want = vigil_matches(vigil, copy, nd)
        runs = [event_ruler.run(str(pats), str(nd)) for _ in range(a.runs)]
        agree = want == Counter(runs[0]["matches"])
        tv = repeat(scan + ["--rules", str(copy), str(nd)], a.runs)
        secs = [r["seconds"] for r in runs]
        walls = [r["wall_seconds"] for r in runs]
        te = {"min": min(secs), "median": statistics.median(secs), "rss": 0}
        tw = {"min": min(walls), "median": statistics.median(walls), "rss": 0}
        n_rules = len(json.loads(pats.read_text()))
        rep.row(f"vigil, {n_rules} pack rules as EventBridge patterns", nd_m["events"], mb, tv)
        rep.row("event-ruler, same rules: matching pass only", nd_m["events"], mb, te,
                note=f"{te['min'] / tv['min']:.1f}x vigil's whole-process time; after JIT warm-up; "
                     f"matches agree: {agree} ({sum(want.values())} matches)")
        rep.row("event-ruler, same rules: whole java process", nd_m["events"], mb, tw,
                note="JVM start, pattern compile, file load, warm-up passes included")

    header = (f"## Whole-program results\n\nMachine: {os.cpu_count()} cores "
              f"({subprocess.run(['lscpu'], capture_output=True, text=True).stdout.split('Model name:')[1].splitlines()[0].strip()}), "
              f"load average at start {' '.join(load)}; {a.runs} runs each; corpora of {a.size} generated with "
              f"tools/gen_cloudtrail.py --seed 7 ({nd_m['events']:,} events). Times are whole processes "
              "(start, rule loading and compiling, reading, matching, writing jsonl to /dev/null) "
              "unless the row says otherwise; events/s and MB/s are from the minimum; \"vs floor\" is "
              "the decompression floor's time divided by vigil's (1.00 = as fast as decompressing alone).")
    text = rep.markdown(header)
    print(text)
    Path(a.out).write_text(text)
    log(f"written to {a.out}")


if __name__ == "__main__":
    main()
