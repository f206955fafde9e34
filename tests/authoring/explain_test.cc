// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Explain through the public API: per-item verdicts and the values seen, list-of-maps
// alternatives, `1 of`/`all of` conditions, filters, unused identifiers, and errors.
// (Agreement with the compiled matcher on every case of tests/cases/ is checked in
// tests/eval/cases_test.cc.)

#include <gtest/gtest.h>

#include "vigil/vigil.h"

namespace vigil {
namespace {

std::shared_ptr<const RuleSet> Build(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml, "r.yml");
  for (const auto& d : b.diagnostics()) ADD_FAILURE() << d.ToString();
  return b.Build();
}

const ItemTrace& Item(const Explanation& e, size_t id, size_t alt, size_t item) {
  return e.detection.identifiers.at(id).alternatives.at(alt).at(item);
}

TEST(ExplainTest, ReportsEachItemWithTheValuesItSaw) {
  auto rs = Build(R"(title: Failed login
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: ConsoleLogin
    responseElements.ConsoleLogin: Failure
    sourceIPAddress|cidr: 10.0.0.0/8
  condition: selection
)");
  auto ex = Explain(*rs, 0, R"({"eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"},"sourceIPAddress":"10.1.2.3"})");
  ASSERT_TRUE(ex.ok()) << ex.status().message();
  const Explanation& e = ex.value();
  EXPECT_FALSE(e.matched);
  EXPECT_FALSE(e.detection.held);
  ASSERT_EQ(e.detection.identifiers.size(), 1u);
  EXPECT_EQ(e.detection.identifiers[0].name, "selection");
  EXPECT_TRUE(Item(e, 0, 0, 0).held);
  EXPECT_EQ(Item(e, 0, 0, 0).text, "eventName: ConsoleLogin");
  EXPECT_FALSE(Item(e, 0, 0, 1).held);
  EXPECT_EQ(Item(e, 0, 0, 1).seen, std::vector<std::string>{"Success"});
  EXPECT_EQ(Item(e, 0, 0, 1).where.line, 6u);
  EXPECT_TRUE(Item(e, 0, 0, 2).held);
  EXPECT_EQ(Item(e, 0, 0, 2).text, "sourceIPAddress|cidr: 10.0.0.0/8");
  const std::string text = e.ToText();
  EXPECT_NE(text.find("- responseElements.ConsoleLogin: Failure    [event: Success]"), std::string::npos) << text;
  EXPECT_NE(text.find("+ eventName: ConsoleLogin"), std::string::npos) << text;
  EXPECT_NE(text.find("verdict: no match"), std::string::npos) << text;
}

// Fields of a decoded embedded document (CompileOptions::embedded_json) are explained
// like any other: the values seen are those of the decoded policy.
TEST(ExplainTest, FieldsOfAnEmbeddedDocument) {
  auto rs = Build(R"(title: Admin policy
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    requestParameters.policyDocument.Statement.Effect: Allow
    requestParameters.policyDocument.Statement.Action: '\*'
  condition: selection
)");
  const char* event =
      R"({"eventName":"PutUserPolicy","requestParameters":{"policyDocument":)"
      R"("%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%7D%2C)"
      R"(%7B%22Effect%22%3A%22Deny%22%2C%22Action%22%3A%22%2A%22%7D%5D%7D"}})";
  auto ex = Explain(*rs, 0, event);
  ASSERT_TRUE(ex.ok()) << ex.status().message();
  const Explanation& e = ex.value();
  EXPECT_TRUE(Item(e, 0, 0, 0).held);
  EXPECT_EQ(Item(e, 0, 0, 0).seen, (std::vector<std::string>{"Allow", "Deny"}));
  EXPECT_TRUE(Item(e, 0, 0, 1).held);
  EXPECT_EQ(Item(e, 0, 0, 1).seen, (std::vector<std::string>{"s3:GetObject", "*"}));
  // Each item holds for some statement: as in a scan, not necessarily the same one.
  EXPECT_TRUE(e.matched);
}

TEST(ExplainTest, MissingFieldsArraysAndAlternatives) {
  auto rs = Build(R"(title: Alternatives
detection:
  sel:
    - eventName: A
      errorCode: null
    - eventName|startswith: [Del, Put]
  tag:
    resources.type: AWS::KMS::Key
  condition: sel and tag
)");
  auto ex = Explain(*rs, 0, R"({"eventName":"DeleteKey","resources":[{"type":"AWS::S3::Bucket"},{"type":"AWS::KMS::Key"}]})");
  ASSERT_TRUE(ex.ok());
  const Explanation& e = ex.value();
  EXPECT_TRUE(e.matched);
  const IdentifierTrace& sel = e.detection.identifiers[0];
  ASSERT_EQ(sel.alternatives.size(), 2u);
  EXPECT_FALSE(sel.alternatives[0][0].held);
  EXPECT_TRUE(sel.alternatives[0][1].held) << "errorCode: null holds when the field is missing";
  EXPECT_TRUE(sel.alternatives[0][1].seen.empty());
  EXPECT_TRUE(sel.alternatives[1][0].held);
  EXPECT_EQ(sel.alternatives[1][0].text, "eventName|startswith: [Del, Put]");
  const ItemTrace& tag = Item(e, 1, 0, 0);
  EXPECT_TRUE(tag.held);
  EXPECT_EQ(tag.seen, (std::vector<std::string>{"AWS::S3::Bucket", "AWS::KMS::Key"}));
  EXPECT_NE(e.ToText().find("alternative 2 of 2"), std::string::npos);
  EXPECT_NE(e.ToText().find("field missing"), std::string::npos);
}

