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
