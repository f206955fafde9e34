// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Runs the engine-independent cases of tests/cases/*.yml: one parameterized test per
// case, named <file>_<case>. Each case holds Sigma rule text and events with the
// expected outcome; every event is matched twice, by the compiled Scanner (through the
// public API only) and by the naive reference evaluator (tests/reference/) on the IR of
// the same RuleSet, and both must agree with the expectation. A case may instead expect
// a load error (a substring of the message, optionally its line and column).
//
// Case file format (see tests/cases/*.yml for examples):
//   cases:
//     - name: contains_is_case_insensitive
//       rule: |                 # Sigma YAML text; several documents allowed
//         ...
//       placeholders: {Admins: [adm_alice]}    # optional, for |expand
//       load_error: unknown modifier           # optional; a string or a list of
//       error_line: 5                          #   alternatives (case-insensitive);
//       error_column: 5                        #   line/column are 1-based, optional
//       events:
//         - event: {"eventName": "StopLogging"}    # YAML map, converted to JSON, or
//           match: true                            # a JSON string
//         - event: '{"eventName": "x"}'
//           matches: [title of rule a, title b]    # exact set of matching rule titles
// `match` is about the first detection rule of the text (RuleSet index 0). In a YAML
// map event, plain scalars that look like JSON numbers, true, false or null become
// those JSON types; quoted scalars are always strings.

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "compile/program.h"
#include "load/yaml_loader.h"
#include "reference/reference_evaluator.h"
#include "vigil/vigil.h"

