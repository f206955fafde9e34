#!/usr/bin/env python3
"""Deterministic generator of synthetic, realistic AWS CloudTrail records.

Everything is derived from --seed: the same command line always produces the
same bytes (gzip headers carry mtime 0).  Output is streamed, so corpora of
several GB need no more memory than one 5-minute delivery window.

The benign traffic imitates a mid-sized production account: mostly read-only
Describe*/List*/Get* calls from SDKs, agents, service-linked roles, CI and
console users, a realistic share of errors (AccessDenied, NoSuchBucketPolicy,
throttling ...).  Attack records from a fixed catalogue (--list-attacks) are
mixed in at --attack-rate; the JSON manifest reports exactly how many records
of each kind were written and which rule of rules/aws/cloudtrail/ each kind is
expected to trigger.  Benign traffic triggers none of those rules.

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

Examples:
  gen_cloudtrail.py --seed 1 --events 1000 --out events.ndjson
  gen_cloudtrail.py --seed 7 --bytes 500MB --rate 200 --out big.ndjson --manifest big.json
  gen_cloudtrail.py --seed 42 --events 2500 --duration 90m --format s3 --out logs/
"""

import argparse
import bisect
import calendar
import gzip
import hashlib
import json
import random
import re
import sys
import time

GENERATOR_VERSION = 1
GLOBAL_REGION = "us-east-1"
_B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
_UPPER_NUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
_LOWER_NUM = "abcdefghijklmnopqrstuvwxyz0123456789"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# eventVersion per service, as seen in current CloudTrail deliveries.
EVENT_VERSION = {
    "ec2": "1.10", "s3": "1.10", "iam": "1.08", "sts": "1.08", "kms": "1.08",
    "lambda": "1.08", "logs": "1.08", "monitoring": "1.08", "ssm": "1.08",
    "secretsmanager": "1.08", "dynamodb": "1.09", "rds": "1.08", "cloudtrail": "1.11",
    "config": "1.08", "organizations": "1.08", "sso": "1.08", "signin": "1.08",
    "guardduty": "1.08",
}
# IAM action prefix for an eventSource prefix (used in AccessDenied messages).
ACTION_PREFIX = {"monitoring": "cloudwatch", "signin": "signin"}
# Service name the AWS CLI uses for `md/command#<svc>.<op>`.
CLI_NAME = {"s3": "s3api", "monitoring": "cloudwatch", "config": "configservice",
            "sso": "sso-admin"}


# --------------------------------------------------------------------------- utils

def parse_size(text):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?i?b?)?\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"bad size {text!r} (e.g. 500KB, 100MB, 2GB)")
    num, unit = float(m.group(1)), (m.group(2) or "").rstrip("b")
    base = 1024 if unit.endswith("i") else 1000
    power = {"": 0, "k": 1, "m": 2, "g": 3, "t": 4}[unit.rstrip("i")]
    return int(num * base ** power)


