#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""Fixture builder for CloudTrail log file integrity validation (issue 16): a tree of
gzip'd log files and the hourly digest chain that covers them, in CloudTrail's S3 layout,
signed SHA256withRSA with test key pairs made here, plus the files an offline validator
is given: the public keys in `aws cloudtrail list-public-keys` shape and the digests'
signatures (their x-amz-meta-signature). Tamper operations change a built fixture the way
an attacker, a broken copy or CloudTrail itself (gaps, backfill) would.

What is written follows AWS's documentation field for field (User Guide, "CloudTrail
digest file structure" and "Custom implementations of CloudTrail log file integrity
validation") and what the AWS CLI's `validate-logs` checks
(awscli/customizations/cloudtrail/validation.py):

* names   [PREFIX/]AWSLogs/[O-ID/]ACCOUNT/CloudTrail/REGION/YYYY/MM/DD/
              ACCOUNT_CloudTrail_REGION_YYYYMMDDTHHmmZ_<16 alnum>.json.gz
          [PREFIX/]AWSLogs/[O-ID/]ACCOUNT/CloudTrail-Digest/REGION/YYYY/MM/DD/
              ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_YYYYMMDDTHHmmssZ[_backfill].json.gz
          (a digest's folder date and name stamp are its digestEndTime)
* digest  the documented fields, in the documented order; logFiles[].hashValue and
          previousDigestHashValue are hex SHA-256 of the *uncompressed* bytes; a starting
          digest (first of a chain, or after a gap) has every previousDigest* null
* signing RSA PKCS#1 v1.5 over SHA-256 of the data signing string
              digestEndTime \n digestS3Bucket/digestS3Object \n hex(sha256(digest)) \n
              previousDigestSignature (the string "null" for a starting digest)
          hex-encoded; kept as S3 object metadata `signature` and `signature-algorithm`
          (SHA256withRSA); a backfill digest also has `backfill-generation-timestamp`
* keys    one key pair per region (CloudTrail signs with a regional key); Value is the
          base64 of the DER PKCS#1 RSAPublicKey, Fingerprint the hex MD5 of those DER
          bytes (checked against the three keys in AWS's list-public-keys example, whose
          fingerprints are exactly that), validity times as ISO-8601 UTC
* backfill a digest named ..._backfill.json.gz for the same hour, listing log files that
          were delivered late and that the hour's own digest does not list. Backfill
          digests of a region chain among themselves (the AWS CLI walks them as a chain
          of their own), the first one is a starting digest. The docs do not say more.

The output folder OUT holds
  OUT/tree/                the bucket root (what `vigil validate OUT/tree` reads)
  OUT/public-keys.json     {"PublicKeyList": [...]} as `aws cloudtrail list-public-keys` prints
                           it (every region's keys in one list; each key also in
                           OUT/public-keys/REGION.json, the answer of that region's call)
  OUT/signatures.json      {digest S3 key: hex signature} of every digest in the tree
  OUT/head-objects.json    the same as `aws s3api head-object` outputs, each with "Key" added
  OUT/manifest.json        what was built: trails, chains, files, each digest's S3 metadata
                           and the tampers applied (the tests read expectations from it)
  OUT/private-keys/*.pem   the test private keys (test material, never a real secret)

Library use (tests/python/test_validate_matrix.py):
  fx = build(Spec(regions=("us-east-1",), hours=4), out_dir)
  delete_log(fx, fx.log_of("111122223333", "us-east-1", 1))
  fx.save()                  # rewrites the key, signature and manifest files

Command line:
  tools/cloudtrail_digests.py OUT [--accounts A,B] [--regions R1,R2] [--hours N]
      [--start 2026-11-30T00:00:00Z] [--org-id o-...] [--prefix P] [--trail NAME]
      [--bucket NAME] [--rotation] [--backfill ACCOUNT:REGION:HOUR ...] [--seed N]
      [--tamper OP[:ARGS]] ...          (--list-tampers shows them)

Needs the `cryptography` package (declared in pyproject.toml's `test` extra).
"""

from __future__ import annotations

import argparse
import base64
import dataclasses
import datetime as dt
import gzip
import hashlib
import json
import os
import random
import shutil
import sys

UTC = dt.timezone.utc
ISO = "%Y-%m-%dT%H:%M:%SZ"
ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
SIGNATURE_ALGORITHM = "SHA256withRSA"


def iso(t: dt.datetime) -> str:
    return t.astimezone(UTC).strftime(ISO)


def parse_iso(s: str) -> dt.datetime:
    return dt.datetime.strptime(s, ISO).replace(tzinfo=UTC)


def gz(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ---- what to build ----------------------------------------------------------------------


@dataclasses.dataclass
class Spec:
    """One trail's tree. Every (account, region) gets `hours` hourly digests starting at
    `start` + `offset` seconds (AWS's example digest covers 14:01:31 to 15:01:31), each
    listing `logs_per_hour` log files of `records_per_log` records."""

    bucket: str = "vigil-test-trail-bucket"
    accounts: tuple = ("111122223333",)
    regions: tuple = ("us-east-1", "eu-west-1")
    home_region: str = ""  # default: regions[0]
    trail: str = "vigil-test-trail"
    start: str = "2026-11-30T00:00:00Z"
    hours: int = 4
    offset: int = 91
    logs_per_hour: int = 2
    records_per_log: int = 3
    org_id: str = ""  # "o-..." for an organization trail
    prefix: str = ""  # S3 key prefix, without the trailing slash
    rotation: bool = False  # two keys per region, the second valid from mid-tree on
    backfill: tuple = ()  # (account, region, hour) that get a late log file and a backfill digest
    seed: int = 1
    # Files of real records (`{"Records":[...]}` or a bare array) to fill the log files
    # with, repeated as needed, instead of generated traffic: the benchmark of `vigil
    # validate` (benchmarks/README.md) builds large trees of real records this way.
    records_from: tuple = ()

    def __post_init__(self):
        self.accounts = tuple(self.accounts)
        self.regions = tuple(self.regions)
        self.backfill = tuple(tuple(b) for b in self.backfill)
        if not self.home_region:
            self.home_region = self.regions[0]
        self.prefix = self.prefix.strip("/")
        if self.org_id and not self.org_id.startswith("o-"):
            raise ValueError(f"an organization id starts with o-: {self.org_id!r}")


@dataclasses.dataclass
class Key:
    name: str
    region: str
    private: object  # cryptography RSAPrivateKey
    valid_from: dt.datetime
    valid_to: dt.datetime
    listed: bool = True  # in the public key file (an attacker's key is not)

    @property
    def der(self) -> bytes:
        from cryptography.hazmat.primitives import serialization
        return self.private.public_key().public_bytes(serialization.Encoding.DER,
                                                      serialization.PublicFormat.PKCS1)

    @property
    def fingerprint(self) -> str:
        return hashlib.md5(self.der).hexdigest()

    def sign(self, data: bytes) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
        return self.private.sign(data, padding.PKCS1v15(), hashes.SHA256()).hex()

    def entry(self) -> dict:
        """One element of list-public-keys' PublicKeyList."""
        return {"Value": base64.b64encode(self.der).decode(), "ValidityStartTime": iso(self.valid_from),
                "ValidityEndTime": iso(self.valid_to), "Fingerprint": self.fingerprint}


@dataclasses.dataclass
class LogFile:
    key: str
    account: str
    region: str
    hour: int
    data: bytes  # uncompressed {"Records":[...]}
    oldest: str
    newest: str

    def entry(self, bucket: str) -> dict:
        return {"s3Bucket": bucket, "s3Object": self.key, "hashValue": sha256_hex(self.data),
                "hashAlgorithm": "SHA-256", "newestEventTime": self.newest, "oldestEventTime": self.oldest}


@dataclasses.dataclass
class Digest:
    key: str
    account: str
    region: str
    hour: int
    start: dt.datetime
    end: dt.datetime
    logs: list
    backfill: bool = False
    generated: dt.datetime | None = None  # backfill-generation-timestamp
    starting: bool = False  # previousDigest* null (first of a chain, or after a gap)
    signer: str = ""  # Key.name; default: the region's key valid at signing time
    claimed_fingerprint: str = ""  # default: the signer's fingerprint
    # filled in by Fixture.write_chains():
    data: bytes = b""
    signature: str = ""

    @property
    def chain(self) -> tuple:
        return (self.account, self.region, "backfill" if self.backfill else "standard")

    @property
    def signed_at(self) -> dt.datetime:
        return self.generated or self.end


# ---- the fixture ------------------------------------------------------------------------


class Fixture:
    """A built tree (OUT/tree) and its model: keys, log files, digest chains. Tamper
    functions change files and, where CloudTrail would have signed differently, the model
    (then write_chains() re-serializes and re-signs the chain). save() writes the key,
    signature and manifest files."""

    def __init__(self, spec: Spec, out: str):
        self.spec = spec
        self.out = os.path.abspath(out)
        self.root = os.path.join(self.out, "tree")
        self.keys: dict[str, Key] = {}
        self.logs: list[LogFile] = []
        self.digests: list[Digest] = []
        self.metadata: dict[str, dict] = {}  # digest S3 key -> its S3 object metadata
        self.tampers: list[dict] = []
        self.rand = random.Random(f"vigil-digests-{spec.seed}")
        self.t0 = parse_iso(spec.start) + dt.timedelta(seconds=spec.offset)

    # -- names
    def base(self, account: str) -> str:
        parts = [self.spec.prefix] if self.spec.prefix else []
        parts.append("AWSLogs")
        if self.spec.org_id:
            parts.append(self.spec.org_id)
        parts.append(account)
        return "/".join(parts)

    def log_key(self, account, region, delivered: dt.datetime) -> str:
        return "%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz" % (
            self.base(account), region, delivered.strftime("%Y/%m/%d"), account, region,
            delivered.strftime("%Y%m%dT%H%MZ"), "".join(self.rand.choice(ALNUM) for _ in range(16)))

    def digest_key(self, account, region, end: dt.datetime, backfill=False) -> str:
        return "%s/CloudTrail-Digest/%s/%s/%s_CloudTrail-Digest_%s_%s_%s_%s%s.json.gz" % (
            self.base(account), region, end.strftime("%Y/%m/%d"), account, region, self.spec.trail,
            self.spec.home_region, end.strftime("%Y%m%dT%H%M%SZ"), "_backfill" if backfill else "")

    def trail_arn(self) -> str:
        return "arn:aws:cloudtrail:%s:%s:trail/%s" % (self.spec.home_region, self.spec.accounts[0], self.spec.trail)

    def path(self, key: str) -> str:
        return os.path.join(self.root, *key.split("/"))

    # -- look-ups
    def chain(self, account, region, kind="standard") -> list:
        return sorted((d for d in self.digests if d.chain == (account, region, kind)), key=lambda d: d.end)

    def digest_of(self, account, region, hour, backfill=False) -> Digest:
        for d in self.digests:
            if (d.account, d.region, d.hour, d.backfill) == (account, region, hour, backfill):
                return d
        raise KeyError((account, region, hour, backfill))

    def log_of(self, account, region, hour, index=0) -> LogFile:
        return [lf for lf in self.logs if (lf.account, lf.region, lf.hour) == (account, region, hour)][index]

    def key_for(self, region: str, when: dt.datetime) -> Key:
        """The listed key of `region` valid at `when` (the latest-starting one)."""
        ok = [k for k in self.keys.values()
              if k.region == region and k.listed and k.valid_from <= when < k.valid_to]
        if not ok:
            raise ValueError(f"no key for {region} at {iso(when)}")
        return max(ok, key=lambda k: k.valid_from)

    def add_key(self, name, region, valid_from, valid_to, listed=True) -> Key:
        from cryptography.hazmat.primitives.asymmetric import rsa
        k = Key(name, region, rsa.generate_private_key(public_exponent=65537, key_size=2048),
                valid_from, valid_to, listed)
        self.keys[name] = k
        return k

    # -- writing
    def write_file(self, key: str, data: bytes, compress=True):
        p = self.path(key)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(gz(data) if compress else data)

    def digest_json(self, d: Digest, prev: Digest | None, key: Key) -> bytes:
        b = self.spec.bucket
        entries = [lf.entry(b) for lf in d.logs]
        doc = {
            "awsAccountId": d.account,
            "digestStartTime": iso(d.start),
            "digestEndTime": iso(d.end),
            "digestS3Bucket": b,
            "digestS3Object": d.key,
            "digestPublicKeyFingerprint": d.claimed_fingerprint or key.fingerprint,
            "digestSignatureAlgorithm": SIGNATURE_ALGORITHM,
            "newestEventTime": max((e["newestEventTime"] for e in entries), default=None),
            "oldestEventTime": min((e["oldestEventTime"] for e in entries), default=None),
            "previousDigestS3Bucket": b if prev else None,
            "previousDigestS3Object": prev.key if prev else None,
            "previousDigestHashValue": sha256_hex(prev.data) if prev else None,
            "previousDigestHashAlgorithm": "SHA-256" if prev else None,
            "previousDigestSignature": prev.signature if prev else None,
            "logFiles": entries,
        }
        return json.dumps(doc, separators=(",", ":")).encode()

    @staticmethod
    def signing_string(doc: dict, data: bytes) -> bytes:
        prev = doc["previousDigestSignature"]
        return "\n".join((doc["digestEndTime"], "%s/%s" % (doc["digestS3Bucket"], doc["digestS3Object"]),
                          sha256_hex(data), "null" if prev is None else prev)).encode()

    def write_chains(self, only: tuple | None = None):
        """(Re)serializes, signs and writes every digest of every chain (or of `only`),
        oldest first, each linking to the one before unless it is a starting digest."""
        for ch in sorted({d.chain for d in self.digests}):
            if only is not None and ch != only:
                continue
            prev = None
            for d in self.chain(*ch):
                key = self.keys[d.signer] if d.signer else self.key_for(d.region, d.signed_at)
                link = None if d.starting else prev
                d.data = self.digest_json(d, link, key)
                d.signature = key.sign(self.signing_string(json.loads(d.data), d.data))
                self.write_file(d.key, d.data)
                md = {"signature": d.signature, "signature-algorithm": SIGNATURE_ALGORITHM}
                if d.backfill:
                    md["backfill-generation-timestamp"] = iso(d.generated)
                self.metadata[d.key] = md
                prev = d

    def save(self):
        """The key file(s), signatures, head-object outputs and the manifest."""
        listed = sorted((k for k in self.keys.values() if k.listed), key=lambda k: (k.region, k.valid_from))
        _dump(os.path.join(self.out, "public-keys.json"), {"PublicKeyList": [k.entry() for k in listed]})
        for region in sorted({k.region for k in listed}):
            _dump(os.path.join(self.out, "public-keys", region + ".json"),
                  {"PublicKeyList": [k.entry() for k in listed if k.region == region]})
        present = {k: md for k, md in sorted(self.metadata.items()) if os.path.exists(self.path(k))}
        _dump(os.path.join(self.out, "signatures.json"), {k: md["signature"] for k, md in present.items()})
        heads = []
        for k, md in present.items():
            with open(self.path(k), "rb") as f:
                size = len(f.read())
            heads.append({"Key": k, "ContentLength": size, "ContentType": "application/json",
                          "ContentEncoding": "gzip", "Metadata": md})
        _dump(os.path.join(self.out, "head-objects.json"), heads)
        os.makedirs(os.path.join(self.out, "private-keys"), exist_ok=True)
        from cryptography.hazmat.primitives import serialization
        for k in self.keys.values():
            pem = k.private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption())
            with open(os.path.join(self.out, "private-keys", k.name + ".pem"), "wb") as f:
                f.write(pem)
        _dump(os.path.join(self.out, "manifest.json"), self.manifest())

    def manifest(self) -> dict:
        s = self.spec
        return {
            "generator": "tools/cloudtrail_digests.py",
            "spec": dataclasses.asdict(s),
            "bucket": s.bucket, "trail": s.trail, "home_region": s.home_region, "trail_arn": self.trail_arn(),
            "organization_id": s.org_id or None, "prefix": s.prefix or None,
            "first_digest_start": iso(self.t0),
            "last_digest_end": iso(max(d.end for d in self.digests)) if self.digests else None,
            "keys": [{"name": k.name, "region": k.region, "fingerprint": k.fingerprint, "listed": k.listed,
                      "valid_from": iso(k.valid_from), "valid_to": iso(k.valid_to)} for k in self.keys.values()],
            "digests": [{"key": d.key, "account": d.account, "region": d.region, "hour": d.hour,
                         "backfill": d.backfill, "starting": d.starting, "start": iso(d.start), "end": iso(d.end),
                         "signer": d.signer or self.key_for(d.region, d.signed_at).name,
                         "logs": [lf.key for lf in d.logs], "present": os.path.exists(self.path(d.key))}
                        for d in sorted(self.digests, key=lambda d: (d.chain, d.end))],
            "logs": [{"key": lf.key, "account": lf.account, "region": lf.region, "hour": lf.hour,
                      "present": os.path.exists(self.path(lf.key))} for lf in self.logs],
            "object_metadata": dict(sorted(self.metadata.items())),
            "tampers": self.tampers,
        }

    def note(self, op: str, **what):
        self.tampers.append({"op": op, **what})


def _dump(path, obj):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=False)
        f.write("\n")


# ---- records ---------------------------------------------------------------------------


class _Records:
    """Real-looking CloudTrail records from tools/gen_cloudtrail (benign traffic, one
    generator per account), handed out per region with their eventTime set to the log
    file's window."""

    def __init__(self, account: str, regions, seed: int, start: dt.datetime):
        tools = os.path.dirname(os.path.abspath(__file__))
        if tools not in sys.path:
            sys.path.insert(0, tools)
        from gen_cloudtrail.traffic import Gen
        args = argparse.Namespace(seed=seed, regions=list(regions), account=account, start=start.timestamp(),
                                  rate=1.0, attack_rate=0.0, attack_kinds=None)
        self.events = Gen(args).events()
        self.pending = {r: [] for r in regions}

    def take(self, region: str, n: int, times) -> list:
        out = []
        while len(out) < n:
            if self.pending[region]:
                out.append(self.pending[region].pop(0))
                continue
            _, reg, rec, _ = next(self.events)
            rec = json.loads(json.dumps(rec))
            if reg == region:
                out.append(rec)
            elif reg in self.pending and len(self.pending[reg]) < 1000:
                self.pending[reg].append(rec)
        for rec, t in zip(out, times):
            rec["eventTime"] = iso(t)
        return out


class _FileRecords:
    """The records of Spec.records_from, handed out in turn (repeated), with their
    eventTime set to the log file's window as _Records does."""

    def __init__(self, paths):
        self.pool = []
        for path in paths:
            with open(path) as f:
                doc = json.load(f)
            self.pool.extend(doc["Records"] if isinstance(doc, dict) else doc)
        if not self.pool:
            raise SystemExit(f"no records in {', '.join(paths)}")
        self.next = 0

    def take(self, region: str, n: int, times) -> list:
        out = []
        for t in times[:n]:
            rec = dict(self.pool[self.next % len(self.pool)])
            self.next += 1
            rec["eventTime"] = iso(t)
            out.append(rec)
        return out


def _records_file(records) -> bytes:
    return json.dumps({"Records": records}, separators=(",", ":")).encode()


# ---- build -----------------------------------------------------------------------------


def build(spec: Spec, out: str) -> Fixture:
    """Writes the untouched tree for `spec` into OUT (emptied first) and returns it;
    call save() after any tamper (build() saves once itself)."""
    if os.path.exists(out):
        shutil.rmtree(out)
    fx = Fixture(spec, out)
    t0 = fx.t0
    t_end = t0 + dt.timedelta(hours=spec.hours)
    far_past, far_future = t0 - dt.timedelta(days=30), t_end + dt.timedelta(days=30)
    for region in spec.regions:
        if spec.rotation:
            middle = t0 + dt.timedelta(hours=spec.hours // 2)
            fx.add_key(f"{region}-1", region, far_past, middle)
            fx.add_key(f"{region}-2", region, middle, far_future)
        else:
            fx.add_key(f"{region}-1", region, far_past, far_future)

    for account in spec.accounts:
        recs = (_FileRecords(spec.records_from) if spec.records_from else
                _Records(account, spec.regions, spec.seed * 1000 + spec.accounts.index(account), t0))
        for region in spec.regions:
            for h in range(spec.hours):
                start = t0 + dt.timedelta(hours=h)
                end = start + dt.timedelta(hours=1)
                logs = []
                for i in range(spec.logs_per_hour):
                    # deliveries spread over the hour, on 5-minute marks, after their events
                    delivered = (start + dt.timedelta(minutes=(i + 1) * 60 // (spec.logs_per_hour + 1)))
                    delivered = delivered.replace(minute=delivered.minute - delivered.minute % 5, second=0)
                    if delivered <= start:
                        delivered += dt.timedelta(minutes=5)
                    # the records' times: over the four minutes before delivery
                    n = spec.records_per_log
                    times = [delivered - dt.timedelta(seconds=240 - 230 * j // max(1, n - 1)) for j in range(n)]
                    lf = LogFile(fx.log_key(account, region, delivered), account, region, h,
                                 _records_file(recs.take(region, spec.records_per_log, times)),
                                 iso(times[0]), iso(times[-1]))
                    fx.logs.append(lf)
                    logs.append(lf)
                fx.digests.append(Digest(fx.digest_key(account, region, end), account, region, h, start, end, logs,
                                         starting=(h == 0)))
            for (ba, br, bh) in spec.backfill:
                if (ba, br) == (account, region):
                    _add_backfill(fx, recs, account, region, bh)
    for lf in fx.logs:
        fx.write_file(lf.key, lf.data)
    fx.write_chains()
    fx.save()
    return fx


def _add_backfill(fx: Fixture, recs: _Records, account, region, hour):
    """A log file delivered late for `hour` (its events are in that hour, no digest of the
    hour lists it) and the backfill digest for that hour that lists it, generated two hours
    after the hour ended (its signing time: the key valid then signs it)."""
    d = fx.digest_of(account, region, hour)
    delivered = d.start + dt.timedelta(minutes=50)
    times = [delivered - dt.timedelta(seconds=200 - 41 * j) for j in range(fx.spec.records_per_log)]
    lf = LogFile(fx.log_key(account, region, delivered), account, region, hour,
                 _records_file(recs.take(region, fx.spec.records_per_log, times)), iso(times[0]), iso(times[-1]))
    fx.logs.append(lf)
    first = not fx.chain(account, region, "backfill")
    fx.digests.append(Digest(fx.digest_key(account, region, d.end, backfill=True), account, region, hour,
                             d.start, d.end, [lf], backfill=True, generated=d.end + dt.timedelta(hours=2),
                             starting=first))


# ---- tamper operations -------------------------------------------------------------------
#
# Each changes the built fixture, records itself in the manifest ("tampers") and returns
# the S3 key(s) it concerns. Call fx.save() afterwards.


def modify_log(fx: Fixture, lf: LogFile) -> str:
    """An event of a listed log file is edited (its eventName), the file re-gzipped: its
    SHA-256 no longer matches the digest's hashValue."""
    doc = json.loads(lf.data)
    doc["Records"][0]["eventName"] = "ConsoleLogin" if doc["Records"][0]["eventName"] != "ConsoleLogin" else "GetUser"
    fx.write_file(lf.key, json.dumps(doc, separators=(",", ":")).encode())
    fx.note("modify_log", key=lf.key)
    return lf.key


def delete_log(fx: Fixture, lf: LogFile) -> str:
    """A log file that a digest lists is deleted."""
    os.remove(fx.path(lf.key))
    fx.note("delete_log", key=lf.key)
    return lf.key


def add_log(fx: Fixture, account, region, hour) -> str:
    """A log file that no digest lists appears among the hour's files (forged, or
    delivered while validation was off)."""
    start = fx.t0 + dt.timedelta(hours=hour)
    delivered = start + dt.timedelta(minutes=35)
    times = [delivered - dt.timedelta(seconds=100)]
    src = json.loads(fx.log_of(account, region, hour).data)["Records"][:1]
    src[0]["eventTime"] = iso(times[0])
    src[0]["eventID"] = "00000000-0000-4000-8000-%012d" % hour
    key = fx.log_key(account, region, delivered)
    fx.write_file(key, _records_file(src))
    fx.note("add_log", key=key)
    return key


def truncate_log(fx: Fixture, lf: LogFile) -> str:
    """The log file's gzip stream is cut short (a broken copy): it cannot be inflated."""
    _truncate(fx, lf.key)
    fx.note("truncate_log", key=lf.key)
    return lf.key


def truncate_digest(fx: Fixture, d: Digest) -> str:
    """The digest file's gzip stream is cut short: it cannot be read."""
    _truncate(fx, d.key)
    fx.note("truncate_digest", key=d.key)
    return d.key


def _truncate(fx, key):
    p = fx.path(key)
    with open(p, "rb") as f:
        blob = f.read()
    with open(p, "wb") as f:
        f.write(blob[: len(blob) // 2])


def modify_digest(fx: Fixture, d: Digest) -> str:
    """The digest's JSON is edited in place (its newestEventTime moved by a second) and
    re-gzipped; the object metadata (its signature) is left as it was."""
    doc = json.loads(d.data)
    t = parse_iso(doc["newestEventTime"]) if doc["newestEventTime"] else d.end
    doc["newestEventTime"] = iso(t + dt.timedelta(seconds=1))
    fx.write_file(d.key, json.dumps(doc, separators=(",", ":")).encode())
    fx.note("modify_digest", key=d.key)
    return d.key


def delete_digest(fx: Fixture, d: Digest) -> str:
    """A digest that the next digest links to is deleted (with its S3 metadata)."""
    os.remove(fx.path(d.key))
    fx.note("delete_digest", key=d.key)
    return d.key


def swap_digests(fx: Fixture, a: Digest, b: Digest) -> tuple:
    """The chain is reordered: two digest objects trade places (content and S3 metadata
    move together, as an S3 copy would move them)."""
    pa, pb = fx.path(a.key), fx.path(b.key)
    with open(pa, "rb") as f:
        ba = f.read()
    with open(pb, "rb") as f:
        bb = f.read()
    with open(pa, "wb") as f:
        f.write(bb)
    with open(pb, "wb") as f:
        f.write(ba)
    fx.metadata[a.key], fx.metadata[b.key] = fx.metadata[b.key], fx.metadata[a.key]
    fx.note("swap_digests", keys=[a.key, b.key])
    return a.key, b.key


def sign_with_wrong_key(fx: Fixture, d: Digest) -> str:
    """CloudTrail's fingerprint, someone else's signature: the digest names the region's
    listed key but is signed with a key pair of the attacker's (the chain after it is
    consistent with that signature, as if the attacker had rebuilt it)."""
    _attacker(fx, d.region)
    d.signer = f"{d.region}-attacker"
    d.claimed_fingerprint = fx.key_for(d.region, d.signed_at).fingerprint
    fx.write_chains(only=d.chain)
    fx.note("sign_with_wrong_key", key=d.key)
    return d.key


def sign_with_unknown_key(fx: Fixture, d: Digest) -> str:
    """The digest is signed with, and names the fingerprint of, a key that is not in the
    public key file."""
    k = _attacker(fx, d.region)
    d.signer = k.name
    d.claimed_fingerprint = ""
    fx.write_chains(only=d.chain)
    fx.note("sign_with_unknown_key", key=d.key, fingerprint=k.fingerprint)
    return d.key


def _attacker(fx, region) -> Key:
    name = f"{region}-attacker"
    if name not in fx.keys:
        t = fx.t0
        fx.add_key(name, region, t - dt.timedelta(days=30), t + dt.timedelta(days=30), listed=False)
    return fx.keys[name]


def sign_with_expired_key(fx: Fixture, d: Digest) -> str:
    """The digest is signed with a listed key of its region whose validity period ended
    before the digest's end time (needs Spec.rotation: the region's first key)."""
    old = [k for k in fx.keys.values() if k.region == d.region and k.listed and k.valid_to <= d.signed_at]
    if not old:
        raise ValueError("no expired key for this digest: build with Spec(rotation=True) and pick a late hour")
    d.signer = min(old, key=lambda k: k.valid_to).name
    fx.write_chains(only=d.chain)
    fx.note("sign_with_expired_key", key=d.key, signer=d.signer)
    return d.key


def drop_hour(fx: Fixture, account, region, hour) -> str:
    """Logging stopped for an hour: no log file and no digest for it, and the next digest
    is a starting digest (previousDigest* null), as CloudTrail writes after a restart.
    Returns the key the missing digest would have had."""
    d = fx.digest_of(account, region, hour)
    fx.digests.remove(d)
    fx.metadata.pop(d.key, None)
    for lf in d.logs:
        fx.logs.remove(lf)
        os.remove(fx.path(lf.key))
    os.remove(fx.path(d.key))
    later = [x for x in fx.chain(account, region) if x.end > d.end]
    if later:
        later[0].starting = True
    fx.write_chains(only=(account, region, "standard"))
    fx.note("drop_hour", key=d.key, start=iso(d.start), end=iso(d.end))
    return d.key


TAMPERS = {
    "modify_log": modify_log, "delete_log": delete_log, "add_log": add_log, "truncate_log": truncate_log,
    "truncate_digest": truncate_digest, "modify_digest": modify_digest, "delete_digest": delete_digest,
    "swap_digests": swap_digests, "sign_with_wrong_key": sign_with_wrong_key,
    "sign_with_unknown_key": sign_with_unknown_key, "sign_with_expired_key": sign_with_expired_key,
    "drop_hour": drop_hour,
}


# ---- command line ------------------------------------------------------------------------


def _apply_cli_tamper(fx: Fixture, text: str):
    """OP:ACCOUNT:REGION:HOUR[:INDEX] (logs, digests) or swap_digests:ACCOUNT:REGION:H1:H2."""
    op, *args = text.split(":")
    if op not in TAMPERS:
        raise SystemExit(f"unknown tamper {op!r} (--list-tampers)")
    if len(args) < 3:
        raise SystemExit(f"{op} needs ACCOUNT:REGION:HOUR")
    acct, region, hour = args[0], args[1], int(args[2])
    if op in ("modify_log", "delete_log", "truncate_log"):
        TAMPERS[op](fx, fx.log_of(acct, region, hour, int(args[3]) if len(args) > 3 else 0))
    elif op in ("add_log", "drop_hour"):
        TAMPERS[op](fx, acct, region, hour)
    elif op == "swap_digests":
        swap_digests(fx, fx.digest_of(acct, region, hour), fx.digest_of(acct, region, int(args[3])))
    else:
        TAMPERS[op](fx, fx.digest_of(acct, region, hour))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", nargs="?", help="output folder (emptied first)")
    ap.add_argument("--accounts", default="111122223333")
    ap.add_argument("--regions", default="us-east-1,eu-west-1", help="the first is the trail's home region")
    ap.add_argument("--hours", type=int, default=4)
    ap.add_argument("--start", default="2026-11-30T00:00:00Z")
    ap.add_argument("--logs-per-hour", type=int, default=2)
    ap.add_argument("--records-per-log", type=int, default=3)
    ap.add_argument("--bucket", default="vigil-test-trail-bucket")
    ap.add_argument("--trail", default="vigil-test-trail")
    ap.add_argument("--org-id", default="")
    ap.add_argument("--prefix", default="")
    ap.add_argument("--rotation", action="store_true", help="two keys per region, rotated mid-tree")
    ap.add_argument("--backfill", action="append", default=[], metavar="ACCOUNT:REGION:HOUR")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--records-from", nargs="+", default=[], metavar="FILE",
                    help="fill the log files with these files' records (repeated) instead of generated ones")
    ap.add_argument("--tamper", action="append", default=[], metavar="OP:ACCOUNT:REGION:HOUR[:N]")
    ap.add_argument("--list-tampers", action="store_true")
    a = ap.parse_args(argv)
    if a.list_tampers:
        for name, f in TAMPERS.items():
            print(f"{name:24} {' '.join(f.__doc__.split())}")
        return 0
    if not a.out:
        ap.error("the output folder is required")
    spec = Spec(bucket=a.bucket, accounts=tuple(a.accounts.split(",")), regions=tuple(a.regions.split(",")),
                trail=a.trail, start=a.start, hours=a.hours, logs_per_hour=a.logs_per_hour,
                records_per_log=a.records_per_log, org_id=a.org_id, prefix=a.prefix, rotation=a.rotation,
                backfill=tuple((b.split(":")[0], b.split(":")[1], int(b.split(":")[2])) for b in a.backfill),
                seed=a.seed, records_from=tuple(a.records_from))
    fx = build(spec, a.out)
    for t in a.tamper:
        _apply_cli_tamper(fx, t)
    fx.save()
    print(f"{fx.root}: {sum(os.path.exists(fx.path(lf.key)) for lf in fx.logs)} log files, "
          f"{len(fx.digests)} digests; keys {fx.out}/public-keys.json, signatures {fx.out}/signatures.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
