# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
# Longer than this project's ~600-line mark: four Lambda entry points over one
# invocation (_Invocation: rules, destinations, batching, the report), and the payload
# shapes they accept (EventBridge, S3 notifications direct or through SQS/SNS,
# CloudWatch Logs subscriptions), which one dispatcher tells apart; each part is short.
"""AWS Lambda handlers: CloudTrail events in, vigil findings out.

Point a Lambda function's handler setting at one of:

  vigil.aws.handler                  any of the payloads below, detected by shape
  vigil.aws.eventbridge_handler      EventBridge events of CloudTrail ("AWS API Call via
                                     CloudTrail", ...): the record is in "detail"
  vigil.aws.s3_handler               S3 ObjectCreated notifications for CloudTrail log files,
                                     direct or wrapped in SQS / SNS messages, and CloudTrail's
                                     own SNS notifications ({"s3Bucket", "s3ObjectKey": [...]})
  vigil.aws.cloudwatch_logs_handler  CloudWatch Logs subscription payloads (base64 + gzip)

Each finding is written to standard output as one JSON line (what CloudWatch Logs
ingests), and also published to an SNS topic and / or put on an EventBridge bus when the
environment names them:

  {"finding_id": "<64 hex>", "rule": {"id", "title", "level", "status", "tags", "author"},
   "event": {...the CloudTrail record...}, "source": {"type": "s3" | "eventbridge" |
   "cloudwatch_logs", ...where the record came from}}

`finding_id` is stable across duplicate deliveries, so consumers can drop repeats: it is
the SHA-256 of the rule's key and the event's identity, which is (recipientAccountId,
eventID) for a CloudTrail record -- the same finding whichever way the record arrived
(S3 file, EventBridge, CloudWatch Logs) -- and, for an event without an eventID, a
canonical hash of the event together with where it was read (bucket/key/record, the
EventBridge event id, the log event id). The rule's key is its id (its title when it
has none). When several loaded rules share that key -- two copies of a rule, a fork
that kept the id -- each of them is keyed by [id, file, line, column] instead (and by
its position in the rule set too, if even that is shared), so that two rules never give
one event the same finding_id.

Strings holding a lone surrogate (a "\ud800" escape in the JSON a record came from, as
an attacker can put in a userAgent) are matched with U+FFFD in its place, and written
back as the same "\ud800" escape in the finding, so the event is still scanned and
shown as it was received.

SQS and SNS wrappers (and lists of payloads) are unwrapped without recursion, at most
MAX_WRAPPER_DEPTH (32) levels deep: a deeper payload, or a body whose JSON nests deeper
than Python's json module reads, is counted in `errors` and logged, and the rest of the
invocation goes on (it is not raised: retrying the same payload cannot help).

Environment:

  VIGIL_RULES           rule files or folders, separated by ':'; the word `bundled` stands
                        for the rule pack shipped with vigil (default: `bundled`)
  VIGIL_VARS            values for |expand placeholders: a JSON object ({"name": ["value",
                        ...]}), or the path of a vars file as `vigil scan --vars` reads it
                        (a `vars:` map, YAML or JSON)
  VIGIL_LOGSOURCE       auto (default) | cloudtrail | any, as `vigil scan --logsource`
  VIGIL_SNS_TOPIC_ARN   publish each finding to this topic (PublishBatch, 10 at a time;
                        FIFO topics get MessageDeduplicationId = finding_id)
  VIGIL_EVENT_BUS_NAME  put each finding on this bus, name or ARN (PutEvents, 10 at a time)
  VIGIL_EVENT_SOURCE    Source of those EventBridge events (default: vigil); DetailType is
                        "Vigil Finding". Events from this source are never scanned.

The rules are compiled once per container (on the first invocation) and kept.

Each handler returns a summary: {"events", "findings", "errors", "skipped", "objects",
"sns_published", "eventbridge_published"}. A record that is not valid JSON is counted in
`errors` and logged; the rest is still scanned. When a source object cannot be read or
a finding cannot be delivered to SNS / EventBridge, the handler raises VigilAwsError
after everything else has been processed and delivered, so that Lambda retries the
invocation (or sends it to its failure destination) instead of losing findings
silently; findings already written are repeated then, with the same finding_id.

boto3 is imported only when S3, SNS or EventBridge is used (it is part of the Lambda
Python runtime; elsewhere it is an optional dependency).
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import logging
import os
import re
import shutil
import sys
import tempfile
import urllib.parse
from typing import Any, Iterable, Optional

import vigil

__all__ = [
    "handler",
    "eventbridge_handler",
    "s3_handler",
    "cloudwatch_logs_handler",
    "ruleset",
    "finding_id",
    "VigilAwsError",
]

log = logging.getLogger("vigil.aws")

FINDING_DETAIL_TYPE = "Vigil Finding"

# How many SQS / SNS envelopes (and lists of payloads) may be nested around a payload.
# Real deliveries have at most 3 (S3 -> SNS -> SQS); the limit keeps a hostile or looping
# payload from costing unbounded work.
MAX_WRAPPER_DEPTH = 32
DEFAULT_EVENT_SOURCE = "vigil"

# SNS and EventBridge accept 256 KiB per message / entry and per batch call. A finding
# whose JSON text is larger than this (a huge record) carries a reduced copy of its event.
_MAX_FINDING_BYTES = 240 * 1024
_MAX_BATCH_BYTES = 256 * 1024 - 4096
_BATCH_ENTRIES = 10

# Fields kept when a record must be shortened to fit a message.
_KEPT_FIELDS = (
    "eventVersion", "eventTime", "eventSource", "eventName", "awsRegion",
    "sourceIPAddress", "userAgent", "userIdentity", "errorCode", "errorMessage",
    "eventID", "eventType", "recipientAccountId", "readOnly", "managementEvent",
    "eventCategory",
)


class VigilAwsError(RuntimeError):
    """Raised after an invocation in which a source object could not be read or a
    finding could not be delivered. .summary holds the invocation's summary."""

    def __init__(self, message: str, summary: dict):
        super().__init__(message)
        self.summary = summary


