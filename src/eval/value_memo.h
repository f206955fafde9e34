// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Results of costly predicates (regex searches, wildcard confirmations) on values seen
// in earlier events. Internal; one per Evaluator, so one per thread.
//
// Audit logs repeat their values: the same principals, roles, user agents and buckets
// come back event after event. A `|re` whose literals occur in every ARN (`arn:aws:`)
// is searched on each of those events, and at thousands of rules hundreds of such
// searches an event make most of the cost. The memo keeps, for each value it has seen
// (compared byte for byte, not by hash alone), the outcome of each predicate tested on
// it, so a repeated value costs a lookup.
//
// It also keeps lists of ids per value (the regexes of a field's RegexSet that have a
// match in the value), in a pool of fixed size.
//
// Bounded: values longer than kMaxValueBytes are not kept; the tables have fixed
// capacities, a lookup probes at most kMaxProbes slots (so hostile values whose hashes
// collide cost a bounded amount, then simply go unremembered), and the memo is emptied
// between events once it is half full (Evaluator calls Trim before each event). What
// it holds is exact: a stale or missing entry only means the predicate runs again.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::internal {

class ValueMemo {
 public:
  static constexpr uint32_t kNone = UINT32_MAX - 1;  // a value the memo does not keep
  static constexpr size_t kMaxValueBytes = 512;
  static constexpr size_t kValueSlots = size_t{1} << 15;
  static constexpr size_t kResultSlots = size_t{1} << 17;
  static constexpr size_t kArenaBytes = size_t{2} << 20;
  static constexpr int kMaxProbes = 16;
  static constexpr size_t kListSlots = size_t{1} << 14;
  static constexpr size_t kListPoolIds = size_t{1} << 16;

  // The id of `text`, kept on first sight; kNone when it is too long or does not fit.
  // Ids stay valid until the next Trim that empties the memo.
  uint32_t Intern(std::string_view text);
  // The remembered outcome of predicate `pred` on value `value`: 0, 1, or -1 if none.
  int Find(uint32_t value, uint32_t pred) const;
  void Put(uint32_t value, uint32_t pred, bool result);
  // A list of ids remembered for `value` under `key` (a field's RegexSet: the atoms of
  // its regexes with a match in the value): true and *ids set when known. The span
  // stays valid until the next PutList or Trim.
  bool FindList(uint32_t value, uint32_t key, std::basic_string_view<uint32_t>* ids) const;
  void PutList(uint32_t value, uint32_t key, const std::vector<uint32_t>& ids);
  // Between events: empties the memo when a table is half full or the arena is.
  void Trim();

  size_t MemoryBytes() const;

 private:
  struct ValueSlot {
    uint64_t hash = 0;
    uint32_t offset = UINT32_MAX;  // in arena_; UINT32_MAX: empty
    uint32_t length = 0;
  };
  static uint64_t ResultKey(uint32_t value, uint32_t pred) {
    return (static_cast<uint64_t>(value + 1) << 32) | pred;
  }
  void Clear();

  std::vector<ValueSlot> values_;  // allocated on first use
  std::string arena_;
  size_t value_count_ = 0;
  // Key (ResultKey) << 1 | outcome, 0 when empty (a key is never 0: value + 1 > 0).
  std::vector<uint64_t> results_;
  size_t result_count_ = 0;
  struct ListSlot {
    uint64_t key = 0;  // ResultKey + 1; 0: empty
    uint32_t offset = 0;
    uint32_t count = 0;
  };
  std::vector<ListSlot> lists_;
  std::vector<uint32_t> list_pool_;
  size_t list_count_ = 0;
};

}  // namespace vigil::internal
