// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ScannerPool (include/vigil/scanner.h): a lease is a working Scanner on the pool's
// rules; one thread keeps getting the same warm Scanner back; threads matching at once
// each get their own; past max_idle a returned Scanner is freed. Run under
// ThreadSanitizer by scripts/test.

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <utility>
#include <vector>

#include "vigil/vigil.h"

namespace vigil {
namespace {

constexpr char kEvent[] = R"({"eventName":"StopLogging"})";

std::shared_ptr<const RuleSet> Rules() {
  RuleSetBuilder b;
  b.AddYaml("title: Stop\ndetection: {s: {eventName: StopLogging}, condition: s}\n");
  return b.Build();
}

TEST(ScannerPoolTest, OneThreadReusesOneScanner) {
  ScannerPool pool(Rules());
  EXPECT_EQ(pool.idle(), 0u);
  Scanner* first = nullptr;
  {
    ScannerPool::Lease lease = pool.Acquire();
    first = &*lease;
    std::vector<Match> out;
    ASSERT_TRUE(lease->Match(kEvent, &out).ok());
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].rule->title, "Stop");
    EXPECT_EQ(&lease->rules(), pool.rules().get());
    EXPECT_EQ(pool.idle(), 0u);
  }
  EXPECT_EQ(pool.idle(), 1u);
  ScannerPool::Lease again = pool.Acquire();
  EXPECT_EQ(&*again, first);
  // A moved lease gives its Scanner back once.
  ScannerPool::Lease moved = std::move(again);
  ScannerPool::Lease other = pool.Acquire();  // none idle: a new one
  EXPECT_NE(&*other, first);
  other = std::move(moved);  // the new one goes back; `first` stays leased
  EXPECT_EQ(pool.idle(), 1u);
  EXPECT_EQ(&*other, first);
}

TEST(ScannerPoolTest, ConcurrentLeasesAreDistinctAndIdleIsBounded) {
  ScannerPool pool(Rules(), 2);
  constexpr int kThreads = 4;
  std::vector<ScannerPool::Lease> held;
  std::set<Scanner*> distinct;
  for (int i = 0; i < kThreads; ++i) {
    held.push_back(pool.Acquire());
    distinct.insert(&*held.back());
  }
  EXPECT_EQ(distinct.size(), size_t{kThreads});
  held.clear();
  EXPECT_EQ(pool.idle(), 2u);  // max_idle: the other two were freed

  std::atomic<int> matched{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      std::vector<Match> out;
      for (int i = 0; i < 200; ++i) {
        ScannerPool::Lease lease = pool.Acquire();
        if (lease->Match(kEvent, &out).ok() && out.size() == 1) matched.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(matched.load(), kThreads * 200);
  EXPECT_GE(pool.idle(), 1u);
  EXPECT_LE(pool.idle(), 2u);
}

}  // namespace
}  // namespace vigil
