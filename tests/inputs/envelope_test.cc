// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The record shapes (src/inputs/envelope.h): the classifier's rules, and the three
// parsers that feed it (the matcher's DOM shortcut, simdjson On-Demand, the strict
// scanner) giving the same records, envelopes and indexes for every shape.

#include "inputs/envelope.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "inputs/reader.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

using internal::EnvelopeClassifier;
using internal::EnvelopeKey;
using internal::ValueKind;
using Shape = EnvelopeClassifier::Shape;
using Take = EnvelopeClassifier::Take;

TEST(EnvelopeKeyTest, ExactSpellingsOnly) {
  EXPECT_EQ(internal::KeyOf(std::string_view("Records")), EnvelopeKey::kRecords);
  EXPECT_EQ(internal::KeyOf(std::string_view("Events")), EnvelopeKey::kEvents);
  EXPECT_EQ(internal::KeyOf(std::string_view("detail")), EnvelopeKey::kDetail);
  EXPECT_EQ(internal::KeyOf(std::string_view("detail-type")), EnvelopeKey::kDetailType);
  EXPECT_EQ(internal::KeyOf(std::string_view("CloudTrailEvent")), EnvelopeKey::kCloudTrailEvent);
  EXPECT_EQ(internal::KeyOf(std::string_view("records")), EnvelopeKey::kOther);
  EXPECT_EQ(internal::KeyOf(std::string_view("RecordsX")), EnvelopeKey::kOther);
  EXPECT_EQ(internal::KeyOf(std::string_view("details")), EnvelopeKey::kOther);
  EXPECT_EQ(internal::KeyOf(std::string_view("")), EnvelopeKey::kOther);
}

TEST(EnvelopeClassifierTest, RecordsOrEventsArrayMakeAnEnvelope) {
  EnvelopeClassifier c;
  EXPECT_EQ(c.Member(EnvelopeKey::kOther, ValueKind::kOther), Take::kSkip);
  EXPECT_EQ(c.Member(EnvelopeKey::kRecords, ValueKind::kArray), Take::kRecords);
  EXPECT_EQ(c.Result(), Shape::kEnvelope);
  EXPECT_TRUE(c.PlainRecords());
  EXPECT_FALSE(c.PlainEvent());
  EXPECT_EQ(c.Member(EnvelopeKey::kEvents, ValueKind::kArray), Take::kEvents);
  EXPECT_EQ(c.Result(), Shape::kEnvelope);
  EXPECT_FALSE(c.PlainRecords());  // the DOM shortcut takes one Records array only
}

TEST(EnvelopeClassifierTest, AnEnvelopeKeyWithAnotherTypeIsAPlainField) {
  EnvelopeClassifier c;
  EXPECT_EQ(c.Member(EnvelopeKey::kRecords, ValueKind::kObject), Take::kSkip);
  EXPECT_EQ(c.Member(EnvelopeKey::kEvents, ValueKind::kOther), Take::kSkip);
  EXPECT_EQ(c.Member(EnvelopeKey::kDetail, ValueKind::kArray), Take::kSkip);
  EXPECT_EQ(c.Member(EnvelopeKey::kDetailType, ValueKind::kOther), Take::kSkip);
  EXPECT_EQ(c.Result(), Shape::kEvent);
  // Still left to the other parsers: the DOM sees keys unescaped, they do not.
  EXPECT_FALSE(c.PlainEvent());
  EXPECT_FALSE(c.PlainRecords());
}

TEST(EnvelopeClassifierTest, EventBridgeNeedsBothDetailTypeAndAnObjectDetail) {
  EnvelopeClassifier only_detail;
  EXPECT_EQ(only_detail.Member(EnvelopeKey::kDetail, ValueKind::kObject), Take::kDetail);
  EXPECT_EQ(only_detail.Result(), Shape::kEvent);

  EnvelopeClassifier both;
  both.Member(EnvelopeKey::kDetail, ValueKind::kObject);
  both.Member(EnvelopeKey::kDetailType, ValueKind::kOther);
  EXPECT_EQ(both.Result(), Shape::kEventBridge);

  // An envelope array wins over EventBridge keys.
  both.Member(EnvelopeKey::kRecords, ValueKind::kArray);
  EXPECT_EQ(both.Result(), Shape::kEnvelope);
}

TEST(EnvelopeClassifierTest, AnObjectWithoutEnvelopeKeysIsOnePlainEvent) {
  EnvelopeClassifier c;
  c.Member(EnvelopeKey::kOther, ValueKind::kObject);
  EXPECT_EQ(c.Result(), Shape::kEvent);
  EXPECT_TRUE(c.PlainEvent());
  EXPECT_FALSE(c.PlainRecords());
}

// The matcher's DOM parser, lent to the Reader as ScanInputs lends a Scanner's.
class TestHandoff : public internal::DomHandoff {
 public:
  bool Parse(std::string_view json, simdjson::dom::element* root) override {
    ++generation_;
    simdjson::dom::element e;
    if (parser_.parse(json.data(), json.size(), false).get(e) || !e.is_object()) return false;
    *root = e;
    return true;
  }
  void Reuse(std::string_view) override { ++reused_; }
  void ReuseElement(std::string_view, simdjson::dom::element) override { ++reused_; }
  uint64_t Generation() const override { return generation_; }
  const uint32_t* Structurals(size_t* count) const override {
    *count = parser_.implementation->n_structural_indexes;
    return parser_.implementation->structural_indexes.get();
  }
  int reused() const { return reused_; }

 private:
  simdjson::dom::parser parser_;
  uint64_t generation_ = 0;
  int reused_ = 0;
};

