// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The `vigil` command as a user runs it: exit statuses, jsonl output on the bundled
// sample logs (checked against the generator's manifest), rule errors with
// positions, malformed input reported without losing the rest, and a pipe that the
// reader closes early.

#include <gtest/gtest.h>
#include <simdjson.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "cli/cli_testing.h"

namespace {

using vigil::cli_testing::Lines;
using vigil::cli_testing::Proc;
using vigil::cli_testing::Sh;

const std::string kVigil = VIGIL_CLI_PATH;
const std::string kSrc = VIGIL_SOURCE_DIR;

std::string WriteTemp(const std::string& name, const std::string& text) {
  const std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

TEST(CliTest, HelpAndUsageErrors) {
  Proc h = Sh(kVigil + " scan --help");
  EXPECT_EQ(h.status, 0);
  EXPECT_NE(h.out.find("exit status"), std::string::npos);
  EXPECT_NE(h.out.find("--format"), std::string::npos);
  EXPECT_EQ(Sh(kVigil + " scan --format xml").status, 2);
  EXPECT_EQ(Sh(kVigil + " scan --bogus").status, 2);
  EXPECT_EQ(Sh(kVigil + " scan --threads many").status, 2);
  EXPECT_EQ(Sh(kVigil + " frobnicate").status, 2);
  EXPECT_EQ(Sh(kVigil).status, 2);
}

TEST(CliTest, ShortOptionsTakeAnAttachedValue) {
  // `-j1` as make and ninja users type it: the same scan as `-j 1` and `--threads 1`.
  const std::string base = "cd " + kSrc + " && " + kVigil + " scan -q ";
  const std::string rule = "rules/aws/cloudtrail/aws_root_account_usage.yml";
  Proc spaced = Sh(base + "--rules " + rule + " --format jsonl -j 1 examples/logs");
  ASSERT_EQ(spaced.status, 0) << spaced.err;
  ASSERT_EQ(Lines(spaced.out).size(), 2u);
  for (const std::string& args : {"--rules " + rule + " --format jsonl -j1",
                                 "--rules " + rule + " --format jsonl -j4",
                                 "-r" + rule + " -fjsonl --threads=1"}) {
    Proc r = Sh(base + args + " examples/logs");
    EXPECT_EQ(r.status, 0) << args << ": " << r.err;
    EXPECT_EQ(r.out, spaced.out) << args;
  }
  // The attached value is checked like a separate one.
  for (const char* bad : {"-jx", "-j=1"}) {
    Proc r = Sh(base + "--rules " + rule + " " + bad + " examples/logs");
    EXPECT_EQ(r.status, 2) << bad;
    EXPECT_EQ(r.err, "vigil: --threads needs a number (0: one per core)\n(see vigil scan --help)\n") << bad;
  }
  Proc big = Sh(base + "--rules " + rule + " -j12345 examples/logs");
  EXPECT_EQ(big.status, 2);
  EXPECT_EQ(big.err, "vigil: --threads is at most 256, not 12345\n(see vigil scan --help)\n");
  Proc f = Sh(base + "--rules " + rule + " -fxml examples/logs");
  EXPECT_EQ(f.status, 2);
  EXPECT_EQ(f.err, "vigil: --format is table or jsonl\n(see vigil scan --help)\n");
}

TEST(CliTest, JsonlOnTheSampleLogsMatchesTheGeneratorManifest) {
  Proc r = Sh("cd " + kSrc + " && " + kVigil + " scan --format jsonl examples/logs");
  ASSERT_EQ(r.status, 0) << r.err;
  // Rule id -> file stem and level, from `vigil list`.
  Proc list = Sh("cd " + kSrc + " && " + kVigil + " list --format jsonl rules");
  ASSERT_EQ(list.status, 0) << list.err;
  std::map<std::string, std::pair<std::string, std::string>> rule_by_id;
  simdjson::dom::parser lp;
  for (const auto& l : Lines(list.out)) {
    simdjson::dom::element e;
    ASSERT_FALSE(lp.parse(l).get(e));
    std::string file(std::string_view(e["file"].get_string().value()));
    std::string stem = file.substr(file.rfind('/') + 1);
    stem = stem.substr(0, stem.rfind('.'));
    rule_by_id[std::string(std::string_view(e["id"].get_string().value()))] = {
        stem, std::string(std::string_view(e["level"].get_string().value()))};
  }
  // The generator's manifest: which records are attacks (by eventID) and which pack
  // rules each attack kind must trip.
  simdjson::dom::parser mp;
  simdjson::dom::element manifest;
  ASSERT_FALSE(mp.load(kSrc + "/examples/sample-manifest.json").get(manifest));
  std::map<std::string, std::string> kind_of;  // eventID -> attack kind
  for (auto kv : manifest["attack_event_ids"].get_object()) {
    for (auto id : kv.value.get_array()) kind_of[std::string(std::string_view(id.get_string().value()))] = std::string(kv.key);
  }
  // kind -> the rule stems its records trip: one set, or one per variant for the kinds
  // whose branches the pack tells apart (rules_by_variant, derived by the generator).
  std::map<std::string, std::vector<std::set<std::string>>> must_fire;
  auto stems = [](simdjson::dom::element list) {
    std::set<std::string> out;
    for (auto stem : list.get_array()) out.insert(std::string(std::string_view(stem.get_string().value())));
    return out;
  };
  for (auto kv : manifest["attack_catalogue"].get_object()) {
    auto& sets = must_fire[std::string(kv.key)];
    simdjson::dom::object by_variant;
    if (!kv.value["rules_by_variant"].get_object().get(by_variant)) {
      for (auto v : by_variant) sets.push_back(stems(v.value));
    } else {
      sets.push_back(stems(kv.value["rules"]));
    }
  }
  std::map<std::string, int64_t> expected;
  for (auto kv : manifest["expected_rule_matches"].get_object()) expected[std::string(kv.key)] = int64_t(kv.value);
  ASSERT_EQ(kind_of.size(), 45u);

  std::map<std::string, int64_t> attack_hits;      // rule stem -> attack records matched
  std::map<std::string, int64_t> background_hits;  // rule stem -> benign records matched
  std::map<std::string, std::set<std::string>> fired_on;  // eventID -> rule stems
  simdjson::dom::parser p;
  std::vector<std::string> correlation_alerts;  // title, group, value
  for (const auto& l : Lines(r.out)) {
    simdjson::dom::element m;
    ASSERT_FALSE(p.parse(l).get(m)) << l;
    if (std::string_view title; !m["correlation_title"].get_string().get(title)) {
      correlation_alerts.push_back(std::string(title) + " " + simdjson::minify(m["group"]) + " " +
                                   simdjson::minify(m["value"]));
      continue;
    }
    for (const char* key : {"rule_id", "rule_title", "level", "author", "file"}) {
      std::string_view v;
      EXPECT_FALSE(m[key].get_string().get(v)) << key << " in " << l;
      EXPECT_FALSE(v.empty()) << key;
    }
    EXPECT_TRUE(m["tags"].is_array());
    int64_t record;
    ASSERT_FALSE(m["record"].get_int64().get(record));
    EXPECT_GE(record, 0);
    std::string_view file;
    ASSERT_FALSE(m["file"].get_string().get(file));
    EXPECT_EQ(file.rfind("examples/logs/AWSLogs/", 0), 0u) << file;
    EXPECT_EQ(file.find("CloudTrail-Digest"), std::string_view::npos);
    const auto& rule = rule_by_id[std::string(std::string_view(m["rule_id"].get_string().value()))];
    const std::string event_id(std::string_view(m["event"]["eventID"].get_string().value()));
    if (kind_of.count(event_id)) {
      ++attack_hits[rule.first];
      fired_on[event_id].insert(rule.first);
    } else {
      ++background_hits[rule.first];
      EXPECT_NE(rule.second, "high") << rule.first << " fired on benign traffic: " << l;
      EXPECT_NE(rule.second, "critical") << rule.first << " fired on benign traffic: " << l;
    }
  }
  // Every attack record trips exactly the rules its kind (one variant of it) must trip.
  for (const auto& [id, kind] : kind_of) {
    const auto& sets = must_fire[kind];
    EXPECT_NE(std::find(sets.begin(), sets.end(), fired_on[id]), sets.end()) << "attack " << kind << " record " << id;
  }
  EXPECT_EQ(attack_hits, expected);
  // Benign traffic that the broad rules report by design: denied calls (CIS 4.1 counts
  // every AccessDenied), service users that read secrets and SecureString parameters
  // with long-term access keys (what those two rules look for; their falsepositives
  // say so), and one routine security-group change (CIS 4.10 audits every change).
  const std::map<std::string, int64_t> by_design = {
      {"aws_cis_4_1_unauthorized_api_calls", 27},
      {"aws_secretsmanager_secret_read_by_user_key_or_console", 5},
      {"aws_ssm_parameter_decrypted_by_user_or_console", 1},
      {"aws_cis_4_10_security_group_changes", 1},
  };
  EXPECT_EQ(background_hits, by_design);
  // The pack's correlations: the attack's five failed sign-ins from one address, and the
  // CI deployment role reading ten services in ten minutes (benign; named in that
  // rule's falsepositives), in the order event time closed them.
  EXPECT_EQ(correlation_alerts,
            (std::vector<std::string>{
                "AWS Discovery Across Many Services by One Principal "
                "{\"userIdentity.arn\":\"arn:aws:sts::641826429272:assumed-role/github-actions-deploy/GitHubActions\"} 10",
                "AWS Console Login Failures From One Address {\"sourceIPAddress\":\"198.51.100.43\"} 5"}));
  EXPECT_NE(r.err.find("2500 events"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("0 errors"), std::string::npos) << r.err;
}

TEST(CliTest, TableIsAlignedAndSummarised) {
  Proc r = Sh("cd " + kSrc + " && " + kVigil + " scan --format table examples/logs");
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_GT(lines.size(), 2u);
  EXPECT_EQ(lines[0].rfind("LEVEL", 0), 0u);
  const size_t rule_col = lines[0].find("RULE");
  const size_t time_col = lines[0].find("TIME");
  for (size_t i = 1; i < lines.size(); ++i) {
    EXPECT_EQ(lines[i].substr(time_col, 4), "2026") << lines[i];  // the TIME column lines up
    EXPECT_NE(lines[i][rule_col], ' ');
  }
  EXPECT_NE(r.err.find("matches ("), std::string::npos) << r.err;
}

TEST(CliTest, BrokenRulesExitTwoWithPositions) {
  const std::string dir = ::testing::TempDir() + "/cli_rules";
  Sh("rm -rf " + dir + " && mkdir -p " + dir);
  WriteTemp("cli_rules/good.yml",
            "title: ok\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: X}\n  condition: s\n");
  WriteTemp("cli_rules/bad.yml",
            "title: bad\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s:\n    eventName|contians: X\n  condition: s\n");
  Proc r = Sh("echo \"{}\" | " + kVigil + " scan --rules " + dir + " -");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find(dir + "/bad.yml:5:15: error: unknown modifier 'contians'"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  Proc k = Sh("echo \"{\\\"eventName\\\":\\\"X\\\"}\" | " + kVigil + " scan --skip-bad-rules --format jsonl --rules " + dir + " -");
  EXPECT_EQ(k.status, 0) << k.err;
  EXPECT_EQ(Lines(k.out).size(), 1u);
}

TEST(CliTest, MalformedLinesAreReportedAndEverythingElseIsScanned) {
  const std::string rules = WriteTemp("cli_stop.yml",
      "title: stop\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: StopLogging}\n  condition: s\n");
  const std::string input = WriteTemp("cli_input.jsonl",
      "{\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\",\"eventTime\":\"2024-01-01T00:00:00Z\"}\n"
      "{\"eventName\":\"StopLogging\",broken\n"
      "{\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\",\"eventTime\":\"2024-01-01T00:00:01Z\"}\n");
  Proc r = Sh(kVigil + " scan --format jsonl --rules " + rules + " " + input);
  EXPECT_EQ(r.status, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out << r.err;
  EXPECT_NE(lines[0].find("\"record\":0"), std::string::npos);
  EXPECT_NE(lines[1].find("\"record\":2"), std::string::npos);
  EXPECT_NE(r.err.find(input + ":2"), std::string::npos) << r.err;  // file and line of the bad one
  EXPECT_NE(r.err.find("1 errors"), std::string::npos) << r.err;
}

TEST(CliTest, RegexLimitHitsAreInTheSummary) {
  const std::string rules = WriteTemp("cli_redos.yml",
      "title: redos\ndetection:\n  s: {userAgent|re: '(a+)+$'}\n  condition: s\n---\n"
      "title: name\ndetection:\n  s: {eventName: GetObject}\n  condition: s\n");
  const std::string crafted =
      "{\"eventName\":\"GetObject\",\"userAgent\":\"" + std::string(100000, 'a') + "!\"}\n";
  const std::string input = WriteTemp("cli_redos.jsonl", crafted + crafted);
  Proc r = Sh(kVigil + " scan --format jsonl --rules " + rules + " " + input);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(Lines(r.out).size(), 2u);  // `name` on both events
  const auto err = Lines(r.err);
  ASSERT_EQ(err.size(), 2u) << r.err;
  EXPECT_EQ(err[1],
            "vigil: warning: 2 regular expression searches stopped at a regex limit (PCRE2 match "
            "limit or work budget) and counted as no match (see docs/limits.md)");
  // Without a limit hit there is no such line.
  Proc clean = Sh(kVigil + " scan --format jsonl --rules " + rules + " " +
                  WriteTemp("cli_redos_clean.jsonl", "{\"userAgent\":\"aaa\"}\n"));
  EXPECT_EQ(Lines(clean.err).size(), 1u) << clean.err;
}

TEST(CliTest, TitleReferencesAreInTheSummary) {
  // A correlation naming its rule by title loads (a vigil extension): the warning comes
  // at load, with the reference's position, and again in the summary.
  const std::string rules = WriteTemp(
      "cli_by_title.yml",
      "title: Console login\nid: 0a6e3c9e-0000-4000-8000-000000000002\n"
      "logsource: {product: aws, service: cloudtrail}\n"
      "detection: {s: {eventName: ConsoleLogin}, condition: s}\n---\n"
      "title: Many logins\ncorrelation:\n  type: event_count\n  rules:\n    - Console login\n"
      "  timespan: 5m\n  condition: {gte: 2}\n");
  const std::string input =
      WriteTemp("cli_by_title.jsonl",
                "{\"eventName\":\"ConsoleLogin\",\"eventTime\":\"2026-01-01T00:00:00Z\"}\n");
  Proc r = Sh(kVigil + " scan --format jsonl --rules " + rules + " " + input);
  EXPECT_EQ(r.status, 0) << r.err;
  const auto err = Lines(r.err);
  ASSERT_GE(err.size(), 3u) << r.err;
  EXPECT_EQ(err[0],
            rules +
                ":10:7: warning: correlation 'Many logins' references rule 'Console "
                "login' by its title; the Sigma specification allows only an id or a name, so "
                "other Sigma tools will not find it (write its id "
                "0a6e3c9e-0000-4000-8000-000000000002) [reference-by-title]");
  EXPECT_EQ(err.back(),
            "vigil: warning: 1 correlation reference names a rule by its title, which "
            "the Sigma specification does not allow (id or name only) and other Sigma "
            "tools do not resolve: " +
                rules + ":10:7");
  // Named by id, there is neither line.
  const std::string by_id = WriteTemp(
      "cli_by_id.yml",
      "title: Console login\nid: 0a6e3c9e-0000-4000-8000-000000000002\n"
      "logsource: {product: aws, service: cloudtrail}\n"
      "detection: {s: {eventName: ConsoleLogin}, condition: s}\n---\n"
      "title: Many logins\ncorrelation:\n  type: event_count\n  rules:\n"
      "    - 0a6e3c9e-0000-4000-8000-000000000002\n  timespan: 5m\n  condition: {gte: 2}\n");
  Proc clean = Sh(kVigil + " scan --format jsonl --rules " + by_id + " " + input);
  EXPECT_EQ(clean.status, 0) << clean.err;
  EXPECT_EQ(clean.err.find("title"), std::string::npos) << clean.err;
}

TEST(CliTest, ReaderClosingThePipeEndsCleanly) {
  // Many matches, a reader that takes one line: vigil must stop without an error.
  Proc r = Sh("cd " + kSrc + " && set -o pipefail; " + kVigil +
             " scan --format jsonl examples/logs examples/logs examples/logs | head -n 1; echo \"status=${PIPESTATUS[0]}\"");
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_EQ(lines[1], "status=0");
}

}  // namespace

// ---- The rule author's commands ------------------------------------------------------

const char* kPassingRule = R"(title: Trail stopped
id: 2b0c5f1e-7d43-4c39-9a9e-3f6f2b8d1c01
status: experimental
description: d
author: a
date: 2026-11-26
tags: [attack.defense-evasion]
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging}
  condition: selection
level: high
tests:
  - {name: hit, expect: match, event: {eventSource: cloudtrail.amazonaws.com, eventName: StopLogging}}
  - {name: miss, expect: no_match, event: {eventSource: cloudtrail.amazonaws.com, eventName: StartLogging}}
)";

TEST(CliTest, TestCommandPassesAndFails) {
  const std::string dir = ::testing::TempDir() + "/cli_test_cmd";
  Sh("rm -rf " + dir + " && mkdir -p " + dir);
  WriteTemp("cli_test_cmd/good.yml", kPassingRule);
  Proc ok = Sh(kVigil + " test " + dir);
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("ok    good.yml  Trail stopped  (2 tests)"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("1 rules: 1 passed, 0 failed, 0 without tests; 2 tests, 0 failed"), std::string::npos) << ok.out;

  std::string bad = kPassingRule;
  bad.replace(bad.find("2b0c5f1e"), 8, "2b0c5f1f");
  bad.replace(bad.find("{name: miss, expect: no_match"), 29, "{name: miss, expect: match");
  WriteTemp("cli_test_cmd/bad.yml", bad);
  const std::string junit = ::testing::TempDir() + "/cli_test_cmd.xml";
  Proc f = Sh(kVigil + " test --junit " + junit + " " + dir);
  EXPECT_EQ(f.status, 1) << f.out;
  EXPECT_NE(f.out.find("FAIL  bad.yml  Trail stopped  (1 of 2 tests failed)"), std::string::npos) << f.out;
  EXPECT_NE(f.out.find("FAIL  miss: expected match, got no match"), std::string::npos) << f.out;
  // The diff: which item did not hold, with the value the event had.
  EXPECT_NE(f.out.find("- eventName: StopLogging    [event: StartLogging]"), std::string::npos) << f.out;
  EXPECT_NE(f.out.find("+ eventSource: cloudtrail.amazonaws.com"), std::string::npos) << f.out;
  std::ifstream in(junit);
  std::stringstream xml;
  xml << in.rdbuf();
  EXPECT_NE(xml.str().find("<testsuites name=\"vigil rule tests\" tests=\"4\" failures=\"1\" errors=\"0\">"),
            std::string::npos) << xml.str();
  EXPECT_NE(xml.str().find("<failure message=\"expected match, got no match\">"), std::string::npos) << xml.str();

  WriteTemp("cli_test_cmd/broken.yml", "title: x\ndetection:\n  s: {a|nope: 1}\n  condition: s\n");
  Proc b = Sh(kVigil + " test " + dir);
  EXPECT_EQ(b.status, 1);
  EXPECT_NE(b.out.find("broken.yml:3:9: error: unknown modifier 'nope'"), std::string::npos) << b.out;
}

TEST(CliTest, CheckCommand) {
  const std::string good = WriteTemp("cli_check_good.yml", kPassingRule);
  Proc ok = Sh(kVigil + " check --strict " + good);
  EXPECT_EQ(ok.status, 0) << ok.out;
  EXPECT_EQ(ok.out, "");
  EXPECT_NE(ok.err.find("1 files, 1 rules checked: 0 errors, 0 warnings"), std::string::npos) << ok.err;

  std::string warn = kPassingRule;
  warn.replace(warn.find("eventName: StopLogging}"), 23, "eventName: 'Stop*', sourceIpAddress: 1.2.3.4}");
  const std::string w = WriteTemp("cli_check_warn.yml", warn);
  Proc pw = Sh(kVigil + " check " + w);
  EXPECT_EQ(pw.status, 0) << "warnings alone do not fail without --strict";
  EXPECT_NE(pw.out.find("did you mean 'sourceIPAddress'? [unknown-field]"), std::string::npos) << pw.out;
  EXPECT_NE(pw.out.find("[wildcard-as-modifier]"), std::string::npos) << pw.out;
  EXPECT_EQ(Sh(kVigil + " check --strict " + w).status, 1);

  const std::string e = WriteTemp("cli_check_err.yml", "title: x\ndetection:\n  s: {a: 1}\n  condition: s and t\n");
  Proc pe = Sh(kVigil + " check --no-require-tests " + e);
  EXPECT_EQ(pe.status, 1);
  EXPECT_NE(pe.out.find("cli_check_err.yml:4:20: error:"), std::string::npos) << pe.out;
  EXPECT_EQ(pe.out.find("[no-tests]"), std::string::npos) << pe.out;
}

TEST(CliTest, ExplainCommand) {
  const std::string rule = WriteTemp("cli_explain.yml", kPassingRule);
  Proc hit = Sh("echo \"{\\\"eventSource\\\":\\\"cloudtrail.amazonaws.com\\\",\\\"eventName\\\":\\\"StopLogging\\\"}\" | " +
                kVigil + " explain " + rule);
  EXPECT_EQ(hit.status, 0) << hit.out << hit.err;
  EXPECT_NE(hit.out.find("+ eventName: StopLogging    [event: StopLogging]"), std::string::npos) << hit.out;
  EXPECT_NE(hit.out.find("verdict: MATCH"), std::string::npos) << hit.out;
  const std::string ev = WriteTemp("cli_explain_events.json",
                                   R"({"Records":[{"eventSource":"s3.amazonaws.com","eventName":"StopLogging"},{"eventName":"X"}]})");
  Proc miss = Sh(kVigil + " explain " + rule + " " + ev);
  EXPECT_EQ(miss.status, 1) << "no event matched";
  EXPECT_NE(miss.out.find("== event " + ev + ":1"), std::string::npos) << miss.out;
  EXPECT_NE(miss.out.find("- eventSource: cloudtrail.amazonaws.com    [event: s3.amazonaws.com]"), std::string::npos) << miss.out;
  // By title, in a rules folder.
  Proc by_title = Sh(kVigil + " explain --rules " + rule + " \"Trail stopped\" " + ev);
  EXPECT_EQ(by_title.status, 1) << by_title.err;
  EXPECT_NE(by_title.out.find("rule: Trail stopped"), std::string::npos);
  EXPECT_EQ(Sh(kVigil + " explain --rules " + rule + " nosuchrule " + ev).status, 2);
}

TEST(CliTest, ListCommand) {
  const std::string rule = WriteTemp("cli_list.yml", kPassingRule);
  Proc r = Sh(kVigil + " list --format jsonl " + rule);
  ASSERT_EQ(r.status, 0) << r.err;
  const auto lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 1u);
  simdjson::dom::parser p;
  simdjson::dom::element m;
  ASSERT_FALSE(p.parse(lines[0]).get(m)) << lines[0];
  EXPECT_EQ(std::string_view(m["title"].get_string().value()), "Trail stopped");
  EXPECT_EQ(int64_t(m["tests"]["match"]), 1);
  EXPECT_EQ(int64_t(m["tests"]["no_match"]), 1);
  EXPECT_EQ(std::string_view(m["logsource"]["service"].get_string().value()), "cloudtrail");
}

// A failed-login rule and an event_count correlation over it, both with tests.
const char* kCorrelationRules = R"(title: Failed console login
name: failed_login
id: 7a4c2e10-5b3d-4f6e-8a9b-1c2d3e4f5a01
status: experimental
description: d
author: a
date: 2026-11-26
logsource: {product: aws, service: cloudtrail}
detection:
  selection: {eventName: ConsoleLogin, responseElements.ConsoleLogin: Failure}
  condition: selection
level: low
tests:
  - {name: hit, expect: match, event: {eventName: ConsoleLogin, responseElements: {ConsoleLogin: Failure}}}
  - {name: miss, expect: no_match, event: {eventName: ConsoleLogin, responseElements: {ConsoleLogin: Success}}}
---
title: Login brute force
id: 7a4c2e10-5b3d-4f6e-8a9b-1c2d3e4f5a02
correlation:
  type: event_count
  rules: [failed_login]
  group-by: [sourceIPAddress]
  timespan: 5m
  condition: {gte: 3}
level: high
tests:
  - name: three failures
    events:
      - {eventTime: '2026-01-01T00:02:00Z', eventName: ConsoleLogin, sourceIPAddress: 198.51.100.7, responseElements: {ConsoleLogin: Failure}}
      - {eventTime: '2026-01-01T00:00:00Z', eventName: ConsoleLogin, sourceIPAddress: 198.51.100.7, responseElements: {ConsoleLogin: Failure}}
      - {eventTime: '2026-01-01T00:01:00Z', eventName: ConsoleLogin, sourceIPAddress: 203.0.113.9, responseElements: {ConsoleLogin: Failure}}
      - {eventTime: '2026-01-01T00:01:00Z', eventName: ConsoleLogin, sourceIPAddress: 198.51.100.7, responseElements: {ConsoleLogin: Failure}}
    alerts:
      - {group: {sourceIPAddress: 198.51.100.7}, value: 3, events: [0, 1, 3]}
  - name: two failures
    events:
      - {eventTime: '2026-01-01T00:00:00Z', eventName: ConsoleLogin, sourceIPAddress: 198.51.100.7, responseElements: {ConsoleLogin: Failure}}
      - {eventTime: '2026-01-01T00:01:00Z', eventName: ConsoleLogin, sourceIPAddress: 198.51.100.7, responseElements: {ConsoleLogin: Failure}}
    alerts: []
)";

