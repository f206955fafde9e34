# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""vigil: Sigma detection rules for AWS CloudTrail, compiled and matched in C++.

Load rules, then match events or scan whole logs::

    import vigil

    rules = vigil.load(vigil.bundled())          # the rule pack shipped with vigil
    for m in rules.match(event):                 # event: dict, str or bytes (one JSON object)
        print(m.rule.level, m.rule.title)

    hits = rules.match_many(events)              # m.index = position in events
    for m in rules.scan("AWSLogs/"):             # files, folders, .json.gz, NDJSON, "-"
        print(m.file, m.record, m.rule.title)

    rules = vigil.compile(yaml_text)             # rules from YAML text
    report = rules.test()                        # the rules' own `tests:`
    print(rules.explain("AWS Root Account Usage", event))

A :class:`RuleSet` is immutable and may be shared by any number of threads; the C++
work (matching, scanning, rule tests) runs without the GIL, so threads scale. It
pickles as its sources and recompiles where it is unpickled (multiprocessing works).
"""

from __future__ import annotations

import json as _json
import os as _os
import threading as _threading
from collections import OrderedDict as _OrderedDict
from typing import (Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional,
                    Sequence, Tuple, Union)

from . import _vigil

__all__ = [
    "Diagnostic",
    "EVENT_KINDS",
    "Match",
    "MatchList",
    "Rule",
    "RuleError",
    "RuleSet",
    "RuleTestResult",
    "ScanError",
    "ScanIterator",
    "TestCaseResult",
    "TestReport",
    "__version__",
    "bundled",
    "compile",
    "load",
]

__version__: str = _vigil.__version__

#: The values accepted by the ``kind`` argument of matching and scanning:
#: ``"auto"`` (an event with CloudTrail's shape only meets rules for CloudTrail),
#: ``"cloudtrail"`` (every event is CloudTrail) and ``"any"`` (every rule, whatever its
#: logsource).
EVENT_KINDS: Tuple[str, ...] = ("auto", "cloudtrail", "any")

Event = Union[Mapping[str, Any], str, bytes]
PathLike = Union[str, "_os.PathLike[str]"]
Vars = Union[Mapping[str, Union[str, Sequence[str]]], PathLike, None]


def bundled() -> str:
    """Return the path of the rule pack shipped with vigil (the folder ``vigil/rules``).

    ``vigil.load(vigil.bundled())`` loads every rule of the pack. In a source checkout
    where the package is used without being installed, this is the repository's
    ``rules/`` folder.
    """
    here = _os.path.dirname(_os.path.abspath(__file__))
    path = _os.path.join(here, "rules")
    if _os.path.isdir(path):
        return path
    source_tree = _os.path.normpath(_os.path.join(here, "..", "..", "rules"))
    if _os.path.isdir(source_tree):
        return source_tree
    return path


class Diagnostic:
    """A problem found in a rule file, at ``file:line:column`` (1-based; 0 = unknown).

    Attributes: ``severity`` (``"error"`` or ``"warning"``), ``file``, ``line``,
    ``column``, ``message``. ``str()`` gives ``"file:line:column: error: message"``.
    """

    __slots__ = ("severity", "file", "line", "column", "message", "_text")

    def __init__(self, severity: str, file: str, line: int, column: int, message: str,
                 text: Optional[str] = None) -> None:
        self.severity = severity
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        if text is None:
            where = ":".join([file] + [str(x) for x in (line, column) if x])
            text = f"{where}: {severity}: {message}" if where else f"{severity}: {message}"
        self._text = text

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Diagnostic({self._text!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Diagnostic):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def _key(self) -> tuple:
        return (self.severity, self.file, self.line, self.column, self.message)

    def __reduce__(self):
        return (Diagnostic, self._key() + (self._text,))


class RuleError(Exception):
    """Rules failed to load. ``errors`` lists every error (not only the first).

    ``str()`` gives one ``file:line:column: error: message`` line per error;
    ``file``, ``line``, ``column`` and ``message`` are those of the first.
    """

    def __init__(self, errors: Sequence[Diagnostic]) -> None:
        errors = list(errors)
        super().__init__(errors)
        self.errors: List[Diagnostic] = errors
        first = errors[0] if errors else Diagnostic("error", "", 0, 0, "rules failed to load")
        self.file: str = first.file
        self.line: int = first.line
        self.column: int = first.column
        self.message: str = first.message

    def __str__(self) -> str:
        return "\n".join(str(d) for d in self.errors) or "rules failed to load"


class Rule:
    """One loaded Sigma rule's metadata (read-only).

    Attributes: ``id``, ``name``, ``title``, ``status``, ``description``, ``author``,
    ``date``, ``modified``, ``license``, ``level`` (strings, ``""`` when absent);
    ``tags``, ``references``, ``falsepositives``, ``fields`` (lists of strings);
    ``related`` (list of ``(id, type)``); ``logsource`` (dict of the keys present among
    category, product, service, definition); ``custom`` (every other top-level
    attribute, e.g. ``tests``, with its value parsed from JSON); ``file``, ``line``,
    ``column`` (where the rule's YAML document starts).
    """

    __slots__ = ("id", "name", "title", "status", "description", "license", "author", "date",
                 "modified", "level", "references", "tags", "falsepositives", "fields", "related",
                 "logsource", "custom", "file", "line", "column", "_index")

    def __init__(self, **fields: Any) -> None:
        for k in Rule.__slots__:
            object.__setattr__(self, k, fields.get(k))

    @classmethod
    def _from_core(cls, d: Dict[str, Any], index: int) -> "Rule":
        custom = {}
        for k, v in d["custom"].items():
            try:
                custom[k] = _json.loads(v)
            except ValueError:
                custom[k] = v
        d = dict(d, custom=custom, related=[tuple(r) for r in d["related"]], _index=index)
        return cls(**d)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Rule is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Rule is read-only")

    def __repr__(self) -> str:
        return f"<Rule {self.title!r} id={self.id!r} level={self.level!r}>"

    def _key(self) -> tuple:
        return (self.id, self.name, self.title, self.file, self.line, self.column)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Rule):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self):
        return (_make_rule, ({k: getattr(self, k) for k in Rule.__slots__},))


def _make_rule(fields: Dict[str, Any]) -> Rule:
    return Rule(**fields)


class Match:
    """One rule matching one event.

    Attributes: ``rule`` (:class:`Rule`); ``index`` (position of the event in the
    sequence given to :meth:`RuleSet.match_many`, else None); ``file`` and ``record``
    (the input and the 0-based position of the event in it, for :meth:`RuleSet.scan`,
    else None); ``line`` (1-based line where the event starts in its file, when known);
    ``event_json`` (the event's JSON text); ``event`` (the event as a dict, parsed from
    ``event_json`` on first use).
    """

    __slots__ = ("rule", "index", "file", "record", "line", "event_json", "_event")

    def __init__(self, rule: Rule, event_json: str, index: Optional[int] = None,
                 file: Optional[str] = None, record: Optional[int] = None,
                 line: Optional[int] = None) -> None:
        self.rule = rule
        self.event_json = event_json
        self.index = index
        self.file = file
        self.record = record
        self.line = line
        self._event = None

    @property
    def event(self) -> Dict[str, Any]:
        """The event as a dict (parsed from ``event_json`` once, then cached)."""
        if self._event is None:
            self._event = _json.loads(self.event_json)
        return self._event

    def __repr__(self) -> str:
        where = ""
        if self.index is not None:
            where = f" index={self.index}"
        if self.file is not None:
            where += f" file={self.file!r} record={self.record}"
        return f"<Match {self.rule.title!r}{where}>"

    def _key(self) -> tuple:
        return (self.rule, self.index, self.file, self.record, self.event_json)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Match):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __reduce__(self):
        return (Match, (self.rule, self.event_json, self.index, self.file, self.record, self.line))


class MatchList(list):
    """A list of :class:`Match` with conversions to data frames.

    ``to_pandas()`` and ``to_arrow()`` need the optional packages pandas / pyarrow
    (``pip install pandas pyarrow``); without them they raise ImportError saying so.
    """

    def to_pandas(self):
        """Return a pandas DataFrame with one row per match (needs pandas; columns in
        ``vigil.pandas_support.COLUMNS``)."""
        from . import pandas_support
        return pandas_support.matches_to_pandas(self)

    def to_arrow(self):
        """Return a pyarrow Table with one row per match (needs pyarrow)."""
        from . import pandas_support
        return pandas_support.matches_to_arrow(self)


class ScanError(NamedTuple):
    """A record or input that could not be read during :meth:`RuleSet.scan`; the scan
    went on. ``line`` is 1-based (0 = unknown), ``offset`` a byte offset in the
    decompressed input, ``record`` the 0-based position of the lost record when known."""

    file: str
    line: int
    offset: int
    record: int
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ScanIterator:
    """The matches of a scan, produced while it runs (see :meth:`RuleSet.scan`).

    The scan runs on a C++ thread and waits whenever the matches not yet taken reach a
    few thousand, so memory stays bounded whatever the size of the input. Read errors
    are appended to ``errors`` (a list of :class:`ScanError`) as the iteration reaches
    them; ``stats`` is a dict (events, matches, event_errors, input_errors,
    regex_limit_hits, files, bytes, seconds) once the scan has finished, else None.
    ``close()`` (or leaving a ``with`` block) stops the scan early.
    """

    def __init__(self, ruleset: "RuleSet", paths: List[str], kind: str, threads: int) -> None:
        self._ruleset = ruleset
        self._rules = ruleset._rules
        self._it = _vigil.ScanIter(ruleset._core, paths, kind, threads)
        self._pending: List[Match] = []
        self._pos = 0
        self._finished = False
        self._stats: Optional[Dict[str, Any]] = None
        self.errors: List[ScanError] = []

    def __iter__(self) -> "ScanIterator":
        return self

    def __next__(self) -> Match:
        while self._pos >= len(self._pending):
            if self._finished:
                raise StopIteration
            self._fill()
        m = self._pending[self._pos]
        self._pos += 1
        return m

    def _fill(self) -> None:
        items, finished = self._it.next(512)
        rules = self._rules
        out: List[Match] = []
        for item in items:
            if item[0]:
                _, rule, file, record, line, text = item
                out.append(Match(rules[rule], text, None, file, record, line or None))
            else:
                _, file, line, offset, record, message = item
                self.errors.append(ScanError(file, line, offset, record, message))
        self._pending = out
        self._pos = 0
        if finished:
            self._finished = True
            self._stats = self._it.stats()

    @property
    def stats(self) -> Optional[Dict[str, Any]]:
        """Counts of the finished scan (events, matches, event_errors, input_errors,
        regex_limit_hits, files, bytes, seconds), or None while it is still running."""
        return self._stats

    def close(self) -> None:
        """Stop the scan and release its thread (matches not yet taken are dropped)."""
        if not self._finished:
            self._it.stop()
            self._finished = True
            self._pending = []
            self._pos = 0

    def __enter__(self) -> "ScanIterator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


class TestCaseResult(NamedTuple):
    """The outcome of one test of a rule's ``tests:``: ``explanation`` is the item by
    item explanation (see :meth:`RuleSet.explain`) for a failed test, else ``""``."""

    name: str
    expect_match: bool
    matched: bool
    passed: bool
    explanation: str


class RuleTestResult:
    """The tests of one rule: ``rule`` (:class:`Rule`), ``results`` (list of
    :class:`TestCaseResult`), ``error`` (set when the ``tests:`` attribute is malformed),
    ``passed`` (no error, no failed test), ``has_tests``, ``failures`` (count)."""

    __slots__ = ("rule", "results", "error")

    def __init__(self, rule: Rule, results: List[TestCaseResult], error: str = "") -> None:
        self.rule = rule
        self.results = results
        self.error = error

    @property
    def has_tests(self) -> bool:
        """True when the rule has at least one test."""
        return bool(self.results)

    @property
    def failures(self) -> int:
        """Number of tests that did not pass."""
        return sum(1 for r in self.results if not r.passed)

    @property
    def passed(self) -> bool:
        """True when the tests attribute is well formed and every test passed."""
        return not self.error and self.failures == 0

    def __repr__(self) -> str:
        return (f"<RuleTestResult {self.rule.title!r} tests={len(self.results)} "
                f"failures={self.failures}{' error' if self.error else ''}>")


class TestReport:
    """The result of :meth:`RuleSet.test`: ``rules`` (one :class:`RuleTestResult` per
    rule, in rule order), ``passed`` (every rule passed), counts ``tests``,
    ``failures``. ``str()`` is a human report in the form of ``vigil test``."""

    __test__ = False  # not a pytest test class

    def __init__(self, rules: List[RuleTestResult]) -> None:
        self.rules = rules

    @property
    def passed(self) -> bool:
        """True when every rule's tests passed."""
        return all(r.passed for r in self.rules)

    @property
    def tests(self) -> int:
        """Number of tests run."""
        return sum(len(r.results) for r in self.rules)

    @property
    def failures(self) -> int:
        """Number of tests that failed."""
        return sum(r.failures for r in self.rules)

    def __bool__(self) -> bool:
        return self.passed

    def __str__(self) -> str:
        lines = []
        failed_rules = untested = 0
        for r in self.rules:
            name = f"{_os.path.basename(r.rule.file)}  {r.rule.title}"
            where = ":".join([r.rule.file] + [str(x) for x in (r.rule.line, r.rule.column) if x])
            if r.error:
                failed_rules += 1
                lines.append(f"FAIL  {name}\n      {where}: malformed tests: {r.error}")
                continue
            if not r.results:
                untested += 1
                lines.append(f"--    {name}  (no tests)")
                continue
            f = r.failures
            if f == 0:
                lines.append(f"ok    {name}  ({len(r.results)} tests)")
            else:
                failed_rules += 1
                lines.append(f"FAIL  {name}  ({f} of {len(r.results)} tests failed)  {where}")
            for t in r.results:
                if t.passed:
                    continue
                lines.append(f"        FAIL  {t.name}: expected {'match' if t.expect_match else 'no match'}"
                             f", got {'match' if t.matched else 'no match'}")
                for line in t.explanation.splitlines():
                    lines.append("              " + line)
        n = len(self.rules)
        lines.append(f"vigil: {n} rules: {n - failed_rules - untested} passed, {failed_rules} failed, "
                     f"{untested} without tests; {self.tests} tests, {self.failures} failed")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return f"<TestReport rules={len(self.rules)} tests={self.tests} failures={self.failures}>"


def _check_kind(kind: str) -> str:
    if kind not in EVENT_KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, EVENT_KINDS))}, not {kind!r}")
    return kind


