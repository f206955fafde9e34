// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// src/syntax/rule_parser.cc on its own: a YAML document -> RuleAst, before any meaning
// is given to it (ir/lower.cc). What each kind of document keeps, the YAML types of
// values, where each node was, and the errors that name file:line:column.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "load/yaml_loader.h"
#include "syntax/rule_ast.h"

namespace vigil::internal {
namespace {

struct Parsed {
  bool ok = false;
  RuleAst ast;
  std::vector<std::string> diagnostics;  // Diagnostic::ToString()
};

Parsed Parse(const std::string& yaml) {
  Parsed p;
  std::vector<Diagnostic> diags;
  const std::vector<YamlDocument> docs = LoadYamlDocuments(yaml, "r.yml", &diags);
  EXPECT_EQ(docs.size(), 1u) << yaml;
  EXPECT_TRUE(diags.empty()) << diags.front().ToString();
  if (docs.size() != 1) return p;
  p.ok = ParseRuleDocument(docs[0], &p.ast, &diags);
  for (const auto& d : diags) p.diagnostics.push_back(d.ToString());
  return p;
}

// The first diagnostic of a document that must fail.
std::string ErrorOf(const std::string& yaml) {
  const Parsed p = Parse(yaml);
  EXPECT_FALSE(p.ok) << yaml;
  return p.diagnostics.empty() ? "" : p.diagnostics.front();
}

std::string At(const SourceLocation& w) { return std::to_string(w.line) + ":" + std::to_string(w.column); }

TEST(RuleParserTest, DetectionRuleKeepsEveryAttribute) {
  const Parsed p = Parse(R"(title: Trail stopped
id: 6f3b1c0e-0000-4000-8000-000000000001
name: trail_stopped
status: stable
description: Someone stopped a trail
license: MIT
author: [Ann, Bo]
date: 2026-01-02
modified: 2026-02-03
level: high
references: [https://example.com/a]
tags: [attack.defense-evasion, attack.t1562.008]
falsepositives: [Planned changes]
fields: [userIdentity.arn]
related:
  - {id: 11111111-0000-4000-8000-000000000000, type: derived}
logsource: {product: aws, service: cloudtrail, definition: management events}
x-owner: {team: sec, oncall: [a, b]}
detection:
  sel:
    eventName: StopLogging
  condition: sel
)");
  ASSERT_TRUE(p.ok) << p.diagnostics.front();
  EXPECT_TRUE(p.diagnostics.empty());
  EXPECT_EQ(p.ast.kind, RuleAst::Kind::kDetection);
  const RuleInfo& i = p.ast.info;
  EXPECT_EQ(i.title, "Trail stopped");
  EXPECT_EQ(i.id, "6f3b1c0e-0000-4000-8000-000000000001");
  EXPECT_EQ(i.name, "trail_stopped");
  EXPECT_EQ(i.status, "stable");
  EXPECT_EQ(i.description, "Someone stopped a trail");
  EXPECT_EQ(i.license, "MIT");
  EXPECT_EQ(i.author, "Ann, Bo");  // a list of authors is joined
  EXPECT_EQ(i.date, "2026-01-02");
  EXPECT_EQ(i.modified, "2026-02-03");
  EXPECT_EQ(i.level, "high");
  EXPECT_EQ(i.references, std::vector<std::string>{"https://example.com/a"});
  EXPECT_EQ(i.tags, (std::vector<std::string>{"attack.defense-evasion", "attack.t1562.008"}));
  EXPECT_EQ(i.falsepositives, std::vector<std::string>{"Planned changes"});
  EXPECT_EQ(i.fields, std::vector<std::string>{"userIdentity.arn"});
  ASSERT_EQ(i.related.size(), 1u);
  EXPECT_EQ(i.related[0].id, "11111111-0000-4000-8000-000000000000");
  EXPECT_EQ(i.related[0].type, "derived");
  EXPECT_EQ(i.logsource.product, "aws");
  EXPECT_EQ(i.logsource.service, "cloudtrail");
  EXPECT_EQ(i.logsource.category, "");
  EXPECT_EQ(i.logsource.definition, "management events");
  // An attribute Sigma does not define is kept, as compact JSON.
  ASSERT_EQ(i.custom.count("x-owner"), 1u);
  EXPECT_EQ(i.custom.at("x-owner"), R"({"team":"sec","oncall":["a","b"]})");
  EXPECT_EQ(i.custom.count("title"), 0u);
  EXPECT_EQ(i.where.file, "r.yml");
}

TEST(RuleParserTest, SearchIdentifiersKeepTheirShapeAndPositions) {
  const Parsed p = Parse(R"(title: shapes
detection:
  one_map:
    eventSource: s3.amazonaws.com
    eventName|startswith|cased: [Put, Delete]
  list_of_maps:
    - userAgent|contains: aws-cli
    - errorCode: AccessDenied
  keywords:
    - evil
    - worse
  one_keyword: alone
  condition: one_map and (list_of_maps or keywords or one_keyword)
)");
  ASSERT_TRUE(p.ok) << p.diagnostics.front();
  const std::vector<SearchIdAst>& ids = p.ast.detection.identifiers;
  ASSERT_EQ(ids.size(), 4u);

  EXPECT_EQ(ids[0].name, "one_map");
  EXPECT_EQ(At(ids[0].where), "3:3");
  ASSERT_EQ(ids[0].alternatives.size(), 1u);  // a map: one AND of its items
  const std::vector<ItemAst>& items = ids[0].alternatives[0];
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].field, "eventSource");
  EXPECT_TRUE(items[0].modifiers.empty());
  EXPECT_EQ(items[1].field, "eventName");
  EXPECT_EQ(items[1].modifiers, (std::vector<std::string>{"startswith", "cased"}));
  EXPECT_EQ(At(items[1].where), "5:5");
  ASSERT_EQ(items[1].modifier_where.size(), 2u);
  EXPECT_EQ(At(items[1].modifier_where[0]), "5:15");  // "startswith" after "eventName|"
  EXPECT_EQ(At(items[1].modifier_where[1]), "5:26");  // "cased"
  ASSERT_EQ(items[1].values.size(), 2u);
  EXPECT_EQ(items[1].values[1].text, "Delete");
  EXPECT_EQ(At(items[1].values[1].where), "5:39");

