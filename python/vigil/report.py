# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""The audit report: one self-contained HTML evidence report of a scan, and a JSON
summary of the same figures.

    import vigil.report
    r = vigil.report.report("AWSLogs/", retention_days=365)
    r.save("report.html", "report.json")
    r            # in a notebook: the report, inline

    python -m vigil report AWSLogs/ -o report.html      # or: vigil-report AWSLogs/ -o ...

What it answers: what happened (findings, correlation alerts, sign-ins, changes), what
is missing (regions and hours without events, trail configuration changes, retention,
log file integrity) and what each CIS AWS Foundations monitoring control caught.

How it stays as fast as the scan: the engine does the per-event work. The scan counts
every event by account, region and hour itself (``RuleSet.scan(census=True)``) and
hands each match the few fields the report reads (``fields=``), so Python touches
matched events only, and never parses their JSON but for the rare trail changes. The
events the report needs that no detection flags (every console sign-in, every trail
configuration call, every root call) are selected by three rules of its own
(``vigil/report_rules``, tagged ``vigil.report``), loaded beside the detection rules;
their matches never count as findings, so the findings are exactly ``vigil scan``'s.

Charts are Vega-Lite specifications rendered to SVG by vl-convert (offline: it embeds
its own JavaScript engine and Vega), inlined in the HTML. The HTML has no script and
loads nothing: a browser opens it without a network, and prints it to PDF cleanly.
Needs the ``report`` extra: ``pip install vigil[report]`` (jinja2, vl-convert-python).
"""

import argparse
import collections
import datetime as _dt
import html as _html
import json
import os
import re
import sys
import threading
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

import vigil
from vigil.cis import CIS_CONTROLS

PathLike = Union[str, "os.PathLike[str]"]

# The fields the report reads of each matched event, in this order (Match.fields).
FIELDS = (
    "eventTime",
    "eventName",
    "recipientAccountId",
    "awsRegion",
    "userIdentity.type",
    "userIdentity.arn",
    "userIdentity.userName",
    "userIdentity.principalId",
    "sourceIPAddress",
    "errorCode",
    "responseElements.ConsoleLogin",
    "additionalEventData.MFAUsed",
)
(F_TIME, F_NAME, F_ACCOUNT, F_REGION, F_UTYPE, F_ARN, F_USER, F_PRINCIPAL, F_IP,
 F_ERROR, F_LOGIN, F_MFA) = range(len(FIELDS))

REPORT_TAG = "vigil.report"
LEVELS = ("critical", "high", "medium", "low", "informational")
LEVEL_COLORS = ("#7b1fa2", "#c62828", "#ef6c00", "#f9a825", "#78909c")

# The change groups of the report, as the pack's rules are grouped: by CIS control
# where a rule has one, else by the service in its name (aws_<service>_<what>).
CHANGE_GROUPS = ("IAM", "S3 policies", "Network", "Logging", "Security tooling", "Keys and secrets",
                 "Compute and data")
_CIS_GROUP = {"4.4": "IAM", "4.15": "IAM", "4.8": "S3 policies", "4.10": "Network", "4.11": "Network",
              "4.12": "Network", "4.13": "Network", "4.14": "Network", "4.5": "Logging",
              "4.9": "Logging", "4.7": "Keys and secrets"}
_SERVICE_GROUP = {
    "iam": "IAM", "organizations": "IAM", "rolesanywhere": "IAM", "s3": "S3 policies",
    "cloudtrail": "Logging", "cloudwatch": "Logging", "config": "Logging", "route53": "Logging",
    "guardduty": "Security tooling", "securityhub": "Security tooling",
    "inspector": "Security tooling", "macie": "Security tooling",
    "accessanalyzer": "Security tooling", "eventbridge": "Security tooling",
    "kms": "Keys and secrets", "secretsmanager": "Keys and secrets", "ssm": "Keys and secrets",
}
# Rules about sign-ins and root use are drawn in their own sections, not as changes.
_NOT_CHANGES = ("4.1", "4.2", "4.3", "4.6")


def report_rules() -> str:
    """The folder of the report's own rules (tagged ``vigil.report``)."""
    return os.path.join(os.path.dirname(os.path.abspath(__file__)), "report_rules")


def _cis_of(rule) -> List[str]:
    return [t[len("cis.aws."):] for t in rule.tags if t.startswith("cis.aws.")]


def change_group(rule) -> Optional[str]:
    """The change group of a detection rule, or None when it is not about a change
    (sign-ins, root use, unauthorized calls, reads)."""
    cis = _cis_of(rule)
    if any(c in _NOT_CHANGES for c in cis) and not any(c in _CIS_GROUP for c in cis):
        return None
    for c in cis:
        if c in _CIS_GROUP:
            return _CIS_GROUP[c]
    name = rule.name or os.path.splitext(os.path.basename(rule.file))[0]
    parts = name.split("_")
    service = parts[1] if len(parts) > 1 and parts[0] == "aws" else ""
    if service in ("console", "root"):
        return None
    if service == "ec2" and re.search(r"security_group|network_acl|route|gateway|vpc", name):
        return "Network"
    if service == "s3" and "logging" in name:
        return "Logging"
    return _SERVICE_GROUP.get(service, "Compute and data")


# ---- time --------------------------------------------------------------------------

def _parse_ms(text: Any) -> Optional[int]:
    """Unix milliseconds of an ISO 8601 eventTime, None when unreadable."""
    if not isinstance(text, str) or len(text) < 19:
        return None
    try:
        t = _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=_dt.timezone.utc)
    return int(t.timestamp() * 1000)


