// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Scanner behaviour that the engine-independent cases do not cover: logsource
// filtering, malformed events, reuse of one Scanner across many events, and results
// that stay correct when scanners share one RuleSet from several threads.

#include <gtest/gtest.h>

#include <thread>

#include "vigil/vigil.h"

namespace vigil {
namespace {

std::shared_ptr<const RuleSet> Build(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml);
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

std::vector<std::string> Titles(Scanner& s, const std::string& json, EventKind kind = EventKind::kAuto,
                                Envelope env = Envelope::kNone) {
  std::vector<Match> out;
  Status st = s.Match(json, &out, kind, env);
  std::vector<std::string> t;
  if (!st.ok()) t.push_back("ERROR: " + st.message());
  for (const auto& m : out) t.push_back(m.rule->title);
  return t;
}

const char* kRules = R"(title: ct
logsource: {product: aws, service: cloudtrail}
detection: {s: {eventName: StopLogging}, condition: s}
---
title: win
logsource: {product: windows, category: process_creation}
detection: {s: {eventName: StopLogging}, condition: s}
---
title: none
detection: {s: {eventName: StopLogging}, condition: s}
)";

TEST(EvaluatorTest, CloudTrailEventsMeetOnlyCloudTrailRules) {
  Scanner s(Build(kRules));
  const std::string ct = R"({"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging","eventTime":"2024-01-01T00:00:00Z"})";
  EXPECT_EQ(Titles(s, ct), (std::vector<std::string>{"ct", "none"}));
  // The same text from a Records file is CloudTrail even without the telltale keys.
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"})", EventKind::kAuto, Envelope::kRecords),
            (std::vector<std::string>{"ct", "none"}));
  // A generic event (no CloudTrail shape) is matched by every rule.
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"})"), (std::vector<std::string>{"ct", "win", "none"}));
  EXPECT_EQ(Titles(s, ct, EventKind::kAny), (std::vector<std::string>{"ct", "win", "none"}));
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"})", EventKind::kCloudTrail),
            (std::vector<std::string>{"ct", "none"}));
}

TEST(EvaluatorTest, MalformedEventsAreErrorsAndTheScannerRecovers) {
  Scanner s(Build(kRules));
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging")").size(), 1u);
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging")")[0].rfind("ERROR: invalid JSON", 0), 0u);
  EXPECT_EQ(Titles(s, R"([1,2])"), std::vector<std::string>{"ERROR: event is not a JSON object"});
  ASSERT_EQ(Titles(s, "").size(), 1u);
  EXPECT_EQ(Titles(s, "")[0].rfind("ERROR:", 0), 0u);
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"})", EventKind::kAny).size(), 3u);
}

// Found by fuzz/fuzz_matcher: On-Demand stops at the event's closing brace, so text after
// it went unnoticed and the event matched. Whitespace after it is fine.
TEST(EvaluatorTest, TextAfterTheEventObjectIsAnError) {
  Scanner s(Build(kRules));
  EXPECT_EQ(Titles(s, R"({"eventName":"StopLogging"}{"eventName":"StopLogging"})"),
            std::vector<std::string>{"ERROR: invalid JSON: text after the event object"});
  // simdjson itself words these (a stray scalar or closing brace after the object).
  for (const char* json : {R"({"eventName":"StopLogging"} 5)", R"({"eventName":"StopLogging"}})"}) {
    const std::vector<std::string> t = Titles(s, json);
    ASSERT_EQ(t.size(), 1u) << json;
    EXPECT_EQ(t[0].rfind("ERROR: invalid JSON", 0), 0u) << t[0];
  }
  EXPECT_EQ(Titles(s, "{\"eventName\":\"StopLogging\"} \r\n\t", EventKind::kAny),
            (std::vector<std::string>{"ct", "win", "none"}));
}

TEST(EvaluatorTest, DeepNestingIsAnErrorNotACrash) {
  Scanner s(Build(R"(title: deep
detection: {s: {a.b: 1}, condition: s}
)"));
  std::string deep = "{\"a\":";
  for (int i = 0; i < 5000; ++i) deep += "[";
  for (int i = 0; i < 5000; ++i) deep += "]";
  deep += "}";
  auto t = Titles(s, deep);
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].rfind("ERROR:", 0), 0u);
  EXPECT_EQ(Titles(s, R"({"a":{"b":1}})"), std::vector<std::string>{"deep"});
}

TEST(EvaluatorTest, ResultsDoNotLeakBetweenEvents) {
  Scanner s(Build(R"(title: both
detection:
  a: {eventName: A}
  b: {errorCode: null}
  condition: a and b
)"));
  for (int i = 0; i < 100; ++i) {
    EXPECT_EQ(Titles(s, R"({"eventName":"A","errorCode":"AccessDenied"})").size(), 0u);
    EXPECT_EQ(Titles(s, R"({"eventName":"A"})"), std::vector<std::string>{"both"});
    EXPECT_EQ(Titles(s, R"({"eventName":"B"})").size(), 0u);
  }
}

TEST(EvaluatorTest, ScannersShareOneRuleSetAcrossThreads) {
  auto rs = Build(R"(title: sg
detection:
  s:
    eventName: AuthorizeSecurityGroupIngress
    requestParameters.ipPermissions.items.ipRanges.items.cidrIp: 0.0.0.0/0
  condition: s
)");
  const std::string hit = R"({"eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"},{"cidrIp":"0.0.0.0/0"}]}}]}}})";
  const std::string miss = R"({"eventName":"AuthorizeSecurityGroupIngress","requestParameters":{"ipPermissions":{"items":[{"ipRanges":{"items":[{"cidrIp":"10.0.0.0/8"}]}}]}}})";
  std::vector<int> hits(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      Scanner s(rs);
      std::vector<Match> out;
      for (int i = 0; i < 2000; ++i) {
        s.Match(i % 2 ? hit : miss, &out);
        hits[t] += static_cast<int>(out.size());
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int h : hits) EXPECT_EQ(h, 1000);
}

}  // namespace
}  // namespace vigil
