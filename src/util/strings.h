// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Small string helpers shared by the loader, the evaluator and the output writers:
// ASCII case folding (Sigma matches case-insensitively, and CloudTrail field values are
// overwhelmingly ASCII, so folding only A-Z keeps the hot path branch-cheap and
// locale-free), strict number parsing for rule values and event fields, UTF-8
// validation/decoding, and JSON string escaping that always yields valid JSON even when
// an event carries invalid UTF-8.
//
// Everything here is pure and thread-safe; nothing depends on the C locale.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace vigil::internal {

// The value of a hexadecimal digit (either case), or -1.
inline int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Folds A-Z only. Non-ASCII bytes pass through unchanged, so a UTF-8 sequence is never
// corrupted by folding.
inline char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

// AsciiLower on the eight bytes of a word (SWAR): a byte is upper case when it is
// ASCII (high bit clear) and 'A' <= b <= 'Z'; adding 0x3f reaches 0x80 from 'A' up,
// adding 0x25 reaches 0x80 from '[' up, so their XOR marks A-Z, and bit 7 >> 2 is the
// 0x20 to add.
inline uint64_t AsciiLower8(uint64_t w) {
  constexpr uint64_t kHigh = 0x8080808080808080ull;
  constexpr uint64_t kLow7 = 0x7f7f7f7f7f7f7f7full;
  const uint64_t h = w & kLow7;
  const uint64_t upper = ((h + 0x3f3f3f3f3f3f3f3full) ^ (h + 0x2525252525252525ull)) & ~w & kHigh;
  return w | upper >> 2;
}

// Replaces the contents of *out with the ASCII-lowercased `text`. Writing into a
// caller-owned string lets per-event code reuse one buffer instead of allocating.
// `text` must not alias *out.
void AsciiLowerInto(std::string_view text, std::string* out);

// Writes the ASCII-lowercased n bytes of src to dst (which may equal src).
void AsciiLowerCopy(const char* src, size_t n, char* dst);

// True when `text` folded equals `lower`, which is lower-case already.
inline bool EqualsFolded(std::string_view text, std::string_view lower) {
  if (text.size() != lower.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (AsciiLower(text[i]) != lower[i]) return false;
  }
  return true;
}

// Levenshtein distance (insertions, deletions, substitutions of bytes): how far a
// misspelt modifier, attribute or field name is from a known one.
size_t EditDistance(std::string_view a, std::string_view b);

// True when `a` and `b` are equal after folding A-Z. Eight bytes at a time: the
// evaluator compares field values with it for every fieldref that may hold.
inline bool EqualsIgnoreCaseAscii(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  size_t i = 0;
  for (; i + 8 <= a.size(); i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a.data() + i, 8);
    std::memcpy(&y, b.data() + i, 8);
    if (AsciiLower8(x) != AsciiLower8(y)) return false;
  }
  for (; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// Strict number parsing: the whole of `text` must be the number, with no surrounding
// whitespace. Accepted, following the YAML 1.2 core schema that Sigma rules are written
// in:
//   [+-]? ( digits ( "." digits* )? | "." digits ) ( [eE] [+-]? digits )?
//   [+-]? "0" [xX] hexdigits          (e.g. 0x40810000, as rules write bit masks)
// Rejected: empty, "inf"/"nan", "1e", "0x", embedded spaces, values that overflow or
// underflow a double (std::from_chars reports those as out of range), and hex values
// beyond 64 bits. On failure *out is left unchanged.
bool ParseDouble(std::string_view text, double* out);

// Same grammar without fraction or exponent: [+-]? digits, or [+-]? 0x hexdigits.
// Leading zeros are decimal ("010" is 10; YAML 1.2 has no implicit octal). Fails on
// overflow of int64_t (the hex form is a magnitude, so 0xFFFFFFFFFFFFFFFF fails too).
// On failure *out is left unchanged.
bool ParseInt64(std::string_view text, int64_t* out);

// Decodes one UTF-8 scalar value starting at text[pos]. Returns the number of bytes it
// occupies (1..4) and stores the code point, or returns 0 when the bytes at `pos` are
// not a well-formed sequence (stray continuation byte, truncated sequence, overlong
// form, UTF-16 surrogate, or a value above U+10FFFF). Requires pos < text.size().
size_t DecodeUtf8(std::string_view text, size_t pos, char32_t* code_point);

// Appends the UTF-8 encoding of `code_point` (which must be a Unicode scalar value).
void AppendUtf8(char32_t code_point, std::string* out);

// True when the whole of `text` is well-formed UTF-8 in the sense of DecodeUtf8.
bool IsValidUtf8(std::string_view text);

// Returns the body of a JSON string literal for `text` (without the surrounding
// quotes): '"' and '\' are backslash-escaped, bytes below 0x20 become \u00XX
// (lowercase hex), well-formed UTF-8 is copied as is, and every byte that is not part
// of a well-formed sequence becomes \ufffd, so the output is valid JSON for any input.
std::string JsonEscape(std::string_view text);

// As JsonEscape, but appends to *out so writers can build a line in one buffer.
void JsonEscapeInto(std::string_view text, std::string* out);

}  // namespace vigil::internal
