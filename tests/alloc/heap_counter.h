// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Heap accounting for vigil_alloc_test: heap_counter.cc replaces the global operator
// new and delete of that binary (and only of it), so its tests can count allocations
// and bytes in use. What C libraries allocate with malloc (libyaml's per-event buffers,
// PCRE2) is not seen.
#pragma once

#include <cstddef>

namespace vigil::testing {

// Resets the counters and starts counting (from any thread).
void StartHeapCounting();
void StopHeapCounting();

// Since StartHeapCounting: allocations made, bytes allocated and not yet freed (may be
// negative when memory allocated before is freed), and the highest that reached.
long HeapAllocations();
long HeapBytesInUse();
long HeapPeakBytes();

}  // namespace vigil::testing
