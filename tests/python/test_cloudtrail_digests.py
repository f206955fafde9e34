# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""tools/cloudtrail_digests.py, checked on its own (fast; the AWS CLI's verdict on the same
fixtures is in test_validate_matrix.py): a tree built from the command line -- organization
trail under a prefix, two regions, key rotation, a backfill digest -- follows CloudTrail's
documented layout and format, and every hash, chain link and signature in it verifies
with an independent reading of the files it wrote."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import pathlib
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from conftest import need_module

REPO = pathlib.Path(__file__).resolve().parents[2]
TOOL = REPO / "tools" / "cloudtrail_digests.py"
ACCOUNTS = ("111122223333", "444455556666")
ORG, PREFIX, TRAIL, BUCKET = "o-exampleorg1", "audit/ct", "org-trail", "example-ct-bucket"

DIGEST_KEY = re.compile(
    r"^audit/ct/AWSLogs/o-exampleorg1/(?P<acct>\d{12})/CloudTrail-Digest/(?P<region>[a-z0-9-]+)/"
    r"(?P<y>\d{4})/(?P<m>\d\d)/(?P<d>\d\d)/(?P=acct)_CloudTrail-Digest_(?P=region)_org-trail_us-east-1_"
    r"(?P<stamp>\d{8}T\d{6}Z)(?P<backfill>_backfill)?\.json\.gz$")
LOG_KEY = re.compile(
    r"^audit/ct/AWSLogs/o-exampleorg1/(?P<acct>\d{12})/CloudTrail/(?P<region>[a-z0-9-]+)/"
    r"(?P<y>\d{4})/(?P<m>\d\d)/(?P<d>\d\d)/(?P=acct)_CloudTrail_(?P=region)_(?P<stamp>\d{8}T\d{4}Z)_"
    r"[A-Za-z0-9]{16}\.json\.gz$")
FIELDS = ["awsAccountId", "digestStartTime", "digestEndTime", "digestS3Bucket", "digestS3Object",
          "digestPublicKeyFingerprint", "digestSignatureAlgorithm", "newestEventTime", "oldestEventTime",
          "previousDigestS3Bucket", "previousDigestS3Object", "previousDigestHashValue",
          "previousDigestHashAlgorithm", "previousDigestSignature", "logFiles"]
PREVIOUS = [f for f in FIELDS if f.startswith("previousDigest")]


