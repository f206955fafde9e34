// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The small value types of the public API: SourceLocation, Diagnostic and Logsource.

#include "vigil/rule.h"
#include "vigil/status.h"

namespace vigil {

std::string SourceLocation::ToString() const {
  std::string s = file.empty() ? "<unknown>" : file;
  if (line > 0) {
    s += ":" + std::to_string(line);
    if (column > 0) s += ":" + std::to_string(column);
  }
  return s;
}

std::string Diagnostic::ToString() const {
  return where.ToString() + (severity == Severity::kError ? ": error: " : ": warning: ") + message;
}

bool Logsource::FitsCloudTrail() const {
  return category.empty() && (product.empty() || product == "aws") &&
         (service.empty() || service == "cloudtrail");
}

}  // namespace vigil
