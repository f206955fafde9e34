// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The rule files a path names and the diagnostics about them, shared by the two readers
// of rule files (RuleSetBuilder::AddPath, ReadRuleFiles), so that both walk the same
// files and say the same things about them. Internal.
#pragma once

#include <string>
#include <vector>

#include "vigil/status.h"

namespace vigil::internal {

// An error about a whole file (no line or column).
Diagnostic FileError(const std::string& file, std::string message);

// The rule files of `path`: the path itself when it is a file, else every rule file
// under the folder (load/yaml_loader.h ListRuleFiles). A missing path, or a walk that
// failed part-way, appends an error to *diagnostics (the files found before it are
// still returned).
std::vector<std::string> RuleFilesOf(const std::string& path, std::vector<Diagnostic>* diagnostics);

// The error at the document that passes kMaxRules (syntax/rule_ast.h): it and every
// rule after it are left out.
Diagnostic TooManyRules(const SourceLocation& where);

}  // namespace vigil::internal
