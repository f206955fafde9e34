// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The public model of rules as written (include/vigil/rule_source.h): what it reads
// of rule files, with positions, and the parts of a rule evaluated alone.

#include "vigil/rule_source.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "vigil/ruleset.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

constexpr char kRule[] = R"(title: Console login without MFA
id: 0b7a1f3e-5d2c-4b1a-9f00-00000000000a
tags:
  - attack.initial-access
  - attack.t1078
logsource: {product: aws, service: cloudtrail}
detection:
  sel_login:
    eventName: ConsoleLogin
    additionalEventData.MFAUsed|contains: 'No'
  sel_admin:
    - userIdentity.arn|endswith: [':root', '/admin']
    - userIdentity.type: Root
  filter_ok:
    responseElements.ConsoleLogin: Failure
    sourceIPAddress: null
  condition: 1 of sel_* and not filter_ok
)";

CompileOptions WithPlaceholders(PlaceholderValues values) {
  CompileOptions o;
  o.placeholders = std::move(values);
  return o;
}

class RuleSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::temp_directory_path() /
        ("vigil_rule_source_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
         "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_ / "sub");
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) {
    const fs::path p = dir_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
  fs::path dir_;
};

TEST_F(RuleSourceTest, ItemsValuesAndPositionsAsWritten) {
  const std::string path = Write("login.yml", kRule);
  std::vector<Diagnostic> diags;
  const std::vector<RuleFile> files = ReadRuleFiles(path, &diags);
  ASSERT_EQ(files.size(), 1u);
  ASSERT_TRUE(diags.empty()) << diags[0].ToString();
  ASSERT_EQ(files[0].rules.size(), 1u);
  const RuleSource& r = files[0].rules[0];
  EXPECT_EQ(r.kind, RuleSource::Kind::kDetection);
  EXPECT_EQ(r.info.title, "Console login without MFA");
  const Detection& d = r.detection;
  ASSERT_EQ(d.identifiers.size(), 3u);
  EXPECT_EQ(d.identifiers[0].name, "sel_login");
  EXPECT_EQ(d.identifiers[0].where.line, 8u);
  ASSERT_EQ(d.identifiers[0].alternatives.size(), 1u);
  const DetectionItem& mfa = d.identifiers[0].alternatives[0][1];
  EXPECT_EQ(mfa.field, "additionalEventData.MFAUsed");
  EXPECT_EQ(mfa.modifiers, std::vector<std::string>{"contains"});
  ASSERT_EQ(mfa.modifier_where.size(), 1u);
  EXPECT_EQ(mfa.where.line, 10u);
  EXPECT_EQ(mfa.modifier_where[0].line, 10u);
  EXPECT_EQ(mfa.modifier_where[0].column, 33u);  // the 'c' of contains
  ASSERT_EQ(mfa.values.size(), 1u);
  EXPECT_EQ(mfa.values[0].text, "No");  // quoted: a string, not YAML 1.1's false
  EXPECT_EQ(mfa.values[0].type, DetectionValue::Type::kString);
  EXPECT_EQ(mfa.values[0].where.line, 10u);
  // A list of maps: two alternatives.
  ASSERT_EQ(d.identifiers[1].alternatives.size(), 2u);
  EXPECT_EQ(d.identifiers[1].alternatives[0][0].values.size(), 2u);
  EXPECT_EQ(d.identifiers[1].alternatives[0][0].values[1].text, "/admin");
  EXPECT_EQ(d.identifiers[1].alternatives[1][0].where.line, 13u);
  EXPECT_EQ(d.identifiers[2].alternatives[0][1].values[0].type, DetectionValue::Type::kNull);
  ASSERT_EQ(d.conditions.size(), 1u);
  EXPECT_EQ(d.conditions[0].text, "1 of sel_* and not filter_ok");
  EXPECT_EQ(d.conditions[0].where.line, 17u);
  EXPECT_EQ(d.conditions[0].root.kind, ConditionNode::Kind::kAnd);
  ASSERT_EQ(d.conditions[0].root.children.size(), 2u);
  EXPECT_EQ(d.conditions[0].root.children[0].kind, ConditionNode::Kind::kOneOf);
  EXPECT_EQ(d.conditions[0].root.children[0].name, "sel_*");
  EXPECT_EQ(d.conditions[0].root.children[1].children[0].offset, 19u);  // filter_ok
}

