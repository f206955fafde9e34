// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The rule-size limits of docs/limits.md (src/syntax/rule_ast.h): each is an error at
// file:line:column that leaves the rule out, and the rules around it still load.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "syntax/condition_parser.h"
#include "syntax/rule_ast.h"
#include "vigil/ruleset.h"

namespace vigil {
namespace {

const char* kGood = "title: fine\ndetection: {s: {eventName: A}, condition: s}\n";

std::vector<std::string> Errors(const std::string& yaml, size_t* loaded) {
  RuleSetBuilder b;
  b.AddYaml(yaml, "r.yml");
  *loaded = b.Build()->size();  // regexes are checked while compiling
  std::vector<std::string> out;
  for (const auto& d : b.diagnostics()) out.push_back(d.ToString());
  return out;
}

std::string List(size_t n) {
  std::string s = "[";
  for (size_t i = 0; i < n; ++i) s += (i ? ",v" : "v") + std::to_string(i);
  return s + "]";
}

TEST(RuleLimitsTest, ValuesPerItem) {
  size_t loaded = 0;
  const std::string at_limit = "title: a\ndetection:\n  s:\n    eventName: " +
                               List(internal::kMaxValuesPerItem) + "\n  condition: s\n";
  EXPECT_TRUE(Errors(at_limit, &loaded).empty());
  EXPECT_EQ(loaded, 1u);
  const std::string over = "title: a\ndetection:\n  s:\n    eventName: " +
                           List(internal::kMaxValuesPerItem + 1) + "\n  condition: s\n---\n" + kGood;
  EXPECT_EQ(Errors(over, &loaded),
            std::vector<std::string>{
                "r.yml:4:16: error: 'eventName' has 10001 values, more than the limit of 10000"});
  EXPECT_EQ(loaded, 1u);
  const std::string keywords = "title: k\ndetection:\n  s: " + List(internal::kMaxValuesPerItem + 1) +
                               "\n  condition: s\n";
  EXPECT_EQ(Errors(keywords, &loaded),
            std::vector<std::string>{
                "r.yml:3:6: error: search identifier 's' has 10001 keywords, more than the limit of 10000"});
}

TEST(RuleLimitsTest, SearchIdentifiersPerDetection) {
  std::string ids;
  for (size_t i = 0; i <= internal::kMaxSearchIdentifiers; ++i) ids += "  s" + std::to_string(i) + ": {a: 1}\n";
  size_t loaded = 0;
  EXPECT_EQ(Errors("title: many\ndetection:\n" + ids + "  condition: 1 of them\n---\n" + kGood, &loaded),
            std::vector<std::string>{
                "r.yml:3:3: error: detection has more than 10000 search identifiers"});
  EXPECT_EQ(loaded, 1u);
}

TEST(RuleLimitsTest, FieldEntriesPerSearchIdentifier) {
  std::string alts;
  for (size_t i = 0; i <= internal::kMaxItemsPerIdentifier; ++i) alts += "    - {f" + std::to_string(i) + ": 1}\n";
  size_t loaded = 0;
  const std::vector<std::string> e =
      Errors("title: many\ndetection:\n  s:\n" + alts + "  condition: s\n---\n" + kGood, &loaded);
  EXPECT_EQ(e, std::vector<std::string>{
                   "r.yml:10004:8: error: search identifier has more than 10000 field entries"});
  EXPECT_EQ(loaded, 1u);
}

TEST(RuleLimitsTest, RulesPerBuilder) {
  std::string yaml;
  for (size_t i = 0; i <= internal::kMaxRules; ++i) yaml += "title: r\ndetection: {s: [a], condition: s}\n---\n";
  RuleSetBuilder b;
  b.AddYaml(yaml, "r.yml");
  ASSERT_EQ(b.diagnostics().size(), 1u);
  EXPECT_EQ(b.diagnostics()[0].ToString(),
            "r.yml:300001:1: error: more than 100000 rules: this rule and every rule after it are left out");
  b.AddYaml(kGood, "s.yml");
  EXPECT_EQ(b.diagnostics().size(), 1u);  // reported once
}

TEST(RuleLimitsTest, ConditionNesting) {
  size_t loaded = 0;
  const auto rule = [](const std::string& cond) {
    return "title: c\ndetection:\n  s: {a: 1}\n  condition: '" + cond + "'\n";
  };
  const auto parens = [](size_t n) { return std::string(n, '(') + "s" + std::string(n, ')'); };
  EXPECT_TRUE(Errors(rule(parens(internal::kMaxConditionDepth)), &loaded).empty());
  EXPECT_EQ(loaded, 1u);
  EXPECT_EQ(Errors(rule(parens(internal::kMaxConditionDepth + 1)), &loaded),
            std::vector<std::string>{"r.yml:4:78: error: condition: condition nested deeper than 64 levels "
                                     "(parentheses and 'not')"});
  // 10,000 parentheses: the same error at the 65th, no stack overflow.
  EXPECT_EQ(Errors(rule(parens(10000)), &loaded),
            std::vector<std::string>{"r.yml:4:78: error: condition: condition nested deeper than 64 levels "
                                     "(parentheses and 'not')"});
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "not ";
  EXPECT_EQ(Errors(rule(nots + "s"), &loaded),
            std::vector<std::string>{"r.yml:4:270: error: condition: condition nested deeper than 64 levels "
                                     "(parentheses and 'not')"});
}

TEST(RuleLimitsTest, PatternsPerItemAfterWindash) {
  // Six dash positions: 5^6 = 15,625 variants a value; the seventh value passes 100,000.
  std::string values;
  for (char c = 'a'; c < 'a' + 7; ++c) {
    values += std::string(c == 'a' ? "" : ", ") + "'x";
    for (int k = 0; k < 6; ++k) values += std::string(" -") + c;
    values += "'";
  }
  size_t loaded = 0;
  EXPECT_EQ(Errors("title: w\ndetection:\n  s:\n    CommandLine|windash|contains: [" + values +
                       "]\n  condition: s\n---\n" + kGood,
                   &loaded),
            std::vector<std::string>{"r.yml:4:174: error: 'CommandLine|windash|contains' expands to more than "
                                     "100000 patterns (values times encodings and windash variants)"});
  EXPECT_EQ(loaded, 1u);
}

TEST(RuleLimitsTest, RegexCompileLimitsNameTheValue) {
  size_t loaded = 0;
  const std::string nested = std::string(300, '(') + "a" + std::string(300, ')');
  EXPECT_EQ(Errors("title: re\ndetection:\n  s:\n    userAgent|re: '" + nested + "'\n  condition: s\n---\n" + kGood,
                   &loaded),
            std::vector<std::string>{
                "r.yml:4:19: error: bad regular expression: parentheses are too deeply nested at offset 251"});
  EXPECT_EQ(loaded, 1u);
  const std::string longer(70000, 'a');
  EXPECT_EQ(Errors("title: re\ndetection:\n  s:\n    userAgent|re: " + longer + "\n  condition: s\n", &loaded),
            std::vector<std::string>{"r.yml:4:19: error: bad regular expression: pattern of 70000 bytes is "
                                     "longer than the limit of 16384"});
}

}  // namespace
}  // namespace vigil
