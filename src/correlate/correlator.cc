// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Correlator (the correlate stage's runtime; its compile step is resolve.h): evaluation
// of Sigma correlation rules over matched events, in event-time order (a reorder buffer
// bounded by the lateness), with per-group window state that is evicted as time
// advances, and first_seen baselines. Semantics are documented in
// include/vigil/correlation.h.
//
// Longer than this project's ~600-line mark: the reorder buffer, the windows of eight
// correlation types and the baselines share one state (Correlator::Impl) and are
// still one file; splitting them into parts with their own state is issue 14's open
// work.

#include "vigil/correlation.h"

#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <cstdlib>
#include <deque>
#include <limits>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "correlate/fields.h"
#include "util/atomic_file.h"
#include "util/dom_path.h"
#include "util/strings.h"
#include "util/surrogates.h"
#include "util/timeparts.h"
#include "vigil/ruleset.h"
#include "vigil/scanner.h"

namespace vigil {

const char* CorrelationTypeName(CorrelationType type) {
  switch (type) {
    case CorrelationType::kEventCount: return "event_count";
    case CorrelationType::kValueCount: return "value_count";
    case CorrelationType::kTemporal: return "temporal";
    case CorrelationType::kTemporalOrdered: return "temporal_ordered";
    case CorrelationType::kValueSum: return "value_sum";
    case CorrelationType::kValueAvg: return "value_avg";
    case CorrelationType::kValuePercentile: return "value_percentile";
    case CorrelationType::kValueMedian: return "value_median";
    case CorrelationType::kFirstSeen: return "first_seen";
  }
  return "?";
}

bool CorrelationCompare::Holds(double x) const {
  switch (op) {
    case Op::kGt: return x > value;
    case Op::kGte: return x >= value;
    case Op::kLt: return x < value;
    case Op::kLte: return x <= value;
    case Op::kEq: return x == value;
    case Op::kNeq: return x != value;
  }
  return false;
}

namespace {

using OptString = std::optional<std::string>;

// What one event brings to one correlation.
struct Contribution {
  uint32_t corr = 0;
  std::vector<uint32_t> positions;  // indexes in CorrelationRule::rules it matched
  std::string key;                  // encoded group values
  std::vector<OptString> group;
  OptString value;                  // condition.field
  std::vector<std::string> values;  // first_seen: each condition.field
};

// An EventRef whose file name is shared by every event of that file (events come
// file by file), so an event held in the reorder buffer and in several windows costs
// no copy of its name.
struct Ref {
  std::shared_ptr<const std::string> file;
  uint64_t record = 0;
  EventRef Public() const { return EventRef{*file, record}; }
};

// An event held in the reorder buffer. Pendings live in a pool and are used again once
// processed: their vectors and strings keep their capacity, so that an event costs no
// allocation for what it brings (most events of a scan feed some correlation).
struct Pending {
  Ref ref;
  std::vector<Contribution> contributions;  // the first `used` are this event's
  size_t used = 0;
  size_t pooled = 0;  // free: the bytes its strings keep (Correlator::Impl::pooled_bytes)
};

// The reorder buffer's entry for a pooled Pending: what its order reads, in a few words
// that a heap moves cheaply.
struct Queued {
  int64_t time = 0;
  const std::string* file = nullptr;  // the Pending's ref.file, alive while it is queued
  uint64_t record = 0;
  uint64_t seq = 0;  // arrival
  uint32_t slot = 0;  // in Correlator::Impl::pool
};

// The reorder buffer's order: time, then file name, record and arrival (a total order:
// arrival is unique). Events of one file share the name's string, so most ties are
// decided without comparing names. "Later" is what a min-heap needs.
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

struct Entry {
  int64_t time = 0;
  Ref ref;
  OptString value;
  uint32_t position = 0;
  // A chained correlation's alert: all its events (`ref` is the first).
  std::shared_ptr<const std::vector<EventRef>> more;
};

void GroupKeyInto(const std::vector<OptString>& group, std::string* key) {
  key->clear();
  for (const auto& v : group) {
    if (v) {
      *key += '\x01';
      *key += *v;
    } else {
      *key += '\x00';
    }
    *key += '\x1e';
  }
}

std::string GroupKey(const std::vector<OptString>& group) {
  std::string key;
  GroupKeyInto(group, &key);
  return key;
}

struct Chain {
  int64_t start = 0;
  std::vector<Entry> events;
};

// first_seen: one learned value (or combination) of one group.
struct Known {
  std::vector<OptString> group;
  std::vector<std::string> value;
  int64_t first = 0;
  int64_t last = 0;
  size_t bytes = 0;  // of its line in a saved baseline (Correlator::Impl::learned_bytes)
};

// first_seen: everything one rule has learned, keyed by rule id (title without one).
struct Baseline {
  std::optional<int64_t> learning_since;
  int64_t retention_ms = 0;
  std::map<std::string, Known> entries;       // EntryKeyInto
  std::map<std::string, size_t> per_group;    // group key -> entries
};

void AppendValueKey(const std::vector<std::string>& values, std::string* key) {
  for (const auto& v : values) {
    *key += v;
    *key += '\x1e';
  }
}

void ValueKeyInto(const std::vector<std::string>& values, std::string* key) {
  key->clear();
  AppendValueKey(values, key);
}

// A learned value's key in Baseline::entries: its group's key, then the values.
void EntryKeyInto(const std::string& group_key, const std::vector<std::string>& values, std::string* key) {
  key->assign(group_key);
  *key += '\x1d';
  AppendValueKey(values, key);
}

std::string BaselineKey(const RuleInfo& info) { return info.id.empty() ? info.title : info.id; }

struct GroupState {
  std::vector<OptString> group;
  std::deque<Entry> entries;
  // value_count: how many of `entries` hold each value, kept as entries come and go,
  // so the distinct count of a sliding window is one size() and not a walk of the
  // whole window (a set of every value) for each event that enters it.
  std::unordered_map<std::string, uint32_t> value_counts;
  std::optional<int64_t> anchor;      // anchored windows: start of the open window
  std::vector<std::optional<Chain>> chains;  // temporal_ordered
};

// A numeric field's value, read with the grammar the matcher's numeric modifiers use
// (util/strings.h ParseDouble: no whitespace, hex floats, inf or nan, and whatever the
// C locale of a host program, which strtod obeyed).
bool Number(const OptString& v, double* out) {
  return v && internal::ParseDouble(*v, out) && std::isfinite(*out);
}

}  // namespace

struct Correlator::Impl {
  std::shared_ptr<const RuleSet> rules;
  CorrelatorOptions options;
  // Detection rule index -> (correlation, position in its rules).
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> uses;
  // Correlation index -> (correlation referencing it, position).
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> chained;
  simdjson::dom::parser parser;
  std::vector<std::pair<uint32_t, uint32_t>> add_hits;  // Add's (correlation, position)s
  std::vector<std::string> add_values;                 // Add's, for ValueKeyInto
  std::vector<uint32_t> distinct_scratch;              // Apply's (temporal)
  std::string first_seen_key;                          // ApplyFirstSeen's
  std::string surrogate_free;  // Add's: the event with lone surrogates as \ufffd
  // A field name in the correlation rules (by address: Add reads them only from there)
  // -> its index in RuleSet::captured_fields(), so in a Scanner's CapturedFields.
  std::unordered_map<const std::string*, uint32_t> capture_index;

