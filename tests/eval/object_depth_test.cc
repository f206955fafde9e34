// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// kMaxEventDepth (docs/limits.md) on nested *objects*: issue 13 found the object path
// of the depth check never exercised (EvaluatorTest.EventDepthLimitIsExact nests
// arrays). A field path that walks down objects, and a keyword rule that walks every
// string, are both held to 128 levels below the top-level object.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vigil/vigil.h"

namespace vigil {
namespace {

std::vector<std::string> Titles(Scanner& s, const std::string& json) {
  std::vector<Match> out;
  const Status st = s.Match(json, &out);
  std::vector<std::string> t;
  if (!st.ok()) t.push_back("ERROR: " + st.message());
  for (const auto& m : out) t.push_back(m.rule->title);
  return t;
}

// {"o":{"o":...{"s":"needle"}...}} with `levels` objects below the top-level one: the
// string is at level levels + 1.
std::string NestedObjects(int levels) {
  std::string json = "{";
  for (int i = 0; i < levels; ++i) json += "\"o\":{";
  json += "\"s\":\"needle\"";
  for (int i = 0; i < levels; ++i) json += "}";
  return json + "}";
}

std::string DottedPath(int levels) {
  std::string path;
  for (int i = 0; i < levels; ++i) path += "o.";
  return path + "s";
}

TEST(ObjectDepthTest, FieldPathThroughNestedObjectsStopsAtTheLimit) {
  RuleSetBuilder b;
  b.AddYaml("title: path127\ndetection:\n  s: {" + DottedPath(127) + ": needle}\n  condition: s\n---\n"
            "title: path128\ndetection:\n  s: {" + DottedPath(128) + ": needle}\n  condition: s\n");
  ASSERT_FALSE(b.has_errors());
  Scanner s(b.Build());
  EXPECT_EQ(Titles(s, NestedObjects(127)), std::vector<std::string>{"path127"});
  EXPECT_EQ(Titles(s, NestedObjects(128)),
            std::vector<std::string>{"ERROR: event nested deeper than 128 levels (objects and arrays)"});
  // 5,000 levels: the rules read `o` down to level 129 only; below that the objects are
  // in no field a rule reads and are skipped without recursion, so the event is a plain
  // non-match (docs/limits.md: the limit applies to the parts a rule reads).
  EXPECT_EQ(Titles(s, NestedObjects(5000)), std::vector<std::string>{});
}

TEST(ObjectDepthTest, KeywordWalkThroughNestedObjectsStopsAtTheLimit) {
  RuleSetBuilder b;
  b.AddYaml("title: kw\ndetection:\n  k: [needle]\n  condition: k\n");
  ASSERT_FALSE(b.has_errors());
  Scanner s(b.Build());
  EXPECT_EQ(Titles(s, NestedObjects(127)), std::vector<std::string>{"kw"});
  EXPECT_EQ(Titles(s, NestedObjects(128)),
            std::vector<std::string>{"ERROR: event nested deeper than 128 levels (objects and arrays)"});
}

}  // namespace
}  // namespace vigil
