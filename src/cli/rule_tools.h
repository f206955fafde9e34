// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// What the rule author's commands share (test_command.cc, check_command.cc,
// explain_command.cc, list_command.cc): option handling, rule loading, and the text of
// rules and correlations as they print it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cli/common.h"
#include "vigil/vigil.h"

namespace vigil::cli {

// The rule's file name (its path without the folders), or "-" without one.
std::string FileName(const vigil::RuleInfo& r);

// Each line of `text` made inert for the terminal (QuotedText, text_out.h), behind
// `pad`: explanations quote rule titles, values and event fields, which rules and
// events choose.
std::string Indent(const std::string& text, const std::string& pad);

// "5m", "1h", "90s": the largest unit that divides the span (as Sigma writes them).
std::string TimespanText(int64_t ms);

// A number as explain and list print it: at most 15 significant digits.
std::string NumberText(double v);

// "gte 3", "gt 1 and lt 10", or "all rules" (temporal types without a condition).
std::string ConditionText(const vigil::CorrelationRule& c);

// The title of what each position of a correlation references: a detection rule or a
// chained correlation (a name shared by several rules gives them all one title).
std::vector<std::string> ReferencedTitles(const vigil::RuleSet& set,
                                          const vigil::CorrelationRule& c);

// One line: "event_count of 'A', 'B' by sourceIPAddress within 5m: gte 3".
std::string CorrelationSummary(const vigil::RuleSet& set, const vigil::CorrelationRule& c);

// The paths given (--rules, then the operands), or the bundled rules when none.
std::vector<std::string> PathsOrDefault(const RuleArgs& o,
                                        const std::vector<std::string>& operands);

// Loads every rule under `paths` with the --vars placeholders (null if the vars file
// is bad; the error is printed). Rules that fail to load are in the diagnostics.
std::shared_ptr<const vigil::RuleSet> BuildRules(const RuleArgs& o,
                                                 const std::vector<std::string>& paths);

}  // namespace vigil::cli
