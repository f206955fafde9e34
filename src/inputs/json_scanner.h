// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// JsonScanner: a small, strict, byte-at-a-time JSON validator that finds where one
// JSON value ends and, when the text is broken, exactly where and why. Internal; use
// include/vigil/input.h instead.
//
// The readers parse with simdjson On-Demand, which is fast but skips over values it
// is not asked about without checking them, and reports a stage-1 error (an unclosed
// string, bad UTF-8) for the document as a whole. This scanner is the slow path for
// the cases simdjson cannot handle well: telling a complete first line from the first
// line of a pretty-printed document, and walking a damaged document value by value
// so that every event before the damage is still delivered and the error has a
// precise position. It validates the grammar of RFC 8259 (strings, escapes, numbers,
// literals, nesting) but not UTF-8; callers check that with simdjson::validate_utf8.
//
// It never reads outside [begin, end) and never allocates.
//
// Tested by tests/inputs/json_scanner_test.cc.
#pragma once

#include <cstddef>

namespace vigil::internal {

class JsonScanner {
 public:
  // Deeper nesting is reported as an error rather than risking a stack overflow in
  // whoever parses the value next; simdjson's default limit is the same.
  static constexpr int kMaxDepth = 1024;

  JsonScanner(const char* begin, const char* end) : pos_(begin), end_(end) {}

  const char* pos() const { return pos_; }
  void set_pos(const char* p) { pos_ = p; }
  const char* end() const { return end_; }
  bool at_end() const { return pos_ == end_; }
  // The current byte. REQUIRES: !at_end().
  char peek() const { return *pos_; }
  void Advance() { ++pos_; }

  // Skips JSON whitespace (space, tab, CR, LF).
  void SkipWs() {
    while (pos_ < end_ && IsWs(*pos_)) ++pos_;
  }

  // Validates the value starting at pos() (after whitespace) and moves past it.
  // On failure returns false and sets the error fields; pos() is then unspecified.
  bool SkipValue();
  // Validates a string starting at pos(), which must be at '"', and moves past it.
  bool SkipString();

  // Error position, message (a string literal), and whether the error is only that
  // the input ended too early (the text so far was a valid prefix).
  const char* error_pos() const { return error_pos_; }
  const char* error_message() const { return error_message_; }
  bool error_at_end() const { return error_at_end_; }

  // Record an error found by a caller that walks the grammar itself (the readers'
  // slow path reads object keys and array separators on its own). Return false.
  bool Fail(const char* at, const char* message);
  bool FailEnd(const char* message);

  static bool IsWs(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

 private:
  bool SkipNumber();
  bool SkipLiteral(const char* word, size_t len);

  const char* pos_;
  const char* end_;
  const char* error_pos_ = nullptr;
  const char* error_message_ = "";
  bool error_at_end_ = false;
};

// How a line of text reads as JSON: one complete value (whitespace around it
// allowed), the valid beginning of a longer value, or neither.
enum class LineShape { kComplete, kIncomplete, kInvalid };
LineShape ClassifyLine(const char* begin, const char* end);

}  // namespace vigil::internal
