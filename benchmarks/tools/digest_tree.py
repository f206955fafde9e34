#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""Writes a CloudTrail bucket tree with log files and signed hourly digests, for timing
`vigil validate` against gunzip + sha256sum over the same files (benchmarks/README.md,
"Log file integrity validation"). The records are the real ones of
../shared/data/cloudtrail/invictus-aws-dataset, repeated; the key is made here
(`cryptography`), and keys.json / signatures.json are written beside the tree.

usage: digest_tree.py OUT_DIR [--hours 24] [--files-per-hour 20] [--records-per-file 2000]
"""
import argparse
import base64
import datetime as dt
import glob
import gzip
import hashlib
import json
import os

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ACCOUNT, REGION, TRAIL, BUCKET, FP = "111122223333", "us-east-1", "bench", "bench-bucket", "0" * 32
SHARED = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "data", "cloudtrail")


def records():
    out = []
    for path in sorted(glob.glob(os.path.join(SHARED, "invictus-aws-dataset", "CloudTrail", "*.json"))):
        with open(path) as f:
            doc = json.load(f)
        out.extend(doc["Records"] if isinstance(doc, dict) else doc)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--hours", type=int, default=24)
    ap.add_argument("--files-per-hour", type=int, default=20)
    ap.add_argument("--records-per-file", type=int, default=2000)
    a = ap.parse_args()
    pool = records()
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    root = os.path.join(a.out, "bucket")
    base = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
    iso = lambda t: t.strftime("%Y-%m-%dT%H:%M:%SZ")  # noqa: E731
    prev, n = None, 0
    for h in range(a.hours):
        start, end = base + dt.timedelta(hours=h), base + dt.timedelta(hours=h + 1)
        logs = []
        for i in range(a.files_per_hour):
            t = start + dt.timedelta(minutes=i * 60 // a.files_per_hour)
            key_ = (f"AWSLogs/{ACCOUNT}/CloudTrail/{REGION}/{t:%Y/%m/%d}/{ACCOUNT}_CloudTrail_{REGION}_"
                    f"{t:%Y%m%dT%H%M}Z_f{i}.json.gz")
            recs = [pool[(n + j) % len(pool)] for j in range(a.records_per_file)]
            n += a.records_per_file
            data = json.dumps({"Records": recs}).encode()
            os.makedirs(os.path.dirname(os.path.join(root, key_)), exist_ok=True)
            with open(os.path.join(root, key_), "wb") as f:
                f.write(gzip.compress(data, 6))
            logs.append({"s3Bucket": BUCKET, "s3Object": key_, "hashValue": hashlib.sha256(data).hexdigest(),
                         "hashAlgorithm": "SHA-256", "newestEventTime": iso(t), "oldestEventTime": iso(t)})
        dkey = (f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/{REGION}/{end:%Y/%m/%d}/{ACCOUNT}_CloudTrail-Digest_"
                f"{REGION}_{TRAIL}_{REGION}_{end:%Y%m%dT%H%M%SZ}.json.gz")
        digest = json.dumps({
            "awsAccountId": ACCOUNT, "digestStartTime": iso(start), "digestEndTime": iso(end),
            "digestS3Bucket": BUCKET, "digestS3Object": dkey, "digestPublicKeyFingerprint": FP,
            "digestSignatureAlgorithm": "SHA256withRSA", "newestEventTime": iso(end), "oldestEventTime": iso(start),
            "previousDigestS3Bucket": BUCKET if prev else None, "previousDigestS3Object": prev and prev[0],
            "previousDigestHashValue": prev and prev[1], "previousDigestHashAlgorithm": "SHA-256" if prev else None,
            "previousDigestSignature": prev and prev[2], "logFiles": logs}).encode()
        sha = hashlib.sha256(digest).hexdigest()
        sig = key.sign(f"{iso(end)}\n{BUCKET}/{dkey}\n{sha}\n{prev[2] if prev else 'null'}".encode(),
                       padding.PKCS1v15(), hashes.SHA256()).hex()
        os.makedirs(os.path.dirname(os.path.join(root, dkey)), exist_ok=True)
        with open(os.path.join(root, dkey), "wb") as f:
            f.write(gzip.compress(digest))
        prev = (dkey, sha, sig)
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.PKCS1)
    with open(os.path.join(a.out, "keys.json"), "w") as f:
        json.dump({"PublicKeyList": [{"Value": base64.b64encode(der).decode(), "Fingerprint": FP,
                                      "ValidityStartTime": "2026-01-01T00:00:00Z",
                                      "ValidityEndTime": "2027-01-01T00:00:00Z"}]}, f)
    with open(os.path.join(a.out, "signatures.json"), "w") as f:
        json.dump({prev[0]: prev[2]}, f)


if __name__ == "__main__":
    main()
