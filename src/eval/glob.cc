// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Wildcard matcher; see glob.h. Tested by tests/eval/glob_test.cc.

#include "eval/glob.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

namespace vigil::internal {
namespace {

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead >> 5) == 0x6) return 2;
  if ((lead >> 4) == 0xE) return 3;
  if ((lead >> 3) == 0x1E) return 4;
  return 1;  // invalid lead or continuation byte: one byte is one "character"
}

size_t CharLength(std::string_view s, size_t at) {
  size_t n = Utf8Length(static_cast<unsigned char>(s[at]));
  if (at + n > s.size()) return 1;
  for (size_t i = 1; i < n; ++i) {
    if ((static_cast<unsigned char>(s[at + i]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// Patterns with '*' only (no '?', no escapes), by far the usual case: the text must
// start with the part before the first star and end with the part after the last, and
// each part in between is found with memmem, leftmost first (taking the leftmost
// occurrence never prevents a later part from matching). Linear in the text whatever
// the pattern, where the general algorithm below is O(|pattern| * |text|) at worst.
template <bool kCount>
bool StarsOnly(std::string_view p, std::string_view t, size_t* steps) {
  const size_t first = p.find('*');
  if (first == std::string_view::npos) {
    if constexpr (kCount) *steps += std::min(p.size(), t.size());
    return p == t;
  }
  const size_t last = p.rfind('*');
  const std::string_view head = p.substr(0, first), tail = p.substr(last + 1);
  if (t.size() < head.size() + tail.size()) return false;
  if constexpr (kCount) *steps += head.size() + tail.size();
  if (t.substr(0, head.size()) != head || t.substr(t.size() - tail.size()) != tail) return false;
  std::string_view rest = t.substr(head.size(), t.size() - head.size() - tail.size());
  for (size_t pos = first + 1; pos < last;) {
    const size_t next = p.find('*', pos);
    const std::string_view part = p.substr(pos, next - pos);
    pos = next + 1;
    if (part.empty()) continue;
    const void* at = memmem(rest.data(), rest.size(), part.data(), part.size());
    if (at == nullptr) {
      if constexpr (kCount) *steps += rest.size();
      return false;
    }
    const size_t consumed =
        static_cast<size_t>(static_cast<const char*>(at) - rest.data()) + part.size();
    if constexpr (kCount) *steps += consumed;
    rest.remove_prefix(consumed);
  }
  return true;
}

template <bool kCount>
bool Match(std::string_view p, std::string_view t, size_t* steps) {
  if (p.find_first_of("?\\") == std::string_view::npos) return StarsOnly<kCount>(p, t, steps);
  size_t pi = 0, ti = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (ti < t.size()) {
    if constexpr (kCount) ++*steps;
    if (pi < p.size()) {
      const char c = p[pi];
      if (c == '*') {
        star_p = ++pi;
        star_t = ti;
        continue;
      }
      if (c == '?') {
        ++pi;
        ti += CharLength(t, ti);
        continue;
      }
      const size_t lit = (c == '\\' && pi + 1 < p.size()) ? pi + 1 : pi;
      if (p[lit] == t[ti]) {
        pi = lit + 1;
        ++ti;
        continue;
      }
    }
    if (star_p == std::string_view::npos) return false;
    star_t += CharLength(t, star_t);
    ti = star_t;
    pi = star_p;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

}  // namespace

bool GlobMatch(std::string_view p, std::string_view t) { return Match<false>(p, t, nullptr); }

bool GlobMatchCounted(std::string_view p, std::string_view t, size_t* steps) {
  return Match<true>(p, t, steps);
}

}  // namespace vigil::internal