  // The reorder buffer: a min-heap in the order of Later (a heap, not a tree: no node
  // to allocate per event; only its earliest event is ever taken out) of the Pendings
  // in `pool` that are queued; free_slots are the others.
  std::vector<Queued> buffer;
  std::vector<Pending> pool;
  std::vector<uint32_t> free_slots;
  std::shared_ptr<const std::string> file_name;  // of the last event added (Ref::file)
  uint64_t seq = 0;
  bool seen = false;
  int64_t max_time = std::numeric_limits<int64_t>::min();
  uint64_t late = 0;
  uint64_t future = 0;   // time outliers (options.max_future_ms), not used
  uint64_t untimed = 0;  // relevant events without a readable time, not used
  // The memory bound (CorrelatorOptions::max_held_events): a floor the watermark never
  // goes below once the full reorder buffer has processed an event early, and the
  // counts of both degradations.
  int64_t forced_floor = std::numeric_limits<int64_t>::min();
  uint64_t early = 0;
  uint64_t evicted = 0;
  uint64_t unlearned = 0;
  // Bytes the learned values take in a saved baseline (their lines), kept within
  // learned_budget so that what is saved can be loaded again (max_baseline_bytes).
  uint64_t learned_bytes = 0;
  uint64_t learned_budget = 0;
  // The delivery time of the last EventRef::file seen (events come file by file).
  std::string delivery_file;
  bool delivery_known = false;
  int64_t delivery_ms = 0;
  int64_t clock_ms = 0;  // the clock's last reading (TooFarAhead)

  // Per correlation, by group key. Hashed: keys are mostly ARNs, whose long common
  // prefixes made every comparison of an ordered map a long memcmp.
  std::vector<std::unordered_map<std::string, GroupState>> groups;
  std::set<std::tuple<int64_t, uint32_t, std::string>> closing;  // anchored window ends
  size_t held = 0;  // entries in window state (approximate for chains)
  int64_t last_sweep = std::numeric_limits<int64_t>::min();
  int64_t sweep_every = 60 * 1000;
  std::vector<CorrelationAlert> alerts;

  // first_seen baselines by rule key; baseline_of[c] for first_seen correlation c.
  std::map<std::string, Baseline> baselines;
  std::vector<Baseline*> baseline_of;
  size_t known_values = 0;
  int64_t latest = std::numeric_limits<int64_t>::min();  // latest event time processed
  int64_t last_age = std::numeric_limits<int64_t>::min();
  static constexpr int64_t kAgeEvery = 60 * 60 * 1000;  // aging is a full walk: hourly

  std::string Serialize();
  Status Restore(std::string_view text, const std::string& origin);

  // The time invariant: true when `t` lies more than max_future_ms past the latest time
  // that can be trusted for an event of `file` (its delivery time, capped by the clock).
  bool TooFarAhead(int64_t t, const std::string& file) {
    if (options.max_future_ms == std::numeric_limits<int64_t>::max()) return false;
    if (!delivery_known || file != delivery_file) {
      delivery_file = file;
      delivery_known = true;
      if (!internal::DeliveryTimeFromFileName(file, &delivery_ms)) delivery_ms = std::numeric_limits<int64_t>::max();
    }
    // A file name dated after the clock is not trusted: anyone can name a file.
    auto too_far = [&](int64_t clock) {
      const int64_t trusted = std::min(clock, delivery_ms);
      return trusted <= std::numeric_limits<int64_t>::max() - options.max_future_ms &&
             t > trusted + options.max_future_ms;
    };
    if (options.now_ms != 0) return too_far(options.now_ms);
    // The clock moves forward, and a later clock trusts more: an event within bounds of
    // an earlier reading is within bounds now, so the clock is read again (a system
    // call's worth, per event it was) only for an event that the last reading refuses.
    if (clock_ms != 0 && !too_far(clock_ms)) return false;
    clock_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch()).count();
    return too_far(clock_ms);
  }

  int64_t Watermark() const {
    if (!seen) return std::numeric_limits<int64_t>::min();
    if (max_time < std::numeric_limits<int64_t>::min() + options.lateness_ms) {
      return forced_floor;
    }
    return std::max(max_time - options.lateness_ms, forced_floor);
  }

  // Keeps the events held within options.max_held_events: half for the reorder buffer,
  // half for window state (see CorrelatorOptions). Events are processed in time order
  // either way, so forcing the oldest one out of the buffer only makes later, older
  // events late; shedding windows drops the older half of each.
  void Bound() {
    const size_t half = std::max<size_t>(options.max_held_events / 2, 1);
    while (buffer.size() > half) {
      const Queued q = TakeEarliest();
      forced_floor = std::max(forced_floor, q.time);
      ++early;
      ProcessQueued(q);
    }
    if (held > half) Shed();
  }

