// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The rules as written, kept in a RuleSet beside its compiled program for the
// authoring tools (RuleSet::detection, RuleSet::filters). Matching never reads them, so
// the compile stage does not know the syntax trees. Internal.
#pragma once

#include <vector>

#include "vigil/rule_source.h"
#include "vigil/ruleset.h"

namespace vigil::internal {

struct RuleSources {
  std::vector<Detection> detections;                  // by rule index
  std::vector<std::vector<RuleSet::Filter>> filters;  // by rule index
  CompileOptions options;                             // what the rules were compiled with
};

}  // namespace vigil::internal
