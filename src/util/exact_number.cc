// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Exact numbers as text; see exact_number.h.
#include "util/exact_number.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "util/strings.h"

namespace vigil::internal {
namespace {

constexpr int64_t kMaxExponent = 1'000'000'000'000'000;  // 10^15: saturation

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int64_t Saturate(int64_t e) {
  return e > kMaxExponent ? kMaxExponent : e < -kMaxExponent ? -kMaxExponent : e;
}

// Splits a canonical form into sign, digits and exponent.
struct Parts {
  bool negative = false;
  bool zero = true;
  std::string_view digits;
  int64_t exponent = 0;
};

Parts Split(std::string_view c) {
  Parts p;
  if (c == "0") return p;
  p.zero = false;
  if (!c.empty() && c[0] == '-') {
    p.negative = true;
    c.remove_prefix(1);
  }
  const size_t e = c.find('e');
  p.digits = c.substr(0, e);
  std::string_view exp = c.substr(e + 1);
  const bool neg = !exp.empty() && exp[0] == '-';
  if (neg) exp.remove_prefix(1);
  int64_t v = 0;
  std::from_chars(exp.data(), exp.data() + exp.size(), v);
  p.exponent = neg ? -v : v;
  return p;
}

// Compares magnitudes 0.a x 10^ea with 0.b x 10^eb (both non-zero).
int CompareMagnitude(const Parts& a, const Parts& b) {
  if (a.exponent != b.exponent) return a.exponent < b.exponent ? -1 : 1;
  const int c = a.digits.compare(b.digits);  // no trailing zeros: a prefix is smaller
  return c < 0 ? -1 : c > 0 ? 1 : 0;
}

}  // namespace

bool CanonicalNumber(std::string_view text, std::string* out) {
  std::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  std::string digits;
  int64_t exponent = 0;  // value = 0.digits x 10^exponent
  if (body.size() > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'X')) {
    double unused;
    if (!ParseDouble(text, &unused)) return false;  // the hex grammar and 64-bit bound
    uint64_t magnitude = 0;
    std::from_chars(body.data() + 2, body.data() + body.size(), magnitude, 16);
    char buf[24];
    const auto end = std::to_chars(buf, buf + sizeof buf, magnitude).ptr;
    digits.assign(buf, end);
    exponent = static_cast<int64_t>(digits.size());
  } else {
    // [digits] [. digits] [e [+-] digits], at least one digit in the mantissa.
    size_t i = 0;
    bool any = false, leading = true;
    int64_t int_digits = 0;  // digits before the point, after leading zeros
    int64_t zeros_after_point = 0;  // leading zeros right after the point (when no int part)
    for (; i < body.size() && IsDigit(body[i]); ++i) {
      any = true;
      if (leading && body[i] == '0') continue;
      leading = false;
      digits.push_back(body[i]);
      ++int_digits;
    }
    if (i < body.size() && body[i] == '.') {
      ++i;
      for (; i < body.size() && IsDigit(body[i]); ++i) {
        any = true;
        if (leading && body[i] == '0') {
          ++zeros_after_point;
          continue;
        }
        leading = false;
        digits.push_back(body[i]);
      }
    }
    if (!any) return false;
    int64_t exp_value = 0;
    if (i < body.size() && (body[i] == 'e' || body[i] == 'E')) {
      ++i;
      bool exp_negative = false;
      if (i < body.size() && (body[i] == '+' || body[i] == '-')) {
        exp_negative = body[i] == '-';
        ++i;
      }
      if (i == body.size()) return false;
      for (; i < body.size() && IsDigit(body[i]); ++i) {
        exp_value = Saturate(exp_value * 10 + (body[i] - '0'));
      }
      if (exp_negative) exp_value = -exp_value;
    }
    if (i != body.size()) return false;
    exponent = Saturate((int_digits > 0 ? int_digits : -zeros_after_point) + exp_value);
  }
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  if (digits.empty()) {
    *out = "0";
    return true;
  }
  std::string c;
  if (negative) c.push_back('-');
  c += digits;
  c += 'e';
  c += std::to_string(exponent);
  *out = std::move(c);
  return true;
}

int CompareCanonical(std::string_view a, std::string_view b) {
  const Parts x = Split(a), y = Split(b);
  if (x.zero || y.zero) {
    if (x.zero && y.zero) return 0;
    if (x.zero) return y.negative ? 1 : -1;
    return x.negative ? -1 : 1;
  }
  if (x.negative != y.negative) return x.negative ? -1 : 1;
  const int m = CompareMagnitude(x, y);
  return x.negative ? -m : m;
}

bool ParseNumberValue(std::string_view text, double* out) {
  if (ParseDouble(text, out)) return true;
  std::string c;
  if (!CanonicalNumber(text, &c)) return false;
  // A number ParseDouble refuses but the grammar accepts is out of range.
  const Parts p = Split(c);
  const double magnitude = p.exponent > 0 ? HUGE_VAL : 0.0;
  *out = p.negative ? -magnitude : magnitude;
  return true;
}

}  // namespace vigil::internal
