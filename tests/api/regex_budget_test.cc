// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The regex work budget through the public API (issue 13 item 5): the two searches the
// issue measured (20 s and more than 60 s for one event) stop at the budget, count as
// no match, are counted in Scanner::regex_limit_hits, and the event's other rules still
// match. tests/compile/regex_test.cc counts the steps themselves.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vigil/vigil.h"

namespace vigil {
namespace {

std::shared_ptr<const RuleSet> BudgetRules() {
  RuleSetBuilder b;
  b.AddYaml(R"(title: lookahead
detection: {s: {userAgent|re: '(?=.*[0-9])'}, condition: s}
---
title: backreference
detection: {s: {requestParameters.name|re: '(a+)\1+b'}, condition: s}
---
title: name
detection: {s: {eventName: GetObject}, condition: s}
)", "budget.yml");
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

std::vector<std::string> Titles(const Scanner& scanner, const std::vector<Match>& matches) {
  std::vector<std::string> out;
  for (const Match& m : matches) out.push_back(scanner.rules().rule(m.rule_index).title);
  return out;
}

TEST(RegexBudgetApiTest, StallingSearchesStopCountAndLeaveOtherRulesMatching) {
  Scanner scanner(BudgetRules());
  std::vector<Match> matches;
  // 100 KB without a digit: (?=.*[0-9]) scanned to the end from every position.
  const std::string lookahead =
      R"({"eventName":"GetObject","userAgent":")" + std::string(100000, 'a') + R"("})";
  ASSERT_TRUE(scanner.Match(lookahead, &matches).ok());
  EXPECT_EQ(Titles(scanner, matches), std::vector<std::string>{"name"});
  EXPECT_EQ(scanner.regex_limit_hits(), 1u);
  // 300 KB for the backreference.
  const std::string backref = R"({"eventName":"GetObject","requestParameters":{"name":")" +
                              std::string(300000, 'a') + R"(cb"}})";
  ASSERT_TRUE(scanner.Match(backref, &matches).ok());
  EXPECT_EQ(Titles(scanner, matches), std::vector<std::string>{"name"});
  EXPECT_EQ(scanner.regex_limit_hits(), 2u);
  // The same rules on ordinary values: matches, and no hit.
  ASSERT_TRUE(scanner.Match(R"({"eventName":"GetObject","userAgent":"aws-cli/2.15","requestParameters":{"name":"aab"}})",
                            &matches).ok());
  EXPECT_EQ(Titles(scanner, matches), (std::vector<std::string>{"lookahead", "backreference", "name"}));
  EXPECT_EQ(scanner.regex_limit_hits(), 2u);
}

}  // namespace
}  // namespace vigil
