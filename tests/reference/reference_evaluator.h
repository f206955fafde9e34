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

#include "eval/embedded_json.h"
#include "eval/interpreter.h"
#include "ir/ir.h"

namespace vigil::testing {

// The rules of `ir` that match one JSON event, in rule order. The event is read once for
// all rules (the differential tests match hundreds of rules on events of ninety fields).
// An event with a duplicate key is read first-wins and last-wins; either may match.
// Returns false for malformed JSON.
inline bool ReferenceMatchAll(const vigil::internal::Ir& ir, std::string_view event_json,
                              std::vector<size_t>* matched) {
  matched->clear();
  std::vector<vigil::internal::TreeNode> readings;
  if (!vigil::internal::EventReadingsDecoded(event_json, ir.embedded_json, &readings)) return false;
  for (size_t rule = 0; rule < ir.rules.size(); ++rule) {
    for (const auto& root : readings) {
      if (vigil::internal::InterpretExpr(ir, ir.rules[rule].condition, root)) {
        matched->push_back(rule);
        break;
      }
    }
  }
  return true;
}

}  // namespace vigil::testing
