# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
# Longer than this project's ~600-line mark: the package's whole public Python API
# (load, compile, RuleSet, Correlator, the scan iterator, rule-test reports), each a thin
# layer over the extension module (_vigil.cc) whose docstrings are the user reference;
# the results themselves are the extension's classes.
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

    c = rules.correlator(lateness="15m")         # correlation rules over a stream
    for a in c.feed(events) + c.flush():         # Alert: rule, group, window, events
        print(a.rule.title, a.group, a.value)

A :class:`RuleSet` is immutable and may be shared by any number of threads; the C++
work (matching, scanning, rule tests) runs without the GIL, so threads scale. It
pickles as its sources and recompiles where it is unpickled (multiprocessing works).
"""

from __future__ import annotations

import datetime as _datetime
import math as _math
import os as _os
import threading as _threading
from collections import OrderedDict as _OrderedDict
from typing import (Any, Dict, Iterable, Iterator, List, Mapping, Optional,
                    Sequence, Tuple, Union)

from . import _vigil
# The result classes are defined once, in C++ (bindings/python/_vigil.cc), read-only.
from ._vigil import (Alert, CorrelationRule, CorrelationTestCaseResult, Diagnostic, Match, Rule,
                     ScanError, TestCaseResult, ValidationFinding)

__all__ = [
    "Alert",
    "CorrelationRule",
    "CorrelationTestCaseResult",
    "Correlator",
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
    "ValidationFinding",
    "ValidationReport",
    "__version__",
    "bundled",
    "compile",
    "load",
    "validate",
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


class ScanIterator:
    """The matches of a scan, produced while it runs (see :meth:`RuleSet.scan`).

    The scan runs on a C++ thread and waits whenever the matches not yet taken reach a
    few thousand, so memory stays bounded whatever the size of the input. Read errors
    are appended to ``errors`` (a list of :class:`ScanError`) and correlation alerts to
    ``alerts`` (a list of :class:`Alert`) as the iteration reaches them; ``stats`` is a dict (events, matches, event_errors, input_errors, files,
    bytes, regex_limit_hits, duplicate_key_events, seconds) once the scan has
    finished, else None; regex_limit_hits counts regular-expression searches stopped by
    a limit or by the per-value work budget, which count as no match;
    duplicate_key_events counts events that repeat a key the rules read within one
    object, matched read first-wins and last-wins (docs/limits.md). ``census`` is the
    scan's event census once it has finished, when asked for (see :meth:`RuleSet.scan`).
    ``close()`` (or leaving a ``with`` block) stops the scan early.
    """

    def __init__(self, ruleset: "RuleSet", paths: List[str], kind: str, threads: int,
                 correlate: bool = True, lateness_ms: float = 900000.0,
                 max_future_ms: float = 86400000.0, max_held_events: int = 200000,
                 census: bool = False, fields: Optional[List[str]] = None) -> None:
        self._ruleset = ruleset
        self._it = _vigil.ScanIter(ruleset._core, paths, kind, threads, correlate, lateness_ms,
                                   max_future_ms, max_held_events, census, fields)
        self._pending: List[Match] = []
        self._pos = 0
        self._finished = False
        self._stats: Optional[Dict[str, Any]] = None
        self.errors: List[ScanError] = []
        self.alerts: List[Alert] = []

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
        matches, errors, alerts, finished = self._it.next(512)
        self.errors.extend(errors)
        self.alerts.extend(alerts)
        self._pending = matches
        self._pos = 0
        if finished:
            self._finished = True
            self._stats = self._it.stats()

    @property
    def stats(self) -> Optional[Dict[str, Any]]:
        """Counts of the finished scan (events, matches, event_errors, input_errors,
        files, bytes, seconds; with correlation also alerts, correlation_errors,
        late_events, future_events, untimed_events, early_events, evicted_events and
        unlearned_values, as :class:`Correlator` counts them), or None while it is
        still running. With ``census=True`` also census_overflow."""
        return self._stats

    @property
    def census(self) -> Optional[List[Tuple[str, str, Optional[int], int, int, int]]]:
        """The event census of the finished scan (``census=True``), else None: every
        valid event, matched or not, counted by account (``recipientAccountId``), region
        (``awsRegion``) and hour of ``eventTime``, as tuples ``(account, region, hour,
        events, first_ms, last_ms)`` sorted by (account, region, hour). ``hour`` is the
        Unix time // 3600, None for events without a readable ``eventTime`` (their
        first_ms and last_ms are 0); first_ms and last_ms are the cell's earliest and
        latest ``eventTime`` in Unix milliseconds; a missing account or region is
        ``""``, and one longer than 64 bytes is cut there. At most 100,000 cells: the
        events of the cells after them in that order are counted in
        ``stats["census_overflow"]`` instead (docs/limits.md)."""
        if not self._finished:
            return None
        return self._it.census()

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


class RuleTestResult:
    """The tests of one rule: ``rule`` (a :class:`Rule`, or a :class:`CorrelationRule`
    when ``correlation``), ``results`` (list of :class:`TestCaseResult`, or of
    :class:`CorrelationTestCaseResult` for a correlation rule), ``error`` (set when the
    ``tests:`` attribute is malformed), ``passed`` (no error, no failed test),
    ``has_tests``, ``failures`` (count)."""

    __slots__ = ("rule", "results", "error")

    def __init__(self, rule: Union[Rule, "CorrelationRule"],
                 results: List[Union[TestCaseResult, CorrelationTestCaseResult]], error: str = "") -> None:
        self.rule = rule
        self.results = results
        self.error = error

    @property
    def correlation(self) -> bool:
        """True for the tests of a correlation rule."""
        return isinstance(self.rule, CorrelationRule)

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
    detection rule, in rule order, then one per correlation rule, in the order of
    :attr:`RuleSet.correlations`), ``passed`` (every rule passed), counts ``tests``,
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
                lines.append(f"        FAIL  {t.name}: {t.message}")
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
    :meth:`scan`; check with :meth:`test` and :meth:`explain`; evaluate the correlation
    rules (:attr:`correlations`) over a stream with :meth:`correlator`.

    Pickling stores the sources (paths, or YAML texts) and ``vars``, and compiles them
    again on unpickling (a process compiles the same sources once).
    """

    __slots__ = ("_core", "_rules", "_diagnostics", "_sources", "_vars", "_skip_tests",
                 "_skip_bad_rules", "__weakref__")

    def __init__(self) -> None:
        raise TypeError("use vigil.load() or vigil.compile() to make a RuleSet")

    @classmethod
    def _build(cls, sources: List[tuple], vars: Dict[str, List[str]], skip_tests: bool,
               skip_bad_rules: bool) -> "RuleSet":
        core = _vigil.build([(s[0], s[1], s[2] if len(s) > 2 else "") for s in sources], vars,
                            skip_tests)
        diagnostics = core.diagnostics()
        errors = [d for d in diagnostics if d.severity == "error"]
        if errors and not skip_bad_rules:
            raise RuleError(errors)
        rules = list(core.rules())
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

    def match(self, event: Event, kind: str = "auto", building_blocks: bool = False) -> MatchList:
        """Match one event; return the rules it matches, in rule order.

        ``event`` is a dict (or other mapping), or a str / bytes holding one JSON
        object. ``kind`` is ``"auto"``, ``"cloudtrail"`` or ``"any"`` (see
        :data:`EVENT_KINDS`). The rules that only feed correlations (``generate:
        false``) are left out, as in a scan, unless ``building_blocks`` is true.
        Raises ValueError for invalid JSON or a JSON value that is not an object,
        TypeError for another type of event.
        """
        return MatchList(self._core.match(event, _check_kind(kind), bool(building_blocks)))

    def match_many(self, events: Iterable[Event], kind: str = "auto") -> MatchList:
        """Match every event of an iterable; return all matches, in event order.

        Each :class:`Match` has ``index``, the position of its event in ``events``.
        Events are taken in batches and matched without the GIL, so several threads
        matching at once run in parallel (str or bytes events scale best: dicts are
        converted to JSON with the GIL held). Raises ValueError naming the position of
        the first event that is not a valid JSON object.
        """
        return MatchList(self._core.match_many(events, _check_kind(kind)))

    def scan(self, *paths: PathLike, kind: str = "auto", threads: int = 1, correlate: bool = True,
             lateness: Union[float, int, str, "_datetime.timedelta"] = "15m",
             max_future: Union[float, int, str, "_datetime.timedelta"] = "1d",
             max_held_events: int = 200000, census: bool = False,
             fields: Optional[Sequence[str]] = None) -> ScanIterator:
        """Scan log files and return an iterator of matches, produced as the scan runs.

        ``paths``: files, folders (walked recursively in name order, CloudTrail log files
        ordered by the delivery time in their names), any
        CloudTrail shape (``{"Records":[...]}``, ``.json.gz``, NDJSON, lookup-events
        output, EventBridge events), or ``"-"`` for standard input. Each
        :class:`Match` has ``file`` and ``record`` (0-based position in the file).
        Unreadable inputs and malformed records do not stop the scan: they are
        collected in the iterator's ``errors``. ``threads``: files matched at once
        (0 = one per core). Memory stays bounded: the scan waits while the iterator
        is not consumed.

        Correlation rules (:attr:`correlations`) are evaluated over the scan as one
        stream, as ``vigil scan`` does, unless ``correlate`` is false: their alerts are
        appended to the iterator's ``alerts`` (a list of :class:`Alert`) as the
        iteration reaches them, and the last ones when it ends. ``lateness``,
        ``max_future`` and ``max_held_events`` are those of :class:`Correlator`. For
        first_seen baselines kept between runs, feed a :class:`Correlator` instead.

        ``census``: count every valid event, matched or not, by account, region and hour
        (:attr:`ScanIterator.census`), from the scan's own parse of each event.
        ``fields``: field paths (dotted, as correlations read them: through arrays, the
        first value) whose values each :class:`Match` carries in ``fields``, read from
        the parse that matched the event.
        """
        if not paths:
            raise TypeError("scan() needs at least one path (\"-\" for standard input)")
        if isinstance(fields, (str, bytes)):
            raise TypeError("fields must be a sequence of field paths, not a string")
        if threads < 0:
            raise ValueError("threads must be >= 0")
        seconds, future = _correlator_options(lateness, max_future, max_held_events)
        return ScanIterator(self, [_os.fsdecode(p) for p in paths], _check_kind(kind), int(threads),
                            bool(correlate), seconds * 1000.0, future * 1000.0, max_held_events,
                            bool(census), None if fields is None else [str(f) for f in fields])

    def test(self) -> TestReport:
        """Run the tests the rules carry in their custom ``tests:`` attribute.

        Each test event of a detection rule is matched (logsource not considered) with
        the whole set, so filters apply as in a scan; a failed test comes with its
        explanation. Each sequence test of a correlation rule feeds its events through
        the set's rules and a fresh correlator, and compares the alerts of that
        correlation with those the test lists; a failed test comes with both lists.
        The report has the detection rules, then the correlation rules. Rules loaded with
        ``skip_tests=True`` have no tests.
        """
        return TestReport([RuleTestResult(rule, results, error)
                           for rule, error, results in self._core.test()])

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
            # The engine's one resolution (RuleSet::Find): id or name, else title, else
            # title ignoring case; the first rule when a title names several.
            found = self._core.find(rule)
            if not found:
                raise KeyError(f"no rule with id, name or title {rule!r}")
            return found[0]
        raise TypeError("rule must be a Rule, an id, a name, a title or an index")

    def rule(self, key: Union[str, int]) -> Rule:
        """Return the rule with this id or name, else this title (else this title
        ignoring case; the first when several rules share it), or at this index. Raises
        KeyError (IndexError) if there is none."""
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

    @property
    def correlations(self) -> List["CorrelationRule"]:
        """The correlation rules, in load order (a new list each time). A correlation
        naming a rule that is not loaded is left out, with a warning in :attr:`warnings`."""
        return list(self._core.correlations())

    def correlator(self, lateness: Union[float, int, str, "_datetime.timedelta"] = "15m",
                   kind: str = "auto",
                   max_future: Union[float, int, str, "_datetime.timedelta"] = "1d",
                   max_held_events: int = 200000) -> "Correlator":
        """A new :class:`Correlator` evaluating this set's correlation rules over a stream
        fed with :meth:`Correlator.feed` (``lateness``, ``max_future``: seconds or
        ``"15m"``...; ``max_held_events``: its memory bound)."""
        return Correlator(self, lateness=lateness, kind=kind, max_future=max_future,
                          max_held_events=max_held_events)