TEST_F(RuleSourceTest, DocumentNodes) {
  const std::string path = Write("login.yml", kRule);
  const RuleSource r = ReadRuleFiles(path).at(0).rules.at(0);
  const SourceNode& doc = r.document;
  ASSERT_TRUE(doc.IsMap());
  EXPECT_EQ(doc.key(0).text(), "title");
  EXPECT_EQ(doc.key(0).where().line, 1u);
  EXPECT_EQ(doc.key(0).where().file, path);
  const SourceNode tags = doc["tags"];
  ASSERT_TRUE(tags.IsSequence());
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags.element(1).text(), "attack.t1078");
  EXPECT_EQ(tags.element(1).where().line, 5u);
  EXPECT_EQ(tags.element(1).where().column, 5u);
  EXPECT_TRUE(tags.element(1).plain());
  const SourceNode mfa = doc["detection"]["sel_login"]["additionalEventData.MFAUsed|contains"];
  EXPECT_TRUE(mfa.IsScalar());
  EXPECT_FALSE(mfa.plain());  // quoted
  EXPECT_EQ(mfa.text(), "No");
  EXPECT_EQ(doc["detection"]["filter_ok"]["sourceIPAddress"].kind(), SourceNode::Kind::kNull);
  EXPECT_EQ(doc["detection"]["filter_ok"]["sourceIPAddress"].text(), "null");
  // Absent keys, and lookups through them, are missing nodes, not errors.
  EXPECT_FALSE(doc["nope"]);
  EXPECT_FALSE(doc["nope"]["deeper"]);
  EXPECT_EQ(doc["nope"].where().line, 0u);
  EXPECT_EQ(tags["x"].kind(), SourceNode::Kind::kMissing);  // not a map
  EXPECT_EQ(tags.text(), "");
  // A node outlives the RuleFile it came from: it shares the tree.
  SourceNode kept;
  {
    std::vector<RuleFile> files = ReadRuleFiles(path);
    kept = files[0].rules[0].document["logsource"]["service"];
  }
  EXPECT_EQ(kept.text(), "cloudtrail");
}

TEST_F(RuleSourceTest, FoldersKindsAndErrors) {
  Write("b.yml", std::string(kRule) + "---\ntitle: broken\n");
  Write("sub/a.yaml",
        "title: Only for admins\nfilter:\n  rules: [x]\n  selection:\n    userIdentity.type: "
        "Root\n  condition: not selection\n---\ntitle: Two\ncorrelation:\n  type: event_count\n"
        "  rules: [x]\n  timespan: 5m\n  condition: {gte: 2}\n");
  Write("ignored.txt", "title: not a rule file\n");
  std::vector<Diagnostic> diags;
  const std::vector<RuleFile> files = ReadRuleFiles(dir_.string(), &diags);
  // The builder's walk: *.yml and *.yaml, recursively, sorted.
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(fs::path(files[0].path).filename(), "b.yml");
  EXPECT_EQ(fs::path(files[1].path).filename(), "a.yaml");
  ASSERT_EQ(files[0].rules.size(), 1u);  // the second document has no detection
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0].where.file, files[0].path);
  EXPECT_EQ(diags[0].where.line, 19u);
  ASSERT_EQ(files[1].rules.size(), 2u);
  EXPECT_EQ(files[1].rules[0].kind, RuleSource::Kind::kFilter);
  EXPECT_EQ(files[1].rules[0].detection.identifiers.at(0).name, "selection");
  EXPECT_EQ(files[1].rules[1].kind, RuleSource::Kind::kCorrelation);
  EXPECT_TRUE(files[1].rules[1].detection.identifiers.empty());
  // The same diagnostics a RuleSetBuilder gives for those files.
  RuleSetBuilder builder;
  builder.AddPath(dir_.string());
  ASSERT_FALSE(builder.diagnostics().empty());
  EXPECT_EQ(builder.diagnostics()[0].ToString(), diags[0].ToString());

  diags.clear();
  EXPECT_TRUE(ReadRuleFiles((dir_ / "missing").string(), &diags).empty());
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_NE(diags[0].message.find("no such rule file or folder"), std::string::npos);
}

