// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The literals a regular expression needs: a prefilter for `|re`. Internal.
//
// Running PCRE2 on every value of a field costs O(regexes) per value. Most regexes in
// detection rules cannot match unless some literal is present (`^(python-requests|
// curl)/` needs "python-requests/" or "curl/"). RequiredAtoms reads a PCRE2 pattern and
// returns that knowledge as an AND of ORs of literals ("atoms"): the regex can match a
// text only if, for every clause, at least one of the clause's atoms occurs in it. The
// compiler puts a clause's atoms into the field's LiteralMatcher, and PCRE2 runs only
// on values of events where an atom occurred (the approach of RE2's FilteredRE2 and of
// YARA's atoms, written for PCRE2's syntax).
//
// The analysis is conservative: whatever it does not understand (conditionals,
// callouts, backtracking verbs, extended mode, ...) requires nothing, so it can only
// lose selectivity, never a match. Zero-width items (anchors, look-around) and
// back-references require nothing. In a case-insensitive part, an atom is caseless;
// 'k' and 's' end an atom there, because PCRE2 in UTF mode also matches them to U+212A
// (KELVIN SIGN) and U+017F (LATIN SMALL LETTER LONG S), and a non-ASCII character ends
// an atom (Unicode case folding is more than ASCII folding). tests/compile/
// regex_atoms_test.cc checks, for every pattern of its tables, that PCRE2 agrees.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::internal {

struct RegexAtom {
  std::string text;  // lower-case when caseless
  bool caseless = false;
  // Caseless with a k or an s, which PCRE2 also matches to U+212A (KELVIN SIGN) and
  // U+017F (LATIN SMALL LETTER LONG S): the atom also counts as occurring in any text
  // that holds one of those two characters (see RequiredAtoms).
  bool unicode_fold = false;
  friend bool operator==(const RegexAtom&, const RegexAtom&) = default;
};

// Clauses, all of which must hold; a clause holds when one of its atoms occurs.
// Empty: nothing is known (the regex must run on every value).
using AtomClauses = std::vector<std::vector<RegexAtom>>;

// `flags` are the IR's RegexFlags (kRegexCaseless ...). With `unicode_fold_atoms`, a
// caseless k or s no longer ends an atom: the atom is marked unicode_fold instead, and
// the caller must treat it as occurring in every text that holds U+212A or U+017F.
// Without it such letters end atoms (the keyword prefilter has no such fallback).
AtomClauses RequiredAtoms(std::string_view pattern, uint8_t flags, bool unicode_fold_atoms = false);

// True when `text` holds U+212A or U+017F (the non-ASCII case partners of k and s).
bool HasUnicodeFoldPartner(std::string_view text);

// The clause to use as the regex's prefilter: the one whose shortest atom is longest
// (then the smallest); empty when no clause has atoms of at least `min_length` bytes
// or more than `max_atoms` atoms.
std::vector<RegexAtom> BestClause(const AtomClauses& clauses, size_t min_length = 2,
                                  size_t max_atoms = 64);

}  // namespace vigil::internal
