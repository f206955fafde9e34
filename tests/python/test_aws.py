# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""vigil.aws Lambda handlers, end to end against a local AWS (moto in server mode).

A moto server is started on a free port and boto3 is pointed at it through
AWS_ENDPOINT_URL (no function is patched). The sample CloudTrail bucket of
examples/logs is uploaded to it, and the handlers are invoked with the payloads Lambda
gives them: S3 event notifications (written here, and the ones moto itself sends to an
SQS queue), EventBridge CloudTrail events, CloudWatch Logs subscription data. Their
findings are compared with what `vigil scan` reports for the same records.

boto3 and moto are needed only by the tests that use the local AWS (the `aws` fixture):
without them those tests are skipped -- or fail under VIGIL_TEST_OPTIONAL=require, as in
scripts/test-python -- and the tests of the handlers' own logic (EventBridge payloads,
wrappers, finding ids) still run. The reference is the `vigil` command: without it the
comparisons are skipped or fail the same way, never made against the library itself.
"""

from __future__ import annotations

import base64
import collections
import gzip
import json
import os
import pathlib
import shutil
import socket
import subprocess
import sys
import urllib.parse
import uuid

import pytest
from conftest import need_cli, need_module

import vigil
import vigil.aws as vaws


class _Boto3:
    """boto3, imported on first use (need_module: skip, or fail under require)."""

    def __getattr__(self, name):
        return getattr(need_module("boto3"), name)


boto3 = _Boto3()

REPO = pathlib.Path(__file__).resolve().parents[2]
LOGS = REPO / "examples" / "logs"
ACCOUNT = "641826429272"
REGION = "us-east-1"
BUCKET = "vigil-test-cloudtrail"
# A key as a user might name a copy: spaces, '+', parentheses (URL-encoded in notifications).
ODD_PREFIX = f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/25/copy of+trail (1)/"

LOG_FILES = sorted(p for p in LOGS.rglob("*.json.gz") if "CloudTrail-Digest" not in p.parts)
DIGEST_FILES = sorted(p for p in LOGS.rglob("*.json.gz") if "CloudTrail-Digest" in p.parts)


def _key(path: pathlib.Path) -> str:
    return path.relative_to(LOGS).as_posix()


def _records(path: pathlib.Path) -> list:
    with gzip.open(path, "rt", encoding="utf-8") as f:
        return json.load(f)["Records"]


# ---- the reference: `vigil scan` on the same records ---------------------------------------


def _vigil_cli() -> str:
    """The `vigil` command: $VIGIL_CLI, the one beside this Python, on PATH, or the
    source tree's build/vigil. Missing, the test is skipped (fails under require): the
    handlers are never compared with the library they are built on."""
    return need_cli(os.environ.get("VIGIL_CLI") or "", str(pathlib.Path(sys.executable).with_name("vigil")),
                    shutil.which("vigil") or "", str(REPO / "build" / "vigil"))


def reference_matches(path) -> list:
    """(file, record, rule id, eventID) of every match `vigil scan` reports for `path`
    with the same rules the handlers use (the bundled pack)."""
    cli = _vigil_cli()
    out = subprocess.run([cli, "scan", "--rules", vigil.bundled(), "--format", "jsonl", "-q",
                          str(path)], check=True, capture_output=True, text=True).stdout
    rows = [json.loads(line) for line in out.splitlines()]
    # the scan's correlation alerts (correlation_id, no rule_id) are not matches
    return [(r["file"], r["record"], r["rule_id"], r["event"].get("eventID"))
            for r in rows if "rule_id" in r]


def pairs(rows) -> collections.Counter:
    return collections.Counter((r[2], r[3]) for r in rows)


def finding_pairs(findings) -> collections.Counter:
    return collections.Counter((f["rule"]["id"], f["event"]["eventID"]) for f in findings)


# ---- the local AWS ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def aws(tmp_path_factory):
    """A moto server, and the environment a Lambda function would have, pointed at it."""
    moto_server = need_module("moto.server")  # moto[server]: moto, flask, werkzeug
    need_module("boto3")
    port = _free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    empty = tmp_path_factory.mktemp("aws") / "none"
    with pytest.MonkeyPatch.context() as mp:
        for name in list(os.environ):
            if name.startswith(("AWS_", "VIGIL_")) and name != "VIGIL_CLI":
                mp.delenv(name)
        mp.setenv("AWS_ACCESS_KEY_ID", "testing")
        mp.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        mp.setenv("AWS_SESSION_TOKEN", "testing")
        mp.setenv("AWS_REGION", REGION)
        mp.setenv("AWS_DEFAULT_REGION", REGION)
        mp.setenv("AWS_CONFIG_FILE", str(empty))
        mp.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty))
        mp.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{port}")
        vaws._clients.clear()
        try:
            yield port
        finally:
            vaws._clients.clear()
    server.stop()


def _queue(sqs, name: str) -> tuple:
    url = sqs.create_queue(QueueName=name)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return url, arn


def _drain(sqs, url: str) -> list:
    messages = []
    while True:
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10,
                                  MessageAttributeNames=["All"]).get("Messages", [])
        if not got:
            return messages
        messages += got
        sqs.delete_message_batch(QueueUrl=url, Entries=[
            {"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(got)])


@pytest.fixture(scope="module")
def bucket(aws):
    """The CloudTrail bucket: every file of examples/logs under its own key, one log file
    again under ODD_PREFIX, and a truncated log file. The notifications S3 (moto) sends
    for these uploads go to an SQS queue, returned as `notifications`."""
    s3, sqs = boto3.client("s3"), boto3.client("sqs")
    s3.create_bucket(Bucket=BUCKET)
    url, arn = _queue(sqs, "s3-notifications")
    s3.put_bucket_notification_configuration(Bucket=BUCKET, NotificationConfiguration={
        "QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]})
    keys = {}
    for path in LOG_FILES + DIGEST_FILES:
        s3.upload_file(str(path), BUCKET, _key(path))
        keys[_key(path)] = path
    odd = ODD_PREFIX + LOG_FILES[0].name
    s3.upload_file(str(LOG_FILES[0]), BUCKET, odd)
    keys[odd] = LOG_FILES[0]
    return {"keys": keys, "odd": odd, "notifications": [m["Body"] for m in _drain(sqs, url)]}


@pytest.fixture
def outputs(aws, monkeypatch):
    """A fresh SNS topic (-> SQS, raw delivery) and EventBridge bus (rule -> SQS), named in
    VIGIL_SNS_TOPIC_ARN and VIGIL_EVENT_BUS_NAME."""
    sqs, sns, events = boto3.client("sqs"), boto3.client("sns"), boto3.client("events")
    tag = uuid.uuid4().hex[:8]
    topic = sns.create_topic(Name=f"vigil-findings-{tag}")["TopicArn"]
    sns_url, sns_queue = _queue(sqs, f"from-sns-{tag}")
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=sns_queue,
                  Attributes={"RawMessageDelivery": "true"})
    bus = f"vigil-bus-{tag}"
    events.create_event_bus(Name=bus)
    events.put_rule(Name="findings", EventBusName=bus,
                    EventPattern=json.dumps({"source": ["vigil"], "detail-type": ["Vigil Finding"]}))
    eb_url, eb_queue = _queue(sqs, f"from-eventbridge-{tag}")
    events.put_targets(Rule="findings", EventBusName=bus, Targets=[{"Id": "queue", "Arn": eb_queue}])
    monkeypatch.setenv("VIGIL_SNS_TOPIC_ARN", topic)
    monkeypatch.setenv("VIGIL_EVENT_BUS_NAME", bus)
    return {"sns": lambda: _drain(sqs, sns_url), "eventbridge": lambda: _drain(sqs, eb_url)}


@pytest.fixture(autouse=True)
def _no_vigil_env(monkeypatch):
    for name in list(os.environ):
        if name.startswith("VIGIL_") and name != "VIGIL_CLI":
            monkeypatch.delenv(name)


# ---- Lambda payloads ------------------------------------------------------------------


def s3_notification(key: str, event_name: str = "ObjectCreated:Put", size: int = 0) -> dict:
    """An S3 event notification as Lambda receives it (object key URL-encoded)."""
    return {"Records": [{
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": REGION,
        "eventTime": "2026-11-25T09:35:12.123Z",
        "eventName": event_name,
        "userIdentity": {"principalId": "AWS:AROAEXAMPLEROLE:regionalDeliverySession"},
        "requestParameters": {"sourceIPAddress": "198.51.100.20"},
        "responseElements": {"x-amz-request-id": "C3D13FE58DE4C810",
                             "x-amz-id-2": "FMyUVURIY8/IgAtTv8xRjskZQpcIZ9KG4V5Wp6S7S/JRWeUWerMUE5JgHvANOjpD"},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": "vigil-cloudtrail",
            "bucket": {"name": BUCKET, "ownerIdentity": {"principalId": "A3NL1KOZZKExample"},
                       "arn": f"arn:aws:s3:::{BUCKET}"},
            "object": {"key": urllib.parse.quote_plus(key, safe="/"), "size": size,
                       "eTag": "d41d8cd98f00b204e9800998ecf8427e", "sequencer": "0055AED6DCD90281E5"},
        },
    }]}


def sqs_event(bodies: list) -> dict:
    return {"Records": [{
        "messageId": str(uuid.uuid4()),
        "receiptHandle": "AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a",
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": "1764063312000"},
        "messageAttributes": {},
        "md5OfBody": "e4e68fb7bd0e697a0ae8f1bb342846b3",
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:s3-notifications",
        "awsRegion": REGION,
    } for body in bodies]}


_DETAIL_TYPES = {
    "AwsApiCall": "AWS API Call via CloudTrail",
    "AwsConsoleSignIn": "AWS Console Sign In via CloudTrail",
    "AwsServiceEvent": "AWS Service Event via CloudTrail",
    "AwsConsoleAction": "AWS Console Action via CloudTrail",
}


def eventbridge_event(record: dict) -> dict:
    """The event EventBridge delivers for a CloudTrail record."""
    return {
        "version": "0",
        "id": str(uuid.uuid5(uuid.NAMESPACE_URL, record["eventID"])),
        "detail-type": _DETAIL_TYPES[record.get("eventType", "AwsApiCall")],
        "source": "aws." + record["eventSource"].split(".")[0],
        "account": record["recipientAccountId"],
        "time": record["eventTime"],
        "region": record["awsRegion"],
        "resources": [],
        "detail": record,
    }


def cloudwatch_logs_event(log_stream: str, messages: list, message_type: str = "DATA_MESSAGE") -> dict:
    """A CloudWatch Logs subscription delivery: base64 of the gzip of the JSON."""
    data = {
        "messageType": message_type,
        "owner": ACCOUNT,
        "logGroup": f"aws-cloudtrail-logs-{ACCOUNT}-0d5f1a2b",
        "logStream": log_stream,
        "subscriptionFilters": ["vigil"],
        "logEvents": [{"id": str(36000000000000000000000000000000000000000000000000000000 + i),
                       "timestamp": 1764057600000 + i, "message": m} for i, m in enumerate(messages)],
    }
    return {"awslogs": {"data": base64.b64encode(gzip.compress(json.dumps(data).encode())).decode()}}


def invoke(capsys, fn, payload):
    """Calls a handler; returns its summary and the findings it wrote to stdout."""
    capsys.readouterr()
    summary = fn(payload, None)
    out = capsys.readouterr().out
    return summary, [json.loads(line) for line in out.splitlines()]


# ---- tests --------------------------------------------------------------------------------


def test_s3_notifications_match_vigil_scan(bucket, capsys):
    """One notification per object of the bucket: the findings are those `vigil scan`
    reports on the folder, file by file and record by record; digests are skipped."""
    findings, totals = [], collections.Counter()
    for key in bucket["keys"]:
        if key == bucket["odd"]:
            continue
        summary, found = invoke(capsys, vaws.s3_handler, s3_notification(key))
        assert summary["findings"] == len(found)
        assert summary["errors"] == 0
        totals.update(summary)
        findings += found

    expected = reference_matches(LOGS)
    assert len(findings) == len(expected) == 94
    assert totals["events"] == sum(len(_records(p)) for p in LOG_FILES) == 2500
    assert totals["objects"] == len(LOG_FILES)
    assert totals["skipped"] == len(DIGEST_FILES) == 6
    got = collections.Counter((f["source"]["key"], f["source"]["record"], f["rule"]["id"],
                               f["event"]["eventID"]) for f in findings)
    want = collections.Counter((str(pathlib.Path(f).relative_to(LOGS).as_posix()), rec, rule, eid)
                               for f, rec, rule, eid in expected)
    assert got == want
    for f in findings:
        assert f["source"]["type"] == "s3" and f["source"]["bucket"] == BUCKET
        assert set(f["rule"]) == {"id", "title", "level", "status", "tags", "author"}
        assert len(f["finding_id"]) == 64
    assert len({f["finding_id"] for f in findings}) == len(findings)


def test_s3_key_is_url_decoded(bucket, capsys):
    key = bucket["odd"]
    notification = s3_notification(key)
    assert "+" in notification["Records"][0]["s3"]["object"]["key"]  # ' ' -> '+', '+' -> %2B
    summary, found = invoke(capsys, vaws.s3_handler, notification)
    expected = reference_matches(LOG_FILES[0])
    assert summary["objects"] == 1 and summary["errors"] == 0
    assert summary["events"] == len(_records(LOG_FILES[0]))
    assert finding_pairs(found) == pairs(expected) and expected
    assert {f["source"]["key"] for f in found} == {key}


def test_digest_and_other_notifications_skipped(bucket, capsys):
    digest = _key(DIGEST_FILES[0])
    summary, found = invoke(capsys, vaws.s3_handler, s3_notification(digest))
    assert (summary["skipped"], summary["objects"], summary["events"], found) == (1, 0, 0, [])
    removed = s3_notification(_key(LOG_FILES[0]), event_name="ObjectRemoved:Delete")
    summary, found = invoke(capsys, vaws.s3_handler, removed)
    assert (summary["skipped"], summary["objects"], found) == (1, 0, [])
    folder = s3_notification(f"AWSLogs/{ACCOUNT}/")
    assert invoke(capsys, vaws.s3_handler, folder)[0]["skipped"] == 1


def test_moto_s3_notifications_through_sqs(bucket, capsys):
    """The notifications the S3 server itself sent (S3 -> SQS -> Lambda), including its
    s3:TestEvent: every log object is scanned once, digests are skipped."""
    bodies = bucket["notifications"]
    assert any('"s3:TestEvent"' in b for b in bodies)
    findings, totals = [], collections.Counter()
    for i in range(0, len(bodies), 10):  # Lambda's default SQS batch size
        summary, found = invoke(capsys, vaws.handler, sqs_event(bodies[i:i + 10]))
        totals.update(summary)
        findings += found
    assert totals["errors"] == 0
    assert totals["objects"] == len(LOG_FILES) + 1  # and the odd key
    assert totals["skipped"] == len(DIGEST_FILES) + 1  # and the test event
    expected = pairs(reference_matches(LOGS)) + pairs(reference_matches(LOG_FILES[0]))
    assert finding_pairs(findings) == expected


def test_duplicate_deliveries_have_the_same_finding_ids(bucket, capsys):
    key = next(k for k in bucket["keys"] if reference_matches(bucket["keys"][k]))
    _, first = invoke(capsys, vaws.s3_handler, s3_notification(key))
    _, again = invoke(capsys, vaws.handler, s3_notification(key))
    assert first and first == again  # byte for byte, ids included
    # The same records through EventBridge: same findings, same ids (rule, account, eventID).
    events = [eventbridge_event(r) for r in _records(bucket["keys"][key])]
    via_eventbridge = []
    for e in events + events:  # delivered twice
        via_eventbridge += invoke(capsys, vaws.eventbridge_handler, e)[1]
    ids = sorted(f["finding_id"] for f in first)
    assert sorted(f["finding_id"] for f in via_eventbridge) == sorted(ids + ids)
    # Without an eventID: a hash of the event and the place it was read.
    event = dict(_records(bucket["keys"][key])[0])
    event.pop("eventID")
    a = vaws.finding_id("r", event, "s3://b/k#0")
    assert a == vaws.finding_id("r", json.loads(json.dumps(event, sort_keys=True)), "s3://b/k#0")
    assert a != vaws.finding_id("r", event, "s3://b/k#1") != vaws.finding_id("r2", event, "s3://b/k#0")


def test_eventbridge_events_match_vigil_scan(tmp_path, capsys):
    records = [r for p in LOG_FILES for r in _records(p)]
    envelopes = [eventbridge_event(r) for r in records]
    findings, events = [], 0
    for e in envelopes:  # one event per invocation, as EventBridge invokes
        summary, found = invoke(capsys, vaws.eventbridge_handler, e)
        events += summary["events"]
        findings += found
    ndjson = tmp_path / "eventbridge.ndjson"
    ndjson.write_text("".join(json.dumps(e) + "\n" for e in envelopes))
    expected = reference_matches(ndjson)  # vigil scan reads EventBridge events too
    assert events == len(records) == 2500
    assert len(findings) == len(expected) == 94
    assert finding_pairs(findings) == pairs(expected) == pairs(reference_matches(LOGS))
    f = findings[0]
    assert f["source"]["type"] == "eventbridge" and f["source"]["detail_type"].endswith("via CloudTrail")
    assert f["event"] == next(r for r in records if r["eventID"] == f["event"]["eventID"])
    # A list of events (e.g. a test invocation) is accepted too.
    summary, found = invoke(capsys, vaws.handler, envelopes[:300])
    assert summary["events"] == 300 and len(found) == len(reference_matches_for(tmp_path, records[:300]))


# ---- hostile payloads (issue 13, item 13): handled, counted, never raised ---------------------


def _stop_logging_record() -> dict:
    """A record of the sample logs that the bundled pack matches (StopLogging)."""
    return next(r for p in LOG_FILES for r in _records(p) if r["eventName"] == "StopLogging")


def test_lone_surrogate_in_eventbridge_detail_is_scanned(capsys):
    """A "\\ud800" escape in an attacker-controlled field (json.loads makes a lone
    surrogate of it) used to raise UnicodeEncodeError out of the handler: now the event is
    matched as if the character were U+FFFD, by the same rules as without it, and the
    finding shows the value as received (the escape)."""
    clean = _stop_logging_record()
    hostile = json.loads(json.dumps(clean).replace('"userAgent": "', '"userAgent": "\\ud800'))
    assert hostile["userAgent"].startswith("\ud800")
    summary, plain = invoke(capsys, vaws.eventbridge_handler, eventbridge_event(clean))
    assert plain and summary["errors"] == 0
    summary, found = invoke(capsys, vaws.eventbridge_handler, eventbridge_event(hostile))
    assert (summary["events"], summary["errors"], summary["findings"]) == (1, 0, len(plain))
    assert [f["rule"]["id"] for f in found] == [f["rule"]["id"] for f in plain]
    assert [f["finding_id"] for f in found] == [f["finding_id"] for f in plain]  # same eventID
    assert all(f["event"]["userAgent"] == hostile["userAgent"] for f in found)
    # A rule on the field itself sees U+FFFD there (the engine's reading of the escape),
    # through a dict and through a str holding the raw surrogate.
    rs = vigil.compile("""\
