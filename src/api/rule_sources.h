// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The rules as written, kept in a RuleSet beside its compiled program for the
// authoring tools (Explain, rule tests), which say item by item what held. Matching
// never reads them, so the compile stage does not know the syntax trees. Internal.
#pragma once

#include <vector>

#include "ir/lower.h"
#include "syntax/rule_ast.h"
#include "vigil/rule.h"

namespace vigil::internal {

// One detection rule: its detection and the detections of the filters applied to it.
struct RuleSource {
  DetectionAst detection;
  struct Filter {
    RuleInfo info;
    DetectionAst detection;
  };
  std::vector<Filter> filters;
};

struct RuleSources {
  std::vector<RuleSource> rules;  // by rule index
  Placeholders placeholders;      // the %name% values the rules were lowered with
};

}  // namespace vigil::internal
