"""The record stream: who calls what how often (traffic profiles), record assembly
(Gen.call), benign events, and the mixing in of attacks from attacks.ATTACKS.
"""

from .attacks import ATTACKS
from .services import Ctx
from .services_mgmt import GLOBAL_SERVICES, OPS
from .world import (BROWSERS, EVENT_VERSION, GLOBAL_REGION, TLS12, TLS13, Principal, Rand, World, api_action, iso,
                    parse_time, ua_boto3, ua_cli, ua_console, ua_const, ua_terraform, weighted)

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
