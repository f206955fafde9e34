// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Rule unit tests (the `tests:` attribute) through the public API: parsing and its
// errors, passing and failing tests with the explanation kept for failures, and
// filters applying to tests as they do to scans; correlation rules' sequence tests
// (exact alerts, the diff of a failure, malformed tests).

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

// ---- Correlation rules ---------------------------------------------------------------

// A failed console login from `ip` at 2026-01-01T00:MM:SSZ, as a YAML flow map; `ip`
// empty leaves sourceIPAddress out.
std::string Login(const std::string& mmss, const std::string& ip, const std::string& result = "Failure") {
  return "{eventTime: '2026-01-01T00:" + mmss + "Z', eventName: ConsoleLogin" +
         (ip.empty() ? "" : ", sourceIPAddress: '" + ip + "'") + ", responseElements: {ConsoleLogin: " +
         result + "}}";
}

constexpr const char* kBaseRules = R"(title: Failed console login
name: failed_login
id: 5f1d0c3a-2b6e-4c1f-9a7d-0e8b3c2d1a01
detection:
  sel: {eventName: ConsoleLogin, responseElements.ConsoleLogin: Failure}
  condition: sel
---
title: Trail stopped
name: stop
detection: {sel: {eventName: StopLogging}, condition: sel}
---
title: Trail deleted
name: delete
detection: {sel: {eventName: DeleteTrail}, condition: sel}
---
)";

// The event_count correlation over failed logins, with `tests` as its tests.
std::string BruteForce(const std::string& tests) {
  return std::string(kBaseRules) + R"(title: Login brute force
id: 5f1d0c3a-2b6e-4c1f-9a7d-0e8b3c2d1a02
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [sourceIPAddress]
  timespan: 5m
  condition: {gte: 3}
)" + tests;
}

// Three failures from 198.51.100.7 within five minutes (events 0, 1, 4), one from
// another address and a success in between.
std::string ThreeFailures() {
  return "    events:\n      - " + Login("00:00", "198.51.100.7") + "\n      - " + Login("01:00", "198.51.100.7") +
         "\n      - " + Login("00:30", "203.0.113.9") + "\n      - " + Login("02:00", "198.51.100.7", "Success") +
         "\n      - " + Login("03:00", "198.51.100.7") + "\n";
}

TEST(CorrelationRuleTestsTest, ParsesSequenceTests) {
  auto rs = Build(BruteForce("tests:\n  - name: burst\n" + ThreeFailures() +
                             "    alerts:\n      - {group: {sourceIPAddress: '198.51.100.7'}, value: 3, "
                             "events: [4, 0, 1, 1]}\n      - {group: {sourceIPAddress: null}}\n"));
  ASSERT_EQ(rs->correlation_count(), 1u);
  std::vector<CorrelationTestCase> cases;
  ASSERT_TRUE(ParseCorrelationTests(rs->correlation(0).info, &cases).ok());
  ASSERT_EQ(cases.size(), 1u);
  EXPECT_EQ(cases[0].name, "burst");
  ASSERT_EQ(cases[0].events_json.size(), 5u);
  EXPECT_EQ(cases[0].events_json[2],
            R"({"eventTime":"2026-01-01T00:00:30Z","eventName":"ConsoleLogin","sourceIPAddress":"203.0.113.9",)"
            R"("responseElements":{"ConsoleLogin":"Failure"}})");
  ASSERT_EQ(cases[0].alerts.size(), 2u);
  EXPECT_EQ(FormatCorrelationTestAlert(cases[0].alerts[0]), "group sourceIPAddress=198.51.100.7 value=3 events=[0,1,4]");
  EXPECT_EQ(FormatCorrelationTestAlert(cases[0].alerts[1]), "group sourceIPAddress=null");
  EXPECT_FALSE(cases[0].alerts[1].value.has_value());
  EXPECT_FALSE(cases[0].alerts[1].events.has_value());
}

TEST(CorrelationRuleTestsTest, PassingTestsComeAfterDetectionReports) {
  const std::string tests = "tests:\n  - name: three failures from one address\n" + ThreeFailures() +
                            "    alerts:\n      - group: {sourceIPAddress: '198.51.100.7'}\n"
                            "        value: 3\n        events: [0, 1, 4]\n"
                            "  - name: spread over more than five minutes\n    events:\n      - " +
                            Login("00:00", "198.51.100.7") + "\n      - " + Login("03:00", "198.51.100.7") +
                            "\n      - " + Login("06:00", "198.51.100.7") + "\n    alerts: []\n"
                            "  - name: a missing address is a group of its own\n    events:\n      - " +
                            Login("00:00", "") + "\n      - " + Login("00:10", "") + "\n      - " + Login("00:20", "") +
                            "\n    alerts: [{group: {sourceIPAddress: null}, value: 3}]\n";
  auto rs = Build(BruteForce(tests));
  auto reports = RunRuleTests(rs);
  ASSERT_EQ(reports.size(), 4u);  // three detection rules, then the correlation
  EXPECT_FALSE(reports[2].correlation);
  EXPECT_EQ(reports[2].rule_index, 2u);
  const RuleTestReport& r = reports[3];
  EXPECT_TRUE(r.correlation);
  EXPECT_EQ(r.correlation_index, 0u);
  EXPECT_EQ(r.rule, &rs->correlation(0).info);
  EXPECT_EQ(r.error, "");
  ASSERT_EQ(r.results.size(), 3u);
  for (const auto& t : r.results) {
    EXPECT_TRUE(t.passed()) << t.name << ": " << t.error << t.explanation;
    EXPECT_TRUE(t.correlation);
    EXPECT_EQ(t.explanation, "") << "kept for failures only";
  }
  EXPECT_EQ(r.results[0].expected_alerts, 1u);
  EXPECT_EQ(r.results[0].actual_alerts, 1u);
  EXPECT_EQ(r.results[1].actual_alerts, 0u);
  EXPECT_TRUE(r.passed());
}

