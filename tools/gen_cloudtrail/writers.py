"""Output: the NDJSON and {"Records":[...]} streams, the S3 delivery layout with its
gzip log files and hourly digests, and the JSON manifest.
"""

import gzip
import hashlib
import json
import sys
import time

from . import rulemap
from .attacks import ATTACKS
from .traffic import Gen
from .world import _ALNUM, Rand, iso

GENERATOR_VERSION = 1


# --------------------------------------------------------------------------- output

def dumps(rec, _enc=json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode):
    return _enc(rec)


class Counter:
    def __init__(self):
        self.events = 0
        self.bytes = 0
        self.attack_records = {}
        self.attack_ids = {}
        self.rule_hits = {}  # rule file stem -> attack records that trip it
        self.first = None
        self.last = None
        self.regions = {}


def run(args, out_stream=None):
    g = Gen(args)
    cnt = Counter()
    limit_events = args.events
    limit_bytes = args.bytes
    fmt = args.format
    events = g.events()
    sink = None
    if fmt == "s3":
        sink = S3Sink(args, g.w)
    else:
        if args.out in (None, "-"):
            fh = out_stream or sys.stdout.buffer
            close = False
        else:
            fh = open(args.out, "wb")
            close = True
    buf = []
    buf_bytes = 0
    sep = b"\n" if fmt == "ndjson" else b","
    if fmt == "records":
        fh.write(b'{"Records":[')
        cnt.bytes += 12
    first = True
    try:
        while True:
            if limit_events is not None and cnt.events >= limit_events:
                break
            if limit_bytes is not None and cnt.bytes >= limit_bytes:
                break
            t, region, rec, kind = next(events)
            line = dumps(rec).encode("utf-8")
            cnt.events += 1
            if kind:
                cnt.attack_records[kind] = cnt.attack_records.get(kind, 0) + 1
                cnt.attack_ids.setdefault(kind, []).append(rec["eventID"])
                for rule in rulemap.rules_of(kind, rec):
                    cnt.rule_hits[rule] = cnt.rule_hits.get(rule, 0) + 1
            if cnt.first is None:
                cnt.first = t
            cnt.last = t
            cnt.regions[region] = cnt.regions.get(region, 0) + 1
            if sink is not None:
                sink.add(t, region, line)
                cnt.bytes += len(line) + 1
                continue
            if fmt == "ndjson":
                buf.append(line)
                buf.append(sep)
                cnt.bytes += len(line) + 1
            else:
                if not first:
                    buf.append(sep)
                    cnt.bytes += 1
                first = False
                buf.append(line)
                cnt.bytes += len(line)
            buf_bytes += len(line)
            if buf_bytes > 1 << 20:
                fh.write(b"".join(buf))
                buf.clear()
                buf_bytes = 0
        if sink is not None:
            sink.close()
        else:
            if fmt == "records":
                buf.append(b"]}")
                cnt.bytes += 2
            fh.write(b"".join(buf))
            fh.flush()
    finally:
        if sink is None and close:
            fh.close()
    return g, cnt, sink


