// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// RuleSetBuilder through the public API: attributes, several documents, errors with
// file:line:column, filters, correlations, and the third-party rule corpus in
// ../shared/corpus/sigma (every detection rule loads; legacy ones are rejected at the
// deprecated syntax).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/shared_data.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;
const std::string kCorpus = std::string(VIGIL_SHARED_DIR) + "/corpus/sigma";

std::vector<Diagnostic> Errors(const RuleSetBuilder& b) {
  std::vector<Diagnostic> out;
  for (const auto& d : b.diagnostics()) {
    if (d.severity == Severity::kError) out.push_back(d);
  }
  return out;
}

TEST(RuleSetBuilderTest, KeepsEveryAttributeAndCustomOnes) {
  RuleSetBuilder b;
  b.AddYaml(R"(title: Trail stopped
id: 4db60cc0-36fb-42b7-9b58-a5b53019fb74
name: trail_stopped
status: test
description: d
references: [https://example.com/a]
author: [Alice, Bob]
date: 2024-01-02
modified: 2024-02-03
tags: [attack.defense-evasion, attack.t1562.008]
related:
  - id: 11111111-2222-3333-4444-555555555555
    type: derived
logsource: {product: aws, service: cloudtrail}
detection:
  sel: {eventName: StopLogging}
  condition: sel
fields: [eventName, userIdentity.arn]
falsepositives: [Admins]
level: high
simulation: {tool: stratus, technique: aws.defense-evasion.cloudtrail-stop}
tests:
  - name: one
    expect: match
)",
            "r.yml");
  ASSERT_TRUE(Errors(b).empty());
  auto rs = b.Build();
  ASSERT_EQ(rs->size(), 1u);
  const RuleInfo& r = rs->rule(0);
  EXPECT_EQ(r.title, "Trail stopped");
  EXPECT_EQ(r.id, "4db60cc0-36fb-42b7-9b58-a5b53019fb74");
  EXPECT_EQ(r.name, "trail_stopped");
  EXPECT_EQ(r.status, "test");
  EXPECT_EQ(r.author, "Alice, Bob");
  EXPECT_EQ(r.date, "2024-01-02");
  EXPECT_EQ(r.modified, "2024-02-03");
  EXPECT_EQ(r.level, "high");
  EXPECT_EQ(r.tags, (std::vector<std::string>{"attack.defense-evasion", "attack.t1562.008"}));
  EXPECT_EQ(r.references, std::vector<std::string>{"https://example.com/a"});
  EXPECT_EQ(r.fields, (std::vector<std::string>{"eventName", "userIdentity.arn"}));
  EXPECT_EQ(r.falsepositives, std::vector<std::string>{"Admins"});
  ASSERT_EQ(r.related.size(), 1u);
  EXPECT_EQ(r.related[0].type, "derived");
  EXPECT_EQ(r.logsource.product, "aws");
  EXPECT_EQ(r.logsource.service, "cloudtrail");
  EXPECT_EQ(r.where.ToString(), "r.yml:1:1");
  ASSERT_EQ(r.custom.count("simulation"), 1u);
  EXPECT_EQ(r.custom.at("simulation"),
            R"({"tool":"stratus","technique":"aws.defense-evasion.cloudtrail-stop"})");
  EXPECT_EQ(r.custom.at("tests"), R"([{"name":"one","expect":"match"}])");
}

TEST(RuleSetBuilderTest, SeveralDocumentsInOneFile) {
  RuleSetBuilder b;
  b.AddYaml(R"(title: A
logsource: {product: aws}
detection: {s: {eventName: A}, condition: s}
---
title: B
logsource: {product: aws}
detection: {s: {eventName: B}, condition: s}
---
)");
  auto rs = b.Build();
  ASSERT_EQ(rs->size(), 2u);
  EXPECT_EQ(rs->rule(0).title, "A");
  EXPECT_EQ(rs->rule(1).title, "B");
  EXPECT_EQ(rs->rule(1).where.line, 5u);
}

struct BadRule {
  const char* yaml;
  const char* expected;  // "line:column: message substring"
};

class BadRuleTest : public ::testing::TestWithParam<BadRule> {};

TEST_P(BadRuleTest, NamesFileLineColumn) {
  RuleSetBuilder b;
  b.AddYaml(GetParam().yaml, "bad.yml");
  b.Build();
  auto errs = Errors(b);
  ASSERT_FALSE(errs.empty()) << GetParam().yaml;
  const std::string got = errs[0].ToString();
  const std::string want = GetParam().expected;
  const std::string pos = want.substr(0, want.find(' '));
  const std::string msg = want.substr(want.find(' ') + 1);
  EXPECT_EQ(got.rfind("bad.yml:" + pos + " error: ", 0), 0u) << got;
  EXPECT_NE(got.find(msg), std::string::npos) << got;
}

