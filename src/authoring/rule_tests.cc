// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Rule unit tests (see include/vigil/rule_tests.h).

#include "vigil/rule_tests.h"

#include <simdjson.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>

#include "util/dom_path.h"
#include "vigil/correlation.h"
#include "vigil/explain.h"
#include "vigil/scanner.h"

namespace vigil {

size_t RuleTestReport::failures() const {
  return static_cast<size_t>(std::count_if(results.begin(), results.end(),
                                           [](const RuleTestResult& r) { return !r.passed(); }));
}

namespace {

// Every error here is about the shape of a `tests:` attribute.
Status Invalid(std::string message) {
  return Status::Error(StatusCode::kInvalidInput, std::move(message));
}

// Reads a rule's `tests:` attribute (a list of maps, each with a non-empty name) and
// calls `fn` with each entry's "test #N" label, name and map; stops at the first error.
// No attribute is an empty list.
template <typename Fn>
Status ForEachTest(const RuleInfo& rule, const char* shape, const char* members, Fn fn) {
  auto it = rule.custom.find("tests");
  if (it == rule.custom.end() || it->second == "null") return Status::Ok();
  simdjson::dom::parser parser;
  simdjson::padded_string text(it->second);
  simdjson::dom::element root;
  if (parser.parse(text).get(root) != simdjson::SUCCESS) {
    return Invalid("'tests' could not be read");  // cannot happen: we wrote it
  }
  simdjson::dom::array list;
  if (root.get_array().get(list) != simdjson::SUCCESS) {
    return Invalid(std::string("'tests' must be a list of ") + shape);
  }
  size_t index = 0;
  for (simdjson::dom::element e : list) {
    ++index;
    const std::string which = "test #" + std::to_string(index);
    simdjson::dom::object obj;
    if (e.get_object().get(obj) != simdjson::SUCCESS) {
      return Invalid(which + " must be a map with " + members);
    }
    std::string_view name;
    if (obj["name"].get_string().get(name) != simdjson::SUCCESS || name.empty()) {
      return Invalid(which + " has no 'name' (a string)");
    }
    if (Status s = fn(which, name, obj); !s.ok()) return s;
  }
  return Status::Ok();
}

}  // namespace

Status ParseRuleTests(const RuleInfo& rule, std::vector<RuleTestCase>* out) {
  out->clear();
  return ForEachTest(
      rule, "{name, expect, event}", "name, expect and event",
      [&](const std::string& which, std::string_view name, simdjson::dom::object obj) {
        RuleTestCase tc;
        tc.name = std::string(name);
        const std::string named = which + " '" + tc.name + "'";
        std::string_view expect;
        if (obj["expect"].get_string().get(expect) != simdjson::SUCCESS ||
            (expect != "match" && expect != "no_match")) {
          return Invalid(named + ": 'expect' must be 'match' or 'no_match'");
        }
        tc.expect_match = expect == "match";
        simdjson::dom::object event;
        if (obj["event"].get_object().get(event) != simdjson::SUCCESS) {
          return Invalid(named + ": 'event' must be a map (the CloudTrail record)");
        }
        for (auto kv : obj) {
          if (kv.key != "name" && kv.key != "expect" && kv.key != "event") {
            return Invalid(named + ": unknown key '" + std::string(kv.key) +
                           "' (a test has name, expect and event)");
          }
        }
        tc.event_json = simdjson::minify(event);
        out->push_back(std::move(tc));
        return Status::Ok();
      });
}

namespace {

// The text a correlator gives a group value (util/dom_path.h), so an expected `123` or
// `true` compares equal to the field's value.
std::optional<std::string> GroupValueText(simdjson::dom::element e) {
  return internal::DomValueText(e);
}

std::string FormatDouble(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string FormatGroup(
    const std::vector<std::pair<std::string, std::optional<std::string>>>& group) {
  std::string out = "group";
  if (group.empty()) out += " {}";
  for (const auto& [k, v] : group) out += " " + k + "=" + (v ? *v : "null");
  return out;
}

Status ParseAlert(simdjson::dom::element e, const std::string& which, size_t events,
                  CorrelationTestAlert* a) {
  simdjson::dom::object obj;
  if (e.get_object().get(obj) != simdjson::SUCCESS) {
    return Invalid(which + " must be a map with group and, optionally, value and events");
  }
  for (auto kv : obj) {
    if (kv.key == "group") {
      simdjson::dom::object g;
      if (kv.value.get_object().get(g) != simdjson::SUCCESS) {
        return Invalid(which + ": 'group' must be a map of group-by field to value");
      }
      for (auto gv : g) {
        if (gv.value.is_array() || gv.value.is_object()) {
          return Invalid(which + ": group value of '" + std::string(gv.key) +
                         "' must be a scalar or null");
        }
        a->group.emplace_back(std::string(gv.key), GroupValueText(gv.value));
      }
    } else if (kv.key == "subject") {
      simdjson::dom::object g;
      if (kv.value.get_object().get(g) != simdjson::SUCCESS) {
        return Invalid(which + ": 'subject' must be a map of field to value");
      }
      a->subject.emplace();
      for (auto gv : g) {
        if (gv.value.is_array() || gv.value.is_object()) {
          return Invalid(which + ": subject value of '" + std::string(gv.key) +
                         "' must be a scalar or null");
        }
        a->subject->emplace_back(std::string(gv.key), GroupValueText(gv.value));
      }
    } else if (kv.key == "value") {
      double v = 0;
      if (kv.value.get_double().get(v) != simdjson::SUCCESS) {
        int64_t i = 0;
        uint64_t u = 0;
        if (kv.value.get_int64().get(i) == simdjson::SUCCESS) {
          v = static_cast<double>(i);
        } else if (kv.value.get_uint64().get(u) == simdjson::SUCCESS) {
          v = static_cast<double>(u);
        } else {
          return Invalid(which + ": 'value' must be a number");
        }
      }
      a->value = v;
    } else if (kv.key == "events") {
      simdjson::dom::array list;
      if (kv.value.get_array().get(list) != simdjson::SUCCESS) {
        return Invalid(which + ": 'events' must be a list of indexes into the test's events");
      }
      std::vector<uint64_t> idx;
      for (simdjson::dom::element x : list) {
        int64_t i = -1;
        if (x.get_int64().get(i) != simdjson::SUCCESS || i < 0 ||
            static_cast<uint64_t>(i) >= events) {
          return Invalid(which + ": event index " + simdjson::minify(x) +
                         " is not one of the test's events (0 to " +
                         std::to_string(events == 0 ? 0 : events - 1) + ")");
        }
        idx.push_back(static_cast<uint64_t>(i));
      }
      std::sort(idx.begin(), idx.end());
      idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
      a->events = std::move(idx);
    } else {
      return Invalid(which + ": unknown key '" + std::string(kv.key) +
                     "' (an alert has group, value, events and subject)");
    }
  }
  return Status::Ok();
}

bool SameAlert(const CorrelationTestAlert& want, const CorrelationAlert& got) {
  if (want.group.size() != got.group.size()) return false;
  for (const auto& w : want.group) {
    auto it = std::find_if(got.group.begin(), got.group.end(),
                           [&](const auto& g) { return g.first == w.first; });
    if (it == got.group.end() || it->second != w.second) return false;
  }
  if (want.value) {
    const double a = *want.value, b = got.value;
    if (a != b && !(std::fabs(a - b) <= 1e-9 * std::max(std::fabs(a), std::fabs(b)))) return false;
  }
  if (want.events) {
    std::vector<uint64_t> idx;
    for (const EventRef& r : got.events) idx.push_back(r.record);
    std::sort(idx.begin(), idx.end());
    idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
    if (idx != *want.events) return false;
  }
  if (want.subject && *want.subject != got.subject) return false;
  return true;
}

CorrelationTestAlert Actual(const CorrelationAlert& got) {
  CorrelationTestAlert a;
  a.group = got.group;
  a.value = got.value;
  std::vector<uint64_t> idx;
  for (const EventRef& r : got.events) idx.push_back(r.record);
  std::sort(idx.begin(), idx.end());
  idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
  a.events = std::move(idx);
  if (!got.subject.empty()) a.subject = got.subject;
  return a;
}

std::string AlertLines(const std::vector<CorrelationTestAlert>& alerts) {
  if (alerts.empty()) return "  (none)\n";
  std::string out;
  for (const auto& a : alerts) out += "  " + FormatCorrelationTestAlert(a) + "\n";
  return out;
}

RuleTestResult RunCorrelationTest(const std::shared_ptr<const RuleSet>& set, size_t c,
                                  Scanner* scanner, const CorrelationTestCase& tc) {
  RuleTestResult r;
  r.name = tc.name;
  r.correlation = true;
  r.expected_alerts = tc.alerts.size();
  CorrelatorOptions copts;
  // Everything is buffered until Flush: a test lists its events in any order.
  copts.lateness_ms = std::numeric_limits<int64_t>::max();
  // Test events are written by the rule's author, and a test's result must not depend
  // on the day it runs: no horizon for events ahead of the clock.
  copts.max_future_ms = std::numeric_limits<int64_t>::max();
  Correlator correlator(set, copts);
  // The test's events are one stream, scanned as any other (ScanEvents); the first that
  // cannot be used fails the test, naming it.
  struct Sink : ScanSink {
    const CorrelationRule* self;
    std::vector<CorrelationAlert> got;
    std::string error;
    bool OnRecord(const Record&, std::span<const vigil::Match>) override { return error.empty(); }
    void OnError(const InputError& e) override { Fail(e.index, std::string(e.reason())); }
    void OnCorrelationError(const Record& r, const Status& s) override {
      Fail(r.index, s.message());
    }
    bool OnAlert(const CorrelationAlert& a) override {
      if (a.rule == self) got.push_back(a);
      return true;
    }
    void Fail(uint64_t k, const std::string& why) {
      if (error.empty()) error = "events[" + std::to_string(k) + "] could not be used: " + why;
    }
  } sink;
  sink.self = &set->correlation(c);
  ScanOptions options;
  options.kind = EventKind::kAny;
  options.correlator = &correlator;
  const std::vector<std::string_view> events(tc.events_json.begin(), tc.events_json.end());
  ScanEvents(*scanner, events, "test", options, &sink);
  if (!sink.error.empty()) {
    r.error = std::move(sink.error);
    return r;
  }
  std::vector<CorrelationAlert>& got = sink.got;
  r.actual_alerts = got.size();
  r.alerts_equal = got.size() == tc.alerts.size();
  for (size_t k = 0; r.alerts_equal && k < got.size(); ++k)
    r.alerts_equal = SameAlert(tc.alerts[k], got[k]);
  if (!r.alerts_equal) {
    std::vector<CorrelationTestAlert> actual;
    for (const auto& a : got) actual.push_back(Actual(a));
    r.explanation =
        "expected alerts:\n" + AlertLines(tc.alerts) + "actual alerts:\n" + AlertLines(actual);
  }
  return r;
}

}  // namespace

std::string FormatCorrelationTestAlert(const CorrelationTestAlert& alert) {
  std::string out = FormatGroup(alert.group);
  if (alert.value) out += " value=" + FormatDouble(*alert.value);
  if (alert.events) {
    out += " events=[";
    for (size_t i = 0; i < alert.events->size(); ++i)
      out += (i ? "," : "") + std::to_string((*alert.events)[i]);
    out += "]";
  }
  if (alert.subject) {
    out += " subject";
    for (const auto& [k, v] : *alert.subject) out += " " + k + "=" + (v ? *v : "null");
  }
  return out;
}

Status ParseCorrelationTests(const RuleInfo& rule, std::vector<CorrelationTestCase>* out) {
  out->clear();
  return ForEachTest(
      rule, "{name, events, alerts}", "name, events and alerts",
      [&](const std::string& which, std::string_view name, simdjson::dom::object obj) {
        CorrelationTestCase tc;
        tc.name = std::string(name);
        const std::string named = which + " '" + tc.name + "'";
        for (auto kv : obj) {
          if (kv.key != "name" && kv.key != "events" && kv.key != "alerts") {
            return Invalid(named + ": unknown key '" + std::string(kv.key) +
                           "' (a correlation test has name, events and alerts)");
          }
        }
        simdjson::dom::array events;
        if (obj["events"].get_array().get(events) != simdjson::SUCCESS) {
          return Invalid(named +
                         ": 'events' must be a list of maps (the CloudTrail records, in order)");
        }
        for (simdjson::dom::element ev : events) {
          simdjson::dom::object o;
          if (ev.get_object().get(o) != simdjson::SUCCESS) {
            return Invalid(named + ": events[" + std::to_string(tc.events_json.size()) +
                           "] must be a map (a CloudTrail record)");
          }
          tc.events_json.push_back(simdjson::minify(o));
        }
        simdjson::dom::array alerts;
        if (obj["alerts"].get_array().get(alerts) != simdjson::SUCCESS) {
          return Invalid(named + ": 'alerts' must be a list of the alerts expected ([] for none)");
        }
        for (simdjson::dom::element a : alerts) {
          CorrelationTestAlert alert;
          const std::string at = named + ": alert #" + std::to_string(tc.alerts.size() + 1);
          if (Status s = ParseAlert(a, at, tc.events_json.size(), &alert); !s.ok()) return s;
          tc.alerts.push_back(std::move(alert));
        }
        out->push_back(std::move(tc));
        return Status::Ok();
      });
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
                      (ex.value().matched ? "match" : "no match") +
                      " (a vigil bug; please report it)";
          }
          if (!r.passed()) r.explanation = ex.value().ToText();
        }
      }
      rep.results.push_back(std::move(r));
    }
    reports.push_back(std::move(rep));
  }
  for (size_t c = 0; c < set->correlation_count(); ++c) {
    RuleTestReport rep;
    rep.correlation = true;
    rep.correlation_index = c;
    rep.rule = &set->correlation(c).info;
    std::vector<CorrelationTestCase> cases;
    if (Status s = ParseCorrelationTests(*rep.rule, &cases); !s.ok()) {
      rep.error = s.message();
    } else {
      for (const auto& tc : cases) rep.results.push_back(RunCorrelationTest(set, c, &scanner, tc));
    }
    reports.push_back(std::move(rep));
  }
  return reports;
}

}  // namespace vigil
