// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The prefix and suffix tries (AffixTrie in src/compile/program.h), whose paths
// through nodes that neither branch nor end a literal are compressed into edge labels:
// a walk must report exactly the literals the text starts (ends) with, case-folded or
// cased, whatever the overlaps.

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "compile/program.h"
#include "util/strings.h"

namespace vigil::internal {
namespace {

struct Lit {
  std::string text;
  bool cased;
};

std::vector<uint32_t> Walk(const AffixTrie& t, std::string_view text, bool from_end) {
  std::vector<uint32_t> got;
  t.Walk(text, from_end, [&](uint32_t a) { got.push_back(a); });
  std::sort(got.begin(), got.end());
  return got;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = AsciiLower(c);
  return out;
}

std::vector<uint32_t> Expected(const std::vector<Lit>& lits, std::string_view text, bool from_end) {
  std::vector<uint32_t> want;
  for (uint32_t i = 0; i < lits.size(); ++i) {
    const std::string& l = lits[i].text;
    if (l.size() > text.size()) continue;
    const std::string_view part = from_end ? text.substr(text.size() - l.size()) : text.substr(0, l.size());
    const bool hit = lits[i].cased ? part == l : Lower(part) == Lower(l);
    if (hit) want.push_back(i);
  }
  return want;
}

TEST(AffixTrieTest, LongSharedPathsAndLiteralsInsideThem) {
  const std::vector<Lit> lits = {{"arn:aws:iam::", false}, {"arn:aws:iam::123456789012:", false},
                                 {"arn:aws:s3:::", false},  {"a", false},
                                 {"ARN:aws", true},         {"arn:aws:iam::123456789012:root", false},
                                 {"", false}};
  for (const bool from_end : {false, true}) {
    AffixTrie t;
    for (uint32_t i = 0; i < lits.size(); ++i) {
      t.Add(lits[i].text, lits[i].cased, i, from_end);
    }
    t.Finish();
    for (std::string text : {"arn:aws:iam::123456789012:root", "ARN:AWS:IAM::123456789012:user/x", "arn:aws:iam:",
                             "arn:aws:s3:::bucket", "ARN:aws", "b", "", "arn:aws:iam::123456789012"}) {
      if (from_end) std::reverse(text.begin(), text.end());
      // Literals are added as written; a suffix trie reads them from their end.
      EXPECT_EQ(Walk(t, text, from_end), Expected(lits, text, from_end)) << text << " from_end=" << from_end;
    }
  }
}

// Random literals over a small alphabet (so they overlap and share long paths) against
// a brute-force reference.
TEST(AffixTrieTest, MatchesBruteForceOnRandomLiterals) {
  std::mt19937 rng(11);
  const std::string alphabet = "aAbB:/-";
  auto word = [&](size_t max) {
    std::string s;
    const size_t n = rng() % (max + 1);
    for (size_t i = 0; i < n; ++i) s.push_back(alphabet[rng() % alphabet.size()]);
    return s;
  };
  for (int round = 0; round < 60; ++round) {
    for (const bool from_end : {false, true}) {
      std::vector<Lit> lits;
      const std::string stem = word(20);
      for (int i = 0; i < 40; ++i) {
        std::string l = (rng() % 2 ? stem.substr(0, rng() % (stem.size() + 1)) : std::string()) + word(6);
        if (from_end) std::reverse(l.begin(), l.end());
        lits.push_back({l, rng() % 4 == 0});
      }
      AffixTrie t;
      for (uint32_t i = 0; i < lits.size(); ++i) t.Add(lits[i].text, lits[i].cased, i, from_end);
      t.Finish();
      for (int k = 0; k < 200; ++k) {
        std::string text = (rng() % 2 ? stem : std::string()) + word(10);
        if (from_end) std::reverse(text.begin(), text.end());
        ASSERT_EQ(Walk(t, text, from_end), Expected(lits, text, from_end)) << text << " round " << round;
      }
    }
  }
}

}  // namespace
}  // namespace vigil::internal
