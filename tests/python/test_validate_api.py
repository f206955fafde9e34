# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""vigil.validate(): the Python API of offline log file integrity validation, on a tiny
digest tree made here (RSA key from `cryptography`). Only the API's shape and values;
the tamper matrix against the AWS CLI is tests/python/test_validate_matrix.py's."""

import base64
import datetime as dt
import gzip
import hashlib
import json
import os

import pytest

import vigil
from conftest import need_module

ACCOUNT, REGION, TRAIL, BUCKET = "111122223333", "us-east-1", "api-trail", "api-bucket"
FINGERPRINT = "00112233445566778899aabbccddeeff"


def _write_gz(path, data: bytes):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(gzip.compress(data))


def _tree(root, hours=2):
    """Hours 0..hours-1 of 2026-12-01: one log file and one digest each, chained and
    signed. Returns (key file, signatures file, digest keys, log keys)."""
    crypto = need_module("cryptography")
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    del crypto
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    base = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    prefix = f"AWSLogs/{ACCOUNT}"
    prev = None  # (key, sha256 hex, signature hex)
    digests, logs, sigs = [], [], {}
    for h in range(hours):
        start, end = base + dt.timedelta(hours=h), base + dt.timedelta(hours=h + 1)
        day = start.strftime("%Y/%m/%d")
        log_key = (f"{prefix}/CloudTrail/{REGION}/{day}/{ACCOUNT}_CloudTrail_{REGION}_"
                   f"{start.strftime('%Y%m%dT%H')}05Z_x{h}.json.gz")
        log = json.dumps({"Records": [{"eventName": "StopLogging", "eventTime": iso(start)}]}).encode()
        _write_gz(os.path.join(root, log_key), log)
        logs.append(log_key)
        digest_key = (f"{prefix}/CloudTrail-Digest/{REGION}/{end.strftime('%Y/%m/%d')}/{ACCOUNT}_"
                      f"CloudTrail-Digest_{REGION}_{TRAIL}_{REGION}_{end.strftime('%Y%m%dT%H%M%SZ')}.json.gz")
        digest = json.dumps({
            "awsAccountId": ACCOUNT, "digestStartTime": iso(start), "digestEndTime": iso(end),
            "digestS3Bucket": BUCKET, "digestS3Object": digest_key,
            "digestPublicKeyFingerprint": FINGERPRINT, "digestSignatureAlgorithm": "SHA256withRSA",
            "newestEventTime": iso(start), "oldestEventTime": iso(start),
            "previousDigestS3Bucket": BUCKET if prev else None,
            "previousDigestS3Object": prev[0] if prev else None,
            "previousDigestHashValue": prev[1] if prev else None,
            "previousDigestHashAlgorithm": "SHA-256" if prev else None,
            "previousDigestSignature": prev[2] if prev else None,
            "logFiles": [{"s3Bucket": BUCKET, "s3Object": log_key,
                          "hashValue": hashlib.sha256(log).hexdigest(), "hashAlgorithm": "SHA-256",
                          "newestEventTime": iso(start), "oldestEventTime": iso(start)}],
        }).encode()
        sha = hashlib.sha256(digest).hexdigest()
        to_sign = f"{iso(end)}\n{BUCKET}/{digest_key}\n{sha}\n{prev[2] if prev else 'null'}"
        sig = key.sign(to_sign.encode(), padding.PKCS1v15(), hashes.SHA256()).hex()
        _write_gz(os.path.join(root, digest_key), digest)
        digests.append(digest_key)
        sigs[digest_key] = sig
        prev = (digest_key, sha, sig)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    keys = os.path.join(os.path.dirname(root), "keys.json")
    with open(keys, "w") as f:
        json.dump({"PublicKeyList": [{"Value": base64.b64encode(der).decode(),
                                      "ValidityStartTime": "2026-01-01T00:00:00Z",
                                      "ValidityEndTime": "2027-01-01T00:00:00Z",
                                      "Fingerprint": FINGERPRINT}]}, f)
    signatures = os.path.join(os.path.dirname(root), "signatures.json")
    with open(signatures, "w") as f:
        json.dump({digests[-1]: sigs[digests[-1]]}, f)
    return keys, signatures, digests, logs


