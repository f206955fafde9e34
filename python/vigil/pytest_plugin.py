# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""pytest plugin: the tests Sigma rules carry, as pytest items.

Installed with vigil (entry point ``pytest11: vigil``), so ::

    pytest rules/                         # every rule test under rules/
    pytest rules/ -k "root and not console"
    pytest rules/ -m high                 # the tests of the rules of level high
    pytest rules/ --junitxml=out.xml      # CI

collects, for each Sigma rule with a ``tests:`` attribute (see ``vigil test --help``),
one item per test, named ``<file>::<rule title>::<test name>``. An item runs the
compiled matcher on the test's event with the whole folder's rules loaded, so Sigma
filters beside the rule apply, exactly as in ``vigil test`` and in a scan (logsource is
not considered: the event is matched as kind ``any``). A failed test reports which
verdict was expected and the rule's explanation (``RuleSet.explain``): each search
identifier and item, the values the event had, what held, the condition. A rule file
that does not load is a collection error listing ``file:line:column: message``.

Correlation rules' sequence tests (``events:`` and the ``alerts:`` expected) are items
too, named the same way. They run as in ``vigil test`` (the events through the whole
folder's rules and a fresh correlator); a failed one reports the expected and the
actual alerts, one line each. They are run once per rule set, when the items are
collected (the set's :meth:`RuleSet.test`), and each item reports its own result.

YAML files are considered only under a path given on the command line (or in
``testpaths``), or under a path of the ``vigil_rules`` ini option, and only when they
look like Sigma (top-level ``title:``, and ``detection:``, ``filter:`` or
``correlation:``): a bare ``pytest`` in a project does not read unrelated YAML. The
rule set of a file is loaded from the outermost such path that holds it (a folder, or
the file alone when only the file was named); files that fail to load are left out of
it and reported on their own.

Markers: ``vigil`` on every item and the rule's level (``informational``, ``low``,
``medium``, ``high``, ``critical``). ``-k`` also matches a rule's id and tags
(``-k attack.t1562``). ``-p no:vigil`` turns the plugin off.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

LEVELS = ("informational", "low", "medium", "high", "critical")

_SUFFIXES = (".yml", ".yaml")
_SIGMA_KEY = re.compile(rb"^(?:detection|filter|correlation)[ \t]*:", re.M)
_TITLE_KEY = re.compile(rb"^title[ \t]*:", re.M)
_TESTS_KEY = re.compile(r"^tests[ \t]*:", re.M)
_DOC_START = re.compile(r"^---[ \t]*(?:#.*)?$", re.M)


# --------------------------------------------------------------------------- hooks


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "vigil_rules",
        type="paths",
        default=[],
        help="vigil: folders (or files) of Sigma rules whose tests pytest collects; "
        "also the extent of the rule set loaded for them (so filters apply)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "vigil: a vigil Sigma rule test (from a rule's tests: attribute)")
    for level in LEVELS:
        config.addinivalue_line("markers", f"{level}: vigil rule tests of the rules of level {level}")


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Optional["RuleFile"]:
    if file_path.suffix not in _SUFFIXES or file_path.name.startswith("."):
        return None
    root = _root_of(parent.config, file_path)
    if root is None or not _looks_like_sigma(file_path):
        return None
    return RuleFile.from_parent(parent, path=file_path, root=root)


# ---------------------------------------------------------------- roots and groups

_ROOTS = pytest.StashKey[List[Path]]()
_GROUPS = pytest.StashKey[Dict[Path, "_Group"]]()


def _abs(path: Any, base: Optional[Path] = None) -> Path:
    p = Path(os.fspath(path))
    if not p.is_absolute() and base is not None:
        p = base / p
    return Path(os.path.normpath(os.path.abspath(p)))


def _roots(config: pytest.Config) -> List[Path]:
    """Paths under which YAML files are collected as rules: the vigil_rules ini
    option, and the paths named on the command line (or by testpaths)."""
    roots = config.stash.get(_ROOTS, None)
    if roots is not None:
        return roots
    roots = [_abs(p) for p in (config.getini("vigil_rules") or [])]
    source = getattr(config, "args_source", None)
    invocation = Path(config.invocation_params.dir)
    if source is None:  # pytest < 7.2: a bare `pytest` passes the invocation folder
        explicit = [a for a in config.args if _abs(a.split("::", 1)[0], invocation) != _abs(invocation)]
    elif source == pytest.Config.ArgsSource.INVOCATION_DIR:
        explicit = []
    else:
        explicit = list(config.args)
    for arg in explicit:
        path = _abs(arg.split("::", 1)[0], invocation)
        if path.exists():
            roots.append(path)
    config.stash[_ROOTS] = roots
    return roots


def _within(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _root_of(config: pytest.Config, file_path: Path) -> Optional[Path]:
    """The outermost root holding the file, or None."""
    path = _abs(file_path)
    holding = [r for r in _roots(config) if _within(path, r)]
    if not holding:
        return None
    return min(holding, key=lambda r: len(r.parts))


def _looks_like_sigma(path: Path) -> bool:
    try:
        data = path.read_bytes()
    except OSError:
        return False
    return _SIGMA_KEY.search(data) is not None and _TITLE_KEY.search(data) is not None


def _sigma_files(config: pytest.Config, root: Path) -> List[Path]:
    """The Sigma files under a root, skipping the folders pytest does not recurse into."""
    if root.is_file():
        return [root] if root.suffix in _SUFFIXES and _looks_like_sigma(root) else []
    skip = list(config.getini("norecursedirs") or [])
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not any(fnmatch.fnmatch(d, pat) for pat in skip))
        for name in sorted(files):
            p = Path(folder, name)
            if p.suffix in _SUFFIXES and not name.startswith(".") and _looks_like_sigma(p):
                found.append(_abs(p))
    return found


def _display(config: pytest.Config, path: Any) -> str:
    """A path as the user would type it: relative to the invocation folder when inside it."""
    p = _abs(path)
    base = _abs(config.invocation_params.dir)
    return os.path.relpath(p, base) if _within(p, base) else str(p)


def _diag_text(config: pytest.Config, d: Any, severity: Optional[str] = None) -> str:
    sev = severity or getattr(d, "severity", "error") or "error"
    where = _display(config, d.file) if d.file else "<rules>"
    return f"{where}:{d.line}:{d.column}: {sev}: {d.message}"


class _Group:
    """The rule set loaded from one root, and the files that did not load."""

    def __init__(self, config: pytest.Config, root: Path) -> None:
        import vigil

        self.config = config
        self.root = root
        self.ruleset = None
        self._correlation_tests: Optional[Dict[int, Any]] = None
        self.errors: Dict[Path, List[str]] = {}
        self.files = set(_sigma_files(config, root))
        good = sorted(self.files)
        while good:
            try:
                self.ruleset = vigil.load(*[os.fspath(f) for f in good])
                break
            except vigil.RuleError as e:
                diags = list(getattr(e, "errors", None) or [])
                progress = False
                unplaced = []
                for d in diags:
                    if getattr(d, "severity", "error") != "error":
                        continue
                    where = _abs(d.file) if d.file else None
                    if where in good:
                        self.errors.setdefault(where, []).append(_diag_text(config, d))
                        progress = True
                    else:
                        unplaced.append(_diag_text(config, d))
                if not diags:
                    unplaced.append(str(e))
                if not progress:  # an error no file can be blamed for: every file gets it
                    for f in good:
                        self.errors.setdefault(f, []).extend(unplaced)
                    break
                good = [f for f in good if f not in self.errors]

    def correlation_tests(self) -> Dict[int, Any]:
        """The correlation rules' test results (RuleTestResult) by correlation index."""
        if self._correlation_tests is None:
            self._correlation_tests = {}
            if self.ruleset is not None and self.ruleset.correlations:
                for r in self.ruleset.test().rules:
                    if r.correlation:
                        self._correlation_tests[r.rule._index] = r
        return self._correlation_tests

    def warnings_for(self, path: Path) -> List[str]:
        if self.ruleset is None:
            return []
        return [
            _diag_text(self.config, d, "warning")
            for d in self.ruleset.warnings
            if d.file and _abs(d.file) == path
        ]


def _group(config: pytest.Config, root: Path) -> _Group:
    groups = config.stash.setdefault(_GROUPS, {})
    if root not in groups:
        groups[root] = _Group(config, root)
    return groups[root]


# ----------------------------------------------------------------------- nodes


class RuleTestError(Exception):
    """A malformed tests: attribute (reported as a collection error)."""


class RuleFile(pytest.File):
    """A YAML file of Sigma rules."""

    def __init__(self, *, root: Path, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.root = root

    def collect(self) -> Iterator["RuleNode"]:
        me = _abs(self.path)
        group = _group(self.config, self.root)
        if me not in group.files:  # e.g. under a folder norecursedirs skips: on its own
            group = _group(self.config, me)
        errors = group.errors.get(me)
        if errors:
            raise self.CollectError("the rule file does not load:\n" + "\n".join(errors))
        if group.ruleset is None:  # not loaded, no error attributed to this file
            raise self.CollectError(f"{_display(self.config, self.path)}: the rules could not be loaded")
        for w in group.warnings_for(me):
            self.warn(pytest.PytestWarning(w))
        text = self.path.read_text(encoding="utf-8", errors="replace")
        # Detection and correlation rules in file order (a file may hold both).
        found: List[Tuple[int, Any, Any]] = []
        for rule in group.ruleset.rules:
            if not rule.file or _abs(rule.file) != me:
                continue
            if (rule.custom or {}).get("tests") is None:
                continue
            found.append((rule.line or 0, rule, None))
        mine = [c for c in group.ruleset.correlations if c.file and _abs(c.file) == me]
        if mine:
            reports = group.correlation_tests()
            for c in mine:
                report = reports.get(c._index)
                if report is not None and (report.error or report.results):
                    found.append((c.line or 0, c, report))
        found.sort(key=lambda f: f[0])
        seen: Dict[str, int] = {}
        for _, rule, report in found:
            what = "correlation" if report is not None else "rule"
            name = _unique(rule.title or rule.id or f"{what} at line {rule.line}", seen)
            if report is None:
                yield RuleNode.from_parent(self, name=name, rule=rule, ruleset=group.ruleset, text=text)
            else:
                yield CorrelationNode.from_parent(self, name=name, rule=rule, report=report, text=text)


def _unique(name: str, seen: Dict[str, int]) -> str:
    seen[name] = seen.get(name, 0) + 1
    return name if seen[name] == 1 else f"{name} [{seen[name]}]"


def _document_lines(text: str, first_line: int) -> Tuple[int, int]:
    """0-based [start, end) line range of the YAML document starting at a 1-based line."""
    lines = text.splitlines()
    start = max(first_line - 1, 0)
    end = len(lines)
    for i in range(start + 1, len(lines)):
        if _DOC_START.match(lines[i]):
            end = i
            break
    return start, end


def _find_line(lines: List[str], start: int, end: int, pattern: "re.Pattern[str]") -> Optional[int]:
    for i in range(start, end):
        if pattern.search(lines[i]):
            return i
    return None


def _parse_tests(value: Any) -> List[Tuple[str, bool, Dict[str, Any]]]:
    """The tests: attribute as (name, expect_match, event), checked as `vigil test` does."""
    if not isinstance(value, list):
        raise RuleTestError("'tests' must be a list of {name, expect, event}")
    out = []
    for n, entry in enumerate(value, 1):
        which = f"test #{n}"
        if not isinstance(entry, dict):
            raise RuleTestError(f"{which} must be a map with name, expect and event")
        name = entry.get("name")
        if not isinstance(name, str) or not name:
            raise RuleTestError(f"{which} has no 'name' (a string)")
        named = f"{which} '{name}'"
        expect = entry.get("expect")
        if expect not in ("match", "no_match"):
            raise RuleTestError(f"{named}: 'expect' must be 'match' or 'no_match'")
        event = entry.get("event")
        if not isinstance(event, dict):
            raise RuleTestError(f"{named}: 'event' must be a map (the CloudTrail record)")
        for key in entry:
            if key not in ("name", "expect", "event"):
                raise RuleTestError(f"{named}: unknown key '{key}' (a test has name, expect and event)")
        out.append((name, expect == "match", event))
    return out


class _RuleCollector(pytest.Collector):
    """A Sigma rule (detection or correlation) whose children are its tests: ``-k``
    matches its id and tags, ``-m`` its level."""

    def __init__(self, *, rule: Any, text: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rule = rule
        self._text = text
        extra = [t for t in (rule.tags or []) if t]
        if rule.id:
            extra.append(rule.id)
        self.extra_keyword_matches.update(extra)
        level = (rule.level or "").lower()
        self.add_marker("vigil")
        if level in LEVELS:
            self.add_marker(level)

    def reportinfo(self):
        return self.path, max((self.rule.line or 1) - 1, 0), f"{self.name}"

    def _tests_line(self) -> Tuple[List[str], int, int, Optional[int]]:
        """The file's lines, the rule's document [start, end) and its tests: line (0-based)."""
        lines = self._text.splitlines()
        start, end = _document_lines(self._text, self.rule.line or 1)
        return lines, start, end, _find_line(lines, start, end, _TESTS_KEY)

    def _malformed(self, tests_line: Optional[int], message: str) -> Exception:
        line = (tests_line + 1) if tests_line is not None else (self.rule.line or 1)
        where = _display(self.config, self.path)
        return self.CollectError(f"{where}:{line}:1: error: malformed tests of '{self.rule.title}': {message}")

    def _test_lines(self, names: List[str]) -> Iterator[Tuple[str, int]]:
        """Each test's unique item name and 0-based line: the first line after the
        previous test that names it."""
        lines, start, end, tests_line = self._tests_line()
        seen: Dict[str, int] = {}
        cursor = tests_line if tests_line is not None else start
        for name in names:
            at = _find_line(lines, cursor, end, re.compile(re.escape(name)))
            if at is not None:
                cursor = at + 1
            yield _unique(name, seen), (at if at is not None else (tests_line if tests_line is not None else start))


class RuleNode(_RuleCollector):
    """One Sigma detection rule; its children are its tests."""

    def __init__(self, *, ruleset: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ruleset = ruleset

    def collect(self) -> Iterator["RuleTest"]:
        try:
            tests = _parse_tests(self.rule.custom.get("tests"))
        except RuleTestError as e:
            raise self._malformed(self._tests_line()[3], str(e))
        located = self._test_lines([name for name, _, _ in tests])
        for (name, expect_match, event), (item_name, lineno) in zip(tests, located):
            yield RuleTest.from_parent(
                self,
                name=item_name,
                test_name=name,
                expect_match=expect_match,
                event=event,
                lineno=lineno,
            )


class CorrelationNode(_RuleCollector):
    """One Sigma correlation rule; its children are its sequence tests, already run."""

    def __init__(self, *, report: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.report = report

    def collect(self) -> Iterator["CorrelationTest"]:
        if self.report.error:
            raise self._malformed(self._tests_line()[3], self.report.error)
        results = self.report.results
        for result, (item_name, lineno) in zip(results, self._test_lines([r.name for r in results])):
            yield CorrelationTest.from_parent(self, name=item_name, result=result, lineno=lineno)


class RuleTestFailure(Exception):
    """A rule test failed: the verdict, or the alerts, were not the expected ones."""


def _same_rule(a: Any, b: Any) -> bool:
    if a is b:
        return True
    return (a.file, a.line, a.title, a.id) == (b.file, b.line, b.title, b.id)


_VERDICT = re.compile(r"^verdict: (MATCH|no match)\s*$", re.M)


def _verdict(explanation: str) -> Optional[bool]:
    """The interpreter's verdict in an explanation's text (None if it has none)."""
    found = _VERDICT.findall(explanation or "")
    return found[-1] == "MATCH" if found else None


class _RuleItem(pytest.Item):
    """One test of a rule. A failure reports the RuleTestFailure, the rule and test
    positions and ``self.explanation``."""

    def __init__(self, *, test_name: str, lineno: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.test_name = test_name
        self.lineno = lineno
        self.explanation: Optional[str] = None

    @property
    def rule(self) -> Any:
        return self.parent.rule

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style=None):
        if isinstance(excinfo.value, RuleTestFailure):
            rule = self.rule
            where = _display(self.config, self.path)
            return (
                f"{excinfo.value}\n"
                f"  rule: {rule.title} ({rule.id})  {where}:{rule.line}\n"
                f"  test: {self.test_name}  {where}:{self.lineno + 1}\n\n"
                f"{(self.explanation or '').rstrip()}"
            )
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, self.lineno, f"{self.parent.name}::{self.name}"


class RuleTest(_RuleItem):
    """One entry of a detection rule's tests: run through the compiled matcher."""

    def __init__(self, *, expect_match: bool, event: Dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expect_match = expect_match
        self.event = event
        self.event_json = json.dumps(event, separators=(",", ":"), ensure_ascii=False)
        self.matched: Optional[bool] = None

    @property
    def ruleset(self) -> Any:
        return self.parent.ruleset

    def runtest(self) -> None:
        # A rule that only feeds correlations (generate: false) is judged like any other.
        matches = self.ruleset.match(self.event_json, kind="any", building_blocks=True)
        self.matched = any(_same_rule(m.rule, self.rule) for m in matches)
        # As `vigil test` does, the explanation (a separate interpreter) must agree with
        # the compiled matcher; it is also the report of a failure.
        self.explanation = self.ruleset.explain(self.rule, self.event_json)
        verdict = _verdict(self.explanation)
        if verdict is not None and verdict != self.matched:
            raise RuleTestFailure(
                f"engine disagreement: the compiled matcher says {'match' if self.matched else 'no match'}, "
                f"the interpreter says {'match' if verdict else 'no match'} (a vigil bug; please report it)"
            )
        if self.matched != self.expect_match:
            raise RuleTestFailure(
                f"expected {'match' if self.expect_match else 'no match'}, "
                f"got {'match' if self.matched else 'no match'}"
            )


class CorrelationTest(_RuleItem):
    """One sequence test of a correlation rule (a CorrelationTestCaseResult, run when
    the rule set's tests were collected): fails with the expected and actual alerts."""

    def __init__(self, *, result: Any, **kwargs: Any) -> None:
        super().__init__(test_name=result.name, **kwargs)
        self.result = result

    def runtest(self) -> None:
        if not self.result.passed:
            self.explanation = self.result.explanation
            raise RuleTestFailure(self.result.message)
