// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Sigma correlation rules through the public API: RuleSet resolution (ids, names,
// titles, aliases, generate) and the Correlator: exact alerts per type, boundaries
// (threshold, window edge, missing group-by field), arrival-order independence within
// the lateness bound, eviction on a long stream, and the spec / suzaku corpora.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <span>
#include <sstream>

#include "inputs/scan_testing.h"
#include "support/shared_data.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

const std::string kCorpus = std::string(VIGIL_SHARED_DIR) + "/corpus/sigma";

// Base rules: one per event name, named after it (name: a, title "Rule A"...).
std::string BaseRule(const std::string& name, const std::string& event_name) {
  return "title: Rule " + name + "\nname: " + name + "\nid: 00000000-0000-4000-8000-0000000000" +
         (name.size() == 1 ? "0" + name : name.substr(0, 2)) +
         "\nlogsource:\n  product: aws\n  service: cloudtrail\ndetection:\n  sel:\n    eventName: " +
         event_name + "\n  condition: sel\nlevel: low\n---\n";
}

std::string Bases() { return BaseRule("a", "A") + BaseRule("b", "B") + BaseRule("c", "C"); }

std::shared_ptr<const RuleSet> Build(const std::string& yaml, std::vector<Diagnostic>* diags = nullptr) {
  RuleSetBuilder b;
  b.AddYaml(yaml, "test.yml");
  auto rs = b.Build();
  for (const auto& d : b.diagnostics()) {
    if (d.severity == Severity::kError) ADD_FAILURE() << d.ToString();
  }
  if (diags) *diags = rs->diagnostics();
  return rs;
}

std::string Iso(int64_t secs) {
  // 2024-01-01T00:00:00Z + secs (under a day is enough here, longer for the long stream).
  const int64_t day = secs / 86400, rem = secs % 86400;
  char buf[64];
  std::snprintf(buf, sizeof buf, "2024-01-%02dT%02d:%02d:%02dZ", static_cast<int>(1 + day),
                static_cast<int>(rem / 3600), static_cast<int>(rem / 60 % 60), static_cast<int>(rem % 60));
  return buf;
}
constexpr int64_t kBase = 1704067200000;  // 2024-01-01T00:00:00Z in unix ms

struct Ev {
  Ev(std::string n, int64_t s, std::string i = "10.0.0.1", std::string x = "")
      : name(std::move(n)), secs(s), ip(std::move(i)), extra(std::move(x)) {}
  std::string name;
  int64_t secs;
  std::string ip;     // "" = no sourceIPAddress field
  std::string extra;  // more JSON members, with a leading comma
};

std::string Json(const Ev& e) {
  std::string j = "{\"eventSource\":\"x.amazonaws.com\",\"eventName\":\"" + e.name +
                  "\",\"eventTime\":\"" + Iso(e.secs) + "\"";
  if (!e.ip.empty()) j += ",\"sourceIPAddress\":\"" + e.ip + "\"";
  return j + e.extra + "}";
}

std::string Describe(const CorrelationAlert& a) {
  std::ostringstream s;
  s << a.rule->info.title << " " << CorrelationTypeName(a.type) << " [";
  for (const auto& [k, v] : a.group) s << k << "=" << (v ? *v : "null") << ";";
  s << "] " << (a.window_start - kBase) / 1000 << ".." << (a.window_end - kBase) / 1000 << " v=" << a.value
    << " ev=";
  for (const auto& e : a.events) s << e.record << ",";
  if (!a.subject.empty()) {
    s << " {";
    for (const auto& [k, v] : a.subject) s << k << "=" << (v ? *v : "null") << ";";
    s << "}";
  }
  return s.str();
}

// Runs events (record = index in `events`) through a Scanner and a Correlator. Every
// event goes to two Correlators: one parses its text, the other gets the Scanner's
// capture of its fields (Scanner::captured()); both must raise the same alerts.
std::vector<std::string> RunEvents(const std::shared_ptr<const RuleSet>& rs, const std::vector<Ev>& events,
                             CorrelatorOptions opts = {}, const std::vector<size_t>* order = nullptr) {
  Scanner scanner(rs);
  Correlator corr(rs, opts);
  Correlator from_capture(rs, opts);
  std::vector<Match> m;
  std::vector<std::string> out, out_captured;
  for (size_t k = 0; k < events.size(); ++k) {
    const size_t i = order ? (*order)[k] : k;
    const std::string j = Json(events[i]);
    EXPECT_TRUE(scanner.Match(j, &m).ok());
    EXPECT_TRUE(corr.Add(j, m, {"f", i}).ok());
    const CapturedFields* captured = scanner.captured();
    const bool feeds = std::any_of(m.begin(), m.end(), [&](const Match& x) { return rs->feeds_correlation(x.rule_index); });
    EXPECT_EQ(captured != nullptr, feeds) << j;
    EXPECT_TRUE(from_capture.Add(captured ? std::string_view() : std::string_view(j), m, {"f", i}, captured).ok());
    for (const auto& a : corr.TakeAlerts()) out.push_back(Describe(a));
    for (const auto& a : from_capture.TakeAlerts()) out_captured.push_back(Describe(a));
  }
  corr.Flush();
  from_capture.Flush();
  for (const auto& a : corr.TakeAlerts()) out.push_back(Describe(a));
  for (const auto& a : from_capture.TakeAlerts()) out_captured.push_back(Describe(a));
  EXPECT_EQ(out, out_captured);
  return out;
}

std::string Corr(const std::string& type, const std::string& rules, const std::string& body,
                 const std::string& title = "C") {
  return "title: " + title + "\ncorrelation:\n  type: " + type + "\n  rules: " + rules + "\n" + body;
}

using Alerts = std::vector<std::string>;

// ---- RuleSet --------------------------------------------------------------------

TEST(CorrelationRuleSetTest, ResolvesIdsNamesTitlesAndGenerate) {
  auto rs = Build(Bases() +
                  Corr("event_count", "[a, 'Rule b']", "  group-by: [sourceIPAddress]\n  timespan: 5m\n  condition: {gte: 2}\n") +
                  "---\n" +
                  Corr("event_count", "[00000000-0000-4000-8000-00000000000c]",
                       "  group-by: [sourceIPAddress]\n  timespan: 90s\n  condition: {gte: 2}\n  generate: true\n", "D"));
  // The title resolves, with a warning at the reference: the specification allows ids
  // and names only (docs/sigma-conformance.md).
  ASSERT_EQ(rs->diagnostics().size(), 1u);
  EXPECT_EQ(rs->diagnostics()[0].severity, Severity::kWarning);
  EXPECT_EQ(rs->diagnostics()[0].where.line, 40u);
  EXPECT_EQ(rs->diagnostics()[0].where.column, 14u);
  EXPECT_NE(rs->diagnostics()[0].message.find("references rule 'Rule b' by its title;"),
            std::string::npos);
  ASSERT_EQ(rs->correlation_count(), 2u);
  const CorrelationRule& c = rs->correlation(0);
  EXPECT_EQ(c.type, CorrelationType::kEventCount);
  ASSERT_EQ(c.rules.size(), 2u);
  EXPECT_EQ(c.rules[0], std::vector<uint32_t>{0});
  EXPECT_EQ(c.rules[1], std::vector<uint32_t>{1});
  EXPECT_EQ(c.timespan_ms, 5 * 60 * 1000);
  EXPECT_EQ(rs->correlation(1).timespan_ms, 90 * 1000);
  EXPECT_EQ(rs->correlation(1).rules[0], std::vector<uint32_t>{2});
  // generate: false (the default) hides a and b; c is referenced with generate: true.
  EXPECT_TRUE(rs->suppressed(0));
  EXPECT_TRUE(rs->suppressed(1));
  EXPECT_FALSE(rs->suppressed(2));
}

