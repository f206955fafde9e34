// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The constructs of a `|re` value outside the Sigma specification's regular-expression
// subset (sigma-appendix-modifiers.md, "Regular Expression", v2.1.0): "PCRE with the
// following metacharacters: `.`; `^`, `$`; `*`, `+`, `?`, `{n,m}`; [a-z], [^a-z]; `|`;
// `()`. Other metacharacters are unsupported and can not be used." vigil runs full PCRE2,
// so a rule may use more; other Sigma backends (pySigma's checks with RE2, Lucene,
// Splunk, ...) cannot run it. `vigil check` warns about each one ([regex-portability]).
//
// Read as the subset: literal characters; a backslash before a character that is not a
// letter or digit (`\.`, `\*`, `\/`: the character itself); `{n}`, `{n,}` and `{n,m}`;
// capturing groups. Everything else is named: non-capturing and named groups, look-ahead
// and look-behind, atomic groups, branch reset, conditionals, recursion and subroutine
// calls, inline options, comments, backtracking verbs, lazy and possessive quantifiers,
// backreferences, `\K`, shorthand classes (`\d \w \s \h \v \R \N` and their negations),
// `\b \B \A \z \Z \G`, `\Q...\E`, Unicode properties, character codes (`\x41`, `\t`),
// POSIX classes `[[:alpha:]]`.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::authoring {

struct RegexConstruct {
  std::string name;   // e.g. "look-ahead"
  std::string text;   // as written, e.g. "(?="
  size_t offset = 0;  // of its first occurrence, in bytes from the pattern's start
};

// The non-portable constructs of `pattern`, each kind once (its first occurrence), in
// the order they first occur. Empty for a pattern within the subset.
std::vector<RegexConstruct> NonPortableRegexConstructs(std::string_view pattern);

}  // namespace vigil::authoring
