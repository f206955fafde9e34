# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
# Longer than this project's ~600-line mark: a benchmark tool, not shipped; one builder
# per predicate shape, with the same structure each, side by side.
"""Rule sets of one predicate shape, for `gen_rules.py --shape SHAPE` (benchmark material).

Question these sets serve: does the per-event cost of matching grow with the number of
rules, shape by shape? So in a set of one shape, that shape's predicates decide every
rule:

  * no rule carries an `eventName` equality an index could use to skip the shape's
    predicate; a minority (CONTEXT_SHARE, 20%) adds an `eventSource` context item, as
    real rules do;
  * the predicates sit on realistic CloudTrail fields (userAgent, userIdentity.*,
    requestParameters.*, errorMessage, sourceIPAddress, eventName, ...);
  * distinct literals grow with the count: values are composed from vocabularies (service
    and API names, ARNs, role, bucket, function, secret and parameter names, tool user
    agents, error messages, addresses, numbers) plus seeded variation, so 10,000 rules
    hold thousands of distinct literals, not a few hundred interned ones;
  * a small share of the rules (--hit-rate, default 3%) is built from the values of a
    sample of the events tools/gen_cloudtrail.py writes (--seed 7, SAMPLE_EVENTS events,
    read once per run) and fires on them, each such predicate matching at most HIT_CAP
    of the sample; every other rule is checked against that sample not to match it.
    So most rules never fire, and matches per event stay like those of real rule sets.

Shapes: equality, prefix (|startswith), suffix (|endswith), contains, wildcard (inner
'*'/'?'), regex (|re, anchored, alternations, classes, quantifiers, (?i) and |re|i;
about 5% have no literal part; all in the common subset of PCRE2 and Rust's regex
crate: no look-around, backreferences or possessive quantifiers), keyword (unfielded
keyword lists), cidr (IPv4 and IPv6 networks), numeric (|gt/gte/lt/lte and numeric
equality on numeric fields, thresholds mostly in the tails), fieldref (|fieldref,
|fieldref|startswith/endswith/contains, with |neq as a companion).

Rule i depends only on (--seed, shape, i) and the event sample: each set is a prefix of
the larger ones, and the same command line writes the same bytes.
"""

import bisect
import ipaddress
import json
import os
import random
import re
import subprocess
import sys

SHAPES = ["equality", "prefix", "suffix", "contains", "wildcard", "regex", "keyword", "cidr", "numeric",
          "fieldref"]

SAMPLE_EVENTS = 2000   # events of gen_cloudtrail.py --seed 7 the hits are taken from
HIT_CAP = 0.02         # a hitting predicate matches at most this share of the sample
CONTEXT_SHARE = 0.20   # rules that add an eventSource item

# --------------------------------------------------------------------------- vocabularies

FIRST = ["alice", "bruno", "carlos", "dana", "elena", "farid", "grace", "hiro", "ines", "jamal", "kofi", "lena",
         "mateo", "nora", "olu", "priya", "quinn", "rosa", "sven", "tara", "uma", "victor", "wei", "ximena",
         "yusuf", "zoe", "anya", "chloe", "dmitri", "emeka", "fatima", "giulia", "hana", "ivan", "jonas",
         "keiko", "liam", "mei", "nikhil", "pablo"]
LAST = ["smith", "garcia", "khan", "mueller", "rossi", "tanaka", "novotny", "silva", "okafor", "nguyen",
        "kowalski", "haddadi", "larsen", "dubois", "petrov", "yilmaz", "saito", "kim", "cohen", "fischer",
        "moreau", "jensen", "ali", "schmidt", "costa", "ivanova", "park", "lopez", "wagner", "brown"]
APPS = ["orders", "payments", "billing", "search", "ledger", "checkout", "catalog", "inventory", "shipping",
        "notifications", "identity", "analytics", "reporting", "fraud", "recommendations", "media", "auth",
        "gateway", "scheduler", "crm", "erp", "hr", "warehouse", "pricing", "loyalty", "support", "chat",
        "metrics", "audit", "backup", "kyc", "claims", "quotes", "telemetry", "geo", "maps", "video"]
PURPOSES = ["api", "worker", "etl", "ingest", "export", "sync", "deploy", "runner", "batch", "stream", "cache",
            "cron", "migrator", "indexer", "exporter", "consumer", "producer", "processor", "webhook", "admin",
            "reader", "writer", "scanner", "agent"]
ENVS = ["prod", "staging", "dev", "qa", "sandbox", "perf", "dr", "shared", "sec", "ops", "uat", "preprod"]
ORGS = ["acme", "globex", "initech", "umbrella", "hooli", "contoso", "fabrikam", "northwind", "wayne", "stark",
        "tyrell", "soylent", "vandelay", "wonka", "cyberdyne", "massive"]
REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2", "eu-west-3",
           "eu-central-1", "eu-central-2", "eu-north-1", "eu-south-1", "ap-south-1", "ap-southeast-1",
           "ap-southeast-2", "ap-southeast-3", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
           "ca-central-1", "sa-east-1", "me-south-1", "af-south-1", "il-central-1", "mx-central-1"]
SERVICES = ["ec2", "s3", "iam", "sts", "kms", "lambda", "logs", "monitoring", "ssm", "secretsmanager", "dynamodb",
            "rds", "cloudtrail", "config", "organizations", "sso", "signin", "guardduty", "securityhub",
            "access-analyzer", "route53", "elasticloadbalancing", "ecr", "eks", "ecs", "glue", "sns", "sqs",
            "wafv2", "backup", "cloudformation", "sagemaker", "bedrock", "ses", "account", "ram",
            "ec2-instance-connect", "elasticfilesystem", "kinesis", "redshift", "identitystore", "cloudshell",
            "macie2", "inspector2", "apigateway", "athena", "codebuild", "codecommit", "codepipeline",
            "states", "events", "firehose", "elasticache", "es", "acm", "cognito-idp", "cognito-identity",
            "servicecatalog", "transfer", "datasync", "storagegateway", "workspaces", "ds", "fsx"]
VERBS = ["Create", "Delete", "Update", "Put", "Get", "List", "Describe", "Attach", "Detach", "Modify", "Enable",
         "Disable", "Start", "Stop", "Tag", "Untag", "Associate", "Disassociate", "Register", "Deregister",
         "Import", "Export", "Restore", "Reset", "Revoke", "Authorize", "Accept", "Reject", "Cancel",
         "BatchGet", "BatchDelete", "Copy", "Invoke", "Publish", "Rotate", "Replace", "Set", "Send"]
