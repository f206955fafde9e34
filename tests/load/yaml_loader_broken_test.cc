// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for load/yaml_loader.h (found by fuzzing): documents and their positions, and broken files that
// must end in one error instead of exhausting memory.

#include "load/yaml_loader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace vigil::internal {
namespace {

struct Loaded {
  std::vector<std::string> starts;  // "line:column" of each document
  std::vector<std::string> errors;  // Diagnostic::ToString()
};

Loaded Load(const std::string& text) {
  std::vector<Diagnostic> diags;
  Loaded out;
  for (const YamlDocument& d : LoadYamlDocuments(text, "r.yml", &diags)) {
    out.starts.push_back(std::to_string(d.where.line) + ":" + std::to_string(d.where.column));
  }
  for (const Diagnostic& d : diags) out.errors.push_back(d.ToString());
  return out;
}

TEST(YamlLoaderTest, DocumentsWithTheirPositions) {
  const Loaded l = Load("a: 1\n---\nb: 2\n---\n");
  EXPECT_EQ(l.starts, (std::vector<std::string>{"1:1", "3:1"}));
  EXPECT_TRUE(l.errors.empty());
}

// Found by fuzz/fuzz_rule_loader: yaml-cpp's LoadAll never returned on these (it appended
// empty documents without consuming the stray token until memory ran out). libyaml
// stops at the token; what is tested is one error at its position, and no documents.
TEST(YamlLoaderTest, StrayFlowTokenWhereADocumentStartsIsOneError) {
  const std::string kError =
      ": error: YAML syntax error: did not find expected node content (while parsing a block node)";
  Loaded l = Load(",\n");
  EXPECT_TRUE(l.starts.empty());
  EXPECT_EQ(l.errors, std::vector<std::string>{"r.yml:1:1" + kError});

  l = Load("title: t\n---\n,\n");
  EXPECT_TRUE(l.starts.empty());
  EXPECT_EQ(l.errors, std::vector<std::string>{"r.yml:3:1" + kError});

  l = Load("- a\n, b\n");
  EXPECT_EQ(l.errors, std::vector<std::string>{
                          "r.yml:2:1: error: YAML syntax error: did not find expected '-' indicator "
                          "(while parsing a block collection that starts at 1:1)"});
}

// Found by fuzz/fuzz_rule_loader: with `sel` defined twice, the matcher used one
// definition and `vigil explain` the other. YAML keys are unique; only the document with
// the duplicate is left out.
TEST(YamlLoaderTest, DuplicateKeyRejectsItsDocument) {
  Loaded l = Load(
      "title: a\ndetection:\n  sel: {x: 1}\n  sel: [y]\n  condition: sel\n"
      "---\ntitle: b\n");
  EXPECT_EQ(l.starts, std::vector<std::string>{"7:1"});
  EXPECT_EQ(l.errors,
            std::vector<std::string>{"r.yml:4:3: error: duplicate key 'sel' (first at 3:3)"});

  l = Load("title: a\nlevel: low\ntitle: 'a'\n");
  EXPECT_TRUE(l.starts.empty());
  EXPECT_EQ(l.errors,
            std::vector<std::string>{"r.yml:3:1: error: duplicate key 'title' (first at 1:1)"});

  // The same key in different maps, or as a value, is not a duplicate.
  l = Load("a: {k: 1}\nb: {k: 1, j: k}\nc: [{k: 1}, {k: 2}]\nk: k\n");
  EXPECT_EQ(l.starts, std::vector<std::string>{"1:1"});
  EXPECT_TRUE(l.errors.empty());
}

TEST(YamlLoaderTest, OtherSyntaxErrorsKeepTheParsersMessageAndPosition) {
  Loaded l = Load("a: 1\n]\n");
  EXPECT_TRUE(l.starts.empty());
  EXPECT_EQ(l.errors, std::vector<std::string>{"r.yml:2:1: error: YAML syntax error: did not find expected key "
                                               "(while parsing a block mapping that starts at 1:1)"});
  // An error in a later document leaves the whole file out, the documents before it too.
  l = Load("a: 1\n---\nb: [1\n");
  EXPECT_TRUE(l.starts.empty());
  EXPECT_EQ(l.errors, std::vector<std::string>{"r.yml:4:1: error: YAML syntax error: did not find expected ',' "
                                               "or ']' (while parsing a flow sequence that starts at 3:4)"});
}

// vigil scan drops the rules' tests: blocks before parsing; what is left keeps every
// line (so positions stay), and a text without the key is not touched.
TEST(YamlLoaderTest, BlankTopLevelKeysKeepsEveryLineBreak) {
  std::string text =
      "title: t\r\ntests:\r\n  - {a: 1}\r\n# comment\r\n\r\n  - b\r\ntestsuite: x\r\nlevel: low\ntests:";
  BlankTopLevelKeys(&text, {"tests"});
  EXPECT_EQ(text, "title: t\r\n\r\n\r\n\r\n\r\n\r\ntestsuite: x\r\nlevel: low\n");
  const std::string untouched = "title: t\n  tests: 1\ntests2: x\n";
  EXPECT_EQ(BlankTopLevelKeys(std::string_view(untouched), {"tests"}), untouched);
  std::string all = "tests: 1\n  more\n";
  BlankTopLevelKeys(&all, {"tests", "title"});
  EXPECT_EQ(all, "\n\n");
}

}  // namespace
}  // namespace vigil::internal
