// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// PCRE2 (JIT) regular expressions for `|re`. Internal; use include/vigil/ instead.
//
// A Regex is compiled once and shared read-only by all threads; each thread matches
// with its own RegexScratch (match data and match context), as PCRE2 requires for
// concurrent use. Matching is an unanchored search bounded by the limits below so
// that a pathological pattern (catastrophic backtracking, `(a+)+$` on a long run of
// 'a's) cannot stall a scan. A search stopped by a limit counts as no match and is
// counted in RegexScratch::limit_hits, which the Scanner reports (ScanStats::
// regex_limit_hits) so that the missed match is never silent. docs/limits.md lists
// every limit.
//
// The work budget. PCRE2's match limit counts per start position, for JIT and the
// interpreter alike, and does not count the characters a repeat scans, so an
// unanchored search of `(?=.*[0-9])` in 100 KB costs 10^10 steps (20 s) without any
// limit firing. Each search (one value) therefore gets kRegexWorkBudget steps over all
// its start positions together:
//  - fast path, for a pattern without backreferences on a short value (n bytes): the
//    plain code runs with a match limit of kRegexWorkBudget / (n + 1)^2 per start
//    position (capped at kRegexMatchLimit). There are at most n + 1 start positions and
//    a step moves over at most n + 1 bytes, so the whole search stays within about the
//    budget. When it completes its answer is exact; when it hits that limit the search
//    is run again on the counted path.
//  - counted path, otherwise: a second compilation of the pattern with PCRE2_AUTO_
//    CALLOUT calls back before every item; each call is charged 1 step plus the bytes
//    the match position moved since the previous call, plus, before a backreference,
//    the bytes it may compare. Past the budget the callout stops the search.
// A search so stopped counts as no match and as a limit hit, like the others.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace vigil::internal {

// pcre2_set_match_limit: backtracking steps of one search (JIT and interpreter).
inline constexpr uint32_t kRegexMatchLimit = 1000000;
// pcre2_set_depth_limit: backtracking depth of the interpreter (JIT ignores it).
inline constexpr uint32_t kRegexDepthLimit = 10000;
// Largest JIT stack of one RegexScratch (PCRE2's own default is 32 KiB, which some
// ordinary patterns outgrow on long values; the memory is reserved, not committed).
inline constexpr size_t kRegexJitStackBytes = 1u << 20;
// Compile limits: a `|re` value longer than this, or with groups nested deeper, is a
// rule error (PCRE2's own nesting default is 250). PCRE2 itself rejects a pattern whose
// compiled code passes 64 KiB ("regular expression is too large"), also in the
// instrumented form of the counted path, where each item carries a 6-byte callout: 4 KiB
// of single characters (8 code bytes each there) stays below it.
inline constexpr size_t kRegexMaxPatternBytes = 4u << 10;
inline constexpr uint32_t kRegexMaxParensNesting = 250;

// Steps one search (one regex on one value) may take over all its start positions.
inline constexpr uint64_t kRegexWorkBudget = 5000000;
// Below this match limit per start position the fast path is not worth trying.
inline constexpr uint64_t kRegexMinFastPathLimit = 16;

// Checks that a pattern compiles, also in the instrumented form the counted path uses
// (each item then carries a callout, so a pattern of many single characters can pass
// PCRE2's 64 KiB of compiled code there first); *error describes the problem.
bool CompileRegexCheck(const std::string& pattern, uint8_t flags, std::string* error);

// `pattern` with each \D, \S and \W outside a character class put in a class of its own
// (`\S+` -> `[\S]+`), which PCRE2 reads the same. Regex::Compile compiles that form:
// PCRE2 10.42's JIT (Debian 12), with PCRE2_MATCH_INVALID_UTF, does not match a
// non-ASCII character with a bare \D, \S or \W (its interpreter does, and so does the
// JIT inside a class), so `\S` missed "é". A misreading (a `[` in an extended-mode
// comment) can only leave escapes unwrapped.
std::string WrapNegatedEscapes(std::string_view pattern);

// The per-start-position match limit of the fast path for a value of `length` bytes,
// or 0 when the value is too long for it.
uint64_t RegexFastPathLimit(size_t length);

class RegexScratch {
 public:
  RegexScratch();
  ~RegexScratch();
  RegexScratch(const RegexScratch&) = delete;
  RegexScratch& operator=(const RegexScratch&) = delete;
  pcre2_match_data* data() { return data_; }
  pcre2_match_context* context() { return context_; }
  // Searches stopped by a limit (work budget, match, depth, heap or JIT stack), counted
  // as no match.
  uint64_t limit_hits = 0;
  // Searches that took the counted path, and the steps charged there (tests count
  // work with these instead of timing it).
  uint64_t counted_searches = 0;
  uint64_t counted_steps = 0;
  // false: PCRE2's interpreter instead of JIT (vigil explain/test, and tests of the
  // budget under both engines).
  bool use_jit = true;

  // State of the counted path's callout during one search.
  struct Budget {
    const std::string* pattern = nullptr;
    uint64_t used = 0;
    size_t start = SIZE_MAX;  // start position of the current attempt
    size_t position = 0;      // match position at the previous callout
  };
  Budget budget;

 private:
  pcre2_match_data* data_;
  pcre2_match_context* context_;
  pcre2_jit_stack* jit_stack_;
};

class Regex {
 public:
  static std::unique_ptr<Regex> Compile(const std::string& pattern, uint8_t flags,
                                        std::string* error);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  bool Search(std::string_view subject, RegexScratch* scratch) const;

  // Necessary conditions on a subject the regex can match, from PCRE2's own analysis of
  // the pattern: cheap tests that let most values skip the search of a regex that has
  // no literal atom (regex_atoms.h). Only what holds whatever the pattern's case
  // options is filled in (see regex.cc).
  struct Gate {
    uint32_t min_length = 0;  // bytes (PCRE2 counts characters; a character is >= 1 byte)
    bool anchored = false;    // a match starts at the subject's first byte
    bool has_first = false;   // ... which is then one of first_bytes
    uint64_t first_bytes[4] = {0, 0, 0, 0};
    int required_byte = -1;   // a byte every match contains, or -1
  };
  Gate GateInfo(std::string_view pattern, uint8_t flags) const;

 private:
  Regex(pcre2_code* code, std::string pattern, uint8_t flags);
  bool CountedSearch(std::string_view subject, RegexScratch* scratch, uint32_t options) const;
  pcre2_code* code_;
  const std::string pattern_;  // as compiled (WrapNegatedEscapes)
  const uint8_t flags_;
  const bool has_backreferences_;
  // The instrumented code of the counted path, compiled (and JIT-compiled) at its first
  // use: most searches never need it. Null if that compilation failed.
  mutable std::once_flag counted_once_;
  mutable std::once_flag counted_jit_;
  mutable pcre2_code* counted_ = nullptr;
  // JIT compilation happens at the first search: most regexes of a large rule set
  // never run (their literal atoms never occur), and compiling them all up front was
  // most of the start-up of a set of thousands of regexes. call_once makes the first
  // search of several threads wait for one compilation.
  mutable std::once_flag jit_;
};

}  // namespace vigil::internal
