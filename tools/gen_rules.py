#!/usr/bin/env python3
# Longer than this project's ~600-line mark: a benchmark tool, not shipped; the rule
# families it draws from (CloudTrail detection patterns and their variations) read best
# as one list.
"""Deterministic generator of Sigma rule sets shaped like real AWS CloudTrail rules.

Everything is derived from --seed and --count: the same command line always writes the
same bytes.  The rules are benchmark material (how does vigil scale with the number of
rules?), not detections anyone should deploy, but they are built to look like the
CloudTrail rules of SigmaHQ, Panther or the bundled pack:

  * most rules select eventSource plus a list of 1-5 real CloudTrail eventNames of one
    service (the names tools/gen_cloudtrail.py produces plus many it does not);
  * many add a condition on requestParameters.*, userIdentity.*, sourceIPAddress,
    userAgent or errorCode, with a realistic share of |contains, |startswith,
    |endswith, inner '*'/'?' wildcards, |cidr, |exists and |all;
  * filters (`selection and not filter_main_*`), several selections
    (`1 of selection_*`), about 2.5% |re rules and about 1% keyword rules;
  * title, id (a UUID drawn from the seed), status, description, references, author,
    date, tags (ATT&CK tactic and technique), falsepositives and level.

The values come from pools that mix what the event generator writes (bucket, role,
function, table, secret and parameter names, user agents, address ranges, error
codes) with values it never writes, so that a fraction of the rules fire on
generated events.  Every rule loads in vigil without error or warning
(`vigil check --strict --no-require-tests`).

Output: --out DIR (a folder, one file per rule) or --out FILE.yml (one multi-document
YAML file, documents separated by `---`); both are accepted by `vigil scan --rules`.

One-shape sets (`--shape SHAPE`, tools/rule_shapes.py): equality, prefix, suffix,
contains, wildcard, regex, keyword, cidr, numeric or fieldref predicates decide every
rule, on realistic CloudTrail fields, with distinct literals that grow with the count and
--hit-rate (3%) of the rules built to fire on generated events; for measuring how the
cost of each predicate shape grows with the number of rules.  --shape mix (the default)
writes the sets described above, byte for byte as before the option existed.

Usage:
  gen_rules.py --count 1000 --seed 7 --out rules-1000/
  gen_rules.py --count 10000 --shape regex --out regex-10000.yml
  gen_rules.py --count 10000 --seed 7 --out rules-10000.yml
  gen_rules.py --count 1000 --keyword-rate 0 --out no-keywords/   # no keyword rules
"""

import argparse
import os
import random
import re
import sys

