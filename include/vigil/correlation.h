// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Sigma correlation rules (Sigma specification 2.1.0): the compiled form kept in a
// RuleSet (CorrelationRule) and the stateful evaluator (Correlator).
//
// A correlation rule aggregates the matches of other rules ("base rules", referenced by
// id, name or title) over a time span, per group (the values of its group-by fields):
//   event_count       number of events in the window
//   value_count       number of distinct values of condition.field in the window
//   temporal          all referenced rules (or condition many of them) matched
//   temporal_ordered  all referenced rules matched, in the order listed
//   value_sum / value_avg / value_median   sum / mean / median of a numeric field
//   value_percentile  with condition.percentile: that percentile (0..100) of a numeric
//                     field; without it, rarity (the specification's example): each
//                     distinct value's share of the group's events, in percent, so
//                     `lte: 1` flags values making up at most 1% of the window
//   first_seen        (vigil extension, not in Sigma 2.1.0) a value of condition.field
//                     (or a combination of fields) not seen for this group within
//                     `timespan`, once the rule has been learning for `learning`; the
//                     learned values persist between runs (SaveBaseline/LoadBaseline)
//
// Window semantics (the specification leaves them to the implementation):
//   * Time is the event's own time (eventTime, else @timestamp), not arrival time.
//   * A window covers [t - timespan, t], both ends inclusive: two events exactly one
//     timespan apart are in the same window.
//   * Conditions with only lower bounds (gt, gte; and temporal / temporal_ordered) are
//     evaluated on a sliding window ending at every event of the group; when one
//     holds an alert is raised and the group's state is cleared (so a burst of 1000
//     events with `gte: 100` gives 10 alerts, not 901).
//   * Any other condition (lt, lte, eq, neq, ranges) and the value_avg / median /
//     percentile types use windows anchored at a group's first event: the window
//     [t0, t0 + timespan] is evaluated once it is complete (when events later than its
//     end are processed, or at Flush), then the next event opens a new one. Groups that
//     had no event have no window (`lt: 5` never fires for silence).
//   * A group-by field missing from an event is a value of its own (null): such events
//     group together, and the alert reports the field as null.
//   * A field path goes through arrays as the matcher's does (`resources.ARN` reads the
//     ARN of each element of `resources`); a correlation takes the first value found,
//     in document order. A path that ends on an array or object takes its compact JSON.
//   * value_count / sum / avg / median / percentile ignore events whose field is
//     missing (and, for the numeric types, not a number or numeric string).
//   * One event matching several referenced rules counts once for event_count and
//     value_*; for temporal types it counts for each rule it matched.
//   * Chaining: an alert of a referenced correlation is an event of the referencing one
//     at the time the alert is raised (its last event, or the end of an anchored
//     window), whose fields are the alert's group values (by group-by name).
//   * first_seen: events are taken in event-time order (the reorder buffer), so which
//     event is "first" does not depend on arrival order within the lateness bound. A
//     value is known from the event that brought it until `timespan` after the last
//     event that had it (entries age out). Learning starts at the first event the rule
//     sees (event time, or the time kept in a loaded baseline) and lasts `learning`
//     (extension key of the correlation, default 0): meanwhile new values are learned
//     without alerts. Events lacking one of the fields are ignored. The alert's
//     `subject` is the new value(s), `value` the number of values the group already had.
//   * Alerts of correlations that only other correlations reference with
//     `generate: false` are still returned by TakeAlerts (CorrelationRule::hidden
//     tells; `vigil scan` does not print them).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/export.h"
#include "vigil/rule.h"
#include "vigil/status.h"

