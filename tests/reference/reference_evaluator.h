// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// A naive reference evaluator for the IR, linked only into the tests. It implements
// the semantic contract written at the top of src/ir/ir.h in the most direct way
// possible: the event is parsed into a plain tree (simdjson DOM), the value set of
// each predicate's field is collected by a recursive walk, and each operator is
// applied with plain code (a recursive glob matcher, ASCII folding, PCRE2 without JIT,
// the CIDR and time helpers of src/util). It shares nothing with src/eval or
// src/compile, so when it and the compiled matcher disagree on an event, one of them
// has a bug. It is slow on purpose: clarity over speed.
//
// Tested by tests/eval/cases_test.cc, which runs every case of tests/cases/*.yml
// through both this evaluator and the compiled Scanner.
#pragma once

#include <cstddef>
#include <string_view>

#include "ir/ir.h"

namespace vigil::testing {

// Evaluates rule `rule` of `ir` (REQUIRES: rule < ir.rules.size()) on one JSON event
// with the plain tree-walking semantics of ir.h. Returns false for malformed JSON.
bool ReferenceMatch(const vigil::internal::Ir& ir, size_t rule, std::string_view event_json);

}  // namespace vigil::testing