# --------------------------------------------------------------------------- catalogue
# service -> (eventSource, frequent names the event generator writes (reads),
#             rare names it writes (writes, attacks), names it never writes).
SERVICES = {
    "ec2": ("ec2.amazonaws.com",
            ["DescribeInstances", "DescribeInstanceStatus", "DescribeSecurityGroups", "DescribeVpcs",
             "DescribeSubnets", "DescribeVolumes", "DescribeTags", "DescribeNetworkInterfaces",
             "DescribeRouteTables", "DescribeAvailabilityZones", "DescribeRegions", "DescribeImages",
             "DescribeSnapshots", "DescribeAddresses", "DescribeFlowLogs", "DescribeNetworkAcls",
             "DescribeLaunchTemplates"],
            ["CreateTags", "StartInstances", "StopInstances", "RunInstances",
             "AuthorizeSecurityGroupIngress", "DeleteFlowLogs", "CreateNetworkAclEntry",
             "ModifyInstanceAttribute"],
            ["TerminateInstances", "CreateSecurityGroup", "DeleteSecurityGroup",
             "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
             "CreateVpc", "DeleteVpc", "ModifyVpcAttribute", "CreateRoute", "DeleteRoute", "ReplaceRoute",
             "CreateRouteTable", "DeleteRouteTable", "AssociateRouteTable", "DisassociateRouteTable",
             "ReplaceRouteTableAssociation", "CreateInternetGateway", "AttachInternetGateway",
             "DeleteInternetGateway", "DetachInternetGateway", "CreateNatGateway", "DeleteNatGateway",
             "CreateCustomerGateway", "DeleteCustomerGateway", "CreateNetworkAcl", "DeleteNetworkAcl",
             "DeleteNetworkAclEntry", "ReplaceNetworkAclEntry", "ReplaceNetworkAclAssociation",
             "CreateSnapshot", "DeleteSnapshot", "ModifySnapshotAttribute", "CopySnapshot", "CreateImage",
             "ModifyImageAttribute", "DeregisterImage", "CreateVolume", "DeleteVolume", "AttachVolume",
             "DetachVolume", "DisableEbsEncryptionByDefault", "EnableEbsEncryptionByDefault",
             "GetPasswordData", "CreateKeyPair", "ImportKeyPair", "DeleteKeyPair", "CreateLaunchTemplate",
             "ModifyInstanceMetadataOptions", "AllocateAddress", "AssociateAddress", "CreateFlowLogs",
             "CreateVpcPeeringConnection", "AcceptVpcPeeringConnection", "GetConsoleScreenshot",
             "GetConsoleOutput", "CreateTrafficMirrorSession", "CreateTrafficMirrorTarget",
             "ModifyVpcEndpoint", "CreateVpcEndpoint", "DeleteVpcEndpoints"]),
    "s3": ("s3.amazonaws.com",
           ["ListBuckets", "GetBucketAcl", "GetBucketPolicy", "GetBucketPolicyStatus",
            "GetBucketPublicAccessBlock", "GetBucketEncryption", "GetBucketVersioning", "GetBucketTagging",
            "GetBucketLocation", "GetBucketLogging", "GetBucketLifecycle", "GetBucketReplication"],
           ["PutBucketTagging", "PutBucketPolicy", "DeleteBucketPublicAccessBlock"],
           ["PutBucketAcl", "DeleteBucketPolicy", "PutBucketPublicAccessBlock", "PutBucketLogging",
            "PutBucketVersioning", "PutBucketReplication", "DeleteBucketReplication", "PutBucketLifecycle",
            "DeleteBucketLifecycle", "PutBucketEncryption", "DeleteBucketEncryption", "CreateBucket",
            "DeleteBucket", "PutBucketWebsite", "DeleteBucketWebsite", "PutBucketCors", "PutObjectAcl",
            "GetObject", "PutObject", "DeleteObject", "DeleteObjects", "CopyObject",
            "PutObjectLockConfiguration", "PutBucketOwnershipControls", "PutBucketNotification",
            "RestoreObject", "PutObjectRetention", "PutObjectLegalHold"]),
    "iam": ("iam.amazonaws.com",
            ["GetUser", "GetRole", "ListRoles", "ListUsers", "ListAttachedRolePolicies", "ListRolePolicies",
             "ListInstanceProfilesForRole", "GetPolicy", "GetPolicyVersion", "ListPolicies",
             "ListAccessKeys", "ListMFADevices", "GetAccountSummary", "GetAccountPasswordPolicy"],
            ["GenerateCredentialReport", "AttachRolePolicy", "CreateAccessKey", "TagRole",
             "AttachUserPolicy", "AttachGroupPolicy", "CreateLoginProfile", "DeactivateMFADevice"],
            ["CreateUser", "DeleteUser", "CreateRole", "DeleteRole", "UpdateAssumeRolePolicy",
             "PutRolePolicy", "PutUserPolicy", "PutGroupPolicy", "DeleteRolePolicy", "DeleteUserPolicy",
             "DeleteGroupPolicy", "DetachRolePolicy", "DetachUserPolicy", "DetachGroupPolicy",
             "CreatePolicy", "CreatePolicyVersion", "DeletePolicy", "DeletePolicyVersion",
             "SetDefaultPolicyVersion", "AddUserToGroup", "RemoveUserFromGroup", "CreateGroup",
             "DeleteGroup", "UpdateLoginProfile", "DeleteLoginProfile", "UpdateAccessKey",
             "DeleteAccessKey", "CreateVirtualMFADevice", "DeleteVirtualMFADevice", "EnableMFADevice",
             "ResyncMFADevice", "UpdateAccountPasswordPolicy", "DeleteAccountPasswordPolicy",
             "CreateSAMLProvider", "UpdateSAMLProvider", "DeleteSAMLProvider",
             "CreateOpenIDConnectProvider", "AddClientIDToOpenIDConnectProvider",
             "CreateInstanceProfile", "AddRoleToInstanceProfile", "UploadSSHPublicKey",
             "UploadServerCertificate", "CreateServiceLinkedRole", "GetCredentialReport",
             "ListGroupsForUser", "SimulatePrincipalPolicy", "GetAccountAuthorizationDetails",
             "PutUserPermissionsBoundary", "DeleteRolePermissionsBoundary"]),
    "sts": ("sts.amazonaws.com",
            ["GetCallerIdentity", "AssumeRole"],
            ["AssumeRoleWithWebIdentity"],
            ["AssumeRoleWithSAML", "GetSessionToken", "GetFederationToken", "DecodeAuthorizationMessage",
             "GetAccessKeyInfo", "AssumeRoot"]),
    "kms": ("kms.amazonaws.com",
            ["Decrypt", "GenerateDataKey", "Encrypt", "DescribeKey", "ListAliases", "ListKeys",
             "GetKeyRotationStatus", "GetKeyPolicy", "ListResourceTags"],
            ["ScheduleKeyDeletion", "DisableKey"],
            ["CreateKey", "PutKeyPolicy", "CreateGrant", "RetireGrant", "RevokeGrant", "DisableKeyRotation",
             "EnableKeyRotation", "CancelKeyDeletion", "DeleteAlias", "CreateAlias", "UpdateAlias",
             "ImportKeyMaterial", "DeleteImportedKeyMaterial", "ReEncrypt",
             "GenerateDataKeyWithoutPlaintext", "EnableKey"]),
    "lambda": ("lambda.amazonaws.com",
               ["ListFunctions20150331", "GetFunction20150331v2", "GetFunctionConfiguration20150331v2",
                "GetPolicy20150331v2", "ListTags20170331", "ListEventSourceMappings20150331"],
               ["UpdateFunctionCode20150331v2"],
               ["CreateFunction20150331", "DeleteFunction20150331", "AddPermission20150331v2",
                "RemovePermission20150331v2", "UpdateFunctionConfiguration20150331v2",
                "PublishLayerVersion20181031", "AddLayerVersionPermission20181031",
                "CreateEventSourceMapping20150331", "UpdateEventSourceMapping20150331",
                "CreateFunctionUrlConfig20211031", "UpdateFunctionUrlConfig20211031",
                "PutFunctionConcurrency20171031"]),
    "logs": ("logs.amazonaws.com",
             ["DescribeLogGroups", "DescribeLogStreams", "CreateLogStream", "FilterLogEvents", "StartQuery",
              "DescribeMetricFilters"],
             ["PutRetentionPolicy"],
             ["DeleteLogGroup", "DeleteLogStream", "DeleteMetricFilter", "PutMetricFilter",
              "PutSubscriptionFilter", "DeleteSubscriptionFilter", "DeleteRetentionPolicy", "CreateLogGroup",
              "AssociateKmsKey", "DisassociateKmsKey", "CreateExportTask", "PutDestination",
              "PutResourcePolicy", "GetLogEvents", "PutDataProtectionPolicy"]),
    "monitoring": ("monitoring.amazonaws.com",
                   ["DescribeAlarms", "ListDashboards", "GetDashboard", "DescribeAlarmHistory"],
                   ["PutMetricAlarm"],
                   ["DeleteAlarms", "DisableAlarmActions", "EnableAlarmActions", "SetAlarmState",
                    "DeleteDashboards", "PutDashboard", "PutCompositeAlarm", "GetMetricData", "ListMetrics",
                    "PutMetricStream", "DeleteMetricStream"]),
    "ssm": ("ssm.amazonaws.com",
            ["UpdateInstanceInformation", "ListInstanceAssociations", "GetParameter", "GetParameters",
             "GetParametersByPath", "DescribeInstanceInformation", "ListCommands", "DescribeParameters"],
            [],
            ["SendCommand", "StartSession", "ResumeSession", "TerminateSession", "PutParameter",
             "DeleteParameter", "DeleteParameters", "CreateDocument", "UpdateDocument",
             "ModifyDocumentPermission", "StartAutomationExecution", "CreateAssociation",
             "UpdateServiceSetting", "GetCommandInvocation", "CreateActivation"]),
    "secretsmanager": ("secretsmanager.amazonaws.com",
                       ["GetSecretValue", "DescribeSecret", "ListSecrets", "GetResourcePolicy"],
                       [],
                       ["PutSecretValue", "UpdateSecret", "DeleteSecret", "RestoreSecret", "CreateSecret",
                        "PutResourcePolicy", "DeleteResourcePolicy", "RotateSecret", "CancelRotateSecret",
                        "BatchGetSecretValue", "ReplicateSecretToRegions", "StopReplicationToReplica"]),
    "dynamodb": ("dynamodb.amazonaws.com",
                 ["DescribeTable", "ListTables", "DescribeContinuousBackups", "DescribeTimeToLive",
                  "ListTagsOfResource"],
                 [],
                 ["CreateTable", "DeleteTable", "UpdateTable", "UpdateContinuousBackups", "DeleteBackup",
                  "CreateBackup", "RestoreTableFromBackup", "ExportTableToPointInTime", "UpdateTimeToLive",
                  "PutResourcePolicy", "DeleteResourcePolicy"]),
    "rds": ("rds.amazonaws.com",
            ["DescribeDBInstances", "DescribeDBClusters", "DescribeDBSnapshots", "DescribeDBEngineVersions",
             "ListTagsForResource"],
            [],
            ["ModifyDBInstance", "DeleteDBInstance", "DeleteDBCluster", "CreateDBSnapshot", "CopyDBSnapshot",
             "ModifyDBSnapshotAttribute", "ModifyDBClusterSnapshotAttribute",
             "RestoreDBInstanceFromDBSnapshot", "RestoreDBClusterFromSnapshot", "StopDBInstance",
             "StartExportTask", "ModifyDBCluster", "RebootDBInstance", "CreateDBInstance",
             "DeleteDBSnapshot"]),
    "cloudtrail": ("cloudtrail.amazonaws.com",
                   ["DescribeTrails", "GetTrailStatus", "GetTrail", "ListTrails", "GetEventSelectors",
                    "LookupEvents"],
                   ["StopLogging", "DeleteTrail", "UpdateTrail", "PutEventSelectors"],
                   ["CreateTrail", "StartLogging", "PutInsightSelectors", "AddTags", "RemoveTags",
                    "DeleteEventDataStore", "UpdateEventDataStore", "StopEventDataStoreIngestion",
                    "CreateEventDataStore"]),
    "config": ("config.amazonaws.com",
               ["DescribeConfigurationRecorders", "DescribeConfigurationRecorderStatus", "DescribeConfigRules",
                "DescribeComplianceByConfigRule"],
               ["PutEvaluations", "StopConfigurationRecorder"],
               ["DeleteConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel",
                "PutConfigurationRecorder", "DeleteConfigRule", "PutConfigRule", "DeleteEvaluationResults",
                "DeleteConformancePack", "PutConformancePack", "DeleteConfigurationAggregator"]),
    "organizations": ("organizations.amazonaws.com",
                      ["DescribeOrganization", "ListAccounts", "DescribeAccount", "ListRoots"],
                      [],
                      ["LeaveOrganization", "RemoveAccountFromOrganization", "InviteAccountToOrganization",
                       "CreateAccount", "DeletePolicy", "DetachPolicy", "AttachPolicy", "CreatePolicy",
                       "UpdatePolicy", "DisablePolicyType", "EnablePolicyType", "MoveAccount",
                       "DeleteOrganization", "AcceptHandshake", "EnableAWSServiceAccess",
                       "DisableAWSServiceAccess", "RegisterDelegatedAdministrator",
                       "DeregisterDelegatedAdministrator"]),
    "sso": ("sso.amazonaws.com",
            ["ListInstances", "ListPermissionSets", "DescribePermissionSet", "ListAccountAssignments"],
            [],
            ["CreateAccountAssignment", "DeleteAccountAssignment", "CreatePermissionSet",
             "DeletePermissionSet", "PutInlinePolicyToPermissionSet", "AttachManagedPolicyToPermissionSet",
             "DetachManagedPolicyFromPermissionSet", "ProvisionPermissionSet", "UpdatePermissionSet",
             "DeleteInlinePolicyFromPermissionSet"]),
    "signin": ("signin.amazonaws.com",
               [],
               ["ConsoleLogin"],
               ["SwitchRole", "ExitRole", "CheckMfa", "GetSigninToken", "PasswordRecoveryRequested",
                "PasswordRecoveryCompleted", "UserAuthentication", "CredentialVerification",
                "CredentialChallenge"]),
    "guardduty": ("guardduty.amazonaws.com",
                  ["ListDetectors", "GetDetector", "ListFindings", "GetFindings"],
                  ["DeleteDetector"],
                  ["UpdateDetector", "CreateIPSet", "UpdateIPSet", "DeleteIPSet", "CreateFilter", "UpdateFilter",
                   "DeleteFilter", "CreateThreatIntelSet", "DeleteThreatIntelSet",
                   "DisassociateFromMasterAccount", "DisassociateMembers", "DeleteMembers",
                   "StopMonitoringMembers", "ArchiveFindings", "UpdatePublishingDestination",
                   "DeletePublishingDestination"]),
    "securityhub": ("securityhub.amazonaws.com", [], [],
                    ["DisableSecurityHub", "BatchDisableStandards", "DeleteInsight", "UpdateStandardsControl",
                     "DisableImportFindingsForProduct", "DeleteActionTarget", "BatchUpdateFindings",
                     "DescribeHub", "DisassociateFromAdministratorAccount", "DeleteMembers"]),
    "access-analyzer": ("access-analyzer.amazonaws.com", [], [],
                        ["DeleteAnalyzer", "CreateArchiveRule", "UpdateArchiveRule", "DeleteArchiveRule",
                         "CreateAnalyzer", "ListAnalyzers", "ApplyArchiveRule"]),
    "route53": ("route53.amazonaws.com", [], [],
                ["ChangeResourceRecordSets", "CreateHostedZone", "DeleteHostedZone",
                 "AssociateVPCWithHostedZone", "DisableHostedZoneDNSSEC", "ChangeTagsForResource"]),
    "route53domains": ("route53domains.amazonaws.com", [], [],
                       ["TransferDomainToAnotherAwsAccount", "DisableDomainTransferLock",
                        "UpdateDomainContact", "RetrieveDomainAuthCode"]),
    "elasticloadbalancing": ("elasticloadbalancing.amazonaws.com", [], [],
                             ["DeleteLoadBalancer", "ModifyLoadBalancerAttributes", "CreateListener",
                              "DeleteListener", "ModifyListener", "RegisterTargets", "CreateLoadBalancer"]),
    "ecr": ("ecr.amazonaws.com", [], [],
            ["PutImage", "BatchDeleteImage", "SetRepositoryPolicy", "DeleteRepository",
             "GetAuthorizationToken", "DeleteRepositoryPolicy", "PutLifecyclePolicy"]),
    "eks": ("eks.amazonaws.com", [], [],
            ["CreateCluster", "DeleteCluster", "UpdateClusterConfig", "CreateAccessEntry",
             "AssociateAccessPolicy", "UpdateClusterVersion", "CreateNodegroup"]),
    "ecs": ("ecs.amazonaws.com", [], [],
            ["RegisterTaskDefinition", "RunTask", "UpdateService", "ExecuteCommand", "CreateCluster",
             "DeleteCluster", "CreateService", "DeleteService"]),
    "glue": ("glue.amazonaws.com", [], [],
             ["CreateDevEndpoint", "UpdateDevEndpoint", "CreateJob", "UpdateJob", "GetConnection",
              "GetConnections", "DeleteDatabase"]),
    "sns": ("sns.amazonaws.com", [], [],
            ["Publish", "DeleteTopic", "SetTopicAttributes", "Subscribe", "Unsubscribe", "CreateTopic"]),
    "sqs": ("sqs.amazonaws.com", [], [],
            ["DeleteQueue", "SetQueueAttributes", "PurgeQueue", "AddPermission", "CreateQueue"]),
    "wafv2": ("wafv2.amazonaws.com", [], [],
              ["DeleteWebACL", "UpdateWebACL", "DisassociateWebACL", "DeleteIPSet", "UpdateIPSet",
               "DeleteRuleGroup", "DeleteLoggingConfiguration"]),
    "backup": ("backup.amazonaws.com", [], [],
               ["DeleteBackupVault", "DeleteRecoveryPoint", "DeleteBackupPlan", "PutBackupVaultAccessPolicy",
                "UpdateBackupPlan", "DeleteBackupSelection", "PutBackupVaultLockConfiguration"]),
    "cloudformation": ("cloudformation.amazonaws.com", [], [],
                       ["CreateStack", "DeleteStack", "UpdateStack", "CreateStackSet", "CreateStackInstances",
                        "UpdateTerminationProtection", "SetStackPolicy"]),
    "sagemaker": ("sagemaker.amazonaws.com", [], [],
                  ["CreateNotebookInstance", "CreatePresignedNotebookInstanceUrl",
                   "UpdateNotebookInstanceLifecycleConfig", "CreateTrainingJob", "DeleteModel"]),
    "bedrock": ("bedrock.amazonaws.com", [], [],
                ["InvokeModel", "GetFoundationModelAvailability", "ListFoundationModels",
                 "PutModelInvocationLoggingConfiguration", "DeleteModelInvocationLoggingConfiguration",
                 "CreateModelInvocationJob"]),
    "ses": ("ses.amazonaws.com", [], [],
            ["VerifyEmailIdentity", "GetSendQuota", "ListIdentities", "UpdateAccountSendingEnabled",
             "DeleteIdentity", "GetAccount", "ListEmailIdentities"]),
    "account": ("account.amazonaws.com", [], [],
                ["PutAlternateContact", "DeleteAlternateContact", "DisableRegion", "EnableRegion",
                 "PutContactInformation"]),
    "ram": ("ram.amazonaws.com", [], [],
            ["CreateResourceShare", "AssociateResourceShare", "EnableSharingWithAwsOrganization",
             "UpdateResourceShare"]),
    "ec2-instance-connect": ("ec2-instance-connect.amazonaws.com", [], [],
                             ["SendSSHPublicKey", "SendSerialConsoleSSHPublicKey", "OpenTunnel"]),
    "elasticfilesystem": ("elasticfilesystem.amazonaws.com", [], [],
                          ["DeleteFileSystem", "PutFileSystemPolicy", "DeleteMountTarget", "CreateMountTarget"]),
    "kinesis": ("kinesis.amazonaws.com", [], [],
                ["DeleteStream", "DisableEnhancedMonitoring", "StopStreamEncryption", "UpdateShardCount"]),
    "redshift": ("redshift.amazonaws.com", [], [],
                 ["ModifyCluster", "DeleteCluster", "ModifyClusterSnapshot", "AuthorizeSnapshotAccess",
                  "DisableLogging", "CreateClusterUser"]),
    "identitystore": ("identitystore.amazonaws.com", [], [],
                      ["CreateUser", "CreateGroupMembership", "DeleteUser", "UpdateUser", "CreateGroup"]),
    "cloudshell": ("cloudshell.amazonaws.com", [], [],
                   ["CreateEnvironment", "CreateSession", "GetFileDownloadUrls", "GetFileUploadUrls",
                    "PutCredentials"]),
    "macie2": ("macie2.amazonaws.com", [], [],
               ["DisableMacie", "UpdateMacieSession", "DeleteMember", "DisassociateFromAdministratorAccount"]),
    "inspector2": ("inspector2.amazonaws.com", [], [],
                   ["Disable", "DisassociateMember", "UpdateConfiguration", "DeleteFilter"]),
    "apigateway": ("apigateway.amazonaws.com", [], [],
                   ["CreateApiKey", "DeleteRestApi", "UpdateStage", "CreateDeployment", "DeleteStage"]),
}