  EXPECT_EQ(ids[1].alternatives.size(), 2u);  // a list of maps: an OR of them
  EXPECT_EQ(ids[1].alternatives[1][0].field, "errorCode");

  ASSERT_EQ(ids[2].alternatives.size(), 1u);  // keywords: one item with no field
  ASSERT_EQ(ids[2].alternatives[0].size(), 1u);
  EXPECT_EQ(ids[2].alternatives[0][0].field, "");
  ASSERT_EQ(ids[2].alternatives[0][0].values.size(), 2u);
  EXPECT_EQ(ids[2].alternatives[0][0].values[1].text, "worse");

  ASSERT_EQ(ids[3].alternatives.size(), 1u);  // one scalar: one keyword
  EXPECT_EQ(ids[3].alternatives[0][0].field, "");
  EXPECT_EQ(ids[3].alternatives[0][0].values[0].text, "alone");

  ASSERT_EQ(p.ast.detection.conditions.size(), 1u);
  EXPECT_EQ(p.ast.detection.conditions[0].text, "one_map and (list_of_maps or keywords or one_keyword)");
  EXPECT_EQ(At(p.ast.detection.conditions[0].where), "13:14");
}

TEST(RuleParserTest, ValuesKeepTheirYamlType) {
  const Parsed p = Parse(R"(title: types
detection:
  sel:
    f: [plain, 'quoted', "5", 5, -1.5e3, 0x1F, 0o17, true, FALSE, ~, null, '', 1_000]
  empty:
    g:
  condition: sel or empty
)");
  ASSERT_TRUE(p.ok) << p.diagnostics.front();
  const std::vector<ValueAst>& v = p.ast.detection.identifiers[0].alternatives[0][0].values;
  ASSERT_EQ(v.size(), 13u);
  using T = ValueAst::Type;
  const std::vector<std::pair<T, std::string>> want = {
      {T::kString, "plain"}, {T::kString, "quoted"}, {T::kString, "5"},  // quoted: text
      {T::kNumber, "5"},     {T::kNumber, "-1.5e3"}, {T::kNumber, "0x1F"},
      {T::kNumber, "0o17"},  {T::kBool, "true"},     {T::kBool, "false"},  // spelled lower
      {T::kNull, ""},        {T::kNull, ""},         {T::kString, ""},
      {T::kString, "1_000"},  // YAML 1.2 has no digit separators
  };
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(v[i].type, want[i].first) << i << ": " << v[i].text;
    EXPECT_EQ(v[i].text, want[i].second) << i;
  }
  // `g:` with nothing after it is one null value (Sigma: the field is absent or null).
  const std::vector<ValueAst>& g = p.ast.detection.identifiers[1].alternatives[0][0].values;
  ASSERT_EQ(g.size(), 1u);
  EXPECT_EQ(g[0].type, T::kNull);
}

TEST(RuleParserTest, SeveralConditionsAreKeptInOrder) {
  const Parsed p = Parse("title: c\ndetection:\n  a: {f: 1}\n  b: {g: 2}\n  condition:\n    - a\n    - not b\n");
  ASSERT_TRUE(p.ok) << p.diagnostics.front();
  ASSERT_EQ(p.ast.detection.conditions.size(), 2u);
  EXPECT_EQ(p.ast.detection.conditions[0].text, "a");
  EXPECT_EQ(p.ast.detection.conditions[1].text, "not b");
  EXPECT_EQ(At(p.ast.detection.conditions[1].where), "7:7");
}

