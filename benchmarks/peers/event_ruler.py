#!/usr/bin/env python3
"""aws/event-ruler as a benchmark peer of vigil (README-event-ruler.md).  Python 3 stdlib.

Library use:
    jar = install(peers_dir)                  # builds event-ruler/ with Maven, idempotent
    result = run(patterns, ndjson_path)       # patterns: a file path or a dict
    # {"events": n, "seconds": eval, "compile_seconds": .., "load_seconds": ..,
    #  "warmup_seconds": .., "matches": {rule_id: count}, ...}

Manual runs:
    event_ruler.py install
    event_ruler.py run PATTERNS.json EVENTS.ndjson [--warmup auto|N]
    event_ruler.py agree EVENTS.ndjson [...]  # translate the pack, run vigil and
                                              # event-ruler, compare rule by rule and event
                                              # by event; exit 1 on any difference
    event_ruler.py bench EVENTS.ndjson [--runs 3]   # timings, min of --runs

event-ruler itself is fetched from Maven Central by `mvn` (first build online, later builds
offline: -o) and is never copied into this repository; only our driver Main.java is.
"""

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

PEERS_DIR = Path(__file__).resolve().parent
REPO = PEERS_DIR.parents[1]
VIGIL = REPO / "build" / "vigil"
JAR_NAME = "event-ruler-bench.jar"


def _children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _project(peers_dir):
    return Path(peers_dir) / "event-ruler"


def install(peers_dir=PEERS_DIR, quiet=True):
    """Build the driver's fat jar (mvn package) unless it is newer than its sources.

    The first build needs Maven Central; later ones run offline (-o) from ~/.m2.  Returns
    the jar's path."""
    proj = _project(peers_dir)
    jar = proj / "target" / JAR_NAME
    sources = [proj / "pom.xml"] + list((proj / "src").rglob("*.java"))
    if jar.exists() and jar.stat().st_mtime >= max(s.stat().st_mtime for s in sources):
        return jar
    if shutil.which("mvn") is None:
        raise RuntimeError("event-ruler peer: mvn not found (apt-get install maven)")
    base = ["mvn", "-B"] + (["-q"] if quiet else []) + ["package"]
    # Offline first (everything is in ~/.m2 after the first build), online otherwise.
    r = subprocess.run(base[:1] + ["-o"] + base[1:], cwd=proj, capture_output=True, text=True)
    if r.returncode != 0:
        r = subprocess.run(base, cwd=proj, capture_output=True, text=True)
    if r.returncode != 0 or not jar.exists():
        raise RuntimeError("event-ruler peer: mvn package failed:\n" + r.stdout + r.stderr)
    return jar


def run(rules_patterns_json, ndjson_path, warmup="auto", matches_out=None, peers_dir=PEERS_DIR,
        java_opts=None):
    """Run event-ruler over an NDJSON file; returns the driver's JSON result as a dict.

    rules_patterns_json: path of a {rule_id: pattern} JSON file, or that dict itself.
    seconds is the timed pass only, after untimed warm-up passes over the same events that
    let the JIT compile the hot paths (warmup="auto": until a pass is within 10% of the one
    before, 2 to 12 passes; or a number of passes); compile_seconds, load_seconds and
    warmup_seconds are reported apart.
    cpu_seconds / process_cpu_seconds: CPU time of the timed pass (main thread / all JVM
    threads).  Also adds wall_seconds and process_total_cpu_seconds: the whole java process,
    JVM start, compile, load and warm-up included."""
    jar = install(peers_dir)
    tmp = None
    if isinstance(rules_patterns_json, dict):
        tmp = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(rules_patterns_json, tmp)
        tmp.close()
        patterns_path = tmp.name
    else:
        patterns_path = str(rules_patterns_json)
    opts = java_opts if java_opts is not None else os.environ.get("JAVA_OPTS", "").split()
    cmd = ["java"] + opts + ["-jar", str(jar), "--warmup", str(warmup)]
    if matches_out:
        cmd += ["--matches-out", str(matches_out)]
    cmd += [patterns_path, str(ndjson_path)]
    try:
        c0, t0 = _children_cpu(), time.perf_counter()
        r = subprocess.run(cmd, capture_output=True, text=True)
        wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    finally:
        if tmp:
            os.unlink(tmp.name)
    if r.returncode != 0:
        raise RuntimeError(f"event-ruler driver failed ({r.returncode}): {r.stderr.strip()}")
    result = json.loads(r.stdout)
    result["wall_seconds"] = wall
    result["process_total_cpu_seconds"] = cpu
    return result


