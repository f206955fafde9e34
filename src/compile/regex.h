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
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace vigil::internal {

// pcre2_set_match_limit: backtracking steps from one start position (JIT and
// interpreter both count per start position: an unanchored search tries every position
// of the value, each with the full limit).
inline constexpr uint32_t kRegexMatchLimit = 1000000;
// The work budget of one search of one value, over all its start positions: the
// per-position limit is this divided by the positions the search may try (1 for an
// anchored pattern, the bytes that can start a match when PCRE2 knows them, else every
// byte), never above kRegexMatchLimit. Without it `(?=.*[0-9])` on a 100 KB value ran
// 10^10 steps (20 s) with no limit ever reached. Spent, the search counts as no match
// and in limit_hits, like any other limit.
inline constexpr uint64_t kRegexWorkBudget = 10000000;
// pcre2_set_depth_limit: backtracking depth of the interpreter (JIT ignores it).
inline constexpr uint32_t kRegexDepthLimit = 10000;
// Largest JIT stack of one RegexScratch (PCRE2's own default is 32 KiB, which some
// ordinary patterns outgrow on long values; the memory is reserved, not committed).
inline constexpr size_t kRegexJitStackBytes = 1u << 20;
// Compile limits: a `|re` value longer than this, or with groups nested deeper, is a
// rule error (PCRE2's own nesting default is 250). PCRE2 itself rejects a pattern whose
// compiled code passes 64 KiB ("regular expression is too large"), which 16 KiB of
// literal text (two code bytes a character) stays below.
inline constexpr size_t kRegexMaxPatternBytes = 16u << 10;
inline constexpr uint32_t kRegexMaxParensNesting = 250;

// Checks that a pattern compiles; *error describes the problem and its offset.
bool CompileRegexCheck(const std::string& pattern, uint8_t flags, std::string* error);

class RegexScratch {
 public:
  RegexScratch();
  ~RegexScratch();
  RegexScratch(const RegexScratch&) = delete;
  RegexScratch& operator=(const RegexScratch&) = delete;
  pcre2_match_data* data() { return data_; }
  pcre2_match_context* context() { return context_; }
  // Searches stopped by a limit (match, depth, heap or JIT stack), counted as no match.
  uint64_t limit_hits = 0;

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
    bool start_of_line = false;  // a match starts at the subject's start or after a \n
  };
  Gate GateInfo(std::string_view pattern, uint8_t flags) const;

 private:
  explicit Regex(pcre2_code* code) : code_(code) {}
  // How many start positions a search of `subject` may try (kRegexWorkBudget).
  uint64_t StartPositions(std::string_view subject) const;
  pcre2_code* code_;
  // Where matches can start (GateInfo), for the work budget. PCRE2 tries only those
  // positions; where GateInfo leaves first_bytes out (caseless patterns), every
  // position is counted, which only makes the per-position limit smaller.
  Gate starts_;
  // JIT compilation happens at the first search: most regexes of a large rule set
  // never run (their literal atoms never occur), and compiling them all up front was
  // most of the start-up of a set of thousands of regexes. call_once makes the first
  // search of several threads wait for one compilation.
  mutable std::once_flag jit_;
};

}  // namespace vigil::internal
