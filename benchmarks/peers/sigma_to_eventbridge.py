#!/usr/bin/env python3
"""Translate Sigma CloudTrail rules into EventBridge / aws event-ruler patterns.

Benchmark tooling only (benchmarks/peers/README-event-ruler.md): it lets vigil and
event-ruler run the *same* detections.  A rule is translated only when the pattern means
exactly what vigil's Sigma semantics mean on CloudTrail's scalar fields; every other rule is
skipped with the reason.  Dependency: PyYAML (benchmark-only; vigil itself does not use
Python).

  sigma_to_eventbridge.py [--out PATTERNS.json] [--report REPORT.json]
                          [--copy-rules DIR] [--case-sensitive] [--quiet] [RULE_PATH ...]

RULE_PATH: rule files or folders (default: rules/aws/cloudtrail of this repository).
--out: {"rule_id": pattern, ...} (default: stdout).  --report: per-rule status, reason,
notes.  --copy-rules: copy the translated rule files there (to run vigil on the same set).
A summary goes to stderr.

What is translated (vigil semantics -> event-ruler):
  field: 'v'             case-insensitive equality   -> {"equals-ignore-case": "v"}
                         (numeric text also -> {"numeric": ["=", n]}; 'true'/'false' also
                         -> the JSON literal, since vigil compares numbers and booleans
                         through their text; '' -> "")
  field: [a, b]          OR                          -> one list of matchers
  field: null            null or missing             -> [null, {"exists": false}]
  field: '*'             any scalar value            -> wildcard "*", true, false, numeric
  field: 'x*' / '*x'     prefix / suffix             -> {"prefix"|"suffix": {"equals-ignore-case": x}}
  |startswith |endswith  the same
  |contains, '*x*'       substring                   -> {"wildcard": "*x*"}, only when x has
                                                        no letters (event-ruler's wildcard is
                                                        case-sensitive; Sigma's is not)
  |cased                 case-sensitive forms (exact string, prefix, suffix, wildcard)
  |exists: true/false    -> {"exists": true/false}
  |cidr                  -> {"cidr": ...}
  map = AND, list of maps = OR, condition with and/or/not/parentheses, `1 of x*`,
  `all of x*`, `1 of them`, `all of them`.  The condition is put in negation normal form and
  expanded to a disjunction of AND-branches ("$or" when there are several).
  not (field: v1|v2)     -> [{"anything-but": {"equals-ignore-case": [v1, v2]}}, {"exists": false}]
                            (Sigma: a missing field is null, which differs from v1 and v2)
  not field|exists       -> {"exists": false} (and the converse)
  not field: '*'         -> [null, {"exists": false}]
  not prefix/suffix/contains without letters -> anything-but prefix/suffix/wildcard
  Two conditions on one field in one AND-branch are merged when the result is exact
  (equality sets intersected, anything-but sets united, equality minus anything-but).

Skipped (reason in the report): keywords, |re, |fieldref, |lt/gt..., |base64..., |all with
several values, '?' wildcards, case-insensitive substrings or inner wildcards with letters,
negated numbers/booleans/null/cidr (event-ruler's anything-but takes strings or numbers,
not both, and cannot exclude null), equality with JSON text ('[]', '{...}': vigil compares an
object's text, event-ruler only sees leaves), exists/null/'*' on fields that are objects or
arrays in CloudTrail (OBJECT_FIELDS, ARRAY_SEGMENTS), negations of fields under a CloudTrail array
(Sigma: no element matches; anything-but: some element differs), AND-branches with two
fields under the same array (event-ruler matches array-consistently, Sigma per field).
Remaining, documented difference: event-ruler's matchers see only leaf values, so a rule
field that is an object or an empty array in an event (exists, null, '*') can still differ;
the agreement check (README-event-ruler.md) runs both engines on a corpus.
"""

import argparse
import fnmatch
import json
import math
import re
import shutil
import sys
from pathlib import Path

try:
    import yaml
except ImportError:  # pragma: no cover
    sys.exit("sigma_to_eventbridge.py needs PyYAML (benchmark-only dependency): "
             "apt-get install python3-yaml or pip install pyyaml")

REPO = Path(__file__).resolve().parents[2]
DEFAULT_RULES = REPO / "rules" / "aws" / "cloudtrail"
MAX_BRANCHES = 256
# Path segments that are JSON arrays in CloudTrail records (EC2's "items" lists, the
# top-level "resources" list, ...).  Used by the two array checks above.
ARRAY_SEGMENTS = {"items", "resources", "Statement", "fieldSelectors", "eventSelectors",
                  "advancedEventSelectors", "dataResources", "insightSelectors", "layers",
                  "valuesToAdd", "valuesToRemove", "roleArns", "tagSpecificationSet"}