TEST(CliTest, ExplainFirstSeenFromThePack) {
  // Day 1 starts learning; 19 days later, past the 14-day learning period, an address
  // alice never used: the alert names it (subject).
  const std::string login =
      R"({"eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","responseElements":{"ConsoleLogin":"Success"},)"
      R"("userIdentity":{"arn":"arn:aws:iam::1:user/alice"},)";
  const std::string ev = WriteTemp("cli_first_seen.jsonl",
      login + R"("eventTime":"2026-11-01T10:00:00Z","sourceIPAddress":"198.51.100.1"})" "\n" +
      login + R"("eventTime":"2026-11-20T10:00:00Z","sourceIPAddress":"203.0.113.5"})" "\n");
  Proc x = Sh(kVigil + " explain \"AWS Console Login From an Address First Seen for the User\" " + ev);
  EXPECT_EQ(x.status, 0) << x.err;
  EXPECT_EQ(x.out,
            "correlation: AWS Console Login From an Address First Seen for the User\n"
            "  first_seen of 'AWS Console Login Succeeded' by userIdentity.arn of field sourceIPAddress known for 90d: "
            "new sourceIPAddress (learning 14d)\n"
            "rule 'AWS Console Login Succeeded': matched\n"
            "  userIdentity.arn=arn:aws:iam::1:user/alice: 2 events: " + ev + ":0, " + ev + ":1\n"
            "alerts:\n"
            "  ALERT userIdentity.arn=arn:aws:iam::1:user/alice value=1 subject sourceIPAddress=203.0.113.5 events: " +
                ev + ":1\n");
}

