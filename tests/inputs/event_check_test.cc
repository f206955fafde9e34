// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for scan/event_check.h, the whole-event check of matched events: the DOM
// parser runs first, but the verdict and the message must always be the strict
// JsonScanner's. The cases JSON allows and simdjson's DOM refuses (numbers out of
// range, lone surrogates) must still pass; nesting must stop at exactly the same
// depth; and on thousands of damaged copies of a realistic event the check must agree
// with the JsonScanner byte for byte.
#include "inputs/event_check.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

#include "inputs/json_scanner.h"
#include "vigil/input.h"

namespace vigil::internal {
namespace {

// What the check says of `json`: "ok" or its error message. The text gets the
// padding MatchPadded promises.
std::string Check(EventCheck& check, std::string_view json) {
  std::string padded(json);
  padded.append(kRecordPadding, '\0');
  std::string error;
  return check.Valid(std::string_view(padded.data(), json.size()), &error) ? "ok" : error;
}

// The same question asked of the JsonScanner alone (the behaviour before the DOM
// parser was put in front of it).
std::string Strict(std::string_view json) {
  JsonScanner s(json.data(), json.data() + json.size());
  s.SkipWs();
  if (!s.SkipValue()) {
    return "invalid JSON at byte " + std::to_string(s.error_pos() - json.data()) + " of the event: " +
           s.error_message();
  }
  s.SkipWs();
  if (!s.at_end()) {
    return "invalid JSON at byte " + std::to_string(s.pos() - json.data()) + " of the event: text after the event";
  }
  return "ok";
}

const std::string kEvent =
    R"({"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDA","arn":"arn:aws:iam::1:user/a","accountId":"123456789012","sessionContext":{"attributes":{"creationDate":"2026-11-25T08:15:13Z","mfaAuthenticated":"false"}}},)"
    R"("eventTime":"2026-11-25T08:22:31Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","sourceIPAddress":"198.51.100.43",)"
    R"("userAgent":"aws-cli/2.16 \"quoted\" \\ tab\t \u00e9 \ud83d\ude00 caf\u00e9 Ã©","requestParameters":{"bucketName":"b","Host":"b.s3.amazonaws.com","x":[1,-2.5e+3,0,0.0,1E9,true,false,null,[],{}],)"
    R"("startTime":1795507200,"ratio":-0.125,"big":18446744073709551615},"responseElements":null,"readOnly":true,"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"}],)"
    R"("additionalEventData":{"bytesTransferredIn":0,"bytesTransferredOut":1024.5},"tlsDetails":{"tlsVersion":"TLSv1.3"}})";

TEST(EventCheckTest, AcceptsValidEvents) {
  EventCheck check;
  EXPECT_EQ(Check(check, kEvent), "ok");
  EXPECT_EQ(Check(check, " \t\r\n" + kEvent + "\n "), "ok");
  EXPECT_EQ(Check(check, "{}"), "ok");
  EXPECT_EQ(Check(check, R"({"a":"\u0000"})"), "ok");
}

TEST(EventCheckTest, WhatJsonAllowsAndTheDomParserRefusesStillPasses) {
  EventCheck check;
  for (std::string_view json : {
           R"({"a":1e400})",                              // beyond a double
           R"({"a":-1e400})",                             //
           R"({"a":1.7976931348623157e309})",             //
           R"({"a":18446744073709551616})",               // 2^64
           R"({"a":-9223372036854775809})",               // below INT64_MIN
           R"({"a":123456789012345678901234567890123})",  // a big integer
           R"({"a":"\ud800"})",                           // lone high surrogate
           R"({"a":"\udc00 x"})",                         // lone low surrogate
           R"({"a":["\ud83d",1e999,{"b":-99999999999999999999999}]})",
       }) {
    EXPECT_EQ(Check(check, json), "ok") << json;
  }
  // Valid text around such a number still has to be checked: the scanner's error.
  EXPECT_EQ(Check(check, R"({"a":1e400,"b":tru})"),
            "invalid JSON at byte 15 of the event: invalid literal (expected true, false or null)");
}

TEST(EventCheckTest, RejectsWithTheStrictScannersPositionAndReason) {
  EventCheck check;
  struct Case {
    std::string_view json;
    std::string_view message;
  } cases[] = {
      {R"({"a":tru})", "invalid JSON at byte 5 of the event: invalid literal (expected true, false or null)"},
      {R"({"a":truex})", "invalid JSON at byte 5 of the event: invalid literal (expected true, false or null)"},
      {R"({"a":"\x"})", "invalid JSON at byte 6 of the event: invalid escape in a string"},
      {R"({"a":"\u12G4"})", R"(invalid JSON at byte 6 of the event: invalid \u escape in a string)"},
      {"{\"a\":\"x\ty\"}", "invalid JSON at byte 7 of the event: control character inside a string"},
      {R"({"a":01})", "invalid JSON at byte 5 of the event: invalid number"},
      {R"({"a":1.})", "invalid JSON at byte 5 of the event: invalid number"},
      {R"({"a":-})", "invalid JSON at byte 5 of the event: invalid number"},
      {R"({"a":1 "b":2})", "invalid JSON at byte 7 of the event: expected ',' or '}' after an object member"},
      {R"({"a":[1,]})", "invalid JSON at byte 8 of the event: expected a JSON value"},
      {R"({"a" 1})", "invalid JSON at byte 5 of the event: expected ':' after an object key"},
      {R"({"a":1} x)", "invalid JSON at byte 8 of the event: text after the event"},
      {R"({"a":1}{"b":2})", "invalid JSON at byte 7 of the event: text after the event"},
      {R"({"a":"unterminated)", "invalid JSON at byte 18 of the event: unexpected end of input inside a string"},
  };
  for (const Case& c : cases) EXPECT_EQ(Check(check, c.json), c.message) << c.json;
}

TEST(EventCheckTest, NestingStopsAtTheStrictScannersDepth) {
  EventCheck check;
  // The event object is level 1: JsonScanner::kMaxDepth levels in all are accepted.
  for (char open : {'[', '{'}) {
    SCOPED_TRACE(std::string(1, open));
    auto nested = [&](int levels) {
      std::string s = "{\"a\":";
      for (int i = 1; i < levels; ++i) s += open == '[' ? "[" : "{\"k\":";
      s += "1";
      for (int i = 1; i < levels; ++i) s += open == '[' ? "]" : "}";
      return s + "}";
    };
    EXPECT_EQ(Check(check, nested(JsonScanner::kMaxDepth)), "ok");
    const std::string deep = nested(JsonScanner::kMaxDepth + 1);
    EXPECT_EQ(Check(check, deep), Strict(deep));
    EXPECT_NE(Check(check, deep).find("JSON nested too deeply"), std::string::npos);
  }
}

TEST(EventCheckTest, LargeEventsAreCheckedByTheStrictScanner) {
  EventCheck check;
  std::string big = R"({"a":")" + std::string(EventCheck::kMaxDomBytes, 'x') + R"(","b":[1,2,3]})";
  EXPECT_EQ(Check(check, big), "ok");
  big.replace(big.size() - 6, 1, "+");  // [1,+,3]
  EXPECT_EQ(Check(check, big), Strict(big));
  EXPECT_NE(Check(check, big), "ok");
}

TEST(EventCheckTest, AgreesWithTheStrictScannerOnDamagedEvents) {
  // Each copy of the event has one or two bytes replaced, deleted or inserted, with
  // bytes that matter to JSON; the check must give exactly the JsonScanner's verdict.
  EventCheck check;
  std::mt19937 rng(12);
  const std::string alphabet = "{}[]:,\"\\ \t\n0123456789-+.eEtrufalsn\x01\x7f\xc3\xa9u";
  int rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string s = kEvent;
    const int edits = 1 + static_cast<int>(rng() % 2);
    for (int e = 0; e < edits; ++e) {
      const size_t at = rng() % s.size();
      const char c = alphabet[rng() % alphabet.size()];
      switch (rng() % 3) {
        case 0: s[at] = c; break;
        case 1: s.erase(at, 1); break;
        default: s.insert(at, 1, c); break;
      }
    }
    const std::string strict = Strict(s);
    ASSERT_EQ(Check(check, s), strict) << s;
    rejected += strict != "ok";
  }
  // Most damage breaks the event, some does not (a digit for a digit): both verdicts
  // were exercised.
  EXPECT_GT(rejected, 5000);
  EXPECT_LT(rejected, 20000);
}

}  // namespace
}  // namespace vigil::internal
