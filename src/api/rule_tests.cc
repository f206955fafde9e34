// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Rule unit tests (see include/vigil/rule_tests.h).

#include "vigil/rule_tests.h"

#include <simdjson.h>

#include <algorithm>

#include "vigil/explain.h"
#include "vigil/scanner.h"

namespace vigil {

size_t RuleTestReport::failures() const {
  return static_cast<size_t>(
      std::count_if(results.begin(), results.end(), [](const RuleTestResult& r) { return !r.passed(); }));
}

Status ParseRuleTests(const RuleInfo& rule, std::vector<RuleTestCase>* out) {
  out->clear();
  auto it = rule.custom.find("tests");
  if (it == rule.custom.end() || it->second == "null") return Status::Ok();
  simdjson::dom::parser parser;
  simdjson::padded_string text(it->second);
  simdjson::dom::element root;
  if (parser.parse(text).get(root) != simdjson::SUCCESS) {
    return Status::Error("'tests' could not be read");  // cannot happen: we wrote it
  }
  simdjson::dom::array list;
  if (root.get_array().get(list) != simdjson::SUCCESS) {
    return Status::Error("'tests' must be a list of {name, expect, event}");
  }
  size_t index = 0;
  for (simdjson::dom::element e : list) {
    ++index;
    const std::string which = "test #" + std::to_string(index);
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) {
      return Status::Error(which + " must be a map with name, expect and event");
    }
    RuleTestCase tc;
    std::string_view name;
    if (obj["name"].get_string().get(name) != simdjson::SUCCESS || name.empty()) {
      return Status::Error(which + " has no 'name' (a string)");
    }
    tc.name = std::string(name);
    const std::string named = which + " '" + tc.name + "'";
    std::string_view expect;
    if (obj["expect"].get_string().get(expect) != simdjson::SUCCESS ||
        (expect != "match" && expect != "no_match")) {
      return Status::Error(named + ": 'expect' must be 'match' or 'no_match'");
    }
    tc.expect_match = expect == "match";
    simdjson::dom::object event;
    if (obj["event"].get_object().get(event) != simdjson::SUCCESS) {
      return Status::Error(named + ": 'event' must be a map (the CloudTrail record)");
    }
    for (auto kv : obj) {
      if (kv.key != "name" && kv.key != "expect" && kv.key != "event") {
        return Status::Error(named + ": unknown key '" + std::string(kv.key) +
                             "' (a test has name, expect and event)");
      }
    }
    tc.event_json = simdjson::minify(event);
    out->push_back(std::move(tc));
  }
  return Status::Ok();
}

std::vector<RuleTestReport> RunRuleTests(const std::shared_ptr<const RuleSet>& set) {
  std::vector<RuleTestReport> reports;
  Scanner scanner(set);
  std::vector<Match> matches;
  for (size_t i = 0; i < set->size(); ++i) {
    RuleTestReport rep;
    rep.rule_index = i;
    rep.rule = &set->rule(i);
    std::vector<RuleTestCase> cases;
    if (Status s = ParseRuleTests(*rep.rule, &cases); !s.ok()) {
      rep.error = s.message();
      reports.push_back(std::move(rep));
      continue;
    }
    for (const auto& tc : cases) {
      RuleTestResult r;
      r.name = tc.name;
      r.expect_match = tc.expect_match;
      Status s = scanner.Match(tc.event_json, &matches, EventKind::kAny);
      if (!s.ok()) {
        r.error = "the event could not be matched: " + s.message();
      } else {
        r.matched = std::any_of(matches.begin(), matches.end(),
                                [&](const Match& m) { return m.rule_index == i; });
        Result<Explanation> ex = Explain(*set, i, tc.event_json);
        if (!ex.ok()) {
          r.error = "the event could not be explained: " + ex.status().message();
        } else {
          if (ex.value().matched != r.matched) {
            r.error = std::string("engine disagreement: the compiled matcher says ") +
                      (r.matched ? "match" : "no match") + ", the interpreter says " +
                      (ex.value().matched ? "match" : "no match") + " (a vigil bug; please report it)";
          }
          if (!r.passed()) r.explanation = ex.value().ToText();
        }
      }
      rep.results.push_back(std::move(r));
    }
    reports.push_back(std::move(rep));
  }
  return reports;
}

}  // namespace vigil