class S3Sink:
    """CloudTrail S3 layout: one gzip Records file per region per 5 minutes, hourly digests."""

    def __init__(self, args, world):
        import os
        self.os = os
        self.w = world
        self.root = args.out or "."
        self.level = args.gzip_level
        self.max_records = args.max_file_records
        self.r = Rand("vigil-s3-%s" % args.seed)  # names only, so events match the other formats
        self.window = None
        self.buffers = {}
        self.files = 0
        self.digests = 0
        self.out_bytes = 0
        self.pending_logs = {}  # region -> list of logFile dicts not yet in a digest
        self.digest_hour = None
        self.chain = {}  # region -> (object key, sha256 hex, signature hex)
        self.fingerprint = {reg: self.r.hexs(32) for reg in world.regions}

    def add(self, t, region, line):
        win = t - t % 300
        if self.window is None:
            self.window = win
            self.started = win  # logging (and the digest chain) starts here
            self.digest_hour = win - win % 3600
        if win != self.window:
            self.flush()
            self.window = win
        b = self.buffers.get(region)
        if b is None:
            b = self.buffers[region] = []
        b.append((t, line))
        if len(b) >= self.max_records:
            # Busy windows are split into several files, as CloudTrail does.
            self.write_log(region, b)
            self.buffers[region] = []

    def _write(self, key, data):
        path = self.os.path.join(self.root, key)
        self.os.makedirs(self.os.path.dirname(path), exist_ok=True)
        blob = gzip.compress(data, compresslevel=self.level, mtime=0)
        with open(path, "wb") as f:
            f.write(blob)
        self.out_bytes += len(blob)

    def flush(self):
        deliver = self.window + 300  # file names carry the delivery time
        while self.digest_hour + 3600 + self.w.digest_offset <= deliver:
            self.write_digests(self.digest_hour + 3600)
            self.digest_hour += 3600
        for region in sorted(self.buffers):
            if self.buffers[region]:
                self.write_log(region, self.buffers[region])
        self.buffers = {}

    def write_log(self, region, recs):
        deliver = self.window + 300
        stamp = time.strftime("%Y%m%dT%H%MZ", time.gmtime(deliver))
        day = time.strftime("%Y/%m/%d", time.gmtime(deliver))
        name = "%s_CloudTrail_%s_%s_%s.json.gz" % (self.w.account, region, stamp, self.r.s(_ALNUM, 16))
        key = "AWSLogs/%s/CloudTrail/%s/%s/%s" % (self.w.account, region, day, name)
        data = b'{"Records":[' + b",".join(line for _, line in recs) + b"]}"
        self._write(key, data)
        self.files += 1
        self.pending_logs.setdefault(region, []).append({
            "s3Bucket": self.w.trail_bucket, "s3Object": key,
            "hashValue": hashlib.sha256(data).hexdigest(), "hashAlgorithm": "SHA-256",
            "newestEventTime": iso(recs[-1][0]), "oldestEventTime": iso(recs[0][0])})

    def write_digests(self, hour_end):
        end = hour_end + self.w.digest_offset
        start = end - 3600
        for region in self.w.regions + sorted(set(self.pending_logs) - set(self.w.regions)):
            start = end - 3600
            logs = self.pending_logs.pop(region, [])
            prev = self.chain.get(region)
            if prev is None:  # a starting digest covers everything since logging started
                start = min(start, self.started)
            stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(end))
            day = time.strftime("%Y/%m/%d", time.gmtime(end))
            key = "AWSLogs/%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s.json.gz" % (
                self.w.account, region, day, self.w.account, region, self.w.trail, self.w.home, stamp)
            digest = {
                "awsAccountId": self.w.account, "digestStartTime": iso(start), "digestEndTime": iso(end),
                "digestS3Bucket": self.w.trail_bucket, "digestS3Object": key,
                "digestPublicKeyFingerprint": self.fingerprint.get(region) or self.r.hexs(32),
                "digestSignatureAlgorithm": "SHA256withRSA",
                "newestEventTime": max((l["newestEventTime"] for l in logs), default=None),
                "oldestEventTime": min((l["oldestEventTime"] for l in logs), default=None),
                "previousDigestS3Bucket": self.w.trail_bucket if prev else None,
                "previousDigestS3Object": prev[0] if prev else None,
                "previousDigestHashValue": prev[1] if prev else None,
                "previousDigestHashAlgorithm": "SHA-256" if prev else None,
                "previousDigestSignature": prev[2] if prev else None,
                "logFiles": logs}
            data = json.dumps(digest, separators=(",", ":")).encode()
            self._write(key, data)
            self.digests += 1
            # The signature would live in S3 object metadata; it is random here.
            self.chain[region] = (key, hashlib.sha256(data).hexdigest(), self.r.hexs(512))

    def close(self):
        if self.window is None:
            return
        self.flush()
        # Final digests covering the remaining files.
        while self.pending_logs:
            self.write_digests(self.digest_hour + 3600)
            self.digest_hour += 3600


def catalogue_entry(kind):
    """rules: what every record of the kind trips; rules_by_variant (kinds with branches
    the pack tells apart): what the records of each branch trip."""
    _, desc, variant = ATTACKS[kind]
    entry = {"rules": rulemap.catalogue_rules(kind), "description": desc}
    if variant is not None:
        entry["rules_by_variant"] = rulemap.rules_by_variant(kind)
    return entry


def manifest(args, g, cnt, sink):
    m = {
        "generator": "tools/gen_cloudtrail.py", "generator_version": GENERATOR_VERSION,
        "seed": args.seed, "format": args.format, "account": g.w.account, "regions": g.w.regions,
        "start": iso(args.start), "first_event_time": iso(cnt.first) if cnt.first is not None else None,
        "last_event_time": iso(cnt.last) if cnt.last is not None else None,
        "rate_per_second": args.rate, "attack_rate": args.attack_rate,
        "events": cnt.events,
        "bytes": cnt.bytes,
        "events_per_region": dict(sorted(cnt.regions.items())),
        "attack_records_total": sum(cnt.attack_records.values()),
        "attack_records": dict(sorted(cnt.attack_records.items())),
        "attack_instances": {k: v for k, v in sorted(g.attack_instances.items()) if k in cnt.attack_records},
        "expected_rule_matches": dict(sorted(cnt.rule_hits.items())),
        "attack_event_ids": {k: v for k, v in sorted(cnt.attack_ids.items())},
        "attack_catalogue": {k: catalogue_entry(k) for k in ATTACKS},
    }
    if sink is not None:
        m["s3"] = {"log_files": sink.files, "digest_files": sink.digests, "compressed_bytes": sink.out_bytes,
                   "trail": g.w.trail, "bucket": g.w.trail_bucket, "home_region": g.w.home}
        m["bytes_note"] = "bytes = uncompressed record JSON (+1 separator each); s3.compressed_bytes = files on disk"
    return m