NOUNS = ["Bucket", "BucketPolicy", "User", "Role", "Group", "Policy", "PolicyVersion", "AccessKey", "LoginProfile",
         "Instance", "Instances", "SecurityGroup", "Vpc", "Subnet", "RouteTable", "NatGateway", "Snapshot",
         "Image", "Volume", "KeyPair", "Key", "Alias", "Grant", "Function", "LayerVersion", "EventSourceMapping",
         "LogGroup", "LogStream", "MetricFilter", "SubscriptionFilter", "Alarm", "Dashboard", "Parameter",
         "Document", "Secret", "ResourcePolicy", "Table", "Backup", "DBInstance", "DBCluster", "DBSnapshot",
         "Trail", "EventSelectors", "ConfigurationRecorder", "DeliveryChannel", "ConfigRule", "Account",
         "Organization", "PermissionSet", "AccountAssignment", "Detector", "IPSet", "ThreatIntelSet",
         "Filter", "Findings", "Analyzer", "ArchiveRule", "HostedZone", "LoadBalancer", "Listener",
         "Repository", "Image", "Cluster", "Nodegroup", "Service", "TaskDefinition", "Job", "DevEndpoint",
         "Topic", "Subscription", "Queue", "WebACL", "RuleGroup", "BackupVault", "RecoveryPoint", "Stack",
         "StackSet", "NotebookInstance", "Model", "Identity", "Certificate", "UserPool", "Workgroup",
         "StateMachine", "Rule", "DeliveryStream", "ReplicationGroup", "Domain", "Project", "Pipeline",
         "VpcEndpoint", "FlowLogs", "NetworkAcl", "NetworkAclEntry", "TrafficMirrorSession", "InstanceProfile",
         "SAMLProvider", "OpenIDConnectProvider", "MFADevice", "SSHPublicKey", "ServerCertificate"]
PERMSETS = ["AdministratorAccess", "PowerUserAccess", "ReadOnlyAccess", "BillingAccess", "SecurityAudit",
            "DataEngineer", "Developer", "SupportUser", "NetworkAdmin", "ViewOnlyAccess"]
SECRET_KEYS = ["db-credentials", "api-key", "stripe-api-key", "jwt-signing-key", "oauth-client-secret",
               "admin-password", "smtp-password", "github-token", "slack-webhook", "ldap-bind", "tls-private-key",
               "datadog-api-key", "sentry-dsn", "twilio-auth-token", "encryption-key"]
PARAM_KEYS = ["db-host", "api-url", "log-level", "feature-flags", "db-password", "queue-url", "cache-endpoint",
              "max-connections", "timeout-ms", "bucket-name", "kms-key-id", "vpc-id", "ami-id", "cert-arn"]
TABLE_NOUNS = ["events", "sessions", "orders", "customers", "accounts", "tokens", "locks", "jobs", "audit-log",
               "idempotency", "invoices", "profiles", "carts", "leases", "metadata"]
MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess", "AmazonS3FullAccess",
                    "AmazonEC2FullAccess", "SecretsManagerReadWrite", "AWSLambda_FullAccess", "ReadOnlyAccess",
                    "SecurityAudit", "AmazonDynamoDBFullAccess", "AWSCloudTrail_FullAccess", "AmazonSSMFullAccess",
                    "AWSKeyManagementServicePowerUser", "AmazonRDSFullAccess", "AmazonVPCFullAccess"]
INSTANCE_FAMILIES = ["t3", "t3a", "t4g", "m5", "m6i", "m6g", "m7g", "m7i", "c5", "c6i", "c6g", "c7g", "r5", "r6g",
                     "r6i", "p3", "p4d", "p5", "g4dn", "g5", "g6", "x2iedn", "inf2", "trn1", "i4i", "hpc7g"]
INSTANCE_SIZES = ["nano", "micro", "small", "medium", "large", "xlarge", "2xlarge", "4xlarge", "8xlarge",
                  "12xlarge", "16xlarge", "24xlarge", "32xlarge", "48xlarge", "metal"]
TOOLS = [("python-requests", "2.{a}.{b}", 33, 4), ("curl", "8.{a}.{b}", 12, 2), ("curl", "7.{a}.{b}", 89, 2),
         ("Go-http-client", "1.1", 0, 0), ("Go-http-client", "2.0", 0, 0), ("aws-sdk-go-v2", "1.{a}.{b}", 33, 10),
         ("aws-sdk-js", "2.{a}.0", 1700, 0), ("aws-sdk-js-v3", "3.{a}.0", 700, 0),
         ("aws-sdk-java", "1.12.{a}", 780, 0), ("aws-sdk-rust", "1.{a}.{b}", 6, 10),
         ("aws-sdk-php", "3.{a}.{b}", 330, 10), ("aws-sdk-ruby3", "3.{a}.0", 210, 0),
         ("aws-sdk-dotnet-coreclr", "3.7.{a}.{b}", 400, 10), ("Boto3", "1.{a}.{b}", 20, 99),
         ("aws-cli", "1.{a}.{b}", 36, 99), ("okhttp", "4.{a}.{b}", 12, 4), ("Pacu", "1.{a}.{b}", 6, 4),
         ("ScoutSuite", "5.{a}.{b}", 14, 3), ("prowler", "3.{a}.{b}", 16, 3), ("prowler", "4.{a}.{b}", 6, 3),
         ("cloudsploit", "3.{a}.{b}", 9, 3), ("stratus-red-team", "v2.{a}.{b}", 20, 4),
         ("trufflehog", "3.{a}.{b}", 80, 9), ("cloudfox", "v1.{a}.{b}", 15, 4), ("pulumi", "3.{a}.0", 140, 0),
         ("Terraform", "1.{a}.{b}", 10, 9), ("steampipe", "0.{a}.{b}", 24, 3), ("Wget", "1.{a}.{b}", 21, 4),
         ("PostmanRuntime", "7.{a}.{b}", 42, 4), ("aws-toolkit-vscode", "3.{a}.0", 40, 0),
         ("CloudMapper", "2.{a}.{b}", 9, 3), ("weirdAAL", "0.{a}", 9, 0), ("Nuclei", "v3.{a}.{b}", 4, 9),
         ("aws-sdk-cpp", "1.11.{a}", 450, 0), ("rclone", "v1.{a}.{b}", 68, 3), ("s3cmd", "2.{a}.{b}", 4, 3),
         ("Cyberduck", "8.{a}.{b}", 9, 3), ("aws-amplify", "6.{a}.{b}", 9, 9), ("kubectl", "v1.{a}.{b}", 31, 9)]
UA_TAILS = ["Python/3.{a}.{b} Linux/{k}", "os/linux#{k} md/arch#x86_64", "lang/python#3.{a}.{b} md/pyimpl#CPython",
            "exec-env/AWS_Lambda_python3.{a}", "(linux; amd64; go1.2{a}.{b})", "Java/17.0.{a} vendor/Amazon.com_Inc.",
            "ua/2.0 os/macos#2{a}.{b}.0 md/arch#arm64", "Darwin/2{a}.{b}.0", "(Windows NT 10.0; Win64; x64)",
            "exec-env/CloudShell", "md/command#{cmd}"]
ERROR_CODES = ["AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "Client.UnauthorizedOperation",
               "InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken", "OptInRequired",
               "ThrottlingException", "ValidationException", "InvalidParameterValue", "LimitExceeded",
               "ResourceInUseException", "ServiceUnavailable", "InternalError"]
