// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Rule unit tests: the events a rule carries in its custom `tests:` attribute, each
// with the verdict the author expects, run through the compiled matcher.
//
//   tests:
//       - name: 'StopLogging on the organization trail'
//         expect: match            # or no_match
//         event: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging, ...}
//
// A test runs against the whole RuleSet the rule was built into, so Sigma filters
// loaded alongside apply to it exactly as in a scan. Logsource is not considered (the
// event is matched as EventKind::kAny): a test is about the detection logic. Each test
// is also explained (explain.h); the explanation is kept for failures, and a test whose
// explanation disagrees with the compiled matcher fails with an "engine disagreement"
// error, since that is a vigil bug.
//
// Correlation rules (correlation.h) carry sequence tests instead: a list of events fed
// in order, and the exact alerts the correlation is expected to raise from them.
//
//   tests:
//       - name: 'five failed logins from one address within five minutes'
//         events:                   # fed in this order (the correlator orders by event time)
//             - {eventTime: '2026-01-01T00:00:00Z', eventName: ConsoleLogin, ...}
//             - ...
//         alerts:                   # every alert expected, in the order raised; [] for none
//             - group: {sourceIPAddress: '198.51.100.7'}  # group-by values, null: field missing
//               value: 5                                   # optional: the aggregate
//               events: [0, 1, 2, 3, 4]                    # optional: indexes into `events`
//
// `group` may be left out when the correlation has no group-by (it then means {}); it
// is compared exactly (every group-by name, in any order, with its value). `value` is
// compared up to a relative 1e-9, `events` as a set of the contributing events'
// indexes. A test runs the events through the RuleSet's Scanner (EventKind::kAny,
// filters apply) and a fresh Correlator that buffers everything until Flush, so the
// order written does not drop events; only the alerts of the tested correlation count
// (those of correlations it chains from are not compared). An event the Correlator
// cannot use (no eventTime or @timestamp) makes the test fail with an error naming it.
//
// Thread safety: RunRuleTests builds its own Scanner; it may run concurrently with
// other readers of the RuleSet. Results are plain values (`rule` points into the set).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "vigil/export.h"
#include "vigil/rule.h"
#include "vigil/ruleset.h"
#include "vigil/status.h"

namespace vigil {

struct VIGIL_EXPORT RuleTestCase {
  std::string name;
  bool expect_match = false;
  std::string event_json;  // compact JSON of the event
};

// Reads the `tests:` attribute of a rule. A rule without one yields an empty list and
// Ok; a malformed one (not a list, an entry without name, expect other than
// match/no_match, event not an object) an error naming the entry.
VIGIL_EXPORT Status ParseRuleTests(const RuleInfo& rule, std::vector<RuleTestCase>* out);

// One alert a correlation test expects.
struct VIGIL_EXPORT CorrelationTestAlert {
  // group-by name -> value (nullopt: the field is missing), in the order written.
  std::vector<std::pair<std::string, std::optional<std::string>>> group;
  std::optional<double> value;               // unset: not compared
  std::optional<std::vector<uint64_t>> events;  // sorted, unique; unset: not compared
  // CorrelationAlert::subject (first_seen's new value, a rare value); unset: not compared.
  std::optional<std::vector<std::pair<std::string, std::optional<std::string>>>> subject;
};

struct VIGIL_EXPORT CorrelationTestCase {
  std::string name;
  std::vector<std::string> events_json;  // compact JSON of each event, in the order written
  std::vector<CorrelationTestAlert> alerts;
};

// Reads the `tests:` attribute of a correlation rule (`rule` is CorrelationRule::info).
// No attribute yields an empty list and Ok; a malformed one (not a list, an entry that
// is not a map or has no name, no `events` list of maps, no `alerts` list, an alert
// that is not a map, a group value that is a list or map, an event index out of range,
// an unknown key) an error naming the test and, where there is one, the alert.
VIGIL_EXPORT Status ParseCorrelationTests(const RuleInfo& rule,
                                          std::vector<CorrelationTestCase>* out);

// One alert line of a correlation test's diff:
// "group k=v k2=null value=5 events=[0,1] subject k=v" (value, events, subject when set).
VIGIL_EXPORT std::string FormatCorrelationTestAlert(const CorrelationTestAlert& alert);

struct VIGIL_EXPORT RuleTestResult {
  std::string name;
  // Detection tests: the verdict expected and the one the matcher gave.
  bool expect_match = false;
  bool matched = false;
  std::string error;  // set when the test could not run or the engine disagreed
  // Failed tests only: for a detection test Explanation::ToText(); for a correlation
  // test the expected and actual alerts, one FormatCorrelationTestAlert line each.
  std::string explanation;
  // Correlation tests: the alerts expected and raised (count, and whether they agree).
  bool correlation = false;
  size_t expected_alerts = 0;
  size_t actual_alerts = 0;
  bool alerts_equal = false;
  bool passed() const {
    return error.empty() && (correlation ? alerts_equal : matched == expect_match);
  }
};

struct VIGIL_EXPORT RuleTestReport {
  // A detection rule (rule_index into RuleSet::rule) or, when `correlation`, a
  // correlation rule (correlation_index into RuleSet::correlation; rule_index is 0).
  size_t rule_index = 0;
  bool correlation = false;
  size_t correlation_index = 0;
  const RuleInfo* rule = nullptr;  // RuleSet::rule(i) or RuleSet::correlation(i).info
  std::string error;  // the tests attribute is malformed (then `results` is empty)
  std::vector<RuleTestResult> results;

  bool has_tests() const { return !results.empty(); }
  size_t failures() const;
  bool passed() const { return error.empty() && failures() == 0; }
};

// Runs the tests of every rule of `set`: one report per detection rule, in rule order,
// then one per correlation rule, in RuleSet::correlation order (with or without tests).
VIGIL_EXPORT std::vector<RuleTestReport> RunRuleTests(const std::shared_ptr<const RuleSet>& set);

}  // namespace vigil
