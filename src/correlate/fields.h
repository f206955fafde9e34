// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The event fields a correlation rule reads besides the event's time. Internal: one
// walk shared by RuleSet (the fields it asks a Scanner to capture) and the Correlator
// (where it finds them in a capture), so the two lists cannot drift apart; a field
// missing from one would read as absent from a capture and change alerts silently.
#pragma once

#include <string>

#include "vigil/correlation.h"

namespace vigil::internal {

// Calls f(const std::string&) for each group-by field, each per-rule alias of one, and
// the condition field(s), in that order; the strings are the rule's own.
template <typename F>
void ForEachReadField(const CorrelationRule& rule, F&& f) {
  for (const auto& g : rule.group_by) f(g);
  for (const auto& aliases : rule.group_by_alias) {
    for (const auto& [detection, field] : aliases) f(field);
  }
  if (!rule.field.empty()) f(rule.field);
  for (const auto& x : rule.fields) f(x);
}

}  // namespace vigil::internal
