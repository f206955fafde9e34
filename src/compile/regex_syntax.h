// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Pieces of PCRE2 syntax shared by the two readers that analyse `|re` patterns: the
// literal prefilter (regex_atoms.h) and the byte facts (regex_bytes.h). Each reader
// keeps its own grammar walk, because what it computes per part differs; the tokens
// they both read (quantifiers, group openings, inline options, \x escapes, UTF-8
// characters) are read here once, as PCRE2 10.42 reads them. Internal.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace vigil::internal::regex_syntax {

// Bytes of the UTF-8 character whose first byte is `lead` (1 for a stray byte).
inline size_t Utf8Length(unsigned char lead) {
  return lead < 0x80           ? 1
         : (lead >> 5) == 0x6  ? 2
         : (lead >> 4) == 0xE  ? 3
         : (lead >> 3) == 0x1E ? 4
                               : 1;
}

// The length of the character at p[at], kept within p.
inline size_t CharLength(std::string_view p, size_t at) {
  const size_t n = Utf8Length(static_cast<unsigned char>(p[at]));
  return at + n > p.size() ? 1 : n;
}

inline int HexDigit(char h) {
  return h >= '0' && h <= '9'   ? h - '0'
         : h >= 'a' && h <= 'f' ? h - 'a' + 10
         : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                : -1;
}

// *pos just past the next `close` (the end of a construct such as \x{..}); false
// when there is none.
bool SkipPast(std::string_view p, size_t* pos, char close);

// Skips what follows `\g` or `\k` (a back-reference or call: \g1 \g{-1} \g<name>
// \k<name> \k'name'), or `\p` / `\P` (a property: \pL \p{Greek}); false when
// malformed.
bool SkipReference(std::string_view p, size_t* pos);
bool SkipProperty(std::string_view p, size_t* pos);

// A quantifier's bounds; max == kUnboundedRepeat for *, + and {n,}.
inline constexpr uint64_t kUnboundedRepeat = UINT64_MAX;

// Reads a quantifier at p[*pos] (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`, then an optional
// lazy `?` or possessive `+`). False, with *pos unchanged, when there is none: a `{`
// that does not form one is a literal in PCRE2 10.42. Counts are capped at 100000.
bool ReadQuantifier(std::string_view p, size_t* pos, uint64_t* min, uint64_t* max);

// Reads the code point of `\x..` with *pos just after the 'x' (`\xhh`, up to two hex
// digits, or `\x{h...}`); false when malformed or above U+10FFFF.
bool ReadHexEscape(std::string_view p, size_t* pos, uint32_t* value);

// What a group is, read with *pos just after its '('.
enum class GroupKind {
  kComment,        // (?#...): *pos after its ')'
  kGroup,          // (...), (?:, (?|, (?>, named groups: *pos at the group's body
  kLookaround,     // (?= (?! (?<= (?<!: *pos at the body; matches nothing itself
  kOptions,        // (?i) and the like, to the end of the enclosing group: *pos after ')'
  kScopedOptions,  // (?i:...): *pos at the body
  kCall,           // recursion, subroutine calls, (?P=name): may match anything; *pos after ')'
  kUnsupported,    // verbs, conditionals, callouts, unknown letters, extended mode (?x)
};
// Reads a group's opening. The option letters of (?i) and (?i:...) are applied as they
// are read: i sets or clears *caseless, m sets *multiline (never clears it: ^ and $
// stay line anchors for the rest of the pattern, to be safe); the other letters that do
// not change how a pattern reads are accepted, and any other (x: extended mode, or one
// unknown) makes the group kUnsupported.
GroupKind OpenGroup(std::string_view p, size_t* pos, bool* caseless, bool* multiline);

}  // namespace vigil::internal::regex_syntax
