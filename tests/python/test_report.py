# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""The audit report (vigil.report): its figures against `vigil scan`, its HTML's
self-containment, its sections' content, its command line.

The browser half (rendering in headless Chromium, screenshots, visible text) is
tests/python/test_report_browser.py. Needs jinja2 and vl-convert-python (the `report`
extra): skipped without them, a failure under VIGIL_TEST_OPTIONAL=require.
"""

from __future__ import annotations

import collections
import gzip
import html.parser
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import vigil
from conftest import need_cli, need_module

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "logs"
SHARED = REPO.parent / "shared" / "data" / "cloudtrail"
CIS = [f"4.{i}" for i in range(1, 16)]


def _report_module():
    need_module("jinja2")
    need_module("vl_convert")
    import vigil.report
    return vigil.report


def scan_jsonl(cli: str, *paths) -> tuple[list, list, str]:
    """`vigil scan --format jsonl`: its matches, its alerts and its summary (stderr)."""
    out = subprocess.run([cli, "scan", "--format", "jsonl", "--threads", "1", *map(str, paths)],
                         capture_output=True, text=True, check=False)
    assert out.returncode in (0, 1), out.stderr
    matches, alerts = [], []
    for line in out.stdout.splitlines():
        d = json.loads(line)
        (alerts if "correlation_id" in d else matches).append(d)
    return matches, alerts, out.stderr


def summary_counts(stderr: str) -> dict:
    m = re.search(r"(\d+) events in (\d+) files scanned with \d+ rules: (\d+) matches, \d+ errors "
                  r"\((\d+) bad events, (\d+) read errors\)", stderr)
    assert m, stderr
    events, files, matches, bad, read = map(int, m.groups())
    return {"events": events, "files": files, "matches": matches, "event_errors": bad,
            "input_errors": read}


def gap_tree(tmp: Path) -> tuple[Path, int]:
    """examples/logs without eu-west-1's events of 08:00-08:59: the log files of that
    hour (delivered at 08:05 ... 09:00) are removed, so the coverage has a known gap.
    Returns the tree and the number of events removed."""
    dst = tmp / "gap-logs"
    shutil.copytree(EXAMPLES, dst)
    day = next(dst.glob("AWSLogs/*/CloudTrail/eu-west-1/2026/11/25"))
    removed = [f for f in day.iterdir()
               if re.search(r"_20261125T(08\d\d|0900)Z_", f.name)]
    assert len(removed) == 12
    events = 0
    for f in removed:
        with gzip.open(f) as g:
            events += len(json.load(g)["Records"])
        f.unlink()
    return dst, events


@pytest.fixture(scope="module")
def examples(tmp_path_factory):
    R = _report_module()
    tmp = tmp_path_factory.mktemp("report")
    r = R.report(EXAMPLES, output=tmp / "r.html", summary=tmp / "r.json", retention_days=90)
    return r, tmp


@pytest.fixture(scope="module")
def gap(tmp_path_factory):
    R = _report_module()
    tmp = tmp_path_factory.mktemp("gap")
    tree, removed = gap_tree(tmp)
    return R.report(tree, output=tmp / "r.html"), removed


def _key(d):
    return (d["rule_id"], os.path.realpath(d["file"]), d["record"])


def test_summary_agrees_with_vigil_scan_finding_for_finding(examples):
    r, tmp = examples
    cli = need_cli()
    matches, alerts, stderr = scan_jsonl(cli, EXAMPLES)
    s = json.loads((tmp / "r.json").read_text())
    assert s == json.loads(json.dumps(r.summary))  # the file is the summary
    assert s["findings"]["columns"] == list(vigil.report.FINDING_COLUMNS)
    assert len(s["findings"]["rows"]) == s["findings_total"] == len(matches) == 94
    assert collections.Counter(map(_key, vigil.report.findings_of(s))) == collections.Counter(map(_key, matches))
    levels = collections.Counter(m["level"] for m in matches)
    assert s["findings_by_level"] == {lvl: levels.get(lvl, 0) for lvl in s["findings_by_level"]}
    counts = summary_counts(stderr)
    assert (s["events"], s["files"], s["event_errors"], s["input_errors"]) == (
        counts["events"], counts["files"], counts["event_errors"], counts["input_errors"])
    assert s["alerts_total"] == len(alerts) == 2
    assert sorted(a["rule_id"] for a in s["alerts"]) == sorted(a["correlation_id"] for a in alerts)
    # the report's own rules select context, never findings
    report_ids = {r.id for r in vigil.load(os.path.join(os.path.dirname(vigil.__file__), "report_rules"))}
    assert not report_ids & {f["rule_id"] for f in vigil.report.findings_of(s)}
    # each finding's fields are the event's own
    events = {(_key(m)[1], m["record"]): m["event"] for m in matches}
    for f in vigil.report.findings_of(s):
        ev = events[(os.path.realpath(f["file"]), f["record"])]
        assert (f["eventTime"], f["eventName"], f["account"], f["region"], f["sourceIPAddress"]) == (
            ev["eventTime"], ev["eventName"], ev["recipientAccountId"], ev["awsRegion"],
            ev.get("sourceIPAddress"))
        assert f["principal"] in (ev["userIdentity"].get("arn"), ev["userIdentity"].get("userName"))


def test_summary_of_the_sample_logs(examples):
    r, _ = examples
    s = r.summary
    assert s["period"] == {"start": "2026-11-25T08:00:00Z", "end": "2026-11-25T09:30:04Z"}
    assert s["accounts"] == ["641826429272"]
    assert s["regions"] == ["eu-west-1", "us-east-1", "us-west-2"]
    # examples/README.md: events per region
    per_region = {row["region"]: row["events"] for row in s["coverage"]["streams"]}
    assert per_region == {"us-east-1": 1080, "eu-west-1": 702, "us-west-2": 718}
    assert sum(sum(row["counts"]) for row in s["coverage"]["streams"]) == 2500
    assert s["coverage"]["unit"] == "hour" and s["coverage"]["gaps"] == []
    # findings over time: every finding in one bin
    assert sum(sum(b[lvl] for lvl in vigil.report.LEVELS) for b in s["findings_over_time"]["bins"]) == 94


def test_signins_match_the_records(examples):
    r, _ = examples
    si = r.summary["signins"]
    events = []
    for m in vigil.compile("""