TEST(CorrelationRuleSetTest, UnknownReferenceLeavesTheCorrelationOutWithAWarning) {
  std::vector<Diagnostic> d;
  auto rs = Build(Bases() + Corr("temporal", "[a, nope]", "  group-by: [x]\n  timespan: 5m\n"), &d);
  EXPECT_EQ(rs->correlation_count(), 0u);
  EXPECT_FALSE(rs->suppressed(0));
  bool warned = false;
  for (const auto& x : d) warned |= x.message.find("'nope', which is not loaded") != std::string::npos;
  EXPECT_TRUE(warned);
}

TEST(CorrelationRuleSetTest, ConditionErrors) {
  RuleSetBuilder b;
  b.AddYaml(Corr("value_count", "[a]", "  group-by: [x]\n  timespan: 5m\n  condition: {gte: 2}\n"), "v.yml");
  b.AddYaml(Corr("event_count", "[a]", "  group-by: [x]\n  timespan: 5m\n  condition: {gte: many}\n"), "w.yml");
  ASSERT_EQ(b.diagnostics().size(), 2u);
  EXPECT_NE(b.diagnostics()[0].message.find("needs 'field'"), std::string::npos);
  EXPECT_NE(b.diagnostics()[1].message.find("must be a number"), std::string::npos);
  RuleSetBuilder fs;
  fs.AddYaml(Corr("first_seen", "[a]", "  timespan: 5m\n  condition: {field: x, gte: 2}\n"), "x.yml");
  fs.AddYaml(Corr("event_count", "[a]", "  timespan: 5m\n  learning: 1d\n  condition: {gte: 2}\n"), "y.yml");
  fs.AddYaml(Corr("first_seen", "[a]", "  timespan: 5m\n  learning: soon\n  condition: {field: x}\n"), "z.yml");
  ASSERT_EQ(fs.diagnostics().size(), 3u);
  EXPECT_EQ(fs.diagnostics()[0].ToString(),
            "x.yml:6:14: error: first_seen takes no comparison in its condition, only 'field'");
  EXPECT_EQ(fs.diagnostics()[1].ToString(), "y.yml:6:13: error: 'learning' applies to first_seen correlations only");
  EXPECT_EQ(fs.diagnostics()[2].ToString(),
            "z.yml:6:13: error: first_seen 'learning' must be a number with a unit s, m, h, d, w, M or y");
}

// ---- event_count ----------------------------------------------------------------

const std::string kCount3 = "  group-by: [sourceIPAddress]\n  timespan: 5m\n  condition: {gte: 3}\n";

TEST(EventCountTest, ExactlyAtTheThreshold) {
  auto rs = Build(Bases() + Corr("event_count", "[a]", kCount3));
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"A", 60}}), Alerts{});
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"A", 60}, {"A", 120}}),
            Alerts{"C event_count [sourceIPAddress=10.0.0.1;] 0..120 v=3 ev=0,1,2,"});
  // The state is cleared after an alert: six events give two alerts, not four.
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"A", 1}, {"A", 2}, {"A", 3}, {"A", 4}, {"A", 5}}).size(), 2u);
}

TEST(EventCountTest, WindowEdgeIsInclusive) {
  auto rs = Build(Bases() + Corr("event_count", "[a]", kCount3));
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"A", 150}, {"A", 300}}),
            Alerts{"C event_count [sourceIPAddress=10.0.0.1;] 0..300 v=3 ev=0,1,2,"});
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"A", 150}, {"A", 301}}), Alerts{});
  // Sliding: the first event falls out, the next three are within 5 minutes.
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"A", 250}, {"A", 301}, {"A", 302}}),
            Alerts{"C event_count [sourceIPAddress=10.0.0.1;] 250..302 v=3 ev=1,2,3,"});
}

TEST(EventCountTest, GroupsAndMissingGroupField) {
  auto rs = Build(Bases() + Corr("event_count", "[a, b]", kCount3));
  EXPECT_EQ(RunEvents(rs, {{"A", 0, "1.1.1.1"}, {"B", 1, "2.2.2.2"}, {"A", 2, ""}, {"B", 3, "1.1.1.1"},
                     {"A", 4, ""}, {"C", 5, ""}, {"B", 6, ""}, {"A", 7, "2.2.2.2"}}),
            (Alerts{"C event_count [sourceIPAddress=null;] 2..6 v=3 ev=2,4,6,"}));
}

TEST(EventCountTest, OneEventMatchingTwoReferencedRulesCountsOnce) {
  auto rs = Build(Bases() + BaseRule("d", "A") + Corr("event_count", "[a, d]", kCount3));
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"A", 1}}), Alerts{});
}

TEST(EventCountTest, UpperBoundsUseCompleteAnchoredWindows) {
  // Range 2..3 (gt 1, lte 3): evaluated once the window [t0, t0+5m] is complete.
  auto rs = Build(Bases() + Corr("event_count", "[a]",
                                 "  group-by: [sourceIPAddress]\n  timespan: 5m\n  condition: {gt: 1, lte: 3}\n"));
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"A", 10}, {"A", 300}, {"A", 301}, {"A", 400}, {"A", 1000}}),
            (Alerts{"C event_count [sourceIPAddress=10.0.0.1;] 0..300 v=3 ev=0,1,2,",
                    "C event_count [sourceIPAddress=10.0.0.1;] 301..400 v=2 ev=3,4,"}));
  auto eq = Build(Bases() + Corr("event_count", "[a]",
                                 "  group-by: [sourceIPAddress]\n  timespan: 1m\n  condition: {eq: 1}\n"));
  EXPECT_EQ(RunEvents(eq, {{"A", 0}, {"A", 30}, {"A", 100}}),
            Alerts{"C event_count [sourceIPAddress=10.0.0.1;] 100..100 v=1 ev=2,"});
  auto neq = Build(Bases() + Corr("event_count", "[a]",
                                  "  group-by: [sourceIPAddress]\n  timespan: 1m\n  condition: {neq: 1}\n"));
  EXPECT_EQ(RunEvents(neq, {{"A", 0}, {"A", 30}, {"A", 100}}),
            Alerts{"C event_count [sourceIPAddress=10.0.0.1;] 0..30 v=2 ev=0,1,"});
  auto lt = Build(Bases() + Corr("event_count", "[a]",
                                 "  group-by: [sourceIPAddress]\n  timespan: 1m\n  condition: {lt: 2}\n"));
  EXPECT_EQ(RunEvents(lt, {{"A", 0}, {"A", 30}, {"A", 100}}),
            Alerts{"C event_count [sourceIPAddress=10.0.0.1;] 100..100 v=1 ev=2,"});
  auto gt = Build(Bases() + Corr("event_count", "[a]",
                                 "  group-by: [sourceIPAddress]\n  timespan: 1m\n  condition: {gt: 2}\n"));
  EXPECT_EQ(RunEvents(gt, {{"A", 0}, {"A", 30}, {"A", 61}}), Alerts{});
  EXPECT_EQ(RunEvents(gt, {{"A", 0}, {"A", 30}, {"A", 60}}),
            Alerts{"C event_count [sourceIPAddress=10.0.0.1;] 0..60 v=3 ev=0,1,2,"});
}

