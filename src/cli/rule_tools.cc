// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// What the rule author's commands share (see rule_tools.h).

#include "cli/rule_tools.h"

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "cli/text_out.h"

namespace vigil::cli {

std::string FileName(const vigil::RuleInfo& r) {
  return std::filesystem::path(r.where.file).filename().string();
}

// Each line of `text` made inert for the terminal (QuotedText, text_out.h), behind
// `pad`: explanations quote rule titles, values and event fields, which rules and
// events choose.
std::string Indent(const std::string& text, const std::string& pad) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out += pad + QuotedText(std::string_view(text).substr(start, nl - start)) + "\n";
    start = nl + 1;
  }
  return out;
}

// "5m", "1h", "90s": the largest unit that divides the span (as Sigma writes them).
std::string TimespanText(int64_t ms) {
  static const std::pair<int64_t, const char*> kUnits[] = {
      {86400000, "d"}, {3600000, "h"}, {60000, "m"}, {1000, "s"}};
  for (const auto& [unit, name] : kUnits) {
    if (ms != 0 && ms % unit == 0) return std::to_string(ms / unit) + name;
  }
  return std::to_string(ms) + "ms";
}

std::string NumberText(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.15g", v);
  return buf;
}

// "gte 3", "gt 1 and lt 10", or "all rules" (temporal types without a condition).
std::string ConditionText(const vigil::CorrelationRule& c) {
  using Op = vigil::CorrelationCompare::Op;
  if (c.type == vigil::CorrelationType::kFirstSeen) {
    std::string fields;
    for (const auto& f : c.fields) fields += (fields.empty() ? "" : " + ") + f;
    return "new " + fields + " (learning " + TimespanText(c.learning_ms) + ")";
  }
  if (c.condition.empty()) return "all rules";
  std::string out;
  for (const auto& k : c.condition) {
    static const std::map<Op, const char*> kOps = {{Op::kGt, "gt"}, {Op::kGte, "gte"},
                                                   {Op::kLt, "lt"}, {Op::kLte, "lte"},
                                                   {Op::kEq, "eq"}, {Op::kNeq, "neq"}};
    out += (out.empty() ? "" : " and ") + std::string(kOps.at(k.op)) + " " + NumberText(k.value);
  }
  return out;
}

// The title of what each position of a correlation references: a detection rule or a
// chained correlation (a name shared by several rules gives them all one title).
std::vector<std::string> ReferencedTitles(const vigil::RuleSet& set,
                                          const vigil::CorrelationRule& c) {
  std::vector<std::string> out;
  for (size_t p = 0; p < c.rules.size(); ++p) {
    if (!c.rules[p].empty()) {
      out.push_back(set.rule(c.rules[p][0]).title);
    } else if (p < c.correlations.size() && !c.correlations[p].empty()) {
      out.push_back(set.correlation(c.correlations[p][0]).info.title);
    } else {
      out.push_back("");
    }
  }
  return out;
}

// One line: "event_count of 'A', 'B' by sourceIPAddress within 5m: gte 3".
std::string CorrelationSummary(const vigil::RuleSet& set, const vigil::CorrelationRule& c) {
  std::string out = std::string(vigil::CorrelationTypeName(c.type)) + " of ";
  const auto titles = ReferencedTitles(set, c);
  for (size_t i = 0; i < titles.size(); ++i) out += (i ? ", '" : "'") + titles[i] + "'";
  if (!c.group_by.empty()) {
    out += " by ";
    for (size_t i = 0; i < c.group_by.size(); ++i) out += (i ? ", " : "") + c.group_by[i];
  }
  if (!c.field.empty()) out += " of field " + c.field;
  // A first_seen timespan is how long a value stays known, not a window.
  return out + (c.type == vigil::CorrelationType::kFirstSeen ? " known for " : " within ") +
         TimespanText(c.timespan_ms) + ": " + ConditionText(c);
}

std::vector<std::string> PathsOrDefault(const RuleArgs& o,
                                        const std::vector<std::string>& operands) {
  std::vector<std::string> paths = o.rules;
  paths.insert(paths.end(), operands.begin(), operands.end());
  if (paths.empty()) paths.push_back(DefaultRules());
  return paths;
}

// Loads every rule under `paths` with the --vars placeholders (null if the vars file
// is bad; the error is printed). Rules that fail to load are in the diagnostics.
std::shared_ptr<const vigil::RuleSet> BuildRules(const RuleArgs& o,
                                                 const std::vector<std::string>& paths) {
  vigil::CompileOptions copts;
  if (!CompileOptionsFrom(o, &copts)) return nullptr;
  vigil::RuleSetBuilder builder(copts);
  for (const auto& p : paths) builder.AddPath(p);
  return builder.Build();
}

// Why a test that ran failed, in one line.

}  // namespace vigil::cli
