// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Stage 1 of the pipeline: YAML text -> YAML documents with source positions.
// Internal; use include/vigil/ruleset.h instead.
//
// Input: the text of one rule file. Output: one YAML::Node per document (separated by
// `---`), each with yaml-cpp marks we convert to 1-based SourceLocations. A YAML
// syntax error becomes one Diagnostic at the position yaml-cpp reports; documents
// before it are kept. Documents over the limits below are left out with a Diagnostic.
#pragma once

#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "vigil/status.h"

namespace vigil::internal {

struct YamlDocument {
  YAML::Node root;
  SourceLocation where;  // start of the document
};

// Limits that keep hostile rule files from exhausting memory, time or the stack
// (docs/limits.md). A file larger than kMaxRuleFileBytes is an error for the file. A
// document nested deeper than kMaxYamlDepth, or whose node graph expands to more than
// kMaxYamlNodes nodes when every alias is followed (anchors and aliases let a few
// lines stand for billions of nodes: "billion laughs"; an alias inside its own anchor
// makes a cycle, which is infinitely deep), is an error for that document, reported
// at the node where the limit was passed; the other documents still load. yaml-cpp
// keeps aliases as shared nodes, so the parse itself is cheap: it is every walk of the
// tree after it that the expanded size would cost.
inline constexpr size_t kMaxRuleFileBytes = 16u << 20;
inline constexpr int kMaxYamlDepth = 64;
inline constexpr size_t kMaxYamlNodes = 1000000;

std::vector<YamlDocument> LoadYamlDocuments(std::string_view text, const std::string& file,
                                            std::vector<Diagnostic>* diagnostics);

// Blanks out (keeping the line breaks) every top-level `key:` block of `text` whose key
// is in `keys`: from the line starting with "key:" to the next line that starts at
// column 0 with anything but a space, a tab or '#'. Returns the text unchanged if no
// such key is there.
std::string BlankTopLevelKeys(std::string_view text, const std::vector<std::string>& keys);

// The rule files under a folder, recursively: regular *.yml / *.yaml files whose name
// does not start with '.', sorted so loading is deterministic. A walk error is left in
// *ec (the files found before it are returned).
std::vector<std::string> ListRuleFiles(const std::string& folder, std::error_code* ec);

// 1-based location of a node.
SourceLocation LocationOf(const YAML::Node& node, const std::string& file);

// True when a scalar node was written without quotes (plain), so that YAML typing
// (numbers, booleans, null) applies to it.
bool IsPlainScalar(const YAML::Node& node);

// The node as compact JSON text (plain scalars typed the way YAML 1.2 core schema
// types them: null, booleans, numbers; everything else a string).
std::string YamlToJson(const YAML::Node& node);

}  // namespace vigil::internal
