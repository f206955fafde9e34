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
  EXPECT_EQ(error, "pattern of 4097 bytes is longer than the limit of 4096");
}

TEST(RegexLimitsTest, GroupsNestedTooDeeplyAreAnError) {
  std::string error;
  const auto nested = [](size_t n) { return std::string(n, '(') + "a" + std::string(n, ')'); };
  EXPECT_TRUE(CompileRegexCheck(nested(kRegexMaxParensNesting), 0, &error)) << error;
  EXPECT_FALSE(CompileRegexCheck(nested(kRegexMaxParensNesting + 1), 0, &error));
  EXPECT_EQ(error, "parentheses are too deeply nested at offset 251");
  // 2,000 levels (as deep as 4 KiB of pattern allows): the same error, no stack overflow.
  EXPECT_FALSE(CompileRegexCheck(nested(2000), 0, &error));
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

// Issue 13 item 5: PCRE2's match limit counts per start position and does not count the
// bytes a repeat scans, so these searches ran for 20 s and more than 60 s with no limit
// firing. Each search now has kRegexWorkBudget steps over all its start positions, for
// JIT and PCRE2's interpreter alike; work is asserted by counting steps, not by time.
struct Engine {
  bool jit;
  const char* name;
};
const Engine kEngines[] = {{true, "jit"}, {false, "interpreter"}};

TEST(RegexBudgetTest, LookaheadOverALongValueStopsAtTheBudget) {
  std::string error;
  auto re = Regex::Compile("(?=.*[0-9])", 0, &error);
  ASSERT_NE(re, nullptr) << error;
  const std::string value(100000, 'a');
  for (const Engine& e : kEngines) {
    RegexScratch scratch;
    scratch.use_jit = e.jit;
    EXPECT_FALSE(re->Search(value, &scratch)) << e.name;
    EXPECT_EQ(scratch.limit_hits, 1u) << e.name;
    EXPECT_EQ(scratch.counted_searches, 1u) << e.name;
    // Stopped at the first step past the budget; one step moves at most the value.
    EXPECT_GT(scratch.counted_steps, kRegexWorkBudget) << e.name;
    EXPECT_LE(scratch.counted_steps, kRegexWorkBudget + value.size() + 1) << e.name;
    // The same search where a digit is near the end still matches within the budget
    // when it is the only attempt that scans far ((?=) at the first position finds it).
    EXPECT_TRUE(re->Search(value + "7", &scratch)) << e.name;
    EXPECT_EQ(scratch.limit_hits, 1u) << e.name;
  }
}

TEST(RegexBudgetTest, BackreferenceOverALongValueStopsAtTheBudget) {
  std::string error;
  auto re = Regex::Compile("(a+)\\1+b", 0, &error);
  ASSERT_NE(re, nullptr) << error;
  // 'b' is present (at the end), so PCRE2's required-byte check does not end it early.
  const std::string value = std::string(300000, 'a') + "cb";
  for (const Engine& e : kEngines) {
    RegexScratch scratch;
    scratch.use_jit = e.jit;
    EXPECT_FALSE(re->Search(value, &scratch)) << e.name;
    EXPECT_EQ(scratch.limit_hits, 1u) << e.name;
    EXPECT_EQ(scratch.counted_searches, 1u) << e.name;
    // A step charges the bytes moved and, before \1, the bytes \1 may compare.
    EXPECT_LE(scratch.counted_steps, kRegexWorkBudget + 2 * value.size() + 1) << e.name;
    // Backreferences still match when the work is small.
    EXPECT_TRUE(re->Search(std::string(1000, 'x') + "aaaab", &scratch)) << e.name;
    EXPECT_EQ(scratch.limit_hits, 1u) << e.name;
  }
}

TEST(RegexBudgetTest, OrdinarySearchesOfLongValuesFinishWithinTheBudget) {
  std::string error;
  const std::string filler(100000, 'z');
  struct Case {
    const char* pattern;
    std::string value;
    bool match;
  };
  const Case cases[] = {
      {".*foo", filler + "foo", true},
      {".*foo", filler + "fo", false},
      {"(?i)invoke-expression", filler + "Invoke-Expression", true},
      {"[0-9]{3}-[0-9]{4}", filler + "555-1234", true},
      {"(\\w+) \\1", std::string(100000, '-') + "hello hello", true},
      {"^arn:aws:iam::[0-9]{12}:role/", "arn:aws:iam::123456789012:role/" + filler, true},
  };
  for (const Engine& e : kEngines) {
    for (const Case& c : cases) {
      auto re = Regex::Compile(c.pattern, 0, &error);
      ASSERT_NE(re, nullptr) << error;
      RegexScratch scratch;
      scratch.use_jit = e.jit;
      EXPECT_EQ(re->Search(c.value, &scratch), c.match) << e.name << " " << c.pattern;
      EXPECT_EQ(scratch.limit_hits, 0u) << e.name << " " << c.pattern;
      EXPECT_EQ(scratch.counted_searches, 1u) << e.name << " " << c.pattern;
      EXPECT_LE(scratch.counted_steps, kRegexWorkBudget) << e.name << " " << c.pattern;
    }
  }
}

TEST(RegexBudgetTest, ShortValuesTakeTheFastPathWithAMatchLimitThatKeepsThemInBudget) {
  // (n + 1)^2 start positions times bytes, times the limit, stays within the budget.
  EXPECT_EQ(RegexFastPathLimit(0), kRegexMatchLimit);
  EXPECT_EQ(RegexFastPathLimit(100), kRegexWorkBudget / 101 / 101);
  EXPECT_EQ(RegexFastPathLimit(558), kRegexMinFastPathLimit);  // 5,000,000 / 559 / 559
  EXPECT_EQ(RegexFastPathLimit(559), 0u);                       // 5,000,000 / 560 / 560 = 15
  EXPECT_EQ(RegexFastPathLimit(size_t{1} << 40), 0u);
  std::string error;
  auto re = Regex::Compile("^Mozilla/[0-9.]+ \\(Windows", 0, &error);
  ASSERT_NE(re, nullptr) << error;
  for (const Engine& e : kEngines) {
    RegexScratch scratch;
    scratch.use_jit = e.jit;
    EXPECT_TRUE(re->Search("Mozilla/5.0 (Windows NT 10.0; Win64; x64)", &scratch));
    EXPECT_FALSE(re->Search("curl/8.1.2", &scratch));
    EXPECT_EQ(scratch.counted_searches, 0u) << e.name;
    // A short value whose search passes the fast path's limit is searched again,
    // counted: `(a+)+$` on 400 bytes passes the 31 steps a position it is allowed.
    auto redos = Regex::Compile("(a+)+$", 0, &error);
    ASSERT_NE(redos, nullptr) << error;
    EXPECT_FALSE(redos->Search(std::string(400, 'a') + "!", &scratch)) << e.name;
    EXPECT_EQ(scratch.counted_searches, 1u) << e.name;
    EXPECT_EQ(scratch.limit_hits, 1u) << e.name;
  }
}

TEST(RegexBudgetTest, PatternsTooLargeOnceInstrumentedAreCompileErrors) {
  // A repeated group is copied once per repetition: 37 KB of code, past PCRE2's 64 KiB
  // only once every copied item carries its callout.
  const std::string pattern = "(?:abcdefgh){1700}";
  std::string error;
  EXPECT_NE(Regex::Compile(pattern, 0, &error), nullptr);
  EXPECT_FALSE(CompileRegexCheck(pattern, 0, &error));
  EXPECT_EQ(error, "with the callouts that count its work: regular expression is too large at offset 18");
}

}  // namespace
}  // namespace vigil::internal

