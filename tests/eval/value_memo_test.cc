// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The memo of regex and wildcard outcomes per value (src/eval/value_memo.h): exact
// (values compared byte for byte), bounded, and emptied between events once half full.

#include "eval/value_memo.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "util/flat_map.h"

namespace vigil::internal {
namespace {

TEST(ValueMemoTest, RemembersOutcomesPerValueAndPredicate) {
  ValueMemo m;
  const uint32_t a = m.Intern("arn:aws:iam::123456789012:user/alice");
  const uint32_t b = m.Intern("arn:aws:iam::123456789012:user/bob");
  ASSERT_NE(a, ValueMemo::kNone);
  ASSERT_NE(b, ValueMemo::kNone);
  EXPECT_NE(a, b);
  EXPECT_EQ(m.Intern("arn:aws:iam::123456789012:user/alice"), a);  // the same bytes, the same id
  EXPECT_EQ(m.Find(a, 7), -1);
  m.Put(a, 7, true);
  m.Put(b, 7, false);
  m.Put(a, 8, false);
  EXPECT_EQ(m.Find(a, 7), 1);
  EXPECT_EQ(m.Find(b, 7), 0);
  EXPECT_EQ(m.Find(a, 8), 0);
  EXPECT_EQ(m.Find(b, 8), -1);
  // The empty value is a value like any other.
  const uint32_t e = m.Intern("");
  ASSERT_NE(e, ValueMemo::kNone);
  m.Put(e, 7, true);
  EXPECT_EQ(m.Find(e, 7), 1);
  EXPECT_EQ(m.Find(ValueMemo::kNone, 7), -1);
}

TEST(ValueMemoTest, LongValuesAreNotKept) {
  ValueMemo m;
  EXPECT_EQ(m.Intern(std::string(ValueMemo::kMaxValueBytes + 1, 'x')), ValueMemo::kNone);
  EXPECT_NE(m.Intern(std::string(ValueMemo::kMaxValueBytes, 'x')), ValueMemo::kNone);
  m.Put(ValueMemo::kNone, 1, true);  // ignored
  EXPECT_EQ(m.Find(ValueMemo::kNone, 1), -1);
}

TEST(ValueMemoTest, BoundedAndEmptiedBetweenEventsOnceHalfFull) {
  ValueMemo m;
  // Far more distinct values than it holds: it stops taking them, never grows past its
  // tables, and Trim empties it.
  size_t kept = 0;
  for (size_t i = 0; i < ValueMemo::kValueSlots; ++i) {
    if (m.Intern("value-" + std::to_string(i)) != ValueMemo::kNone) ++kept;
  }
  EXPECT_LT(kept, ValueMemo::kValueSlots);
  EXPECT_GE(kept, ValueMemo::kValueSlots / 2);
  const size_t bytes = m.MemoryBytes();
  // No lists yet: their tables are made by the first PutList.
  EXPECT_LE(bytes, ValueMemo::kValueSlots * 16 + ValueMemo::kArenaBytes + ValueMemo::kResultSlots * 8 + 4096);
  for (size_t i = 0; i < 1000; ++i) m.Intern("more-" + std::to_string(i));
  EXPECT_EQ(m.MemoryBytes(), bytes);
  const uint32_t v = m.Intern("value-1");
  ASSERT_NE(v, ValueMemo::kNone);
  m.Put(v, 3, true);
  m.Trim();
  // After Trim the memo starts over: what it knew is gone, and it takes values again.
  const uint32_t w = m.Intern("value-1");
  ASSERT_NE(w, ValueMemo::kNone);
  EXPECT_EQ(m.Find(w, 3), -1);
  EXPECT_NE(m.Intern("fresh"), ValueMemo::kNone);
}

TEST(ValueMemoTest, ListsAreKeptPerValueAndKeyAndBounded) {
  ValueMemo m;
  const uint32_t v = m.Intern("arn:aws:iam::123456789012:user/alice");
  const uint32_t w = m.Intern("arn:aws:iam::123456789012:user/bob");
  std::basic_string_view<uint32_t> ids;
  EXPECT_FALSE(m.FindList(v, 0, &ids));
  m.PutList(v, 0, {7, 9});
  m.PutList(v, 1, {});
  m.PutList(w, 0, {3});
  ASSERT_TRUE(m.FindList(v, 0, &ids));
  EXPECT_EQ(std::vector<uint32_t>(ids.begin(), ids.end()), (std::vector<uint32_t>{7, 9}));
  ASSERT_TRUE(m.FindList(v, 1, &ids));  // known to be empty, not unknown
  EXPECT_TRUE(ids.empty());
  ASSERT_TRUE(m.FindList(w, 0, &ids));
  EXPECT_EQ(std::vector<uint32_t>(ids.begin(), ids.end()), (std::vector<uint32_t>{3}));
  EXPECT_FALSE(m.FindList(w, 1, &ids));
  EXPECT_FALSE(m.FindList(ValueMemo::kNone, 0, &ids));
  // The pool of ids is bounded: past it, lists go unremembered instead of growing it.
  const std::vector<uint32_t> many(ValueMemo::kListPoolIds / 4, 1);
  size_t kept = 0;
  for (uint32_t key = 2; key < 12; ++key) {
    m.PutList(w, key, many);
    kept += m.FindList(w, key, &ids) ? 1 : 0;
  }
  EXPECT_EQ(kept, 3u);  // 3 + 2 + 1 ids before, then three quarters of the pool
  const size_t bytes = m.MemoryBytes();
  m.PutList(v, 50, many);
  EXPECT_EQ(m.MemoryBytes(), bytes);
  // Half full: the next Trim empties it.
  m.Trim();
  const uint32_t again = m.Intern("arn:aws:iam::123456789012:user/alice");
  EXPECT_FALSE(m.FindList(again, 0, &ids));
}

TEST(ValueMemoTest, ResultTableIsBounded) {
  ValueMemo m;
  const uint32_t v = m.Intern("v");
  size_t kept = 0;
  for (uint32_t p = 0; p < ValueMemo::kResultSlots; ++p) {
    m.Put(v, p, (p & 1) != 0);
    if (m.Find(v, p) >= 0) ++kept;
  }
  EXPECT_LT(kept, ValueMemo::kResultSlots);
  // What was kept is right.
  for (uint32_t p = 0; p < 1000; ++p) {
    const int r = m.Find(v, p);
    if (r >= 0) {
      EXPECT_EQ(r, static_cast<int>(p & 1)) << p;
    }
  }
}

// Values an attacker picks so that their hashes collide cost a bounded probe each and
// are then not kept; a value with the same hash but other bytes is never confused.
TEST(ValueMemoTest, CollidingHashesAreNeverConfused) {
  ValueMemo m;
  // Values that land on one slot, found by search.
  const std::string base = "arn:aws:iam::1:user/";
  const uint64_t slot = HashString(base + "0") & (ValueMemo::kValueSlots - 1);
  std::vector<std::string> same_slot;
  for (int i = 0; same_slot.size() < 24 && i < 50000000; ++i) {
    std::string s = base + std::to_string(i);
    if ((HashString(s) & (ValueMemo::kValueSlots - 1)) == slot) same_slot.push_back(std::move(s));
  }
  ASSERT_GE(same_slot.size(), 20u);
  std::vector<uint32_t> ids;
  for (const auto& s : same_slot) ids.push_back(m.Intern(s));
  size_t kept = 0;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == ValueMemo::kNone) continue;
    ++kept;
    m.Put(ids[i], 1, i % 2 == 0);
  }
  EXPECT_LE(kept, static_cast<size_t>(ValueMemo::kMaxProbes));
  for (size_t i = 0; i < ids.size(); ++i) {
    if (ids[i] == ValueMemo::kNone) continue;
    EXPECT_EQ(m.Intern(same_slot[i]), ids[i]);
    EXPECT_EQ(m.Find(ids[i], 1), static_cast<int>(i % 2 == 0));
  }
}

}  // namespace
}  // namespace vigil::internal
