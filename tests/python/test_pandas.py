# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""MatchList.to_pandas() / to_arrow() (vigil.pandas_support): optional dependencies.

The data-frame tests are skipped without pandas (pyarrow), unless
VIGIL_TEST_OPTIONAL=require, where a missing package is a failure.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import sys
from pathlib import Path

import pytest

import vigil
from vigil import pandas_support
from conftest import need_module

REPO = Path(__file__).resolve().parents[2]
LOGS = REPO / "examples" / "logs"

RULES = """\
title: Console login
id: 0d3c1b7e-5b8f-4f2a-9a41-3f0c5c1d0001
level: medium
tags: [attack.initial-access, attack.t1078]
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        eventName: ConsoleLogin
    condition: selection
---
title: Root anything
id: 0d3c1b7e-5b8f-4f2a-9a41-3f0c5c1d0002
level: critical
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        userIdentity.type: Root
    condition: selection
"""

EVENTS = [
    {
        "eventVersion": "1.08",
        "eventTime": "2026-11-25T08:05:12Z",
        "eventSource": "signin.amazonaws.com",
        "eventName": "ConsoleLogin",
        "awsRegion": "us-east-1",
        "sourceIPAddress": "203.0.113.9",
        "userIdentity": {"type": "Root", "arn": "arn:aws:iam::111122223333:root"},
    },
    {"eventName": "DescribeInstances", "eventTime": "2026-11-25T08:06:00Z"},  # no match
    {
        # no eventTime; a number and an object where strings are usual
        "eventName": "ConsoleLogin",
        "eventSource": "signin.amazonaws.com",
        "awsRegion": {"weird": True},
        "sourceIPAddress": 42,
        "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::111122223333:user/alice"},
    },
    {"eventName": "ConsoleLogin", "eventTime": "not a time", "userIdentity.arn": "dotted-key"},
]


_need = need_module


@pytest.fixture(scope="module")
def scanned():
    rules = vigil.load(vigil.bundled())
    scan = rules.scan(str(LOGS))
    matches = vigil.MatchList(scan)
    assert not scan.errors
    assert len(matches) == 94
    return matches


@pytest.fixture(scope="module")
def matched():
    return vigil.compile(RULES).match_many(EVENTS, kind="any")


# ----------------------------------------------------------- without the packages


@pytest.mark.parametrize(
    "module, call",
    [("pandas", pandas_support.matches_to_pandas), ("pyarrow", pandas_support.matches_to_arrow)],
)
def test_clear_import_error_without_the_package(monkeypatch, module, call):
    monkeypatch.setitem(sys.modules, module, None)  # makes `import module` fail
    with pytest.raises(ImportError, match=f"needs {module}.*pip install {module}"):
        call([])