TEST(RuleParserTest, AConditionErrorPointsIntoTheCondition) {
  EXPECT_EQ(ErrorOf("title: c\ndetection:\n  a: {f: 1}\n  condition: a and and a\n"),
            "r.yml:4:20: error: condition: expected an identifier, found 'and'");
}

TEST(RuleParserTest, FilterDocument) {
  const Parsed p = Parse(R"(title: Not the deploy role
filter:
  rules: [trail_stopped, 6f3b1c0e-0000-4000-8000-000000000001]
  deploy:
    userIdentity.arn|endswith: role/deploy
  condition: not deploy
)");
  ASSERT_TRUE(p.ok) << p.diagnostics.front();
  EXPECT_EQ(p.ast.kind, RuleAst::Kind::kFilter);
  EXPECT_EQ(p.ast.filter_rules,
            (std::vector<std::string>{"trail_stopped", "6f3b1c0e-0000-4000-8000-000000000001"}));
  ASSERT_EQ(p.ast.detection.identifiers.size(), 1u);  // `rules` is not a search identifier
  EXPECT_EQ(p.ast.detection.identifiers[0].name, "deploy");
  EXPECT_EQ(p.ast.detection.conditions[0].text, "not deploy");

  EXPECT_EQ(ErrorOf("title: f\nfilter:\n  sel: {a: 1}\n  condition: sel\n"),
            "r.yml:3:3: error: filter has no 'rules' naming the rules it applies to");
}

TEST(RuleParserTest, CorrelationDocument) {
  const Parsed p = Parse(R"(title: Many regions
correlation:
  type: value_percentile
  rules: [a, b]
  group-by: [userIdentity.arn, recipientAccountId]
  timespan: 10m
  generate: true
  aliases:
    principal: {a: userIdentity.arn, b: userIdentity.principalId}
  condition:
    field: [awsRegion, eventSource]
    gte: 3
    lt: 100.5
    percentile: 95
)");
  ASSERT_TRUE(p.ok) << p.diagnostics.front();
  EXPECT_EQ(p.ast.kind, RuleAst::Kind::kCorrelation);
  const CorrelationAst& c = p.ast.correlation;
  EXPECT_EQ(c.type, "value_percentile");
  EXPECT_EQ(c.rules, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.group_by, (std::vector<std::string>{"userIdentity.arn", "recipientAccountId"}));
  EXPECT_EQ(c.timespan, "10m");
  EXPECT_TRUE(c.generate);
  EXPECT_EQ(c.fields, (std::vector<std::string>{"awsRegion", "eventSource"}));
  EXPECT_EQ(c.field, "awsRegion");
  EXPECT_EQ(c.condition, (std::vector<std::pair<std::string, double>>{{"gte", 3}, {"lt", 100.5}}));
  ASSERT_TRUE(c.percentile.has_value());
  EXPECT_EQ(*c.percentile, 95);
  ASSERT_EQ(c.aliases.size(), 1u);
  EXPECT_EQ(c.aliases[0].first, "principal");
  EXPECT_EQ(c.aliases[0].second,
            (std::vector<std::pair<std::string, std::string>>{{"a", "userIdentity.arn"},
                                                              {"b", "userIdentity.principalId"}}));

  const Parsed seen = Parse(
      "title: New address\ncorrelation:\n  type: first_seen\n  rules: [login]\n  group-by: [u]\n"
      "  timespan: 90d\n  learning: 14d\n  condition: {field: sourceIPAddress}\n");
  ASSERT_TRUE(seen.ok) << seen.diagnostics.front();
  EXPECT_EQ(seen.ast.correlation.learning, "14d");
  EXPECT_FALSE(seen.ast.correlation.generate);
  EXPECT_TRUE(seen.ast.correlation.condition.empty());

  const Parsed temporal =
      Parse("title: t\ncorrelation:\n  type: temporal_ordered\n  rules: [a, b]\n  timespan: 5m\n");
  ASSERT_TRUE(temporal.ok) << temporal.diagnostics.front();  // temporal types need no condition
}

