"""The attack catalogue: one function per kind of attack, each returning the records
of one instance of it, and ATTACKS (kind -> function, description).
"""

from .world import (BROWSERS, GLOBAL_REGION, TLS13, _B32, _LOWER_NUM, _UPPER_NUM, Principal, aws_date, ua_boto3,
                    ua_cli, ua_console, ua_const)

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


def _nacl_direction(rec):
    return "egress" if rec["requestParameters"]["egress"] else "ingress"


def _caller_type(rec):
    return rec["userIdentity"]["type"]


# kind -> (function, short description, variant). Which rules of the bundled pack each
# attack trips is not written here: attack_rules.json says it, derived by running the
# engine over generated records of every kind (python3 -m gen_cloudtrail.derive; see
# rulemap.py). variant, where not None, maps a record of the kind to the name of the
# branch it comes from, for kinds whose branches trip different rules (an outbound NACL
# entry is not inbound exposure; a secret read from an SSO session is not one made with
# a long-term key).
ATTACKS = {
    "console_login_no_mfa": (a_console_login_no_mfa, "IAM user console sign-in without MFA from an unknown address", None),
    "console_login_failure": (a_console_login_failure, "1-5 failed console sign-ins (Failed authentication)", None),
    "root_console_login": (a_root_console_login, "root console sign-in (with MFA)", None),
    "root_api_call": (a_root_api_call, "API call made with root credentials", None),
    "cloudtrail_stop_logging": (a_cloudtrail_stop_logging, "CloudTrail StopLogging", None),
    "cloudtrail_delete_trail": (a_cloudtrail_delete_trail, "CloudTrail DeleteTrail", None),
    "cloudtrail_update_trail": (a_cloudtrail_update_trail, "CloudTrail UpdateTrail to a foreign bucket, single region", None),
    "cloudtrail_put_event_selectors": (a_cloudtrail_put_event_selectors, "CloudTrail PutEventSelectors excluding management events", None),
    "guardduty_delete_detector": (a_guardduty_delete_detector, "GuardDuty DeleteDetector", None),
    "config_stop_recorder": (a_config_stop_recorder, "Config StopConfigurationRecorder", None),
    "vpc_delete_flow_logs": (a_vpc_delete_flow_logs, "EC2 DeleteFlowLogs", None),
    "ec2_sg_open_ssh": (a_ec2_sg_open_ssh, "AuthorizeSecurityGroupIngress tcp/22 from 0.0.0.0/0 or ::/0", None),
    "ec2_nacl_allow_all": (a_ec2_nacl_allow_all, "CreateNetworkAclEntry allow all protocols from 0.0.0.0/0", _nacl_direction),
    "iam_access_key_other_user": (a_iam_access_key_other_user, "CreateAccessKey for another IAM user", None),
    "iam_attach_admin_policy": (a_iam_attach_admin_policy, "Attach{User,Role,Group}Policy AdministratorAccess", None),
    "s3_bucket_policy_public": (a_s3_bucket_policy_public, "PutBucketPolicy granting Principal *", None),
    "s3_delete_public_access_block": (a_s3_delete_public_access_block, "DeleteBucketPublicAccessBlock", None),
    "iam_create_login_profile": (a_iam_create_login_profile, "CreateLoginProfile for a service user", None),
    "iam_deactivate_mfa": (a_iam_deactivate_mfa, "DeactivateMFADevice", None),
    "kms_schedule_key_deletion": (a_kms_schedule_key_deletion, "KMS ScheduleKeyDeletion", None),
    "kms_disable_key": (a_kms_disable_key, "KMS DisableKey", None),
    "secrets_get_value_burst": (a_secrets_get_value_burst, "8-12 GetSecretValue calls on distinct secrets within a minute", _caller_type),
    "ec2_modify_userdata": (a_ec2_modify_userdata, "ModifyInstanceAttribute userData", None),
}