  void Shed() {
    for (uint32_t c = 0; c < groups.size(); ++c) {
      const CorrelationRule& rule = rules->correlation(c);
      for (auto it = groups[c].begin(); it != groups[c].end();) {
        GroupState& g = it->second;
        const size_t drop = g.entries.empty() ? 0 : std::max<size_t>(g.entries.size() / 2, 1);
        for (size_t i = 0; i < drop; ++i) DropOldest(rule, g);
        evicted += drop;
        for (auto& ch : g.chains) {
          if (!ch) continue;
          held -= ch->events.size();
          evicted += ch->events.size();
          ch.reset();
        }
        if (!g.entries.empty()) {
          ++it;
          continue;
        }
        if (g.anchor) closing.erase(std::make_tuple(*g.anchor + rule.timespan_ms, c, it->first));
        it = groups[c].erase(it);
      }
    }
  }

  // The line of one learned value in a saved baseline (Serialize), without its newline.
  static void AppendKnownLine(const std::string& rule, const Known& k, std::string* out);

  Queued TakeEarliest() {
    std::pop_heap(buffer.begin(), buffer.end(), Later());
    const Queued q = buffer.back();
    buffer.pop_back();
    return q;
  }

  // How much the free Pendings' strings may keep, in all and each: in a stream in order
  // one is freed as one is taken, but a burst of events out of order can queue up to
  // max_held_events / 2, whose buffers the pool would otherwise keep once they are
  // processed (and a value of megabytes its capacity for good). A bound in bytes, not in
  // Pendings: the generated CloudTrail stream frees thousands at a time, and keeping
  // only 256 made `vigil scan` 7% slower on it.
  static constexpr size_t kPooledBytes = 4 << 20;
  static constexpr size_t kPooledBytesEach = 64 << 10;
  size_t pooled_bytes = 0;  // of the free Pendings' strings (Pending::pooled)

  // A free Pending of the pool, its contributions unused (their capacity kept).
  uint32_t NewSlot() {
    if (free_slots.empty()) {
      pool.emplace_back();
      return static_cast<uint32_t>(pool.size() - 1);
    }
    const uint32_t slot = free_slots.back();
    free_slots.pop_back();
    pooled_bytes -= pool[slot].pooled;
    pool[slot].pooled = 0;
    return slot;
  }

  void FreeSlot(uint32_t slot) {
    Pending& p = pool[slot];
    p.ref.file.reset();  // a file name is held only as long as an event of it
    p.used = 0;
    size_t bytes = 0;
    for (const Contribution& con : p.contributions) {
      bytes += con.key.capacity() + (con.value ? con.value->capacity() : 0);
      for (const auto& v : con.group) bytes += v ? v->capacity() : 0;
      for (const auto& v : con.values) bytes += v.capacity();
    }
    if (bytes > kPooledBytesEach || pooled_bytes + bytes > kPooledBytes) {
      p.contributions = std::vector<Contribution>();
      bytes = 0;
    }
    p.pooled = bytes;
    pooled_bytes += bytes;
    free_slots.push_back(slot);
  }

  void ProcessQueued(const Queued& q) {
    Process(q.time, pool[q.slot]);
    FreeSlot(q.slot);
  }

  void Release(int64_t watermark, bool all) {
    while (!buffer.empty()) {
      if (!all && buffer.front().time >= watermark) break;
      ProcessQueued(TakeEarliest());
    }
  }

  // Learns a fresh value when it fits the baseline's bound; false when it does not.
  bool Learn(Baseline& b, const std::string& rule_key, const std::string& key, const Contribution& con, int64_t t) {
    Known k;
    k.group = con.group;
    k.value = con.values;
    k.first = k.last = t;
    std::string line;
    AppendKnownLine(rule_key, k, &line);
    k.bytes = line.size() + 1;
    if (learned_bytes + k.bytes > learned_budget) return false;
    learned_bytes += k.bytes;
    b.entries.emplace(key, std::move(k));
    ++b.per_group[con.key];
    ++known_values;
    return true;
  }

  void Emit(uint32_t c, const GroupState& g, double value, std::vector<Entry> events, int64_t now) {
    Emit(c, g.group, value, std::move(events), now, {});
  }

  void Emit(uint32_t c, const std::vector<OptString>& group, double value, std::vector<Entry> events,
            int64_t now, std::vector<std::pair<std::string, OptString>> subject) {
    const CorrelationRule& rule = rules->correlation(c);
    CorrelationAlert a;
    a.rule = &rule;
    a.type = rule.type;
    for (size_t i = 0; i < rule.group_by.size(); ++i) a.group.emplace_back(rule.group_by[i], group[i]);
    a.value = value;
    a.subject = std::move(subject);
    std::stable_sort(events.begin(), events.end(),
                     [](const Entry& x, const Entry& y) { return x.time < y.time; });
    if (!events.empty()) {
      a.window_start = events.front().time;
      a.window_end = events.back().time;
    }
    // An event may be in the window more than once (temporal: once per rule it matched).
    std::set<std::pair<std::string_view, uint64_t>> seen;
    for (const auto& e : events) {
      if (e.more) {
        for (const auto& r : *e.more) {
          if (seen.emplace(r.file, r.record).second) a.events.push_back(r);
        }
      } else if (seen.emplace(*e.ref.file, e.ref.record).second) {
        a.events.push_back(e.ref.Public());
      }
    }
    alerts.push_back(a);
    // Chaining: the alert is an event of the correlations that reference this one.
    if (chained[c].empty() || a.events.empty()) return;
    auto refs = std::make_shared<const std::vector<EventRef>>(a.events);
    std::map<uint32_t, std::vector<uint32_t>> hit;
    for (auto [outer, pos] : chained[c]) hit[outer].push_back(pos);
    for (auto& [outer, positions] : hit) {
      const CorrelationRule& o = rules->correlation(outer);
      Contribution con;
      con.corr = outer;
      con.positions = std::move(positions);
      auto value_of = [&](const std::string& name) -> OptString {
        for (const auto& [k, v] : a.group) {
          if (k == name) return v;
        }
        return std::nullopt;
      };
      for (const auto& g : o.group_by) con.group.push_back(value_of(g));
      con.key = GroupKey(con.group);
      if (!o.field.empty()) con.value = value_of(o.field);
      if (o.type == CorrelationType::kFirstSeen) {
        bool all = true;
        for (const auto& f : o.fields) {
          OptString v = value_of(f);
          if (!v) {
            all = false;
            break;
          }
          con.values.push_back(*v);
        }
        if (!all) continue;
      }
      Apply(con, now, Ref{std::make_shared<const std::string>(a.events.front().file), a.events.front().record}, refs);
    }
  }

