// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Correlator (include/vigil/correlation.h; the correlate stage's runtime, whose compile
// step is resolve.h): reads what each matched event brings to the correlations that use
// its rules (group-by and value fields, from the Scanner's capture or a parse), and
// drives the parts, each with its own state:
//   reorder.h    the reorder buffer: events in event-time order, lateness, the bound
//   windows.h    the windows of the counting and aggregating types
//   baselines.h  first_seen: learned values, aging, the saved baseline
// An alert of a window or a baseline comes back here (AlertSink): it is recorded and,
// when other correlations reference this one, fed to them as an event (chaining).

#include "vigil/correlation.h"

#include <simdjson.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <set>
#include <unordered_map>

#include "correlate/baselines.h"
#include "correlate/fields.h"
#include "correlate/reorder.h"
#include "correlate/state.h"
#include "correlate/windows.h"
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

using internal::Contribution;
using internal::Entry;
using internal::OptString;
using internal::Pending;
using internal::Ref;
using internal::Subject;
using internal::GroupKey;
using internal::GroupKeyInto;
using internal::ValueKeyInto;

struct Correlator::Impl : internal::AlertSink {
  Impl(std::shared_ptr<const RuleSet> rule_set, const CorrelatorOptions& opts)
      : rules(std::move(rule_set)),
        options(opts),
        reorder(options.lateness_ms),
        windows(*rules, this),
        baselines(*rules, this, options.max_baseline_bytes) {}

  std::shared_ptr<const RuleSet> rules;
  CorrelatorOptions options;
  internal::ReorderBuffer reorder;
  internal::Windows windows;
  internal::Baselines baselines;
  // What the reorder buffer does with each event it releases (a lambda, not a
  // std::function: it is called for every event, and inlined into ReorderBuffer's loops).
  auto Processor() {
    return [this](int64_t t, Pending& p) { Process(t, p); };
  }

  // Detection rule index -> (correlation, position in its rules).
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> uses;
  // Correlation index -> (correlation referencing it, position).
  std::vector<std::vector<std::pair<uint32_t, uint32_t>>> chained;
  simdjson::dom::parser parser;
  std::vector<std::pair<uint32_t, uint32_t>> add_hits;  // Add's (correlation, position)s
  std::vector<std::string> add_values;                 // Add's, for ValueKeyInto
  std::string surrogate_free;  // Add's: the event with lone surrogates as \ufffd
  // A field name in the correlation rules (by address: Add reads them only from there)
  // -> its index in RuleSet::captured_fields(), so in a Scanner's CapturedFields.
  std::unordered_map<const std::string*, uint32_t> capture_index;
  std::vector<CorrelationAlert> alerts;
  uint64_t future = 0;   // time outliers (options.max_future_ms), not used
  uint64_t untimed = 0;  // relevant events without a readable time, not used
  // The delivery time of the last EventRef::file seen (events come file by file).
  std::string delivery_file;
  bool delivery_known = false;
  int64_t delivery_ms = 0;
  int64_t clock_ms = 0;  // the clock's last reading (TooFarAhead)

