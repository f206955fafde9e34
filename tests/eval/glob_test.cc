// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The wildcard matcher over the IR glob encoding.

#include "eval/glob.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <string_view>

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

// The linear-time claims of glob.h, checked by counting the matcher's steps
// (GlobMatchCounted) rather than by a timeout: a quadratic or exponential matcher fails
// these at once, on any machine, instead of running into ctest's limit. (The time per
// byte is measured by BM_GlobHostile in benchmarks/bench_tables.cc.)

// The bound of the backtracking algorithm: each restart position of the text is tried
// against at most one run of the pattern between two stars, so steps grow with
// |text| * (longest run + 1), never with a power of the number of stars.
size_t BacktrackBound(std::string_view pat, std::string_view text) {
  size_t longest = 0, run = 0;
  for (char c : pat) {
    run = c == '*' ? 0 : run + 1;
    longest = std::max(longest, run);
  }
  return (text.size() + pat.size() + 1) * (longest + 2);
}

TEST(GlobTest, PathologicalPatternsStayLinearish) {
  // 30 stars before a '?': the '?' sends the pattern down the backtracking path.
  // Exponential backtracking would never finish; the single-backtrack algorithm takes
  // a few steps per byte.
  const std::string text(20000, 'a');
  std::string pat;
  for (int i = 0; i < 30; ++i) pat += "*a";
  pat += "*?b";
  size_t steps = 0;
  EXPECT_FALSE(GlobMatchCounted(pat, text, &steps));
  EXPECT_LE(steps, BacktrackBound(pat, text));
  EXPECT_LE(steps, 3 * text.size());
  steps = 0;
  EXPECT_TRUE(GlobMatchCounted(pat, text + "b", &steps));
  EXPECT_LE(steps, 3 * text.size());
  // The counting and the plain matcher agree.
  EXPECT_FALSE(GlobMatch(pat, text));
  EXPECT_TRUE(GlobMatch(pat, text + "b"));
}

TEST(GlobTest, BacktrackingStepsGrowWithTheTextNotThePattern) {
  // A run of 8 literals after a star, almost matching at every position: steps stay
  // within |text| * (run + 2) -- linear in the text for a given pattern -- whether the
  // pattern has 2 stars or 200.
  const std::string text(50000, 'a');
  for (int stars : {2, 20, 200}) {
    std::string pat;
    for (int i = 0; i < stars - 1; ++i) pat += "*a";
    pat += "*aaaaaaa?b";
    size_t steps = 0;
    EXPECT_FALSE(GlobMatchCounted(pat, text, &steps)) << stars;
    EXPECT_LE(steps, BacktrackBound(pat, text)) << stars;
  }
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
  // matches at every position of a long text. The stars-only path hands the text to
  // memmem once: exactly one step per byte of the text.
  const std::string text(1000000, 'a');
  const std::string pat = "*" + std::string(10000, 'a') + "b*";
  size_t steps = 0;
  EXPECT_FALSE(GlobMatchCounted(pat, text, &steps));
  EXPECT_EQ(steps, text.size());
  steps = 0;
  EXPECT_TRUE(GlobMatchCounted(pat, text + "b", &steps));
  EXPECT_EQ(steps, text.size() + 1);
  EXPECT_FALSE(GlobMatch(pat, text));
  EXPECT_TRUE(GlobMatch(pat, text + "b"));
}

TEST(GlobTest, StarsOnlyTakesOneStepPerByteWhateverTheParts) {
  // Many parts, each found just after the previous one, and head and tail compared:
  // every byte is consumed once, so steps <= |text| + |head| + |tail|, however many
  // parts there are. (Were the path quadratic -- each part searched from the start, or
  // the backtracking algorithm used here -- steps would be ~|text| * 1,000.)
  std::string text = "start";
  std::string pat = "start*";
  for (int i = 0; i < 200; ++i) {
    text += std::string(500, 'a') + "b";
    pat += std::string(999, 'a') + "b*";  // never matches: 999 > 500
  }
  text += "end";
  pat += "end";
  size_t steps = 0;
  EXPECT_FALSE(GlobMatchCounted(pat, text, &steps));
  EXPECT_EQ(steps, text.size());  // head + tail, then the whole middle once
  std::string ok = "start*";
  for (int i = 0; i < 200; ++i) ok += std::string(500, 'a') + "b*";
  ok += "end";
  steps = 0;
  EXPECT_TRUE(GlobMatchCounted(ok, text, &steps));
  EXPECT_EQ(steps, text.size());
}

}  // namespace
}  // namespace vigil::internal
