// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Byte facts of regexes (src/compile/regex_bytes.h): what they say about patterns that
// have no literal, and that they are sound: whenever PCRE2 (with vigil's options)
// matches a subject, MayMatch accepts it. Soundness is checked on the patterns below,
// on every `|re` of the bundled pack and of the SigmaHQ rules, against subjects made to
// hit the edges (Unicode case partners of k and s, non-ASCII spaces, a final newline,
// invalid UTF-8).

#include "compile/regex_bytes.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "compile/regex.h"
#include "compile/rule_regexes.h"
#include "ir/ir.h"

namespace vigil::internal {
namespace {

bool May(std::string_view pattern, std::string_view text, uint8_t flags = 0) {
  return AnalyzeRegexBytes(pattern, flags).MayMatch(text, BytesOf(text));
}

TEST(RegexBytesTest, ByteSetOperations) {
  ByteSet a;
  a.AddRange('a', 'c');
  EXPECT_EQ(a.Count(), 3);
  EXPECT_TRUE(a.Has('b'));
  EXPECT_FALSE(a.Has('d'));
  ByteSet b = BytesOf("cab");
  EXPECT_TRUE(b == a);
  EXPECT_TRUE(BytesOf("ba").SubsetOf(a));
  EXPECT_FALSE(BytesOf("bad").SubsetOf(a));
  EXPECT_TRUE(BytesOf("xyzc").Intersects(a));
  EXPECT_FALSE(BytesOf("xyz").Intersects(a));
  EXPECT_TRUE(ByteSet::All().Full());
  EXPECT_TRUE(BytesOf("\xff\x80").Has(0xff));
}

TEST(RegexBytesTest, WholeAnchoredPatternsBoundBytesAndLength) {
  const RegexBytes hex = AnalyzeRegexBytes("^[0-9a-f]{32}$", 0);
  ASSERT_EQ(hex.branches.size(), 1u);
  EXPECT_TRUE(hex.branches[0].whole);
  EXPECT_EQ(hex.branches[0].min_length, 32u);
  EXPECT_EQ(hex.branches[0].max_length, 33u);  // `$` also before a final newline
  EXPECT_TRUE(hex.Selective());
  const std::string h32(32, 'a');
  EXPECT_TRUE(hex.MayMatch(h32, BytesOf(h32)));
  EXPECT_TRUE(May("^[0-9a-f]{32}$", h32 + "\n"));
  EXPECT_FALSE(May("^[0-9a-f]{32}$", "DescribeInstances"));
  EXPECT_FALSE(May("^[0-9a-f]{32}$", std::string(32, 'g')));
  EXPECT_FALSE(May("^[0-9a-f]{32}$", std::string(34, 'a')));
  EXPECT_FALSE(May("^[0-9a-f]{32}$", h32 + "\n\n"));
  // \z takes no final newline.
  EXPECT_FALSE(May("\\A\\d+\\z", "123\n"));
  EXPECT_TRUE(May("\\A\\d+\\z", "123"));
  EXPECT_TRUE(May("^\\d+$", "123\n"));
  // An address and a port: at most 3*4 + 3 + 1 + 4 bytes (and the newline).
  const RegexBytes ip = AnalyzeRegexBytes(R"(^\d{1,3}(?:\.\d{1,3}){3}:\d{4}$)", 0);
  ASSERT_EQ(ip.branches.size(), 1u);
  EXPECT_EQ(ip.branches[0].min_length, 12u);
  EXPECT_EQ(ip.branches[0].max_length, 21u);
  EXPECT_TRUE(May(R"(^\d{1,3}(?:\.\d{1,3}){3}:\d{4}$)", "10.0.0.1:8080"));
  EXPECT_FALSE(May(R"(^\d{1,3}(?:\.\d{1,3}){3}:\d{4}$)", "10.0.0.1"));  // too short
  EXPECT_FALSE(May(R"(^\d{1,3}(?:\.\d{1,3}){3}:\d{4}$)", "ec2.amazonaws.com"));
  // Options before the anchor are zero-width; a letter class is case-free then.
  EXPECT_TRUE(May("(?i)^[a-z]+$", "ABC"));
  EXPECT_FALSE(May("(?i)^[a-z]+$", "AB1"));
  EXPECT_FALSE(May("^[a-z]+$", "ABC"));
}

TEST(RegexBytesTest, RequiredBytesOfUnanchoredPatterns) {
  // Printable ASCII cannot match a run of characters outside it.
  EXPECT_FALSE(May(R"([^\x20-\x7e]{35,})", std::string(60, 'a')));
  std::string e;
  for (int i = 0; i < 35; ++i) e += "\xc3\xa9";
  EXPECT_TRUE(May(R"([^\x20-\x7e]{35,})", e));
  // Two required classes: a lower-case letter and a digit.
  const RegexBytes r = AnalyzeRegexBytes(R"([a-z]{2,8}\d{2})", 0);
  ASSERT_EQ(r.branches.size(), 1u);
  EXPECT_EQ(r.branches[0].required.size(), 2u);
  EXPECT_FALSE(r.branches[0].whole);
  EXPECT_TRUE(r.Selective());
  EXPECT_FALSE(May(R"([a-z]{2,8}\d{2})", "ABCDEF-12"));
  EXPECT_FALSE(May(R"([a-z]{2,8}\d{2})", "abcdefgh"));
  EXPECT_TRUE(May(R"([a-z]{2,8}\d{2})", "xx abcd12 yy"));
  // Alternatives: each branch on its own.
  EXPECT_TRUE(May(R"(^\s*$|\s{5,})", ""));
  EXPECT_TRUE(May(R"(^\s*$|\s{5,})", "  \t "));
  EXPECT_FALSE(May(R"(^\s*$|\s{5,})", "DescribeInstances"));
  EXPECT_FALSE(May(R"(^\s*$|\s{5,})", "a b"));
  EXPECT_TRUE(May(R"(^\s*$|\s{5,})", "a     b"));
  // Inside a group, an alternation needs a byte of either side.
  EXPECT_FALSE(May(R"(x(?:\d|-)y)", "xzy"));
  // An optional part needs nothing.
  EXPECT_TRUE(May(R"(a?\d*)", "zzz"));
  EXPECT_FALSE(AnalyzeRegexBytes(R"(a?\d*)", 0).Selective());
}

TEST(RegexBytesTest, UnicodeCaseAndSpacesAreNotMissed) {
  // KELVIN SIGN (U+212A) and LONG S (U+017F) match k and s without case.
  EXPECT_TRUE(May("(?i)^[a-z]+$", "\xe2\x84\xaa"));
  EXPECT_TRUE(May("^[a-z]+$", "\xe2\x84\xaa", kRegexCaseless));
  EXPECT_TRUE(May("(?i)^k+$", "\xe2\x84\xaa"));
  EXPECT_TRUE(May("(?i)^s$", "\xc5\xbf"));
  EXPECT_FALSE(May("^[a-z]+$", "\xe2\x84\xaa"));  // case-sensitive: ASCII only
  // A caseless non-ASCII literal may fold to ASCII.
  EXPECT_TRUE(May("(?i)^\xe2\x84\xaa$", "k"));
  // \h and \v also match non-ASCII spaces (U+00A0, U+2028).
  EXPECT_TRUE(May(R"(^\h+$)", "\xc2\xa0"));
  EXPECT_TRUE(May(R"(\v)", "a\xe2\x80\xa8"));
  EXPECT_FALSE(May(R"(\v)", "abc"));
  // Negated classes match any non-ASCII character.
  EXPECT_TRUE(May(R"(^[^a-z]+$)", "\xc3\xa9"));
}

// \S \D \W match any non-ASCII character (no UCP), one of two to four bytes.
TEST(RegexBytesTest, NegatedClassEscapesTakeNonAsciiCharacters) {
  for (const char* p : {"\\S+", "\\S", "\\D+", "\\W", "^\\S+$", "[\\S]+"}) {
    EXPECT_TRUE(May(p, "\u00e9")) << p;           // 2 bytes
    EXPECT_TRUE(May(p, "\u212a")) << p;           // 3 bytes
    EXPECT_TRUE(May(p, "\U0001F600")) << p;       // 4 bytes
    EXPECT_TRUE(May(p, "a\u00e9", kRegexCaseless)) << p;
  }
}

TEST(RegexBytesTest, BackReferencesAndCallsMayMatchAnything) {
  for (const char* p : {"^(a)\\1$", "^a(?R)?b$", "^(a)(?1)$", "^(?<n>a)\\k<n>$", "^(?P<n>a)(?P=n)$",
                        "^(a)\\g{-1}$", "^\\0$"}) {
    EXPECT_TRUE(May(p, "a\xc3\xa9z#b")) << p;  // any byte, any length
  }
  // What the rest needs still holds.
  EXPECT_FALSE(May("(a)\\1", "zz"));
}

TEST(RegexBytesTest, TextsThatAreNotUtf8AreNeverRejected) {
  // PCRE2 10.42's JIT matches this (the interpreter does not): "\xc3k" is swallowed as
  // one character that is not k.
  EXPECT_TRUE(May("(?i)^[^k]+$", "\xc3k"));
  EXPECT_TRUE(May(R"(^\d+$)", "12\xff"));
  EXPECT_FALSE(May(R"(^\d+$)", "12\xc3\xa9"));  // valid UTF-8: judged as usual
}

TEST(RegexBytesTest, MultilineAnchorsDoNotBoundTheText) {
  EXPECT_TRUE(May(R"(^\d+$)", "abc\n123", kRegexMultiline));
  EXPECT_TRUE(May(R"((?m)^\d+$)", "abc\n123"));
  EXPECT_TRUE(May(R"(^\d+$(?m))", "abc\n123"));
  EXPECT_FALSE(May(R"(^\d+$)", "abc\n123"));
}

TEST(RegexBytesTest, WhatItDoesNotUnderstandSaysNothing) {
  for (const char* p : {"(?x) a b", "(?(1)a|b)", "(*UTF)abc", "[\\p{L}]x", "\\N{U+41}", "\\o{101}",
                        "\\cA", "(?C1)a", "[[:^alpha:]]", "\\C"}) {
    const RegexBytes r = AnalyzeRegexBytes(p, 0);
    EXPECT_TRUE(r.branches.empty()) << p;
    EXPECT_FALSE(r.Selective()) << p;
    EXPECT_TRUE(r.MayMatch("", BytesOf(""))) << p;
  }
}

// ---- Soundness ------------------------------------------------------------------------

struct Checked {
  size_t matched = 0;
  std::vector<std::string> bad;
};

void Check(const std::string& pattern, uint8_t flags, const std::vector<std::string>& subjects, Checked* out) {
  std::string err;
  auto re = Regex::Compile(pattern, flags, &err);
  if (!re) return;  // not a valid pattern: nothing to check
  RegexScratch scratch;
  const RegexBytes facts = AnalyzeRegexBytes(pattern, flags);
  for (const auto& s : subjects) {
    if (!re->Search(s, &scratch)) continue;
    ++out->matched;
    if (!facts.MayMatch(s, BytesOf(s))) {
      std::string shown;
      for (unsigned char c : s) {
        if (c >= 0x20 && c < 0x7f) {
          shown.push_back(static_cast<char>(c));
        } else {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          shown += buf;
        }
      }
      out->bad.push_back("/" + pattern + "/ matches '" + shown + "' but the byte facts reject it");
    }
  }
}

// Subjects over alphabets that such patterns match, with the edges mixed in.
std::vector<std::string> Subjects(const std::string& pattern, std::mt19937* rng) {
  static const std::vector<std::string> kPieces = {
      "a", "z", "A", "Z", "0", "9", "f", "k", "K", "s", "S", "-", ".", ":", "/", "+", "=", "_", " ", "\t",
      "\n", "\r", "\x01", "\x7f", "\xc3\xa9", "\xe2\x84\xaa", "\xc5\xbf", "\xc2\xa0", "\xe2\x80\xa8",
      "\xc4\xb0", "\xc4\xb1", "\xff", "\xc3", "@", "#"};
  static const std::vector<std::string> kAlphabets = {
      "0123456789abcdef", "0123456789", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", "abcdefghijklmnopqrstuvwxyz",
      "abcdefghijklmnopqrstuvwxyz-", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
      "0123456789.:", " \t", "abcdefghijklmnopqrstuvwxyz.0123456789"};
  std::vector<std::string> out = {"", "\n", " ", "a", "abc", "ABC"};
  std::string lits;
  for (char c : pattern) {
    if (std::isalnum(static_cast<unsigned char>(c)) || std::strchr("/:-_.@ ", c)) lits.push_back(c);
  }
  out.push_back(lits);
  for (int i = 0; i < 400; ++i) {
    std::string s;
    const auto& alpha = kAlphabets[(*rng)() % kAlphabets.size()];
    const int len = static_cast<int>((*rng)() % 70);
    for (int k = 0; k < len; ++k) s.push_back(alpha[(*rng)() % alpha.size()]);
    out.push_back(s);
    // The same with edge pieces mixed in, and with a final newline.
    std::string t = s;
    for (int k = 0; k < 3; ++k) {
      const size_t at = t.empty() ? 0 : (*rng)() % (t.size() + 1);
      t.insert(at, kPieces[(*rng)() % kPieces.size()]);
    }
    out.push_back(t);
    out.push_back(s + "\n");
    std::string u;
    for (int k = 0; k < len; ++k) u += kPieces[(*rng)() % kPieces.size()];
    out.push_back(u);
    if (!lits.empty()) {
      const size_t a = (*rng)() % lits.size(), b = a + (*rng)() % (lits.size() - a + 1);
      out.push_back(s.substr(0, s.size() / 2) + lits.substr(a, b - a) + s.substr(s.size() / 2));
    }
  }
  return out;
}

std::vector<std::pair<std::string, uint8_t>> HandPatterns() {
  std::vector<std::pair<std::string, uint8_t>> p = {
      {R"(^[0-9a-f]{8}$)", 0}, {R"(^\d{4}$)", 0}, {R"(^[A-Z0-9]{5}$)", 0}, {R"(^[a-z]+\.[a-z]+\d{2}$)", 0},
      {R"(^\d{1,3}(?:\.\d{1,3}){3}:\d{2}$)", 0}, {R"(^[A-Za-z0-9+/]{4,}={0,2}$)", 0},
      {R"(^(?:[a-z]+-){2,}[a-z]+$)", 0}, {R"([^\x20-\x7e]{3,})", 0}, {R"(^\s*$|\s{3,})", 0},
      {R"(^[a-z0-9]{4}[A-Z]{2}$)", 0}, {R"([a-z]{2,8}\d{2})", 0}, {R"((?i)^[a-z]+$)", 0},
      {R"(^[a-z]+$)", kRegexCaseless}, {R"((?i)^k+$)", 0}, {R"((?i)^[^k]+$)", 0}, {R"((?i)\w{3})", 0},
      {R"(^\h+$)", 0}, {R"(^\H+$)", 0}, {R"(\v)", 0}, {R"(^\V*$)", 0}, {R"(^\S+$)", 0}, {R"(^\W+$)", 0},
      {R"(^\D+$)", 0}, {R"(^.{2,5}$)", 0}, {R"(^.{2,5}$)", kRegexDotAll}, {R"(\A\d+\z)", 0}, {R"(^\d+\Z)", 0},
      {R"(^\d+$)", kRegexMultiline}, {R"((?m)^\d+$)", 0}, {R"(^[[:alpha:]]+$)", 0}, {R"(^[[:xdigit:]]{2,}$)", 0},
      {R"(^[[:punct:][:space:]]+$)", 0}, {R"(^[\x00-\x{ff}]+$)", 0}, {R"(^[a-\x{e9}]+$)", 0},
      {R"(^[\-a]+$)", 0}, {R"(^[]a]+$)", 0}, {R"(^[^]a]+$)", 0}, {R"(^[a-]+$)", 0}, {R"(^\Qa.b\E+$)", 0},
      {R"(^(?:ab|cd)+$)", 0}, {R"(^(?i:ab)c$)", 0}, {R"(^a(?=b)[a-z]$)", 0}, {R"(^(?<=)\d$)", 0},
      {R"(^\d++$)", 0}, {R"(^\d*?$)", 0}, {R"(^\d{2}+$)", 0}, {R"(^a{,3}$)", 0}, {R"(^a{x}$)", 0},
      {R"(^\x{e9}+$)", 0}, {"^\xc3\xa9+$", 0}, {"(?i)^\xc3\xa9$", 0}, {"(?i)^\xe2\x84\xaa$", 0},
      {R"(^\R$)", 0}, {R"(^\X$)", 0}, {R"(^\p{L}+$)", 0}, {R"(^\N+$)", 0}, {R"(^[\b]$)", 0},
      {R"(^\e\a\f$)", 0}, {R"(^\x00$)", 0}, {R"(^(?#c)\d$)", 0}, {R"(^\d\b$)", 0}, {R"(^\G\d$)", 0},
      {R"(^a\Kb$)", 0}, {R"(^(?|(a)|(b))$)", 0}, {R"(^(?>a|ab)$)", 0}, {R"(^(?<n>\d)$)", 0},
      {R"(^(?'n'\d)$)", 0}, {R"(^(?P<n>\d)$)", 0}, {R"(^*\d$)", 0}, {R"(^\d$*)", 0},
      {R"(^(?:^|x)\d$)", 0}, {R"(^\d(?:$|x)$)", 0}, {R"((?s)^.+$)", 0}, {R"((?-i)^[a-z]$)", kRegexCaseless},
      {R"((?^)^[a-z]$)", kRegexCaseless}, {R"(^[\d-]+$)", 0}, {R"(^[\s\d]+$)", 0}, {R"(^\.$|^-$)", 0}};
  // The templates the rule generator uses for regexes without a literal.
  for (int n : {1, 2, 3, 7}) {
    for (const char* t : {R"(^[0-9a-f]{%d}$)", R"(^\d{%d}$)", R"(^[A-Z0-9]{%d}$)", R"(^[a-z]+\.[a-z]+\d{%d}$)",
                          R"(^\d{1,3}(?:\.\d{1,3}){3}:\d{%d}$)", R"(^[A-Za-z0-9+/]{%d,}={0,2}$)",
                          R"(^(?:[a-z]+-){%d,}[a-z]+$)", R"([^\x20-\x7e]{%d,})", R"(^\s*$|\s{%d,})",
                          R"(^[a-z0-9]{%d}[A-Z]{2}$)"}) {
      char buf[128];
      std::snprintf(buf, sizeof buf, t, n);
      p.push_back({buf, 0});
      p.push_back({std::string("(?i)") + buf, 0});
    }
  }
  return p;
}

TEST(RegexBytesTest, SoundOnHandWrittenPatterns) {
  std::mt19937 rng(42);
  Checked c;
  for (const auto& [p, flags] : HandPatterns()) {
    Check(p, flags, Subjects(p, &rng), &c);
  }
  for (const auto& b : c.bad) ADD_FAILURE() << b;
  // The check means something only if PCRE2 matched many of the subjects.
  EXPECT_GT(c.matched, 20000u);
}

// Every `|re` value of the bundled pack and of the SigmaHQ rules.
TEST(RegexBytesTest, SoundOnRealRuleRegexes) {
  std::mt19937 rng(7);
  const auto patterns = RealRuleRegexes();
  Checked c;
  for (const auto& [pattern, flags] : patterns) Check(pattern, flags, Subjects(pattern, &rng), &c);
  EXPECT_GE(patterns.size(), 10u) << "the pack's regexes were not found";
  for (const auto& b : c.bad) ADD_FAILURE() << b;
}

}  // namespace
}  // namespace vigil::internal
