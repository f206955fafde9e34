// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The small value types of the public API: SourceLocation, Diagnostic, StatusCode and
// Logsource.

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
  const char* kind = severity == Severity::kError ? "error: " : "warning: ";
  // About the rule set as a whole (the automata built from all of its rules): no place.
  if (where.file.empty() && where.line == 0) return kind + message;
  return where.ToString() + ": " + kind + message;
}

const char* StatusCodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "ok";
    case StatusCode::kInvalidInput: return "invalid input";
    case StatusCode::kLimitExceeded: return "limit exceeded";
    case StatusCode::kIoError: return "I/O error";
    case StatusCode::kUnavailable: return "unavailable";
    case StatusCode::kUnknown: break;
  }
  return "unknown";
}

bool Logsource::FitsCloudTrail() const {
  return category.empty() && (product.empty() || product == "aws") &&
         (service.empty() || service == "cloudtrail");
}

}  // namespace vigil