def t(s):
    return datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def test_tree_follows_the_documented_format_and_verifies(tmp_path):
    need_module("cryptography")
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding
    from cryptography.hazmat.primitives.serialization import load_der_public_key

    out = tmp_path / "fx"
    subprocess.run([sys.executable, str(TOOL), str(out), "--accounts", ",".join(ACCOUNTS),
                    "--regions", "us-east-1,eu-west-1", "--hours", "4", "--rotation", "--org-id", ORG,
                    "--prefix", PREFIX, "--trail", TRAIL, "--bucket", BUCKET,
                    "--backfill", f"{ACCOUNTS[1]}:eu-west-1:2"], check=True, capture_output=True)
    root = out / "tree"
    keys = json.loads((out / "public-keys.json").read_text())["PublicKeyList"]
    sigs = json.loads((out / "signatures.json").read_text())
    heads = json.loads((out / "head-objects.json").read_text())
    manifest = json.loads((out / "manifest.json").read_text())

    # Keys: list-public-keys shape; Fingerprint = MD5 of the DER bytes; two per region.
    by_fp = {}
    for k in keys:
        assert set(k) == {"Value", "ValidityStartTime", "ValidityEndTime", "Fingerprint"}
        der = base64.b64decode(k["Value"])
        assert der[:2] == b"\x30\x82" and hashlib.md5(der).hexdigest() == k["Fingerprint"]
        by_fp[k["Fingerprint"]] = (load_der_public_key(der), t(k["ValidityStartTime"]), t(k["ValidityEndTime"]))
    assert len(keys) == 4
    for region in ("us-east-1", "eu-west-1"):
        per_region = json.loads((out / "public-keys" / f"{region}.json").read_text())["PublicKeyList"]
        assert len(per_region) == 2 and all(k in keys for k in per_region)

    # The files on disk: every one is a digest or a log file with its documented name.
    files = {p.relative_to(root).as_posix(): p for p in root.rglob("*") if p.is_file()}
    digests = {k: json.loads(gzip.decompress(p.read_bytes())) for k, p in files.items() if DIGEST_KEY.match(k)}
    logs = {k for k in files if LOG_KEY.match(k)}
    assert set(files) == set(digests) | logs
    assert len(digests) == 2 * 2 * 4 + 1 and len(logs) == 2 * 2 * 4 * 2 + 1
    assert sigs == {h["Key"]: h["Metadata"]["signature"] for h in heads} and set(sigs) == set(digests)
    assert manifest["object_metadata"].keys() == digests.keys()

    chains: dict = {}
    for key, doc in digests.items():
        m = DIGEST_KEY.match(key)
        assert list(doc) == FIELDS, key
        assert (doc["awsAccountId"], doc["digestS3Bucket"], doc["digestS3Object"]) == (m["acct"], BUCKET, key)
        end = t(doc["digestEndTime"])
        assert end.strftime("%Y%m%dT%H%M%SZ") == m["stamp"] and end.strftime("%Y/%m/%d") == "/".join(m.group(
            "y", "m", "d"))
        assert end - t(doc["digestStartTime"]) == timedelta(hours=1)
        assert doc["digestSignatureAlgorithm"] == "SHA256withRSA"
        data = gzip.decompress(files[key].read_bytes())
        md = next(h["Metadata"] for h in heads if h["Key"] == key)
        assert md["signature-algorithm"] == "SHA256withRSA"
        # The signature: the documented data signing string, "null" for a starting digest.
        prev = doc["previousDigestSignature"]
        signing = "\n".join((doc["digestEndTime"], f"{BUCKET}/{key}", hashlib.sha256(data).hexdigest(),
                             "null" if prev is None else prev)).encode()
        pub, valid_from, valid_to = by_fp[doc["digestPublicKeyFingerprint"]]
        pub.verify(bytes.fromhex(sigs[key]), signing, padding.PKCS1v15(), hashes.SHA256())
        signed_at = t(md["backfill-generation-timestamp"]) if m["backfill"] else end
        assert valid_from <= signed_at < valid_to, key
        # Log files: SHA-256 of the uncompressed file, times within the file.
        for lf in doc["logFiles"]:
            assert lf["s3Bucket"] == BUCKET and lf["hashAlgorithm"] == "SHA-256"
            body = gzip.decompress(files[lf["s3Object"]].read_bytes())
            assert hashlib.sha256(body).hexdigest() == lf["hashValue"]
            times = sorted(r["eventTime"] for r in json.loads(body)["Records"])
            assert (times[0], times[-1]) == (lf["oldestEventTime"], lf["newestEventTime"])
            assert all(r["recipientAccountId"] == m["acct"] and r["awsRegion"] == m["region"]
                       for r in json.loads(body)["Records"])
        chains.setdefault((m["acct"], m["region"], bool(m["backfill"])), []).append((end, key, data))

    # Chains: each digest links to the one before (hash of its uncompressed bytes, its
    # signature); the first of each chain is a starting digest.
    for (acct, region, backfill), chain in chains.items():
        chain.sort()
        for i, (_, key, _) in enumerate(chain):
            doc = digests[key]
            if i == 0:
                assert all(doc[f] is None for f in PREVIOUS), key
                continue
            _, pkey, pdata = chain[i - 1]
            assert (doc["previousDigestS3Bucket"], doc["previousDigestS3Object"]) == (BUCKET, pkey)
            assert doc["previousDigestHashValue"] == hashlib.sha256(pdata).hexdigest()
            assert doc["previousDigestHashAlgorithm"] == "SHA-256"
            assert doc["previousDigestSignature"] == sigs[pkey]
    # The backfill digest lists the late log file, which no hourly digest lists.
    (bkey,) = [k for k in digests if k.endswith("_backfill.json.gz")]
    late = {lf["s3Object"] for lf in digests[bkey]["logFiles"]}
    hourly = {lf["s3Object"] for k, d in digests.items() if k != bkey for lf in d["logFiles"]}
    assert len(late) == 1 and not late & hourly and late | hourly == logs
    assert "backfill-generation-timestamp" in manifest["object_metadata"][bkey]
    # Rotation: both keys of a region sign some digest.
    assert {digests[k]["digestPublicKeyFingerprint"] for k in digests} == set(by_fp)


