// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// RegexSet (src/compile/regex_set.h): which patterns it takes, which values, and that on
// the values it takes it reports every pattern PCRE2 (vigil's options) matches.

#include "compile/regex_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <string>
#include <vector>

#include "compile/regex.h"
#include "eval/glob.h"
#include "ir/ir.h"

namespace vigil::internal {
namespace {

TEST(RegexSetTest, TakesPrintableAsciiAndTabsUpToTheLimit) {
  using T = RegexSet::Text;
  EXPECT_EQ(RegexSet::Classify(""), T::kPrintable);
  EXPECT_EQ(RegexSet::Classify("aws-cli/2.13.0 Python/3.11\tLinux"), T::kPrintable);
  EXPECT_EQ(RegexSet::Classify(std::string(kRegexSetMaxBytes, 'a')), T::kPrintable);
  EXPECT_EQ(RegexSet::Classify(std::string(kRegexSetMaxBytes + 1, 'a')), T::kOther);
  EXPECT_EQ(RegexSet::Classify("a\nb"), T::kUtf8);        // `$` and `.` differ at newlines
  EXPECT_EQ(RegexSet::Classify("a\x0b"), T::kUtf8);       // `\s` takes VT in PCRE2 only
  EXPECT_EQ(RegexSet::Classify("caf\xc3\xa9"), T::kUtf8);  // Unicode case partners
  EXPECT_EQ(RegexSet::Classify("a\x7f"), T::kUtf8);
  EXPECT_EQ(RegexSet::Classify(std::string("a\0b", 3)), T::kUtf8);
  EXPECT_EQ(RegexSet::Classify("caf\xc3"), T::kOther);     // not UTF-8
  RegexSet regexes(kRegexSetMaxMem), globs(kRegexSetMaxMem);
  ASSERT_TRUE(regexes.Add("a", 0));
  ASSERT_TRUE(globs.AddGlob("a*"));
  for (T t : {T::kPrintable, T::kUtf8, T::kOther}) {
    EXPECT_EQ(regexes.Takes(t), t == T::kPrintable);
    EXPECT_EQ(globs.Takes(t), t != T::kOther);
  }
}

// Classify reads eight bytes at a time: every byte class at every position of words and
// tails, against a byte-by-byte reading.
TEST(RegexSetTest, ClassifyFindsEveryByteOutsidePrintableText) {
  for (size_t length : {1u, 7u, 8u, 9u, 16u, 23u}) {
    for (size_t at = 0; at < length; ++at) {
      for (int b = 0; b < 256; ++b) {
        std::string v(length, 'a');
        v[at] = static_cast<char>(b);
        const bool printable = b == '\t' || (b >= 0x20 && b <= 0x7e);
        const RegexSet::Text want =
            printable ? RegexSet::Text::kPrintable : b < 0x80 ? RegexSet::Text::kUtf8 : RegexSet::Text::kOther;
        ASSERT_EQ(RegexSet::Classify(v), want) << "byte " << b << " at " << at << " of " << length;
      }
    }
  }
}

TEST(RegexSetTest, RefusesWhatItCannotDecideAsPcre2Would) {
  RegexSet set(kRegexSetMaxMem);
  EXPECT_TRUE(set.Add("^arn:aws:iam::\\d+:root$", 0));
  EXPECT_TRUE(set.Add("AdminAccess", kRegexCaseless));
  EXPECT_FALSE(set.Add("(?=.*admin)root", 0));   // lookahead
  EXPECT_FALSE(set.Add("(a)\\1", 0));            // backreference
  EXPECT_FALSE(set.Add("a++", 0));               // possessive
  EXPECT_FALSE(set.Add("(?>ab|a)b", 0));         // atomic group
  EXPECT_FALSE(set.Add("root\\Z", 0));
  EXPECT_FALSE(set.Add("a{,3}", 0));             // read differently by PCRE2 versions
  EXPECT_FALSE(set.Add("(", 0));
  EXPECT_EQ(set.size(), 2u);
  ASSERT_TRUE(set.Compile());
  EXPECT_FALSE(set.Add("x", 0));  // after Compile
  std::vector<int> hits;
  ASSERT_TRUE(set.Match("arn:aws:iam::123456789012:root", &hits));
  EXPECT_EQ(hits, std::vector<int>{0});
  ASSERT_TRUE(set.Match("xx adminaccess", &hits));
  EXPECT_EQ(hits, std::vector<int>{1});
  ASSERT_TRUE(set.Match("nothing", &hits));
  EXPECT_TRUE(hits.empty());
}

// On every value it takes, the set reports exactly the patterns PCRE2 finds a match for
// (a prefilter only needs "at least", but exactness here shows the screen is sound on
// these patterns): flags, anchors, classes, the k and s partners, `$`, repeats.
TEST(RegexSetTest, AgreesWithPcre2OnTheValuesItTakes) {
  const std::vector<std::pair<std::string, uint8_t>> patterns = {
      {"^aws-cli/\\d+\\.\\d+", 0},       {"(?i)boto3", 0},          {"kelvin", kRegexCaseless},
      {"\\x{212a}", kRegexCaseless},    {"\\x{17f}", kRegexCaseless}, {"^\\S+$", 0},
      {"\\s", 0},                       {"[^\\x20-\\x7e]", 0},     {"a.b", kRegexDotAll},
      {"^b", kRegexMultiline},          {"c$", kRegexMultiline},   {"c$", 0},
      {"\\bcli\\b", 0},                 {"[[:upper:]]{3}", 0},     {"(?:ab){2,3}x", 0},
      {"\\v", 0},                       {"[^\\v]", 0},             {"\\t", 0},
      {"\\w+@\\w+\\.com", 0},           {"", 0},                   {"\\pL\\d", 0},
      {"^$", 0},                        {"(?U)a+b", 0},            {"\\Acli", 0},
      {"cli\\z", 0},                    {"[k-s]{2}", kRegexCaseless}, {"x*", 0},
  };
  RegexSet set(kRegexSetMaxMem);
  std::vector<std::unique_ptr<Regex>> pcre;
  for (const auto& [p, flags] : patterns) {
    ASSERT_TRUE(set.Add(p, flags)) << p;
    std::string error;
    pcre.push_back(Regex::Compile(p, flags, &error));
    ASSERT_NE(pcre.back(), nullptr) << p << ": " << error;
  }
  ASSERT_TRUE(set.Compile());
  const std::vector<std::string> pieces = {"aws-cli/", "2.13", "Boto3", "KELVIN", "k", "S", "s", " ", "\t",
                                           "a", "b", "c", "x", "ab", "cli", "@", "example.com", "ABC", ".", "9"};
  std::mt19937 rng(5);
  RegexScratch scratch;
  std::vector<int> hits;
  for (int i = 0; i < 3000; ++i) {
    std::string v;
    const size_t n = rng() % 6;
    for (size_t k = 0; k < n; ++k) v += pieces[rng() % pieces.size()];
    ASSERT_EQ(RegexSet::Classify(v), RegexSet::Text::kPrintable);
    ASSERT_TRUE(set.Match(v, &hits));
    std::sort(hits.begin(), hits.end());
    std::vector<int> want;
    for (size_t p = 0; p < pcre.size(); ++p) {
      if (pcre[p]->Search(v, &scratch)) want.push_back(static_cast<int>(p));
    }
    ASSERT_EQ(hits, want) << "'" << v << "'";
  }
}

// Wildcards (the IR's glob encoding) as whole-value patterns: on values the set takes,
// its hits are exactly GlobMatch's. A caseless wildcard (its text lower-cased, as the IR
// keeps it) goes to a set searched with the folded value, as the evaluator does.
TEST(RegexSetTest, WildcardsAgreeWithGlobMatch) {
  const std::vector<std::pair<std::string, bool>> globs = {
      {"aws*cli", false}, {"*cli?", false},   {"a?S*", true},     {"*\\**", false}, {"*.*/*", false},
      {"??", false},      {"*", false},       {"", false},        {"a*B*c", true},    {"*(x)*", false},
      {"*[a]*", false},   {"*a\\?b*", false}, {"k*s", false},   {"*$*", true},      {"*\\\\*", false},
      {"?", false},       {"*\u00e9?", false}, {"*\n*", true},  {"a?b", true},      {"*?\u212a", false},
  };
  RegexSet cased(kRegexSetMaxMem), folded(kRegexSetMaxMem);
  std::vector<size_t> cased_index, folded_index;  // set index -> glob
  for (size_t g = 0; g < globs.size(); ++g) {
    const bool is_cased = globs[g].second;
    ASSERT_TRUE((is_cased ? cased : folded).AddGlob(globs[g].first)) << globs[g].first;
    (is_cased ? cased_index : folded_index).push_back(g);
  }
  ASSERT_TRUE(cased.Compile());
  ASSERT_TRUE(folded.Compile());
  // Wildcard sets also take UTF-8 beyond ASCII, newlines and control bytes.
  const std::vector<std::string> pieces = {"aws", "AWS", "cli", "CLI", "a", "b", "B", "c", "k", "S", "s", "*", "?",
                                           ".", "/", "(x)", "[a]", "$", "\\", " ", "\u00e9", "\u212a", "\n",
                                           "\x01", "\U0001F600"};
  std::mt19937 rng(9);
  std::vector<int> hits;
  for (int i = 0; i < 4000; ++i) {
    std::string v;
    const size_t n = rng() % 5;
    for (size_t k = 0; k < n; ++k) v += pieces[rng() % pieces.size()];
    std::string low = v;
    for (char& c : low) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(cased.Takes(RegexSet::Classify(v)));
    std::vector<size_t> got;
    ASSERT_TRUE(cased.Match(v, &hits));
    for (int h : hits) got.push_back(cased_index[static_cast<size_t>(h)]);
    ASSERT_TRUE(folded.Match(low, &hits));
    for (int h : hits) got.push_back(folded_index[static_cast<size_t>(h)]);
    std::sort(got.begin(), got.end());
    std::vector<size_t> want;
    for (size_t g = 0; g < globs.size(); ++g) {
      if (GlobMatch(globs[g].first, globs[g].second ? v : low)) want.push_back(g);
    }
    ASSERT_EQ(got, want) << "'" << v << "'";
  }
}

// Too large for its memory budget: Compile says so (the compiler then keeps the regexes
// on their own paths and warns).
TEST(RegexSetTest, CompileFailsPastItsMemoryBudget) {
  RegexSet set(int64_t{64} << 10);
  for (int i = 0; i < 300; ++i) ASSERT_TRUE(set.Add("^prefix-" + std::to_string(i) + "-[a-z]{3,40}\\d{2,9}suffix$", 0));
  EXPECT_FALSE(set.Compile());
  EXPECT_FALSE(set.Compile());  // asked again: the same answer, RE2 not asked twice
}

}  // namespace
}  // namespace vigil::internal