  // The aggregate of a window; false when it has no value (no numeric values).
  bool Aggregate(const CorrelationRule& rule, const GroupState& g, double* out) {
    const std::deque<Entry>& entries = g.entries;
    switch (rule.type) {
      case CorrelationType::kEventCount: *out = static_cast<double>(entries.size()); return true;
      case CorrelationType::kValueCount: *out = static_cast<double>(g.value_counts.size()); return true;
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
    const double p = rule.type == CorrelationType::kValueMedian ? 50 : std::clamp(rule.percentile, 0.0, 100.0);
    std::sort(xs.begin(), xs.end());
    const double rank = p / 100 * static_cast<double>(xs.size() - 1);
    const size_t lo = static_cast<size_t>(std::floor(rank));
    const size_t hi = std::min(lo + 1, xs.size() - 1);
    *out = xs[lo] + (xs[hi] - xs[lo]) * (rank - static_cast<double>(lo));
    return true;
  }

  bool Holds(const CorrelationRule& rule, double v) {
    for (const auto& c : rule.condition) {
      if (!c.Holds(v)) return false;
    }
    return true;
  }

  void CloseWindow(uint32_t c, const std::string& key, int64_t now) {
    auto it = groups[c].find(key);
    if (it == groups[c].end()) return;
    GroupState& g = it->second;
    const CorrelationRule& rule = rules->correlation(c);
    double v = 0;
    if (rule.rarity) {
      EmitRare(c, g, now);
    } else if (Aggregate(rule, g, &v) && Holds(rule, v)) {
      Emit(c, g, v, std::vector<Entry>(g.entries.begin(), g.entries.end()), now);
    }
    held -= g.entries.size();
    groups[c].erase(it);
  }

  // value_percentile's rarity reading: every distinct value whose share (percent) of the
  // window's values meets the condition, in value order.
  void EmitRare(uint32_t c, const GroupState& g, int64_t now) {
    const CorrelationRule& rule = rules->correlation(c);
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
      std::vector<std::pair<std::string, OptString>> subject{{rule.field, std::string(value)}};
      Emit(c, g.group, share, std::move(events), now, std::move(subject));
    }
  }

  // first_seen: learns the value, and alerts when it is new after the learning period.
  void ApplyFirstSeen(const Contribution& con, int64_t t, const Ref& ref,
                      const std::shared_ptr<const std::vector<EventRef>>& more) {
    const uint32_t c = con.corr;
    const CorrelationRule& rule = rules->correlation(c);
    Baseline& b = *baseline_of[c];
    if (!b.learning_since) b.learning_since = t;
    std::string& key = first_seen_key;  // reused: most values are known already
    EntryKeyInto(con.key, con.values, &key);
    auto it = b.entries.find(key);
    bool counted_self = true;  // the value is among the group's known ones
    if (it == b.entries.end()) {
      // Past the bound the value is not learned: it is new each time it is seen (an
      // alert too many, never one too few), and counted.
      if (!Learn(b, BaselineKey(rule.info), key, con, t)) {
        ++unlearned;
        counted_self = false;
      }
    } else if (t - it->second.last <= rule.timespan_ms) {
      it->second.first = std::min(it->second.first, t);
      it->second.last = std::max(it->second.last, t);
      return;  // known
    } else {
      it->second.first = it->second.last = t;  // aged out since it was last seen: new again
    }
    if (t < *b.learning_since + rule.learning_ms) return;
    std::vector<std::pair<std::string, OptString>> subject;
    for (size_t i = 0; i < rule.fields.size() && i < con.values.size(); ++i) {
      subject.emplace_back(rule.fields[i], con.values[i]);
    }
    std::vector<Entry> events{Entry{t, ref, std::nullopt, 0, more}};
    // The value of the alert: how many other values the group had learned.
    const auto pg = b.per_group.find(con.key);
    const size_t known = pg == b.per_group.end() ? 0 : pg->second;
    Emit(c, con.group, static_cast<double>(known - (counted_self && known > 0 ? 1 : 0)), std::move(events), t,
         std::move(subject));
  }

  // Drops learned values whose retention has passed at `now`.
  void AgeBaselines(int64_t now) {
    for (auto& [name, b] : baselines) {
      if (b.retention_ms <= 0) continue;
      for (auto it = b.entries.begin(); it != b.entries.end();) {
        if (now - it->second.last > b.retention_ms) {
          const std::string group_key = it->first.substr(0, it->first.find('\x1d'));
          if (auto pg = b.per_group.find(group_key); pg != b.per_group.end() && --pg->second == 0) {
            b.per_group.erase(pg);
          }
          learned_bytes -= std::min<uint64_t>(learned_bytes, it->second.bytes);
          it = b.entries.erase(it);
          --known_values;
        } else {
          ++it;
        }
      }
    }
  }

  // Adds an event to a window of the default (count and value) types.
  void Push(const CorrelationRule& rule, GroupState& g, Entry entry) {
    if (rule.type == CorrelationType::kValueCount && entry.value) ++g.value_counts[*entry.value];
    g.entries.push_back(std::move(entry));
    ++held;
  }

  // Removes a window's oldest entry, keeping value_count's tally and `held` in step.
  void DropOldest(const CorrelationRule& rule, GroupState& g) {
    const OptString& value = g.entries.front().value;
    if (rule.type == CorrelationType::kValueCount && value) {
      auto it = g.value_counts.find(*value);
      if (--it->second == 0) g.value_counts.erase(it);
    }
    g.entries.pop_front();
    --held;
  }