# Services whose calls the event generator writes (weights roughly follow its traffic).
GENERATED = ["ec2", "s3", "iam", "sts", "kms", "lambda", "logs", "monitoring", "ssm", "secretsmanager",
             "dynamodb", "rds", "cloudtrail", "config", "organizations", "sso", "signin", "guardduty"]
OTHER = [s for s in SERVICES if s not in GENERATED]

# The account the event generator invents for --seed 7 is random, so account ids in
# values are either wildcards or from these (never seen) accounts.
FOREIGN_ACCOUNTS = ["111122223333", "444455556666", "123456789012", "210987654321"]

# requestParameters conditions per service: (field, values the event generator writes,
# values it never writes).  Values hold no '*', '?' or '\\'.
PARAMS = {
    "ec2": [
        ("requestParameters.instanceType", ["t3.medium", "m6i.large", "c6i.2xlarge"],
         ["p4d.24xlarge", "p5.48xlarge", "g5.12xlarge", "x2iedn.32xlarge"]),
        ("requestParameters.attribute", [], ["userData", "instanceInitiatedShutdownBehavior", "disableApiTermination"]),
        ("requestParameters.ipPermissions.items.ipRanges.items.cidrIp", ["10.0.0.0/8", "172.16.0.0/12"],
         ["0.0.0.0/0"]),
        ("requestParameters.ipPermissions.items.ipv6Ranges.items.cidrIpv6", [], ["::/0"]),
        ("requestParameters.ipPermissions.items.fromPort", ["443", "5432"], ["22", "3389", "445", "23"]),
        ("requestParameters.filterSet.items.name", ["vpc-id", "instance-state-name", "resource-type"],
         ["owner-alias", "image-id"]),
        ("requestParameters.maxResults", ["1000"], ["5"]),
        ("requestParameters.cidrBlock", ["0.0.0.0/0"], ["10.99.0.0/16"]),
        ("requestParameters.ruleAction", ["allow"], ["deny"]),
        ("requestParameters.createVolumePermission.add.items.group", [], ["all"]),
        ("requestParameters.launchTemplate.version", ["$Latest"], ["$Default"]),
    ],
    "s3": [
        ("requestParameters.bucketName",
         ["nimbus-cloudtrail-logs", "nimbus-data-lake-curated", "nimbus-backups-us-west-2",
          "nimbus-static-site-eu-west-1", "nimbus-config-snapshots-eu-west-1", "nimbus-app-assets"],
         ["corp-finance-exports", "prod-customer-pii", "legacy-ftp-drop", "terraform-state-prod"]),
        ("requestParameters.Host", [".s3.us-east-1.amazonaws.com", ".s3.eu-west-1.amazonaws.com", "s3.amazonaws.com"],
         [".s3-website-us-east-1.amazonaws.com", ".s3.ap-southeast-2.amazonaws.com"]),
        ("requestParameters.x-amz-acl", [], ["public-read", "public-read-write", "authenticated-read"]),
        ("requestParameters.bucketPolicy.Statement.Principal", [], ["*"]),
    ],
    "iam": [
        ("requestParameters.roleName",
         ["orders-api-instance-role", "github-actions-deploy", "data-pipeline-glue-role",
          "AWSServiceRoleForConfig", "backup-operator"],
         ["OrganizationAccountAccessRole", "AdminRole", "break-glass-role", "pentest-role"]),
        ("requestParameters.policyArn",
         ["arn:aws:iam::aws:policy/AdministratorAccess", "policy/kms-app-decrypt", "policy/ci-deploy-lambda"],
         ["arn:aws:iam::aws:policy/IAMFullAccess", "arn:aws:iam::aws:policy/PowerUserAccess",
          "arn:aws:iam::aws:policy/AmazonS3FullAccess"]),
        ("requestParameters.userName",
         ["breakglass-admin", "svc-jenkins", "terraform-legacy", "vendor-sftp-sync", "yuki.sato"],
         ["admin", "backdoor", "support-temp", "root-automation"]),
        ("requestParameters.versionId", ["v1", "v5"], ["v9"]),
        ("requestParameters.serialNumber", [":mfa/"], [":u2f/"]),
    ],
    "sts": [
        ("requestParameters.roleArn",
         [":role/data-pipeline-glue-role", ":role/orders-api-instance-role", ":role/cost-report-lambda-role",
          ":role/aws-service-role/"],
         [":role/OrganizationAccountAccessRole", ":role/CrossAccountAdmin"]),
        ("requestParameters.roleSessionName",
         ["GlueJobRunnerSession", "AWSConfig-Describe", "image-resizer", "cost-report", "GitHubActions"],
         ["pacu", "stratus-red-team", "aws-go-sdk-0", "botocore-session-0"]),
        ("requestParameters.durationSeconds", ["3600"], ["43200", "129600"]),
    ],
    "kms": [
        ("requestParameters.keyId", [":key/", "alias/"], ["alias/aws/ebs", "alias/legacy-migration"]),
        ("requestParameters.encryptionAlgorithm", ["SYMMETRIC_DEFAULT"], ["RSAES_OAEP_SHA_256"]),
        ("requestParameters.keySpec", ["AES_256"], ["AES_128"]),
        ("requestParameters.pendingWindowInDays", ["30"], ["7"]),
        ("requestParameters.policyName", ["default"], ["custom"]),
    ],
    "lambda": [
        ("requestParameters.functionName",
         ["invoice-processor", "image-resizer", "cost-report", "slack-notifier", "orders-events-consumer"],
         ["crypto-miner", "shell-runner", "exfil-helper"]),
        ("requestParameters.s3Bucket", ["nimbus-ml-artifacts"], ["attacker-payloads"]),
        ("requestParameters.principal", [], ["*", "s3.amazonaws.com"]),
        ("requestParameters.functionVersion", ["ALL"], ["LATEST"]),
    ],
    "logs": [
        ("requestParameters.logGroupName",
         ["/aws/lambda/invoice-processor", "/aws/lambda/", "/ecs/orders-api", "vpc-flow-logs",
          "/aws/rds/instance/orders-db/postgresql"],
         ["/aws/cloudtrail/org-trail", "/security/audit", "aws-waf-logs-prod"]),
        ("requestParameters.filterPattern", ["ERROR", "?Exception ?Timeout"], ["password", "AKIA"]),
        ("requestParameters.retentionInDays", ["30", "90"], ["1", "3"]),
        ("requestParameters.logGroupNamePrefix", ["/ecs/", "/aws/lambda/"], ["/aws/cloudtrail"]),
    ],
    "monitoring": [
        ("requestParameters.alarmName", ["cost-report-errors", "invoice-processor-errors"],
         ["cis-root-usage", "unauthorized-api-calls"]),
        ("requestParameters.dashboardName", ["orders-overview", "platform-health"], ["security-overview"]),
        ("requestParameters.stateValue", ["ALARM"], ["INSUFFICIENT_DATA"]),
        ("requestParameters.namespace", ["AWS/Lambda"], ["CloudTrailMetrics", "AWS/Billing"]),
    ],
    "ssm": [
        ("requestParameters.name",
         ["/prod/payments/db-host", "/prod/orders/api-url", "/staging/search/db-host", "/prod/"],
         ["/prod/admin/password", "AWS-RunShellScript", "AWS-RunPowerShellScript"]),
        ("requestParameters.withDecryption", ["true"], []),
        ("requestParameters.path", ["/prod/payments", "/staging/orders"], ["/prod/secrets"]),
        ("requestParameters.documentName", [], ["AWS-RunShellScript", "AWS-StartSSHSession",
                                               "AWS-StartPortForwardingSession"]),
        ("requestParameters.platformType", ["Linux"], ["Windows", "MacOS"]),
        ("requestParameters.agentVersion", ["3.3.987.0"], ["2.3.1319.0"]),
    ],
    "secretsmanager": [
        ("requestParameters.secretId",
         ["prod/jwt-signing-key", "prod/payments/stripe-api-key", "prod/orders-db/credentials",
          "staging/orders-db/credentials", "prod/"],
         ["prod/root-credentials", "legacy/ldap-bind"]),
        ("requestParameters.maxResults", ["100"], ["1"]),
    ],
    "dynamodb": [
        ("requestParameters.tableName", ["orders", "sessions", "inventory", "idempotency-keys", "audit-events"],
         ["customers", "payment-cards"]),
        ("requestParameters.resourceArn", [":table/audit-events", ":table/orders"], [":table/customers"]),
    ],
    "rds": [
        ("requestParameters.dBInstanceIdentifier", ["orders-db", "orders-db-replica", "reporting-db"],
         ["analytics-db", "legacy-mysql"]),
        ("requestParameters.publiclyAccessible", [], ["true"]),
        ("requestParameters.snapshotType", ["automated"], ["manual"]),
        ("requestParameters.attributeName", [], ["restore"]),
    ],
    "cloudtrail": [
        ("requestParameters.name", [":trail/org-management-trail", "org-management-trail"],
         ["security-trail", "management-events"]),
        ("requestParameters.trailName", [":trail/org-management-trail"], ["security-trail"]),
        ("requestParameters.includeShadowTrails", ["true"], []),
        ("requestParameters.isMultiRegionTrail", ["false"], []),
        ("requestParameters.s3BucketName", ["backup-archive-"], ["audit-logs-archive"]),
    ],
    "config": [
        ("requestParameters.configurationRecorderName", ["default"], ["org-recorder"]),
        ("requestParameters.configRuleName", [], ["s3-bucket-public-read-prohibited", "root-account-mfa-enabled"]),
    ],
    "organizations": [
        ("requestParameters.accountId", [], FOREIGN_ACCOUNTS),
        ("requestParameters.policyType", [], ["SERVICE_CONTROL_POLICY", "TAG_POLICY"]),
    ],
    "sso": [
        ("requestParameters.instanceArn", ["arn:aws:sso:::instance/ssoins-"], []),
        ("requestParameters.permissionSetArn", [":permissionSet/ssoins-"], []),
        ("requestParameters.principalType", [], ["USER", "GROUP"]),
    ],
    "signin": [
        ("responseElements.ConsoleLogin", ["Failure", "Success"], []),
        ("additionalEventData.MFAUsed", ["No", "Yes"], []),
        ("additionalEventData.LoginTo", ["https://console.aws.amazon.com/console/home"], []),
    ],
    "guardduty": [
        ("requestParameters.detectorId", ["cd8db0114a3abc2cfa113b55290a6775"], ["00000000000000000000000000000000"]),
        ("requestParameters.maxResults", ["50"], ["1"]),
    ],
}
GENERIC_PARAMS = [
    ("requestParameters.name", [], ["prod", "security", "audit", "backup", "admin"]),
    ("requestParameters.clientToken", [], ["pacu-"]),
    ("requestParameters.roleArn", [], [":role/OrganizationAccountAccessRole"]),
    ("requestParameters.resourceArn", [], [":role/", ":user/"]),
    ("requestParameters.policy", [], ['"Principal":"*"', '"Effect":"Allow"']),
]

