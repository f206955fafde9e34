// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Backtest of the SigmaHQ CloudTrail rules (../shared/corpus/sigma/cloudtrail/*.yml,
// top level only) against every real CloudTrail record in ../shared/data/cloudtrail
// (see its README.md for provenance). The expected sets below were produced by
// `vigil scan` and then checked by hand, record by record, against each rule's
// detection logic and intent; docs/backtest-sigmahq.md explains every rule's hits.
// Any change in matching semantics (null handling, case folding, wildcards, |re,
// |fieldref, object-as-text matching, logsource filtering, envelopes, partial reads of
// broken files) shows up here as a changed set or count.

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "corpus/real_records.h"
#include "support/per_match_sink.h"
#include "support/shared_data.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

const std::string& kData = testing::RealDataDir();
const std::string kRules = std::string(VIGIL_SHARED_DIR) + "/corpus/sigma/cloudtrail";

using Hit = std::pair<std::string, uint64_t>;  // (file relative to kData, record index)

struct Collector : vigil::testing::PerMatchSink {
  std::map<std::string, std::set<Hit>> hits;       // rule id -> records
  std::map<std::string, std::string> titles;       // rule id -> title
  std::vector<InputError> errors;
  bool OnMatch(const Record& r, const vigil::Match& m) override {
    const std::string f = testing::RelativeToData(*r.file);
    hits[m.rule->id].insert({f, r.index});
    titles[m.rule->id] = m.rule->title;
    return true;
  }
  void OnError(const InputError& e) override { errors.push_back(e); }
};