  void Evict(const CorrelationRule& rule, GroupState& g, int64_t now) {
    const int64_t limit = now - rule.timespan_ms;
    while (!g.entries.empty() && g.entries.front().time < limit) DropOldest(rule, g);
    for (auto& ch : g.chains) {
      if (ch && ch->start < limit) {
        held -= ch->events.size();
        ch.reset();
      }
    }
  }

  void Clear(GroupState& g) {
    held -= g.entries.size();
    g.entries.clear();
    g.value_counts.clear();
    for (auto& ch : g.chains) {
      if (ch) held -= ch->events.size();
      ch.reset();
    }
  }

  void Process(int64_t t, Pending& p) {
    while (!closing.empty() && std::get<0>(*closing.begin()) < t) {
      auto [end, c, key] = *closing.begin();
      closing.erase(closing.begin());
      CloseWindow(c, key, end);
    }
    latest = std::max(latest, t);
    // Aging first, so a value past its retention is new to this event.
    if (!baselines.empty() && (last_age == std::numeric_limits<int64_t>::min() || t - last_age >= kAgeEvery)) {
      AgeBaselines(t);
      last_age = t;
    }
    for (size_t i = 0; i < p.used; ++i) Apply(p.contributions[i], t, p.ref, nullptr);
    if (last_sweep == std::numeric_limits<int64_t>::min() || t - last_sweep >= sweep_every) {
      Sweep(t);
      last_sweep = t;
    }
  }

  // One event (or chained alert) at time t for one correlation.
  void Apply(Contribution& con, int64_t t, const Ref& ref,
             const std::shared_ptr<const std::vector<EventRef>>& more) {
    if (rules->correlation(con.corr).type == CorrelationType::kFirstSeen) {
      ApplyFirstSeen(con, t, ref, more);
      return;
    }
    {
      const uint32_t c = con.corr;
      const CorrelationRule& rule = rules->correlation(c);
      auto [it, fresh] = groups[c].try_emplace(con.key);
      GroupState& g = it->second;
      if (fresh) g.group = con.group;  // a copy: con's buffers are used again
      Entry entry{t, ref, std::move(con.value), 0, more};
      switch (rule.type) {
        case CorrelationType::kTemporal: {
          Evict(rule, g, t);
          for (uint32_t pos : con.positions) {
            entry.position = pos;
            g.entries.push_back(entry);
            ++held;
          }
          // How many of the rule's positions the window holds.
          std::vector<uint32_t>& seen = distinct_scratch;
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
          break;
        }
        case CorrelationType::kTemporalOrdered: {
          Evict(rule, g, t);
          const size_t n = rule.rules.size();
          g.chains.resize(n);
          bool done = false;
          std::vector<uint32_t> pos = con.positions;
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
              if (g.chains[k]) held -= g.chains[k]->events.size();
              held += cand->events.size();
              g.chains[k] = std::move(cand);
            }
            if (k + 1 == n) done = true;
          }
          if (done) {
            Emit(c, g, static_cast<double>(n), g.chains[n - 1]->events, t);
            Clear(g);
          }
          break;
        }
        default: {
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
              closing.emplace(t + rule.timespan_ms, c, con.key);
            }
            Push(rule, g, std::move(entry));
          }
          break;
        }
      }
      if (rule.eager && g.entries.empty() &&
          std::none_of(g.chains.begin(), g.chains.end(), [](const auto& ch) { return ch.has_value(); })) {
        groups[c].erase(it);
      }
    }
  }

  // Drops sliding-window state that no later event (time >= now) can be in.
  void Sweep(int64_t now) {
    for (uint32_t c = 0; c < groups.size(); ++c) {
      const CorrelationRule& rule = rules->correlation(c);
      if (!rule.eager) continue;  // anchored windows are closed through `closing`
      for (auto it = groups[c].begin(); it != groups[c].end();) {
        Evict(rule, it->second, now);
        const GroupState& g = it->second;
        if (g.entries.empty() &&
            std::none_of(g.chains.begin(), g.chains.end(), [](const auto& ch) { return ch.has_value(); })) {
          it = groups[c].erase(it);
        } else {
          ++it;
        }
      }
    }
  }
};

Correlator::Correlator(std::shared_ptr<const RuleSet> rules, CorrelatorOptions options)
    : impl_(std::make_unique<Impl>()) {
  Impl& im = *impl_;
  im.rules = std::move(rules);
  im.options = options;
  if (im.options.lateness_ms < 0) im.options.lateness_ms = 0;
  // What is learned must fit a saved baseline, with room for its header, rule and end
  // lines (the rule lines take a few hundred bytes per first_seen rule).
  const uint64_t max_bytes = im.options.max_baseline_bytes;
  im.learned_budget = max_bytes > (2u << 20) ? max_bytes - (1u << 20) : max_bytes / 2;
  const std::vector<std::string>& captured = im.rules->captured_fields();
  auto index = [&](const std::string& field) {
    const auto at = std::find(captured.begin(), captured.end(), field);
    if (at != captured.end()) im.capture_index.emplace(&field, static_cast<uint32_t>(at - captured.begin()));
  };
  for (size_t c = 0; c < im.rules->correlation_count(); ++c) {
    internal::ForEachReadField(im.rules->correlation(c), index);
  }
  im.uses.resize(im.rules->size());
  im.groups.resize(im.rules->correlation_count());
  im.chained.resize(im.rules->correlation_count());
  im.baseline_of.resize(im.rules->correlation_count(), nullptr);
  int64_t min_span = std::numeric_limits<int64_t>::max();
  for (uint32_t c = 0; c < im.rules->correlation_count(); ++c) {
    const CorrelationRule& r = im.rules->correlation(c);
    if (r.type == CorrelationType::kFirstSeen) {
      Baseline& b = im.baselines[BaselineKey(r.info)];
      b.retention_ms = r.timespan_ms;
      im.baseline_of[c] = &b;
    } else {
      // A first_seen timespan is a retention, not a window: it sets no sweep cadence.
      min_span = std::min(min_span, r.timespan_ms);
    }
    for (uint32_t pos = 0; pos < r.rules.size(); ++pos) {
      for (uint32_t i : r.rules[pos]) {
        if (i < im.uses.size()) im.uses[i].emplace_back(c, pos);
      }
      if (pos < r.correlations.size()) {
        for (uint32_t j : r.correlations[pos]) {
          if (j < im.chained.size()) im.chained[j].emplace_back(c, pos);
        }
      }
    }
  }
  if (min_span != std::numeric_limits<int64_t>::max()) im.sweep_every = std::max<int64_t>(min_span, 1000);
}

