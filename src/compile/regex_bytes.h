// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// What the bytes of a text must look like for a regex to match it: the gate of a `|re`
// with no literal atom. Internal.
//
// A regex such as `^[0-9a-f]{32}$`, `^\d{1,3}(?:\.\d{1,3}){3}:\d{4}$` or
// `[^\x20-\x7e]{35,}` needs no literal (regex_atoms.h finds none), so without more it
// would be searched in every value of its field: at thousands of rules, hundreds of
// PCRE2 searches an event. But such a regex says a lot about bytes: every byte of a text
// that `^[0-9a-f]{32}$` matches is a hex digit and there are 32 (or 33, with the final
// newline `$` allows) of them; a text `[^\x20-\x7e]{35,}` matches holds a byte outside
// printable ASCII. AnalyzeRegexBytes reads a PCRE2 pattern into such facts, one set per
// top-level alternative; a text can match only if one alternative's facts hold for it.
// Testing them takes the text's byte set (BytesOf, one pass over the text, shared by
// all the regexes of a field) and a few word operations per regex.
//
// The facts are necessary conditions only, and conservative: whatever the reader does
// not understand (back-references, recursion, conditionals, callouts, verbs, extended
// mode, \p{..} inside classes...) makes the whole pattern "nothing known". Character
// classes and escapes are read with vigil's PCRE2 options (UTF with invalid UTF-8
// allowed, no UCP: \d \s \w are ASCII; \h \v and negated classes also match non-ASCII
// characters), and in a case-insensitive part every letter stands for both cases and,
// where Unicode folding reaches outside ASCII (k, s), for any non-ASCII byte. A text
// that is not valid UTF-8 is never rejected (see MayMatch).
// tests/compile/regex_bytes_test.cc checks that PCRE2 never matches a text the facts
// reject.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace vigil::internal {

struct ByteSet {
  uint64_t w[4] = {0, 0, 0, 0};

  void Add(unsigned b) { w[(b >> 6) & 3] |= uint64_t{1} << (b & 63); }
  void AddRange(unsigned lo, unsigned hi) {
    for (unsigned b = lo; b <= hi && b < 256; ++b) Add(b);
  }
  bool Has(unsigned b) const { return (w[(b >> 6) & 3] >> (b & 63)) & 1; }
  void Union(const ByteSet& o) {
    for (int i = 0; i < 4; ++i) w[i] |= o.w[i];
  }
  bool Intersects(const ByteSet& o) const {
    return ((w[0] & o.w[0]) | (w[1] & o.w[1]) | (w[2] & o.w[2]) | (w[3] & o.w[3])) != 0;
  }
  bool SubsetOf(const ByteSet& o) const {
    return ((w[0] & ~o.w[0]) | (w[1] & ~o.w[1]) | (w[2] & ~o.w[2]) | (w[3] & ~o.w[3])) == 0;
  }
  int Count() const;
  bool Full() const { return (w[0] & w[1] & w[2] & w[3]) == ~uint64_t{0}; }
  static ByteSet All() {
    ByteSet s;
    for (auto& x : s.w) x = ~uint64_t{0};
    return s;
  }
  friend bool operator==(const ByteSet&, const ByteSet&) = default;
};

// The set of bytes that occur in `text`.
ByteSet BytesOf(std::string_view text);

struct RegexBytes {
  static constexpr uint32_t kUnbounded = UINT32_MAX;

  // One top-level alternative of the pattern. A text it can match is at least
  // `min_length` bytes long and holds a byte of every set in `required`; when the
  // alternative is anchored at both ends (`^...$`, `\A...\z`), every byte of the text is
  // in `allowed` and the text is at most `max_length` bytes long.
  struct Branch {
    uint32_t min_length = 0;
    bool whole = false;
    uint32_t max_length = kUnbounded;
    ByteSet allowed;
    std::vector<ByteSet> required;
  };
  std::vector<Branch> branches;  // empty: nothing is known

  // True when every alternative says more than a length: worth a test per value.
  bool Selective() const;
  // The shortest text any alternative can match (0 when nothing is known).
  uint32_t MinLength() const;
  // False only when no alternative can match `text`, whose byte set is `present`.
  bool MayMatch(std::string_view text, const ByteSet& present) const;
};

// `flags` are the IR's RegexFlags (kRegexCaseless ...).
RegexBytes AnalyzeRegexBytes(std::string_view pattern, uint8_t flags);

}  // namespace vigil::internal
