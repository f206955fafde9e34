// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Exact comparison of numbers written as text. Internal.
//
// The numeric modifiers (|gt, |gte, |lt, |lte, and a number compared for equality)
// compare doubles, which loses two things: a number beyond the range of a double
// (1e400) does not parse at all, so every comparison with it failed, and integers
// beyond 2^53 collapse (2^64 - 1, 2^64 and 2^64 + 1 are one double). An attacker who
// controls a number could slip past a threshold that way. Here:
//   - ParseNumberValue reads a number beyond the range of a double as +-infinity (and
//     one too small for a double as +-0), so it still compares;
//   - CanonicalNumber gives the exact value of a number as text, which
//     CompareCanonical orders exactly. Rounding to double is monotonic, so the double
//     comparison is right whenever the two doubles differ; only when they are equal is
//     the exact comparison needed (and used: evaluator.cc, interpreter.cc).
// Exponents are exact up to +-10^15 (a number written with more than 10^15 digits
// cannot occur: records are at most 4 GiB); larger exponents saturate, and two
// numbers that both saturate with the same sign compare by their digits.
//
// Tested by tests/util/exact_number_test.cc.
#pragma once

#include <string>
#include <string_view>

namespace vigil::internal {

// The grammar of ParseDouble (util/strings.h: decimal with optional fraction and
// exponent, or 0x hex of at most 64 bits), with no range limit. Fills *out with the
// canonical form: "0" for zero (any sign), else an optional '-', the significant
// digits without leading or trailing zeros, 'e' and the exponent E, the value being
// 0.DIGITS x 10^E. Equal values give equal texts. False (and *out unchanged) when
// `text` is not a number.
bool CanonicalNumber(std::string_view text, std::string* out);

// Orders two canonical forms by value: negative, zero or positive as a <, ==, > b.
int CompareCanonical(std::string_view a, std::string_view b);

// As ParseDouble, except that a number beyond the range of a double is +-infinity and
// one too close to zero is +-0.
bool ParseNumberValue(std::string_view text, double* out);

}  // namespace vigil::internal
