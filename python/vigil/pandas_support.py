# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""Matches as a pandas DataFrame or a pyarrow Table (optional dependencies).

``MatchList.to_pandas()`` and ``MatchList.to_arrow()`` call the functions below; they
also take any iterable of :class:`vigil.Match`, such as the iterator ``RuleSet.scan``
returns, so a scan can go straight into a table::

    df = vigil.pandas_support.matches_to_pandas(rules.scan("AWSLogs/"))

One row per match, with these columns (``COLUMNS``):

=====================  =====================================================
rule_id, rule_title    the rule that matched
level                  its Sigma level; in pandas an ordered categorical
                       (informational < low < medium < high < critical)
tags                   the rule's tags (a list of strings)
file, record           where the event was read (``RuleSet.scan``), else null
index                  the event's position in ``match_many``'s input, else null
eventTime              the event's ``eventTime`` as a UTC timestamp (null when
                       missing or not ISO-8601)
eventName ...          ``eventName``, ``eventSource``, ``awsRegion``,
                       ``sourceIPAddress``, ``userIdentity.arn``,
                       ``userIdentity.type`` of the event (strings; null if absent)
event_json             the whole event, as JSON text
=====================  =====================================================

pandas and pyarrow are imported only when these functions run; neither is a dependency
of vigil.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Iterable, List, Optional, Sequence

__all__ = ["COLUMNS", "EVENT_FIELDS", "LEVELS", "VALIDATION_COLUMNS", "findings_to_pandas",
           "matches_to_pandas", "matches_to_arrow"]

# The CloudTrail fields copied into their own columns, in order (dotted names descend
# into objects, as in a Sigma rule).
EVENT_FIELDS: Sequence[str] = (
    "eventName",
    "eventSource",
    "awsRegion",
    "sourceIPAddress",
    "userIdentity.arn",
    "userIdentity.type",
)

COLUMNS: Sequence[str] = (
    "rule_id",
    "rule_title",
    "level",
    "tags",
    "file",
    "record",
    "index",
    "eventTime",
    *EVENT_FIELDS,
    "event_json",
)

# Sigma's levels, least severe first.
LEVELS: Sequence[str] = ("informational", "low", "medium", "high", "critical")


def _require(module: str, method: str) -> Any:
    try:
        return __import__(module)
    except ImportError as e:
        raise ImportError(
            f"vigil: {method}() needs {module}, which is not installed; "
            f"install it with `pip install {module}` (it is an optional dependency of vigil)"
        ) from e


def _field(event: Any, path: str) -> Any:
    """The value at a dotted path (a key that itself contains the dots is found too)."""
    if not isinstance(event, dict):
        return None
    if path in event:
        return event[path]
    head, sep, rest = path.partition(".")
    if not sep:
        return None
    return _field(event.get(head), rest)


def _text(value: Any) -> Optional[str]:
    """A column value as text: strings as they are, objects and arrays as compact JSON."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return str(value)


def _utc(value: Any) -> Optional[_dt.datetime]:
    """CloudTrail's eventTime ('2026-11-25T08:05:12Z') as an aware UTC datetime."""
    if not isinstance(value, str) or not value:
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        t = _dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if t.tzinfo is None:  # CloudTrail times are UTC; a bare time is taken as UTC too
        return t.replace(tzinfo=_dt.timezone.utc)
    return t.astimezone(_dt.timezone.utc)


def _event_json(match: Any) -> str:
    text = getattr(match, "event_json", None)
    if text is None:
        text = json.dumps(match.event, separators=(",", ":"), ensure_ascii=False)
    return text


def _columns(matches: Iterable[Any]) -> dict:
    """Column name -> list of Python values, one per match."""
    cols: dict = {c: [] for c in COLUMNS}
    for m in matches:
        rule = m.rule
        text = _event_json(m)
        try:
            event = json.loads(text)
        except ValueError:
            event = None
        cols["rule_id"].append(rule.id or None)
        cols["rule_title"].append(rule.title)
        cols["level"].append(rule.level or None)
        cols["tags"].append(list(rule.tags or ()))
        cols["file"].append(getattr(m, "file", None))
        cols["record"].append(getattr(m, "record", None))
        cols["index"].append(getattr(m, "index", None))
        cols["eventTime"].append(_utc(_field(event, "eventTime")))
        for f in EVENT_FIELDS:
            cols[f].append(_text(_field(event, f)))
        cols["event_json"].append(text)
    return cols