// ---- value_count ------------------------------------------------------------------

TEST(ValueCountTest, DistinctValues) {
  auto rs = Build(Bases() + Corr("value_count", "[a]",
                                 "  group-by: [sourceIPAddress]\n  timespan: 1m\n  condition: {field: userName, gte: 3}\n"));
  auto u = [](const std::string& n) { return ",\"userName\":\"" + n + "\""; };
  EXPECT_EQ(RunEvents(rs, {{"A", 0, "1.1.1.1", u("x")}, {"A", 1, "1.1.1.1", u("x")}, {"A", 2, "1.1.1.1"},
                     {"A", 3, "1.1.1.1", u("y")}, {"A", 70, "1.1.1.1", u("z")}}),
            Alerts{});
  EXPECT_EQ(RunEvents(rs, {{"A", 0, "1.1.1.1", u("x")}, {"A", 1, "1.1.1.1", u("x")}, {"A", 2, "1.1.1.1", u("y")},
                     {"A", 60, "1.1.1.1", u("z")}}),
            Alerts{"C value_count [sourceIPAddress=1.1.1.1;] 0..60 v=3 ev=0,1,2,3,"});
}

TEST(ValueCountTest, SeveralFieldsCountDistinctCombinations) {
  auto rs = Build(Bases() + Corr("value_count", "[a]",
                                 "  group-by: [sourceIPAddress]\n  timespan: 1m\n"
                                 "  condition:\n    field: [userName, region]\n    gte: 3\n"));
  auto ur = [](const std::string& u, const std::string& r) {
    return ",\"userName\":\"" + u + "\",\"region\":\"" + r + "\"";
  };
  EXPECT_EQ(RunEvents(rs, {{"A", 0, "1.1.1.1", ur("x", "r1")}, {"A", 1, "1.1.1.1", ur("x", "r1")},
                           {"A", 2, "1.1.1.1", ",\"userName\":\"y\""}, {"A", 3, "1.1.1.1", ur("x", "r2")},
                           {"A", 4, "1.1.1.1", ur("y", "r1")}}),
            Alerts{"C value_count [sourceIPAddress=1.1.1.1;] 0..4 v=3 ev=0,1,2,3,4,"});
}

// ---- the Scanner's capture of correlations' fields -------------------------------------

TEST(CapturedFieldsTest, EveryKindOfValueReadsAsFromTheText) {
  auto rs = Build(Bases() + Corr("value_count", "[a]",
                                 "  group-by: [userIdentity.arn, odd.key, flag]\n  timespan: 1m\n"
                                 "  condition:\n    field: n\n    gte: 2\n"));
  ASSERT_EQ(rs->captured_fields(),
            (std::vector<std::string>{"eventTime", "@timestamp", "userIdentity.arn", "odd.key", "flag", "n"}));
  EXPECT_TRUE(rs->feeds_correlation(0));
  EXPECT_FALSE(rs->feeds_correlation(1));
  Scanner scanner(rs);
  std::vector<Match> m;
  // A dotted key read whole, an escaped string, a number, a bool; @timestamp missing.
  const std::string j =
      R"({"eventName":"A","eventTime":"2024-01-01T00:00:05Z","userIdentity":{"arn":"arn:aws:iam::1:user/\u00e9"},)"
      R"("odd.key":{"x":[1, 2]},"flag":true,"n":1.50})";
  ASSERT_TRUE(scanner.Match(j, &m).ok());
  const CapturedFields* c = scanner.captured();
  ASSERT_NE(c, nullptr);
  ASSERT_EQ(c->values.size(), 6u);
  EXPECT_TRUE(c->values[0].present && c->values[0].is_string);
  EXPECT_EQ(c->values[0].text, "2024-01-01T00:00:05Z");
  EXPECT_FALSE(c->values[1].present);
  EXPECT_EQ(c->values[2].text, "arn:aws:iam::1:user/\xc3\xa9");
  EXPECT_FALSE(c->values[3].is_string);
  EXPECT_EQ(c->values[3].text, R"({"x":[1,2]})");
  EXPECT_EQ(c->values[4].text, "true");
  EXPECT_TRUE(c->values[5].is_number);
  EXPECT_EQ(c->values[5].number, 1.5);

  // Null and missing fields are absent; an event of a rule no correlation reads, and an
  // event with duplicate keys (matched both ways, from copies), have no capture.
  ASSERT_TRUE(scanner.Match(R"({"eventName":"A","eventTime":null,"@timestamp":1704067205,"flag":null})", &m).ok());
  ASSERT_NE(scanner.captured(), nullptr);
  EXPECT_FALSE(scanner.captured()->values[0].present);
  EXPECT_TRUE(scanner.captured()->values[1].is_number);
  EXPECT_FALSE(scanner.captured()->values[4].present);
  EXPECT_FALSE(scanner.captured()->values[2].present);
  ASSERT_TRUE(scanner.Match(R"({"eventName":"B","eventTime":"2024-01-01T00:00:05Z"})", &m).ok());
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(scanner.captured(), nullptr);
  ASSERT_TRUE(scanner.Match(R"({"eventName":"A","eventName":"A","eventTime":"2024-01-01T00:00:05Z"})", &m).ok());
  ASSERT_EQ(m.size(), 1u);
  EXPECT_EQ(scanner.captured(), nullptr);
  ASSERT_TRUE(scanner.Match(R"({"eventName":"C"})", &m).ok());
  EXPECT_EQ(scanner.captured(), nullptr);  // no match at all
}

TEST(CapturedFieldsTest, AlertsAreTheSameFromCaptureAndFromText) {
  // Groups by a nested field, counts a number field and reads both time fields.
  auto rs = Build(Bases() + Corr("value_count", "[a, b]",
                                 "  group-by: [userIdentity.arn]\n  timespan: 1m\n"
                                 "  condition:\n    field: n\n    gte: 3\n"));
  std::vector<Ev> events;
  for (int i = 0; i < 40; ++i) {
    std::string extra = ",\"userIdentity\":{\"arn\":\"u" + std::to_string(i % 3) + "\"},\"n\":" + std::to_string(i % 5);
    if (i % 7 == 0) extra = ",\"n\":\"" + std::to_string(i) + "\"";  // no group field, n a string
    events.push_back({i % 2 ? "A" : "B", i * 7, "10.0.0.1", extra});
  }
  const Alerts alerts = RunEvents(rs, events);  // compares both paths itself
  EXPECT_FALSE(alerts.empty());
}

