// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// IR -> Program: the field trie, per-field predicate tables, and the rule candidate
// index (witness sets). Tested by tests/compile/compiler_test.cc.

#include <algorithm>
#include <optional>

#include "compile/program.h"

namespace vigil::internal {
namespace {

// Rough cost of relying on a predicate as a witness: how often it is expected to hold
// and how much work firing it causes. Unmeasured guesses ordered by selectivity:
// equality on eventName (the field nearly every CloudTrail rule constrains) is the
// best witness; negated predicates hold for almost every event and are the worst.
uint32_t WitnessCost(const Ir& ir, uint32_t p) {
  const Predicate& pr = ir.predicates[p];
  if (pr.negate) return 1000;
  uint32_t base;
  switch (pr.op) {
    case Op::kEquals: base = 2; break;
    case Op::kPrefix: case Op::kSuffix: base = 4; break;
    case Op::kCidr: case Op::kNumEq: base = 6; break;
    case Op::kExists: base = 50; break;
    default: base = 10;
  }
  if (pr.field == kAnyString) return base * 4;
  const std::string& f = ir.fields[pr.field];
  if (pr.op == Op::kEquals && f == "eventName") return 1;
  if (f == "eventSource") base += 3;
  return base;
}

using Witness = std::optional<std::vector<uint32_t>>;

uint32_t SetCost(const Ir& ir, const std::vector<uint32_t>& s) {
  uint32_t c = 0;
  for (uint32_t p : s) c += WitnessCost(ir, p);
  return c;
}

// A set of predicates at least one of which holds whenever `e` holds, or nullopt
// when no such set is known (then the rule is evaluated for every event).
Witness Necessary(const Ir& ir, const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kPred:
      if (ir.predicates[e.pred].CanWitness()) return std::vector<uint32_t>{e.pred};
      return std::nullopt;
    case Expr::Kind::kFalse:
      return std::vector<uint32_t>{};
    case Expr::Kind::kTrue:
    case Expr::Kind::kNot:
      return std::nullopt;
    case Expr::Kind::kAnd: {
      Witness best;
      uint32_t best_cost = 0;
      for (const auto& k : e.kids) {
        Witness w = Necessary(ir, k);
        if (!w) continue;
        const uint32_t c = SetCost(ir, *w);
        if (!best || c < best_cost) {
          best = std::move(w);
          best_cost = c;
        }
      }
      return best;
    }
    case Expr::Kind::kOr: {
      std::vector<uint32_t> all;
      for (const auto& k : e.kids) {
        Witness w = Necessary(ir, k);
        if (!w) return std::nullopt;
        all.insert(all.end(), w->begin(), w->end());
      }
      std::sort(all.begin(), all.end());
      all.erase(std::unique(all.begin(), all.end()), all.end());
      return all;
    }
  }
  return std::nullopt;
}

uint32_t AddPath(std::vector<TrieNode>* trie, const std::string& path) {
  uint32_t node = 0;
  size_t start = 0;
  while (true) {
    const size_t dot = path.find('.', start);
    const std::string seg = path.substr(start, dot == std::string::npos ? dot : dot - start);
    if (const uint32_t* found = (*trie)[node].children.find(seg)) {
      node = *found;
    } else {
      const uint32_t next = static_cast<uint32_t>(trie->size());
      (*trie)[node].children[seg] = next;
      trie->emplace_back();
      node = next;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return node;
}

void AddToTable(const Predicate& p, uint32_t id, FieldTable* t) {
  switch (p.op) {
    case Op::kNull: case Op::kExists: case Op::kNotExists: case Op::kFieldRef:
      return;  // evaluated after the walk, from field presence or stored values
    case Op::kEquals:
      if (!p.negate) {
        (p.cased ? t->exact_cased : t->exact_folded)[p.text].push_back(id);
        return;
      }
      break;
    default:
      break;
  }
  t->scan.push_back(id);
}

bool UsesFoldedText(const Predicate& p) {
  switch (p.op) {
    case Op::kEquals: case Op::kPrefix: case Op::kSuffix: case Op::kContains: case Op::kGlob:
      return !p.cased;
    default:
      return false;
  }
}

}  // namespace

std::unique_ptr<Program> CompileProgram(Ir ir) {
  auto prog = std::make_unique<Program>();
  prog->trie.emplace_back();
  prog->tables.resize(ir.fields.size());
  for (uint32_t f = 0; f < ir.fields.size(); ++f) {
    const uint32_t node = AddPath(&prog->trie, ir.fields[f]);
    prog->trie[node].field = static_cast<int32_t>(f);
  }
  prog->regexes.resize(ir.predicates.size());
  for (uint32_t i = 0; i < ir.predicates.size(); ++i) {
    const Predicate& p = ir.predicates[i];
    FieldTable* t = p.field == kAnyString ? &prog->keywords : &prog->tables[p.field];
    if (p.field == kAnyString) prog->has_keywords = true;
    AddToTable(p, i, t);
    if (UsesFoldedText(p)) t->needs_fold = true;
    // Scanned predicates that read the whole folded value (prefix and suffix fold only
    // the bytes they compare; plain equality is a lookup in exact_folded).
    if (UsesFoldedText(p) && (p.op == Op::kContains || p.op == Op::kGlob || (p.op == Op::kEquals && p.negate))) {
      t->scan_needs_fold = true;
    }
    if (p.op == Op::kFieldRef) {
      prog->tables[p.field].store_values = true;
      prog->tables[p.other_field].store_values = true;
    }
    if (p.op == Op::kRegex) {
      std::string err;
      prog->regexes[i] = Regex::Compile(p.text, p.regex_flags, &err);
    }
  }
  // Exact-match keys are what the walker folds values against; make sure a table with
  // folded keys folds even if it has no scanned predicate.
  for (auto& t : prog->tables) {
    if (!t.exact_folded.empty()) t.needs_fold = true;
  }
  if (!prog->keywords.exact_folded.empty()) prog->keywords.needs_fold = true;

  prog->triggers.resize(ir.predicates.size());
  prog->witnesses.resize(ir.rules.size());
  for (uint32_t r = 0; r < ir.rules.size(); ++r) {
    prog->rule_fits_cloudtrail.push_back(ir.rules[r].info.logsource.FitsCloudTrail());
    Witness w = Necessary(ir, ir.rules[r].condition);
    if (!w) {
      prog->always.push_back(r);
      continue;
    }
    prog->witnesses[r] = *w;
    for (uint32_t p : *w) prog->triggers[p].push_back(r);
  }
  // Which tables must test object/array values during the walk.
  prog->deferred.assign(ir.predicates.size(), 0);
  for (auto& t : prog->tables) {
    bool eager = !t.exact_folded.empty() || !t.exact_cased.empty() || t.store_values;
    for (uint32_t p : t.scan) eager = eager || !prog->triggers[p].empty();
    t.json_eager = eager;
    if (!eager) {
      for (uint32_t p : t.scan) prog->deferred[p] = 1;
    }
  }
  prog->ir = std::move(ir);
  return prog;
}

std::string Program::Dump() const {
  std::string s = ir.Dump();
  s += "candidate index:\n";
  for (size_t r = 0; r < ir.rules.size(); ++r) {
    s += "  rule " + std::to_string(r) + ": ";
    if (std::find(always.begin(), always.end(), r) != always.end()) {
      s += "always evaluated\n";
      continue;
    }
    s += "witnesses";
    for (uint32_t p : witnesses[r]) s += " p" + std::to_string(p);
    s += "\n";
  }
  return s;
}

}  // namespace vigil::internal
