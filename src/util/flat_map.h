// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// FlatStringMap: a string-keyed hash map built once (when a rule set is compiled) and
// then only read, on the hottest path of matching: every key of every event object
// the walk enters, and every value of every field a rule reads, is looked up in one.
//
// Why not std::unordered_map<std::string, V>: each lookup hashed the whole string with
// std::hash (Murmur, out of line), chased a bucket list, and compared with memcmp; the
// profile of a scan of the bundled pack showed 20% of the time there. Here the table
// is open-addressed (linear probing, load factor <= 1/2), slots keep the full 64-bit
// hash so a probe compares one integer before any bytes, keys live in one arena, and
// the hash reads at most two 8-byte words for the short strings CloudTrail is made
// of (keys, eventName and eventSource values) and 8 bytes a round beyond that.
//
// Thread safety: const methods may run concurrently; building is single-threaded.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::internal {

namespace flat_map_detail {

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint64_t Load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

}  // namespace flat_map_detail

inline uint64_t HashString(std::string_view s) {
  using namespace flat_map_detail;
  constexpr uint64_t k1 = 0x9e3779b97f4a7c15ull, k2 = 0xc2b2ae3d27d4eb4full;
  const char* p = s.data();
  const size_t n = s.size();
  uint64_t a, b;
  if (n >= 8) {
    a = Load64(p);
    b = Load64(p + n - 8);
    // Longer strings: fold in the middle, 8 bytes at a time (values, rarely keys).
    for (size_t i = 8; i + 8 < n; i += 8) a = (a ^ Load64(p + i)) * k1 + (a >> 29);
  } else if (n >= 4) {
    a = Load32(p);
    b = Load32(p + n - 4);
  } else {
    a = n ? static_cast<uint8_t>(p[0]) |
                (static_cast<uint64_t>(static_cast<uint8_t>(p[n >> 1])) << 8) |
                (static_cast<uint64_t>(static_cast<uint8_t>(p[n - 1])) << 16)
          : 0;
    b = 0;
  }
  // Two multiplications and a fold of the high half: plenty for tables of a few
  // hundred keys with linear probing, and a handful of instructions.
  uint64_t h = (a * k1) ^ (b * k2) ^ (n * k1);
  h ^= h >> 32;
  h *= k2;
  return h ^ (h >> 29);
}

template <typename V>
class FlatStringMap {
 public:
  // Inserts `key` (default-constructed value) if absent; returns its value. The
  // reference is valid until the next insertion.
  V& operator[](std::string_view key) {
    if ((count_ + 1) * 2 > slots_.size()) Grow();
    const uint64_t h = HashString(key);
    size_t i = h & mask_;
    while (slots_[i].len != kEmpty) {
      if (slots_[i].hash == h && Key(slots_[i]) == key) return values_[slots_[i].value];
      i = (i + 1) & mask_;
    }
    slots_[i] = {h, static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(key.size()),
                 static_cast<uint32_t>(values_.size())};
    lengths_ |= LengthBit(key.size());
    keys_.append(key);
    values_.emplace_back();
    ++count_;
    return values_.back();
  }

  const V* find(std::string_view key) const {
    if (!MayHaveLength(key.size())) return nullptr;
    return find(key, HashString(key));
  }

  // False when no key has this length (so no lookup, and no folding for one, is needed).
  bool MayHaveLength(size_t n) const { return (lengths_ & LengthBit(n)) != 0; }

  // With the hash already computed (HashString(key)).
  const V* find(std::string_view key, uint64_t h) const {
    if (count_ == 0) return nullptr;
    size_t i = h & mask_;
    while (slots_[i].len != kEmpty) {
      const Slot& s = slots_[i];
      if (s.hash == h && s.len == key.size() &&
          Equal(keys_.data() + s.offset, key.data(), key.size())) {
        return &values_[s.value];
      }
      i = (i + 1) & mask_;
    }
    return nullptr;
  }

  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }

  // Calls f(key, value) for every entry, in insertion order.
  template <typename F>
  void ForEach(F f) const {
    std::vector<const Slot*> order(count_);
    for (const Slot& s : slots_) {
      if (s.len != kEmpty) order[s.value] = &s;
    }
    for (const Slot* s : order) f(Key(*s), values_[s->value]);
  }

  size_t MemoryBytes() const {
    return slots_.capacity() * sizeof(Slot) + keys_.capacity() + values_.capacity() * sizeof(V);
  }

 private:
  static constexpr uint32_t kEmpty = 0xffffffffu;
  struct Slot {
    uint64_t hash = 0;
    uint32_t offset = 0;
    uint32_t len = kEmpty;
    uint32_t value = 0;
  };

  // Equality of n bytes without a call for the short keys that dominate.
  static bool Equal(const char* a, const char* b, size_t n) {
    using namespace flat_map_detail;
    if (n > 16) return std::memcmp(a, b, n) == 0;
    if (n >= 8) return Load64(a) == Load64(b) && Load64(a + n - 8) == Load64(b + n - 8);
    if (n >= 4) return Load32(a) == Load32(b) && Load32(a + n - 4) == Load32(b + n - 4);
    for (size_t i = 0; i < n; ++i) {
      if (a[i] != b[i]) return false;
    }
    return true;
  }

  static uint64_t LengthBit(size_t n) { return uint64_t{1} << (n < 63 ? n : 63); }

  std::string_view Key(const Slot& s) const {
    return std::string_view(keys_.data() + s.offset, s.len);
  }

  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    const size_t cap = old.empty() ? 8 : old.size() * 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    for (const Slot& s : old) {
      if (s.len == kEmpty) continue;
      size_t i = s.hash & mask_;
      while (slots_[i].len != kEmpty) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }

  std::vector<Slot> slots_;
  std::string keys_;
  std::vector<V> values_;
  size_t count_ = 0;
  uint64_t mask_ = 0;
  uint64_t lengths_ = 0;  // bit min(length, 63) set for every key
};

}  // namespace vigil::internal
