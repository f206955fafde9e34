// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: the bytes are a first_seen baseline file (docs/first-seen.md), which a
// scan reads before it starts and writes back after it: anyone who can write the file
// (a shared folder, a restored backup) chooses it. Restored into a Correlator over
// first_seen rules (one and two fields, with and without group-by):
//   - a baseline that loads is written back, and that text loads again and is written
//     back identically (ignoring the header's save time): nothing learned is lost or
//     changed by a round trip;
//   - the text vigil writes ends with its end line, and every shorter text cut at a
//     line boundary is refused (truncation is detected);
//   - a baseline that does not load leaves the correlator usable: events are still
//     learned and written out;
// and nothing may crash, hang or grow without bound (max_baseline_bytes is lowered).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "vigil/vigil.h"

namespace {

std::shared_ptr<const vigil::RuleSet> LoadRules() {
  const std::string yaml =
      "title: Rule a\nname: a\nlogsource: {product: aws, service: cloudtrail}\n"
      "detection:\n  sel:\n    eventName: A\n  condition: sel\n---\n"
      "title: new agent\nid: 5b6c1f2e-0000-4000-8000-000000000001\ncorrelation:\n"
      "  type: first_seen\n  rules: [a]\n  group-by: [sourceIPAddress]\n  timespan: 1h\n"
      "  learning: 2m\n  condition: {field: userAgent}\n---\n"
      "title: new pair\nname: pair\ncorrelation:\n  type: first_seen\n  rules: [a]\n"
      "  timespan: 30d\n  condition: {field: [awsRegion, userIdentity.userName]}\n";
  vigil::RuleSetBuilder builder;
  builder.AddYaml(yaml, "first_seen.yml");
  std::shared_ptr<const vigil::RuleSet> rules = builder.Build();
  if (builder.has_errors() || rules->correlation_count() != 2) {
    std::string why = "the fixed first_seen rules do not load:";
    for (const vigil::Diagnostic& d : builder.diagnostics()) why += "\n" + d.ToString();
    vigil::fuzz::Fail(why);
  }
  return rules;
}

vigil::CorrelatorOptions Options() {
  vigil::CorrelatorOptions o;
  o.now_ms = 1767225600000;          // 2026-01-01: runs do not depend on the day
  o.max_baseline_bytes = 1u << 20;
  return o;
}

// The text without its first line (the header, which carries the save time).
std::string_view Body(std::string_view text) {
  const size_t nl = text.find('\n');
  return nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
}

void Learn(vigil::Scanner& scanner, vigil::Correlator& c) {
  static const char* kEvents[] = {
      R"({"eventName":"A","eventTime":"2025-12-31T10:00:00Z","sourceIPAddress":"10.0.0.1","userAgent":"x","awsRegion":"us-east-1","userIdentity":{"userName":"bob"}})",
      R"({"eventName":"A","eventTime":"2025-12-31T11:30:00Z","sourceIPAddress":"10.0.0.1","userAgent":"y\u2028","awsRegion":"eu-west-1","userIdentity":{"userName":"eve"}})",
  };
  std::vector<vigil::Match> matches;
  uint64_t record = 0;
  for (const char* e : kEvents) {
    if (!scanner.Match(e, &matches).ok()) vigil::fuzz::Fail("a fixed event does not parse");
    (void)c.Add(e, matches, vigil::EventRef{"fuzz", record++});
  }
  c.Flush();
  (void)c.TakeAlerts();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const vigil::RuleSet> rules = LoadRules();
  static vigil::Scanner scanner(rules);
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  vigil::Correlator first(rules, Options());
  const vigil::Status loaded = first.RestoreBaseline(text, "fuzz.baseline");
  if (!loaded.ok()) {
    if (loaded.message().empty()) vigil::fuzz::Fail("a refused baseline gives no reason");
    Learn(scanner, first);
    if (first.SerializeBaseline().empty()) vigil::fuzz::Fail("nothing written after a refusal");
    return 0;
  }

  const std::string once = first.SerializeBaseline();
  vigil::Correlator second(rules, Options());
  const vigil::Status again = second.RestoreBaseline(once, "written.baseline");
  if (!again.ok()) {
    vigil::fuzz::Fail("vigil does not load the baseline it wrote: " + again.message() + "\n" + once);
  }
  const std::string twice = second.SerializeBaseline();
  if (Body(once) != Body(twice)) {
    vigil::fuzz::Fail("a baseline changed in a round trip:\n" + once + "---\n" + twice);
  }

  // Every cut at a line boundary of what vigil wrote is refused.
  for (size_t nl = once.find('\n'); nl != std::string::npos && nl + 1 < once.size();
       nl = once.find('\n', nl + 1)) {
    vigil::Correlator cut(rules, Options());
    if (cut.RestoreBaseline(std::string_view(once).substr(0, nl + 1), "cut.baseline").ok()) {
      vigil::fuzz::Fail("a baseline cut after " + std::to_string(nl + 1) + " of " +
                        std::to_string(once.size()) + " bytes was accepted:\n" + once);
    }
  }

  // What was loaded still learns.
  Learn(scanner, second);
  (void)second.SerializeBaseline();
  return 0;
}
