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
  // One windash position (5 variants) times base64offset (3 slices): 15 patterns a
  // value, so value 6,667 is the first to pass 100,000. The values are short, so the
  // rule's 2 MiB of pattern bytes is not what stops it.
  std::string values;
  for (int i = 0; i < 10000; ++i) values += std::string(i ? ", " : "") + "'-" + std::to_string(100000 + i) + "'";
  size_t loaded = 0;
  const auto errors = Errors("title: w\ndetection:\n  s:\n    CommandLine|windash|base64offset|contains: [" +
                                 values + "]\n  condition: s\n---\n" + kGood,
                             &loaded);
  // Column of value 6,667 (index 6,666): each value is 11 bytes with its ", ".
  EXPECT_EQ(errors, std::vector<std::string>{"r.yml:4:" + std::to_string(49 + 6666 * 11) +
                                             ": error: 'CommandLine|windash|base64offset|contains' "
                                             "expands to more than 100000 patterns (values times "
                                             "encodings and windash variants)"});
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
                                     "longer than the limit of 4096"});
}

// Issue 13 item 4: a rule of about 12 KB combining windash and base64offset used to
// expand to 15,625 windash variants of 12 KB, then to 46,875 base64 slices (3 GB with
// the copies) before any limit was checked, and `vigil check` aborted. Each step is now
// sized (count and bytes, multiplied out) before it is generated.
TEST(RuleLimitsTest, WindashTimesBase64OffsetIsRejectedBeforeExpanding) {
  const std::string value = "x -a -b -c -d -e -f " + std::string(12000, 'y');
  size_t loaded = 0;
  EXPECT_EQ(Errors("title: bomb\ndetection:\n  s:\n    userAgent|windash|base64offset|contains: '" +
                       value + "'\n  condition: s\n---\n" + kGood,
                   &loaded),
            std::vector<std::string>{
                "r.yml:4:46: error: 'userAgent|windash|base64offset|contains' takes the rule past its "
                "limit of 100000 patterns or 2097152 bytes of patterns (values times encodings and "
                "windash variants, over all the rule's items)"});
  EXPECT_EQ(loaded, 1u);
}

// |expand with 4,096 values, then windash on each: 64 million patterns, rejected from
// the product before one is made (it used to reach 1.9 GB first).
TEST(RuleLimitsTest, ExpandTimesWindashIsRejectedBeforeExpanding) {
  CompileOptions options;
  for (int i = 0; i < 64; ++i) {
    options.placeholders["a"].push_back("a" + std::to_string(i));
    options.placeholders["b"].push_back("b" + std::to_string(i));
  }
  RuleSetBuilder b(options);
  b.AddYaml("title: bomb\ndetection:\n  s:\n    CommandLine|expand|windash|contains: "
            "'%a%%b% -c -d -e -f -g -h'\n  condition: s\n---\n" + std::string(kGood),
            "r.yml");
  EXPECT_EQ(b.Build()->size(), 1u);
  ASSERT_EQ(b.diagnostics().size(), 1u);
  EXPECT_EQ(b.diagnostics()[0].ToString(),
            "r.yml:4:42: error: 'CommandLine|expand|windash|contains' expands to more than 100000 "
            "patterns (values times encodings and windash variants)");
}

TEST(RuleLimitsTest, ExpandedValuesPerValue) {
  // 64 x 64 = 4,096 values is the limit; 64 x 65 passes it, and is refused from the
  // product, before the 4,160 strings are made.
  for (const int b_values : {64, 65}) {
    CompileOptions options;
    for (int i = 0; i < 64; ++i) options.placeholders["a"].push_back("a" + std::to_string(i));
    for (int i = 0; i < b_values; ++i) options.placeholders["b"].push_back("b" + std::to_string(i));
    RuleSetBuilder b(options);
    b.AddYaml("title: e\ndetection:\n  s:\n    userAgent|expand: 'x%a%-%b%'\n  condition: s\n", "r.yml");
    const size_t loaded = b.Build()->size();
    if (b_values == 64) {
      EXPECT_EQ(loaded, 1u);
      EXPECT_TRUE(b.diagnostics().empty());
    } else {
      EXPECT_EQ(loaded, 0u);
      ASSERT_EQ(b.diagnostics().size(), 1u);
      EXPECT_EQ(b.diagnostics()[0].ToString(),
                "r.yml:4:23: error: placeholder expansion produces more than 4096 values");
    }
  }
}

