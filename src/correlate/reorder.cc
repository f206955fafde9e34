// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The Correlator's reorder buffer (reorder.h).
#include "correlate/reorder.h"

namespace vigil::internal {

int64_t ReorderBuffer::Watermark() const {
  if (!seen_) return std::numeric_limits<int64_t>::min();
  if (max_time_ < std::numeric_limits<int64_t>::min() + lateness_ms_) return forced_floor_;
  return std::max(max_time_ - lateness_ms_, forced_floor_);
}

uint32_t ReorderBuffer::NewSlot() {
  if (free_slots_.empty()) {
    pool_.emplace_back();
    return static_cast<uint32_t>(pool_.size() - 1);
  }
  const uint32_t slot = free_slots_.back();
  free_slots_.pop_back();
  pooled_bytes_ -= pool_[slot].pooled;
  pool_[slot].pooled = 0;
  return slot;
}

void ReorderBuffer::FreeSlot(uint32_t slot) {
  Pending& p = pool_[slot];
  p.ref.file.reset();  // a file name is held only as long as an event of it
  p.used = 0;
  size_t bytes = 0;
  for (const Contribution& con : p.contributions) {
    bytes += con.key.capacity() + (con.value ? con.value->capacity() : 0);
    for (const auto& v : con.group) bytes += v ? v->capacity() : 0;
    for (const auto& v : con.values) bytes += v.capacity();
  }
  if (bytes > kPooledBytesEach || pooled_bytes_ + bytes > kPooledBytes) {
    p.contributions = std::vector<Contribution>();
    bytes = 0;
  }
  p.pooled = bytes;
  pooled_bytes_ += bytes;
  free_slots_.push_back(slot);
}

void ReorderBuffer::Queue(uint32_t slot, int64_t t, const std::string& file, uint64_t record) {
  if (!file_name_ || *file_name_ != file) file_name_ = std::make_shared<const std::string>(file);
  Pending& p = pool_[slot];
  p.ref = Ref{file_name_, record};
  seen_ = true;
  max_time_ = std::max(max_time_, t);
  buffer_.push_back(Queued{t, p.ref.file.get(), record, seq_++, slot});
  std::push_heap(buffer_.begin(), buffer_.end(), Later());
}

}  // namespace vigil::internal
