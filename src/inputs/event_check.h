// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// EventCheck: proves that one event's text is valid JSON before it is reported as a
// match. Internal; use include/vigil/scanner.h instead.
//
// The matcher (simdjson On-Demand) skips the fields no rule reads without checking
// their literals, so a matched event may still hold a broken number or escape
// somewhere (fuzz/README.md). Its text is printed, so it is checked whole first. The
// strict JsonScanner does that with exact error positions, but a token at a time:
// most of its time goes to the mispredicted branch at the end of each short string.
// simdjson's DOM parser validates the same grammar with SIMD and no per-string
// branch, 1.4-1.6x faster than the JsonScanner even after its 16-byte string loop
// (generated CloudTrail events, 1.4 KB; benchmarks/README.md), so it runs first.
//
// The verdict is always the JsonScanner's. The DOM parser is stricter than RFC 8259
// in a few places: numbers outside the range of a double or a 64-bit integer
// (1e400, 2^64), lone UTF-16 surrogates (\ud800), and invalid UTF-8 (which the
// matcher has rejected before this runs); it never accepts what the JsonScanner
// rejects (its nesting limit, 1024, is the same). So when the DOM parser accepts,
// the event is valid, and when it refuses, the JsonScanner decides and says where
// and why. Events larger than kMaxDomBytes go straight to the JsonScanner: the DOM
// parser's buffers grow to about 14 times the largest event it has parsed.
//
// Tested by tests/inputs/event_check_test.cc.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace vigil::internal {

class EventCheck {
 public:
  static constexpr size_t kMaxDomBytes = 256 << 10;

  // True when `json` is one JSON value with only whitespace around it. Otherwise
  // false, and *error says "invalid JSON at byte N of the event: <reason>".
  // REQUIRES: kRecordPadding readable bytes after json.
  bool Valid(std::string_view json, std::string* error);

 private:
  simdjson::dom::parser dom_;
};

}  // namespace vigil::internal