std::shared_ptr<const RuleSet> SigmaHqCloudTrailRules() {
  static std::shared_ptr<const RuleSet> rs = [] {
    std::vector<std::string> files;
    for (const auto& e : fs::directory_iterator(kRules)) {
      if (e.is_regular_file() && e.path().extension() == ".yml") files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    RuleSetBuilder b;
    for (const auto& f : files) b.AddPath(f);
    EXPECT_FALSE(b.has_errors());
    return b.Build();
  }();
  return rs;
}

const testing::RealScan<Collector>& ScanReal() { return testing::ScanRealOnce<Collector>(SigmaHqCloudTrailRules); }

std::string SourceOf(const std::string& rel) { return rel.substr(0, rel.find('/')); }

constexpr char kAssumeRoleMisuse[] = "905d389b-b853-46d0-9d3d-dea0d3a3cd49";

// Every match of every rule except AWS STS AssumeRole Misuse (which fires on every
// AssumedRole-by-Role event and is checked by counts below).
const std::map<std::string, std::set<Hit>>& ExpectedHits() {
  static const auto* m = new std::map<std::string, std::set<Hit>>{
    {"39c9f26d-6e3b-4dbb-9c7a-4154b0281112",  // AWS Bucket Deleted
     {
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1210Z_6CICdbJQM3beT7n3.json", 244},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_nBsuPO1qSTEVerMD.json", 150},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1230Z_9SJSsrxJ0ChF5VFb.json", 60},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1230Z_KV9LZlfXqBel7nqf.json", 43},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1235Z_YbVFCP9AYzJDhHV9.json", 138},
     }},
    {"4db60cc0-36fb-42b7-9b58-a5b53019fb74",  // AWS CloudTrail Important Change
     {
         {"cloudtrail2sightings/extracted/aws.defense-evasion.cloudtrail-delete.json", 0},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1205Z_SjF3IkuNXJkoHyar.json", 5},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1205Z_UljXNp9xLp8nsAGc.json", 24},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1205Z_UljXNp9xLp8nsAGc.json", 26},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1205Z_zs3JGxETHr59VpkX.json", 154},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1210Z_6CICdbJQM3beT7n3.json", 224},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_nBsuPO1qSTEVerMD.json", 126},
         {"stratus-red-team/detonation-logs/aws.defense-evasion.cloudtrail-delete.json", 0},
         {"stratus-red-team/detonation-logs/aws.defense-evasion.cloudtrail-stop.json", 0},
         {"traildiscover/logExamples/CloudTrail-DeleteTrail.json.cloudtrail", 0},
         {"traildiscover/logExamples/CloudTrail-StopLogging.json.cloudtrail", 0},
         {"traildiscover/logExamples/CloudTrail-UpdateTrail.json.cloudtrail", 0},
         {"traildiscover/logExamples/DeleteTrail.json.cloudtrail", 0},
         {"traildiscover/logExamples/StopLogging.json.cloudtrail", 0},
         {"traildiscover/logExamples/UpdateTrail.json.cloudtrail", 0},
     }},
    {"07330162-dba1-4746-8121-a9647d49d297",  // AWS Config Disabling Channel/Recorder
     {
         {"traildiscover/logExamples/Config-DeleteDeliveryChannel.json.cloudtrail", 0},
         {"traildiscover/logExamples/Config-StopConfigurationRecorder.json.cloudtrail", 0},
         {"traildiscover/logExamples/DeleteDeliveryChannel.json.cloudtrail", 0},
         {"traildiscover/logExamples/StopConfigurationRecorder.json.cloudtrail", 0},
     }},
    {"25cb1ba1-8a19-4a23-a198-d252664c8cef",  // AWS EFS Fileshare Modified or Deleted
     {
         {"traildiscover/logExamples/DeleteFileSystem.json.cloudtrail", 0},
         {"traildiscover/logExamples/EFS-DeleteFileSystem.json.cloudtrail", 0},
     }},
    {"6a7ba45c-63d8-473e-9736-2eaabff79964",  // AWS EFS Fileshare Mount Modified or Deleted
     {
         {"traildiscover/logExamples/DeleteMountTarget.json.cloudtrail", 0},
         {"traildiscover/logExamples/EFS-DeleteMountTarget.json.cloudtrail", 0},
     }},
    {"4990c2e3-f4b8-45e3-bc3c-30b14ff0ed26",  // AWS Glue Development Endpoint Activity
     {
         {"traildiscover/logExamples/CreateDevEndpoint.json.cloudtrail", 0},
         {"traildiscover/logExamples/Glue-CreateDevEndpoint.json.cloudtrail", 0},
         {"traildiscover/logExamples/Glue-UpdateDevEndpoint.json.cloudtrail", 0},
         {"traildiscover/logExamples/UpdateDevEndpoint.json.cloudtrail", 0},
     }},
    {"6e61ee20-ce00-4f8d-8aee-bedd8216f7e3",  // AWS GuardDuty Important Change
     {
         {"traildiscover/logExamples/CreateIPSet.json.cloudtrail", 0},
         {"traildiscover/logExamples/GuardDuty-CreateIPSet.json.cloudtrail", 0},
     }},
    {"0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2",  // AWS IAM Backdoor Users Keys
     {
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1230Z_ZtUNbBkwAu98FPZb.json", 26},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1230Z_ZtUNbBkwAu98FPZb.json", 29},
         {"stratus-red-team/detonation-logs/aws.persistence.iam-backdoor-user.json", 0},
         {"stratus-red-team/detonation-logs/aws.persistence.iam-create-admin-user.json", 1},
         {"traildiscover/logExamples/CreateAccessKey.json.cloudtrail", 0},
         {"traildiscover/logExamples/IAM-CreateAccessKey.json.cloudtrail", 0},
     }},
    {"97fbabf8-8e1b-47a2-b7d5-a418d2b95e3d",  // AWS New Lambda Layer Attached
     {
         {"stratus-red-team/detonation-logs/aws.persistence.lambda-layer-extension.json", 0},
     }},
    {"8a63cdd4-6207-414a-85bc-7e032bd3c1a2",  // AWS RDS Master Password Change
     {
         {"traildiscover/logExamples/ModifyDBInstance.json.cloudtrail", 0},
         {"traildiscover/logExamples/RDS-ModifyDBInstance.json.cloudtrail", 0},
     }},
    {"b45ab1d2-712f-4f01-a751-df3826969807",  // AWS STS GetSessionToken Misuse
     {
         {"traildiscover/logExamples/GetSessionToken.json.cloudtrail", 0},
         {"traildiscover/logExamples/SecurityTokenService-GetSessionToken.json.cloudtrail", 0},
     }},
    {"abae8fec-57bd-4f87-aff6-6e3db989843d",  // AWS Snapshot Backup Exfiltration
     {
         {"cloudtrail2sightings/extracted/aws.exfiltration.ec2-share-ebs-snapshot.json", 0},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_YMDRJwtmC82bUwAo.json", 103},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1220Z_ovtmbuX3ENJ119uH.json", 2},
         {"stratus-red-team/detonation-logs/aws.exfiltration.ec2-share-ebs-snapshot.json", 0},
         {"traildiscover/logExamples/CreateSnapshot.json.cloudtrail", 0},
         {"traildiscover/logExamples/EC2-CreateSnapshot.json.cloudtrail", 0},
         {"traildiscover/logExamples/EC2-ModifySnapshotAttribute.json.cloudtrail", 0},
         {"traildiscover/logExamples/ModifySnapshotAttribute.json.cloudtrail", 0},
     }},
    {"77caf516-34e5-4df9-b4db-20744fea0a60",  // AWS Successful Console Login Without MFA
     {
         {"cribl-pack-cloudtrail/zyNWSr.records.json", 39},
         {"cribl-pack-cloudtrail/zyNWSr.records.json", 43},
         {"cribl-pack-cloudtrail/zyNWSr.records.json", 63},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1225Z_4iD2boYSOwmb6sWd.json", 10},
         {"stratus-red-team/detonation-logs/aws.initial-access.console-login-without-mfa.json", 0},
     }},
    {"f43f5d2f-3f2a-4cc8-b1af-81fde7dbaf0e",  // AWS Suspicious SAML Activity
     {
         {"cribl-pack-cloudtrail/zyNWSr.records.json", 38},
         {"cribl-pack-cloudtrail/zyNWSr.records.json", 44},
         {"cribl-pack-cloudtrail/zyNWSr.records.json", 62},
         {"traildiscover/logExamples/IAM-UpdateSAMLProvider.json.cloudtrail", 0},
         {"traildiscover/logExamples/UpdateSAMLProvider.json.cloudtrail", 0},
     }},
    {"055fb148-60f8-462d-ad16-26926ce050f1",  // AWS User Login Profile Was Modified
     {
         {"stratus-red-team/detonation-logs/aws.privilege-escalation.iam-update-user-login-profile.json", 0},
         {"traildiscover/logExamples/IAM-UpdateLoginProfile.json.cloudtrail", 0},
         {"traildiscover/logExamples/UpdateLoginProfile.json.cloudtrail", 0},
     }},
    {"e386b9b5-af12-450e-afff-761730fb8a98",  // AWS VPC Flow Logs Deleted
     {
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1205Z_SjF3IkuNXJkoHyar.json", 14},
         {"stratus-red-team/detonation-logs/aws.defense-evasion.vpc-remove-flow-logs.json", 0},
     }},
    {"6fb77778-040f-4015-9440-572aa9b6b580",  // Ingress/Egress Security Group Modification
     {
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_P0WZuP2zvLW2RcUo.json", 12},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_P0WZuP2zvLW2RcUo.json", 19},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_YMDRJwtmC82bUwAo.json", 91},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_YMDRJwtmC82bUwAo.json", 92},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_Z8x5aqgtcXn5NEG9.json", 113},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_nBsuPO1qSTEVerMD.json", 219},
         {"stratus-red-team/detonation-logs/aws.exfiltration.ec2-security-group-open-port-22-ingress.json", 0},
         {"traildiscover/logExamples/AuthorizeSecurityGroupEgress.json.cloudtrail", 0},
         {"traildiscover/logExamples/AuthorizeSecurityGroupIngress.json.cloudtrail", 0},
         {"traildiscover/logExamples/EC2-AuthorizeSecurityGroupEgress.json.cloudtrail", 0},
         {"traildiscover/logExamples/EC2-AuthorizeSecurityGroupIngress.json.cloudtrail", 0},
     }},
    {"457cc9ac-d8e6-4d1d-8c0e-251d0f11a74c",  // Modification or Deletion of an AWS RDS Cluster
     {
         {"traildiscover/logExamples/DeleteDBCluster.json.cloudtrail", 0},
         {"traildiscover/logExamples/RDS-DeleteDBCluster.json.cloudtrail", 0},
     }},
    {"ec541962-c05a-4420-b9ea-84de072d18f4",  // New AWS Lambda Function URL Configuration Created
     {
         {"traildiscover/logExamples/CreateFunctionUrlConfig.json.cloudtrail", 0},
     }},
    {"e1f7febb-7b94-4234-b5c6-00fb8500f5dd",  // New Network ACL Entry Added
     {
         {"traildiscover/logExamples/CreateNetworkAclEntry.json.cloudtrail", 0},
         {"traildiscover/logExamples/EC2-CreateNetworkAclEntry.json.cloudtrail", 0},
     }},
    {"c803b2ce-c4a2-4836-beae-b112010390b1",  // New Network Route Added
     {
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json", 60},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json", 78},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1210Z_6CICdbJQM3beT7n3.json", 16},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1210Z_ZgEBhdXGdLTXGoIe.json", 0},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_nBsuPO1qSTEVerMD.json", 5},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1215Z_nBsuPO1qSTEVerMD.json", 210},
         {"traildiscover/logExamples/EC2-CreateRoute.json.cloudtrail", 0},
     }},
    {"f305fd62-beca-47da-ad95-7690a0620084",  // Potential Bucket Enumeration on AWS
     {
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1145Z_s7dpHbl38neqZbm2.json", 18},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1230Z_9SJSsrxJ0ChF5VFb.json", 78},
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1235Z_YbVFCP9AYzJDhHV9.json", 154},
         {"traildiscover/logExamples/ListBuckets.json.cloudtrail", 0},
         {"traildiscover/logExamples/S3-ListBuckets.json.cloudtrail", 0},
     }},
    {"38e7f511-3f74-41d4-836e-f57dfa18eead",  // Potential Malicious Usage of CloudTrail System Manager
     {
         {"invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_20230710T1200Z_iLj9fb7yyUG9X4Bf.json", 95},
         {"stratus-red-team/detonation-logs/aws.credential-access.ec2-steal-instance-credentials.json", 0},
         {"stratus-red-team/detonation-logs/aws.execution.ssm-send-command.json", 26},
     }},
    {"14f3f1c8-02d5-43a2-a191-91ffb52d3015",  // RDS Database Security Group Modification
     {
         {"traildiscover/logExamples/AuthorizeDBSecurityGroupIngress.json.cloudtrail", 0},
         {"traildiscover/logExamples/CreateDBSecurityGroup.json.cloudtrail", 0},
         {"traildiscover/logExamples/RDS-AuthorizeDBSecurityGroupIngress.json.cloudtrail", 0},
         {"traildiscover/logExamples/RDS-CreateDBSecurityGroup.json.cloudtrail", 0},
     }},
    {"20f754db-d025-4a8f-9d74-e0037e999a9a",  // SES Identity Has Been Deleted
     {
         {"traildiscover/logExamples/DeleteIdentity.json.cloudtrail", 0},
         {"traildiscover/logExamples/SES-DeleteIdentity.json.cloudtrail", 0},
     }},
  };
  return *m;
}