namespace vigil {

class RuleSet;
struct Match;
struct CapturedFields;

enum class CorrelationType {
  kEventCount,
  kValueCount,
  kTemporal,
  kTemporalOrdered,
  kValueSum,
  kValueAvg,
  kValuePercentile,
  kValueMedian,
  kFirstSeen,  // vigil extension
};

VIGIL_EXPORT const char* CorrelationTypeName(CorrelationType type);

// One comparison of a correlation condition; all of a rule's comparisons must hold.
struct VIGIL_EXPORT CorrelationCompare {
  enum class Op { kGt, kGte, kLt, kLte, kEq, kNeq };
  Op op = Op::kGte;
  double value = 0;
  bool Holds(double x) const;
};

struct VIGIL_EXPORT CorrelationRule {
  RuleInfo info;  // title, id, level... of the correlation rule itself
  CorrelationType type = CorrelationType::kEventCount;
  // Indexes in RuleSet::rule() of the referenced rules, in the order written
  // (temporal_ordered's order). A name that resolves to several rules (a shared
  // title) contributes all of them at that position.
  std::vector<std::vector<uint32_t>> rules;
  // Chaining: for each position of `rules`, the correlation rules (indexes in
  // RuleSet::correlation()) referenced there. An alert of such a correlation is an
  // event of this one, at the time the alert is raised, with the alert's group values
  // as its fields (a group-by name this rule shares with it) and its events.
  std::vector<std::vector<uint32_t>> correlations;
  // Referenced by other correlation rules, none of which has `generate: true`: its
  // alerts feed them and are not reported on their own (`vigil scan` hides them).
  bool hidden = false;
  std::vector<std::string> group_by;
  // For each group_by entry that is an alias: base rule index -> field name.
  std::vector<std::map<uint32_t, std::string>> group_by_alias;
  int64_t timespan_ms = 0;
  std::vector<CorrelationCompare> condition;  // empty: temporal types, "all rules"
  std::string field;                          // condition.field (value_* types)
  // condition.field as a list (several fields: taken together; value_count counts
  // distinct combinations, the numeric types use the first field).
  std::vector<std::string> fields;
  double percentile = 50;                     // value_percentile: condition.percentile
  // value_percentile without condition.percentile: the rarity reading (see above).
  bool rarity = false;
  // first_seen: learning period (extension key `learning`); timespan_ms is how long a
  // value stays known after it was last seen.
  int64_t learning_ms = 0;
  bool generate = false;
  // True when every comparison is a lower bound (gt/gte): sliding-window evaluation.
  bool eager = true;
};

// An event a Correlator is told about: where it came from. `file` may be anything
// the caller uses to find the event again (a path, a stream name).
struct VIGIL_EXPORT EventRef {
  std::string file;
  uint64_t record = 0;
  bool operator==(const EventRef& o) const { return file == o.file && record == o.record; }
};

struct VIGIL_EXPORT CorrelationAlert {
  const CorrelationRule* rule = nullptr;  // points into the RuleSet
  CorrelationType type = CorrelationType::kEventCount;
  // group-by field (or alias) -> value; nullopt when the events lacked the field.
  std::vector<std::pair<std::string, std::optional<std::string>>> group;
  int64_t window_start = 0;  // unix milliseconds: first contributing event
  int64_t window_end = 0;    // unix milliseconds: last contributing event
  double value = 0;          // the aggregate that met the condition
  // What the alert is about beyond its group: first_seen's new value(s) and the rarity
  // reading's rare value, by condition.field name. Empty for the other types.
  std::vector<std::pair<std::string, std::optional<std::string>>> subject;
  std::vector<EventRef> events;  // contributing events, in time order
};

struct VIGIL_EXPORT CorrelatorOptions {
  // How far behind the latest event time seen an event may arrive and still be
  // processed in time order. Events are buffered until the watermark (max event time
  // seen - lateness) passes them; an event older than the watermark when it arrives is
  // dropped and counted in late_events(). Use a very large value (INT64_MAX) to buffer
  // everything until Flush().
  int64_t lateness_ms = 15 * 60 * 1000;
  // The time invariant: an event dated more than max_future_ms after the latest time
  // that can be trusted for it is a time outlier. The trusted time is the delivery time
  // in the event's file name (EventRef::file ending in a CloudTrail log file name,
  // <account>_CloudTrail_<region>_YYYYMMDDTHHMMZ_<random>.json.gz) when that is not
  // later than the clock, else the clock. An outlier is counted in future_events() and
  // is not correlated at all: it does not move the watermark, enter a window, or teach
  // or age a first_seen baseline (an event from 2099 would otherwise make every later
  // event "late" and age the whole baseline out when it is saved). INT64_MAX: no bound.
  int64_t max_future_ms = 24 * 60 * 60 * 1000;
  // The clock for that bound, unix milliseconds; 0 reads the system clock at each event
  // (set it to replay a stream as of a given time, or in tests).
  int64_t now_ms = 0;
  // LoadBaseline refuses a file larger than this (checked before its bytes are held,
  // and while reading, so /dev/zero or a growing file cannot exhaust memory).
  uint64_t max_baseline_bytes = 256u << 20;
  // The memory bound of correlation state (docs/limits.md, "Memory bound"): events held
  // at once, in the reorder buffer and in window state, each at most half of this.
  // Roughly 1 KB each with the pack's correlations, so 200,000 is about 200 MB
  // whatever the input. A stream denser than that in event time is still correlated,
  // with two reported degradations instead of unbounded growth:
  //  - the reorder buffer full: its oldest event is processed before the watermark
  //    passes it (counted in early_events()); a later event older than it is then
  //    late (late_events());
  //  - window state full: every group drops the older half of its window (at least
  //    one entry), so a sliding count can miss a threshold (evicted_events()).
  // first_seen baselines are bounded apart: what they learn is kept within
  // max_baseline_bytes, so a baseline saved can always be loaded again.
  size_t max_held_events = 200000;
};

// Evaluates the correlation rules of a RuleSet over a stream of matched events.
//
// Usually fed by a scan (ScanOptions::correlator: ScanInputs, ScanEvents), which tells
// it every record's matches with the fields the Scanner already read; Add is for
// streams the caller matches itself.
//
// Thread safety: a Correlator is single-threaded (no internal locking); use one per
// stream. Correlation needs one global time order, so feed it from one thread (a
// parallel scan feeds it from the calling thread, in input order).
//
// Ownership: it keeps the RuleSet alive (shared_ptr); alerts point into the RuleSet
// (CorrelationAlert::rule) and stay valid as long as it does.
//
// Memory: only events that matched a rule referenced by some correlation are kept:
// in the reorder buffer (at most `lateness` of event time) and in per-group window
// state, which is evicted as the watermark advances past `timespan`; both together
// hold at most CorrelatorOptions::max_held_events, and first_seen baselines at most
// what fits in max_baseline_bytes when saved.
class VIGIL_EXPORT Correlator {
 public:
  explicit Correlator(std::shared_ptr<const RuleSet> rules, CorrelatorOptions options = {});
  ~Correlator();
  Correlator(const Correlator&) = delete;
  Correlator& operator=(const Correlator&) = delete;