title: every console sign-in
logsource: {product: aws, service: cloudtrail}
detection:
    s: {eventName: ConsoleLogin}
    condition: s
""").scan(str(EXAMPLES)):
        events.append(m.event)
    ok = [e for e in events if (e.get("responseElements") or {}).get("ConsoleLogin") == "Success"]
    assert si["success"] == len(ok) and si["failure"] == len(events) - len(ok)
    assert si["success"] + si["failure"] == sum(p["success"] + p["failure"] for p in si["by_principal"])
    # the manifest's two sign-ins without MFA, and the pack rule's count, agree
    by_title = {t["rule"]: t["findings"] for t in r.summary["top_rules"]}
    assert si["without_mfa"] == by_title["AWS Console Login Without MFA"] == 2
    # a failed sign-in names the user as a successful one does (no ARN in a failure)
    names = {p["principal"] for p in si["by_principal"]}
    assert "felix.wagner" in names and not any(n.endswith("user/felix.wagner") for n in names)
    assert si["root_events"] == 2 and {x["eventName"] for x in si["root"]} == {"ConsoleLogin", "ListAccessKeys"}
    new = [f for f in si["first_seen"] if f["new"]]
    assert {(f["principal"], f["address"]) for f in new} >= {("felix.wagner", "198.51.100.2")}


def test_changes_and_trail_timeline(examples):
    r, _ = examples
    s = r.summary
    groups = s["changes"]["by_group"]
    assert set(groups) == set(vigil.report.CHANGE_GROUPS)
    assert groups["Logging"] >= 5 and groups["Network"] >= 4 and groups["IAM"] >= 3
    assert groups["S3 policies"] >= 2
    calls = [(t["eventName"], t["change"]) for t in s["trail_changes"]]
    # examples/README.md: 2 DeleteTrail, 1 PutEventSelectors, 1 StopLogging, 1 UpdateTrail
    assert sorted(calls) == [("DeleteTrail", "weakened"), ("DeleteTrail", "weakened"),
                             ("PutEventSelectors", "weakened"), ("StopLogging", "weakened"),
                             ("UpdateTrail", "weakened")]
    update = next(t for t in s["trail_changes"] if t["eventName"] == "UpdateTrail")
    assert "multi-region turned off" in update["detail"]


def test_every_cis_control_listed_with_its_rules(examples):
    r, _ = examples
    cis = {c["control"]: c for c in r.summary["cis"]}
    assert list(cis)[:15] == CIS
    for control in CIS:
        c = cis[control]
        assert c["loaded"] and c["tests_passed"], control
    assert cis["4.3"]["findings"] == sum(x["findings"] for x in cis["4.3"]["rules"]) >= 3
    by_rule = {t["rule_id"]: t["findings"] for t in r.summary["top_rules"]}
    for c in cis.values():
        for x in c["rules"]:
            assert x["findings"] == by_rule.get(x["rule_id"], 0)


def test_a_control_without_rules_is_reported(tmp_path):
    R = _report_module()
    one = REPO / "rules" / "aws" / "cloudtrail" / "aws_console_login_failed.yml"
    r = R.report(EXAMPLES, rules=[one])
    cis = {c["control"]: c for c in r.summary["cis"]}
    assert cis["4.6"]["loaded"] and cis["4.6"]["findings"] == 6
    assert not cis["4.1"]["loaded"] and cis["4.1"]["rules"] == []
    assert "no rule" in r.html


def test_integrity_of_the_sample_logs(examples):
    """examples/logs comes with its digests ("auto" validates them); no public keys are
    given, so the digests' signatures stay unverified, and every log file hashes right."""
    r, _ = examples
    integ = r.summary["integrity"]
    direct = vigil.validate(str(EXAMPLES))
    assert integ["by_status"] == {st: direct.count(st) for st in vigil.VALIDATION_STATUSES}
    assert integ["log_files_valid"] == integ["log_files_listed"] == 55
    assert not integ["failed"] and not integ["signatures_checked"]
    assert integ["by_code"]["digest-signature-unverifiable"] == direct.count(code="digest-signature-unverifiable") > 0