// A group-by path through an array (issue 14: the correlator did not descend into
// arrays, the matcher did): the first value found groups the event, from the capture
// and from the text alike (RunEvents compares both).
TEST(CapturedFieldsTest, GroupByThroughAnArrayTakesTheFirstValue) {
  auto rs = Build(Bases() + Corr("event_count", "[a]",
                                 "  group-by: [resources.ARN]\n  timespan: 1m\n"
                                 "  condition:\n    gte: 2\n"));
  auto res = [](const std::string& first, const std::string& second) {
    return ",\"resources\":[{\"type\":\"AWS::S3::Object\"},{\"ARN\":\"" + first +
           "\"},{\"ARN\":\"" + second + "\"}]";
  };
  EXPECT_EQ(RunEvents(rs, {{"A", 0, "1.1.1.1", res("arn:b1", "arn:x")},
                           {"A", 1, "1.1.1.1", res("arn:b2", "arn:b1")},
                           {"A", 2, "1.1.1.1", res("arn:b1", "arn:y")}}),
            Alerts{"C event_count [resources.ARN=arn:b1;] 0..2 v=2 ev=0,2,"});
}

// ---- temporal ---------------------------------------------------------------------

TEST(TemporalTest, AllRulesInAnyOrder) {
  auto rs = Build(Bases() + Corr("temporal", "[a, b]", "  group-by: [sourceIPAddress]\n  timespan: 5m\n"));
  EXPECT_EQ(RunEvents(rs, {{"B", 0}, {"B", 10}, {"A", 300}}),
            Alerts{"C temporal [sourceIPAddress=10.0.0.1;] 0..300 v=2 ev=0,1,2,"});
  EXPECT_EQ(RunEvents(rs, {{"B", 0}, {"A", 301}}), Alerts{});
  EXPECT_EQ(RunEvents(rs, {{"B", 0, "1.1.1.1"}, {"A", 1, "2.2.2.2"}}), Alerts{});
  auto two_of_three = Build(Bases() + Corr("temporal", "[a, b, c]",
                                           "  group-by: [sourceIPAddress]\n  timespan: 5m\n  condition: {gte: 2}\n"));
  EXPECT_EQ(RunEvents(two_of_three, {{"C", 0}, {"C", 1}, {"A", 2}}),
            Alerts{"C temporal [sourceIPAddress=10.0.0.1;] 0..2 v=2 ev=0,1,2,"});
}

TEST(TemporalOrderedTest, OrderMatters) {
  auto rs = Build(Bases() + Corr("temporal_ordered", "[a, b, c]", "  group-by: [sourceIPAddress]\n  timespan: 5m\n"));
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"B", 100}, {"C", 300}}),
            Alerts{"C temporal_ordered [sourceIPAddress=10.0.0.1;] 0..300 v=3 ev=0,1,2,"});
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"C", 100}, {"B", 200}}), Alerts{});
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"B", 100}, {"C", 301}}), Alerts{});
  // A later A restarts the chain: the sequence A(200) B(250) C(400) is within 5m.
  EXPECT_EQ(RunEvents(rs, {{"A", 0}, {"B", 100}, {"A", 200}, {"B", 250}, {"C", 400}}),
            Alerts{"C temporal_ordered [sourceIPAddress=10.0.0.1;] 200..400 v=3 ev=2,3,4,"});
}

// ---- value_sum / avg / median / percentile ------------------------------------------

TEST(ValueAggregatesTest, SumAvgMedianPercentile) {
  auto b = [](int n) { return ",\"bytes\":" + std::to_string(n); };
  const std::vector<Ev> evs = {{"A", 0, "1.1.1.1", b(100)}, {"A", 10, "1.1.1.1", b(300)},
                               {"A", 20, "1.1.1.1", ",\"bytes\":\"200\""}, {"A", 30, "1.1.1.1"},
                               {"A", 40, "1.1.1.1", b(1000)}};
  const std::string g = "  group-by: [sourceIPAddress]\n  timespan: 1m\n";
  EXPECT_EQ(RunEvents(Build(Bases() + Corr("value_sum", "[a]", g + "  condition: {field: bytes, gte: 600}\n")), evs),
            (Alerts{"C value_sum [sourceIPAddress=1.1.1.1;] 0..20 v=600 ev=0,1,2,",
                    "C value_sum [sourceIPAddress=1.1.1.1;] 30..40 v=1000 ev=3,4,"}));
  EXPECT_EQ(RunEvents(Build(Bases() + Corr("value_avg", "[a]", g + "  condition: {field: bytes, gt: 399}\n")), evs),
            Alerts{"C value_avg [sourceIPAddress=1.1.1.1;] 0..40 v=400 ev=0,1,2,3,4,"});
  EXPECT_EQ(RunEvents(Build(Bases() + Corr("value_median", "[a]", g + "  condition: {field: bytes, eq: 250}\n")), evs),
            Alerts{"C value_median [sourceIPAddress=1.1.1.1;] 0..40 v=250 ev=0,1,2,3,4,"});
  EXPECT_EQ(RunEvents(Build(Bases() + Corr("value_percentile", "[a]",
                                     g + "  condition: {field: bytes, percentile: 100, gte: 1000}\n")),
                evs),
            Alerts{"C value_percentile [sourceIPAddress=1.1.1.1;] 0..40 v=1000 ev=0,1,2,3,4,"});
}

// Numeric strings read as the matcher's numeric modifiers read them (ParseDouble): a
// value with spaces, a C hex float, inf or nan is not a number and is ignored, as a
// missing field is; 0x hex integers and exponents are numbers.
TEST(ValueAggregatesTest, NumericStringsFollowTheMatchersGrammar) {
  auto b = [](const std::string& v) { return ",\"bytes\":\"" + v + "\""; };
  const std::vector<Ev> evs = {{"A", 0, "1.1.1.1", b(" 200")}, {"A", 1, "1.1.1.1", b("0x1p3")},
                               {"A", 2, "1.1.1.1", b("inf")},  {"A", 3, "1.1.1.1", b("nan")},
                               {"A", 4, "1.1.1.1", b("0x10")}, {"A", 5, "1.1.1.1", b("1e2")}};
  const std::string g = "  group-by: [sourceIPAddress]\n  timespan: 1m\n";
  EXPECT_EQ(RunEvents(Build(Bases() + Corr("value_sum", "[a]", g + "  condition: {field: bytes, gte: 1}\n")), evs),
            (Alerts{"C value_sum [sourceIPAddress=1.1.1.1;] 0..4 v=16 ev=0,1,2,3,4,",
                    "C value_sum [sourceIPAddress=1.1.1.1;] 5..5 v=100 ev=5,"}))
      << "the sliding sum alerts at the first number (0x10 = 16), then again at 1e2";
}

