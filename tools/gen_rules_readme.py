#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""Regenerates the generated part of rules/README.md from the rules' own metadata.

The rule metadata comes from `vigil list --format jsonl rules/` (so the README shows
exactly what the engine loads): CIS controls from `cis.aws.*` tags, ATT&CK from
`attack.*` tags, Panther rule ids from the custom `panther:` attribute, SigmaHQ rules
from `related:` (titles looked up in the SigmaHQ corpus, ../shared/corpus/sigma, when
it is there), test counts from `tests:`.

usage: gen_rules_readme.py [--vigil PATH] [--sigma-corpus DIR] [--panther-corpus DIR] [--check]
  --check   exit 1 (and print a diff) if rules/README.md is not up to date
Only the standard library is used.
"""

import argparse
import json
import os
import re
import subprocess
import sys

from generated_file import write_or_check

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN = "<!-- BEGIN GENERATED: tools/gen_rules_readme.py; do not edit by hand -->"
END = "<!-- END GENERATED -->"

def _cis_controls():
    """CIS_CONTROLS of python/vigil/cis.py (loaded by path: importing the package would
    need its compiled extension)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        "vigil_cis", os.path.join(ROOT, "python", "vigil", "cis.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return list(module.CIS_CONTROLS)


# CIS AWS Foundations Benchmark v1.4-v3.0, section 4 (Monitoring): one CloudWatch
# metric filter and alarm per control.
CIS = _cis_controls()
LEVELS = ["critical", "high", "medium", "low", "informational"]


def yaml_scalar(line):
    v = line.split(":", 1)[1].strip()
    return v.strip("'\"")


def sigma_titles(corpus):
    """id -> (file name, title) for the SigmaHQ rules of the corpus (plain text scan:
    the first top-level `title:` and `id:` lines of each file)."""
    out = {}
    if not corpus or not os.path.isdir(corpus):
        return out
    for dirpath, _, files in os.walk(corpus):
        for f in sorted(files):
            if not f.endswith(".yml"):
                continue
            title = rid = None
            with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                for line in fh:
                    if line.startswith("title:") and title is None:
                        title = yaml_scalar(line)
                    elif line.startswith("id:") and rid is None:
                        rid = yaml_scalar(line)
            if rid:
                out[rid] = (f, title or "")
    return out


def panther_ids(corpus):
    out = {}
    if not corpus or not os.path.isdir(corpus):
        return out
    for dirpath, _, files in os.walk(corpus):
        for f in sorted(files):
            if f.endswith(".yml"):
                with open(os.path.join(dirpath, f), encoding="utf-8") as fh:
                    for line in fh:
                        if line.startswith("RuleID:"):
                            out[yaml_scalar(line)] = os.path.relpath(os.path.join(dirpath, f), corpus)
    return out


def cell(s):
    return s.replace("|", "\\|").replace("\n", " ")


def link(r):
    """The rule file relative to rules/, where the README is."""
    path = r["file"] if os.path.isabs(r["file"]) else os.path.join(ROOT, r["file"])
    return os.path.relpath(path, os.path.join(ROOT, "rules"))


def generate(rules, sigma, panther):
    correlations = sorted((r for r in rules if r.get("kind") == "correlation"),
                          key=lambda r: (os.path.basename(r["file"]), r["line"]))
    rules = sorted((r for r in rules if r.get("kind", "detection") == "detection"),
                   key=lambda r: os.path.basename(r["file"]))
    n_tests = sum(r["tests"]["match"] + r["tests"]["no_match"] for r in rules)
    out = []
    out.append(f"The pack has **{len(rules)} rules** with **{n_tests} tests** "
               f"({sum(r['tests']['match'] for r in rules)} expect a match, "
               f"{sum(r['tests']['no_match'] for r in rules)} a near miss). By level: " +
               ", ".join(f"{sum(1 for r in rules if r['level'] == l)} {l}" for l in LEVELS) + ".")
    out.append("")

    # CIS coverage.
    out.append("### CIS AWS Foundations Benchmark, section 4 (monitoring)")
    out.append("")
    out.append("Controls numbered as in CIS v1.4 to v3.0 (v1.2/v1.3 number them 3.1 to 3.14). A rule "
               "covers a control when it carries the tag `cis.aws.<control>`; the `aws_cis_*` rules "
               "use exactly the benchmark's event list, the others are narrower, higher-severity "
               "detections inside the same control.")
    out.append("")
    out.append("| Control | What CIS monitors | Pack rules |")
    out.append("|---|---|---|")
    for num, what in CIS:
        tagged = [r for r in rules if f"cis.aws.{num}" in r["tags"]]
        names = ", ".join(f"[{cell(r['title'])}]({link(r)})" for r in tagged)
        out.append(f"| {num} | {what} | {names or '**not covered**'} |")
    out.append("")

    # Panther coverage.
    mapped = {}
    for r in rules:
        for p in r["custom"].get("panther", []) or []:
            mapped.setdefault(p["rule"], []).append((r, p.get("differences") or []))
    out.append("### Panther rules")
    out.append("")
    out.append("Each pack rule that covers a Panther rule agrees with Panther's `ExpectedResult` on "
               "every test event of that rule, except the differences it documents (checked by "
               "tests/corpus/panther_agreement_test.cc).")
    out.append("")
    out.append("| Panther rule | Pack rules | Documented differences |")
    out.append("|---|---|---|")
    for pid in sorted(set(mapped) | {k for k, v in panther.items() if "/" not in v and k.startswith("AWS.")}):
        if pid in mapped:
            names = ", ".join(f"[{cell(r['title'])}]({link(r)})" for r, _ in mapped[pid])
            diffs = "; ".join(f"*{cell(d['test'])}*: {cell(d['reason'])}" for _, ds in mapped[pid] for d in ds)
            out.append(f"| `{pid}` | {names} | {diffs or 'none'} |")
        else:
            out.append(f"| `{pid}` | not covered (see tests/corpus/panther_agreement_test.cc) | |")
    out.append("")

    # ATT&CK tactics.
    tactics = {}
    for r in rules:
        for t in r["tags"]:
            m = re.fullmatch(r"attack\.([a-z-]+)", t)
            if m:
                tactics[m.group(1)] = tactics.get(m.group(1), 0) + 1
    out.append("### ATT&CK tactics")
    out.append("")
    out.append(", ".join(f"{k} ({v})" for k, v in sorted(tactics.items(), key=lambda kv: (-kv[1], kv[0]))) + ".")
    out.append("")

    # The mapping.
    out.append("### Every rule")
    out.append("")
    out.append("| Rule | Level | CIS | ATT&CK | Panther | SigmaHQ | Tests (match / no match) |")
    out.append("|---|---|---|---|---|---|---|")
    for r in rules:
        cis = ", ".join(t[len("cis.aws."):] for t in r["tags"] if t.startswith("cis.aws."))
        techs = ", ".join(t[len("attack."):].upper() for t in r["tags"] if re.fullmatch(r"attack\.t\d{4}(\.\d{3})?", t))
        pan = ", ".join(f"`{p['rule']}`" for p in (r["custom"].get("panther") or []))
        sig = []
        for rel in r["related"]:
            if rel["id"] in sigma:
                sig.append(f"{cell(sigma[rel['id']][1])} ({rel['type']})")
            else:
                sig.append(f"`{rel['id'][:8]}` ({rel['type']})")
        block = " (building block)" if r.get("building_block") else ""
        out.append(f"| [{cell(r['title'])}]({link(r)}){block} | {r['level']} | {cis} | {techs} | "
                   f"{pan} | {'; '.join(sig)} | {r['tests']['match']} / {r['tests']['no_match']} |")

    if correlations:
        out.append("")
        out.append("### Correlation rules")
        out.append("")
        out.append("Thresholds and sequences over the rules above (Sigma correlations; `first_seen` is a "
                   "vigil extension). The rules marked *building block* exist for them and never alert "
                   "on their own.")
        out.append("")
        out.append("| Rule | Level | Type | Rules | Group by | Timespan | Condition | Tests (alert / no alert) |")
        out.append("|---|---|---|---|---|---|---|---|")
        for r in correlations:
            c = r["correlation"]
            condition = c["condition"]
            if c["type"] == "first_seen":
                condition = f"new {c['field']} for the group"
            out.append(f"| [{cell(r['title'])}]({link(r)}) | {r['level']} | {c['type']} | "
                       f"{'; '.join(cell(t) for t in c['rules'])} | {', '.join(c['group_by'])} | "
                       f"{c['timespan']} | {cell(condition)} | "
                       f"{r['tests']['alert']} / {r['tests']['no_alert']} |")
    return "\n".join(out) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", default=os.path.join(ROOT, "build", "vigil"))
    ap.add_argument("--sigma-corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "sigma"))
    ap.add_argument("--panther-corpus", default=os.path.join(ROOT, "..", "shared", "corpus", "panther"))
    ap.add_argument("--check", action="store_true")
    a = ap.parse_args()
    pack = os.path.join(ROOT, "rules")
    res = subprocess.run([a.vigil, "list", "--format", "jsonl", pack], capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"vigil list failed: {res.stderr}")
    rules = [json.loads(l) for l in res.stdout.splitlines() if l.strip()]
    body = generate(rules, sigma_titles(a.sigma_corpus), panther_ids(a.panther_corpus))
    path = os.path.join(pack, "README.md")
    with open(path, encoding="utf-8") as fh:
        text = fh.read()
    if BEGIN not in text or END not in text:
        sys.exit(f"{path}: the markers {BEGIN!r} and {END!r} are missing")
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    new = head + BEGIN + "\n" + body + END + tail
    return write_or_check(path, new, "rules/README.md", "tools/gen_rules_readme.py", a.check)


if __name__ == "__main__":
    sys.exit(main())
