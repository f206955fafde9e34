// A downstream project: uses only the installed headers and library, and calls every
// function the public headers declare out of line (run_install_test.cmake checks that
// each function libvigil exports is referenced here). A function declared in a public
// header but not exported from the shared library fails this program's link: that is
// what this test is for, so a new public function belongs here too.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <unistd.h>

#include <vigil/vigil.h>

namespace {

int failures = 0;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "FAILED: %s\n", what);
    ++failures;
  }
}

void Write(const std::filesystem::path& p, const std::string& text) {
  std::ofstream(p, std::ios::binary) << text;
}

constexpr char kStopLogging[] = R"({"eventVersion":"1.08","eventTime":"2026-01-01T00:00:00Z",)"
                                R"("eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging",)"
                                R"("userIdentity":{"arn":"arn:aws:iam::1:user/a"}})";

constexpr char kRule[] = R"(title: Trail stopped
id: 0b7a1f3e-5d2c-4b1a-9f00-000000000001
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    eventName: StopLogging
  condition: sel
tests:
  - name: stop
    expect: match
    event: {eventName: StopLogging}
)";

constexpr char kCorrelation[] = R"(title: Two stops
correlation:
  type: event_count
  rules: [0b7a1f3e-5d2c-4b1a-9f00-000000000001]
  group-by: [userIdentity.arn]
  timespan: 10m
  condition: {gte: 2}
)";

constexpr char kFirstSeen[] = R"(title: First stop by a principal
correlation:
  type: first_seen
  rules: [0b7a1f3e-5d2c-4b1a-9f00-000000000001]
  group-by: [userIdentity.arn]
  timespan: 90d
  condition: {field: eventName}
)";

class CountingSink : public vigil::RecordSink {
 public:
  bool OnRecord(const vigil::Record&) override { return ++records > 0; }
  void OnError(const vigil::InputError&) override { ++errors; }
  int records = 0;
  int errors = 0;
};

class MatchSink : public vigil::ScanSink {
 public:
  bool OnRecord(const vigil::Record& record, std::span<const vigil::Match> matches) override {
    for (const vigil::Match& m : matches) {
      if (!OnMatch(record, m)) return false;
    }
    return true;
  }
  bool OnMatch(const vigil::Record& record, const vigil::Match& m) {
    titles.push_back(m.rule->title);
    for (const vigil::CapturedFields::Value& v : record.fields) fields.push_back(v.text);
    return true;
  }
  void OnError(const vigil::InputError&) override { ++errors; }
  bool OnAlert(const vigil::CorrelationAlert& a) override {
    alerts.push_back(a.rule->info.title);
    return true;
  }
  std::vector<std::string> titles;
  std::vector<std::string> fields;  // Record::fields' texts
  std::vector<std::string> alerts;
  int errors = 0;
};

}  // namespace

