// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// SeededStringHash (src/util/seeded_hash.h): stable within a process, and spreading the
// keys events bring (ARNs with long common prefixes, IPs, short names) evenly.

#include "util/seeded_hash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace vigil::internal {
namespace {

TEST(SeededStringHashTest, SameKeySameHashAndStringViewLookups) {
  SeededStringHash h;
  const std::string arn = "arn:aws:iam::123456789012:user/alice";
  EXPECT_EQ(h(arn), h(std::string_view(arn)));
  EXPECT_EQ(h(arn), h(std::string(arn)));
  std::unordered_map<std::string, int, SeededStringHash, std::equal_to<>> m;
  m.emplace(arn, 1);
  EXPECT_EQ(m.find(std::string_view(arn))->second, 1);  // no std::string made
}

TEST(SeededStringHashTest, EveryLengthAndEveryLastByteCounts) {
  SeededStringHash h;
  std::set<size_t> seen;
  std::string s;
  for (int len = 0; len <= 40; ++len) {
    EXPECT_TRUE(seen.insert(h(s)).second) << "length " << len;
    s += 'a';
  }
  // Strings that differ only in their last byte, or in one byte of a long shared prefix,
  // or only in their length through trailing zero bytes.
  const std::string prefix(57, 'x');
  for (int c = 0; c < 256; ++c) {
    EXPECT_TRUE(seen.insert(h(prefix + static_cast<char>(c))).second) << c;
  }
  EXPECT_NE(h(std::string("a\0", 2)), h(std::string("a")));
  EXPECT_NE(h(std::string(8, '\0')), h(std::string(9, '\0')));
}

TEST(SeededStringHashTest, ArnsSpreadEvenlyOverBuckets) {
  // 20,000 ARNs of one account (a common prefix of 31 bytes) into 1,024 buckets: about
  // 19.5 a bucket; an even spread keeps the fullest far below a clustered one.
  SeededStringHash h;
  std::vector<int> buckets(1024);
  for (int i = 0; i < 20000; ++i) {
    const std::string arn = "arn:aws:iam::123456789012:role/service-role-" + std::to_string(i);
    ++buckets[h(arn) % buckets.size()];
  }
  EXPECT_LT(*std::max_element(buckets.begin(), buckets.end()), 45);
  EXPECT_GT(*std::min_element(buckets.begin(), buckets.end()), 3);
}

}  // namespace
}  // namespace vigil::internal