ERROR_TEMPLATES = [
    "User: {arn} is not authorized to perform: {act} on resource: {res} because no identity-based policy allows the {act} action",
    "User: {arn} is not authorized to perform: {act} on resource: {res} with an explicit deny in a service control policy",
    "You are not authorized to perform this operation. User: {arn} is not authorized to perform: {act}",
    "The {noun} '{name}' does not exist",
    "{noun} {name} not found",
    "An error occurred ({code}) when calling the {api} operation: {noun} {name} is in use",
    "The security token included in the request is invalid",
    "Rate exceeded for operation {api}",
    "1 validation error detected: Value '{name}' at '{field}' failed to satisfy constraint",
    "Request would have succeeded, but the DryRun flag is set for {api} on {name}",
]
IOC_WORDS = ["xmrig", "mimikatz", "cobaltstrike", "sliver", "mythic", "pacu", "cloudfox", "ngrok", "pastebin",
             "transfer", "anonfiles", "interactsh", "burpcollaborator", "requestbin", "webhook", "tor2web",
             "stratus", "peirates", "kubehound", "pwncat", "chisel", "frp", "gost", "socat", "nmap", "masscan"]
TLDS = ["com", "net", "io", "xyz", "top", "ru", "cn", "su", "cc", "onion", "site", "online", "biz"]
NUMERIC_UNSEEN = ["requestParameters.minCount", "requestParameters.maxCount", "requestParameters.size",
                  "requestParameters.iops", "requestParameters.memorySize", "requestParameters.timeout",
                  "requestParameters.allocatedStorage", "requestParameters.backupRetentionPeriod",
                  "requestParameters.desiredCount", "requestParameters.port", "requestParameters.minimumPasswordLength",
                  "requestParameters.maxPasswordAge", "requestParameters.passwordReusePrevention",
                  "requestParameters.throughput", "requestParameters.maxSessionDuration",
                  "requestParameters.ipPermissions.items.toPort", "requestParameters.volumeSize",
                  "requestParameters.instanceCount", "requestParameters.expiresIn", "requestParameters.shardCount",
                  "requestParameters.provisionedConcurrentExecutions", "requestParameters.reservedConcurrentExecutions",
                  "responseElements.codeSize", "additionalEventData.bytesTransferredIn",
                  "requestParameters.recoveryWindowInDays", "requestParameters.maxItems"]
IP_UNSEEN_FIELDS = ["requestParameters.ipAddress", "requestParameters.sourceIp", "responseElements.privateIpAddress",
                    "requestParameters.publicIp"]


# --------------------------------------------------------------------------- composers

def hexs(r, n):
    return "".join(r.choice("0123456789abcdef") for _ in range(n))


