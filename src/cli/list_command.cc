// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil list`: rule metadata, as jsonl or a table (for tables and documentation).

#include <cstdio>
#include <string>
#include <vector>

#include "cli/rule_tools.h"
#include "cli/text_out.h"

namespace vigil::cli {
namespace {

constexpr const char* kListHelp = R"(usage: vigil list [options] [PATH]...

Print the metadata of every rule: one JSON object per line (jsonl, the default when
not on a terminal) or a table. PATH defaults to the bundled pack. Detection rules come
first ("kind":"detection"; "building_block":true for rules only correlations use, with
generate: false, which never alert on their own), then correlation rules ("kind":"correlation", with their
type, the titles of the rules they reference, group-by, timespan and condition).

options:
  -f, --format FORMAT  table or jsonl
  --rules PATH         a rule file or folder, as PATH is; repeatable
  --vars FILE          values for |expand placeholders
)";

}  // namespace

int List(int argc, char** argv) {
  ListArgs o;
  if (int rc = Parse(argc, argv, kListHelp, &o); rc >= 0) return rc;
  auto set = BuildRules(o, PathsOrDefault(o, o.paths));
  if (!set) return 2;
  for (const auto& d : set->diagnostics()) std::fprintf(stderr, "%s\n", DiagnosticLine(d).c_str());
  if (o.format.empty()) o.format = isatty(STDOUT_FILENO) ? "table" : "jsonl";
  auto list = [](const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + JsonString(v[i]);
    return s + "]";
  };
  // The attributes detection rules and correlations share, up to "related".
  auto common = [&](const vigil::RuleInfo& r, const char* kind) {
    std::string line =
        "{\"kind\":" + JsonString(kind) + ",\"id\":" + JsonString(r.id) +
        ",\"title\":" + JsonString(r.title) + ",\"file\":" + JsonString(r.where.file) +
        ",\"line\":" + std::to_string(r.where.line) + ",\"status\":" + JsonString(r.status) +
        ",\"level\":" + JsonString(r.level) + ",\"description\":" + JsonString(r.description) +
        ",\"author\":" + JsonString(r.author) + ",\"date\":" + JsonString(r.date) +
        ",\"tags\":" + list(r.tags) + ",\"references\":" + list(r.references) +
        ",\"falsepositives\":" + list(r.falsepositives) +
        ",\"logsource\":{\"category\":" + JsonString(r.logsource.category) +
        ",\"product\":" + JsonString(r.logsource.product) +
        ",\"service\":" + JsonString(r.logsource.service) + "},\"related\":[";
    for (size_t k = 0; k < r.related.size(); ++k) {
      line += (k ? "," : "") + std::string("{\"id\":") + JsonString(r.related[k].id) +
              ",\"type\":" + JsonString(r.related[k].type) + "}";
    }
    return line + "]";
  };
  auto custom = [](const vigil::RuleInfo& r) {
    std::string line = ",\"custom\":{";
    bool first = true;
    for (const auto& [k, v] : r.custom) {
      if (k == "tests") continue;  // summarised above; the events are large
      line += (first ? "" : ",") + JsonString(k) + ":" + v;
      first = false;
    }
    return line + "}}\n";
  };
  for (size_t i = 0; i < set->size(); ++i) {
    const vigil::RuleInfo& r = set->rule(i);
    std::vector<vigil::RuleTestCase> tests;
    const bool tests_ok = vigil::ParseRuleTests(r, &tests).ok();
    size_t matches = 0;
    for (const auto& t : tests) matches += t.expect_match ? 1 : 0;
    if (o.format == "table") {
      std::printf("%-13s %-70s %s\n", r.level.c_str(), r.title.c_str(), FileName(r).c_str());
      continue;
    }
    std::string line = common(r, "detection");
    // Referenced by correlations with generate: false only: it never alerts on its own.
    line += std::string(",\"building_block\":") + (set->suppressed(i) ? "true" : "false");
    line += ",\"tests\":{\"valid\":" + std::string(tests_ok ? "true" : "false") +
            ",\"match\":" + std::to_string(matches) + ",\"no_match\":" +
            std::to_string(tests.size() - matches) + "}" + custom(r);
    std::fputs(line.c_str(), stdout);
  }
  for (size_t i = 0; i < set->correlation_count(); ++i) {
    const vigil::CorrelationRule& c = set->correlation(i);
    const vigil::RuleInfo& r = c.info;
    if (o.format == "table") {
      std::printf("%-13s %-70s %s  [%s]\n", r.level.c_str(), r.title.c_str(), FileName(r).c_str(),
                  CorrelationSummary(*set, c).c_str());
      continue;
    }
    std::vector<vigil::CorrelationTestCase> tests;
    const bool tests_ok = vigil::ParseCorrelationTests(r, &tests).ok();
    size_t alerting = 0;
    for (const auto& t : tests) alerting += t.alerts.empty() ? 0 : 1;
    std::string line = common(r, "correlation");
    line += ",\"correlation\":{\"type\":" + JsonString(vigil::CorrelationTypeName(c.type)) +
            ",\"rules\":" + list(ReferencedTitles(*set, c)) + ",\"group_by\":" + list(c.group_by) +
            ",\"timespan\":" + JsonString(TimespanText(c.timespan_ms)) +
            ",\"timespan_ms\":" + std::to_string(c.timespan_ms) +
            ",\"condition\":" + JsonString(ConditionText(c)) + ",\"field\":" + JsonString(c.field) +
            ",\"generate\":" + (c.generate ? "true" : "false") + "}";
    line += ",\"tests\":{\"valid\":" + std::string(tests_ok ? "true" : "false") +
            ",\"alert\":" + std::to_string(alerting) + ",\"no_alert\":" +
            std::to_string(tests.size() - alerting) + "}" + custom(r);
    std::fputs(line.c_str(), stdout);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace vigil::cli
