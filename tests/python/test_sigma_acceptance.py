# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""What loads: vigil against pySigma (issue 15), document by document.

Every rule document the tests use -- the pack (rules/), the rules of tests/cases/*.yml,
and ../shared/corpus/sigma (the SigmaHQ CloudTrail rules, suzaku's, the feature files
and the specification's examples) -- is loaded by pySigma (pinned in pyproject.toml's
`test` extra) and by `vigil check`, and each side's verdict, accepted or rejected, is
compared. A document is rejected by vigil when `vigil check` reports an error in it, or
leaves it out (a correlation naming a rule that is not loaded, [unresolved-reference]);
by pySigma when parsing it, parsing its conditions, or resolving its correlation's
references against the documents of its group raises. Documents are loaded in groups,
so that references resolve: the pack, each folder of the corpus, each case.

Every difference must be listed in docs/sigma-conformance.md, "Acceptance: vigil and
pySigma", with its reason; the test fails on a difference not listed there and on a
listed one that no longer occurs.
"""

import fnmatch
import os
import re
import subprocess
from pathlib import Path

import pytest

from conftest import need_cli, need_module

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
DOC = ROOT / "docs" / "sigma-conformance.md"
SECTION = "## Acceptance: vigil and pySigma"

# vigil check's findings that are not about loading: lint errors of a rule that loads.
NOT_LOAD_ERRORS = ("[duplicate-id]", "[tests]")
LEFT_OUT = ("[unresolved-reference]", "references itself through a chain",
            "which is left out; it will not produce alerts")


def rel(path: Path) -> str:
    """A path as the doc's table writes it: repository-relative, ../shared/... for the corpus."""
    path = path.resolve()
    try:
        return path.relative_to(ROOT).as_posix()
    except ValueError:
        return "../shared/" + path.relative_to(SHARED.resolve()).as_posix()


class Document:
    """One YAML document of a rule file: its key in the table and its lines."""

    def __init__(self, key, file, first, last, data, error=None):
        self.key, self.file, self.first, self.last = key, file, first, last
        self.data, self.error = data, error


def documents(file: Path, text: str, key: str):
    """The documents of `text` (read from `file`), keyed `key` or `key#N` (1-based) when
    the file holds several."""
    yaml = need_module("yaml")
    try:
        nodes = list(yaml.compose_all(text, Loader=yaml.SafeLoader))
        datas = list(yaml.safe_load_all(text))
    except yaml.YAMLError as e:
        return [Document(key, file, 1, 1 << 30, None, error=e)]
    pairs = [(n, d) for n, d in zip(nodes, datas) if n is not None]
    out = []
    for i, (node, data) in enumerate(pairs):
        last = pairs[i + 1][0].start_mark.line if i + 1 < len(pairs) else 1 << 30
        k = key if len(pairs) == 1 else f"{key}#{i + 1}"
        out.append(Document(k, file, node.start_mark.line + 1, last, data))
    return out


def pysigma_verdicts(docs):
    """{key: None (accepted) or the error} for a group of documents loaded together."""
    need_module("sigma")
    from sigma.collection import SigmaCollection
    from sigma.correlations import SigmaCorrelationRule
    from sigma.rule import SigmaRule

    verdict, loaded = {}, []
    for d in docs:
        if d.error is not None or not isinstance(d.data, dict):
            verdict[d.key] = d.error or "not a YAML map"
            continue
        try:
            c = SigmaCollection.from_dicts([d.data], collect_errors=True, resolve_references=False)
            errors = list(c.errors) + [e for r in c.rules for e in r.errors]
            if not errors:
                for r in c.rules:
                    # Conditions are parsed lazily; a rule with a bad one converts nowhere.
                    if isinstance(r, SigmaRule):
                        for cond in r.detection.parsed_condition:
                            cond.parsed
            verdict[d.key] = errors[0] if errors else None
            if not errors:
                loaded.extend((d.key, r) for r in c.rules)
        except Exception as e:  # pySigma's errors are SigmaError, its YAML ones others
            verdict[d.key] = e
    collection = SigmaCollection([r for _, r in loaded], resolve_references=False)
    for key, r in loaded:
        if isinstance(r, SigmaCorrelationRule):
            try:
                r.resolve_rule_references(collection)
            except Exception as e:
                verdict[key] = e
    return verdict


def vigil_verdicts(cli, docs, paths):
    """{key: None (accepted) or the first error} from `vigil check` over `paths`."""
    out = subprocess.run([cli, "check", "--no-require-tests", "-q", *map(str, paths)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode in (0, 1), out.stderr
    verdict = {d.key: None for d in docs}
    by_file = {}
    for d in docs:
        by_file.setdefault(str(Path(d.file).resolve()), []).append(d)
    for line in out.stdout.splitlines():
        m = re.match(r"^(.*?):(\d+):(\d+): (error|warning): (.*)$", line)
        if not m:
            continue
        file, lineno, severity, message = m.group(1), int(m.group(2)), m.group(4), m.group(5)
        if severity == "error" and message.endswith(NOT_LOAD_ERRORS):
            continue
        if severity == "warning" and not any(s in message for s in LEFT_OUT):
            continue
        for d in by_file.get(str(Path(file).resolve()), []):
            if d.first <= lineno < d.last and verdict[d.key] is None:
                verdict[d.key] = message
    return verdict


def groups(tmp: Path):
    """(name, documents, paths to check) for every group of documents loaded together."""
    pack = sorted((ROOT / "rules").rglob("*.yml"))
    yield "rules", [d for f in pack for d in documents(f, f.read_text(), rel(f))], [ROOT / "rules"]
    yaml = need_module("yaml")
    for cases in sorted((ROOT / "tests" / "cases").glob("*.yml")):
        for case in yaml.safe_load(cases.read_text()).get("cases", []):
            if "rule" not in case:
                continue
            f = tmp / cases.stem / (re.sub(r"[^A-Za-z0-9_.-]", "_", case["name"]) + ".yml")
            f.parent.mkdir(parents=True, exist_ok=True)
            f.write_text(case["rule"])
            yield case["name"], documents(f, case["rule"], f"{rel(cases)}#{case['name']}"), [f]
    corpus = SHARED / "corpus" / "sigma"
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        files = sorted(folder.rglob("*.yml"))
        yield rel(folder), [d for f in files for d in documents(f, f.read_text(), rel(f))], [folder]


def listed_differences():
    """The section's table headed `| document | vigil | pySigma | reason |`:
    {document: (vigil accepts, pySigma accepts, reason)}."""
    text = DOC.read_text()
    assert SECTION in text, f"{DOC}: no section {SECTION!r}"
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    rows, in_table = {}, False
    for line in section.splitlines():
        if not line.startswith("|"):
            in_table = False
            continue
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip()[1:-1])]
        if cells[0] == "document":
            in_table = True
            continue
        if not in_table or set(cells[0]) <= set("-: "):
            continue
        assert len(cells) == 4, f"{DOC}: a row of four cells expected: {line}"
        key = cells[0].strip("`")
        assert key not in rows, f"{DOC}: {key} is listed twice"
        assert cells[1] in ("accepts", "rejects") and cells[2] in ("accepts", "rejects"), line
        assert cells[1] != cells[2], line
        assert cells[3], f"{DOC}: {key} is listed without a reason"
        rows[key] = (cells[1] == "accepts", cells[2] == "accepts", cells[3])
    assert rows, f"{DOC}: the table of differences is missing"
    return rows


@pytest.mark.timeout(600)
def test_vigil_and_pysigma_accept_the_same_rules(tmp_path):
    if not (SHARED / "corpus" / "sigma").is_dir():
        pytest.skip(f"{SHARED}/corpus/sigma is missing (the third-party corpus is read in place)")
    cli = need_cli(os.environ.get("VIGIL_CLI", ""))
    listed = listed_differences()
    found, counted, matched = [], 0, set()
    for _name, docs, paths in groups(tmp_path):
        theirs = pysigma_verdicts(docs)
        ours = vigil_verdicts(cli, docs, paths)
        for d in docs:
            counted += 1
            vigil_ok, pysigma_ok = ours[d.key] is None, theirs[d.key] is None
            if vigil_ok == pysigma_ok:
                continue  # a listed document that agrees now stays in `listed`: stale
            # A row names a document, or with '*' every document of a case or file.
            key = d.key if d.key in listed else next(
                (k for k in listed if "*" in k and fnmatch.fnmatchcase(d.key, k)), None)
            if key is None or listed[key][:2] != (vigil_ok, pysigma_ok):
                found.append(f"{d.key}: vigil {'accepts' if vigil_ok else 'rejects'} "
                             f"({ours[d.key]}), pySigma {'accepts' if pysigma_ok else 'rejects'} "
                             f"({theirs[d.key]})")
            elif key is not None:
                matched.add(key)
    for key in matched:
        listed.pop(key)
    # The corpus is hundreds of documents; an empty walk would compare nothing.
    assert counted > 300, counted
    stale = [f"{k}: listed, but vigil and pySigma now agree (or it is gone)" for k in listed]
    assert not found and not stale, (
        "differences not listed in docs/sigma-conformance.md (" + SECTION + "):\n  "
        + "\n  ".join(found + stale))
