"""Deterministic generator of synthetic, realistic AWS CloudTrail records.

Everything is derived from --seed: the same command line always produces the
same bytes (gzip headers carry mtime 0).  Output is streamed, so corpora of
several GB need no more memory than one 5-minute delivery window.

The benign traffic imitates a mid-sized production account: mostly read-only
Describe*/List*/Get* calls from SDKs, agents, service-linked roles, CI and
console users, a realistic share of errors (AccessDenied, NoSuchBucketPolicy,
throttling ...).  Attack records from a fixed catalogue (--list-attacks) are
mixed in at --attack-rate; the JSON manifest reports exactly how many records
of each kind were written and which rules of rules/aws/cloudtrail/ they trigger
(attack_rules.json, derived with the engine: see rulemap.py).  Benign traffic
triggers none of those rules.

Usage:
  gen_cloudtrail.py [--seed N] [--events N | --bytes SIZE] [--format FMT]
                    [--out PATH] [--manifest FILE] [--start ISO] [--rate EPS |
                    --duration DUR] [--regions R1,R2] [--account ID]
                    [--attack-rate P] [--attack-kinds K1,K2] [--list-attacks]
                    [--gzip-level N] [--max-file-records N]

  --format ndjson   one compact record per line (default; --out - is stdout)
  --format records  one {"Records":[...]} JSON document
  --format s3       a folder laid out like CloudTrail's S3 delivery:
                    AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/
                      <acct>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16 alnum>.json.gz
                    (one file per region per 5 minutes, split at --max-file-records)
                    plus hourly digest files under AWSLogs/<acct>/CloudTrail-Digest/
                    (their SHA-256 hashes and chain are real, their signatures
                    are random hex).

The manifest (--manifest FILE, else stderr) is JSON: events, bytes (uncompressed
JSON), events per region, attack records and instances per kind, and
expected_rule_matches (rule file stem of the bundled pack -> number of attack records it
must match), and attack_event_ids (attack kind -> eventIDs of its records).

Modules: world (the account and its identifiers), services and services_mgmt (the
benign API calls), traffic (the record stream), attacks (the attack catalogue),
writers (output formats and the manifest), cli (the command line), rulemap and
derive (the attack -> rule map and how it is derived).  Run it as
tools/gen_cloudtrail.py or, from tools/, python3 -m gen_cloudtrail.

Examples:
  gen_cloudtrail.py --seed 1 --events 1000 --out events.ndjson
  gen_cloudtrail.py --seed 7 --bytes 500MB --rate 200 --out big.ndjson --manifest big.json
  gen_cloudtrail.py --seed 42 --events 2500 --duration 90m --format s3 --out logs/
"""
