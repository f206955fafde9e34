# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""Evaluation conformance: vigil and rsigma on the same rules and the same real records.

Issue 15. rsigma (the crates.io crate, the version pinned in benchmarks/peers/rsigma.py)
and the `vigil` command evaluate

  * sigmahq: the SigmaHQ CloudTrail rules, ../shared/corpus/sigma/cloudtrail/*.yml
    (top level only, as tests/corpus/sigmahq_real_records_test.cc), and
  * pack: the bundled pack, rules/, less the rules rsigma cannot load,

over the CloudTrail records of ../shared/data/cloudtrail flattened to one NDJSON file
(see flatten()). Both get the very same rule copy (rsigma.prepare_rules: `tests:` and
`panther:` removed, rules rsigma refuses left out) and the very same file. The test
compares, per corpus,

  * the detection matches, as the set of (rule id, record), a record named by its
    provenance `<file relative to the data folder>#<record index>`;
  * the correlation alerts, as the multiset of (correlation id, group key).

rsigma runs with `--no-detections` (the rules only correlations reference with
`generate: false` print nothing of their own, as in `vigil scan`) and `--action reset`
(a group's state is cleared when it fires, vigil's rule for gt/gte conditions). The
records are sorted by event time first (stable), so that no event is late: vigil's
correlator leaves out events later than its lateness bound (15 minutes), rsigma has no
such bound.

A second test runs the small probes behind the table of readings of
docs/sigma-conformance.md ("Where the specification is silent or ambiguous") in both
engines and checks that each still reads its point as the table says.

Every difference is listed in docs/sigma-conformance.md ("Known differences", a table
between the `evaluation-differences` markers, read here) with its reason, and so is
every rule rsigma cannot load (`rsigma-not-loaded`). The test fails on a difference or
a left-out rule that is not listed, and on a listed one that no longer occurs.

rsigma is built with `cargo install` (benchmarks/peers/rsigma.py install --quick, into
benchmarks/.peers/rsigma-quick) when neither that nor the benchmarks' optimised build is
there; scripts/test builds it in a stage of its own before the Python tests. A failed
build fails the test. VIGIL_RSIGMA=PATH uses that rsigma binary instead (it must be the
pinned version). Without ../shared the test is skipped.
"""

from __future__ import annotations

import collections
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys

import pytest
from conftest import need_cli

REPO = pathlib.Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
DATA = SHARED / "data" / "cloudtrail"
SIGMAHQ = SHARED / "corpus" / "sigma" / "cloudtrail"
DOC = REPO / "docs" / "sigma-conformance.md"
PEERS = REPO / "benchmarks" / ".peers"

sys.path.insert(0, str(REPO / "benchmarks" / "peers"))
import rsigma as rsigma_peer  # noqa: E402  (benchmarks/peers/rsigma.py)

# Read by vigil's own reader (Records files, bare arrays, single objects, NDJSON, gzip,
# damaged files read as far as they go): the real sources, as kRealInputs of
# tests/corpus/real_records.h, and the AWS processing library's parser fixtures.
VIGIL_READ = [
    "invictus-aws-dataset/CloudTrail",
    "stratus-red-team/detonation-logs",
    "otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json",
    "traildiscover/logExamples",
    "cribl-pack-cloudtrail/zyNWSr.records.json",
    "cloudtrail2sightings/extracted",
    "aws-cloudtrail-processing-library",  # its data files: LICENSE and NOTICE are left out
]
NOT_DATA = {"LICENSE", "NOTICE"}
# JSON lines whose `event` member is the CloudTrail event (the data folder's README,
# "How the derived files were made"): read here, one record per line.
EVENT_MEMBER = [
    "panther-analysis/panther_cloudtrail_rule_tests.jsonl",
    "panther-analysis/panther_test_scenarios_cloudtrail.jsonl",
    "aws-docs/awsdocs_cloudtrail_user_guide_examples.jsonl",
]

# A rule every record matches: `vigil scan` with it prints each record it reads, as it
# was read, with its file and index (the flattener).
EVERY_RECORD_RULE = """\
title: every record (tests/python/test_sigma_evaluation.py)
id: 00000000-0000-4000-8000-000000000015
logsource: {product: aws, service: cloudtrail}
detection:
    nothing:
        vigil_evaluation_no_such_field|exists: true
    condition: not nothing
level: informational
"""
_EVENT_AT = re.compile(r',"record":(\d+),"event":')


def _run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if p.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {p.returncode}:\n{p.stderr[-4000:]}")
    return p


def _event_time(text):
    event = json.loads(text)
    t = event.get("eventTime", event.get("@timestamp")) if isinstance(event, dict) else None
    return t if isinstance(t, str) else ""


def flatten(cli, work):
    """Writes work/events.ndjson (every record, sorted by event time, stable) and
    returns the provenance of each of its lines ("<file>#<record index>")."""
    rule = work / "every-record.yml"
    rule.write_text(EVERY_RECORD_RULE)
    inputs = []
    for rel in VIGIL_READ:
        folder = DATA / rel
        if folder.is_dir() and any((folder / n).exists() for n in NOT_DATA):
            inputs += sorted(f"{rel}/{f.name}" for f in folder.iterdir() if f.name not in NOT_DATA)
        else:
            inputs.append(rel)
    p = _run([cli, "scan", "--rules", str(rule), "--logsource", "any", "--format", "jsonl", *inputs],
             cwd=DATA)
    records = []  # (provenance, event text)
    for line in p.stdout.splitlines():
        m = _EVENT_AT.search(line)
        # The event is the last member, as it was read: its text, not a re-serialisation.
        records.append((json.loads(line[:m.start()] + "}")["file"] + "#" + m.group(1),
                        line[m.end():-1]))
    for rel in EVENT_MEMBER:
        with open(DATA / rel, encoding="utf-8") as fh:
            for i, line in enumerate(fh):
                if line.strip():
                    records.append((f"{rel}#{i}", json.dumps(json.loads(line)["event"],
                                                             ensure_ascii=False,
                                                             separators=(",", ":"))))
    records.sort(key=lambda r: _event_time(r[1]))
    with open(work / "events.ndjson", "w", encoding="utf-8") as fh:
        for _, text in records:
            fh.write(text + "\n")
    return [prov for prov, _ in records]


def _canonical(event):
    return json.dumps(event, sort_keys=True, separators=(",", ":"))


def _group(pairs):
    return ";".join(f"{k}={json.dumps(v)}" for k, v in pairs)


def rsigma_results(path, events_path, provenance):
    """rsigma's output as ({(rule id, record)}, Counter((correlation id, group key)))."""
    # rsigma prints the event (--include-event), not its position: an event is found by
    # its content; equal events are taken in input order (rsigma prints in input order).
    lines_of = collections.defaultdict(list)
    with open(events_path, encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            lines_of[_canonical(json.loads(line))].append(i)
    taken = collections.Counter()
    detections, alerts = set(), collections.Counter()
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            m = json.loads(line)
            rule = m.get("rule_id") or m["rule_title"]
            if "correlation_type" in m:
                alerts[(rule, _group(m["group_key"]))] += 1
                continue
            key = (rule, _canonical(m["event"]))
            candidates = lines_of.get(key[1], [])
            if taken[key] >= len(candidates):
                pytest.fail(f"rsigma printed an event for {rule} that is not in the input (or once too "
                            f"often); it reads it differently: {key[1][:500]}")
            detections.add((rule, provenance[candidates[taken[key]]]))
            taken[key] += 1
    return detections, alerts


def vigil_results(stdout, provenance):
    detections, alerts = set(), collections.Counter()
    for line in stdout.splitlines():
        m = json.loads(line)
        if "correlation_id" in m:
            # A group-by field the events lack is null in vigil's group and absent from
            # rsigma's group_key: both group such events together (the same reading).
            group = [(k, v) for k, v in m["group"].items() if v is not None]
            alerts[(m["correlation_id"], _group(group))] += 1
        else:
            detections.add((m["rule_id"] or m["rule_title"], provenance[m["record"]]))
    return detections, alerts


def _doc_table(marker):
    """The rows of the table between <!-- BEGIN marker --> and <!-- END marker --> of
    docs/sigma-conformance.md, as lists of cells (backticks removed)."""
    text = DOC.read_text(encoding="utf-8")
    m = re.search(rf"<!-- BEGIN {marker} -->\n(.*?)<!-- END {marker} -->", text, re.S)
    assert m, f"{DOC}: no <!-- BEGIN {marker} --> ... <!-- END {marker} --> block"
    rows = []
    for line in m.group(1).splitlines():
        if not line.startswith("|") or set(line) <= set("|-: "):
            continue
        cells = [c.strip().replace("`", "").replace("\\|", "|")
                 for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        if cells[0] != "corpus":  # the header
            rows.append(cells)
    return rows


def known_differences(corpus):
    """{(kind, rule id, only in): (expected count or None, {selectors} or None)} from
    the evaluation-differences table: corpus | kind | rule id | only in | events | reason.
    `events` is a count, or selectors separated by `;`."""
    known = {}
    for cells in _doc_table("evaluation-differences"):
        c, kind, rule, only, events, reason = cells[:6]
        assert reason, f"evaluation-differences: the row of {rule} gives no reason"
        if c != corpus:
            continue
        if events.isdigit():
            known[(kind, rule, only)] = (int(events), None)
        else:
            known[(kind, rule, only)] = (None, {s.strip() for s in events.split(";") if s.strip()})
    return known


@pytest.fixture(scope="module")
def rsigma_binary():
    if not DATA.is_dir() or not SIGMAHQ.is_dir():
        pytest.skip(f"{SHARED} (data/cloudtrail, corpus/sigma/cloudtrail) is missing")
    binary = os.environ.get("VIGIL_RSIGMA") or rsigma_peer.installed(PEERS)
    if binary is None:
        # Not skipped: without cargo or the network the build fails, and so does the test.
        try:
            binary = rsigma_peer.install(PEERS, quick=True)
        except RuntimeError as e:
            pytest.fail(f"building rsigma {rsigma_peer.VERSION} failed: {e}")
    version = rsigma_peer._installed_version(binary)
    assert version == rsigma_peer.VERSION, f"{binary} is rsigma {version}, not {rsigma_peer.VERSION}"
    return binary


@pytest.fixture(scope="module")
def cli():
    return need_cli(os.environ.get("VIGIL_CLI") or "", str(pathlib.Path(sys.executable).with_name("vigil")),
                    shutil.which("vigil") or "", str(REPO / "build" / "vigil"))


@pytest.fixture(scope="module")
def flattened(cli, rsigma_binary, tmp_path_factory):
    work = tmp_path_factory.mktemp("sigma-evaluation")
    return work, flatten(cli, work)


def _corpus_rules(corpus, work):
    if corpus == "pack":
        return REPO / "rules"
    src = work / "sigmahq-src"  # top level only, as the C++ backtest of these rules
    src.mkdir(exist_ok=True)
    for f in sorted(SIGMAHQ.glob("*.yml")):
        shutil.copy(f, src)
    return src


# The cold build of rsigma (when scripts/test's stage did not make it) happens in this
# test's setup: it may take far longer than the usual limit.
@pytest.mark.timeout(3600)
@pytest.mark.parametrize("corpus", ["sigmahq", "pack"])
def test_vigil_and_rsigma_agree_up_to_the_listed_differences(corpus, cli, rsigma_binary, flattened):
    work, provenance = flattened
    events = work / "events.ndjson"
    assert len(provenance) > 4000, "the flattened corpus is suspiciously small"

    rules = work / f"rules-{corpus}"
    prepared = rsigma_peer.prepare_rules(rsigma_binary, str(_corpus_rules(corpus, work)), str(rules))
    not_loaded = {rel: why for rel, why in prepared["skipped"].items()}
    listed_not_loaded = {cells[1]: cells[2] for cells in _doc_table("rsigma-not-loaded")
                         if cells[0] == corpus}
    assert set(not_loaded) == set(listed_not_loaded), (
        f"{corpus}: the rules rsigma cannot load changed (docs/sigma-conformance.md, "
        f"rsigma-not-loaded).\n  not listed: "
        + "\n    ".join(f"{r}: {not_loaded[r]}" for r in sorted(set(not_loaded) - set(listed_not_loaded)))
        + "\n  listed, but rsigma loads them now: " + ", ".join(sorted(set(listed_not_loaded) - set(not_loaded))))

    out = work / f"rsigma-{corpus}.ndjson"
    rsigma_peer.run_prepared(rsigma_binary, str(rules), str(events), str(out), include_event=True,
                             extra_args=["--no-detections", "--action", "reset"])
    r_det, r_alerts = rsigma_results(out, events, provenance)
    p = _run([cli, "scan", "--rules", str(rules), "--format", "jsonl", str(events)])
    v_det, v_alerts = vigil_results(p.stdout, provenance)
    assert v_det or v_alerts, "vigil found nothing: the comparison would be empty"

    found = collections.defaultdict(set)  # (kind, rule, only in) -> selectors
    for rule, rec in r_det - v_det:
        found[("detection", rule, "rsigma")].add(rec)
    for rule, rec in v_det - r_det:
        found[("detection", rule, "vigil")].add(rec)
    for (rule, group), n in (r_alerts - v_alerts).items():
        found[("correlation", rule, "rsigma")].add(f"{group} x{n}")
    for (rule, group), n in (v_alerts - r_alerts).items():
        found[("correlation", rule, "vigil")].add(f"{group} x{n}")

    known = known_differences(corpus)
    problems = []
    for key in sorted(set(found) | set(known)):
        kind, rule, only = key
        have = found.get(key, set())
        if key not in known:
            problems.append(f"unlisted: {corpus} | {kind} | {rule} | only in {only} | {len(have)} | "
                            + "; ".join(sorted(have)[:20]))
            continue
        count, selectors = known[key]
        if not have:
            problems.append(f"listed but no longer occurs: {corpus} | {kind} | {rule} | only in {only}")
        elif count is not None and count != len(have):
            problems.append(f"listed with {count} records, now {len(have)}: {corpus} | {kind} | {rule} | "
                            f"only in {only}")
        elif selectors is not None and selectors != have:
            problems.append(f"listed records differ: {corpus} | {kind} | {rule} | only in {only}: "
                            f"now {'; '.join(sorted(have))}")
    print(f"{corpus}: {len(provenance)} records; rsigma {len(r_det)} detections, "
          f"{sum(r_alerts.values())} alerts; vigil {len(v_det)} detections, {sum(v_alerts.values())} alerts; "
          f"{len(not_loaded)} rules rsigma cannot load")
    assert not problems, "\n".join(problems)


# ---- the readings of docs/sigma-conformance.md's table, run ------------------------------
#
# Each row of "Where the specification is silent or ambiguous" that vigil and rsigma can
# be asked about is a probe here: a rule, events written for it, and what each engine
# was seen to do. A new rsigma (or a change in vigil) that reads a point differently
# fails this test, and the table is revisited.

_PROBE_HEADER = "logsource: {product: aws, service: cloudtrail}\n"
PROBE_DETECTIONS = {
    # title: (detection, {vigil's records}, {rsigma's records})
    "object under contains": ("requestParameters|contains: 'Suspended'", {0}, set()),
    "array of scalars": ("tags: 'b'", {1}, {1}),
    "array under re": ("tags|re: '^\\[\"a\"'", {1}, set()),
    "array of objects under contains": ("items|contains: 'i-1'", {9}, set()),
    "duplicate key, first value": ("userName: 'first'", {2}, set()),
    "duplicate key, last value": ("userName: 'last'", {2}, {2}),
    "case beyond ASCII": ("city: 'ÉLODIE'", set(), {3}),
    "sharp s": ("city|contains: 'STRASSE'", set(), set()),
    "null": ("errorCode: null", set(range(13)) - {6}, set(range(13)) - {6}),
    "empty string": ("errorCode: ''", {6}, {6}),
    "number against strings": ("port: 22", {7, 8}, {7, 8}),
    "boolean as text": ("flag: 'false'", {10}, {10}),
    "key with a dot": ("a.b: 'dotted'", {11}, {11}),
}
PROBE_DETECTION_EVENTS = [  # raw text: the duplicate key must reach both parsers
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:00Z","requestParameters":{"VersioningConfiguration":{"Status":"Suspended"}}}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:01Z","tags":["a","b"]}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:02Z","userName":"first","userName":"last"}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:03Z","city":"élodie"}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:04Z"}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:05Z","errorCode":null}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:06Z","errorCode":""}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:07Z","port":"22"}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:08Z","port":22.0}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:09Z","items":[{"id":"i-1"},{"id":"i-2"}]}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:10Z","flag":false}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:11Z","a.b":"dotted"}',
    '{"eventSource":"x","eventTime":"2026-01-01T00:00:12Z","city":"straße"}',
]

PROBE_CORRELATION_RULES = _PROBE_HEADER.join(["""\
title: base A
id: 20000000-0000-4000-8000-00000000000a
name: base_a
""", """detection:
    s: {eventName: A}
    condition: s
---
title: base B
id: 20000000-0000-4000-8000-00000000000b
name: base_b
""", """detection:
    s: {eventName: B}
    condition: s
---
title: count edge
id: 20000000-0000-4000-8000-000000000001
correlation:
    type: event_count
    rules: [20000000-0000-4000-8000-00000000000a]
    group-by: [user]
    timespan: 1m
    condition: {gte: 2}
---
title: ordered
id: 20000000-0000-4000-8000-000000000002
correlation:
    type: temporal_ordered
    rules: [base_a, base_b]
    group-by: [op]
    timespan: 1m
"""])


def _ev(name, t, **fields):
    return json.dumps({"eventSource": "x", "eventName": name, **fields,
                       "eventTime": f"2026-01-01T00:{t}Z"})


PROBE_CORRELATION_EVENTS = [
    _ev("A", "00:00", user="edge60"), _ev("A", "01:00", user="edge60"),  # window edge: 60 s
    _ev("A", "02:00", user="edge61"), _ev("A", "03:01", user="edge61"),  # 61 s
    _ev("A", "04:00"), _ev("A", "04:01"),                                # no group-by field
    _ev("B", "10:00", op="tie-BA"), _ev("A", "10:00", op="tie-BA"),      # tie, B arrives first
    _ev("A", "11:00", op="tie-AB"), _ev("B", "11:00", op="tie-AB"),      # tie, A arrives first
    _ev("B", "12:20", op="late-A"), _ev("A", "12:15", op="late-A"),      # A arrives late
    _ev("A", "13:00", op="edge-ord"), _ev("B", "14:00", op="edge-ord"),  # ordered, 60 s
    _ev("A", "15:00", op="edge-ord61"), _ev("B", "16:01", op="edge-ord61"),
    _ev("A", "20:00"), _ev("B", "20:01"),
]
# Alerts as (title, group); a missing group-by field is left out of the group (rsigma's
# output; vigil's null is dropped by vigil_results). The A events without `user` fall in
# the group with no user: 00:04:00-00:04:01, the tie-BA/tie-AB pair, 12:15-13:00.
_COMMON_ALERTS = [("count edge", "user=\"edge60\""), ("count edge", ""), ("count edge", ""),
                  ("count edge", ""), ("ordered", "op=\"tie-AB\""), ("ordered", "op=\"late-A\""),
                  ("ordered", "op=\"edge-ord\""), ("ordered", "")]
PROBE_ALERTS = {
    "vigil": collections.Counter(_COMMON_ALERTS),
    # ties in temporal_ordered count as ordered whichever arrived first
    "rsigma": collections.Counter(_COMMON_ALERTS + [("ordered", "op=\"tie-BA\"")]),
}
# rsigma's --no-detections hides base A (referenced by id) but not base B (by name only).
PROBE_BASE_DETECTIONS = {"vigil": 0, "rsigma": sum('"eventName": "B"' in e for e in PROBE_CORRELATION_EVENTS)}


def _probe_run(cli, rsigma_binary, work, rules_text, events):
    rules = work / "rules"
    rules.mkdir()
    (rules / "probe.yml").write_text(rules_text, encoding="utf-8")
    path = work / "events.ndjson"
    path.write_text("\n".join(events) + "\n", encoding="utf-8")
    out = work / "rsigma.ndjson"
    rsigma_peer.run_prepared(rsigma_binary, str(rules), str(path), str(out), include_event=True,
                             extra_args=["--no-detections", "--action", "reset"])
    titles = {}  # id -> title
    for doc in rules_text.split("---\n"):
        m = re.search(r"^title: (.*)$", doc, re.M), re.search(r"^id: (.*)$", doc, re.M)
        titles[m[1].group(1)] = m[0].group(1).strip("'")
    results = {}
    times = {json.loads(e)["eventTime"]: i for i, e in enumerate(events)}  # unique times
    for engine in ("vigil", "rsigma"):
        det, alerts = collections.defaultdict(set), collections.Counter()
        if engine == "rsigma":
            lines = out.read_text(encoding="utf-8").splitlines()
        else:
            lines = _run([cli, "scan", "--rules", str(rules), "--format", "jsonl", str(path)]).stdout.splitlines()
        for line in lines:
            m = json.loads(line)
            if "correlation_id" in m or "correlation_type" in m:
                rule = m.get("correlation_id") or m["rule_id"]
                group = m.get("group_key")
                if group is None:
                    group = [(k, v) for k, v in m["group"].items() if v is not None]
                alerts[(titles[rule], _group(group))] += 1
            else:
                det[titles[m["rule_id"]]].add(times[m["event"]["eventTime"]])
        results[engine] = (det, alerts)
    return results


@pytest.mark.timeout(3600)  # as above: the first test to need rsigma may build it
def test_the_documented_readings_of_vigil_and_rsigma(cli, rsigma_binary, tmp_path):
    rules = "---\n".join(f"title: '{title}'\nid: 10000000-0000-4000-8000-{i:012d}\n{_PROBE_HEADER}"
                         f"detection:\n    s:\n        {detection}\n    condition: s\n"
                         for i, (title, (detection, _, _)) in enumerate(PROBE_DETECTIONS.items()))
    (tmp_path / "d").mkdir()
    got = _probe_run(cli, rsigma_binary, tmp_path / "d", rules, PROBE_DETECTION_EVENTS)
    problems = []
    for title, (_, want_vigil, want_rsigma) in PROBE_DETECTIONS.items():
        for engine, want in (("vigil", want_vigil), ("rsigma", want_rsigma)):
            have = got[engine][0].get(title, set())
            if have != want:
                problems.append(f"{title}: {engine} matched records {sorted(have)}, documented {sorted(want)}")

    (tmp_path / "c").mkdir()
    got = _probe_run(cli, rsigma_binary, tmp_path / "c", PROBE_CORRELATION_RULES, PROBE_CORRELATION_EVENTS)
    for engine in ("vigil", "rsigma"):
        det, alerts = got[engine]
        if alerts != PROBE_ALERTS[engine]:
            problems.append(f"correlations: {engine} raised {sorted(alerts.items())}, documented "
                            f"{sorted(PROBE_ALERTS[engine].items())}")
        base = sum(len(det[t]) for t in ("base A", "base B"))
        if base != PROBE_BASE_DETECTIONS[engine]:
            problems.append(f"generate: false: {engine} printed {base} matches of the base rules, "
                            f"documented {PROBE_BASE_DETECTIONS[engine]}")
    assert not problems, "docs/sigma-conformance.md no longer says what the engines do:\n" + "\n".join(problems)