TEST(DetectionTest, ReferencedAndEvaluate) {
  RuleSetBuilder b;
  b.AddYaml(R"(title: t
logsource: {product: aws}
detection:
  sel_a: {eventName: A}
  sel_b: {eventName: B}
  other: {eventName: C}
  unused: {eventName: D}
  condition:
    - all of sel_* and not other
    - other and nomatch_undeclared
)");
  auto set = b.Build();
  ASSERT_EQ(set->size(), 0u) << "an undeclared identifier does not load";
  RuleSetBuilder ok;
  ok.AddYaml(R"(title: t
logsource: {product: aws}
detection:
  sel_a: {eventName: A}
  sel_b: {eventName: B}
  other: {eventName: C}
  unused: {eventName: D}
  condition:
    - all of sel_* and not other
    - other and sel_a
)");
  set = ok.Build();
  ASSERT_EQ(set->size(), 1u);
  const Detection& d = set->detection(0);
  EXPECT_EQ(d.Referenced(0), (std::vector<std::string>{"sel_a", "sel_b", "other"}));
  EXPECT_EQ(d.Referenced(1), (std::vector<std::string>{"other", "sel_a"}));
  EXPECT_EQ(d.Referenced(), (std::vector<std::string>{"sel_a", "sel_b", "other"}));
  // all of sel_*: both; the second condition is OR-ed.
  EXPECT_TRUE(d.Evaluate({{"sel_a", true}, {"sel_b", true}}));
  EXPECT_FALSE(d.Evaluate({{"sel_a", true}}));  // sel_b absent: false
  // not other fails the first; other and sel_a holds the second.
  EXPECT_TRUE(d.Evaluate({{"sel_a", true}, {"sel_b", true}, {"other", true}}));
  EXPECT_TRUE(d.Evaluate({{"sel_a", true}, {"sel_b", false}, {"other", true}}));
  EXPECT_FALSE(d.Evaluate({{"sel_b", true}, {"other", true}}));
  EXPECT_FALSE(d.Evaluate({}));
}

TEST(ItemHoldsTest, MeaningOfModifiersWildcardsAndPlaceholders) {
  RuleSetBuilder b(WithPlaceholders({{"Admins", {"adm_alice", "adm_bob"}}}));
  b.AddYaml(R"(title: t
logsource: {product: aws}
detection:
  sel:
    eventName|startswith: Put
    userIdentity.userName|expand: '%Admins%'
    requestParameters.policyDocument|contains|all: ['s3:*', 'Allow']
    sourceIPAddress|cidr: 10.0.0.0/8
    eventSource: 'iam.*'
    tags.key: Owner
  condition: sel
)");
  auto set = b.Build();
  ASSERT_EQ(set->size(), 1u);
  const std::vector<DetectionItem>& items = set->detection(0).identifiers[0].alternatives[0];
  Result<EventTree> ev = EventTree::Parse(
      R"({"eventName":"PutBucketPolicy","userIdentity":{"userName":"adm_bob"},)"
      R"("requestParameters":{"policyDocument":"{\"Action\":\"s3:*\",\"Effect\":\"Allow\"}"},)"
      R"("sourceIPAddress":"10.1.2.3","eventSource":"iam.amazonaws.com",)"
      R"("tags":[{"key":"Env"},{"key":"Owner"}]})");
  ASSERT_TRUE(ev.ok()) << ev.status().message();
  ASSERT_EQ(ev.value().readings(), 1u);
  for (const DetectionItem& item : items) {
    EXPECT_TRUE(ItemHolds(item, ev.value(), 0, set->compile_options())) << item.field;
  }
  // Without the placeholder's values the item does not load, so it does not hold.
  EXPECT_FALSE(ItemHolds(items[1], ev.value()));
  Result<EventTree> other = EventTree::Parse(
      R"({"eventName":"DeleteBucket","userIdentity":{"userName":"eve"},)"
      R"("requestParameters":{"policyDocument":"s3:* Deny"},"sourceIPAddress":"192.168.0.1",)"
      R"("eventSource":"s3.amazonaws.com","tags":[{"key":"Env"}]})");
  ASSERT_TRUE(other.ok());
  for (const DetectionItem& item : items) {
    EXPECT_FALSE(ItemHolds(item, other.value(), 0, set->compile_options())) << item.field;
  }
  EXPECT_EQ(other.value().Values("tags.key"), std::vector<std::string>{"Env"});
  EXPECT_EQ(ev.value().Values("tags.key"), (std::vector<std::string>{"Env", "Owner"}));
  EXPECT_EQ(ev.value().Values("tags.key", 0, 1), std::vector<std::string>{"Env"});
  EXPECT_EQ(ev.value().Values("userIdentity"),
            std::vector<std::string>{R"({"userName":"adm_bob"})"});
  EXPECT_TRUE(ev.value().Values("missing").empty());
}