# ---- rules: compiled once per container -----------------------------------------------

_ruleset_cache: dict = {}


def ruleset():
    """The RuleSet named by VIGIL_RULES / VIGIL_VARS, compiled on first use and cached
    for the life of the container (recompiled only if those variables change)."""
    key = (os.environ.get("VIGIL_RULES", ""), os.environ.get("VIGIL_VARS", ""))
    rs = _ruleset_cache.get(key)
    if rs is None:
        rs = _load_ruleset(*key)
        _ruleset_cache.clear()
        _ruleset_cache[key] = rs
    return rs


def _load_ruleset(spec: str, vars_spec: str):
    paths = []
    for part in (spec.split(os.pathsep) if spec.strip() else ["bundled"]):
        part = part.strip()
        if part:
            paths.append(vigil.bundled() if part == "bundled" else part)
    if not paths:
        paths = [vigil.bundled()]
    rs = vigil.load(*paths, vars=_load_vars(vars_spec), skip_tests=True)
    log.info("vigil: %d rules loaded from %s", len(rs), ", ".join(paths))
    return rs


def _load_vars(spec: str):
    """VIGIL_VARS: a JSON object (plain, or with the values under "vars"), else the path
    of a vars file in the `vigil scan --vars` form (YAML or JSON with a `vars:` map)."""
    spec = spec.strip()
    if not spec:
        return None
    if not spec.startswith("{"):
        return spec  # vigil.load reads the file
    data = json.loads(spec)
    if isinstance(data.get("vars"), dict):
        data = data["vars"]
    return data


def _kind() -> str:
    return os.environ.get("VIGIL_LOGSOURCE", "").strip() or "auto"


