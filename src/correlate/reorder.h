// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The Correlator's reorder buffer: events arrive roughly in time order (CloudTrail
// delivers files minutes apart, and events within a file are not sorted), and are
// processed in event-time order once the watermark (the latest time seen, less
// CorrelatorOptions::lateness_ms) passes them. An event older than the watermark is
// late: counted, not used. Internal to src/correlate/.
#pragma once

#include <algorithm>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "correlate/state.h"

namespace vigil::internal {

// An event held in the buffer. Pendings live in a pool and are used again once
// processed: their vectors and strings keep their capacity, so that an event costs no
// allocation for what it brings (most events of a scan feed some correlation).
struct Pending {
  Ref ref;
  std::vector<Contribution> contributions;  // the first `used` are this event's
  size_t used = 0;
  size_t pooled = 0;  // free: the bytes its strings keep (ReorderBuffer::pooled_bytes_)
};

class ReorderBuffer {
 public:
  explicit ReorderBuffer(int64_t lateness_ms) : lateness_ms_(lateness_ms) {}

  // True (and counted) when an event at `t` comes after the watermark passed it.
  bool Late(int64_t t) {
    if (!seen_ || t >= Watermark()) return false;
    ++late_;
    return true;
  }
  // A free Pending of the pool, its contributions unused (their capacity kept).
  uint32_t NewSlot();
  Pending& at(uint32_t slot) { return pool_[slot]; }
  // Returns an unqueued slot to the pool.
  void FreeSlot(uint32_t slot);
  // Queues the event in `slot` at time `t`.
  void Queue(uint32_t slot, int64_t t, const std::string& file, uint64_t record);

  // Processes, in order, every event the watermark has passed (every event when `all`):
  // process(int64_t time, Pending&).
  template <typename F>
  void Release(bool all, F&& process) {
    const int64_t watermark = Watermark();
    while (!buffer_.empty()) {
      if (!all && buffer_.front().time >= watermark) break;
      ProcessEarliest(process);
    }
  }
  // Keeps at most `most` events queued by processing the earliest ones now. They are
  // still processed in time order, so this only makes later, older events late: the
  // watermark never goes back below what was forced out.
  template <typename F>
  void Bound(size_t most, F&& process) {
    while (buffer_.size() > most) {
      forced_floor_ = std::max(forced_floor_, buffer_.front().time);
      ++early_;
      ProcessEarliest(process);
    }
  }

  size_t size() const { return buffer_.size(); }
  uint64_t late() const { return late_; }
  uint64_t early() const { return early_; }

 private:
  // The buffer's entry for a pooled Pending: what its order reads, in a few words that a
  // heap moves cheaply.
  struct Queued {
    int64_t time = 0;
    const std::string* file = nullptr;  // the Pending's ref.file, alive while it is queued
    uint64_t record = 0;
    uint64_t seq = 0;   // arrival
    uint32_t slot = 0;  // in pool_
  };
  // The order: time, then file name, record and arrival (a total order: arrival is
  // unique). Events of one file share the name's string, so most ties are decided
  // without comparing names. "Later" is what a min-heap needs.
  struct Later {
    bool operator()(const Queued& a, const Queued& b) const {
      if (a.time != b.time) return a.time > b.time;
      if (a.file != b.file) {
        const int c = a.file->compare(*b.file);
        if (c != 0) return c > 0;
      }
      if (a.record != b.record) return a.record > b.record;
      return a.seq > b.seq;
    }
  };

  int64_t Watermark() const;
  template <typename F>
  void ProcessEarliest(F& process) {
    std::pop_heap(buffer_.begin(), buffer_.end(), Later());
    const Queued q = buffer_.back();
    buffer_.pop_back();
    process(q.time, pool_[q.slot]);
    FreeSlot(q.slot);
  }

  // How much the free Pendings' strings may keep, in all and each: in a stream in order
  // one is freed as one is taken, but a burst of events out of order can queue up to
  // max_held_events / 2, whose buffers the pool would otherwise keep once they are
  // processed (and a value of megabytes its capacity for good). A bound in bytes, not in
  // Pendings: the generated CloudTrail stream frees thousands at a time, and keeping
  // only 256 made `vigil scan` 7% slower on it.
  static constexpr size_t kPooledBytes = 4 << 20;
  static constexpr size_t kPooledBytesEach = 64 << 10;

  int64_t lateness_ms_;
  // A min-heap in the order of Later (a heap, not a tree: no node to allocate per event;
  // only its earliest event is ever taken out) of the Pendings in pool_ that are
  // queued; free_slots_ are the others.
  std::vector<Queued> buffer_;
  std::vector<Pending> pool_;
  std::vector<uint32_t> free_slots_;
  size_t pooled_bytes_ = 0;  // of the free Pendings' strings (Pending::pooled)
  std::shared_ptr<const std::string> file_name_;  // of the last event queued (Ref::file)
  uint64_t seq_ = 0;
  bool seen_ = false;
  int64_t max_time_ = std::numeric_limits<int64_t>::min();
  // The memory bound (Bound): a floor the watermark never goes below once an event was
  // processed early.
  int64_t forced_floor_ = std::numeric_limits<int64_t>::min();
  uint64_t late_ = 0;
  uint64_t early_ = 0;
};

}  // namespace vigil::internal