TEST(SigmaHqRealRecordsTest, RulesLoad) {
  VIGIL_SKIP_WITHOUT_SHARED("data/cloudtrail");
  auto rs = SigmaHqCloudTrailRules();
  ASSERT_NE(rs, nullptr);
  EXPECT_EQ(rs->size(), 57u);
}

TEST(SigmaHqRealRecordsTest, ScanTotals) {
  VIGIL_SKIP_WITHOUT_SHARED("data/cloudtrail");
  const auto& r = ScanReal();
  testing::ExpectRealDataTotals(r.stats, r.sink.errors);
  EXPECT_EQ(r.stats.matches, 430u);
}

TEST(SigmaHqRealRecordsTest, ExactRecordsPerRule) {
  VIGIL_SKIP_WITHOUT_SHARED("data/cloudtrail");
  const auto& got = ScanReal().sink.hits;
  for (const auto& [id, want] : ExpectedHits()) {
    auto it = got.find(id);
    ASSERT_NE(it, got.end()) << "rule " << id << " matched nothing";
    std::vector<Hit> missing, extra;
    std::set_difference(want.begin(), want.end(), it->second.begin(), it->second.end(),
                        std::back_inserter(missing));
    std::set_difference(it->second.begin(), it->second.end(), want.begin(), want.end(),
                        std::back_inserter(extra));
    for (const auto& h : missing) ADD_FAILURE() << id << " no longer matches " << h.first << "#" << h.second;
    for (const auto& h : extra) ADD_FAILURE() << id << " newly matches " << h.first << "#" << h.second;
  }
  // No other rule may match anything (the 30 rules without real samples, or whose
  // candidates are correctly excluded, stay silent on real data).
  for (const auto& [id, set] : got) {
    if (id == kAssumeRoleMisuse) continue;
    EXPECT_TRUE(ExpectedHits().count(id)) << "unexpected rule " << id << " (" << ScanReal().sink.titles.at(id)
                                          << ") matched " << set.size() << " records";
  }
  EXPECT_EQ(got.size(), ExpectedHits().size() + 1);
}

