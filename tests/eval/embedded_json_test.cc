// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Embedded JSON (src/eval/embedded_json.h): decoding a string's document and inserting
// it into the event's text. What rules see of it, through both engines, is in
// tests/cases/embedded_json.yml.

#include "eval/embedded_json.h"

#include <gtest/gtest.h>

#include "ir/ir.h"
#include "vigil/ruleset.h"
#include "vigil/scanner.h"

namespace vigil::internal {
namespace {

std::string Decode(std::string_view text) {
  simdjson::dom::parser parser;
  std::string out;
  return DecodeEmbeddedJson(text, &parser, &out) ? out : std::string("<none>");
}

TEST(EmbeddedJsonTest, DecodesPlainAndUrlEncodedDocuments) {
  EXPECT_EQ(Decode("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"),
            R"({"Version":"2012-10-17","Statement":[]})");
  EXPECT_EQ(Decode("%7B%22Statement%22%3A%5B%7B%22Action%22%3A%22s3%3A%2A%22%7D%5D%7D"),
            R"({"Statement":[{"Action":"s3:*"}]})");
  EXPECT_EQ(Decode("  [1, 2]"), "[1,2]");
  EXPECT_EQ(Decode("%7B%22a%22%3A%22x+y%22%7D"), R"({"a":"x+y"})");  // '+' is not a space
  // Nothing to decode: scalars, text, broken JSON or escapes, too deep.
  EXPECT_EQ(Decode("\"quoted\""), "<none>");
  EXPECT_EQ(Decode("42"), "<none>");
  EXPECT_EQ(Decode(""), "<none>");
  EXPECT_EQ(Decode("Allow *"), "<none>");
  EXPECT_EQ(Decode("{\"a\":"), "<none>");
  EXPECT_EQ(Decode("%7B%22a%22%3A1%7"), "<none>");
  EXPECT_EQ(Decode("%7B%22a%22%3A1%7G"), "<none>");
  EXPECT_EQ(Decode("%22text%22"), "<none>");
  EXPECT_EQ(Decode(std::string(32, '[') + std::string(32, ']')),
            std::string(32, '[') + std::string(32, ']'));
  EXPECT_EQ(Decode(std::string(33, '[') + std::string(33, ']')), "<none>");
}

// The event's text with the members inserted, or "<none>".
std::string Insert(const std::vector<std::string>& fields, std::string_view json) {
  std::string padded(json);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  EmbeddedJson e(fields);
  std::string out;
  std::string_view view;
  if (!e.InsertInto(std::string_view(padded.data(), json.size()), &out, &view)) return "<none>";
  EXPECT_EQ(out.size(), view.size() + simdjson::SIMDJSON_PADDING);
  return std::string(view);
}

TEST(EmbeddedJsonTest, InsertsTheDecodedMemberAfterTheString) {
  const std::vector<std::string> fields = {"requestParameters.policyDocument", "top"};
  EXPECT_EQ(
      Insert(fields, R"({"a":1,"requestParameters":{"policyDocument" : "{\"S\": [1]}" , "b":2}})"),
      R"({"a":1,"requestParameters":{"policyDocument" : "{\"S\": [1]}",)"
      R"("policyDocument\u001fdecoded":{"S":[1]} , "b":2}})");
  // Several fields, in the order of the text; a repeated key gets one member each.
  EXPECT_EQ(
      Insert(fields,
             R"({"top":"[1]","requestParameters":{"policyDocument":"{}","policyDocument":"[2]"}})"),
      R"({"top":"[1]","top\u001fdecoded":[1],"requestParameters":{"policyDocument":"{}",)"
      R"("policyDocument\u001fdecoded":{},"policyDocument":"[2]","policyDocument\u001fdecoded":[2]}})");
  // Nothing inserted: no such key, a string without a document, not a string, inside an
  // array (only objects are walked), a nested key of the same name elsewhere.
  EXPECT_EQ(Insert(fields, R"({"eventName":"x"})"), "<none>");
  EXPECT_EQ(Insert(fields, R"({"top":"plain text"})"), "<none>");
  // Already a document: the member holds a copy of its text.
  EXPECT_EQ(Insert(fields, R"({"top":{"a": 1} ,"b":[2]})"),
            R"({"top":{"a": 1},"top\u001fdecoded":{"a": 1} ,"b":[2]})");
  EXPECT_EQ(Insert(fields, R"({"top":[1,{}]})"), R"({"top":[1,{}],"top\u001fdecoded":[1,{}]})");
  EXPECT_EQ(Insert(fields, R"({"top":7})"), "<none>");
  EXPECT_EQ(Insert(fields, R"({"requestParameters":[{"policyDocument":"{}"}]})"), "<none>");
  EXPECT_EQ(Insert(fields, R"({"other":{"policyDocument":"{}"}})"), "<none>");
  // A key spelt with escapes is still found (the \u look), as is a string with a lone
  // surrogate (read as U+FFFD, as both engines read it).
  EXPECT_EQ(Insert(fields, R"({"t\u006fp":"{}"})"), R"({"t\u006fp":"{}","top\u001fdecoded":{}})");
  EXPECT_EQ(Insert(fields, R"({"top":"[\"\ud800\"]"})"),
            "{\"top\":\"[\\\"\\ud800\\\"]\",\"top\\u001fdecoded\":[\"\xEF\xBF\xBD\"]}");
  // Broken JSON: left to the evaluator to report.
  EXPECT_EQ(Insert(fields, R"({"top":"{}")"), "<none>");
}

TEST(EmbeddedJsonTest, PathsBeneathAFieldAreInternedBeneathItsMember) {
  const std::vector<std::string> embedded = {"a.b", "a.b.c"};
  EXPECT_EQ(DecodedPath("a.b.x", embedded),
            std::string("a.b") + std::string(kDecodedSuffix) + ".x");
  EXPECT_EQ(DecodedPath("a.b.c.y", embedded),
            std::string("a.b.c") + std::string(kDecodedSuffix) + ".y");  // the longest
  EXPECT_EQ(DecodedPath("a.b", embedded), "a.b");                        // the string itself
  EXPECT_EQ(DecodedPath("a.bc.x", embedded), "a.bc.x");
  EXPECT_EQ(DecodedPath("a", embedded), "a");
}

TEST(EmbeddedJsonTest, ClearedOptionsReadEventsAsSent) {
  const char* rule = R"(title: t
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    requestParameters.policyDocument.Statement.Effect: Allow
  condition: sel
)";
  const std::string event =
      R"({"requestParameters":{"policyDocument":"{\"Statement\":{\"Effect\":\"Allow\"}}"}})";
  for (const bool decode : {true, false}) {
    CompileOptions options;
    if (!decode) options.embedded_json.clear();
    RuleSetBuilder b(options);
    b.AddYaml(rule);
    Scanner scanner(b.Build());
    std::vector<Match> out;
    ASSERT_TRUE(scanner.Match(event, &out).ok());
    EXPECT_EQ(out.size(), decode ? 1u : 0u) << decode;
  }
}

}  // namespace
}  // namespace vigil::internal
