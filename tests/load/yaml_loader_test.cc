// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The YAML limits of docs/limits.md: deep nesting, alias expansion ("billion laughs")
// and alias cycles are errors for their document at the node that passed the limit,
// and the other documents of the file still load.

#include "load/yaml_loader.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vigil/ruleset.h"

namespace vigil::internal {
namespace {

std::vector<std::string> Load(const std::string& yaml, size_t* documents) {
  std::vector<Diagnostic> diags;
  *documents = LoadYamlDocuments(yaml, "r.yml", &diags).size();
  std::vector<std::string> out;
  for (const auto& d : diags) out.push_back(d.ToString());
  return out;
}

const char* kGood = "title: fine\ndetection: {s: {eventName: A}, condition: s}\n";

// Nine levels of ten aliases: 10^9 nodes once expanded, from a dozen lines.
std::string BillionLaughs() {
  std::string y = "title: lol\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    const char prev = static_cast<char>(c - 1);
    y += std::string(1, c) + ": &" + c + " [";
    for (int k = 0; k < 10; ++k) y += std::string(k ? ", " : "") + "*" + prev;
    y += "]\n";
  }
  return y;
}

TEST(YamlLimitsTest, BillionLaughsIsAnErrorForItsDocumentOnly) {
  size_t docs = 0;
  const std::vector<std::string> diags = Load(BillionLaughs() + "---\n" + kGood, &docs);
  EXPECT_EQ(docs, 1u);
  EXPECT_EQ(diags, std::vector<std::string>{
                       "r.yml:2:13: error: YAML document has more than 1000000 nodes once its aliases "
                       "are expanded; document left out"});
}

TEST(YamlLimitsTest, BillionLaughsInARuleIsARuleError) {
  RuleSetBuilder b;
  b.AddYaml(BillionLaughs() + "detection: {s: {eventName: A}, condition: s}\n---\n" + kGood, "r.yml");
  auto rules = b.Build();
  EXPECT_EQ(rules->size(), 1u);
  ASSERT_EQ(b.diagnostics().size(), 1u);
  EXPECT_EQ(b.diagnostics()[0].where.line, 2u);
}

TEST(YamlLimitsTest, AliasInsideItsOwnAnchorIsACycleAndAnError) {
  size_t docs = 0;
  const std::vector<std::string> diags = Load("title: loop\na: &a [x, *a]\n---\n" + std::string(kGood), &docs);
  EXPECT_EQ(docs, 1u);
  ASSERT_EQ(diags.size(), 1u);
  EXPECT_EQ(diags[0], "r.yml:2:8: error: YAML nested deeper than 64 levels (or an alias inside its own "
                      "anchor); document left out");
}

std::string BlockNesting(int levels) {
  std::string y = "title: deep\n";
  for (int i = 0; i < levels; ++i) y += std::string(static_cast<size_t>(i) * 2, ' ') + "k:\n";
  return y + std::string(static_cast<size_t>(levels) * 2, ' ') + "v\n";
}

TEST(YamlLimitsTest, DepthLimitIsExact) {
  size_t docs = 0;
  // The root map is level 0; `levels` nested maps put the scalar at level `levels`.
  EXPECT_TRUE(Load(BlockNesting(kMaxYamlDepth), &docs).empty());
  EXPECT_EQ(docs, 1u);
  const std::vector<std::string> diags = Load(BlockNesting(kMaxYamlDepth + 1), &docs);
  EXPECT_EQ(docs, 0u);
  EXPECT_EQ(diags, std::vector<std::string>{"r.yml:66:129: error: YAML nested deeper than 64 levels (or an "
                                            "alias inside its own anchor); document left out"});
}

std::string FlowNesting(int levels) {
  return "title: x\na: " + std::string(static_cast<size_t>(levels), '[') +
         std::string(static_cast<size_t>(levels), ']') + "\n";
}

TEST(YamlLimitsTest, TooDeepDocumentsAreSkippedUpToTheParserLimit) {
  size_t docs = 0;
  // The root map is level 0 and the first '[' level 1, so the 65th '[' (column 4 + 64)
  // is the first too deep; the parser reads on to the end of the document and the next
  // document loads.
  const std::vector<std::string> diags = Load(FlowNesting(kMaxYamlParseDepth) + "---\n" + kGood, &docs);
  EXPECT_EQ(docs, 1u);
  EXPECT_EQ(diags, std::vector<std::string>{"r.yml:2:68: error: YAML nested deeper than 64 levels (or an alias "
                                            "inside its own anchor); document left out"});
}

// libyaml spends time proportional to the open '[' and '{' on every token, so reading
// past kMaxYamlParseDepth levels to find the end of the document could take hours on a
// 16 MiB file: the parser stops there and the file is left out.
TEST(YamlLimitsTest, TenThousandNestedFlowSequencesAreAnErrorNotACrash) {
  for (int levels : {kMaxYamlParseDepth + 1, 10000}) {
    size_t docs = 0;
    const std::vector<std::string> diags = Load(FlowNesting(levels) + "---\n" + kGood, &docs);
    EXPECT_EQ(docs, 0u);
    EXPECT_EQ(diags, (std::vector<std::string>{
                         "r.yml:2:68: error: YAML nested deeper than 64 levels (or an alias inside its own "
                         "anchor); document left out",
                         "r.yml:2:132: error: YAML nested deeper than 128 levels; the parser stops here and "
                         "the file is left out"}));
  }
}

}  // namespace
}  // namespace vigil::internal
