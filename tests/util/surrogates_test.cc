// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
#include "util/surrogates.h"

#include <gtest/gtest.h>

#include <simdjson.h>

#include <string>
#include <utility>
#include <vector>

#include "vigil/input.h"

namespace vigil::internal {
namespace {

std::string Fixed(std::string_view json) {
  std::string out;
  if (!ReplaceLoneSurrogateEscapes(json, &out)) return "(none)";
  return out;
}

TEST(SurrogatesTest, LoneEscapesBecomeReplacementCharacterEscapes) {
  EXPECT_EQ(Fixed(R"({"a":"\ud800"})"), R"({"a":"\ufffd"})");
  EXPECT_EQ(Fixed(R"({"a":"\uDC00x"})"), R"({"a":"\ufffdx"})");
  // Two highs: both lone. A high then a pair: the first is lone.
  EXPECT_EQ(Fixed(R"(["\ud800\ud800"])"), R"(["\ufffd\ufffd"])");
  EXPECT_EQ(Fixed(R"(["\ud800\ud83d\ude00"])"), R"(["\ufffd\ud83d\ude00"])");
  // A high followed by another escape, or by the end of the string.
  EXPECT_EQ(Fixed(R"(["\ud800\n"])"), R"(["\ufffd\n"])");
  EXPECT_EQ(Fixed(R"(["\udbff"])"), R"(["\ufffd"])");
  // Keys too.
  EXPECT_EQ(Fixed(R"({"\udfff":1})"), R"({"\ufffd":1})");
}

TEST(SurrogatesTest, PairsEscapedBackslashesAndOtherEscapesAreLeftAlone) {
  EXPECT_EQ(Fixed(R"(["\ud83d\ude00"])"), "(none)");
  EXPECT_EQ(Fixed(R"(["\\ud800"])"), "(none)");  // the text \ud800
  EXPECT_EQ(Fixed(R"(["\\\\ud800"])"), "(none)");
  EXPECT_EQ(Fixed(R"(["\\\ud800"])"), R"(["\\\ufffd"])");
  EXPECT_EQ(Fixed(R"(["\u00e9\u20ac"])"), "(none)");
  EXPECT_EQ(Fixed(R"(["\ud8"])"), "(none)");  // broken: the parser reports it
  EXPECT_EQ(Fixed("plain"), "(none)");
  EXPECT_FALSE(HasLoneSurrogateEscape(R"(["\ud83d\ude00"])"));
  EXPECT_TRUE(HasLoneSurrogateEscape(R"(["\ude00\ud83d"])"));
}

TEST(SurrogatesTest, PaddingIsAppended) {
  std::string out;
  ASSERT_TRUE(ReplaceLoneSurrogateEscapes(R"("\ud800")", &out, 4));
  EXPECT_EQ(out, std::string(R"("\ufffd")") + std::string(4, '\0'));
}

TEST(SurrogatesTest, UnescapeStringLossy) {
  std::string out;
  ASSERT_TRUE(UnescapeStringLossy(R"("a\ud800b\n\u00e9\ud83d\ude00\\" , )", &out));
  EXPECT_EQ(out, "a\xef\xbf\xbd" "b\n\xc3\xa9\xf0\x9f\x98\x80\\");
  EXPECT_FALSE(UnescapeStringLossy(R"("a\x")", &out));
  EXPECT_FALSE(UnescapeStringLossy(R"("open)", &out));
  EXPECT_FALSE(UnescapeStringLossy(R"("\u12")", &out));
}

struct Collect : RecordSink {
  std::vector<std::string> records, errors;
  bool OnRecord(const Record& r) override {
    records.emplace_back(r.json);
    return true;
  }
  void OnError(const InputError& e) override { errors.push_back(e.message); }
};

// `aws cloudtrail lookup-events` output whose CloudTrailEvent string holds a lone
// surrogate escape at its own level (simdjson refuses to unescape it): the record is
// read, with U+FFFD, instead of "lookup-events entry has no CloudTrailEvent string".
TEST(SurrogatesTest, LookupEventsStringWithALoneSurrogateIsRead) {
  const std::string doc =
      R"({"Events":[{"EventId":"1","CloudTrailEvent":"{\"eventName\":\"StopLogging\",\"userAgent\":\"x\ud800\"}"}]})";
  for (const std::string& text : {doc, doc + "\n" + doc + "\n"}) {  // one document; NDJSON
    Collect c;
    ReadStats st;
    ReadBuffer(text, "t", ReadOptions(), &c, &st);
    ASSERT_EQ(c.records.size(), text == doc ? 1u : 2u);
    EXPECT_EQ(c.records[0], "{\"eventName\":\"StopLogging\",\"userAgent\":\"x\xef\xbf\xbd\"}");
    EXPECT_TRUE(c.errors.empty()) << c.errors.front();
  }
}

TEST(SurrogatesTest, StringValueLossy) {
  // Each key's value as StringValueLossy reads it, into a string that held something.
  const std::string json =
      R"({"plain":"a\u00e9b","lone":"x\ud800y","number":12,"object":{"k":"v"},"null":null})";
  simdjson::padded_string padded(json);
  simdjson::ondemand::parser parser;
  simdjson::ondemand::document doc = parser.iterate(padded);
  std::vector<std::pair<std::string, bool>> got;
  for (auto field : doc.get_object()) {
    std::string out = "stale";
    const bool ok = StringValueLossy(field.value(), &out);
    got.emplace_back(out, ok);
  }
  const std::vector<std::pair<std::string, bool>> want = {{"a\xc3\xa9"
                                                           "b",
                                                           true},
                                                          {"x\xef\xbf\xbd"
                                                           "y",
                                                           true},
                                                          {"", false},
                                                          {"", false},
                                                          {"", false}};
  EXPECT_EQ(got, want);
}

}  // namespace
}  // namespace vigil::internal
