// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The rule author's commands: `vigil test` (run the tests rules carry), `vigil check`
// (lint), `vigil explain` (why a rule did or did not match an event) and `vigil list`
// (rule metadata, for tables and documentation). Uses only the public API, plus the
// JSON escaping helper (and simdjson, to read the group-by fields explain shows).

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <functional>
#include <limits>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <simdjson.h>

#include "cli/common.h"
#include "cli/text_out.h"
#include "util/dom_path.h"
#include "util/strings.h"
#include "vigil/vigil.h"

namespace vigil::cli {
namespace {

constexpr const char* kTestHelp = R"(usage: vigil test [options] [PATH]...

Run the unit tests that rules carry in their `tests:` attribute (a list of
{name, expect: match|no_match, event}) through the compiled matcher. Prints one line
per rule; for a failed test, which search identifiers and items held and which did
not, with the field values the event had. Correlation rules carry sequence tests
({name, events: [...], alerts: [{group, value, events}]}); for a failed one the
alerts expected and those raised are printed, one line each.

PATH is a rule file or folder (default: the bundled pack). Sigma filters among the
rules apply to the rules they name, as in a scan.

options:
  --junit FILE     also write the results as JUnit XML (one testcase per rule test)
  --vars FILE      values for |expand placeholders
  -v, --verbose    one line per test, not only per rule
  -q, --quiet      print failures and the summary only

exit status: 0 every test passed; 1 a test failed, a rule failed to load or its tests
are malformed; 2 bad usage.
)";

constexpr const char* kCheckHelp = R"(usage: vigil check [options] [PATH]...

Lint rule files: errors that stop a rule from loading (YAML, schema, modifiers,
identifiers, regexes), duplicate ids, and warnings for what is likely wrong: unused
identifiers, conditions that never or always match, '*x*' values that should be
|contains, CloudTrail field names CloudTrail does not have (with the closest real
one), rules without tests. Each finding is file:line:column: severity: message [check].

options:
  --vars FILE          values for |expand placeholders
  --no-require-tests   do not warn about rules without tests
  --strict             exit 1 on warnings too
  -q, --quiet          no summary line

exit status: 0 no errors (and no warnings with --strict); 1 otherwise; 2 bad usage.
)";

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

constexpr const char* kListHelp = R"(usage: vigil list [options] [PATH]...

Print the metadata of every rule: one JSON object per line (jsonl, the default when
not on a terminal) or a table. PATH defaults to the bundled pack. Detection rules come
first ("kind":"detection"; "building_block":true for rules only correlations use, with
generate: false, which never alert on their own), then correlation rules ("kind":"correlation", with their
type, the titles of the rules they reference, group-by, timespan and condition).

options:
  --format FORMAT   table or jsonl
  --vars FILE       values for |expand placeholders
)";

std::string XmlEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 forbids most control characters even as references.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t' && c != '\r') {
          out += "?";
        } else {
          out += c;
        }
    }
  }
  return out;
}

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
    static const std::map<Op, const char*> kOps = {{Op::kGt, "gt"},  {Op::kGte, "gte"}, {Op::kLt, "lt"},
                                                   {Op::kLte, "lte"}, {Op::kEq, "eq"},   {Op::kNeq, "neq"}};
    out += (out.empty() ? "" : " and ") + std::string(kOps.at(k.op)) + " " + NumberText(k.value);
  }
  return out;
}

