// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for util/strings.h: case folding, strict number parsing, UTF-8 validation and
// JSON escaping. UTF-8 byte sequences are written as escapes so that the expected
// bytes are explicit.
#include "util/strings.h"

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <gtest/gtest.h>

namespace vigil::internal {
namespace {

TEST(StringsAsciiLower, FoldsOnlyAsciiLetters) {
  EXPECT_EQ(AsciiLower('A'), 'a');
  EXPECT_EQ(AsciiLower('Z'), 'z');
  EXPECT_EQ(AsciiLower('a'), 'a');
  EXPECT_EQ(AsciiLower('@'), '@');  // just before 'A'
  EXPECT_EQ(AsciiLower('['), '[');  // just after 'Z'
  EXPECT_EQ(AsciiLower('\xC3'), '\xC3');
}

TEST(StringsAsciiLower, IntoReplacesContents) {
  std::string out = "previous contents that are longer";
  AsciiLowerInto("CreateUser", &out);
  EXPECT_EQ(out, "createuser");
  AsciiLowerInto("", &out);
  EXPECT_EQ(out, "");
  // Non-ASCII bytes are untouched: "ÄB" stays with an uppercase Ä.
  AsciiLowerInto("\xC3\x84" "B", &out);
  EXPECT_EQ(out, "\xC3\x84" "b");
}

TEST(StringsEqualsIgnoreCase, Cases) {
  EXPECT_TRUE(EqualsIgnoreCaseAscii("", ""));
  EXPECT_TRUE(EqualsIgnoreCaseAscii("ConsoleLogin", "consolelogin"));
  EXPECT_TRUE(EqualsIgnoreCaseAscii("A", "a"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("a", "b"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("abc", "ab"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("@", "`"));  // 0x40 vs 0x60: not a letter pair
  EXPECT_FALSE(EqualsIgnoreCaseAscii("\xC3\x84", "\xC3\xA4"));  // Ä vs ä: not folded
  // Longer than a word (eight bytes are compared at a time): a difference in the first
  // word, in a later one, in the tail; the same pairs that are not letters inside a word.
  EXPECT_TRUE(EqualsIgnoreCaseAscii("arn:AWS:IAM::123456789012:Role/Admin", "ARN:aws:iam::123456789012:role/ADMIN"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("xrn:aws:iam::123456789012", "arn:aws:iam::123456789012"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("arn:aws:iam::123456789012", "arn:aws:iam::123456789X12"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("arn:aws:iam::1234567890123", "arn:aws:iam::1234567890124"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("abc@defghijk", "abc`defghijk"));
  EXPECT_FALSE(EqualsIgnoreCaseAscii("abc[defghijk", "abc{defghijk"));  // 0x5b vs 0x7b
  EXPECT_FALSE(EqualsIgnoreCaseAscii("ab\xC3\x84" "cdefghij", "ab\xC3\xA4" "cdefghij"));
  EXPECT_TRUE(EqualsIgnoreCaseAscii("ab\xC3\x84" "CDEFGHIJ", "AB\xC3\x84" "cdefghij"));
}

double Double(std::string_view text) {
  double value = -12345.0;
  if (!ParseDouble(text, &value)) return std::numeric_limits<double>::quiet_NaN();
  return value;
}

TEST(StringsParseDouble, Decimal) {
  EXPECT_EQ(Double("0"), 0.0);
  EXPECT_EQ(Double("7"), 7.0);
  EXPECT_EQ(Double("-7"), -7.0);
  EXPECT_EQ(Double("+7"), 7.0);
  EXPECT_EQ(Double("3.25"), 3.25);
  EXPECT_EQ(Double("-0.5"), -0.5);
  EXPECT_EQ(Double(".5"), 0.5);
  EXPECT_EQ(Double("-.5"), -0.5);
  EXPECT_EQ(Double("1."), 1.0);
  EXPECT_EQ(Double("1e3"), 1000.0);
  EXPECT_EQ(Double("1E+3"), 1000.0);
  EXPECT_EQ(Double("2.5e-1"), 0.25);
  EXPECT_EQ(Double("007"), 7.0);
  EXPECT_EQ(Double("0.1"), 0.1);
  EXPECT_EQ(Double("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_TRUE(std::signbit(Double("-0")));
}

TEST(StringsParseDouble, Hex) {
  EXPECT_EQ(Double("0x1F"), 31.0);
  EXPECT_EQ(Double("0X1f"), 31.0);
  EXPECT_EQ(Double("0x40810000"), 1082195968.0);
  EXPECT_EQ(Double("-0x10"), -16.0);
  EXPECT_EQ(Double("0xFFFFFFFFFFFFFFFF"), 18446744073709551615.0);
}

TEST(StringsParseDouble, Rejects) {
  for (const char* bad : {"", "+", "-", ".", "e3", "1e", "1e+", "1.2.3", "1,5", " 1", "1 ",
                          "inf", "-inf", "nan", "NaN", "infinity", "0x", "0x1G", "0x-1",
                          "--1", "+-1", "1_000", "12abc", "1e400", "0x10000000000000000",
                          "1.0f", "0b101"}) {
    double value = 42.0;
    EXPECT_FALSE(ParseDouble(bad, &value)) << bad;
    EXPECT_EQ(value, 42.0) << bad;
  }
}

TEST(StringsParseInt64, Decimal) {
  int64_t v = 0;
  ASSERT_TRUE(ParseInt64("0", &v));
  EXPECT_EQ(v, 0);
  ASSERT_TRUE(ParseInt64("123456789012", &v));
  EXPECT_EQ(v, 123456789012);
  ASSERT_TRUE(ParseInt64("-42", &v));
  EXPECT_EQ(v, -42);
  ASSERT_TRUE(ParseInt64("+42", &v));
  EXPECT_EQ(v, 42);
  ASSERT_TRUE(ParseInt64("010", &v));
  EXPECT_EQ(v, 10);
  ASSERT_TRUE(ParseInt64("9223372036854775807", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(ParseInt64("-9223372036854775808", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
}

TEST(StringsParseInt64, Hex) {
  int64_t v = 0;
  ASSERT_TRUE(ParseInt64("0x40810000", &v));
  EXPECT_EQ(v, 1082195968);
  ASSERT_TRUE(ParseInt64("-0x1f", &v));
  EXPECT_EQ(v, -31);
  ASSERT_TRUE(ParseInt64("0x7FFFFFFFFFFFFFFF", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::max());
  ASSERT_TRUE(ParseInt64("-0x8000000000000000", &v));
  EXPECT_EQ(v, std::numeric_limits<int64_t>::min());
}

TEST(StringsParseInt64, Rejects) {
  for (const char* bad : {"", "-", "+", "1.0", "1e3", " 1", "1 ", "9223372036854775808",
                          "-9223372036854775809", "99999999999999999999", "0x",
                          "0x8000000000000000", "0xFFFFFFFFFFFFFFFF", "-0x8000000000000001",
                          "abc", "--1", "1-"}) {
    int64_t value = 7;
    EXPECT_FALSE(ParseInt64(bad, &value)) << bad;
    EXPECT_EQ(value, 7) << bad;
  }
}

TEST(StringsUtf8, Valid) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xC3\xA9"));          // é
  EXPECT_TRUE(IsValidUtf8("\xE2\x82\xAC"));      // €
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above them
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(StringsUtf8, Invalid) {
  for (const char* bad : {
           "\x80",              // stray continuation
           "\xBF",              // stray continuation
           "\xC3",              // truncated
           "\xE2\x82",          // truncated
           "\xF0\x9F\x98",      // truncated
           "\xC0\xAF",          // overlong '/'
           "\xC1\xBF",          // overlong
           "\xE0\x80\xAF",      // overlong
           "\xF0\x80\x80\xAF",  // overlong
           "\xED\xA0\x80",      // U+D800 surrogate
           "\xED\xBF\xBF",      // U+DFFF surrogate
           "\xF4\x90\x80\x80",  // U+110000
           "\xF5\x80\x80\x80",  // lead byte beyond range
           "\xFF",
           "\xC3\x28",  // bad continuation
           "ok\xFF",
       }) {
    EXPECT_FALSE(IsValidUtf8(bad)) << ::testing::PrintToString(std::string(bad));
  }
}

TEST(StringsUtf8, DecodeAndAppendRoundTrip) {
  char32_t cp = 0;
  EXPECT_EQ(DecodeUtf8("\xF0\x9F\x98\x80", 0, &cp), 4u);
  EXPECT_EQ(cp, U'\U0001F600');
  EXPECT_EQ(DecodeUtf8("a\xC3\xA9", 1, &cp), 2u);
  EXPECT_EQ(cp, U'\u00E9');
  EXPECT_EQ(DecodeUtf8("\xE2\x80\x93", 0, &cp), 3u);
  EXPECT_EQ(cp, U'\u2013');
  EXPECT_EQ(DecodeUtf8("\xE2\x80", 0, &cp), 0u);

  std::string out;
  AppendUtf8(U'A', &out);
  AppendUtf8(U'\u00E9', &out);
  AppendUtf8(U'\u20AC', &out);
  AppendUtf8(U'\U0001F600', &out);
  AppendUtf8(U'\U0010FFFF', &out);
  EXPECT_EQ(out, "A\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
}

TEST(StringsJsonEscape, QuotesAndBackslashes) {
  EXPECT_EQ(JsonEscape(""), "");
  EXPECT_EQ(JsonEscape("plain"), "plain");
  EXPECT_EQ(JsonEscape("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(JsonEscape("C:\\Windows\\cmd.exe"), "C:\\\\Windows\\\\cmd.exe");
  EXPECT_EQ(JsonEscape("/path/"), "/path/");  // '/' needs no escape
}

TEST(StringsJsonEscape, ControlCharacters) {
  EXPECT_EQ(JsonEscape("a\nb"), "a\\u000ab");
  EXPECT_EQ(JsonEscape("\t\r"), "\\u0009\\u000d");
  EXPECT_EQ(JsonEscape(std::string("\0", 1)), "\\u0000");
  EXPECT_EQ(JsonEscape("\x1F"), "\\u001f");
  EXPECT_EQ(JsonEscape("\x7F"), "\x7F");  // DEL is allowed raw in JSON
  EXPECT_EQ(JsonEscape(" "), " ");
}

TEST(StringsJsonEscape, Utf8KeptInvalidReplaced) {
  EXPECT_EQ(JsonEscape("caf\xC3\xA9 \xF0\x9F\x98\x80"), "caf\xC3\xA9 \xF0\x9F\x98\x80");
  EXPECT_EQ(JsonEscape("a\xFF" "b"), "a\\ufffdb");
  // Each bad byte is replaced; the valid character after a truncated sequence survives.
  EXPECT_EQ(JsonEscape("\xE2\x82" "A"), "\\ufffd\\ufffdA");
  EXPECT_EQ(JsonEscape("\xED\xA0\x80"), "\\ufffd\\ufffd\\ufffd");
  EXPECT_EQ(JsonEscape("\xC3"), "\\ufffd");
  EXPECT_EQ(JsonEscape("\xC3\xA9\xC3"), "\xC3\xA9\\ufffd");
}

TEST(StringsJsonEscape, IntoAppends) {
  std::string out = "{\"k\":\"";
  JsonEscapeInto("v\"", &out);
  out += "\"}";
  EXPECT_EQ(out, "{\"k\":\"v\\\"\"}");
}

}  // namespace
}  // namespace vigil::internal

namespace vigil::internal {
namespace {

TEST(EditDistanceTest, CountsInsertionsDeletionsSubstitutions) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("contain", "contains"), 1u);
  EXPECT_EQ(EditDistance("contains", "contain"), 1u);
  EXPECT_EQ(EditDistance("sourceipaddress", "sourceIPAddress"), 3u) << "case-sensitive: i, p, a";
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

}  // namespace
}  // namespace vigil::internal
