// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// IR construction helpers (constant folding, flattening, interning) and the IR
// printer. Tested through tests/ir/lower_test.cc, which lowers rules and compares
// their printed IR (so both the folding and the printer are checked there).

#include "ir/ir.h"

#include <cstdio>

namespace vigil::internal {

const char* OpName(Op op) {
  switch (op) {
    case Op::kEquals: return "eq";
    case Op::kPrefix: return "prefix";
    case Op::kSuffix: return "suffix";
    case Op::kContains: return "contains";
    case Op::kGlob: return "glob";
    case Op::kRegex: return "re";
    case Op::kCidr: return "cidr";
    case Op::kNumEq: return "num_eq";
    case Op::kLt: return "lt";
    case Op::kLte: return "lte";
    case Op::kGt: return "gt";
    case Op::kGte: return "gte";
    case Op::kFieldRef: return "fieldref";
    case Op::kNull: return "null";
    case Op::kExists: return "exists";
    case Op::kNotExists: return "not_exists";
  }
  return "?";
}

static const char* TimePartName(TimePartOpt t) {
  switch (t) {
    case TimePartOpt::kNone: return "";
    case TimePartOpt::kMinute: return "minute";
    case TimePartOpt::kHour: return "hour";
    case TimePartOpt::kDay: return "day";
    case TimePartOpt::kWeek: return "week";
    case TimePartOpt::kMonth: return "month";
    case TimePartOpt::kYear: return "year";
  }
  return "";
}

bool Predicate::CanWitness() const {
  return op != Op::kNull && op != Op::kNotExists && op != Op::kExists && op != Op::kFieldRef;
}

static std::string NumberText(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return buf;
}

std::string Predicate::Key() const {
  std::string k;
  k.reserve(text.size() + 48);
  k += std::to_string(field == kAnyString ? -1 : static_cast<int64_t>(field));
  k += '|';
  k += OpName(op);
  if (cased) k += "|cased";
  if (negate) k += "|neq";
  if (time_part != TimePartOpt::kNone) k += std::string("|") + TimePartName(time_part);
  if (op == Op::kRegex) k += "|f" + std::to_string(regex_flags);
  if (op == Op::kFieldRef) {
    k += std::string("|") + OpName(ref_op) + "|" + std::to_string(other_field);
  }
  switch (op) {
    case Op::kNumEq: case Op::kLt: case Op::kLte: case Op::kGt: case Op::kGte:
      k += "|" + NumberText(number) + "|" + text;  // text: exact, beyond a double's precision
      break;
    default:
      k += "|" + std::to_string(text.size()) + ":" + text;
  }
  return k;
}

Expr Expr::Not(Expr x) {
  if (x.kind == Kind::kTrue) return Const(false);
  if (x.kind == Kind::kFalse) return Const(true);
  if (x.kind == Kind::kNot) return std::move(x.children[0]);
  Expr e;
  e.kind = Kind::kNot;
  e.children.push_back(std::move(x));
  return e;
}

// And/Or flatten nested nodes of the same kind and fold constants, so later stages
// (witness selection, the evaluator) see canonical trees.
static Expr Combine(Expr::Kind kind, std::vector<Expr> children) {
  const Expr::Kind absorbing = kind == Expr::Kind::kAnd ? Expr::Kind::kFalse : Expr::Kind::kTrue;
  const Expr::Kind neutral = kind == Expr::Kind::kAnd ? Expr::Kind::kTrue : Expr::Kind::kFalse;
  Expr out;
  out.kind = kind;
  for (auto& k : children) {
    if (k.kind == absorbing) return Expr::Const(absorbing == Expr::Kind::kTrue);
    if (k.kind == neutral) continue;
    if (k.kind == kind) {
      for (auto& g : k.children) out.children.push_back(std::move(g));
    } else {
      out.children.push_back(std::move(k));
    }
  }
  if (out.children.empty()) return Expr::Const(neutral == Expr::Kind::kTrue);
  if (out.children.size() == 1) return std::move(out.children[0]);
  return out;
}

Expr Expr::And(std::vector<Expr> children) { return Combine(Kind::kAnd, std::move(children)); }
Expr Expr::Or(std::vector<Expr> children) { return Combine(Kind::kOr, std::move(children)); }

std::string DecodedPath(const std::string& path, const std::vector<std::string>& embedded) {
  size_t cut = 0;
  for (const std::string& e : embedded) {
    if (e.size() > cut && path.size() > e.size() && path[e.size()] == '.' &&
        path.compare(0, e.size(), e) == 0) {
      cut = e.size();
    }
  }
  if (cut == 0) return path;
  std::string out;
  out.reserve(path.size() + kDecodedSuffix.size());
  out.append(path, 0, cut).append(kDecodedSuffix).append(path, cut);
  return out;
}

uint32_t Ir::InternField(const std::string& path) {
  std::string key = DecodedPath(path, embedded_json);
  auto [it, inserted] = field_ids_.try_emplace(key, static_cast<uint32_t>(fields.size()));
  if (inserted) fields.push_back(std::move(key));
  return it->second;
}

uint32_t Ir::InternPredicate(Predicate p) {
  std::string key = p.Key();
  auto [it, inserted] =
      predicate_ids_.try_emplace(std::move(key), static_cast<uint32_t>(predicates.size()));
  if (inserted) predicates.push_back(std::move(p));
  return it->second;
}

std::string Ir::PredicateToString(uint32_t i) const {
  const Predicate& p = predicates[i];
  std::string s = "p" + std::to_string(i) + ": ";
  s += p.field == kAnyString ? std::string("<keywords>") : fields[p.field];
  if (p.time_part != TimePartOpt::kNone) s += std::string("|") + TimePartName(p.time_part);
  s += std::string(" ") + (p.negate ? "not-" : "") + OpName(p.op);
  if (p.cased) s += "(cased)";
  switch (p.op) {
    case Op::kNull: case Op::kExists: case Op::kNotExists:
      break;
    case Op::kNumEq: case Op::kLt: case Op::kLte: case Op::kGt: case Op::kGte:
      s += " " + NumberText(p.number);
      break;
    case Op::kFieldRef:
      s += std::string(" ") + OpName(p.ref_op) + " field " + fields[p.other_field];
      break;
    default:
      s += " '" + p.text + "'";
  }
  return s;
}

std::string Ir::ExprToString(const Expr& e) const {
  switch (e.kind) {
    case Expr::Kind::kTrue: return "true";
    case Expr::Kind::kFalse: return "false";
    case Expr::Kind::kPred: return "p" + std::to_string(e.pred);
    case Expr::Kind::kNot: return "not " + ExprToString(e.children[0]);
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr: {
      std::string s = "(";
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i) s += e.kind == Expr::Kind::kAnd ? " and " : " or ";
        s += ExprToString(e.children[i]);
      }
      return s + ")";
    }
  }
  return "?";
}

std::string Ir::Dump() const {
  std::string s = "fields:\n";
  for (size_t i = 0; i < fields.size(); ++i)
    s += "  f" + std::to_string(i) + ": " + fields[i] + "\n";
  s += "predicates:\n";
  for (uint32_t i = 0; i < predicates.size(); ++i) s += "  " + PredicateToString(i) + "\n";
  s += "rules:\n";
  for (const auto& r : rules) {
    s += "  " + (r.info.id.empty() ? r.info.title : r.info.id) + ": " + ExprToString(r.condition) +
         "\n";
  }
  return s;
}

}  // namespace vigil::internal
