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
// Thread safety: RunRuleTests builds its own Scanner; it may run concurrently with
// other readers of the RuleSet. Results are plain values (`rule` points into the set).
#pragma once

#include <memory>
#include <string>
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

struct VIGIL_EXPORT RuleTestResult {
  std::string name;
  bool expect_match = false;
  bool matched = false;
  std::string error;        // set when the test could not run or the engine disagreed
  std::string explanation;  // Explanation::ToText(), for failed tests only
  bool passed() const { return error.empty() && matched == expect_match; }
};

struct VIGIL_EXPORT RuleTestReport {
  size_t rule_index = 0;
  const RuleInfo* rule = nullptr;
  std::string error;  // the tests attribute is malformed (then `results` is empty)
  std::vector<RuleTestResult> results;

  bool has_tests() const { return !results.empty(); }
  size_t failures() const;
  bool passed() const { return error.empty() && failures() == 0; }
};

// Runs the tests of every rule of `set`, in rule order (one report per rule, with or
// without tests).
VIGIL_EXPORT std::vector<RuleTestReport> RunRuleTests(const std::shared_ptr<const RuleSet>& set);

}  // namespace vigil
