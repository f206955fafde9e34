// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil explain`: item by item, why a rule did or did not match an event; for a
// correlation, the events of each rule it references, by group, and its alerts. Uses
// the public API, plus util/dom_path.h to show group-by values as the correlator
// reads them.

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <simdjson.h>

#include "cli/rule_tools.h"
#include "cli/text_out.h"
#include "util/dom_path.h"

namespace vigil::cli {
namespace {

constexpr const char* kExplainHelp = R"(usage: vigil explain [options] RULE [EVENT]...

Show, for each event, every detection item of the rule with the values the event has
for its field and whether the item held; then the condition and the verdict.

For a correlation rule: the events are run through the rules and the correlator (in
event-time order, whatever the order in the files); printed are, per referenced rule,
the events it matched grouped by the group-by values, then the alerts raised (or
"verdict: NO ALERT").

RULE is a rule file, or the id, name or title of a rule in --rules (default: the
bundled pack). EVENT is a file in any shape `vigil scan` reads, or '-' for standard
input (the default); every record in it is explained.

options:
  --rule RULE    the rule, given as an option: every operand is then an EVENT
  --rules PATH   where to look RULE up by id, name or title; repeatable
  --vars FILE    values for |expand placeholders

exit status: 0 the rule matched at least one event (a correlation: raised an alert);
1 it matched none; 2 error.
)";

class CollectRecords : public vigil::RecordSink {
 public:
  bool OnRecord(const vigil::Record& r) override {
    records.push_back({std::string(r.json), r.file ? *r.file : "", r.index});
    return true;
  }
  void OnError(const vigil::InputError& e) override {
    std::string where = TerminalText(e.file);  // a file name cannot forge lines
    if (e.line) where += ":" + std::to_string(e.line);
    std::fprintf(stderr, "%s: %s\n", where.c_str(), e.message.c_str());
    ++errors;
  }
  struct Rec {
    std::string json, file;
    uint64_t index;
  };
  std::vector<Rec> records;
  size_t errors = 0;
};

// The value of a dotted field path in an event, read as the correlator reads it
// (util/dom_path.h): a string as is, other scalars as JSON; nullopt when missing or null.
std::optional<std::string> FieldText(simdjson::dom::element e, std::string_view path) {
  simdjson::dom::element v;
  return vigil::internal::DomLookup(e, path, &v) ? vigil::internal::DomValueText(v) : std::nullopt;
}

// An event as the explanation names it: its file and position there.
std::string Where(const CollectRecords::Rec& r) { return r.file + ":" + std::to_string(r.index); }

std::string GroupText(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& group) {
  if (group.empty()) return "(no group-by)";
  std::string out;
  for (const auto& [k, v] : group) out += (out.empty() ? "" : " ") + k + "=" + (v ? *v : "null");
  return out;
}

// `vigil explain` of correlation rules: the events run through the Scanner and a
// Correlator that buffers everything (so the file's order does not matter); per rule a
// correlation references, the events it matched, grouped by the group-by values; then
// the alerts raised. Returns whether any chosen correlation raised an alert.
bool ExplainCorrelations(const std::shared_ptr<const vigil::RuleSet>& set,
                         const std::vector<size_t>& chosen,
                         const std::vector<CollectRecords::Rec>& records) {
  vigil::Scanner scanner(set);
  vigil::CorrelatorOptions copts;
  copts.lateness_ms = std::numeric_limits<int64_t>::max();
  vigil::Correlator correlator(set, copts);
  // The events are scanned as one stream (record k of it is records[k]): each event's
  // matches and the alerts are kept, and an event not used is said so.
  struct Sink : vigil::ScanSink {
    const std::vector<CollectRecords::Rec>* records;
    std::vector<std::vector<vigil::Match>> matches;
    std::vector<vigil::CorrelationAlert> alerts;
    bool OnRecord(const vigil::Record& r, std::span<const vigil::Match> m) override {
      matches[r.index].assign(m.begin(), m.end());
      return true;
    }
    // Its "record N" counts in the stream, not in the event's file: left out.
    void OnError(const vigil::InputError& e) override { NotUsed(e.index, std::string(e.reason())); }
    void OnCorrelationError(const vigil::Record& r, const vigil::Status& s) override {
      NotUsed(r.index, s.message());
    }
    bool OnAlert(const vigil::CorrelationAlert& a) override {
      alerts.push_back(a);
      return true;
    }
    void NotUsed(size_t k, const std::string& why) {
      std::fprintf(stderr, "%s: event not used: %s\n", Where((*records)[k]).c_str(), why.c_str());
    }
  } sink;
  sink.records = &records;
  sink.matches.resize(records.size());
  std::vector<std::string_view> events;
  for (const auto& r : records) events.push_back(r.json);
  vigil::ScanOptions sopts;
  sopts.kind = vigil::EventKind::kAny;
  sopts.correlator = &correlator;
  vigil::ScanEvents(scanner, events, "", sopts, &sink);
  const std::vector<std::vector<vigil::Match>>& matches = sink.matches;
  // An alert's events are records of that stream: named by their file and position.
  std::vector<vigil::CorrelationAlert> alerts = std::move(sink.alerts);
  for (auto& a : alerts) {
    for (auto& e : a.events) {
      if (e.record >= records.size()) continue;
      const size_t k = static_cast<size_t>(e.record);
      e.file = records[k].file;
      e.record = records[k].index;
    }
  }
  simdjson::dom::parser parser;
  bool any = false;
  for (size_t c : chosen) {
    const vigil::CorrelationRule& cr = set->correlation(c);
    std::printf("correlation: %s\n  %s\n", cr.info.title.c_str(),
                CorrelationSummary(*set, cr).c_str());
    for (size_t p = 0; p < cr.rules.size(); ++p) {
      for (uint32_t ri : cr.rules[p]) {
        // Group value -> the events of this rule in that group, in file order.
        std::map<std::string, std::vector<std::string>> groups;
        for (size_t k = 0; k < records.size(); ++k) {
          const bool matched =
              std::any_of(matches[k].begin(), matches[k].end(),
                          [&](const vigil::Match& m) { return m.rule_index == ri; });
          if (!matched) continue;
          std::vector<std::pair<std::string, std::optional<std::string>>> group;
          simdjson::dom::element doc;
          const bool parsed = parser.parse(records[k].json).get(doc) == simdjson::SUCCESS;
          for (size_t g = 0; g < cr.group_by.size(); ++g) {
            auto alias = cr.group_by_alias[g].find(ri);
            const std::string& field =
                alias != cr.group_by_alias[g].end() ? alias->second : cr.group_by[g];
            group.emplace_back(cr.group_by[g], parsed ? FieldText(doc, field) : std::nullopt);
          }
          groups[GroupText(group)].push_back(Where(records[k]));
        }
        std::printf("rule '%s': %s\n", set->rule(ri).title.c_str(),
                    groups.empty() ? "matched no event" : "matched");
        for (const auto& [g, evs] : groups) {
          std::string list;
          for (const auto& e : evs) list += (list.empty() ? "" : ", ") + e;
          std::printf("  %s: %zu event%s: %s\n", g.c_str(), evs.size(), evs.size() == 1 ? "" : "s",
                      list.c_str());
        }
      }
      if (p < cr.correlations.size()) {
        for (uint32_t ci : cr.correlations[p]) {
          const vigil::CorrelationRule* chained = &set->correlation(ci);
          size_t n = 0;
          for (const auto& a : alerts) n += a.rule == chained ? 1 : 0;
          std::printf("correlation '%s' (chained): %zu alert%s\n", chained->info.title.c_str(), n,
                      n == 1 ? "" : "s");
        }
      }
    }
    size_t raised = 0;
    for (const auto& a : alerts) {
      if (a.rule != &cr) continue;
      if (raised++ == 0) std::printf("alerts:\n");
      std::string evs;
      for (const auto& e : a.events)
        evs += (evs.empty() ? "" : ", ") + e.file + ":" + std::to_string(e.record);
      std::string subject;
      if (!a.subject.empty()) subject = " subject " + GroupText(a.subject);
      std::printf("  ALERT %s value=%s%s events: %s\n", GroupText(a.group).c_str(),
                  NumberText(a.value).c_str(), subject.c_str(), evs.c_str());
    }
    if (raised == 0) std::printf("verdict: NO ALERT\n");
    any = any || raised > 0;
  }
  std::fflush(stdout);
  return any;
}

}  // namespace

