// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Parser of Sigma detection conditions. Internal; use include/vigil/ instead.
//
// Grammar (Sigma 2.1.0; keywords are case-insensitive), least to most binding:
//
//   condition  = or_expr EOF
//   or_expr    = and_expr { "or" and_expr }
//   and_expr   = not_expr { "and" not_expr }
//   not_expr   = "not" not_expr | primary
//   primary    = "(" or_expr ")" | quantified | IDENTIFIER
//   quantified = ( "1" | "any" | "all" ) "of" ( "them" | PATTERN )
//   IDENTIFIER = [A-Za-z0-9_.-]+      PATTERN = IDENTIFIER with '*' wildcards
//
// The Sigma 1 aggregation syntax (`sel | count() by x > 5`, `near`) was removed in
// Sigma 2; it is rejected with an error that says so and where it starts.
// Nesting (open parentheses plus `not`s around a term) is capped at
// kMaxConditionDepth so hostile rules cannot exhaust the stack here or in the later
// recursive walks of the tree (lowering, evaluation, explain); deeper is an error at
// the offset of the '(' or 'not' that passes it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vigil/rule_source.h"

namespace vigil::internal {

inline constexpr int kMaxConditionDepth = 64;

// The parsed tree is the public ConditionNode (include/vigil/rule_source.h).
using CondNode = ConditionNode;

struct ConditionError {
  size_t offset = 0;
  std::string message;
};

// Returns true and fills *out, or returns false and fills *error.
bool ParseCondition(std::string_view text, CondNode* out, ConditionError* error);

}  // namespace vigil::internal