# Fields that are JSON objects in CloudTrail records.  With the array fields above they are
# "non-leaf": event-ruler's exists/null/wildcard see leaf values only (an object, {} or []
# has none of its own), while vigil tests the field itself, so exists / null / '*' on them
# are not translated.  Found by reading CloudTrail's record contents and by the agreement
# check (RolesAnywhere UpdateTrustAnchor's requestParameters.source is an object).
OBJECT_FIELDS = {"userIdentity", "userIdentity.sessionContext",
                 "userIdentity.sessionContext.sessionIssuer",
                 "userIdentity.sessionContext.attributes", "requestParameters",
                 "responseElements", "additionalEventData", "serviceEventDetails",
                 "tlsDetails", "requestParameters.source", "requestParameters.BucketLoggingStatus",
                 "requestParameters.BucketLoggingStatus.LoggingEnabled",
                 "requestParameters.PublicAccessBlockConfiguration", "requestParameters.policy",
                 "requestParameters.ipPermissions", "requestParameters.instancesSet",
                 "responseElements.credentials", "requestParameters.launchPermission",
                 "requestParameters.createVolumePermission"}
NUMBER_RE = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?\Z")
BIG = 1.7976931348623157e308


class Untranslatable(Exception):
    pass


# --------------------------------------------------------------------------- atoms
# A constraint on one field is a list of atoms (OR).  Atoms are tuples:
#   ("eqi", s)     equals-ignore-case string       ("exact", json_value) exact JSON value
#   ("num", x)     numeric equality                ("prefix_i"|"suffix_i", s)
#   ("prefix"|"suffix"|"wildcard", s)   case-sensitive
#   ("exists", bool)                               ("cidr", s)
#   ("abut_i", frozenset) anything-but ignore-case ("abut_prefix"|"abut_suffix"|"abut_wildcard"
#   |"abut_exact", frozenset)


def atom_json(a):
    kind, v = a
    if kind == "eqi":
        return {"equals-ignore-case": v} if v != "" else ""
    if kind == "exact":
        return v
    if kind == "num":
        return {"numeric": ["=", v]}
    if kind == "prefix_i":
        return {"prefix": {"equals-ignore-case": v}}
    if kind == "suffix_i":
        return {"suffix": {"equals-ignore-case": v}}
    if kind in ("prefix", "suffix", "wildcard", "cidr"):
        return {kind: v}
    if kind == "numrange":
        return {"numeric": [">=", -BIG, "<=", BIG]}
    if kind == "exists":
        return {"exists": v}
    if kind == "abut_i":
        return {"anything-but": {"equals-ignore-case": sorted(v)}}
    if kind == "abut_exact":
        return {"anything-but": sorted(v)}
    if kind in ("abut_prefix", "abut_suffix", "abut_wildcard"):
        return {"anything-but": {kind[5:]: sorted(v)}}
    raise AssertionError(a)


def has_letters(s):
    return s.lower() != s.upper()


def wildcard_escape(s):
    return s.replace("\\", "\\\\").replace("*", "\\*")


def sigma_tokens(value):
    """Split a Sigma string into ('lit', text) and ('*',) / ('?',) tokens (spec escapes)."""
    out, lit, i = [], [], 0
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value) and value[i + 1] in "*?\\":
            lit.append(value[i + 1])
            i += 2
            continue
        if c in "*?":
            if lit:
                out.append(("lit", "".join(lit)))
                lit = []
            out.append((c,))
        else:
            lit.append(c)
        i += 1
    if lit:
        out.append(("lit", "".join(lit)))
    return out


def scalar_text(v):
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def equality_atoms(text, cased):
    """Atoms for equality with a plain (wildcard-free) Sigma value given as text."""
    s = text.strip()
    if s[:1] in ("[", "{"):
        raise Untranslatable(f"value {text!r} compares the JSON text of an object or array "
                             "(vigil); event-ruler matches leaf values only")
    atoms = [("exact", text) if cased or not has_letters(text) else ("eqi", text)]
    if NUMBER_RE.match(text):
        num = float(text)
        if math.isfinite(num):
            atoms.append(("num", num))
    if text.lower() in ("true", "false"):
        atoms.append(("exact", text.lower() == "true"))
    return atoms