TEST(ValueAggregatesTest, PercentileWithoutPercentileFlagsRareValues) {
  // The specification's example reads value_percentile with no `percentile` as rarity:
  // values making up at most N% of the group's events in the window.
  auto rs = Build(Bases() + Corr("value_percentile", "[a]",
                                 "  group-by: [sourceIPAddress]\n  timespan: 1m\n  condition: {field: proc, lte: 20}\n"));
  for (const auto& d : rs->diagnostics()) ADD_FAILURE() << d.ToString();
  ASSERT_EQ(rs->correlation_count(), 1u);
  EXPECT_TRUE(rs->correlation(0).rarity);
  auto p = [](const char* v) { return std::string(",\"proc\":\"") + v + "\""; };
  // Window [0, 60]: x four times, y once (20%: exactly at the bound), z missing once.
  // Window [70, 130]: y and x once each (50%).
  const std::vector<Ev> evs = {{"A", 0, "1.1.1.1", p("x")},  {"A", 10, "1.1.1.1", p("y")},
                               {"A", 20, "1.1.1.1", p("x")}, {"A", 30, "1.1.1.1"},
                               {"A", 40, "1.1.1.1", p("x")}, {"A", 60, "1.1.1.1", p("x")},
                               {"A", 70, "1.1.1.1", p("y")}, {"A", 80, "1.1.1.1", p("x")}};
  EXPECT_EQ(RunEvents(rs, evs), Alerts{"C value_percentile [sourceIPAddress=1.1.1.1;] 10..10 v=20 ev=1, {proc=y;}"});
}

// ---- first_seen (vigil extension) ----------------------------------------------------

std::string User(const std::string& u) { return ",\"user\":\"" + u + "\""; }

const std::string kFirstSeen =
    "  group-by: [user]\n  timespan: 1d\n  learning: 1h\n  condition: {field: sourceIPAddress}\n";

TEST(FirstSeenTest, LearnsThenAlertsOnNewValuesPerGroup) {
  auto rs = Build(Bases() + Corr("first_seen", "[a]", kFirstSeen, "New IP"));
  for (const auto& d : rs->diagnostics()) ADD_FAILURE() << d.ToString();
  ASSERT_EQ(rs->correlation_count(), 1u);
  EXPECT_EQ(rs->correlation(0).learning_ms, 3600 * 1000);
  EXPECT_TRUE(rs->suppressed(0));  // the base rule feeds the correlation only
  const std::vector<Ev> evs = {
      {"A", 0, "1.1.1.1", User("alice")},     // learning starts
      {"A", 1800, "2.2.2.2", User("alice")},  // learned, no alert
      {"A", 3599, "5.5.5.5", User("bob")},    // learned: one second before learning ends
      {"A", 3600, "1.1.1.1", User("alice")},  // known
      {"A", 3600, "3.3.3.3", User("alice")},  // new, exactly when learning ends: alert
      {"A", 4000, "3.3.3.3", User("alice")},  // known since the previous event
      {"A", 5000, "1.1.1.1", User("bob")},    // new for bob (alice's address does not count)
      {"A", 5100, "", User("bob")},           // no address: nothing to learn
      {"A", 5200, "6.6.6.6"},                 // no user: a group of its own (null)
  };
  EXPECT_EQ(RunEvents(rs, evs),
            (Alerts{"New IP first_seen [user=alice;] 3600..3600 v=2 ev=4, {sourceIPAddress=3.3.3.3;}",
                    "New IP first_seen [user=bob;] 5000..5000 v=1 ev=6, {sourceIPAddress=1.1.1.1;}",
                    "New IP first_seen [user=null;] 5200..5200 v=0 ev=8, {sourceIPAddress=6.6.6.6;}"}));
}

TEST(FirstSeenTest, ValuesAgeOutAfterTheTimespanSinceLastSeen) {
  auto rs = Build(Bases() + Corr("first_seen", "[a]", kFirstSeen, "New IP"));
  const int64_t day = 86400;
  // Seen at 0 and again exactly one day later (still known: the bound is inclusive),
  // then one day and one second after that: aged out, new again (and 2.2.2.2 with it,
  // so the group had no value left).
  EXPECT_EQ(RunEvents(rs, {{"A", 0, "1.1.1.1", User("a")},
                           {"A", 7200, "2.2.2.2", User("a")},
                           {"A", day, "1.1.1.1", User("a")},
                           {"A", 2 * day + 1, "1.1.1.1", User("a")}}),
            (Alerts{"New IP first_seen [user=a;] 7200..7200 v=1 ev=1, {sourceIPAddress=2.2.2.2;}",
                    "New IP first_seen [user=a;] 172801..172801 v=0 ev=3, {sourceIPAddress=1.1.1.1;}"}));
}