TEST(ExplainTest, QuantifiedConditionsUnusedIdentifiersAndFilters) {
  RuleSetBuilder b;
  b.AddYaml(R"(title: Quantified
id: 5e0ab4d0-0000-4000-8000-000000000001
detection:
  sel_a: {eventName: A}
  sel_b: {eventName: B}
  spare: {eventName: C}
  condition: 1 of sel_*
---
title: Not from CI
filter:
  rules: [5e0ab4d0-0000-4000-8000-000000000001]
  selection: {userIdentity.arn|endswith: /ci}
  condition: not selection
)",
            "r.yml");
  auto rs = b.Build();
  ASSERT_EQ(rs->size(), 1u);
  auto from_ci = Explain(*rs, 0, R"({"eventName":"B","userIdentity":{"arn":"arn:aws:iam::1:user/ci"}})");
  ASSERT_TRUE(from_ci.ok());
  EXPECT_TRUE(from_ci.value().detection.held);
  EXPECT_FALSE(from_ci.value().detection.identifiers[2].used);
  ASSERT_EQ(from_ci.value().filters.size(), 1u);
  EXPECT_EQ(from_ci.value().filters[0].title, "Not from CI");
  EXPECT_FALSE(from_ci.value().filters[0].detection.held);
  EXPECT_FALSE(from_ci.value().matched) << "the filter removes it";
  auto from_alice = Explain(*rs, 0, R"({"eventName":"B","userIdentity":{"arn":"arn:aws:iam::1:user/alice"}})");
  ASSERT_TRUE(from_alice.ok());
  EXPECT_TRUE(from_alice.value().matched);
  EXPECT_NE(from_alice.value().ToText().find("filter: Not from CI"), std::string::npos);
  EXPECT_NE(from_alice.value().ToText().find("(not used by the condition)"), std::string::npos);
}

TEST(ExplainTest, LongAndManyValuesAreCut) {
  auto rs = Build(R"(title: Many
detection:
  sel: {items.v: x}
  condition: sel
)");
  std::string ev = R"({"items":[)";
  for (int i = 0; i < 20; ++i) ev += std::string(i ? "," : "") + R"({"v":")" + std::string(300, 'a') + "\"}";
  ev += "]}";
  auto ex = Explain(*rs, 0, ev);
  ASSERT_TRUE(ex.ok());
  const ItemTrace& it = Item(ex.value(), 0, 0, 0);
  EXPECT_EQ(it.seen.size(), ItemTrace::kMaxSeen);
  EXPECT_TRUE(it.seen_truncated);
  EXPECT_EQ(it.seen[0].size(), ItemTrace::kMaxSeenBytes + 3);
}

TEST(ExplainTest, RejectsMalformedEvents) {
  auto rs = Build("title: t\ndetection:\n  s: {a: 1}\n  condition: s\n");
  EXPECT_FALSE(Explain(*rs, 0, "{\"a\":").ok());
  EXPECT_FALSE(Explain(*rs, 0, "[1,2]").ok());
}

// docs/limits.md: explain (and the failure reports of `vigil test`, which run on a rule's
// own test events) stay bounded on hostile events and patterns.
TEST(ExplainTest, DeepEventsAreBoundedByTheDomParser) {
  auto rs = Build("title: t\ndetection:\n  s: {a.b: 1}\n  condition: s\n");
  const auto nested = [](size_t n) { return "{\"a\":" + std::string(n, '[') + std::string(n, ']') + "}"; };
  auto ok = Explain(*rs, 0, nested(1023));  // 1024 levels with the top-level object
  ASSERT_TRUE(ok.ok()) << ok.status().message();
  EXPECT_FALSE(ok.value().matched);
  EXPECT_EQ(Explain(*rs, 0, nested(1024)).status().message(), "the event is nested deeper than 1024 levels");
  EXPECT_EQ(Explain(*rs, 0, nested(10000)).status().message(), "the event is nested deeper than 1024 levels");
}

TEST(ExplainTest, WildcardsAndRegexesOnLongValuesAreBounded) {
  // Many stars against a long value that almost matches: exponential for a naive
  // recursive matcher, O(pattern * value) here.
  auto g = Build("title: g\ndetection:\n  s: {a: '*a*a*a*a*a*a*a*a*a*a*b'}\n  condition: s\n");
  const std::string long_a = std::string(100000, 'a');
  auto ex = Explain(*g, 0, "{\"a\":\"" + long_a + "\"}");
  ASSERT_TRUE(ex.ok());
  EXPECT_FALSE(ex.value().matched);
  ex = Explain(*g, 0, "{\"a\":\"" + long_a + "b\"}");
  ASSERT_TRUE(ex.ok());
  EXPECT_TRUE(ex.value().matched);
  // A ReDoS pattern stops at the same PCRE2 match limit as the scanner: no match.
  auto re = Build("title: r\ndetection:\n  s: {a|re: '(a+)+$'}\n  condition: s\n");
  ex = Explain(*re, 0, "{\"a\":\"" + long_a + "!\"}");
  ASSERT_TRUE(ex.ok());
  EXPECT_FALSE(ex.value().matched);
  ex = Explain(*re, 0, R"({"a":"aaa"})");
  ASSERT_TRUE(ex.ok());
  EXPECT_TRUE(ex.value().matched);
}

}  // namespace
}  // namespace vigil
