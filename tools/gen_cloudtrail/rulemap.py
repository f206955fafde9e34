"""Which rules of the bundled pack (rules/) each attack kind's records trip.

The answer is attack_rules.json beside this file, and nobody writes it by hand:
derive.py generates records of every attack kind and runs the vigil engine over them
(`python3 -m gen_cloudtrail.derive` from tools/, with a Python that has the vigil
package). tests/python/test_gen_cloudtrail.py derives it again and fails when the
file is out of date (a rule or an attack changed), and checks a generated manifest
against what the engine matches. Reading a JSON file keeps the generator free of the
engine, so it runs before anything is built.

Kinds whose branches trip different rules have a variant function in ATTACKS (the
direction of a NACL entry, the kind of caller); the file then has one rule list per
variant, and each record is counted with the list of its own variant. Kinds without
one have a single list under "*".
"""

import json
import os

from .attacks import ATTACKS

PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attack_rules.json")
ALL = "*"
_kinds = None


def load():
    """kind -> variant -> sorted rule file stems (the "kinds" of attack_rules.json)."""
    global _kinds
    if _kinds is None:
        with open(PATH) as f:
            _kinds = json.load(f)["kinds"]
    return _kinds


def _missing(what):
    raise SystemExit("gen_cloudtrail: %s has no entry for %s; run `python3 -m gen_cloudtrail.derive` "
                     "from tools/ (see tools/gen_cloudtrail/rulemap.py)" % (PATH, what))


def rules_by_variant(kind):
    by_variant = load().get(kind)
    if by_variant is None:
        _missing("attack kind %r" % kind)
    return by_variant


def rules_of(kind, rec):
    """The rule stems a record of this attack kind trips."""
    by_variant = rules_by_variant(kind)
    variant = ATTACKS[kind][2]
    key = ALL if variant is None else variant(rec)
    rules = by_variant.get(key)
    if rules is None:
        _missing("variant %r of %r" % (key, kind))
    return rules


def catalogue_rules(kind):
    """The rule stems every record of this attack kind trips, whatever its variant."""
    sets = [set(r) for r in rules_by_variant(kind).values()]
    return sorted(set.intersection(*sets))
