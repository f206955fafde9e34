// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The windows of the correlation types that count or aggregate events (event_count,
// value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile,
// value_median), per correlation and group, fed in event-time order by the Correlator.
// Sliding (eager) windows are checked at each event and swept as time advances;
// anchored ones close `timespan` after their first event. Semantics:
// include/vigil/correlation.h. Internal to src/correlate/.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "correlate/state.h"
#include "util/seeded_hash.h"
#include "vigil/ruleset.h"

namespace vigil::internal {

class Windows {
 public:
  // `rules` and `sink` must outlive the Windows.
  Windows(const RuleSet& rules, AlertSink* sink);

  // One event (or chained alert) at time `t` for one correlation (not first_seen).
  // `con`'s value is moved from.
  void Apply(Contribution& con, int64_t t, const Ref& ref,
             const std::shared_ptr<const std::vector<EventRef>>& more);
  // Closes the anchored windows that end before `t` (all of them: Flush).
  void CloseBefore(int64_t t);
  void CloseAll() { CloseBefore(std::numeric_limits<int64_t>::max()); }
  // Drops sliding-window state no event at or after `now` can be in, at most once per
  // shortest timespan (a full walk).
  void MaybeSweep(int64_t now);
  // Halves every window (CorrelatorOptions::max_held_events); counted in evicted().
  void Shed();

  size_t held() const { return held_; }  // events in window state (approximate for chains)
  uint64_t evicted() const { return evicted_; }

 private:
  struct Chain {
    int64_t start = 0;
    std::vector<Entry> events;
  };
  struct GroupState {
    std::vector<OptString> group;
    std::deque<Entry> entries;
    // value_count: how many of `entries` hold each value, kept as entries come and go,
    // so the distinct count of a sliding window is one size() and not a walk of the
    // whole window (a set of every value) for each event that enters it.
    std::unordered_map<std::string, uint32_t, SeededStringHash, std::equal_to<>> value_counts;
    std::optional<int64_t> anchor;             // anchored windows: start of the open window
    std::vector<std::optional<Chain>> chains;  // temporal_ordered
  };

  void ApplyTemporal(const CorrelationRule& rule, uint32_t c, GroupState& g, Entry& entry,
                     const std::vector<uint32_t>& positions, int64_t t);
  void ApplyOrdered(const CorrelationRule& rule, uint32_t c, GroupState& g, Entry& entry,
                    const std::vector<uint32_t>& positions, int64_t t);
  // The aggregate of a window; false when it has no value (no numeric values).
  bool Aggregate(const CorrelationRule& rule, const GroupState& g, double* out);
  static bool Holds(const CorrelationRule& rule, double v);
  void Emit(uint32_t c, const GroupState& g, double value, std::vector<Entry> events, int64_t now);
  void CloseWindow(uint32_t c, const std::string& key, int64_t now);
  // value_percentile's rarity reading: every distinct value whose share (percent) of the
  // window's values meets the condition, in value order.
  void EmitRare(uint32_t c, const GroupState& g, int64_t now);
  void Push(const CorrelationRule& rule, GroupState& g, Entry entry);
  // Removes a window's oldest entry, keeping value_count's tally and held_ in step.
  void DropOldest(const CorrelationRule& rule, GroupState& g);
  void Evict(const CorrelationRule& rule, GroupState& g, int64_t now);
  void Clear(GroupState& g);
  static bool Empty(const GroupState& g);

  const RuleSet& rules_;
  AlertSink* sink_;
  // Per correlation, by group key. Hashed: keys are mostly ARNs, whose long common
  // prefixes made every comparison of an ordered map a long memcmp.
  std::vector<std::unordered_map<std::string, GroupState, SeededStringHash, std::equal_to<>>>
      groups_;
  std::set<std::tuple<int64_t, uint32_t, std::string>> closing_;  // anchored window ends
  size_t held_ = 0;
  uint64_t evicted_ = 0;
  int64_t last_sweep_ = std::numeric_limits<int64_t>::min();
  int64_t sweep_every_ = 60 * 1000;
  std::vector<uint32_t> distinct_scratch_;  // ApplyTemporal's
};

}  // namespace vigil::internal