TEST(FirstSeenTest, CombinationsOfFieldsAndArrivalOrder) {
  auto rs = Build(Bases() + Corr("first_seen", "[a]",
                                 "  group-by: [user]\n  timespan: 30d\n  learning: 0s\n"
                                 "  condition:\n    field: [sourceIPAddress, userAgent]\n",
                                 "New pair"));
  auto ua = [](const std::string& u, const std::string& a) { return User(u) + ",\"userAgent\":\"" + a + "\""; };
  const std::vector<Ev> evs = {{"A", 0, "1.1.1.1", ua("a", "curl")},
                               {"A", 60, "1.1.1.1", ua("a", "curl")},
                               {"A", 120, "1.1.1.1", ua("a", "boto3")},
                               {"A", 180, "1.1.1.1", User("a")}};  // no userAgent: ignored
  const Alerts want = {"New pair first_seen [user=a;] 0..0 v=0 ev=0, {sourceIPAddress=1.1.1.1;userAgent=curl;}",
                       "New pair first_seen [user=a;] 120..120 v=1 ev=2, {sourceIPAddress=1.1.1.1;userAgent=boto3;}"};
  EXPECT_EQ(RunEvents(rs, evs), want);
  // Arriving in reverse (within the 15-minute lateness), the first in event time is
  // still the one reported.
  const std::vector<size_t> reverse = {3, 2, 1, 0};
  EXPECT_EQ(RunEvents(rs, evs, {}, &reverse), want);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Feeds events (record = index) and returns the alerts, flushed.
Alerts Feed(const std::shared_ptr<const RuleSet>& rs, Correlator& c, const std::vector<Ev>& evs) {
  Scanner scanner(rs);
  std::vector<Match> m;
  Alerts out;
  for (size_t i = 0; i < evs.size(); ++i) {
    const std::string j = Json(evs[i]);
    EXPECT_TRUE(scanner.Match(j, &m).ok());
    EXPECT_TRUE(c.Add(j, m, {"f", i}).ok());
  }
  c.Flush();
  for (const auto& a : c.TakeAlerts()) out.push_back(Describe(a));
  return out;
}

TEST(FirstSeenBaselineTest, PersistsBetweenRunsAtomically) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/baseline.jsonl";
  auto rs = Build(Bases() + "id: 11111111-0000-4000-8000-000000000001\n" +
                  Corr("first_seen", "[a]", kFirstSeen, "New IP"));
  {
    Correlator c(rs);
    ASSERT_TRUE(c.LoadBaseline(path).ok());  // missing: the first run
    EXPECT_EQ(Feed(rs, c, {{"A", 0, "1.1.1.1", User("alice")}, {"A", 60, "2.2.2.2", User("alice\\\"q")}}), Alerts{});
    EXPECT_EQ(c.BaselineSize(), 2u);
    ASSERT_TRUE(c.SaveBaseline(path).ok());
  }
  std::string text = ReadAll(path);
  // Everything after the header's save time is fixed.
  ASSERT_EQ(text.rfind("{\"vigil_baseline\":2,\"saved\":\"", 0), 0u) << text;
  EXPECT_EQ(text.substr(text.find('\n') + 1),
            "{\"rule\":\"11111111-0000-4000-8000-000000000001\",\"learning_since\":\"2024-01-01T00:00:00.000Z\","
            "\"retention_seconds\":86400}\n"
            "{\"rule\":\"11111111-0000-4000-8000-000000000001\",\"group\":[\"alice\"],\"value\":[\"1.1.1.1\"],"
            "\"first\":\"2024-01-01T00:00:00.000Z\",\"last\":\"2024-01-01T00:00:00.000Z\"}\n"
            "{\"rule\":\"11111111-0000-4000-8000-000000000001\",\"group\":[\"alice\\\"q\"],\"value\":[\"2.2.2.2\"],"
            "\"first\":\"2024-01-01T00:01:00.000Z\",\"last\":\"2024-01-01T00:01:00.000Z\"}\n"
            "{\"vigil_baseline_end\":{\"lines\":4,\"bytes\":" + std::to_string(text.rfind("{\"vigil_baseline_end")) + "}}\n");
  EXPECT_TRUE(std::filesystem::directory_iterator(dir.path()) != std::filesystem::directory_iterator());
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temporary file left behind
  {
    // The second run remembers: learning ended an hour after the first run's first
    // event, alice's address is known, a new one alerts at once.
    Correlator c(rs);
    ASSERT_TRUE(c.LoadBaseline(path).ok());
    EXPECT_EQ(c.BaselineSize(), 2u);
    EXPECT_EQ(Feed(rs, c, {{"A", 7200, "1.1.1.1", User("alice")}, {"A", 7300, "9.9.9.9", User("alice")}}),
              Alerts{"New IP first_seen [user=alice;] 7300..7300 v=1 ev=1, {sourceIPAddress=9.9.9.9;}"});
    ASSERT_TRUE(c.SaveBaseline(path).ok());
  }
  {
    // Two days later alice's first two addresses have aged out of a saved baseline.
    Correlator c(rs);
    ASSERT_TRUE(c.LoadBaseline(path).ok());
    EXPECT_EQ(c.BaselineSize(), 3u);
    EXPECT_EQ(Feed(rs, c, {{"A", 7300 + 86400 + 100, "8.8.8.8", User("bob")}}),
              Alerts{"New IP first_seen [user=bob;] 93800..93800 v=0 ev=0, {sourceIPAddress=8.8.8.8;}"});
    const std::string saved = c.SerializeBaseline();
    EXPECT_EQ(saved.find("1.1.1.1"), std::string::npos) << saved;
    EXPECT_EQ(saved.find("9.9.9.9"), std::string::npos) << saved;
    EXPECT_NE(saved.find("8.8.8.8"), std::string::npos) << saved;
  }
}

TEST(FirstSeenBaselineTest, KeepsOtherRulesEntriesAndRejectsDamage) {
  auto rs = Build(Bases() + Corr("first_seen", "[a]", kFirstSeen, "New IP"));
  const std::string other =
      "{\"vigil_baseline\":1,\"saved\":\"2024-01-01T00:00:00Z\"}\n"
      "{\"rule\":\"gone\",\"learning_since\":\"2024-01-01T00:00:00.000Z\",\"retention_seconds\":60}\n"
      "{\"rule\":\"gone\",\"group\":[null],\"value\":[\"x\"],\"first\":\"2024-01-01T00:00:00.000Z\","
      "\"last\":\"2024-01-01T00:00:00.000Z\"}\n";
  Correlator c(rs);
  ASSERT_TRUE(c.RestoreBaseline(other, "mem").ok());
  EXPECT_EQ(c.BaselineSize(), 1u);
  // A rule this set does not have keeps its entries (aging with its own retention).
  const std::string again = c.SerializeBaseline();
  EXPECT_NE(again.find("{\"rule\":\"gone\",\"group\":[null],\"value\":[\"x\"]"), std::string::npos) << again;
  EXPECT_NE(again.find("\"retention_seconds\":60}"), std::string::npos) << again;

  Correlator d(rs);
  Status s = d.RestoreBaseline(other + "{\"rule\":\"gone\",\"group\":[1],\"value\":[\"x\"]}\n", "b.jsonl");
  EXPECT_EQ(s.message(), "b.jsonl:4: \"group\" must be an array of strings and nulls");
  EXPECT_EQ(d.BaselineSize(), 0u);  // nothing merged from a damaged file
  EXPECT_EQ(d.RestoreBaseline("{\"rule\":\"x\"}\n", "c.jsonl").message(),
            "c.jsonl:1: not a vigil baseline: the first line must be {\"vigil_baseline\":2,...}");
  EXPECT_EQ(d.RestoreBaseline("{\"vigil_baseline\":3}\n", "d.jsonl").message(),
            "d.jsonl:1: baseline format version 3 is not supported (1 and 2 are)");
  EXPECT_EQ(d.RestoreBaseline("{\"vigil_baseline\":1}\n{\"rule\":", "e.jsonl").message().rfind("e.jsonl:2: not valid JSON", 0),
            0u);
  EXPECT_EQ(d.RestoreBaseline("", "f.jsonl").message(),
            "f.jsonl:1: empty: a baseline starts with {\"vigil_baseline\":2,...}");
  // Saving where the folder does not exist fails and says where.
  Status w = d.SaveBaseline("/nonexistent-vigil-dir/b.jsonl");
  EXPECT_FALSE(w.ok());
  EXPECT_NE(w.message().find("/nonexistent-vigil-dir/b.jsonl"), std::string::npos) << w.message();
}

TEST(FirstSeenBaselineTest, StaysBoundedOnALongStreamOfNewValues) {
  // 30,000 logins over 30 days, each from a new address; a one-day retention keeps
  // about a day's worth (1,000) plus up to an hour before aging runs.
  auto rs = Build(Bases() + Corr("first_seen", "[a]",
                                 "  group-by: [user]\n  timespan: 1d\n  condition: {field: sourceIPAddress}\n"));
  Scanner scanner(rs);
  Correlator c(rs);
  std::vector<Match> m;
  size_t max_known = 0;
  for (int64_t i = 0; i < 30000; ++i) {
    const std::string j = Json(Ev{"A", i * 86, "10." + std::to_string(i / 65536) + "." + std::to_string(i / 256 % 256) +
                                                  "." + std::to_string(i % 256),
                                  User("u")});
    ASSERT_TRUE(scanner.Match(j, &m).ok());
    ASSERT_TRUE(c.Add(j, m, {"f", static_cast<uint64_t>(i)}).ok());
    max_known = std::max(max_known, c.BaselineSize());
  }
  EXPECT_GT(max_known, 1000u);
  EXPECT_LT(max_known, 1100u);
  c.Flush();
  EXPECT_EQ(c.TakeAlerts().size(), 30000u);  // learning 0: every new address alerts
}

