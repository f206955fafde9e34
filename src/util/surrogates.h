// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Lone UTF-16 surrogate escapes in JSON text. Internal.
//
// JSON's grammar (RFC 8259) accepts any \uXXXX escape, including a surrogate that is
// not part of a pair (`"\ud800"`, a low `\udc00` alone, a high followed by anything
// but a low). Such a string has no UTF-8 form, and simdjson (DOM and On-Demand) refuses
// it: before this, one such escape anywhere in an event (a userAgent is attacker
// controlled) made the whole event "invalid JSON" and hid it from every rule.
//
// vigil decodes each lone surrogate as U+FFFD, the replacement character, as jq, Go's
// encoding/json, Rust's String::from_utf16_lossy and WHATWG decoders do (Python's json
// keeps the surrogate in a str that cannot be encoded to UTF-8). It does so by rewriting
// the escape in a copy of the event text: `\ud800` and `\ufffd` are both six bytes, so
// every offset in the event stays the same and the copy is valid for simdjson. The
// printed event is the original text, as read.
//
// Tested by tests/util/surrogates_test.cc.
#pragma once

#include <simdjson.h>

#include <string>
#include <string_view>

namespace vigil::internal {

// True when `json` holds at least one \u escape of a lone surrogate (inside a string:
// `\\ud800`, an escaped backslash followed by "ud800", is not one). Cheap when `json`
// has no backslash (one memchr).
bool HasLoneSurrogateEscape(std::string_view json);

// Copies `json` into *out with every lone surrogate escape replaced by \ufffd (same
// length) and returns true; returns false, leaving *out unspecified, when there is none.
// `padding` zero bytes are appended after the text (out->size() is json.size() +
// padding), for parsers that read past the end.
bool ReplaceLoneSurrogateEscapes(std::string_view json, std::string* out, size_t padding = 0);

// Unescapes the JSON string literal at the start of `token` (from its opening quote to
// its closing quote; anything after is ignored) into *out, each lone surrogate escape
// as U+FFFD. False on a malformed literal (a bad escape, no closing quote). For the
// places that unescape a string themselves when simdjson refuses it (the reader's
// lookup-events CloudTrailEvent string).
bool UnescapeStringLossy(std::string_view token, std::string* out);

// An On-Demand value read as a string into *out: its unescaped text, a lone surrogate
// escape as U+FFFD (UnescapeStringLossy, where simdjson refuses it). False, with *out
// empty, for any other value. For the walks that copy a few string fields of an event
// (the census, the scan table's cells).
bool StringValueLossy(simdjson::ondemand::value value, std::string* out);

}  // namespace vigil::internal
