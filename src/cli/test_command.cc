// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil test`: runs the tests rules carry (`tests:`), with a JUnit report if asked.

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cli/rule_tools.h"
#include "cli/text_out.h"

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
  --rules PATH     a rule file or folder, as PATH is; repeatable
  --vars FILE      values for |expand placeholders
  -v, --verbose    one line per test, not only per rule
  -q, --quiet      print failures and the summary only

exit status: 0 every test passed; 1 a test failed, a rule failed to load or its tests
are malformed; 2 bad usage.
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
  x += "<testsuites name=\"vigil rule tests\" tests=\"" +
       std::to_string(tests + load_errors.size()) + "\" failures=\"" + std::to_string(failures) +
       "\" errors=\"" + std::to_string(errors) + "\">\n";
  if (!load_errors.empty()) {
    x += "  <testsuite name=\"rule loading\" tests=\"" + std::to_string(load_errors.size()) +
         "\" failures=\"0\" errors=\"" + std::to_string(load_errors.size()) + "\">\n";
    for (const auto& d : load_errors) {
      x += "    <testcase classname=\"load\" name=\"" + XmlEscape(d.where.ToString()) +
           "\" file=\"" + XmlEscape(d.where.file) + "\" line=\"" + std::to_string(d.where.line) +
           "\">\n";
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
      x += "    <testcase classname=\"" + XmlEscape(cls) +
           "\" name=\"tests\">\n      <error message=\"" + XmlEscape(r.error) +
           "\"/>\n    </testcase>\n";
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
  TestArgs o;
  if (int rc = Parse(argc, argv, kTestHelp, &o); rc >= 0) return rc;
  auto set = BuildRules(o, PathsOrDefault(o, o.paths));
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
  std::printf(
      "vigil: %zu rules: %zu passed, %zu failed, %zu without tests; %zu tests, %zu failed%s\n",
      reports.size(), reports.size() - failed_rules - untested, failed_rules, untested, tests,
      failed_tests,
      load_errors.empty()
          ? ""
          : ("; " + std::to_string(load_errors.size()) + " rule load error(s)").c_str());
  std::fflush(stdout);
  return (failed_rules || failed_tests || !load_errors.empty()) ? 1 : 0;
}

}  // namespace vigil::cli
