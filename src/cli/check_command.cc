// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil check`: lints rule files (errors, and warnings for what is likely wrong).

#include <cstdio>
#include <vector>

#include "cli/rule_tools.h"
#include "cli/text_out.h"

namespace vigil::cli {
namespace {

constexpr const char* kCheckHelp = R"(usage: vigil check [options] [PATH]...

Lint rule files: errors that stop a rule from loading (YAML, schema, modifiers,
identifiers, regexes), duplicate ids, and warnings for what is likely wrong: unused
identifiers, conditions that never or always match, '*x*' values that should be
|contains, CloudTrail field names CloudTrail does not have (with the closest real
one), rules without tests, and what other Sigma tools reject: regex constructs outside
the specification's subset, CIDR values with host bits set, condition operators not
in lower case, correlations naming rules by title or naming rules not loaded
(docs/sigma-conformance.md). Each finding is file:line:column: severity: message
[check].

options:
  --rules PATH         a rule file or folder, as PATH is; repeatable
  --vars FILE          values for |expand placeholders
  --no-require-tests   do not warn about rules without tests
  --strict             exit 1 on warnings too
  -q, --quiet          no summary line

exit status: 0 no errors (and no warnings with --strict); 1 otherwise; 2 bad usage.
)";

}  // namespace

int Check(int argc, char** argv) {
  CheckArgs o;
  if (int rc = Parse(argc, argv, kCheckHelp, &o); rc >= 0) return rc;
  vigil::LintOptions lopts;
  if (!CompileOptionsFrom(o, &lopts.compile)) return 2;
  lopts.require_tests = !o.no_require_tests;
  const vigil::LintReport rep = vigil::LintPaths(PathsOrDefault(o, o.paths), lopts);
  for (const auto& d : rep.diagnostics) std::printf("%s\n", DiagnosticLine(d).c_str());
  if (!o.quiet) {
    std::fprintf(stderr, "vigil: %zu files, %zu rules checked: %zu errors, %zu warnings\n",
                 rep.files, rep.rules, rep.errors(), rep.warnings());
  }
  std::fflush(stdout);
  if (rep.errors()) return 1;
  return (o.strict && rep.warnings()) ? 1 : 0;
}

}  // namespace vigil::cli
