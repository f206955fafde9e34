// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The Sigma value-transformation modifiers (Sigma specification 2.1.0, modifiers
// appendix): base64, base64offset, utf16le/wide, utf16be, utf16 and windash. They
// rewrite a rule value once, at compile time, into the string(s) the matcher then
// looks for in event fields, so none of this runs per event.
//
// Semantics follow pySigma, the reference implementation, except where noted below.
// All functions work on bytes: a value that went through a utf16* modifier is a byte
// string with NULs in it, and base64/base64offset encode exactly those bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::internal {

// Standard base64 (RFC 4648 alphabet with '+' and '/'), '=' padded, no line breaks.
std::string Base64Encode(std::string_view bytes);

// The three strings the base64offset modifier searches for. `value` can sit at any byte
// offset inside a base64-encoded blob; its encoding then depends on the offset modulo 3.
// For i in 0, 1, 2 this encodes i spaces followed by `value`, and keeps only the
// characters that are fixed by `value` alone, dropping the ones that also depend on the
// unknown neighbouring bytes:
//   b64(" " * i + value)[start[i] : end[(len + i) % 3]]
//   start = {0, 2, 3}, end = {to the end, drop last 3, drop last 2}
// with Python slice semantics (an empty result when the cut overlaps).
//
// len is the byte length of `value`. pySigma uses the length in characters; the two
// agree for ASCII, and the byte length is the one that makes the cut correct for
// non-ASCII and UTF-16 input.
//
// Always returns exactly three strings, in the order i = 0, 1, 2. For values shorter
// than three bytes some of them are empty (e.g. "a" gives {"Y", "", "h"}); callers that
// search with "contains" must not treat an empty pattern as "matches everything".
std::vector<std::string> Base64OffsetVariants(std::string_view value);

// How many strings an expansion produces and how many bytes they hold together,
// computed without producing them, so that a rule can be rejected before a
// multiplicative expansion (windash after |expand, base64offset after windash) allocates.
// SIZE_MAX in both stands for "more than the expansion's own limit".
struct ExpansionSize {
  size_t count = 1;
  size_t bytes = 0;
};

// The non-empty strings of Base64OffsetVariants for a value of `length` bytes (the ones
// the lowering keeps) and their total length.
ExpansionSize Base64OffsetVariantsSize(size_t length);

// UTF-8 to UTF-16 code units serialised as bytes. Characters above U+FFFF become
// surrogate pairs. Each byte that is not part of a well-formed UTF-8 sequence becomes
// U+FFFD (one replacement per bad byte, unlike Python's "maximal subpart" rule, which
// can merge a truncated sequence into one replacement).
//
// utf16le and its alias `wide`: little-endian, no byte order mark.
std::string Utf16Le(std::string_view utf8);
// utf16be: big-endian, no byte order mark.
std::string Utf16Be(std::string_view utf8);
// utf16: the byte order mark FF FE followed by little-endian code units, which is what
// Windows (and Python's "utf-16" codec on little-endian hosts) produces.
std::string Utf16WithBom(std::string_view utf8);

// Upper bound on the number of strings windash may produce: five alternatives at up to
// six positions. Beyond that a rule would compile into a matcher too large to be useful,
// so it is rejected instead of silently truncated.
inline constexpr size_t kMaxWindashVariants = 15625;  // 5^6

// The windash modifier. Every dash at the start of a word is a position: a '-' or '/'
// matched by the regex \B[-/]\b, i.e. not preceded by a word character and followed by
// one, where word characters are [A-Za-z0-9_]. In addition, an en dash (U+2013), em dash
// (U+2014) or horizontal bar (U+2015) in the same position counts, so a rule that was
// written with a typographic dash also expands.
//
// Each position takes each of '-', '/', U+2013, U+2014, U+2015 (UTF-8 encoded), in every
// combination. Order: the original string first; at each position the character written
// in the rule comes first and the others follow in the order above; the leftmost
// position varies slowest. A value without positions yields just itself. "a-b" and
// "--x" (first dash) are left alone, as in pySigma.
//
// Differences from pySigma: pySigma's \b is Unicode-aware, so a dash after a non-ASCII
// letter (e.g. "é-x") is not expanded there but is here; pySigma does not expand
// typographic dashes and lists '-' before '/' at every position.
//
// On success replaces *out and returns true. When the expansion would exceed
// kMaxWindashVariants, clears *out, sets *error (if non-null) and returns false.
bool WindashVariants(std::string_view value, std::vector<std::string>* out,
                     std::string* error);

// The number and total length of the strings WindashVariants(value) produces, exactly;
// {SIZE_MAX, SIZE_MAX} when it would fail for passing kMaxWindashVariants.
ExpansionSize WindashVariantsSize(std::string_view value);

}  // namespace vigil::internal