TEST(SigmaHqRealRecordsTest, MatchCountsPerRuleAndSource) {
  VIGIL_SKIP_WITHOUT_SHARED("data/cloudtrail");
  const std::map<std::string, std::map<std::string, size_t>> want = {
      {"39c9f26d-6e3b-4dbb-9c7a-4154b0281112", {{"invictus-aws-dataset", 5}}},
      {"4db60cc0-36fb-42b7-9b58-a5b53019fb74",
       {{"invictus-aws-dataset", 6}, {"stratus-red-team", 2}, {"traildiscover", 6}, {"cloudtrail2sightings", 1}}},
      {"07330162-dba1-4746-8121-a9647d49d297", {{"traildiscover", 4}}},
      {"25cb1ba1-8a19-4a23-a198-d252664c8cef", {{"traildiscover", 2}}},
      {"6a7ba45c-63d8-473e-9736-2eaabff79964", {{"traildiscover", 2}}},
      {"4990c2e3-f4b8-45e3-bc3c-30b14ff0ed26", {{"traildiscover", 4}}},
      {"6e61ee20-ce00-4f8d-8aee-bedd8216f7e3", {{"traildiscover", 2}}},
      {"0a5177f4-6ca9-44c2-aacf-d3f3d8b6e4d2",
       {{"invictus-aws-dataset", 2}, {"stratus-red-team", 2}, {"traildiscover", 2}}},
      {"97fbabf8-8e1b-47a2-b7d5-a418d2b95e3d", {{"stratus-red-team", 1}}},
      {"8a63cdd4-6207-414a-85bc-7e032bd3c1a2", {{"traildiscover", 2}}},
      {kAssumeRoleMisuse,
       {{"invictus-aws-dataset", 76}, {"stratus-red-team", 68}, {"otrf-security-datasets", 11},
        {"traildiscover", 95}, {"cribl-pack-cloudtrail", 62}, {"cloudtrail2sightings", 13}}},
      {"b45ab1d2-712f-4f01-a751-df3826969807", {{"traildiscover", 2}}},
      {"abae8fec-57bd-4f87-aff6-6e3db989843d",
       {{"invictus-aws-dataset", 2}, {"stratus-red-team", 1}, {"traildiscover", 4}, {"cloudtrail2sightings", 1}}},
      {"77caf516-34e5-4df9-b4db-20744fea0a60",
       {{"invictus-aws-dataset", 1}, {"stratus-red-team", 1}, {"cribl-pack-cloudtrail", 3}}},
      {"f43f5d2f-3f2a-4cc8-b1af-81fde7dbaf0e", {{"traildiscover", 2}, {"cribl-pack-cloudtrail", 3}}},
      {"055fb148-60f8-462d-ad16-26926ce050f1", {{"stratus-red-team", 1}, {"traildiscover", 2}}},
      {"e386b9b5-af12-450e-afff-761730fb8a98", {{"invictus-aws-dataset", 1}, {"stratus-red-team", 1}}},
      {"6fb77778-040f-4015-9440-572aa9b6b580",
       {{"invictus-aws-dataset", 6}, {"stratus-red-team", 1}, {"traildiscover", 4}}},
      {"457cc9ac-d8e6-4d1d-8c0e-251d0f11a74c", {{"traildiscover", 2}}},
      {"ec541962-c05a-4420-b9ea-84de072d18f4", {{"traildiscover", 1}}},
      {"e1f7febb-7b94-4234-b5c6-00fb8500f5dd", {{"traildiscover", 2}}},
      {"c803b2ce-c4a2-4836-beae-b112010390b1", {{"invictus-aws-dataset", 6}, {"traildiscover", 1}}},
      {"f305fd62-beca-47da-ad95-7690a0620084", {{"invictus-aws-dataset", 3}, {"traildiscover", 2}}},
      {"38e7f511-3f74-41d4-836e-f57dfa18eead", {{"invictus-aws-dataset", 1}, {"stratus-red-team", 2}}},
      {"14f3f1c8-02d5-43a2-a191-91ffb52d3015", {{"traildiscover", 4}}},
      {"20f754db-d025-4a8f-9d74-e0037e999a9a", {{"traildiscover", 2}}},
  };
  std::map<std::string, std::map<std::string, size_t>> got;
  size_t total = 0;
  for (const auto& [id, set] : ScanReal().sink.hits) {
    for (const auto& h : set) ++got[id][SourceOf(h.first)];
    total += set.size();
  }
  EXPECT_EQ(got, want);
  EXPECT_EQ(total, 430u);
  // The counts table agrees with the exact sets.
  for (const auto& [id, set] : ExpectedHits()) {
    size_t n = 0;
    for (const auto& [src, c] : want.at(id)) n += c;
    EXPECT_EQ(set.size(), n) << id;
  }
}