def _iso(ms: Optional[int]) -> Optional[str]:
    if ms is None:
        return None
    return _dt.datetime.fromtimestamp(ms / 1000, _dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


HOUR_MS = 3600 * 1000
DAY_MS = 24 * HOUR_MS


class _Bins:
    """The time bins of the coverage grid and the timelines: hours for a period of up
    to three days, days up to 120 days, weeks up to three years, else months (so the
    grid stays a few dozen columns wide whatever the period)."""

    def __init__(self, first_ms: int, last_ms: int) -> None:
        span = last_ms - first_ms
        if span <= 3 * DAY_MS:
            self.unit, self.step = "hour", HOUR_MS
        elif span <= 120 * DAY_MS:
            self.unit, self.step = "day", DAY_MS
        elif span <= 3 * 366 * DAY_MS:
            self.unit, self.step = "week", 7 * DAY_MS
        else:
            self.unit, self.step = "month", 0
        self.first = self.start_of(first_ms)
        self.last = self.start_of(last_ms)

    def start_of(self, ms: int) -> int:
        if self.unit == "month":
            t = _dt.datetime.fromtimestamp(ms / 1000, _dt.timezone.utc)
            return int(_dt.datetime(t.year, t.month, 1, tzinfo=_dt.timezone.utc).timestamp() * 1000)
        if self.unit == "week":  # weeks start on Monday
            day = ms - ms % DAY_MS
            weekday = _dt.datetime.fromtimestamp(day / 1000, _dt.timezone.utc).weekday()
            return day - weekday * DAY_MS
        return ms - ms % self.step

    def next(self, start: int) -> int:
        if self.unit == "month":
            t = _dt.datetime.fromtimestamp(start / 1000, _dt.timezone.utc)
            y, m = (t.year + 1, 1) if t.month == 12 else (t.year, t.month + 1)
            return int(_dt.datetime(y, m, 1, tzinfo=_dt.timezone.utc).timestamp() * 1000)
        return start + self.step

    def all(self) -> List[int]:
        out, b = [], self.first
        while b <= self.last and len(out) < 100000:
            out.append(b)
            b = self.next(b)
        return out

    def label(self, start: int) -> str:
        t = _dt.datetime.fromtimestamp(start / 1000, _dt.timezone.utc)
        if self.unit == "hour":
            return t.strftime("%Y-%m-%d %H:00")
        if self.unit == "month":
            return t.strftime("%Y-%m")
        return t.strftime("%Y-%m-%d")


# ---- collection --------------------------------------------------------------------

def _principal(f: Sequence[Any]) -> str:
    arn = f[F_ARN]
    if isinstance(arn, str) and arn:
        return arn
    user = f[F_USER]
    if isinstance(user, str) and user:
        return user
    principal = f[F_PRINCIPAL]
    if isinstance(principal, str) and principal:
        return f"{f[F_UTYPE] or 'unknown'}:{principal}"
    return str(f[F_UTYPE] or "(unknown)")


def _user(f: Sequence[Any]) -> str:
    """Who signed in, named the same way whether the sign-in succeeded or failed (a
    failed one carries the user name, a successful one the ARN): the IAM user name,
    role/session for an assumed role, "root" for the root user."""
    if f[F_UTYPE] == "Root":
        return "root"
    arn = f[F_ARN]
    if isinstance(arn, str) and arn:
        if ":user/" in arn:
            return arn.split(":user/", 1)[1]
        if ":assumed-role/" in arn:
            return arn.split(":assumed-role/", 1)[1]
        return arn
    user = f[F_USER]
    if isinstance(user, str) and user:
        return user
    return _principal(f)


def _text(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


def _trail_change(event: Dict[str, Any]) -> Tuple[str, str]:
    """What a trail configuration call did, as (kind, detail); kind is "weakened" when
    it narrows what is logged or how well it is protected."""
    name = event.get("eventName", "")
    p = event.get("requestParameters") or {}
    if not isinstance(p, dict):
        p = {}
    trail = p.get("name") or p.get("trailName") or ""
    detail = f"trail {trail}" if trail else ""
    if name == "StopLogging":
        return "weakened", "logging stopped " + detail
    if name == "DeleteTrail":
        return "weakened", "trail deleted " + detail
    if name == "StartLogging":
        return "restored", "logging started " + detail
    if name == "CreateTrail":
        return "changed", "trail created " + detail
    weakened = []
    if name == "UpdateTrail":
        if p.get("isMultiRegionTrail") is False:
            weakened.append("multi-region turned off")
        if p.get("enableLogFileValidation") is False:
            weakened.append("log file validation turned off")
        if p.get("includeGlobalServiceEvents") is False:
            weakened.append("global service events excluded")
        if "kmsKeyId" in p and not p.get("kmsKeyId"):
            weakened.append("KMS encryption removed")
        if weakened:
            return "weakened", ", ".join(weakened) + " " + detail
        changed = sorted(k for k in p if k != "name")
        return "changed", "trail updated (" + ", ".join(changed) + ") " + detail
    if name == "PutEventSelectors":
        text = json.dumps(p)
        if ('"includeManagementEvents": false' in text or '"readWriteType": "ReadOnly"' in text
                or '"readWriteType": "WriteOnly"' in text):
            return "weakened", "event selectors narrowed " + detail
        return "changed", "event selectors changed " + detail
    if name == "PutInsightSelectors":
        return "changed", "insight selectors changed " + detail
    return "changed", name + " " + detail


_ROWS_CHUNK = 8192


class _Rows(list):
    """The findings rows, with their JSON text made in chunks while the scan runs: the
    consuming Python thread waits on the scan's C++ thread most of the time, so the
    encoding is nearly free there, where after the scan it would add a second per
    few hundred thousand findings (write_summary uses the chunks)."""

    def __init__(self) -> None:
        super().__init__()
        self.encoded: List[str] = []
        self.encoded_upto = 0
        self._encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode

    def encode_pending(self) -> None:
        if self.encoded_upto < len(self):
            text = self._encode(self[self.encoded_upto:])
            self.encoded.append(text[1:-1])  # without the list's brackets
            self.encoded_upto = len(self)


class _Collector:
    def __init__(self, ruleset, max_listed: int) -> None:
        self.max_listed = max_listed
        self.kind_of: Dict[str, str] = {}
        for r in ruleset.rules:
            if REPORT_TAG in r.tags:
                self.kind_of[r.id] = r.name
        # Each finding is one row of FINDING_COLUMNS (its file as an index into
        # `files`): the report's per-match work, kept to a few dict and list operations
        # because it runs for every match (hundreds of thousands in a large audit).
        self.rows = _Rows()
        self.files: List[str] = []
        self.file_index: Dict[str, int] = {}
        # rule id -> (level, change group, report rule kind or None)
        self.info: Dict[str, Tuple[str, Optional[str], Optional[str]]] = {}
        self.listed: Dict[str, List[Tuple[Any, ...]]] = collections.defaultdict(list)
        self.by_rule: collections.Counter = collections.Counter()
        self.by_time_level: collections.Counter = collections.Counter()
        self.principals: collections.Counter = collections.Counter()
        self.addresses: collections.Counter = collections.Counter()
        self.group_counts: collections.Counter = collections.Counter()
        self.changes: List[Tuple[str, List[Any]]] = []
        self.signins: Dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.first_seen: Dict[Tuple[str, str], Tuple[int, str]] = {}
        self.root: List[Dict[str, Any]] = []
        self.root_count = 0
        self.trail: List[Dict[str, Any]] = []

    def add(self, m) -> None:
        # Runs once per match: locals and plain dict/list operations only.
        rule = m.rule
        rid = rule.id
        f = m.fields  # FIELDS, always given by a scan asked for them (even uncaptured events)
        info = self.info.get(rid)
        if info is None:
            kind = self.kind_of.get(rid)
            info = self.info[rid] = (rule.level, None if kind else change_group(rule), kind)
        level, group, kind = info
        if kind is not None:
            self._add_context(kind, m, f)
            return
        file = m.file
        fi = self.file_index.get(file)
        if fi is None:
            fi = self.file_index[file] = len(self.files)
            self.files.append(file)
        principal = f[F_ARN]
        if principal.__class__ is not str or not principal:
            principal = _principal(f)
        t = f[F_TIME]
        ip = f[F_IP]
        row = [rid, level, fi, m.record, t, f[F_NAME], f[F_ACCOUNT], f[F_REGION], principal, ip,
               f[F_ERROR]]
        self.rows.append(row)
        self.by_rule[rid] += 1
        if t.__class__ is str:
            self.by_time_level[(t[:15], level)] += 1  # 10-minute key: 2026-11-25T08:1
        self.principals[principal] += 1
        if ip.__class__ is str and ip:
            self.addresses[ip] += 1
        if group is not None:
            self.group_counts[group] += 1
            if len(self.changes) < 20000:
                self.changes.append((group, row))
        if self.by_rule[rid] <= self.max_listed:
            self.listed[rid].append((row, m.line, m.event_json))

    def _add_context(self, kind: str, m, f: Sequence[Any]) -> None:
        if kind == "vigil_report_console_signin":
            who = _user(f)
            ok = f[F_LOGIN] == "Success" and not f[F_ERROR]
            counts = self.signins[who]
            counts["success" if ok else "failure"] += 1
            if ok and f[F_MFA] == "No" and f[F_UTYPE] in ("IAMUser", "Root"):
                counts["without MFA"] += 1
            ms = _parse_ms(f[F_TIME])
            ip = _text(f[F_IP])
            if ok and ms is not None:
                key = (who, ip)
                seen = self.first_seen.get(key)
                if seen is None or ms < seen[0]:
                    self.first_seen[key] = (ms, _text(f[F_ACCOUNT]))
        elif kind == "vigil_report_root_activity":
            self.root_count += 1
            if len(self.root) < 5000:
                self.root.append({"time": _text(f[F_TIME]), "eventName": _text(f[F_NAME]),
                                  "address": _text(f[F_IP]), "account": _text(f[F_ACCOUNT]),
                                  "region": _text(f[F_REGION]), "error": _text(f[F_ERROR]),
                                  "file": m.file, "record": m.record})
        elif kind == "vigil_report_trail_configuration":
            if len(self.trail) < 5000:
                try:
                    change, detail = _trail_change(m.event)
                except ValueError:
                    change, detail = "changed", _text(f[F_NAME])
                refused = bool(f[F_ERROR])
                self.trail.append({"time": _text(f[F_TIME]), "eventName": _text(f[F_NAME]),
                                   "change": "refused" if refused else change,
                                   "detail": detail.strip() + (f" (refused: {f[F_ERROR]})" if refused else ""),
                                   "principal": _principal(f), "account": _text(f[F_ACCOUNT]),
                                   "region": _text(f[F_REGION]), "file": m.file, "record": m.record})


def _census_of(it) -> List[Tuple[str, str, Optional[int], int, int, int]]:
    census = it.census
    if census is None:  # pragma: no cover - asked for, so only a broken engine gives none
        raise RuntimeError("the scan gave no census of its events")
    return list(census)


def collect(paths: Sequence[PathLike], rules: Optional[Sequence[PathLike]] = None,
            vars: Any = None, threads: int = 1, lateness: Any = "15m",
            validate: Union[bool, str] = "auto", public_keys: Optional[PathLike] = None,
            signatures: Optional[PathLike] = None, retention_days: Optional[float] = None,
            as_of: Optional[str] = None, max_listed: int = 25,
            title: Optional[str] = None) -> Dict[str, Any]:
    """Scans ``paths`` and returns the report's figures as a JSON-ready dict (the JSON
    summary; :func:`render` draws the HTML from it)."""
    started = time.monotonic()
    paths = [os.fspath(p) for p in paths]
    rule_paths = [os.fspath(p) for p in rules] if rules else [vigil.bundled()]
    ruleset = vigil.load(*rule_paths, report_rules(), vars=vars)
    warm = _warm_charts()  # the chart engine starts while the scan runs
    collector = _Collector(ruleset, max_listed)
    it = ruleset.scan(*paths, threads=threads, lateness=lateness, census=True, fields=list(FIELDS))
    with it:
        rows = collector.rows
        for m in it:
            collector.add(m)
            if len(rows) - rows.encoded_upto >= _ROWS_CHUNK:
                rows.encode_pending()
    stats = dict(it.stats or {})
    census = _census_of(it)
    scan_seconds = time.monotonic() - started
    tests = ruleset.test()
    integrity = _integrity(paths, validate, public_keys, signatures)
    summary = _summarize(ruleset, paths, rule_paths, collector, stats, it.errors, it.alerts, census,
                         tests, integrity, retention_days, as_of, title)
    summary["timings"] = {"scan_seconds": round(scan_seconds, 3),
                          "collect_seconds": round(time.monotonic() - started, 3)}
    if warm is not None:
        warm.join()
    return summary


def _integrity(paths: Sequence[str], validate: Union[bool, str], public_keys, signatures
               ) -> Optional[Dict[str, Any]]:
    folders = [p for p in paths if os.path.isdir(p)]
    if validate == "auto":
        validate = any(
            "CloudTrail-Digest" in dirs for p in folders for _, dirs, _ in os.walk(p))
    if not validate or not folders:
        return None
    rep = vigil.validate(folders, public_keys=public_keys, signatures=signatures)
    by_status = {s: rep.count(s) for s in vigil.VALIDATION_STATUSES}
    by_code = collections.Counter(f.code for f in rep)
    problems = [{"code": f.code, "status": f.status, "file": f.file, "account": f.account,
                 "region": f.region, "trail": f.trail, "detail": f.detail}
                for f in rep if f.status in ("failed", "unverified") and f.code != "gap"]
    gaps = [{"account": f.account, "region": f.region, "trail": f.trail, "start": f.start,
             "end": f.end, "reason": f.reason} for f in rep if f.code == "gap"]
    log_files = sum(by_code.get(c, 0) for c in ("log-valid", "log-modified", "log-missing",
                                                 "log-unreadable"))
    return {"ran": True, "by_status": by_status, "by_code": dict(sorted(by_code.items())),
            "log_files_listed": log_files, "log_files_valid": by_code.get("log-valid", 0),
            "digests_valid": by_code.get("digest-valid", 0), "failed": rep.failed(),
            "problems": problems[:500], "problems_total": len(problems), "gaps": gaps[:500],
            "signatures_checked": public_keys is not None}


# The columns of summary["findings"]["rows"] (file: an index into summary["findings"]["files"]).
FINDING_COLUMNS = ("rule_id", "level", "file", "record", "eventTime", "eventName", "account",
                   "region", "principal", "sourceIPAddress", "errorCode")


def _row_dict(row: Sequence[Any], files: Sequence[str]) -> Dict[str, Any]:
    d = dict(zip(FINDING_COLUMNS, row))
    d["file"] = files[row[2]]
    return d


def findings_of(summary: Dict[str, Any]) -> List[Dict[str, Any]]:
    """The findings of a summary as dicts (FINDING_COLUMNS, file as its path)."""
    f = summary["findings"]
    return [_row_dict(row, f["files"]) for row in f["rows"]]


def _summarize(ruleset, paths, rule_paths, c: _Collector, stats, errors, alerts, census, tests,
               integrity, retention_days, as_of, title) -> Dict[str, Any]:
    by_id = {r.id: r for r in ruleset.rules}
    detections = [r for r in ruleset.rules if REPORT_TAG not in r.tags]

    # Census: per stream (account, region) totals and extent; the period.
    streams: Dict[Tuple[str, str], Dict[str, Any]] = {}
    untimed = 0
    for account, region, hour, events, first_ms, last_ms in census:
        s = streams.setdefault((account, region), {"events": 0, "first": None, "last": None,
                                                   "hours": {}})
        s["events"] += events
        if hour is None:
            untimed += events
            continue
        s["hours"][hour] = s["hours"].get(hour, 0) + events
        s["first"] = first_ms if s["first"] is None else min(s["first"], first_ms)
        s["last"] = last_ms if s["last"] is None else max(s["last"], last_ms)
    firsts = [s["first"] for s in streams.values() if s["first"] is not None]
    lasts = [s["last"] for s in streams.values() if s["last"] is not None]
    period = {"start": _iso(min(firsts)) if firsts else None,
              "end": _iso(max(lasts)) if lasts else None}

    coverage = _coverage(streams, firsts, lasts)
    retention = _retention(streams, retention_days, as_of, max(lasts) if lasts else None)

    listed = {}
    for rid, items in c.listed.items():
        listed[rid] = [dict(_row_dict(row, c.files), line=line, event=ev) for row, line, ev in items]
    by_level: collections.Counter = collections.Counter()
    for rid, n in c.by_rule.items():
        by_level[by_id[rid].level] += n
    top_rules = [{"rule": by_id[rid].title, "rule_id": rid, "level": by_id[rid].level, "findings": n}
                 for rid, n in c.by_rule.most_common()]
    over_time = _over_time(c.by_time_level)

    # Tests: which rules loaded and pass their own tests.
    passed = {}
    for t in tests.rules:
        passed[t.rule.id] = t.passed
    cis = []
    for control, what in _cis_controls(detections):
        rs = [r for r in detections if control in _cis_of(r)]
        cis.append({"control": control, "title": what,
                    "rules": [{"rule": r.title, "rule_id": r.id, "level": r.level,
                               "tests_passed": passed.get(r.id, False),
                               "findings": c.by_rule.get(r.id, 0)} for r in rs],
                    "loaded": bool(rs),
                    "tests_passed": bool(rs) and all(passed.get(r.id, False) for r in rs),
                    "findings": sum(c.by_rule.get(r.id, 0) for r in rs)})

    group_counts = c.group_counts
    change_events = [{"time": row[4], "group": g, "rule": by_id[row[0]].title, "level": row[1],
                      "eventName": row[5], "principal": row[8], "account": row[6],
                      "region": row[7], "file": c.files[row[2]], "record": row[3]}
                     for g, row in c.changes]
    changes = {"by_group": {g: group_counts.get(g, 0) for g in CHANGE_GROUPS},
               "timeline": _binned([(e["time"], e["group"], e["level"]) for e in change_events]),
               "listed": {g: [e for e in change_events if e["group"] == g][:100] for g in CHANGE_GROUPS},
               "policy_changes": sum(group_counts.get(g, 0) for g in ("IAM", "S3 policies")),
               "resource_changes": sum(n for g, n in group_counts.items()
                                       if g not in ("IAM", "S3 policies"))}

    # Sign-ins: per principal; addresses first seen per user.
    per_user_first: Dict[str, int] = {}
    for (who, ip), (ms, _) in c.first_seen.items():
        per_user_first[who] = min(per_user_first.get(who, ms), ms)
    first_seen = []
    for (who, ip), (ms, account) in sorted(c.first_seen.items(), key=lambda kv: kv[1][0]):
        first_seen.append({"principal": who, "address": ip, "first_seen": _iso(ms),
                           "account": account,
                           "new": ms > per_user_first[who]})
    signins = {
        "by_principal": [{"principal": who, "success": n["success"], "failure": n["failure"],
                          "without_mfa": n["without MFA"]}
                         for who, n in sorted(c.signins.items(),
                                              key=lambda kv: -(kv[1]["success"] + kv[1]["failure"]))],
        "success": sum(n["success"] for n in c.signins.values()),
        "failure": sum(n["failure"] for n in c.signins.values()),
        "without_mfa": sum(n["without MFA"] for n in c.signins.values()),
        "first_seen": first_seen,
        "root_events": c.root_count,
        "root": c.root,
    }

    alert_dicts = [a.to_dict() for a in alerts]
    summary = {
        "title": title or "CloudTrail audit report",
        "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "vigil_version": vigil.__version__,
        "inputs": list(paths),
        "rules": {"paths": rule_paths, "loaded": len(detections),
                  "tests_passed": sum(1 for r in detections if passed.get(r.id, False)),
                  "correlations": len(ruleset.correlations)},
        "period": period,
        "accounts": sorted({a for a, _ in streams}),
        "regions": sorted({r for _, r in streams}),
        "events": stats.get("events", 0),
        "untimed_events": untimed,
        "event_errors": stats.get("event_errors", 0),
        "input_errors": stats.get("input_errors", 0),
        "files": stats.get("files", 0),
        "bytes": stats.get("bytes", 0),
        "census_overflow": stats.get("census_overflow", 0),
        "read_errors": [{"file": e.file, "line": e.line, "record": e.record, "message": e.message}
                        for e in errors[:200]],
        "findings_total": len(c.rows),
        "findings_by_level": {lvl: by_level.get(lvl, 0) for lvl in LEVELS},
        "alerts_total": len(alert_dicts),
        "alerts": alert_dicts,
        "top_rules": top_rules,
        "top_principals": [{"principal": p, "findings": n} for p, n in c.principals.most_common(15)],
        "top_addresses": [{"address": a, "findings": n} for a, n in c.addresses.most_common(15)],
        "findings_over_time": over_time,
        "findings": {"columns": list(FINDING_COLUMNS), "files": c.files, "rows": c.rows},
        "listed": listed,
        "signins": signins,
        "changes": changes,
        "trail_changes": c.trail,
        "cis": cis,
        "coverage": coverage,
        "retention": retention,
        "integrity": integrity,
    }
    return summary


def _over_time(by_time_level) -> Dict[str, Any]:
    """Findings per time bin and level, over every bin of their period (empty bins
    included, so that quiet times show): 10 minutes for up to 10 hours, then as the
    coverage grid bins."""
    starts = {}
    for key, _ in by_time_level:
        ms = _parse_ms(key + "0:00Z") if len(key) == 15 else None
        if ms is not None:
            starts[key] = ms
    if not starts:
        return {"unit": None, "bins": []}
    lo, hi = min(starts.values()), max(starts.values())
    if hi - lo <= 10 * HOUR_MS:
        unit, first, step = "10 minutes", lo, 600 * 1000
        bins = list(range(first, hi + 1, step))
        bin_of = {k: v for k, v in starts.items()}
        label = lambda b: _dt.datetime.fromtimestamp(b / 1000, _dt.timezone.utc).strftime("%Y-%m-%d %H:%M")
    else:
        b = _Bins(lo, hi)
        unit, bins = b.unit, b.all()
        bin_of = {k: b.start_of(v) for k, v in starts.items()}
        label = b.label
    counts: Dict[Tuple[int, str], int] = collections.Counter()
    for (key, level), n in by_time_level.items():
        if key in bin_of:
            counts[(bin_of[key], level)] += n
    rows = []
    for b in bins:
        row = {"bin": label(b), "start": _iso(b)}
        for lvl in LEVELS:
            row[lvl] = counts.get((b, lvl), 0)
        rows.append(row)
    return {"unit": unit, "bins": rows}


def _cis_controls(detections) -> List[Tuple[str, str]]:
    out = list(CIS_CONTROLS)
    known = {c for c, _ in out}
    extra = sorted({c for r in detections for c in _cis_of(r) if c.startswith("4.") and c not in known},
                   key=lambda c: [int(x) for x in c.split(".") if x.isdigit()])
    return out + [(c, "") for c in extra]


def _coverage(streams, firsts, lasts) -> Dict[str, Any]:
    if not firsts:
        return {"unit": None, "bins": [], "streams": [], "gaps": [], "gaps_total": 0}
    bins = _Bins(min(firsts), max(lasts))
    starts = bins.all()
    index = {b: i for i, b in enumerate(starts)}
    rows = []
    gaps = []
    for (account, region), s in sorted(streams.items()):
        counts = [0] * len(starts)
        for hour, n in s["hours"].items():
            i = index.get(bins.start_of(hour * HOUR_MS))
            if i is not None:
                counts[i] += n
        rows.append({"account": account, "region": region, "events": s["events"], "counts": counts})
        i = 0
        while i < len(counts):
            if counts[i] == 0:
                j = i
                while j + 1 < len(counts) and counts[j + 1] == 0:
                    j += 1
                gaps.append({"account": account, "region": region, "start": _iso(starts[i]),
                             "end": _iso(bins.next(starts[j])), "bins": j - i + 1,
                             "whole_period": i == 0 and j == len(counts) - 1})
                i = j + 1
            else:
                i += 1
    gaps.sort(key=lambda g: (-g["bins"], g["account"], g["region"], g["start"]))
    return {"unit": bins.unit, "bins": [_iso(b) for b in starts],
            "labels": [bins.label(b) for b in starts], "streams": rows,
            "gaps": gaps[:500], "gaps_total": len(gaps)}


def _retention(streams, retention_days, as_of, newest_ms) -> Dict[str, Any]:
    as_of_ms = _parse_ms(as_of) if as_of else newest_ms
    rows = []
    for (account, region), s in sorted(streams.items()):
        if s["first"] is None:
            continue
        row = {"account": account, "region": region, "oldest": _iso(s["first"]),
               "newest": _iso(s["last"]), "days": round((s["last"] - s["first"]) / DAY_MS, 2)}
        if retention_days is not None and as_of_ms is not None:
            required = as_of_ms - int(retention_days * DAY_MS)
            row["required_from"] = _iso(required)
            row["meets"] = s["first"] <= required
            row["short_by_days"] = 0 if row["meets"] else round((s["first"] - required) / DAY_MS, 2)
        rows.append(row)
    return {"retention_days": retention_days, "as_of": _iso(as_of_ms), "streams": rows,
            "meeting": sum(1 for r in rows if r.get("meets")) if retention_days is not None else None}


# ---- charts ------------------------------------------------------------------------

_XMLNS = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def _vl():
    try:
        import vl_convert
    except ImportError as e:  # pragma: no cover - the extra is missing
        raise ImportError("the report draws its charts with vl-convert-python: "
                          "pip install 'vigil[report]'") from e
    return vl_convert


def _warm_charts() -> Optional[threading.Thread]:
    """Starts the chart engine (its JavaScript runtime takes a second or two to start)
    on a thread, so that it starts while the scan runs."""
    try:
        vl = _vl()
    except ImportError:
        return None

    def run() -> None:
        try:
            vl.vegalite_to_svg({"data": {"values": [{"a": 1}]}, "mark": "point",
                                "encoding": {"x": {"field": "a", "type": "quantitative"}}})
        except Exception:
            pass
    t = threading.Thread(target=run, daemon=True)
    t.start()
    return t


def chart(spec: Dict[str, Any]) -> str:
    """One Vega-Lite spec as inline SVG: no XML namespace declarations (HTML's parser
    gives inline <svg> its namespace), so the document names no URL at all."""
    spec = dict(spec)
    spec.setdefault("config", {})
    spec["config"] = dict({"font": "Helvetica, Arial, sans-serif", "view": {"stroke": None},
                           "axis": {"labelLimit": 0}}, **spec["config"])
    svg = _vl().vegalite_to_svg(spec)
    svg = _XMLNS.sub("", svg, count=2)
    return svg.replace("<svg ", '<svg role="img" ', 1)


def _label(text: Any, limit: int = 60) -> str:
    """An axis label cut to `limit` characters here: Vega's own truncation (labelLimit)
    measures the text again for every character it drops, which made a chart of long
    ARNs take a second to draw."""
    text = str(text)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _level_scale() -> Dict[str, Any]:
    return {"domain": list(LEVELS), "range": list(LEVEL_COLORS)}


def _charts(s: Dict[str, Any]) -> Dict[str, str]:
    # Missing charts read as "" in the template (a section without data has none).
    out: Dict[str, str] = collections.defaultdict(str)
    width = 760
    ot = s["findings_over_time"]
    if ot["bins"]:
        data = [{"bin": row["bin"], "level": lvl, "n": row[lvl]} for row in ot["bins"] for lvl in LEVELS]
        out["findings_over_time"] = chart({
            "width": {"step": max(6, min(28, width // max(1, len(ot["bins"]))))}, "height": 180,
            "data": {"values": data}, "mark": "bar",
            "encoding": {
                "x": {"field": "bin", "type": "ordinal", "sort": None,
                      "title": f"time (UTC, per {ot['unit']})",
                      "axis": {"labelAngle": -60, "labelOverlap": True}},
                "y": {"aggregate": "sum", "field": "n", "type": "quantitative", "title": "findings"},
                "color": {"field": "level", "type": "nominal", "scale": _level_scale(),
                          "sort": list(LEVELS)},
                "order": {"field": "level", "sort": "descending"}}})
    if s["top_rules"]:
        out["top_rules"] = _bars([{"k": _label(r["rule"]), "n": r["findings"], "level": r["level"]}
                                  for r in s["top_rules"][:15]], "findings", "rule", color_level=True)
    if s["top_principals"]:
        out["top_principals"] = _bars([{"k": _label(p["principal"]), "n": p["findings"]}
                                       for p in s["top_principals"][:10]], "findings", "principal")
    if s["top_addresses"]:
        out["top_addresses"] = _bars([{"k": a["address"], "n": a["findings"]}
                                      for a in s["top_addresses"][:10]], "findings", "source address")
    si = s["signins"]
    if si["by_principal"]:
        data = []
        for p in si["by_principal"][:15]:
            data.append({"k": _label(p["principal"]), "result": "success", "n": p["success"]})
            data.append({"k": _label(p["principal"]), "result": "failure", "n": p["failure"]})
        out["signins"] = chart({
            "width": 420, "data": {"values": data}, "mark": "bar",
            "encoding": {"y": {"field": "k", "type": "nominal", "title": None, "sort": None},
                         "x": {"field": "n", "type": "quantitative", "title": "console sign-ins"},
                         "color": {"field": "result", "type": "nominal",
                                   "scale": {"domain": ["success", "failure"],
                                             "range": ["#2e7d32", "#c62828"]}}}})
    if si["root"]:
        out["root"] = _timeline([{"time": r["time"], "lane": r["eventName"] or "?",
                                  "color": "failed" if r["error"] else "succeeded"}
                                 for r in si["root"]], {"domain": ["succeeded", "failed"],
                                                                      "range": ["#c62828", "#9e9e9e"]})
    ch = s["changes"]
    if ch["timeline"]["points"]:
        out["changes"] = _timeline_chart(ch["timeline"], _level_scale())
    if s["trail_changes"]:
        out["trail_changes"] = _timeline(
            [{"time": t["time"], "lane": t["eventName"], "color": t["change"]} for t in s["trail_changes"]],
            {"domain": ["weakened", "refused", "changed", "restored"],
                           "range": ["#c62828", "#9e9e9e", "#1565c0", "#2e7d32"]})
    cov = s["coverage"]
    if cov["streams"]:
        data = []
        for row in cov["streams"]:
            lane = _label(f"{row['account'] or '(no account)'} {row['region'] or '(no region)'}")
            for label, n in zip(cov["labels"], row["counts"]):
                data.append({"lane": lane, "bin": label, "n": n, "state": "no events" if n == 0 else "events"})
        cell = max(6, min(24, 900 // max(1, len(cov["labels"]))))
        out["coverage"] = chart({
            "data": {"values": data},
            "width": {"step": cell}, "height": {"step": 18},
            "layer": [
                {"mark": {"type": "rect", "stroke": "white"},
                 "encoding": {
                     "x": {"field": "bin", "type": "ordinal", "title": f"{cov['unit']} (UTC)",
                           "sort": None, "axis": {"labelAngle": -60,
                                                  "labelOverlap": True}},
                     "y": {"field": "lane", "type": "nominal", "title": None},
                     "color": {"condition": {"test": "datum.n == 0", "value": "#ffcdd2"},
                               "field": "n", "type": "quantitative", "title": "events",
                               "scale": {"type": "symlog", "scheme": "blues"}}}},
            ]})
    ret = s["retention"]
    if ret["streams"]:
        data = [{"lane": _label(f"{r['account'] or '(no account)'} {r['region'] or '(no region)'}"),
                 "oldest": r["oldest"], "newest": r["newest"],
                 "state": "meets retention" if r.get("meets") else
                 ("short of retention" if "meets" in r else "logs held")} for r in ret["streams"]]
        layers: List[Dict[str, Any]] = [{
            "mark": {"type": "bar", "height": 12},
            "encoding": {"y": {"field": "lane", "type": "nominal", "title": None},
                         "x": {"field": "oldest", "type": "temporal", "title": "events held (UTC)"},
                         "x2": {"field": "newest"},
                         "color": {"field": "state", "type": "nominal",
                                   "scale": {"domain": ["meets retention", "short of retention", "logs held"],
                                             "range": ["#2e7d32", "#c62828", "#1565c0"]}}}}]
        if ret["streams"] and "required_from" in ret["streams"][0]:
            layers.append({"mark": {"type": "rule", "color": "black", "strokeDash": [4, 3]},
                           "data": {"values": [{"t": ret["streams"][0]["required_from"]}]},
                           "encoding": {"x": {"field": "t", "type": "temporal"}}})
        out["retention"] = chart({"width": width - 200, "data": {"values": data}, "layer": layers})
    integ = s["integrity"]
    if integ:
        data = [{"status": k, "n": v} for k, v in integ["by_status"].items() if v]
        if data:
            out["integrity"] = chart({
                "width": 420, "data": {"values": data}, "mark": "bar",
                "encoding": {"y": {"field": "status", "type": "nominal", "sort": list(vigil.VALIDATION_STATUSES)},
                             "x": {"field": "n", "type": "quantitative", "title": "findings"},
                             "color": {"field": "status", "type": "nominal", "legend": None,
                                       "scale": {"domain": list(vigil.VALIDATION_STATUSES),
                                                 "range": ["#2e7d32", "#c62828", "#f9a825", "#78909c"]}}}})
    return out


def _bars(data, x_title: str, y_title: str, color_level: bool = False) -> str:
    enc: Dict[str, Any] = {
        "y": {"field": "k", "type": "nominal", "sort": "-x", "title": None},
        "x": {"field": "n", "type": "quantitative", "title": x_title}}
    if color_level:
        enc["color"] = {"field": "level", "type": "nominal", "scale": _level_scale(), "legend": None}
    return chart({"width": 360, "data": {"values": data}, "mark": "bar", "encoding": enc})


def _binned(points: Sequence[Tuple[Any, str, str]]) -> Dict[str, Any]:
    """Points in time (time, lane, colour) for a timeline: each point as it is, up to a
    few hundred; past that (a chart of thousands of marks is megabytes of SVG and
    seconds to draw) counts per time bin, lane and colour."""
    timed = [(ms, _label(lane), color) for ms, lane, color in
             ((_parse_ms(t), lane, color) for t, lane, color in points) if ms is not None]
    if len(timed) <= 300:
        return {"unit": None, "points": [{"time": _iso(ms), "lane": lane, "color": color, "n": 1}
                                         for ms, lane, color in timed]}
    lo, hi = min(p[0] for p in timed), max(p[0] for p in timed)
    if hi - lo <= 10 * HOUR_MS:
        start_of, unit = (lambda ms: ms - ms % (600 * 1000)), "10 minutes"
    else:
        bins = _Bins(lo, hi)
        start_of, unit = bins.start_of, bins.unit
    counts: collections.Counter = collections.Counter(
        (start_of(ms), lane, color) for ms, lane, color in timed)
    return {"unit": unit, "points": [{"time": _iso(b), "lane": lane, "color": color, "n": n}
                                     for (b, lane, color), n in sorted(counts.items())]}


def _timeline_chart(binned: Dict[str, Any], scale: Dict[str, Any]) -> str:
    encoding = {"x": {"field": "time", "type": "temporal", "title": "time (UTC)"},
                "y": {"field": "lane", "type": "nominal", "title": None},
                "color": {"field": "color", "type": "nominal", "scale": scale, "title": None}}
    if binned["unit"] is None:
        return chart({"width": 700, "data": {"values": binned["points"]},
                      "mark": {"type": "tick", "thickness": 2, "size": 14}, "encoding": encoding})
    encoding["size"] = {"field": "n", "type": "quantitative", "title": f"events per {binned['unit']}"}
    return chart({"width": 700, "data": {"values": binned["points"]},
                  "mark": {"type": "circle", "opacity": 0.8}, "encoding": encoding})


def _timeline(data, scale: Dict[str, Any]) -> str:
    return _timeline_chart(_binned([(d["time"], d["lane"], d["color"]) for d in data]), scale)


# ---- HTML --------------------------------------------------------------------------

def _template():
    try:
        import jinja2
    except ImportError as e:  # pragma: no cover - the extra is missing
        raise ImportError("the report is written with jinja2: pip install 'vigil[report]'") from e
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                    "templates")),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["num"] = lambda n: f"{n:,}" if isinstance(n, int) else n
    return env.get_template("report.html.j2")


def render(summary: Dict[str, Any]) -> str:
    """The HTML report of a :func:`collect` summary."""
    charts = _charts(summary)
    level_color = dict(zip(LEVELS, LEVEL_COLORS))
    return _template().render(s=summary, charts=charts, levels=LEVELS, level_color=level_color,
                              change_groups=CHANGE_GROUPS, statuses=vigil.VALIDATION_STATUSES)


def write_summary(summary: Dict[str, Any], f) -> None:
    """The summary as JSON, one top-level key per line (lists of objects one item per
    line), each value written by the C encoder in one call: json.dump with an indent
    runs the pure-Python encoder, seconds for a few hundred thousand findings."""
    encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode
    f.write("{\n")
    keys = list(summary)
    for i, k in enumerate(keys):
        v = summary[k]
        f.write(encode(k) + ": ")
        rows = v.get("rows") if isinstance(v, dict) else None
        if isinstance(rows, _Rows):
            rows.encode_pending()
            f.write(encode({kk: vv for kk, vv in v.items() if kk != "rows"})[:-1] + ', "rows": [')
            f.write(",".join(chunk for chunk in rows.encoded if chunk))
            f.write("]}")
        elif isinstance(v, list) and len(v) > 1 and isinstance(v[0], dict):
            f.write("[\n" + ",\n".join(encode(x) for x in v) + "\n]")
        else:
            f.write(encode(v))
        f.write(",\n" if i + 1 < len(keys) else "\n")
    f.write("}\n")


class Report:
    """A rendered audit report: ``summary`` (the JSON-ready figures) and ``html`` (the
    self-contained document). In a notebook it displays inline."""

    def __init__(self, summary: Dict[str, Any], html: str) -> None:
        self.summary = summary
        self.html = html

    def save(self, html_path: Optional[PathLike] = None, json_path: Optional[PathLike] = None) -> None:
        """Writes the HTML and/or the JSON summary."""
        if html_path is not None:
            with open(html_path, "w", encoding="utf-8") as f:
                f.write(self.html)
        if json_path is not None:
            with open(json_path, "w", encoding="utf-8") as f:
                write_summary(self.summary, f)

    def _repr_html_(self) -> str:
        # In an iframe, so the report's styles stay out of the notebook's.
        return ('<iframe style="width:100%;height:900px;border:1px solid #ccc" srcdoc="'
                + _html.escape(self.html, quote=True) + '"></iframe>')

    def __repr__(self) -> str:
        s = self.summary
        return (f"<vigil.report.Report {s['events']:,} events, {s['findings_total']:,} findings, "
                f"{s['alerts_total']} alerts, {s['period']['start']} to {s['period']['end']}>")


def report(*paths: PathLike, rules: Optional[Sequence[PathLike]] = None, output: Optional[PathLike] = None,
           summary: Optional[PathLike] = None, vars: Any = None, threads: int = 1,
           lateness: Any = "15m", validate: Union[bool, str] = "auto",
           public_keys: Optional[PathLike] = None, signatures: Optional[PathLike] = None,
           retention_days: Optional[float] = None, as_of: Optional[str] = None,
           max_listed: int = 25, title: Optional[str] = None) -> Report:
    """Scans CloudTrail logs and returns the audit report (:class:`Report`).

    ``paths``: files and folders, as ``vigil scan`` reads them. ``rules``: rule files and
    folders (default: the bundled pack). ``output`` / ``summary``: also write the HTML /
    the JSON summary there. ``validate``: check log file integrity (``vigil.validate``)
    of the folders among ``paths``: True, False, or "auto" (when a ``CloudTrail-Digest``
    folder is there); ``public_keys`` and ``signatures`` as for ``vigil.validate``.
    ``retention_days``: the retention period the oldest log of each account and region is
    held against, counted back from ``as_of`` (ISO 8601; default the newest event).
    ``max_listed``: findings of each rule shown with their event in the HTML (all of them
    are in the summary). Raises what ``vigil.load`` raises for broken rules; unreadable
    input is reported in the document, never raised.
    """
    if not paths:
        raise ValueError("report() needs at least one file or folder of CloudTrail logs")
    s = collect(paths, rules=rules, vars=vars, threads=threads, lateness=lateness,
                validate=validate, public_keys=public_keys, signatures=signatures,
                retention_days=retention_days, as_of=as_of, max_listed=max_listed, title=title)
    r = Report(s, render(s))
    r.save(output, summary)
    return r


def main(argv: Optional[Sequence[str]] = None) -> int:
    p = argparse.ArgumentParser(
        prog="vigil-report",
        description="Scan CloudTrail logs and write a self-contained HTML audit report "
                    "(and its JSON summary).")
    p.add_argument("paths", nargs="+", metavar="LOGS", help="CloudTrail log files or folders")
    p.add_argument("-o", "--output", default="vigil-report.html", help="the HTML report (default %(default)s)")
    p.add_argument("--json", dest="summary", help="the JSON summary (default: the HTML path with .json)")
    p.add_argument("-r", "--rules", action="append", help="rule files or folders (default: the bundled pack)")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--validate", choices=("auto", "yes", "no"), default="auto",
                   help="check log file integrity of the folders (auto: when digests are there)")
    p.add_argument("--public-keys", help="aws cloudtrail list-public-keys output (for signatures)")
    p.add_argument("--signatures", help="the newest digests' signatures (see vigil validate)")
    p.add_argument("--retention-days", type=float, help="retention period to check the oldest logs against")
    p.add_argument("--as-of", help="the date retention counts back from (default: the newest event)")
    p.add_argument("--title", help="the report's title")
    p.add_argument("--max-listed", type=int, default=25, help="findings per rule shown with their event")
    a = p.parse_args(argv)
    summary_path = a.summary or os.path.splitext(a.output)[0] + ".json"
    validate = {"auto": "auto", "yes": True, "no": False}[a.validate]
    try:
        r = report(*a.paths, rules=a.rules, output=a.output, summary=summary_path,
                   threads=a.threads, validate=validate, public_keys=a.public_keys,
                   signatures=a.signatures, retention_days=a.retention_days, as_of=a.as_of,
                   title=a.title, max_listed=a.max_listed)
    except (vigil.RuleError, OSError, ValueError, ImportError) as e:
        print(f"vigil-report: {e}", file=sys.stderr)
        return 2
    s = r.summary
    print(f"{a.output}: {s['events']:,} events, {s['findings_total']:,} findings, "
          f"{s['alerts_total']} alerts ({s['period']['start']} to {s['period']['end']}); "
          f"summary {summary_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