TEST(CorrelationRuleTestsTest, TemporalOrderedEventsMayBeWrittenInAnyOrder) {
  auto rs = Build(std::string(kBaseRules) + R"(title: Trail stopped then deleted
correlation:
  type: temporal_ordered
  rules: [stop, delete]
  group-by: [userIdentity.arn]
  timespan: 10m
tests:
  - name: stopped, then deleted by the same principal (written in the other order)
    events:
      - {eventTime: '2026-01-01T00:05:00Z', eventName: DeleteTrail, userIdentity: {arn: 'arn:aws:iam::1:user/eve'}}
      - {eventTime: '2026-01-01T00:00:00Z', eventName: StopLogging, userIdentity: {arn: 'arn:aws:iam::1:user/eve'}}
    alerts:
      - {group: {userIdentity.arn: 'arn:aws:iam::1:user/eve'}, events: [0, 1]}
  - name: deleted before it was stopped
    events:
      - {eventTime: '2026-01-01T00:00:00Z', eventName: DeleteTrail, userIdentity: {arn: 'arn:aws:iam::1:user/eve'}}
      - {eventTime: '2026-01-01T00:05:00Z', eventName: StopLogging, userIdentity: {arn: 'arn:aws:iam::1:user/eve'}}
    alerts: []
  - name: two principals
    events:
      - {eventTime: '2026-01-01T00:00:00Z', eventName: StopLogging, userIdentity: {arn: 'arn:aws:iam::1:user/eve'}}
      - {eventTime: '2026-01-01T00:05:00Z', eventName: DeleteTrail, userIdentity: {arn: 'arn:aws:iam::1:user/bob'}}
    alerts: []
)");
  auto reports = RunRuleTests(rs);
  ASSERT_EQ(reports.size(), 4u);
  ASSERT_EQ(reports[3].results.size(), 3u) << reports[3].error;
  for (const auto& t : reports[3].results) EXPECT_TRUE(t.passed()) << t.name << ": " << t.error << t.explanation;
}

TEST(CorrelationRuleTestsTest, FailuresShowExpectedAndActualAlerts) {
  const std::string actual = "actual alerts:\n  group sourceIPAddress=198.51.100.7 value=3 events=[0,1,4]\n";
  struct Case {
    const char* alerts;
    size_t expected;
    const char* expected_text;
  } cases[] = {
      {"[]", 0, "expected alerts:\n  (none)\n"},
      {"[{group: {sourceIPAddress: '198.51.100.8'}}]", 1, "expected alerts:\n  group sourceIPAddress=198.51.100.8\n"},
      {"[{group: {sourceIPAddress: '198.51.100.7', userAgent: x}}]", 1,
       "expected alerts:\n  group sourceIPAddress=198.51.100.7 userAgent=x\n"},
      {"[{group: {sourceIPAddress: '198.51.100.7'}, value: 4}]", 1,
       "expected alerts:\n  group sourceIPAddress=198.51.100.7 value=4\n"},
      {"[{group: {sourceIPAddress: '198.51.100.7'}, events: [0, 1, 2]}]", 1,
       "expected alerts:\n  group sourceIPAddress=198.51.100.7 events=[0,1,2]\n"},
      {"[{group: {sourceIPAddress: '198.51.100.7'}}, {group: {sourceIPAddress: '203.0.113.9'}}]", 2,
       "expected alerts:\n  group sourceIPAddress=198.51.100.7\n  group sourceIPAddress=203.0.113.9\n"},
  };
  for (const auto& c : cases) {
    auto rs = Build(BruteForce("tests:\n  - name: burst\n" + ThreeFailures() + "    alerts: " + c.alerts + "\n"));
    auto reports = RunRuleTests(rs);
    ASSERT_EQ(reports.size(), 4u);
    ASSERT_EQ(reports[3].results.size(), 1u) << reports[3].error;
    const RuleTestResult& t = reports[3].results[0];
    EXPECT_FALSE(t.passed()) << c.alerts;
    EXPECT_EQ(t.error, "");
    EXPECT_EQ(t.expected_alerts, c.expected);
    EXPECT_EQ(t.actual_alerts, 1u);
    EXPECT_EQ(t.explanation, c.expected_text + actual) << c.alerts;
    EXPECT_EQ(reports[3].failures(), 1u);
  }
  // A value within a relative 1e-9 of the aggregate passes.
  auto rs = Build(BruteForce("tests:\n  - name: burst\n" + ThreeFailures() +
                             "    alerts: [{group: {sourceIPAddress: '198.51.100.7'}, value: 3.000000000001}]\n"));
  EXPECT_TRUE(RunRuleTests(rs)[3].passed());
}

