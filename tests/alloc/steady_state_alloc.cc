// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The matcher does not allocate per event once warmed up: a Scanner with the bundled
// pack matches the 2,500 sample events twice, and the second pass must make no heap
// allocation at all (counted by replacing the global operator new in this binary).
// Allocation per event is what would make matching slow down with more threads and
// with memory fragmentation; this keeps it out. It is its own test binary
// (vigil_alloc_test) so the replaced operator new affects no other test.

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <vector>

#include "vigil/vigil.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
}  // namespace

// GCC sees through the replacement and flags free() of new'd memory; here both sides
// are malloc/free by construction.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace vigil {
namespace {

struct Collect : RecordSink {
  std::vector<std::string> events;
  bool OnRecord(const Record& r) override {
    events.emplace_back(std::string(r.json) + std::string(kRecordPadding, '\0'));
    return true;
  }
  void OnError(const InputError& e) override { ADD_FAILURE() << e.message; }
};

TEST(SteadyStateTest, MatchingAllocatesNothingOnceWarm) {
  RuleSetBuilder b;
  b.AddPath(std::string(VIGIL_SOURCE_DIR) + "/rules");
  auto rules = b.Build();
  ASSERT_GT(rules->size(), 60u);
  Collect c;
  ReadInputs({std::string(VIGIL_SOURCE_DIR) + "/examples/logs"}, ReadOptions(), &c);
  ASSERT_EQ(c.events.size(), 2500u);
  Scanner scanner(rules);
  std::vector<Match> out;
  out.reserve(rules->size());
  size_t warm = 0, counted = 0;
  for (const auto& e : c.events) {
    ASSERT_TRUE(scanner.MatchPadded(std::string_view(e.data(), e.size() - kRecordPadding), &out).ok());
    warm += out.size();
  }
  g_allocations = 0;
  g_counting = true;
  for (const auto& e : c.events) {
    (void)scanner.MatchPadded(std::string_view(e.data(), e.size() - kRecordPadding), &out);
    counted += out.size();
  }
  g_counting = false;
  EXPECT_EQ(counted, warm);
  EXPECT_GT(counted, 50u);
  EXPECT_EQ(g_allocations.load(), 0) << "heap allocations while matching 2,500 events a second time";
}

}  // namespace
}  // namespace vigil
