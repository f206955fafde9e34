"""Benign API calls of the other services (Lambda, CloudWatch Logs and metrics, SSM,
Secrets Manager, DynamoDB, RDS, CloudTrail, Config, Organizations, SSO, GuardDuty),
and OPS, the (service, operation) -> (readOnly, builder, errors) table of all of them.
"""

import time

from .services import (
    _inst, _reg, b_authorize_sg_benign, b_create_tags, b_describe_addresses, b_describe_azs, b_describe_enis,
    b_describe_flow_logs, b_describe_images, b_describe_instance_status, b_describe_instances,
    b_describe_launch_templates, b_describe_nacls, b_describe_regions, b_describe_rtbs, b_describe_sgs,
    b_describe_snapshots, b_describe_subnets, b_describe_tags, b_describe_volumes, b_describe_vpcs,
    b_iam_attach_role_policy_benign, b_iam_create_access_key_self, b_iam_credential_report, b_iam_get_policy,
    b_iam_get_policy_version, b_iam_get_user, b_iam_list_policies, b_iam_role_param, b_iam_tag_role,
    b_iam_user_param, b_kms_decrypt, b_kms_encrypt, b_kms_generate_data_key, b_kms_key_policy, b_kms_keyid,
    b_run_instances, b_s3_get, b_s3_list_buckets, b_s3_put_tagging, b_start_stop, b_sts_assume_role,
    b_sts_service_assume_role, b_sts_web_identity)
from .world import aws_date, iso


def _world_instance(p, c):
    """The EC2 instance behind an instance-role session (session name = instance id)."""
    for i in c.w.reg[c.region]["instances"]:
        if i["id"] == p.session:
            return i
    return _inst(c)


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
    i = c.p.ec2 and c.p.session and _world_instance(c.p, c) or _inst(c)
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
    i = _world_instance(c.p, c) if c.p.ec2 else _inst(c)
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
