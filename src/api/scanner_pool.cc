// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ScannerPool (include/vigil/scanner.h): an idle list of Scanners behind one mutex.
// The mutex covers only taking and returning a Scanner; a new Scanner is made outside
// it, so a burst of threads does not serialise on making theirs. Tested by
// tests/api/scanner_pool_test.cc.

#include <mutex>
#include <utility>

#include "vigil/scanner.h"

namespace vigil {

ScannerPool::ScannerPool(std::shared_ptr<const RuleSet> rules, size_t max_idle)
    : rules_(std::move(rules)), max_idle_(max_idle) {}

ScannerPool::~ScannerPool() = default;

ScannerPool::Lease ScannerPool::Acquire() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Scanner> scanner = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(scanner));
    }
  }
  return Lease(this, std::make_unique<Scanner>(rules_));
}

size_t ScannerPool::idle() const {
  std::lock_guard<std::mutex> lock(mu_);
  return idle_.size();
}

void ScannerPool::Release(std::unique_ptr<Scanner> scanner) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(scanner));
}  // past max_idle_, `scanner` is freed here, after the lock is released

}  // namespace vigil
