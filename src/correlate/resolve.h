// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The correlate stage (src/correlate/): correlation rules compiled when a RuleSet is
// built (this header, the stage's entry), then evaluated over a stream of matched
// events by the Correlator (include/vigil/correlation.h; correlator.cc), which a scan
// feeds (ScanOptions::correlator; src/inputs/scan_inputs.cc).
//
//   RuleAst (correlation)  --ResolveCorrelations-->  CorrelationRule (in the RuleSet)
//   Record + its Matches + CapturedFields  --Correlator::Add-->  CorrelationAlert
//
// fields.h lists the event fields a correlation reads, for the RuleSet (what a Scanner
// captures) and the Correlator (where it finds them) alike.
#pragma once

#include <vector>

#include "syntax/rule_ast.h"
#include "vigil/correlation.h"
#include "vigil/rule.h"

namespace vigil::internal {

// Compiles the correlation rules `asts`: resolves each one's rule references (by id or
// name, and only when none matches, by title; correlations may reference correlations)
// to indexes of `detections` (the RuleSet's detection rules, in order), its group-by
// aliases, timespan and condition, into `out` (one CorrelationRule per correlation that
// resolves; one that does not is left out with a diagnostic). Fills `suppressed`, by
// detection rule, with the generate semantics: a rule referenced only by correlations
// without `generate: true` does not report its own matches. Problems go to `diags`
// (errors and warnings naming the rule's file, line and column).
void ResolveCorrelations(const std::vector<const RuleAst*>& asts,
                         const std::vector<RuleAst*>& detections, std::vector<CorrelationRule>* out,
                         std::vector<bool>* suppressed, std::vector<Diagnostic>* diags);

}  // namespace vigil::internal
