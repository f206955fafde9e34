// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Status, Result<T> and Diagnostic: how vigil reports bad input without exceptions.
//
// Bad rules and bad events are expected data, not programming errors, so no public
// function throws for them. Functions that can fail on input return Status or
// Result<T>; loaders collect every problem they find as a Diagnostic that points at
// the source (file, 1-based line and column) so a user can fix all of them at once.
//
// Thread safety: these are plain values; distinct objects may be used from
// different threads, a single object needs external synchronisation to be mutated.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

#include "vigil/export.h"

namespace vigil {

// A place in a source file. line and column are 1-based; 0 means "unknown"
// (for example an error about a whole file).
struct VIGIL_EXPORT SourceLocation {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;

  // "file:line:column", leaving out the parts that are unknown.
  std::string ToString() const;
};

enum class Severity { kWarning, kError };

// One finding about a rule file: an error makes the rule (not the whole file) unusable;
// a warning is advisory (for example: a correlation rule that names a rule not loaded).
struct VIGIL_EXPORT Diagnostic {
  Diagnostic() = default;
  Diagnostic(Severity s, SourceLocation w, std::string m)
      : severity(s), where(std::move(w)), message(std::move(m)) {}

  Severity severity = Severity::kError;
  SourceLocation where;
  std::string message;

  // "rules/x.yml:12:7: error: unknown modifier 'contain'"; "warning: ..." alone for a
  // finding about the rule set as a whole (no file, no line).
  std::string ToString() const;
};

// What kind of failure a Status reports. Code that must act on a failure (skip the
// record, report a limit, retry a file) branches on this, never on the message, whose
// wording is for people and may change.
enum class StatusCode {
  kOk = 0,
  // The data given is malformed: an event that is not valid JSON or not an object, an
  // event a correlation cannot place in time, a baseline, a rule's `tests:` attribute
  // or a vars file that does not have the documented shape.
  kInvalidInput,
  // A documented limit (docs/limits.md) was passed: an event nested too deep, a file
  // larger than its bound. The data may be well-formed; vigil declines it.
  kLimitExceeded,
  // A file could not be opened, read, written or renamed (the message has the system's
  // reason and the path).
  kIoError,
  // Another holder has the resource: a baseline file locked by a scan running now.
  kUnavailable,
  // Status::Error(message) without a code.
  kUnknown,
};

// "ok", "invalid input", "limit exceeded", "I/O error", "unavailable", "unknown".
VIGIL_EXPORT const char* StatusCodeName(StatusCode code);

// Success, or an error: a code and a message. Cheap to copy when ok.
class VIGIL_EXPORT Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }
  // REQUIRES: code != StatusCode::kOk.
  static Status Error(StatusCode code, std::string message) {
    return Status(code == StatusCode::kOk ? StatusCode::kUnknown : code, std::move(message));
  }
  static Status Error(std::string message) {
    return Error(StatusCode::kUnknown, std::move(message));
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or an error (std::expected is C++23; this is the small part vigil needs).
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status error) : v_(std::move(error)) {}  // NOLINT; REQUIRES: !error.ok()

  bool ok() const { return v_.index() == 0; }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  Status status() const { return ok() ? Status::Ok() : std::get<1>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace vigil