CASE_SENSITIVE = False  # --case-sensitive: treat every value as |cased (NOT faithful)


def value_atoms(value, mods):
    """Atoms (OR) for one Sigma value under the modifiers."""
    cased = "cased" in mods or CASE_SENSITIVE
    base = [m for m in mods if m not in ("cased", "all")]
    if value is None:
        if base:
            raise Untranslatable(f"null with modifiers {'|'.join(mods)}")
        return [("exact", None), ("exists", False)]
    if base and base[0] not in ("startswith", "endswith", "contains", "exists", "cidr"):
        raise Untranslatable(f"modifier |{'|'.join(mods)}")
    if base == ["exists"]:
        if not isinstance(value, bool):
            raise Untranslatable("exists needs true or false")
        return [("exists", value)]
    if base == ["cidr"]:
        return [("cidr", str(value))]
    if isinstance(value, (bool, int, float)) and not base:
        return equality_atoms(scalar_text(value), cased)
    if not isinstance(value, str):
        raise Untranslatable(f"value {value!r} of type {type(value).__name__}")
    if len(base) > 1:
        raise Untranslatable(f"modifier chain |{'|'.join(mods)}")
    mod = base[0] if base else None
    toks = sigma_tokens(value)
    if any(t == ("?",) for t in toks):
        raise Untranslatable(f"'?' wildcard in {value!r}")
    # Normalise the modifier into a leading/trailing '*' form, as Sigma defines it.
    if mod == "startswith":
        toks = toks + [("*",)]
    elif mod == "endswith":
        toks = [("*",)] + toks
    elif mod == "contains":
        toks = [("*",)] + toks + [("*",)]
    # collapse consecutive '*'
    norm = []
    for t in toks:
        if t == ("*",) and norm and norm[-1] == ("*",):
            continue
        norm.append(t)
    toks = norm
    stars = [i for i, t in enumerate(toks) if t == ("*",)]
    lits = [t[1] for t in toks if t[0] == "lit"]
    if not stars:
        return equality_atoms("".join(lits), cased)
    if toks == [("*",)]:
        # any value: vigil matches strings, numbers and booleans through their text, not null
        return [("wildcard", "*"), ("exact", True), ("exact", False), ("numrange", None)]
    if len(toks) == 2 and toks[1] == ("*",):
        return [("prefix" if cased else "prefix_i", toks[0][1])]
    if len(toks) == 2 and toks[0] == ("*",):
        return [("suffix" if cased else "suffix_i", toks[1][1])]
    if not cased and any(has_letters(x) for x in lits):
        raise Untranslatable(
            f"case-insensitive substring/inner wildcard {value!r}: event-ruler's wildcard "
            "is case-sensitive and has no equals-ignore-case form")
    pattern = "".join("*" if t == ("*",) else wildcard_escape(t[1]) for t in toks)
    return [("wildcard", pattern)]


def negate_atoms(field, atoms):
    """One constraint equal to NOT(any atom holds) on the field (missing field: Sigma null)."""
    if crosses_array(field):
        raise Untranslatable(f"negation on {field}, under a CloudTrail array (Sigma: no element "
                             "matches; anything-but: some element differs)")
    kinds = {a[0] for a in atoms}
    if atoms == [("exists", True)]:
        return [("exists", False)]
    if atoms == [("exists", False)]:
        return [("exists", True)]
    if kinds == {"wildcard", "exact", "numrange"} and ("wildcard", "*") in atoms:
        return [("exact", None), ("exists", False)]
    if kinds <= {"eqi", "exact"} and all(isinstance(a[1], str) for a in atoms):
        if kinds == {"exact"} and any(has_letters(a[1]) for a in atoms):
            return [("abut_exact", frozenset(a[1] for a in atoms)), ("exists", False)]
        return [("abut_i", frozenset(a[1] for a in atoms)), ("exists", False)]
    for k in ("prefix", "suffix", "wildcard"):
        if kinds == {k}:
            return [("abut_" + k, frozenset(a[1] for a in atoms)), ("exists", False)]
        if kinds == {k + "_i"} and not any(has_letters(a[1]) for a in atoms):
            return [("abut_" + k, frozenset(a[1] for a in atoms)), ("exists", False)]
    if ("exact", None) in atoms:
        raise Untranslatable(f"negated null on {field}: 'present and not null' has no "
                             "event-ruler form (anything-but matches null)")
    if any(a[0] == "num" or (a[0] == "exact" and isinstance(a[1], bool)) for a in atoms):
        raise Untranslatable(f"negated number/boolean text on {field}: vigil compares "
                             "'true'/'1' with both the string and the JSON literal; "
                             "anything-but takes strings or numbers, never both, nor booleans")
    what = ", ".join(sorted(kinds))
    raise Untranslatable(f"negation of {field} ({what}): anything-but cannot express it "
                         "(strings and numbers/booleans/null at once, cidr, or "
                         "case-insensitive prefix/suffix/wildcard)")


