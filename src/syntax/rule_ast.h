// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Stage 2 of the pipeline: a YAML document -> the syntax tree of one Sigma rule,
// filter or correlation. Internal; use include/vigil/ instead.
//
// The AST keeps rule values as written (with their YAML type and position);
// meaning (modifiers, wildcards, identifiers) is given to them by ir/lower.cc.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "load/yaml_loader.h"
#include "syntax/condition_parser.h"
#include "vigil/rule.h"
#include "vigil/rule_source.h"
#include "vigil/status.h"

namespace vigil::internal {

// Limits on the size of rules (docs/limits.md), far above what real rules use
// (SigmaHQ: about 3,000 rules, the largest item about 300 values), so that a hostile
// rule pack cannot make loading or matching take unbounded memory. Passing one is an
// error that names the node (file:line:column) and leaves the rule out.
inline constexpr size_t kMaxRules = 100000;             // per RuleSetBuilder
inline constexpr size_t kMaxSearchIdentifiers = 10000;  // per detection or filter
inline constexpr size_t kMaxValuesPerItem = 10000;      // values of one `field|mods:`
inline constexpr size_t kMaxItemsPerIdentifier = 10000;  // `field: value` entries, all maps
// Patterns one item compiles to: its values times their encodings (base64offset: 3)
// and windash variants (up to 15,625 for one value), checked while lowering.
inline constexpr size_t kMaxPatternsPerItem = 100000;
// Strings one `|expand` value becomes: the product of its placeholders' value counts.
inline constexpr size_t kMaxExpandedValues = 4096;
// Patterns one rule's detection compiles to over all its items, and their bytes, after
// |expand, the encodings and windash. Each step of an expansion is sized (count and
// bytes, multiplicatively) before it is generated, so a rule that would pass either
// limit is rejected before the expansion allocates anything: a small rule combining
// windash with base64offset, or |expand with windash, would otherwise take gigabytes.
inline constexpr size_t kMaxPatternsPerRule = 100000;
inline constexpr size_t kMaxPatternBytesPerRule = size_t{2} << 20;

// The detection's syntax trees are the public model of a rule as written
// (include/vigil/rule_source.h): authoring tools read them without a copy or a second
// type that could drift. These names keep the stage's own vocabulary.
using ValueAst = DetectionValue;
using ItemAst = DetectionItem;
using SearchIdAst = SearchIdentifier;
using ConditionAst = Condition;
using DetectionAst = Detection;

struct CorrelationAst {
  std::string type;
  std::vector<std::string> rules;
  std::vector<SourceLocation> rules_where;  // one per element of `rules`
  std::vector<std::string> group_by;
  std::string timespan;
  bool generate = false;
  // condition: comparisons (gt, gte, lt, lte, eq, neq) with their numbers, `field`,
  // and `percentile` (value_percentile).
  std::vector<std::pair<std::string, double>> condition;
  std::string field;                // the first of `fields`
  std::vector<std::string> fields;  // condition.field: one name or a list
  std::optional<double> percentile;
  std::string learning;  // first_seen (vigil extension): learning period, a timespan
  // aliases: alias name -> (rule reference -> field name), in the order written.
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, std::string>>>> aliases;
};

struct RuleAst {
  enum class Kind { kDetection, kFilter, kCorrelation };
  Kind kind = Kind::kDetection;
  RuleInfo info;
  DetectionAst detection;  // kDetection, and the selection part of kFilter
  std::vector<std::string> filter_rules;  // kFilter: ids or names of the rules filtered
  CorrelationAst correlation;
};

// Parses one document. Returns false (with errors in *diagnostics) when the document
// cannot be used; warnings may be added either way.
bool ParseRuleDocument(const YamlDocument& doc, RuleAst* out,
                       std::vector<Diagnostic>* diagnostics);

// Maps a byte offset inside a condition string to a source location, assuming the
// scalar is on one line (the common case; otherwise the scalar's own position).
SourceLocation OffsetLocation(const SourceLocation& scalar, const std::string& text,
                              size_t offset);

}  // namespace vigil::internal
