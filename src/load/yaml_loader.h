// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Stage 1 of the pipeline: YAML text -> YAML documents with source positions.
// Internal; use include/vigil/ruleset.h instead.
//
// Input: the text of one rule file. Output: one YamlDocument per document (separated by
// `---`), its nodes in vigil's own tree (yaml_node.h) with 1-based positions. The text is
// parsed once, by libyaml's event parser; the tree is built, and every check below
// made, while the events arrive. A YAML syntax error becomes one Diagnostic at the
// position libyaml reports, and the whole file is left out. A document over one of the
// limits below, or with a duplicate key, is left out with a Diagnostic; the other
// documents of the file still load.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "load/yaml_node.h"
#include "vigil/status.h"

namespace vigil::internal {

struct YamlDocument {
  std::shared_ptr<const YamlTree> tree;  // shared by the documents of one file
  YamlNode root;                         // valid while `tree` is
  SourceLocation where;                  // start of the document
};

// Limits that keep hostile rule files from exhausting memory, time or the stack
// (docs/limits.md). A file larger than kMaxRuleFileBytes is an error for the file. A
// document nested deeper than kMaxYamlDepth, or whose node graph expands to more than
// kMaxYamlNodes nodes when every alias is followed (anchors and aliases let a few
// lines stand for billions of nodes: "billion laughs"; an alias inside its own anchor
// makes a cycle, which is infinitely deep), is an error for that document, reported
// at the node where the limit was passed; the other documents still load. Aliases are
// shared nodes, so building the tree is cheap: it is every walk of the tree after it
// that the expanded size would cost.
//
// kMaxYamlParseDepth stops reading the file: libyaml 0.2.5 spends time proportional to
// the flow nesting ([ and {) on every token, so a document far too deep would cost
// O(size x depth) just to skip (10,000 open brackets: 0.6 s, 40,000: 9 s, 16 MiB: hours).
inline constexpr size_t kMaxRuleFileBytes = 16u << 20;
inline constexpr int kMaxYamlDepth = 64;
inline constexpr int kMaxYamlParseDepth = 2 * kMaxYamlDepth;
inline constexpr size_t kMaxYamlNodes = 1000000;

std::vector<YamlDocument> LoadYamlDocuments(std::string_view text, const std::string& file,
                                            std::vector<Diagnostic>* diagnostics);

// Blanks out (keeping the line breaks) every top-level `key:` block of `text` whose key
// is in `keys`: from the line starting with "key:" to the next line that starts at
// column 0 with anything but a space, a tab or '#'. The text is unchanged if no such
// key is there. In place; the second form copies.
void BlankTopLevelKeys(std::string* text, const std::vector<std::string>& keys);
std::string BlankTopLevelKeys(std::string_view text, const std::vector<std::string>& keys);

// Reads a whole file into *out, reading no more than kMaxRuleFileBytes + 1 bytes
// (a regular file's size is checked first). False if it cannot be opened or read, or
// is larger than kMaxRuleFileBytes; *error (if given) then says which:
// "cannot read rule file" or "rule file is larger than N bytes".
bool ReadRuleFile(const std::string& path, std::string* out, std::string* error = nullptr);

// The rule files under a folder, recursively: regular *.yml / *.yaml files whose name
// does not start with '.', sorted so loading is deterministic. A walk error is left in
// *ec (the files found before it are returned).
std::vector<std::string> ListRuleFiles(const std::string& folder, std::error_code* ec);

// 1-based location of a node.
SourceLocation LocationOf(const YamlNode& node, const std::string& file);

// True when a scalar node was written without quotes or tag (plain), so that YAML
// typing (numbers, booleans, null) applies to it.
bool IsPlainScalar(const YamlNode& node);

// The text of a node used as a map key: a scalar's text, "null" for a null node, ""
// for a collection (no rule attribute or field is named by one).
std::string_view KeyText(const YamlNode& node);

// True for the text of a YAML 1.2 core-schema decimal number:
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsYamlDecimal(std::string_view s);

// The node as compact JSON text (plain scalars typed the way YAML 1.2 core schema
// types them: null, booleans, numbers; everything else a string).
std::string YamlToJson(const YamlNode& node);

}  // namespace vigil::internal
