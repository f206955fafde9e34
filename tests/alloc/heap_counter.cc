// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The replaced global operator new/delete behind heap_counter.h. Sizes come from
// malloc_usable_size, so an unsized delete is counted exactly too.

#include "alloc/heap_counter.h"

#include <malloc.h>

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
std::atomic<bool> g_counting{false};
std::atomic<long> g_allocations{0};
std::atomic<long> g_bytes{0};
std::atomic<long> g_peak{0};

void Allocated(void* p) {
  if (!g_counting.load(std::memory_order_relaxed)) return;
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  const long now = g_bytes.fetch_add(static_cast<long>(malloc_usable_size(p)), std::memory_order_relaxed) +
                   static_cast<long>(malloc_usable_size(p));
  long peak = g_peak.load(std::memory_order_relaxed);
  while (now > peak && !g_peak.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
  }
}

void Freed(void* p) {
  if (p != nullptr && g_counting.load(std::memory_order_relaxed)) {
    g_bytes.fetch_sub(static_cast<long>(malloc_usable_size(p)), std::memory_order_relaxed);
  }
}
}  // namespace

namespace vigil::testing {
void StartHeapCounting() {
  g_allocations = 0;
  g_bytes = 0;
  g_peak = 0;
  g_counting = true;
}
void StopHeapCounting() { g_counting = false; }
long HeapAllocations() { return g_allocations.load(); }
long HeapBytesInUse() { return g_bytes.load(); }
long HeapPeakBytes() { return g_peak.load(); }
}  // namespace vigil::testing

// GCC sees through the replacement and flags free() of new'd memory; here both sides
// are malloc/free by construction.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

void* operator new(std::size_t n) {
  if (void* p = std::malloc(n == 0 ? 1 : n)) {
    Allocated(p);
    return p;
  }
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept {
  Freed(p);
  std::free(p);
}
void operator delete[](void* p) noexcept { operator delete(p); }
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }
void operator delete[](void* p, std::size_t) noexcept { operator delete(p); }