const char* kHead = "title: t\nlogsource: {product: aws}\ndetection:\n";

INSTANTIATE_TEST_SUITE_P(
    Errors, BadRuleTest,
    ::testing::Values(
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName|contain: x\n  condition: sel\n",
                "5:15: unknown modifier 'contain'"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName: x\n  condition: sel and filter\n",
                "6:22: 'filter', which is not a search identifier"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName: x\n  condition: 1 of nomatch*\n",
                "6:14: 'nomatch*' matches no search identifier"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    userAgent|re: 'a(b'\n  condition: sel\n",
                "5:19: bad regular expression"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    sourceIPAddress|cidr: 10.0.0.0/33\n  condition: sel\n",
                "5:27: bad CIDR network"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    count|gt: many\n  condition: sel\n",
                "5:15: 'many' is not a number"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    errorCode|exists: maybe\n  condition: sel\n",
                "5:23: 'exists' takes one boolean value"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName: x\n  condition: sel | count() > 5\n",
                "6:18: Sigma 1 aggregation"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName: x\n  timeframe: 5m\n  condition: sel\n",
                "6:3: 'timeframe' belongs to the Sigma 1 aggregation syntax"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    src|expand: '%Nope%'\n  condition: sel\n",
                "5:17: placeholder '%Nope%' has no value"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    a|contains|startswith: x\n  condition: sel\n",
                "5:5: contains, startswith and endswith exclude each other"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    a|contains|base64: x\n  condition: sel\n",
                "5:16: encoding modifier 'base64' must come before"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    a|i: x\n  condition: sel\n",
                "5:7: sub-modifier of 're'"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    requestParameters:\n      bucketName: x\n  condition: sel\n",
                "6:7: name nested fields with dots"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName: x\n", "4:3: detection has no 'condition'"},
        BadRule{"logsource: {product: aws}\ndetection:\n  sel: {a: b}\n  condition: sel\n", "1:1: rule has no 'title'"},
        BadRule{"title: t\ndetection:\n  sel: {a: [b\n", "4:1: YAML syntax error"},
        BadRule{"title: t\nlogsource: {product: aws}\ndetection:\n  sel:\n    eventName: x\n  condition: (sel\n",
                "6:14: unbalanced '('"}));

TEST(RuleSetBuilderTest, BadRuleDoesNotStopTheOthers) {
  RuleSetBuilder b;
  b.AddYaml(std::string(kHead) + "  sel: {eventName|nope: x}\n  condition: sel\n---\n" + kHead +
                "  sel: {eventName: ok}\n  condition: sel\n---\n" + kHead +
                "  sel: {eventName: x}\n  condition: missing\n",
            "mixed.yml");
  auto rs = b.Build();
  EXPECT_EQ(Errors(b).size(), 2u);
  ASSERT_EQ(rs->size(), 1u);
  EXPECT_EQ(rs->rule(0).where.line, 7u);
}

TEST(RuleSetBuilderTest, FilterSuppressesTheRuleItNames) {
  RuleSetBuilder b;
  b.AddYaml(R"(title: Key created
id: 6f3e2987-db24-4c78-a860-b4f4095a7095
logsource: {product: aws, service: cloudtrail}
detection:
  sel: {eventName: CreateAccessKey}
  condition: sel
---
title: Ignore the automation role
logsource: {product: aws, service: cloudtrail}
filter:
  rules: [6f3e2987-db24-4c78-a860-b4f4095a7095]
  selection:
    userIdentity.arn|endswith: ':role/automation'
  condition: not selection
)");
  ASSERT_TRUE(Errors(b).empty());
  auto rs = b.Build();
  ASSERT_EQ(rs->size(), 1u);
  Scanner s(rs);
  std::vector<Match> out;
  ASSERT_TRUE(s.Match(R"({"eventName":"CreateAccessKey","userIdentity":{"arn":"arn:aws:iam::1:user/bob"}})", &out).ok());
  EXPECT_EQ(out.size(), 1u);
  ASSERT_TRUE(s.Match(R"({"eventName":"CreateAccessKey","userIdentity":{"arn":"arn:aws:iam::1:role/automation"}})", &out).ok());
  EXPECT_EQ(out.size(), 0u);
}

