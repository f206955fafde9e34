// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The reference evaluator of the test suite: the interpreter of src/eval/interpreter.h
// (plain tree walk, no compilation) applied to a whole rule. It shares nothing with the
// compiled matcher, so when the two disagree on an event, one of them has a bug.
//
// Tested by tests/eval/cases_test.cc, which runs every case of tests/cases/*.yml
// through both this evaluator and the compiled Scanner.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "eval/interpreter.h"
#include "ir/ir.h"

namespace vigil::testing {

// Evaluates rule `rule` of `ir` (REQUIRES: rule < ir.rules.size()) on one JSON event.
// Returns false for malformed JSON.
inline bool ReferenceMatch(const vigil::internal::Ir& ir, size_t rule,
                           std::string_view event_json) {
  // An event with a duplicate key is read first-wins and last-wins; either may match.
  std::vector<vigil::internal::TreeNode> readings;
  if (!vigil::internal::EventReadings(event_json, &readings)) return false;
  for (const auto& root : readings) {
    if (vigil::internal::InterpretExpr(ir, ir.rules.at(rule).condition, root)) return true;
  }
  return false;
}

}  // namespace vigil::testing
