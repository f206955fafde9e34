# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""Log file integrity validation (issue 16): the tamper matrix, checked by AWS's own
validator and by `vigil validate`, and the two compared.

Every case is a digest tree built by tools/cloudtrail_digests.py (CloudTrail's S3 layout,
hourly digests chained and signed SHA256withRSA with test keys, a key file in
`list-public-keys` shape, a signatures file), changed by one tamper operation. Then

* test_awscli[case]: `aws cloudtrail validate-logs --verbose` (the AWS CLI v1 from PyPI,
  pinned in pyproject.toml's test extra) runs against the tree served by a local S3
  (moto), with its CloudTrail and Organizations calls answered locally
  (tools/awscli_validate.py says how). What it reports for every file -- valid, or
  INVALID and why -- its gap lines, its summary and its exit status are asserted.
* test_vigil_validate[case]: `vigil validate TREE --public-keys --signatures --format
  jsonl` (the finding codes agreed for issue 16 are listed below the imports): the codes
  the case must produce, on the file it concerns, the exit status, that no untouched file
  fails -- and that vigil agrees with the AWS CLI on every file the CLI reported, except
  where the table below says they differ by design. A `vigil` without `validate` fails
  them.

Case              tamper                                AWS CLI validate-logs               vigil validate
----------------  ------------------------------------  ----------------------------------  --------------------------
untouched         none (2 regions)                      every digest and log valid, rc 0    digest-valid, log-valid,
                                                                                            exit 0
log-modified      an event edited, re-gzipped           log INVALID: hash value doesn't     log-modified
                                                        match
log-deleted       a listed log file removed             log INVALID: not found              log-missing
log-added         a log file no digest lists            nothing (never lists log folders),  log-unlisted (unverified),
                                                        rc 0                                exit 0; 1 with --strict
log-truncated     log gzip cut in half                  log INVALID: hash value doesn't     log-unreadable
                                                        match (not "invalid format")
digest-modified   JSON edited, metadata kept            digest INVALID: signature           digest-modified
                                                        verification failed; its logs not
                                                        checked
digest-deleted    a linked digest removed               digest INVALID: not found; its      digest-missing, and a gap
                                                        logs never seen                     over its hour
digest-truncated  digest gzip cut in half               digest INVALID: invalid format      digest-unreadable
chain-reordered   two digests swap places               both INVALID: has been moved from   both failed, digest-moved
                  (with their S3 metadata)              its original location; the next     (or chain-broken); the next
                                                        digest valid                        digest-valid + chain-broken
wrong-key         signed by another key pair, names     digest INVALID: signature           digest-signature-invalid
                  the real key's fingerprint            verification failed
unknown-key       signed by, and names, a key not in    digest INVALID: public key not      digest-key-unknown
                  the key file                          found ... for fingerprint
key-expired       signed with the region's rotated-     valid: the CLI only asks for keys   digest-key-invalid-period
                  out key (rotation tree)               overlapping the whole range
gap               logging stopped for an hour: no       "No log files were delivered        gap (info) over the same
                  logs, no digest, next one starting    between A and B", rc 0              hour, exit 0
backfill          a late log file listed only by a      (backfill) digest valid, late log   digest-valid on the backfill
                  _backfill digest                      valid                               digest, log-valid on the log
backfill-rotated  the backfill digest is signed after   as backfill                         as backfill (the key is
                  a key rotation, with the new key                                          judged at generation, not
                                                                                            at digestEndTime)
organization      AWSLogs/o-ID/ACCOUNT under a prefix,  every file valid (run per account   every file valid, exit 0
                  two accounts                          with --account-id)

Where they differ by design (docs/validate-vs-awscli.md): the CLI never looks for log
files no digest lists (log-added), never sees the logs of a digest it could not validate
(digest-modified/-deleted/-truncated, reordered, wrong or unknown key: vigil may say
more about them, never "failed"), does not check a key's validity period against the
digest (key-expired), and reads a truncated gzip as a hash mismatch.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import shutil
import subprocess
import sys
from typing import Callable

import pytest
from conftest import need_cli, need_module

REPO = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tools"))


def iso(t) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


A, B = "111122223333", "444455556666"
R, R2 = "us-east-1", "eu-west-1"

OK_CODES = {"log-valid", "digest-valid"}
FAILED_CODES = {"log-modified", "log-missing", "log-unreadable", "digest-modified", "digest-missing",
                "digest-unreadable", "digest-signature-invalid", "chain-broken", "digest-key-unknown",
                "digest-key-invalid-period",
                # a digest whose digestS3Object is not where it lies (the AWS CLI's "moved")
                "digest-moved"}
UNVERIFIED_CODES = {"digest-signature-unverifiable", "log-unlisted"}

# The vigil codes each AWS CLI verdict on a file can correspond to.
AWSCLI_TO_VIGIL = {
    "hash value doesn't match": {"log-modified", "log-unreadable"},
    "not found": {"log-missing", "digest-missing"},
    "invalid format": {"log-unreadable", "digest-unreadable"},
    "unexpected data after end of compressed stream": {"log-unreadable"},
    "signature verification failed": {"digest-signature-invalid", "digest-modified"},
    "has been moved from its original location": {"digest-moved", "chain-broken", "digest-modified",
                                                  "digest-signature-invalid"},
    "public key not found": {"digest-key-unknown"},
}


def need_awscli():
    """The AWS CLI is installed (found, never imported here: importing awscli makes
    `botocore` mean its vendored copy in this process). Missing: skip, or fail under
    VIGIL_TEST_OPTIONAL=require."""
    import importlib.util
    if importlib.util.find_spec("awscli") is None:
        if os.environ.get("VIGIL_TEST_OPTIONAL") == "require":
            pytest.fail("awscli is not installed (VIGIL_TEST_OPTIONAL=require)")
        pytest.skip("awscli is not installed")


def cd():
    need_module("cryptography")
    import cloudtrail_digests
    return cloudtrail_digests


# ---- the cases ---------------------------------------------------------------------------


@dataclasses.dataclass
class Case:
    id: str
    spec: dict
    tamper: Callable  # (module, fixture) -> key or keys it concerns (or None)
    # AWS CLI: key -> reason substring of its INVALID verdict (every other reported file: valid)
    awscli_invalid: Callable = lambda fx, t: {}
    # AWS CLI: keys it must not report at all
    awscli_unseen: Callable = lambda fx, t: set()
    # vigil: (code, key) that must be reported
    vigil_required: Callable = lambda fx, t: set()
    # vigil: further keys that may carry failed findings (e.g. both files of a swap); the
    # logs listed by any digest that may fail are only asserted not to fail
    vigil_failed_ok: Callable = lambda fx, t: set()
    # vigil: a further check, (findings by file, fixture, touched) -> None
    vigil_check: Callable = lambda by_file, fx, t: None
    vigil_exit: int = 0


def _logs_of(fx, key):
    return {lf.key for d in fx.digests if d.key == key for lf in d.logs}


def _reordered(by_file, keys, after):
    """Both swapped digests fail, and one at least is named as moved or as breaking the chain.
    The digest after them (`after`, untouched) still verifies; the only failure it may carry
    is a chain-broken naming one of the swapped digests as its previous (its link leads to a
    file that now holds another digest)."""
    codes = [{r["code"] for r in by_file.get(k, [])} for k in keys]
    assert all(c & FAILED_CODES for c in codes), dict(zip(keys, codes))
    assert any(c & {"digest-moved", "chain-broken"} for c in codes), dict(zip(keys, codes))
    rows = by_file.get(after, [])
    assert any(r["code"] == "digest-valid" for r in rows), rows
    for r in rows:
        if r["status"] == "failed":
            assert r["code"] == "chain-broken" and r.get("digest") in keys, r


CASES = [
    Case("untouched", dict(regions=(R, R2)), lambda m, fx: None),
    Case("log-modified", {}, lambda m, fx: m.modify_log(fx, fx.log_of(A, R, 1, 0)),
         awscli_invalid=lambda fx, k: {k: "hash value doesn't match"},
         vigil_required=lambda fx, k: {("log-modified", k)}, vigil_exit=1),
    Case("log-deleted", {}, lambda m, fx: m.delete_log(fx, fx.log_of(A, R, 1, 1)),
         awscli_invalid=lambda fx, k: {k: "not found"},
         vigil_required=lambda fx, k: {("log-missing", k)}, vigil_exit=1),
    Case("log-added", {}, lambda m, fx: m.add_log(fx, A, R, 2),
         awscli_unseen=lambda fx, k: {k},
         vigil_required=lambda fx, k: {("log-unlisted", k)}),
    Case("log-truncated", {}, lambda m, fx: m.truncate_log(fx, fx.log_of(A, R, 2, 0)),
         awscli_invalid=lambda fx, k: {k: "hash value doesn't match"},
         vigil_required=lambda fx, k: {("log-unreadable", k)}, vigil_exit=1),
    Case("digest-modified", {}, lambda m, fx: m.modify_digest(fx, fx.digest_of(A, R, 1)),
         awscli_invalid=lambda fx, k: {k: "signature verification failed"},
         awscli_unseen=lambda fx, k: _logs_of(fx, k),
         vigil_required=lambda fx, k: {("digest-modified", k)}, vigil_exit=1),
    Case("digest-deleted", {}, lambda m, fx: m.delete_digest(fx, fx.digest_of(A, R, 1)),
         awscli_invalid=lambda fx, k: {k: "not found"},
         awscli_unseen=lambda fx, k: _logs_of(fx, k),
         vigil_required=lambda fx, k: {("digest-missing", k)}, vigil_exit=1),
    Case("digest-truncated", {}, lambda m, fx: m.truncate_digest(fx, fx.digest_of(A, R, 1)),
         awscli_invalid=lambda fx, k: {k: "invalid format"},
         awscli_unseen=lambda fx, k: _logs_of(fx, k),
         vigil_required=lambda fx, k: {("digest-unreadable", k)}, vigil_exit=1),
    Case("chain-reordered", {}, lambda m, fx: m.swap_digests(fx, fx.digest_of(A, R, 1), fx.digest_of(A, R, 2)),
         awscli_invalid=lambda fx, ks: {k: "has been moved from its original location" for k in ks},
         awscli_unseen=lambda fx, ks: _logs_of(fx, ks[0]) | _logs_of(fx, ks[1]),
         vigil_failed_ok=lambda fx, ks: set(ks) | {fx.digest_of(A, R, 3).key},
         vigil_check=lambda by_file, fx, ks: _reordered(by_file, ks, fx.digest_of(A, R, 3).key),
         vigil_exit=1),
    Case("wrong-key", {}, lambda m, fx: m.sign_with_wrong_key(fx, fx.digest_of(A, R, 2)),
         awscli_invalid=lambda fx, k: {k: "signature verification failed"},
         awscli_unseen=lambda fx, k: _logs_of(fx, k),
         vigil_required=lambda fx, k: {("digest-signature-invalid", k)}, vigil_exit=1),
    Case("unknown-key", {}, lambda m, fx: m.sign_with_unknown_key(fx, fx.digest_of(A, R, 2)),
         awscli_invalid=lambda fx, k: {k: "public key not found in region us-east-1 for fingerprint "
                                          + fx.keys["us-east-1-attacker"].fingerprint},
         awscli_unseen=lambda fx, k: _logs_of(fx, k),
         vigil_required=lambda fx, k: {("digest-key-unknown", k)}, vigil_exit=1),
    Case("key-expired", dict(rotation=True), lambda m, fx: m.sign_with_expired_key(fx, fx.digest_of(A, R, 3)),
         vigil_required=lambda fx, k: {("digest-key-invalid-period", k)}, vigil_exit=1),
    Case("gap", dict(hours=5), lambda m, fx: m.drop_hour(fx, A, R, 2)),
    Case("backfill", dict(backfill=((A, R, 1),)), lambda m, fx: None),
    # the backfill digest of hour 0 is generated after the key rotation: signed with the
    # second key, whose validity starts after the digest's digestEndTime
    Case("backfill-rotated", dict(rotation=True, backfill=((A, R, 0),)), lambda m, fx: None),
    Case("organization", dict(accounts=(A, B), org_id="o-a1b2c3d4e5", prefix="cloudtrail/org"),
         lambda m, fx: None),
]
CASE_IDS = [c.id for c in CASES]
BY_ID = {c.id: c for c in CASES}


def _spec(m, i, case):
    kw = dict(accounts=(A,), regions=(R,), hours=4, bucket=f"vigil-matrix-{i:02d}-{case.id}", seed=16 + i)
    kw.update(case.spec)
    return m.Spec(**kw)


@dataclasses.dataclass
class Built:
    case: Case
    fx: object  # cloudtrail_digests.Fixture
    touched: object  # what the tamper returned
    awscli: dict = dataclasses.field(default_factory=dict)  # (account, region) -> parsed result


@pytest.fixture(scope="module")
def trees(tmp_path_factory):
    """Every case's fixture, built and tampered (no AWS CLI, no moto)."""
    m = cd()
    base = tmp_path_factory.mktemp("matrix")
    out = {}
    for i, case in enumerate(CASES):
        fx = m.build(_spec(m, i, case), str(base / case.id))
        touched = case.tamper(m, fx)
        fx.save()
        out[case.id] = Built(case, fx, touched)
    return out


@pytest.fixture(scope="module")
def awscli(trees):
    """validate-logs over every case, every (account, region), in one AWS CLI process
    against one local S3."""
    need_module("moto.server")
    need_module("boto3")
    need_awscli()
    import awscli_validate as av
    s3 = av.LocalS3()
    try:
        runs, where = [], []
        for cid, b in trees.items():
            s3.upload(b.fx.out)
            for acct in b.fx.spec.accounts:
                for region in b.fx.spec.regions:
                    runs.append(av.run_spec(b.fx.out, acct, region))
                    where.append((cid, acct, region))
        results = av.run(s3.endpoint, runs)
    finally:
        s3.stop()
    for (cid, acct, region), r in zip(where, results):
        trees[cid].awscli[(acct, region)] = av.parse(r)
    return trees


def _universe(fx):
    """Every digest of the fixture's model and every log file a digest lists:
    key -> (kind, account, region)."""
    files = {}
    for d in fx.digests:
        files[d.key] = ("backfill-digest" if d.backfill else "digest", d.account, d.region)
        for lf in d.logs:
            files[lf.key] = ("log", d.account, d.region)
    return files


# ---- AWS CLI -----------------------------------------------------------------------------


@pytest.mark.parametrize("cid", CASE_IDS)
def test_awscli(awscli, cid):
    b = awscli[cid]
    fx, case, t = b.fx, b.case, b.touched
    invalid = case.awscli_invalid(fx, t)
    unseen = case.awscli_unseen(fx, t)
    universe = _universe(fx)
    assert set(invalid) <= set(universe) and not (set(invalid) & unseen)
    for (acct, region), res in b.awscli.items():
        mine = {k: v for k, v in universe.items() if v[1:] == (acct, region)}
        expect = {k for k in mine if k not in unseen}
        assert res["other"] == [], f"unexpected output from the AWS CLI: {res['other']}"
        assert set(res["files"]) == expect, (
            f"{acct} {region}: files the AWS CLI reported differ: missing {sorted(expect - set(res['files']))}, "
            f"extra {sorted(set(res['files']) - expect)}")
        for k, got in res["files"].items():
            assert got["bucket"] == fx.spec.bucket
            assert got["kind"] == mine[k][0], (k, got)
            if k in invalid:
                assert not got["valid"] and got["reason"].startswith(invalid[k]), (k, got)
            else:
                assert got["valid"], (k, got)
        bad = [k for k in invalid if universe[k][1:] == (acct, region)]
        assert res["rc"] == (1 if bad else 0), res
        n_dig = sum(1 for k in expect if mine[k][0] == "digest")
        n_log = sum(1 for k in expect if mine[k][0] == "log")
        assert res["summary"]["digest"] == (n_dig - sum(1 for k in bad if mine[k][0] == "digest"), n_dig)
        assert res["summary"]["log"] == (n_log - sum(1 for k in bad if mine[k][0] == "log"), n_log)
        n_back = sum(1 for k in expect if mine[k][0] == "backfill-digest")
        assert res["summary"].get("backfill digest", (0, 0)) == (n_back, n_back)
        if cid == "gap":
            dropped = next(x for x in fx.tampers if x["op"] == "drop_hour")
            assert res["gaps"] == [{"backfill": False, "from": dropped["start"], "to": dropped["end"]}]
        else:
            assert res["gaps"] == []
    if cid == "backfill-rotated":
        d = fx.digest_of(A, R, 0, backfill=True)
        signer = fx.key_for(R, d.signed_at)
        assert signer.name == f"{R}-2" and d.end < signer.valid_from <= d.generated
    if cid in ("backfill", "backfill-rotated"):
        (res,) = b.awscli.values()
        bf = [k for k, v in res["files"].items() if v["kind"] == "backfill-digest"]
        assert len(bf) == 1 and bf[0].endswith("_backfill.json.gz") and res["files"][bf[0]]["valid"]
    if cid == "organization":
        assert len(b.awscli) == 2
        assert all(k.startswith("cloudtrail/org/AWSLogs/o-a1b2c3d4e5/") for r in b.awscli.values() for k in r["files"])


# ---- vigil validate ----------------------------------------------------------------------


def _vigil_cli() -> str:
    return need_cli(os.environ.get("VIGIL_CLI") or "", str(pathlib.Path(sys.executable).with_name("vigil")),
                    shutil.which("vigil") or "", str(REPO / "build" / "vigil"))


_HAS_VALIDATE: dict = {}


def vigil_validate_cli() -> str:
    """The `vigil` command under test; it fails the test when it has no `validate`."""
    cli = _vigil_cli()
    if cli not in _HAS_VALIDATE:
        p = subprocess.run([cli, "validate", "--help"], capture_output=True, text=True)
        _HAS_VALIDATE[cli] = p.returncode == 0 and "--public-keys" in p.stdout
    if not _HAS_VALIDATE[cli]:
        pytest.fail(f"`{cli} validate` is missing or has no --public-keys")
    return cli


def run_vigil(cli, fx, *extra, signatures="signatures.json"):
    sig = ["--signatures", os.path.join(fx.out, signatures)] if signatures else []
    p = subprocess.run([cli, "validate", fx.root, "--public-keys", os.path.join(fx.out, "public-keys.json"),
                        *sig, "--format", "jsonl", *extra], capture_output=True, text=True, timeout=60)
    rows = []
    for line in p.stdout.splitlines():
        if line.strip():
            rows.append(json.loads(line))
    return p.returncode, [r for r in rows if "code" in r], p.stderr


def _offline_signatures(cli, fx, rows):
    """The signatures in head-object form give the same findings; without any, each
    chain's newest digest is unverifiable (its signature exists only in S3 metadata) and
    every other digest is still verified through the next one's previousDigestSignature."""
    def pairs(rs):
        return sorted((r["code"], r.get("file") or "") for r in rs)

    rc, heads, err = run_vigil(cli, fx, signatures="head-objects.json")
    assert rc == 0 and pairs(heads) == pairs(rows), err
    rc, bare, err = run_vigil(cli, fx, signatures=None)
    assert rc == 0, err
    newest = {fx.chain(a, r)[-1].key for a in fx.spec.accounts for r in fx.spec.regions}
    by_file: dict = {}
    for r in bare:
        by_file.setdefault(r.get("file"), set()).add(r["code"])
    for d in fx.digests:
        if d.key in newest:
            assert "digest-signature-unverifiable" in by_file.get(d.key, ()), (d.key, by_file.get(d.key))
            assert "digest-valid" not in by_file.get(d.key, ()), (d.key, by_file.get(d.key))
        else:
            assert by_file.get(d.key, set()) & {"digest-valid"}, (d.key, by_file.get(d.key))
    assert not any(r["status"] == "failed" for r in bare), bare
    rc, _, _ = run_vigil(cli, fx, "--strict", signatures=None)
    assert rc == 1


@pytest.mark.parametrize("cid", CASE_IDS)
def test_vigil_validate(awscli, cid):
    cli = vigil_validate_cli()
    b = awscli[cid]
    fx, case, t = b.fx, b.case, b.touched
    rc, rows, err = run_vigil(cli, fx)
    assert rc == case.vigil_exit, (rc, err, rows)
    for r in rows:
        assert r["status"] in ("ok", "failed", "unverified", "info"), r
        assert r["code"] in {"ok": OK_CODES, "failed": FAILED_CODES, "unverified": UNVERIFIED_CODES,
                             "info": {"gap"}}[r["status"]], r
    by_file: dict = {}
    for r in rows:
        by_file.setdefault(r.get("file"), []).append(r)

    required = case.vigil_required(fx, t)
    for code, key in required:
        assert any(r["code"] == code for r in by_file.get(key, [])), (
            f"vigil did not report {code} for {key}; it reported {by_file.get(key)}")
    case.vigil_check(by_file, fx, t)
    failed_ok = {k for _, k in required} | case.vigil_failed_ok(fx, t)
    # The logs listed by a digest that fails: vigil may call them valid or unverified.
    loose = case.awscli_unseen(fx, t).union(*(_logs_of(fx, k) for k in failed_ok))

    # Every file of the tree that no tamper touched is verified, and none fails.
    universe = _universe(fx)
    for key, (kind, acct, region) in universe.items():
        codes = {r["code"] for r in by_file.get(key, [])}
        if key in failed_ok:
            continue
        assert not codes & FAILED_CODES, (key, by_file.get(key))
        if key in loose:
            continue
        want = "log-valid" if kind == "log" else "digest-valid"
        assert want in codes, (key, by_file.get(key))
        for r in by_file[key]:
            if r["code"] == want:
                assert (r.get("account"), r.get("region")) == (acct, region), r
    failed_files = {r.get("file") for r in rows if r["status"] == "failed"}
    assert failed_files <= failed_ok, f"failures on files no tamper touched: {failed_files - failed_ok}"

    # Gaps: the dropped hour (logging stopped) and the deleted digest's hour (the issue:
    # "hours with no digest are reported as periods, with the likely reason (logging
    # stopped, or digests deleted)") must be reported, exactly; reordered digests may
    # leave a period without a valid digest, within their hours; no gap anywhere else.
    gaps = sorted((r["start"], r["end"]) for r in rows if r["code"] == "gap")
    assert all(r.get("reason") for r in rows if r["code"] == "gap"), rows
    if cid in ("gap", "digest-deleted"):
        gone = fx.tampers[0]["key"]
        period = ((fx.tampers[0]["start"], fx.tampers[0]["end"]) if cid == "gap" else
                  next((iso(d.start), iso(d.end)) for d in fx.digests if d.key == gone))
        assert gaps == [period], gaps
    elif cid == "chain-reordered":
        lo = min(iso(d.start) for d in fx.digests if d.key in t)
        hi = max(iso(d.end) for d in fx.digests if d.key in t)
        assert all(lo <= a < b <= hi for a, b in gaps), (gaps, lo, hi)
    else:
        assert gaps == [], gaps
    if cid == "untouched":
        _offline_signatures(cli, fx, rows)
    if cid == "log-added":
        assert [r["status"] for r in by_file[t]] == ["unverified"], by_file[t]
        rc_strict, _, _ = run_vigil(cli, fx, "--strict")
        assert rc_strict == 1

    # Agreement with the AWS CLI on every file it reported.
    for (acct, region), res in b.awscli.items():
        for key, got in res["files"].items():
            mine = by_file.get(key, [])
            codes = {r["code"] for r in mine}
            if got["valid"]:
                if key in failed_ok | loose:
                    # documented differences: the AWS CLI does not check validity periods,
                    # so it accepts the digest (and checks its logs) where vigil fails it;
                    # nor the previous-digest links, so it accepts the digest after a
                    # reordered pair, where vigil adds chain-broken to its digest-valid
                    assert cid in ("key-expired", "chain-reordered"), (key, got, mine)
                    continue
                assert codes & OK_CODES and not codes & FAILED_CODES, (key, got, mine)
            else:
                allowed = next(v for reason, v in AWSCLI_TO_VIGIL.items() if got["reason"].startswith(reason))
                assert codes & allowed, f"AWS CLI: {key} INVALID: {got['reason']}; vigil: {mine}"