def test_matchlist_methods_delegate(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    with pytest.raises(ImportError, match="to_pandas"):
        vigil.MatchList().to_pandas()
    with pytest.raises(ImportError, match="to_arrow"):
        vigil.MatchList().to_arrow()


# ------------------------------------------------------------------------ pandas


def test_columns_and_dtypes(scanned):
    pd = _need("pandas")
    df = scanned.to_pandas()
    assert list(df.columns) == list(pandas_support.COLUMNS)
    assert list(df.columns) == [
        "rule_id", "rule_title", "level", "tags", "file", "record", "index", "eventTime",
        "eventName", "eventSource", "awsRegion", "sourceIPAddress", "userIdentity.arn",
        "userIdentity.type", "event_json",
    ]
    assert len(df) == 94
    for col in ("rule_id", "rule_title", "file", "eventName", "eventSource", "awsRegion",
                "sourceIPAddress", "userIdentity.arn", "userIdentity.type", "event_json"):
        assert pd.api.types.is_string_dtype(df[col].dtype), col
    assert isinstance(df["level"].dtype, pd.CategoricalDtype)
    assert df["level"].dtype.ordered
    assert list(df["level"].dtype.categories) == ["informational", "low", "medium", "high", "critical"]
    assert df["tags"].dtype == object and all(isinstance(t, list) for t in df["tags"])
    assert str(df["record"].dtype) == "Int64" and str(df["index"].dtype) == "Int64"
    assert isinstance(df["eventTime"].dtype, pd.DatetimeTZDtype)
    assert str(df["eventTime"].dtype.tz) == "UTC"


def test_values_follow_the_matches(scanned):
    pd = _need("pandas")
    df = scanned.to_pandas()
    for i, m in enumerate(scanned):
        row = df.iloc[i]
        ev = m.event
        assert row["rule_id"] == m.rule.id and row["rule_title"] == m.rule.title
        assert row["level"] == m.rule.level
        assert row["tags"] == list(m.rule.tags)
        assert row["file"] == m.file and row["record"] == m.record
        assert pd.isna(row["index"])
        assert row["eventTime"] == pd.Timestamp(ev["eventTime"])
        assert row["eventName"] == ev["eventName"]
        assert row["awsRegion"] == ev["awsRegion"]
        assert row["userIdentity.type"] == ev["userIdentity"]["type"]
        arn = ev["userIdentity"].get("arn")
        assert (pd.isna(row["userIdentity.arn"]) and arn is None) or row["userIdentity.arn"] == arn
        assert json.loads(row["event_json"]) == ev
    assert df["eventTime"].min() == pd.Timestamp("2026-11-25T08:01:32Z")
    assert df["eventTime"].max() == pd.Timestamp("2026-11-25T09:29:38Z")
    assert df["file"].str.endswith(".json.gz").all()


def test_level_is_ordered(scanned):
    _need("pandas")
    df = scanned.to_pandas()
    severe = df[df["level"] >= "high"]
    assert len(severe) == sum(1 for m in scanned if m.rule.level in ("high", "critical"))
    assert df.sort_values("level", ascending=False).iloc[0]["level"] == "critical"
    counts = df.groupby("level", observed=True).size()
    assert counts.sum() == 94


def test_match_many_rows(matched):
    pd = _need("pandas")
    df = matched.to_pandas()
    # event 0: both rules; event 2: ConsoleLogin; event 3: ConsoleLogin
    assert list(zip(df["index"], df["rule_title"])) == [
        (0, "Console login"), (0, "Root anything"), (2, "Console login"), (3, "Console login"),
    ]
    assert df["file"].isna().all() and df["record"].isna().all()
    assert df.loc[0, "eventTime"] == pd.Timestamp(2026, 11, 25, 8, 5, 12, tz="UTC")
    assert pd.isna(df.loc[2, "eventTime"])  # missing
    assert pd.isna(df.loc[3, "eventTime"])  # not ISO-8601
    assert df.loc[2, "awsRegion"] == '{"weird":true}'  # objects as compact JSON
    assert df.loc[2, "sourceIPAddress"] == "42"
    assert df.loc[3, "userIdentity.arn"] == "dotted-key"  # a key containing the dots
    assert pd.isna(df.loc[3, "userIdentity.type"])
    assert df.loc[1, "level"] == "critical" and df.loc[0, "tags"] == ["attack.initial-access", "attack.t1078"]
    assert df.loc[1, "tags"] == []


def test_any_iterable_and_empty():
    pd = _need("pandas")
    rules = vigil.compile(RULES)
    df = pandas_support.matches_to_pandas(rules.scan(str(LOGS)))  # an iterator
    assert len(df) == sum(1 for _ in rules.scan(str(LOGS)))
    empty = vigil.MatchList().to_pandas()
    assert list(empty.columns) == list(pandas_support.COLUMNS) and len(empty) == 0
    assert isinstance(empty["eventTime"].dtype, pd.DatetimeTZDtype)
    assert isinstance(empty["level"].dtype, pd.CategoricalDtype)


# ----------------------------------------------------------------------- pyarrow


def test_arrow_schema_and_values(scanned):
    pa = _need("pyarrow")
    table = scanned.to_arrow()
    assert table.num_rows == 94
    assert table.column_names == list(pandas_support.COLUMNS)
    schema = table.schema
    assert schema.field("tags").type == pa.list_(pa.string())
    assert schema.field("record").type == pa.int64()
    assert schema.field("index").type == pa.int64()
    assert schema.field("eventTime").type == pa.timestamp("us", tz="UTC")
    for name in ("rule_id", "rule_title", "level", "file", "eventName", "userIdentity.arn", "event_json"):
        assert schema.field(name).type == pa.string(), name
    rows = table.to_pylist()
    for row, m in zip(rows, scanned):
        assert row["rule_title"] == m.rule.title and row["record"] == m.record and row["index"] is None
        assert row["eventTime"] == dt.datetime.fromisoformat(m.event["eventTime"].replace("Z", "+00:00"))
        assert row["tags"] == list(m.rule.tags)
    assert table.column("index").null_count == 94


def test_arrow_nulls(matched):
    _need("pyarrow")
    rows = matched.to_arrow().to_pylist()
    assert [r["index"] for r in rows] == [0, 0, 2, 3]
    assert rows[2]["eventTime"] is None and rows[3]["eventTime"] is None
    assert rows[0]["file"] is None and rows[0]["record"] is None
    assert rows[2]["awsRegion"] == '{"weird":true}'
    empty = vigil.MatchList().to_arrow()
    assert empty.num_rows == 0 and empty.column_names == list(pandas_support.COLUMNS)


def test_arrow_and_pandas_agree(scanned):
    _need("pyarrow")
    pd = _need("pandas")
    via_arrow = scanned.to_arrow().to_pandas()
    direct = scanned.to_pandas()
    assert list(via_arrow["rule_title"]) == list(direct["rule_title"])
    assert (pd.to_datetime(via_arrow["eventTime"], utc=True) == direct["eventTime"]).all()
