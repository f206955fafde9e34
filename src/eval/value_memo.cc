// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0

#include "eval/value_memo.h"

#include <cstring>

#include "util/flat_map.h"

namespace vigil::internal {
namespace {

uint64_t Mix(uint64_t k) {
  k ^= k >> 33;
  k *= 0xff51afd7ed558ccdull;
  k ^= k >> 33;
  k *= 0xc4ceb9fe1a85ec53ull;
  return k ^ (k >> 33);
}

}  // namespace

void ValueMemo::Clear() {
  for (ValueSlot& s : values_) s = ValueSlot{};
  std::fill(results_.begin(), results_.end(), 0);
  arena_.clear();
  value_count_ = 0;
  result_count_ = 0;
  for (ListSlot& l : lists_) l = ListSlot{};
  list_pool_.clear();
  list_count_ = 0;
}

void ValueMemo::Trim() {
  if (value_count_ * 2 >= kValueSlots || result_count_ * 2 >= kResultSlots ||
      arena_.size() * 2 >= kArenaBytes || list_count_ * 2 >= kListSlots ||
      list_pool_.size() * 2 >= kListPoolIds) {
    Clear();
  }
}

uint32_t ValueMemo::Intern(std::string_view text) {
  if (text.size() > kMaxValueBytes) return kNone;
  if (values_.empty()) {
    values_.resize(kValueSlots);
    results_.assign(kResultSlots, 0);
    arena_.reserve(kArenaBytes);
  }
  const uint64_t h = HashString(text);
  size_t i = h & (kValueSlots - 1);
  for (int probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kValueSlots - 1)) {
    ValueSlot& s = values_[i];
    if (s.offset == UINT32_MAX) {
      // Within one event the tables may pass half full (Trim runs between events), but
      // never full: a value that does not fit is simply not kept.
      if (value_count_ + 1 >= kValueSlots * 3 / 4 || arena_.size() + text.size() > kArenaBytes)
        return kNone;
      s.hash = h;
      s.offset = static_cast<uint32_t>(arena_.size());
      s.length = static_cast<uint32_t>(text.size());
      arena_.append(text);
      ++value_count_;
      return static_cast<uint32_t>(i);
    }
    if (s.hash == h && s.length == text.size() &&
        (text.empty() || std::memcmp(arena_.data() + s.offset, text.data(), text.size()) == 0)) {
      return static_cast<uint32_t>(i);
    }
  }
  return kNone;
}

int ValueMemo::Find(uint32_t value, uint32_t pred) const {
  if (value == kNone || results_.empty()) return -1;
  const uint64_t key = ResultKey(value, pred);
  size_t i = Mix(key) & (kResultSlots - 1);
  for (int probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kResultSlots - 1)) {
    const uint64_t e = results_[i];
    if (e == 0) return -1;
    if ((e >> 1) == key) return static_cast<int>(e & 1);
  }
  return -1;
}

void ValueMemo::Put(uint32_t value, uint32_t pred, bool result) {
  if (value == kNone || results_.empty() || result_count_ + 1 >= kResultSlots * 3 / 4) return;
  const uint64_t key = ResultKey(value, pred);
  size_t i = Mix(key) & (kResultSlots - 1);
  for (int probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kResultSlots - 1)) {
    uint64_t& e = results_[i];
    if (e == 0) {
      e = key << 1 | (result ? 1 : 0);
      ++result_count_;
      return;
    }
    if ((e >> 1) == key) return;
  }
}

bool ValueMemo::FindList(uint32_t value, uint32_t key,
                         std::basic_string_view<uint32_t>* ids) const {
  if (value == kNone || lists_.empty()) return false;
  const uint64_t k = ResultKey(value, key) + 1;
  size_t i = Mix(k) & (kListSlots - 1);
  for (int probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kListSlots - 1)) {
    const ListSlot& l = lists_[i];
    if (l.key == 0) return false;
    if (l.key == k) {
      *ids = std::basic_string_view<uint32_t>(list_pool_.data() + l.offset, l.count);
      return true;
    }
  }
  return false;
}

void ValueMemo::PutList(uint32_t value, uint32_t key, const std::vector<uint32_t>& ids) {
  if (value == kNone || list_count_ + 1 >= kListSlots * 3 / 4 ||
      list_pool_.size() + ids.size() > kListPoolIds) {
    return;
  }
  if (lists_.empty()) {  // only evaluators of programs with a RegexSet need them
    lists_.resize(kListSlots);
    list_pool_.reserve(kListPoolIds);
  }
  const uint64_t k = ResultKey(value, key) + 1;
  size_t i = Mix(k) & (kListSlots - 1);
  for (int probe = 0; probe < kMaxProbes; ++probe, i = (i + 1) & (kListSlots - 1)) {
    ListSlot& l = lists_[i];
    if (l.key == k) return;
    if (l.key == 0) {
      l.key = k;
      l.offset = static_cast<uint32_t>(list_pool_.size());
      l.count = static_cast<uint32_t>(ids.size());
      list_pool_.insert(list_pool_.end(), ids.begin(), ids.end());
      ++list_count_;
      return;
    }
  }
}

size_t ValueMemo::MemoryBytes() const {
  return values_.capacity() * sizeof(ValueSlot) + arena_.capacity() +
         results_.capacity() * sizeof(uint64_t) + lists_.capacity() * sizeof(ListSlot) +
         list_pool_.capacity() * sizeof(uint32_t);
}

}  // namespace vigil::internal
