// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The matcher does not allocate per event once warmed up: a Scanner with the bundled
// pack matches the 2,500 sample events twice, and the second pass must make no heap
// allocation at all (counted by replacing the global operator new in this binary).
// Allocation per event is what would make matching slow down with more threads and
// with memory fragmentation; this keeps it out. It is its own test binary
// (vigil_alloc_test) so the replaced operator new affects no other test.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "alloc/heap_counter.h"
#include "vigil/vigil.h"

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
  testing::StartHeapCounting();
  for (const auto& e : c.events) {
    (void)scanner.MatchPadded(std::string_view(e.data(), e.size() - kRecordPadding), &out);
    counted += out.size();
  }
  testing::StopHeapCounting();
  EXPECT_EQ(counted, warm);
  EXPECT_GT(counted, 50u);
  EXPECT_EQ(testing::HeapAllocations(), 0) << "heap allocations while matching 2,500 events a second time";
}

}  // namespace
}  // namespace vigil
