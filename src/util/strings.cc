// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the string helpers declared in strings.h. Number parsing validates
// the grammar by hand before handing decimals to std::from_chars, because from_chars
// alone would also take "inf", "nan" and other forms a rule author did not mean as a
// number, and it rejects a leading '+' that YAML allows.
#include "util/strings.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <limits>
#include <system_error>
#include <vector>

namespace vigil::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsHexDigit(char c) {
  return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Splits an optional sign off `text`. Returns true for '-'.
bool TakeSign(std::string_view* text) {
  if (text->empty()) return false;
  const char c = text->front();
  if (c == '+' || c == '-') {
    text->remove_prefix(1);
    return c == '-';
  }
  return false;
}

// True when `text` (sign already removed) is "0x" followed by at least one hex digit.
bool IsHexLiteral(std::string_view text) {
  if (text.size() < 3 || text[0] != '0' || (text[1] != 'x' && text[1] != 'X')) return false;
  for (size_t i = 2; i < text.size(); ++i) {
    if (!IsHexDigit(text[i])) return false;
  }
  return true;
}

// Parses the digits after "0x" as an unsigned 64-bit magnitude.
bool ParseHexMagnitude(std::string_view hex_literal, uint64_t* out) {
  const char* first = hex_literal.data() + 2;
  const char* last = hex_literal.data() + hex_literal.size();
  uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(first, last, value, 16);
  if (ec != std::errc() || ptr != last) return false;
  *out = value;
  return true;
}

// Checks the decimal float grammar documented in strings.h (sign already removed).
bool IsDecimalFloat(std::string_view text) {
  size_t i = 0;
  const size_t n = text.size();
  size_t int_digits = 0;
  while (i < n && IsDigit(text[i])) ++i, ++int_digits;
  size_t frac_digits = 0;
  if (i < n && text[i] == '.') {
    ++i;
    while (i < n && IsDigit(text[i])) ++i, ++frac_digits;
  }
  if (int_digits == 0 && frac_digits == 0) return false;
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    size_t exp_digits = 0;
    while (i < n && IsDigit(text[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return false;
  }
  return i == n;
}

}  // namespace

void AsciiLowerInto(std::string_view text, std::string* out) {
  out->resize(text.size());
  AsciiLowerCopy(text.data(), text.size(), out->data());
}

void AsciiLowerCopy(const char* src, size_t n, char* dst) {
  // Eight bytes at a time: folded values are on the hot path of every table lookup.
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, src + i, 8);
    w = AsciiLower8(w);
    std::memcpy(dst + i, &w, 8);
  }
  for (; i < n; ++i) dst[i] = AsciiLower(src[i]);
}

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] =
          std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

bool ParseDouble(std::string_view text, double* out) {
  std::string_view body = text;
  const bool negative = TakeSign(&body);
  if (IsHexLiteral(body)) {
    uint64_t magnitude = 0;
    if (!ParseHexMagnitude(body, &magnitude)) return false;
    const double value = static_cast<double>(magnitude);
    *out = negative ? -value : value;
    return true;
  }
  if (!IsDecimalFloat(body)) return false;
  // from_chars accepts a leading '-' but not '+', so keep the '-' and drop only '+'.
  std::string_view number = negative ? text : body;
  double value = 0;
  const auto [ptr, ec] =
      std::from_chars(number.data(), number.data() + number.size(), value,
                      std::chars_format::general);
  if (ec != std::errc() || ptr != number.data() + number.size()) return false;
  *out = value;
  return true;
}

bool ParseInt64(std::string_view text, int64_t* out) {
  std::string_view body = text;
  const bool negative = TakeSign(&body);
  uint64_t magnitude = 0;
  if (IsHexLiteral(body)) {
    if (!ParseHexMagnitude(body, &magnitude)) return false;
  } else {
    if (body.empty()) return false;
    for (char c : body) {
      if (!IsDigit(c)) return false;
    }
    const auto [ptr, ec] = std::from_chars(body.data(), body.data() + body.size(), magnitude);
    if (ec != std::errc() || ptr != body.data() + body.size()) return false;
  }
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  if (negative) {
    if (magnitude > kMaxPositive + 1) return false;
    // Negate in unsigned arithmetic so INT64_MIN does not overflow.
    *out = static_cast<int64_t>(~magnitude + 1);
  } else {
    if (magnitude > kMaxPositive) return false;
    *out = static_cast<int64_t>(magnitude);
  }
  return true;
}

size_t DecodeUtf8(std::string_view text, size_t pos, char32_t* code_point) {
  const size_t remaining = text.size() - pos;
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[pos + k]); };
  const unsigned char b0 = byte(0);
  if (b0 < 0x80) {
    *code_point = b0;
    return 1;
  }
  // The lead byte fixes the length and the allowed range of the second byte; narrowing
  // the second byte's range is what excludes overlongs, surrogates and > U+10FFFF.
  size_t length = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  char32_t value = 0;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    length = 2;
    value = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    length = 3;
    value = b0 & 0x0F;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) hi = 0x9F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    length = 4;
    value = b0 & 0x07;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (remaining < length) return 0;
  const unsigned char b1 = byte(1);
  if (b1 < lo || b1 > hi) return 0;
  value = (value << 6) | (b1 & 0x3F);
  for (size_t k = 2; k < length; ++k) {
    const unsigned char b = byte(k);
    if (b < 0x80 || b > 0xBF) return 0;
    value = (value << 6) | (b & 0x3F);
  }
  *code_point = value;
  return length;
}

void AppendUtf8(char32_t code_point, std::string* out) {
  const auto put = [out](uint32_t v) { out->push_back(static_cast<char>(v)); };
  const uint32_t cp = code_point;
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp;
    const size_t length = DecodeUtf8(text, i, &cp);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  JsonEscapeInto(text, &out);
  return out;
}

void JsonEscapeInto(std::string_view text, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x80) {
      char32_t cp;
      const size_t length = DecodeUtf8(text, i, &cp);
      if (length == 0) {
        // One replacement per bad byte keeps the mapping simple and never swallows a
        // following valid character.
        out->append("\\ufffd");
        ++i;
      } else {
        out->append(text.substr(i, length));
        i += length;
      }
      continue;
    }
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(static_cast<char>(c));
    } else if (c < 0x20) {
      out->append("\\u00");
      out->push_back(kHex[c >> 4]);
      out->push_back(kHex[c & 0xF]);
    } else {
      out->push_back(static_cast<char>(c));
    }
    ++i;
  }
}

}  // namespace vigil::internal