USER_AGENTS_SEEN = ["aws-cli/2.", "Boto3/1.34.145", "Boto3/1.35.36", "aws-sdk-java/2.28.16", "aws-sdk-go/1.55.5",
                    "HashiCorp/1.0 Terraform/1.9.8", "console.amazonaws.com", "AWS Internal",
                    "S3Console/0.4", "kali", "config.amazonaws.com"]
USER_AGENTS_OTHER = ["python-requests/", "curl/", "Go-http-client/", "Pacu", "stratus-red-team", "cloudsploit",
                     "ScoutSuite", "prowler", "Postman", "parrot", "pentoo", "nmap", "sqlmap", "aws-sdk-rust"]

ERROR_CODES_SEEN = ["AccessDenied", "AccessDeniedException", "Client.UnauthorizedOperation", "NoSuchBucketPolicy",
                    "ResourceNotFoundException", "ParameterNotFound", "NoSuchEntityException",
                    "ThrottlingException", "Client.RequestLimitExceeded"]
ERROR_CODES_OTHER = ["UnauthorizedOperation", "Client.InvalidPermission.Malformed", "InvalidClientTokenId",
                     "SignatureDoesNotMatch", "ExpiredToken", "OptInRequired", "InvalidAccessKeyId",
                     "UnrecognizedClientException", "ValidationException"]