# ---- boto3 clients, created lazily and kept ------------------------------------------

_clients: dict = {}
_ENDPOINT_ENV = {"s3": "S3", "sns": "SNS", "events": "EVENTBRIDGE"}


def _client(service: str, region: Optional[str] = None):
    # boto3 >= 1.28 reads AWS_ENDPOINT_URL(_<SERVICE>) itself; passing it explicitly
    # gives older boto3 the same behaviour.
    endpoint = (os.environ.get("AWS_ENDPOINT_URL_" + _ENDPOINT_ENV.get(service, service.upper()))
                or os.environ.get("AWS_ENDPOINT_URL") or None)
    key = (service, region, endpoint)
    client = _clients.get(key)
    if client is None:
        import boto3
        from botocore.config import Config

        kwargs: dict = {"config": Config(retries={"mode": "standard", "max_attempts": 5})}
        if region:
            kwargs["region_name"] = region
        if endpoint:
            kwargs["endpoint_url"] = endpoint
        client = boto3.client(service, **kwargs)
        _clients[key] = client
    return client


def _arn_region(arn: str) -> Optional[str]:
    parts = arn.split(":")
    if arn.startswith("arn:") and len(parts) > 5 and parts[3]:
        return parts[3]
    return None


# ---- findings --------------------------------------------------------------------------


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogates(text: str) -> str:
    """JSON text from json.dumps(ensure_ascii=False) with each lone surrogate (which
    UTF-8 cannot encode) written as its \\uXXXX escape: the text is then valid UTF-8,
    and a JSON reader gets back the same string. A surrogate can only stand inside a
    JSON string there, where an escape means the same character."""
    return _LONE_SURROGATE.sub(lambda m: "\\u%04x" % ord(m.group()), text)


def _canonical(value: Any) -> bytes:
    return _escape_surrogates(json.dumps(value, sort_keys=True, separators=(",", ":"),
                                         ensure_ascii=False, default=str)).encode("utf-8")


def finding_id(rule_key: Any, event: Any, where: str = "") -> str:
    """The stable id of the finding of a rule on `event`: SHA-256 (hex) of the rule's key
    and the event's identity -- (recipientAccountId, eventID) for a CloudTrail record,
    else a canonical hash of the event plus `where` (the place it was read). The rule's
    key is its id (a str), or, for a rule whose id other loaded rules share, the list
    [id, file, line, column] (see the module's documentation)."""
    event_id = event.get("eventID") if isinstance(event, dict) else None
    if isinstance(event_id, str) and event_id:
        identity = ["eventID", str(event.get("recipientAccountId") or ""), event_id]
    else:
        identity = ["sha256", hashlib.sha256(_canonical(event)).hexdigest(), where]
    return hashlib.sha256(_canonical([rule_key, identity])).hexdigest()


_rule_keys_cache: dict = {}


def _rule_keys(rules) -> dict:
    """Rule index -> the key finding_id uses for it: the id (or title) when no other
    loaded rule has it, else [id, file, line, column], and the index as well when even
    that is shared (rules not read from files). Computed once per RuleSet."""
    keys = _rule_keys_cache.get(id(rules))
    if keys is not None and keys[0] is rules:
        return keys[1]
    loaded = list(rules)
    names = [r.id or r.title for r in loaded]
    seen: dict = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    by_index: dict = {}
    for r, n in zip(loaded, names):
        by_index[r._index] = n if seen[n] == 1 else [n, r.file or "", r.line or 0, r.column or 0]
    places: dict = {}
    for k in by_index.values():
        if isinstance(k, list):
            places[json.dumps(k)] = places.get(json.dumps(k), 0) + 1
    for i, k in by_index.items():
        if isinstance(k, list) and places[json.dumps(k)] > 1:
            by_index[i] = k + [i]
    _rule_keys_cache.clear()
    _rule_keys_cache[id(rules)] = (rules, by_index)
    return by_index