// ---- aliases ----------------------------------------------------------------------

TEST(AliasTest, GroupsAcrossDifferentFields) {
  auto rs = Build(Bases() + Corr("temporal", "[a, b]",
                                 "  aliases:\n    ip:\n      a: sourceIPAddress\n      b: requestParameters.ip\n"
                                 "  group-by: [ip]\n  timespan: 5m\n"));
  EXPECT_EQ(RunEvents(rs, {{"A", 0, "9.9.9.9"}, {"B", 5, "1.1.1.1", ",\"requestParameters\":{\"ip\":\"9.9.9.9\"}"}}),
            Alerts{"C temporal [ip=9.9.9.9;] 0..5 v=2 ev=0,1,"});
}

// ---- chaining ---------------------------------------------------------------------

TEST(ChainTest, AlertsOfACorrelationAreEventsOfTheNext) {
  // Spec example: many failed logins (a burst of A) followed by a success (B).
  auto rs = Build(Bases() +
                  "title: Burst\nname: burst\ncorrelation:\n  type: event_count\n  rules: [a]\n"
                  "  group-by: [sourceIPAddress]\n  timespan: 1m\n  condition: {gte: 2}\n---\n" +
                  Corr("temporal_ordered", "[burst, b]", "  group-by: [sourceIPAddress]\n  timespan: 5m\n", "Then"));
  ASSERT_EQ(rs->correlation_count(), 2u);
  EXPECT_TRUE(rs->correlation(0).hidden);
  EXPECT_FALSE(rs->correlation(1).hidden);
  EXPECT_EQ(rs->correlation(1).correlations[0], std::vector<uint32_t>{0});
  EXPECT_EQ(RunEvents(rs, {{"B", 0}, {"A", 10}, {"A", 20}, {"B", 100}, {"B", 400}}),
            (Alerts{"Burst event_count [sourceIPAddress=10.0.0.1;] 10..20 v=2 ev=1,2,",
                    "Then temporal_ordered [sourceIPAddress=10.0.0.1;] 20..100 v=2 ev=1,2,3,"}));
  EXPECT_EQ(RunEvents(rs, {{"B", 0}, {"A", 10}, {"A", 20}, {"B", 321}}),
            (Alerts{"Burst event_count [sourceIPAddress=10.0.0.1;] 10..20 v=2 ev=1,2,"}));
}

TEST(ChainTest, CyclesAreLeftOutWithAWarning) {
  std::vector<Diagnostic> d;
  auto rs = Build(Bases() +
                  "title: X\nname: x\ncorrelation:\n  type: temporal\n  rules: [a, y]\n"
                  "  group-by: [k]\n  timespan: 1m\n---\n"
                  "title: Y\nname: y\ncorrelation:\n  type: temporal\n  rules: [b, x]\n"
                  "  group-by: [k]\n  timespan: 1m\n",
                  &d);
  EXPECT_EQ(rs->correlation_count(), 0u);
  bool warned = false;
  for (const auto& x : d) warned |= x.message.find("references itself") != std::string::npos;
  EXPECT_TRUE(warned);
}

// ---- ordering, lateness, eviction ---------------------------------------------------

std::vector<Ev> Stream(size_t n, int64_t span_secs, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<Ev> evs;
  const char* names[] = {"A", "B", "C"};
  for (size_t i = 0; i < n; ++i) {
    Ev e{names[rng() % 3], static_cast<int64_t>(i) * span_secs / static_cast<int64_t>(n),
         "10.0.0." + std::to_string(rng() % 4)};
    evs.push_back(e);
  }
  return evs;
}

