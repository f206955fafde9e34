// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The rule author's commands: `vigil test` (run the tests rules carry), `vigil check`
// (lint), `vigil explain` (why a rule did or did not match an event) and `vigil list`
// (rule metadata, for tables and documentation). Uses only the public API, plus the
// JSON escaping helper.

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "cli/common.h"
#include "util/strings.h"
#include "vigil/vigil.h"

namespace vigil::cli {
namespace {

constexpr const char* kTestHelp = R"(usage: vigil test [options] [PATH]...

Run the unit tests that rules carry in their `tests:` attribute (a list of
{name, expect: match|no_match, event}) through the compiled matcher. Prints one line
per rule; for a failed test, which search identifiers and items held and which did
not, with the field values the event had.

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

RULE is a rule file, or the id, name or title of a rule in --rules (default: the
bundled pack). EVENT is a file in any shape `vigil scan` reads, or '-' for standard
input (the default); every record in it is explained.

options:
  --rules PATH   where to look RULE up by id, name or title; repeatable
  --vars FILE    values for |expand placeholders

exit status: 0 the rule matched at least one event; 1 it matched none; 2 error.
)";

constexpr const char* kListHelp = R"(usage: vigil list [options] [PATH]...

Print the metadata of every rule: one JSON object per line (jsonl, the default when
not on a terminal) or a table. PATH defaults to the bundled pack.

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

std::string Indent(const std::string& text, const std::string& pad) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out += pad + text.substr(start, nl - start) + "\n";
    start = nl + 1;
  }
  return out;
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

bool WriteJUnit(const std::string& path, const std::vector<vigil::RuleTestReport>& reports,
                const std::vector<vigil::Diagnostic>& load_errors) {
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
      const std::string msg = t.error.empty()
                                  ? std::string("expected ") + (t.expect_match ? "match" : "no match") +
                                        ", got " + (t.matched ? "match" : "no match")
                                  : t.error;
      x += std::string("      <") + (t.error.empty() ? "failure" : "error") + " message=\"" +
           XmlEscape(msg) + "\">" + XmlEscape(t.explanation) + "</" +
           (t.error.empty() ? "failure" : "error") + ">\n    </testcase>\n";
    }
    x += "  </testsuite>\n";
  }
  x += "</testsuites>\n";
  std::ofstream out(path, std::ios::binary);
  out << x;
  out.close();
  return static_cast<bool>(out);
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
    std::printf("FAIL  %s\n", d.ToString().c_str());
    load_errors.push_back(d);
  }
  const auto reports = vigil::RunRuleTests(set);
  size_t tests = 0, failed_tests = 0, failed_rules = 0, untested = 0;
  for (const auto& r : reports) {
    tests += r.results.size();
    const size_t f = r.failures();
    failed_tests += f;
    const std::string name = FileName(*r.rule) + "  " + r.rule->title;
    if (!r.error.empty()) {
      ++failed_rules;
      std::printf("FAIL  %s\n      %s: malformed tests: %s\n", name.c_str(),
                  r.rule->where.ToString().c_str(), r.error.c_str());
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
                  r.rule->where.ToString().c_str());
    }
    for (const auto& t : r.results) {
      if (t.passed()) {
        if (o.verbose && !o.quiet) std::printf("        ok    %s\n", t.name.c_str());
        continue;
      }
      if (!t.error.empty()) {
        std::printf("        FAIL  %s: %s\n", t.name.c_str(), t.error.c_str());
      } else {
        std::printf("        FAIL  %s: expected %s, got %s\n", t.name.c_str(),
                    t.expect_match ? "match" : "no match", t.matched ? "match" : "no match");
      }
      std::fputs(Indent(t.explanation, "              ").c_str(), stdout);
    }
  }
  if (!o.junit.empty() && !WriteJUnit(o.junit, reports, load_errors)) {
    std::fprintf(stderr, "vigil: cannot write %s\n", o.junit.c_str());
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
  for (const auto& d : rep.diagnostics) std::printf("%s\n", d.ToString().c_str());
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
    std::string where = e.file;
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

}  // namespace

int ExplainCommand(int argc, char** argv) {
  Options o;
  if (int rc = Begin(argc, argv, &o, "explain", kExplainHelp); rc >= 0) return rc;
  if (o.inputs.empty()) return Usage("explain needs a RULE (a rule file, or an id, name or title)", "explain");
  const std::string rule = o.inputs[0];
  std::vector<std::string> events(o.inputs.begin() + 1, o.inputs.end());
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
    if (d.severity == vigil::Severity::kError) std::fprintf(stderr, "%s\n", d.ToString().c_str());
  }
  std::vector<size_t> chosen;
  for (size_t i = 0; i < set->size(); ++i) {
    const vigil::RuleInfo& info = set->rule(i);
    const bool hit = is_file ? std::filesystem::equivalent(info.where.file, rule, ec)
                             : (info.id == rule || (!info.name.empty() && info.name == rule) ||
                                info.title == rule);
    if (hit) chosen.push_back(i);
  }
  if (chosen.empty()) {
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
  bool any = false;
  for (const auto& rec : sink.records) {
    for (size_t i : chosen) {
      std::printf("== event %s:%llu\n", rec.file.c_str(), (unsigned long long)rec.index);
      auto ex = vigil::Explain(*set, i, rec.json);
      if (!ex.ok()) {
        std::printf("%s\n", ex.status().message().c_str());
        continue;
      }
      any = any || ex.value().matched;
      std::fputs(ex.value().ToText().c_str(), stdout);
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
  for (const auto& d : set->diagnostics()) std::fprintf(stderr, "%s\n", d.ToString().c_str());
  if (o.format.empty()) o.format = isatty(STDOUT_FILENO) ? "table" : "jsonl";
  auto list = [](const std::vector<std::string>& v) {
    std::string s = "[";
    for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + JsonString(v[i]);
    return s + "]";
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
    std::string line = "{\"id\":" + JsonString(r.id) + ",\"title\":" + JsonString(r.title) +
                       ",\"file\":" + JsonString(r.where.file) + ",\"line\":" + std::to_string(r.where.line) +
                       ",\"status\":" + JsonString(r.status) + ",\"level\":" + JsonString(r.level) +
                       ",\"description\":" + JsonString(r.description) + ",\"author\":" + JsonString(r.author) +
                       ",\"date\":" + JsonString(r.date) + ",\"tags\":" + list(r.tags) +
                       ",\"references\":" + list(r.references) +
                       ",\"falsepositives\":" + list(r.falsepositives) +
                       ",\"logsource\":{\"category\":" + JsonString(r.logsource.category) +
                       ",\"product\":" + JsonString(r.logsource.product) +
                       ",\"service\":" + JsonString(r.logsource.service) + "},\"related\":[";
    for (size_t k = 0; k < r.related.size(); ++k) {
      line += (k ? "," : "") + std::string("{\"id\":") + JsonString(r.related[k].id) +
              ",\"type\":" + JsonString(r.related[k].type) + "}";
    }
    line += "],\"tests\":{\"valid\":" + std::string(tests_ok ? "true" : "false") +
            ",\"match\":" + std::to_string(matches) + ",\"no_match\":" +
            std::to_string(tests.size() - matches) + "},\"custom\":{";
    bool first = true;
    for (const auto& [k, v] : r.custom) {
      if (k == "tests") continue;  // summarised above; the events are large
      line += (first ? "" : ",") + JsonString(k) + ":" + v;
      first = false;
    }
    line += "}}\n";
    std::fputs(line.c_str(), stdout);
  }
  std::fflush(stdout);
  return 0;
}

}  // namespace vigil::cli