title: replacement character in the user agent
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        userAgent|startswith: "\ufffd"
    condition: selection
""")
    assert len(rs.match(hostile)) == 1 and len(rs.match(clean)) == 0
    assert len(rs.match(json.dumps(hostile, ensure_ascii=False))) == 1
    assert [m.index for m in rs.match_many([clean, hostile, clean])] == [1]
    # Without an eventID the finding id hashes the event itself: still computed.
    del hostile["eventID"]
    envelope = eventbridge_event(dict(hostile, eventID="x"))
    envelope["detail"] = hostile
    summary, found = invoke(capsys, vaws.handler, envelope)
    assert summary["errors"] == 0 and len(found) == len(plain)
    assert all(len(f["finding_id"]) == 64 for f in found)


def _wrap_sqs(payload: dict, levels: int) -> dict:
    """`payload` inside `levels` SQS envelopes (bodies given already decoded)."""
    for _ in range(levels):
        payload = {"Records": [{"eventSource": "aws:sqs", "messageId": "m", "body": payload}]}
    return payload


def test_deeply_wrapped_payloads_are_reported_not_raised(capsys):
    """SQS / SNS wrappers nested 2,000 deep used to raise RecursionError: now the handler
    unwraps up to MAX_WRAPPER_DEPTH levels, counts a deeper payload as an error, and scans
    the rest of the invocation."""
    record = _stop_logging_record()
    _, plain = invoke(capsys, vaws.handler, eventbridge_event(record))
    limit = vaws.MAX_WRAPPER_DEPTH
    assert limit == 32
    # Exactly at the limit: scanned as if it came directly.
    summary, found = invoke(capsys, vaws.handler, _wrap_sqs(eventbridge_event(record), limit))
    assert (summary["events"], summary["errors"], len(found)) == (1, 0, len(plain))
    # One level more, 2,000 levels, and 2,000 nested lists: reported, nothing raised,
    # and the event beside them in the same invocation is still scanned.
    for deep in (_wrap_sqs(eventbridge_event(record), limit + 1),
                 _wrap_sqs(eventbridge_event(record), 2000)):
        payload = [deep, eventbridge_event(record)]
        summary, found = invoke(capsys, vaws.handler, payload)
        assert (summary["events"], summary["errors"], len(found)) == (1, 1, len(plain))
    nested = eventbridge_event(record)
    for _ in range(2000):
        nested = [nested]
    summary, found = invoke(capsys, vaws.handler, nested)
    assert (summary["events"], summary["errors"], found) == (0, 1, [])
    # An SNS notification inside SQS, 2,000 deep, the form CloudTrail's SNS topic takes.
    sns = eventbridge_event(record)
    for _ in range(2000):
        sns = {"Type": "Notification", "Message": sns}
    summary, found = invoke(capsys, vaws.handler, sns)
    assert (summary["events"], summary["errors"], found) == (0, 1, [])
    # A body whose JSON nests deeper than Python's json module reads.
    summary, found = invoke(capsys, vaws.handler, sqs_event(["[" * 100000 + "]" * 100000]))
    assert (summary["events"], summary["errors"], found) == (0, 1, [])


_DUPLICATE_RULE = """\
title: {title}
id: 5b3c8a52-8a0e-4a4b-9d3e-2f0c2f9e1a77
logsource: {{product: aws, service: cloudtrail}}
detection:
    selection:
        eventName: StopLogging
    condition: selection