def parse_duration(text):
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", text.lower())
    if not m:
        raise argparse.ArgumentTypeError(f"bad duration {text!r} (e.g. 90m, 2h, 3600)")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def parse_time(text):
    try:
        return calendar.timegm(time.strptime(text.replace("Z", ""), "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"bad time {text!r} (want YYYY-MM-DDTHH:MM:SSZ)")


def iso(t):
    g = time.gmtime(t)
    return "%04d-%02d-%02dT%02d:%02d:%02dZ" % g[:6]


def aws_date(t):
    """The 'Nov 26, 2026, 3:04:05 PM' style IAM/STS use inside responseElements."""
    g = time.gmtime(t)
    h = g.tm_hour % 12 or 12
    return "%s %d, %d, %d:%02d:%02d %s" % (_MONTHS[g.tm_mon - 1], g.tm_mday, g.tm_year, h,
                                           g.tm_min, g.tm_sec, "AM" if g.tm_hour < 12 else "PM")


def camel_to_kebab(name):
    name = re.sub(r"\d{8}(v\d)?$", "", name)
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def api_action(svc, op):
    return "%s:%s" % (ACTION_PREFIX.get(svc, svc), re.sub(r"\d{8}(v\d)?$", "", op))


class Rand(random.Random):
    """random.Random plus the identifier shapes CloudTrail is full of."""

    def s(self, alphabet, n):
        return "".join(self.choices(alphabet, k=n))

    def hexs(self, n):
        return "%0*x" % (n, self.getrandbits(4 * n))

    def uuid(self):
        n = self.getrandbits(128)
        h = "%032x" % n
        return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[n & 3], h[17:20], h[20:])

    def rid(self, prefix):
        """EC2-style id: prefix + 17 hex digits."""
        return "%s-0%s" % (prefix, self.hexs(16))

    def b64(self, n):
        chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        return "".join(self.choices(chars, k=n))

    def wpick(self, table):
        """table = (items, cumulative_weights) from weighted()."""
        items, cum = table
        return items[bisect.bisect(cum, self.random() * cum[-1])]


def weighted(pairs):
    items, cum, acc = [], [], 0.0
    for item, w in pairs:
        if w <= 0:
            continue
        acc += w
        items.append(item)
        cum.append(acc)
    return items, cum


def items(key, values):
    return {"items": [{key: v} for v in values]}


def filt(name, *values):
    return {"name": name, "valueSet": {"items": [{"value": v} for v in values]}}


# --------------------------------------------------------------------------- world

FIRST = ["lena", "omar", "grace", "tom", "sara", "ivan", "mei", "jonas", "aisha", "pedro",
         "nina", "felix", "yuki", "ravi", "clara", "hugo"]
LAST = ["fischer", "haddad", "lin", "becker", "oduya", "petrov", "chen", "berg", "khan",
        "alves", "novak", "wagner", "sato", "iyer", "moreau", "dubois"]
AZ_SUFFIX = "abc"
INSTANCE_TYPES = ["t3.medium", "t3.large", "m6i.large", "m6i.xlarge", "c6i.2xlarge", "r6g.large"]


class World:
    """Static inventory of one AWS account (users, roles, resources), from the seed."""

    def __init__(self, seed, regions, account=None):
        r = Rand("vigil-world-%s" % seed)
        self.r = r
        self.account = account or str(r.randrange(100000000000, 999999999999))
        self.regions = list(regions)
        self.home = self.regions[0]
        self.org = "nimbus"
        self.domain = "nimbusretail.example"
        self.org_id = "o-" + r.s(_LOWER_NUM, 10)
        self.idpart = r.s(_B32, 8)  # account-specific middle part of AKIA/AROA ids
        self.trail = "org-management-trail"
        self.trail_arn = "arn:aws:cloudtrail:%s:%s:trail/%s" % (self.home, self.account, self.trail)
        self.trail_bucket = "%s-cloudtrail-logs-%s" % (self.org, self.account)
        self.sso_instance = "arn:aws:sso:::instance/ssoins-" + r.hexs(16)
        self.digest_offset = r.randrange(60, 600)  # seconds past the hour of each digest

        # IAM users: humans with long-term keys, service users, a break-glass admin.
        self.users = []
        for i in range(5):
            name = "%s.%s" % (FIRST[i + 8], LAST[i + 8])
            self.users.append(self._user(name, console=True, mfa=(i not in (1, 3))))
        for name in ("svc-jenkins", "svc-backup-agent", "terraform-legacy", "vendor-sftp-sync"):
            self.users.append(self._user(name, console=False, mfa=False))
        self.users.append(self._user("breakglass-admin", console=True, mfa=True))
        self.user_by_name = {u["name"]: u for u in self.users}

        # IAM Identity Center (SSO) permission sets and their reserved roles.
        self.roles = {}
        self.sso_roles = {}
        for ps in ("AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "BillingAccess"):
            name = "AWSReservedSSO_%s_%s" % (ps, r.hexs(16))
            self.sso_roles[ps] = self._role(name, "/aws-reserved/sso.amazonaws.com/%s/" % self.home)
        self.sso_users = []
        for i in range(8):
            email = "%s.%s@%s" % (FIRST[i], LAST[i], self.domain)
            ps = ("AdministratorAccess", "PowerUserAccess", "PowerUserAccess", "ReadOnlyAccess",
                  "ReadOnlyAccess", "PowerUserAccess", "ReadOnlyAccess", "BillingAccess")[i]
            self.sso_users.append({"email": email, "ps": ps})

        for name in ("orders-api-instance-role", "batch-worker-instance-role",
                     "eks-node-NodeInstanceRole-" + r.s(_UPPER_NUM, 12),
                     "invoice-processor-lambda-role", "image-resizer-lambda-role",
                     "cost-report-lambda-role", "config-rule-evaluator-role",
                     "github-actions-deploy", "ObservabilityVendorReadOnly",
                     "backup-operator", "data-pipeline-glue-role"):
            self._role(name, "/")
        self.service_roles = {}
        for svc, name in (("config.amazonaws.com", "AWSServiceRoleForConfig"),
                          ("securityhub.amazonaws.com", "AWSServiceRoleForSecurityHub"),
                          ("guardduty.amazonaws.com", "AWSServiceRoleForAmazonGuardDuty"),
                          ("inspector2.amazonaws.com", "AWSServiceRoleForAmazonInspector2"),
                          ("autoscaling.amazonaws.com", "AWSServiceRoleForAutoScaling"),
                          ("trustedadvisor.amazonaws.com", "AWSServiceRoleForTrustedAdvisor"),
                          ("access-analyzer.amazonaws.com", "AWSServiceRoleForAccessAnalyzer")):
            self.service_roles[svc] = self._role(name, "/aws-service-role/%s/" % svc)

        self.policies = ["arn:aws:iam::%s:policy/%s" % (self.account, n) for n in
                         ("orders-api-s3-access", "batch-worker-sqs", "ci-deploy-lambda",
                          "kms-app-decrypt", "read-cost-reports")]
        self.benign_managed = ["arn:aws:iam::aws:policy/ReadOnlyAccess",
                               "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
                               "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
                               "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
                               "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"]

        purposes = ["app-assets", "static-site", "data-lake-raw", "data-lake-curated",
                    "terraform-state", "backups", "athena-results", "invoices", "ml-artifacts",
                    "access-logs", "config-snapshots", "exports"]
        self.buckets = [(self.trail_bucket, self.home)]
        for i, p in enumerate(purposes):
            region = self.regions[i % len(self.regions)]
            self.buckets.append(("%s-%s-%s" % (self.org, p, region if i % 3 else self.account),
                                 region))

        self.reg = {}
        for region in self.regions:
            self.reg[region] = self._region(region)

        # Public addresses: documentation ranges for people, AWS-like ranges for
        # NAT gateways, Lambda and the observability vendor.
        self.office_ips = ["203.0.113.%d" % r.randrange(10, 250) for _ in range(6)]
        self.home_ips = ["192.0.2.%d" % r.randrange(10, 250) for _ in range(10)]
        self.vendor_ips = ["44.%d.%d.%d" % (r.randrange(192, 240), r.randrange(256), r.randrange(1, 255))
                           for _ in range(8)]
        self.attacker_ips = ["198.51.100.%d" % r.randrange(2, 254) for _ in range(6)]

    def _user(self, name, console, mfa):
        return {"name": name, "id": "AIDA" + self.idpart + self.r.s(_B32, 9),
                "key": "AKIA" + self.idpart + self.r.s(_B32, 8),
                "arn": "arn:aws:iam::%s:user/%s" % (self.account, name),
                "console": console, "mfa": mfa}

    def _role(self, name, path):
        role = {"name": name, "id": "AROA" + self.idpart + self.r.s(_B32, 9),
                "arn": "arn:aws:iam::%s:role%s%s" % (self.account, path, name)}
        self.roles[name] = role
        return role

    def _region(self, region):
        r, acct = self.r, self.account
        d = {"vpcs": [r.rid("vpc") for _ in range(2)]}
        d["subnets"] = [(r.rid("subnet"), d["vpcs"][i % 2], region + AZ_SUFFIX[i % 3]) for i in range(6)]
        d["sgs"] = [r.rid("sg") for _ in range(10)]
        d["nacls"] = [r.rid("acl") for _ in range(2)]
        d["rtbs"] = [r.rid("rtb") for _ in range(4)]
        d["flowlogs"] = [r.rid("fl") for _ in range(2)]
        d["amis"] = [r.rid("ami") for _ in range(3)]
        d["instances"] = []
        for i in range(12):
            sub = d["subnets"][i % 6]
            ip = "10.%d.%d.%d" % (self.regions.index(region) * 16 + i % 2, r.randrange(1, 60), r.randrange(4, 250))
            d["instances"].append({"id": r.rid("i"), "ip": ip, "subnet": sub[0], "vpc": sub[1],
                                   "az": sub[2], "type": r.choice(INSTANCE_TYPES),
                                   "vol": r.rid("vol"), "eni": r.rid("eni"), "sg": r.choice(d["sgs"])})
        d["nat_ips"] = ["%d.%d.%d.%d" % (r.choice((3, 18, 34, 52, 54)), r.randrange(256), r.randrange(256),
                                         r.randrange(1, 255)) for _ in range(2)]
        d["lambda_ips"] = ["%d.%d.%d.%d" % (r.choice((3, 18, 34, 35, 44, 54)), r.randrange(256),
                                            r.randrange(256), r.randrange(1, 255)) for _ in range(24)]
        d["keys"] = [r.uuid() for _ in range(6)]
        d["key_arns"] = ["arn:aws:kms:%s:%s:key/%s" % (region, acct, k) for k in d["keys"]]
        d["secrets"] = []
        for name in ("prod/orders-db/credentials", "prod/payments/stripe-api-key", "prod/smtp/relay",
                     "prod/reporting/warehouse", "staging/orders-db/credentials", "prod/jwt-signing-key",
                     "prod/partner-sftp", "prod/github-app", "prod/redis/auth", "prod/search/admin",
                     "prod/analytics/segment", "prod/erp-connector"):
            d["secrets"].append("arn:aws:secretsmanager:%s:%s:secret:%s-%s" % (region, acct, name, r.s(_ALNUM, 6)))
        d["params"] = ["/%s/%s/%s" % (env, app, key) for env in ("prod", "staging")
                       for app in ("orders", "payments", "search") for key in ("db-host", "feature-flags", "log-level", "api-url")]
        d["functions"] = ["invoice-processor", "image-resizer", "cost-report", "slack-notifier", "orders-events-consumer"]
        d["log_groups"] = (["/aws/lambda/" + f for f in d["functions"]] +
                           ["/ecs/orders-api", "/ecs/search", "/var/log/messages", "/aws/eks/prod/cluster",
                            "vpc-flow-logs", "/aws/rds/instance/orders-db/postgresql"])
        d["tables"] = ["orders", "sessions", "inventory", "idempotency-keys", "audit-events"]
        d["rds"] = ["orders-db", "reporting-db", "orders-db-replica"]
        d["detector"] = r.hexs(32)
        d["vpce"] = {svc: "vpce-0" + r.hexs(16) for svc in ("s3", "kms", "secretsmanager", "ssm", "sts", "logs")}
        return d

    def bucket(self, r):
        return r.choice(self.buckets)


# --------------------------------------------------------------------------- principals

class Principal:
    """A caller: how its userIdentity looks, where it calls from, with what client."""

    __slots__ = ("kind", "name", "arn", "pid", "key", "user_name", "role", "session", "ttl", "mfa",
                 "ec2", "invoked_by", "ips", "vpce_rate", "ua", "tls", "console", "region", "deny",
                 "_ident", "_until", "_created", "_world", "sts_region", "web_identity")

    def __init__(self, world, kind, **kw):
        self.kind = kind
        self._world = world
        self.name = kw.get("name", "")
        self.role = kw.get("role")
        self.session = kw.get("session")
        self.ttl = kw.get("ttl", 3600)
        self.mfa = kw.get("mfa", False)
        self.ec2 = kw.get("ec2", False)
        self.invoked_by = kw.get("invoked_by")
        self.ips = kw.get("ips") or ["AWS Internal"]
        self.vpce_rate = kw.get("vpce_rate", 0.0)
        self.ua = kw.get("ua")
        self.tls = kw.get("tls")
        self.console = kw.get("console", False)
        self.region = kw.get("region")  # fixed region (instances, functions) or None
        self.deny = kw.get("deny", 0.004)
        self.sts_region = kw.get("sts_region")
        self.web_identity = kw.get("web_identity")
        self.user_name = kw.get("user_name")
        self.arn = kw.get("arn", "")
        self.pid = kw.get("pid", "")
        self.key = kw.get("key", "")
        self._ident = None
        self._until = -1
        self._created = 0

    def identity(self, r, t):
        if t < self._until and self._ident is not None:
            return self._ident
        w = self._world
        k = self.kind
        if k == "IAMUser":
            ident = {"type": "IAMUser", "principalId": self.pid, "arn": self.arn,
                     "accountId": w.account, "accessKeyId": self.key, "userName": self.user_name}
            self._until = float("inf")
        elif k == "AssumedRole":
            created = int(t) - r.randrange(0, max(1, min(int(self.ttl) // 2, 1800)))
            role = self.role
            ctx = {"sessionIssuer": {"type": "Role", "principalId": role["id"], "arn": role["arn"],
                                     "accountId": w.account, "userName": role["name"]},
                   "webIdFederationData": {},
                   "attributes": {"creationDate": iso(created), "mfaAuthenticated": "true" if self.mfa else "false"}}
            if self.web_identity:
                ctx["webIdFederationData"] = {"federatedProvider": self.web_identity,
                                              "attributes": {}}
            if self.ec2:
                ctx["ec2RoleDelivery"] = "2.0"
            ident = {"type": "AssumedRole", "principalId": "%s:%s" % (role["id"], self.session),
                     "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (w.account, role["name"], self.session),
                     "accountId": w.account, "accessKeyId": "ASIA" + w.idpart + r.s(_B32, 8),
                     "sessionContext": ctx}
            if self.invoked_by:
                del ident["accessKeyId"]
                ident["invokedBy"] = self.invoked_by
            self._created = created
            self._until = created + self.ttl
        elif k == "AWSService":
            ident = {"type": "AWSService", "invokedBy": self.invoked_by}
            self._until = float("inf")
        elif k == "ServiceEvent":
            ident = {"accountId": w.account, "invokedBy": self.invoked_by}
            self._until = float("inf")
        elif k == "Root":
            created = int(t) - r.randrange(30, 900)
            ident = {"type": "Root", "principalId": w.account, "arn": "arn:aws:iam::%s:root" % w.account,
                     "accountId": w.account, "accessKeyId": "ASIA" + w.idpart + r.s(_B32, 8),
                     "sessionContext": {"sessionIssuer": {}, "webIdFederationData": {},
                                        "attributes": {"creationDate": iso(created), "mfaAuthenticated": "true"}}}
            self._until = created + self.ttl
        else:
            raise ValueError(k)
        self._ident = ident
        return ident

    def caller_arn(self):
        if self.kind == "AssumedRole":
            return "arn:aws:sts::%s:assumed-role/%s/%s" % (self._world.account, self.role["name"], self.session)
        if self.kind == "Root":
            return "arn:aws:iam::%s:root" % self._world.account
        return self.arn


# User-agent families.  Each returns the userAgent for (svc, op).
def ua_cli(version, os_part, py):
    base = ("aws-cli/%s md/awscrt#0.19.19 ua/2.0 os/%s md/arch#x86_64 lang/python#%s md/pyimpl#CPython "
            "cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off" % (version, os_part, py))
    return lambda svc, op: "%s md/command#%s.%s" % (base, CLI_NAME.get(svc, svc), camel_to_kebab(op))


def ua_const(s):
    return lambda svc, op: s


def ua_boto3(version, env):
    s = ("Boto3/%s md/Botocore#%s ua/2.0 os/linux#5.10.227-219.884.amzn2.x86_64 md/arch#x86_64 "
         "lang/python#3.12.7 md/pyimpl#CPython%s cfg/retry-mode#legacy Botocore/%s" % (version, version, env, version))
    return lambda svc, op: s


def ua_terraform(provider):
    def f(svc, op):
        return ("APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/%s "
                "(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go-v2/1.32.4 ua/2.1 os/linux "
                "lang/go#1.23.2 md/GOOS#linux md/GOARCH#amd64 api/%s#1.%d.0" % (provider, CLI_NAME.get(svc, svc).replace("-", ""),
                                                                                  40 + len(svc) * 7))
    return f


def ua_console(svc, op):
    if svc == "s3":
        return ("[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.750 Linux/5.10.226-192.879.amzn2int.x86_64 "
                "OpenJDK_64-Bit_Server_VM/17.0.13+11-LTS java/17.0.13 vendor/Amazon.com_Inc. cfg/retry-mode/standard]")
    if svc in ("ec2", "monitoring", "cloudtrail", "iam"):
        return "AWS Internal"
    return "console.amazonaws.com"


BROWSERS = [
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
]
TLS13 = ("TLSv1.3", "TLS_AES_128_GCM_SHA256")
TLS12 = ("TLSv1.2", "ECDHE-RSA-AES128-GCM-SHA256")


# --------------------------------------------------------------------------- API calls
# Each builder returns (requestParameters, responseElements, extra) where extra is
# None or a dict with optional keys: resources, add (additionalEventData), region,
# host (TLS host header), rid (requestID), shared (sharedEventID), details.

class Ctx:
    """What a builder sees: the RNG, the world, the region, the caller and the time."""
    __slots__ = ("r", "w", "region", "p", "t", "rid")


def _inst(c):
    return c.r.choice(c.w.reg[c.region]["instances"])


def _reg(c):
    return c.w.reg[c.region]


def ec2_resp(c, **kw):
    d = {"requestId": c.rid, "_return": True}
    d.update(kw)
    return d


def b_describe_instances(c):
    r = c.r
    x = r.random()
    if x < 0.45:
        ids = [i["id"] for i in r.sample(_reg(c)["instances"], r.randrange(1, 4))]
        return {"instancesSet": items("instanceId", ids), "filterSet": {}}, None, None
    if x < 0.8:
        return {"instancesSet": {}, "filterSet": {"items": [filt("instance-state-name", "running", "pending"),
                                                            filt("tag:Environment", "prod")]}}, None, None
    return {"maxResults": 1000, "instancesSet": {}, "filterSet": {}}, None, None


def b_describe_instance_status(c):
    return {"instancesSet": items("instanceId", [_inst(c)["id"]]), "filterSet": {},
            "includeAllInstances": c.r.random() < 0.5}, None, None


def b_describe_sgs(c):
    r = c.r
    if r.random() < 0.5:
        return {"securityGroupSet": {}, "securityGroupIdSet": items("groupId", r.sample(_reg(c)["sgs"], 2)),
                "filterSet": {}}, None, None
    return {"securityGroupSet": {}, "securityGroupIdSet": {},
            "filterSet": {"items": [filt("vpc-id", r.choice(_reg(c)["vpcs"]))]}}, None, None


def b_describe_vpcs(c):
    return {"vpcSet": {}, "filterSet": {}}, None, None


def b_describe_subnets(c):
    return {"subnetSet": {}, "filterSet": {"items": [filt("vpc-id", c.r.choice(_reg(c)["vpcs"]))]}}, None, None


def b_describe_volumes(c):
    i = _inst(c)
    return {"volumeSet": {}, "filterSet": {"items": [filt("attachment.instance-id", i["id"])]}}, None, None


def b_describe_tags(c):
    i = _inst(c)
    return {"filterSet": {"items": [filt("resource-type", "instance"), filt("resource-id", i["id"])]}}, None, None


def b_describe_enis(c):
    return {"networkInterfaceIdSet": {}, "filterSet": {"items": [filt("group-id", c.r.choice(_reg(c)["sgs"]))]}}, None, None


def b_describe_rtbs(c):
    return {"routeTableIdSet": {}, "filterSet": {"items": [filt("association.main", "true"),
                                                           filt("vpc-id", c.r.choice(_reg(c)["vpcs"]))]}}, None, None


def b_describe_azs(c):
    return {"availabilityZoneSet": {}, "availabilityZoneIdSet": {}}, None, None


def b_describe_regions(c):
    return {"regionSet": {}, "allRegions": False}, None, None


def b_describe_images(c):
    return {"executableBySet": {}, "imagesSet": items("imageId", [c.r.choice(_reg(c)["amis"])]),
            "ownersSet": {}, "includeDeprecated": False}, None, None


def b_describe_snapshots(c):
    return {"snapshotSet": {}, "ownersSet": items("owner", ["self"]), "sharedUsersSet": {},
            "filterSet": {"items": [filt("status", "completed")]}, "maxResults": 100}, None, None


def b_describe_addresses(c):
    return {"publicIpsSet": {}, "allocationIdsSet": {}, "filterSet": {}}, None, None


def b_describe_flow_logs(c):
    return {"flowLogIds": {}, "filterSet": {"items": [filt("resource-id", c.r.choice(_reg(c)["vpcs"]))]}}, None, None


def b_describe_nacls(c):
    return {"networkAclIdSet": {}, "filterSet": {"items": [filt("vpc-id", c.r.choice(_reg(c)["vpcs"]))]}}, None, None


def b_describe_launch_templates(c):
    return {"DescribeLaunchTemplatesRequest": {"MaxResults": 100}}, None, None


def b_create_tags(c):
    r = c.r
    i = _inst(c)
    return ({"resourcesSet": items("resourceId", [i["id"], i["vol"]]),
             "tagSet": {"items": [{"key": "Owner", "value": r.choice(("orders", "search", "platform"))},
                                  {"key": "CostCenter", "value": "cc-%d" % r.randrange(100, 999)}]}},
            ec2_resp(c), None)


def b_start_stop(state_from, code_from, state_to, code_to):
    def f(c):
        i = _inst(c)
        return ({"instancesSet": items("instanceId", [i["id"]])},
                {"requestId": c.rid, "instancesSet": {"items": [{
                    "instanceId": i["id"], "currentState": {"code": code_to, "name": state_to},
                    "previousState": {"code": code_from, "name": state_from}}]}}, None)
    return f


def b_run_instances(c):
    r, reg = c.r, _reg(c)
    sub = r.choice(reg["subnets"])
    sg = r.choice(reg["sgs"])
    ami = r.choice(reg["amis"])
    itype = r.choice(INSTANCE_TYPES)
    iid, eni = r.rid("i"), r.rid("eni")
    ip = "10.%d.%d.%d" % (c.w.regions.index(c.region) * 16, r.randrange(1, 60), r.randrange(4, 250))
    launch = int(c.t) * 1000
    token = r.uuid()
    tags = [{"key": "aws:autoscaling:groupName", "value": "orders-api-asg"}, {"key": "Environment", "value": "prod"}]
    req = {"instancesSet": {"items": [{"minCount": 1, "maxCount": 1}]}, "blockDeviceMapping": {},
           "monitoring": {"enabled": True}, "subnetId": sub[0], "disableApiTermination": False,
           "disableApiStop": False, "clientToken": token,
           "launchTemplate": {"launchTemplateId": "lt-0" + r.hexs(16), "version": str(r.randrange(3, 40))},
           "tagSpecificationSet": {"items": [{"resourceType": "instance", "tags": tags}]}}
    inst = {"instanceId": iid, "imageId": ami, "currentInstanceBootMode": "uefi",
            "instanceState": {"code": 0, "name": "pending"},
            "privateDnsName": "ip-%s.%s.compute.internal" % (ip.replace(".", "-"), c.region),
            "amiLaunchIndex": 0, "productCodes": {}, "instanceType": itype, "launchTime": launch,
            "placement": {"availabilityZone": sub[2], "tenancy": "default"},
            "monitoring": {"state": "pending"}, "subnetId": sub[0], "vpcId": sub[1], "privateIpAddress": ip,
            "stateReason": {"code": "pending", "message": "pending"}, "architecture": "x86_64",
            "rootDeviceType": "ebs", "rootDeviceName": "/dev/xvda", "blockDeviceMapping": {},
            "virtualizationType": "hvm", "hypervisor": "xen", "tagSet": {"items": tags}, "clientToken": token,
            "groupSet": items("groupId", [sg]), "sourceDestCheck": True,
            "networkInterfaceSet": {"items": [{
                "networkInterfaceId": eni, "subnetId": sub[0], "vpcId": sub[1], "ownerId": c.w.account,
                "status": "in-use", "macAddress": ":".join(r.hexs(2) for _ in range(6)),
                "privateIpAddress": ip, "sourceDestCheck": True, "interfaceType": "interface",
                "groupSet": items("groupId", [sg]),
                "attachment": {"attachmentId": r.rid("eni-attach"), "deviceIndex": 0, "networkCardIndex": 0,
                               "status": "attaching", "attachTime": launch, "deleteOnTermination": True},
                "privateIpAddressesSet": {"item": [{"privateIpAddress": ip, "primary": True}]},
                "ipv6AddressesSet": {}, "tagSet": {}}]},
            "iamInstanceProfile": {"arn": "arn:aws:iam::%s:instance-profile/orders-api" % c.w.account,
                                   "id": "AIPA" + c.w.idpart + r.s(_B32, 9)},
            "ebsOptimized": True, "enaSupport": True, "cpuOptions": {"coreCount": 1, "threadsPerCore": 2},
            "capacityReservationSpecification": {"capacityReservationPreference": "open"},
            "enclaveOptions": {"enabled": False},
            "metadataOptions": {"state": "pending", "httpTokens": "required", "httpPutResponseHopLimit": 2,
                                "httpEndpoint": "enabled", "httpProtocolIpv4": "enabled",
                                "httpProtocolIpv6": "disabled", "instanceMetadataTags": "disabled"},
            "maintenanceOptions": {"autoRecovery": "default"},
            "privateDnsNameOptions": {"hostnameType": "ip-name", "enableResourceNameDnsARecord": False,
                                      "enableResourceNameDnsAAAARecord": False}}
    resp = {"requestId": c.rid, "reservationId": r.rid("r"), "ownerId": c.w.account,
            "requesterId": "940372691376", "groupSet": {}, "instancesSet": {"items": [inst]}}
    return req, resp, None


def b_authorize_sg_benign(c):
    r, reg = c.r, _reg(c)
    gid = r.choice(reg["sgs"])
    port = r.choice((443, 5432, 6379, 8080, 9200))
    if r.random() < 0.5:
        src = {"groups": {"items": [{"groupId": r.choice(reg["sgs"]), "userId": c.w.account}]},
               "ipRanges": {}}
        rule_src = {"referencedGroupInfo": {"groupId": src["groups"]["items"][0]["groupId"], "userId": c.w.account}}
    else:
        cidr = r.choice(("10.0.0.0/8", "10.%d.0.0/16" % (c.w.regions.index(c.region) * 16), "172.16.0.0/12"))
        src = {"groups": {}, "ipRanges": {"items": [{"cidrIp": cidr, "description": "internal"}]}}
        rule_src = {"cidrIpv4": cidr}
    perm = {"ipProtocol": "tcp", "fromPort": port, "toPort": port}
    perm.update(src)
    perm.update({"ipv6Ranges": {}, "prefixListIds": {}})
    rule = {"groupOwnerId": c.w.account, "groupId": gid, "securityGroupRuleId": r.rid("sgr"),
            "isEgress": False, "ipProtocol": "tcp", "fromPort": port, "toPort": port}
    rule.update(rule_src)
    return ({"groupId": gid, "ipPermissions": {"items": [perm]}},
            ec2_resp(c, securityGroupRuleSet={"items": [rule]}), None)


def s3_extra(c, bucket, region, out_bytes):
    r = c.r
    return {"region": region, "rid": r.s(_UPPER_NUM, 16),
            "host": "%s.s3.%s.amazonaws.com" % (bucket, region),
            "add": {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                    "bytesTransferredIn": 0, "AuthenticationMethod": "AuthHeader",
                    "x-amz-id-2": r.b64(75) + "=", "bytesTransferredOut": out_bytes},
            "resources": [{"accountId": c.w.account, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + bucket}]}


def b_s3_get(sub):
    def f(c):
        if c.p.invoked_by == "cloudtrail.amazonaws.com":
            bucket, region = c.w.buckets[0]  # CloudTrail checking its own delivery bucket
        else:
            bucket, region = c.w.bucket(c.r)
        req = {"bucketName": bucket, "Host": "%s.s3.%s.amazonaws.com" % (bucket, region), sub: ""}
        return req, None, s3_extra(c, bucket, region, c.r.randrange(150, 1400))
    return f


def b_s3_list_buckets(c):
    ex = s3_extra(c, "", GLOBAL_REGION, c.r.randrange(2500, 4200))
    ex["host"] = "s3.amazonaws.com"
    del ex["resources"]
    return {"Host": "s3.amazonaws.com"}, None, ex


def b_s3_put_tagging(c):
    bucket, region = c.w.bucket(c.r)
    req = {"bucketName": bucket, "Host": "%s.s3.%s.amazonaws.com" % (bucket, region), "tagging": "",
           "Tagging": {"xmlns": "http://s3.amazonaws.com/doc/2006-03-01/",
                       "TagSet": {"Tag": [{"Key": "Owner", "Value": "data-platform"},
                                          {"Key": "DataClassification", "Value": c.r.choice(("internal", "confidential"))}]}}}
    ex = s3_extra(c, bucket, region, 0)
    ex["add"]["bytesTransferredIn"] = c.r.randrange(180, 320)
    return req, None, ex


def _iam_user(c):
    return c.r.choice(c.w.users)["name"]


def _iam_role(c):
    return c.r.choice(list(c.w.roles.values()))["name"]


def b_iam_get_user(c):
    if c.p.kind == "IAMUser" and c.r.random() < 0.6:
        return None, None, None
    return {"userName": _iam_user(c)}, None, None


def b_iam_role_param(c):
    return {"roleName": _iam_role(c)}, None, None


def b_iam_user_param(c):
    return {"userName": _iam_user(c)}, None, None


def b_iam_get_policy(c):
    return {"policyArn": c.r.choice(c.w.policies)}, None, None


def b_iam_get_policy_version(c):
    return {"policyArn": c.r.choice(c.w.policies), "versionId": "v%d" % c.r.randrange(1, 6)}, None, None


def b_iam_list_policies(c):
    return {"scope": "Local", "onlyAttached": False, "policyUsageFilter": "PermissionsPolicy"}, None, None


def b_iam_credential_report(c):
    return None, {"state": "STARTED", "description": "No report exists. Starting a new report generation task"}, None


def b_iam_attach_role_policy_benign(c):
    role = c.r.choice(("orders-api-instance-role", "batch-worker-instance-role", "invoice-processor-lambda-role",
                       "image-resizer-lambda-role", "data-pipeline-glue-role"))
    arn = c.r.choice(c.w.benign_managed + c.w.policies)
    return {"roleName": role, "policyArn": arn}, None, None


def b_iam_create_access_key_self(c):
    """Key rotation by a service user for itself (a near miss of the 'other user' rule)."""
    name = c.p.user_name or _iam_user(c)
    key = "AKIA" + c.w.idpart + c.r.s(_B32, 8)
    return ({"userName": name},
            {"accessKey": {"accessKeyId": key, "status": "Active", "userName": name, "createDate": aws_date(c.t)}},
            None)


def b_iam_tag_role(c):
    return {"roleName": _iam_role(c), "tags": [{"key": "ManagedBy", "value": "terraform"},
                                               {"key": "Team", "value": c.r.choice(("platform", "orders", "data"))}]}, None, None


def sts_creds(c, hours=1):
    r = c.r
    return {"accessKeyId": "ASIA" + c.w.idpart + r.s(_B32, 8),
            "sessionToken": "IQoJb3JpZ2luX2Vj" + r.b64(r.randrange(560, 880)) + "=",
            "expiration": aws_date(c.t + 3600 * hours)}


def b_sts_assume_role(c):
    r, w = c.r, c.w
    role = r.choice(("backup-operator", "ObservabilityVendorReadOnly", "data-pipeline-glue-role",
                     "config-rule-evaluator-role", "orders-api-instance-role"))
    role = w.roles[role]
    sess = ("%s-%d" % (c.p.name or "session", int(c.t)))[:64]
    req = {"roleArn": role["arn"], "roleSessionName": sess, "durationSeconds": 3600}
    resp = {"credentials": sts_creds(c),
            "assumedRoleUser": {"assumedRoleId": "%s:%s" % (role["id"], sess),
                                "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (w.account, role["name"], sess)}}
    return req, resp, {"resources": [{"accountId": w.account, "type": "AWS::IAM::Role", "ARN": role["arn"]}]}


def b_sts_service_assume_role(c):
    """A service assuming a role on its own behalf (userIdentity type AWSService)."""
    r, w = c.r, c.w
    svc = c.p.invoked_by
    if svc == "lambda.amazonaws.com":
        fn = r.choice(_reg(c)["functions"])
        role, sess = w.roles[r.choice(("invoice-processor-lambda-role", "image-resizer-lambda-role",
                                       "cost-report-lambda-role"))], fn
    elif svc == "ec2.amazonaws.com":
        i = _inst(c)
        role, sess = w.roles[r.choice(("orders-api-instance-role", "batch-worker-instance-role"))], i["id"]
    elif svc == "config.amazonaws.com":
        role, sess = w.service_roles["config.amazonaws.com"], "AWSConfig-Describe"
    else:
        role, sess = w.roles["data-pipeline-glue-role"], "GlueJobRunnerSession"
    req = {"roleArn": role["arn"], "roleSessionName": sess}
    resp = {"credentials": sts_creds(c),
            "assumedRoleUser": {"assumedRoleId": "%s:%s" % (role["id"], sess),
                                "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (w.account, role["name"], sess)}}
    return req, resp, {"resources": [{"accountId": w.account, "type": "AWS::IAM::Role", "ARN": role["arn"]}],
                       "shared": True}


def b_sts_web_identity(c):
    w = c.w
    role = w.roles["github-actions-deploy"]
    sess = "GitHubActions"
    sub = "repo:%s/orders-api:ref:refs/heads/main" % w.org
    req = {"roleArn": role["arn"], "roleSessionName": sess}
    resp = {"credentials": sts_creds(c), "subjectFromWebIdentityToken": sub,
            "assumedRoleUser": {"assumedRoleId": "%s:%s" % (role["id"], sess),
                                "arn": "arn:aws:sts::%s:assumed-role/%s/%s" % (w.account, role["name"], sess)},
            "provider": "arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com" % w.account,
            "audience": "sts.amazonaws.com"}
    return req, resp, {"resources": [{"accountId": w.account, "type": "AWS::IAM::Role", "ARN": role["arn"]}]}


def _key(c):
    reg = _reg(c)
    i = c.r.randrange(len(reg["keys"]))
    return reg["keys"][i], reg["key_arns"][i]


def kms_res(c, arn):
    return {"resources": [{"accountId": c.w.account, "type": "AWS::KMS::Key", "ARN": arn}]}


def b_kms_decrypt(c):
    r = c.r
    _, arn = _key(c)
    inv = c.p.invoked_by
    if inv == "secretsmanager.amazonaws.com" or (not inv and r.random() < 0.3):
        ctx = {"SecretARN": r.choice(_reg(c)["secrets"]), "SecretVersionId": r.uuid()}
    elif inv == "s3.amazonaws.com" or r.random() < 0.5:
        b, _ = c.w.bucket(r)
        ctx = {"aws:s3:arn": "arn:aws:s3:::%s/%s/%s.parquet" % (b, time.strftime("%Y/%m/%d", time.gmtime(c.t)), r.hexs(12))}
    else:
        ctx = {"aws:lambda:FunctionArn": "arn:aws:lambda:%s:%s:function:%s" % (c.region, c.w.account,
                                                                               r.choice(_reg(c)["functions"]))}
    return {"encryptionAlgorithm": "SYMMETRIC_DEFAULT", "encryptionContext": ctx}, None, kms_res(c, arn)


def b_kms_generate_data_key(c):
    r = c.r
    key, arn = _key(c)
    if c.p.invoked_by == "cloudtrail.amazonaws.com":
        w = c.w
        obj = "%s/AWSLogs/%s/CloudTrail/%s/%s/%s_CloudTrail_%s_%s_%s.json.gz" % (
            w.trail_bucket, w.account, c.region, time.strftime("%Y/%m/%d", time.gmtime(c.t)), w.account, c.region,
            time.strftime("%Y%m%dT%H%MZ", time.gmtime(c.t)), r.s(_ALNUM, 16))
        return ({"keyId": arn, "keySpec": "AES_256",
                 "encryptionContext": {"aws:cloudtrail:arn": w.trail_arn, "aws:s3:arn": "arn:aws:s3:::" + obj}},
                None, kms_res(c, arn))
    b, _ = c.w.bucket(r)
    return ({"keyId": arn, "keySpec": "AES_256",
             "encryptionContext": {"aws:s3:arn": "arn:aws:s3:::%s/%s" % (b, r.hexs(20))}},
            None, kms_res(c, arn))


def b_kms_encrypt(c):
    key, arn = _key(c)
    return {"keyId": "alias/app-%s" % c.r.choice(("orders", "payments", "search")),
            "encryptionAlgorithm": "SYMMETRIC_DEFAULT"}, None, kms_res(c, arn)


def b_kms_keyid(c):
    key, arn = _key(c)
    return {"keyId": key}, None, kms_res(c, arn)


def b_kms_key_policy(c):
    key, arn = _key(c)
    return {"keyId": key, "policyName": "default"}, None, kms_res(c, arn)


def b_lambda_fn(c):
    return {"functionName": c.r.choice(_reg(c)["functions"])}, None, None


def b_lambda_list(c):
    return {"functionVersion": "ALL"} if c.r.random() < 0.3 else None, None, None


def b_lambda_tags(c):
    return {"resource": "arn:aws:lambda:%s:%s:function:%s" % (c.region, c.w.account, c.r.choice(_reg(c)["functions"]))}, None, None


def b_lambda_update_code(c):
    r = c.r
    fn = r.choice(_reg(c)["functions"])
    arn = "arn:aws:lambda:%s:%s:function:%s" % (c.region, c.w.account, fn)
    sha = r.b64(43) + "="
    req = {"functionName": fn, "publish": True, "dryRun": False, "s3Bucket": "%s-ml-artifacts-%s" % (c.w.org, c.region),
           "s3Key": "lambda/%s/%s.zip" % (fn, r.hexs(12))}
    resp = {"functionName": fn, "functionArn": arn + ":%d" % r.randrange(10, 90), "runtime": "python3.12",
            "role": "arn:aws:iam::%s:role/%s-lambda-role" % (c.w.account, fn.split("-")[0]),
            "handler": "app.handler", "codeSize": r.randrange(20000, 9000000), "description": "",
            "timeout": 30, "memorySize": 512, "lastModified": iso(c.t).replace("Z", ".000+0000"),
            "codeSha256": sha, "version": "%d" % r.randrange(10, 90),
            "environment": {}, "tracingConfig": {"mode": "PassThrough"}, "revisionId": r.uuid(),
            "state": "Active", "lastUpdateStatus": "InProgress",
            "lastUpdateStatusReason": "The function is being created.",
            "lastUpdateStatusReasonCode": "Creating", "packageType": "Zip", "architectures": ["arm64"],
            "ephemeralStorage": {"size": 512}, "snapStart": {"applyOn": "None", "optimizationStatus": "Off"},
            "runtimeVersionConfig": {"runtimeVersionArn": "arn:aws:lambda:%s::runtime:%s" % (c.region, r.hexs(64))},
            "loggingConfig": {"logFormat": "Text", "logGroup": "/aws/lambda/" + fn}}
    return req, resp, None


def _log_group(c):
    return c.r.choice(_reg(c)["log_groups"])


def b_logs_describe_groups(c):
    if c.r.random() < 0.5:
        return {"logGroupNamePrefix": c.r.choice(("/aws/lambda/", "/ecs/", "/aws/"))}, None, None
    return {"limit": 50}, None, None


def b_logs_describe_streams(c):
    return {"logGroupName": _log_group(c), "orderBy": "LastEventTime", "descending": True, "limit": 1}, None, None


def b_logs_create_stream(c):
    r = c.r
    fn = r.choice(_reg(c)["functions"])
    return ({"logGroupName": "/aws/lambda/" + fn,
             "logStreamName": "%s/[$LATEST]%s" % (time.strftime("%Y/%m/%d", time.gmtime(c.t)), r.hexs(32))},
            None, None)


def b_logs_filter(c):
    end = int(c.t) * 1000
    return {"logGroupName": _log_group(c), "startTime": end - 3600000, "endTime": end,
            "filterPattern": c.r.choice(("ERROR", "?Exception ?Timeout", "\"status=500\"")), "interleaved": True}, None, None


def b_logs_start_query(c):
    end = int(c.t)
    return ({"logGroupNames": [_log_group(c)], "startTime": end - 86400, "endTime": end,
             "queryString": "fields @timestamp, @message | filter @message like /ERROR/ | sort @timestamp desc | limit 100"},
            {"queryId": c.r.uuid()}, None)


def b_logs_retention(c):
    return {"logGroupName": _log_group(c), "retentionInDays": c.r.choice((30, 90, 365))}, None, None


def b_cw_describe_alarms(c):
    if c.r.random() < 0.5:
        return {"maxRecords": 100, "alarmTypes": ["CompositeAlarm", "MetricAlarm"]}, None, None
    return {"alarmNames": ["orders-api-5xx-rate", "orders-db-cpu-high"], "stateValue": "ALARM"}, None, None


def b_cw_get_dashboard(c):
    return {"dashboardName": c.r.choice(("orders-overview", "platform-health", "cost-and-usage"))}, None, None


def b_cw_put_alarm(c):
    r = c.r
    fn = r.choice(_reg(c)["functions"])
    return ({"alarmName": "%s-errors" % fn, "actionsEnabled": True, "metricName": "Errors", "namespace": "AWS/Lambda",
             "statistic": "Sum", "dimensions": [{"name": "FunctionName", "value": fn}], "period": 300,
             "evaluationPeriods": 1, "threshold": 1.0, "comparisonOperator": "GreaterThanOrEqualToThreshold",
             "treatMissingData": "notBreaching",
             "alarmActions": ["arn:aws:sns:%s:%s:ops-alerts" % (c.region, c.w.account)]}, None, None)


def b_ssm_update_instance_info(c):
    r = c.r
    i = c.p.ec2 and c.p.session and c.p._world_instance(c) or _inst(c)
    full = r.random() < 0.5
    req = {"instanceId": i["id"], "agentVersion": "3.3.987.0", "agentStatus": "Active", "platformType": "Linux",
           "platformName": "Amazon Linux", "platformVersion": "2023", "iPAddress": i["ip"],
           "computerName": "ip-%s.%s.compute.internal" % (i["ip"].replace(".", "-"), c.region),
           "agentName": "amazon-ssm-agent", "availabilityZone": i["az"],
           "availabilityZoneId": "%s-az%d" % (c.region[:2] + c.region.split("-")[1][0] + c.region[-1], "abc".index(i["az"][-1]) + 1)}
    if not full:
        req = {"instanceId": i["id"], "agentVersion": "3.3.987.0", "platformType": "Linux", "agentName": "amazon-ssm-agent"}
    return req, None, None


def b_ssm_list_assoc(c):
    i = c.p._world_instance(c) if c.p.ec2 else _inst(c)
    return {"instanceId": i["id"], "maxResults": 20}, None, None


def b_ssm_get_parameter(c):
    return {"name": c.r.choice(_reg(c)["params"]), "withDecryption": c.r.random() < 0.7}, None, None


def b_ssm_get_parameters(c):
    return {"names": c.r.sample(_reg(c)["params"], 3), "withDecryption": True}, None, None


def b_ssm_by_path(c):
    return {"path": "/%s/%s" % (c.r.choice(("prod", "staging")), c.r.choice(("orders", "payments", "search"))),
            "recursive": True, "withDecryption": True}, None, None


def b_ssm_describe_instance_info(c):
    return {"maxResults": 50, "filters": [{"key": "PingStatus", "values": ["Online"]}]}, None, None


def b_ssm_list_commands(c):
    return {"maxResults": 50}, None, None


def b_secret_id(c):
    s = c.r.choice(_reg(c)["secrets"])
    if c.r.random() < 0.5:
        s = s.split(":secret:")[1][:-7]
    return {"secretId": s}, None, None


def b_secret_list(c):
    return {"maxResults": 100, "sortOrder": "asc"}, None, None


def b_ddb_table(c):
    return {"tableName": c.r.choice(_reg(c)["tables"])}, None, None


def b_ddb_list(c):
    return None, None, None


def b_ddb_tags(c):
    return {"resourceArn": "arn:aws:dynamodb:%s:%s:table/%s" % (c.region, c.w.account, c.r.choice(_reg(c)["tables"]))}, None, None


def b_rds_instances(c):
    if c.r.random() < 0.5:
        return {"dBInstanceIdentifier": c.r.choice(_reg(c)["rds"])}, None, None
    return None, None, None


def b_rds_snapshots(c):
    return {"dBInstanceIdentifier": c.r.choice(_reg(c)["rds"]), "snapshotType": "automated",
            "includeShared": False, "includePublic": False}, None, None


def b_rds_engine_versions(c):
    return {"engine": "postgres", "engineVersion": c.r.choice(("15.8", "16.4")), "defaultOnly": False,
            "listSupportedCharacterSets": False}, None, None


def b_rds_tags(c):
    return {"resourceName": "arn:aws:rds:%s:%s:db:%s" % (c.region, c.w.account, c.r.choice(_reg(c)["rds"]))}, None, None


def b_ct_describe_trails(c):
    return {"trailNameList": [], "includeShadowTrails": True}, None, None


def b_ct_trail_status(c):
    return {"name": c.w.trail_arn}, None, None


def b_ct_get_trail(c):
    return {"name": c.w.trail}, None, None


def b_ct_event_selectors(c):
    return {"trailName": c.w.trail_arn}, None, None


def b_ct_lookup(c):
    end = int(c.t)
    attr = c.r.choice((("EventName", "ConsoleLogin"), ("Username", c.r.choice(c.w.users)["name"]),
                       ("ResourceType", "AWS::EC2::SecurityGroup")))
    return {"lookupAttributes": [{"attributeKey": attr[0], "attributeValue": attr[1]}],
            "startTime": aws_date(end - 86400), "endTime": aws_date(end), "maxResults": 50}, None, None


def b_cfg_recorder(c):
    return None, None, None


def b_cfg_rules(c):
    return {"configRuleNames": [c.r.choice(("s3-bucket-public-read-prohibited", "restricted-ssh",
                                            "iam-user-mfa-enabled", "cloudtrail-enabled",
                                            "encrypted-volumes"))]}, None, None


def b_cfg_put_evaluations(c):
    r = c.r
    i = _inst(c)
    return ({"evaluations": [{"complianceResourceType": "AWS::EC2::Instance", "complianceResourceId": i["id"],
                              "complianceType": r.choice(("COMPLIANT", "COMPLIANT", "NON_COMPLIANT")),
                              "annotation": "", "orderingTimestamp": aws_date(c.t - 60)}],
             "resultToken": "eyJlbmNyeXB0ZWREYXRhIjpb" + r.b64(r.randrange(400, 900)), "testMode": False},
            {"failedEvaluations": []}, None)


def b_org_none(c):
    return None, None, None


def b_org_describe_account(c):
    return {"accountId": c.w.account}, None, None


def b_sso_instance(c):
    return {"instanceArn": c.w.sso_instance, "maxResults": 100}, None, None


def b_sso_ps(c):
    return {"instanceArn": c.w.sso_instance,
            "permissionSetArn": "%s/ps-%s" % (c.w.sso_instance.replace("instance", "permissionSet"), c.r.hexs(16))}, None, None


def b_gd_detector(c):
    return {"detectorId": _reg(c)["detector"]}, None, None


def b_gd_none(c):
    return None, None, None


def b_gd_list_findings(c):
    return {"detectorId": _reg(c)["detector"],
            "findingCriteria": {"criterion": {"service.archived": {"eq": ["false"]}, "severity": {"gte": 4}}},
            "sortCriteria": {"attributeName": "updatedAt", "orderBy": "DESC"}, "maxResults": 50}, None, None


def b_gd_get_findings(c):
    return {"detectorId": _reg(c)["detector"], "findingIds": [c.r.hexs(32) for _ in range(c.r.randrange(1, 4))]}, None, None


def b_none(c):
    return None, None, None


# (service, op) -> (readOnly, builder, extra error candidates [(code, message, probability)])
OPS = {
    ("ec2", "DescribeInstances"): (True, b_describe_instances, [("Client.RequestLimitExceeded", "Request limit exceeded.", 0.004)]),
    ("ec2", "DescribeInstanceStatus"): (True, b_describe_instance_status, []),
    ("ec2", "DescribeSecurityGroups"): (True, b_describe_sgs, []),
    ("ec2", "DescribeVpcs"): (True, b_describe_vpcs, []),
    ("ec2", "DescribeSubnets"): (True, b_describe_subnets, []),
    ("ec2", "DescribeVolumes"): (True, b_describe_volumes, []),
    ("ec2", "DescribeTags"): (True, b_describe_tags, [("Client.RequestLimitExceeded", "Request limit exceeded.", 0.01)]),
    ("ec2", "DescribeNetworkInterfaces"): (True, b_describe_enis, []),
    ("ec2", "DescribeRouteTables"): (True, b_describe_rtbs, []),
    ("ec2", "DescribeAvailabilityZones"): (True, b_describe_azs, []),
    ("ec2", "DescribeRegions"): (True, b_describe_regions, []),
    ("ec2", "DescribeImages"): (True, b_describe_images, []),
    ("ec2", "DescribeSnapshots"): (True, b_describe_snapshots, []),
    ("ec2", "DescribeAddresses"): (True, b_describe_addresses, []),
    ("ec2", "DescribeFlowLogs"): (True, b_describe_flow_logs, []),
    ("ec2", "DescribeNetworkAcls"): (True, b_describe_nacls, []),
    ("ec2", "DescribeLaunchTemplates"): (True, b_describe_launch_templates, []),
    ("ec2", "CreateTags"): (False, b_create_tags, []),
    ("ec2", "StartInstances"): (False, b_start_stop("stopped", 80, "pending", 0), []),
    ("ec2", "StopInstances"): (False, b_start_stop("running", 16, "stopping", 64), []),
    ("ec2", "RunInstances"): (False, b_run_instances, [("Server.InsufficientInstanceCapacity",
                                                        "We currently do not have sufficient capacity in the Availability Zone you requested.", 0.02)]),
    ("ec2", "AuthorizeSecurityGroupIngress"): (False, b_authorize_sg_benign, [("Client.InvalidPermission.Duplicate",
                                                                               "the specified rule already exists", 0.1)]),
    ("s3", "ListBuckets"): (True, b_s3_list_buckets, []),
    ("s3", "GetBucketAcl"): (True, b_s3_get("acl"), []),
    ("s3", "GetBucketPolicy"): (True, b_s3_get("policy"), [("NoSuchBucketPolicy", "The bucket policy does not exist", 0.45)]),
    ("s3", "GetBucketPolicyStatus"): (True, b_s3_get("policyStatus"), [("NoSuchBucketPolicy", "The bucket policy does not exist", 0.4)]),
    ("s3", "GetBucketPublicAccessBlock"): (True, b_s3_get("publicAccessBlock"), []),
    ("s3", "GetBucketEncryption"): (True, b_s3_get("encryption"), []),
    ("s3", "GetBucketVersioning"): (True, b_s3_get("versioning"), []),
    ("s3", "GetBucketTagging"): (True, b_s3_get("tagging"), [("NoSuchTagSet", "The TagSet does not exist", 0.3)]),
    ("s3", "GetBucketLocation"): (True, b_s3_get("location"), []),
    ("s3", "GetBucketLogging"): (True, b_s3_get("logging"), []),
    ("s3", "GetBucketLifecycle"): (True, b_s3_get("lifecycle"), [("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist", 0.4)]),
    ("s3", "GetBucketReplication"): (True, b_s3_get("replication"), [("ReplicationConfigurationNotFoundError", "The replication configuration was not found", 0.8)]),
    ("s3", "PutBucketTagging"): (False, b_s3_put_tagging, []),
    ("iam", "GetUser"): (True, b_iam_get_user, [("NoSuchEntityException", None, 0.01)]),
    ("iam", "GetRole"): (True, b_iam_role_param, [("NoSuchEntityException", None, 0.02)]),
    ("iam", "ListRoles"): (True, b_none, []),
    ("iam", "ListUsers"): (True, b_none, []),
    ("iam", "ListAttachedRolePolicies"): (True, b_iam_role_param, []),
    ("iam", "ListRolePolicies"): (True, b_iam_role_param, []),
    ("iam", "ListInstanceProfilesForRole"): (True, b_iam_role_param, []),
    ("iam", "GetPolicy"): (True, b_iam_get_policy, []),
    ("iam", "GetPolicyVersion"): (True, b_iam_get_policy_version, []),
    ("iam", "ListPolicies"): (True, b_iam_list_policies, []),
    ("iam", "ListAccessKeys"): (True, b_iam_user_param, []),
    ("iam", "ListMFADevices"): (True, b_iam_user_param, []),
    ("iam", "GetAccountSummary"): (True, b_none, []),
    ("iam", "GetAccountPasswordPolicy"): (True, b_none, []),
    ("iam", "GenerateCredentialReport"): (False, b_iam_credential_report, []),
    ("iam", "AttachRolePolicy"): (False, b_iam_attach_role_policy_benign, []),
    ("iam", "CreateAccessKey"): (False, b_iam_create_access_key_self, [("LimitExceededException", "Cannot exceed quota for AccessKeysPerUser: 2", 0.15)]),
    ("iam", "TagRole"): (False, b_iam_tag_role, []),
    ("sts", "GetCallerIdentity"): (True, b_none, []),
    ("sts", "AssumeRole"): (True, b_sts_assume_role, []),
    ("sts", "AssumeRoleService"): (True, b_sts_service_assume_role, []),
    ("sts", "AssumeRoleWithWebIdentity"): (True, b_sts_web_identity, []),
    ("kms", "Decrypt"): (True, b_kms_decrypt, []),
    ("kms", "GenerateDataKey"): (True, b_kms_generate_data_key, []),
    ("kms", "Encrypt"): (True, b_kms_encrypt, []),
    ("kms", "DescribeKey"): (True, b_kms_keyid, []),
    ("kms", "ListAliases"): (True, b_none, []),
    ("kms", "ListKeys"): (True, b_none, []),
    ("kms", "GetKeyRotationStatus"): (True, b_kms_keyid, []),
    ("kms", "GetKeyPolicy"): (True, b_kms_key_policy, []),
    ("kms", "ListResourceTags"): (True, b_kms_keyid, []),
    ("lambda", "ListFunctions20150331"): (True, b_lambda_list, []),
    ("lambda", "GetFunction20150331v2"): (True, b_lambda_fn, []),
    ("lambda", "GetFunctionConfiguration20150331v2"): (True, b_lambda_fn, []),
    ("lambda", "GetPolicy20150331v2"): (True, b_lambda_fn, [("ResourceNotFoundException", "The resource you requested does not exist.", 0.4)]),
    ("lambda", "ListTags20170331"): (True, b_lambda_tags, []),
    ("lambda", "ListEventSourceMappings20150331"): (True, b_lambda_fn, []),
    ("lambda", "UpdateFunctionCode20150331v2"): (False, b_lambda_update_code, []),
    ("logs", "DescribeLogGroups"): (True, b_logs_describe_groups, []),
    ("logs", "DescribeLogStreams"): (True, b_logs_describe_streams, []),
    ("logs", "CreateLogStream"): (False, b_logs_create_stream, [("ResourceAlreadyExistsException", "The specified log stream already exists", 0.02)]),
    ("logs", "FilterLogEvents"): (True, b_logs_filter, []),
    ("logs", "StartQuery"): (True, b_logs_start_query, []),
    ("logs", "DescribeMetricFilters"): (True, b_none, []),
    ("logs", "PutRetentionPolicy"): (False, b_logs_retention, []),
    ("monitoring", "DescribeAlarms"): (True, b_cw_describe_alarms, []),
    ("monitoring", "ListDashboards"): (True, b_none, []),
    ("monitoring", "GetDashboard"): (True, b_cw_get_dashboard, []),
    ("monitoring", "DescribeAlarmHistory"): (True, b_cw_describe_alarms, []),
    ("monitoring", "PutMetricAlarm"): (False, b_cw_put_alarm, []),
    ("ssm", "UpdateInstanceInformation"): (False, b_ssm_update_instance_info, []),
    ("ssm", "ListInstanceAssociations"): (True, b_ssm_list_assoc, []),
    ("ssm", "GetParameter"): (True, b_ssm_get_parameter, [("ParameterNotFound", None, 0.03)]),
    ("ssm", "GetParameters"): (True, b_ssm_get_parameters, []),
    ("ssm", "GetParametersByPath"): (True, b_ssm_by_path, []),
    ("ssm", "DescribeInstanceInformation"): (True, b_ssm_describe_instance_info, []),
    ("ssm", "ListCommands"): (True, b_ssm_list_commands, []),
    ("ssm", "DescribeParameters"): (True, b_none, []),
    ("secretsmanager", "GetSecretValue"): (True, b_secret_id, [("ResourceNotFoundException", "Secrets Manager can't find the specified secret.", 0.01)]),
    ("secretsmanager", "DescribeSecret"): (True, b_secret_id, []),
    ("secretsmanager", "ListSecrets"): (True, b_secret_list, []),
    ("secretsmanager", "GetResourcePolicy"): (True, b_secret_id, []),
    ("dynamodb", "DescribeTable"): (True, b_ddb_table, []),
    ("dynamodb", "ListTables"): (True, b_ddb_list, []),
    ("dynamodb", "DescribeContinuousBackups"): (True, b_ddb_table, []),
    ("dynamodb", "DescribeTimeToLive"): (True, b_ddb_table, []),
    ("dynamodb", "ListTagsOfResource"): (True, b_ddb_tags, []),
    ("rds", "DescribeDBInstances"): (True, b_rds_instances, []),
    ("rds", "DescribeDBClusters"): (True, b_none, []),
    ("rds", "DescribeDBSnapshots"): (True, b_rds_snapshots, []),
    ("rds", "DescribeDBEngineVersions"): (True, b_rds_engine_versions, []),
    ("rds", "ListTagsForResource"): (True, b_rds_tags, []),
    ("cloudtrail", "DescribeTrails"): (True, b_ct_describe_trails, []),
    ("cloudtrail", "GetTrailStatus"): (True, b_ct_trail_status, []),
    ("cloudtrail", "GetTrail"): (True, b_ct_get_trail, []),
    ("cloudtrail", "ListTrails"): (True, b_none, []),
    ("cloudtrail", "GetEventSelectors"): (True, b_ct_event_selectors, []),
    ("cloudtrail", "LookupEvents"): (True, b_ct_lookup, [("ThrottlingException", "Rate exceeded", 0.03)]),
    ("config", "DescribeConfigurationRecorders"): (True, b_cfg_recorder, []),
    ("config", "DescribeConfigurationRecorderStatus"): (True, b_cfg_recorder, []),
    ("config", "DescribeConfigRules"): (True, b_cfg_rules, []),
    ("config", "DescribeComplianceByConfigRule"): (True, b_cfg_rules, []),
    ("config", "PutEvaluations"): (False, b_cfg_put_evaluations, []),
    ("organizations", "DescribeOrganization"): (True, b_org_none, []),
    ("organizations", "ListAccounts"): (True, b_org_none, []),
    ("organizations", "DescribeAccount"): (True, b_org_describe_account, []),
    ("organizations", "ListRoots"): (True, b_org_none, []),
    ("sso", "ListInstances"): (True, b_none, []),
    ("sso", "ListPermissionSets"): (True, b_sso_instance, []),
    ("sso", "DescribePermissionSet"): (True, b_sso_ps, []),
    ("sso", "ListAccountAssignments"): (True, b_sso_ps, []),
    ("guardduty", "ListDetectors"): (True, b_gd_none, []),
    ("guardduty", "GetDetector"): (True, b_gd_detector, []),
    ("guardduty", "ListFindings"): (True, b_gd_list_findings, []),
    ("guardduty", "GetFindings"): (True, b_gd_get_findings, []),
}

GLOBAL_SERVICES = ("iam", "organizations", "signin")


def _world_instance(p, c):
    """The EC2 instance behind an instance-role session (session name = instance id)."""
    for i in c.w.reg[c.region]["instances"]:
        if i["id"] == p.session:
            return i
    return _inst(c)


Principal._world_instance = _world_instance


# --------------------------------------------------------------------------- traffic profiles

def T(*pairs):
    """Call table: ('svc:Op', weight) pairs -> weighted table of (svc, op)."""
    return weighted([(tuple(k.split(":")), w) for k, w in pairs])


EC2_AGENT_CALLS = T(("ssm:UpdateInstanceInformation", 30), ("ssm:ListInstanceAssociations", 18),
                    ("ec2:DescribeTags", 14), ("ec2:DescribeInstances", 4), ("kms:Decrypt", 9),
                    ("secretsmanager:GetSecretValue", 3), ("ssm:GetParameter", 6), ("ssm:GetParameters", 2),
                    ("s3:GetBucketLocation", 2), ("logs:DescribeLogStreams", 3), ("logs:CreateLogStream", 2),
                    ("sts:GetCallerIdentity", 2), ("kms:GenerateDataKey", 3), ("ec2:DescribeVolumes", 2))
LAMBDA_CALLS = T(("secretsmanager:GetSecretValue", 8), ("kms:Decrypt", 12), ("dynamodb:DescribeTable", 8),
                 ("ssm:GetParameter", 10), ("ssm:GetParametersByPath", 3), ("sts:GetCallerIdentity", 4),
                 ("s3:GetBucketLocation", 3), ("ec2:DescribeInstances", 2), ("ec2:DescribeSnapshots", 2),
                 ("logs:CreateLogStream", 6), ("kms:GenerateDataKey", 4), ("monitoring:DescribeAlarms", 1))
CONFIG_CALLS = T(("ec2:DescribeInstances", 6), ("ec2:DescribeSecurityGroups", 6), ("ec2:DescribeVpcs", 3),
                 ("ec2:DescribeSubnets", 3), ("ec2:DescribeVolumes", 4), ("ec2:DescribeNetworkInterfaces", 4),
                 ("ec2:DescribeRouteTables", 3), ("ec2:DescribeNetworkAcls", 2), ("ec2:DescribeAddresses", 2),
                 ("ec2:DescribeFlowLogs", 1), ("s3:GetBucketAcl", 4), ("s3:GetBucketPolicy", 5),
                 ("s3:GetBucketPolicyStatus", 2), ("s3:GetBucketPublicAccessBlock", 3), ("s3:GetBucketEncryption", 2),
                 ("s3:GetBucketVersioning", 2), ("s3:GetBucketTagging", 2), ("s3:GetBucketLogging", 2),
                 ("s3:GetBucketLifecycle", 2), ("s3:GetBucketReplication", 1), ("iam:GetRole", 3),
                 ("iam:ListAttachedRolePolicies", 3), ("iam:ListRolePolicies", 2), ("iam:GetPolicy", 1),
                 ("iam:GetPolicyVersion", 1), ("iam:ListAccessKeys", 1), ("iam:ListMFADevices", 1),
                 ("kms:DescribeKey", 2), ("kms:GetKeyRotationStatus", 2), ("kms:GetKeyPolicy", 1),
                 ("kms:ListResourceTags", 1), ("lambda:GetFunction20150331v2", 2), ("lambda:GetPolicy20150331v2", 2),
                 ("lambda:ListTags20170331", 1), ("rds:DescribeDBInstances", 2), ("rds:DescribeDBSnapshots", 1),
                 ("dynamodb:DescribeTable", 1), ("dynamodb:DescribeContinuousBackups", 1),
                 ("dynamodb:ListTagsOfResource", 1), ("cloudtrail:DescribeTrails", 1),
                 ("cloudtrail:GetTrailStatus", 1), ("cloudtrail:GetEventSelectors", 1),
                 ("logs:DescribeLogGroups", 1), ("logs:DescribeMetricFilters", 1),
                 ("secretsmanager:DescribeSecret", 1), ("secretsmanager:GetResourcePolicy", 1),
                 ("guardduty:GetDetector", 1), ("config:DescribeConfigurationRecorders", 1))
SECURITY_SERVICE_CALLS = T(("ec2:DescribeInstances", 4), ("ec2:DescribeSecurityGroups", 3), ("ec2:DescribeImages", 2),
                           ("ec2:DescribeNetworkInterfaces", 2), ("ec2:DescribeInstanceStatus", 1),
                           ("iam:GetAccountPasswordPolicy", 1), ("iam:GetAccountSummary", 1), ("iam:ListUsers", 1),
                           ("iam:ListRoles", 1), ("iam:GetUser", 1), ("s3:GetBucketAcl", 2), ("s3:GetBucketPolicy", 2),
                           ("s3:GetBucketPublicAccessBlock", 2), ("s3:ListBuckets", 1),
                           ("cloudtrail:DescribeTrails", 1), ("cloudtrail:GetTrailStatus", 1),
                           ("lambda:ListFunctions20150331", 2), ("lambda:GetFunction20150331v2", 1),
                           ("kms:ListKeys", 1), ("kms:ListAliases", 1), ("guardduty:ListDetectors", 1),
                           ("config:DescribeConfigurationRecorderStatus", 1), ("ssm:DescribeInstanceInformation", 2))
HUMAN_CLI_CALLS = T(("ec2:DescribeInstances", 10), ("ec2:DescribeSecurityGroups", 4), ("ec2:DescribeVpcs", 2),
                    ("ec2:DescribeSubnets", 2), ("ec2:DescribeRegions", 2), ("ec2:DescribeImages", 2),
                    ("ec2:DescribeInstanceStatus", 2), ("ec2:StartInstances", 0.3), ("ec2:StopInstances", 0.3),
                    ("ec2:CreateTags", 0.6), ("s3:ListBuckets", 4), ("s3:GetBucketLocation", 2),
                    ("s3:GetBucketPolicy", 1), ("iam:GetUser", 2), ("iam:ListRoles", 2), ("iam:ListUsers", 1),
                    ("iam:GetRole", 2), ("iam:ListAttachedRolePolicies", 1), ("sts:GetCallerIdentity", 6),
                    ("sts:AssumeRole", 3), ("kms:ListAliases", 1), ("kms:DescribeKey", 1),
                    ("lambda:ListFunctions20150331", 2), ("lambda:GetFunction20150331v2", 1),
                    ("logs:DescribeLogGroups", 2), ("logs:FilterLogEvents", 3), ("logs:StartQuery", 1),
                    ("monitoring:DescribeAlarms", 1), ("ssm:GetParameter", 1), ("ssm:DescribeInstanceInformation", 1),
                    ("secretsmanager:ListSecrets", 1), ("secretsmanager:DescribeSecret", 1),
                    ("dynamodb:ListTables", 1), ("dynamodb:DescribeTable", 1), ("rds:DescribeDBInstances", 2),
                    ("rds:DescribeDBClusters", 1), ("cloudtrail:LookupEvents", 1), ("organizations:ListAccounts", 0.5),
                    ("organizations:DescribeOrganization", 0.5), ("guardduty:ListFindings", 0.5))
CONSOLE_CALLS = T(("ec2:DescribeInstances", 6), ("ec2:DescribeInstanceStatus", 3), ("ec2:DescribeSecurityGroups", 2),
                  ("ec2:DescribeVolumes", 1), ("ec2:DescribeAddresses", 1), ("ec2:DescribeAvailabilityZones", 1),
                  ("ec2:DescribeLaunchTemplates", 1), ("s3:ListBuckets", 3), ("s3:GetBucketAcl", 1),
                  ("s3:GetBucketPolicyStatus", 1), ("s3:GetBucketVersioning", 1), ("s3:GetBucketEncryption", 1),
                  ("s3:GetBucketPublicAccessBlock", 1), ("iam:ListRoles", 1), ("iam:GetAccountSummary", 1),
                  ("iam:ListUsers", 1), ("iam:GetRole", 1), ("monitoring:DescribeAlarms", 3),
                  ("monitoring:GetDashboard", 2), ("monitoring:ListDashboards", 1), ("logs:DescribeLogGroups", 2),
                  ("logs:DescribeLogStreams", 2), ("logs:FilterLogEvents", 2), ("lambda:ListFunctions20150331", 2),
                  ("lambda:GetFunction20150331v2", 1), ("rds:DescribeDBInstances", 2), ("rds:DescribeDBClusters", 1),
                  ("dynamodb:ListTables", 1), ("dynamodb:DescribeTable", 1), ("kms:ListAliases", 1),
                  ("secretsmanager:ListSecrets", 1), ("cloudtrail:LookupEvents", 2), ("cloudtrail:DescribeTrails", 1),
                  ("cloudtrail:GetTrailStatus", 0.5), ("config:DescribeConfigRules", 1),
                  ("config:DescribeComplianceByConfigRule", 1), ("sso:ListInstances", 0.5),
                  ("sso:ListPermissionSets", 0.5), ("sso:DescribePermissionSet", 0.5),
                  ("sso:ListAccountAssignments", 0.3), ("organizations:DescribeOrganization", 0.5),
                  ("organizations:ListRoots", 0.3), ("guardduty:ListDetectors", 0.5), ("guardduty:ListFindings", 0.5),
                  ("guardduty:GetFindings", 0.5), ("ssm:DescribeInstanceInformation", 1), ("ssm:ListCommands", 0.5),
                  ("ssm:DescribeParameters", 0.5))
CI_CALLS = T(("ec2:DescribeInstances", 3), ("ec2:DescribeSecurityGroups", 4), ("ec2:DescribeVpcs", 3),
             ("ec2:DescribeSubnets", 3), ("ec2:DescribeRouteTables", 2), ("ec2:DescribeNetworkAcls", 1),
             ("ec2:DescribeLaunchTemplates", 1), ("ec2:CreateTags", 1), ("ec2:AuthorizeSecurityGroupIngress", 0.15),
             ("iam:GetRole", 4), ("iam:ListAttachedRolePolicies", 3), ("iam:ListRolePolicies", 2),
             ("iam:GetPolicy", 2), ("iam:GetPolicyVersion", 2), ("iam:ListInstanceProfilesForRole", 1),
             ("iam:TagRole", 0.3), ("iam:AttachRolePolicy", 0.15), ("s3:GetBucketPolicy", 2), ("s3:GetBucketAcl", 1),
             ("s3:GetBucketVersioning", 1), ("s3:GetBucketEncryption", 1), ("s3:GetBucketTagging", 1),
             ("s3:GetBucketLogging", 1), ("s3:GetBucketLifecycle", 1), ("s3:GetBucketReplication", 1),
             ("s3:PutBucketTagging", 0.2), ("lambda:GetFunction20150331v2", 2), ("lambda:GetPolicy20150331v2", 1),
("lambda:UpdateFunctionCode20150331v2", 0.3),
             ("logs:DescribeLogGroups", 2), ("logs:PutRetentionPolicy", 0.2), ("monitoring:DescribeAlarms", 1),
             ("monitoring:PutMetricAlarm", 0.2), ("kms:DescribeKey", 1), ("kms:GetKeyPolicy", 1),
             ("kms:GetKeyRotationStatus", 1), ("dynamodb:DescribeTable", 1), ("dynamodb:DescribeContinuousBackups", 1),
             ("dynamodb:DescribeTimeToLive", 1), ("rds:DescribeDBInstances", 1), ("sts:GetCallerIdentity", 3),
             ("secretsmanager:DescribeSecret", 1), ("ssm:GetParameter", 1))
SVC_USER_CALLS = T(("s3:ListBuckets", 2), ("s3:GetBucketLocation", 4), ("kms:GenerateDataKey", 3),
                   ("ec2:DescribeInstances", 3), ("ec2:DescribeSnapshots", 2), ("ec2:DescribeVolumes", 2),
                   ("rds:DescribeDBSnapshots", 2), ("sts:GetCallerIdentity", 3), ("iam:GetUser", 1),
                   ("iam:CreateAccessKey", 0.08), ("secretsmanager:GetSecretValue", 1),
                   ("dynamodb:DescribeContinuousBackups", 1))
VENDOR_CALLS = T(("ec2:DescribeInstances", 4), ("ec2:DescribeInstanceStatus", 3), ("ec2:DescribeVolumes", 2),
                 ("ec2:DescribeSecurityGroups", 1), ("rds:DescribeDBInstances", 3), ("rds:ListTagsForResource", 2),
                 ("rds:DescribeDBClusters", 1), ("lambda:ListFunctions20150331", 3), ("lambda:ListTags20170331", 2),
                 ("dynamodb:ListTables", 1), ("dynamodb:DescribeTable", 2), ("dynamodb:ListTagsOfResource", 1),
                 ("logs:DescribeLogGroups", 2), ("monitoring:DescribeAlarms", 1), ("s3:ListBuckets", 1),
                 ("s3:GetBucketTagging", 1), ("s3:GetBucketLocation", 1), ("cloudtrail:DescribeTrails", 0.5),
("organizations:DescribeOrganization", 0.3),
                 ("sts:GetCallerIdentity", 0.5))
SERVICE_ASSUME_CALLS = T(("sts:AssumeRoleService", 1))
CONFIG_SERVICE_CALLS = T(("sts:AssumeRoleService", 3), ("s3:GetBucketAcl", 1))
CLOUDTRAIL_SERVICE_CALLS = T(("s3:GetBucketAcl", 2), ("kms:GenerateDataKey", 1))


class Gen:
    """Produces the record stream: benign traffic with attacks mixed in."""

    def __init__(self, args):
        self.args = args
        self.w = World(args.seed, args.regions, args.account)
        self.r = Rand(args.seed)
        self.ar = Rand("vigil-attacks-%s" % args.seed)  # attack decisions and attacker details
        self.t = float(args.start)
        self.rate = args.rate
        self.attack_rate = args.attack_rate
        kinds = args.attack_kinds or list(ATTACKS)
        self.attack_kinds = kinds
        self.deck = []
        self.pending = []
        self.attack_instances = {}
        self.c = Ctx()
        self._host_cache = {}
        self._ua_cache = {}
        self._build_principals()

    # ----------------------------------------------------------------- principals
    def _build_principals(self):
        w, r = self.w, self.w.r
        P = Principal
        profiles = []

        # EC2 instances with instance roles (SSM agent, CloudWatch agent, apps).
        ec2p = []
        for region in w.regions:
            reg = w.reg[region]
            for n, inst in enumerate(reg["instances"]):
                role = w.roles[("orders-api-instance-role", "batch-worker-instance-role",
                                [k for k in w.roles if k.startswith("eks-node")][0])[n % 3]]
                ips = [r.choice(reg["nat_ips"])]
                ua = r.choice((ua_const("aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) amazon-ssm-agent/3.3.987.0"),
                               ua_boto3("1.35.36", " md/command#none"),
                               ua_const("aws-sdk-java/2.28.16 Linux/6.1.112-122.189.amzn2023.x86_64 "
                                        "OpenJDK_64-Bit_Server_VM/21.0.5+11-LTS Java/21.0.5 vendor/Amazon.com_Inc. "
                                        "md/internal io/sync http/Apache cfg/retry-mode/legacy")))
                ec2p.append(P(w, "AssumedRole", role=role, session=inst["id"], ttl=6 * 3600, ec2=True,
                              ips=ips, vpce_rate=0.3, ua=ua, tls=TLS12, region=region, name=inst["id"]))
        profiles.append((22, ec2p, EC2_AGENT_CALLS))

        # Service-linked roles invoked by AWS services (Config recorder, Security Hub ...).
        cfg = P(w, "AssumedRole", role=w.service_roles["config.amazonaws.com"], session="AWSConfig-Describe",
                ttl=3600, invoked_by="config.amazonaws.com", ips=["config.amazonaws.com"],
                ua=ua_const("config.amazonaws.com"), deny=0)
        profiles.append((16, [cfg], CONFIG_CALLS))
        secp = []
        for svc, sess in (("securityhub.amazonaws.com", "securityhub"), ("inspector2.amazonaws.com", "InspectorScan"),
                          ("access-analyzer.amazonaws.com", "access-analyzer"),
                          ("trustedadvisor.amazonaws.com", "TrustedAdvisor_" + w.account)):
            secp.append(P(w, "AssumedRole", role=w.service_roles[svc], session=sess, ttl=3600, invoked_by=svc,
                          ips=[svc], ua=ua_const(svc), deny=0))
        profiles.append((8, secp, SECURITY_SERVICE_CALLS))

        # AWSService identities (services acting on their own behalf).
        def svc(s):
            return P(w, "AWSService", invoked_by=s, ips=[s], ua=ua_const(s), deny=0)
        profiles.append((5, [svc("lambda.amazonaws.com"), svc("ec2.amazonaws.com"), svc("glue.amazonaws.com")],
                         SERVICE_ASSUME_CALLS))
        profiles.append((2, [svc("config.amazonaws.com")], CONFIG_SERVICE_CALLS))
        profiles.append((2, [svc("cloudtrail.amazonaws.com")], CLOUDTRAIL_SERVICE_CALLS))

        # Lambda functions.
        lam = []
        for region in w.regions:
            reg = w.reg[region]
            for fn in reg["functions"][:4]:
                role = w.roles.get(fn + "-lambda-role") or w.roles["invoice-processor-lambda-role"]
                lam.append(P(w, "AssumedRole", role=role, session=fn, ttl=2 * 3600, ips=reg["lambda_ips"],
                             vpce_rate=0.2, ua=ua_boto3("1.34.145", " exec-env/AWS_Lambda_python3.12"),
                             tls=TLS13, region=region, name=fn))
        profiles.append((10, lam, LAMBDA_CALLS))

        # People on the CLI: SSO sessions and the remaining IAM users with access keys.
        clis = []
        for i, u in enumerate(w.sso_users):
            if u["ps"] == "BillingAccess":
                continue
            ips = [r.choice(w.office_ips), r.choice(w.home_ips)]
            ua = ua_cli("2.%d.%d" % (r.randrange(15, 22), r.randrange(0, 40)),
                        r.choice(("linux#6.8.0-48-generic", "darwin#23.6.0", "darwin#24.1.0")),
                        r.choice(("3.11.9", "3.12.6")))
            clis.append(P(w, "AssumedRole", role=w.sso_roles[u["ps"]], session=u["email"], ttl=8 * 3600,
                          ips=ips, ua=ua, tls=TLS13, name=u["email"].split("@")[0],
                          deny=0.06 if u["ps"] == "ReadOnlyAccess" else 0.015))
        for u in w.users[:5]:
            if u["name"] == w.users[3]["name"]:
                continue
            clis.append(P(w, "IAMUser", name=u["name"], user_name=u["name"], arn=u["arn"], pid=u["id"], key=u["key"],
                          ips=[r.choice(w.office_ips), r.choice(w.home_ips)],
                          ua=ua_cli("2.%d.%d" % (r.randrange(13, 22), r.randrange(0, 40)), "linux#6.8.0-48-generic", "3.11.9"),
                          tls=TLS13, deny=0.03, sts_region=GLOBAL_REGION))
        profiles.append((12, clis, HUMAN_CLI_CALLS))

        # Console users (SSO console sessions).
        cons = []
        for u in w.sso_users:
            cons.append(P(w, "AssumedRole", role=w.sso_roles[u["ps"]], session=u["email"], ttl=8 * 3600,
                          ips=[r.choice(w.office_ips), r.choice(w.home_ips)], ua=ua_console, tls=TLS13, console=True,
                          name=u["email"], deny=0.08 if u["ps"] in ("ReadOnlyAccess", "BillingAccess") else 0.02))
        self.console_principals = cons
        profiles.append((9, cons, CONSOLE_CALLS))

        # CI/CD: GitHub Actions via web identity, and a legacy terraform user.
        gha = P(w, "AssumedRole", role=w.roles["github-actions-deploy"], session="GitHubActions", ttl=3600,
                ips=["%d.%d.%d.%d" % (r.choice((4, 20, 52, 172)), r.randrange(256), r.randrange(256), r.randrange(1, 255))
                     for _ in range(12)], ua=ua_terraform("5.74.0"), tls=TLS13,
                web_identity="arn:aws:iam::%s:oidc-provider/token.actions.githubusercontent.com" % w.account)
        tf = w.user_by_name["terraform-legacy"]
        tfu = P(w, "IAMUser", name=tf["name"], user_name=tf["name"], arn=tf["arn"], pid=tf["id"], key=tf["key"],
                ips=[w.office_ips[0]], ua=ua_terraform("4.67.0"), tls=TLS12, sts_region=GLOBAL_REGION)
        profiles.append((7, [gha, gha, gha, tfu], CI_CALLS))

        # Service users with long-term keys (backup agent, Jenkins, vendor sync).
        svcu = []
        for name in ("svc-jenkins", "svc-backup-agent", "vendor-sftp-sync"):
            u = w.user_by_name[name]
            svcu.append(P(w, "IAMUser", name=name, user_name=name, arn=u["arn"], pid=u["id"], key=u["key"],
                          ips=[r.choice(w.reg[w.home]["nat_ips"]), w.office_ips[1]],
                          ua=r.choice((ua_boto3("1.28.57", ""), ua_const("aws-sdk-java/1.12.529 Linux/5.15.0-1047-aws "
                                                                          "OpenJDK_64-Bit_Server_VM/11.0.20+8 java/11.0.20 "
                                                                          "vendor/Eclipse_Adoptium cfg/retry-mode/standard"))),
                          tls=TLS12, deny=0.01))
        profiles.append((4, svcu, SVC_USER_CALLS))

        # A third-party observability vendor with a cross-account read-only role.
        vend = [P(w, "AssumedRole", role=w.roles["ObservabilityVendorReadOnly"], session="vendor-crawler-%d" % i,
                  ttl=3600, ips=w.vendor_ips, ua=ua_const("aws-sdk-go/1.55.5 (go1.23.2; linux; amd64)"),
                  tls=TLS12, deny=0.08) for i in range(3)]
        profiles.append((3, vend, VENDOR_CALLS))

        self.profiles = weighted([((p, T_), wt) for wt, p, T_ in profiles])
        self.svc_event_principals = {
            s: P(w, "ServiceEvent", invoked_by=s, ips=[s], ua=ua_const(s), deny=0)
            for s in ("kms.amazonaws.com", "secretsmanager.amazonaws.com")}
        # Console IAM users (benign sign-ins with MFA).
        self.console_users = [u for u in w.users if u["console"] and u["mfa"] and u["name"] != "breakglass-admin"]

    # ----------------------------------------------------------------- record assembly
    def host(self, svc, region, p):
        key = (svc, region, p.sts_region)
        h = self._host_cache.get(key)
        if h is None:
            if svc == "iam":
                h = "iam.amazonaws.com"
            elif svc == "sts" and p.sts_region:
                h = "sts.amazonaws.com"
            elif svc == "signin":
                h = "signin.aws.amazon.com"
            elif svc == "sso":
                h = "sso.%s.amazonaws.com" % region
            else:
                h = "%s.%s.amazonaws.com" % (svc, region)
            self._host_cache[key] = h
        return h

    def user_agent(self, p, svc, op):
        key = (p.ua, svc, op)
        ua = self._ua_cache.get(key)
        if ua is None:
            ua = p.ua(svc, op)
            self._ua_cache[key] = ua
        return ua

    def call(self, p, svc, op, region=None, *, req=None, resp=None, extra=None, error=None, readonly=None,
             event_type="AwsApiCall", ip=None, ua=None, add=None, console=None, builder=True):
        """Build one record (a dict in CloudTrail's field order)."""
        r, w, c = self.r, self.w, self.c
        t = self.t
        if region is None:
            region = p.region or r.choice(w.regions)
        if svc in GLOBAL_SERVICES:
            region = GLOBAL_REGION
        elif svc == "sts" and p.sts_region:
            region = p.sts_region
        elif svc == "sso":
            region = w.home
        rid = r.uuid()
        c.r, c.w, c.region, c.p, c.t, c.rid = r, w, region, p, t, rid
        meta = OPS.get((svc, op))
        errs = ()
        if builder and meta is not None:
            ro, fn, errs = meta
            req, resp, extra = fn(c)
            if readonly is None:
                readonly = ro
        if op == "AssumeRoleService":
            op = "AssumeRole"
        if extra:
            region = extra.get("region", region)
            rid = extra.get("rid", rid)
        # Errors: operation-specific ones first, then generic denials.
        code = msg = None
        if error is not None:
            code, msg = error
        else:
            x = r.random()
            for ecode, emsg, prob in errs:
                if x < prob:
                    code, msg = ecode, emsg
                    break
                x -= prob
            else:
                if p.deny and r.random() < p.deny:
                    code, msg = self.denial(p, svc, op, region)
        if code is not None:
            resp = None
            if msg is None and code == "NoSuchEntityException":
                msg = "The role with name %s cannot be found." % ((req or {}).get("roleName") or "unknown")
                if req and "userName" in req:
                    msg = "The user with name %s cannot be found." % req["userName"]
        ident = p.identity(r, t)
        if ip is None:
            ip = p.ips[0] if len(p.ips) == 1 else r.choice(p.ips)
        vpce = None
        if p.vpce_rate and r.random() < p.vpce_rate and region in w.reg and svc in w.reg[region]["vpce"]:
            vpce = w.reg[region]["vpce"][svc]
            ip = "10.%d.%d.%d" % (w.regions.index(region) * 16, r.randrange(1, 60), r.randrange(4, 250))
        if ua is None:
            ua = self.user_agent(p, svc, op)
            if p.console and r.random() < 0.08:
                ua, ip = "AWS Internal", "AWS Internal"
        rec = {"eventVersion": EVENT_VERSION[svc], "userIdentity": ident, "eventTime": iso(t),
               "eventSource": svc + ".amazonaws.com", "eventName": op, "awsRegion": region,
               "sourceIPAddress": ip, "userAgent": ua}
        if code is not None:
            rec["errorCode"] = code
            if msg:
                rec["errorMessage"] = msg
        rec["requestParameters"] = req
        rec["responseElements"] = resp
        if add is None and extra:
            add = extra.get("add")
        if add is not None:
            rec["additionalEventData"] = add
        if event_type != "AwsConsoleSignIn":
            rec["requestID"] = rid
        rec["eventID"] = r.uuid()
        rec["readOnly"] = bool(readonly)
        if extra and extra.get("resources"):
            rec["resources"] = extra["resources"]
        rec["eventType"] = event_type
        if svc == "logs":
            rec["apiVersion"] = "20140328"
        rec["managementEvent"] = True
        rec["recipientAccountId"] = w.account
        if extra and extra.get("shared"):
            rec["sharedEventID"] = r.uuid()
        if vpce:
            rec["vpcEndpointId"] = vpce
            rec["vpcEndpointAccountId"] = w.account
        if extra and extra.get("details"):
            rec["serviceEventDetails"] = extra["details"]
        rec["eventCategory"] = "Management"
        if p.tls and ip != "AWS Internal":
            host = extra.get("host") if extra and extra.get("host") else self.host(svc, region, p)
            rec["tlsDetails"] = {"tlsVersion": p.tls[0], "cipherSuite": p.tls[1], "clientProvidedHostHeader": host}
        if (p.console if console is None else console):
            rec["sessionCredentialFromConsole"] = "true"
        return rec

    def denial(self, p, svc, op, region):
        action = api_action(svc, op)
        who = p.caller_arn()
        if svc == "ec2":
            return ("Client.UnauthorizedOperation",
                    "You are not authorized to perform this operation. User: %s is not authorized to perform: %s "
                    "because no identity-based policy allows the %s action" % (who, action, action))
        if svc == "s3":
            return "AccessDenied", "Access Denied"
        code = "AccessDenied" if svc in ("iam", "sts", "cloudtrail", "organizations") else "AccessDeniedException"
        return code, ("User: %s is not authorized to perform: %s because no identity-based policy allows the %s action"
                      % (who, action, action))

    # ----------------------------------------------------------------- benign events
    def benign(self):
        r = self.r
        x = r.random()
        if x < 0.004:
            return [self.benign_console_login()]
        if x < 0.0055:
            return [self.service_event()]
        principals, table = r.wpick(self.profiles)
        p = r.choice(principals)
        svc, op = r.wpick(table)
        if p.web_identity and r.random() < 0.05:
            svc, op = "sts", "AssumeRoleWithWebIdentity"
            rec = self.call(p, svc, op, p.region)
            rec["userIdentity"] = {"type": "WebIdentityUser",
                                   "principalId": "%s:sts.amazonaws.com:repo:%s/orders-api:ref:refs/heads/main"
                                   % (p.web_identity, self.w.org),
                                   "userName": "repo:%s/orders-api:ref:refs/heads/main" % self.w.org,
                                   "identityProvider": p.web_identity}
            return [rec]
        rec = self.call(p, svc, op)
        if op == "GetSecretValue" and "errorCode" not in rec and r.random() < 0.6:
            return [rec, self.secret_decrypt(rec)]
        return [rec]

    def secret_decrypt(self, sec_rec):
        """Secrets Manager decrypting the secret with KMS on the caller's behalf."""
        r, w = self.r, self.w
        region = sec_rec["awsRegion"]
        secret = sec_rec["requestParameters"]["secretId"]
        if not secret.startswith("arn:"):
            secret = next(s for s in w.reg[region]["secrets"] if s.split(":secret:")[1][:-7] == secret)
        i = r.randrange(len(w.reg[region]["keys"]))
        ident = dict(sec_rec["userIdentity"])
        ident.pop("accessKeyId", None)
        ident["invokedBy"] = "secretsmanager.amazonaws.com"
        rec = {"eventVersion": EVENT_VERSION["kms"], "userIdentity": ident, "eventTime": sec_rec["eventTime"],
               "eventSource": "kms.amazonaws.com", "eventName": "Decrypt", "awsRegion": region,
               "sourceIPAddress": "secretsmanager.amazonaws.com", "userAgent": "secretsmanager.amazonaws.com",
               "requestParameters": {"encryptionAlgorithm": "SYMMETRIC_DEFAULT",
                                     "encryptionContext": {"SecretARN": secret, "SecretVersionId": r.uuid()}},
               "responseElements": None, "requestID": r.uuid(), "eventID": r.uuid(), "readOnly": True,
               "resources": [{"accountId": w.account, "type": "AWS::KMS::Key", "ARN": w.reg[region]["key_arns"][i]}],
               "eventType": "AwsApiCall", "managementEvent": True, "recipientAccountId": w.account,
               "eventCategory": "Management"}
        return rec

    def benign_console_login(self):
        r, w = self.r, self.w
        if r.random() < 0.7:
            # Federated (IAM Identity Center) console sign-in: MFA happens at the IdP,
            # so CloudTrail reports MFAUsed "No" for these.
            p = r.choice(self.console_principals)
            rec = self.call(p, "signin", "ConsoleLogin", GLOBAL_REGION, req=None, resp={"ConsoleLogin": "Success"},
                            builder=False, readonly=False, event_type="AwsConsoleSignIn", ua=r.choice(BROWSERS),
                            add={"MobileVersion": "No", "MFAUsed": "No"}, console=False)
            rec["userIdentity"] = {k: v for k, v in rec["userIdentity"].items() if k != "accessKeyId"}
            rec["awsRegion"] = w.home
            rec["tlsDetails"]["clientProvidedHostHeader"] = "%s.signin.aws.amazon.com" % w.home
            return rec
        u = r.choice(self.console_users)
        p = Principal(w, "IAMUser", name=u["name"], user_name=u["name"], arn=u["arn"], pid=u["id"], key="",
                      ips=[r.choice(w.office_ips)], tls=TLS13)
        return self.call(p, "signin", "ConsoleLogin", GLOBAL_REGION, req=None, resp={"ConsoleLogin": "Success"},
                         builder=False, readonly=False, event_type="AwsConsoleSignIn", ua=r.choice(BROWSERS),
                         add={"LoginTo": "https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true"
                                         "&state=hashArgsFromTB_us-east-1_" + r.hexs(16),
                              "MobileVersion": "No", "MFAIdentifier": "arn:aws:iam::%s:mfa/%s" % (w.account, u["name"]),
                              "MFAUsed": "Yes"})

    def service_event(self):
        r, w = self.r, self.w
        region = r.choice(w.regions)
        if r.random() < 0.5:
            p = self.svc_event_principals["kms.amazonaws.com"]
            i = r.randrange(len(w.reg[region]["keys"]))
            rec = self.call(p, "kms", "RotateKey", region, builder=False, readonly=False,
                            event_type="AwsServiceEvent", ip="AWS Internal", ua="AWS Internal",
                            add={"keyId": w.reg[region]["key_arns"][i]},
                            extra={"resources": [{"accountId": w.account, "type": "AWS::KMS::Key",
                                                  "ARN": w.reg[region]["key_arns"][i]}]})
        else:
            p = self.svc_event_principals["secretsmanager.amazonaws.com"]
            sec = r.choice(w.reg[region]["secrets"])
            rec = self.call(p, "secretsmanager", "RotationSucceeded", region, builder=False, readonly=False,
                            event_type="AwsServiceEvent",
                            add={"SecretId": sec})
            rec["requestID"] = "RotationSucceeded:%s:%s" % (sec, iso(self.t))
        return rec

    # ----------------------------------------------------------------- stream
    def next_attack_kind(self):
        if not self.deck:
            self.deck = list(self.attack_kinds)
            self.ar.shuffle(self.deck)
        return self.deck.pop()

    def events(self):
        """Yield (epoch_seconds, region, record_dict, attack_kind_or_None) forever."""
        r, ar = self.r, self.ar
        rate = self.rate
        attack_rate = self.attack_rate
        while True:
            self.t += r.expovariate(rate)
            if attack_rate and ar.random() < attack_rate:
                kind = self.next_attack_kind()
                self.attack_instances[kind] = self.attack_instances.get(kind, 0) + 1
                # Attack records draw all their randomness from the attack stream.
                self.r = ar
                try:
                    steps = ATTACKS[kind][0](self)
                finally:
                    self.r = r
                for rec in steps:
                    yield parse_time(rec["eventTime"]), rec["awsRegion"], rec, kind
            else:
                for rec in self.benign():
                    yield int(self.t), rec["awsRegion"], rec, None


# --------------------------------------------------------------------------- attacks
# Each attack function returns a list of records (built at the current clock;
# multi-record attacks advance self.t between records).

ATTACKER_CLI = ua_cli("2.18.4", "linux#6.5.0-kali3-amd64", "3.11.9")
ATTACKER_UAS = (ATTACKER_CLI, ua_boto3("1.35.10", " md/command#none"),
                ua_const("aws-sdk-go-v2/1.30.4 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64"))


def _attacker(g, want="iam"):
    """A compromised identity calling from an attacker address."""
    w, ar = g.w, g.ar
    ip = ar.choice(w.attacker_ips)
    if want == "iam" or ar.random() < 0.6:
        u = ar.choice(w.users[:5])
        ua = ar.choice(ATTACKER_UAS)
        return Principal(w, "IAMUser", name=u["name"], user_name=u["name"], arn=u["arn"], pid=u["id"], key=u["key"],
                         ips=[ip], ua=ua, tls=TLS13, deny=0)
    u = ar.choice(w.sso_users[:3])
    return Principal(w, "AssumedRole", role=w.sso_roles["AdministratorAccess"], session=u["email"], ttl=3600,
                     ips=[ip], ua=ATTACKER_CLI, tls=TLS13, deny=0)


def _atk(g, p, svc, op, region=None, **kw):
    kw.setdefault("builder", False)
    kw.setdefault("readonly", False)
    rec = g.call(p, svc, op, region or g.ar.choice(g.w.regions), **kw)
    return rec


def a_console_login_no_mfa(g):
    w, ar = g.w, g.ar
    u = ar.choice([u for u in w.users if u["console"] and not u["mfa"]])
    p = Principal(w, "IAMUser", name=u["name"], user_name=u["name"], arn=u["arn"], pid=u["id"], key="",
                  ips=[ar.choice(w.attacker_ips)], tls=TLS13, deny=0)
    rec = _atk(g, p, "signin", "ConsoleLogin", GLOBAL_REGION, resp={"ConsoleLogin": "Success"},
               event_type="AwsConsoleSignIn", ua=ar.choice(BROWSERS),
               add={"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
                    "MobileVersion": "No", "MFAUsed": "No"})
    del rec["userIdentity"]["accessKeyId"]
    return [rec]


def a_console_login_failure(g):
    w, ar = g.w, g.ar
    out = []
    ip = ar.choice(w.attacker_ips)
    ua = ar.choice(BROWSERS)
    for n in range(ar.randrange(1, 6)):
        if n:
            g.t += ar.uniform(2, 20)
        if ar.random() < 0.4:
            ident_user = None
        else:
            ident_user = ar.choice([u for u in w.users if u["console"]])
        if ident_user:
            p = Principal(w, "IAMUser", name=ident_user["name"], user_name=ident_user["name"], arn=ident_user["arn"],
                          pid=ident_user["id"], key="", ips=[ip], tls=TLS13, deny=0)
        else:
            p = Principal(w, "IAMUser", name="HIDDEN_DUE_TO_SECURITY_REASONS",
                          user_name="HIDDEN_DUE_TO_SECURITY_REASONS", arn="", pid="", key="", ips=[ip], tls=TLS13, deny=0)
        rec = _atk(g, p, "signin", "ConsoleLogin", GLOBAL_REGION, resp={"ConsoleLogin": "Failure"},
                   error=("", "Failed authentication"), event_type="AwsConsoleSignIn", ua=ua,
                   add={"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
                        "MobileVersion": "No", "MFAUsed": "No"})
        # Failed sign-ins carry errorMessage but no errorCode, and keep responseElements.
        rec.pop("errorCode", None)
        rec["responseElements"] = {"ConsoleLogin": "Failure"}
        ident = rec["userIdentity"]
        del ident["arn"]
        if not ident_user:
            del ident["principalId"]
        ident["accessKeyId"] = ""
        out.append(rec)
    return out


def _root(g, ip):
    return Principal(g.w, "Root", ips=[ip], ttl=1800, tls=TLS13, console=True, deny=0, ua=ua_console)


def a_root_console_login(g):
    w, ar = g.w, g.ar
    p = Principal(w, "Root", ips=[ar.choice(w.attacker_ips + w.office_ips)], tls=TLS13, deny=0)
    rec = _atk(g, p, "signin", "ConsoleLogin", GLOBAL_REGION, resp={"ConsoleLogin": "Success"},
               event_type="AwsConsoleSignIn", ua=ar.choice(BROWSERS),
               add={"LoginTo": "https://console.aws.amazon.com/console/home?state=hashArgs%23&isauthcode=true",
                    "MobileVersion": "No", "MFAIdentifier": "arn:aws:iam::%s:mfa/root-account-mfa-device" % w.account,
                    "MFAUsed": "Yes"}, console=False)
    ident = rec["userIdentity"]
    ident["accessKeyId"] = ""
    del ident["sessionContext"]
    return [rec]


def a_root_api_call(g):
    w, ar = g.w, g.ar
    p = _root(g, ar.choice(w.attacker_ips))
    svc, op = ar.choice((("iam", "ListUsers"), ("iam", "GetAccountSummary"), ("iam", "ListAccessKeys"),
                         ("s3", "ListBuckets"), ("ec2", "DescribeRegions"), ("organizations", "DescribeOrganization"),
                         ("iam", "GetAccountPasswordPolicy")))
    return [g.call(p, svc, op, ar.choice(w.regions), ua="AWS Internal" if svc != "s3" else None)]


def _trail_req(g):
    return g.ar.choice((g.w.trail, g.w.trail_arn))


def a_cloudtrail_stop_logging(g):
    p = _attacker(g)
    return [_atk(g, p, "cloudtrail", "StopLogging", g.w.home, req={"name": _trail_req(g)}, resp=None)]


def a_cloudtrail_delete_trail(g):
    p = _attacker(g)
    return [_atk(g, p, "cloudtrail", "DeleteTrail", g.w.home, req={"name": _trail_req(g)}, resp=None)]


def a_cloudtrail_update_trail(g):
    w, ar = g.w, g.ar
    p = _attacker(g)
    sink = "%s-archive-%s" % (ar.choice(("logs", "audit", "backup")), ar.s(_LOWER_NUM, 8))
    req = {"name": w.trail, "s3BucketName": sink, "isMultiRegionTrail": False, "includeGlobalServiceEvents": False}
    resp = {"name": w.trail, "s3BucketName": sink, "includeGlobalServiceEvents": False, "isMultiRegionTrail": False,
            "trailARN": w.trail_arn, "logFileValidationEnabled": False, "isOrganizationTrail": False}
    return [_atk(g, p, "cloudtrail", "UpdateTrail", w.home, req=req, resp=resp)]


def a_cloudtrail_put_event_selectors(g):
    w = g.w
    p = _attacker(g)
    sel = [{"readWriteType": "ReadOnly", "includeManagementEvents": False, "dataResources": [],
            "excludeManagementEventSources": []}]
    return [_atk(g, p, "cloudtrail", "PutEventSelectors", w.home, req={"trailName": w.trail, "eventSelectors": sel},
                 resp={"trailARN": w.trail_arn, "eventSelectors": sel})]


def a_guardduty_delete_detector(g):
    region = g.ar.choice(g.w.regions)
    p = _attacker(g, "any")
    return [_atk(g, p, "guardduty", "DeleteDetector", region, req={"detectorId": g.w.reg[region]["detector"]},
                 resp=None)]


def a_config_stop_recorder(g):
    region = g.ar.choice(g.w.regions)
    p = _attacker(g, "any")
    return [_atk(g, p, "config", "StopConfigurationRecorder", region, req={"configurationRecorderName": "default"},
                 resp=None)]


def a_vpc_delete_flow_logs(g):
    region = g.ar.choice(g.w.regions)
    p = _attacker(g, "any")
    rec = _atk(g, p, "ec2", "DeleteFlowLogs", region,
               req={"DeleteFlowLogsRequest": {"FlowLogId": {"tag": 1, "content": g.ar.choice(g.w.reg[region]["flowlogs"])}}})
    rec["responseElements"] = {"DeleteFlowLogsResponse": {"xmlns": "http://ec2.amazonaws.com/doc/2016-11-15/",
                                                          "requestId": rec["requestID"], "unsuccessful": ""}}
    return [rec]


def a_ec2_sg_open_ssh(g):
    w, ar = g.w, g.ar
    region = ar.choice(w.regions)
    p = _attacker(g, "any")
    gid = ar.choice(w.reg[region]["sgs"])
    v6 = ar.random() < 0.25
    legacy = not v6 and ar.random() < 0.3
    if legacy:
        req = {"groupId": gid, "ipPermissions": {}, "ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
               "cidrIp": "0.0.0.0/0"}
    else:
        perm = {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "groups": {},
                "ipRanges": {} if v6 else {"items": [{"cidrIp": "0.0.0.0/0"}]},
                "ipv6Ranges": {"items": [{"cidrIpv6": "::/0"}]} if v6 else {}, "prefixListIds": {}}
        req = {"groupId": gid, "ipPermissions": {"items": [perm]}}
    rec = _atk(g, p, "ec2", "AuthorizeSecurityGroupIngress", region, req=req)
    rule = {"groupOwnerId": w.account, "groupId": gid, "securityGroupRuleId": ar.rid("sgr"), "isEgress": False,
            "ipProtocol": "tcp", "fromPort": 22, "toPort": 22}
    rule["cidrIpv6" if v6 else "cidrIpv4"] = "::/0" if v6 else "0.0.0.0/0"
    rec["responseElements"] = {"requestId": rec["requestID"], "_return": True,
                               "securityGroupRuleSet": {"items": [rule]}}
    return [rec]


def a_ec2_nacl_allow_all(g):
    w, ar = g.w, g.ar
    region = ar.choice(w.regions)
    p = _attacker(g, "any")
    req = {"networkAclId": ar.choice(w.reg[region]["nacls"]), "ruleNumber": ar.choice((1, 50, 99)),
           "egress": ar.random() < 0.3, "ruleAction": "allow", "icmpTypeCode": {}, "portRange": {},
           "aclProtocol": "-1", "cidrBlock": "0.0.0.0/0"}
    rec = _atk(g, p, "ec2", "CreateNetworkAclEntry", region, req=req)
    rec["responseElements"] = {"requestId": rec["requestID"], "_return": True}
    return [rec]


def a_iam_access_key_other_user(g):
    w, ar = g.w, g.ar
    p = _attacker(g, "any")
    target = ar.choice([u for u in w.users if u["name"] != p.user_name])
    key = "AKIA" + w.idpart + ar.s(_B32, 8)
    return [_atk(g, p, "iam", "CreateAccessKey", req={"userName": target["name"]},
                 resp={"accessKey": {"accessKeyId": key, "status": "Active", "userName": target["name"],
                                     "createDate": aws_date(g.t)}})]


def a_iam_attach_admin_policy(g):
    w, ar = g.w, g.ar
    p = _attacker(g, "any")
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    x = ar.random()
    if x < 0.6:
        return [_atk(g, p, "iam", "AttachUserPolicy", req={"userName": ar.choice(w.users)["name"], "policyArn": admin})]
    if x < 0.85:
        return [_atk(g, p, "iam", "AttachRolePolicy", req={"roleName": ar.choice(("backup-operator",
                                                                                  "orders-api-instance-role",
                                                                                  "invoice-processor-lambda-role")),
                                                           "policyArn": admin})]
    return [_atk(g, p, "iam", "AttachGroupPolicy", req={"groupName": "developers", "policyArn": admin})]


def _s3_extra(g, bucket, region):
    ar = g.ar
    return {"add": {"SignatureVersion": "SigV4", "CipherSuite": "TLS_AES_128_GCM_SHA256",
                    "bytesTransferredIn": ar.randrange(300, 700), "AuthenticationMethod": "AuthHeader",
                    "x-amz-id-2": ar.b64(75) + "=", "bytesTransferredOut": 0},
            "rid": ar.s(_UPPER_NUM, 16), "host": "%s.s3.%s.amazonaws.com" % (bucket, region),
            "resources": [{"accountId": g.w.account, "type": "AWS::S3::Bucket", "ARN": "arn:aws:s3:::" + bucket}]}


def a_s3_bucket_policy_public(g):
    w, ar = g.w, g.ar
    bucket, region = ar.choice(w.buckets[1:])
    p = _attacker(g, "any")
    principal = ar.choice(("*", {"AWS": "*"}))
    policy = {"Version": "2012-10-17",
              "Statement": [{"Sid": ar.choice(("PublicRead", "AllowAll", "Stmt%d" % ar.randrange(10**12, 10**13))),
                             "Effect": "Allow", "Principal": principal,
                             "Action": ar.choice(("s3:GetObject", ["s3:GetObject", "s3:ListBucket"], "s3:*")),
                             "Resource": ["arn:aws:s3:::%s" % bucket, "arn:aws:s3:::%s/*" % bucket]}]}
    req = {"bucketPolicy": policy, "bucketName": bucket, "Host": "%s.s3.%s.amazonaws.com" % (bucket, region),
           "policy": ""}
    return [_atk(g, p, "s3", "PutBucketPolicy", region, req=req, extra=_s3_extra(g, bucket, region))]


def a_s3_delete_public_access_block(g):
    w, ar = g.w, g.ar
    bucket, region = ar.choice(w.buckets[1:])
    p = _attacker(g, "any")
    req = {"bucketName": bucket, "Host": "%s.s3.%s.amazonaws.com" % (bucket, region), "publicAccessBlock": ""}
    return [_atk(g, p, "s3", "DeleteBucketPublicAccessBlock", region, req=req, extra=_s3_extra(g, bucket, region))]


def a_iam_create_login_profile(g):
    w, ar = g.w, g.ar
    p = _attacker(g, "any")
    target = ar.choice([u for u in w.users if not u["console"]])
    return [_atk(g, p, "iam", "CreateLoginProfile", req={"userName": target["name"], "passwordResetRequired": False},
                 resp={"loginProfile": {"userName": target["name"], "createDate": aws_date(g.t),
                                        "passwordResetRequired": False}})]


def a_iam_deactivate_mfa(g):
    w, ar = g.w, g.ar
    p = _attacker(g, "any")
    target = ar.choice([u for u in w.users if u["mfa"]])
    return [_atk(g, p, "iam", "DeactivateMFADevice",
                 req={"userName": target["name"], "serialNumber": "arn:aws:iam::%s:mfa/%s" % (w.account, target["name"])})]


def a_kms_schedule_key_deletion(g):
    w, ar = g.w, g.ar
    region = ar.choice(w.regions)
    i = ar.randrange(len(w.reg[region]["keys"]))
    key, arn = w.reg[region]["keys"][i], w.reg[region]["key_arns"][i]
    p = _attacker(g, "any")
    days = ar.choice((7, 7, 30))
    return [_atk(g, p, "kms", "ScheduleKeyDeletion", region, req={"keyId": key, "pendingWindowInDays": days},
                 resp={"keyId": arn, "deletionDate": aws_date(g.t + days * 86400), "keyState": "PendingDeletion",
                       "pendingWindowInDays": days},
                 extra={"resources": [{"accountId": w.account, "type": "AWS::KMS::Key", "ARN": arn}]})]


def a_kms_disable_key(g):
    w, ar = g.w, g.ar
    region = ar.choice(w.regions)
    i = ar.randrange(len(w.reg[region]["keys"]))
    key, arn = w.reg[region]["keys"][i], w.reg[region]["key_arns"][i]
    p = _attacker(g, "any")
    return [_atk(g, p, "kms", "DisableKey", region, req={"keyId": key},
                 extra={"resources": [{"accountId": w.account, "type": "AWS::KMS::Key", "ARN": arn}]})]


def a_secrets_get_value_burst(g):
    w, ar = g.w, g.ar
    region = ar.choice(w.regions)
    p = _attacker(g, "any")
    secrets = list(w.reg[region]["secrets"])
    ar.shuffle(secrets)
    out = []
    for n, s in enumerate(secrets[:ar.randrange(8, 13)]):
        if n:
            g.t += ar.uniform(0.5, 6)
        out.append(_atk(g, p, "secretsmanager", "GetSecretValue", region, req={"secretId": s}, readonly=True))
    return out


def a_ec2_modify_userdata(g):
    w, ar = g.w, g.ar
    region = ar.choice(w.regions)
    p = _attacker(g, "any")
    iid = ar.choice(w.reg[region]["instances"])["id"]
    rec = _atk(g, p, "ec2", "ModifyInstanceAttribute", region, req={"instanceId": iid, "userData": "<sensitiveDataRemoved>"})
    rec["responseElements"] = {"requestId": rec["requestID"], "_return": True}
    return [rec]


# kind -> (function, rule file stems of the bundled pack that must match every record of
# the attack, short description)
ATTACKS = {
    "console_login_no_mfa": (a_console_login_no_mfa, ("aws_console_login_without_mfa",),
                             "IAM user console sign-in without MFA from an unknown address"),
    "console_login_failure": (a_console_login_failure, ("aws_console_login_failed",),
                              "1-5 failed console sign-ins (Failed authentication)"),
    "root_console_login": (a_root_console_login, ("aws_console_root_login", "aws_root_account_usage",), "root console sign-in (with MFA)"),
    "root_api_call": (a_root_api_call, ("aws_root_account_usage",), "API call made with root credentials"),
    "cloudtrail_stop_logging": (a_cloudtrail_stop_logging, ("aws_cis_4_5_cloudtrail_configuration_changes", "aws_cloudtrail_trail_tampering",), "CloudTrail StopLogging"),
    "cloudtrail_delete_trail": (a_cloudtrail_delete_trail, ("aws_cis_4_5_cloudtrail_configuration_changes", "aws_cloudtrail_trail_tampering",), "CloudTrail DeleteTrail"),
    "cloudtrail_update_trail": (a_cloudtrail_update_trail, ("aws_cis_4_5_cloudtrail_configuration_changes", "aws_cloudtrail_trail_coverage_reduced", "aws_cloudtrail_trail_tampering",),
                                "CloudTrail UpdateTrail to a foreign bucket, single region"),
    "cloudtrail_put_event_selectors": (a_cloudtrail_put_event_selectors, ("aws_cloudtrail_event_selectors_reduced", "aws_cloudtrail_trail_tampering",),
                                       "CloudTrail PutEventSelectors excluding management events"),
    "guardduty_delete_detector": (a_guardduty_delete_detector, ("aws_guardduty_detector_deleted",),
                                  "GuardDuty DeleteDetector"),
    "config_stop_recorder": (a_config_stop_recorder, ("aws_cis_4_9_config_changes", "aws_config_recorder_stopped",), "Config StopConfigurationRecorder"),
    "vpc_delete_flow_logs": (a_vpc_delete_flow_logs, ("aws_vpc_flow_logs_deleted",), "EC2 DeleteFlowLogs"),
    "ec2_sg_open_ssh": (a_ec2_sg_open_ssh, ("aws_cis_4_10_security_group_changes", "aws_ec2_security_group_admin_port_open_to_internet", "aws_ec2_security_group_open_to_internet",),
                        "AuthorizeSecurityGroupIngress tcp/22 from 0.0.0.0/0 or ::/0"),
    "ec2_nacl_allow_all": (a_ec2_nacl_allow_all, ("aws_cis_4_11_network_acl_changes",), "CreateNetworkAclEntry allow all protocols from 0.0.0.0/0"),
    "iam_access_key_other_user": (a_iam_access_key_other_user, ("aws_iam_access_key_created_for_other_user",),
                                  "CreateAccessKey for another IAM user"),
    "iam_attach_admin_policy": (a_iam_attach_admin_policy, ("aws_cis_4_4_iam_policy_changes", "aws_iam_admin_policy_attached",),
                                "Attach{User,Role,Group}Policy AdministratorAccess"),
    "s3_bucket_policy_public": (a_s3_bucket_policy_public, ("aws_s3_bucket_policy_changed", "aws_s3_bucket_policy_public",),
                                "PutBucketPolicy granting Principal *"),
    "s3_delete_public_access_block": (a_s3_delete_public_access_block, ("aws_s3_bucket_policy_changed", "aws_s3_public_access_block_removed",),
                                      "DeleteBucketPublicAccessBlock"),
    "iam_create_login_profile": (a_iam_create_login_profile, ("aws_iam_login_profile_created_for_other_user",), "CreateLoginProfile for a service user"),
    "iam_deactivate_mfa": (a_iam_deactivate_mfa, ("aws_iam_mfa_device_deactivated_or_deleted",), "DeactivateMFADevice"),
    "kms_schedule_key_deletion": (a_kms_schedule_key_deletion, ("aws_kms_key_disabled_or_deletion_scheduled",),
                                  "KMS ScheduleKeyDeletion"),
    "kms_disable_key": (a_kms_disable_key, ("aws_kms_key_disabled_or_deletion_scheduled",), "KMS DisableKey"),
    "secrets_get_value_burst": (a_secrets_get_value_burst, ("aws_secretsmanager_secret_read_by_user_key_or_console",),
                                "8-12 GetSecretValue calls on distinct secrets within a minute"),
    "ec2_modify_userdata": (a_ec2_modify_userdata, ("aws_ec2_instance_user_data_modified",), "ModifyInstanceAttribute userData"),
}


# --------------------------------------------------------------------------- output

def dumps(rec, _enc=json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode):
    return _enc(rec)


class Counter:
    def __init__(self):
        self.events = 0
        self.bytes = 0
        self.attack_records = {}
        self.attack_ids = {}
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


def manifest(args, g, cnt, sink):
    expected = {}
    for kind, n in sorted(cnt.attack_records.items()):
        for rule in ATTACKS[kind][1]:
            expected[rule] = expected.get(rule, 0) + n
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
        "expected_rule_matches": dict(sorted(expected.items())),
        "attack_event_ids": {k: v for k, v in sorted(cnt.attack_ids.items())},
        "attack_catalogue": {k: {"rules": list(v[1]), "description": v[2]} for k, v in ATTACKS.items()},
    }
    if sink is not None:
        m["s3"] = {"log_files": sink.files, "digest_files": sink.digests, "compressed_bytes": sink.out_bytes,
                   "trail": g.w.trail, "bucket": g.w.trail_bucket, "home_region": g.w.home}
        m["bytes_note"] = "bytes = uncompressed record JSON (+1 separator each); s3.compressed_bytes = files on disk"
    return m


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog="Attack kinds (--list-attacks for details): " + ", ".join(ATTACKS))
    ap.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    size = ap.add_mutually_exclusive_group()
    size.add_argument("--events", type=int, help="number of records to write (default 1000)")
    size.add_argument("--bytes", type=parse_size, help="stop after this much uncompressed JSON, e.g. 100MB, 2GiB")
    ap.add_argument("--format", choices=("ndjson", "records", "s3"), default="ndjson")
    ap.add_argument("--out", default="-", help="output file, '-' for stdout, or a folder for --format s3")
    ap.add_argument("--manifest", help="write the JSON summary here (default: stderr)")
    ap.add_argument("--start", type=parse_time, default=parse_time("2026-11-25T08:00:00Z"),
                    help="time of the first event, YYYY-MM-DDTHH:MM:SSZ (default 2026-11-25T08:00:00Z)")
    pace = ap.add_mutually_exclusive_group()
    pace.add_argument("--rate", type=float, help="mean events per second (default 10)")
    pace.add_argument("--duration", type=parse_duration, help="spread --events over this long, e.g. 90m, 2h")
    ap.add_argument("--regions", default="us-east-1,eu-west-1,us-west-2",
                    help="comma-separated regions; the first is the trail's home region")
    ap.add_argument("--account", help="12-digit account id (default: derived from the seed)")
    ap.add_argument("--attack-rate", type=float, default=0.001,
                    help="probability that an event slot starts an attack (default 0.001)")
    ap.add_argument("--attack-kinds", help="comma-separated subset of the catalogue (default: all)")
    ap.add_argument("--gzip-level", type=int, default=6, help="gzip level for --format s3 (default 6)")
    ap.add_argument("--max-file-records", type=int, default=5000,
                    help="--format s3: split a region's 5-minute window into files of at most this many records")
    ap.add_argument("--list-attacks", action="store_true", help="print the attack catalogue and exit")
    args = ap.parse_args(argv)

    if args.list_attacks:
        for k, (_, rule, desc) in ATTACKS.items():
            print("%-32s %-45s %s" % (k, rule or "-", desc))
        return 0
    args.regions = [s.strip() for s in args.regions.split(",") if s.strip()]
    if args.events is None and args.bytes is None:
        args.events = 1000
    if args.duration:
        if args.events is None:
            ap.error("--duration needs --events (use --rate with --bytes)")
        args.rate = max(args.events, 1) / args.duration
    if args.rate is None:
        args.rate = 10.0
    if args.rate <= 0:
        ap.error("--rate must be positive")
    if args.attack_kinds:
        kinds = [k.strip() for k in args.attack_kinds.split(",") if k.strip()]
        bad = [k for k in kinds if k not in ATTACKS]
        if bad:
            ap.error("unknown attack kind(s): %s" % ", ".join(bad))
        args.attack_kinds = kinds
    if args.account and not re.fullmatch(r"\d{12}", args.account):
        ap.error("--account must be 12 digits")
    if args.format == "s3" and args.out in (None, "-"):
        ap.error("--format s3 needs --out DIR")
    if not 0 <= args.attack_rate <= 1:
        ap.error("--attack-rate must be within [0, 1]")

    g, cnt, sink = run(args)
    m = manifest(args, g, cnt, sink)
    text = json.dumps(m, indent=2) + "\n"
    if args.manifest:
        with open(args.manifest, "w") as f:
            f.write(text)
    else:
        sys.stderr.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