def crosses_array(field):
    return any(seg in ARRAY_SEGMENTS for seg in field.split(".")[:-1]) or \
        field.split(".")[-1] in ARRAY_SEGMENTS


def merge(field, a, b):
    """Atoms for (a AND b) on one field, or None when unsatisfiable; Untranslatable if not exact."""
    if sorted(map(repr, a)) == sorted(map(repr, b)):
        return a

    def shape(x):
        return {t[0] for t in x}

    def pos_eqi(x):  # plain string equalities, case-insensitive or without letters
        return shape(x) <= {"eqi", "exact"} and all(isinstance(t[1], str) for t in x)

    def abut(x):
        return shape(x) == {"abut_i", "exists"} and ("exists", False) in x

    def absent_ok(x):
        return ("exists", False) in x or ("exact", None) in x

    for x, y in ((a, b), (b, a)):
        if x == [("exists", True)] and not absent_ok(y):
            return y
        if x == [("exists", False)]:
            return x if ("exists", False) in y else None
        if pos_eqi(x) and abut(y):
            excl = {v.lower() for t in y if t[0] == "abut_i" for v in t[1]}
            keep = [t for t in x if t[1].lower() not in excl]
            return keep or None
    if pos_eqi(a) and pos_eqi(b):
        lb = {t[1].lower() for t in b}
        keep = [t for t in a if t[1].lower() in lb]
        return keep or None
    if abut(a) and abut(b):
        vals = frozenset().union(*(t[1] for t in a + b if t[0] == "abut_i"))
        return [("abut_i", vals), ("exists", False)]
    for k in ("abut_prefix", "abut_suffix", "abut_wildcard", "abut_exact"):
        if shape(a) == shape(b) == {k, "exists"} and ("exists", False) in a and ("exists", False) in b:
            vals = frozenset().union(*(t[1] for t in a + b if t[0] == k))
            return [(k, vals), ("exists", False)]
    raise Untranslatable(f"two conditions on {field} in one AND-branch that one event-ruler "
                         "field list cannot express")


# --------------------------------------------------------------------------- expressions
# ("leaf", field, atoms) | ("and", [..]) | ("or", [..]) | ("not", x) | ("true",) | ("false",)

def search_expr(name, value):
    if isinstance(value, dict):
        if not value:
            raise Untranslatable(f"empty search identifier {name}")
        return ("and", [item_expr(k, v) for k, v in value.items()])
    if isinstance(value, list) and value and all(isinstance(x, dict) for x in value):
        return ("or", [search_expr(name, x) for x in value])
    raise Untranslatable(f"keyword search in {name}")


def item_expr(key, value):
    parts = str(key).split("|")
    field, mods = parts[0], parts[1:]
    if not field:
        raise Untranslatable("keyword field")
    values = value if isinstance(value, list) else [value]
    if not values:
        raise Untranslatable(f"empty value list for {key}")
    if "all" in mods and len(values) > 1:
        leaves = [("leaf", field, value_atoms(v, mods)) for v in values]
        return ("and", leaves)
    atoms = []
    for v in values:
        for a in value_atoms(v, mods):
            if a not in atoms:
                atoms.append(a)
    if non_leaf(field) and any(a[0] == "exists" or a == ("exact", None) or a == ("wildcard", "*")
                               for a in atoms):
        raise Untranslatable(f"{'|'.join(parts)} tests a field that is an object or array in "
                             "CloudTrail; event-ruler's exists/null/wildcard see leaf values "
                             "only (an empty array or object has none)")
    return ("leaf", field, atoms)


def non_leaf(field):
    return field in OBJECT_FIELDS or field.split(".")[-1] in ARRAY_SEGMENTS