  // The time invariant: true when `t` lies more than max_future_ms past the latest time
  // that can be trusted for an event of `file` (its delivery time, capped by the clock).
  bool TooFarAhead(int64_t t, const std::string& file) {
    if (options.max_future_ms == std::numeric_limits<int64_t>::max()) return false;
    if (!delivery_known || file != delivery_file) {
      delivery_file = file;
      delivery_known = true;
      if (!internal::DeliveryTimeFromFileName(file, &delivery_ms))
        delivery_ms = std::numeric_limits<int64_t>::max();
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

  // Keeps the events held within options.max_held_events: half for the reorder buffer,
  // half for window state (see CorrelatorOptions). Shedding windows drops the older
  // half of each.
  void Bound() {
    const size_t half = std::max<size_t>(options.max_held_events / 2, 1);
    reorder.Bound(half, Processor());
    if (windows.held() > half) windows.Shed();
  }

  void Process(int64_t t, Pending& p) {
    windows.CloseBefore(t);
    baselines.Advance(t);
    for (size_t i = 0; i < p.used; ++i) Apply(p.contributions[i], t, p.ref, nullptr);
    windows.MaybeSweep(t);
  }

  // One event (or chained alert) at time t for one correlation.
  void Apply(Contribution& con, int64_t t, const Ref& ref,
             const std::shared_ptr<const std::vector<EventRef>>& more) {
    if (rules->correlation(con.corr).type == CorrelationType::kFirstSeen) {
      baselines.Apply(con, t, ref, more);
    } else {
      windows.Apply(con, t, ref, more);
    }
  }

  void Emit(uint32_t c, const std::vector<OptString>& group, double value,
            std::vector<Entry> events, int64_t now, Subject subject) override {
    const CorrelationRule& rule = rules->correlation(c);
    CorrelationAlert a;
    a.rule = &rule;
    a.type = rule.type;
    for (size_t i = 0; i < rule.group_by.size(); ++i)
      a.group.emplace_back(rule.group_by[i], group[i]);
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
      Apply(
          con, now,
          Ref{std::make_shared<const std::string>(a.events.front().file), a.events.front().record},
          refs);
    }
  }
};

Correlator::Correlator(std::shared_ptr<const RuleSet> rules, CorrelatorOptions options) {
  if (options.lateness_ms < 0) options.lateness_ms = 0;
  impl_ = std::make_unique<Impl>(std::move(rules), options);
  Impl& im = *impl_;
  const std::vector<std::string>& captured = im.rules->captured_fields();
  auto index = [&](const std::string& field) {
    const auto at = std::find(captured.begin(), captured.end(), field);
    if (at != captured.end())
      im.capture_index.emplace(&field, static_cast<uint32_t>(at - captured.begin()));
  };
  for (size_t c = 0; c < im.rules->correlation_count(); ++c) {
    internal::ForEachReadField(im.rules->correlation(c), index);
  }
  im.uses.resize(im.rules->size());
  im.chained.resize(im.rules->correlation_count());
  for (uint32_t c = 0; c < im.rules->correlation_count(); ++c) {
    const CorrelationRule& r = im.rules->correlation(c);
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
}

Correlator::~Correlator() = default;

Status Correlator::Add(std::string_view event_json, std::span<const Match> matches,
                       const EventRef& ref, const CapturedFields* captured) {
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
  // way: util/dom_path.h), else a parse of the text. The capture starts with
  // captured_fields(), the indexes capture_index holds; a ScanSink's record fields may
  // follow them (Scanner::record_fields()), and are not read here.
  const bool use_captured =
      captured != nullptr && captured->values.size() >= im.rules->captured_fields().size();
  simdjson::dom::element doc;
  if (!use_captured) {
    auto err = im.parser.parse(event_json.data(), event_json.size(), true).get(doc);
    // A lone surrogate escape reads as U+FFFD, as in the matcher (util/surrogates.h).
    if (err && internal::ReplaceLoneSurrogateEscapes(event_json, &im.surrogate_free)) {
      err = im.parser.parse(im.surrogate_free.data(), im.surrogate_free.size(), true).get(doc);
    }
    if (err) {
      return Status::Error(
          StatusCode::kInvalidInput,
          std::string("correlation: malformed JSON event: ") + simdjson::error_message(err));
    }
  }
  // The field's text into *out (into its string when it has one: pooled Pendings keep
  // their capacity); false, and *out empty, when the field is missing or null.
  auto text_into = [&](const std::string& path, OptString* out) {
    if (use_captured) {
      auto it = im.capture_index.find(&path);
      const CapturedFields::Value* v =
          it == im.capture_index.end()
              ? nullptr
              : &captured->values[it->second];  // null: not a field of these rules
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
  if (im.reorder.Late(t)) return Status::Ok();
  const uint32_t slot = im.reorder.NewSlot();
  Pending& p = im.reorder.at(slot);
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
    im.reorder.FreeSlot(slot);
    return Status::Ok();
  }
  im.reorder.Queue(slot, t, ref.file, ref.record);
  im.reorder.Release(/*all=*/false, im.Processor());
  im.Bound();
  return Status::Ok();
}

void Correlator::Flush() {
  Impl& im = *impl_;
  im.reorder.Release(/*all=*/true, im.Processor());
  im.windows.CloseAll();
}

std::vector<CorrelationAlert> Correlator::TakeAlerts() {
  std::vector<CorrelationAlert> out;
  out.swap(impl_->alerts);
  return out;
}

size_t Correlator::StateSize() const { return impl_->reorder.size() + impl_->windows.held(); }
size_t Correlator::BaselineSize() const { return impl_->baselines.known_values(); }
std::string Correlator::SerializeBaseline() { return impl_->baselines.Serialize(); }
Status Correlator::RestoreBaseline(std::string_view text, const std::string& origin) {
  return impl_->baselines.Restore(text, origin);
}
Status Correlator::LoadBaseline(const std::string& path) { return impl_->baselines.Load(path); }
Status Correlator::SaveBaseline(const std::string& path) {
  return internal::WriteFileAtomically(path, impl_->baselines.Serialize());
}
uint64_t Correlator::late_events() const { return impl_->reorder.late(); }
uint64_t Correlator::future_events() const { return impl_->future; }
uint64_t Correlator::untimed_events() const { return impl_->untimed; }
uint64_t Correlator::early_events() const { return impl_->reorder.early(); }
uint64_t Correlator::evicted_events() const { return impl_->windows.evicted(); }
uint64_t Correlator::unlearned_values() const { return impl_->baselines.unlearned(); }

}  // namespace vigil
