// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for scan/json_scanner.h, the strict validator behind the readers' slow path.
// Accept/reject cases follow RFC 8259; each reject case also checks the exact error
// offset and whether the error is "input ended too early" (which is what tells the
// first line of a pretty-printed document from a broken NDJSON line). Offsets were
// checked against Python's json module where it reports the same position.
#include "inputs/json_scanner.h"

#include <string>
#include <string_view>

#include <gtest/gtest.h>

namespace vigil::internal {
namespace {

struct Outcome {
  bool ok;
  long error_offset;  // -1 when ok
  bool at_end;
  long end_offset;    // where the value ended, when ok
};

Outcome Scan(std::string_view text) {
  JsonScanner scanner(text.data(), text.data() + text.size());
  if (scanner.SkipValue()) return {true, -1, false, scanner.pos() - text.data()};
  return {false, scanner.error_pos() - text.data(), scanner.error_at_end(), -1};
}

TEST(ScanJsonScannerTest, AcceptsValidValues) {
  for (std::string_view text : {
           R"({})", R"([])", R"({"a":1})",
           R"( {"a" : [1, -2.5e+3, 0, 0.0, 1E9, true, false, null]} )",
           R"("plain")", R"("esc \" \\ \/ \b \f \n \r \t \u00e9 \uD83D\uDE00")", R"(0)", R"(-0)",
           R"([[[[]]]])", R"({"k":{"k":{"k":"v"}}})", "\"caf\xc3\xa9\"",
       }) {
    Outcome o = Scan(text);
    EXPECT_TRUE(o.ok) << text << " failed at " << o.error_offset;
  }
}

TEST(ScanJsonScannerTest, StopsRightAfterTheFirstValue) {
  EXPECT_EQ(Scan(R"({"a":1} {"b":2})").end_offset, 7);
  EXPECT_EQ(Scan(R"(  [1,2]  ,)").end_offset, 7);
  EXPECT_EQ(Scan("12 13").end_offset, 2);
}

TEST(ScanJsonScannerTest, RejectsWithExactPosition) {
  struct Case {
    std::string_view text;
    long offset;
  } cases[] = {
      {R"({"a":1,})", 7},          // trailing comma: a key was expected at '}'
      {R"({"a" 1})", 5},           // missing ':'
      {R"({"a":1 "b":2})", 7},     // missing ','
      {R"([1 2])", 3},             // missing ','
      {R"([1,,2])", 3},            // empty element
      {R"({a:1})", 1},             // unquoted key
      {R"(["a\x"])", 3},           // bad escape, reported at the backslash
      {R"(["\u12G4"])", 2},        // bad \u escape
      {"[\"a\tb\"]", 3},           // raw control character in a string
      {R"([01])", 1},              // leading zero
      {R"([1.])", 1},              // no digit after '.'
      {R"([-])", 1},               // no digit after '-'
      {R"([1e])", 1},              // no digit in the exponent
      {R"([tru])", 1},             // bad literal
      {R"([truex])", 1},           // literal glued to garbage
      {R"([nul,1])", 1},           //
      {R"(})", 0},                 // no value
      {R"({"a":1]})", 6},          // mismatched bracket
      {R"([1}})", 2},              //
  };
  for (const Case& c : cases) {
    Outcome o = Scan(c.text);
    EXPECT_FALSE(o.ok) << c.text;
    EXPECT_EQ(o.error_offset, c.offset) << c.text;
    EXPECT_FALSE(o.at_end) << c.text;
  }
}

TEST(ScanJsonScannerTest, TruncatedInputIsReportedAsEndOfInput) {
  for (std::string_view text : {R"({)", R"({"a")", R"({"a":)", R"({"a":"xy)", R"({"a":"x\)",
                                R"({"a":"\u12)", R"([1,)", R"([tr)", R"([-)", R"([1.)", R"([1e+)",
                                R"({"Records":[{"eventName":"A"},)", "", "   "}) {
    Outcome o = Scan(text);
    EXPECT_FALSE(o.ok) << text;
    EXPECT_TRUE(o.at_end) << text;
    EXPECT_EQ(o.error_offset, static_cast<long>(text.size())) << text;
  }
}

TEST(ScanJsonScannerTest, NestingLimit) {
  std::string deep(JsonScanner::kMaxDepth, '[');
  deep += std::string(JsonScanner::kMaxDepth, ']');
  EXPECT_TRUE(Scan(deep).ok);
  std::string too_deep(JsonScanner::kMaxDepth + 1, '[');
  too_deep += std::string(JsonScanner::kMaxDepth + 1, ']');
  Outcome o = Scan(too_deep);
  EXPECT_FALSE(o.ok);
  EXPECT_EQ(o.error_offset, JsonScanner::kMaxDepth);
}

TEST(ScanJsonScannerTest, NeverReadsPastTheEnd) {
  // The literal continues in memory after `end`; the scanner must not look at it.
  const std::string memory = R"([true])";
  JsonScanner scanner(memory.data(), memory.data() + 3);  // "[tr"
  EXPECT_FALSE(scanner.SkipValue());
  EXPECT_TRUE(scanner.error_at_end());
}

TEST(ScanJsonScannerTest, LongStringsAtEveryOffset) {
  // Strings are scanned 16 bytes at a time: a quote, escape or control character must
  // be found wherever it falls in a block, and the tail of the input byte by byte.
  for (size_t len = 0; len < 70; ++len) {
    const std::string body(len, 'x');
    SCOPED_TRACE(len);
    EXPECT_EQ(Scan("\"" + body + "\"").end_offset, static_cast<long>(len + 2));
    EXPECT_EQ(Scan("\"" + body + "\\n" + body + "\"").end_offset, static_cast<long>(2 * len + 4));
    EXPECT_EQ(Scan("\"" + body + "\xc3\xa9\x7f\"").end_offset, static_cast<long>(len + 5));
    Outcome control = Scan("\"" + body + "\x1f" + body + "\"");
    EXPECT_FALSE(control.ok);
    EXPECT_EQ(control.error_offset, static_cast<long>(len + 1));
    Outcome escape = Scan("\"" + body + "\\q\"");
    EXPECT_EQ(escape.error_offset, static_cast<long>(len + 1));
    Outcome open = Scan("\"" + body);
    EXPECT_TRUE(open.at_end);
    EXPECT_EQ(open.error_offset, static_cast<long>(len + 1));
  }
}

TEST(ScanJsonScannerTest, LongStringNeverReadsPastTheEnd) {
  // The closing quote is in memory after `end`; the scanner must stop at `end`.
  for (size_t len = 0; len < 70; ++len) {
    const std::string memory = "\"" + std::string(len, 'x') + "\"";
    JsonScanner scanner(memory.data(), memory.data() + memory.size() - 1);
    EXPECT_FALSE(scanner.SkipValue()) << len;
    EXPECT_TRUE(scanner.error_at_end()) << len;
  }
}

LineShape Classify(std::string_view line) {
  return ClassifyLine(line.data(), line.data() + line.size());
}

TEST(ScanJsonScannerTest, ClassifyLine) {
  EXPECT_EQ(Classify(R"({"eventName":"A"})"), LineShape::kComplete);
  EXPECT_EQ(Classify("  [1,2]  \r"), LineShape::kComplete);
  EXPECT_EQ(Classify("{"), LineShape::kIncomplete);
  EXPECT_EQ(Classify(R"({"Records": [)"), LineShape::kIncomplete);
  EXPECT_EQ(Classify(R"(    "eventVersion": "1.08",)"), LineShape::kInvalid);
  EXPECT_EQ(Classify(R"({"a":1} {"b":2})"), LineShape::kInvalid);
  EXPECT_EQ(Classify(R"({"a":1} x)"), LineShape::kInvalid);
  EXPECT_EQ(Classify("Apache License"), LineShape::kInvalid);
}

}  // namespace
}  // namespace vigil::internal