// A few records that must NOT match, each pinned to the reason (see the doc).
TEST(SigmaHqRealRecordsTest, CorrectlyExcludedCandidates) {
  VIGIL_SKIP_WITHOUT_SHARED("data/cloudtrail");
  const auto& got = ScanReal().sink.hits;
  auto matched = [&](const std::string& id, const std::string& f, uint64_t i) {
    auto it = got.find(id);
    return it != got.end() && it->second.count({f, i}) > 0;
  };
  const std::string inv = "invictus-aws-dataset/CloudTrail/218007301253_CloudTrail_us-east-1_";
  // DeleteBucket failed with BucketNotEmpty: errorCode is neither 'Success' nor null.
  EXPECT_FALSE(matched("39c9f26d-6e3b-4dbb-9c7a-4154b0281112", inv + "20230710T1210Z_6CICdbJQM3beT7n3.json", 227));
  EXPECT_FALSE(matched("39c9f26d-6e3b-4dbb-9c7a-4154b0281112", inv + "20230710T1210Z_vj0QE0Tf5ZmzMsCo.json", 137));
  // ConsoleLogin with MFAUsed "Yes".
  EXPECT_FALSE(matched("77caf516-34e5-4df9-b4db-20744fea0a60", inv + "20230710T1230Z_AvIajGd5rkz6vTy4.json", 13));
  // SendCommand failed with InvalidInstanceId.
  EXPECT_FALSE(matched("38e7f511-3f74-41d4-836e-f57dfa18eead", inv + "20230710T1210Z_6CICdbJQM3beT7n3.json", 44));
  // ListBuckets by an AssumedRole (the rule's filter), OTRF SSRF-stolen role credentials.
  EXPECT_FALSE(matched("f305fd62-beca-47da-ad95-7690a0620084",
                       "otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json", 97));
  // GetSigninToken with userAgent Jersey/${project.version} (the console filter).
  EXPECT_FALSE(matched("f8103686-e3e8-46f3-be72-65f7fcb4aa53", "traildiscover/logExamples/GetSigninToken.json.cloudtrail", 0));
  // CreateRoute from apigateway.amazonaws.com, not ec2.
  EXPECT_FALSE(matched("c803b2ce-c4a2-4836-beae-b112010390b1", "traildiscover/logExamples/CreateRoute.json.cloudtrail", 0));
  // DeleteFlowLogs failed (Client.InvalidParameterValue).
  EXPECT_FALSE(matched("e386b9b5-af12-450e-afff-761730fb8a98", "traildiscover/logExamples/DeleteFlowLogs.json.cloudtrail", 0));
  // ModifyInstanceAttribute with requestParameters.userData but no `attribute` key.
  EXPECT_FALSE(matched("1ab3c5ed-5baf-417b-bb6b-78ca33f6c3df", "stratus-red-team/detonation-logs/aws.execution.ec2-user-data.json", 5));
  // The malformed file's first record is still scanned.
  EXPECT_TRUE(matched(kAssumeRoleMisuse, "cloudtrail2sightings/extracted/aws.execution.ec2-user-data.json", 0));
}

