// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Stage 3 of the pipeline: RuleAst -> IR. Internal; use include/vigil/ instead.
//
// Applies every value modifier (encodings, wildcards, types), resolves the condition's
// identifiers and patterns, and interns predicates into the shared Ir tables.
// Entry point: LowerDetection. Errors carry the position of the offending key, value
// or condition token.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "ir/ir.h"
#include "syntax/rule_ast.h"

namespace vigil::internal {

using Placeholders = std::map<std::string, std::vector<std::string>>;

// Lowers a detection (of a rule or of a filter) into an expression over predicates
// interned in *ir. Returns false and appends errors on failure.
bool LowerDetection(const DetectionAst& detection, const Placeholders& placeholders, Ir* ir,
                    Expr* out, std::vector<Diagnostic>* diagnostics);

// Sigma string value -> glob text in the IR encoding ('*', '?' wildcards, '\' escapes
// the next byte), applying the spec's backslash rules. Exposed for tests.
std::string SigmaValueToGlob(const std::string& value);

}  // namespace vigil::internal
