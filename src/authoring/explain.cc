// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Explain (see include/vigil/explain.h): re-lowers each item of the rule on its own
// into a scratch IR and interprets it on the event tree.

#include "vigil/explain.h"

#include <set>

#include "api/rule_sources.h"
#include "compile/regex.h"
#include "eval/interpreter.h"
#include "ir/lower.h"

namespace vigil {
namespace {

using internal::TreeNode;

bool NeedsQuotes(const std::string& s) {
  if (s.empty() || s.front() == ' ' || s.back() == ' ') return true;
  for (char c : s) {
    if (c == ':' || c == ',' || c == '[' || c == ']' || c == '#' || c == '\'' || c == '"' ||
        c == '{' || c == '}') {
      return true;
    }
  }
  return false;
}

std::string ValueText(const internal::ValueAst& v) {
  if (v.type == internal::ValueAst::Type::kNull) return "null";
  if (v.type != internal::ValueAst::Type::kString || !NeedsQuotes(v.text)) return v.text;
  std::string out = "'";
  for (char c : v.text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string ItemText(const internal::ItemAst& item) {
  std::string out = item.field.empty() ? std::string("(keywords)") : item.field;
  for (const auto& m : item.modifiers) out += "|" + m;
  out += ": ";
  if (item.values.size() == 1) return out + ValueText(item.values[0]);
  out += "[";
  for (size_t i = 0; i < item.values.size(); ++i)
    out += (i ? ", " : "") + ValueText(item.values[i]);
  return out + "]";
}

std::string NodeText(const TreeNode& n) {
  return n.kind == TreeNode::Kind::kNull ? std::string("null") : n.text;
}

DetectionTrace TraceDetection(const internal::DetectionAst& det,
                              const internal::Placeholders& placeholders, const TreeNode& root) {
  DetectionTrace out;
  std::vector<std::string> declared;
  for (const auto& id : det.ids) declared.push_back(id.name);
  std::set<std::string> used;
  for (const auto& c : det.conditions) {
    for (auto& n : internal::ConditionIdentifiers(c.root, declared)) used.insert(n);
    out.conditions.push_back(c.text);
  }
  std::vector<std::pair<std::string, bool>> truth;
  for (const auto& id : det.ids) {
    IdentifierTrace t;
    t.name = id.name;
    t.where = id.where;
    t.used = used.count(id.name) > 0;
    for (const auto& alt : id.alternatives) {
      std::vector<ItemTrace> items;
      bool all = true;
      for (const auto& item : alt) {
        ItemTrace it;
        it.text = ItemText(item);
        it.field = item.field;
        it.where = item.where;
        internal::Ir scratch;
        internal::Expr e;
        std::vector<Diagnostic> ignored;  // the rule lowered once already, at Build()
        it.held = internal::LowerItem(item, placeholders, internal::CompileRegexCheck, &scratch, &e,
                                      &ignored) &&
                  internal::InterpretExpr(scratch, e, root);
        if (!item.field.empty()) {
          for (const TreeNode* v : internal::PathValues(item.field, root)) {
            if (it.seen.size() == ItemTrace::kMaxSeen) {
              it.seen_truncated = true;
              break;
            }
            std::string s = NodeText(*v);
            if (s.size() > ItemTrace::kMaxSeenBytes) {
              s.resize(ItemTrace::kMaxSeenBytes);
              s += "...";
            }
            it.seen.push_back(std::move(s));
          }
        }
        all = all && it.held;
        items.push_back(std::move(it));
      }
      t.held = t.held || all;
      t.alternatives.push_back(std::move(items));
    }
    truth.emplace_back(t.name, t.held);
    out.identifiers.push_back(std::move(t));
  }
  for (const auto& c : det.conditions) {
    if (internal::EvalCondition(c.root, truth)) out.held = true;
  }
  return out;
}

void AppendDetection(const DetectionTrace& d, std::string* out) {
  for (const auto& id : d.identifiers) {
    *out += "  " + id.name + ": " + (id.held ? "held" : "did not hold");
    if (!id.used) *out += " (not used by the condition)";
    *out += "\n";
    for (size_t a = 0; a < id.alternatives.size(); ++a) {
      if (id.alternatives.size() > 1) {
        *out += "    alternative " + std::to_string(a + 1) + " of " +
                std::to_string(id.alternatives.size()) + ":\n";
      }
      const std::string indent = id.alternatives.size() > 1 ? "      " : "    ";
      for (const auto& it : id.alternatives[a]) {
        *out += indent + (it.held ? "+ " : "- ") + it.text;
        if (!it.field.empty()) {
          *out += "    [event: ";
          if (it.seen.empty()) {
            *out += "field missing";
          } else {
            for (size_t i = 0; i < it.seen.size(); ++i) *out += (i ? " | " : "") + it.seen[i];
            if (it.seen_truncated) *out += " | ...";
          }
          *out += "]";
        }
        *out += "\n";
      }
    }
  }
  for (const auto& c : d.conditions) *out += "  condition: " + c + "\n";
  *out += std::string("  -> ") + (d.held ? "true" : "false") + "\n";
}

}  // namespace

std::string Explanation::ToText() const {
  std::string out;
  if (rule != nullptr) {
    out += "rule: " + rule->title;
    if (!rule->id.empty()) out += " (" + rule->id + ")";
    if (!rule->where.file.empty()) out += "  " + rule->where.ToString();
    out += "\n";
  }
  AppendDetection(detection, &out);
  for (const auto& f : filters) {
    out += "filter: " + f.title;
    if (!f.id.empty()) out += " (" + f.id + ")";
    out += "\n";
    AppendDetection(f.detection, &out);
  }
  out += std::string("verdict: ") + (matched ? "MATCH" : "no match") + "\n";
  return out;
}

Result<Explanation> Explain(const RuleSet& set, size_t rule, std::string_view event_json) {
  const internal::RuleSources& sources = set.sources();
  std::vector<TreeNode> readings;
  Status error;
  if (!internal::EventReadings(event_json, &readings, &error)) return error;
  if (readings.front().kind != TreeNode::Kind::kObject) {
    return Status::Error(StatusCode::kInvalidInput, "the event is not a JSON object");
  }
  // An event with a duplicate key is read first-wins and last-wins (the scan matches
  // it if either matches): the explanation is of the first reading that matches, else
  // of the first.
  Explanation chosen;
  for (size_t i = 0; i < readings.size(); ++i) {
    const TreeNode& root = readings[i];
    Explanation ex;
    ex.rule = &set.rule(rule);
    const internal::RuleSource& src = sources.rules.at(rule);
    ex.detection = TraceDetection(src.detection, sources.placeholders, root);
    ex.matched = ex.detection.held;
    for (const auto& f : src.filters) {
      FilterTrace ft;
      ft.title = f.info.title;
      ft.id = f.info.id;
      ft.where = f.info.where;
      ft.detection = TraceDetection(f.detection, sources.placeholders, root);
      ex.matched = ex.matched && ft.detection.held;
      ex.filters.push_back(std::move(ft));
    }
    if (i == 0 || ex.matched) chosen = std::move(ex);
    if (chosen.matched) break;
  }
  return chosen;
}

}  // namespace vigil