def _rule_summary(rule) -> dict:
    return {
        "id": rule.id,
        "title": rule.title,
        "level": rule.level,
        "status": rule.status,
        "tags": list(rule.tags),
        "author": rule.author,
    }


def _dumps(value: Any) -> str:
    return _escape_surrogates(json.dumps(value, separators=(",", ":"), ensure_ascii=False,
                                         default=str))


def _finding_text(finding: dict) -> str:
    """The finding's JSON text, with its event reduced to the identifying fields when the
    whole would not fit an SNS message / EventBridge entry / CloudWatch Logs event."""
    text = _dumps(finding)
    if len(text.encode("utf-8")) <= _MAX_FINDING_BYTES:
        return text
    event = finding.get("event")
    reduced = {k: event[k] for k in _KEPT_FIELDS if k in event} if isinstance(event, dict) else {}
    reduced["vigilTruncated"] = True
    text = _dumps(dict(finding, event=reduced))
    if len(text.encode("utf-8")) > _MAX_FINDING_BYTES:
        reduced = {k: reduced[k] for k in ("eventID", "eventName", "eventSource", "eventTime",
                                           "recipientAccountId") if k in reduced}
        reduced["vigilTruncated"] = True
        text = _dumps(dict(finding, event=reduced))
    return text


class _Batcher:
    """Entries sent 10 at a time, and no more than _MAX_BATCH_BYTES a call."""

    def __init__(self, send):
        self._send = send
        self._entries: list = []
        self._bytes = 0

    def add(self, entry: dict, size: int):
        if self._entries and (len(self._entries) == _BATCH_ENTRIES
                              or self._bytes + size > _MAX_BATCH_BYTES):
            self.flush()
        self._entries.append(entry)
        self._bytes += size

    def flush(self):
        if self._entries:
            entries, self._entries, self._bytes = self._entries, [], 0
            self._send(entries)


def _sns_subject(finding: dict) -> str:
    rule = finding["rule"]
    subject = f"vigil {rule.get('level') or ''}: {rule.get('title') or rule.get('id') or ''}"
    subject = "".join(c if 32 <= ord(c) < 127 else "?" for c in subject)
    return subject[:100]