class CondParser:
    TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")

    def __init__(self, text, searches):
        self.toks = [m.group(1) for m in self.TOKEN.finditer(text)]
        self.i = 0
        self.searches = searches

    def peek(self):
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self):
        t = self.peek()
        self.i += 1
        return t

    def parse(self):
        e = self.or_()
        if self.peek() is not None:
            raise Untranslatable(f"condition: unexpected {self.peek()!r}")
        return e

    def or_(self):
        xs = [self.and_()]
        while self.peek() == "or":
            self.take()
            xs.append(self.and_())
        return xs[0] if len(xs) == 1 else ("or", xs)

    def and_(self):
        xs = [self.not_()]
        while self.peek() == "and":
            self.take()
            xs.append(self.not_())
        return xs[0] if len(xs) == 1 else ("and", xs)

    def not_(self):
        if self.peek() == "not":
            self.take()
            return ("not", self.not_())
        return self.atom()

    def atom(self):
        t = self.take()
        if t is None:
            raise Untranslatable("condition ends early")
        if t == "(":
            e = self.or_()
            if self.take() != ")":
                raise Untranslatable("condition: missing )")
            return e
        if t in ("1", "any", "all") and self.peek() == "of":
            self.take()
            pat = self.take()
            if pat is None:
                raise Untranslatable("condition: 'of' without a pattern")
            if pat == "them":
                names = [n for n in self.searches if not n.startswith("_")]
            else:
                names = [n for n in self.searches if fnmatch.fnmatchcase(n, pat)]
            if not names:
                raise Untranslatable(f"condition: {pat} names no search identifier")
            xs = [self.searches[n] for n in names]
            return ("and" if t == "all" else "or", xs)
        if t in self.searches:
            return self.searches[t]
        if t == "|":
            raise Untranslatable("Sigma 1 aggregation")
        raise Untranslatable(f"condition: unknown identifier {t!r}")


def nnf(e, neg=False):
    k = e[0]
    if k == "not":
        return nnf(e[1], not neg)
    if k in ("and", "or"):
        kk = k if not neg else ("or" if k == "and" else "and")
        return (kk, [nnf(x, neg) for x in e[1]])
    if k == "leaf":
        return ("leaf", e[1], negate_atoms(e[1], e[2]) if neg else e[2])
    raise AssertionError(e)


def dnf(e):
    """List of branches; a branch is {field: atoms}.  Unsatisfiable branches dropped."""
    k = e[0]
    if k == "leaf":
        return [{e[1]: e[2]}]
    if k == "or":
        out = []
        for x in e[1]:
            out.extend(dnf(x))
            if len(out) > MAX_BRANCHES:
                raise Untranslatable(f"more than {MAX_BRANCHES} $or branches")
        return out
    if k == "and":
        out = [{}]
        for x in e[1]:
            nxt = []
            for left in out:
                for right in dnf(x):
                    b = dict(left)
                    ok = True
                    for f, atoms in right.items():
                        if f in b:
                            m = merge(f, b[f], atoms)
                            if m is None:
                                ok = False
                                break
                            b[f] = m
                        else:
                            b[f] = atoms
                    if ok:
                        nxt.append(b)
                    if len(nxt) > MAX_BRANCHES:
                        raise Untranslatable(f"more than {MAX_BRANCHES} $or branches")
            out = nxt
        return out
    raise AssertionError(e)


def check_branch(branch):
    fields = sorted(branch)
    for i, f in enumerate(fields):
        for g in fields[i + 1:]:
            if g.startswith(f + "."):
                raise Untranslatable(f"{f} and {g} in one branch (a leaf and an object)")
            common = []
            for x, y in zip(f.split(".")[:-1], g.split(".")[:-1]):
                if x != y:
                    break
                common.append(x)
            if any(seg in ARRAY_SEGMENTS for seg in common):
                raise Untranslatable(f"{f} and {g} are under the same CloudTrail array: "
                                     "event-ruler matches them array-consistently, Sigma "
                                     "field by field")


def branch_json(branch):
    out = {}
    for field in sorted(branch):
        node = out
        segs = field.split(".")
        for s in segs[:-1]:
            node = node.setdefault(s, {})
            if not isinstance(node, dict):
                raise Untranslatable(f"{field}: a leaf and an object")
        if segs[-1] in node:
            raise Untranslatable(f"{field}: a leaf and an object")
        node[segs[-1]] = [atom_json(a) for a in branch[field]]
    if any("$or" in f.split(".") for f in branch):
        raise Untranslatable("a field named $or")
    return out


