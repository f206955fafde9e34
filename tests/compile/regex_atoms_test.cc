// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The regex prefilter (src/compile/regex_atoms.h): which literals a pattern needs, and
// that the answer is sound: whenever PCRE2 (with vigil's options) matches a subject,
// every clause has an atom that occurs in it. Soundness is checked on every pattern of
// the tables below, every `|re` of the bundled pack, and the SigmaHQ CloudTrail rules,
// against subjects made to hit the pattern's edges (case, Unicode folding, escapes).

#include "compile/regex_atoms.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "compile/regex.h"
#include "compile/rule_regexes.h"
#include "ir/ir.h"
#include "util/strings.h"

namespace vigil::internal {
namespace {

std::string Show(const AtomClauses& c) {
  std::string s;
  for (const auto& clause : c) {
    s += "[";
    for (size_t i = 0; i < clause.size(); ++i) {
      if (i) s += "|";
      s += clause[i].text + (clause[i].caseless ? "/i" : "") + (clause[i].unicode_fold ? "+u" : "");
    }
    s += "]";
  }
  return s;
}

std::string Best(std::string_view pattern, uint8_t flags = 0) {
  const auto b = BestClause(RequiredAtoms(pattern, flags));
  std::string s;
  for (size_t i = 0; i < b.size(); ++i) {
    if (i) s += "|";
    s += b[i].text + (b[i].caseless ? "/i" : "");
  }
  return s;
}

TEST(RegexAtomsTest, LiteralsConcatenationsAndAlternations) {
  EXPECT_EQ(Show(RequiredAtoms("abc", 0)), "[abc]");
  EXPECT_EQ(Show(RequiredAtoms("^(python-requests|curl|Wget)/", 0)), "[Wget/|curl/|python-requests/]");
  EXPECT_EQ(Show(RequiredAtoms(R"(aws-cli/2\.(1[0-9]|2[0-9])\.\d+ .*kali)", 0)), "[aws-cli/2.][1|2][.][ ][kali]");
  EXPECT_EQ(Best(R"(aws-cli/2\.(1[0-9]|2[0-9])\.\d+ .*kali)"), "aws-cli/2.");
  EXPECT_EQ(Best("colou?r"), "color|colour");
  EXPECT_EQ(Best(R"(^arn:aws:iam::\d{12}:(root|user/[a-z]+))"), "arn:aws:iam::");
  // Alternation of two sequences: the best atom of each branch, ORed.
  EXPECT_EQ(Best("foo[0-9]+bar|baz.*quux"), "foo|quux");
  EXPECT_EQ(Best(R"(\Qa.b*c\E)"), "a.b*c");
  EXPECT_EQ(Best(R"(\x41BC)"), "ABC");
}

TEST(RegexAtomsTest, OptionalPartsAndZeroWidthNeedNothing) {
  EXPECT_EQ(Show(RequiredAtoms("(abc)?", 0)), "");
  EXPECT_EQ(Show(RequiredAtoms("(abc)*x", 0)), "[x]");
  EXPECT_EQ(Show(RequiredAtoms("a|", 0)), "");
  EXPECT_EQ(Show(RequiredAtoms("(?=secret)\\w+", 0)), "");
  EXPECT_EQ(Show(RequiredAtoms("(?<!x)abc\\b", 0)), "[abc]");
  EXPECT_EQ(Show(RequiredAtoms("(a)b\\1", 0)), "[ab]");
  EXPECT_EQ(Show(RequiredAtoms("x{0}abc", 0)), "[abc]");
  EXPECT_EQ(Best("(abc){2,}"), "abc");
  EXPECT_EQ(Best(".*"), "");
  EXPECT_EQ(Best("[abc]+"), "");
}

TEST(RegexAtomsTest, CaselessPartsAreCaselessAndAvoidUnicodeFolds) {
  EXPECT_EQ(Best("(?i)pacu"), "pacu/i");
  EXPECT_EQ(Best("PACU", kRegexCaseless), "pacu/i");
  EXPECT_EQ(Best("a(?i:BCD)e"), "abcde/i");
  // 'k' and 's' also match U+212A and U+017F caselessly: they end atoms.
  EXPECT_EQ(Best("(?i)stratus"), "tratu/i");
  EXPECT_EQ(Best("(?i)kali"), "ali/i");
  EXPECT_EQ(Best("(?i)ks"), "");
  // An option set inside a group lasts to its end, across later branches.
  EXPECT_EQ(Best("(x(?i)abc|def)ghj"), "defghj/i|xabcghj/i");
  EXPECT_EQ(Best("(?i)é-caf"), "-caf/i");
}

TEST(RegexAtomsTest, UnicodeFoldAtomsKeepKAndS) {
  // When the caller sets the atom for texts holding U+212A or U+017F, k and s stay in.
  EXPECT_EQ(Show(RequiredAtoms("(?i)stratus", 0, true)), "[stratus/i+u]");
  EXPECT_EQ(Show(RequiredAtoms("(?i)^aws-sdk-js", 0, true)), "[aws-sdk-js/i+u]");
  EXPECT_EQ(Show(RequiredAtoms("(?i)pacu", 0, true)), "[pacu/i]");
  EXPECT_EQ(Show(RequiredAtoms("k(?i:ali)", 0, true)), "[kali/i]");  // the k is cased
  EXPECT_EQ(Show(RequiredAtoms("(?i)é-kali", 0, true)), "[-kali/i+u]");
  EXPECT_EQ(Show(RequiredAtoms("(?i)stratus", 0, false)), "[tratu/i]");
  EXPECT_TRUE(HasUnicodeFoldPartner("x\xe2\x84\xaa"));
  EXPECT_TRUE(HasUnicodeFoldPartner("\xc5\xbfy"));
  EXPECT_FALSE(HasUnicodeFoldPartner("\xe2\x84"));
  EXPECT_FALSE(HasUnicodeFoldPartner("\xc5\xbe stratus"));
  // ASCII is told apart eight bytes at a time: partners at every offset, in values of
  // every length around the word's, are found; non-ASCII without them is not taken.
  for (size_t len = 0; len < 20; ++len) {
    const std::string ascii(len, 's');
    EXPECT_FALSE(HasUnicodeFoldPartner(ascii));
    for (size_t at = 0; at <= len; ++at) {
      for (const char* partner : {"\xe2\x84\xaa", "\xc5\xbf"}) {
        std::string t = ascii;
        t.insert(at, partner);
        EXPECT_TRUE(HasUnicodeFoldPartner(t)) << len << " " << at;
      }
      std::string other = ascii;
      other.insert(at, "\xc3\xa9");  // é
      EXPECT_FALSE(HasUnicodeFoldPartner(other)) << len << " " << at;
    }
  }
}

TEST(RegexAtomsTest, WhatItDoesNotUnderstandNeedsNothing) {
  for (const char* p : {"(?x) a b c", "(?(1)a|b)", "(*UTF)abc", "abc(?C1)", "\\N{U+41}bc", "\\o{101}bc",
                        "\\cAbc"}) {
    EXPECT_EQ(Show(RequiredAtoms(p, 0)), "") << p;
  }
}

// ---- Soundness ------------------------------------------------------------------------

bool Occurs(const RegexAtom& a, std::string_view subject) {
  if (a.unicode_fold && HasUnicodeFoldPartner(subject)) return true;
  std::string hay(subject), needle = a.text;
  if (a.caseless) {
    AsciiLowerInto(subject, &hay);
  }
  return hay.find(needle) != std::string::npos;
}

// Checks every clause against every subject PCRE2 matches; returns the failures.
std::vector<std::string> Unsound(const std::string& pattern, uint8_t flags,
                                 const std::vector<std::string>& subjects) {
  std::vector<std::string> bad;
  std::string err;
  auto re = Regex::Compile(pattern, flags, &err);
  if (!re) return bad;  // not a valid pattern: nothing to check
  RegexScratch scratch;
  for (const bool fold : {false, true}) {
    const AtomClauses clauses = RequiredAtoms(pattern, flags, fold);
    for (const auto& s : subjects) {
      if (!re->Search(s, &scratch)) continue;
      for (const auto& clause : clauses) {
        bool any = false;
        for (const auto& a : clause) any = any || Occurs(a, s);
        if (!any) bad.push_back("/" + pattern + "/ matches '" + s + "' but needs " + Show({clause}));
      }
    }
  }
  return bad;
}

// Subjects made from a pattern: its literal characters with case flipped, Unicode
// folding partners of k and s, characters dropped, and random strings over the
// pattern's own characters.
std::vector<std::string> Subjects(const std::string& pattern, std::mt19937* rng) {
  std::vector<std::string> out = {"", "a", "abc", "ABC", "\xe2\x84\xaa", "\xc5\xbf"};
  std::string lits;
  for (char c : pattern) {
    if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/:-_.@ ", c)) lits.push_back(c);
  }
  out.push_back(lits);
  std::string flipped = lits;
  for (char& c : flipped) c = std::isupper(static_cast<unsigned char>(c)) ? static_cast<char>(std::tolower(c)) : static_cast<char>(std::toupper(c));
  out.push_back(flipped);
  std::string kelvin;
  for (char c : lits) {
    if (c == 'k' || c == 'K') kelvin += "\xe2\x84\xaa";
    else if (c == 's' || c == 'S') kelvin += "\xc5\xbf";
    else kelvin.push_back(c);
  }
  out.push_back(kelvin);
  std::string alphabet = lits + "0123456789xyzXYZ/.-_ ";
  for (int i = 0; i < 300; ++i) {
    std::string s;
    const int len = static_cast<int>((*rng)() % 40);
    for (int k = 0; k < len; ++k) s.push_back(alphabet[(*rng)() % alphabet.size()]);
    out.push_back(s);
    // Pieces of the pattern's literals, joined.
    std::string t;
    for (int k = 0; k < 3 && !lits.empty(); ++k) {
      const size_t a = (*rng)() % lits.size(), b = a + (*rng)() % (lits.size() - a + 1);
      t += lits.substr(a, b - a);
      if ((*rng)() % 2) t.push_back(alphabet[(*rng)() % alphabet.size()]);
    }
    out.push_back(t);
  }
  return out;
}

TEST(RegexAtomsTest, SoundOnHandWrittenPatterns) {
  const std::vector<std::pair<std::string, uint8_t>> patterns = {
      {"abc", 0}, {"(?i)abc", 0}, {"ABC", kRegexCaseless}, {"(?i)kali|stratus", 0},
      {"^(python-requests|curl|Wget)/", 0}, {R"(aws-cli/2\.(1[0-9]|2[0-9])\.\d+ .*kali)", 0},
      {"colou?r", 0}, {"(ab|cd)+ef", 0}, {"a(?i:bc)d", 0}, {"(x(?i)abc|def)ghj", 0},
      {"(?i)Ks", 0}, {"(?-i)abc", kRegexCaseless}, {"(?^)abc", kRegexCaseless},
      {R"(\Qa.b\E+c)", 0}, {"[a-c]{2}x", 0}, {"x{2,3}y", 0}, {"(a|b|c|d|e|f|g|h|i|j|k|l|m|n|o|p|q)z", 0},
      {"(?<n>ab)\\k<n>", 0}, {"(?|(ab)|(cd))e", 0}, {"(?>ab|a)c", 0}, {"a++b", 0}, {"ab*?c", 0},
      {"\\bfoo\\B", 0}, {"(?=ab)a", 0}, {"(?!ab)[a-z]c", 0}, {"\\x{41}b", 0}, {"\\x61b", 0},
      {"a{,3}b", 0}, {"a{x}b", 0}, {"[]a]b", 0}, {"[^]a]b", 0}, {"[[:alpha:]]c", 0}, {"a\\.b\\*c", 0},
      {"(?i)\\x{212A}ali", 0}, {"(?i)caf\xc3\xa9", 0}, {"caf\xc3\xa9", 0}, {"\\d+\\.\\d+", 0},
      {"(?#comment)abc", 0}, {"a(?R)?b", 0}, {"(a)(?1)b", 0}, {"a\\Kbc", 0}, {"^$", 0}, {"a|b|", 0},
      {"(?i)(?:x|y)K", 0}, {"\\Qab", 0}, {"(?s).ab", 0}, {"(?m)^ab$", 0}, {"(?n)(ab)c", 0}};
  std::mt19937 rng(42);
  for (const auto& [p, flags] : patterns) {
    const auto bad = Unsound(p, flags, Subjects(p, &rng));
    EXPECT_TRUE(bad.empty()) << bad.front();
  }
}

// Every `|re` value of the bundled pack and of the SigmaHQ CloudTrail rules.
TEST(RegexAtomsTest, SoundOnRealRuleRegexes) {
  std::mt19937 rng(7);
  const auto patterns = RealRuleRegexes();
  for (const auto& [pattern, flags] : patterns) {
    const auto bad = Unsound(pattern, flags, Subjects(pattern, &rng));
    EXPECT_TRUE(bad.empty()) << bad.front();
  }
  EXPECT_GE(patterns.size(), 10u) << "the pack's regexes were not found";
}

}  // namespace
}  // namespace vigil::internal