TEST(CliTest, CorrelationRulesInTestCheckListAndExplain) {
  const std::string dir = ::testing::TempDir() + "/cli_corr";
  Sh("rm -rf " + dir + " && mkdir -p " + dir);
  WriteTemp("cli_corr/brute.yml", kCorrelationRules);
  Proc ok = Sh(kVigil + " test " + dir);
  EXPECT_EQ(ok.status, 0) << ok.out << ok.err;
  EXPECT_NE(ok.out.find("ok    brute.yml  Login brute force  (2 tests)"), std::string::npos) << ok.out;
  EXPECT_NE(ok.out.find("2 rules: 2 passed, 0 failed, 0 without tests; 4 tests, 0 failed"), std::string::npos) << ok.out;

  Proc check = Sh(kVigil + " check --strict " + dir);
  EXPECT_EQ(check.status, 0) << check.out;
  EXPECT_EQ(check.out, "");

  // Wrong count, wrong group, wrong events: each test fails with the alerts side by side.
  std::string bad = kCorrelationRules;
  bad.replace(bad.find("7a4c2e10-5b3d-4f6e-8a9b-1c2d3e4f5a01"), 36, "7a4c2e10-5b3d-4f6e-8a9b-1c2d3e4f5a03");
  bad.replace(bad.find("7a4c2e10-5b3d-4f6e-8a9b-1c2d3e4f5a02"), 36, "7a4c2e10-5b3d-4f6e-8a9b-1c2d3e4f5a04");
  bad.replace(bad.find("name: failed_login"), 18, "name: failed_login2");
  bad.replace(bad.find("rules: [failed_login]"), 21, "rules: [failed_login2]");
  bad.replace(bad.find("title: Login brute force"), 24, "title: Bad brute force");
  bad.replace(bad.find("title: Failed console login"), 27, "title: Failed console login 2");
  bad.replace(bad.find("events: [0, 1, 3]"), 17, "events: [0, 1, 2]");
  bad.replace(bad.find("    alerts: []"), 14,
              "    alerts: [{group: {sourceIPAddress: 198.51.100.8}}]\n"
              "  - name: wrong group\n    events:\n"
              "      - {eventTime: '2026-01-01T00:00:00Z', eventName: ConsoleLogin, responseElements: {ConsoleLogin: Failure}}\n"
              "      - {eventTime: '2026-01-01T00:00:01Z', eventName: ConsoleLogin, responseElements: {ConsoleLogin: Failure}}\n"
              "      - {eventTime: '2026-01-01T00:00:02Z', eventName: ConsoleLogin, responseElements: {ConsoleLogin: Failure}}\n"
              "    alerts: [{group: {sourceIPAddress: 198.51.100.7}}]");
  WriteTemp("cli_corr/bad.yml", bad);
  const std::string junit = ::testing::TempDir() + "/cli_corr.xml";
  Proc f = Sh(kVigil + " test --junit " + junit + " " + dir);
  EXPECT_EQ(f.status, 1) << f.out;
  EXPECT_NE(f.out.find("FAIL  bad.yml  Bad brute force  (3 of 3 tests failed)  " + dir + "/bad.yml:17:1\n"
                       "        FAIL  three failures: the alerts raised differ from those expected (1 alert)\n"
                       "              expected alerts:\n"
                       "                group sourceIPAddress=198.51.100.7 value=3 events=[0,1,2]\n"
                       "              actual alerts:\n"
                       "                group sourceIPAddress=198.51.100.7 value=3 events=[0,1,3]\n"
                       "        FAIL  two failures: expected 1 alert, got 0 alerts\n"
                       "              expected alerts:\n"
                       "                group sourceIPAddress=198.51.100.8\n"
                       "              actual alerts:\n"
                       "                (none)\n"
                       "        FAIL  wrong group: the alerts raised differ from those expected (1 alert)\n"
                       "              expected alerts:\n"
                       "                group sourceIPAddress=198.51.100.7\n"
                       "              actual alerts:\n"
                       "                group sourceIPAddress=null value=3 events=[0,1,2]\n"),
            std::string::npos)
      << f.out;
  EXPECT_NE(f.out.find("4 rules: 3 passed, 1 failed"), std::string::npos) << f.out;
  std::ifstream in(junit);
  std::stringstream xml;
  xml << in.rdbuf();
  EXPECT_NE(xml.str().find("<testsuites name=\"vigil rule tests\" tests=\"9\" failures=\"3\" errors=\"0\">"),
            std::string::npos) << xml.str();
  EXPECT_NE(xml.str().find("<failure message=\"expected 1 alert, got 0 alerts\">expected alerts:\n"
                           "  group sourceIPAddress=198.51.100.8\nactual alerts:\n  (none)\n</failure>"),
            std::string::npos) << xml.str();

  // A malformed test is an error for `vigil check` and `vigil test`.
  std::string malformed = kCorrelationRules;
  malformed.replace(malformed.find("events: [0, 1, 3]"), 17, "events: [0, 1, 4]");
  const std::string m = WriteTemp("cli_corr_malformed.yml", malformed);
  Proc cm = Sh(kVigil + " check " + m);
  EXPECT_EQ(cm.status, 1);
  EXPECT_EQ(cm.out, m + ":17:1: error: malformed tests: test #1 'three failures': alert #1: event index 4 is not "
                        "one of the test's events (0 to 3) [tests]\n");
  Proc tm = Sh(kVigil + " test " + m);
  EXPECT_EQ(tm.status, 1);
  EXPECT_NE(tm.out.find("FAIL  cli_corr_malformed.yml  Login brute force\n      " + m +
                        ":17:1: malformed tests: test #1 'three failures': alert #1: event index 4"),
            std::string::npos) << tm.out;
  // Without tests: a warning, unless --no-require-tests.
  std::string untested = kCorrelationRules;
  untested.erase(untested.find("tests:\n  - name: three failures"));
  const std::string u = WriteTemp("cli_corr_untested.yml", untested);
  EXPECT_EQ(Sh(kVigil + " check " + u).out,
            u + ":17:1: warning: the correlation rule has no tests (add a `tests:` list with events that raise an "
                "alert and a near miss that does not) [no-tests]\n");
  EXPECT_EQ(Sh(kVigil + " check --strict --no-require-tests " + u).status, 0);

  // list: the correlation after the detection rule, with its type, rules, group-by, timespan.
  Proc l = Sh(kVigil + " list --format jsonl " + dir + "/brute.yml");
  ASSERT_EQ(l.status, 0) << l.err;
  const auto lines = Lines(l.out);
  ASSERT_EQ(lines.size(), 2u) << l.out;
  EXPECT_EQ(lines[0].rfind("{\"kind\":\"detection\",", 0), 0u) << lines[0];
  simdjson::dom::parser p;
  simdjson::dom::element d;
  ASSERT_FALSE(p.parse(lines[0]).get(d)) << lines[0];
  EXPECT_TRUE(d["building_block"].get_bool().value());  // referenced with generate: false
  simdjson::dom::element c;
  ASSERT_FALSE(p.parse(lines[1]).get(c)) << lines[1];
  EXPECT_EQ(std::string_view(c["kind"].get_string().value()), "correlation");
  EXPECT_EQ(std::string_view(c["title"].get_string().value()), "Login brute force");
  EXPECT_EQ(simdjson::minify(c["correlation"]),
            R"({"type":"event_count","rules":["Failed console login"],"group_by":["sourceIPAddress"],)"
            R"("timespan":"5m","timespan_ms":300000,"condition":"gte 3","field":"","generate":false})");
  EXPECT_EQ(simdjson::minify(c["tests"]), R"({"valid":true,"alert":1,"no_alert":1})");
  Proc t = Sh(kVigil + " list --format table " + dir + "/brute.yml");
  EXPECT_NE(t.out.find("brute.yml  [event_count of 'Failed console login' by sourceIPAddress within 5m: gte 3]\n"),
            std::string::npos) << t.out;

  // explain: the base events per group, then the alert; events in any order.
  const std::string ev = WriteTemp("cli_corr_events.jsonl",
      R"({"eventTime":"2026-01-01T00:02:00Z","eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.7","responseElements":{"ConsoleLogin":"Failure"}})" "\n"
      R"({"eventTime":"2026-01-01T00:00:00Z","eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.7","responseElements":{"ConsoleLogin":"Failure"}})" "\n"
      R"({"eventTime":"2026-01-01T00:00:30Z","eventName":"ConsoleLogin","sourceIPAddress":"203.0.113.9","responseElements":{"ConsoleLogin":"Failure"}})" "\n"
      R"({"eventTime":"2026-01-01T00:01:00Z","eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.7","responseElements":{"ConsoleLogin":"Success"}})" "\n"
      R"({"eventTime":"2026-01-01T00:01:00Z","eventName":"ConsoleLogin","sourceIPAddress":"198.51.100.7","responseElements":{"ConsoleLogin":"Failure"}})" "\n");
  Proc x = Sh(kVigil + " explain --rules " + dir + "/brute.yml \"Login brute force\" " + ev);
  EXPECT_EQ(x.status, 0) << x.out << x.err;
  EXPECT_EQ(x.out, "correlation: Login brute force\n"
                   "  event_count of 'Failed console login' by sourceIPAddress within 5m: gte 3\n"
                   "rule 'Failed console login': matched\n"
                   "  sourceIPAddress=198.51.100.7: 3 events: " + ev + ":0, " + ev + ":1, " + ev + ":4\n"
                   "  sourceIPAddress=203.0.113.9: 1 event: " + ev + ":2\n"
                   "alerts:\n"
                   "  ALERT sourceIPAddress=198.51.100.7 value=3 events: " + ev + ":1, " + ev + ":4, " + ev + ":0\n");
  Proc quiet = Sh("head -n 3 " + ev + " | " + kVigil + " explain --rules " + dir + "/brute.yml \"Login brute force\"");
  EXPECT_EQ(quiet.status, 1) << quiet.out << quiet.err;
  EXPECT_NE(quiet.out.find("  sourceIPAddress=198.51.100.7: 2 events: -:0, -:1\n"), std::string::npos) << quiet.out;
  EXPECT_NE(quiet.out.find("verdict: NO ALERT\n"), std::string::npos) << quiet.out;
}

