// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Correlation windows (windows.h).
#include "correlate/windows.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <string_view>

namespace vigil::internal {

Windows::Windows(const RuleSet& rules, AlertSink* sink) : rules_(rules), sink_(sink) {
  groups_.resize(rules.correlation_count());
  int64_t min_span = std::numeric_limits<int64_t>::max();
  for (uint32_t c = 0; c < rules.correlation_count(); ++c) {
    const CorrelationRule& r = rules.correlation(c);
    // A first_seen timespan is a retention, not a window: it sets no sweep cadence.
    if (r.type != CorrelationType::kFirstSeen) min_span = std::min(min_span, r.timespan_ms);
  }
  if (min_span != std::numeric_limits<int64_t>::max())
    sweep_every_ = std::max<int64_t>(min_span, 1000);
}

bool Windows::Empty(const GroupState& g) {
  return g.entries.empty() && std::none_of(g.chains.begin(), g.chains.end(),
                                           [](const auto& ch) { return ch.has_value(); });
}

void Windows::Apply(Contribution& con, int64_t t, const Ref& ref,
                    const std::shared_ptr<const std::vector<EventRef>>& more) {
  const uint32_t c = con.corr;
  const CorrelationRule& rule = rules_.correlation(c);
  auto [it, fresh] = groups_[c].try_emplace(con.key);
  GroupState& g = it->second;
  if (fresh) g.group = con.group;  // a copy: con's buffers are used again
  Entry entry{t, ref, std::move(con.value), 0, more};
  switch (rule.type) {
    case CorrelationType::kTemporal:
      ApplyTemporal(rule, c, g, entry, con.positions, t);
      break;
    case CorrelationType::kTemporalOrdered:
      ApplyOrdered(rule, c, g, entry, con.positions, t);
      break;
    default:
      if (rule.eager) {
        Evict(rule, g, t);
        Push(rule, g, std::move(entry));
        double v = 0;
        if (Aggregate(rule, g, &v) && Holds(rule, v)) {
          Emit(c, g, v, std::vector<Entry>(g.entries.begin(), g.entries.end()), t);
          Clear(g);
        }
      } else {
        if (!g.anchor) {
          g.anchor = t;
          closing_.emplace(t + rule.timespan_ms, c, con.key);
        }
        Push(rule, g, std::move(entry));
      }
      break;
  }
  if (rule.eager && Empty(g)) groups_[c].erase(it);
}

void Windows::ApplyTemporal(const CorrelationRule& rule, uint32_t c, GroupState& g, Entry& entry,
                            const std::vector<uint32_t>& positions, int64_t t) {
  Evict(rule, g, t);
  for (uint32_t pos : positions) {
    entry.position = pos;
    g.entries.push_back(entry);
    ++held_;
  }
  // How many of the rule's positions the window holds.
  std::vector<uint32_t>& seen = distinct_scratch_;
  seen.assign(rule.rules.size(), 0);
  size_t distinct = 0;
  for (const auto& e : g.entries) {
    if (e.position < seen.size() && seen[e.position]++ == 0) ++distinct;
  }
  const double n = static_cast<double>(distinct);
  const bool hit = rule.condition.empty() ? distinct == rule.rules.size() : Holds(rule, n);
  if (hit) {
    Emit(c, g, n, std::vector<Entry>(g.entries.begin(), g.entries.end()), t);
    Clear(g);
  }
}

void Windows::ApplyOrdered(const CorrelationRule& rule, uint32_t c, GroupState& g, Entry& entry,
                           const std::vector<uint32_t>& positions, int64_t t) {
  Evict(rule, g, t);
  const size_t n = rule.rules.size();
  g.chains.resize(n);
  bool done = false;
  std::vector<uint32_t> pos = positions;
  std::sort(pos.rbegin(), pos.rend());
  for (uint32_t k : pos) {
    entry.position = k;
    std::optional<Chain> cand;
    if (k == 0) {
      cand = Chain{t, {entry}};
    } else if (g.chains[k - 1] && t - g.chains[k - 1]->start <= rule.timespan_ms) {
      cand = *g.chains[k - 1];
      cand->events.push_back(entry);
    }
    if (!cand) continue;
    if (!g.chains[k] || g.chains[k]->start <= cand->start) {
      if (g.chains[k]) held_ -= g.chains[k]->events.size();
      held_ += cand->events.size();
      g.chains[k] = std::move(cand);
    }
    if (k + 1 == n) done = true;
  }
  if (done) {
    Emit(c, g, static_cast<double>(n), g.chains[n - 1]->events, t);
    Clear(g);
  }
}

bool Windows::Aggregate(const CorrelationRule& rule, const GroupState& g, double* out) {
  const std::deque<Entry>& entries = g.entries;
  switch (rule.type) {
    case CorrelationType::kEventCount: *out = static_cast<double>(entries.size()); return true;
    case CorrelationType::kValueCount:
      *out = static_cast<double>(g.value_counts.size());
      return true;
    default: break;
  }
  std::vector<double> xs;
  for (const auto& e : entries) {
    double x;
    if (Number(e.value, &x)) xs.push_back(x);
  }
  if (xs.empty()) return false;
  double sum = 0;
  for (double x : xs) sum += x;
  if (rule.type == CorrelationType::kValueSum) {
    *out = sum;
    return true;
  }
  if (rule.type == CorrelationType::kValueAvg) {
    *out = sum / static_cast<double>(xs.size());
    return true;
  }
  // Percentile with linear interpolation between closest ranks (numpy's default).
  const double p =
      rule.type == CorrelationType::kValueMedian ? 50 : std::clamp(rule.percentile, 0.0, 100.0);
  std::sort(xs.begin(), xs.end());
  const double rank = p / 100 * static_cast<double>(xs.size() - 1);
  const size_t lo = static_cast<size_t>(std::floor(rank));
  const size_t hi = std::min(lo + 1, xs.size() - 1);
  *out = xs[lo] + (xs[hi] - xs[lo]) * (rank - static_cast<double>(lo));
  return true;
}

bool Windows::Holds(const CorrelationRule& rule, double v) {
  for (const auto& c : rule.condition) {
    if (!c.Holds(v)) return false;
  }
  return true;
}

void Windows::Emit(uint32_t c, const GroupState& g, double value, std::vector<Entry> events,
                   int64_t now) {
  sink_->Emit(c, g.group, value, std::move(events), now, {});
}

void Windows::CloseBefore(int64_t t) {
  while (!closing_.empty() && std::get<0>(*closing_.begin()) < t) {
    auto [end, c, key] = *closing_.begin();
    closing_.erase(closing_.begin());
    CloseWindow(c, key, end);
  }
}

void Windows::CloseWindow(uint32_t c, const std::string& key, int64_t now) {
  auto it = groups_[c].find(key);
  if (it == groups_[c].end()) return;
  GroupState& g = it->second;
  const CorrelationRule& rule = rules_.correlation(c);
  double v = 0;
  if (rule.rarity) {
    EmitRare(c, g, now);
  } else if (Aggregate(rule, g, &v) && Holds(rule, v)) {
    Emit(c, g, v, std::vector<Entry>(g.entries.begin(), g.entries.end()), now);
  }
  held_ -= g.entries.size();
  groups_[c].erase(it);
}

void Windows::EmitRare(uint32_t c, const GroupState& g, int64_t now) {
  const CorrelationRule& rule = rules_.correlation(c);
  std::map<std::string_view, std::vector<Entry>> by_value;
  size_t total = 0;
  for (const auto& e : g.entries) {
    if (!e.value) continue;
    by_value[*e.value].push_back(e);
    ++total;
  }
  for (auto& [value, events] : by_value) {
    const double share = 100.0 * static_cast<double>(events.size()) / static_cast<double>(total);
    if (!Holds(rule, share)) continue;
    sink_->Emit(c, g.group, share, std::move(events), now,
                Subject{{rule.field, std::string(value)}});
  }
}

void Windows::Push(const CorrelationRule& rule, GroupState& g, Entry entry) {
  if (rule.type == CorrelationType::kValueCount && entry.value) ++g.value_counts[*entry.value];
  g.entries.push_back(std::move(entry));
  ++held_;
}

void Windows::DropOldest(const CorrelationRule& rule, GroupState& g) {
  const OptString& value = g.entries.front().value;
  if (rule.type == CorrelationType::kValueCount && value) {
    auto it = g.value_counts.find(*value);
    if (--it->second == 0) g.value_counts.erase(it);
  }
  g.entries.pop_front();
  --held_;
}

void Windows::Evict(const CorrelationRule& rule, GroupState& g, int64_t now) {
  const int64_t limit = now - rule.timespan_ms;
  while (!g.entries.empty() && g.entries.front().time < limit) DropOldest(rule, g);
  for (auto& ch : g.chains) {
    if (ch && ch->start < limit) {
      held_ -= ch->events.size();
      ch.reset();
    }
  }
}

void Windows::Clear(GroupState& g) {
  held_ -= g.entries.size();
  g.entries.clear();
  g.value_counts.clear();
  for (auto& ch : g.chains) {
    if (ch) held_ -= ch->events.size();
    ch.reset();
  }
}

void Windows::MaybeSweep(int64_t now) {
  if (last_sweep_ != std::numeric_limits<int64_t>::min() && now - last_sweep_ < sweep_every_)
    return;
  last_sweep_ = now;
  for (uint32_t c = 0; c < groups_.size(); ++c) {
    const CorrelationRule& rule = rules_.correlation(c);
    if (!rule.eager) continue;  // anchored windows are closed through closing_
    for (auto it = groups_[c].begin(); it != groups_[c].end();) {
      Evict(rule, it->second, now);
      if (Empty(it->second)) {
        it = groups_[c].erase(it);
      } else {
        ++it;
      }
    }
  }
}

void Windows::Shed() {
  for (uint32_t c = 0; c < groups_.size(); ++c) {
    const CorrelationRule& rule = rules_.correlation(c);
    for (auto it = groups_[c].begin(); it != groups_[c].end();) {
      GroupState& g = it->second;
      const size_t drop = g.entries.empty() ? 0 : std::max<size_t>(g.entries.size() / 2, 1);
      for (size_t i = 0; i < drop; ++i) DropOldest(rule, g);
      evicted_ += drop;
      for (auto& ch : g.chains) {
        if (!ch) continue;
        held_ -= ch->events.size();
        evicted_ += ch->events.size();
        ch.reset();
      }
      if (!g.entries.empty()) {
        ++it;
        continue;
      }
      if (g.anchor) closing_.erase(std::make_tuple(*g.anchor + rule.timespan_ms, c, it->first));
      it = groups_[c].erase(it);
    }
  }
}

}  // namespace vigil::internal