def _seconds(value: Union[float, int, str, _datetime.timedelta], what: str = "lateness") -> float:
    if isinstance(value, _datetime.timedelta):
        return value.total_seconds()
    if isinstance(value, str):
        # The CLI's grammar (vigil scan --lateness), read by the same C++ code.
        ms = _vigil.parse_duration(value)
        if ms is None:
            raise ValueError(f"{what} must be seconds or a duration such as '90s', '15m', "
                             f"'2h', '1d', '1w', '500ms', '0' or 'inf', not {value!r}")
        return ms / 1000.0
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{what} must be a number of seconds, a duration string or a timedelta")
    return float(value)


def _correlator_options(lateness: Union[float, int, str, _datetime.timedelta],
                        max_future: Union[float, int, str, _datetime.timedelta],
                        max_held_events: int) -> Tuple[float, float]:
    """Checks a correlator's options (Correlator, RuleSet.scan); returns the lateness
    and max_future in seconds."""
    seconds = _seconds(lateness)
    if _math.isnan(seconds) or seconds < 0:
        raise ValueError("lateness must be >= 0")
    future = _seconds(max_future, "max_future")
    if _math.isnan(future) or future < 0:
        raise ValueError("max_future must be >= 0")
    if isinstance(max_held_events, bool) or not isinstance(max_held_events, int) or max_held_events < 2:
        raise ValueError("max_held_events must be an int >= 2")
    return seconds, future