# --------------------------------------------------------------------------- vigil side

def run_vigil(rules_dir, ndjson_path, logsource="auto", jsonl_out=None, vigil=VIGIL):
    """vigil scan --format jsonl (the whole process: start, rule compile, file reading, JSON
    parsing, matching, output); returns {"seconds": wall, "cpu_seconds": user+sys,
    "summary_seconds": .., "matches":
    {rule_id: count}, "records": {rule_id: set(record)}} (records only if jsonl is kept)."""
    out = open(jsonl_out, "w") if jsonl_out else subprocess.DEVNULL
    try:
        c0, t0 = _children_cpu(), time.perf_counter()
        r = subprocess.run([str(vigil), "scan", "--format", "jsonl", "--logsource", logsource,
                            "--rules", str(rules_dir), str(ndjson_path)],
                           stdout=out, stderr=subprocess.PIPE, text=True)
        wall, cpu = time.perf_counter() - t0, _children_cpu() - c0
    finally:
        if jsonl_out:
            out.close()
    if r.returncode != 0:
        raise RuntimeError(f"vigil failed ({r.returncode}): {r.stderr.strip()}")
    m = re.search(r"([0-9.]+) s\s*$", r.stderr.strip())
    res = {"seconds": wall, "cpu_seconds": cpu, "summary": r.stderr.strip(),
           "summary_seconds": float(m.group(1)) if m else None}
    if jsonl_out:
        counts, records = defaultdict(int), defaultdict(set)
        with open(jsonl_out) as f:
            for line in f:
                o = json.loads(line)
                if o["record"] not in records[o["rule_id"]]:
                    records[o["rule_id"]].add(o["record"])
                    counts[o["rule_id"]] += 1
        res["matches"], res["records"] = dict(counts), records
    return res


def translate(rules_paths, workdir, exclude=()):
    """Run sigma_to_eventbridge.py; returns (patterns path, report list, rules copy dir)."""
    workdir = Path(workdir)
    pats, rep, rules = workdir / "patterns.json", workdir / "report.json", workdir / "rules"
    cmd = [sys.executable, str(PEERS_DIR / "sigma_to_eventbridge.py"), "--quiet",
           "--out", str(pats), "--report", str(rep), "--copy-rules", str(rules)]
    for e in exclude:
        cmd += ["--exclude", e]
    subprocess.run(cmd + [str(p) for p in rules_paths], check=True)
    return pats, json.loads(rep.read_text()), rules


def tests_corpus(rules_paths, out_path):
    """NDJSON of the `tests:` events the rule files carry (match and no_match cases)."""
    import yaml  # benchmark-only dependency, as in sigma_to_eventbridge.py
    n = 0
    with open(out_path, "w") as out:
        for p in rules_paths:
            p = Path(p)
            files = sorted(p.rglob("*.yml")) if p.is_dir() else [p]
            for f in files:
                for doc in yaml.safe_load_all(f.read_text()):
                    for t in (doc or {}).get("tests") or []:
                        if isinstance(t, dict) and isinstance(t.get("event"), dict):
                            out.write(json.dumps(t["event"], default=str) + "\n")
                            n += 1
    return n


def swapcase_corpus(src, dst):
    """Every string value with its letters' case swapped (keys untouched): Sigma matching is
    case-insensitive, so both engines must still agree on it."""
    def sw(v):
        if isinstance(v, str):
            return v.swapcase()
        if isinstance(v, list):
            return [sw(x) for x in v]
        if isinstance(v, dict):
            return {k: sw(x) for k, x in v.items()}
        return v
    with open(src) as f, open(dst, "w") as out:
        for line in f:
            out.write(json.dumps(sw(json.loads(line))) + "\n")