def translate_rule(doc):
    """(pattern, notes) for one parsed Sigma rule document, or raise Untranslatable."""
    det = doc.get("detection")
    if not isinstance(det, dict) or "condition" not in det:
        raise Untranslatable("no detection/condition")
    if "timeframe" in det:
        raise Untranslatable("timeframe (aggregation)")
    searches = {}
    errors = {}
    for name, value in det.items():
        if name == "condition":
            continue
        try:
            searches[name] = search_expr(name, value)
        except Untranslatable as e:
            errors[name] = e
    cond = det["condition"]
    conds = cond if isinstance(cond, list) else [cond]
    used = set()
    for c in conds:
        for tok in CondParser.TOKEN.findall(str(c)):
            used.update(n for n in list(searches) + list(errors)
                        if n == tok or fnmatch.fnmatchcase(n, tok) or
                        (tok == "them" and not n.startswith("_")))
    for name, e in errors.items():
        if name in used:
            raise e
    exprs = [CondParser(str(c), searches).parse() for c in conds]
    expr = exprs[0] if len(exprs) == 1 else ("or", exprs)
    branches = dnf(nnf(expr))
    if not branches:
        raise Untranslatable("the condition can never match")
    for b in branches:
        if not b:
            raise Untranslatable("a branch with no field condition (matches every event)")
        check_branch(b)
    pats = []
    for b in branches:
        j = branch_json(b)
        if j not in pats:
            pats.append(j)
    pattern = pats[0] if len(pats) == 1 else {"$or": pats}
    return pattern, len(pats)


def rule_files(paths):
    for p in paths:
        p = Path(p)
        if p.is_dir():
            yield from sorted(x for x in p.rglob("*") if x.suffix in (".yml", ".yaml"))
        else:
            yield p


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("paths", nargs="*", default=[str(DEFAULT_RULES)])
    ap.add_argument("--out", help="patterns JSON (default stdout)")
    ap.add_argument("--report", help="per-rule report JSON")
    ap.add_argument("--copy-rules", help="copy the translated rule files into this folder")
    ap.add_argument("--exclude", action="append", default=[],
                    help="rule id or file stem to leave out (repeatable), with the reason "
                         "after '=': --exclude ID=REASON")
    ap.add_argument("--case-sensitive", action="store_true",
                    help="translate as if every value had |cased: exact/prefix/suffix "
                         "instead of equals-ignore-case.  NOT faithful to Sigma; only to "
                         "measure what event-ruler's ignore-case matching costs")
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args(argv)
    global CASE_SENSITIVE
    CASE_SENSITIVE = args.case_sensitive
    excluded = dict((x.split("=", 1) + [""])[:2] for x in args.exclude)

    patterns, report = {}, []
    translated_files = []
    for f in rule_files(args.paths):
        try:
            docs = [d for d in yaml.safe_load_all(f.read_text(encoding="utf-8")) if d]
        except yaml.YAMLError as e:
            report.append({"file": str(f), "status": "skipped", "reason": f"YAML: {e}"})
            continue
        rules = [d for d in docs if isinstance(d, dict) and "detection" in d]
        entry = {"file": f.name}
        if len(docs) != 1 or len(rules) != 1:
            entry.update(status="skipped", reason="not a single-rule file (filters, correlations, "
                         "several documents)")
            report.append(entry)
            continue
        doc = rules[0]
        rid = str(doc.get("id") or doc.get("title"))
        entry.update(id=rid, title=doc.get("title"))
        if rid in excluded or f.stem in excluded:
            entry.update(status="skipped",
                         reason=excluded.get(rid) or excluded.get(f.stem) or "excluded")
            report.append(entry)
            continue
        try:
            pattern, nbranches = translate_rule(doc)
        except Untranslatable as e:
            entry.update(status="skipped", reason=str(e))
            report.append(entry)
            continue
        patterns[rid] = pattern
        entry.update(status="translated", branches=nbranches, pattern=pattern)
        report.append(entry)
        translated_files.append(f)

    text = json.dumps(patterns, indent=1, sort_keys=False) + "\n"
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    if args.report:
        Path(args.report).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    if args.copy_rules:
        dest = Path(args.copy_rules)
        dest.mkdir(parents=True, exist_ok=True)
        for old in dest.glob("*.yml"):
            old.unlink()
        for f in translated_files:
            shutil.copy2(f, dest / f.name)
    if not args.quiet:
        n = sum(1 for r in report if r["status"] == "translated")
        print(f"translated {n} of {len(report)} rules", file=sys.stderr)
        for r in report:
            if r["status"] != "translated":
                print(f"  skipped {r['file']}: {r['reason']}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