Correlator::~Correlator() = default;

Status Correlator::Add(std::string_view event_json, std::span<const Match> matches, const EventRef& ref,
                       const CapturedFields* captured) {
  Impl& im = *impl_;
  // (correlation, position) pairs, in order and once each (most events feed one or two).
  std::vector<std::pair<uint32_t, uint32_t>>& hit = im.add_hits;
  hit.clear();
  for (const Match& m : matches) {
    if (m.rule_index >= im.uses.size()) continue;
    hit.insert(hit.end(), im.uses[m.rule_index].begin(), im.uses[m.rule_index].end());
  }
  if (hit.empty()) return Status::Ok();
  std::sort(hit.begin(), hit.end());
  hit.erase(std::unique(hit.begin(), hit.end()), hit.end());
  // The Scanner's capture of the event when there is one (its own parse, read the same
  // way: util/dom_path.h), else a parse of the text.
  const bool use_captured =
      captured != nullptr && captured->values.size() == im.rules->captured_fields().size();
  simdjson::dom::element doc;
  if (!use_captured) {
    auto err = im.parser.parse(event_json.data(), event_json.size(), true).get(doc);
    // A lone surrogate escape reads as U+FFFD, as in the matcher (util/surrogates.h).
    if (err && internal::ReplaceLoneSurrogateEscapes(event_json, &im.surrogate_free)) {
      err = im.parser.parse(im.surrogate_free.data(), im.surrogate_free.size(), true).get(doc);
    }
    if (err) {
      return Status::Error(StatusCode::kInvalidInput,
                           std::string("correlation: malformed JSON event: ") + simdjson::error_message(err));
    }
  }
  // The field's text into *out (into its string when it has one: pooled Pendings keep
  // their capacity); false, and *out empty, when the field is missing or null.
  auto text_into = [&](const std::string& path, OptString* out) {
    if (use_captured) {
      auto it = im.capture_index.find(&path);
      const CapturedFields::Value* v =
          it == im.capture_index.end() ? nullptr : &captured->values[it->second];  // null: not a field of these rules
      if (v == nullptr || !v->present) {
        out->reset();
        return false;
      }
      if (!*out) out->emplace();
      (*out)->assign(v->text);
      return true;
    }
    simdjson::dom::element e;
    if (!internal::DomLookup(doc, path, &e)) {
      out->reset();
      return false;
    }
    if (!*out) out->emplace();
    if (!internal::DomValueTextInto(e, &**out)) out->reset();
    return out->has_value();
  };
  // The text of each of `fields` into *out; false when one is missing or null.
  OptString one;
  auto texts_of = [&](const std::vector<std::string>& fields, std::vector<std::string>* out) {
    out->resize(fields.size());
    for (size_t i = 0; i < fields.size(); ++i) {
      if (!text_into(fields[i], &one)) {
        out->clear();
        return false;
      }
      (*out)[i].swap(*one);
    }
    return true;
  };
  int64_t t = 0;
  bool have_time = false;
  // Unix seconds or milliseconds, within the years ISO 8601 times can have (1..9999):
  // a cast of 1e300 to an integer is undefined, and would be a time like any other.
  auto from_number = [&](double d) {
    const double ms = d > 1e11 || d < -1e11 ? d : d * 1000;
    if (ms >= -62135596800000.0 && ms <= 253402300799999.0) {
      t = static_cast<int64_t>(ms);
      have_time = true;
    }
  };
  if (use_captured) {
    for (size_t i = 0; i < 2 && !have_time; ++i) {  // eventTime, @timestamp
      const CapturedFields::Value& v = captured->values[i];
      if (v.is_string) {
        have_time = internal::ParseIsoTimestamp(v.text, &t);
      } else if (v.is_number) {
        from_number(v.number);
      }
    }
  } else {
    for (const char* f : {"eventTime", "@timestamp"}) {
      simdjson::dom::element e;
      if (!internal::DomLookup(doc, f, &e)) continue;
      std::string_view s;
      if (!e.get_string().get(s)) {
        have_time = internal::ParseIsoTimestamp(s, &t);
      } else if (double d; !e.get_double().get(d)) {
        from_number(d);
      }
      if (have_time) break;
    }
  }
  if (!have_time) {
    ++im.untimed;
    return Status::Error(StatusCode::kInvalidInput, "correlation: event has no readable eventTime");
  }
  if (im.TooFarAhead(t, ref.file)) {
    ++im.future;
    return Status::Ok();
  }
  if (im.seen && t < im.Watermark()) {
    ++im.late;
    return Status::Ok();
  }
  const uint32_t slot = im.NewSlot();
  Pending& p = im.pool[slot];
  for (size_t h = 0; h < hit.size();) {
    const uint32_t c = hit[h].first;
    const CorrelationRule& rule = im.rules->correlation(c);
    if (p.used == p.contributions.size()) p.contributions.emplace_back();
    Contribution& con = p.contributions[p.used];
    con.corr = c;
    con.positions.clear();
    for (; h < hit.size() && hit[h].first == c; ++h) con.positions.push_back(hit[h].second);
    // The base rule this event matched for the alias lookup: the first that has one.
    con.group.resize(rule.group_by.size());
    for (size_t gi = 0; gi < rule.group_by.size(); ++gi) {
      const std::string* field = &rule.group_by[gi];
      for (const Match& m : matches) {
        auto a = rule.group_by_alias[gi].find(m.rule_index);
        if (a != rule.group_by_alias[gi].end()) {
          field = &a->second;
          break;
        }
      }
      text_into(*field, &con.group[gi]);
    }
    GroupKeyInto(con.group, &con.key);
    con.value.reset();
    if (rule.type == CorrelationType::kFirstSeen) {
      // Nothing to learn from an event without every value.
      if (!texts_of(rule.fields, &con.values)) continue;
    } else if (rule.fields.size() > 1 && rule.type == CorrelationType::kValueCount) {
      if (texts_of(rule.fields, &im.add_values)) {
        con.value.emplace();
        ValueKeyInto(im.add_values, &*con.value);
      }
    } else if (!rule.field.empty()) {
      text_into(rule.field, &con.value);
    }
    ++p.used;
  }
  if (p.used == 0) {
    im.FreeSlot(slot);
    return Status::Ok();
  }
  if (!im.file_name || *im.file_name != ref.file) {
    im.file_name = std::make_shared<const std::string>(ref.file);
  }
  p.ref = Ref{im.file_name, ref.record};
  im.seen = true;
  im.max_time = std::max(im.max_time, t);
  im.buffer.push_back(Queued{t, p.ref.file.get(), ref.record, im.seq++, slot});
  std::push_heap(im.buffer.begin(), im.buffer.end(), Later());
  im.Release(im.Watermark(), false);
  im.Bound();
  return Status::Ok();
}