  // Tells the correlator about one event and the matches the Scanner found for it.
  // Events with no match relevant to a correlation are ignored cheaply (the JSON is
  // not parsed). Returns an error for malformed JSON or an event without a readable
  // time (eventTime, else @timestamp; a number must be unix seconds or milliseconds
  // within years 1..9999); the event is then not used, and an
  // unreadable time is also counted in untimed_events(). A time outlier (see
  // CorrelatorOptions::max_future_ms) returns Ok, is counted and is not used.
  //
  // `captured`: the Scanner's capture of this event's fields (Scanner::captured()),
  // made with the same RuleSet: RuleSet::captured_fields() first, then whatever
  // record fields the Scanner was also asked for (not read here). When it is given, the
  // event is not parsed again (`event_json` is not read and may be empty) and its
  // fields read exactly as from the text.
  Status Add(std::string_view event_json, std::span<const Match> matches, const EventRef& ref,
             const CapturedFields* captured = nullptr);

  // Processes every buffered event and closes every open anchored window: call at the
  // end of the stream. Add may be called again afterwards (state is kept).
  void Flush();

  // The alerts raised so far, in the order raised; the internal list is emptied.
  std::vector<CorrelationAlert> TakeAlerts();

  // Events held: buffered for reordering plus held in window state.
  size_t StateSize() const;
  uint64_t late_events() const;
  // Events relevant to a correlation dated past the max_future_ms horizon (not used).
  uint64_t future_events() const;
  // Events relevant to a correlation whose time could not be read (not used).
  uint64_t untimed_events() const;
  // The memory bound at work (CorrelatorOptions::max_held_events): events processed
  // before the watermark passed them because the reorder buffer was full, and window
  // entries dropped because window state was full. Either can change alerts: report
  // them (`vigil scan` warns in its summary).
  uint64_t early_events() const;
  uint64_t evicted_events() const;
  // first_seen values not learned because the baseline had reached its bound (see
  // CorrelatorOptions::max_baseline_bytes); each still alerts as new when seen.
  uint64_t unlearned_values() const;

  // First-seen baselines (vigil extension). The baseline is every value first_seen rules
  // have learned, with first and last time seen, plus each rule's learning start. It is
  // keyed by rule id (title when a rule has none), so a baseline saved with one rule set
  // can be loaded with another; entries of rules not loaded are kept and saved again
  // unchanged, aging with the retention written beside them.
  //
  // Format (docs/first-seen.md): JSON Lines, UTF-8. Line 1 is a header
  //   {"vigil_baseline":2,"saved":"<ISO time>"}
  // then one line per rule, then one per learned value, then the end line:
  //   {"rule":"<id>","learning_since":"<ISO>","retention_seconds":<n>}
  //   {"rule":"<id>","group":[<string|null>...],"value":[<string>...],"first":"<ISO>","last":"<ISO>"}
  //   {"vigil_baseline_end":{"lines":<lines before it>,"bytes":<bytes before it>}}
  // A version 2 text without a matching end line (truncated, even at a line boundary)
  // is an error; version 1 (no end line) is still read.
  //
  // LoadBaseline merges the file into the current baseline (earliest first, latest
  // last, earliest learning start). A missing file is an empty baseline (Ok: the first
  // run); a file that cannot be read or parsed, that is not a regular file, or that is
  // larger than options.max_baseline_bytes is an error naming path(:line), and nothing
  // is merged. Load before the first Add. Neither call locks the file: callers that
  // share one between processes serialise them (`vigil scan` holds a flock).
  Status LoadBaseline(const std::string& path);
  // Writes the baseline to `path` atomically: a temporary file in the same folder,
  // flushed to disk (fsync), then renamed over `path`, so a crash leaves either the
  // old file or the new one, never a torn one. A symbolic link is followed (its target
  // is replaced and keeps its mode; a link to a missing file is an error). Entries older
  // than their retention at the latest event time seen are dropped first.
  Status SaveBaseline(const std::string& path);
  // The same text, for callers that keep state elsewhere (S3, a database); `origin`
  // names the text in errors.
  std::string SerializeBaseline();
  Status RestoreBaseline(std::string_view text, const std::string& origin);
  // Learned values held (all rules).
  size_t BaselineSize() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil
