// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The bundled pack against Panther's labelled test events
// (../shared/corpus/panther/, verbatim from panther-labs/panther-analysis and
// panther_analysis_tool; provenance and licence in its README.md).
//
// A pack rule names the Panther rules it covers in its custom `panther:` attribute:
//   panther:
//       - rule: AWS.Console.RootLogin
//         differences:                 # tests where the pack deliberately disagrees
//             - {test: 'Successful Login', reason: '...'}
// For every test event of every named Panther rule, the pack rule's verdict (through
// the compiled matcher, with the whole pack loaded) must equal Panther's
// ExpectedResult, or the opposite for a test listed in `differences`. Panther's
// thresholds, dedup and mocks are not part of a per-event verdict: ExpectedResult is
// the result of Panther's rule() on that one event.
//
// Also checked: every `differences` entry names a real test and gives a reason, and
// every Panther CloudTrail rule in the corpus is covered by a pack rule or listed
// below as deliberately uncovered.

#include <gtest/gtest.h>
#include <simdjson.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "load/yaml_loader.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

namespace fs = std::filesystem;

const std::string kPanther = std::string(VIGIL_SHARED_DIR) + "/corpus/panther";
const std::string kPack = std::string(VIGIL_SOURCE_DIR) + "/rules";

// Panther CloudTrail rules of the corpus that no pack rule maps, and why.
const std::map<std::string, std::string> kUncovered = {
    {"AWS.CloudTrail.UserAccessKeyAuth",
     "a Panther signal (CreateAlert: false) for every successful call made with a long-term "
     "key; as an alert it would fire on most automation"},
    {"AWS.IAMUser.ReconAccessDenied",
     "a 15-in-10-minutes threshold on denied List/Describe/Get calls; the per-event part is "
     "CIS 4.1 (unauthorized API calls), the threshold belongs to a correlation rule"},
};

struct PantherTest {
  std::string name;
  bool expected = false;
  std::string log_json;
};

struct PantherRule {
  std::string file;
  std::vector<PantherTest> tests;
};

const std::map<std::string, PantherRule>& PantherRules() {
  static const auto* rules = [] {
    auto* out = new std::map<std::string, PantherRule>;
    std::vector<fs::path> files;
    for (const auto& dir : {fs::path(kPanther), fs::path(kPanther) / "simple-detections"}) {
      for (const auto& e : fs::directory_iterator(dir)) {
        if (e.is_regular_file() && e.path().extension() == ".yml") files.push_back(e.path());
      }
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
      std::ifstream in(f, std::ios::binary);
      std::ostringstream text;
      text << in.rdbuf();
      std::vector<Diagnostic> diagnostics;
      const std::vector<internal::YamlDocument> docs =
          internal::LoadYamlDocuments(text.str(), f.string(), &diagnostics);
      EXPECT_TRUE(diagnostics.empty()) << diagnostics[0].ToString();
      if (docs.empty()) continue;
      const internal::YamlNode root = docs[0].root;
      if (!root["RuleID"]) continue;
      PantherRule& r = (*out)[std::string(root["RuleID"].Scalar())];
      r.file = f.filename().string();
      for (const internal::YamlNode t : root["Tests"].Elements()) {
        PantherTest pt;
        pt.name = t["Name"] ? std::string(t["Name"].Scalar()) : "(unnamed)";
        const std::string_view expected = t["ExpectedResult"].Scalar();
        EXPECT_TRUE(expected == "true" || expected == "false") << f << ": " << pt.name;
        pt.expected = expected == "true";
        pt.log_json = internal::YamlToJson(t["Log"]);
        r.tests.push_back(std::move(pt));
      }
    }
    return out;
  }();
  return *rules;
}

struct Mapping {
  size_t rule_index;
  std::string panther_id;
  std::map<std::string, std::string> differences;  // test name -> reason
};

std::vector<Mapping> Mappings(const RuleSet& rs) {
  std::vector<Mapping> out;
  for (size_t i = 0; i < rs.size(); ++i) {
    auto it = rs.rule(i).custom.find("panther");
    if (it == rs.rule(i).custom.end()) continue;
    simdjson::dom::parser p;
    simdjson::dom::element root;
    EXPECT_EQ(p.parse(it->second).get(root), simdjson::SUCCESS) << rs.rule(i).title;
    simdjson::dom::array list;
    EXPECT_EQ(root.get_array().get(list), simdjson::SUCCESS)
        << rs.rule(i).where.ToString() << ": 'panther' must be a list of {rule, differences}";
    for (simdjson::dom::element e : list) {
      Mapping m;
      m.rule_index = i;
      std::string_view id;
      EXPECT_EQ(e["rule"].get_string().get(id), simdjson::SUCCESS) << rs.rule(i).where.ToString();
      m.panther_id = std::string(id);
      simdjson::dom::array diffs;
      if (e["differences"].get_array().get(diffs) == simdjson::SUCCESS) {
        for (simdjson::dom::element d : diffs) {
          std::string_view test, reason;
          EXPECT_EQ(d["test"].get_string().get(test), simdjson::SUCCESS) << rs.rule(i).where.ToString();
          EXPECT_EQ(d["reason"].get_string().get(reason), simdjson::SUCCESS) << rs.rule(i).where.ToString();
          EXPECT_GT(reason.size(), 10u) << "a difference needs a reason: " << test;
          m.differences[std::string(test)] = std::string(reason);
        }
      }
      out.push_back(std::move(m));
    }
  }
  return out;
}