def _level_categories(values: List[Optional[str]]) -> List[str]:
    extra = sorted({v for v in values if v is not None and v not in LEVELS})
    return [*LEVELS, *extra]


def matches_to_pandas(matches: Iterable[Any]):
    """One row per match, as a ``pandas.DataFrame`` with the columns ``COLUMNS``.

    dtypes: text columns ``string``, ``level`` an ordered ``category``, ``tags``
    ``object`` (lists), ``record``/``index`` nullable ``Int64``, ``eventTime``
    ``datetime64[..., UTC]``.
    """
    pd = _require("pandas", "to_pandas")
    cols = _columns(matches)
    n = len(cols["rule_title"])
    data = {}
    for name in COLUMNS:
        values = cols[name]
        if name == "level":
            dtype = pd.CategoricalDtype(_level_categories(values), ordered=True)
            data[name] = pd.Series(values, dtype=dtype, index=range(n))
        elif name == "tags":
            data[name] = pd.Series(values, dtype=object, index=range(n))
        elif name in ("record", "index"):
            data[name] = pd.Series(values, dtype="Int64", index=range(n))
        elif name == "eventTime":
            data[name] = pd.Series(pd.to_datetime(values, utc=True), index=range(n))
        else:
            data[name] = pd.Series(values, dtype="string", index=range(n))
    return pd.DataFrame(data, columns=list(COLUMNS))


def _arrow_schema(pa):
    fields = [
        pa.field("rule_id", pa.string()),
        pa.field("rule_title", pa.string()),
        pa.field("level", pa.string()),
        pa.field("tags", pa.list_(pa.string())),
        pa.field("file", pa.string()),
        pa.field("record", pa.int64()),
        pa.field("index", pa.int64()),
        pa.field("eventTime", pa.timestamp("us", tz="UTC")),
    ]
    fields += [pa.field(f, pa.string()) for f in EVENT_FIELDS]
    fields.append(pa.field("event_json", pa.string()))
    return pa.schema(fields)


def matches_to_arrow(matches: Iterable[Any]):
    """One row per match, as a ``pyarrow.Table`` with the columns ``COLUMNS``.

    Types: strings, ``tags`` ``list<string>``, ``record``/``index`` ``int64``,
    ``eventTime`` ``timestamp[us, tz=UTC]``; nulls where a value is absent.
    """
    pa = _require("pyarrow", "to_arrow")
    cols = _columns(matches)
    schema = _arrow_schema(pa)
    arrays = [pa.array(cols[f.name], type=f.type) for f in schema]
    return pa.Table.from_arrays(arrays, schema=schema)


# The columns of ``ValidationReport.to_pandas()``: a ValidationFinding's attributes.
VALIDATION_COLUMNS: Sequence[str] = (
    "code", "status", "file", "account", "region", "trail", "digest", "start", "end",
    "reason", "detail",
)


def findings_to_pandas(findings: Iterable[Any]):
    """One row per :class:`vigil.ValidationFinding` (``vigil.validate``), as a
    ``pandas.DataFrame`` with the columns ``VALIDATION_COLUMNS``.

    dtypes: ``status`` a ``category`` (ok, failed, unverified, info), ``start`` and
    ``end`` (a gap's period) ``datetime64[..., UTC]``, the others ``string``; what a
    finding does not have is null.
    """
    pd = _require("pandas", "to_pandas")
    rows = list(findings)
    n = len(rows)
    data = {}
    for name in VALIDATION_COLUMNS:
        values = [getattr(f, name) or None for f in rows]
        if name == "status":
            dtype = pd.CategoricalDtype(["ok", "failed", "unverified", "info"])
            data[name] = pd.Series(values, dtype=dtype, index=range(n))
        elif name in ("start", "end"):
            data[name] = pd.Series(pd.to_datetime([_utc(v) for v in values], utc=True),
                                   index=range(n))
        else:
            data[name] = pd.Series(values, dtype="string", index=range(n))
    return pd.DataFrame(data, columns=list(VALIDATION_COLUMNS))
