#!/usr/bin/env python3
# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""AWS's own validator, offline: `aws cloudtrail validate-logs` (the AWS CLI v1, PyPI
`awscli`) run against a fixture of tools/cloudtrail_digests.py served by a local S3
(moto in server mode), its output parsed into one result per file.

How it is made offline (nothing is patched in the CLI's validation code):

* S3. The tree is uploaded to a moto server, each digest with the object metadata
  CloudTrail gives it (`signature`, `signature-algorithm`, and for a backfill digest
  `backfill-generation-timestamp`), and the CLI's S3 clients are pointed at it with
  AWS_ENDPOINT_URL_S3. ListObjects (by prefix and marker), GetObject (with its
  x-amz-meta-* headers), GetBucketLocation and NoSuchKey are moto's, over HTTP.
* CloudTrail and Organizations. validate-logs calls cloudtrail DescribeTrails (to find
  the trail's bucket, prefix and whether it is an organization trail),
  organizations DescribeOrganization (organization trails: the o-... of the digest
  paths) and cloudtrail ListPublicKeys (StartTime/EndTime; the keys whose validity
  overlaps). moto has no ListPublicKeys, and its trails could not hold the fixture's
  keys, so these three calls are answered inside the CLI process by a handler on
  botocore's `before-send` event: the request is built and serialized by the CLI's own
  client, the handler returns an HTTP 200 whose JSON body is what AWS would send (the
  trail; the organization; the fixture's public keys of the request's region whose
  validity overlaps the request's StartTime..EndTime, Value base64 as on the wire), and
  the client's own parser reads it. Any other non-S3 call gets an HTTP 400 (nothing
  leaves the machine).
* The CLI runs in a child process (`--child`), several validations per process, each a
  fresh `awscli.clidriver.create_clidriver().main([...])` with stdout and stderr captured:
  importing awscli installs an import hook that makes `botocore` mean awscli's vendored
  copy, which must not meet the test process's boto3/moto. The child's Python is
  $VIGIL_AWSCLI_PYTHON, else this Python.

validate-logs checks one region of one account per run (the region is --region); run()
takes a list of runs. parse() turns the output (its --verbose lines: "Digest file",
"(backfill) Digest file", "Log file", each "valid" or "INVALID: reason"; the "No log
files were delivered" gap lines; the summary ratios) into a dict.

Command line (a manual comparison on a fixture folder):
  tools/awscli_validate.py OUT [--account A] [--region R] [--start T] [--end T]
prints the parsed results as JSON.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
import os
import re
import socket
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


# ---- parent side: serve, upload, run, parse ---------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalS3:
    """A moto server on 127.0.0.1 (moto[server]); stop() ends it."""

    def __init__(self):
        import logging

        from moto.server import ThreadedMotoServer
        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        self.port = free_port()
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=self.port, verbose=False)
        self.server.start()
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def client(self):
        import boto3
        return boto3.client("s3", region_name="us-east-1", endpoint_url=self.endpoint,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def upload(self, out: str) -> str:
        """The fixture's tree into its bucket (created, in us-east-1), digests with their
        S3 metadata. Returns the bucket name."""
        with open(os.path.join(out, "manifest.json")) as f:
            m = json.load(f)
        s3 = self.client()
        bucket = m["bucket"]
        s3.create_bucket(Bucket=bucket)
        root = os.path.join(out, "tree")
        for dirpath, _, files in os.walk(root):
            for name in files:
                path = os.path.join(dirpath, name)
                key = os.path.relpath(path, root).replace(os.sep, "/")
                with open(path, "rb") as f:
                    s3.put_object(Bucket=bucket, Key=key, Body=f.read(), ContentType="application/json",
                                  Metadata=m["object_metadata"].get(key, {}))
        return bucket

    def stop(self):
        self.server.stop()


def run_spec(out: str, account: str, region: str, start: str | None = None, end: str | None = None) -> dict:
    """One validate-logs run over the fixture in OUT: its trail, the given account and
    region, from the first digest's start to the last digest's end (or start/end)."""
    with open(os.path.join(out, "manifest.json")) as f:
        m = json.load(f)
    with open(os.path.join(out, "public-keys.json")) as f:
        keys = json.load(f)["PublicKeyList"]
    spec = m["spec"]
    org = m["organization_id"]
    trails = []
    for acct in ([spec["accounts"][0]] if org else spec["accounts"]):
        trails.append({
            "Name": m["trail"], "S3BucketName": m["bucket"], "IncludeGlobalServiceEvents": True,
            "IsMultiRegionTrail": True, "HomeRegion": m["home_region"],
            "TrailARN": "arn:aws:cloudtrail:%s:%s:trail/%s" % (m["home_region"], acct, m["trail"]),
            "LogFileValidationEnabled": True, "HasCustomEventSelectors": False, "HasInsightSelectors": False,
            "IsOrganizationTrail": bool(org), **({"S3KeyPrefix": m["prefix"]} if m["prefix"] else {})})
    arn_account = spec["accounts"][0] if org else account
    args = ["cloudtrail", "validate-logs", "--region", region, "--verbose",
            "--trail-arn", "arn:aws:cloudtrail:%s:%s:trail/%s" % (m["home_region"], arn_account, m["trail"]),
            "--start-time", start or m["first_digest_start"], "--end-time", end or m["last_digest_end"]]
    if org:
        args += ["--account-id", account]
    return {"args": args, "trails": trails, "public_keys": keys, "key_regions": _key_regions(m),
            "organization": {"Id": org, "MasterAccountId": spec["accounts"][0]} if org else None}


def _key_regions(m) -> dict:
    return {k["fingerprint"]: k["region"] for k in m["keys"]}


def run(endpoint: str, runs: list, python: str | None = None, timeout: float = 120) -> list:
    """Runs validate-logs for each of `runs` (run_spec()) in one child process against the
    local S3 at `endpoint`; returns [{"rc", "stdout", "stderr"}] in order."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update({
        "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_SESSION_TOKEN": "testing",
        "AWS_CONFIG_FILE": os.devnull, "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL_S3": endpoint, "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1", "AWS_PAGER": "",
    })
    python = python or os.environ.get("VIGIL_AWSCLI_PYTHON") or sys.executable
    p = subprocess.run([python, os.path.abspath(__file__), "--child"], input=json.dumps(runs), text=True,
                       capture_output=True, env=env, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"awscli child failed ({p.returncode}):\n{p.stderr[-4000:]}")
    return json.loads(p.stdout)


_FILE = re.compile(r"^(\(backfill\) )?(Digest|Log) file\ts3://([^/]+)/(\S+)\t(valid|INVALID: (.*))$")
_GAP = re.compile(r"^(\(backfill\) )?No log files were delivered by CloudTrail between (\S+) and (\S+)$")
_RATIO = re.compile(r"^(\d+)/(\d+) (digest|backfill digest|log) files valid(?:, (\d+)/\d+ .* files INVALID)?$")


def parse(result: dict) -> dict:
    """{"rc", "files": {key: {"kind": "digest"|"backfill-digest"|"log", "valid": bool,
    "reason": str|None, "bucket"}}, "gaps": [{"backfill", "from", "to"}],
    "summary": {"digest"|"backfill digest"|"log": (valid, total)}, "other": [unparsed lines]}"""
    out = {"rc": result["rc"], "files": {}, "gaps": [], "summary": {}, "other": []}
    for line in (result["stdout"] + "\n" + result["stderr"]).splitlines():
        line = line.rstrip("\n")
        if not line.strip():
            continue
        m = _FILE.match(line)
        if m:
            kind = "log" if m.group(2) == "Log" else ("backfill-digest" if m.group(1) else "digest")
            key = m.group(4)
            if key in out["files"]:
                raise AssertionError(f"the AWS CLI reported {key} twice")
            out["files"][key] = {"kind": kind, "valid": m.group(5) == "valid", "reason": m.group(6),
                                 "bucket": m.group(3)}
            continue
        m = _GAP.match(line)
        if m:
            out["gaps"].append({"backfill": bool(m.group(1)), "from": m.group(2), "to": m.group(3)})
            continue
        m = _RATIO.match(line)
        if m:
            out["summary"][m.group(3)] = (int(m.group(1)), int(m.group(2)))
            continue
        if line.startswith(("Validating log files for trail", "Results requested for", "Results found for")):
            continue
        out["other"].append(line)
    return out


# ---- child side: the AWS CLI with CloudTrail and Organizations answered locally ----------


def _epoch(s: str) -> float:
    return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.timezone.utc).timestamp()


def _answer(run_: dict, operation: str, request) -> tuple:
    """(status, body) for a CloudTrail / Organizations call, as AWS would answer it."""
    body = json.loads(request.body or b"{}") if request.body else {}
    if operation == "cloudtrail.DescribeTrails":
        return 200, {"trailList": run_["trails"]}
    if operation == "cloudtrail.GetTrail":
        name = body.get("Name")
        for t in run_["trails"]:
            if name in (t["Name"], t["TrailARN"]):
                return 200, {"Trail": t}
        return 400, {"__type": "TrailNotFoundException", "message": f"Unknown trail: {name}"}
    if operation == "cloudtrail.ListPublicKeys":
        # The request's region: its endpoint host, cloudtrail.REGION.amazonaws.com.
        m = re.match(r"https?://cloudtrail[.-](?:fips[.-])?([a-z0-9-]+)\.amazonaws\.com", request.url)
        region = m.group(1) if m else None
        start = float(body.get("StartTime", 0))
        end = float(body.get("EndTime", 1e12))
        keys = [{"Value": k["Value"], "ValidityStartTime": _epoch(k["ValidityStartTime"]),
                 "ValidityEndTime": _epoch(k["ValidityEndTime"]), "Fingerprint": k["Fingerprint"]}
                for k in run_["public_keys"]
                if run_["key_regions"].get(k["Fingerprint"]) == region
                and _epoch(k["ValidityStartTime"]) <= end and _epoch(k["ValidityEndTime"]) >= start]
        return 200, {"PublicKeyList": keys}
    if operation == "organizations.DescribeOrganization" and run_.get("organization"):
        o = run_["organization"]
        mgmt = o["MasterAccountId"]
        return 200, {"Organization": {
            "Id": o["Id"], "Arn": "arn:aws:organizations::%s:organization/%s" % (o["MasterAccountId"], o["Id"]),
            "FeatureSet": "ALL", "MasterAccountId": o["MasterAccountId"],
            "MasterAccountArn": "arn:aws:organizations::%s:account/%s/%s" % (mgmt, o["Id"], mgmt),
            "MasterAccountEmail": "management@example.com"}}
    return 400, {"__type": "VigilOfflineException", "message": f"{operation} is not answered offline"}


def _child() -> int:
    import awscli.clidriver
    from botocore.awsrequest import AWSResponse

    class _Raw:
        def __init__(self, data):
            self._data = data

        def stream(self, **_):
            yield self._data

    runs = json.load(sys.stdin)
    results = []
    for run_ in runs:
        driver = awscli.clidriver.create_clidriver()

        def before_send(request, event_name=None, **_):
            parts = event_name.split(".")  # before-send.SERVICE.OPERATION
            if parts[1] == "s3":
                return None  # to the local S3
            status, body = _answer(run_, f"{parts[1]}.{parts[2]}", request)
            return AWSResponse(request.url, status, {"Content-Type": "application/x-amz-json-1.1"},
                               _Raw(json.dumps(body).encode()))

        driver.session.register("before-send", before_send)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                rc = driver.main(list(run_["args"]))
            except SystemExit as e:  # argparse errors
                rc = e.code if isinstance(e.code, int) else 2
        results.append({"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()})
    json.dump(results, sys.stdout)
    return 0


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--child"]:
        return _child()
    import argparse
    ap = argparse.ArgumentParser(description="aws cloudtrail validate-logs over a tools/cloudtrail_digests.py "
                                             "fixture, offline (moto S3, CloudTrail answered locally)")
    ap.add_argument("out", help="the fixture folder (OUT of tools/cloudtrail_digests.py)")
    ap.add_argument("--account", help="default: every account of the fixture")
    ap.add_argument("--region", help="default: every region of the fixture")
    ap.add_argument("--start")
    ap.add_argument("--end")
    ap.add_argument("--raw", action="store_true", help="print the CLI's own output, not the parsed results")
    a = ap.parse_args(argv)
    with open(os.path.join(a.out, "manifest.json")) as f:
        spec = json.load(f)["spec"]
    pairs = [(acct, reg) for acct in ([a.account] if a.account else spec["accounts"])
             for reg in ([a.region] if a.region else spec["regions"])]
    s3 = LocalS3()
    try:
        s3.upload(a.out)
        results = run(s3.endpoint, [run_spec(a.out, acct, reg, a.start, a.end) for acct, reg in pairs])
    finally:
        s3.stop()
    for (acct, reg), r in zip(pairs, results):
        if a.raw:
            print(f"== {acct} {reg}: rc {r['rc']}\n{r['stdout']}{r['stderr']}")
        else:
            print(json.dumps({"account": acct, "region": reg, **parse(r)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
