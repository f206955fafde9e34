"""The account the traffic happens in, and the random identifiers it is made of.

Holds the seeded RNG with CloudTrail's identifier shapes (Rand), the time formats,
World (users, roles, SSO permission sets, buckets, and per region the VPCs,
instances, keys, secrets, functions...), Principal (how a caller's userIdentity,
addresses and client look) and the user-agent families.
"""

import argparse
import bisect
import calendar
import random
import re
import time

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
