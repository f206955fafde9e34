// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Correlation paths issue 13 found never exercised: a numeric eventTime (unix seconds or
// milliseconds) and first_seen over several fields (the combination is the value).

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

#include "vigil/vigil.h"

namespace vigil {
namespace {

constexpr int64_t kBase = 1704067200000;  // 2024-01-01T00:00:00Z in unix ms

std::shared_ptr<const RuleSet> Rules(const std::string& correlation) {
  RuleSetBuilder b;
  b.AddYaml("title: Rule a\nname: a\nlogsource: {product: aws, service: cloudtrail}\n"
            "detection:\n  sel: {eventName: A}\n  condition: sel\n---\n" + correlation,
            "t.yml");
  for (const auto& d : b.diagnostics()) {
    if (d.severity == Severity::kError) ADD_FAILURE() << d.ToString();
  }
  return b.Build();
}

std::string Describe(const CorrelationAlert& a) {
  std::ostringstream s;
  s << "[";
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

std::vector<std::string> Correlate(const std::shared_ptr<const RuleSet>& rs, const std::vector<std::string>& events) {
  Scanner scanner(rs);
  Correlator corr(rs);
  std::vector<Match> m;
  std::vector<std::string> out;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_TRUE(scanner.Match(events[i], &m).ok()) << events[i];
    const Status s = corr.Add(events[i], m, {"f", i});
    EXPECT_TRUE(s.ok()) << s.message();
    for (const auto& a : corr.TakeAlerts()) out.push_back(Describe(a));
  }
  corr.Flush();
  for (const auto& a : corr.TakeAlerts()) out.push_back(Describe(a));
  return out;
}

std::string Event(const std::string& time_json, const std::string& extra = "") {
  return "{\"eventSource\":\"x.amazonaws.com\",\"eventName\":\"A\",\"eventTime\":" + time_json +
         ",\"sourceIPAddress\":\"10.0.0.1\"" + extra + "}";
}

// eventTime as unix seconds, as unix milliseconds, and as ISO text: the same instants,
// the same windows. 1704067200 is 2024-01-01T00:00:00Z.
TEST(CorrelationUntestedPathsTest, NumericEventTimeIsUnixSecondsOrMilliseconds) {
  auto rs = Rules("title: C\ncorrelation:\n  type: event_count\n  rules: [a]\n"
                  "  group-by: [sourceIPAddress]\n  timespan: 5m\n  condition: {gte: 3}\n");
  const std::vector<std::string> want = {"[sourceIPAddress=10.0.0.1;] 0..300 v=3 ev=0,1,2,"};
  EXPECT_EQ(Correlate(rs, {Event("1704067200"), Event("1704067350"), Event("1704067500")}), want);
  EXPECT_EQ(Correlate(rs, {Event("1704067200000"), Event("1704067350000"), Event("1704067500000")}), want);
  EXPECT_EQ(Correlate(rs, {Event("\"2024-01-01T00:00:00Z\""), Event("1704067350"), Event("1704067500000.0")}), want);
  // One second more and the first event is out of the window.
  EXPECT_EQ(Correlate(rs, {Event("1704067200"), Event("1704067350"), Event("1704067501")}),
            std::vector<std::string>{});
}

// first_seen with a list of fields: the combination is the value. Learning 0s: every
// combination not yet known alerts; an event lacking one of the fields is ignored.
TEST(CorrelationUntestedPathsTest, FirstSeenOverSeveralFieldsTracksTheCombination) {
  auto rs = Rules("title: C\ncorrelation:\n  type: first_seen\n  rules: [a]\n"
                  "  group-by: [userIdentity.arn]\n  timespan: 1d\n"
                  "  condition:\n    field: [sourceIPAddress, userAgent]\n");
  const auto ev = [](int secs, const std::string& ip, const std::string& ua) {
    std::string j = "{\"eventSource\":\"x.amazonaws.com\",\"eventName\":\"A\",\"eventTime\":" +
                    std::to_string(1704067200 + secs) + ",\"userIdentity\":{\"arn\":\"u1\"}";
    if (!ip.empty()) j += ",\"sourceIPAddress\":\"" + ip + "\"";
    if (!ua.empty()) j += ",\"userAgent\":\"" + ua + "\"";
    return j + "}";
  };
  EXPECT_EQ(Correlate(rs, {ev(0, "1.1.1.1", "cli"), ev(10, "1.1.1.1", "cli"), ev(20, "1.1.1.1", "console"),
                     ev(30, "2.2.2.2", "cli"), ev(40, "2.2.2.2", ""), ev(50, "2.2.2.2", "cli")}),
            (std::vector<std::string>{
                "[userIdentity.arn=u1;] 0..0 v=0 ev=0, {sourceIPAddress=1.1.1.1;userAgent=cli;}",
                "[userIdentity.arn=u1;] 20..20 v=1 ev=2, {sourceIPAddress=1.1.1.1;userAgent=console;}",
                "[userIdentity.arn=u1;] 30..30 v=2 ev=3, {sourceIPAddress=2.2.2.2;userAgent=cli;}"}));
}

}  // namespace
}  // namespace vigil
