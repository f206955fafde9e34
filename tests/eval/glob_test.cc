// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The wildcard matcher over the IR glob encoding.

#include "eval/glob.h"

#include <gtest/gtest.h>

#include <string>

namespace vigil::internal {
namespace {

TEST(GlobTest, StarAndQuestion) {
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("*", "anything"));
  EXPECT_TRUE(GlobMatch("a*c", "abbbc"));
  EXPECT_TRUE(GlobMatch("a*c", "ac"));
  EXPECT_FALSE(GlobMatch("a*c", "acb"));
  EXPECT_TRUE(GlobMatch("a?c", "abc"));
  EXPECT_FALSE(GlobMatch("a?c", "ac"));
  EXPECT_FALSE(GlobMatch("a?c", "abbc"));
  EXPECT_TRUE(GlobMatch("*a*b*c*", "xxaxxbxxcxx"));
  EXPECT_FALSE(GlobMatch("*a*b*c*", "xxaxxcxxbxx"));
  EXPECT_FALSE(GlobMatch("", "a"));
  EXPECT_TRUE(GlobMatch("", ""));
}

TEST(GlobTest, QuestionMatchesOneUtf8Character) {
  EXPECT_TRUE(GlobMatch("caf?", "caf\xc3\xa9"));        // é is two bytes
  EXPECT_FALSE(GlobMatch("caf??", "caf\xc3\xa9"));
  EXPECT_TRUE(GlobMatch("?", "\xf0\x9f\x94\x92"));      // a four-byte character
  EXPECT_TRUE(GlobMatch("*\xc3\xa9", "caf\xc3\xa9"));
}

TEST(GlobTest, EscapesAreLiteral) {
  EXPECT_TRUE(GlobMatch("a\\*b", "a*b"));
  EXPECT_FALSE(GlobMatch("a\\*b", "axb"));
  EXPECT_TRUE(GlobMatch("a\\?b", "a?b"));
  EXPECT_FALSE(GlobMatch("a\\?b", "axb"));
  EXPECT_TRUE(GlobMatch("C:\\\\*", "C:\\Windows"));
}

TEST(GlobTest, PathologicalPatternsStayLinearish) {
  // Exponential backtracking would never finish this; the single-backtrack algorithm does.
  std::string text(20000, 'a');
  std::string pat;
  for (int i = 0; i < 30; ++i) pat += "*a";
  pat += "*b";
  EXPECT_FALSE(GlobMatch(pat, text));
}

TEST(GlobTest, StarsOnlyAnchorsTheEndsAndNeverOverlapsThem) {
  EXPECT_TRUE(GlobMatch("ab*ba", "aba" "ba"));
  EXPECT_FALSE(GlobMatch("ab*ba", "aba"));  // head and tail may not share the 'b'
  EXPECT_TRUE(GlobMatch("ab*ba", "abba"));
  EXPECT_TRUE(GlobMatch("a**b", "ab"));
  EXPECT_TRUE(GlobMatch("*x*x*", "xx"));
  EXPECT_FALSE(GlobMatch("*x*x*", "x"));
  EXPECT_TRUE(GlobMatch("*abc*abd", "abcabcabd"));
  EXPECT_FALSE(GlobMatch("*abc*abd", "abdabc"));
  EXPECT_TRUE(GlobMatch("a*", "a"));
  EXPECT_FALSE(GlobMatch("a*", ""));
}

TEST(GlobTest, StarsOnlyIsLinearOnHostileInput) {
  // O(|pattern| * |text|) would be 10^10 steps here: a long literal part that almost
  // matches at every position of a long text.
  const std::string text(1000000, 'a');
  const std::string pat = "*" + std::string(10000, 'a') + "b*";
  EXPECT_FALSE(GlobMatch(pat, text));
  EXPECT_TRUE(GlobMatch(pat, text + "b"));
}

}  // namespace
}  // namespace vigil::internal