level: high
"""


def test_rules_sharing_an_id_give_distinct_finding_ids(tmp_path, monkeypatch, capsys):
    """Two loaded rules with one id (a copy, a fork that kept the id) used to give their
    findings on an event the same finding_id, so a consumer dropping repeats lost one.
    Now such rules are keyed by [id, file, line, column]; a rule whose id is unique keeps
    the id alone (the ids of findings already delivered do not change)."""
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "a.yml").write_text(_DUPLICATE_RULE.format(title="copy A"))
    (rules / "b.yml").write_text(_DUPLICATE_RULE.format(title="copy A"))  # same id and title
    (rules / "c.yml").write_text(_DUPLICATE_RULE.format(title="copy C") + "---\n" +
                                 _DUPLICATE_RULE.format(title="copy C"))  # twice in one file
    (rules / "unique.yml").write_text(_DUPLICATE_RULE.format(title="unique").replace(
        "5b3c8a52-8a0e-4a4b-9d3e-2f0c2f9e1a77", "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"))
    monkeypatch.setenv("VIGIL_RULES", str(rules))
    record = _stop_logging_record()
    summary, found = invoke(capsys, vaws.handler, eventbridge_event(record))
    assert summary["findings"] == len(found) == 5
    ids = [f["finding_id"] for f in found]
    assert len(set(ids)) == 5
    by_rule = {}
    for r in vaws.ruleset().rules:
        by_rule.setdefault(r.id, []).append(r)
    unique = by_rule["0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"][0]
    assert vaws.finding_id(unique.id, record) in ids
    for r in by_rule["5b3c8a52-8a0e-4a4b-9d3e-2f0c2f9e1a77"]:
        assert vaws.finding_id([r.id, r.file, r.line, r.column], record) in ids
    # The same delivery again: the same five ids.
    assert [f["finding_id"] for f in invoke(capsys, vaws.handler, eventbridge_event(record))[1]] == ids


def reference_matches_for(tmp_path, records) -> list:
    path = tmp_path / f"records-{uuid.uuid4().hex}.ndjson"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return reference_matches(path)


def test_cloudwatch_logs_subscription_matches_vigil_scan(tmp_path, capsys):
    findings, totals = [], collections.Counter()
    all_records = []
    for region in ("us-east-1", "eu-west-1", "us-west-2"):
        records = [r for p in LOG_FILES if f"_{region}_" in p.name for r in _records(p)]
        all_records += records
        stream = f"{ACCOUNT}_CloudTrail_{region}_3"
        for i in range(0, len(records), 250):
            messages = [json.dumps(r) for r in records[i:i + 250]]
            summary, found = invoke(capsys, vaws.cloudwatch_logs_handler,
                                    cloudwatch_logs_event(stream, messages))
            totals.update(summary)
            findings += found
    expected = reference_matches_for(tmp_path, all_records)
    assert totals["events"] == len(all_records) == 2500 and totals["errors"] == 0
    assert len(findings) == len(expected) == 94
    assert finding_pairs(findings) == pairs(expected)
    assert all(f["source"]["type"] == "cloudwatch_logs" and f["source"]["log_stream"].startswith(ACCOUNT)
               for f in findings)

    # The control message CloudWatch Logs sends when the subscription is created.
    summary, found = invoke(capsys, vaws.handler, cloudwatch_logs_event(
        "CloudwatchLogsDeliveryStream", ["CWL CONTROL MESSAGE: Checking health of destination"],
        message_type="CONTROL_MESSAGE"))
    assert (summary["skipped"], summary["events"], found) == (1, 0, [])

    # A message that is not JSON is counted as an error; the others are still matched.
    hits = [r for r in all_records if any(f["event"]["eventID"] == r["eventID"] for f in findings)][:3]
    messages = [json.dumps(hits[0]), "{not json", json.dumps(hits[1]), "[1, 2]", json.dumps(hits[2])]
    summary, found = invoke(capsys, vaws.cloudwatch_logs_handler, cloudwatch_logs_event("s", messages))
    assert summary["events"] == 5 and summary["errors"] == 2
    assert finding_pairs(found) == pairs(reference_matches_for(tmp_path, hits))


def test_findings_published_to_sns_and_eventbridge(bucket, outputs, capsys):
    keys = [k for k in bucket["keys"] if "Digest" not in k and k != bucket["odd"]]
    findings, totals, per_call = [], collections.Counter(), []
    for i in range(0, len(keys), 10):  # S3 -> SQS -> Lambda: ~17 findings an invocation
        bodies = [json.dumps(s3_notification(k)) for k in keys[i:i + 10]]
        summary, found = invoke(capsys, vaws.s3_handler, sqs_event(bodies))
        assert summary["sns_published"] == summary["eventbridge_published"] == len(found)
        totals.update(summary)
        findings += found
        per_call.append(len(found))
    assert max(per_call) > 10  # several PublishBatch / PutEvents calls in one invocation
    assert len(findings) == totals["findings"] == 94
    assert totals["sns_published"] == totals["eventbridge_published"] == 94

    by_id = {f["finding_id"]: f for f in findings}
    sns = outputs["sns"]()
    assert len(sns) == 94
    assert {m["Body"] and json.loads(m["Body"])["finding_id"] for m in sns} == set(by_id)
    for m in sns:
        finding = json.loads(m["Body"])
        assert finding == by_id[finding["finding_id"]]
        assert m["MessageAttributes"]["level"]["StringValue"] == finding["rule"]["level"]
        assert m["MessageAttributes"]["rule_id"]["StringValue"] == finding["rule"]["id"]

    bus = outputs["eventbridge"]()
    assert len(bus) == 94
    for m in bus:
        event = json.loads(m["Body"])
        assert (event["source"], event["detail-type"]) == ("vigil", "Vigil Finding")
        assert event["detail"] == by_id[event["detail"]["finding_id"]]
    assert {json.loads(m["Body"])["detail"]["finding_id"] for m in bus} == set(by_id)

    # A finding sent back to the function (a bus rule too broad) is not scanned again.
    summary, found = invoke(capsys, vaws.handler, json.loads(bus[0]["Body"]))
    assert (summary["skipped"], summary["events"], found) == (1, 0, [])


def test_handler_recognises_each_payload(bucket, capsys):
    key = _key(LOG_FILES[0])
    expected = pairs(reference_matches(LOG_FILES[0]))
    assert expected
    records = _records(LOG_FILES[0])
    forms = {
        "s3": s3_notification(key),
        "eventbridge list": [eventbridge_event(r) for r in records],
        "cloudwatch logs": cloudwatch_logs_event("s", [json.dumps(r) for r in records]),
        "sqs(s3)": sqs_event([json.dumps(s3_notification(key))]),
        "sqs(sns(s3))": sqs_event([json.dumps({
            "Type": "Notification", "MessageId": str(uuid.uuid4()),
            "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:s3-events",
            "Subject": "Amazon S3 Notification", "Message": json.dumps(s3_notification(key)),
            "Timestamp": "2026-11-25T09:35:13.000Z", "SignatureVersion": "1"})]),
        "sns(s3)": {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "Sns": {
            "Type": "Notification", "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:s3-events",
            "Message": json.dumps(s3_notification(key))}}]},
        "cloudtrail sns": {"Records": [{"EventSource": "aws:sns", "Sns": {
            "Type": "Notification", "TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:cloudtrail",
            "Message": json.dumps({"s3Bucket": BUCKET, "s3ObjectKey": [key, bucket["odd"]]})}}]},
    }
    for name, payload in forms.items():
        summary, found = invoke(capsys, vaws.handler, payload)
        want = expected + expected if name == "cloudtrail sns" else expected
        assert summary["errors"] == 0, name
        assert finding_pairs(found) == want, name

    # A named handler given another kind of payload fails loudly.
    with pytest.raises(vaws.VigilAwsError, match="use vigil.aws.handler"):
        vaws.s3_handler(eventbridge_event(records[0]), None)
    with pytest.raises(vaws.VigilAwsError, match="unrecognised payload"):
        vaws.handler({"hello": "world"}, None)


def test_unreadable_object_raises_after_the_rest(bucket, capsys):
    key = _key(LOG_FILES[0])
    payload = s3_notification(f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/25/missing.json.gz")
    payload["Records"] += s3_notification(key)["Records"]
    capsys.readouterr()
    with pytest.raises(vaws.VigilAwsError, match="missing.json.gz") as caught:
        vaws.s3_handler(payload, None)
    written = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert caught.value.summary["errors"] == 1 and caught.value.summary["objects"] == 1
    assert finding_pairs(written) == pairs(reference_matches(LOG_FILES[0]))


def test_damaged_log_file_is_scanned_as_far_as_it_goes(bucket, tmp_path, capsys):
    data = LOG_FILES[0].read_bytes()
    damaged = tmp_path / "damaged.json.gz"
    damaged.write_bytes(data[: len(data) * 2 // 3])
    key = f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/25/damaged.json.gz"
    boto3.client("s3").upload_file(str(damaged), BUCKET, key)
    summary, found = invoke(capsys, vaws.s3_handler, s3_notification(key))  # no exception
    assert summary["errors"] >= 1
    assert finding_pairs(found) == pairs(reference_matches(damaged))


def test_rules_and_vars_from_the_environment(bucket, tmp_path, monkeypatch, capsys):
    rule = tmp_path / "rules" / "watched_users.yml"
    rule.parent.mkdir()
    rule.write_text("""\