// ---- Output integrity -----------------------------------------------------------------

// A file name of this process: ctest runs the tests of this suite at the same time,
// each in its own process, and one must not rewrite another's rule file mid-scan.
std::string Own(const std::string& name) { return std::to_string(getpid()) + "_" + name; }

// A rule that matches every event, so the output of a scan is one line per record.
std::string EveryEventRule() {
  return WriteTemp(Own("cli_every_event.yml"),
                   "title: every event\ndetection:\n  none: {eventName: __no_such_event__}\n"
                   "  condition: not none\n");
}

TEST(CliOutputTest, HeadEndsTheScanCleanly) {
  // 3 x 2500 lines (13 MB) through a 64 KiB pipe: vigil is blocked writing when head
  // exits. `timeout` turns a hang into status 124.
  const std::string rules = EveryEventRule();
  for (const char* threads : {"1", "4"}) {
    Proc r = Sh("cd " + kSrc + " && timeout 120 " + kVigil + " scan -j " + threads +
                " --format jsonl --rules " + rules +
                " examples/logs examples/logs examples/logs | head -n 3; echo \"status=${PIPESTATUS[0]}\"");
    const auto lines = Lines(r.out);
    ASSERT_EQ(lines.size(), 4u) << r.out;
    EXPECT_EQ(lines[3], "status=0") << "-j " << threads;
    EXPECT_EQ(r.err, "") << "-j " << threads;
  }
}

