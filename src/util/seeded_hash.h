// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// A string hash for the hash maps whose keys come from events (a correlation's group
// values, the distinct values of a value_count window): anyone who can write to the
// logs chooses those keys. std::hash<std::string> is the same function in every process,
// so a stream of keys built offline to land in one bucket would make each lookup walk
// them all, and a scan crawl. This hash is seeded once per process from std::random_device,
// so which keys collide cannot be worked out in advance. It costs what std::hash did:
// the realistic scan (100,000 records, the pack) took 0.36-0.50 s of CPU with either,
// medians 0.41 and 0.405 s over six alternating runs.
//
// Thread safety: the seed is made once (a function-local static); hashing is pure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <random>
#include <string>
#include <string_view>

namespace vigil::internal {

namespace seeded_hash_detail {

// The 64x64 -> 128-bit product folded to 64 bits: each output bit depends on every bit
// of both inputs.
inline uint64_t Fold(uint64_t a, uint64_t b) {
  const unsigned __int128 p = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(p) ^ static_cast<uint64_t>(p >> 64);
}

inline uint64_t Seed() {
  static const uint64_t seed = [] {
    std::random_device rd;
    return (static_cast<uint64_t>(rd()) << 32 ^ rd()) | 1;
  }();
  return seed;
}

}  // namespace seeded_hash_detail

struct SeededStringHash {
  using is_transparent = void;  // look up by string_view without a copy

  // Not noexcept, on purpose: libstdc++'s unordered_map then keeps each key's hash in its
  // node and compares hashes before strings (it does so for std::hash<std::string>,
  // which it deems slow); without that, a probe of a bucket compared whole ARNs.
  size_t operator()(std::string_view s) const {
    using seeded_hash_detail::Fold;
    constexpr uint64_t k1 = 0x9e3779b97f4a7c15ull, k2 = 0xd6e8feb86659fd93ull;
    const uint64_t seed = seeded_hash_detail::Seed();
    const char* p = s.data();
    size_t n = s.size();
    uint64_t h = Fold(seed ^ k1, n + k2);
    while (n >= 8) {
      uint64_t w;
      std::memcpy(&w, p, 8);
      h = Fold(h ^ w, seed ^ k2);
      p += 8;
      n -= 8;
    }
    uint64_t tail = 0;
    std::memcpy(&tail, p, n);
    return static_cast<size_t>(Fold(h ^ tail ^ (uint64_t{n} << 56), seed ^ k1));
  }
  size_t operator()(const std::string& s) const { return (*this)(std::string_view(s)); }
};

}  // namespace vigil::internal