title: Activity of a watched user
id: 0b6bd0a4-3f55-4a55-9a0f-4f3f6c9b1f2e
status: experimental
author: vigil tests
logsource: {product: aws, service: cloudtrail}
detection:
    selection:
        userIdentity.type|expand: '%watched_types%'
    condition: selection
level: low
""")
    records = [r for p in LOG_FILES for r in _records(p)]
    root = sum(1 for r in records if r["userIdentity"].get("type") == "Root")
    assert root
    monkeypatch.setenv("VIGIL_RULES", str(rule.parent))
    monkeypatch.setenv("VIGIL_VARS", json.dumps({"vars": {"watched_types": ["Root"]}}))
    rs = vaws.ruleset()
    assert vaws.ruleset() is rs  # compiled once, kept
    assert [r.id for r in rs.rules] == ["0b6bd0a4-3f55-4a55-9a0f-4f3f6c9b1f2e"]
    summary, found = invoke(capsys, vaws.handler, [eventbridge_event(r) for r in records])
    assert summary["findings"] == root == len(found)

    vars_file = tmp_path / "vars.yml"  # the form `vigil scan --vars` reads
    vars_file.write_text("vars:\n    watched_types:\n        - Root\n        - IAMUser\n")
    monkeypatch.setenv("VIGIL_VARS", str(vars_file))
    monkeypatch.setenv("VIGIL_RULES", f"bundled{os.pathsep}{rule.parent}")
    assert vaws.ruleset() is not rs
    assert len(vaws.ruleset().rules) == len(vigil.load(vigil.bundled()).rules) + 1
    summary, found = invoke(capsys, vaws.handler, [eventbridge_event(r) for r in records])
    watched = sum(1 for r in records if r["userIdentity"].get("type") in ("Root", "IAMUser"))
    bundled = len(reference_matches_for(tmp_path, records))
    assert summary["findings"] == watched + bundled


def test_a_record_too_large_for_a_message_is_reduced(bucket, outputs, tmp_path, capsys):
    """SNS messages, EventBridge entries and CloudWatch Logs events hold 256 KiB: a finding
    on a larger record carries the record's identifying fields only."""
    hit = next(r for p in LOG_FILES for r in _records(p)
               if any(m[3] == r["eventID"] for m in reference_matches_for(tmp_path, [r])))
    big = dict(hit, additionalEventData={"padding": "x" * 400_000})
    path = tmp_path / "big.json.gz"
    path.write_bytes(gzip.compress(json.dumps({"Records": [big]}).encode()))
    key = f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/11/25/big.json.gz"
    boto3.client("s3").upload_file(str(path), BUCKET, key)
    summary, found = invoke(capsys, vaws.s3_handler, s3_notification(key))
    expected = reference_matches(path)
    assert summary["errors"] == 0 and finding_pairs(found) == pairs(expected)
    for f in found:
        assert f["event"]["vigilTruncated"] is True and "additionalEventData" not in f["event"]
        assert f["event"]["eventName"] == hit["eventName"]
        assert len(json.dumps(f).encode()) < 256 * 1024
        assert f["finding_id"] == vaws.finding_id(f["rule"]["id"], hit)  # as for the whole record
    assert len(outputs["sns"]()) == len(outputs["eventbridge"]()) == len(found)


@pytest.mark.parametrize("variable, value", [
    ("VIGIL_SNS_TOPIC_ARN", f"arn:aws:sns:{REGION}:123456789012:no-such-topic"),
    ("VIGIL_EVENT_BUS_NAME", "no-such-bus"),
])
def test_undeliverable_findings_fail_the_invocation(bucket, monkeypatch, capsys, variable, value):
    """Findings that cannot be delivered are not lost silently: the invocation fails (so
    Lambda retries it), after stdout has every finding."""
    monkeypatch.setenv(variable, value)
    capsys.readouterr()
    with pytest.raises(vaws.VigilAwsError, match="no-such") as caught:
        vaws.s3_handler(s3_notification(_key(LOG_FILES[0])), None)
    written = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert finding_pairs(written) == pairs(reference_matches(LOG_FILES[0]))
    assert caught.value.summary["errors"] >= 1