TEST(CliOutputTest, SlowReaderGetsEveryLineOnce) {
  const std::string rules = EveryEventRule();
  const std::string file = ::testing::TempDir() + "/" + Own("cli_every_event.jsonl");
  Proc to_file = Sh("cd " + kSrc + " && " + kVigil + " scan -q --format jsonl --rules " + rules +
                    " examples/logs > " + file);
  ASSERT_EQ(to_file.status, 0) << to_file.err;
  std::ifstream in(file);
  std::stringstream ss;
  ss << in.rdbuf();
  const auto expected = Lines(ss.str());
  ASSERT_EQ(expected.size(), 2500u);  // examples/logs: 2500 events (55 files, digests skipped)

  for (const char* threads : {"1", "4"}) {
    FILE* p = popen(("cd " + kSrc + " && " + kVigil + " scan -q -j " + threads +
                     " --format jsonl --rules " + rules + " examples/logs")
                        .c_str(),
                    "r");
    ASSERT_NE(p, nullptr);
    // Start late so the pipe fills and vigil blocks, then read in small pieces.
    usleep(300 * 1000);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) {
      out.append(buf, n);
      usleep(500);
    }
    const int st = pclose(p);
    ASSERT_TRUE(WIFEXITED(st));
    EXPECT_EQ(WEXITSTATUS(st), 0);
    const auto got = Lines(out);
    EXPECT_EQ(got.size(), expected.size()) << "-j " << threads;
    EXPECT_TRUE(got == expected) << "-j " << threads << ": same lines in the same order";
    EXPECT_EQ(std::set<std::string>(got.begin(), got.end()).size(), got.size()) << "duplicates";
  }
}