void Correlator::Flush() {
  Impl& im = *impl_;
  im.Release(0, true);
  while (!im.closing.empty()) {
    auto [end, c, key] = *im.closing.begin();
    im.closing.erase(im.closing.begin());
    im.CloseWindow(c, key, end);
  }
}

std::vector<CorrelationAlert> Correlator::TakeAlerts() {
  std::vector<CorrelationAlert> out;
  out.swap(impl_->alerts);
  return out;
}

size_t Correlator::StateSize() const { return impl_->buffer.size() + impl_->held; }
size_t Correlator::BaselineSize() const { return impl_->known_values; }

// ---- first-seen baseline persistence ------------------------------------------------

namespace {

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  internal::JsonEscapeInto(s, out);
  out->push_back('"');
}

void AppendTime(int64_t ms, std::string* out) { AppendJsonString(internal::FormatIsoMillis(ms), out); }

bool ReadTime(simdjson::dom::object o, const char* key, int64_t* out) {
  std::string_view s;
  return !o[key].get_string().get(s) && internal::ParseIsoTimestamp(s, out);
}

}  // namespace

void Correlator::Impl::AppendKnownLine(const std::string& rule, const Known& k, std::string* out) {
  *out += "{\"rule\":";
  AppendJsonString(rule, out);
  *out += ",\"group\":[";
  for (size_t i = 0; i < k.group.size(); ++i) {
    if (i) *out += ',';
    if (k.group[i]) {
      AppendJsonString(*k.group[i], out);
    } else {
      *out += "null";
    }
  }
  *out += "],\"value\":[";
  for (size_t i = 0; i < k.value.size(); ++i) {
    if (i) *out += ',';
    AppendJsonString(k.value[i], out);
  }
  *out += "],\"first\":";
  AppendTime(k.first, out);
  *out += ",\"last\":";
  AppendTime(k.last, out);
  *out += '}';
}

std::string Correlator::Impl::Serialize() {
  if (latest != std::numeric_limits<int64_t>::min()) AgeBaselines(latest);
  std::string out = "{\"vigil_baseline\":2,\"saved\":";
  std::time_t now = std::time(nullptr);
  AppendTime(static_cast<int64_t>(now) * 1000, &out);
  out += "}\n";
  for (const auto& [name, b] : baselines) {
    if (!b.learning_since && b.entries.empty()) continue;
    out += "{\"rule\":";
    AppendJsonString(name, &out);
    if (b.learning_since) {
      out += ",\"learning_since\":";
      AppendTime(*b.learning_since, &out);
    }
    out += ",\"retention_seconds\":" + std::to_string(b.retention_ms / 1000) + "}\n";
  }
  for (const auto& [name, b] : baselines) {
    for (const auto& [key, k] : b.entries) {
      AppendKnownLine(name, k, &out);
      out += '\n';
    }
  }
  // The end line: a file cut anywhere, even at a line boundary, lacks it or disagrees
  // with it, and is refused on load instead of silently forgetting what was cut.
  const size_t lines = static_cast<size_t>(std::count(out.begin(), out.end(), '\n'));
  const size_t bytes = out.size();
  out += "{\"vigil_baseline_end\":{\"lines\":" + std::to_string(lines) + ",\"bytes\":" + std::to_string(bytes) + "}}\n";
  return out;
}

