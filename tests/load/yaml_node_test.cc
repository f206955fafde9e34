// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The YAML tree the loader builds (load/yaml_node.h): what each scalar keeps (text,
// plainness, tag, null-ness), positions in bytes, maps in order, aliases, and the
// checks made while the events arrive (duplicate keys in large maps, unknown aliases,
// undecodable text).

#include "load/yaml_node.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "load/yaml_loader.h"

namespace vigil::internal {
namespace {

struct Loaded {
  std::vector<YamlDocument> docs;
  std::vector<std::string> errors;
};

Loaded Load(const std::string& text) {
  Loaded out;
  std::vector<Diagnostic> diags;
  out.docs = LoadYamlDocuments(text, "t.yml", &diags);
  for (const auto& d : diags) out.errors.push_back(d.ToString());
  return out;
}

// REQUIRES: `l` outlives the node (nodes are handles into the loaded tree).
YamlNode Root(const Loaded& l) {
  EXPECT_EQ(l.errors, std::vector<std::string>{});
  EXPECT_EQ(l.docs.size(), 1u);
  return l.docs.empty() ? YamlNode() : l.docs[0].root;
}

std::string At(const YamlNode& n) { return std::to_string(n.line()) + ":" + std::to_string(n.column()); }

TEST(YamlNodeTest, ScalarsKeepTheirTextPlainnessAndTag) {
  const Loaded l = Load(
      "plain: 12\nsingle: '12'\ndouble: \"a\\tb\"\ntagged: !!str 12\ncustom: !include x.yml\n"
      "block: |\n  two\n  lines\n");
  const YamlNode r = Root(l);
  EXPECT_TRUE(r["plain"].IsPlain());
  EXPECT_EQ(r["plain"].Scalar(), "12");
  EXPECT_EQ(r["plain"].Tag(), "");
  EXPECT_FALSE(r["single"].IsPlain());
  EXPECT_EQ(r["single"].Scalar(), "12");
  EXPECT_EQ(r["double"].Scalar(), "a\tb");
  EXPECT_FALSE(r["tagged"].IsPlain());
  EXPECT_EQ(r["tagged"].Tag(), "tag:yaml.org,2002:str");
  EXPECT_EQ(r["custom"].Tag(), "!include");
  EXPECT_EQ(r["custom"].Scalar(), "x.yml");
  EXPECT_FALSE(r["block"].IsPlain());
  EXPECT_EQ(r["block"].Scalar(), "two\nlines\n");
}

TEST(YamlNodeTest, NullIsAnEmptyNodeOrAPlainNullWord) {
  const Loaded r_file = Load("a:\nb: ~\nc: null\nd: NULL\ne: 'null'\nf: !!str\ng: nulls\n");
  const YamlNode r = Root(r_file);
  for (const char* k : {"a", "b", "c", "d"}) {
    EXPECT_TRUE(r[k].IsNull()) << k;
    EXPECT_FALSE(r[k].IsScalar()) << k;
  }
  for (const char* k : {"e", "f", "g"}) EXPECT_TRUE(r[k].IsScalar()) << k;
  EXPECT_FALSE(r["missing"]);
  EXPECT_TRUE(r["a"]);
  EXPECT_EQ(KeyText(r.Key(0)), "a");
  const Loaded keys_file = Load("~: 1\n'~': 2\n[a]: 3\n");
  const YamlNode keys = Root(keys_file);
  EXPECT_EQ(KeyText(keys.Key(0)), "null");
  EXPECT_EQ(KeyText(keys.Key(1)), "~");
  EXPECT_EQ(KeyText(keys.Key(2)), "");
}

TEST(YamlNodeTest, MapsKeepTheirOrderAndSequencesTheirElements) {
  const Loaded r_file = Load("z: 1\na: [x, {k: v}, [y]]\nm: 3\n");
  const YamlNode r = Root(r_file);
  ASSERT_TRUE(r.IsMap());
  std::vector<std::string> keys;
  for (const auto& [k, v] : r.Entries()) keys.emplace_back(k.Scalar());
  EXPECT_EQ(keys, (std::vector<std::string>{"z", "a", "m"}));
  const YamlNode a = r["a"];
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a.Element(0).Scalar(), "x");
  EXPECT_EQ(a.Element(1)["k"].Scalar(), "v");
  EXPECT_EQ(a.Element(2).Element(0).Scalar(), "y");
  size_t n = 0;
  for (const YamlNode e : a.Elements()) n += e ? 1 : 0;
  EXPECT_EQ(n, 3u);
  EXPECT_EQ(r["z"].Elements().begin() != r["z"].Elements().end(), false) << "a scalar has no elements";
  EXPECT_EQ(r.size(), 3u);
  EXPECT_EQ(r["z"].size(), 0u);
}

TEST(YamlNodeTest, PositionsAreOneBasedAndCountBytes) {
  // A modifier's column is its key's column plus a byte offset, so a column after a
  // non-ASCII character must count bytes too (libyaml counts characters).
  const Loaded l = Load("title: t\n\xC3\xA9t\xC3\xA9: {cl\xC3\xA9|contains: x}\n---\n  k: v\n");
  ASSERT_EQ(l.errors, std::vector<std::string>{});
  ASSERT_EQ(l.docs.size(), 2u);
  const YamlNode r = l.docs[0].root;
  EXPECT_EQ(At(r), "1:1");
  const YamlNode inner = r.Value(1);
  EXPECT_EQ(At(r.Key(1)), "2:1");
  EXPECT_EQ(At(inner), "2:8");         // "été: " is 7 bytes
  EXPECT_EQ(At(inner.Key(0)), "2:9");
  EXPECT_EQ(At(inner.Value(0)), "2:24");  // "clé|contains: " is 15 bytes
  EXPECT_EQ(At(l.docs[1].root), "4:3");
  EXPECT_EQ(l.docs[1].where.ToString(), "t.yml:4:3");
  // Windows line ends and a byte order mark change nothing.
  const Loaded crlf_file = Load("\xEF\xBB\xBF" "a: 1\r\nb: [x, y]\r\n");
  const YamlNode crlf = Root(crlf_file);
  EXPECT_EQ(At(crlf.Key(0)), "1:1");
  EXPECT_EQ(At(crlf["b"].Element(1)), "2:8");
  const Loaded bom_file = Load("\xEF\xBB\xBF" "\xC3\xA9: [x]\n");
  const YamlNode bom = Root(bom_file);
  EXPECT_EQ(At(bom.Value(0)), "1:5");
  EXPECT_EQ(At(bom.Value(0).Element(0)), "1:6");
}

TEST(YamlNodeTest, AnAliasIsTheNodeItsAnchorNames) {
  const Loaded r_file = Load("a: &x {k: v}\nb: *x\nc: &s text\nd: [*s, *s]\n");
  const YamlNode r = Root(r_file);
  EXPECT_EQ(r["b"]["k"].Scalar(), "v");
  EXPECT_EQ(At(r["b"]), "1:4");  // the anchored node's position
  EXPECT_EQ(r["d"].size(), 2u);
  EXPECT_EQ(r["d"].Element(1).Scalar(), "text");
}

TEST(YamlNodeTest, AnAliasToNoAnchorIsASyntaxErrorForTheFile) {
  // Anchors belong to their document: the second document cannot use the first's.
  const Loaded l = Load("a: &x 1\n---\nb: *x\n");
  EXPECT_TRUE(l.docs.empty());
  EXPECT_EQ(l.errors, std::vector<std::string>{"t.yml:3:4: error: YAML syntax error: alias '*x' names no "
                                               "anchor defined before it in its document"});
}

TEST(YamlNodeTest, DuplicateKeysAreFoundInLargeMapsToo) {
  // Past a few keys the loader keeps a map's keys in a hash set instead of comparing
  // each new key with all the others; the result is the same.
  std::string big = "title: t\nmap:\n";
  for (int i = 0; i < 40; ++i) big += "  k" + std::to_string(i) + ": v\n";
  Loaded l = Load(big + "  k7: again\n---\n" + big);
  ASSERT_EQ(l.docs.size(), 1u);
  EXPECT_EQ(l.docs[0].where.line, 45u);
  EXPECT_EQ(l.errors, std::vector<std::string>{"t.yml:43:3: error: duplicate key 'k7' (first at 10:3)"});
  EXPECT_EQ(l.docs[0].root["map"].size(), 40u);
}

TEST(YamlNodeTest, TextThatIsNotUtf8IsASyntaxErrorWithItsPosition) {
  Loaded l = Load("title: t\ndescription: caf\xE9\n");
  EXPECT_TRUE(l.docs.empty());
  EXPECT_EQ(l.errors, std::vector<std::string>{
                          "t.yml:2:17: error: YAML syntax error: incomplete UTF-8 octet sequence"});
  l = Load("title: t\x01\n");
  EXPECT_EQ(l.errors, std::vector<std::string>{
                          "t.yml:1:9: error: YAML syntax error: control characters are not allowed (0x01)"});
}

TEST(YamlNodeTest, YamlToJsonTypesPlainScalarsOnly) {
  const Loaded r_file = Load(
      "a: 1\nb: '1'\nc: ~\nd: True\ne: +5\nf: 0x1F\ng: [x, null, -2.5e3]\nh: {'q\"': yes}\ni: !!int 3\n");
  const YamlNode r = Root(r_file);
  EXPECT_EQ(YamlToJson(r), R"({"a":1,"b":"1","c":null,"d":true,"e":5,"f":"0x1F","g":["x",null,-2.5e3],)"
                           R"("h":{"q\"":"yes"},"i":"3"})");
}

TEST(YamlNodeTest, YamlNumbersBecomeValidJsonNumbers) {
  // Custom attributes (a rule's tests: events) are read back as JSON.
  const Loaded r_file = Load("[.5, -.5, 1., 007, -00, +1.50, 1e3, 0.5E-07, 10]\n");
  const YamlNode r = Root(r_file);
  EXPECT_EQ(YamlToJson(r), "[0.5,-0.5,1.0,7,-0,1.50,1e3,0.5E-07,10]");
}

TEST(YamlNodeTest, YamlDecimals) {
  for (const char* s : {"0", "-1", "+1", "1.", "1.5", ".5", "-.5", "1e3", "1E-3", "2.5e+10"}) {
    EXPECT_TRUE(IsYamlDecimal(s)) << s;
  }
  for (const char* s : {"", "-", "+", ".", "1e", "e3", "1.2.3", "0x1F", "1_000", " 1", "1 ", ".e3", "inf"}) {
    EXPECT_FALSE(IsYamlDecimal(s)) << s;
  }
}

}  // namespace
}  // namespace vigil::internal