TEST(CorrelatorOrderTest, ShuffledWithinLatenessGivesTheSameAlerts) {
  auto rs = Build(Bases() + Corr("event_count", "[a]", kCount3, "Count") + "---\n" +
                  Corr("temporal_ordered", "[a, b, c]", "  group-by: [sourceIPAddress]\n  timespan: 2m\n", "Ord") +
                  "---\n" +
                  Corr("event_count", "[b]", "  group-by: [sourceIPAddress]\n  timespan: 3m\n  condition: {gte: 2, lte: 4}\n",
                       "Range") +
                  "---\ntitle: Burst\nname: burst\ncorrelation:\n  type: event_count\n  rules: [c]\n"
                  "  group-by: [sourceIPAddress]\n  timespan: 3m\n  condition: {gte: 2}\n  generate: true\n---\n" +
                  Corr("temporal_ordered", "[burst, Range]", "  group-by: [sourceIPAddress]\n  timespan: 10m\n", "Then"));
  const std::vector<Ev> evs = Stream(600, 4 * 3600, 7);  // 4 hours
  const Alerts in_order = RunEvents(rs, evs);
  ASSERT_GT(in_order.size(), 20u);
  EXPECT_GT(std::count_if(in_order.begin(), in_order.end(),
                          [](const std::string& a) { return a.rfind("Then ", 0) == 0; }),
            0);
  // Shuffle within blocks of 10 minutes: no event arrives more than 15 minutes late.
  std::mt19937 rng(1);
  for (int round = 0; round < 3; ++round) {
    std::vector<size_t> order(evs.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (size_t start = 0; start < order.size();) {
      size_t end = start;
      while (end < order.size() && evs[end].secs < evs[start].secs + 600) ++end;
      std::shuffle(order.begin() + start, order.begin() + end, rng);
      start = end;
    }
    EXPECT_EQ(RunEvents(rs, evs, {}, &order), in_order) << "round " << round;
  }
}

TEST(CorrelatorOrderTest, EventsLaterThanTheBoundAreDroppedAndCounted) {
  auto rs = Build(Bases() + Corr("event_count", "[a]", kCount3));
  Scanner scanner(rs);
  CorrelatorOptions o;
  o.lateness_ms = 60 * 1000;
  Correlator c(rs, o);
  std::vector<Match> m;
  // Watermark after the first event: 940 s. 900 and 930 are too late; 940 is not.
  for (const Ev& e : std::vector<Ev>{{"A", 1000}, {"A", 900}, {"A", 930}, {"A", 1001}}) {
    const std::string j = Json(e);
    ASSERT_TRUE(scanner.Match(j, &m).ok());
    ASSERT_TRUE(c.Add(j, m, {"f", 0}).ok());
  }
  c.Flush();
  EXPECT_EQ(c.late_events(), 2u);
  EXPECT_TRUE(c.TakeAlerts().empty());
  EXPECT_FALSE(c.Add("{\"eventName\":\"A\"}", std::vector<Match>{{&rs->rule(0), 0}}, {"f", 1}).ok());  // no eventTime
  EXPECT_TRUE(c.Add("not json", {}, {"f", 2}).ok());  // no relevant match: not even parsed
}

TEST(CorrelatorStateTest, StateStaysBoundedOnALongStream) {
  auto rs = Build(Bases() + Corr("event_count", "[a, b]", "  group-by: [sourceIPAddress]\n  timespan: 1m\n  condition: {gte: 1000}\n") +
                  "---\n" +
                  Corr("value_avg", "[c]", "  group-by: [sourceIPAddress]\n  timespan: 1m\n  condition: {field: n, gt: 0}\n",
                       "Avg"));
  Scanner scanner(rs);
  CorrelatorOptions o;
  o.lateness_ms = 30 * 1000;
  Correlator c(rs, o);
  std::vector<Match> m;
  size_t max_state = 0;
  const char* names[] = {"A", "B", "C"};
  // 100000 events, one a second (27 hours), each from a new address every 500 events.
  for (int64_t i = 0; i < 100000; ++i) {
    Ev e{names[i % 3], i, "10." + std::to_string(i / 500 % 256) + ".0." + std::to_string(i / 128000), ",\"n\":1"};
    const std::string j = Json(e);
    ASSERT_TRUE(scanner.Match(j, &m).ok());
    ASSERT_TRUE(c.Add(j, m, {"f", static_cast<uint64_t>(i)}).ok());
    max_state = std::max(max_state, c.StateSize());
  }
  // At most lateness (30 s) of buffered events plus one or two minutes of window state.
  EXPECT_LT(max_state, 250u);
  c.Flush();
  EXPECT_EQ(c.late_events(), 0u);
  const auto alerts = c.TakeAlerts();
  EXPECT_GT(alerts.size(), 1000u);  // value_avg: one per closed one-minute window
}

// ---- corpora ------------------------------------------------------------------------

TEST(CorrelationCorpusTest, SpecExamplesLoadAndRunWithTheirBaseRules) {
  VIGIL_SKIP_WITHOUT_SHARED("corpus/sigma");
  // The examples reference rules that are not part of them; supply base rules with
  // those ids / names, and events that match them.
  const std::string base =
      "title: failed\nid: 5638f7c0-ac70-491d-8465-2a65075e0d86\ndetection:\n  s:\n    EventID: 4625\n  condition: s\n---\n"
      "title: ra\nname: recon_cmd_a\ndetection:\n  s:\n    cmd: a\n  condition: s\n---\n"
      "title: rb\nname: recon_cmd_b\ndetection:\n  s:\n    cmd: b\n  condition: s\n---\n"
      "title: rc\nname: recon_cmd_c\ndetection:\n  s:\n    cmd: c\n  condition: s\n---\n"
      "title: web\nname: website_access\ndetection:\n  s:\n    cmd: web\n  condition: s\n---\n"
      "title: avg\nname: rule_a_id\ndetection:\n  s:\n    cmd: web\n  condition: s\n---\n"
      "title: proc\nname: process_creation\ndetection:\n  s:\n    cmd: proc\n  condition: s\n";
  for (const char* f : {"correlation_event_count.yml", "correlation_value_count.yml", "correlation_temporal.yml",
                        "correlation_temporal_ordered.yml", "correlation_value_sum.yml", "correlation_value_avg.yml",
                        "correlation_value_percentile.yml", "correlation_event_count_ecs.yml"}) {
    RuleSetBuilder b;
    b.AddYaml(base, "base.yml");
    b.AddPath(kCorpus + "/spec-examples/" + f);
    auto rs = b.Build();
    EXPECT_FALSE(b.has_errors()) << f;
    EXPECT_EQ(rs->correlation_count(), 1u) << f;
  }
  RuleSetBuilder b;
  b.AddYaml(base, "base.yml");
  b.AddPath(kCorpus + "/spec-examples/correlation_temporal_ordered.yml");
  auto rs = b.Build();
  Scanner scanner(rs);
  Correlator c(rs);
  std::vector<Match> m;
  const char* cmds[] = {"a", "b", "c"};
  for (int i = 0; i < 3; ++i) {
    const std::string j = std::string("{\"cmd\":\"") + cmds[i] + "\",\"ComputerName\":\"pc\",\"User\":\"bob\",\"@timestamp\":\"" +
                          Iso(i * 60) + "\"}";
    ASSERT_TRUE(scanner.Match(j, &m, EventKind::kAny).ok());
    ASSERT_TRUE(c.Add(j, m, {"e", static_cast<uint64_t>(i)}).ok());
  }
  c.Flush();
  auto alerts = c.TakeAlerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(Describe(alerts[0]), "Recon ordered temporal_ordered [ComputerName=pc;User=bob;] 0..120 v=3 ev=0,1,2,");
}

// Keeps the alerts of a scan that correlates (ScanOptions::correlator).
class AlertSink : public ScanSink {
 public:
  bool OnRecord(const Record&, std::span<const vigil::Match>) override { return true; }
  void OnError(const InputError&) override {}
  bool OnAlert(const CorrelationAlert& a) override {
    alerts.push_back(a);
    return true;
  }
  std::vector<CorrelationAlert> alerts;
};

TEST(CorrelationCorpusTest, SuzakuBundlesLoadAndRunOnTheExampleLogs) {
  VIGIL_SKIP_WITHOUT_SHARED("corpus/sigma");
  RuleSetBuilder b;
  b.AddPath(kCorpus + "/suzaku-cloudtrail");
  auto rs = b.Build();
  EXPECT_FALSE(b.has_errors());
  EXPECT_EQ(rs->correlation_count(), 5u);
  for (size_t i = 0; i < rs->size(); ++i) {
    // The two AWS SSO rules are stand-alone detections; the others are base rules.
    EXPECT_EQ(rs->suppressed(i), rs->rule(i).title.rfind("AWS SSO", 0) != 0) << rs->rule(i).title;
  }
  Scanner scanner(rs);
  CorrelatorOptions o;
  o.lateness_ms = std::numeric_limits<int64_t>::max();
  Correlator c(rs, o);
  AlertSink sink;
  ScanOptions so;
  so.correlator = &c;
  const ScanStats st = ScanInputs(scanner, {std::string(VIGIL_SOURCE_DIR) + "/examples/logs"}, so, &sink);
  EXPECT_EQ(st.alerts, sink.alerts.size());
  EXPECT_EQ(st.correlation_errors, 0u);
  std::vector<std::string> titles;
  for (const auto& a : sink.alerts) titles.push_back(a.rule->info.title + " " + std::to_string(a.events.size()));
  std::sort(titles.begin(), titles.end());
  EXPECT_EQ(titles, (std::vector<std::string>{"Many Failed Logins 3", "Many Failed Logins 3",
                                              "S3 Enum After GetCallerIdentity 2",
                                              "S3 Enum After GetCallerIdentity 2"}));
}

}  // namespace
}  // namespace vigil