class _Invocation:
    """State of one handler call: the rules, counters, and the outputs."""

    def __init__(self):
        self.rules = ruleset()
        self.rule_keys = _rule_keys(self.rules)
        self.kind = _kind()
        self.events = self.findings = self.errors = self.skipped = self.objects = 0
        self.sns_published = self.eventbridge_published = 0
        self.fatal: list = []  # messages of failures that lose findings

        self.topic = os.environ.get("VIGIL_SNS_TOPIC_ARN", "").strip() or None
        self.bus = os.environ.get("VIGIL_EVENT_BUS_NAME", "").strip() or None
        self.event_source = os.environ.get("VIGIL_EVENT_SOURCE", "").strip() or DEFAULT_EVENT_SOURCE
        self._sns = _Batcher(self._publish_sns) if self.topic else None
        self._eventbridge = _Batcher(self._put_events) if self.bus else None

    # -- errors

    def error(self, message: str, fatal: bool = False):
        self.errors += 1
        if fatal:
            self.fatal.append(message)
        log.error("vigil: %s", message)

    # -- matching

    def match_texts(self, items: list, parsed: list, sources: list, wheres: list):
        """Matches items (JSON texts or dicts); parsed[i] is item i as a dict."""
        self.events += len(items)
        if not items:
            return
        try:
            pairs = [(m.index, m) for m in self.rules.match_many(items, kind=self.kind)]
        except ValueError:  # one item the engine rejects: match one at a time
            pairs = []
            for i, item in enumerate(items):
                try:
                    pairs.extend((i, m) for m in self.rules.match(item, kind=self.kind))
                except ValueError as e:
                    self.error(f"{_describe(sources[i])}: {e}")
        for i, m in pairs:
            self.add(m.rule, parsed[i], sources[i], wheres[i])

    def add(self, rule, event: Any, source: dict, where: str):
        rule_id = rule.id or rule.title
        finding = {
            "finding_id": finding_id(self.rule_keys.get(rule._index, rule_id), event, where),
            "rule": _rule_summary(rule),
            "event": event,
            "source": source,
        }
        text = _finding_text(finding)
        sys.stdout.write(text + "\n")
        self.findings += 1
        if self._sns is not None:
            entry = {
                "Id": str(self.findings),
                "Message": text,
                "Subject": _sns_subject(finding),
                "MessageAttributes": {
                    "level": {"DataType": "String", "StringValue": rule.level or "unknown"},
                    "rule_id": {"DataType": "String", "StringValue": rule_id or "unknown"},
                },
            }
            if self.topic.endswith(".fifo"):
                entry["MessageDeduplicationId"] = finding["finding_id"]
                entry["MessageGroupId"] = (rule_id or "vigil")[:128]
            self._sns.add(entry, len(text.encode("utf-8")) + 200)
        if self._eventbridge is not None:
            entry = {
                "Source": self.event_source,
                "DetailType": FINDING_DETAIL_TYPE,
                "Detail": text,
                "EventBusName": self.bus,
            }
            self._eventbridge.add(entry, len(text.encode("utf-8")) + 100)

    # -- outputs

    def flush(self):
        sys.stdout.flush()
        for batcher in (self._sns, self._eventbridge):
            if batcher is not None:
                try:
                    batcher.flush()
                except Exception as e:  # noqa: BLE001 -- reported, then raised by _run
                    self.error(f"delivery failed: {e}", fatal=True)

    def _publish_sns(self, entries: list):
        client = _client("sns", _arn_region(self.topic))
        pending = entries
        for attempt in range(2):
            try:
                response = client.publish_batch(TopicArn=self.topic,
                                                PublishBatchRequestEntries=pending)
            except Exception as e:  # noqa: BLE001
                self.error(f"SNS PublishBatch to {self.topic} failed for {len(pending)} "
                           f"findings: {e}", fatal=True)
                return
            self.sns_published += len(response.get("Successful", []))
            failed = {f["Id"]: f for f in response.get("Failed", [])}
            if not failed:
                return
            pending = [e for e in pending if e["Id"] in failed]
            if attempt == 1 or any(f.get("SenderFault") for f in failed.values()):
                for f in failed.values():
                    self.error(f"SNS PublishBatch to {self.topic}: entry {f['Id']} failed: "
                               f"{f.get('Code')}: {f.get('Message')}", fatal=True)
                return

    def _put_events(self, entries: list):
        client = _client("events", _arn_region(self.bus))
        pending = entries
        for attempt in range(2):
            try:
                response = client.put_events(Entries=pending)
            except Exception as e:  # noqa: BLE001
                self.error(f"EventBridge PutEvents to {self.bus} failed for {len(pending)} "
                           f"findings: {e}", fatal=True)
                return
            results = response.get("Entries", [])
            failed = [(entry, r) for entry, r in zip(pending, results) if r.get("ErrorCode")]
            self.eventbridge_published += len(pending) - len(failed)
            if not failed:
                return
            pending = [entry for entry, _ in failed]
            if attempt == 1:
                for _, r in failed:
                    self.error(f"EventBridge PutEvents to {self.bus}: {r.get('ErrorCode')}: "
                               f"{r.get('ErrorMessage')}", fatal=True)

    def summary(self) -> dict:
        return {
            "events": self.events,
            "findings": self.findings,
            "errors": self.errors,
            "skipped": self.skipped,
            "objects": self.objects,
            "sns_published": self.sns_published,
            "eventbridge_published": self.eventbridge_published,
        }


