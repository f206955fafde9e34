// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The memory bound of correlation state (CorrelatorOptions::max_held_events and the
// first_seen bound within max_baseline_bytes; docs/limits.md, "Memory bound"). A stream
// of events that all share one time, or that each open a group of their own, used to
// grow the reorder buffer and the windows without limit (1M failed logins: 0.8-1.2 GB).
// Now the state never holds more than the bound after an Add, every degradation is
// counted, and a time-sorted stream whose windows fit is correlated exactly as without
// the bound.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "vigil/vigil.h"

namespace vigil {
namespace {

std::shared_ptr<const RuleSet> Build(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml, "bound.yml");
  auto rs = b.Build();
  for (const auto& d : rs->diagnostics()) ADD_FAILURE() << d.ToString();
  return rs;
}

// Failed logins: 5 for one user within 10 s, and a first_seen on the source address
// per user (no learning period).
const char* kRules =
    "title: Failed\nname: Failed\nid: 20000000-0000-4000-8000-000000000001\n"
    "detection:\n  s:\n    eventName: ConsoleLogin\n  condition: s\n---\n"
    "title: Burst\nid: 20000000-0000-4000-8000-000000000002\ncorrelation:\n  type: event_count\n"
    "  rules: [Failed]\n  group-by: [user]\n  timespan: 10s\n  condition: {gte: 5}\n---\n"
    "title: New address\nid: 20000000-0000-4000-8000-000000000003\ncorrelation:\n  type: "
    "first_seen\n"
    "  rules: [Failed]\n  group-by: [user]\n  timespan: 30d\n  condition: {field: ip}\n";

std::string Login(int64_t ms, const std::string& user, const std::string& ip = "192.0.2.1") {
  return "{\"eventName\":\"ConsoleLogin\",\"eventTime\":" + std::to_string(ms) + ",\"user\":\"" + user +
         "\",\"ip\":\"" + ip + "\"}";
}

constexpr int64_t kT0 = 1704153600000;  // 2024-01-02T00:00:00Z

struct Outcome {
  std::vector<std::string> alerts;  // "title group-value count"
  size_t max_state = 0;             // the largest StateSize() after an Add
};

Outcome Feed(const std::shared_ptr<const RuleSet>& rs, Correlator& c, const std::vector<std::string>& events) {
  Scanner scanner(rs);
  std::vector<Match> m;
  Outcome out;
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_TRUE(scanner.Match(events[i], &m, EventKind::kAny).ok());
    EXPECT_TRUE(c.Add(events[i], m, {"events.jsonl", i}).ok());
    out.max_state = std::max(out.max_state, c.StateSize());
  }
  c.Flush();
  for (const auto& a : c.TakeAlerts()) {
    out.alerts.push_back(a.rule->info.title + " " + a.group[0].second.value_or("-") + " " +
                         std::to_string(static_cast<int>(a.value)));
  }
  return out;
}

CorrelatorOptions Bounded(size_t events) {
  CorrelatorOptions o;
  o.max_future_ms = INT64_MAX;
  o.max_held_events = events;
  return o;
}

TEST(CorrelationStateBoundTest, OneTimeForEveryEventKeepsTheBufferBounded) {
  // 10,000 logins of one user at one instant: the watermark never passes them, so the
  // whole stream used to wait in the reorder buffer until the end.
  auto rs = Build(kRules);
  std::vector<std::string> events;
  for (int i = 0; i < 10000; ++i) events.push_back(Login(kT0, "alice"));
  Correlator bounded(rs, Bounded(100));
  const Outcome got = Feed(rs, bounded, events);
  EXPECT_LE(got.max_state, 100u);
  EXPECT_EQ(bounded.early_events(), 10000u - 50u);
  EXPECT_EQ(bounded.late_events(), 0u);  // same time: none is older than what went early
  EXPECT_EQ(bounded.evicted_events(), 0u);  // every fifth login alerts and clears its window
  // Nothing is lost: the same alerts as a Correlator with room for everything.
  Correlator roomy(rs, Bounded(1000000));
  const Outcome want = Feed(rs, roomy, events);
  EXPECT_GT(want.max_state, 9000u);
  EXPECT_EQ(got.alerts, want.alerts);
  EXPECT_EQ(got.alerts.size(), 2000u + 1u);  // 2,000 bursts and one new address
}