class Correlator:
    """Evaluates a RuleSet's correlation rules (Sigma thresholds, counts of distinct values,
    sequences) over a stream of events, fed in batches::

        c = rules.correlator(lateness="15m")
        for batch in batches:
            for alert in c.feed(batch, source="batch-1"):
                ...
        alerts = c.flush()                       # end of stream

    Time is each event's own ``eventTime`` (else ``@timestamp``). Events may arrive out of
    order by up to ``lateness`` (seconds, a duration string such as ``"15m"``, a
    timedelta, or ``math.inf`` to hold everything until :meth:`flush`); older ones are
    dropped and counted in :attr:`late_events`. Alerts are therefore raised when the
    stream has moved ``lateness`` past them, or at :meth:`flush`. Only events that match
    a rule some correlation references are kept (:attr:`state_size` counts them), at most
    ``max_held_events`` of them (about 1 KB each): past that bound the oldest buffered
    events are processed early and windows are shed, and both are counted
    (:attr:`early_events`, :attr:`evicted_events`; docs/limits.md, "Memory bound").

    One correlator is one stream: calls are serialised by a lock (feeding it from
    several threads at once works but interleaves their events). Matching and
    correlating run without the GIL.
    """

    def __init__(self, rules: "RuleSet", lateness: Union[float, int, str, _datetime.timedelta] = "15m",
                 kind: str = "auto",
                 max_future: Union[float, int, str, _datetime.timedelta] = "1d",
                 max_held_events: int = 200000) -> None:
        if not isinstance(rules, RuleSet):
            raise TypeError("Correlator needs a vigil.RuleSet")
        seconds, future = _correlator_options(lateness, max_future, max_held_events)
        self._ruleset = rules
        self._kind = _check_kind(kind)
        self._correlations = rules.correlations
        self._lateness = seconds
        self._max_future = future
        self._core = _vigil.Correlator(rules._core, seconds * 1000.0, future * 1000.0, max_held_events)

    @property
    def rules(self) -> "RuleSet":
        """The RuleSet whose rules match the events and whose correlations are evaluated."""
        return self._ruleset

    @property
    def lateness(self) -> float:
        """How far (seconds) an event may arrive behind the latest event time seen."""
        return self._lateness

    @property
    def max_future(self) -> float:
        """How far (seconds) an event may be dated past the delivery time in its ``source``
        name (a CloudTrail log file name), else past the clock, before it is a time
        outlier (:attr:`future_events`); ``math.inf``: no bound."""
        return self._max_future

    @staticmethod
    def _alerts(alerts: List[Alert], include_hidden: bool) -> List[Alert]:
        return [a for a in alerts if include_hidden or not a.rule.hidden]

    def feed(self, events: Iterable[Event], source: str = "",
             include_hidden: bool = False) -> List[Alert]:
        """Match ``events`` (dicts, or str / bytes of one JSON object each) with the rule
        set and feed them to the correlations; return the alerts raised so far, in the
        order raised (each alert is returned once).

        ``source`` names these events in :attr:`Alert.events`; an event's index is its
        position in everything fed to this correlator (counting across calls). Alerts of
        hidden correlations (which only feed others, ``generate: false``) are left out
        unless ``include_hidden``. Raises ValueError ``"event N: ..."`` for an event that
        is not a JSON object or has no readable time; the events before it were fed (their
        alerts come with the next call), the rest of this call's events were not.
        """
        if not isinstance(source, str):
            raise TypeError("source must be a str")
        return self._alerts(self._core.feed(events, source, self._kind), include_hidden)

    def flush(self, include_hidden: bool = False) -> List[Alert]:
        """End of stream: process every held event, close every open window, and return
        the remaining alerts. Feeding may go on afterwards (state is kept)."""
        return self._alerts(self._core.flush(), include_hidden)

    # first_seen baselines (a vigil extension; format in docs/first-seen.md). Load before
    # the first feed(); save after flush() so the next run (the next Lambda invocation,
    # tomorrow's batch) remembers what was learned.

    def load_baseline(self, path: PathLike) -> None:
        """Merge the baseline file at ``path`` into what this correlator knows. A missing
        file is an empty baseline (the first run); one that cannot be read (a folder, no
        permission) raises OSError; a damaged or oversized one raises ValueError
        (``"path:line: why"``), and nothing of it is merged."""
        self._core.load_baseline(_os.fspath(path))

    def save_baseline(self, path: PathLike) -> None:
        """Write the baseline to ``path`` atomically (temporary file, fsync, rename): a
        crash leaves the old file or the new one. Raises OSError when it cannot."""
        self._core.save_baseline(_os.fspath(path))

    def baseline_bytes(self) -> bytes:
        """The baseline as bytes (the file's content), for state kept in S3 or a table."""
        return self._core.serialize_baseline()

    def restore_baseline(self, data: Union[bytes, str], origin: str = "<baseline>") -> None:
        """Merge a baseline from :meth:`baseline_bytes`; ``origin`` names it in errors."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        self._core.restore_baseline(data, origin)

    @property
    def baseline_size(self) -> int:
        """Values first_seen rules have learned (all rules)."""
        return self._core.counts()["baseline_size"]

    @property
    def state_size(self) -> int:
        """Events held: waiting in the reorder buffer plus kept in window state."""
        return self._core.counts()["state_size"]

    @property
    def late_events(self) -> int:
        """Events dropped because they arrived more than ``lateness`` behind."""
        return self._core.counts()["late_events"]

    @property
    def future_events(self) -> int:
        """Events dated more than :attr:`max_future` (a day) past the delivery time in their
        ``source`` name (a CloudTrail log file name), or past the clock: time outliers,
        counted and not correlated, so that one forged ``eventTime`` cannot move the stream's time
        (docs/limits.md, "Time and baselines")."""
        return self._core.counts()["future_events"]

    @property
    def untimed_events(self) -> int:
        """Events of correlations whose time could not be read (each also raised ValueError
        from :meth:`feed`)."""
        return self._core.counts()["untimed_events"]

    @property
    def early_events(self) -> int:
        """Events processed before ``lateness`` had passed because the reorder buffer held
        half of ``max_held_events``; an event older than one of them is then late."""
        return self._core.counts()["early_events"]

    @property
    def evicted_events(self) -> int:
        """Window entries dropped because window state held half of ``max_held_events``:
        a threshold may have been missed."""
        return self._core.counts()["evicted_events"]

    @property
    def unlearned_values(self) -> int:
        """first_seen values not learned because the baseline held what a saved baseline
        can (256 MiB); each alerts as new whenever it is seen."""
        return self._core.counts()["unlearned_values"]

    @property
    def events_fed(self) -> int:
        """Events given to :meth:`feed` so far (the next event's index)."""
        return self._core.counts()["events_fed"]

    def __repr__(self) -> str:
        return (f"<vigil.Correlator {len(self._correlations)} correlations lateness={self._lateness:g}s "
                f"events_fed={self.events_fed} state_size={self.state_size}>")


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


#: The statuses of a :class:`ValidationFinding`, in the order of the summary.
VALIDATION_STATUSES: Tuple[str, ...] = ("ok", "failed", "unverified", "info")


class ValidationReport:
    """The result of :func:`validate`: the findings, in order, and what was read.

    ``findings`` is a list of :class:`ValidationFinding` (``code``, ``status``, ``file``,
    ``account``, ``region``, ``trail``, ``digest``, ``start``, ``end``, ``reason``,
    ``detail``; the codes are listed in the README, "Audit"). ``digests``, ``log_files``
    and ``bytes`` count what was read. ``to_pandas()`` gives one row per finding.
    """

    def __init__(self, core: Any) -> None:
        self._core = core
        self.findings: List[ValidationFinding] = list(core.findings)
        self.digests: int = core.digests
        self.log_files: int = core.log_files
        self.bytes: int = core.bytes

    def count(self, status: Optional[str] = None, code: Optional[str] = None) -> int:
        """How many findings have this status (``"ok"``, ``"failed"``, ``"unverified"``,
        ``"info"``) and/or this code; all of them without arguments."""
        if status is not None and status not in VALIDATION_STATUSES:
            raise ValueError(f"status is one of {VALIDATION_STATUSES}, not {status!r}")
        return sum(1 for f in self.findings
                   if (status is None or f.status == status) and (code is None or f.code == code))

    def failed(self, strict: bool = False) -> bool:
        """True when a finding failed (or, ``strict``, one could not be verified): what
        makes ``vigil validate`` exit 1."""
        return bool(self._core.failed(bool(strict)))

    def verdict_of(self, path: PathLike) -> str:
        """Whether the log file at ``path`` was validated: ``"validated"``, ``"failed"``,
        ``"unverified"`` or ``"not-covered"`` (in no tree that was validated). A scan's
        ``Match.file`` can be given as it is."""
        return str(self._core.verdict_of(_os.fsdecode(path)))

    def __iter__(self) -> Iterator[ValidationFinding]:
        return iter(self.findings)

    def __len__(self) -> int:
        return len(self.findings)

    def __repr__(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s}" for s in VALIDATION_STATUSES)
        return f"<ValidationReport {self.digests} digests, {self.log_files} log files: {counts}>"

    def to_pandas(self):
        """One row per finding as a pandas DataFrame (needs pandas; columns in
        ``vigil.pandas_support.VALIDATION_COLUMNS``)."""
        from . import pandas_support
        return pandas_support.findings_to_pandas(self.findings)


def _millis(value: Union[str, "_datetime.datetime", None], what: str) -> Optional[int]:
    if value is None:
        return None
    if isinstance(value, _datetime.datetime):
        if value.tzinfo is None:  # CloudTrail's times are UTC; a naive one is taken as UTC
            value = value.replace(tzinfo=_datetime.timezone.utc)
        return int(round(value.timestamp() * 1000))
    if isinstance(value, str):
        ms = _vigil.parse_time(value)
        if ms is None:
            raise ValueError(f"{what} must be an ISO 8601 time such as "
                             f"'2026-12-01T00:00:00Z', not {value!r}")
        return int(ms)
    raise TypeError(f"{what} must be an ISO 8601 string or a datetime")


def validate(paths: Union[PathLike, Sequence[PathLike]], public_keys: Optional[PathLike] = None,
             signatures: Optional[PathLike] = None,
             start: Union[str, "_datetime.datetime", None] = None,
             end: Union[str, "_datetime.datetime", None] = None) -> ValidationReport:
    """Validate CloudTrail log file integrity offline, as ``vigil validate`` does.

    ``paths``: one folder or a list of folders laid out like the trail's S3 bucket.
    ``public_keys``: a file with ``aws cloudtrail list-public-keys`` output (without it
    no signature is verified). ``signatures``: the newest digests' signatures, a JSON
    object ``{"S3 key": "hex"}`` or a list of ``aws s3api head-object`` outputs with
    ``"Key"``. ``start``/``end``: the period (ISO 8601 text or datetimes; naive ones are
    UTC). Raises ``OSError`` when a key or signatures file cannot be read, ``ValueError``
    when one has the wrong shape or a path is not a folder. Everything found in the
    tree is a finding, never an exception.
    """
    if isinstance(paths, (str, bytes, _os.PathLike)):
        paths = [paths]
    core = _vigil.validate([_os.fsdecode(p) for p in paths],
                           _os.fsdecode(public_keys) if public_keys is not None else "",
                           _os.fsdecode(signatures) if signatures is not None else "",
                           _millis(start, "start"), _millis(end, "end"))
    return ValidationReport(core)