def _describe(source: dict) -> str:
    kind = source.get("type")
    if kind == "s3":
        return f"s3://{source.get('bucket')}/{source.get('key')}"
    if kind == "eventbridge":
        return f"EventBridge event {source.get('id')}"
    if kind == "cloudwatch_logs":
        return f"{source.get('log_group')} {source.get('log_stream')} event {source.get('id')}"
    return str(source)


# ---- payloads ----------------------------------------------------------------------------

_S3, _EVENTBRIDGE, _CLOUDWATCH = "s3", "eventbridge", "cloudwatch_logs"
_ALL = frozenset((_S3, _EVENTBRIDGE, _CLOUDWATCH))


class _TooDeep(ValueError):
    """A payload nested deeper than the handler unwraps or json reads."""


def _json_body(text: Any) -> Any:
    if not isinstance(text, (str, bytes, bytearray)):
        return text
    try:
        return json.loads(text)
    except RecursionError:  # nested deeper than the json module reads
        raise _TooDeep("JSON nested too deeply") from None


def _dispatch(inv: _Invocation, payload: Any, accept: frozenset, handler_name: str):
    """Recognises the payload and hands it on; SQS and SNS wrappers (and lists) are
    unwrapped with an explicit stack, in order, at most MAX_WRAPPER_DEPTH deep."""
    stack = [(payload, 0)]
    while stack:
        item, depth = stack.pop()
        if depth > MAX_WRAPPER_DEPTH:
            inv.error(f"{handler_name}: payload wrapped more than {MAX_WRAPPER_DEPTH} levels "
                      f"deep (SQS / SNS envelopes or lists); not scanned")
            continue
        inner = _dispatch_one(inv, item, accept, handler_name)
        stack.extend((x, depth + 1) for x in reversed(inner))


def _dispatch_one(inv: _Invocation, payload: Any, accept: frozenset, handler_name: str) -> list:
    """Handles one payload; returns the payloads found inside its wrappers (SQS bodies,
    SNS messages, list items), to be handled next, in order."""

    def wrong(kind: str):
        inv.error(f"{handler_name} received a {kind} payload; use vigil.aws.handler, which "
                  f"accepts every kind", fatal=True)
        return []

    if isinstance(payload, list):  # several EventBridge events (e.g. a test invocation)
        return list(payload)
    if not isinstance(payload, dict):
        inv.error(f"{handler_name}: unrecognised payload of type {type(payload).__name__}",
                  fatal=True)
        return []

    inner: list = []
    if "awslogs" in payload:
        if _CLOUDWATCH not in accept:
            return wrong("CloudWatch Logs")
        _cloudwatch_logs(inv, payload)
    elif isinstance(payload.get("Records"), list):
        for record in payload["Records"]:
            source = None
            if isinstance(record, dict):
                source = record.get("eventSource") or record.get("EventSource")
            try:
                if source == "aws:s3":
                    if _S3 not in accept:
                        wrong("S3 notification")
                        continue
                    _s3_notification_record(inv, record)
                elif source == "aws:sqs":
                    inner.append(_json_body(record["body"]))
                elif source == "aws:sns":
                    inner.append(_json_body(record["Sns"]["Message"]))
                else:
                    inv.error(f"{handler_name}: unrecognised record (eventSource {source!r})",
                              fatal=True)
            except _TooDeep as e:  # reported, not raised: a retry cannot help
                inv.error(f"{handler_name}: {source} record not scanned: {e}")
            except (KeyError, TypeError, ValueError) as e:
                inv.error(f"{handler_name}: malformed {source} record: {e!r}", fatal=True)
    elif payload.get("Type") == "Notification" and "Message" in payload:  # SNS via SQS, not raw
        try:
            inner.append(_json_body(payload["Message"]))
        except _TooDeep as e:
            inv.error(f"{handler_name}: SNS message not scanned: {e}")
        except ValueError as e:
            inv.error(f"{handler_name}: SNS message is not JSON: {e}", fatal=True)
    elif "detail-type" in payload and "detail" in payload:
        if _EVENTBRIDGE not in accept:
            return wrong("EventBridge")
        _eventbridge_events(inv, [payload])
    elif payload.get("Event") == "s3:TestEvent":  # sent when a notification is configured
        inv.skipped += 1
    elif "s3Bucket" in payload and isinstance(payload.get("s3ObjectKey"), list):
        # CloudTrail's own SNS notification: keys are not URL-encoded there.
        if _S3 not in accept:
            return wrong("CloudTrail SNS notification")
        for key in payload["s3ObjectKey"]:
            _s3_object(inv, payload["s3Bucket"], key)
    else:
        keys = ", ".join(sorted(map(str, payload))[:8])
        inv.error(f"{handler_name}: unrecognised payload (keys: {keys})", fatal=True)
    return inner