TEST(CorrelationStateBoundTest, ASortedStreamWhoseWindowsFitIsCorrelatedExactly) {
  // One login a second for 2 users over 2,000 s: the 15-minute reorder buffer would
  // hold 900 events; at a bound of 64 the oldest go early, and since the stream is
  // sorted none is late and every alert is the same.
  auto rs = Build(kRules);
  std::vector<std::string> events;
  for (int i = 0; i < 2000; ++i) events.push_back(Login(kT0 + i * 1000, "user" + std::to_string(i % 2)));
  Correlator bounded(rs, Bounded(64));
  Correlator roomy(rs, Bounded(1000000));
  const Outcome got = Feed(rs, bounded, events);
  const Outcome want = Feed(rs, roomy, events);
  EXPECT_LE(got.max_state, 64u);
  EXPECT_GT(bounded.early_events(), 1900u);
  EXPECT_EQ(bounded.late_events(), 0u);
  EXPECT_EQ(bounded.evicted_events(), 0u);
  EXPECT_EQ(got.alerts, want.alerts);
  EXPECT_GT(got.alerts.size(), 100u);
}

TEST(CorrelationStateBoundTest, AnEventOlderThanOneProcessedEarlyIsLate) {
  auto rs = Build(kRules);
  std::vector<std::string> events;
  for (int i = 0; i < 10; ++i) events.push_back(Login(kT0 + i * 1000, "alice"));
  events.push_back(Login(kT0 + 500, "alice"));  // older than events already processed early
  Correlator bounded(rs, Bounded(4));
  Feed(rs, bounded, events);
  EXPECT_EQ(bounded.late_events(), 1u);
  EXPECT_GT(bounded.early_events(), 0u);
}

TEST(CorrelationStateBoundTest, AGroupPerEventIsShedAndCounted) {
  // Every event opens a group of its own (a new user each time, one instant): the
  // windows are shed, never grown past the bound, and the drops are counted.
  auto rs = Build(kRules);
  std::vector<std::string> events;
  for (int i = 0; i < 5000; ++i) events.push_back(Login(kT0, "u" + std::to_string(i)));
  Correlator bounded(rs, Bounded(200));
  const Outcome got = Feed(rs, bounded, events);
  EXPECT_LE(got.max_state, 200u);
  EXPECT_GT(bounded.evicted_events(), 4000u);
  EXPECT_EQ(bounded.late_events(), 0u);
  // first_seen is not window state: each user's first address is still new.
  size_t new_address = 0;
  for (const auto& a : got.alerts) new_address += a.rfind("New address ", 0) == 0;
  EXPECT_EQ(new_address, 5000u);
}

TEST(CorrelationStateBoundTest, TheBaselineLearnsOnlyWhatASavedFileCanHold) {
  // A 64 KiB baseline learns about half of that, then stops learning and counts what it
  // could not learn; a value not learned alerts as new every time it is seen, and the
  // saved text stays within the limit, so it can be restored.
  auto rs = Build(kRules);
  CorrelatorOptions o = Bounded(1000000);
  o.max_baseline_bytes = 64 << 10;
  std::vector<std::string> events;
  for (int i = 0; i < 2000; ++i) events.push_back(Login(kT0 + i, "alice", "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250)));
  events.push_back(Login(kT0 + 5000, "alice", "10.0.7.249"));  // the last address again
  events.push_back(Login(kT0 + 5001, "alice", "10.0.0.0"));    // the first address again
  Correlator c(rs, o);
  const Outcome got = Feed(rs, c, events);
  EXPECT_GT(c.unlearned_values(), 0u);
  EXPECT_LT(c.unlearned_values(), 2000u);
  EXPECT_EQ(c.BaselineSize() + c.unlearned_values(), 2000u + 1u);  // the last one not learned twice
  size_t new_address = 0;
  for (const auto& a : got.alerts) new_address += a.rfind("New address ", 0) == 0;
  EXPECT_EQ(new_address, 2000u + 1u);  // the unlearned address again; the learned one is known
  const std::string text = c.SerializeBaseline();
  EXPECT_LE(text.size(), o.max_baseline_bytes);
  EXPECT_GT(text.size(), o.max_baseline_bytes / 4);
  Correlator again(rs, o);
  ASSERT_TRUE(again.RestoreBaseline(text, "saved").ok());
  EXPECT_EQ(again.BaselineSize(), c.BaselineSize());
}

}  // namespace
}  // namespace vigil
