#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""Builds the seed corpora of the fuzz targets (fuzz/fuzz_*.cc) from this repository only:
the rule pack (rules/), the evaluator's test cases (tests/cases/) and the example logs
(examples/logs/). Nothing is copied from third parties.

Usage: fuzz/make_seeds.py OUT_DIR   -> OUT_DIR/<target>/<sha1 of the seed>
"""
import gzip
import hashlib
import io
import json
import pathlib
import re
import sys

import yaml

ROOT = pathlib.Path(__file__).resolve().parent.parent
MAX_EVENTS = 400  # matcher seeds: distinct (eventSource, eventName, errorCode) shapes


def without_tests(text):
    """The rule text without its top-level `tests:` block (most of the bytes)."""
    out, skipping = [], False
    for line in text.splitlines(keepends=True):
        if re.match(r"^[^\s#]", line):
            skipping = line.startswith("tests:")
        if not skipping:
            out.append(line)
    return "".join(out)


def write(out, target, data):
    if isinstance(data, str):
        data = data.encode()
    d = out / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()).write_bytes(data)


def rule_files():
    return sorted(ROOT.glob("rules/**/*.yml"))


def case_rules():
    """(rule text, [event dicts]) of every case in tests/cases/*.yml."""
    for path in sorted(ROOT.glob("tests/cases/*.yml")):
        doc = yaml.safe_load(path.read_text())
        for case in (doc or {}).get("cases", []):
            rule = case.get("rule")
            if isinstance(rule, str):
                yield rule, [e.get("event") for e in case.get("events", []) if "event" in e]


def log_files():
    return sorted(p for p in ROOT.glob("examples/logs/**/*.json.gz") if "Digest" not in str(p))


def log_records():
    for path in log_files():
        with gzip.open(path) as f:
            for rec in json.load(f).get("Records", []):
                yield rec


def seeds_rule_loader(out):
    for path in rule_files():
        write(out, "rule_loader", without_tests(path.read_text()))
    for rule, _ in case_rules():
        write(out, "rule_loader", rule)
    # Multi-document files: a correlation with the rules it references, a filter.
    texts = [without_tests(p.read_text()) for p in rule_files()[:3]]
    write(out, "rule_loader", "---\n".join(texts))
    write(out, "rule_loader", texts[0] + "---\ntitle: corr\ncorrelation:\n  type: event_count\n"
          "  rules: [x]\n  group-by: [sourceIPAddress]\n  timespan: 5m\n  condition: {gte: 2}\n")


def seeds_condition(out):
    conds = set()
    for path in rule_files():
        doc = yaml.safe_load(without_tests(path.read_text())) or {}
        c = (doc.get("detection") or {}).get("condition")
        conds.update(c if isinstance(c, list) else [c])
    for rule, _ in case_rules():
        try:
            doc = yaml.safe_load(rule) or {}
        except yaml.YAMLError:
            continue
        c = (doc.get("detection") or {}).get("condition") if isinstance(doc, dict) else None
        conds.update(c if isinstance(c, list) else [c])
    # The identifiers fuzz_condition.cc defines.
    conds.update(["sel", "sel and not filter", "1 of sel*", "all of sel*", "any of them",
                  "all of them and not _hidden", "(sel or sel_b) and not (filter or kw)",
                  "not not sel_c", "1 of filter* or them1", "sel and filter.2-x",
                  "all of sel_? and 1 of *", "sel | count() > 5", "sel near sel_b"])
    for c in conds:
        if isinstance(c, str):
            write(out, "condition", c)


def seeds_matcher(out):
    seen = set()
    for rec in log_records():
        key = (rec.get("eventSource"), rec.get("eventName"), rec.get("errorCode"))
        if key in seen or len(seen) >= MAX_EVENTS:
            continue
        seen.add(key)
        write(out, "matcher", json.dumps(rec, separators=(",", ":")))
    for path in rule_files():
        doc = yaml.safe_load(path.read_text()) or {}
        for t in doc.get("tests") or []:
            if isinstance(t, dict) and isinstance(t.get("event"), dict):
                write(out, "matcher", json.dumps(t["event"], separators=(",", ":"), default=str))
    for _, events in case_rules():
        for e in events:
            if e is not None:
                write(out, "matcher", json.dumps(e, separators=(",", ":"), default=str))


def reader_contents():
    """Log file contents of every shape the reader takes (bytes)."""
    records = [r for _, r in zip(range(6), log_records())]
    doc = json.dumps({"Records": records})
    nd = "".join(json.dumps(r) + "\n" for r in records)
    one = json.dumps(records[0])
    return [nd.encode(), doc.encode(), json.dumps(records).encode(), one.encode(),
            # 0xF5 K C: fuzz::Expand's (C+1) KiB of filler K (fuzz_util.h)
            nd.encode().replace(b"\n", b"\n\xf5\x01\x10", 1),          # 17 KiB of newlines
            (one[:40] + "\xf5\x05\x40" + one[40:]).encode("latin-1"),   # 65 KiB of letters
            b'{"Records":[' + b"\xf5\x00\xff" + one.encode() + b"]}"]   # 256 KiB of blanks


def seeds_gzip(out):
    # Bytes 0-2: framing, split points, member style (fuzz_gzip.cc); then the content.
    for i, content in enumerate(reader_contents()):
        for framing in (0x00, 0x03, 0x11, 0x15, 0x19, 0x1e, 0x80):
            write(out, "gzip", bytes([framing, 0x5a + i, (0x2f * i + framing) & 0xff]) + content)


