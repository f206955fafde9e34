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
#include <utility>
#include <vector>

#include "ir/ir.h"
#include "syntax/rule_ast.h"

namespace vigil::internal {

using Placeholders = std::map<std::string, std::vector<std::string>>;

// Whether a `|re` pattern (with RegexFlags) can be compiled; false with the reason in
// *error. The regex engine belongs to the compile stage (compile/regex.h
// CompileRegexCheck), which callers pass in: lowering reports a bad pattern at its
// place in the rule without depending on a later stage.
using RegexCheck = bool (*)(const std::string& pattern, uint8_t flags, std::string* error);

// Lowers a detection (of a rule or of a filter) into an expression over predicates
// interned in *ir. Returns false and appends errors on failure.
bool LowerDetection(const DetectionAst& detection, const Placeholders& placeholders,
                    RegexCheck check_regex, Ir* ir, Expr* out,
                    std::vector<Diagnostic>* diagnostics);

// Lowers one detection item alone (for `vigil explain`, which reports items one by one).
bool LowerItem(const ItemAst& item, const Placeholders& placeholders, RegexCheck check_regex,
               Ir* ir, Expr* out, std::vector<Diagnostic>* diagnostics);

// Evaluates a parsed condition given the truth of each search identifier, in declaration
// order (which `1 of` / `all of` patterns select from, as LowerDetection does).
bool EvalCondition(const CondNode& condition,
                   const std::vector<std::pair<std::string, bool>>& identifiers);

// The identifiers a condition refers to, with `1 of X` / `all of X` expanded against the
// declared identifiers. May repeat names; unknown names are included as written.
std::vector<std::string> ConditionIdentifiers(const CondNode& condition,
                                              const std::vector<std::string>& declared);

// Sigma string value -> glob text in the IR encoding ('*', '?' wildcards, '\' escapes
// the next byte), applying the spec's backslash rules. Exposed for tests.
std::string SigmaValueToGlob(const std::string& value);

}  // namespace vigil::internal
