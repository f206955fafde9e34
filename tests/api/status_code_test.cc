// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Each failure of the public API carries the StatusCode its header documents, so that
// callers branch on the code and not on the message.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "inputs/scan_testing.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

std::shared_ptr<const RuleSet> Rules(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml);
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

const char* kStop =
    "title: stop\nid: 5d0c1b9e-0000-4000-8000-0000000000aa\n"
    "detection: {s: {eventName: StopLogging}, condition: s}\n";

std::string Nested(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(StatusCodeTest, StatusCarriesItsCode) {
  EXPECT_EQ(Status::Ok().code(), StatusCode::kOk);
  EXPECT_TRUE(Status::Ok().ok());
  const Status e = Status::Error(StatusCode::kIoError, "disk gone");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(e.code(), StatusCode::kIoError);
  EXPECT_EQ(e.message(), "disk gone");
  EXPECT_EQ(Status::Error("no code").code(), StatusCode::kUnknown);
  // An error is never ok, even if asked for with kOk.
  EXPECT_FALSE(Status::Error(StatusCode::kOk, "x").ok());
  EXPECT_EQ(Result<int>(Status::Error(StatusCode::kLimitExceeded, "big")).status().code(),
            StatusCode::kLimitExceeded);
  EXPECT_STREQ(StatusCodeName(StatusCode::kInvalidInput), "invalid input");
  EXPECT_STREQ(StatusCodeName(StatusCode::kLimitExceeded), "limit exceeded");
  EXPECT_STREQ(StatusCodeName(StatusCode::kIoError), "I/O error");
  EXPECT_STREQ(StatusCodeName(StatusCode::kUnavailable), "unavailable");
  EXPECT_STREQ(StatusCodeName(StatusCode::kOk), "ok");
  EXPECT_STREQ(StatusCodeName(StatusCode::kUnknown), "unknown");
}

TEST(StatusCodeTest, ScannerTellsMalformedEventsFromLimits) {
  Scanner scanner(Rules(kStop));
  std::vector<Match> out;
  EXPECT_EQ(scanner.Match(R"({"eventName":"StopLogging"})", &out).code(), StatusCode::kOk);
  EXPECT_EQ(scanner.Match(R"({"eventName":"StopLogging")", &out).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(scanner.Match(R"({"eventName":"StopLogging"} x)", &out).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(scanner.Match("[1,2]", &out).code(), StatusCode::kInvalidInput);
  // Nesting matters where a rule reads: past the matcher's depth limit there.
  Scanner reads_a(Rules("title: deep\ndetection: {s: {a.b: 1}, condition: s}\n"));
  const Status deep = reads_a.Match(R"({"a":)" + Nested(5000) + "}", &out);
  EXPECT_EQ(deep.code(), StatusCode::kLimitExceeded) << deep.message();
  EXPECT_NE(deep.message().find("nested deeper than"), std::string::npos);
}

TEST(StatusCodeTest, ExplainTellsMalformedEventsFromLimits) {
  auto rules = Rules(kStop);
  EXPECT_EQ(Explain(*rules, 0, "{").status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(Explain(*rules, 0, "[]").status().code(), StatusCode::kInvalidInput);
  const auto deep = Explain(*rules, 0, R"({"a":)" + Nested(2000) + "}");
  EXPECT_EQ(deep.status().code(), StatusCode::kLimitExceeded) << deep.status().message();
}

TEST(StatusCodeTest, CorrelatorAndBaselines) {
  auto rules = Rules(std::string(kStop) +
                     "---\ntitle: seen\ncorrelation: {type: first_seen, rules: [5d0c1b9e-0000-4000-8000-0000000000aa], "
                     "group-by: [userIdentity.arn], timespan: 1d, condition: {field: eventName}}\n");
  Scanner scanner(rules);
  std::vector<Match> out;
  ASSERT_TRUE(scanner.Match(R"({"eventName":"StopLogging"})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  Correlator c(rules);
  EXPECT_EQ(c.Add(R"({"eventName":"StopLogging"})", out, EventRef{"f", 0}).code(), StatusCode::kInvalidInput);

  testing::TempDir dir;
  EXPECT_EQ(c.LoadBaseline(dir.path()).code(), StatusCode::kIoError);  // a folder
  EXPECT_EQ(c.LoadBaseline(dir.Write("bad.json", "not a baseline\n")).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(c.RestoreBaseline("{}\n", "memory").code(), StatusCode::kInvalidInput);
  CorrelatorOptions small;
  small.max_baseline_bytes = 16;
  Correlator tight(rules, small);
  EXPECT_EQ(tight.LoadBaseline(dir.Write("big.json", std::string(100, ' '))).code(), StatusCode::kLimitExceeded);
  EXPECT_EQ(c.SaveBaseline(dir.path() + "/no/such/folder/b.json").code(), StatusCode::kIoError);
  EXPECT_TRUE(c.LoadBaseline(dir.path() + "/missing.json").ok());  // a first run: nothing learned yet
}

TEST(StatusCodeTest, PlaceholderFiles) {
  testing::TempDir dir;
  std::map<std::string, std::vector<std::string>> vars;
  EXPECT_EQ(LoadPlaceholderFile(dir.path() + "/missing.yml", &vars).code(), StatusCode::kIoError);
  EXPECT_EQ(LoadPlaceholderFile(dir.Write("novars.yml", "other: 1\n"), &vars).code(), StatusCode::kInvalidInput);
  EXPECT_EQ(LoadPlaceholderFile(dir.Write("broken.yml", "vars: [\n"), &vars).code(), StatusCode::kInvalidInput);
  EXPECT_TRUE(LoadPlaceholderFile(dir.Write("ok.yml", "vars: {a: [x]}\n"), &vars).ok());
}

TEST(StatusCodeTest, RuleTestsAttribute) {
  RuleSetBuilder b;
  b.AddYaml("title: t\ndetection: {s: {a: 1}, condition: s}\ntests: {name: x}\n");
  auto rules = b.Build();
  ASSERT_EQ(rules->size(), 1u);
  std::vector<RuleTestCase> cases;
  EXPECT_EQ(ParseRuleTests(rules->rule(0), &cases).code(), StatusCode::kInvalidInput);
}

}  // namespace
}  // namespace vigil