int main() {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("vigil-consumer-" + std::to_string(::getpid()));
  fs::create_directories(dir / "rules");
  Write(dir / "rules" / "stop.yml", kRule);
  Write(dir / "rules" / "two_stops.yml", kCorrelation);
  Write(dir / "rules" / "first_stop.yml", kFirstSeen);
  Write(dir / "events.ndjson", std::string(kStopLogging) + "\n" + kStopLogging + "\n");
  Write(dir / "vars.yml", "vars:\n  admins: [alice, bob]\n");

  // Rules: builder, files, folders, strings, placeholders, diagnostics.
  vigil::CompileOptions options;
  Check(vigil::LoadPlaceholderFile((dir / "vars.yml").string(), &options.placeholders).ok(),
        "LoadPlaceholderFile");
  Check(options.placeholders["admins"].size() == 2, "LoadPlaceholderFile values");
  vigil::RuleSetBuilder builder(options);
  builder.AddPath((dir / "rules").string());
  builder.AddFile((dir / "rules" / "stop.yml").string());  // the same id twice: a diagnostic
  builder.AddYaml("title: [broken", "broken.yml");
  Check(builder.has_errors(), "RuleSetBuilder::has_errors");
  Check(!builder.diagnostics().empty(), "RuleSetBuilder::diagnostics");
  const vigil::Diagnostic& first = builder.diagnostics().front();
  Check(!first.ToString().empty() && !first.where.ToString().empty(), "Diagnostic::ToString");

  vigil::RuleSetBuilder clean;
  clean.AddPath((dir / "rules").string());
  if (clean.has_errors()) {
    for (const auto& d : clean.diagnostics()) std::fprintf(stderr, "%s\n", d.ToString().c_str());
    return 1;
  }
  std::shared_ptr<const vigil::RuleSet> rules = clean.Build();
  Check(rules->size() == 1 && rules->correlation_count() == 2, "RuleSet::size");
  Check(rules->rule(0).title == "Trail stopped", "RuleSet::rule");
  Check(rules->Find("trail stopped") == std::vector<size_t>{0}, "RuleSet::Find");
  Check(rules->FindCorrelations("Two stops").size() == 1, "RuleSet::FindCorrelations");
  Check(rules->rule(0).logsource.FitsCloudTrail(), "Logsource::FitsCloudTrail");
  Check(rules->diagnostics().empty(), "RuleSet::diagnostics");
  Check(rules->Dump().find("0b7a1f3e-5d2c-4b1a-9f00-000000000001: p0") != std::string::npos, "RuleSet::Dump");

  // Matching one event.
  vigil::Scanner scanner(rules);
  std::vector<vigil::Match> out;
  Check(scanner.Match(kStopLogging, &out).ok() && out.size() == 1, "Scanner::Match");
  std::string padded = std::string(kStopLogging) + std::string(vigil::kRecordPadding, '\0');
  std::vector<vigil::Match> out2;
  Check(scanner.MatchPadded(std::string_view(padded.data(), sizeof(kStopLogging) - 1), &out2).ok() &&
            out2.size() == 1,
        "Scanner::MatchPadded");
  Check(scanner.captured() != nullptr, "Scanner::captured");
  Check(scanner.regex_limit_hits() == 0 && scanner.duplicate_key_events() == 0, "Scanner counters");
  const vigil::Status broken = scanner.Match("{", &out2);
  Check(broken.code() == vigil::StatusCode::kInvalidInput &&
            std::string(vigil::StatusCodeName(broken.code())) == "invalid input",
        "Status::code, StatusCodeName");

  // Correlation, baselines.
  vigil::Correlator correlator(rules);
  Check(correlator.Add(kStopLogging, out, vigil::EventRef{"a", 0}).ok(), "Correlator::Add");
  Check(correlator.Add(kStopLogging, out, vigil::EventRef{"a", 1}, scanner.captured()).ok(),
        "Correlator::Add (captured)");
  scanner.set_record_fields({"eventName"});
  Check(scanner.record_fields().size() == 1 &&
            scanner.MatchPadded(std::string_view(padded.data(), sizeof(kStopLogging) - 1), &out2)
                .ok() &&
            scanner.captured() != nullptr &&
            scanner.captured()->values.size() == rules->captured_fields().size() + 1 &&
            scanner.captured()->values.back().text == "StopLogging",
        "Scanner::set_record_fields, record_fields");
  scanner.set_record_fields({});
  correlator.Flush();
  const std::vector<vigil::CorrelationAlert> alerts = correlator.TakeAlerts();
  bool counted = false;
  for (const auto& a : alerts) {
    if (a.type == vigil::CorrelationType::kEventCount) {
      counted = a.value == 2 && a.rule->condition.front().Holds(a.value);
    }
  }
  Check(counted, "Correlator alert (event_count of 2)");
  Check(std::string(vigil::CorrelationTypeName(vigil::CorrelationType::kFirstSeen)) == "first_seen",
        "CorrelationTypeName");
  Check(correlator.StateSize() < 10 && correlator.BaselineSize() == 1, "Correlator sizes");
  Check(correlator.late_events() + correlator.future_events() + correlator.untimed_events() +
                correlator.early_events() + correlator.evicted_events() + correlator.unlearned_values() ==
            0,
        "Correlator counters");
  const std::string baseline = (dir / "baseline.json").string();
  Check(correlator.SaveBaseline(baseline).ok(), "Correlator::SaveBaseline");
  vigil::Correlator restored(rules);
  Check(restored.LoadBaseline(baseline).ok() && restored.BaselineSize() == 1, "Correlator::LoadBaseline");
  vigil::Correlator again(rules);
  Check(again.RestoreBaseline(correlator.SerializeBaseline(), "memory").ok() && again.BaselineSize() == 1,
        "Correlator::SerializeBaseline / RestoreBaseline");

  // Reading inputs.
  CountingSink counting;
  vigil::ReadStats stats;
  const std::vector<std::string> files = vigil::ExpandInputs({dir.string()}, &counting, &stats);
  Check(!files.empty(), "ExpandInputs");
  Check(vigil::ReadFile((dir / "events.ndjson").string(), {}, &counting, &stats), "ReadFile");
  Check(vigil::ReadBuffer(kStopLogging, "buffer", {}, &counting, &stats), "ReadBuffer");
  vigil::ReadStats total = vigil::ReadInputs({(dir / "events.ndjson").string()}, {}, &counting);
  total += stats;
  Check(total.records == 5 && counting.records == 5, "ReadInputs, ReadStats::operator+=");

  // A whole scan.
  MatchSink sink;
  const vigil::ScanStats scan = vigil::ScanInputs(scanner, {(dir / "events.ndjson").string()}, {}, &sink);
  Check(scan.events == 2 && scan.matches == 2 && sink.titles.size() == 2, "ScanInputs");
  // Events in memory, correlated by the scan (two stops: the event_count of 2).
  vigil::Correlator streamed(rules);
  vigil::ScanOptions correlating;
  correlating.correlator = &streamed;
  correlating.record_fields = {"eventName"};
  MatchSink memory;
  const std::vector<std::string_view> events = {kStopLogging, kStopLogging};
  const vigil::ScanStats mem = vigil::ScanEvents(scanner, events, "memory", correlating, &memory);
  Check(mem.events == 2 && memory.titles.size() == 2 && mem.alerts >= 1 &&
            std::count(memory.alerts.begin(), memory.alerts.end(), "Two stops") == 1,
        "ScanEvents with a correlator");
  Check(memory.fields == std::vector<std::string>{"StopLogging", "StopLogging"},
        "ScanOptions::record_fields, Record::fields");

  // A pool of Scanners, and a scan pulled in batches from its own thread.
  auto pool = std::make_shared<vigil::ScannerPool>(rules);
  {
    vigil::ScannerPool::Lease lease = pool->Acquire();
    Check(lease->Match(kStopLogging, &out2).ok() && out2.size() == 1, "ScannerPool::Acquire");
  }
  Check(pool->idle() == 1, "ScannerPool::idle");
  vigil::ScanStreamOptions stream_options;
  stream_options.building_blocks = true;  // "Trail stopped" only feeds the correlations
  vigil::ScanStream stream(pool, {(dir / "events.ndjson").string()}, stream_options);
  std::vector<vigil::ScanStream::Item> items;
  size_t stream_matches = 0, stream_alerts = 0;
  for (bool more = true; more;) {
    more = stream.Next(&items);
    for (const auto& item : items) {
      stream_matches += std::holds_alternative<vigil::StreamMatch>(item);
      stream_alerts += std::holds_alternative<vigil::CorrelationAlert>(item);
    }
  }
  Check(stream.done() && stream.status().ok() && stream.stats().matches == 2 &&
            stream_matches == 2 && stream_alerts >= 1 && stream.correlator() != nullptr,
        "ScanStream::Next, stats, status, correlator");
  stream.Close();

  // Authoring: explain, rule tests, lint.
  vigil::Result<vigil::Explanation> why = vigil::Explain(*rules, 0, kStopLogging);
  Check(why.ok() && why.value().matched && !why.value().ToText().empty(), "Explain, Explanation::ToText");
  std::vector<vigil::RuleTestCase> cases;
  Check(vigil::ParseRuleTests(rules->rule(0), &cases).ok() && cases.size() == 1, "ParseRuleTests");
  std::vector<vigil::CorrelationTestCase> ccases;
  Check(vigil::ParseCorrelationTests(rules->correlation(0).info, &ccases).ok(), "ParseCorrelationTests");
  vigil::CorrelationTestAlert shown;
  shown.group.emplace_back("userIdentity.arn", "arn:aws:iam::1:user/a");
  Check(vigil::FormatCorrelationTestAlert(shown).find("userIdentity.arn") != std::string::npos,
        "FormatCorrelationTestAlert");
  const std::vector<vigil::RuleTestReport> reports = vigil::RunRuleTests(rules);
  Check(!reports.empty() && reports.front().passed() && reports.front().failures() == 0, "RunRuleTests");
  vigil::LintOptions lint_options;
  lint_options.require_tests = false;
  const vigil::LintReport lint = vigil::LintPaths({(dir / "rules").string()}, lint_options);
  Check(lint.files == 3 && lint.errors() == 0 && lint.warnings() < 100, "LintPaths, LintReport");
  bool known = false;
  Check(vigil::SuggestCloudTrailField("eventName", &known).empty() == known, "SuggestCloudTrailField");

  // The rules as written (rule_source.h).
  const vigil::Detection& det = rules->detection(0);
  Check(det.identifiers.size() == 1 && det.Referenced() == std::vector<std::string>{"sel"} &&
            det.Referenced(0).size() == 1 && det.Evaluate({{"sel", true}}) &&
            !det.Evaluate({{"sel", false}}) && rules->filters(0).empty() &&
            rules->compile_options().placeholders.empty(),
        "RuleSet::detection, filters, compile_options; Detection::Referenced, Evaluate");
  vigil::Result<vigil::EventTree> tree = vigil::EventTree::Parse(kStopLogging);
  Check(tree.ok() && tree.value().readings() == 1 &&
            tree.value().Values("eventName") == std::vector<std::string>{"StopLogging"} &&
            vigil::ItemHolds(det.identifiers[0].alternatives[0][0], tree.value()) &&
            vigil::IdentifierConstancy(det.identifiers[0]) == vigil::Constancy::kDependsOnEvent,
        "EventTree::Parse, readings, Values; ItemHolds; IdentifierConstancy");
  std::vector<vigil::Diagnostic> read_diagnostics;
  const std::vector<vigil::RuleFile> rule_files =
      vigil::ReadRuleFiles((dir / "rules").string(), &read_diagnostics);
  size_t nodes_seen = 0;
  for (const auto& f : rule_files) {
    for (const auto& r : f.rules) {
      const vigil::SourceNode& doc = r.document;
      if (!doc.IsMap() || doc.kind() != vigil::SourceNode::Kind::kMap) continue;
      for (size_t i = 0; i < doc.size(); ++i) {
        nodes_seen += doc.key(i).plain() && doc.value(i).where().line > 0;
      }
      if (doc["title"].text() == "Trail stopped" && doc["tests"].IsSequence() &&
          doc["tests"].element(0)["name"].text() == "stop") {
        ++nodes_seen;
      }
    }
  }
  Check(
      rule_files.size() == 3 && read_diagnostics.empty() && nodes_seen > 5,
      "ReadRuleFiles; SourceNode::kind, size, key, value, element, operator[], text, plain, where");

  // Log file integrity validation: a tree with one log file and no digest.
  fs::create_directories(dir / "bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/01");
  Write(dir /
            "bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/01/"
            "111122223333_CloudTrail_us-east-1_20261201T0005Z_a.json.gz",
        "not gzip");
  const vigil::Result<vigil::ValidationReport> validation =
      vigil::Validate({(dir / "bucket").string()}, vigil::ValidateOptions());
  Check(
      validation.ok() && validation.value().Count(vigil::ValidationStatus::kUnverified) == 1 &&
          validation.value().Count("log-unlisted") == 1 && !validation.value().Failed() &&
          validation.value().Failed(/*strict=*/true) &&
          std::string(vigil::LogVerdictName(validation.value().VerdictOf(
              (dir / "bucket/AWSLogs/111122223333/CloudTrail/us-east-1/2026/12/01/"
                     "111122223333_CloudTrail_us-east-1_20261201T0005Z_a.json.gz")
                  .string()))) == "unverified" &&
          std::string(vigil::ValidationStatusName(vigil::ValidationStatus::kFailed)) == "failed",
      "Validate; ValidationReport::Count, Failed, VerdictOf; LogVerdictName, ValidationStatusName");

  fs::remove_all(dir);
  if (failures != 0) return 1;
  std::printf("matched: %s\n", out[0].rule->title.c_str());
  return 0;
}