namespace vigil::testing {
namespace {

struct EventCase {
  std::string json;
  std::optional<bool> match;                     // rule 0 matches
  std::optional<std::set<std::string>> matches;  // titles of the rules that match
  int line = 0;                                  // in the case file, for messages
};

struct Case {
  std::string file;
  std::string name;
  std::string test_name;
  std::string rule;
  std::map<std::string, std::vector<std::string>> placeholders;
  std::vector<std::string> load_error;  // alternatives; empty = no error expected
  int error_line = 0;
  int error_column = 0;
  std::vector<EventCase> events;
  std::string setup_error;  // the case file itself is broken
};

// Keeps gtest from printing a whole Case as bytes when listing parameters.
void PrintTo(const Case& c, std::ostream* os) { *os << c.file << ": " << c.name; }

// ---- YAML event -> JSON text ---------------------------------------------------------

void AppendJsonString(const std::string& s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (u < 0x20) {
      char buf[8];
      snprintf(buf, sizeof(buf), "\\u%04x", u);
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

// A JSON number token: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool IsJsonNumber(const std::string& s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

using internal::YamlNode;

void YamlToJson(const YamlNode& n, std::string* out) {
  switch (n.kind()) {
    case YamlNode::Kind::kMap: {
      out->push_back('{');
      bool first = true;
      for (const auto& [k, v] : n.Entries()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(std::string(k.Scalar()), out);
        out->push_back(':');
        YamlToJson(v, out);
      }
      out->push_back('}');
      return;
    }
    case YamlNode::Kind::kSequence: {
      out->push_back('[');
      for (size_t i = 0; i < n.size(); ++i) {
        if (i > 0) out->push_back(',');
        YamlToJson(n.Element(i), out);
      }
      out->push_back(']');
      return;
    }
    case YamlNode::Kind::kScalar: {
      const std::string s(n.Scalar());
      if (n.IsPlain()) {  // plain (unquoted) scalar: resolve its YAML 1.2 core type
        if (s == "null" || s == "Null" || s == "NULL" || s == "~") {
          out->append("null");
          return;
        }
        if (s == "true" || s == "True" || s == "TRUE") {
          out->append("true");
          return;
        }
        if (s == "false" || s == "False" || s == "FALSE") {
          out->append("false");
          return;
        }
        if (IsJsonNumber(s)) {
          out->append(s);
          return;
        }
      }
      AppendJsonString(s, out);
      return;
    }
    case YamlNode::Kind::kNull:
    case YamlNode::Kind::kUndefined:
      out->append("null");
      return;
  }
}

std::string EventJson(const YamlNode& n) {
  if (n.IsScalar()) return std::string(n.Scalar());  // a JSON text, used as is
  std::string out;
  YamlToJson(n, &out);
  return out;
}

// ---- Loading the case files ----------------------------------------------------------

std::string Sanitize(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back(isalnum(static_cast<unsigned char>(c)) ? c : '_');
  return out;
}

// The text of a scalar; anything else is a broken case file.
std::string Text(const YamlNode& n, const char* what) {
  if (!n.IsScalar()) throw std::runtime_error(std::string("'") + what + "' must be a scalar");
  return std::string(n.Scalar());
}

bool Bool(const YamlNode& n, const char* what) {
  const std::string s = Text(n, what);
  if (s == "true" || s == "false") return s == "true";
  throw std::runtime_error(std::string("'") + what + "' must be true or false");
}

std::vector<std::string> StringOrList(const YamlNode& n) {
  std::vector<std::string> out;
  if (n.IsSequence()) {
    for (const YamlNode x : n.Elements()) out.push_back(Text(x, "list element"));
  } else if (n.IsScalar()) {
    out.push_back(Text(n, "value"));
  }
  return out;
}

void LoadCase(const YamlNode& c, Case* out) {
  out->name = Text(c["name"], "name");
  out->rule = Text(c["rule"], "rule");
  if (c["placeholders"]) {
    for (const auto& [k, v] : c["placeholders"].Entries()) {
      out->placeholders[Text(k, "placeholder")] = StringOrList(v);
    }
  }
  if (c["load_error"]) out->load_error = StringOrList(c["load_error"]);
  if (c["error_line"]) out->error_line = std::stoi(Text(c["error_line"], "error_line"));
  if (c["error_column"]) out->error_column = std::stoi(Text(c["error_column"], "error_column"));
  if (c["events"]) {
    for (const YamlNode e : c["events"].Elements()) {
      EventCase ev;
      ev.line = static_cast<int>(e.line());
      if (!e["event"]) throw std::runtime_error("event without 'event'");
      ev.json = EventJson(e["event"]);
      if (e["match"]) ev.match = Bool(e["match"], "match");
      if (e["matches"]) {
        std::vector<std::string> titles = StringOrList(e["matches"]);
        ev.matches = std::set<std::string>(titles.begin(), titles.end());
      }
      if (!ev.match && !ev.matches) throw std::runtime_error("event without 'match'/'matches'");
      out->events.push_back(std::move(ev));
    }
  }
  if (out->events.empty() && out->load_error.empty()) {
    throw std::runtime_error("case has neither events nor load_error");
  }
}

std::vector<Case> LoadAllCases() {
  std::vector<Case> cases;
  const std::filesystem::path dir = std::filesystem::path(VIGIL_SOURCE_DIR) / "tests" / "cases";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const auto& path : files) {
    const std::string stem = path.stem().string();
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    std::vector<Diagnostic> diagnostics;
    const std::vector<internal::YamlDocument> docs =
        internal::LoadYamlDocuments(text.str(), path.string(), &diagnostics);
    if (!diagnostics.empty() || docs.empty()) {
      Case broken;
      broken.file = path.filename().string();
      broken.test_name = Sanitize(stem) + "_FILE";
      broken.setup_error = diagnostics.empty() ? "no YAML document" : diagnostics[0].ToString();
      cases.push_back(std::move(broken));
      continue;
    }
    size_t index = 0;
    for (const YamlNode c : docs[0].root["cases"].Elements()) {
      Case one;
      one.file = path.filename().string();
      try {
        LoadCase(c, &one);
      } catch (const std::exception& e) {
        one.setup_error = e.what();
      }
      if (one.name.empty()) one.name = "case" + std::to_string(index);
      one.test_name = Sanitize(stem) + "_" + Sanitize(one.name);
      cases.push_back(std::move(one));
      ++index;
    }
  }
  return cases;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Join(const std::set<std::string>& s) {
  std::string out = "{";
  for (const auto& x : s) out += (out.size() > 1 ? ", " : "") + x;
  return out + "}";
}

// ---- The test ------------------------------------------------------------------------

class CasesTest : public ::testing::TestWithParam<Case> {};

TEST_P(CasesTest, Run) {
  const Case& c = GetParam();
  ASSERT_TRUE(c.setup_error.empty()) << c.file << ": broken case: " << c.setup_error;
  SCOPED_TRACE(c.file + ": " + c.name);

  CompileOptions options;
  options.placeholders = c.placeholders;
  RuleSetBuilder builder(options);
  builder.AddYaml(c.rule, c.file + ":" + c.name);
  std::shared_ptr<const RuleSet> rules = builder.Build();
  ASSERT_NE(rules, nullptr);

  std::string all_diagnostics;
  for (const Diagnostic& d : builder.diagnostics()) all_diagnostics += d.ToString() + "\n";
  if (c.load_error.empty()) {
    for (const Diagnostic& d : builder.diagnostics()) {
      EXPECT_NE(d.severity, Severity::kError) << "unexpected: " << d.ToString();
    }
  } else {
    bool found = false;
    for (const Diagnostic& d : builder.diagnostics()) {
      if (d.severity != Severity::kError) continue;
      bool text_ok = false;
      for (const std::string& alt : c.load_error) {
        text_ok = text_ok || Lower(d.message).find(Lower(alt)) != std::string::npos;
      }
      if (!text_ok) continue;
      found = true;
      if (c.error_line != 0) {
        EXPECT_EQ(d.where.line, static_cast<uint32_t>(c.error_line)) << d.ToString();
      }
      if (c.error_column != 0) {
        EXPECT_EQ(d.where.column, static_cast<uint32_t>(c.error_column)) << d.ToString();
      }
      break;
    }
    EXPECT_TRUE(found) << "expected an error containing '" << c.load_error[0]
                       << "'; diagnostics:\n" << all_diagnostics;
  }

  const internal::Ir& ir = rules->program().ir;
  ASSERT_GE(ir.rules.size(), rules->size());
  for (size_t i = 0; i < rules->size(); ++i) {
    ASSERT_EQ(ir.rules[i].info.title, rules->rule(i).title) << "RuleSet index != IR index";
  }
  Scanner scanner(rules);
  for (const EventCase& ev : c.events) {
    SCOPED_TRACE("event at " + c.file + ":" + std::to_string(ev.line) + ": " + ev.json);
    std::vector<Match> out;
    Status st = scanner.Match(ev.json, &out, EventKind::kAny);
    EXPECT_TRUE(st.ok()) << st.message();

    std::set<std::string> compiled_titles, reference_titles;
    bool compiled_first = false, reference_first = false;
    for (const Match& m : out) {
      compiled_titles.insert(m.rule->title);
      compiled_first = compiled_first || m.rule_index == 0;
    }
    std::vector<size_t> reference;
    ReferenceMatchAll(ir, ev.json, &reference);
    for (size_t i : reference) {
      if (i >= rules->size()) continue;
      reference_titles.insert(rules->rule(i).title);
      reference_first = reference_first || i == 0;
    }
    // The item-by-item explanation (the interpreter applied per item, then the
    // condition) must reach the compiled matcher's verdict for every rule.
    if (st.ok()) {
      for (size_t i = 0; i < rules->size(); ++i) {
        Result<Explanation> ex = Explain(*rules, i, ev.json);
        if (!ex.ok()) continue;  // not an object: the matcher reports nothing either
        const bool compiled = std::any_of(out.begin(), out.end(),
                                          [&](const Match& m) { return m.rule_index == i; });
        EXPECT_EQ(ex.value().matched, compiled)
            << "explain disagrees with the compiled matcher on rule '" << rules->rule(i).title
            << "':\n" << ex.value().ToText();
      }
    }
    if (ev.match) {
      ASSERT_GE(rules->size(), 1u) << all_diagnostics;
      EXPECT_EQ(compiled_first, *ev.match) << "compiled matcher";
      EXPECT_EQ(reference_first, *ev.match) << "reference evaluator";
    }
    if (ev.matches) {
      EXPECT_EQ(Join(compiled_titles), Join(*ev.matches)) << "compiled matcher";
      EXPECT_EQ(Join(reference_titles), Join(*ev.matches)) << "reference evaluator";
    }
  }
  if (HasFailure()) {
    std::cerr << "Program of " << c.file << ": " << c.name << ":\n" << rules->Dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Cases, CasesTest, ::testing::ValuesIn(LoadAllCases()),
                         [](const ::testing::TestParamInfo<Case>& info) {
                           return info.param.test_name;
                         });

}  // namespace
}  // namespace vigil::testing
