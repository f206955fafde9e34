# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""tools/gen_cloudtrail: the attack -> rule map it reads (attack_rules.json) is what the
engine derives from the rules today, and the expectations of a generated manifest are
what the engine matches on the attack records it wrote."""

import json
import os
import subprocess
import sys

import vigil

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOLS = os.path.join(REPO, "tools")
RULES = os.path.join(REPO, "rules")
sys.path.insert(0, TOOLS)

from gen_cloudtrail import derive, rulemap  # noqa: E402
from gen_cloudtrail.attacks import ATTACKS  # noqa: E402


def test_attack_rule_map_is_current():
    with open(rulemap.PATH) as f:
        stored = f.read()
    assert derive.document(derive.derive(RULES)) == stored, (
        "tools/gen_cloudtrail/attack_rules.json is out of date: run `python3 -m gen_cloudtrail.derive` "
        "from tools/ with a Python that has vigil, and review the change")


def test_manifest_expectations_are_what_the_engine_matches(tmp_path):
    events, manifest = tmp_path / "events.ndjson", tmp_path / "manifest.json"
    subprocess.run([sys.executable, os.path.join(TOOLS, "gen_cloudtrail.py"), "--seed", "11", "--events", "3000",
                    "--attack-rate", "0.2", "--out", str(events), "--manifest", str(manifest)], check=True)
    m = json.loads(manifest.read_text())
    assert sorted(m["attack_records"]) == sorted(ATTACKS)  # every kind was generated
    kind_of = {i: kind for kind, ids in m["attack_event_ids"].items() for i in ids}
    rules = vigil.load(RULES)
    hits, variants = {}, set()
    for line in events.read_text().splitlines():
        rec = json.loads(line)
        kind = kind_of.get(rec["eventID"])
        if kind is None:
            continue
        fired = sorted({derive.stem(x.rule.file) for x in rules.match(line)})
        entry = m["attack_catalogue"][kind]
        assert set(entry["rules"]) <= set(fired), (kind, rec["eventID"])
        assert fired in entry.get("rules_by_variant", {"*": entry["rules"]}).values(), (kind, rec["eventID"], fired)
        assert fired == rulemap.rules_of(kind, rec), (kind, rec["eventID"])
        if ATTACKS[kind][2] is not None:
            variants.add((kind, ATTACKS[kind][2](rec)))
        for r in fired:
            hits[r] = hits.get(r, 0) + 1
    assert hits == m["expected_rule_matches"]
    # Both branches of the kinds that have them occur, so the check above covers them.
    assert variants == {(k, v) for k in ATTACKS if ATTACKS[k][2] is not None for v in rulemap.rules_by_variant(k)}
