// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Many `|re` and wildcards of one field searched together, as a prefilter. Internal.
//
// A regex whose literals occur in most values (`arn:[a-z]+:[a-z]+::\d+:[a-z]{2,8}$`
// needs only `arn:` and `::`), or that has none (`^[A-Za-z0-9+/]{6,}={0,2}$`), cannot be
// told apart from the values it misses by literal atoms: at 10,000 regex rules about 240
// of them became candidates on every event, and deciding those cost 15 times what the
// whole event costs at 100 rules. A RegexSet compiles all the regexes of one field into
// one automaton (RE2::Set: a DFA built lazily, state by state, as values need it) and
// tells, in one pass over a value, which of them have a match. Only those become
// candidates; PCRE2 still decides them (regex.h), so the set never has to agree with
// PCRE2 on what a match is, only never to miss one.
//
// Never missing one. RE2 and PCRE2 read some patterns differently, and only where the
// difference cannot change whether a value has a match is the set used:
//  - the pattern must be one RE2 accepts (RE2 rejects lookaround, backreferences,
//    possessive and atomic groups, \Z, \h, \R, \K, verbs, callouts and most other
//    PCRE2-only syntax, so those regexes keep the literal atoms and gates), and one the
//    screen below passes (`{,n}`, which the two parsers may read differently);
//  - the value must be printable ASCII or tab (Takes), and at most kRegexSetMaxBytes.
//    On such text the two agree for what RE2 accepts: `$` (PCRE2 also matches before a
//    final newline), `.`, `\s` (PCRE2 includes VT), `\v` and the Unicode case partners
//    of `k` and `s` differ only on newlines, control bytes or non-ASCII text.
// A value the set does not take, or a search that fails (the DFA out of memory), goes
// through the field's fallback index instead (FieldIndex::fallback): the literal atoms
// and gates the set's patterns would have had without it.
//
// Wildcards join too (AddGlob), as patterns of the whole value, so that thousands of
// them on a field cost one pass instead of a literal search whose hits are mostly other
// rules' (the wildcard matcher, eval/glob.h, still decides). Caseless ones go to sets
// given the ASCII-folded value: vigil's caseless comparison exactly, and half RE2's
// compile time of `(?i)`. A set of wildcards alone also takes any valid UTF-8 (a `?` is
// one character in both readers, and newlines and control bytes are literal bytes).
//
// Thread safety: Add and Compile before sharing; Match is const and may run from many
// threads at once (RE2 guards its cache of DFA states itself). Memory: the program and
// the DFA cache stay within the max_mem given to the constructor (RE2 empties the cache
// when it fills), so a hostile value costs time, bounded by its length, not memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::internal {

// Values longer than this are not searched by a set (a lazy DFA meeting new states on
// hostile text costs a few microseconds a byte); their regexes are all candidates.
inline constexpr size_t kRegexSetMaxBytes = 1024;
// A field's regexes and wildcards go to sets from this many on (fewer cost less through
// their literal atoms and gates than a set search of every value).
inline constexpr size_t kRegexSetMinPatterns = 32;
// Larger groups are split into sets of at most this many (RE2 builds a DFA state from
// every pattern that can still match: smaller sets make smaller states, and a program
// that fits its budget).
inline constexpr size_t kRegexSetMaxPatterns = 1024;
// A lazy DFA meeting new text builds a state at about every byte, each from every
// pattern that can still match: random text of 1 KiB cost 5 ms at 1,615 regexes, where
// a warm set costs about 10 ns a byte. So each thread times its sets' searches (of values
// not remembered), and a set whose searches pass kRegexSetMaxNanosPerByte (over what
// they searched plus kRegexSetSlackBytes, so that a cold start is not taken for an
// attack) is paused: its values take the fallback path (FieldIndex::fallback) for the
// next kRegexSetFirstPause values, twice that after each further pause in a row, up to
// kRegexSetMaxPause. kRegexSetWindowBytes searched within the budget forgive the past.
// Only the speed depends on the clock: either path finds the same matches.
inline constexpr uint64_t kRegexSetMaxNanosPerByte = 500;
inline constexpr uint64_t kRegexSetSlackBytes = 64 << 10;
inline constexpr uint64_t kRegexSetWindowBytes = 1 << 20;
inline constexpr uint32_t kRegexSetFirstPause = 1024;
inline constexpr uint32_t kRegexSetMaxPause = 1 << 20;
// RE2's memory budget of one set (its compiled program, at most a quarter of it, and its
// cache of DFA states): 6 KiB a pattern, from 1 MiB up to kRegexSetMaxMem, so that the
// sets of 10,000 generated regex rules (15,001 regexes, 28 fields) stay within 87 MiB
// however hostile the values.
inline constexpr int64_t kRegexSetMaxMem = int64_t{8} << 20;
inline int64_t RegexSetBudget(size_t patterns) {
  const int64_t want = static_cast<int64_t>(patterns) * (6 << 10);
  return want < (int64_t{1} << 20) ? int64_t{1} << 20
         : want > kRegexSetMaxMem  ? kRegexSetMaxMem
                                   : want;
}

class RegexSet {
 public:
  explicit RegexSet(int64_t max_mem);
  ~RegexSet();
  RegexSet(const RegexSet&) = delete;
  RegexSet& operator=(const RegexSet&) = delete;

  // Adds `pattern` (with Predicate::regex_flags) as the next index; false, and nothing
  // added, when the set cannot decide it as PCRE2 would (see the file comment), or once
  // Compile has been called.
  bool Add(std::string_view pattern, uint8_t flags);
  // Adds a wildcard (the IR's glob encoding, eval/glob.h: `*`, `?`, `\` before a literal
  // byte) matched against the whole value, as written: a caseless wildcard (whose text the
  // IR keeps lower-cased) belongs in a set that is given ASCII-folded values, which is
  // what vigil's caseless comparison is (RE2's own `(?i)` doubles the cost of compiling
  // them). false when RE2 refuses it (bytes that are not UTF-8).
  bool AddGlob(std::string_view glob);
  // false when RE2 cannot compile the set within its memory budget; the set must then
  // not be used. A second call returns the first one's answer.
  bool Compile();
  size_t size() const { return count_; }

  // What a value is, for Takes: computed once, asked of each set of its field.
  enum class Text : uint8_t {
    kPrintable,  // printable ASCII or tab, at most kRegexSetMaxBytes
    kUtf8,       // otherwise valid UTF-8, at most kRegexSetMaxBytes
    kOther,
  };
  static Text Classify(std::string_view text);
  // Whether Match may be given such a text: printable text always; other valid UTF-8
  // when the set holds only wildcards (`*`, `?` and literal bytes read alike there).
  bool Takes(Text t) const { return t == Text::kPrintable || (t == Text::kUtf8 && !has_regexes_); }
  // Sets *hits to the indexes of the patterns that have a match somewhere in `text`.
  // false when the search failed (every pattern must then count as a possible match).
  // REQUIRES: Compile returned true, Takes(Classify(text)). `hits` is this thread's
  // scratch.
  bool Match(std::string_view text, std::vector<int>* hits) const;

 private:
  struct Impl;  // RE2::Set, a nested class, cannot be declared ahead
  std::unique_ptr<Impl> impl_;
  size_t count_ = 0;
  bool has_regexes_ = false;
  bool tried_ = false;
  bool compiled_ = false;
};

}  // namespace vigil::internal