def upnum(r, n):
    return "".join(r.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567") for _ in range(n))


def account(r):
    return str(r.randint(100000000000, 999999999999))


def person(r):
    f, l = r.choice(FIRST), r.choice(LAST)
    return wp(r, [("%s.%s" % (f, l), 5), ("%s%s%d" % (f[0], l, r.randint(1, 99)), 2), ("%s-%s" % (f, l), 1)])


def user_name(r):
    return wp(r, [(person(r), 5), ("svc-%s-%s" % (r.choice(APPS), r.choice(PURPOSES)), 3),
                  ("%s-%s-%d" % (r.choice(ENVS), r.choice(PURPOSES), r.randint(1, 99)), 1)])


def role_name(r):
    app, p, e = r.choice(APPS), r.choice(PURPOSES), r.choice(ENVS)
    return wp(r, [("%s-%s-role" % (app, p), 3), ("%s-%s-%s" % (e, app, p), 3),
                  ("AWSReservedSSO_%s_%s" % (r.choice(PERMSETS), hexs(r, 16)), 2),
                  ("%s-%s-%s-%s" % (app, e, p, hexs(r, 6)), 2),
                  ("%sCrossAccount%sRole" % (r.choice(ORGS).capitalize(), r.choice(PERMSETS)[:8]), 1),
                  ("%s-%s-lambda-role-%d" % (app, p, r.randint(1, 999)), 2)])


def session_name(r):
    return wp(r, [(person(r) + "@" + r.choice(ORGS) + ".example", 3), ("i-0" + hexs(r, 16), 2),
                  ("botocore-session-%d" % r.randint(10**9, 10**10 - 1), 1),
                  ("%s-%s-%d" % (r.choice(APPS), r.choice(PURPOSES), r.randint(1, 9999)), 2),
                  ("GitHubActions-%s" % hexs(r, 8), 1), ("aws-go-sdk-%d" % r.randint(10**12, 10**13 - 1), 1)])


def user_arn(r):
    return "arn:aws:iam::%s:user/%s" % (account(r), user_name(r))


def role_arn(r):
    return "arn:aws:iam::%s:role/%s%s" % (account(r), r.choice(["", "", "service-role/", "ops/"]), role_name(r))


def assumed_arn(r):
    return "arn:aws:sts::%s:assumed-role/%s/%s" % (account(r), role_name(r), session_name(r))


def identity_arn(r):
    return wp(r, [(assumed_arn(r), 5), (user_arn(r), 3), ("arn:aws:iam::%s:root" % account(r), 1)])


def bucket(r):
    o, a, p, e = r.choice(ORGS), r.choice(APPS), r.choice(PURPOSES), r.choice(ENVS)
    return wp(r, [("%s-%s-%s-%s" % (o, a, p, r.choice(REGIONS)), 3), ("%s-%s-%s-%d" % (o, e, a, r.randint(1, 9999)), 3),
                  ("%s-%s-%s" % (a, p, hexs(r, 8)), 2), ("%s-%s-logs-%s" % (o, e, account(r)), 1)])


def function_name(r):
    a, p = r.choice(APPS), r.choice(PURPOSES)
    return wp(r, [("%s-%s" % (a, p), 2), ("%s-%s-%s" % (a, p, r.choice(ENVS)), 3),
                  ("%s%s%s" % (a.capitalize(), p.capitalize(), r.choice(ENVS).capitalize()), 1),
                  ("%s-%s-%s" % (a, p, hexs(r, 5)), 2)])


def api_name(r):
    return r.choice(VERBS) + r.choice(NOUNS) + r.choice(["", "", "", "s", "Attribute", "Configuration", "Status"])


def service_host(r):
    return "%s.amazonaws.com" % r.choice(SERVICES)


def ipv4(r):
    while True:
        a = r.randint(1, 223)
        if a not in (10, 127, 169, 172, 192):
            return "%d.%d.%d.%d" % (a, r.randint(0, 255), r.randint(0, 255), r.randint(1, 254))


def user_agent(r):
    tool, ver, a, b = r.choice(TOOLS)
    ua = tool + "/" + ver.format(a=r.randint(0, a), b=r.randint(0, b))
    if r.random() < 0.6:
        tail = r.choice(UA_TAILS).format(a=r.randint(0, 12), b=r.randint(0, 40),
                                         k="%d.%d.%d" % (r.choice([4, 5, 6]), r.randint(0, 19), r.randint(0, 200)),
                                         cmd="%s.%s" % (r.choice(SERVICES), camel_to_kebab(api_name(r))))
        ua += " " + tail
    return ua


def camel_to_kebab(s):
    return re.sub(r"(?<!^)([A-Z])", r"-\1", s).lower()


def kms_key(r):
    return wp(r, [("arn:aws:kms:%s:%s:key/%s-%s-4%s-%s-%s" % (r.choice(REGIONS), account(r), hexs(r, 8), hexs(r, 4),
                                                            hexs(r, 3), hexs(r, 4), hexs(r, 12)), 2),
                  ("alias/%s-%s-%s" % (r.choice(ENVS), r.choice(APPS), r.choice(["key", "cmk", "data", "s3", "ebs"])), 2)])


def policy_arn(r):
    return wp(r, [("arn:aws:iam::aws:policy/" + r.choice(MANAGED_POLICIES), 1),
                  ("arn:aws:iam::%s:policy/%s-%s-%s" % (account(r), r.choice(APPS), r.choice(PURPOSES),
                                                        r.choice(["read", "write", "admin", "deploy", "decrypt"])), 4)])


def secret_id(r):
    return wp(r, [("%s/%s/%s" % (r.choice(ENVS), r.choice(APPS), r.choice(SECRET_KEYS)), 4),
                  ("arn:aws:secretsmanager:%s:%s:secret:%s/%s-%s" % (r.choice(REGIONS), account(r), r.choice(ENVS),
                                                                     r.choice(APPS), upnum(r, 6)), 1)])


def ssm_name(r):
    return "/%s/%s/%s" % (r.choice(ENVS), r.choice(APPS), r.choice(PARAM_KEYS))


def log_group(r):
    return wp(r, [("/aws/lambda/" + function_name(r), 3), ("/ecs/%s-%s" % (r.choice(APPS), r.choice(PURPOSES)), 2),
                  ("/aws/rds/instance/%s-db/postgresql" % r.choice(APPS), 1),
                  ("/%s/%s/%s" % (r.choice(ORGS), r.choice(ENVS), r.choice(APPS)), 1)])


def table_name(r):
    return wp(r, [("%s-%s" % (r.choice(APPS), r.choice(TABLE_NOUNS)), 2),
                  ("%s-%s-%s" % (r.choice(ENVS), r.choice(APPS), r.choice(TABLE_NOUNS)), 2)])


def instance_type(r):
    return "%s.%s" % (r.choice(INSTANCE_FAMILIES), r.choice(INSTANCE_SIZES))


def error_message(r):
    svc = r.choice(SERVICES)
    api = api_name(r)
    return r.choice(ERROR_TEMPLATES).format(
        arn=identity_arn(r), act="%s:%s" % (svc, api), api=api, code=r.choice(ERROR_CODES),
        res=r.choice([role_arn(r), "arn:aws:s3:::" + bucket(r), kms_key(r)]), noun=r.choice(NOUNS),
        name=r.choice([bucket(r), function_name(r), table_name(r), role_name(r)]),
        field="%s.%s" % (r.choice(NOUNS).lower(), r.choice(["name", "id", "arn", "size"])))


def error_code(r):
    n = r.choice(NOUNS)
    return wp(r, [(r.choice(ERROR_CODES), 1), ("%sNotFoundException" % n, 2), ("%sAlreadyExists" % n, 1),
                  ("Invalid%s.NotFound" % n, 1), ("Client.Invalid%s.Malformed" % n, 1), ("NoSuch%s" % n, 1)])


def principal_id(r):
    return wp(r, [("AROA%s:%s" % (upnum(r, 17), session_name(r)), 3), ("AIDA" + upnum(r, 17), 1)])


def access_key(r):
    return r.choice(["AKIA", "ASIA"]) + upnum(r, 16)


def host_header(r):
    return "%s.%s.amazonaws.com" % (r.choice(SERVICES), r.choice(REGIONS))


def login_to(r):
    reg = r.choice(REGIONS)
    return "https://%s.console.aws.amazon.com/%s/home?region=%s#/%s" % (reg, r.choice(SERVICES), reg,
                                                                       r.choice(NOUNS).lower())


# Fields of the string shapes and the composer of their values (weights: how often a
# rule picks the field).
STRING_FIELDS = [
    ("userAgent", user_agent, 12), ("userIdentity.arn", identity_arn, 10), ("eventName", api_name, 8),
    ("errorMessage", error_message, 6), ("errorCode", error_code, 4), ("sourceIPAddress", ipv4, 3),
    ("userIdentity.principalId", principal_id, 3), ("userIdentity.userName", user_name, 3),
    ("userIdentity.accessKeyId", access_key, 2), ("userIdentity.invokedBy", service_host, 2),
    ("userIdentity.sessionContext.sessionIssuer.userName", role_name, 5),
    ("userIdentity.sessionContext.sessionIssuer.arn", role_arn, 3),
    ("requestParameters.bucketName", bucket, 6), ("requestParameters.roleName", role_name, 4),
    ("requestParameters.userName", user_name, 3), ("requestParameters.roleArn", role_arn, 3),
    ("requestParameters.roleSessionName", session_name, 3), ("requestParameters.policyArn", policy_arn, 3),
    ("requestParameters.functionName", function_name, 3), ("requestParameters.secretId", secret_id, 3),
    ("requestParameters.name", ssm_name, 2), ("requestParameters.logGroupName", log_group, 3),
    ("requestParameters.tableName", table_name, 2), ("requestParameters.keyId", kms_key, 2),
    ("requestParameters.instanceType", instance_type, 2), ("tlsDetails.clientProvidedHostHeader", host_header, 2),
    ("resources.ARN", role_arn, 2), ("additionalEventData.LoginTo", login_to, 1),
]
COMPOSERS = {f: c for f, c, _ in STRING_FIELDS}
FIELD_WEIGHTS = [(f, w) for f, _, w in STRING_FIELDS]


def wp(r, pairs):
    """Weighted pick (a fresh draw each call; the pairs' items are already built)."""
    total = sum(w for _, w in pairs)
    x = r.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def esc(v):
    return re.sub(r"([*?\\])", r"\\\1", v)


def re_lit(s):
    """s as a regex literal, escaping only what both PCRE2 and Rust's regex need."""
    return re.sub(r"([.^$*+?()\[\]{}|\\])", r"\\\1", s)


DELIMS = set("/:.-_ #@=,;()")


def cut_points(v):
    return [i for i, ch in enumerate(v) if ch in DELIMS]


def fragment(r, v, kind):
    """A piece of v as a rule author would write it: a prefix, a suffix or an inner piece
    cut at delimiters, long enough to mean something."""
    n = len(v)
    cuts = cut_points(v)
    if kind == "prefix":
        opts = [i + 1 for i in cuts if 6 <= i + 1 < n] + [i for i in cuts if 6 <= i < n]
        end = r.choice(opts) if opts else max(4, min(n, r.randint(n // 2, n)))
        return v[:end]
    if kind == "suffix":
        opts = [i for i in cuts if n - i >= 6 and i > 0]
        start = r.choice(opts) if opts else min(n - 4, r.randint(0, n // 2)) if n > 4 else 0
        return v[start:]
    # contains: between two cut points (or the whole token run), at least 5 characters
    pts = [0] + [i for i in cuts] + [n]
    for _ in range(8):
        a, b = sorted(r.sample(range(len(pts)), 2)) if len(pts) > 2 else (0, len(pts) - 1)
        s, e = pts[a], pts[b]
        if 5 <= e - s <= 48:
            return v[s:e]
    if n <= 5:
        return v
    s = r.randint(0, max(0, n - 8))
    return v[s:s + r.randint(5, min(24, n - s))]


# --------------------------------------------------------------------------- the event sample

class Sample:
    """Field values of SAMPLE_EVENTS events of gen_cloudtrail.py --seed 7."""

    def __init__(self, events):
        self.events = events
        self.n = len(events)
        self.flat = [flatten(e) for e in events]
        self.values = {}     # field -> {lower-cased text: count}
        self.numbers = {}    # field -> sorted list of numbers (with repeats)
        for fl in self.flat:
            for k, vs in fl.items():
                for v in vs:
                    if isinstance(v, bool) or v is None:
                        continue
                    if isinstance(v, (int, float)):
                        self.numbers.setdefault(k, []).append(v)
                    t = text(v).lower()
                    d = self.values.setdefault(k, {})
                    d[t] = d.get(t, 0) + 1
        for k in self.numbers:
            self.numbers[k].sort()
        self.joined = {k: "\n".join(d) for k, d in self.values.items()}
        self.lflat = [{k: [text(v).lower() for v in vs if v is not None and not isinstance(v, bool)]
                       for k, vs in fl.items()} for fl in self.flat]
        self.present = {}    # field -> indices of the events that have it
        for i, fl in enumerate(self.flat):
            for k in fl:
                self.present.setdefault(k, []).append(i)
        self.all_strings = "\n".join(sorted({t for d in self.values.values() for t in d}))
        self.event_strings = ["\n".join(text(v).lower() for vs in fl.values() for v in vs
                                        if isinstance(v, str)) for fl in self.flat]
        self.ips = sorted({int(ipaddress.ip_address(t)) for k in ("sourceIPAddress", "requestParameters.iPAddress")
                           for t in self.values.get(k, {}) if is_ipv4(t)})

    def freq(self, field, pred):
        d = self.values.get(field, {})
        return sum(c for t, c in d.items() if pred(t)) / self.n


_SAMPLE = None


def sample_events():
    global _SAMPLE
    if _SAMPLE is None:
        here = os.path.dirname(os.path.abspath(__file__))
        out = subprocess.run([sys.executable, os.path.join(here, "gen_cloudtrail.py"), "--seed", "7", "--events",
                              str(SAMPLE_EVENTS), "--out", "-", "--manifest", os.devnull],
                             check=True, capture_output=True, text=True).stdout
        _SAMPLE = Sample([json.loads(l) for l in out.splitlines() if l.strip()])
    return _SAMPLE


def text(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def flatten(o, prefix="", out=None):
    """{dotted path: [scalar values]}; arrays contribute each element."""
    if out is None:
        out = {}
    if isinstance(o, dict):
        for k, v in o.items():
            flatten(v, prefix + "." + k if prefix else k, out)
    elif isinstance(o, list):
        for v in o:
            flatten(v, prefix, out)
    else:
        out.setdefault(prefix, []).append(o)
    return out


def is_ipv4(t):
    try:
        return isinstance(ipaddress.ip_address(t), ipaddress.IPv4Address)
    except ValueError:
        return False


# --------------------------------------------------------------------------- predicates

def glob_regex(pat):
    """A Sigma value with wildcards -> a Python regex over one value (full match)."""
    out, i = [], 0
    while i < len(pat):
        c = pat[i]
        if c == "\\" and i + 1 < len(pat) and pat[i + 1] in "*?\\":
            out.append(re.escape(pat[i + 1]))
            i += 2
            continue
        out.append("[^\n]*" if c == "*" else "[^\n]" if c == "?" else re.escape(c))
        i += 1
    return "".join(out)


class Item:
    """One detection item: field (None for keywords), modifiers, values."""

    def __init__(self, field, mods, values):
        self.field, self.mods, self.values = field, mods, values

    def key(self):
        return (self.field or "") + "".join("|" + m for m in self.mods)


def string_test(kind, frag):
    """A predicate over a lower-cased value for the string shapes."""
    f = frag.lower()
    if kind == "equality":
        return lambda t: t == f
    if kind == "prefix":
        return lambda t: t.startswith(f)
    if kind == "suffix":
        return lambda t: t.endswith(f)
    if kind == "contains":
        return lambda t: f in t
    if kind == "wildcard":
        rx = re.compile(glob_regex(f), re.S)
        return lambda t: rx.fullmatch(t) is not None
    raise ValueError(kind)


def misses(sample, field, kind, frag):
    """True when no value of the sample on `field` matches (fast paths on joined text)."""
    f = frag.lower()
    joined = sample.joined.get(field)
    if joined is None:
        return True
    if kind == "equality":
        return f not in sample.values[field]
    if kind == "prefix":
        return ("\n" + f) not in ("\n" + joined)
    if kind == "suffix":
        return (f + "\n") not in (joined + "\n")
    if kind == "contains":
        return f not in joined
    if kind == "wildcard":
        rx = re.compile("(?m)^" + glob_regex(f) + "$")
        return rx.search(joined) is None
    raise ValueError(kind)


# --------------------------------------------------------------------------- the generator

class ShapeGenerator:
    def __init__(self, shape, seed, hit_rate):
        if shape not in SHAPES:
            raise ValueError(shape)
        self.shape, self.seed, self.hit_rate = shape, seed, hit_rate
        self.s = sample_events()
        self.hits = 0  # rules built to fire on the sample
        self.tried = 0  # rules that tried to

    # ---- one value of the shape on `field`, hitting value v (from the sample) or missing
    def string_value(self, r, kind, field, v=None):
        """A Sigma value of kind `kind` on `field`: built from v (a sample value, to hit) or
        from a composed value (checked to miss). None if no such value was found."""
        for _ in range(30):
            full = v if v is not None else COMPOSERS[field](r)
            if kind == "equality":
                frag = full
            elif kind in ("prefix", "suffix", "contains"):
                frag = fragment(r, full, kind)
            else:  # wildcard: an inner '*' or '?'
                frag = self.wildcard(r, full)
                if frag is None:
                    continue
            if kind != "wildcard":
                if not frag.strip() or len(frag) < 3:
                    continue
                frag_v = esc(frag)
            else:
                frag_v = frag
            if v is None:
                if misses(self.s, field, kind, frag_v if kind == "wildcard" else frag):
                    return frag_v
            else:
                test = string_test(kind, frag_v if kind == "wildcard" else frag)
                if test(v.lower()) and self.s.freq(field, test) <= HIT_CAP:
                    return frag_v
        return None

    def wildcard(self, r, v):
        n = len(v)
        if n < 8:
            return None
        a = r.randint(3, n - 5)
        b = r.randint(a + 1, min(n - 3, a + 12))
        if r.random() < 0.7:
            pat = esc(v[:a]) + "*" + esc(v[b:])
        else:
            pat = esc(v[:a]) + "?" + esc(v[a + 1:])
        if r.random() < 0.2:  # also open at one end ('*abc*def', 'abc*def*')
            pat = "*" + pat if r.random() < 0.5 else pat + "*"
        return pat

    # ---- rule structure
    def rule(self, i):
        """(svc, what, [(identifier, [Item])], condition) of rule i."""
        r = random.Random("vigil-shape-%s-%s-%d" % (self.shape, self.seed, i))
        hit = r.random() < self.hit_rate
        ev = None
        if hit:
            ev = r.randrange(self.s.n)
            self.tried += 1
        build = getattr(self, "rule_" + (self.shape if self.shape in ("regex", "keyword", "cidr", "numeric",
                                                                         "fieldref") else "string"))
        out = build(r, ev)
        tries = 1
        while hit and (out is None or not self._hit) and tries < 40:
            # no hitting predicate under HIT_CAP in that event: another event
            ev = r.randrange(self.s.n)
            out = build(r, ev)
            tries += 1
        if out is None:  # a missing rule instead
            out = build(r, None)
        if out is None:
            raise RuntimeError("rule %d of shape %s: no value found" % (i, self.shape))
        ids, cond, what = out
        if ev is not None and out is not None and self._hit:
            self.hits += 1
        svc = "any"
        if r.random() < CONTEXT_SHARE:
            src = self.event_source(r, ev if self._hit else None)
            svc = src.split(".")[0]
            if ids[0][0] == "keywords":
                ids.append(("selection", [Item("eventSource", [], [src])]))
                cond = "keywords and selection"
            else:
                ids[0][1].insert(0, Item("eventSource", [], [src]))
        return svc, what, ids, cond

    def event_source(self, r, ev):
        if ev is not None:
            s = self.s.events[ev].get("eventSource")
            if s:
                return s
        return r.choice(SERVICES) + ".amazonaws.com"

    def fields_of(self, ev, candidates):
        fl = self.s.flat[ev]
        return [f for f in candidates if f in fl and any(isinstance(v, str) and v for v in fl[f])]

    def pick_field(self, r, ev, exclude=()):
        if ev is None:
            while True:
                f = wp(r, FIELD_WEIGHTS)
                if f not in exclude:
                    return f
        fs = [f for f in self.fields_of(ev, COMPOSERS) if f not in exclude]
        return r.choice(fs) if fs else None

    def values_item(self, r, kind, field, ev, mod):
        """An item of 1-4 values: the first hits when ev is given, the others miss."""
        k = wp(r, [(1, 55), (2, 20), (3, 15), (4, 10)])
        vals = []
        if ev is not None:
            src = [v for v in self.s.flat[ev][field] if isinstance(v, str) and v]
            v = self.string_value(r, kind, field, r.choice(src))
            if v is None:
                return None
            vals.append(v)
        while len(vals) < k:
            v = self.string_value(r, kind, field)
            if v is not None and v not in vals:
                vals.append(v)
        r.shuffle(vals)
        return Item(field, [mod] if mod else [], vals)

    def rule_string(self, r, ev):
        kind = self.shape
        mod = {"equality": "", "prefix": "startswith", "suffix": "endswith", "contains": "contains",
               "wildcard": ""}[kind]
        self._hit = ev is not None
        form = wp(r, [("one", 55), ("two", 20), ("filter", 15), ("oneof", 10)])
        f1 = self.pick_field(r, ev)
        if f1 is None:
            self._hit = False
            return None
        first = self.values_item(r, kind, f1, ev, mod)
        if first is None:
            self._hit = False
            return None
        sel = [first]
        ids = [("selection", sel)]
        cond = "selection"
        what = [f1]
        if form == "two":
            f2 = self.pick_field(r, ev, exclude=(f1,))
            if f2 is not None:
                second = self.values_item(r, kind, f2, ev, mod)
                if second is not None:
                    sel.append(second)
                    what.append(f2)
        elif form == "filter":
            f2 = self.pick_field(r, None, exclude=(f1,))
            ids.append(("filter_main", [self.values_item(r, kind, f2, None, mod)]))
            cond = "selection and not filter_main"
        elif form == "oneof":
            ids = [("selection_a", sel)]
            for name in ("selection_b", "selection_c")[:r.randint(1, 2)]:
                f2 = self.pick_field(r, None, exclude=(f1,))
                ids.append((name, [self.values_item(r, kind, f2, None, mod)]))
                what.append(f2)
            cond = "1 of selection_*"
        return ids, cond, what

    # ---- keyword
    def keyword(self, r, ev=None):
        for _ in range(30):
            if ev is not None:
                strs = [v for vs in self.s.flat[ev].values() for v in vs if isinstance(v, str) and len(v) >= 6]
                frag = fragment(r, r.choice(strs), "contains")
                f = frag.lower()
                if len(f) < 5 or f not in self.s.event_strings[ev]:
                    continue
                cnt = sum(1 for es in self.s.event_strings if f in es)
                if cnt / self.s.n <= HIT_CAP:
                    return esc(frag)
                continue
            x = r.random()
            if x < 0.35:
                w = r.choice(IOC_WORDS)
                frag = wp(r, [("%s%d.%s" % (w, r.randint(1, 999), r.choice(TLDS)), 3),
                              ("%s-%s" % (w, hexs(r, 6)), 2), ("/tmp/.%s%d" % (w, r.randint(1, 99)), 1),
                              ("%s.%s.%s" % (hexs(r, 8), w, r.choice(TLDS)), 2)])
            else:
                f = wp(r, FIELD_WEIGHTS)
                frag = fragment(r, COMPOSERS[f](r), "contains")
            if len(frag) >= 5 and frag.lower() not in self.s.all_strings:
                return esc(frag)
        return None

    def rule_keyword(self, r, ev):
        self._hit = ev is not None
        k = wp(r, [(1, 40), (2, 30), (3, 20), (5, 10)])
        vals = []
        if ev is not None:
            v = self.keyword(r, ev)
            if v is None:
                self._hit = False
                return None
            vals.append(v)
        while len(vals) < k:
            v = self.keyword(r)
            if v is not None and v not in vals:
                vals.append(v)
        r.shuffle(vals)
        return [("keywords", [Item(None, [], vals)])], "keywords", ["keywords"]

    # ---- cidr
    def network(self, r, ev=None):
        ips = self.s.ips
        if ev is not None:
            fl = self.s.flat[ev]
            addrs = [v for f in ("sourceIPAddress", "requestParameters.iPAddress") for v in fl.get(f, [])
                     if isinstance(v, str) and is_ipv4(v)]
            if not addrs:
                return None
            a = int(ipaddress.ip_address(r.choice(addrs)))
            for plen in sorted({r.randint(16, 28), r.randint(24, 30), 32}):
                net = ipaddress.ip_network((a, plen), strict=False)
                lo, hi = int(net.network_address), int(net.broadcast_address)
                cnt = sum(c for t, c in self.s.values.get("sourceIPAddress", {}).items()
                          if is_ipv4(t) and lo <= int(ipaddress.ip_address(t)) <= hi)
                if cnt / self.s.n <= HIT_CAP:
                    return str(net)
            return None
        for _ in range(50):
            if r.random() < 0.2:
                plen = wp(r, [(32, 2), (48, 3), (56, 2), (64, 3), (128, 1)])
                head = r.choice(["2001:db8", "2a05:d018", "2600:1f18", "2406:da14", "2a01:4f8", "2604:a880",
                                 "2a03:2880", "2001:67c"])
                addr = head + ":" + ":".join(hexs(r, 4) for _ in range(6))
                return str(ipaddress.ip_network("%s/%d" % (addr, plen), strict=False))
            plen = wp(r, [(8, 1), (12, 1), (16, 4), (20, 3), (22, 3), (24, 6), (26, 2), (28, 3), (32, 3)])
            net = ipaddress.ip_network("%s/%d" % (ipv4(r), plen), strict=False)
            lo, hi = int(net.network_address), int(net.broadcast_address)
            j = bisect.bisect_left(ips, lo)
            if j < len(ips) and ips[j] <= hi:
                continue
            return str(net)
        return None

    def rule_cidr(self, r, ev):
        self._hit = ev is not None
        field = "sourceIPAddress" if (ev is not None or r.random() < 0.8) else r.choice(IP_UNSEEN_FIELDS)
        k = wp(r, [(1, 40), (2, 25), (3, 15), (5, 12), (8, 8)])
        vals = []
        if ev is not None:
            v = self.network(r, ev)
            if v is None:
                self._hit = False
                return None
            vals.append(v)
        while len(vals) < k:
            v = self.network(r)
            if v is not None and v not in vals:
                vals.append(v)
        r.shuffle(vals)
        ids = [("selection", [Item(field, ["cidr"], vals)])]
        cond = "selection"
        if r.random() < 0.2:  # the usual "not from our networks" filter on a second, other field
            nets = sorted(set(v for v in (self.network(r) for _ in range(r.randint(1, 3))) if v))
            if nets:
                ids.append(("filter_main_internal", [Item(r.choice(IP_UNSEEN_FIELDS), ["cidr"], nets)]))
                cond = "selection and not filter_main_internal"
        return ids, cond, [field]

    # ---- numeric
    def threshold(self, r, x):
        """A round number near x (2-3 significant digits)."""
        if x <= 0:
            return 0
        digits = r.choice([2, 2, 3])
        e = max(0, len(str(int(x))) - digits)
        return int(round(x / 10**e)) * 10**e

    def numeric_item(self, r, ev=None):
        nums = self.s.numbers
        if ev is not None:
            fl = self.s.flat[ev]
            cands = [(f, v) for f, vs in fl.items() for v in vs
                     if isinstance(v, (int, float)) and not isinstance(v, bool) and f in nums]
            if not cands:
                return None
            for _ in range(10):
                f, v = r.choice(cands)
                allv = nums[f]
                op = r.choice(["gt", "gte", "lt", "lte", "eq"])
                t = v if op in ("gte", "lte", "eq") else (v - 1 if op == "gt" else v + 1)
                if isinstance(v, int) and op in ("gt", "lt") and r.random() < 0.5:
                    t = self.threshold(r, t) if ((op == "gt" and self.threshold(r, t) < v) or
                                                 (op == "lt" and self.threshold(r, t) > v)) else t
                test = {"gt": lambda x: x > t, "gte": lambda x: x >= t, "lt": lambda x: x < t,
                        "lte": lambda x: x <= t, "eq": lambda x: x == t}[op]
                if not test(v):
                    continue
                if sum(1 for x in allv if test(x)) / self.s.n <= HIT_CAP:
                    return Item(f, [] if op == "eq" else [op], [t])
            return None
        # missing: a threshold beyond the tail of a seen field, or any test on a field the
        # sample does not have
        if r.random() < 0.6 and nums:
            f = r.choice(sorted(nums))
            allv = nums[f]
            lo, hi = allv[0], allv[-1]
            op = r.choice(["gt", "gte", "gt", "lt", "lte", "eq"])
            if op in ("gt", "gte"):
                t = self.threshold(r, max(hi, 1) * r.uniform(1.2, 200)) + 1
            elif op in ("lt", "lte"):
                if lo <= 0:
                    op = "gt"
                    t = self.threshold(r, max(hi, 1) * r.uniform(1.2, 200)) + 1
                else:
                    t = self.threshold(r, lo * r.uniform(0.05, 0.8))
                    if t >= lo:
                        t = lo - 1
                    if op == "lte" and t >= lo:
                        t = lo - 1
            else:
                seen = set(allv)
                t = r.randint(1, 65535)
                while t in seen:
                    t += 1
            return Item(f, [] if op == "eq" else [op], [t])
        f = r.choice(NUMERIC_UNSEEN)
        while f in nums:
            f = r.choice(NUMERIC_UNSEEN)
        op = r.choice(["gt", "gte", "lt", "lte", "eq"])
        t = self.threshold(r, 10 ** r.uniform(0, 7)) if op != "eq" else r.choice([22, 23, 445, 3389, 5432, 6379,
                                                                                   9200, 27017, 1433, 3306]) + (
            0 if r.random() < 0.3 else r.randint(1, 60000))
        return Item(f, [] if op == "eq" else [op], [t])

    def rule_numeric(self, r, ev):
        self._hit = ev is not None
        first = self.numeric_item(r, ev)
        if first is None:
            self._hit = False
            return None
        sel = [first]
        if r.random() < 0.25:  # a range: the same field bounded on the other side, or a second test
            second = self.numeric_item(r)
            if second.field != first.field:
                if ev is None:
                    sel.append(second)
        ids = [("selection", sel)]
        cond = "selection"
        if r.random() < 0.15:
            alt = self.numeric_item(r)
            ids = [("selection_main", sel), ("selection_alt", [alt])]
            cond = "1 of selection_*"
        return ids, cond, [it.field for it in sel]

    # ---- regex
    def regex_from(self, r, v):
        """A regex a rule author might write for values like v: some tokens kept literal,
        others generalized to classes with quantifiers, maybe an alternation, maybe
        anchored."""
        toks = re.findall(r"[A-Za-z]+|[0-9]+|[^A-Za-z0-9]", v)
        if not toks:
            return None
        # a span of tokens (anchored at the ends it reaches)
        if len(toks) > 6 and r.random() < 0.6:
            a = r.randint(0, len(toks) - 4)
            b = r.randint(a + 3, min(len(toks), a + 14))
        else:
            a, b = 0, min(len(toks), r.randint(4, 20))
        parts = []
        alts = 0
        for t in toks[a:b]:
            x = r.random()
            if t.isdigit():
                parts.append(r.choice([r"\d+", r"\d{%d}" % len(t), r"[0-9]{%d,%d}" % (max(1, len(t) - 1), len(t) + 2)])
                             if x < 0.7 else re_lit(t))
            elif t.isalpha():
                if x < 0.25 and len(t) > 2:
                    if re.fullmatch(r"[0-9a-f]+", t):
                        parts.append(r"[0-9a-f]{%d}" % len(t))
                    elif t.islower():
                        parts.append(r.choice([r"[a-z]+", r"[a-z]{%d,%d}" % (max(1, len(t) - 2), len(t) + 4)]))
                    elif t.isupper():
                        parts.append(r"[A-Z0-9]{%d}" % len(t))
                    else:
                        parts.append(r"[A-Za-z]+")
                elif x < 0.35 and alts == 0 and len(t) > 3:
                    alts += 1
                    others = [w for w in (APPS + PURPOSES + ENVS + FIRST + VERBS) if w.lower() != t.lower()]
                    opts = [re_lit(t)] + [re_lit(w if t.islower() else w.capitalize() if t[0].isupper() else w)
                                          for w in r.sample(others, r.randint(1, 3))]
                    r.shuffle(opts)
                    parts.append("(?:" + "|".join(opts) + ")" if r.random() < 0.7 else "(" + "|".join(opts) + ")")
                else:
                    parts.append(re_lit(t))
            else:
                parts.append(re_lit(t) if t != " " or x < 0.7 else r"\s+")
        body = "".join(parts)
        if a == 0 and r.random() < 0.7:
            body = "^" + body
        if b == len(toks) and r.random() < 0.7:
            body += "$"
        elif b < len(toks) and r.random() < 0.2:
            body += r.choice([".*", r"[^/]*", r"\S*"])
        return body

    NO_LITERAL = [r"^[0-9a-f]{%d}$", r"^\d{%d}$", r"^[A-Z0-9]{%d}$", r"^[a-z]+\.[a-z]+\d{%d}$",
                  r"^\d{1,3}(?:\.\d{1,3}){3}:\d{%d}$", r"^[A-Za-z0-9+/]{%d,}={0,2}$", r"^(?:[a-z]+-){%d,}[a-z]+$",
                  r"[^\x20-\x7e]{%d,}", r"^\s*$|\s{%d,}", r"^[a-z0-9]{%d}[A-Z]{2}$"]

    def regex_value(self, r, field, v=None):
        """(pattern, caseless) on field: from v to hit, else composed and checked to miss."""
        for _ in range(30):
            if v is None and r.random() < 0.06:
                pat = r.choice(self.NO_LITERAL) % r.randint(3, 64)
            else:
                base = v if v is not None else COMPOSERS[field](r)
                pat = self.regex_from(r, base)
                if pat is None:
                    continue
            caseless = r.random() < 0.2
            inline = caseless and r.random() < 0.5
            if inline:
                pat = "(?i)" + pat
            try:
                rx = re.compile(pat, re.I if caseless else 0)
            except re.error:
                continue
            vals = self.s.values.get(field, {})
            if v is not None:
                if not rx.search(v):
                    continue
                # the sample's values are lower-cased: test case-sensitive patterns on the events
                cnt, cap = 0, HIT_CAP * self.s.n
                for j in self.s.present.get(field, ()):
                    if any(isinstance(x, str) and rx.search(x) for x in self.s.flat[j][field]):
                        cnt += 1
                        if cnt > cap:
                            break
                if cnt <= cap:
                    return pat, caseless and not inline
                continue
            rxi = re.compile(pat, re.I | re.M)
            if field not in self.s.joined or not rxi.search(self.s.joined[field]):
                return pat, caseless and not inline
        return None

    def rule_regex(self, r, ev):
        self._hit = ev is not None
        field = self.pick_field(r, ev)
        if field is None:
            self._hit = False
            return None
        k = wp(r, [(1, 75), (2, 18), (3, 7)])
        vals, caseless = [], False
        if ev is not None:
            src = [v for v in self.s.flat[ev][field] if isinstance(v, str) and v]
            got = self.regex_value(r, field, r.choice(src))
            if got is None:
                self._hit = False
                return None
            vals.append(got[0])
            caseless = got[1]
        while len(vals) < k:
            got = self.regex_value(r, field)
            if got is not None and got[0] not in vals:
                vals.append(got[0])
                caseless = caseless or (got[1] and len(vals) == 1)
        # |re|i applies to every value of the item; make them all caseless or none
        mods = ["re", "i"] if caseless else ["re"]
        ids = [("selection", [Item(field, mods, vals)])]
        cond = "selection"
        if r.random() < 0.2:
            f2 = self.pick_field(r, None, exclude=(field,))
            got = self.regex_value(r, f2)
            if got is not None:
                ids.append(("filter_main", [Item(f2, ["re"], [got[0]])]))
                cond = "selection and not filter_main"
        return ids, cond, [field]

    # ---- fieldref
    def fieldref_pool(self):
        if not hasattr(self, "_fr_pool"):
            seen = sorted(f for f, d in self.s.values.items()
                          if any(not t.replace(".", "").isdigit() for t in d) and not f.startswith("responseElements")
                          and len(self.s.values[f]) < 1500)
            extra = ["requestParameters.targetUserName", "requestParameters.sourceIdentity",
                     "requestParameters.ownerAccountId", "requestParameters.principalArn",
                     "requestParameters.callerArn", "requestParameters.grantee", "requestParameters.owner",
                     "requestParameters.destinationAccountId", "requestParameters.targetAccount",
                     "requestParameters.externalId", "requestParameters.sessionName", "requestParameters.createdBy"]
            self._fr_pool = seen + extra
        return self._fr_pool

    FR_OPS = [("", 5), ("startswith", 2), ("endswith", 2), ("contains", 3)]

    def fr_holds(self, op, a_vals, b_vals):
        for a in a_vals:
            for b in b_vals:
                if (op == "" and a == b) or (op == "startswith" and a.startswith(b)) or \
                        (op == "endswith" and a.endswith(b)) or (op == "contains" and b in a):
                    return True
        return False

    def fr_freq(self, op, fa, fb, limit=None):
        """Share of the sample where `fa|fieldref|op: fb` holds (counting stops past limit)."""
        cnt = 0
        pa, pb = self.s.present.get(fa, ()), self.s.present.get(fb, ())
        if not pa or not pb:
            return 0
        lim = self.s.n if limit is None else limit * self.s.n
        for i in sorted(set(pa) & set(pb)):
            fl = self.s.lflat[i]
            if self.fr_holds(op, fl[fa], fl[fb]):
                cnt += 1
                if cnt > lim:
                    break
        return cnt / self.s.n

    def fieldref_item(self, r, ev=None):
        pool = self.fieldref_pool()
        for _ in range(40):
            op = wp(r, self.FR_OPS)
            if ev is not None:
                fl = self.s.flat[ev]
                fs = [f for f in pool if f in fl and any(isinstance(v, str) and len(v) >= 3 for v in fl[f])]
                lfl = self.s.lflat[ev]
                pairs = [(o, fa, fb) for o, _ in self.FR_OPS for fa in fs for fb in fs
                         if fa != fb and self.fr_holds(o, lfl[fa], [v for v in lfl[fb] if len(v) >= 3])]
                r.shuffle(pairs)
                for o, fa, fb in pairs[:6]:
                    if self.fr_freq(o, fa, fb, HIT_CAP) <= HIT_CAP:
                        return Item(fa, ["fieldref"] + ([o] if o else []), [fb])
                return None
            fa, fb = r.sample(pool, 2)
            if self.fr_freq(op, fa, fb, 0) == 0:
                return Item(fa, ["fieldref"] + ([op] if op else []), [fb])
        return None

    def rule_fieldref(self, r, ev):
        self._hit = ev is not None
        first = self.fieldref_item(r, ev)
        if first is None:
            self._hit = False
            return None
        sel = [first]
        if r.random() < 0.3:  # a second comparison, or the "other account" test real rules use
            if ev is not None:
                pass  # a hitting rule keeps its one comparison
            elif r.random() < 0.5:
                sel.append(Item("userIdentity.accountId", ["fieldref", "neq"],
                                [r.choice(["recipientAccountId", "requestParameters.ownerAccountId",
                                           "resources.accountId"])]))
            else:
                second = self.fieldref_item(r)
                if second is not None and second.field != first.field:
                    sel.append(second)
        ids = [("selection", sel)]
        return ids, "selection", [first.field]


# --------------------------------------------------------------------------- rendering

def render_detection(ids, cond, q):
    lines = ["detection:"]
    for name, items in ids:
        if name == "keywords":
            lines.append("    keywords:")
            lines += ["        - " + q(k) for k in items[0].values]
            continue
        lines.append("    %s:" % name)
        for it in items:
            if len(it.values) == 1:
                lines.append("        %s: %s" % (it.key(), q(it.values[0])))
            else:
                lines.append("        %s:" % it.key())
                lines += ["            - " + q(v) for v in it.values]
    lines.append("    condition: " + cond)
    return lines
