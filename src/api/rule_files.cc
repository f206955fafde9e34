// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0

#include "api/rule_files.h"

#include <filesystem>

#include "load/yaml_loader.h"
#include "syntax/rule_ast.h"

namespace vigil::internal {

Diagnostic FileError(const std::string& file, std::string message) {
  SourceLocation where;
  where.file = file;
  return Diagnostic(Severity::kError, std::move(where), std::move(message));
}

std::vector<std::string> RuleFilesOf(const std::string& path,
                                     std::vector<Diagnostic>* diagnostics) {
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    if (!std::filesystem::exists(path, ec)) {
      diagnostics->push_back(FileError(path, "no such rule file or folder"));
      return {};
    }
    return {path};
  }
  std::vector<std::string> files = ListRuleFiles(path, &ec);
  if (ec) diagnostics->push_back(FileError(path, "cannot walk folder: " + ec.message()));
  return files;
}

Diagnostic TooManyRules(const SourceLocation& where) {
  return Diagnostic(Severity::kError, where,
                    "more than " + std::to_string(kMaxRules) +
                        " rules: this rule and every rule after it are left out");
}

}  // namespace vigil::internal