def seeds_reader(out):
    # Byte 0 picks the read limits (fuzz_reader.cc); the rest is the file.
    def put(data, limits=0):
        write(out, "reader", bytes([limits]) + (data.encode() if isinstance(data, str) else data))

    for limits, content in enumerate(reader_contents()):
        put(content, limits % 4)
    files = log_files()
    smallest = sorted(files, key=lambda p: p.stat().st_size)[:4]
    for p in smallest:
        put(p.read_bytes())  # gzip of a Records file
    records = [r for _, r in zip(range(6), log_records())]
    doc = json.dumps({"Records": records})
    nd = "".join(json.dumps(r) + "\n" for r in records)
    put(doc)
    put(json.dumps({"Records": records}, indent=2))  # pretty: one document
    put(nd)
    put("\ufeff" + nd.replace("\n", "\r\n"))
    put(json.dumps(records))
    put(json.dumps(records[0]))
    put(json.dumps({"Events": [{"CloudTrailEvent": json.dumps(r)} for r in records[:3]]}))
    put("".join(json.dumps({"detail-type": "AWS API Call via CloudTrail",
                            "source": "aws.iam", "detail": r}) + "\n" for r in records[:3]))
    put(nd[: len(nd) // 2] + "{broken\n" + nd[len(nd) // 2:])
    put("\n".join(json.dumps(r, indent=1) for r in records[:2]))  # jq . output
    put(gzip.compress(nd.encode()))
    data = gzip.compress(doc.encode())
    put(data[: len(data) // 2])  # truncated
    put(gzip.compress(nd[:300].encode()) + gzip.compress(nd[300:].encode()))


def seeds_correlation(out):
    # Byte 0: lateness, and with bit 2 time outliers (see fuzz_correlation.cc). Then one
    # event per line.
    def ev(name, t, ip="10.0.0.1", ua="cli", user="alice", nbytes=100, region="us-east-1"):
        return json.dumps({"eventName": name, "eventSource": "iam.amazonaws.com",
                           "eventTime": "2024-01-01T00:%02d:%02dZ" % (t // 60, t % 60),
                           "sourceIPAddress": ip, "userAgent": ua, "awsRegion": region,
                           "userIdentity": {"userName": user}, "bytes": nbytes},
                          separators=(",", ":"))
    streams = [
        [ev("A", 0), ev("B", 10), ev("A", 20), ev("C", 30)],
        [ev("A", 0, ua="x"), ev("A", 5, ua="y"), ev("B", 6, ua="z"), ev("C", 200, nbytes=7)],
        [ev("C", 50), ev("B", 40), ev("A", 30), ev("A", 31, ip="10.0.0.2"), ev("C", 3000)],
        [ev("A", t, ua="ua%d" % (t % 3), nbytes=t) for t in range(0, 600, 37)],
        [ev("A", 0), "{not json", ev("B", 1).replace("eventTime", "@timestamp"), ev("C", 2)],
    ]
    for lateness in range(8):
        for s in streams:
            write(out, "correlation", bytes([lateness]) + "\n".join(s).encode())


def seeds_baseline(out):
    # First_seen baselines (docs/first-seen.md, version 2) for the rules of
    # fuzz_baseline.cc: "new agent" by id, "pair" by name, and a rule not loaded.
    def baseline(lines):
        body = "".join(json.dumps(x, separators=(",", ":")) + "\n" for x in lines)
        head = '{"vigil_baseline":2,"saved":"2026-01-01T00:00:00.000Z"}\n'
        text = head + body
        end = {"vigil_baseline_end": {"lines": len(lines) + 1, "bytes": len(text.encode())}}
        return text + json.dumps(end, separators=(",", ":")) + "\n"
    agent = "5b6c1f2e-0000-4000-8000-000000000001"
    t0, t1 = "2025-12-30T10:00:00.000Z", "2025-12-31T09:00:00.000Z"
    entries = [
        {"rule": agent, "learning_since": t0, "retention_seconds": 3600},
        {"rule": agent, "group": ["10.0.0.1"], "value": ["x"], "first": t0, "last": t1},
        {"rule": agent, "group": [None], "value": ["y\u2028"], "first": t0, "last": t0},
        {"rule": "pair", "learning_since": t0, "retention_seconds": 2592000},
        {"rule": "pair", "group": [], "value": ["us-east-1", "bob"], "first": t0, "last": t1},
        {"rule": "gone", "group": ["a"], "value": ["b"], "first": t0, "last": t1},
    ]
    for n in range(len(entries) + 1):
        write(out, "baseline", baseline(entries[:n]))
    full = baseline(entries)
    write(out, "baseline", full.rsplit("\n", 2)[0] + "\n")               # cut: no end line
    write(out, "baseline", full.replace('"vigil_baseline":2', '"vigil_baseline":1')
          .rsplit("\n", 2)[0] + "\n")                                     # version 1


def main():
    out = pathlib.Path(sys.argv[1])
    seeds_rule_loader(out)
    seeds_condition(out)
    seeds_matcher(out)
    seeds_reader(out)
    seeds_gzip(out)
    seeds_correlation(out)
    seeds_baseline(out)
    for d in sorted(out.iterdir()):
        print(f"{d.name}: {sum(1 for _ in d.iterdir())} seeds", file=sys.stderr)


if __name__ == "__main__":
    main()