def agree(args):
    rules_paths = args.rules or [str(REPO / "rules" / "aws" / "cloudtrail")]
    work = Path(tempfile.mkdtemp(prefix="vigil-er-agree-"))
    pats, report, rules_dir = translate(rules_paths, work, args.exclude)
    patterns = json.loads(pats.read_text())
    titles = {r["id"]: r["file"] for r in report if r.get("id")}
    corpora = [(Path(c), "auto") for c in args.events]
    if args.tests_corpus:
        tc = work / "tests.ndjson"
        tests_corpus(rules_paths, tc)
        # test events are bare records: tell vigil they are CloudTrail
        corpora.append((tc, "cloudtrail"))
        swapcase_corpus(tc, work / "tests-swapcase.ndjson")
        corpora.append((work / "tests-swapcase.ndjson", "cloudtrail"))
    bad = 0
    summary = []
    for corpus, logsource in corpora:
        v = run_vigil(rules_dir, corpus, logsource, jsonl_out=work / "vigil.jsonl")
        er = run(pats, corpus, warmup=0, matches_out=work / "er.tsv")
        er_records = defaultdict(set)
        with open(work / "er.tsv") as f:
            for line in f:
                i, rid = line.rstrip("\n").split("\t")
                er_records[rid].add(int(i))
        print(f"== {corpus} ({er['events']} events)")
        diff_rules = 0
        for rid in patterns:
            a, b = v["records"].get(rid, set()), er_records.get(rid, set())
            mark = "" if a == b else "   DIFFERENT"
            if a != b:
                diff_rules += 1
            if args.verbose or a != b:
                print(f"  {len(a):7d} {len(b):7d}  {titles.get(rid, rid)}{mark}")
            if a != b:
                print(f"          only vigil: {sorted(a - b)[:8]}  only event-ruler: "
                      f"{sorted(b - a)[:8]}")
        total_v = sum(len(x) for x in v["records"].values())
        total_e = sum(len(x) for x in er_records.values())
        fired = sum(1 for rid in patterns if v["records"].get(rid))
        print(f"  rules {len(patterns)}, fired {fired}, matches vigil {total_v} event-ruler "
              f"{total_e}, rules that differ: {diff_rules}")
        summary.append({"corpus": str(corpus), "events": er["events"], "rules": len(patterns),
                        "rules_fired": fired, "matches_vigil": total_v,
                        "matches_event_ruler": total_e, "rules_differing": diff_rules})
        bad += diff_rules
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1) + "\n")
    shutil.rmtree(work, ignore_errors=True) if not args.keep else print(f"kept {work}")
    return 1 if bad else 0