def _eventbridge_events(inv: _Invocation, envelopes: Iterable[dict]):
    items, parsed, sources, wheres = [], [], [], []
    for env in envelopes:
        if env.get("source") == inv.event_source or env.get("detail-type") == FINDING_DETAIL_TYPE:
            inv.skipped += 1  # our own findings, should a rule send them back here
            continue
        detail = env.get("detail")
        source = {
            "type": _EVENTBRIDGE,
            "id": env.get("id"),
            "detail_type": env.get("detail-type"),
            "account": env.get("account"),
            "region": env.get("region"),
        }
        if not isinstance(detail, dict):
            inv.error(f"{_describe(source)}: detail is not a JSON object")
            continue
        items.append(detail)
        parsed.append(detail)
        sources.append(source)
        wheres.append(f"eventbridge:{env.get('id')}")
    inv.match_texts(items, parsed, sources, wheres)


def _cloudwatch_logs(inv: _Invocation, payload: dict):
    try:
        data = json.loads(gzip.decompress(base64.b64decode(payload["awslogs"]["data"])))
    except (KeyError, TypeError, ValueError, OSError, EOFError) as e:
        inv.error(f"CloudWatch Logs payload cannot be decoded: {e!r}", fatal=True)
        return
    if data.get("messageType") != "DATA_MESSAGE":  # CONTROL_MESSAGE: a reachability check
        inv.skipped += 1
        return
    items, parsed, sources, wheres = [], [], [], []
    for log_event in data.get("logEvents") or []:
        source = {
            "type": _CLOUDWATCH,
            "owner": data.get("owner"),
            "log_group": data.get("logGroup"),
            "log_stream": data.get("logStream"),
            "id": log_event.get("id"),
        }
        message = log_event.get("message")
        try:
            event = json.loads(message)
        except (TypeError, ValueError) as e:
            inv.events += 1
            inv.error(f"{_describe(source)}: not JSON: {e}")
            continue
        if not isinstance(event, dict):
            inv.events += 1
            inv.error(f"{_describe(source)}: not a JSON object")
            continue
        items.append(message)
        parsed.append(event)
        sources.append(source)
        wheres.append(f"cloudwatch_logs:{data.get('logGroup')}:{log_event.get('id')}")
    inv.match_texts(items, parsed, sources, wheres)


def _is_digest(key: str) -> bool:
    """CloudTrail digest files (AWSLogs/<account>/CloudTrail-Digest/...) hold hashes of
    log files, not events."""
    return "/CloudTrail-Digest/" in "/" + key or "_CloudTrail-Digest_" in key.rsplit("/", 1)[-1]


def _s3_notification_record(inv: _Invocation, record: dict):
    name = record.get("eventName") or ""
    if not name.startswith("ObjectCreated"):
        inv.skipped += 1
        return
    s3 = record["s3"]
    key = urllib.parse.unquote_plus(s3["object"]["key"])  # keys are URL-encoded, ' ' -> '+'
    _s3_object(inv, s3["bucket"]["name"], key, region=record.get("awsRegion"),
               version=s3["object"].get("versionId"))