TEST(EventTreeTest, ReadingsAndErrors) {
  Result<EventTree> dup = EventTree::Parse(R"({"eventName":"A","eventName":"B","n":null})");
  ASSERT_TRUE(dup.ok());
  ASSERT_EQ(dup.value().readings(), 2u);
  EXPECT_EQ(dup.value().Values("eventName", 0), std::vector<std::string>{"A"});
  EXPECT_EQ(dup.value().Values("eventName", 1), std::vector<std::string>{"B"});
  EXPECT_EQ(dup.value().Values("n", 0), std::vector<std::string>{"null"});
  DetectionItem b;
  b.field = "eventName";
  b.values.push_back({DetectionValue::Type::kString, "B", {}});
  EXPECT_FALSE(ItemHolds(b, dup.value(), 0));
  EXPECT_TRUE(ItemHolds(b, dup.value(), 1));

  Result<EventTree> bad = EventTree::Parse(R"({"eventName":)");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidInput);
  Result<EventTree> array = EventTree::Parse("[1,2]");
  ASSERT_FALSE(array.ok());
  EXPECT_NE(array.status().message().find("not a JSON object"), std::string::npos);
}

TEST(IdentifierConstancyTest, ConstantsAndInvalid) {
  SearchIdentifier id;
  id.name = "sel";
  DetectionItem item;
  item.field = "userIdentity.userName";
  item.modifiers = {"expand"};
  item.values.push_back({DetectionValue::Type::kString, "%Admins%", {}});
  id.alternatives.push_back({item});
  EXPECT_EQ(IdentifierConstancy(id, WithPlaceholders({{"Admins", {"x"}}})),
            Constancy::kDependsOnEvent);
  EXPECT_EQ(IdentifierConstancy(id), Constancy::kInvalid);  // the placeholder is unknown
  EXPECT_EQ(IdentifierConstancy(id, WithPlaceholders({{"Admins", {}}})),
            Constancy::kInvalid);  // nor empty
  id.alternatives[0][0].modifiers = {"nosuchmodifier"};
  EXPECT_EQ(IdentifierConstancy(id), Constancy::kInvalid);
  // The loader refuses empty maps and lists, so rules as read never fold to constants;
  // a model built by hand can: an AND of no items holds, an OR of no alternatives not.
  SearchIdentifier always;
  always.name = "always";
  always.alternatives.emplace_back();
  EXPECT_EQ(IdentifierConstancy(always), Constancy::kAlwaysHolds);
  SearchIdentifier never;
  never.name = "never";
  EXPECT_EQ(IdentifierConstancy(never), Constancy::kNeverHolds);
}

}  // namespace
}  // namespace vigil
