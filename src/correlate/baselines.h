// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// first_seen: what each first_seen rule has learned (values, or combinations of values,
// per group, with when each was first and last seen), the alert when a value is new
// after the learning period, aging past the retention, and the saved baseline file
// (format in include/vigil/correlation.h: JSON lines with a header and an end line that
// proves the file whole). Learned values are kept within a byte budget, so that what is
// saved can be loaded again (CorrelatorOptions::max_baseline_bytes). Internal to
// src/correlate/.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "correlate/state.h"
#include "vigil/ruleset.h"
#include "vigil/status.h"

namespace vigil::internal {

class Baselines {
 public:
  // `rules` and `sink` must outlive the Baselines; `max_bytes`: the saved file's bound.
  Baselines(const RuleSet& rules, AlertSink* sink, uint64_t max_bytes);

  // Time moves to `t` (events come in time order): values past their retention are
  // forgotten, at most once an hour (a full walk).
  void Advance(int64_t t);
  // An event (or chained alert) at `t` for first_seen correlation con.corr: learns its
  // values and alerts when they are new after the learning period.
  void Apply(const Contribution& con, int64_t t, const Ref& ref,
             const std::shared_ptr<const std::vector<EventRef>>& more);

  std::string Serialize();
  // Merges a saved baseline into what is known. `origin` names it in errors.
  Status Restore(std::string_view text, const std::string& origin);
  // Reads a baseline file within max_bytes (a missing file is nothing learned yet).
  Status Load(const std::string& path);

  size_t known_values() const { return known_values_; }
  uint64_t unlearned() const { return unlearned_; }

 private:
  // One learned value (or combination) of one group.
  struct Known {
    std::vector<OptString> group;
    std::vector<std::string> value;
    int64_t first = 0;
    int64_t last = 0;
    size_t bytes = 0;  // of its line in a saved baseline (learned_bytes_)
  };
  // Everything one rule has learned, keyed by rule id (title without one).
  struct Baseline {
    std::optional<int64_t> learning_since;
    int64_t retention_ms = 0;
    std::map<std::string, Known> entries;     // EntryKeyInto
    std::map<std::string, size_t> per_group;  // group key -> entries
  };

  // Learns a fresh value when it fits the budget; false when it does not.
  bool Learn(Baseline& b, const std::string& rule_key, const std::string& key,
             const Contribution& con, int64_t t);
  void Age(int64_t now);
  // The line of one learned value in a saved baseline, without its newline.
  static void AppendKnownLine(const std::string& rule, const Known& k, std::string* out);

  const RuleSet& rules_;
  AlertSink* sink_;
  uint64_t max_bytes_;
  std::map<std::string, Baseline> baselines_;  // by rule key
  std::vector<Baseline*> baseline_of_;         // [c] for first_seen correlation c
  size_t known_values_ = 0;
  uint64_t unlearned_ = 0;
  // Bytes the learned values take in a saved baseline (their lines), kept within
  // learned_budget_.
  uint64_t learned_bytes_ = 0;
  uint64_t learned_budget_ = 0;
  int64_t latest_ = std::numeric_limits<int64_t>::min();  // latest event time processed
  int64_t last_age_ = std::numeric_limits<int64_t>::min();
  static constexpr int64_t kAgeEvery = 60 * 60 * 1000;  // aging is a full walk: hourly
  std::string key_;  // Apply's, reused: most values are known already
};

}  // namespace vigil::internal