def bench(args):
    """Min of --runs for each engine.  vigil: the whole `vigil scan` process (it reads and
    parses the file itself).  event-ruler: the timed in-memory pass after JIT warm-up (the
    figure most favourable to it), plus its whole process for reference."""
    rules_paths = args.rules or [str(REPO / "rules" / "aws" / "cloudtrail")]
    work = Path(tempfile.mkdtemp(prefix="vigil-er-bench-"))
    pats, report, rules_dir = translate(rules_paths, work, args.exclude)
    n_rules = len(json.loads(pats.read_text()))
    size = Path(args.events).stat().st_size
    vig, ers = [], []
    load_before = os.getloadavg()
    run_vigil(rules_dir, args.events)  # page cache
    for i in range(args.runs):
        vig.append(run_vigil(rules_dir, args.events))
        ers.append(run(pats, args.events, warmup=args.warmup))
        v, e = vig[-1], ers[-1]
        print(f"run {i + 1}: vigil {v['seconds']:.3f} s wall, {v['cpu_seconds']:.3f} s CPU | "
              f"event-ruler timed pass {e['seconds']:.3f} s wall, {e['cpu_seconds']:.3f} s "
              f"thread CPU, {e['process_cpu_seconds']:.3f} s JVM CPU (load "
              f"{e['load_seconds']:.2f}, compile {e['compile_seconds']:.2f}, warm-up "
              f"{e['warmup_passes']} passes {e['warmup_seconds']:.1f} s, process "
              f"{e['wall_seconds']:.1f} s) | load avg {os.getloadavg()[0]:.2f}",
              file=sys.stderr)
    # untimed: the per-rule counts of both engines must be the same
    counted = run_vigil(rules_dir, args.events, jsonl_out=work / "bench.jsonl")["matches"]
    vigil_counts = {rid: counted.get(rid, 0) for rid in ers[0]["matches"]}

    def mn(xs, k):
        return min(x[k] for x in xs)

    res = {"events_file": str(args.events), "bytes": size, "events": ers[0]["events"],
           "rules": n_rules, "runs": args.runs, "warmup": args.warmup,
           "event_ruler_version": ers[0].get("version"), "java": ers[0].get("java"),
           "cpus": os.cpu_count(), "load_avg_before": load_before[0],
           "load_avg_after": os.getloadavg()[0],
           "vigil_wall_s": mn(vig, "seconds"), "vigil_cpu_s": mn(vig, "cpu_seconds"),
           "event_ruler_eval_wall_s": mn(ers, "seconds"),
           "event_ruler_eval_thread_cpu_s": mn(ers, "cpu_seconds"),
           "event_ruler_eval_jvm_cpu_s": mn(ers, "process_cpu_seconds"),
           "event_ruler_load_s": mn(ers, "load_seconds"),
           "event_ruler_compile_s": mn(ers, "compile_seconds"),
           "event_ruler_warmup_passes": [e["warmup_passes"] for e in ers],
           "event_ruler_process_wall_s": mn(ers, "wall_seconds"),
           "match_counts_agree": vigil_counts == ers[0]["matches"],
           "matches": sum(vigil_counts.values())}
    res["ratio_wall"] = res["event_ruler_eval_wall_s"] / res["vigil_wall_s"]
    res["ratio_cpu"] = res["event_ruler_eval_jvm_cpu_s"] / res["vigil_cpu_s"]
    res["vigil_MB_per_s_wall"] = size / res["vigil_wall_s"] / 1e6
    res["event_ruler_MB_per_s_wall"] = size / res["event_ruler_eval_wall_s"] / 1e6
    text = json.dumps(res, indent=1)
    print(text)
    if args.json:
        Path(args.json).write_text(text + "\n")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description="aws/event-ruler benchmark peer")
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("install", help="build the driver jar")
    p = sub.add_parser("run", help="run event-ruler on PATTERNS and EVENTS")
    p.add_argument("patterns")
    p.add_argument("events")
    p.add_argument("--warmup", default="auto")
    p.add_argument("--matches-out")
    for name in ("agree", "bench"):
        p = sub.add_parser(name)
        p.add_argument("events", nargs="+" if name == "agree" else None)
        p.add_argument("--rules", action="append", help="Sigma rules (default: the pack's "
                       "rules/aws/cloudtrail)")
        p.add_argument("--exclude", action="append", default=[],
                       help="passed to sigma_to_eventbridge.py: ID_OR_STEM=REASON")
        if name == "agree":
            p.add_argument("--tests-corpus", action="store_true",
                           help="also compare on the rules' own tests: events, and on a copy "
                           "with the case of every string value swapped")
            p.add_argument("--verbose", "-v", action="store_true")
            p.add_argument("--json", help="write the per-corpus summary here")
            p.add_argument("--keep", action="store_true", help="keep the work folder")
        else:
            p.add_argument("--runs", type=int, default=3)
            p.add_argument("--warmup", default="auto")
            p.add_argument("--json", help="write the result here too")
    args = ap.parse_args(argv)
    if args.cmd == "install":
        print(install(quiet=False))
        return 0
    if args.cmd == "run":
        print(json.dumps(run(args.patterns, args.events, args.warmup, args.matches_out),
                         indent=1))
        return 0
    return agree(args) if args.cmd == "agree" else bench(args)


if __name__ == "__main__":
    sys.exit(main())