def _normalize_vars(vars: Vars) -> Dict[str, List[str]]:
    if vars is None:
        return {}
    if isinstance(vars, (str, bytes, _os.PathLike)):
        return _vigil.load_vars(_os.fsdecode(vars))
    if not isinstance(vars, Mapping):
        raise TypeError("vars must be a dict of name -> list of values, or the path of a vars file")
    out: Dict[str, List[str]] = {}
    for k, v in vars.items():
        if isinstance(v, (str, bytes)) or not isinstance(v, Iterable):
            v = [v]
        out[str(k)] = [x.decode() if isinstance(x, bytes) else str(x) for x in v]
    return out


# Compiled rule sets recently unpickled in this process, by their sources: a pool
# worker that receives the same RuleSet with every task compiles it once.
_restore_cache: "_OrderedDict[tuple, tuple]" = _OrderedDict()
_restore_lock = _threading.Lock()
_RESTORE_CACHE_SIZE = 8


def _fingerprint(sources: Sequence[tuple]) -> tuple:
    """The state of the files behind path sources (so edited files recompile)."""
    out = []
    for src in sources:
        if src[0] != "path":
            continue
        path = src[1]
        files = [path]
        if _os.path.isdir(path):
            files = []
            for root, _dirs, names in _os.walk(path):
                files.extend(_os.path.join(root, n) for n in names if n.endswith((".yml", ".yaml")))
            files.sort()
        for f in files:
            try:
                st = _os.stat(f)
                out.append((f, st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((f, None, None))
    return tuple(out)


def _restore(sources: List[tuple], vars: Dict[str, List[str]], skip_tests: bool,
             skip_bad_rules: bool = False) -> "RuleSet":
    key = (tuple(tuple(s) for s in sources), tuple(sorted((k, tuple(v)) for k, v in vars.items())),
           skip_tests, skip_bad_rules)
    fp = _fingerprint(sources)
    with _restore_lock:
        hit = _restore_cache.get(key)
        if hit is not None and hit[0] == fp:
            _restore_cache.move_to_end(key)
            return RuleSet._wrap(hit[1], sources, vars, skip_tests, skip_bad_rules)
    rs = RuleSet._build(sources, vars, skip_tests, skip_bad_rules)
    with _restore_lock:
        _restore_cache[key] = (fp, rs._state())
        while len(_restore_cache) > _RESTORE_CACHE_SIZE:
            _restore_cache.popitem(last=False)
    return rs


class RuleSet:
    """Compiled Sigma rules (immutable; share it freely between threads).

    Made by :func:`load` or :func:`compile`. ``rules`` lists the detection rules (not
    filters nor correlations), ``len()`` counts them, ``warnings`` / ``diagnostics``
    hold what loading reported. Match with :meth:`match`, :meth:`match_many`,
    :meth:`scan`; check with :meth:`test` and :meth:`explain`.

    Pickling stores the sources (paths, or YAML texts) and ``vars``, and compiles them
    again on unpickling (a process compiles the same sources once).
    """

    __slots__ = ("_core", "_rules", "_diagnostics", "_sources", "_vars", "_skip_tests",
                 "_skip_bad_rules", "_lookup", "__weakref__")

    def __init__(self) -> None:
        raise TypeError("use vigil.load() or vigil.compile() to make a RuleSet")

    @classmethod
    def _build(cls, sources: List[tuple], vars: Dict[str, List[str]], skip_tests: bool,
               skip_bad_rules: bool) -> "RuleSet":
        core = _vigil.build([(s[0], s[1], s[2] if len(s) > 2 else "") for s in sources], vars,
                            skip_tests)
        diagnostics = [Diagnostic(*d) for d in core.diagnostics()]
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors and not skip_bad_rules:
            raise RuleError(errors)
        rules = [Rule._from_core(d, i) for i, d in enumerate(core.rules())]
        return cls._wrap((core, rules, diagnostics), sources, vars, skip_tests, skip_bad_rules)

    @classmethod
    def _wrap(cls, state: tuple, sources: List[tuple], vars: Dict[str, List[str]],
              skip_tests: bool, skip_bad_rules: bool) -> "RuleSet":
        self = object.__new__(cls)
        self._core, self._rules, self._diagnostics = state
        self._sources = [tuple(s) for s in sources]
        self._vars = vars
        self._skip_tests = skip_tests
        self._skip_bad_rules = skip_bad_rules
        self._lookup = None
        return self

    def _state(self) -> tuple:
        return (self._core, self._rules, self._diagnostics)

    @property
    def rules(self) -> List[Rule]:
        """The detection rules, in rule order (a new list each time)."""
        return list(self._rules)

    @property
    def diagnostics(self) -> List[Diagnostic]:
        """Everything loading reported: warnings, and errors of the rules left out when
        loaded with ``skip_bad_rules=True``."""
        return list(self._diagnostics)

    @property
    def warnings(self) -> List[Diagnostic]:
        """The warnings loading reported (e.g. a filter or correlation naming a rule that is not loaded)."""
        return [d for d in self._diagnostics if d.severity == "warning"]

    def __len__(self) -> int:
        return len(self._rules)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self._rules)

    def __repr__(self) -> str:
        return f"<vigil.RuleSet {len(self._rules)} rules>"

    def __reduce__(self):
        return (_restore, (self._sources, self._vars, self._skip_tests, self._skip_bad_rules))

    def match(self, event: Event, kind: str = "auto") -> MatchList:
        """Match one event; return the rules it matches, in rule order.

        ``event`` is a dict (or other mapping), or a str / bytes holding one JSON
        object. ``kind`` is ``"auto"``, ``"cloudtrail"`` or ``"any"`` (see
        :data:`EVENT_KINDS`). Raises ValueError for invalid JSON or a JSON value that
        is not an object, TypeError for another type of event.
        """
        rule_indexes, text = self._core.match(event, _check_kind(kind))
        rules = self._rules
        return MatchList(Match(rules[r], text) for r in rule_indexes)

    def match_many(self, events: Iterable[Event], kind: str = "auto") -> MatchList:
        """Match every event of an iterable; return all matches, in event order.

        Each :class:`Match` has ``index``, the position of its event in ``events``.
        Events are taken in batches and matched without the GIL, so several threads
        matching at once run in parallel (str or bytes events scale best: dicts are
        converted to JSON with the GIL held). Raises ValueError naming the position of
        the first event that is not a valid JSON object.
        """
        hits = self._core.match_many(events, _check_kind(kind))
        rules = self._rules
        return MatchList(Match(rules[r], text, i) for i, r, text in hits)

    def scan(self, *paths: PathLike, kind: str = "auto", threads: int = 1) -> ScanIterator:
        """Scan log files and return an iterator of matches, produced as the scan runs.

        ``paths``: files, folders (walked recursively, in sorted order), any
        CloudTrail shape (``{"Records":[...]}``, ``.json.gz``, NDJSON, lookup-events
        output, EventBridge events), or ``"-"`` for standard input. Each
        :class:`Match` has ``file`` and ``record`` (0-based position in the file).
        Unreadable inputs and malformed records do not stop the scan: they are
        collected in the iterator's ``errors``. ``threads``: files matched at once
        (0 = one per core). Memory stays bounded: the scan waits while the iterator
        is not consumed.
        """
        if not paths:
            raise TypeError("scan() needs at least one path (\"-\" for standard input)")
        if threads < 0:
            raise ValueError("threads must be >= 0")
        return ScanIterator(self, [_os.fsdecode(p) for p in paths], _check_kind(kind), int(threads))

    def test(self) -> TestReport:
        """Run the tests the rules carry in their custom ``tests:`` attribute.

        Each test event is matched (logsource not considered) with the whole set, so
        filters apply as in a scan; a failed test comes with its explanation. Rules
        loaded with ``skip_tests=True`` have no tests.
        """
        rules = self._rules
        out = []
        for index, error, results in self._core.test():
            cases = [TestCaseResult(name, expect, matched, passed,
                                    (err + "\n" + expl if err else expl).strip("\n"))
                     for name, expect, matched, passed, err, expl in results]
            out.append(RuleTestResult(rules[index], cases, error))
        return TestReport(out)

    def _resolve(self, rule: Union[Rule, str, int]) -> int:
        if isinstance(rule, Rule):
            i = rule._index
            if i is not None and i < len(self._rules) and self._rules[i] == rule:
                return i
            for i, r in enumerate(self._rules):
                if r == rule:
                    return i
            raise KeyError(f"rule {rule.title!r} is not in this RuleSet")
        if isinstance(rule, int) and not isinstance(rule, bool):
            if not 0 <= rule < len(self._rules):
                raise IndexError("rule index out of range")
            return rule
        if isinstance(rule, str):
            if self._lookup is None:
                lookup: Dict[str, int] = {}
                for i, r in enumerate(self._rules):
                    for k in (r.id, r.name, r.title):
                        if k:
                            lookup.setdefault(k, i)
                            lookup.setdefault(k.lower(), i)
                self._lookup = lookup
            i = self._lookup.get(rule, self._lookup.get(rule.lower()))
            if i is None:
                raise KeyError(f"no rule with id, name or title {rule!r}")
            return i
        raise TypeError("rule must be a Rule, an id, a name, a title or an index")

    def rule(self, key: Union[str, int]) -> Rule:
        """Return the rule with this id, name or title (titles are compared without
        case), or at this index. Raises KeyError (IndexError) if there is none."""
        return self._rules[self._resolve(key)]

    def explain(self, rule: Union[Rule, str, int], event: Event) -> str:
        """Explain, item by item, why ``rule`` does or does not match ``event``.

        ``rule`` is a :class:`Rule` of this set, its id, name or title (or its index).
        Returns the text ``vigil explain`` prints: each search identifier and item,
        the values the event has, what held, the condition and the verdict.
        """
        return self._core.explain(self._resolve(rule), event)

    def dump(self) -> str:
        """A readable dump of the compiled program (for debugging; not a stable format)."""
        return self._core.dump()


def _path_source(p: PathLike) -> tuple:
    path = _os.fsdecode(p)
    return ("path", _os.path.abspath(path), "")


def load(*paths: PathLike, vars: Vars = None, skip_tests: bool = False,
         skip_bad_rules: bool = False) -> RuleSet:
    """Load and compile rule files and folders (``*.yml`` / ``*.yaml``, recursively).

    ``vars``: values of ``|expand`` placeholders, a dict ``{"Admins": ["alice",
    "bob"]}`` (a single string counts as a one-element list), or the path of a YAML
    file with a pySigma-style ``vars:`` section. ``skip_tests``: do not read the rules'
    ``tests:`` attributes (faster to load; :meth:`RuleSet.test` then finds none).

    Raises :class:`RuleError` listing every error (``file:line:column``) if any rule
    fails to load, unless ``skip_bad_rules`` (then those rules are left out and their
    errors are in ``RuleSet.diagnostics``). With no paths, loads :func:`bundled`.
    """
    if not paths:
        paths = (bundled(),)
    sources = [_path_source(p) for p in paths]
    return RuleSet._build(sources, _normalize_vars(vars), bool(skip_tests), bool(skip_bad_rules))


def compile(yaml_text: Union[str, bytes], name: str = "<string>", vars: Vars = None,
            skip_tests: bool = False, skip_bad_rules: bool = False) -> RuleSet:
    """Compile rules from YAML text (several documents separated by ``---`` allowed).

    ``name`` stands for the file in diagnostics (``name:line:column``). ``vars``,
    ``skip_tests`` and ``skip_bad_rules`` as in :func:`load`. Raises :class:`RuleError`
    listing every error.
    """
    if isinstance(yaml_text, bytes):
        yaml_text = yaml_text.decode("utf-8")
    if not isinstance(yaml_text, str):
        raise TypeError("yaml_text must be a str")
    sources = [("yaml", yaml_text, str(name))]
    return RuleSet._build(sources, _normalize_vars(vars), bool(skip_tests), bool(skip_bad_rules))