struct Transcript : RecordSink {
  std::vector<std::string> lines;
  bool OnRecord(const Record& r) override {
    lines.push_back(std::to_string(r.index) + " line " + std::to_string(r.line) + " env " +
                    std::to_string(static_cast<int>(r.envelope)) + " " + std::string(r.json));
    return true;
  }
  void OnError(const InputError& e) override {
    lines.push_back("error " + std::to_string(e.index) + " line " + std::to_string(e.line) + ": " +
                    e.message);
  }
};

enum class Path { kDom, kOnDemand, kStrict };

std::vector<std::string> Read(const std::string& data, Path path, int* reused = nullptr) {
  Transcript t;
  ReadStats stats;
  internal::Reader reader(ReadOptions{}, &t, &stats);
  TestHandoff handoff;
  if (path == Path::kDom) reader.set_dom_handoff(&handoff);
  if (path == Path::kStrict) reader.set_max_fast_text_bytes(0);
  const std::string name = "in";
  reader.ReadMemory(data, name);
  if (reused != nullptr) *reused = handoff.reused();
  return t.lines;
}

struct ShapeCase {
  const char* name;
  std::string text;
  std::vector<std::string> want;
};

const std::vector<ShapeCase>& Cases() {
  static const std::vector<ShapeCase> cases = {
      {"plain", R"({"eventName":"A"})", {R"(0 line 1 env 0 {"eventName":"A"})"}},
      {"records", "{\"Records\":[{\"a\":1},\n{\"a\":2}]}",
       {R"(0 line 1 env 1 {"a":1})", R"(1 line 2 env 1 {"a":2})"}},
      {"records pretty", "{\n  \"Records\": [\n    {\"a\": 1}\n  ]\n}\n", {R"(0 line 3 env 1 {"a": 1})"}},
      {"lookup", R"({"Events":[{"EventId":"x","CloudTrailEvent":"{\"a\":1}"}]})",
       {R"(0 line 1 env 2 {"a":1})"}},
      {"eventbridge", R"({"detail-type":"AWS API Call via CloudTrail","detail":{"a":1}})",
       {R"(0 line 1 env 3 {"a":1})"}},
      {"detail without detail-type", R"({"detail":{"a":1},"b":2})",
       {R"(0 line 1 env 0 {"detail":{"a":1},"b":2})"}},
      {"detail that is not an object", R"({"detail-type":"x","detail":"y"})",
       {R"(0 line 1 env 0 {"detail-type":"x","detail":"y"})"}},
      {"Records that is not an array", R"({"Records":{"a":1}})",
       {R"(0 line 1 env 0 {"Records":{"a":1}})"}},
      {"escaped key is not the key", R"({"Rec\u006frds":[{"a":1}]})",
       {R"(0 line 1 env 0 {"Rec\u006frds":[{"a":1}]})"}},
      {"CloudTrailEvent at the top", R"({"CloudTrailEvent":"{}","b":1})",
       {R"(0 line 1 env 0 {"CloudTrailEvent":"{}","b":1})"}},
      {"array of EventBridge events", R"([{"detail-type":"x","detail":{"a":1}},{"b":2}])",
       {R"(0 line 1 env 3 {"a":1})", R"(1 line 1 env 0 {"b":2})"}},
      {"Records and Events", R"({"Records":[{"a":1}],"Events":[{"CloudTrailEvent":"{\"b\":2}"}]})",
       {R"(0 line 1 env 1 {"a":1})", R"(1 line 1 env 2 {"b":2})"}},
      {"envelope wins over detail", R"({"detail-type":"x","detail":{"d":1},"Records":[{"a":1}]})",
       {R"(0 line 1 env 1 {"a":1})"}},
      {"ndjson of shapes", "{\"a\":1}\n{\"detail-type\":\"x\",\"detail\":{\"b\":2}}\n{\"Records\":[{\"c\":3}]}\n",
       {R"(0 line 1 env 0 {"a":1})", R"(1 line 2 env 3 {"b":2})", R"(2 line 3 env 1 {"c":3})"}},
      {"non-object element", R"({"Records":[{"a":1},5,{"a":2}]})",
       {R"(0 line 1 env 1 {"a":1})", "error 1 line 1: array element is not a JSON object",
        R"(2 line 1 env 1 {"a":2})"}},
  };
  return cases;
}

TEST(EnvelopeParsersTest, EveryParserGivesTheSameRecordsForEveryShape) {
  for (const ShapeCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    const std::vector<std::string> dom = Read(c.text, Path::kDom);
    EXPECT_EQ(dom, c.want);
    EXPECT_EQ(Read(c.text, Path::kOnDemand), dom);
    EXPECT_EQ(Read(c.text, Path::kStrict), dom);
  }
}

TEST(EnvelopeParsersTest, TheDomShortcutTakesOnlyPlainEventsAndRecordsFiles) {
  int reused = 0;
  // An NDJSON line (one line of a document is left to the framing's other path).
  Read("{\"eventName\":\"A\"}\n", Path::kDom, &reused);
  EXPECT_EQ(reused, 1);
  Read("{\"Records\":[{\"a\":1},{\"a\":2}]}", Path::kDom, &reused);
  EXPECT_EQ(reused, 2);
  Read("{\"detail-type\":\"x\",\"detail\":{\"a\":1}}\n", Path::kDom, &reused);
  EXPECT_EQ(reused, 0);
  Read("{\"Records\":{\"a\":1}}\n", Path::kDom, &reused);
  EXPECT_EQ(reused, 0);
  Read("{\"Rec\\u006frds\":[{\"a\":1}]}\n", Path::kDom, &reused);
  EXPECT_EQ(reused, 0);
}

}  // namespace
}  // namespace vigil