TEST(CliOutputTest, FullDeviceFailsWithoutClaimingSuccess) {
  const std::string rules = EveryEventRule();
  for (const char* format : {"jsonl", "table"}) {
    for (const char* threads : {"1", "4"}) {
      Proc r = Sh("cd " + kSrc + " && " + kVigil + " scan -j " + threads + " --format " + format +
                  " --rules " + rules + " examples/logs > /dev/full");
      EXPECT_EQ(r.status, 1) << format << " -j " << threads;
      EXPECT_EQ(r.err, "vigil: writing the output failed: No space left on device\n")
          << format << " -j " << threads << ": no summary of a scan whose output was lost";
    }
  }
  // Small outputs too (one buffer: the failure shows only in the final flush).
  const std::string one = WriteTemp(Own("cli_one_event.json"), "{\"eventName\":\"StopLogging\"}\n");
  Proc small = Sh(kVigil + " scan --format jsonl --rules " + rules + " " + one + " > /dev/full");
  EXPECT_EQ(small.status, 1);
  EXPECT_EQ(small.err, "vigil: writing the output failed: No space left on device\n");
}

TEST(CliOutputTest, OtherCommandsReportOutputThatCannotBeWritten) {
  const std::string rule = WriteTemp(Own("cli_output_rule.yml"), kPassingRule);
  const std::string full_msg = "vigil: writing the output failed: No space left on device\n";
  for (const std::string& cmd : {kVigil + " list --format jsonl " + rule, kVigil + " list " + rule,
                                 kVigil + " test " + rule,
                                 kVigil + " dump --rules " + rule, kVigil + " version"}) {
    Proc r = Sh(cmd + " > /dev/full");
    EXPECT_EQ(r.status, 1) << cmd;
    EXPECT_NE(r.err.find(full_msg), std::string::npos) << cmd << ": " << r.err;
  }
  // A reader that stops early is not an error.
  Proc head = Sh(kVigil + " list --format jsonl " + rule + " | head -c 10 >/dev/null; echo \"status=${PIPESTATUS[0]}\"");
  EXPECT_EQ(head.out, "status=0\n");
  EXPECT_EQ(head.err, "");

  const std::string missing = ::testing::TempDir() + "/" + Own("no_such_dir/report.xml");
  Proc a = Sh(kVigil + " test --junit " + missing + " " + rule);
  EXPECT_EQ(a.status, 1);
  EXPECT_NE(a.err.find("vigil: cannot write " + missing + ": No such file or directory"), std::string::npos)
      << a.err;
  Proc b = Sh(kVigil + " test --junit /dev/full " + rule);
  EXPECT_EQ(b.status, 1);
  EXPECT_NE(b.err.find("vigil: cannot write /dev/full: No space left on device"), std::string::npos) << b.err;
}