CIDRS_SEEN = ["203.0.113.0/24", "192.0.2.0/24", "198.51.100.0/24", "10.0.0.0/8", "44.192.0.0/10",
              "3.0.0.0/8", "54.0.0.0/8", "18.0.0.0/8", "52.0.0.0/8"]
CIDRS_OTHER = ["185.220.100.0/22", "45.137.21.0/24", "2001:db8::/32", "100.64.0.0/10", "5.188.10.0/24",
               "91.219.236.0/22", "172.16.0.0/12", "192.168.0.0/16"]
INTERNAL_CIDRS = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "203.0.113.0/24"]

IDENTITY_CONDS = [
    # (field, modifier, values seen, values not seen)
    ("userIdentity.type", "", ["Root", "IAMUser", "AWSService", "WebIdentityUser"],
     ["FederatedUser", "SAMLUser", "IdentityCenterUser"]),
    ("userIdentity.arn", "contains", [":user/", ":root", "assumed-role/AWSReservedSSO_",
                                      "assumed-role/github-actions-deploy", "assumed-role/eks-node-"],
     [":user/admin", "assumed-role/OrganizationAccountAccessRole"]),
    ("userIdentity.arn", "endswith", [":root", ":user/breakglass-admin", ":user/svc-jenkins"],
     [":user/Administrator"]),
    ("userIdentity.sessionContext.sessionIssuer.userName", "startswith",
     ["AWSReservedSSO_AdministratorAccess_", "AWSReservedSSO_PowerUserAccess_", "AWSServiceRoleFor"],
     ["OrganizationAccountAccessRole", "stacksets-exec-"]),
    ("userIdentity.sessionContext.sessionIssuer.userName", "",
     ["github-actions-deploy", "ObservabilityVendorReadOnly", "backup-operator", "batch-worker-instance-role"],
     ["OrganizationAccountAccessRole", "AWSControlTowerExecution"]),
    ("userIdentity.accessKeyId", "startswith", ["AKIA", "ASIA"], []),
    ("userIdentity.sessionContext.attributes.mfaAuthenticated", "", ["false", "true"], []),
    ("userIdentity.invokedBy", "", ["cloudtrail.amazonaws.com", "config.amazonaws.com"],
     ["cloudformation.amazonaws.com", "AWS Internal"]),
    ("userIdentity.userName", "", ["breakglass-admin", "svc-jenkins", "terraform-legacy"], ["Administrator"]),
    ("userIdentity.principalId", "endswith", [":GitHubActions", "@nimbusretail.example"], [":pacu"]),
]

