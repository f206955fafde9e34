# Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
"""The CIS AWS Foundations Benchmark monitoring controls that CloudTrail rules stand for.

Used by the audit report (vigil.report) and by tools/gen_rules_readme.py, which loads this
file by path (standard library only, so it imports nothing of vigil's)."""

# CIS AWS Foundations Benchmark v1.4 to v3.0, section 4 (monitoring): the controls
# whose CloudWatch metric filter and alarm a CloudTrail detection stands for.
CIS_CONTROLS = (
    ("4.1", "Unauthorized API calls"),
    ("4.2", "Management Console sign-in without MFA"),
    ("4.3", "Usage of the root account"),
    ("4.4", "IAM policy changes"),
    ("4.5", "CloudTrail configuration changes"),
    ("4.6", "Management Console authentication failures"),
    ("4.7", "Disabling or scheduled deletion of customer-managed KMS keys"),
    ("4.8", "S3 bucket policy changes"),
    ("4.9", "AWS Config configuration changes"),
    ("4.10", "Security group changes"),
    ("4.11", "Network ACL changes"),
    ("4.12", "Changes to network gateways"),
    ("4.13", "Route table changes"),
    ("4.14", "VPC changes"),
    ("4.15", "AWS Organizations changes"),
)