namespace vigil::internal {
namespace {

TEST(RegexJitTest, NegatedEscapesAreWrappedOutsideClassesOnly) {
  EXPECT_EQ(WrapNegatedEscapes(R"(\S+)"), R"([\S]+)");
  EXPECT_EQ(WrapNegatedEscapes(R"(a\Db\Wc)"), R"(a[\D]b[\W]c)");
  EXPECT_EQ(WrapNegatedEscapes(R"([\S\d]\S)"), R"([\S\d][\S])");
  EXPECT_EQ(WrapNegatedEscapes(R"([]\S]\S)"), R"([]\S][\S])");        // `]` first is a member
  EXPECT_EQ(WrapNegatedEscapes(R"([^]\S]\S)"), R"([^]\S][\S])");
  EXPECT_EQ(WrapNegatedEscapes(R"([[:alpha:]\S]\S)"), R"([[:alpha:]\S][\S])");
  EXPECT_EQ(WrapNegatedEscapes(R"(\\S\s\d\w)"), R"(\\S\s\d\w)");    // an escaped backslash
  EXPECT_EQ(WrapNegatedEscapes(R"(\Q\S[\E\S)"), R"(\Q\S[\E[\S])");  // quoted text
  EXPECT_EQ(WrapNegatedEscapes(R"(\c\\S)"), R"(\c\[\S])");
  EXPECT_EQ(WrapNegatedEscapes(R"([a\]\S]\S)"), R"([a\]\S][\S])");
}

// PCRE2 10.42's JIT misses a non-ASCII character with a bare \S, \D or \W under
// PCRE2_MATCH_INVALID_UTF; compiled as wrapped, JIT and interpreter agree.
TEST(RegexJitTest, NegatedEscapesMatchNonAsciiCharactersWithAndWithoutJit) {
  struct Case {
    const char* pattern;
    const char* subject;
    bool match;
  };
  const Case cases[] = {
      {R"(\S)", "\u00e9", true},        {R"(\S+)", "\u212a", true},    {R"(^\S$)", "\U0001F600", true},
      {R"(a\Sb)", "a\u00e9b", true},   {R"(\D)", "\u00e9", true},     {R"(\W)", "\u00e9", true},
      {R"(\w)", "\u00e9", false},      {R"(\s)", "\u00e9", false},    {R"(\S\S)", "\u00e9", false},
      {R"((?i)\S)", "\u017f", true},   {R"([\S])", "\u00e9", true},   {R"(\Q\S\E)", "\\S", true},
  };
  for (const Case& c : cases) {
    std::string error;
    auto re = Regex::Compile(c.pattern, 0, &error);
    ASSERT_NE(re, nullptr) << c.pattern << ": " << error;
    for (bool jit : {true, false}) {
      RegexScratch scratch;
      scratch.use_jit = jit;
      EXPECT_EQ(re->Search(c.subject, &scratch), c.match) << c.pattern << (jit ? " (JIT)" : " (interpreter)");
    }
  }
}

}  // namespace
}  // namespace vigil::internal
