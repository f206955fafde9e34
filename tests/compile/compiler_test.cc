// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The compiled program's structure: predicates shared across rules, the candidate
// index (an event evaluates only rules whose witness fired), the field trie.

#include <gtest/gtest.h>

#include "compile/program.h"
#include "vigil/vigil.h"

namespace vigil::internal {
namespace {

std::shared_ptr<const RuleSet> Build(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml);
  EXPECT_FALSE(b.has_errors());
  return b.Build();
}

std::string Rule(const std::string& title, const std::string& detection) {
  return "title: " + title + "\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n" +
         detection + "\n---\n";
}

TEST(CompilerTest, IdenticalPredicatesAreSharedAcrossRules) {
  std::string yaml;
  for (int i = 0; i < 50; ++i) {
    yaml += Rule("r" + std::to_string(i),
                 "  sel:\n    eventSource: iam.amazonaws.com\n    eventName: CreateUser\n"
                 "    userAgent|contains: n" + std::to_string(i) + "\n  condition: sel");
  }
  auto rs = Build(yaml);
  const Program& p = rs->program();
  EXPECT_EQ(p.ir.rules.size(), 50u);
  // eventSource and eventName predicates are interned once; one contains per rule.
  EXPECT_EQ(p.ir.predicates.size(), 2u + 50u);
  EXPECT_EQ(p.ir.fields.size(), 3u);
}

TEST(CompilerTest, WitnessPrefersEventNameEquality) {
  auto rs = Build(Rule("a", "  sel:\n    eventSource: s3.amazonaws.com\n    eventName: [PutBucketPolicy, DeleteBucketPolicy]\n"
                            "    requestParameters|contains: '\"*\"'\n  condition: sel"));
  const Program& p = rs->program();
  ASSERT_EQ(p.witnesses[0].size(), 2u);
  for (uint32_t w : p.witnesses[0]) {
    EXPECT_EQ(p.ir.fields[p.ir.predicates[w].field], "eventName");
  }
  EXPECT_TRUE(p.always.empty());
}

TEST(CompilerTest, NegatedOnlyRulesAreAlwaysEvaluated) {
  auto rs = Build(Rule("a", "  sel:\n    eventName: X\n  filter:\n    errorCode: null\n  condition: not filter") +
                  Rule("b", "  sel:\n    eventName: X\n  condition: sel or not sel"));
  const Program& p = rs->program();
  EXPECT_EQ(p.always, (std::vector<uint32_t>{0, 1}));
}

TEST(CompilerTest, OrNeedsAWitnessOnEveryBranch) {
  auto rs = Build(Rule("a", "  s1:\n    eventName: A\n  s2:\n    errorCode|contains: Denied\n  condition: s1 or s2"));
  const Program& p = rs->program();
  EXPECT_EQ(p.witnesses[0].size(), 2u);
  auto rs2 = Build(Rule("b", "  s1:\n    eventName: A\n  s2:\n    errorCode: null\n  condition: s1 or s2"));
  EXPECT_EQ(rs2->program().always, std::vector<uint32_t>{0});
}

TEST(CompilerTest, TrieHoldsEachPathOnce) {
  auto rs = Build(Rule("a", "  sel:\n    userIdentity.type: Root\n    userIdentity.invokedBy: null\n"
                            "    userIdentity.sessionContext.sessionIssuer.type: Role\n  condition: sel"));
  const Program& p = rs->program();
  // root -> userIdentity -> {type, invokedBy, sessionContext -> sessionIssuer -> type}
  EXPECT_EQ(p.trie.size(), 7u);
  ASSERT_NE(p.trie[0].children.find("userIdentity"), nullptr);
}

TEST(CompilerTest, EvaluatesOnlyCandidateRules) {
  // Two rules on different event names: an event for one must not evaluate the
  // other. Observable through correctness plus the index: no rule is always-on.
  auto rs = Build(Rule("stop", "  sel: {eventName: StopLogging}\n  condition: sel") +
                  Rule("del", "  sel: {eventName: DeleteTrail}\n  condition: sel"));
  EXPECT_TRUE(rs->program().always.empty());
  Scanner s(rs);
  std::vector<Match> out;
  ASSERT_TRUE(s.Match(R"({"eventName":"DeleteTrail"})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule->title, "del");
}

}  // namespace
}  // namespace vigil::internal

namespace vigil {
namespace {

// Regexes too large for one automaton within RegexSet's budget are split into sets of
// halves; what still does not fit keeps its own path. Either way they match. Only a
// pattern too large for a set even alone is warned about, at its rule: the others of a
// group too small for a set are searched on their own as a field's few patterns are.
TEST(CompilerTest, RegexesTooLargeForOneSetAreSplitOrSearchedOnTheirOwn) {
  auto build = [](int repeats, int huge = -1) {
    std::string yaml;
    for (int i = 0; i < 40; ++i) {
      std::string re = "x" + std::to_string(i);
      for (int r = 0; r < (i == huge ? 100 : repeats); ++r) re += "[a-z]{1000}";
      yaml += "title: r" + std::to_string(i) + "\ndetection:\n  s:\n    userAgent|re: '" + re +
              "y'\n  condition: s\n---\n";
    }
    RuleSetBuilder b;
    b.AddYaml(yaml, "big.yml");
    return b.Build();
  };
  // The warnings about the field's patterns, as "file:line:column rule 'title'".
  auto warned = [](const RuleSet& rs) {
    std::vector<std::string> out;
    for (const auto& d : rs.diagnostics()) {
      if (d.severity == Severity::kWarning && d.message.find("'userAgent' is too large") != std::string::npos) {
        out.push_back(d.where.ToString() + " " + d.message.substr(0, d.message.find(':')));
      }
    }
    return out;
  };
  auto matches = [](const std::shared_ptr<const RuleSet>& rs, int rule, int repeats) {
    Scanner scanner(rs);
    std::vector<Match> out;
    const std::string ev = "{\"userAgent\":\"x" + std::to_string(rule) +
                           std::string(static_cast<size_t>(repeats) * 1000, 'q') + "y\"}";
    EXPECT_TRUE(scanner.Match(ev, &out, EventKind::kAny).ok());
    return out.size() == 1 && out[0].rule_index == static_cast<uint32_t>(rule);
  };
  // 40 of them do not fit 8 MiB, 20 neither, 10 do: four sets.
  auto split = build(6);
  ASSERT_EQ(split->size(), 40u);
  EXPECT_TRUE(warned(*split).empty());
  size_t sets = 0;
  for (const auto& x : split->program().indexes) {
    for (const auto& r : x.regex_sets) {
      ++sets;
      EXPECT_EQ(r.set->size(), 10u);
    }
  }
  EXPECT_EQ(sets, 4u);
  EXPECT_TRUE(matches(split, 7, 6));
  // Twice as large: ten do not fit either, and five are not worth a set; each fits
  // alone, so none of them is worth a warning.
  auto alone = build(12);
  ASSERT_EQ(alone->size(), 40u);
  EXPECT_TRUE(warned(*alone).empty());
  for (const auto& x : alone->program().indexes) EXPECT_TRUE(x.regex_sets.empty());
  EXPECT_TRUE(matches(alone, 7, 12));
  // One pattern too large alone among 39 small ones: it is named at its rule (the
  // eighth document of big.yml starts on line 43). The halves without it share sets
  // (20 and 10); the ten of the quarter with it, halved below a set's worth, do not.
  auto one = build(0, 7);
  ASSERT_EQ(one->size(), 40u);
  EXPECT_EQ(warned(*one), std::vector<std::string>{"big.yml:43:1 rule 'r7'"});
  size_t in_sets = 0;
  for (const auto& x : one->program().indexes) {
    for (const auto& r : x.regex_sets) in_sets += r.set->size();
  }
  EXPECT_EQ(in_sets, 30u);
  EXPECT_TRUE(matches(one, 7, 100));
  EXPECT_TRUE(matches(one, 30, 0));
}

}  // namespace
}  // namespace vigil