def test_tamper_list_and_command_line(tmp_path):
    need_module("cryptography")
    listed = subprocess.run([sys.executable, str(TOOL), "--list-tampers"], check=True, capture_output=True,
                            text=True).stdout
    sys.path.insert(0, str(REPO / "tools"))
    import cloudtrail_digests as cd
    assert [line.split()[0] for line in listed.splitlines()] == list(cd.TAMPERS)
    out = tmp_path / "fx"
    subprocess.run([sys.executable, str(TOOL), str(out), "--regions", "us-east-1", "--hours", "3",
                    "--tamper", "delete_log:111122223333:us-east-1:1:0", "--tamper",
                    "delete_digest:111122223333:us-east-1:0"], check=True, capture_output=True)
    m = json.loads((out / "manifest.json").read_text())
    assert [x["op"] for x in m["tampers"]] == ["delete_log", "delete_digest"]
    gone = {x["key"] for x in m["tampers"]}
    assert all(not os.path.exists(out / "tree" / k) for k in gone)
    assert not gone & set(json.loads((out / "signatures.json").read_text()))
    assert sum(1 for lg in m["logs"] if not lg["present"]) == 1
    assert sum(1 for d in m["digests"] if not d["present"]) == 1


def test_records_from_real_files(tmp_path):
    """--records-from (the benchmark's trees): the log files hold those files' records in
    turn, repeated past the end, with only eventTime rewritten, and each digest lists its
    log files' SHA-256."""
    need_module("cryptography")
    shared = REPO.parent / "shared" / "data" / "cloudtrail" / "invictus-aws-dataset" / "CloudTrail"
    src = sorted(shared.glob("*.json"))[:2]
    if not src:
        import pytest
        pytest.skip(f"no real records in {shared}")
    pool = []
    for p in src:
        doc = json.loads(p.read_text())
        pool.extend(doc["Records"] if isinstance(doc, dict) else doc)
    out = tmp_path / "fx"
    subprocess.run([sys.executable, str(TOOL), str(out), "--regions", "us-east-1", "--hours", "2",
                    "--logs-per-hour", "3", "--records-per-log", "15", "--records-from", *map(str, src)],
                   check=True, capture_output=True)
    root = out / "tree"
    got, listed = [], {}
    for digest in sorted(root.rglob("*_CloudTrail-Digest_*.json.gz")):
        for lf in json.loads(gzip.decompress(digest.read_bytes()))["logFiles"]:
            listed[lf["s3Object"]] = lf["hashValue"]
    assert len(listed) == 6
    for key in sorted(listed, key=lambda k: k.rsplit("_", 2)[-2:]):
        data = gzip.decompress((root / key).read_bytes())
        assert hashlib.sha256(data).hexdigest() == listed[key]
        got.extend(json.loads(data)["Records"])
    assert len(got) == 90 > len(pool)
    strip = lambda r: {k: v for k, v in r.items() if k != "eventTime"}  # noqa: E731
    assert [strip(r) for r in got] == [strip(pool[i % len(pool)]) for i in range(90)]
