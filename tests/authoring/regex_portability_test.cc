// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The regular-expression subset of the Sigma specification (regex_portability.h): what
// is inside reads as nothing, each construct outside is named once, with its text and
// offset.

#include "authoring/regex_portability.h"

#include <gtest/gtest.h>

namespace vigil::authoring {
namespace {

// "name 'text'@offset; ..." for compact comparisons.
std::string Found(std::string_view pattern) {
  std::string out;
  for (const auto& c : NonPortableRegexConstructs(pattern)) {
    out += (out.empty() ? "" : "; ") + c.name + " '" + c.text + "'@" + std::to_string(c.offset);
  }
  return out;
}

TEST(RegexPortabilityTest, TheSubsetIsQuiet) {
  for (const char* p :
       {"", "abc", "^a.c$", "a*b+c?", "x{3}", "x{2,}", "x{2,5}", "[a-z]", "[^a-z]", "[]a]", "a|b",
        "(ab)+", "\\.\\*\\?\\(\\[\\{\\\\\\/\\-", "[\\]\\-^]", "^[0-9]{12}$", "\\{", "a{", "a{x}",
        "^\\[(\\{[^{}]*\\},){4,}\\{[^{}]*\\}\\]$"}) {
    EXPECT_EQ(Found(p), "") << p;
  }
}

TEST(RegexPortabilityTest, GroupsAndAssertions) {
  EXPECT_EQ(Found("(?:a)"), "non-capturing group '(?:'@0");
  EXPECT_EQ(Found("a(?=b)(?!c)"), "look-ahead '(?='@1; look-ahead '(?!'@6");
  EXPECT_EQ(Found("(?<=a)(?<!b)"), "look-behind '(?<='@0; look-behind '(?<!'@6");
  EXPECT_EQ(Found("(?<n>a)(?P<m>b)(?'o'c)"),
            "named group '(?<'@0; named group '(?P<'@7; named group '(?''@15");
  EXPECT_EQ(Found("(?>a+)"), "atomic group '(?>'@0");
  EXPECT_EQ(Found("(?|(a)|(b))"), "branch reset '(?|'@0");
  EXPECT_EQ(Found("(?(1)a|b)"), "conditional '(?('@0");
  EXPECT_EQ(Found("(?R)(?1)(?-1)(?&o)(?P>o)"),
            "recursion or subroutine call '(?R'@0; recursion or subroutine call '(?1'@4; "
            "recursion or subroutine call '(?-'@8; recursion or subroutine call '(?&'@13; "
            "recursion or subroutine call '(?P>'@18");
  EXPECT_EQ(Found("(?i)a(?i:b)"), "inline option '(?i'@0");
  EXPECT_EQ(Found("(?#note)a"), "comment '(?#'@0");
  EXPECT_EQ(Found("(*SKIP)a"), "backtracking verb '(*'@0");
  EXPECT_EQ(Found("(?C1)a"), "callout '(?C'@0");
}

TEST(RegexPortabilityTest, Quantifiers) {
  EXPECT_EQ(Found("a*+b++c?+d{2}+"),
            "possessive quantifier '*+'@1; possessive quantifier '++'@4; possessive quantifier "
            "'?+'@7; possessive quantifier '}+'@12");
  EXPECT_EQ(Found("a*?b+?c??d{2,3}?"),
            "lazy quantifier '*?'@1; lazy quantifier '+?'@4; lazy quantifier '?"
            "?'@7; lazy "
            "quantifier '}?'@14");
}

TEST(RegexPortabilityTest, Escapes) {
  EXPECT_EQ(Found("\\d\\w\\s\\D"),
            "shorthand character class '\\d'@0; shorthand character class '\\w'@2; shorthand "
            "character class '\\s'@4; shorthand character class '\\D'@6");
  EXPECT_EQ(Found("[\\d_]"), "shorthand character class '\\d'@1");
  EXPECT_EQ(Found("\\bword\\B"), "word boundary '\\b'@0; word boundary '\\B'@6");
  EXPECT_EQ(Found("[\\b]"), "character code escape '\\b'@1");
  EXPECT_EQ(Found("\\Aa\\z"), "anchor escape '\\A'@0; anchor escape '\\z'@3");
  EXPECT_EQ(Found("(a)\\1\\g{1}\\k<n>"),
            "backreference '\\1'@3; backreference '\\g'@5; backreference '\\k'@10");
  EXPECT_EQ(Found("\\g<o>"), "subroutine call '\\g<'@0");
  EXPECT_EQ(Found("foo\\Kbar"), "match reset \\K '\\K'@3");
  EXPECT_EQ(Found("\\Q(?=*\\E"), "\\Q...\\E quoting '\\Q'@0");
  EXPECT_EQ(Found("\\p{L}"), "Unicode property '\\p'@0");
  EXPECT_EQ(Found("\\x41\\t"), "character code escape '\\x'@0; character code escape '\\t'@4");
  EXPECT_EQ(Found("[[:alpha:]]"), "POSIX character class '[:'@1");
}

TEST(RegexPortabilityTest, EachConstructOnceAtItsFirstOccurrence) {
  EXPECT_EQ(Found("(?=a)(?=b)\\d\\d"), "look-ahead '(?='@0; shorthand character class '\\d'@10");
}

}  // namespace
}  // namespace vigil::authoring