def _s3_object(inv: _Invocation, bucket: str, key: str, region: Optional[str] = None,
               version: Optional[str] = None):
    if key.endswith("/") or _is_digest(key):
        inv.skipped += 1
        return
    where = f"s3://{bucket}/{key}"
    fd, path = tempfile.mkstemp(prefix="vigil-", suffix=".log")
    try:
        try:
            with os.fdopen(fd, "wb") as f:
                args = {"Bucket": bucket, "Key": key}
                if version:
                    args["VersionId"] = version
                body = _client("s3", region).get_object(**args)["Body"]
                try:
                    shutil.copyfileobj(body, f, 1 << 20)
                finally:
                    body.close()
        except Exception as e:  # noqa: BLE001 -- reported, then raised by _run
            inv.error(f"{where}: cannot be read: {e}", fatal=True)
            return
        inv.objects += 1
        _scan_file(inv, path, bucket, key, version, where)
    finally:
        try:
            os.unlink(path)
        except OSError:
            pass


def _scan_file(inv: _Invocation, path: str, bucket: str, key: str, version: Optional[str],
               where: str):
    """Scans a downloaded log file (gzip or not, {"Records": [...]} or NDJSON) with the
    engine's streaming reader: memory stays bounded whatever the file's size."""
    matches = inv.rules.scan(path, kind=inv.kind)
    for m in matches:
        source = {"type": _S3, "bucket": bucket, "key": key, "record": m.record}
        if version:
            source["version_id"] = version
        inv.add(m.rule, m.event, source, f"{where}#{m.record}")
    inv.events += _scanned_events(matches)
    for err in getattr(matches, "errors", None) or []:
        inv.error(f"{where}: {_error_text(err, path)}")


def _scanned_events(matches) -> int:
    stats = getattr(matches, "stats", None)
    for holder in (stats, matches):
        if holder is None:
            continue
        value = holder.get("events") if isinstance(holder, dict) else getattr(holder, "events", None)
        if isinstance(value, int):
            return value
    return 0


def _error_text(err: Any, path: str) -> str:
    message = getattr(err, "message", None)
    if message is None:
        return str(err).replace(path, "").lstrip(": ")
    line = getattr(err, "line", 0)
    return f"line {line}: {message}" if line else message


def _run(payload: Any, accept: frozenset, handler_name: str) -> dict:
    inv = _Invocation()
    try:
        _dispatch(inv, payload, accept, handler_name)
    finally:
        inv.flush()
    summary = inv.summary()
    if inv.fatal:
        raise VigilAwsError(f"{len(inv.fatal)} failure(s); first: {inv.fatal[0]}", summary)
    return summary


# ---- handlers ----------------------------------------------------------------------------


def handler(event: Any, context: Any = None) -> dict:
    """Any supported payload: EventBridge, S3 notifications (direct or through SQS / SNS),
    CloudTrail SNS notifications, CloudWatch Logs subscriptions."""
    return _run(event, _ALL, "vigil.aws.handler")


def eventbridge_handler(event: Any, context: Any = None) -> dict:
    """EventBridge events whose detail is a CloudTrail record (also a list of them, or
    through SQS / SNS)."""
    return _run(event, frozenset((_EVENTBRIDGE,)), "vigil.aws.eventbridge_handler")


def s3_handler(event: Any, context: Any = None) -> dict:
    """S3 ObjectCreated notifications of CloudTrail log files (direct or through SQS /
    SNS) and CloudTrail's SNS notifications. Digest files are skipped."""
    return _run(event, frozenset((_S3,)), "vigil.aws.s3_handler")


def cloudwatch_logs_handler(event: Any, context: Any = None) -> dict:
    """CloudWatch Logs subscription payloads whose messages are CloudTrail records."""
    return _run(event, frozenset((_CLOUDWATCH,)), "vigil.aws.cloudwatch_logs_handler")
