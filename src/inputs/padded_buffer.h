// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// PaddedBuffer: a growable byte buffer that always keeps kRecordPadding readable bytes
// after its contents, so that simdjson can parse any slice of it in place and a
// Record::json pointing into it honours the padding promise of include/vigil/input.h.
// Internal; use include/vigil/input.h instead.
//
// Unlike std::string or std::vector, growing does not value-initialise the new
// capacity: a multi-megabyte read buffer costs an allocation, not a memset.
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>

#include "vigil/input.h"

namespace vigil::internal {

class PaddedBuffer {
 public:
  PaddedBuffer() = default;
  PaddedBuffer(const PaddedBuffer&) = delete;
  PaddedBuffer& operator=(const PaddedBuffer&) = delete;
  PaddedBuffer(PaddedBuffer&&) noexcept = default;
  PaddedBuffer& operator=(PaddedBuffer&&) noexcept = default;

  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  size_t capacity() const { return capacity_; }
  size_t free_space() const { return capacity_ - size_; }
  char* end() { return data_.get() + size_; }

  // Bytes from `p` (inside the buffer) to the end of the allocation, padding included:
  // the `allocated` argument simdjson wants for a slice starting at `p`.
  size_t AllocatedFrom(const char* p) const {
    return static_cast<size_t>(data_.get() + capacity_ + kRecordPadding - p);
  }

  // Makes room for at least `n` bytes of contents, keeping the current contents.
  void Reserve(size_t n) {
    if (n <= capacity_ && data_) return;
    std::unique_ptr<char[]> bigger(new char[n + kRecordPadding]);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = n;
    ZeroPadding();
  }

  // Sets the size after the caller wrote into [data(), data() + n).
  // REQUIRES: n <= capacity().
  void Resize(size_t n) {
    size_ = n;
    ZeroPadding();
  }

  void Clear() { Resize(0); }

  // Drops the first `n` bytes, moving the rest to the front.
  void Consume(size_t n) {
    if (n == 0) return;
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    Resize(size_ - n);
  }

  void Assign(const char* p, size_t n) {
    Reserve(n);
    std::memcpy(data_.get(), p, n);
    Resize(n);
  }

  void swap(PaddedBuffer& o) noexcept {
    std::swap(data_, o.data_);
    std::swap(size_, o.size_);
    std::swap(capacity_, o.capacity_);
  }

 private:
  // The padding is zeroed so that a parser peeking past the end of a document never
  // sees stale JSON there (simdjson inspects the first padding byte in one case,
  // see its issue #1834).
  void ZeroPadding() {
    if (data_) std::memset(data_.get() + size_, 0, kRecordPadding);
  }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

}  // namespace vigil::internal
