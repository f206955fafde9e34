// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Explain: why a rule did or did not match one event, item by item.
//
// For rule authors and analysts: `vigil explain`, the failure report of `vigil test`
// and the Python binding all use it. For each search identifier of the rule (and of
// every filter applied to it) it lists each detection item as written, the values the
// event has for the item's field, and whether the item held; then the condition and
// the verdict.
//
// How: on the rule as the RuleSet kept it (RuleSet::detection, rule_source.h), each
// item is evaluated alone (ItemHolds: the engine's reference interpreter, not the
// compiled matcher that scans use; the two implement one contract and the test suite
// holds them to agreement), and the conditions on the identifiers' outcomes
// (Detection::Evaluate). `Explanation::matched` is that verdict. Explaining is slow (each
// item is lowered again, the event parsed into a tree) and meant for one event at a
// time, not for scans.
//
// Thread safety: Explain only reads the RuleSet; it may run on any number of threads.
// The returned Explanation is a plain value that owns everything except `rule`, which
// points into the RuleSet and lives as long as it does.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/export.h"
#include "vigil/rule.h"
#include "vigil/ruleset.h"
#include "vigil/status.h"

namespace vigil {

// One `field|modifiers: values` entry (or a keyword list) of a search identifier.
struct VIGIL_EXPORT ItemTrace {
  std::string text;   // the item as written, e.g. "eventName|startswith: [Put, Delete]"
  std::string field;  // empty for keywords
  SourceLocation where;
  bool held = false;
  // The field's values in the event (strings unescaped, objects and arrays as compact
  // JSON, null as "null"), at most kMaxSeen, each cut to kMaxSeenBytes. Empty when the
  // field is missing, and for keyword items.
  std::vector<std::string> seen;
  bool seen_truncated = false;
  static constexpr size_t kMaxSeen = 8;
  static constexpr size_t kMaxSeenBytes = 160;
};

// One search identifier: an OR of alternatives (the elements of a list of maps), each
// an AND of items.
struct VIGIL_EXPORT IdentifierTrace {
  std::string name;
  SourceLocation where;
  bool held = false;
  bool used = true;  // false if no condition refers to it (then it cannot matter)
  std::vector<std::vector<ItemTrace>> alternatives;
};

// A detection (the rule's own, or a filter's) on one event.
struct VIGIL_EXPORT DetectionTrace {
  std::vector<IdentifierTrace> identifiers;
  std::vector<std::string> conditions;  // as written; several are OR-ed
  bool held = false;
};

struct VIGIL_EXPORT FilterTrace {
  std::string title;
  std::string id;
  SourceLocation where;
  DetectionTrace detection;  // the rule matches only if every filter's detection holds
};

struct VIGIL_EXPORT Explanation {
  const RuleInfo* rule = nullptr;
  DetectionTrace detection;
  std::vector<FilterTrace> filters;
  bool matched = false;  // detection held and every filter held

  // A readable multi-line report: one line per item, marked "+" (held) or "-" (did
  // not), with the values seen; then each condition and the verdict.
  std::string ToText() const;
};

// Explains rule `rule` of `set` (REQUIRES: rule < set.size()) on one JSON event.
// Returns an error for malformed JSON.
VIGIL_EXPORT Result<Explanation> Explain(const RuleSet& set, size_t rule,
                                         std::string_view event_json);

}  // namespace vigil