int ExplainCommand(int argc, char** argv) {
  ExplainArgs o;
  if (int rc = Parse(argc, argv, kExplainHelp, &o); rc >= 0) return rc;
  // The rule is --rule RULE or the first operand; with --rule every operand is an event
  // (the option used to be accepted and ignored, so its first event was taken as RULE).
  if (o.rule.empty() && o.operands.empty()) {
    return Usage("explain needs a RULE (a rule file, or an id, name or title)", "explain");
  }
  const std::string rule = o.rule.empty() ? o.operands[0] : o.rule;
  std::vector<std::string> events(o.operands.begin() + (o.rule.empty() ? 1 : 0), o.operands.end());
  vigil::CompileOptions copts;
  if (!CompileOptionsFrom(o, &copts)) return 2;
  vigil::RuleSetBuilder builder(copts);
  std::error_code ec;
  const bool is_file = std::filesystem::is_regular_file(rule, ec);
  if (is_file) {
    builder.AddFile(rule);
    for (const auto& r : o.rules) builder.AddPath(r);  // filters that may apply
  } else {
    for (const auto& r : o.rules.empty() ? std::vector<std::string>{DefaultRules()} : o.rules) {
      builder.AddPath(r);
    }
  }
  auto set = builder.Build();
  for (const auto& d : set->diagnostics()) {
    if (d.severity == vigil::Severity::kError)
      std::fprintf(stderr, "%s\n", DiagnosticLine(d).c_str());
  }
  // The rules of the file, or those the key names (RuleSet::Find).
  std::vector<size_t> chosen, chosen_correlations;
  if (is_file) {
    auto from_file = [&](const vigil::RuleInfo& info) {
      return std::filesystem::equivalent(info.where.file, rule, ec);
    };
    for (size_t i = 0; i < set->size(); ++i) {
      if (from_file(set->rule(i))) chosen.push_back(i);
    }
    for (size_t i = 0; i < set->correlation_count(); ++i) {
      if (from_file(set->correlation(i).info)) chosen_correlations.push_back(i);
    }
  } else {
    chosen = set->Find(rule);
    chosen_correlations = set->FindCorrelations(rule);
  }
  if (chosen.empty() && chosen_correlations.empty()) {
    std::fprintf(stderr, "vigil: no rule %s '%s' loaded\n",
                 is_file ? "from" : "with id, name or title", rule.c_str());
    return 2;
  }
  CollectRecords sink;
  vigil::ReadInputs(events, vigil::ReadOptions(), &sink);
  if (sink.records.empty()) {
    std::fprintf(stderr, "vigil: no event to explain\n");
    return 2;
  }
  // A rule file may hold detection rules and correlations: both are explained.
  bool any =
      !chosen_correlations.empty() && ExplainCorrelations(set, chosen_correlations, sink.records);
  for (const auto& rec : sink.records) {
    for (size_t i : chosen) {
      std::printf("== event %s:%llu\n", rec.file.c_str(), (unsigned long long)rec.index);
      auto ex = vigil::Explain(*set, i, rec.json);
      if (!ex.ok()) {
        std::printf("%s\n", ex.status().message().c_str());
        continue;
      }
      any = any || ex.value().matched;
      std::fputs(Indent(ex.value().ToText(), "").c_str(), stdout);
    }
  }
  std::fflush(stdout);
  return any ? 0 : 1;
}

}  // namespace vigil::cli