FILTERS = [
    ("filter_main_failed", [("errorCode|exists", [True])]),
    ("filter_main_aws_service", [("userIdentity.type", ["AWSService"])]),
    ("filter_main_service_invoked", [("userIdentity.invokedBy|endswith", [".amazonaws.com"])]),
    ("filter_optional_terraform", [("userAgent|contains", ["Terraform/"])]),
    ("filter_main_sso_admin", [("userIdentity.sessionContext.sessionIssuer.userName|startswith",
                                ["AWSReservedSSO_AdministratorAccess_"])]),
    ("filter_main_config", [("userIdentity.arn|contains", ["AWSServiceRoleForConfig"])]),
    ("filter_optional_ci", [("userIdentity.sessionContext.sessionIssuer.arn|endswith",
                             [":role/github-actions-deploy", ":role/backup-operator"])]),
    ("filter_main_internal", [("sourceIPAddress|cidr", ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"])]),
    ("filter_optional_console", [("userAgent", ["console.amazonaws.com", "AWS Internal"])]),
    ("filter_main_readonly", [("readOnly", [True])]),
]

REGEXES = [
    # (service the field belongs to or None, field, pattern)
    (None, "userAgent", r"aws-cli/2\.(1[0-9]|2[0-9])\.\d+ .*os/linux#[^ ]*kali"),
    (None, "userAgent", r"^(python-requests|curl|Wget|Go-http-client)/"),
    (None, "userAgent", r"Boto3/1\.3[0-5]\.\d+ md/Botocore"),
    ("s3", "requestParameters.bucketName", r"^nimbus-[a-z-]+-\d{12}$"),
    ("s3", "requestParameters.bucketName", r"(backup|export|dump)s?-[a-z0-9-]*$"),
    (None, "userIdentity.arn", r":assumed-role/AWSReservedSSO_(Administrator|PowerUser)Access_[0-9a-f]{16}/"),
    (None, "userIdentity.arn", r"^arn:aws:iam::\d{12}:(root|user/[a-z]+\.[a-z]+)$"),
    (None, "sourceIPAddress", r"^(198\.51\.100|203\.0\.113)\.\d{1,3}$"),
    (None, "sourceIPAddress", r"^(185\.220\.10[0-3]|45\.137\.21)\.\d+$"),
    ("sts", "requestParameters.roleSessionName", r"^i-[0-9a-f]{17}$"),
    ("sts", "requestParameters.roleSessionName", r"(?i)^(pacu|stratus|cloudfox)"),
    (None, "errorMessage", r"not authorized to perform: (iam|sts|kms):[A-Za-z]+"),
    (None, "userIdentity.principalId", r"^AROA[A-Z0-9]{16,17}:[a-z]+\.[a-z]+@"),
    ("ssm", "requestParameters.name", r"^/prod/[a-z]+/(db-host|api-url)$"),
    ("secretsmanager", "requestParameters.secretId", r"^prod/[a-z-]+/(credentials|stripe-api-key)$"),
    ("s3", "eventName", r"^(Put|Delete)Bucket(Policy|Acl|PublicAccessBlock)$"),
    ("iam", "eventName", r"^(Create|Delete|Update)(User|Role|Group)$"),
    (None, "tlsDetails.clientProvidedHostHeader", r"\.(us-east-1|eu-west-1)\.amazonaws\.com$"),
    ("logs", "requestParameters.logGroupName", r"^/aws/lambda/[a-z-]+-(processor|consumer)$"),
]

KEYWORDS_SEEN = ["AdministratorAccess", "kali", "nimbus-backups-us-west-2", "StopLogging", "0.0.0.0/0",
                 "breakglass-admin", "stripe-api-key"]
KEYWORDS_OTHER = ["xmrig", "pacu", "stratus-red-team", "mimikatz", "ngrok.io", "pastebin.com", "BEGIN RSA PRIVATE KEY",
                  "cryptominer", "/etc/shadow", "transfer.sh"]

TACTICS = [
    ("defense-evasion", ["t1562.001", "t1562.008", "t1070", "t1578", "t1535"]),
    ("persistence", ["t1098", "t1098.001", "t1136.003", "t1078.004"]),
    ("privilege-escalation", ["t1098.003", "t1484", "t1548"]),
    ("credential-access", ["t1552.005", "t1555.006", "t1528", "t1110"]),
    ("discovery", ["t1580", "t1526", "t1087.004", "t1069.003", "t1619"]),
    ("exfiltration", ["t1537", "t1567"]),
    ("impact", ["t1485", "t1486", "t1490", "t1496", "t1531"]),
    ("initial-access", ["t1078.004", "t1190"]),
    ("execution", ["t1651", "t1648", "t1059.009"]),
    ("collection", ["t1530", "t1119"]),
    ("lateral-movement", ["t1021.007", "t1550.001"]),
]

LEVELS = [("informational", 8), ("low", 24), ("medium", 38), ("high", 22), ("critical", 8)]
STATUSES = [("experimental", 30), ("test", 45), ("stable", 25)]
AUTHORS = ["vigil benchmark generator", "Detection Engineering (generated)", "Cloud SOC (generated)",
           "Threat Research (generated)"]
FALSEPOSITIVES = ["Administrative changes made through infrastructure as code",
                  "Incident responders working from the break-glass account",
                  "Scheduled automation run by a service role",
                  "Security tooling that inventories the account",
                  "New deployments during a change window"]

# Rule shapes and their weights (per mille).  regex and keyword get their rates from the
# command line.
SHAPES = [("api", 330), ("param", 270), ("identity", 110), ("multi", 80), ("network", 50),
          ("useragent", 50), ("error", 50), ("console", 15), ("wildcard", 45)]


# --------------------------------------------------------------------------- helpers

def q(s):
    """A YAML scalar: booleans and numbers plain, everything else single-quoted."""
    if isinstance(s, bool):
        return "true" if s else "false"
    if isinstance(s, (int, float)):
        return repr(s)
    return "'" + str(s).replace("'", "''") + "'"


def esc(v):
    """A literal Sigma string value: wildcards and backslashes escaped."""
    return re.sub(r"([*?\\])", r"\\\1", v)


def esc_all(values):
    return [esc(v) for v in values]


def wpick(r, pairs):
    total = sum(w for _, w in pairs)
    x = r.random() * total
    for item, w in pairs:
        x -= w
        if x < 0:
            return item
    return pairs[-1][0]


def uuid4(r):
    n = r.getrandbits(128)
    h = "%032x" % n
    return "%s-%s-4%s-%s%s-%s" % (h[:8], h[8:12], h[13:16], "89ab"[n & 3], h[17:20], h[20:])


def sample(r, seq, k):
    k = max(1, min(k, len(seq)))
    return r.sample(seq, k)


class Rule:
    """Detection items in order: a list of (identifier, [(field_with_modifiers, [values])])
    or (identifier, [str keywords]) for keyword lists; plus the condition."""

    def __init__(self):
        self.ids = []
        self.condition = ""
        self.title = ""
        self.description = ""
        self.svc = None

    def add(self, name, items):
        self.ids.append((name, items))


# --------------------------------------------------------------------------- shapes

class Generator:
    def __init__(self, seed, regex_rate, keyword_rate):
        self.r = random.Random("vigil-rules-%s" % seed)
        shapes = list(SHAPES)
        rest = 1000 - regex_rate * 1000 - keyword_rate * 1000
        scale = rest / sum(w for _, w in shapes)
        self.shapes = [(s, w * scale) for s, w in shapes]
        if regex_rate > 0:
            self.shapes.append(("regex", regex_rate * 1000))
        if keyword_rate > 0:
            self.shapes.append(("keyword", keyword_rate * 1000))

    # Which service a rule is about: two in three rules are about services the event
    # generator writes.
    def service(self, generated_share=0.67):
        r = self.r
        if r.random() < generated_share:
            return r.choice(GENERATED)
        return r.choice(OTHER)

    def names(self, svc, k, reads=0.0, writes=0.35):
        """k event names of svc: rare write calls of the generator with probability
        `writes`, frequent read calls with probability `reads`, else names it never writes."""
        r = self.r
        _, rd, wr, other = SERVICES[svc]
        out = []
        for _ in range(k):
            x = r.random()
            pool = rd if (x < reads and rd) else wr if (x < reads + writes and wr) else other or wr or rd
            n = r.choice(pool)
            if n not in out:
                out.append(n)
        return out

    def source_items(self, svc, names):
        return [("eventSource", [SERVICES[svc][0]]), ("eventName", names)]

    def param(self, svc, hit=0.5):
        """One requestParameters item for svc: (field|modifiers, values)."""
        r = self.r
        pool = PARAMS.get(svc, []) + (GENERIC_PARAMS if r.random() < 0.15 or svc not in PARAMS else [])
        field, seen, other = r.choice(pool)
        values = seen if (seen and (r.random() < hit or not other)) else other
        k = 1 if r.random() < 0.6 else r.randint(2, 4)
        vals = sample(r, values, k)
        mod = wpick(r, [("", 50), ("contains", 22), ("startswith", 13), ("endswith", 10), ("wild", 5)])
        if mod == "wild" and all(re.fullmatch(r"[A-Za-z0-9_./:-]{4,}", v) for v in vals):
            return (field, [self.wildcard(v) for v in vals])
        if mod == "wild":
            mod = "contains"
        vals = esc_all(vals)
        if mod == "" and any(v.startswith((":", "/", ".")) or v.endswith(("/", "-", "_")) for v in vals):
            mod = "contains"  # fragments make sense only as substrings
        if mod == "contains" and len(vals) > 1 and r.random() < 0.15:
            return (field + "|contains|all", vals)
        return (field + ("|" + mod if mod else ""), vals)

    def wildcard(self, v):
        """A value with an inner '*' or a '?': never a plain prefix/suffix/substring."""
        r = self.r
        if len(v) < 4:
            return v + "?"
        i = r.randrange(1, len(v) - 1)
        if r.random() < 0.7:
            return v[:i] + "*" + v[i + 1:]
        return v[:i] + "?" + v[i + 1:]

    def filters(self, k):
        chosen = self.r.sample(FILTERS, k)
        return chosen

    def finish(self, rule, sel_expr, filters):
        for name, items in filters:
            rule.add(name, items)
        if not filters:
            rule.condition = sel_expr
        elif len(filters) == 1:
            rule.condition = "%s and not %s" % (sel_expr, filters[0][0])
        else:
            prefixes = {n.split("_")[0] + "_" + n.split("_")[1] for n, _ in filters}
            if len(prefixes) == 1 and self.r.random() < 0.5:
                rule.condition = "%s and not 1 of %s_*" % (sel_expr, prefixes.pop())
            else:
                rule.condition = "%s and not (%s)" % (sel_expr, " or ".join(n for n, _ in filters))

    def n_filters(self):
        return wpick(self.r, [(0, 45), (1, 40), (2, 15)])

    def make(self, shape):
        rule = Rule()
        r = self.r
        if shape == "api":
            svc = self.service()
            names = self.names(svc, r.randint(1, 5))
            rule.add("selection", self.source_items(svc, names))
            self.finish(rule, "selection", self.filters(self.n_filters()))
            rule.svc, rule.what = svc, names
        elif shape == "param":
            svc = self.service(0.85)
            names = self.names(svc, r.randint(1, 4), reads=0.5, writes=0.25)
            items = self.source_items(svc, names)
            items.append(self.param(svc))
            if r.random() < 0.25:
                extra = self.param(svc)
                if extra[0].split("|")[0] not in [i[0].split("|")[0] for i in items]:
                    items.append(extra)
            rule.add("selection", items)
            self.finish(rule, "selection", self.filters(wpick(r, [(0, 60), (1, 35), (2, 5)])))
            rule.svc, rule.what = svc, names
        elif shape == "identity":
            svc = self.service(0.8)
            names = self.names(svc, r.randint(1, 4), reads=0.25, writes=0.3)
            field, mod, seen, other = r.choice(IDENTITY_CONDS)
            values = seen if (seen and (r.random() < 0.6 or not other)) else other
            items = self.source_items(svc, names)
            if r.random() < 0.3:
                items = items[1:]  # eventName alone, as many Sigma rules do
            items.append((field + ("|" + mod if mod else ""), esc_all(sample(r, values, r.randint(1, 2)))))
            rule.add("selection", items)
            self.finish(rule, "selection", self.filters(wpick(r, [(0, 60), (1, 40)])))
            rule.svc, rule.what = svc, names
        elif shape == "multi":
            svc = self.service()
            verbs = ["create", "delete", "modify", "attach", "disable", "update", "put"]
            k = r.randint(2, 4)
            sels = []
            used = set()
            for v in r.sample(verbs, k):
                names = [n for n in self.names(svc, r.randint(1, 3), reads=0.0, writes=0.35) if n not in used]
                if not names:
                    break
                used.update(names)
                items = self.source_items(svc, names)
                if r.random() < 0.3:
                    items.append(self.param(svc))
                sels.append(("selection_" + v, items))
            for name, items in sels:
                rule.add(name, items)
            self.finish(rule, "1 of selection_*", self.filters(wpick(r, [(0, 30), (1, 45), (2, 25)])))
            rule.svc, rule.what = svc, [n for _, items in sels for n in items[1][1]]
        elif shape == "network":
            svc = self.service()
            names = self.names(svc, r.randint(1, 5), reads=0.15, writes=0.3)
            items = self.source_items(svc, names)
            if r.random() < 0.5:
                cidrs = sample(r, CIDRS_OTHER + CIDRS_SEEN[:3], r.randint(1, 4))
                items.append(("sourceIPAddress|cidr", cidrs))
                rule.add("selection", items)
                self.finish(rule, "selection", [])
            else:
                rule.add("selection", items)
                rule.add("filter_main_trusted_networks",
                         [("sourceIPAddress|cidr", sample(r, INTERNAL_CIDRS + CIDRS_SEEN[4:], r.randint(2, 5)))])
                extra = self.filters(wpick(r, [(0, 70), (1, 30)]))
                extra = [f for f in extra if f[0] != "filter_main_internal"]
                for name, fitems in extra:
                    rule.add(name, fitems)
                names_f = ["filter_main_trusted_networks"] + [n for n, _ in extra]
                rule.condition = "selection and not " + (
                    names_f[0] if len(names_f) == 1 else "(" + " or ".join(names_f) + ")")
            rule.svc, rule.what = svc, names
        elif shape == "useragent":
            svc = self.service(0.75)
            names = self.names(svc, r.randint(1, 5), reads=0.25, writes=0.3)
            items = self.source_items(svc, names) if r.random() < 0.7 else [("eventSource", [SERVICES[svc][0]])]
            pool = USER_AGENTS_SEEN if r.random() < 0.4 else USER_AGENTS_OTHER
            mod = wpick(r, [("contains", 60), ("startswith", 30), ("endswith", 10)])
            items.append(("userAgent|" + mod, esc_all(sample(r, pool, r.randint(1, 4)))))
            rule.add("selection", items)
            self.finish(rule, "selection", self.filters(wpick(r, [(0, 70), (1, 30)])))
            rule.svc, rule.what = svc, names
        elif shape == "error":
            svc = self.service(0.8)
            items = [("eventSource", [SERVICES[svc][0]])]
            if r.random() < 0.5:
                items.append(("eventName", self.names(svc, r.randint(1, 5), reads=0.5, writes=0.2)))
            pool = ERROR_CODES_SEEN if r.random() < 0.6 else ERROR_CODES_OTHER
            items.append(("errorCode", sample(r, pool, r.randint(1, 3))))
            if r.random() < 0.3:
                items.append(("errorMessage|contains", [r.choice(["not authorized", "explicit deny",
                                                                   "does not exist", "Rate exceeded"])]))
            rule.add("selection", items)
            self.finish(rule, "selection", [])
            rule.svc, rule.what = svc, [i for i in items if i[0] == "errorCode"][0][1]
        elif shape == "console":
            items = [("eventSource", ["signin.amazonaws.com"]), ("eventName", ["ConsoleLogin"])]
            field, seen, _ = r.choice(PARAMS["signin"])
            items.append((field, [esc(r.choice(seen))]))
            if r.random() < 0.5:
                f, mod, seen, other = r.choice(IDENTITY_CONDS[:3])
                items.append((f + ("|" + mod if mod else ""), [esc(r.choice(seen + other))]))
            rule.add("selection", items)
            self.finish(rule, "selection", self.filters(wpick(r, [(0, 50), (1, 50)])))
            rule.svc, rule.what = "signin", ["ConsoleLogin"]
        elif shape == "wildcard":
            svc = self.service()
            _, rd, wr, other = SERVICES[svc]
            pool = rd + wr + other
            n = r.choice(pool)
            # An eventName pattern with an inner wildcard ('Put*Policy', 'Delete?ucket').
            m = re.match(r"^([A-Z][a-z]+)(.*)$", n)
            if m and len(m.group(2)) > 3:
                tail = m.group(2)
                j = r.randrange(1, len(tail) - 1)
                pat = m.group(1) + "*" + tail[j:]
            else:
                pat = self.wildcard(n)
            items = [("eventSource", [SERVICES[svc][0]]), ("eventName", [pat])]
            if r.random() < 0.4:
                items.append(self.param(svc))
            rule.add("selection", items)
            self.finish(rule, "selection", self.filters(self.n_filters()))
            rule.svc, rule.what = svc, [pat]
        elif shape == "regex":
            rsvc, field, pattern = r.choice(REGEXES)
            mods = "|re" + ("|i" if r.random() < 0.2 else "")
            svc = rsvc or self.service()
            if field == "eventName" or r.random() < 0.3:
                items = [(field + mods, [pattern])]
                rule.svc, rule.what = svc, ["regex"]
                if field != "eventName":
                    items.insert(0, ("eventSource", [SERVICES[svc][0]]))
            else:
                names = self.names(svc, r.randint(1, 4), reads=0.25, writes=0.3)
                items = self.source_items(svc, names) + [(field + mods, [pattern])]
                rule.svc, rule.what = svc, names
            rule.add("selection", items)
            self.finish(rule, "selection", [])
        elif shape == "keyword":
            pool = KEYWORDS_SEEN if r.random() < 0.3 else KEYWORDS_OTHER
            rule.add("keywords", esc_all(sample(r, pool, r.randint(1, 3))))
            rule.condition = "keywords"
            rule.svc, rule.what = "any", ["keywords"]
        else:
            raise ValueError(shape)
        rule.shape = shape
        return rule

    # ----------------------------------------------------------------- metadata + text
    def render(self, i, rule):
        r = self.r
        what = ", ".join(rule.what[:3]) + (" ..." if len(rule.what) > 3 else "")
        shape_text = {
            "api": "calls", "param": "calls with specific request parameters",
            "identity": "calls by a specific kind of identity", "multi": "configuration changes",
            "network": "calls from unexpected networks", "useragent": "calls from unusual clients",
            "error": "failed calls", "console": "console sign-ins", "wildcard": "calls matching a pattern",
            "regex": "calls matching a regular expression", "keyword": "records mentioning suspicious strings",
        }[rule.shape]
        svc_title = rule.svc.upper() if len(rule.svc) <= 3 else rule.svc.capitalize()
        title = "Generated %s %s: %s (g%05d)" % (svc_title, shape_text, what, i)
        level = wpick(r, LEVELS)
        status = wpick(r, STATUSES)
        tactic, techniques = r.choice(TACTICS)
        tags = ["attack." + tactic] + ["attack." + t for t in sample(r, techniques, r.randint(1, 2))]
        rid = uuid4(r)
        date = "2026-%02d-%02d" % (r.randint(1, 10), r.randint(1, 28))
        lines = [
            "title: " + q(title),
            "id: " + rid,
            "status: " + status,
            "description: " + q("Generated benchmark rule %d (%s shape). Detects %s of %s. "
                                "Not a real detection." % (i, rule.shape, shape_text, what)),
            "references:",
            "    - " + q("https://docs.aws.amazon.com/%s/latest/APIReference/" % rule.svc),
            "author: " + q(r.choice(AUTHORS)),
            "date: " + date,
            "tags:",
        ] + ["    - " + t for t in tags] + [
            "logsource:",
            "    product: aws",
            "    service: cloudtrail",
            "detection:",
        ]
        for name, items in rule.ids:
            if name == "keywords":
                lines.append("    keywords:")
                lines += ["        - " + q(k) for k in items]
                continue
            lines.append("    %s:" % name)
            for field, values in items:
                if len(values) == 1:
                    lines.append("        %s: %s" % (field, q(values[0])))
                else:
                    lines.append("        %s:" % field)
                    lines += ["            - " + q(v) for v in values]
        lines.append("    condition: " + rule.condition)
        lines.append("falsepositives:")
        lines.append("    - " + q(r.choice(FALSEPOSITIVES)))
        lines.append("level: " + level)
        return "\n".join(lines) + "\n"


def render_shape_rule(i, shape, svc, what, ids, cond):
    """The text of rule i of a one-shape set (rule_shapes.py): metadata drawn from its own
    seeded generator, so that rule i depends on i alone."""
    import rule_shapes
    r = random.Random("vigil-shape-meta-%s-%d" % (shape, i))
    fields = ", ".join(what[:2]) + (" ..." if len(what) > 2 else "")
    title = "Generated %s rule on %s (%s-%05d)" % (shape, fields, shape, i)
    tactic, techniques = r.choice(TACTICS)
    tags = ["attack." + tactic] + ["attack." + t for t in sample(r, techniques, r.randint(1, 2))]
    lines = [
        "title: " + q(title),
        "id: " + uuid4(r),
        "status: " + wpick(r, STATUSES),
        "description: " + q("Generated benchmark rule %d of the %s shape set (%s). Not a real detection."
                            % (i, shape, fields)),
        "references:",
        "    - " + q("https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference.html"),
        "author: " + q(r.choice(AUTHORS)),
        "date: 2026-%02d-%02d" % (r.randint(1, 10), r.randint(1, 28)),
        "tags:",
    ] + ["    - " + t for t in tags] + [
        "logsource:",
        "    product: aws",
        "    service: cloudtrail",
    ] + rule_shapes.render_detection(ids, cond, q) + [
        "falsepositives:",
        "    - " + q(r.choice(FALSEPOSITIVES)),
        "level: " + wpick(r, LEVELS),
    ]
    return "\n".join(lines) + "\n"


def shape_rules(args):
    """[(file name stem parts (svc, shape), text)] of a one-shape set."""
    import rule_shapes
    g = rule_shapes.ShapeGenerator(args.shape, args.seed, args.hit_rate)
    out = []
    for i in range(1, args.count + 1):
        svc, what, ids, cond = g.rule(i)
        rule = Rule()
        rule.svc, rule.shape = svc, args.shape
        out.append((rule, render_shape_rule(i, args.shape, svc, what, ids, cond)))
    if args.stats:
        print("%s: %d rules, %d (%.1f%%) built to fire on the event sample (%d tried)" % (
            args.shape, args.count, g.hits, 100.0 * g.hits / max(1, args.count), g.tried), file=sys.stderr)
    return out


def slug(text):
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:60]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--count", type=int, default=1000, help="number of rules (default 1000)")
    ap.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    ap.add_argument("--out", required=True,
                    help="a folder (one file per rule) or a file ending in .yml/.yaml (multi-document)")
    ap.add_argument("--regex-rate", type=float, default=0.025,
                    help="share of rules whose main test is a |re (default 0.025)")
    ap.add_argument("--keyword-rate", type=float, default=0.01,
                    help="share of keyword rules (default 0.01; 0 leaves them out)")
    ap.add_argument("--stats", action="store_true", help="print the number of rules per shape to stderr")
    ap.add_argument("--shape", default="mix",
                    help="mix (default: the realistic mix above) or one predicate shape: equality, prefix, "
                         "suffix, contains, wildcard, regex, keyword, cidr, numeric, fieldref (tools/rule_shapes.py)")
    ap.add_argument("--hit-rate", type=float, default=0.03,
                    help="one-shape sets: share of rules built to fire on generated events (default 0.03)")
    args = ap.parse_args()
    if args.count < 0:
        ap.error("--count must be >= 0")
    if not (0 <= args.regex_rate <= 0.5 and 0 <= args.keyword_rate <= 0.5):
        ap.error("--regex-rate and --keyword-rate must be between 0 and 0.5")

    counts = {}
    if args.shape != "mix":
        import rule_shapes
        if args.shape not in rule_shapes.SHAPES:
            ap.error("--shape must be mix or one of " + ", ".join(rule_shapes.SHAPES))
        texts = shape_rules(args)
        args.stats = False
    else:
        g = Generator(args.seed, args.regex_rate, args.keyword_rate)
        texts = []
        for i in range(1, args.count + 1):
            shape = wpick(g.r, g.shapes)
            rule = g.make(shape)
            counts[shape] = counts.get(shape, 0) + 1
            texts.append((rule, g.render(i, rule)))

    single = args.out.endswith((".yml", ".yaml"))
    if single:
        d = os.path.dirname(args.out)
        if d:
            os.makedirs(d, exist_ok=True)
        with open(args.out, "w", encoding="utf-8") as f:
            f.write("---\n".join(t for _, t in texts))
    else:
        os.makedirs(args.out, exist_ok=True)
        width = max(5, len(str(args.count)))
        for i, (rule, text) in enumerate(texts, 1):
            name = "g%0*d_%s_%s.yml" % (width, i, rule.svc.replace("-", "_"), rule.shape)
            with open(os.path.join(args.out, name), "w", encoding="utf-8") as f:
                f.write(text)
    if args.stats:
        for k in sorted(counts, key=lambda k: -counts[k]):
            print("%-10s %6d  %5.1f%%" % (k, counts[k], 100.0 * counts[k] / max(1, args.count)), file=sys.stderr)


if __name__ == "__main__":
    main()
