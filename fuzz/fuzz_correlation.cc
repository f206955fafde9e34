// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: the bytes are a stream of events, one JSON object per line, matched by a
// Scanner and fed to a Correlator over a fixed set of correlation rules (event_count,
// temporal, temporal_ordered, value_count, value_sum, value_avg, value_median,
// value_percentile and first_seen, eager and anchored, one chained). The first byte picks
// the lateness bound. Event times, group values and field values are attacker-chosen, so
// no stream may crash, hang or leak; after Flush nothing may stay in the reorder buffer.
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

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const vigil::RuleSet> rules = LoadRules();
  static vigil::Scanner scanner(rules);
  if (size == 0) return 0;

  vigil::CorrelatorOptions options;
  switch (data[0] % 4) {
    case 0: options.lateness_ms = 0; break;
    case 1: options.lateness_ms = 60 * 1000; break;
    case 2: options.lateness_ms = 15 * 60 * 1000; break;
    default: options.lateness_ms = std::numeric_limits<int64_t>::max(); break;
  }
  vigil::Correlator correlator(rules, options);

  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<vigil::Match> matches;
  uint64_t record = 0;
  while (!rest.empty()) {
    const size_t nl = rest.find('\n');
    const std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    if (!scanner.Match(line, &matches).ok()) continue;
    (void)correlator.Add(line, matches, vigil::EventRef{"fuzz", record++});
    if (record % 8 == 0) (void)correlator.TakeAlerts();
  }
  correlator.Flush();
  for (const vigil::CorrelationAlert& alert : correlator.TakeAlerts()) {
    if (alert.rule == nullptr) vigil::fuzz::Fail("alert without a rule");
    if (alert.window_start > alert.window_end) vigil::fuzz::Fail("alert window ends before it starts");
    if (alert.events.empty()) vigil::fuzz::Fail("alert without events");
  }
  (void)correlator.StateSize();
  (void)correlator.SerializeBaseline();
  return 0;
}
