// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: the bytes are a stream of events, one JSON object per line, matched by a
// Scanner and fed to a Correlator over a fixed set of correlation rules (event_count,
// temporal, temporal_ordered, value_count, value_sum, value_avg, value_median,
// value_percentile and first_seen, eager and anchored, one chained). The first byte picks
// the lateness bound. Event times, group values and field values are attacker-chosen, so
// no stream may crash, hang or leak; after Flush nothing may stay in the reorder buffer.
//
// Time outliers: bit 2 of the first byte adds, after every third event, a copy of it
// dated 2099 (past the max_future horizon of the fixed clock) and a copy whose time
// cannot be read. Neither may change what the correlator does with the other events:
// the alerts and the baseline it writes are those of the stream without the copies,
// and no copy is among an alert's events.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "vigil/vigil.h"

namespace {

std::string Base(const std::string& name, const std::string& event_name) {
  return "title: Rule " + name + "\nname: " + name +
         "\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  sel:\n    eventName: " +
         event_name + "\n  condition: sel\n---\n";
}

std::string Corr(const std::string& name, const std::string& type, const std::string& rules,
                 const std::string& body) {
  return "title: " + name + "\nname: " + name + "\ncorrelation:\n  type: " + type +
         "\n  rules: " + rules + "\n" + body + "---\n";
}

std::shared_ptr<const vigil::RuleSet> LoadRules() {
  const std::string g = "  group-by: [sourceIPAddress]\n";
  const std::string yaml =
      Base("a", "A") + Base("b", "B") + Base("c", "C") +
      Corr("count", "event_count", "[a, b]", g + "  timespan: 1m\n  condition: {gte: 3}\n") +
      Corr("quiet", "event_count", "[c]", g + "  timespan: 2m\n  condition: {lt: 2}\n") +
      Corr("order", "temporal_ordered", "[a, b, c]",
           "  group-by: [userIdentity.userName]\n  timespan: 5m\n") +
      Corr("any2", "temporal", "[a, c]", g + "  timespan: 30s\n") +
      Corr("agents", "value_count", "[a, b]",
           g + "  timespan: 10m\n  condition: {field: userAgent, gte: 2}\n") +
      Corr("few", "value_count", "[b]",
           "  timespan: 1h\n  condition: {field: [awsRegion, userAgent], lte: 1}\n") +
      Corr("sum", "value_sum", "[c]", g + "  timespan: 1m\n  condition: {field: bytes, gt: 100}\n") +
      Corr("avg", "value_avg", "[c]", g + "  timespan: 1m\n  condition: {field: bytes, gte: 10}\n") +
      Corr("median", "value_median", "[a]", "  timespan: 1m\n  condition: {field: bytes, neq: 0}\n") +
      Corr("pct", "value_percentile", "[a, b]",
           "  timespan: 5m\n  condition: {field: userAgent, lte: 20}\n") +
      Corr("pct90", "value_percentile", "[c]",
           "  timespan: 5m\n  condition: {field: bytes, percentile: 90, gte: 5}\n") +
      Corr("new", "first_seen", "[a]",
           g + "  timespan: 1h\n  learning: 2m\n  condition: {field: userAgent}\n") +
      "title: chained\nname: chained\ncorrelation:\n  type: temporal_ordered\n"
      "  rules: [count, c]\n" + g + "  timespan: 5m\n";
  vigil::RuleSetBuilder builder;
  builder.AddYaml(yaml, "correlations.yml");
  std::shared_ptr<const vigil::RuleSet> rules = builder.Build();
  if (builder.has_errors() || rules->correlation_count() != 13) {
    std::string why = "the fixed correlation rules do not load:";
    for (const vigil::Diagnostic& d : builder.diagnostics()) why += "\n" + d.ToString();
    vigil::fuzz::Fail(why);
  }
  return rules;
}

// An alert as comparable text: rule, window, value, group and events.
std::string AlertKey(const vigil::CorrelationAlert& a) {
  std::string k = a.rule->info.title + " " + std::to_string(a.window_start) + "-" +
                  std::to_string(a.window_end) + " " + std::to_string(a.value) + " [";
  for (const auto& [field, value] : a.group) k += field + "=" + (value ? *value : "null") + ",";
  k += "] ";
  for (const vigil::EventRef& e : a.events) k += e.file + ":" + std::to_string(e.record) + " ";
  return k;
}

// `line` with the value of its first "eventTime" string replaced by `time` (JSON text),
// or empty when it has none. Its other time fields ("@timestamp", which the correlator
// reads when eventTime is missing or unreadable) are renamed away, so that the copy
// has no other time to fall back on.
std::string WithTime(std::string_view line, std::string_view time) {
  const std::string_view key = "\"eventTime\":\"";
  const size_t at = line.find(key);
  if (at == std::string_view::npos) return std::string();
  const size_t begin = at + key.size() - 1;  // the opening quote
  const size_t end = line.find('"', begin + 1);
  if (end == std::string_view::npos) return std::string();
  std::string copy =
      std::string(line.substr(0, begin)) + std::string(time) + std::string(line.substr(end + 1));
  for (size_t p = copy.find("@timestamp"); p != std::string::npos; p = copy.find("@timestamp", p)) {
    copy[p] = '_';
  }
  return copy;
}

struct Run {
  std::vector<std::string> alerts;
  std::string baseline;
  uint64_t future = 0, untimed = 0;
};

Run Correlate(const std::shared_ptr<const vigil::RuleSet>& rules, vigil::Scanner& scanner,
              const vigil::CorrelatorOptions& options, std::string_view rest, bool outliers) {
  vigil::Correlator correlator(rules, options);
  std::vector<vigil::Match> matches;
  uint64_t record = 0, forged = 0;
  Run run;
  auto take = [&] {
    for (const vigil::CorrelationAlert& alert : correlator.TakeAlerts()) {
      if (alert.rule == nullptr) vigil::fuzz::Fail("alert without a rule");
      if (alert.window_start > alert.window_end) vigil::fuzz::Fail("alert window ends before it starts");
      if (alert.events.empty()) vigil::fuzz::Fail("alert without events");
      for (const vigil::EventRef& e : alert.events) {
        if (e.file != "fuzz") vigil::fuzz::Fail("a time outlier is among an alert's events");
      }
      run.alerts.push_back(AlertKey(alert));
    }
  };
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!scanner.Match(line, &matches).ok()) continue;
    (void)correlator.Add(line, matches, vigil::EventRef{"fuzz", record++});
    if (outliers && record % 3 == 0) {
      for (const char* time : {"\"2099-01-01T00:00:00Z\"", "\"not a time\""}) {
        const std::string copy = WithTime(line, time);
        if (copy.empty() || !scanner.Match(copy, &matches).ok()) continue;
        (void)correlator.Add(copy, matches, vigil::EventRef{"forged", forged++});
      }
    }
    if (record % 8 == 0) take();
  }
  correlator.Flush();
  take();
  (void)correlator.StateSize();
  run.baseline = correlator.SerializeBaseline();
  run.baseline.erase(0, run.baseline.find('\n'));  // the header holds the save time
  run.future = correlator.future_events();
  run.untimed = correlator.untimed_events();
  return run;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const vigil::RuleSet> rules = LoadRules();
  static vigil::Scanner scanner(rules);
  if (size == 0) return 0;

  vigil::CorrelatorOptions options;
  // A fixed clock: the max_future horizon (1 day past it) does not depend on the day.
  options.now_ms = 1767225600000;  // 2026-01-01
  switch (data[0] % 4) {
    case 0: options.lateness_ms = 0; break;
    case 1: options.lateness_ms = 60 * 1000; break;
    case 2: options.lateness_ms = 15 * 60 * 1000; break;
    default: options.lateness_ms = std::numeric_limits<int64_t>::max(); break;
  }
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Run plain = Correlate(rules, scanner, options, rest, /*outliers=*/false);
  if (!(data[0] & 4)) return 0;
  const Run forged = Correlate(rules, scanner, options, rest, /*outliers=*/true);
  if (forged.alerts != plain.alerts) {
    std::string why = "time outliers changed the alerts:\n without:";
    for (const std::string& a : plain.alerts) why += "\n  " + a;
    why += "\n with:";
    for (const std::string& a : forged.alerts) why += "\n  " + a;
    vigil::fuzz::Fail(why);
  }
  if (forged.baseline != plain.baseline) {
    vigil::fuzz::Fail("time outliers changed the baseline:\n" + plain.baseline + "---\n" + forged.baseline);
  }
  if (forged.future < plain.future || forged.untimed < plain.untimed) {
    vigil::fuzz::Fail("outliers added to the stream were not counted");
  }
  return 0;
}
