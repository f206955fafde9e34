// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil check` through the public API: each check fires on a rule written to trip
// it, at the right line and column, and stays quiet on a clean rule; CloudTrail field
// suggestions.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "vigil/vigil.h"

namespace vigil {
namespace {

std::string Write(const std::string& name, const std::string& text) {
  const std::string dir = ::testing::TempDir() + "/lint_test";
  std::filesystem::create_directories(dir);
  const std::string path = dir + "/" + name;
  std::ofstream(path) << text;
  return path;
}

constexpr const char* kClean = R"(title: Trail stopped
id: 6f1d2b7a-3c4e-4f5a-8b9c-0d1e2f3a4b5c
status: experimental
description: StopLogging.
author: vigil tests
date: 2026-11-26
tags: [attack.defense-evasion, attack.t1562.008, cis.aws.4.5]
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventSource: cloudtrail.amazonaws.com
    eventName: StopLogging
  filter_failed:
    errorCode|exists: true
  condition: selection and not filter_failed
falsepositives: [Maintenance]
level: high
tests:
  - {name: hit, expect: match, event: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging}}
  - {name: miss, expect: no_match, event: {eventSource: cloudtrail.amazonaws.com, eventName: StartLogging}}
)";

// The diagnostics whose message ends with "[check]".
std::vector<Diagnostic> Of(const LintReport& r, const std::string& check) {
  std::vector<Diagnostic> out;
  const std::string tail = "[" + check + "]";
  for (const auto& d : r.diagnostics) {
    if (d.message.size() >= tail.size() && d.message.compare(d.message.size() - tail.size(), tail.size(), tail) == 0) {
      out.push_back(d);
    }
  }
  return out;
}

std::string All(const LintReport& r) {
  std::string s;
  for (const auto& d : r.diagnostics) s += d.ToString() + "\n";
  return s;
}

TEST(LintTest, CleanRuleHasNoFindings) {
  const LintReport r = LintPaths({Write("clean.yml", kClean)});
  EXPECT_TRUE(r.diagnostics.empty()) << All(r);
  EXPECT_EQ(r.files, 1u);
  EXPECT_EQ(r.rules, 1u);
}

