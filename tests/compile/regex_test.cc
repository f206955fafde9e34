// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The PCRE2 wrapper's limits (docs/limits.md): compile limits are clear errors, and a
// catastrophically backtracking search stops at the match limit and is counted.

#include "compile/regex.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::internal {
namespace {

TEST(RegexLimitsTest, PatternLongerThanTheLimitIsAnError) {
  std::string error;
  EXPECT_TRUE(CompileRegexCheck(std::string(kRegexMaxPatternBytes, 'a'), 0, &error)) << error;
  EXPECT_FALSE(CompileRegexCheck(std::string(kRegexMaxPatternBytes + 1, 'a'), 0, &error));
  EXPECT_EQ(error, "pattern of 16385 bytes is longer than the limit of 16384");
}

TEST(RegexLimitsTest, GroupsNestedTooDeeplyAreAnError) {
  std::string error;
  const auto nested = [](size_t n) { return std::string(n, '(') + "a" + std::string(n, ')'); };
  EXPECT_TRUE(CompileRegexCheck(nested(kRegexMaxParensNesting), 0, &error)) << error;
  EXPECT_FALSE(CompileRegexCheck(nested(kRegexMaxParensNesting + 1), 0, &error));
  EXPECT_EQ(error, "parentheses are too deeply nested at offset 251");
  // 5,000 levels: the same error, no stack overflow.
  EXPECT_FALSE(CompileRegexCheck(nested(5000), 0, &error));
  EXPECT_EQ(error, "parentheses are too deeply nested at offset 251");
}

TEST(RegexLimitsTest, CatastrophicBacktrackingStopsAtTheLimitAndIsCounted) {
  std::string error;
  auto redos = Regex::Compile("(a+)+$", 0, &error);
  ASSERT_NE(redos, nullptr) << error;
  RegexScratch scratch;
  const std::string crafted = std::string(100000, 'a') + "!";
  EXPECT_FALSE(redos->Search(crafted, &scratch));
  EXPECT_EQ(scratch.limit_hits, 1u);
  // The same scratch still answers ordinary searches, which do not count.
  EXPECT_TRUE(redos->Search("aaaa", &scratch));
  EXPECT_FALSE(redos->Search("bbbb", &scratch));
  EXPECT_EQ(scratch.limit_hits, 1u);
  EXPECT_FALSE(redos->Search(crafted, &scratch));
  EXPECT_EQ(scratch.limit_hits, 2u);
}

// Under JIT and the interpreter alike, PCRE2's match limit counts per start position,
// so an unanchored search whose every position costs a little under the limit ran
// positions x steps: `(?=.*[0-9])` over 100 KB of letters took 20 s and no limit
// fired. The work budget makes the per-position limit the budget over the positions.
TEST(RegexLimitsTest, WorkBudgetBoundsAnUnanchoredSearchOfALongValue) {
  std::string error;
  auto lookahead = Regex::Compile("(?=.*[0-9])", 0, &error);
  ASSERT_NE(lookahead, nullptr) << error;
  RegexScratch scratch;
  const std::string letters(100000, 'a');
  EXPECT_FALSE(lookahead->Search(letters, &scratch));
  EXPECT_EQ(scratch.limit_hits, 1u);
  // A backreference over 300 KB: each position tries every length of the group.
  auto backref = Regex::Compile("(.+)\\1x", 0, &error);
  ASSERT_NE(backref, nullptr) << error;
  std::string periodic;
  for (int i = 0; i < 100000; ++i) periodic += "ab ";
  EXPECT_FALSE(backref->Search(periodic + "cx", &scratch));
  EXPECT_EQ(scratch.limit_hits, 2u);
  // A short value keeps the full per-position limit: the same pattern answers.
  EXPECT_TRUE(lookahead->Search("abc1", &scratch));
  EXPECT_FALSE(lookahead->Search("abcd", &scratch));
  EXPECT_EQ(scratch.limit_hits, 2u);
}

// The budget is divided by the positions a search may really try: one for an anchored
// pattern, the occurrences of the possible first bytes when PCRE2 knows them, the line
// starts for a leading `.*`. Ordinary patterns still match in long values.
TEST(RegexLimitsTest, WorkBudgetCountsOnlyThePositionsASearchTries) {
  std::string error;
  RegexScratch scratch;
  const std::string filler(1000000, 'x');
  auto literal = Regex::Compile("ab+c\\d", 0, &error);
  ASSERT_NE(literal, nullptr) << error;
  EXPECT_TRUE(literal->Search(filler + "abbbc7" + filler, &scratch));
  auto dotstar = Regex::Compile(".*needle", 0, &error);
  ASSERT_NE(dotstar, nullptr) << error;
  EXPECT_TRUE(dotstar->Search(filler + "needle", &scratch));
  auto anchored = Regex::Compile("^x+y", 0, &error);
  ASSERT_NE(anchored, nullptr) << error;
  EXPECT_TRUE(anchored->Search(std::string(200000, 'x') + "y", &scratch));
  EXPECT_EQ(scratch.limit_hits, 0u);
}

TEST(RegexLimitsTest, LongValuesWithinTheLimitsStillMatch) {
  // The 1 MiB JIT stack: a group repeated over a 20 KB value needs more than PCRE2's
  // default 32 KiB JIT stack (which fails from about 10 KB on) but not more than ours.
  std::string error;
  auto re = Regex::Compile("^(?:ab|cd)+x$", 0, &error);
  ASSERT_NE(re, nullptr) << error;
  RegexScratch scratch;
  std::string value;
  for (int i = 0; i < 10000; ++i) value += i % 2 ? "ab" : "cd";
  EXPECT_TRUE(re->Search(value + "x", &scratch));
  EXPECT_FALSE(re->Search(value + "y", &scratch));
  EXPECT_EQ(scratch.limit_hits, 0u);
}

}  // namespace
}  // namespace vigil::internal
