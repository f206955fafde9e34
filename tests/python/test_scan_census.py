# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""RuleSet.scan(census=True): ScanIterator.census, every valid event counted by account,
region and hour with its first and last eventTime (the engine's EventCensus,
include/vigil/scanner.h); and RuleSet.scan(fields=[...]): Match.fields, the values of
those paths in each matched event, from the engine's capture or, for an event it did
not capture, read by the binding itself, the same way."""

from __future__ import annotations

import datetime
import json
import pickle

import vigil

RULES = """title: stop
detection: {s: {eventName: StopLogging}, condition: s}
---
title: stop again
detection: {s: {eventName: StopLogging}, condition: s}
"""


def ms(iso: str) -> int:
    return int(datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def event(account=None, region=None, time=None, name="GetTrail", **extra):
    e = {"eventVersion": "1.08", "eventName": name}
    if time is not None:
        e["eventTime"] = time
    if region is not None:
        e["awsRegion"] = region
    if account is not None:
        e["recipientAccountId"] = account
    e.update(extra)
    return json.dumps(e)


def write(path, lines):
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_census_counts_every_valid_event(tmp_path):
    rs = vigil.compile(RULES)
    write(tmp_path / "a.ndjson", [
        event("111111111111", "us-east-1", "2024-01-01T00:10:00Z"),
        event("111111111111", "us-east-1", "2024-01-01T00:59:59.500Z", name="StopLogging"),
        event("111111111111", "us-east-1", "2024-01-01T00:00:01Z"),
        event("111111111111", "eu-west-1", "2024-01-01T01:00:00Z"),
        event("222222222222", None, "not a time"),
        event(None, "us-east-1", None),
        '{"eventName":tru}',  # refused by the matcher: not counted
    ])
    it = rs.scan(tmp_path, census=True)
    assert it.census is None  # not finished yet
    matches = list(it)
    assert [m.rule.title for m in matches] == ["stop", "stop again"]
    h0 = ms("2024-01-01T00:00:00Z") // 3_600_000
    assert it.census == [
        ("", "us-east-1", None, 1, 0, 0),
        ("111111111111", "eu-west-1", h0 + 1, 1, ms("2024-01-01T01:00:00Z"), ms("2024-01-01T01:00:00Z")),
        ("111111111111", "us-east-1", h0, 3, ms("2024-01-01T00:00:01Z"), ms("2024-01-01T00:59:59.500Z")),
        ("222222222222", "", None, 1, 0, 0),
    ]
    assert it.stats["census_overflow"] == 0
    assert it.stats["events"] - it.stats["event_errors"] == 6
    # Not asked: None, and no census_overflow.
    plain = rs.scan(tmp_path)
    list(plain)
    assert plain.census is None
    assert "census_overflow" not in plain.stats


def test_census_is_the_same_with_threads_and_overflows_past_its_bound(tmp_path):
    rs = vigil.compile(RULES)
    for f in range(4):
        write(tmp_path / f"f{f}.ndjson", [
            event(str(100 + (i * 7 + f) % 13), ["us-east-1", "eu-west-1"][i % 2],
                  f"2024-03-0{1 + i % 3}T{i % 24:02d}:{i % 60:02d}:00Z")
            for i in range(300)
        ])
    one = rs.scan(tmp_path, census=True)
    list(one)
    four = rs.scan(tmp_path, census=True, threads=4)
    list(four)
    assert one.census == four.census
    assert sum(c[3] for c in one.census) == 1200
    # Each cell's times lie in its hour.
    for account, region, hour, events, first, last in one.census:
        assert hour * 3_600_000 <= first <= last < (hour + 1) * 3_600_000


def test_long_strings_are_cut_at_64_bytes(tmp_path):
    rs = vigil.compile(RULES)
    write(tmp_path / "a.ndjson", [event("a" * 100, "r" * 63 + "\u20ac", "2024-01-01T00:00:00Z")])
    it = rs.scan(tmp_path, census=True)
    list(it)
    assert it.census == [("a" * 64, "r" * 63, ms("2024-01-01T00:00:00Z") // 3_600_000, 1,
                          ms("2024-01-01T00:00:00Z"), ms("2024-01-01T00:00:00Z"))]


FIELDS = ["userIdentity.arn", "n", "f", "ok", "resources.ARN", "userIdentity", "nil", "missing", "big"]


def test_match_fields_hold_python_values(tmp_path):
    rs = vigil.compile(RULES)
    write(tmp_path / "a.ndjson", [
        event(time="2024-01-01T00:00:00Z", name="StopLogging", userIdentity={"arn": "u1", "type": "IAMUser"},
              n=42, f=1.5, ok=True, resources=[{"type": "t"}, {"ARN": "r1"}, {"ARN": "r2"}], nil=None,
              big=18446744073709551615),
        event(time="2024-01-01T00:00:01Z"),  # no match
        event(time="2024-01-01T00:00:02Z", name="StopLogging", n=-7, f=3.0, ok=False),
    ])
    ms_ = list(rs.scan(tmp_path, fields=FIELDS))
    assert len(ms_) == 4
    first = ('u1', 42, 1.5, True, 'r1', '{"arn":"u1","type":"IAMUser"}', None, None, 18446744073709551615)
    assert ms_[0].fields == first and ms_[1].fields == first
    assert ms_[2].fields == (None, -7, 3.0, False, None, None, None, None, None)
    assert type(ms_[2].fields[2]) is float and type(ms_[0].fields[1]) is int
    # Not asked: None.
    assert all(m.fields is None for m in rs.scan(tmp_path))
    # Pickling keeps them.
    copy = pickle.loads(pickle.dumps(ms_[0]))
    assert copy.fields == first and copy.record == 0 and copy.rule == ms_[0].rule
    # match_many has none.
    assert rs.match_many([ms_[0].event_json])[0].fields is None


def test_match_fields_of_events_the_scan_did_not_capture(tmp_path):
    # A repeated key a rule reads (eventName) and a lone surrogate escape: the engine
    # keeps no DOM of such events, and the binding reads the fields itself (first of a
    # repeated key, U+FFFD for the surrogate); an integer past 64 bits: simdjson's DOM
    # refuses it too, and json.loads reads it.
    rs = vigil.compile(RULES)
    lines = [
        '{"eventName":"StopLogging","eventName":"StopLogging","userIdentity":{"arn":"u1"},'
        '"userIdentity":{"arn":"u2"},"n":1,"resources":[{"ARN":"r1"}]}',
        '{"eventName":"StopLogging","userIdentity":{"arn":"a\\ud800b"},"n":2.5}',
        '{"eventName":"StopLogging","userIdentity":{"arn":"u3"},"n":123456789012345678901234567890,'
        '"ok":true,"resources":[{"ARN":"r9","x":[1,2]}]}',
    ]
    write(tmp_path / "a.ndjson", lines)
    got = [m.fields for m in rs.scan(tmp_path, fields=FIELDS)][::2]
    assert got == [
        ("u1", 1, None, None, "r1", '{"arn":"u1"}', None, None, None),
        ("a\ufffdb", 2.5, None, None, None, '{"arn":"a\ufffdb"}', None, None, None),
        ("u3", 123456789012345678901234567890, None, True, "r9", '{"arn":"u3"}', None, None, None),
    ]
    # The same values as the engine's capture of the same events written plainly.
    plain = [json.dumps(json.loads(line), separators=(",", ":")) for line in lines[2:]]
    write(tmp_path / "a.ndjson", [plain[0].replace("123456789012345678901234567890", "7")])
    (again,) = [m.fields for m in rs.scan(tmp_path, fields=FIELDS)][::2]
    assert again == ("u3", 7, None, True, "r9", '{"arn":"u3"}', None, None, None)


def test_fields_must_be_a_sequence(tmp_path):
    rs = vigil.compile(RULES)
    write(tmp_path / "a.ndjson", [event(name="StopLogging")])
    try:
        rs.scan(tmp_path, fields="eventName")
    except TypeError:
        pass
    else:
        raise AssertionError("a string is not a sequence of fields")
    assert [m.fields for m in rs.scan(tmp_path, fields=[])] == [(), ()]