TEST(CorrelationRuleTestsTest, EventsWithoutATimeAreATestError) {
  auto rs = Build(BruteForce("tests:\n  - name: no time\n    events: [{eventName: ConsoleLogin, "
                             "responseElements: {ConsoleLogin: Failure}}]\n    alerts: []\n"));
  auto reports = RunRuleTests(rs);
  ASSERT_EQ(reports[3].results.size(), 1u);
  EXPECT_FALSE(reports[3].results[0].passed());
  EXPECT_EQ(reports[3].results[0].error,
            "events[0] could not be used: correlation: event has no readable eventTime");
}

TEST(CorrelationRuleTestsTest, MalformedTestsNameTheTestAndAlert) {
  struct Bad {
    const char* tests;
    const char* error;
  } bad[] = {
      {"tests: {name: x}", "'tests' must be a list of {name, events, alerts}"},
      {"tests: [7]", "test #1 must be a map with name, events and alerts"},
      {"tests: [{events: [], alerts: []}]", "test #1 has no 'name' (a string)"},
      {"tests: [{name: a, alerts: []}]",
       "test #1 'a': 'events' must be a list of maps (the CloudTrail records, in order)"},
      {"tests: [{name: a, events: [{}, 1], alerts: []}]", "test #1 'a': events[1] must be a map (a CloudTrail record)"},
      {"tests: [{name: a, events: [{}]}]", "test #1 'a': 'alerts' must be a list of the alerts expected ([] for none)"},
      {"tests: [{name: a, events: [{}], alerts: [{}, 5]}]",
       "test #1 'a': alert #2 must be a map with group and, optionally, value and events"},
      {"tests: [{name: a, events: [{}], alerts: [{events: [0, 1]}]}]",
       "test #1 'a': alert #1: event index 1 is not one of the test's events (0 to 0)"},
      {"tests: [{name: a, events: [{}], alerts: [{events: [-1]}]}]",
       "test #1 'a': alert #1: event index -1 is not one of the test's events (0 to 0)"},
      {"tests: [{name: a, events: [{}], alerts: [{events: 0}]}]",
       "test #1 'a': alert #1: 'events' must be a list of indexes into the test's events"},
      {"tests: [{name: a, events: [{}], alerts: [{group: [k]}]}]",
       "test #1 'a': alert #1: 'group' must be a map of group-by field to value"},
      {"tests: [{name: a, events: [{}], alerts: [{group: {k: [1]}}]}]",
       "test #1 'a': alert #1: group value of 'k' must be a scalar or null"},
      {"tests: [{name: a, events: [{}], alerts: [{value: many}]}]", "test #1 'a': alert #1: 'value' must be a number"},
      {"tests: [{name: a, events: [{}], alerts: [{count: 1}]}]",
       "test #1 'a': alert #1: unknown key 'count' (an alert has group, value, events and subject)"},
      {"tests: [{name: a, expect: match, event: {}}]",
       "test #1 'a': unknown key 'expect' (a correlation test has name, events and alerts)"},
  };
  for (const auto& b : bad) {
    auto rs = Build(BruteForce(std::string(b.tests) + "\n"));
    ASSERT_EQ(rs->correlation_count(), 1u);
    std::vector<CorrelationTestCase> cases;
    Status s = ParseCorrelationTests(rs->correlation(0).info, &cases);
    EXPECT_EQ(s.message(), b.error) << b.tests;
    auto reports = RunRuleTests(rs);
    ASSERT_EQ(reports.size(), 4u);
    EXPECT_FALSE(reports[3].passed());
    EXPECT_EQ(reports[3].error, b.error);
    EXPECT_TRUE(reports[3].results.empty());
  }
}

TEST(CorrelationRuleTestsTest, FiltersApplyToTheBaseRules) {
  auto rs = Build(BruteForce("tests:\n  - name: the scanner address is filtered out\n" + ThreeFailures() +
                             "    alerts: []\n---\ntitle: Not the scanner\nfilter:\n  rules: [failed_login]\n"
                             "  selection: {sourceIPAddress: '198.51.100.7'}\n  condition: not selection\n"));
  auto reports = RunRuleTests(rs);
  ASSERT_EQ(reports.size(), 4u);
  EXPECT_TRUE(reports[3].passed()) << reports[3].error
                                   << (reports[3].results.empty() ? "" : reports[3].results[0].explanation);
}

}  // namespace
}  // namespace vigil