TEST(RuleLimitsTest, ExpandedBytesCountAgainstTheRule) {
  // 64 x 64 values of 600 bytes: 4,096 strings of 1,200 bytes, 4.9 MB, more than the
  // rule's 2 MiB: refused from the sizes alone.
  CompileOptions options;
  for (int i = 0; i < 64; ++i) {
    options.placeholders["a"].push_back(std::string(597, 'a') + std::to_string(100 + i));
    options.placeholders["b"].push_back(std::string(597, 'b') + std::to_string(100 + i));
  }
  RuleSetBuilder b(options);
  b.AddYaml("title: e\ndetection:\n  s:\n    userAgent|expand: '%a%%b%'\n  condition: s\n", "r.yml");
  EXPECT_EQ(b.Build()->size(), 0u);
  ASSERT_EQ(b.diagnostics().size(), 1u);
  EXPECT_EQ(b.diagnostics()[0].ToString(),
            "r.yml:4:23: error: 'userAgent|expand' takes the rule past its limit of 100000 patterns "
            "or 2097152 bytes of patterns (values times encodings and windash variants, over all "
            "the rule's items)");
}

TEST(RuleLimitsTest, PatternBytesPerRule) {
  // Two items whose values hold exactly 2 MiB together load; one byte more is refused
  // at the value that passes the limit, whichever item it is in.
  const size_t half = internal::kMaxPatternBytesPerRule / 2;
  for (const size_t extra : {size_t{0}, size_t{1}}) {
    size_t loaded = 0;
    const auto errors = Errors("title: big\ndetection:\n  s:\n    userAgent|contains: " +
                                   std::string(half, 'u') + "\n    eventName|startswith: " +
                                   std::string(half + extra, 'e') + "\n  condition: s\n",
                               &loaded);
    if (extra == 0) {
      EXPECT_TRUE(errors.empty());
      EXPECT_EQ(loaded, 1u);
    } else {
      EXPECT_EQ(errors, std::vector<std::string>{
                            "r.yml:5:27: error: 'eventName|startswith' takes the rule past its limit "
                            "of 100000 patterns or 2097152 bytes of patterns (values times encodings "
                            "and windash variants, over all the rule's items)"});
      EXPECT_EQ(loaded, 0u);
    }
  }
}

TEST(RuleLimitsTest, PatternsPerRule) {
  // Ten fields of 10,000 values (equality: no literal automaton to build) are exactly
  // 100,000 patterns; an eleventh field with one value passes the rule's limit.
  std::string items;
  for (int f = 0; f < 10; ++f) items += "    f" + std::to_string(f) + ": " + List(internal::kMaxValuesPerItem) + "\n";
  size_t loaded = 0;
  EXPECT_TRUE(Errors("title: many\ndetection:\n  s:\n" + items + "  condition: s\n", &loaded).empty());
  EXPECT_EQ(loaded, 1u);
  EXPECT_EQ(Errors("title: many\ndetection:\n  s:\n" + items + "    g: 1\n  condition: s\n---\n" + kGood, &loaded),
            std::vector<std::string>{
                "r.yml:14:8: error: 'g' takes the rule past its limit of 100000 patterns or 2097152 "
                "bytes of patterns (values times encodings and windash variants, over all the rule's "
                "items)"});
  EXPECT_EQ(loaded, 1u);
}

}  // namespace
}  // namespace vigil
