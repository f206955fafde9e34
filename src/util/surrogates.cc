// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Lone surrogate escapes; see surrogates.h.
#include "util/surrogates.h"

#include <cstdint>
#include <cstring>

#include "util/strings.h"

namespace vigil::internal {
namespace {

// The code unit of the \uXXXX escape at json[at] (the backslash), or -1 when there
// is none there.
int32_t EscapeAt(std::string_view json, size_t at) {
  if (at + 6 > json.size() || json[at] != '\\' || json[at + 1] != 'u') return -1;
  int32_t v = 0;
  for (size_t k = at + 2; k < at + 6; ++k) {
    const int d = HexDigit(json[k]);
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

bool IsHigh(int32_t u) { return u >= 0xD800 && u < 0xDC00; }
bool IsLow(int32_t u) { return u >= 0xDC00 && u < 0xE000; }

// Calls lone(at) for the offset of each lone surrogate escape, in order. Outside
// strings a backslash cannot occur in valid JSON; the walk does not track strings and
// needs not: a backslash always starts an escape of two characters or more, so
// stepping over each escape whole keeps `\\` from being read as the start of one.
template <typename F>
bool ForEachLone(std::string_view json, F lone) {
  bool any = false;
  size_t i = 0;
  while (i < json.size()) {
    const void* bs = std::memchr(json.data() + i, '\\', json.size() - i);
    if (bs == nullptr) break;
    const size_t at = static_cast<size_t>(static_cast<const char*>(bs) - json.data());
    const int32_t u = EscapeAt(json, at);
    if (u < 0) {
      i = at + 2;  // \" \\ \n ... (or a broken escape: the parser reports it)
      continue;
    }
    if (IsHigh(u)) {
      const int32_t next = EscapeAt(json, at + 6);
      if (next >= 0 && IsLow(next)) {
        i = at + 12;  // a pair
        continue;
      }
    }
    if (IsHigh(u) || IsLow(u)) {
      any = true;
      lone(at);
    }
    i = at + 6;
  }
  return any;
}

}  // namespace

bool HasLoneSurrogateEscape(std::string_view json) {
  // Stops at nothing: the first lone escape decides, but ForEachLone is simple and
  // this runs only on events a parser refused.
  return ForEachLone(json, [](size_t) {});
}

bool ReplaceLoneSurrogateEscapes(std::string_view json, std::string* out, size_t padding) {
  bool copied = false;
  return ForEachLone(json, [&](size_t at) {
           if (!copied) {
             out->assign(json.data(), json.size());
             out->append(padding, '\0');
             copied = true;
           }
           std::memcpy(out->data() + at + 2, "fffd", 4);
         }) &&
         copied;
}

bool UnescapeStringLossy(std::string_view token, std::string* out) {
  out->clear();
  if (token.empty() || token[0] != '"') return false;
  size_t i = 1;
  while (i < token.size()) {
    const char c = token[i];
    if (c == '"') return true;
    if (c != '\\') {
      out->push_back(c);
      ++i;
      continue;
    }
    if (i + 1 >= token.size()) return false;
    const char e = token[i + 1];
    switch (e) {
      case '"': case '\\': case '/': out->push_back(e); i += 2; continue;
      case 'b': out->push_back('\b'); i += 2; continue;
      case 'f': out->push_back('\f'); i += 2; continue;
      case 'n': out->push_back('\n'); i += 2; continue;
      case 'r': out->push_back('\r'); i += 2; continue;
      case 't': out->push_back('\t'); i += 2; continue;
      case 'u': break;
      default: return false;
    }
    int32_t u = EscapeAt(token, i);
    if (u < 0) return false;
    i += 6;
    if (IsHigh(u)) {
      const int32_t lo = EscapeAt(token, i);
      if (lo >= 0 && IsLow(lo)) {
        u = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
        i += 6;
      }
    }
    if (IsHigh(u) || IsLow(u)) u = 0xFFFD;
    AppendUtf8(static_cast<char32_t>(u), out);
  }
  return false;
}

bool StringValueLossy(simdjson::ondemand::value value, std::string* out) {
  const std::string_view token = value.raw_json_token();
  std::string_view text;
  if (!value.get_string().get(text)) {
    out->assign(text);
    return true;
  }
  return UnescapeStringLossy(token, out) || (out->clear(), false);
}

}  // namespace vigil::internal