// Fixture files whose events sit inside {"event":...}/{"data":...} wrappers (and the
// Cribl capture, whose CloudTrail sits in `_raw`): the rules see the wrapper, so
// nothing matches. The AWS processing-library fixtures have no rule-relevant events.
TEST(SigmaHqRealRecordsTest, WrappedFixturesMatchNothing) {
  VIGIL_SKIP_WITHOUT_SHARED("data/cloudtrail");
  struct Case {
    std::string path;
    uint64_t events, errors;
  };
  const std::vector<Case> cases = {
      {"panther-analysis/panther_cloudtrail_rule_tests.jsonl", 464, 0},
      {"panther-analysis/panther_test_scenarios_cloudtrail.jsonl", 27, 0},
      {"streamalert/streamalert_cloudtrail_rule_tests.jsonl", 59, 0},
      {"aws-docs/awsdocs_cloudtrail_user_guide_examples.jsonl", 19, 0},
      {"cribl-pack-cloudtrail/zyNWSr.cribl-capture.json", 90, 0},
      {"aws-cloudtrail-processing-library", 43, 4},
  };
  Scanner sc(SigmaHqCloudTrailRules());
  for (const auto& c : cases) {
    Collector sink;
    ScanStats st = ScanInputs(sc, {kData + "/" + c.path}, ScanOptions{}, &sink);
    EXPECT_EQ(st.events, c.events) << c.path;
    EXPECT_EQ(st.input_errors, c.errors) << c.path;
    EXPECT_EQ(st.matches, 0u) << c.path;
  }
}

}  // namespace
}  // namespace vigil
