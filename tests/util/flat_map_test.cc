// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// FlatStringMap (the compiled program's key and value tables) and the SWAR ASCII
// folding used on every value: against std::map and a byte loop on many strings of
// every length around the word sizes the code special-cases.

#include "util/flat_map.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <string>

#include "util/strings.h"

namespace vigil::internal {
namespace {

std::string RandomKey(std::mt19937& rng, size_t len) {
  static const char kChars[] = "abcAB.Z_-09\xc3\xa9";
  std::string s;
  for (size_t i = 0; i < len; ++i) s += kChars[rng() % (sizeof kChars - 1)];
  return s;
}

TEST(FlatStringMapTest, AgreesWithStdMap) {
  std::mt19937 rng(7);
  FlatStringMap<int> flat;
  std::map<std::string, int> ref;
  for (int i = 0; i < 3000; ++i) {
    const std::string k = RandomKey(rng, rng() % 40);
    flat[k] += i;
    ref[k] += i;
  }
  EXPECT_EQ(flat.size(), ref.size());
  for (const auto& [k, v] : ref) {
    const int* got = flat.find(k);
    ASSERT_NE(got, nullptr) << k;
    EXPECT_EQ(*got, v);
  }
  for (int i = 0; i < 3000; ++i) {
    const std::string k = RandomKey(rng, rng() % 70);
    EXPECT_EQ(flat.find(k) != nullptr, ref.count(k) > 0) << k;
  }
  size_t n = 0;
  flat.ForEach([&](std::string_view k, const int& v) {
    EXPECT_EQ(ref.at(std::string(k)), v);
    ++n;
  });
  EXPECT_EQ(n, ref.size());
}

TEST(FlatStringMapTest, EmptyKeysLengthsAndNoFalseHits) {
  FlatStringMap<int> m;
  EXPECT_TRUE(m.empty());
  EXPECT_EQ(m.find(""), nullptr);
  m[""] = 1;
  m["eventName"] = 2;
  m[std::string(100, 'x')] = 3;
  EXPECT_EQ(*m.find(""), 1);
  EXPECT_EQ(*m.find("eventName"), 2);
  EXPECT_EQ(*m.find(std::string(100, 'x')), 3);
  EXPECT_EQ(m.find("eventname"), nullptr) << "keys are compared exactly";
  EXPECT_EQ(m.find("eventNamf"), nullptr);
  EXPECT_EQ(m.find(std::string(101, 'x')), nullptr);
  EXPECT_TRUE(m.MayHaveLength(9));
  EXPECT_FALSE(m.MayHaveLength(10));
  EXPECT_TRUE(m.MayHaveLength(63)) << "lengths from 63 up share one bit";
}

TEST(AsciiLowerCopyTest, MatchesTheByteLoopOnEveryByteValue) {
  std::mt19937 rng(11);
  for (size_t len = 0; len < 70; ++len) {
    for (int round = 0; round < 20; ++round) {
      std::string s;
      for (size_t i = 0; i < len; ++i) s += static_cast<char>(rng() & 0xff);
      std::string want = s;
      for (auto& c : want) c = AsciiLower(c);
      std::string got(len, '\0');
      AsciiLowerCopy(s.data(), s.size(), got.data());
      ASSERT_EQ(got, want) << "length " << len;
    }
  }
}

}  // namespace
}  // namespace vigil::internal
