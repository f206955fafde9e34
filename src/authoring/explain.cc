// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Explain (see include/vigil/explain.h), on the public rule model alone
// (include/vigil/rule_source.h): the rule as the RuleSet kept it, each item evaluated
// alone on the event (ItemHolds), the conditions evaluated on the identifiers' outcomes.

#include "vigil/explain.h"

#include <algorithm>

#include "vigil/rule_source.h"

namespace vigil {
namespace {

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

std::string ValueText(const DetectionValue& v) {
  if (v.type == DetectionValue::Type::kNull) return "null";
  if (v.type != DetectionValue::Type::kString || !NeedsQuotes(v.text)) return v.text;
  std::string out = "'";
  for (char c : v.text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

std::string ItemText(const DetectionItem& item) {
  std::string out = item.field.empty() ? std::string("(keywords)") : item.field;
  for (const auto& m : item.modifiers) out += "|" + m;
  out += ": ";
  if (item.values.size() == 1) return out + ValueText(item.values[0]);
  out += "[";
  for (size_t i = 0; i < item.values.size(); ++i)
    out += (i ? ", " : "") + ValueText(item.values[i]);
  return out + "]";
}

DetectionTrace TraceDetection(const Detection& det, const CompileOptions& options,
                              const EventTree& event, size_t reading) {
  DetectionTrace out;
  const std::vector<std::string> used = det.Referenced();
  for (const auto& c : det.conditions) out.conditions.push_back(c.text);
  std::vector<std::pair<std::string, bool>> truth;
  for (const auto& id : det.identifiers) {
    IdentifierTrace t;
    t.name = id.name;
    t.where = id.where;
    t.used = std::find(used.begin(), used.end(), id.name) != used.end();
    for (const auto& alt : id.alternatives) {
      std::vector<ItemTrace> items;
      bool all = true;
      for (const auto& item : alt) {
        ItemTrace it;
        it.text = ItemText(item);
        it.field = item.field;
        it.where = item.where;
        it.held = ItemHolds(item, event, reading, options);
        if (!item.field.empty()) {
          it.seen = event.Values(item.field, reading, ItemTrace::kMaxSeen + 1);
          if (it.seen.size() > ItemTrace::kMaxSeen) {
            it.seen.resize(ItemTrace::kMaxSeen);
            it.seen_truncated = true;
          }
          for (std::string& s : it.seen) {
            if (s.size() > ItemTrace::kMaxSeenBytes) {
              s.resize(ItemTrace::kMaxSeenBytes);
              s += "...";
            }
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
  out.held = det.Evaluate(truth);
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
  Result<EventTree> parsed = EventTree::Parse(event_json, set.compile_options());
  if (!parsed.ok()) return parsed.status();
  const EventTree& event = parsed.value();
  // An event with a duplicate key is read first-wins and last-wins (the scan matches
  // it if either matches): the explanation is of the first reading that matches, else
  // of the first.
  Explanation chosen;
  for (size_t i = 0; i < event.readings(); ++i) {
    Explanation ex;
    ex.rule = &set.rule(rule);
    ex.detection = TraceDetection(set.detection(rule), set.compile_options(), event, i);
    ex.matched = ex.detection.held;
    for (const auto& f : set.filters(rule)) {
      FilterTrace ft;
      ft.title = f.info.title;
      ft.id = f.info.id;
      ft.where = f.info.where;
      ft.detection = TraceDetection(f.detection, set.compile_options(), event, i);
      ex.matched = ex.matched && ft.detection.held;
      ex.filters.push_back(std::move(ft));
    }
    if (i == 0 || ex.matched) chosen = std::move(ex);
    if (chosen.matched) break;
  }
  return chosen;
}

}  // namespace vigil
