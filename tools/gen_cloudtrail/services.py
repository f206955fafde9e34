"""Benign API calls of EC2, S3, IAM, STS and KMS: their request and response bodies.

A builder takes a Ctx and returns (requestParameters, responseElements, extra); the
(service, operation) -> builder table is OPS in services_mgmt.py.
"""

import time

from .world import GLOBAL_REGION, INSTANCE_TYPES, _ALNUM, _B32, _UPPER_NUM, aws_date, filt, items

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