TEST(RuleParserTest, CorrelationErrorsNameTheNode) {
  const std::string head = "title: c\ncorrelation:\n";
  EXPECT_EQ(ErrorOf(head + "  type: event_sum\n  rules: [a]\n  timespan: 1m\n"),
            "r.yml:3:9: error: unknown correlation type 'event_sum'");
  EXPECT_EQ(ErrorOf(head + "  type: event_count\n  rules: [a]\n  timespan: 10 minutes\n  condition: {gte: 1}\n"),
            "r.yml:5:13: error: correlation 'timespan' must be a number with a unit s, m, h, d, w, M or y");
  EXPECT_EQ(ErrorOf(head + "  type: event_count\n  rules: [a]\n  timespan: 1m\n"),
            "r.yml:3:3: error: correlation of type event_count needs a 'condition'");
  EXPECT_EQ(ErrorOf(head + "  type: value_count\n  rules: [a]\n  timespan: 1m\n  condition: {gte: 2}\n"),
            "r.yml:6:14: error: correlation of type value_count needs 'field' in its condition");
  EXPECT_EQ(ErrorOf(head + "  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {gte: many}\n"),
            "r.yml:6:20: error: correlation condition 'gte' must be a number");
  EXPECT_EQ(ErrorOf(head + "  type: event_count\n  rules: [a]\n  timespan: 1m\n  condition: {above: 1}\n"),
            "r.yml:6:15: error: unknown correlation condition 'above'");
  EXPECT_EQ(ErrorOf(head + "  type: event_count\n  rules: [a]\n  timespan: 1m\n  learning: 1d\n  condition: {gte: 1}\n"),
            "r.yml:6:13: error: 'learning' applies to first_seen correlations only");
  EXPECT_EQ(ErrorOf(head + "  type: first_seen\n  rules: [a]\n  timespan: 1d\n  condition: {field: f, gte: 1}\n"),
            "r.yml:6:14: error: first_seen takes no comparison in its condition, only 'field'");
  EXPECT_EQ(ErrorOf(head + "  type: event_count\n  timespan: 1m\n  condition: {gte: 1}\n"),
            "r.yml:3:3: error: correlation has no 'rules'");
}

TEST(RuleParserTest, DocumentErrorsNameTheNode) {
  EXPECT_EQ(ErrorOf("- a\n- b\n"), "r.yml:1:1: error: a rule document must be a YAML map");
  EXPECT_EQ(ErrorOf("detection: {s: {a: 1}, condition: s}\n"), "r.yml:1:1: error: rule has no 'title'");
  EXPECT_EQ(ErrorOf("title: t\n"), "r.yml:1:1: error: rule has no 'detection'");
  EXPECT_EQ(ErrorOf("title: t\ndetection:\n  s: {a: 1}\n"), "r.yml:3:3: error: detection has no 'condition'");
  EXPECT_EQ(ErrorOf("title: t\ndetection: [a]\n"), "r.yml:2:12: error: 'detection' must be a map");
  EXPECT_EQ(ErrorOf("title: t\ndetection:\n  s:\n    requestParameters: {bucketName: b}\n  condition: s\n"),
            "r.yml:4:24: error: the value of 'requestParameters' is a map; name nested fields with dots "
            "instead (e.g. 'requestParameters.bucketName')");
  EXPECT_EQ(ErrorOf("title: t\ndetection:\n  s:\n    a|contains: []\n  condition: s\n"),
            "r.yml:4:17: error: empty list of values for 'a|contains': modifiers need a value "
            "(without modifiers, [] means null)");
  EXPECT_EQ(ErrorOf("title: t\ndetection:\n  s: [{a: 1}, b]\n  condition: s\n"),
            "r.yml:3:6: error: search identifier 's' mixes maps and plain values; split it into two "
            "identifiers");
  EXPECT_EQ(ErrorOf("title: t\ndetection:\n  s:\n  condition: s\n"),
            "r.yml:3:3: error: search identifier 's' is empty");
  EXPECT_EQ(ErrorOf("title: t\ndetection:\n  s: {a: 1}\n  timeframe: 5m\n  condition: s\n"),
            "r.yml:4:3: error: 'timeframe' belongs to the Sigma 1 aggregation syntax, which Sigma 2 "
            "removed; express thresholds over time as a correlation rule");
  EXPECT_EQ(ErrorOf("title: t\naction: global\n"),
            "r.yml:2:9: error: 'action' rule collections (global/reset/repeat) are Sigma 1 syntax that "
            "Sigma 2 removed; write each rule as its own document");
  EXPECT_EQ(ErrorOf("title: [a, b]\ndetection: {s: {a: 1}, condition: s}\n"),
            "r.yml:1:8: error: 'title' must be a string");
}

TEST(RuleParserTest, AnUnknownLevelIsAWarningAndTheRuleStays) {
  const Parsed p = Parse("title: t\nlevel: severe\ndetection: {s: {a: 1}, condition: s}\n");
  EXPECT_TRUE(p.ok);
  EXPECT_EQ(p.diagnostics, std::vector<std::string>{
                               "r.yml:2:8: warning: unknown level 'severe' (expected informational, low, "
                               "medium, high or critical)"});
  EXPECT_EQ(p.ast.info.level, "severe");
}

}  // namespace
}  // namespace vigil::internal