TEST(LintTest, SchemaAndTags) {
  const LintReport r = LintPaths({Write("schema.yml", R"(title: T
id: not-a-uuid
status: finished
date: 26.11.2026
falsepositive: [x]
tags: [attack.defence-evasion, Attack.T1562, cis.aws.4.5]
logsource: {product: aws, service: cloudtrail}
detection:
  s: {eventName: StopLogging}
  condition: s
tests:
  - {name: hit, expect: match, event: {eventName: StopLogging}}
  - {name: miss, expect: no_match, event: {eventName: X}}
)")});
  const auto schema = Of(r, "schema");
  std::string text;
  for (const auto& d : schema) text += d.ToString() + "\n";
  EXPECT_NE(text.find(":2:5: warning: id 'not-a-uuid' is not a UUID"), std::string::npos) << text;
  EXPECT_NE(text.find(":3:9: warning: unknown status 'finished'"), std::string::npos) << text;
  EXPECT_NE(text.find(":4:7: warning: 'date' must be a date written YYYY-MM-DD"), std::string::npos) << text;
  EXPECT_NE(text.find(":5:1: warning: unknown attribute 'falsepositive'; did you mean 'falsepositives'?"), std::string::npos) << text;
  EXPECT_NE(text.find("no level"), std::string::npos) << text;
  EXPECT_NE(text.find("no description"), std::string::npos) << text;
  const auto tags = Of(r, "tags");
  ASSERT_EQ(tags.size(), 2u) << All(r);
  EXPECT_EQ(tags[0].where.line, 6u);
  EXPECT_NE(tags[0].message.find("attack.defence-evasion"), std::string::npos);
  EXPECT_NE(tags[1].message.find("Attack.T1562"), std::string::npos);
  EXPECT_EQ(r.errors(), 0u) << "style findings are warnings";
}

TEST(LintTest, DuplicateIdsAreErrorsAcrossFiles) {
  const std::string a = Write("dup_a.yml", kClean);
  const std::string b = Write("dup_b.yml", kClean);
  const LintReport r = LintPaths({a, b});
  const auto ids = Of(r, "duplicate-id");
  ASSERT_EQ(ids.size(), 1u) << All(r);
  EXPECT_EQ(ids[0].severity, Severity::kError);
  EXPECT_EQ(ids[0].where.file, b);
  EXPECT_EQ(ids[0].where.line, 2u);
  EXPECT_NE(ids[0].message.find(a + ":2:5"), std::string::npos) << "names the first use";
  EXPECT_EQ(Of(r, "duplicate-title").size(), 1u);
}

TEST(LintTest, IdentifiersAndConditions) {
  const LintReport r = LintPaths({Write("cond.yml", R"(title: A
detection:
  sel: {eventName: A}
  spare: {eventName: B}
  condition: sel or not sel
---
title: B
detection:
  sel: {eventName: A}
  condition: sel and not sel
---
title: C
detection:
  filter: {errorCode|exists: true}
  condition: not filter
---
title: D
detection:
  sel: {eventName: A}
  condition: sel and not nosuch
)")},
                                  LintOptions{{}, false});
  const auto unused = Of(r, "unused-identifier");
  ASSERT_EQ(unused.size(), 1u) << All(r);
  EXPECT_EQ(unused[0].where.line, 4u);
  EXPECT_NE(unused[0].message.find("'spare'"), std::string::npos);
  ASSERT_EQ(Of(r, "condition-always-matches").size(), 1u) << All(r);
  EXPECT_EQ(Of(r, "condition-always-matches")[0].where.line, 5u);
  ASSERT_EQ(Of(r, "condition-never-matches").size(), 1u) << All(r);
  EXPECT_EQ(Of(r, "condition-never-matches")[0].where.line, 10u);
  ASSERT_EQ(Of(r, "condition-matches-nothing-specific").size(), 1u) << All(r);
  EXPECT_EQ(Of(r, "condition-matches-nothing-specific")[0].where.line, 15u);
  // Used but undefined: the loader's error, at the identifier's column.
  bool undefined = false;
  for (const auto& d : r.diagnostics) {
    if (d.severity == Severity::kError && d.message.find("'nosuch'") != std::string::npos) {
      undefined = true;
      EXPECT_EQ(d.where.line, 20u);
      EXPECT_EQ(d.where.column, 26u);
    }
  }
  EXPECT_TRUE(undefined) << All(r);
}

TEST(LintTest, ModifiersWildcardsAndFields) {
  const LintReport r = LintPaths({Write("values.yml", R"(title: V
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    eventName: 'Put*'
    userAgent: '*boto3*'
    userIdentity.arn: '*:root'
    requestParameters.key: 'a*b*'
    errorMessage: '\*literal\*'
    sourceIpAddress|cidr: 10.0.0.0/8
    userIdentity.sessionContext.attributes.mfaauthenticated: 'false'
    requestparameters.bucketName: b
    additionalEventData.MFAUsed: 'No'
    recipientAccountId|fieldref: userIdentity.acountId
  condition: sel
---
title: M
detection:
  sel:
    eventName|contain: x
    eventName|re|cidr: y
  condition: sel
---
title: N
detection:
  sel:
    eventName|contains|contains: x
    userAgent|re|cased: y
    eventSource|all|endswith: z
  condition: sel
)")},
                                  LintOptions{{}, false});
  const auto wild = Of(r, "wildcard-as-modifier");
  ASSERT_EQ(wild.size(), 3u) << All(r);
  EXPECT_NE(wild[0].message.find("|startswith"), std::string::npos);
  EXPECT_EQ(wild[0].where.line, 5u);
  EXPECT_EQ(wild[0].where.column, 16u);
  EXPECT_NE(wild[1].message.find("|contains"), std::string::npos);
  EXPECT_NE(wild[2].message.find("|endswith"), std::string::npos);
  const auto fields = Of(r, "unknown-field");
  std::string text;
  for (const auto& d : fields) text += d.ToString() + "\n";
  ASSERT_EQ(fields.size(), 4u) << All(r);
  EXPECT_NE(text.find(":10:5: warning: CloudTrail records have no field 'sourceIpAddress'; did you mean 'sourceIPAddress'?"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'userIdentity.sessionContext.attributes.mfaAuthenticated'?"), std::string::npos) << text;
  EXPECT_NE(text.find("did you mean 'requestParameters.bucketName'?"), std::string::npos) << text;
  EXPECT_NE(text.find("'userIdentity.acountId'; did you mean 'userIdentity.accountId'?"), std::string::npos) << text;
  // Modifier errors come from the loader, with positions.
  size_t modifier_errors = 0, suggested = 0;
  for (const auto& d : r.diagnostics) {
    if (d.severity != Severity::kError) continue;
    ++modifier_errors;
    if (d.message.find("unknown modifier 'contain'; did you mean 'contains'?") != std::string::npos) {
      ++suggested;
      EXPECT_EQ(d.where.line, 20u);
      EXPECT_EQ(d.where.column, 15u);
    }
  }
  EXPECT_GE(modifier_errors, 1u) << All(r);
  EXPECT_EQ(suggested, 1u) << All(r);
  const auto mods = Of(r, "modifiers");
  ASSERT_EQ(mods.size(), 3u) << All(r);
  EXPECT_NE(mods[0].message.find("'contains' is given twice"), std::string::npos);
  EXPECT_EQ(mods[0].where.line, 27u);
  EXPECT_EQ(mods[0].where.column, 24u);
  EXPECT_NE(mods[1].message.find("'cased' has no effect on |re"), std::string::npos);
  EXPECT_NE(mods[2].message.find("'all' with a single value"), std::string::npos);
}

TEST(LintTest, Tests) {
  const LintReport r = LintPaths({Write("tests.yml", R"(title: No tests
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: A}, condition: s}
---
title: Only matches
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: A}, condition: s}
tests: [{name: hit, expect: match, event: {eventName: A}}]
---
title: Malformed
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: A}, condition: s}
tests: [{name: hit, expect: true, event: {eventName: A}}]
)")});
  ASSERT_EQ(Of(r, "no-tests").size(), 1u) << All(r);
  EXPECT_EQ(Of(r, "no-tests")[0].where.line, 1u);
  const auto tests = Of(r, "tests");
  ASSERT_EQ(tests.size(), 2u) << All(r);
  EXPECT_NE(tests[0].message.find("no test expects no_match"), std::string::npos);
  EXPECT_EQ(tests[1].severity, Severity::kError);
  EXPECT_EQ(tests[1].where.line, 10u);
  const LintReport lax = LintPaths({Write("tests.yml", "title: t\ndetection: {s: {a: 1}, condition: s}\n")},
                                   LintOptions{{}, false});
  EXPECT_TRUE(Of(lax, "no-tests").empty());
}

TEST(LintTest, CorrelationTests) {
  const std::string base = "title: Base\nname: base\nlogsource: {product: aws, service: cloudtrail}\n"
                           "detection: {s: {eventName: A}, condition: s}\n"
                           "tests: [{name: hit, expect: match, event: {eventName: A}}, "
                           "{name: miss, expect: no_match, event: {eventName: B}}]\n";
  const std::string corr = "correlation: {type: event_count, rules: [base], timespan: 5m, condition: {gte: 2}}\n";
  const std::string hit = "{name: two, events: [{eventTime: '2026-01-01T00:00:00Z', eventName: A}, "
                          "{eventTime: '2026-01-01T00:00:01Z', eventName: A}], alerts: [{value: 2}]}";
  const std::string miss = "{name: one, events: [{eventTime: '2026-01-01T00:00:00Z', eventName: A}], alerts: []}";
  const LintReport r = LintPaths({Write("corr_tests.yml", base + "---\ntitle: No tests\n" + corr +
                                                              "---\ntitle: Only alerts\n" + corr + "tests: [" + hit +
                                                              "]\n---\ntitle: Only quiet\n" + corr + "tests: [" +
                                                              miss + "]\n---\ntitle: Both\n" + corr + "tests: [" +
                                                              hit + ", " + miss + "]\n---\ntitle: Malformed\n" +
                                                              corr + "tests: [{name: bad, events: {}, alerts: []}]\n")});
  const auto none = Of(r, "no-tests");
  ASSERT_EQ(none.size(), 1u) << All(r);
  EXPECT_EQ(none[0].where.line, 7u);
  EXPECT_EQ(none[0].severity, Severity::kWarning);
  EXPECT_NE(none[0].message.find("the correlation rule has no tests"), std::string::npos);
  const auto tests = Of(r, "tests");
  ASSERT_EQ(tests.size(), 3u) << All(r);
  EXPECT_EQ(tests[0].message, "every test expects an alert (add a near miss that raises none) [tests]");
  EXPECT_EQ(tests[0].where.line, 10u);
  EXPECT_EQ(tests[1].where.line, 14u);
  EXPECT_EQ(tests[1].message, "no test expects an alert [tests]");
  EXPECT_EQ(tests[2].severity, Severity::kError);
  EXPECT_EQ(tests[2].where.line, 22u);
  EXPECT_EQ(tests[2].message,
            "malformed tests: test #1 'bad': 'events' must be a list of maps (the CloudTrail records, in order) "
            "[tests]");
  const LintReport lax = LintPaths({Write("corr_tests.yml", base + "---\ntitle: No tests\n" + corr)},
                                   LintOptions{{}, false});
  EXPECT_TRUE(Of(lax, "no-tests").empty()) << All(lax);
}

TEST(LintTest, WhatOtherSigmaToolsReject) {
  // docs/sigma-conformance.md, "Acceptance": each loads in vigil, and check says where
  // other Sigma tools part ways.
  const LintReport r = LintPaths({Write("portability.yml", R"(title: P
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    userIdentity.invokedBy|re: '^(?!signin\.amazonaws\.com$).*\.amazonaws\.com$'
    requestParameters.policy|re: '^[0-9]{12}$'
    sourceIPAddress|cidr:
      - 192.168.1.1/24
      - 10.0.0.0/8
      - 2001:db8::1/32
  other:
    eventName: x
  condition: sel OR other AND NOT 1 OF them
---
title: Q
check-exceptions:
  regex-portability: 'walks a JSON document; being replaced'
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    eventName|re: 'a(?=b)'
  condition: sel
)")},
                                 LintOptions{{}, false});
  const auto re = Of(r, "regex-portability");
  ASSERT_EQ(re.size(), 1u) << All(r);
  EXPECT_EQ(
      re[0].ToString(),
      std::filesystem::path(re[0].where.file).string() +
          ":5:32: warning: regular expression uses look-ahead '(?!' (at character 2), outside "
          "the Sigma specification's regular-expression subset: other Sigma backends may reject "
          "it or read it differently [regex-portability]");
  const auto cidr = Of(r, "cidr-host-bits");
  ASSERT_EQ(cidr.size(), 2u) << All(r);
  EXPECT_EQ(cidr[0].where.line, 8u);
  EXPECT_EQ(cidr[0].where.column, 9u);
  EXPECT_EQ(
      cidr[0].message,
      "CIDR network '192.168.1.1/24' has host bits set; vigil reads it as 192.168.1.0/24, other "
      "Sigma tools (pySigma) reject it: write 192.168.1.0/24 [cidr-host-bits]");
  EXPECT_NE(cidr[1].message.find("vigil reads it as 2001:db8::/32"), std::string::npos)
      << cidr[1].message;
  const auto kw = Of(r, "condition-keyword-case");
  ASSERT_EQ(kw.size(), 4u) << All(r);
  const std::vector<std::pair<std::string, uint32_t>> expected = {
      {"operator 'OR' is not in lower case", 18}, {"'AND'", 27}, {"'NOT'", 31}, {"write 'of'", 37}};
  for (size_t i = 0; i < kw.size(); ++i) {
    EXPECT_EQ(kw[i].where.line, 13u);
    EXPECT_EQ(kw[i].where.column, expected[i].second) << kw[i].message;
    EXPECT_NE(kw[i].message.find(expected[i].first), std::string::npos) << kw[i].message;
  }
  for (const auto& d : r.diagnostics) EXPECT_EQ(d.severity, Severity::kWarning) << d.ToString();
}

TEST(LintTest, CorrelationReferencesByTitleAndUnresolved) {
  const LintReport r = LintPaths({Write("refs.yml", R"(title: Console login
id: 0a6e3c9e-0000-4000-8000-000000000001
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: ConsoleLogin}, condition: s}
---
title: Many logins
correlation:
  type: event_count
  rules:
    - Console login
    - not loaded anywhere
  timespan: 5m
  condition: {gte: 2}
)")},
                                 LintOptions{{}, false});
  const auto title = Of(r, "reference-by-title");
  ASSERT_EQ(title.size(), 1u) << All(r);
  EXPECT_EQ(title[0].where.line, 10u);
  EXPECT_EQ(title[0].where.column, 7u);
  EXPECT_EQ(
      title[0].message,
      "correlation 'Many logins' references rule 'Console login' by its title; the Sigma "
      "specification allows only an id or a name, so other Sigma tools will not find it (write its "
      "id 0a6e3c9e-0000-4000-8000-000000000001) [reference-by-title]");
  const auto unresolved = Of(r, "unresolved-reference");
  ASSERT_EQ(unresolved.size(), 1u) << All(r);
  EXPECT_EQ(unresolved[0].severity, Severity::kWarning);
  EXPECT_EQ(unresolved[0].where.line, 11u);
  EXPECT_EQ(unresolved[0].where.column, 7u);
}

TEST(LintTest, SuggestCloudTrailField) {
  bool known = false;
  EXPECT_EQ(SuggestCloudTrailField("sourceIPAddress", &known), "");
  EXPECT_TRUE(known);
  EXPECT_EQ(SuggestCloudTrailField("requestParameters.anything.at.all", &known), "");
  EXPECT_TRUE(known);
  EXPECT_EQ(SuggestCloudTrailField("userIdentity.sessionContext", &known), "");
  EXPECT_TRUE(known) << "an object, matched as JSON";
  EXPECT_EQ(SuggestCloudTrailField("sourceIpAddress", &known), "sourceIPAddress");
  EXPECT_FALSE(known);
  EXPECT_EQ(SuggestCloudTrailField("eventname", &known), "eventName");
  EXPECT_EQ(SuggestCloudTrailField("evntName", &known), "eventName");
  EXPECT_EQ(SuggestCloudTrailField("ResponseElements.ConsoleLogin", &known), "responseElements.ConsoleLogin");
  EXPECT_EQ(SuggestCloudTrailField("userIdentity.sessionContext.sessionIssuer.usrName", &known),
            "userIdentity.sessionContext.sessionIssuer.userName");
  EXPECT_EQ(SuggestCloudTrailField("CommandLine", &known), "");
  EXPECT_FALSE(known) << "nothing close";
}

}  // namespace
}  // namespace vigil