std::shared_ptr<const RuleSet> Pack() {
  static std::shared_ptr<const RuleSet> rs = [] {
    RuleSetBuilder b;
    b.AddPath(kPack);
    EXPECT_FALSE(b.has_errors());
    return b.Build();
  }();
  return rs;
}

TEST(PantherAgreementTest, PackRulesAgreeWithPantherExpectedResults) {
  if (!fs::is_directory(kPanther)) GTEST_SKIP() << "no Panther corpus at " << kPanther;
  auto rs = Pack();
  const auto mappings = Mappings(*rs);
  ASSERT_GE(mappings.size(), 15u) << "the pack maps most of Panther's CloudTrail rules";
  Scanner scanner(rs);
  size_t events = 0, agreed = 0, documented = 0;
  for (const Mapping& m : mappings) {
    const RuleInfo& rule = rs->rule(m.rule_index);
    auto it = PantherRules().find(m.panther_id);
    ASSERT_NE(it, PantherRules().end()) << rule.where.ToString() << " maps unknown Panther rule " << m.panther_id;
    std::set<std::string> names;
    for (const PantherTest& t : it->second.tests) {
      names.insert(t.name);
      std::vector<Match> out;
      ASSERT_TRUE(scanner.Match(t.log_json, &out, EventKind::kAny).ok()) << t.name;
      const bool got = std::any_of(out.begin(), out.end(), [&](const Match& x) { return x.rule_index == m.rule_index; });
      const bool differs = m.differences.count(t.name) > 0;
      const bool want = differs ? !t.expected : t.expected;
      ++events;
      agreed += got == t.expected;
      documented += differs;
      if (got != want) {
        auto ex = Explain(*rs, m.rule_index, t.log_json);
        ADD_FAILURE() << rule.where.ToString() << " (" << rule.title << ") vs Panther " << m.panther_id << " ("
                      << it->second.file << "), test '" << t.name << "': Panther expects "
                      << (t.expected ? "true" : "false") << (differs ? " and the rule documents a difference" : "")
                      << ", the pack rule says " << (got ? "match" : "no match") << "\n"
                      << (ex.ok() ? ex.value().ToText() : ex.status().message());
      }
    }
    for (const auto& [test, reason] : m.differences) {
      EXPECT_TRUE(names.count(test)) << rule.where.ToString() << ": difference names no Panther test '" << test << "'";
    }
  }
  std::printf("Panther agreement: %zu mappings, %zu test events, %zu agree, %zu documented differences\n",
              mappings.size(), events, agreed, documented);
  EXPECT_EQ(agreed + documented, events);
}

TEST(PantherAgreementTest, EveryPantherCloudTrailRuleIsCoveredOrExplained) {
  if (!fs::is_directory(kPanther)) GTEST_SKIP() << "no Panther corpus at " << kPanther;
  auto rs = Pack();
  std::set<std::string> mapped;
  for (const Mapping& m : Mappings(*rs)) mapped.insert(m.panther_id);
  for (const auto& [id, rule] : PantherRules()) {
    if (rule.file.rfind("aws_", 0) != 0) continue;  // Test.* fixtures and non-AWS examples
    if (rule.file == "aws_cloudtrail_account_discovery.yml" || rule.file == "aws_console_login_without_saml.yml" ||
        rule.file == "aws_ec2_monitoring.yml" || rule.file == "aws_cloudtrail_created.yml" ||
        rule.file == "aws_cloudtrail_unsuccessful_mfa_attempt.yml") {
      continue;  // simple-detections grammar examples whose ExpectedResults nobody ran
    }
    EXPECT_TRUE(mapped.count(id) || kUncovered.count(id))
        << "Panther rule " << id << " (" << rule.file << ") is neither mapped by a pack rule nor listed as uncovered";
  }
  for (const auto& [id, why] : kUncovered) EXPECT_FALSE(mapped.count(id)) << id << " is mapped after all";
}

}  // namespace
}  // namespace vigil
