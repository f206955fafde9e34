// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The interpreter: a plain, slow evaluator of the IR over a parsed event tree.
// Internal; use include/vigil/ instead.
//
// It implements the semantic contract at the top of src/ir/ir.h in the most direct way
// possible: the event is parsed into a plain tree (simdjson DOM), the value set of a
// field is collected by a recursive walk, and each operator is applied with plain code
// (a recursive glob matcher, ASCII folding, PCRE2 without JIT, the CIDR and time
// helpers of src/util). It shares nothing with the compiled matcher (src/compile,
// src/eval/evaluator), which is why it has two jobs:
//   * `vigil explain` and the failure report of `vigil test` use it to show, item by
//     item, which field values a rule saw and what held (explain.cc);
//   * the test suite uses it as the reference evaluator: every case of tests/cases/
//     runs through both it and the compiled Scanner, and they must agree.
// Clarity over speed: every step allocates freely.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ir/ir.h"
#include "vigil/status.h"

namespace vigil::internal {

// One JSON value of the event, with what the contract needs kept as text.
struct TreeNode {
  enum class Kind { kNull, kBool, kNumber, kString, kObject, kArray };
  Kind kind = Kind::kNull;
  // kString: the unescaped text; kNumber: the token as written; kBool: "true" or
  // "false"; kObject/kArray: the compact JSON text. Empty for kNull.
  std::string text;
  // A struct, not std::pair: pair<string, TreeNode> needs TreeNode complete here, which
  // libstdc++ checks when built by clang; vector<Member> may name an incomplete type.
  struct Member;
  std::vector<Member> members;     // kObject, in document order
  std::vector<TreeNode> elements;  // kArray
};

struct TreeNode::Member {
  std::string key;
  TreeNode value;
};

// Parses one JSON document. Returns false if it is not valid JSON or is nested deeper
// than simdjson's DOM limit (1024 levels), with the reason in *error if given.
bool ParseEventTree(std::string_view json, TreeNode* root, Status* error = nullptr);

// The ways the event is read (util/duplicate_keys.h): the event alone, or, when some
// object in it repeats a key, the event read first-wins and read last-wins. A rule
// matches when it matches one of them. False (with *error) as ParseEventTree.
bool EventReadings(std::string_view json, std::vector<TreeNode>* readings, Status* error = nullptr);

// The value set of field `field` of `ir` (or every string, for kAnyString), in
// document order.
std::vector<const TreeNode*> FieldValues(const Ir& ir, uint32_t field, const TreeNode& root);

// The value set of a dotted path.
std::vector<const TreeNode*> PathValues(std::string_view path, const TreeNode& root);

bool InterpretPredicate(const Ir& ir, const Predicate& p, const TreeNode& root);
bool InterpretExpr(const Ir& ir, const Expr& e, const TreeNode& root);

}  // namespace vigil::internal