def test_untouched_tree_validates(tmp_path):
    root = str(tmp_path / "bucket")
    keys, sigs, digests, logs = _tree(root)
    report = vigil.validate(root, public_keys=keys, signatures=sigs)
    assert isinstance(report, vigil.ValidationReport)
    assert [(f.code, f.status, f.file) for f in report] == [
        ("digest-valid", "ok", digests[0]), ("log-valid", "ok", logs[0]),
        ("digest-valid", "ok", digests[1]), ("log-valid", "ok", logs[1])]
    assert (report.digests, report.log_files) == (2, 2)
    assert report.count() == 4 and report.count("ok") == 4 and report.count(code="log-valid") == 2
    assert not report.failed(strict=True)
    f = report.findings[1]
    assert (f.account, f.region, f.trail, f.digest) == (ACCOUNT, REGION, TRAIL, digests[0])
    assert isinstance(f, vigil.ValidationFinding)
    assert report.verdict_of(os.path.join(root, logs[0])) == "validated"
    assert report.verdict_of(str(tmp_path / "other.json.gz")) == "not-covered"
    assert "2 digests, 2 log files: 4 ok, 0 failed" in repr(report)


def test_tampering_and_unverified(tmp_path):
    root = str(tmp_path / "bucket")
    keys, _, digests, logs = _tree(root)
    _write_gz(os.path.join(root, logs[1]), b'{"Records":[]}')
    report = vigil.validate([root], public_keys=keys)
    problems = [(f.code, f.status, f.file) for f in report if f.status != "ok"]
    assert problems == [("digest-signature-unverifiable", "unverified", digests[1]),
                        ("log-modified", "failed", logs[1])]
    assert report.failed() and report.count("failed") == 1 and report.count("unverified") == 1
    assert report.verdict_of(os.path.join(root, logs[1])) == "failed"


def test_start_end_and_gap_times(tmp_path):
    root = str(tmp_path / "bucket")
    keys, sigs, digests, _ = _tree(root, hours=3)
    os.remove(os.path.join(root, digests[1]))
    report = vigil.validate(root, public_keys=keys, signatures=sigs,
                            start="2026-12-01T01:01:00Z",
                            end=dt.datetime(2026, 12, 1, 2, 20))  # naive: UTC
    codes = [f.code for f in report]
    assert codes == ["digest-missing", "gap", "digest-valid", "log-valid", "log-unlisted"]
    gap = report.findings[1]
    # From the end of the last digest present (outside the period) to the next one.
    assert (gap.start, gap.end) == ("2026-12-01T01:00:00Z", "2026-12-01T02:00:00Z")
    assert "deleted" in gap.reason
    with pytest.raises(ValueError, match="ISO 8601"):
        vigil.validate(root, start="yesterday")


def test_errors(tmp_path):
    root = str(tmp_path / "bucket")
    _tree(root, hours=1)
    with pytest.raises(OSError):
        vigil.validate(root, public_keys=str(tmp_path / "missing.json"))
    (tmp_path / "bad.json").write_text('{"PublicKeyList": 3}')
    with pytest.raises(ValueError, match="PublicKeyList"):
        vigil.validate(root, public_keys=str(tmp_path / "bad.json"))
    with pytest.raises(ValueError, match="not a folder"):
        vigil.validate(str(tmp_path / "bad.json"))


def test_to_pandas(tmp_path):
    pd = need_module("pandas")
    root = str(tmp_path / "bucket")
    keys, sigs, digests, _ = _tree(root, hours=3)
    os.remove(os.path.join(root, digests[1]))
    df = vigil.validate(root, public_keys=keys, signatures=sigs).to_pandas()
    assert list(df.columns) == list(vigil.pandas_support.VALIDATION_COLUMNS)
    assert len(df) == 7
    assert str(df["status"].dtype) == "category"
    assert df["code"].tolist()[:3] == ["digest-signature-unverifiable", "log-valid", "digest-missing"]
    gap = df[df["code"] == "gap"].iloc[0]
    assert gap["start"] == pd.Timestamp("2026-12-01T01:00:00Z")
    assert gap["end"] == pd.Timestamp("2026-12-01T02:00:00Z")
    assert pd.isna(df[df["code"] == "gap"]["file"].iloc[0])
