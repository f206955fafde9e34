// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Lint: find what is wrong or suspicious in rule files before they are deployed
// (`vigil check`).
//
// Reports, each as a Diagnostic at file:line:column with a short check name in
// brackets at the end of the message (e.g. "[unused-identifier]"):
//   errors    everything that stops a rule from loading (YAML and schema errors,
//             unknown modifiers and invalid combinations, undefined identifiers, bad
//             regexes...), duplicate rule ids, malformed `tests:`;
//   warnings  schema style (missing id/description/author/level, id not a UUID, bad
//             date, malformed tags, misspelt attribute names), duplicate titles,
//             identifiers the condition never uses, modifiers given twice or without
//             effect (cased with re, all with one value), conditions that can never match
//             or that match events none of the identifiers match, wildcards that
//             should be modifiers ('*x*' -> |contains), CloudTrail field names that
//             CloudTrail does not have (with the closest real name), rules without
//             tests or without both a match and a no_match test (correlation rules:
//             without both a test that expects an alert and one that expects none);
//             what loads in vigil but not in other Sigma tools
//             (docs/sigma-conformance.md, "Acceptance"): `|re` constructs outside the
//             specification's regular-expression subset ([regex-portability], each
//             construct named), CIDR networks with host bits set ([cidr-host-bits]),
//             condition operators not in lower case ([condition-keyword-case]), and,
//             from the builder, correlations naming rules by title
//             ([reference-by-title]) or naming rules that are not loaded
//             ([unresolved-reference]).
// A rule keeps what a check of its own warns about by saying why, in the vigil attribute
// `check-exceptions: {regex-portability: 'reason', ...}`; without a reason nothing is
// excepted.
//
// Thread safety: a pure function of the files it reads.
#pragma once

#include <string>
#include <vector>

#include "vigil/export.h"
#include "vigil/ruleset.h"
#include "vigil/status.h"

namespace vigil {

struct VIGIL_EXPORT LintOptions {
  CompileOptions compile;
  // Warn about rules with no `tests:` (the bundled pack requires tests; users may not).
  bool require_tests = true;
};

struct VIGIL_EXPORT LintReport {
  std::vector<Diagnostic> diagnostics;  // sorted by file, line, column
  size_t files = 0;
  size_t rules = 0;  // documents that are detection rules, filters or correlations
  size_t errors() const;
  size_t warnings() const;
};

// Lints every rule file under `paths` (files or folders, walked as RuleSetBuilder
// walks them). Rules are checked together, so duplicate ids across files are found.
VIGIL_EXPORT LintReport LintPaths(const std::vector<std::string>& paths,
                                  const LintOptions& options = {});

// The closest known CloudTrail record field path to `path` (for example
// "sourceIpAddress" -> "sourceIPAddress"), or "" when `path` is a known field, lies
// inside a free-form part of the record (requestParameters, responseElements,
// additionalEventData, serviceEventDetails...), or nothing is close. `known` is set to
// whether the path is valid. Exposed for tests and tools.
VIGIL_EXPORT std::string SuggestCloudTrailField(const std::string& path, bool* known);

}  // namespace vigil
