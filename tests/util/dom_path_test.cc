// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// DomPathSet reads a set of paths in one pass over an object's keys; it must answer
// exactly what DomLookup answers for each path, since the Scanner's capture (which
// uses it) and the Correlator's own parse (which uses DomLookup) feed the same windows.

#include "util/dom_path.h"

#include <gtest/gtest.h>
#include <simdjson.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

namespace vigil::internal {
namespace {

std::string Text(simdjson::dom::element e) {
  auto t = DomValueText(e);
  return t ? *t : std::string("null");
}

// Checks every path of `paths` on `json` against DomLookup, element by element.
void ExpectSameAsDomLookup(const std::string& json, const std::vector<std::string>& paths) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(json).get(root), simdjson::SUCCESS) << json;
  DomPathSet set(paths);
  set.Lookup(root);
  for (size_t i = 0; i < paths.size(); ++i) {
    simdjson::dom::element want;
    const bool found = DomLookup(root, paths[i], &want);
    ASSERT_EQ(set.found(i), found) << "path '" << paths[i] << "' in " << json;
    if (found) {
      EXPECT_EQ(Text(set.element(i)), Text(want)) << "path '" << paths[i] << "' in " << json;
    }
  }
}

TEST(DomPathSetTest, ReadsTopLevelNestedAndDottedKeys) {
  const std::string event = R"({"eventTime":"2026-01-01T00:00:00Z","userIdentity":{"arn":"arn:a","type":"IAMUser",
    "sessionContext":{"sessionIssuer":{"userName":"r"}}},"a.b":1,"a":{"b":2,"c.d":3,"c":{"d":4}},"n":null,"arr":[{"x":1}]})";
  ExpectSameAsDomLookup(event, {"eventTime", "@timestamp", "userIdentity.arn", "userIdentity.userName",
                                "userIdentity.sessionContext.sessionIssuer.userName", "a.b", "a.c.d", "a.c",
                                "n", "arr", "arr.x", "userIdentity", "missing.deeper", "a."});
  // The whole path as a key comes first ("a.b" is 1, not a's b).
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(event).get(root), simdjson::SUCCESS);
  DomPathSet set({"a.b", "a.c.d"});
  set.Lookup(root);
  ASSERT_TRUE(set.found(0));
  EXPECT_EQ(Text(set.element(0)), "1");
  ASSERT_TRUE(set.found(1));
  EXPECT_EQ(Text(set.element(1)), "3");
}

// Through arrays, as the matcher reads a path (issue 14): the first element, in
// document order, that has the rest of the path gives the value.
TEST(DomPathSetTest, PathsGoThroughArraysToTheFirstValueFound) {
  const std::string event =
      R"({"resources":[{"type":"x"},{"ARN":"arn:1","type":"y"},{"ARN":"arn:2"}],
    "nested":[[{"k":1}],[{"k":2}]],"scalars":[1,2],"obj":{"list":[{"a":{"b":"deep"}}]},
    "empty":[],"mixed":[null,{"v":"w"}]})";
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(event).get(root), simdjson::SUCCESS);
  auto text_at = [&](const char* path) {
    simdjson::dom::element e;
    return DomLookup(root, path, &e) ? Text(e) : std::string("(missing)");
  };
  EXPECT_EQ(text_at("resources.ARN"), "arn:1");  // the first element with one
  EXPECT_EQ(text_at("resources.type"), "x");
  EXPECT_EQ(text_at("nested.k"), "1");  // arrays inside arrays
  EXPECT_EQ(text_at("obj.list.a.b"), "deep");
  EXPECT_EQ(text_at("mixed.v"), "w");
  EXPECT_EQ(text_at("scalars.x"), "(missing)");  // a scalar has no keys
  EXPECT_EQ(text_at("empty.x"), "(missing)");
  EXPECT_EQ(text_at("resources"), R"([{"type":"x"},{"ARN":"arn:1","type":"y"},{"ARN":"arn:2"}])");
  ExpectSameAsDomLookup(event, {"resources.ARN", "resources.type", "nested.k", "obj.list.a.b",
                                "mixed.v", "scalars.x", "empty.x", "resources"});
}

TEST(DomPathSetTest, FirstOfDuplicateKeysAndEmptyPaths) {
  ExpectSameAsDomLookup(R"({"k":"first","k":"second","":{"x":"under empty"},"x":0})", {"k", "", ".x", "x"});
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  ASSERT_EQ(parser.parse(std::string(R"({"k":"first","k":"second"})")).get(root), simdjson::SUCCESS);
  DomPathSet set({"k"});
  set.Lookup(root);
  ASSERT_TRUE(set.found(0));
  EXPECT_EQ(Text(set.element(0)), "first");
}

TEST(DomPathSetTest, NotAnObject) {
  ExpectSameAsDomLookup(R"([1,2])", {"a", "", "0"});
  ExpectSameAsDomLookup(R"("text")", {"a"});
}

TEST(DomPathSetTest, LookupsInARowForgetThePreviousEvent) {
  simdjson::dom::parser p1, p2;
  simdjson::dom::element r1, r2;
  ASSERT_EQ(p1.parse(std::string(R"({"a":"1","b":{"c":"2"}})")).get(r1), simdjson::SUCCESS);
  ASSERT_EQ(p2.parse(std::string(R"({"z":"3"})")).get(r2), simdjson::SUCCESS);
  DomPathSet set({"a", "b.c", "z"});
  set.Lookup(r1);
  EXPECT_TRUE(set.found(0));
  EXPECT_TRUE(set.found(1));
  EXPECT_FALSE(set.found(2));
  set.Lookup(r2);
  EXPECT_FALSE(set.found(0));
  EXPECT_FALSE(set.found(1));
  ASSERT_TRUE(set.found(2));
  EXPECT_EQ(Text(set.element(2)), "3");
}

// Random objects over a small alphabet of keys (dots, empty keys, repeats, keys that
// share a length and end bytes, so the filter's collisions are exercised).
TEST(DomPathSetTest, AgreesWithDomLookupOnRandomObjects) {
  const std::vector<std::string> keys = {"a", "b", "a.b", "ab", "ba", "", "a.", ".a", "aXa", "aYa", "eventTime",
                                         "eventName", "userIdentity", "arn", "userIdentity.arn", "x.y.z"};
  std::mt19937 rng(7);
  auto pick = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  std::function<std::string(int)> value = [&](int depth) -> std::string {
    const size_t kind = depth > 2 ? pick(3) : pick(5);
    if (kind == 0) return "\"v" + std::to_string(pick(100)) + "\"";
    if (kind == 1) return std::to_string(pick(1000));
    if (kind == 2) return "null";
    if (kind == 3) return "[" + value(depth + 1) + "]";
    std::string o = "{";
    const size_t n = pick(6);
    for (size_t i = 0; i < n; ++i) {
      if (i) o += ",";
      o += "\"" + keys[pick(keys.size())] + "\":" + value(depth + 1);
    }
    return o + "}";
  };
  std::vector<std::string> paths;
  for (const auto& k : keys) paths.push_back(k);
  for (int i = 0; i < 40; ++i) paths.push_back(keys[pick(keys.size())] + "." + keys[pick(keys.size())]);
  for (int round = 0; round < 300; ++round) {
    std::string o = "{";
    const size_t n = 1 + pick(12);
    for (size_t i = 0; i < n; ++i) {
      if (i) o += ",";
      o += "\"" + keys[pick(keys.size())] + "\":" + value(1);
    }
    o += "}";
    ExpectSameAsDomLookup(o, paths);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace vigil::internal