// The title of what each position of a correlation references: a detection rule or a
// chained correlation (a name shared by several rules gives them all one title).
std::vector<std::string> ReferencedTitles(const vigil::RuleSet& set, const vigil::CorrelationRule& c) {
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

std::vector<std::string> PathsOrDefault(const Options& o) {
  std::vector<std::string> paths = o.rules;
  paths.insert(paths.end(), o.inputs.begin(), o.inputs.end());
  if (paths.empty()) paths.push_back(DefaultRules());
  return paths;
}

// Parses the options of `command` and prints its help if asked. Returns the exit
// status when the command is done (help, usage error), or -1 to go on.
int Begin(int argc, char** argv, Options* o, const char* command, const char* help_text) {
  bool help = false;
  if (int rc = ParseCommon(argc, argv, o, &help, command)) return rc;
  if (help) {
    std::fputs(help_text, stdout);
    return 0;
  }
  return -1;
}

// Loads every rule under `paths` with the --vars placeholders (null if the vars file
// is bad; the error is printed). Rules that fail to load are in the diagnostics.
std::shared_ptr<const vigil::RuleSet> BuildRules(const Options& o, const std::vector<std::string>& paths) {
  vigil::CompileOptions copts;
  if (!CompileOptionsFrom(o, &copts)) return nullptr;
  vigil::RuleSetBuilder builder(copts);
  for (const auto& p : paths) builder.AddPath(p);
  return builder.Build();
}

// Why a test that ran failed, in one line.
std::string FailureMessage(const vigil::RuleTestResult& t) {
  if (t.correlation) {
    auto alerts = [](size_t n) { return std::to_string(n) + (n == 1 ? " alert" : " alerts"); };
    if (t.expected_alerts != t.actual_alerts) {
      return "expected " + alerts(t.expected_alerts) + ", got " + alerts(t.actual_alerts);
    }
    return "the alerts raised differ from those expected (" + alerts(t.actual_alerts) + ")";
  }
  return std::string("expected ") + (t.expect_match ? "match" : "no match") + ", got " +
         (t.matched ? "match" : "no match");
}

// False with *error (the reason) when the file could not be written completely.
bool WriteJUnit(const std::string& path, const std::vector<vigil::RuleTestReport>& reports,
                const std::vector<vigil::Diagnostic>& load_errors, std::string* error) {
  size_t tests = 0, failures = 0, errors = load_errors.size();
  for (const auto& r : reports) {
    tests += r.results.size();
    for (const auto& t : r.results) {
      if (!t.error.empty()) ++errors;
      else if (!t.passed()) ++failures;
    }
    if (!r.error.empty()) ++errors;
  }
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<testsuites name=\"vigil rule tests\" tests=\"" + std::to_string(tests + load_errors.size()) +
       "\" failures=\"" + std::to_string(failures) + "\" errors=\"" + std::to_string(errors) + "\">\n";
  if (!load_errors.empty()) {
    x += "  <testsuite name=\"rule loading\" tests=\"" + std::to_string(load_errors.size()) +
         "\" failures=\"0\" errors=\"" + std::to_string(load_errors.size()) + "\">\n";
    for (const auto& d : load_errors) {
      x += "    <testcase classname=\"load\" name=\"" + XmlEscape(d.where.ToString()) + "\" file=\"" +
           XmlEscape(d.where.file) + "\" line=\"" + std::to_string(d.where.line) + "\">\n";
      x += "      <error message=\"" + XmlEscape(d.message) + "\"/>\n    </testcase>\n";
    }
    x += "  </testsuite>\n";
  }
  for (const auto& r : reports) {
    size_t f = 0, e = r.error.empty() ? 0 : 1;
    for (const auto& t : r.results) {
      if (!t.error.empty()) ++e;
      else if (!t.passed()) ++f;
    }
    const std::string cls = std::filesystem::path(r.rule->where.file).stem().string();
    x += "  <testsuite name=\"" + XmlEscape(r.rule->title) + "\" id=\"" + XmlEscape(r.rule->id) +
         "\" file=\"" + XmlEscape(r.rule->where.file) + "\" tests=\"" +
         std::to_string(r.results.size() + (r.error.empty() ? 0 : 1)) + "\" failures=\"" +
         std::to_string(f) + "\" errors=\"" + std::to_string(e) + "\">\n";
    if (!r.error.empty()) {
      x += "    <testcase classname=\"" + XmlEscape(cls) + "\" name=\"tests\">\n      <error message=\"" +
           XmlEscape(r.error) + "\"/>\n    </testcase>\n";
    }
    for (const auto& t : r.results) {
      x += "    <testcase classname=\"" + XmlEscape(cls) + "\" name=\"" + XmlEscape(t.name) +
           "\" file=\"" + XmlEscape(r.rule->where.file) + "\" line=\"" +
           std::to_string(r.rule->where.line) + "\"";
      if (t.passed()) {
        x += "/>\n";
        continue;
      }
      x += ">\n";
      const std::string msg = t.error.empty() ? FailureMessage(t) : t.error;
      x += std::string("      <") + (t.error.empty() ? "failure" : "error") + " message=\"" +
           XmlEscape(msg) + "\">" + XmlEscape(t.explanation) + "</" +
           (t.error.empty() ? "failure" : "error") + ">\n    </testcase>\n";
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  // stdio rather than a stream: its errors carry errno, which the message names.
  errno = 0;
  FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    *error = std::strerror(errno);
    return false;
  }
  const bool written = std::fwrite(x.data(), 1, x.size(), f) == x.size() && std::fflush(f) == 0;
  const int err = errno;
  if (std::fclose(f) != 0 || !written) {
    *error = std::strerror(written ? errno : err);
    return false;
  }
  return true;
}

}  // namespace

int Test(int argc, char** argv) {
  Options o;
  if (int rc = Begin(argc, argv, &o, "test", kTestHelp); rc >= 0) return rc;
  auto set = BuildRules(o, PathsOrDefault(o));
  if (!set) return 2;
  std::vector<vigil::Diagnostic> load_errors;
  for (const auto& d : set->diagnostics()) {
    if (d.severity != vigil::Severity::kError) continue;
    std::printf("FAIL  %s\n", DiagnosticLine(d).c_str());
    load_errors.push_back(d);
  }
  const auto reports = vigil::RunRuleTests(set);
  size_t tests = 0, failed_tests = 0, failed_rules = 0, untested = 0;
  for (const auto& r : reports) {
    tests += r.results.size();
    const size_t f = r.failures();
    failed_tests += f;
    // Escaped (text_out.h): a rule file's name and title are a contributor's text, and a
    // newline or escape sequence in them could forge lines of the report.
    const std::string name = TerminalText(FileName(*r.rule) + "  " + r.rule->title);
    const std::string where = TerminalText(r.rule->where.ToString());
    if (!r.error.empty()) {
      ++failed_rules;
      std::printf("FAIL  %s\n      %s: malformed tests: %s\n", name.c_str(), where.c_str(),
                  QuotedText(r.error).c_str());
      continue;
    }
    if (!r.has_tests()) {
      ++untested;
      if (!o.quiet) std::printf("--    %s  (no tests)\n", name.c_str());
      continue;
    }
    if (f == 0) {
      if (!o.quiet) std::printf("ok    %s  (%zu tests)\n", name.c_str(), r.results.size());
    } else {
      ++failed_rules;
      std::printf("FAIL  %s  (%zu of %zu tests failed)  %s\n", name.c_str(), f, r.results.size(),
                  where.c_str());
    }
    for (const auto& t : r.results) {
      if (t.passed()) {
        if (o.verbose && !o.quiet) std::printf("        ok    %s\n", TerminalText(t.name).c_str());
        continue;
      }
      std::printf("        FAIL  %s: %s\n", TerminalText(t.name).c_str(),
                  (t.error.empty() ? FailureMessage(t) : t.error).c_str());
      std::fputs(Indent(t.explanation, "              ").c_str(), stdout);
    }
  }
  std::string junit_error;
  if (!o.junit.empty() && !WriteJUnit(o.junit, reports, load_errors, &junit_error)) {
    std::fprintf(stderr, "vigil: cannot write %s: %s\n", o.junit.c_str(), junit_error.c_str());
    return 1;
  }
  std::printf("vigil: %zu rules: %zu passed, %zu failed, %zu without tests; %zu tests, %zu failed%s\n",
              reports.size(), reports.size() - failed_rules - untested, failed_rules, untested, tests,
              failed_tests,
              load_errors.empty() ? "" : ("; " + std::to_string(load_errors.size()) +
                                          " rule load error(s)").c_str());
  std::fflush(stdout);
  return (failed_rules || failed_tests || !load_errors.empty()) ? 1 : 0;
}

int Check(int argc, char** argv) {
  Options o;
  if (int rc = Begin(argc, argv, &o, "check", kCheckHelp); rc >= 0) return rc;
  vigil::LintOptions lopts;
  if (!CompileOptionsFrom(o, &lopts.compile)) return 2;
  lopts.require_tests = !o.no_require_tests;
  const vigil::LintReport rep = vigil::LintPaths(PathsOrDefault(o), lopts);
  for (const auto& d : rep.diagnostics) std::printf("%s\n", DiagnosticLine(d).c_str());
  if (!o.quiet) {
    std::fprintf(stderr, "vigil: %zu files, %zu rules checked: %zu errors, %zu warnings\n", rep.files,
                 rep.rules, rep.errors(), rep.warnings());
  }
  std::fflush(stdout);
  if (rep.errors()) return 1;
  return (o.strict && rep.warnings()) ? 1 : 0;
}

namespace {

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

std::string GroupText(const std::vector<std::pair<std::string, std::optional<std::string>>>& group) {
  if (group.empty()) return "(no group-by)";
  std::string out;
  for (const auto& [k, v] : group) out += (out.empty() ? "" : " ") + k + "=" + (v ? *v : "null");
  return out;
}

// `vigil explain` of correlation rules: the events run through the Scanner and a
// Correlator that buffers everything (so the file's order does not matter); per rule a
// correlation references, the events it matched, grouped by the group-by values; then
// the alerts raised. Returns whether any chosen correlation raised an alert.
bool ExplainCorrelations(const std::shared_ptr<const vigil::RuleSet>& set, const std::vector<size_t>& chosen,
                         const std::vector<CollectRecords::Rec>& records) {
  vigil::Scanner scanner(set);
  vigil::CorrelatorOptions copts;
  copts.lateness_ms = std::numeric_limits<int64_t>::max();
  vigil::Correlator correlator(set, copts);
  auto where = [&](size_t k) { return records[k].file + ":" + std::to_string(records[k].index); };
  // The events are scanned as one stream (record k of it is records[k]): each event's
  // matches and the alerts are kept, and an event not used is said so.
  struct Sink : vigil::ScanSink {
    std::vector<std::vector<vigil::Match>> matches;
    std::vector<vigil::CorrelationAlert> alerts;
    std::function<std::string(size_t)> where;
    bool OnRecord(const vigil::Record& r, std::span<const vigil::Match> m) override {
      matches[r.index].assign(m.begin(), m.end());
      return true;
    }
    void OnError(const vigil::InputError& e) override {
      // Its "record N: " counts in the stream, not in the event's file: left out.
      const std::string prefix = "record " + std::to_string(e.index) + ": ";
      NotUsed(e.index, e.message.starts_with(prefix) ? e.message.substr(prefix.size()) : e.message);
    }
    void OnCorrelationError(const vigil::Record& r, const vigil::Status& s) override { NotUsed(r.index, s.message()); }
    bool OnAlert(const vigil::CorrelationAlert& a) override {
      alerts.push_back(a);
      return true;
    }
    void NotUsed(size_t k, const std::string& why) {
      std::fprintf(stderr, "%s: event not used: %s\n", where(k).c_str(), why.c_str());
    }
  } sink;
  sink.matches.resize(records.size());
  sink.where = where;
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
    std::printf("correlation: %s\n  %s\n", cr.info.title.c_str(), CorrelationSummary(*set, cr).c_str());
    for (size_t p = 0; p < cr.rules.size(); ++p) {
      for (uint32_t ri : cr.rules[p]) {
        // Group value -> the events of this rule in that group, in file order.
        std::map<std::string, std::vector<std::string>> groups;
        for (size_t k = 0; k < records.size(); ++k) {
          const bool matched = std::any_of(matches[k].begin(), matches[k].end(),
                                           [&](const vigil::Match& m) { return m.rule_index == ri; });
          if (!matched) continue;
          std::vector<std::pair<std::string, std::optional<std::string>>> group;
          simdjson::dom::element doc;
          const bool parsed = parser.parse(records[k].json).get(doc) == simdjson::SUCCESS;
          for (size_t g = 0; g < cr.group_by.size(); ++g) {
            auto alias = cr.group_by_alias[g].find(ri);
            const std::string& field = alias != cr.group_by_alias[g].end() ? alias->second : cr.group_by[g];
            group.emplace_back(cr.group_by[g], parsed ? FieldText(doc, field) : std::nullopt);
          }
          groups[GroupText(group)].push_back(where(k));
        }
        std::printf("rule '%s': %s\n", set->rule(ri).title.c_str(),
                    groups.empty() ? "matched no event" : "matched");
        for (const auto& [g, evs] : groups) {
          std::string list;
          for (const auto& e : evs) list += (list.empty() ? "" : ", ") + e;
          std::printf("  %s: %zu event%s: %s\n", g.c_str(), evs.size(), evs.size() == 1 ? "" : "s", list.c_str());
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
      for (const auto& e : a.events) evs += (evs.empty() ? "" : ", ") + e.file + ":" + std::to_string(e.record);
      std::string subject;
      if (!a.subject.empty()) subject = " subject " + GroupText(a.subject);
      std::printf("  ALERT %s value=%s%s events: %s\n", GroupText(a.group).c_str(), NumberText(a.value).c_str(),
                  subject.c_str(), evs.c_str());
    }
    if (raised == 0) std::printf("verdict: NO ALERT\n");
    any = any || raised > 0;
  }
  std::fflush(stdout);
  return any;
}

}  // namespace

int ExplainCommand(int argc, char** argv) {
  Options o;
  if (int rc = Begin(argc, argv, &o, "explain", kExplainHelp); rc >= 0) return rc;
  // The rule is --rule RULE or the first operand; with --rule every operand is an event
  // (the option used to be accepted and ignored, so its first event was taken as RULE).
  if (o.rule.empty() && o.inputs.empty()) {
    return Usage("explain needs a RULE (a rule file, or an id, name or title)", "explain");
  }
  const std::string rule = o.rule.empty() ? o.inputs[0] : o.rule;
  std::vector<std::string> events(o.inputs.begin() + (o.rule.empty() ? 1 : 0), o.inputs.end());
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
    if (d.severity == vigil::Severity::kError) std::fprintf(stderr, "%s\n", DiagnosticLine(d).c_str());
  }
  auto hit = [&](const vigil::RuleInfo& info) {
    return is_file ? std::filesystem::equivalent(info.where.file, rule, ec)
                   : (info.id == rule || (!info.name.empty() && info.name == rule) || info.title == rule);
  };
  std::vector<size_t> chosen, chosen_correlations;
  for (size_t i = 0; i < set->size(); ++i) {
    if (hit(set->rule(i))) chosen.push_back(i);
  }
  for (size_t i = 0; i < set->correlation_count(); ++i) {
    if (hit(set->correlation(i).info)) chosen_correlations.push_back(i);
  }
  if (chosen.empty() && chosen_correlations.empty()) {
    std::fprintf(stderr, "vigil: no rule %s '%s' loaded\n", is_file ? "from" : "with id, name or title",
                 rule.c_str());
    return 2;
  }
  CollectRecords sink;
  vigil::ReadInputs(events, vigil::ReadOptions(), &sink);
  if (sink.records.empty()) {
    std::fprintf(stderr, "vigil: no event to explain\n");
    return 2;
  }
  // A rule file may hold detection rules and correlations: both are explained.
  bool any = !chosen_correlations.empty() && ExplainCorrelations(set, chosen_correlations, sink.records);
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

int List(int argc, char** argv) {
  Options o;
  if (int rc = Begin(argc, argv, &o, "list", kListHelp); rc >= 0) return rc;
  auto set = BuildRules(o, PathsOrDefault(o));
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
    std::string line = "{\"kind\":" + JsonString(kind) + ",\"id\":" + JsonString(r.id) +
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