Status Correlator::Impl::Restore(std::string_view text, const std::string& origin) {
  std::map<std::string, Baseline> loaded;
  simdjson::dom::parser p;
  size_t line_no = 0;
  bool header = false;
  int64_t version = 0;
  bool ended = false;  // the end line (version 2) was read
  const std::string_view all = text;
  auto fail = [&](const std::string& why) {
    return Status::Error(StatusCode::kInvalidInput, origin + ":" + std::to_string(line_no) + ": " + why);
  };
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) continue;
    if (ended) return fail("content after the end line {\"vigil_baseline_end\":...}");
    simdjson::dom::element doc;
    if (auto err = p.parse(line.data(), line.size(), true).get(doc)) {
      return fail(std::string("not valid JSON (") + simdjson::error_message(err) + ")");
    }
    simdjson::dom::object o;
    if (doc.get_object().get(o)) return fail("expected a JSON object");
    if (!header) {
      if (o["vigil_baseline"].get_int64().get(version)) {
        return fail("not a vigil baseline: the first line must be {\"vigil_baseline\":2,...}");
      }
      if (version != 1 && version != 2) {
        return fail("baseline format version " + std::to_string(version) + " is not supported (1 and 2 are)");
      }
      header = true;
      continue;
    }
    if (simdjson::dom::object end; !o["vigil_baseline_end"].get_object().get(end)) {
      int64_t lines = 0, bytes = 0;
      const size_t offset = static_cast<size_t>(line.data() - all.data());
      if (end["lines"].get_int64().get(lines) || end["bytes"].get_int64().get(bytes)) {
        return fail("the end line needs \"lines\" and \"bytes\"");
      }
      if (static_cast<uint64_t>(lines) != line_no - 1 || static_cast<uint64_t>(bytes) != offset) {
        return fail("damaged: the end line counts " + std::to_string(lines) + " lines and " +
                    std::to_string(bytes) + " bytes before it, the file has " + std::to_string(line_no - 1) +
                    " and " + std::to_string(offset));
      }
      ended = true;
      continue;
    }
    std::string_view rule;
    if (o["rule"].get_string().get(rule)) return fail("a line without \"rule\"");
    Baseline& b = loaded[std::string(rule)];
    simdjson::dom::array group, value;
    if (o["group"].get_array().get(group)) {  // a rule line
      int64_t since = 0;
      if (o["learning_since"].error() != simdjson::NO_SUCH_FIELD) {
        if (!ReadTime(o, "learning_since", &since)) return fail("\"learning_since\" is not an ISO 8601 time");
        b.learning_since = since;
      }
      int64_t retention = 0;
      // At most about 292 million years: the milliseconds must fit in an int64 (found by
      // fuzz_baseline: a larger value overflowed the multiplication below).
      if (o["retention_seconds"].get_int64().get(retention) || retention < 0 ||
          retention > std::numeric_limits<int64_t>::max() / 1000) {
        return fail("\"retention_seconds\" must be a non-negative integer of at most " +
                    std::to_string(std::numeric_limits<int64_t>::max() / 1000));
      }
      b.retention_ms = retention * 1000;
      continue;
    }
    if (o["value"].get_array().get(value)) return fail("\"value\" must be an array of strings");
    Known k;
    for (auto g : group) {
      std::string_view sv;
      if (g.is_null()) {
        k.group.emplace_back(std::nullopt);
      } else if (!g.get_string().get(sv)) {
        k.group.emplace_back(std::string(sv));
      } else {
        return fail("\"group\" must be an array of strings and nulls");
      }
    }
    for (auto v : value) {
      std::string_view sv;
      if (v.get_string().get(sv)) return fail("\"value\" must be an array of strings");
      k.value.emplace_back(sv);
    }
    if (!ReadTime(o, "first", &k.first) || !ReadTime(o, "last", &k.last)) {
      return fail("\"first\" and \"last\" must be ISO 8601 times");
    }
    std::string key;
    EntryKeyInto(GroupKey(k.group), k.value, &key);
    b.entries[std::move(key)] = std::move(k);
  }
  if (!header) {
    line_no = 1;
    return fail("empty: a baseline starts with {\"vigil_baseline\":2,...}");
  }
  // Version 1 (vigil before the end line) is read as it is, and written back as 2.
  if (version >= 2 && !ended) {
    return fail("truncated: the end line {\"vigil_baseline_end\":...} is missing; nothing of the file "
                "was used (restore it from a copy, or remove it to learn from scratch)");
  }
  // Merge: the union of what both know, widest first/last, earliest learning start.
  for (auto& [name, in] : loaded) {
    const bool is_new = !baselines.count(name);
    Baseline& b = baselines[name];
    if (is_new) b.retention_ms = in.retention_ms;  // a rule not loaded keeps its own
    if (in.learning_since && (!b.learning_since || *in.learning_since < *b.learning_since)) {
      b.learning_since = in.learning_since;
    }
    for (auto& [key, k] : in.entries) {
      auto [it, fresh] = b.entries.try_emplace(key, k);
      if (fresh) {
        // Kept even past learned_budget: nothing learned before is dropped on load.
        std::string line;
        AppendKnownLine(name, k, &line);
        it->second.bytes = line.size() + 1;
        learned_bytes += it->second.bytes;
        ++b.per_group[GroupKey(k.group)];
        ++known_values;
      } else {
        it->second.first = std::min(it->second.first, k.first);
        it->second.last = std::max(it->second.last, k.last);
      }
    }
  }
  return Status::Ok();
}

std::string Correlator::SerializeBaseline() { return impl_->Serialize(); }

Status Correlator::RestoreBaseline(std::string_view text, const std::string& origin) {
  return impl_->Restore(text, origin);
}

Status Correlator::LoadBaseline(const std::string& path) {
  auto unreadable = [&](const char* why) {
    return Status::Error(StatusCode::kIoError, "cannot read baseline " + path + ": " + why);
  };
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::Ok();  // the first run: nothing learned yet
    return unreadable(std::strerror(errno));
  }
  // The size is checked before any byte is held, and again while reading (a file that
  // grows meanwhile): a baseline is a regular file, so /dev/zero, a FIFO or a folder is
  // refused rather than read without end.
  const uint64_t limit = impl_->options.max_baseline_bytes;
  auto too_large = [&] {
    return Status::Error(StatusCode::kLimitExceeded,
                         "baseline " + path + " is larger than the limit of " + std::to_string(limit) + " bytes");
  };
  struct stat st;
  Status error;
  if (fstat(fd, &st) != 0) {
    error = unreadable(std::strerror(errno));
  } else if (!S_ISREG(st.st_mode)) {
    error = unreadable("not a regular file");
  } else if (static_cast<uint64_t>(st.st_size) > limit) {
    error = too_large();
  }
  std::string text;
  if (error.ok()) {
    text.reserve(static_cast<size_t>(st.st_size));
    char buf[1 << 16];
    for (;;) {
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error = unreadable(std::strerror(errno));
        break;
      }
      if (n == 0) break;
      if (text.size() + static_cast<size_t>(n) > limit) {
        error = too_large();
        break;
      }
      text.append(buf, static_cast<size_t>(n));
    }
  }
  close(fd);
  if (!error.ok()) return error;
  return impl_->Restore(text, path);
}

Status Correlator::SaveBaseline(const std::string& path) {
  return internal::WriteFileAtomically(path, impl_->Serialize());
}
uint64_t Correlator::late_events() const { return impl_->late; }
uint64_t Correlator::future_events() const { return impl_->future; }
uint64_t Correlator::untimed_events() const { return impl_->untimed; }
uint64_t Correlator::early_events() const { return impl_->early; }
uint64_t Correlator::evicted_events() const { return impl_->evicted; }
uint64_t Correlator::unlearned_values() const { return impl_->unlearned; }

}  // namespace vigil
