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

#include "eval/interpreter.h"
#include "ir/ir.h"

namespace vigil::testing {

// Evaluates rule `rule` of `ir` (REQUIRES: rule < ir.rules.size()) on one JSON event.
// Returns false for malformed JSON.
inline bool ReferenceMatch(const vigil::internal::Ir& ir, size_t rule,
                           std::string_view event_json) {
  vigil::internal::TreeNode root;
  if (!vigil::internal::ParseEventTree(event_json, &root)) return false;
  return vigil::internal::InterpretExpr(ir, ir.rules.at(rule).condition, root);
}

}  // namespace vigil::testing
