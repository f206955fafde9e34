// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Bit counting that stays inline on the baseline x86-64 the packages target: without
// -mpopcnt, std::popcount is a call into libgcc, which costs more than this in the
// loops that use it (the evaluator's fieldref rows).

#ifndef VIGIL_UTIL_BITS_H_
#define VIGIL_UTIL_BITS_H_

#include <bit>
#include <cstdint>

namespace vigil::internal {

inline uint32_t PopCount(uint64_t x) {
#if defined(__POPCNT__) || !defined(__x86_64__)
  return static_cast<uint32_t>(std::popcount(x));
#else
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<uint32_t>((x * 0x0101010101010101ull) >> 56);
#endif
}

}  // namespace vigil::internal

#endif  // VIGIL_UTIL_BITS_H_
