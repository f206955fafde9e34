// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Rule unit tests (the `tests:` attribute) through the public API: parsing and its
// errors, passing and failing tests with the explanation kept for failures, and
// filters applying to tests as they do to scans.

#include <gtest/gtest.h>

#include "vigil/vigil.h"

namespace vigil {
namespace {

std::shared_ptr<const RuleSet> Build(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml, "r.yml");
  for (const auto& d : b.diagnostics()) {
    if (d.severity == Severity::kError) ADD_FAILURE() << d.ToString();
  }
  return b.Build();
}

constexpr const char* kRule = R"(title: Stop logging
id: 0c6a8f6e-1a52-4d6e-9a55-8b1f3c1f0a01
detection:
  sel: {eventName: StopLogging}
  condition: sel
tests:
  - name: hit
    expect: match
    event: {eventName: StopLogging, eventSource: cloudtrail.amazonaws.com}
  - name: near miss
    expect: no_match
    event: {eventName: StartLogging}
)";

TEST(RuleTestsTest, ParsesTheTestsAttribute) {
  auto rs = Build(kRule);
  std::vector<RuleTestCase> cases;
  ASSERT_TRUE(ParseRuleTests(rs->rule(0), &cases).ok());
  ASSERT_EQ(cases.size(), 2u);
  EXPECT_EQ(cases[0].name, "hit");
  EXPECT_TRUE(cases[0].expect_match);
  EXPECT_EQ(cases[0].event_json, R"({"eventName":"StopLogging","eventSource":"cloudtrail.amazonaws.com"})");
  EXPECT_FALSE(cases[1].expect_match);
}

TEST(RuleTestsTest, MalformedTestsNameTheEntry) {
  struct Bad {
    const char* tests;
    const char* error;
  } bad[] = {
      {"tests: {name: x}", "must be a list"},
      {"tests: [{expect: match, event: {}}]", "test #1 has no 'name'"},
      {"tests: [{name: a, expect: yes, event: {}}]", "test #1 'a': 'expect' must be 'match' or 'no_match'"},
      {"tests: [{name: a, expect: match, event: [1]}]", "'event' must be a map"},
      {"tests: [{name: a, expect: match, event: {}, extra: 1}]", "unknown key 'extra'"},
      {"tests: [{name: a, expect: match, event: {}}, 7]", "test #2 must be a map"},
  };
  for (const auto& b : bad) {
    auto rs = Build(std::string("title: t\ndetection:\n  s: {a: 1}\n  condition: s\n") + b.tests + "\n");
    std::vector<RuleTestCase> cases;
    Status s = ParseRuleTests(rs->rule(0), &cases);
    EXPECT_FALSE(s.ok()) << b.tests;
    EXPECT_NE(s.message().find(b.error), std::string::npos) << s.message();
    auto reports = RunRuleTests(rs);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_FALSE(reports[0].passed());
    EXPECT_EQ(reports[0].error, s.message());
  }
}

TEST(RuleTestsTest, PassingAndFailingTests) {
  std::string yaml = kRule;
  yaml += R"(  - name: wrong expectation
    expect: match
    event: {eventName: DeleteTrail}
)";
  auto rs = Build(yaml);
  auto reports = RunRuleTests(rs);
  ASSERT_EQ(reports.size(), 1u);
  const RuleTestReport& r = reports[0];
  ASSERT_EQ(r.results.size(), 3u);
  EXPECT_TRUE(r.results[0].passed());
  EXPECT_TRUE(r.results[0].matched);
  EXPECT_TRUE(r.results[0].explanation.empty()) << "explanations are kept for failures only";
  EXPECT_TRUE(r.results[1].passed());
  EXPECT_FALSE(r.results[1].matched);
  EXPECT_FALSE(r.results[2].passed());
  EXPECT_TRUE(r.results[2].error.empty());
  EXPECT_EQ(r.failures(), 1u);
  EXPECT_NE(r.results[2].explanation.find("- eventName: StopLogging    [event: DeleteTrail]"), std::string::npos)
      << r.results[2].explanation;
}

TEST(RuleTestsTest, FiltersApplyToTests) {
  std::string yaml = kRule;
  yaml += R"(  - name: the automation role is filtered out
    expect: no_match
    event: {eventName: StopLogging, userIdentity: {arn: "arn:aws:iam::1:role/automation"}}
---
title: Not the automation role
filter:
  rules: [0c6a8f6e-1a52-4d6e-9a55-8b1f3c1f0a01]
  selection: {userIdentity.arn|endswith: role/automation}
  condition: not selection
)";
  RuleSetBuilder b;
  b.AddYaml(yaml + R"(---
title: Filtered
detection:
  s: {eventName: StopLogging}
  condition: s
tests:
  - name: automation is filtered out
    expect: no_match
    event: {eventName: StopLogging, userIdentity: {arn: "arn:aws:iam::1:role/automation"}}
)", "r.yml");
  auto rs = b.Build();
  // The filter names only the first rule: the second one still matches.
  auto reports = RunRuleTests(rs);
  ASSERT_EQ(reports.size(), 2u);
  EXPECT_TRUE(reports[0].passed());
  ASSERT_EQ(reports[0].results.size(), 3u);
  EXPECT_FALSE(reports[0].results[2].matched);
  EXPECT_FALSE(reports[1].passed());
  EXPECT_TRUE(reports[1].results[0].matched);
}

TEST(RuleTestsTest, RulesWithoutTests) {
  auto rs = Build("title: t\ndetection:\n  s: {a: 1}\n  condition: s\n");
  auto reports = RunRuleTests(rs);
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_FALSE(reports[0].has_tests());
  EXPECT_TRUE(reports[0].passed());
}

}  // namespace
}  // namespace vigil
