// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
#include "util/exact_number.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>

namespace vigil::internal {
namespace {

std::string Canon(std::string_view t) {
  std::string out = "(not a number)";
  CanonicalNumber(t, &out);
  return out;
}

TEST(ExactNumberTest, CanonicalForms) {
  EXPECT_EQ(Canon("0"), "0");
  EXPECT_EQ(Canon("-0.000"), "0");
  EXPECT_EQ(Canon("120"), "12e3");
  EXPECT_EQ(Canon("1.2e2"), "12e3");
  EXPECT_EQ(Canon("0.05"), "5e-1");
  EXPECT_EQ(Canon(".5"), "5e0");
  EXPECT_EQ(Canon("-00012.50"), "-125e2");
  EXPECT_EQ(Canon("18446744073709551617"), "18446744073709551617e20");
  EXPECT_EQ(Canon("1e400"), "1e401");
  EXPECT_EQ(Canon("0x10"), "16e2");
  EXPECT_EQ(Canon("+7"), "7e1");
  EXPECT_EQ(Canon("1e99999999999999999999"), "1e1000000000000000");  // saturated
  for (const char* bad : {"", "-", "1e", "1e+", "abc", "1.2.3", "0x", "inf", "nan", "1 "}) {
    EXPECT_EQ(Canon(bad), "(not a number)") << bad;
  }
}

TEST(ExactNumberTest, ComparesBeyondDoublePrecisionAndRange) {
  auto cmp = [](std::string_view a, std::string_view b) { return CompareCanonical(Canon(a), Canon(b)); };
  EXPECT_EQ(cmp("18446744073709551617", "18446744073709551616"), 1);
  EXPECT_EQ(cmp("18446744073709551615", "18446744073709551616"), -1);
  EXPECT_EQ(cmp("18446744073709551616", "1.8446744073709551616e19"), 0);
  EXPECT_EQ(cmp("1e400", "1e399"), 1);
  EXPECT_EQ(cmp("-1e400", "-1e399"), -1);
  EXPECT_EQ(cmp("0", "-1e-400"), 1);
  EXPECT_EQ(cmp("0.1", "0.10000000000000000001"), -1);
  EXPECT_EQ(cmp("12", "120"), -1);
  EXPECT_EQ(cmp("-5", "3"), -1);
  EXPECT_EQ(cmp("0", "0.0"), 0);
}

TEST(ExactNumberTest, OutOfRangeValuesAreInfiniteOrZero) {
  double d = 1;
  ASSERT_TRUE(ParseNumberValue("1e400", &d));
  EXPECT_EQ(d, HUGE_VAL);
  ASSERT_TRUE(ParseNumberValue("-1e999999", &d));
  EXPECT_EQ(d, -HUGE_VAL);
  ASSERT_TRUE(ParseNumberValue("1e-400", &d));
  EXPECT_EQ(d, 0.0);
  ASSERT_TRUE(ParseNumberValue("2.5", &d));
  EXPECT_EQ(d, 2.5);
  EXPECT_FALSE(ParseNumberValue("x", &d));
}

}  // namespace
}  // namespace vigil::internal
