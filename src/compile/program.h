// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Stage 4 of the pipeline: the compiled, immutable matching program. Internal; use
// include/vigil/ instead.
//
// Layout (all read-only after Compile, shared by every thread):
//   * trie: every field path any predicate reads, one node per path segment, so the
//     event walker descends only into the parts of an event some rule needs;
//   * tables[field]: that field's predicates: exact-match literals in hash maps
//     (folded and case-sensitive), so an equality test costs one lookup however many
//     rules share the field; everything else in a short per-field list;
//   * triggers[pred]: the rules for which `pred` is a witness. Each rule gets a set
//     of predicates at least one of which must hold for the rule to match (chosen
//     from its condition, see compiler.cc); the evaluator only evaluates rules whose
//     witness fired, plus the few rules with no witness (`always`).
//   * conditions: each rule's boolean expression over predicates, from the IR.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "compile/regex.h"
#include "ir/ir.h"
#include "ir/lower.h"
#include "syntax/rule_ast.h"
#include "util/flat_map.h"
#include "vigil/status.h"

namespace vigil::internal {

struct TrieNode {
  FlatStringMap<uint32_t> children;
  int32_t field = -1;  // the field whose path ends at this node, or -1
};

struct FieldTable {
  FlatStringMap<std::vector<uint32_t>> exact_folded;  // key lower-cased
  FlatStringMap<std::vector<uint32_t>> exact_cased;
  std::vector<uint32_t> scan;  // evaluated on every value of the field
  bool needs_fold = false;     // some predicate compares lower-cased text
  bool scan_needs_fold = false;  // some predicate of `scan` does
  bool store_values = false;   // a fieldref reads this field after the walk
  // An object or array value of this field must be tested during the walk (it may
  // trigger a rule, be looked up exactly, or be stored for fieldref). Otherwise its
  // predicates are deferred: tested after the walk only if a candidate rule asks.
  bool json_eager = false;
  bool empty() const { return exact_folded.empty() && exact_cased.empty() && scan.empty(); }
};

// A rule as written, kept for `vigil explain` and `vigil test` (which report item by
// item what held): its detection and the detections of the filters applied to it.
struct RuleSource {
  DetectionAst detection;
  struct Filter {
    RuleInfo info;
    DetectionAst detection;
  };
  std::vector<Filter> filters;
};

struct Program {
  Ir ir;
  std::vector<RuleSource> sources;  // by rule
  Placeholders placeholders;
  std::vector<TrieNode> trie;  // node 0 is the root
  std::vector<FieldTable> tables;  // by field id
  FieldTable keywords;             // predicates over every string value
  bool has_keywords = false;
  std::vector<std::unique_ptr<Regex>> regexes;  // by predicate id (null if not kRegex)
  std::vector<std::vector<uint32_t>> triggers;  // by predicate id
  std::vector<uint8_t> deferred;                // by predicate id: see json_eager
  std::vector<uint32_t> always;                 // rules with no witness
  std::vector<uint8_t> rule_fits_cloudtrail;    // by rule
  std::vector<std::vector<uint32_t>> witnesses;  // by rule, for Dump and tests
  std::vector<Diagnostic> diagnostics;

  std::string Dump() const;
};

// Compiles the IR into a Program. Regex compile errors (already checked while
// lowering) cannot happen here.
std::unique_ptr<Program> CompileProgram(Ir ir);

}  // namespace vigil::internal