TEST(RuleSetBuilderTest, CorrelationsAreValidatedAndNeedTheirRules) {
  VIGIL_SKIP_WITHOUT_SHARED("corpus/sigma");
  RuleSetBuilder b;
  b.AddPath(kCorpus + "/spec-examples/correlation_event_count.yml");
  auto rs = b.Build();
  EXPECT_TRUE(Errors(b).empty());
  bool warned = false;
  for (const auto& d : b.diagnostics()) {
    warned |= d.severity == Severity::kWarning && d.message.find("which is not loaded") != std::string::npos;
  }
  EXPECT_TRUE(warned);  // the rule it references is not in the file: left out
  EXPECT_EQ(rs->correlation_count(), 0u);
  RuleSetBuilder bad;
  bad.AddYaml("title: c\ncorrelation:\n  type: event_cnt\n  rules: [a]\n  timespan: 5m\n", "c.yml");
  ASSERT_EQ(Errors(bad).size(), 1u);
  EXPECT_EQ(Errors(bad)[0].ToString(), "c.yml:3:9: error: unknown correlation type 'event_cnt'");
}

// ---- The third-party corpus -------------------------------------------------------

std::vector<std::string> YamlFiles(const std::string& dir, bool recursive) {
  std::vector<std::string> out;
  if (recursive) {
    for (auto& e : fs::recursive_directory_iterator(dir)) {
      if (e.path().extension() == ".yml") out.push_back(e.path().string());
    }
  } else {
    for (auto& e : fs::directory_iterator(dir)) {
      if (e.path().extension() == ".yml") out.push_back(e.path().string());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

TEST(CorpusTest, EveryCloudTrailAndFeatureRuleLoads) {
  VIGIL_SKIP_WITHOUT_SHARED("corpus/sigma");
  // The few rules with |expand need their placeholders; the vars file gives them.
  const std::string vars = ::testing::TempDir() + "/vars.yml";
  std::ofstream(vars) << "vars:\n  Legitimate_Countries: [US, DE]\n  Legitimate_IP_Ranges: ['10.*']\n"
                         "  KNOWN_LOCATION: [Berlin]\n  HomeTenantID: [tenant-1]\n"
                         "  Admins_Workstations: [ADM-PC1]\n";
  CompileOptions opts;
  ASSERT_TRUE(LoadPlaceholderFile(vars, &opts.placeholders).ok());
  size_t loaded = 0;
  for (const char* dir : {"cloudtrail", "features"}) {
    for (const auto& f : YamlFiles(kCorpus + "/" + dir, false)) {
      RuleSetBuilder b(opts);
      b.AddFile(f);
      auto rs = b.Build();
      EXPECT_TRUE(Errors(b).empty()) << f << ": " << (Errors(b).empty() ? "" : Errors(b)[0].ToString());
      EXPECT_EQ(rs->size(), 1u) << f;
      loaded += rs->size();
    }
  }
  EXPECT_EQ(loaded, YamlFiles(kCorpus + "/cloudtrail", false).size() +
                        YamlFiles(kCorpus + "/features", false).size());
  // The placeholder rule loads with its values...
  RuleSetBuilder p(opts);
  p.AddPath(kCorpus + "/cloudtrail/placeholder");
  EXPECT_EQ(p.Build()->size(), 1u);
  EXPECT_TRUE(Errors(p).empty());
}

TEST(CorpusTest, ExpandWithoutValuesIsAClearError) {
  VIGIL_SKIP_WITHOUT_SHARED("corpus/sigma");
  RuleSetBuilder b;
  b.AddPath(kCorpus + "/cloudtrail/placeholder");
  EXPECT_EQ(b.Build()->size(), 0u);
  auto errs = Errors(b);
  ASSERT_EQ(errs.size(), 1u);
  EXPECT_NE(errs[0].ToString().find(":25:29: error: placeholder '%Legitimate_Countries%' has no value"),
            std::string::npos)
      << errs[0].ToString();
}

TEST(CorpusTest, LegacyAggregationRulesAreRejectedAtTheDeprecatedSyntax) {
  VIGIL_SKIP_WITHOUT_SHARED("corpus/sigma");
  const auto files = YamlFiles(kCorpus + "/cloudtrail/unsupported", false);
  ASSERT_EQ(files.size(), 8u);
  for (const auto& f : files) {
    RuleSetBuilder b;
    b.AddFile(f);
    EXPECT_EQ(b.Build()->size(), 0u) << f;
    auto errs = Errors(b);
    ASSERT_FALSE(errs.empty()) << f;
    for (const auto& e : errs) {
      EXPECT_EQ(e.where.file, f);
      EXPECT_GT(e.where.line, 0u);
      EXPECT_GT(e.where.column, 0u);
      EXPECT_NE(e.message.find("Sigma 1 aggregation"), std::string::npos) << e.ToString();
    }
  }
}

TEST(CorpusTest, SuzakuAndSpecExampleFilesLoad) {
  VIGIL_SKIP_WITHOUT_SHARED("corpus/sigma");
  for (const char* dir : {"suzaku-cloudtrail", "spec-examples"}) {
    RuleSetBuilder b;
    b.AddPath(kCorpus + "/" + dir);
    b.Build();
    EXPECT_TRUE(Errors(b).empty()) << dir << ": " << (Errors(b).empty() ? "" : Errors(b)[0].ToString());
  }
}

}  // namespace
}  // namespace vigil

namespace vigil {
namespace {

TEST(RuleSetBuilderTest, SkippedAttributesAreNotLoadedAndPositionsStay) {
  const std::string yaml = "title: A\ntests:\n  - name: x\n    expect: match\n    event:\n      a: [1,\n        2]\n"
                           "# a comment at column 0 inside the block\n  - {name: y}\ndetection:\n  s: {a|nope: 1}\n"
                           "  condition: s\n---\ntitle: B\ntests: [{name: z}]\ndetection: {s: {a: 1}, condition: s}\n";
  CompileOptions o;
  o.skip_attributes = {"tests"};
  RuleSetBuilder skip(o);
  skip.AddYaml(yaml, "r.yml");
  auto rs = skip.Build();
  ASSERT_EQ(rs->size(), 1u);
  EXPECT_EQ(rs->rule(0).title, "B");
  EXPECT_EQ(rs->rule(0).custom.count("tests"), 0u);
  ASSERT_EQ(skip.diagnostics().size(), 1u);
  EXPECT_EQ(skip.diagnostics()[0].where.line, 11u) << "lines after the blanked block do not move";
  EXPECT_EQ(skip.diagnostics()[0].where.column, 9u);
  RuleSetBuilder keep;
  keep.AddYaml(yaml, "r.yml");
  auto all = keep.Build();
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ(all->rule(0).custom.at("tests"), R"([{"name":"z"}])");
  EXPECT_EQ(keep.diagnostics()[0].ToString(), skip.diagnostics()[0].ToString());
}

// One resolution of rule references (common/rule_names.h): id or name, else title, else
// title ignoring case; a shared title names every rule that has it. Filters and
// correlations resolve their `rules:` the same way.
TEST(RuleSetFindTest, IdOrNameThenTitleThenTitleIgnoringCase) {
  RuleSetBuilder b;
  b.AddYaml(R"(title: Trail Stopped
id: 11111111-1111-4111-8111-111111111111
name: trail_stopped
detection: {s: {eventName: StopLogging}, condition: s}
---
title: Shared
detection: {s: {eventName: A}, condition: s}
---
title: Shared
detection: {s: {eventName: B}, condition: s}
---
title: trail_stopped
detection: {s: {eventName: C}, condition: s}
---
title: Filter by a title typed in lower case
filter:
  rules: [shared]
  selection: {userAgent: x}
  condition: not selection
---
title: Two of them
correlation:
  type: event_count
  rules: [trail stopped]
  timespan: 1h
  condition: {gte: 2}
)", "find.yml");
  ASSERT_FALSE(b.has_errors());
  auto set = b.Build();
  ASSERT_EQ(set->size(), 4u);
  EXPECT_EQ(set->Find("11111111-1111-4111-8111-111111111111"), (std::vector<size_t>{0}));
  // A name wins over a title that is the same text.
  EXPECT_EQ(set->Find("trail_stopped"), (std::vector<size_t>{0}));
  EXPECT_EQ(set->Find("Trail Stopped"), (std::vector<size_t>{0}));
  EXPECT_EQ(set->Find("TRAIL STOPPED"), (std::vector<size_t>{0}));
  EXPECT_EQ(set->Find("Shared"), (std::vector<size_t>{1, 2}));
  EXPECT_TRUE(set->Find("nope").empty());
  EXPECT_TRUE(set->Find("").empty());
  EXPECT_EQ(set->FindCorrelations("two of them"), (std::vector<size_t>{0}));
  ASSERT_EQ(set->correlation_count(), 1u);
  EXPECT_EQ(set->correlation(0).rules, (std::vector<std::vector<uint32_t>>{{0}}));
  // The filter named both "Shared" rules through the case-insensitive title.
  Scanner scanner(set);
  std::vector<Match> out;
  ASSERT_TRUE(scanner.Match(R"({"eventName":"A","userAgent":"x"})", &out, EventKind::kAny).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(scanner.Match(R"({"eventName":"B","userAgent":"y"})", &out, EventKind::kAny).ok());
  EXPECT_EQ(out.size(), 1u);
}

}  // namespace
}  // namespace vigil