def test_retention(examples):
    r, _ = examples
    ret = r.summary["retention"]
    assert ret["retention_days"] == 90
    assert len(ret["streams"]) == 3
    for row in ret["streams"]:
        assert row["meets"] is False and row["short_by_days"] > 89
    R = vigil.report
    r2 = R.report(EXAMPLES, retention_days=0.01, as_of="2026-11-25T09:30:04Z")
    assert all(row["meets"] for row in r2.summary["retention"]["streams"])


def test_known_gap_is_reported(gap):
    gap, removed = gap
    s = gap.summary
    assert s["events"] == 2500 - removed and removed > 300
    assert s["coverage"]["gaps"] == [{"account": "641826429272", "region": "eu-west-1",
                                      "start": "2026-11-25T08:00:00Z", "end": "2026-11-25T09:00:00Z",
                                      "bins": 1, "whole_period": False}]
    assert "2026-11-25T08:00:00Z" in gap.html and 'class="gap"' in gap.html
    # the digests still list the removed files: integrity says which are missing
    assert s["integrity"]["by_code"]["log-missing"] == 12 and s["integrity"]["failed"]


def test_integrity_section_uses_validation(tmp_path):
    """A digest tree (tools/cloudtrail_digests.py) with one log file edited and one hour
    dropped: the integrity section has vigil.validate's counts, the failure and the gap."""
    R = _report_module()
    need_module("cryptography")
    out = tmp_path / "fx"
    build = subprocess.run([sys.executable, str(REPO / "tools" / "cloudtrail_digests.py"), str(out),
                            "--regions", "us-east-1", "--hours", "5",
                            "--tamper", "modify_log:111122223333:us-east-1:1",
                            "--tamper", "drop_hour:111122223333:us-east-1:3"],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    tree = out / "tree"
    r = R.report(tree, public_keys=out / "public-keys.json", signatures=out / "signatures.json")
    integ = r.summary["integrity"]
    assert integ is not None  # "auto": the tree has CloudTrail-Digest folders
    direct = vigil.validate(str(tree), public_keys=out / "public-keys.json",
                            signatures=out / "signatures.json")
    assert integ["by_status"] == {st: direct.count(st) for st in vigil.VALIDATION_STATUSES}
    assert integ["failed"] and integ["by_code"]["log-modified"] == 1
    assert len(integ["gaps"]) == 1 and integ["gaps"][0]["region"] == "us-east-1"
    assert integ["signatures_checked"]
    assert "log-modified" in r.html and "Gaps in the digest chain" in r.html
    off = R.report(tree, validate=False)
    assert off.summary["integrity"] is None and "was not validated" in off.html


class _Refs(html.parser.HTMLParser):
    """Every tag and attribute of a document, and the text of its <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags = collections.Counter()
        self.attrs = []
        self.style = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags[tag] += 1
        self.attrs.extend((tag, k, v or "") for k, v in attrs)
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style.append(data)


def test_html_loads_nothing_and_runs_no_script(examples):
    r, tmp = examples
    text = (tmp / "r.html").read_text()
    assert text == r.html
    p = _Refs()
    p.feed(text)
    assert p.tags["script"] == 0 and p.tags["link"] == 0 and p.tags["img"] == 0
    assert p.tags["iframe"] == 0 and p.tags["object"] == 0 and p.tags["embed"] == 0
    for tag, name, value in p.attrs:
        assert not name.startswith("on"), (tag, name)
        assert "//" not in value, (tag, name, value)
        if name in ("href", "src", "xlink:href", "action", "srcset"):
            assert value.startswith("#"), (tag, name, value)
    css = "".join(p.style)
    assert "url(" not in css and "@import" not in css and "//" not in css
    # "http" occurs only in the events shown as text (their own URLs, e.g. LoginTo), never
    # in markup: remove the <pre> blocks and nothing is left
    outside_pre = re.sub(r"<pre>.*?</pre>", "", text, flags=re.S)
    assert "http://" not in outside_pre and "https://" not in outside_pre


def test_every_chart_is_a_nonempty_svg(examples):
    r, _ = examples
    svgs = re.findall(r"<svg\b[^>]*>.*?</svg>", r.html, flags=re.S)
    # findings over time, top rules, principals, addresses, sign-ins, root, changes, trail
    # changes, coverage, retention, integrity (examples/logs has its digests)
    assert len(svgs) == 11
    for svg in svgs:
        w = float(re.search(r'width="([\d.]+)"', svg).group(1))
        h = float(re.search(r'height="([\d.]+)"', svg).group(1))
        assert w > 100 and h > 50
        marks = re.findall(r'<path[^>]* d="M[^"]+"', svg) + re.findall(r"<rect\b", svg)
        assert len(marks) >= 3, svg[:200]


def test_findings_listed_with_their_events(examples):
    r, _ = examples
    listed = r.summary["listed"]
    per_rule = {t["rule_id"]: t["findings"] for t in r.summary["top_rules"]}
    assert max(per_rule.values()) == 27  # AWS Unauthorized API Call
    assert {k: len(v) for k, v in listed.items()} == {k: min(n, 25) for k, n in per_rule.items()}
    sample = next(iter(listed.values()))[0]
    ev = json.loads(sample["event"])
    assert ev["eventName"] == sample["eventName"]
    assert r.html.count("<details><summary>event</summary>") == 92
    assert "2 more findings of this rule are in the JSON summary" in r.html
    R = vigil.report
    few = R.report(EXAMPLES, max_listed=2)
    assert max(len(v) for v in few.summary["listed"].values()) == 2
    assert few.summary["findings_total"] == 94
    assert "25 more findings of this rule are in the JSON summary" in few.html


def test_real_logs_counts_agree_with_vigil_scan(tmp_path):
    """The real records of ../shared/data (their provenance: its README.md), broken files
    included: the report counts what the scan counts."""
    if not SHARED.is_dir():
        pytest.skip("../shared/data/cloudtrail is not there")
    R = _report_module()
    cli = need_cli()
    matches, alerts, stderr = scan_jsonl(cli, SHARED)
    r = R.report(SHARED, output=tmp_path / "real.html", summary=tmp_path / "real.json")
    s = r.summary
    counts = summary_counts(stderr)
    assert s["events"] == counts["events"] and s["input_errors"] == counts["input_errors"] > 0
    assert s["findings_total"] == counts["matches"] == len(matches)
    assert collections.Counter(map(_key, vigil.report.findings_of(s))) == collections.Counter(map(_key, matches))
    assert s["alerts_total"] == len(alerts)
    assert sum(row["events"] for row in s["coverage"]["streams"]) == s["events"]
    assert len(s["accounts"]) > 5 and s["coverage"]["gaps_total"] > 0
    assert s["read_errors"] and all(e["message"] for e in s["read_errors"])


def test_command_line(tmp_path):
    _report_module()
    out = tmp_path / "out.html"
    run = subprocess.run([sys.executable, "-m", "vigil", "report", str(EXAMPLES), "-o", str(out),
                          "--retention-days", "30"], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "94 findings" in run.stdout and str(out) in run.stdout
    s = json.loads(out.with_suffix(".json").read_text())
    assert s["findings_total"] == 94 and s["retention"]["retention_days"] == 30
    assert out.read_text().startswith("<!DOCTYPE html>")
    script = Path(sys.executable).with_name("vigil-report")
    if script.exists():  # the console script of the installed wheel
        run = subprocess.run([str(script), str(EXAMPLES), "-o", str(tmp_path / "b.html"),
                              "--json", str(tmp_path / "b.json")], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        assert json.loads((tmp_path / "b.json").read_text())["findings_total"] == 94
    elif os.environ.get("VIGIL_TEST_OPTIONAL") == "require":
        pytest.fail("the vigil-report console script is not installed beside this Python")
    bad = tmp_path / "bad.yml"
    bad.write_text("title: broken\ndetection: [\n")
    run = subprocess.run([sys.executable, "-m", "vigil", "report", str(EXAMPLES), "-o",
                          str(tmp_path / "c.html"), "-r", str(bad)], capture_output=True, text=True)
    assert run.returncode == 2 and "bad.yml" in run.stderr and ":" in run.stderr
    assert not (tmp_path / "c.html").exists()


def test_findings_encoded_during_the_scan_are_the_summary(tmp_path, monkeypatch):
    """The findings' JSON is made in chunks while the scan runs (_Rows): with chunks of
    10 rows, the file written is still exactly the summary."""
    R = _report_module()
    monkeypatch.setattr(R, "_ROWS_CHUNK", 10)
    r = R.report(EXAMPLES, summary=tmp_path / "s.json")
    assert len(r.summary["findings"]["rows"].encoded) >= 9
    assert json.loads((tmp_path / "s.json").read_text()) == json.loads(json.dumps(r.summary))
