// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0

#include "compile/regex_syntax.h"

#include <algorithm>

namespace vigil::internal::regex_syntax {
namespace {

bool ReadCount(std::string_view p, size_t* at, uint64_t* out) {
  size_t i = *at;
  uint64_t v = 0;
  const size_t start = i;
  while (i < p.size() && p[i] >= '0' && p[i] <= '9') {
    v = std::min<uint64_t>(v * 10 + static_cast<uint64_t>(p[i] - '0'), 100000);
    ++i;
  }
  if (i == start) return false;
  *at = i;
  *out = v;
  return true;
}

// Inline option letters (see OpenGroup); false for one that changes how a pattern reads.
bool ApplyOptions(std::string_view letters, bool* caseless, bool* multiline) {
  bool on = true;
  for (char l : letters) {
    switch (l) {
      case '-': on = false; break;
      case '^': *caseless = false; break;
      case 'i': *caseless = on; break;
      case 'm':
        if (on) *multiline = true;
        break;
      case 'n': case 's': case 'J': case 'U': break;
      default: return false;  // x (extended mode) and letters we do not know
    }
  }
  return true;
}

}  // namespace

bool SkipPast(std::string_view p, size_t* pos, char close) {
  const size_t end = p.find(close, *pos);
  if (end == std::string_view::npos) return false;
  *pos = end + 1;
  return true;
}

bool SkipReference(std::string_view p, size_t* pos) {
  size_t i = *pos;
  if (i < p.size() && (p[i] == '{' || p[i] == '<' || p[i] == '\'')) {
    const char close = p[i] == '{' ? '}' : p[i] == '<' ? '>' : '\'';
    ++i;
    if (!SkipPast(p, &i, close)) return false;
  } else {
    if (i < p.size() && (p[i] == '-' || p[i] == '+')) ++i;
    while (i < p.size() && p[i] >= '0' && p[i] <= '9') ++i;
  }
  *pos = i;
  return true;
}

bool SkipProperty(std::string_view p, size_t* pos) {
  if (*pos < p.size() && p[*pos] == '{') return SkipPast(p, pos, '}');
  if (*pos < p.size()) ++*pos;
  return true;
}

bool ReadQuantifier(std::string_view p, size_t* pos, uint64_t* min, uint64_t* max) {
  size_t i = *pos;
  if (i >= p.size()) return false;
  const char c = p[i];
  if (c == '*') {
    *min = 0, *max = kUnboundedRepeat, ++i;
  } else if (c == '+') {
    *min = 1, *max = kUnboundedRepeat, ++i;
  } else if (c == '?') {
    *min = 0, *max = 1, ++i;
  } else if (c == '{') {
    ++i;
    uint64_t n = 0, m = 0;
    if (!ReadCount(p, &i, &n) || i >= p.size()) return false;
    if (p[i] == '}') {
      m = n;
    } else if (p[i] == ',') {
      ++i;
      if (i < p.size() && p[i] == '}') {
        m = kUnboundedRepeat;
      } else if (!ReadCount(p, &i, &m) || i >= p.size() || p[i] != '}') {
        return false;
      }
    } else {
      return false;
    }
    ++i;  // '}'
    *min = n, *max = m;
  } else {
    return false;
  }
  if (i < p.size() && (p[i] == '?' || p[i] == '+')) ++i;  // lazy / possessive
  *pos = i;
  return true;
}

bool ReadHexEscape(std::string_view p, size_t* pos, uint32_t* value) {
  uint32_t v = 0;
  size_t i = *pos;
  if (i < p.size() && p[i] == '{') {
    const size_t close = p.find('}', i);
    if (close == std::string_view::npos || close == i + 1) return false;
    for (size_t k = i + 1; k < close; ++k) {
      const int d = HexDigit(p[k]);
      if (d < 0 || v > 0x10FFFF) return false;
      v = v * 16 + static_cast<uint32_t>(d);
    }
    if (v > 0x10FFFF) return false;
    i = close + 1;
  } else {
    for (int k = 0; k < 2 && i < p.size() && HexDigit(p[i]) >= 0; ++k, ++i) {
      v = v * 16 + static_cast<uint32_t>(HexDigit(p[i]));
    }
  }
  *pos = i;
  *value = v;
  return true;
}

GroupKind OpenGroup(std::string_view p, size_t* pos, bool* caseless, bool* multiline) {
  size_t i = *pos;
  auto at = [&](size_t k) { return i + k < p.size() ? p[i + k] : '\0'; };
  if (at(0) == '*') return GroupKind::kUnsupported;  // (*VERB)
  if (at(0) != '?') return GroupKind::kGroup;
  ++i;
  const char k = at(0);
  GroupKind kind = GroupKind::kGroup;
  if (k == '#') {
    if (!SkipPast(p, &i, ')')) return GroupKind::kUnsupported;
    kind = GroupKind::kComment;
  } else if (k == ':' || k == '|' || k == '>') {
    ++i;
  } else if (k == '=' || k == '!') {
    ++i;
    kind = GroupKind::kLookaround;
  } else if (k == '<' && (at(1) == '=' || at(1) == '!')) {
    i += 2;
    kind = GroupKind::kLookaround;
  } else if (k == '<' || k == '\'' || (k == 'P' && at(1) == '<')) {
    if (k == 'P') ++i;
    const char close = at(0) == '<' ? '>' : '\'';
    ++i;
    if (!SkipPast(p, &i, close)) return GroupKind::kUnsupported;
  } else if ((k == 'P' && (at(1) == '=' || at(1) == '>')) || k == 'R' || k == '&' || k == '+' ||
             (k >= '0' && k <= '9') || (k == '-' && at(1) >= '0' && at(1) <= '9')) {
    if (!SkipPast(p, &i, ')')) return GroupKind::kUnsupported;
    kind = GroupKind::kCall;
  } else if (k == '(' || k == 'C' || k == 'P') {
    return GroupKind::kUnsupported;  // conditionals, callouts
  } else {
    size_t end = i;
    while (end < p.size() && p[end] != ')' && p[end] != ':') ++end;
    if (end >= p.size()) return GroupKind::kUnsupported;
    if (!ApplyOptions(p.substr(i, end - i), caseless, multiline)) return GroupKind::kUnsupported;
    kind = p[end] == ')' ? GroupKind::kOptions : GroupKind::kScopedOptions;
    i = end + 1;
  }
  *pos = i;
  return kind;
}

}  // namespace vigil::internal::regex_syntax
