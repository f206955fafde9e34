// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The compile step of correlation rules (see resolve.h).

#include "correlate/resolve.h"

#include <functional>
#include <map>
#include <set>
#include <string>

#include "common/rule_names.h"
#include "util/timeparts.h"

namespace vigil::internal {

namespace {

bool ParseTimespan(const std::string& text, int64_t* ms) {
  return internal::ParseDurationMillis(text, internal::DurationSyntax::kRule, ms);
}

}  // namespace

void ResolveCorrelations(const std::vector<const RuleAst*>& asts,
                         const std::vector<RuleAst*>& detections,
                         std::vector<CorrelationRule>* out, std::vector<bool>* suppressed,
                         std::vector<Diagnostic>* diags) {
  static const std::map<std::string, CorrelationType> kTypes = {
      {"event_count", CorrelationType::kEventCount},
      {"value_count", CorrelationType::kValueCount},
      {"temporal", CorrelationType::kTemporal},
      {"temporal_ordered", CorrelationType::kTemporalOrdered},
      {"value_sum", CorrelationType::kValueSum},
      {"value_avg", CorrelationType::kValueAvg},
      {"value_percentile", CorrelationType::kValuePercentile},
      {"value_median", CorrelationType::kValueMedian},
      {"first_seen", CorrelationType::kFirstSeen}};
  static const std::map<std::string, CorrelationCompare::Op> kOps = {
      {"gt", CorrelationCompare::Op::kGt},   {"gte", CorrelationCompare::Op::kGte},
      {"lt", CorrelationCompare::Op::kLt},   {"lte", CorrelationCompare::Op::kLte},
      {"eq", CorrelationCompare::Op::kEq},   {"neq", CorrelationCompare::Op::kNeq}};
  // The rules of `list` that `ref` names (common/rule_names.h). `list` holds detection
  // rules or, for chaining, correlation rules.
  auto find = [](const auto& list, const std::string& ref) {
    return RulesNamed(list.size(), [&](size_t i) -> const RuleInfo& { return list[i]->info; }, ref);
  };
  auto resolve = [&](const std::string& ref) { return find(detections, ref); };
  auto resolve_corr = [&](const std::string& ref) { return find(asts, ref); };
  std::vector<CorrelationRule> all(asts.size());
  std::vector<bool> ok(asts.size(), true);
  for (size_t ai = 0; ai < asts.size(); ++ai) {
    const RuleAst* a = asts[ai];
    const internal::CorrelationAst& c = a->correlation;
    CorrelationRule& r = all[ai];
    r.info = a->info;
    r.type = kTypes.at(c.type);
    r.group_by = c.group_by;
    r.field = c.field;
    r.fields = c.fields;
    r.generate = c.generate;
    if (c.percentile) r.percentile = *c.percentile;
    r.rarity = r.type == CorrelationType::kValuePercentile && !c.percentile;
    if (!c.learning.empty() && !ParseTimespan(c.learning, &r.learning_ms)) {
      ok[ai] = false;
      diags->emplace_back(
          Severity::kWarning, a->info.where,
          "correlation '" + a->info.title + "': bad learning period '" + c.learning + "'");
    }
    if (!ParseTimespan(c.timespan, &r.timespan_ms)) {
      ok[ai] = false;
      diags->emplace_back(Severity::kWarning, a->info.where,
                          "correlation '" + a->info.title + "': bad timespan '" + c.timespan + "'");
    }
    for (size_t ri = 0; ri < c.rules.size(); ++ri) {
      const std::string& ref = c.rules[ri];
      const SourceLocation& at = ri < c.rules_where.size() ? c.rules_where[ri] : a->info.where;
      std::vector<uint32_t> idx = resolve(ref);
      std::vector<uint32_t> cidx = idx.empty() ? resolve_corr(ref) : std::vector<uint32_t>{};
      if (idx.empty() && cidx.empty()) {
        // pySigma refuses such a correlation; vigil leaves it out and loads the rest, and
        // `vigil check --strict` fails on the warning (docs/sigma-conformance.md).
        ok[ai] = false;
        diags->emplace_back(Severity::kWarning, at,
                            "correlation '" + a->info.title + "' references rule '" + ref +
                                "', which is not loaded; it will not produce alerts "
                                "[unresolved-reference]");
      } else {
        const RuleInfo& named = idx.empty() ? asts[cidx[0]]->info : detections[idx[0]]->info;
        if (NameMatch(named, ref) < 3) {
          diags->emplace_back(
              Severity::kWarning, at,
              "correlation '" + a->info.title + "' references rule '" + ref +
                  "' by its title; the Sigma specification allows only an id or a name, so "
                  "other Sigma tools will not find it" +
                  (!named.id.empty()     ? " (write its id " + named.id + ")"
                   : !named.name.empty() ? " (write its name " + named.name + ")"
                                         : std::string(" (give the rule an id or a name)")) +
                  " [reference-by-title]");
        }
      }
      r.rules.push_back(std::move(idx));
      r.correlations.push_back(std::move(cidx));
    }
    for (const auto& [op, v] : c.condition) r.condition.push_back({kOps.at(op), v});
    for (const auto& cmp : r.condition) {
      if (cmp.op != CorrelationCompare::Op::kGt && cmp.op != CorrelationCompare::Op::kGte)
        r.eager = false;
    }
    if (r.type == CorrelationType::kValueAvg || r.type == CorrelationType::kValueMedian ||
        r.type == CorrelationType::kValuePercentile) {
      r.eager = false;
    }
    if (r.type == CorrelationType::kTemporal || r.type == CorrelationType::kTemporalOrdered ||
        r.type == CorrelationType::kFirstSeen) {
      r.eager = true;
    }
    for (const auto& g : c.group_by) {
      std::map<uint32_t, std::string> alias;
      for (const auto& [name, fields] : c.aliases) {
        if (name != g) continue;
        for (const auto& [ref, field] : fields) {
          std::vector<uint32_t> idx = resolve(ref);
          if (idx.empty() && resolve_corr(ref).empty()) {
            diags->emplace_back(Severity::kWarning, a->info.where,
                                "correlation '" + a->info.title + "': alias '" + name +
                                    "' names rule '" + ref + "', which is not loaded");
          }
          for (uint32_t i : idx) alias[i] = field;
        }
      }
      r.group_by_alias.push_back(std::move(alias));
    }
  }
  // A correlation is evaluated when everything it references is, without cycles.
  std::vector<int> state(asts.size(), 0);  // 0 unvisited, 1 visiting, 2 done
  std::function<bool(size_t)> usable = [&](size_t i) -> bool {
    if (state[i] == 1) {
      diags->emplace_back(Severity::kWarning, asts[i]->info.where,
                          "correlation '" + asts[i]->info.title +
                              "' references itself through a chain of correlations; it will not "
                              "produce alerts");
      ok[i] = false;
      return false;
    }
    if (state[i] == 2) return ok[i];
    state[i] = 1;
    for (const auto& pos : all[i].correlations) {
      for (uint32_t j : pos) {
        if (!usable(j) && ok[i]) {
          ok[i] = false;
          diags->emplace_back(Severity::kWarning, asts[i]->info.where,
                              "correlation '" + asts[i]->info.title + "' references correlation '" +
                                  asts[j]->info.title +
                                  "', which is left out; it will not produce alerts");
        }
      }
    }
    state[i] = 2;
    return ok[i];
  };
  for (size_t i = 0; i < asts.size(); ++i) usable(i);
  std::vector<uint32_t> new_index(asts.size(), UINT32_MAX);
  for (size_t i = 0; i < asts.size(); ++i) {
    if (ok[i]) new_index[i] = static_cast<uint32_t>(out->size()), out->push_back(all[i]);
  }
  std::vector<int> referenced(detections.size(), 0);  // 1 referenced, 2 with generate
  std::vector<int> corr_referenced(out->size(), 0);
  for (auto& r : *out) {
    for (auto& pos : r.correlations) {
      for (uint32_t& j : pos) {
        j = new_index[j];
        corr_referenced[j] = std::max(corr_referenced[j], r.generate ? 2 : 1);
      }
    }
    for (const auto& idx : r.rules) {
      for (uint32_t i : idx) referenced[i] = std::max(referenced[i], r.generate ? 2 : 1);
    }
  }
  for (size_t j = 0; j < out->size(); ++j) (*out)[j].hidden = corr_referenced[j] == 1;
  suppressed->assign(detections.size(), false);
  for (size_t i = 0; i < detections.size(); ++i) (*suppressed)[i] = referenced[i] == 1;
}

}  // namespace vigil::internal
