// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The compiled program's structure: predicates shared across rules, the candidate
// index (an event evaluates only rules whose witness fired), the field trie.

#include <gtest/gtest.h>

#include <functional>

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

// Program::rule_code as text: checks, then the condition (stamp: a bit set during the
// first pass decides it; pred: EvalPred, which may walk a lazy part of the event).
std::string CodeText(const Program& p, uint32_t rule) {
  auto name = [&](uint32_t atom) {
    return atom < p.ir.predicates.size() ? p.ir.PredicateToString(atom) : p.AtomToString(atom);
  };
  const uint32_t* pc = p.rule_code.data() + p.rule_code_at[rule];
  std::string s = pc[0] == rule_code::kNoQuickCheck ? "quick - " : "quick " + name(pc[0]) + " ";
  s += (pc[1] & rule_code::kFitsCloudTrail) ? "cloudtrail " : "any ";
  uint32_t n = pc[1] & ~rule_code::kFitsCloudTrail;
  pc += 2;
  for (; n != 0; --n) {
    const uint32_t w = *pc++;
    s += (w & rule_code::kClauseFinal) ? "check(final" : "check(walk";
    for (uint32_t k = 0; k < (w & ~rule_code::kClauseFinal); ++k) s += " " + name(*pc++);
    s += ") ";
  }
  std::function<void(const uint32_t*)> node = [&](const uint32_t* at) {
    const uint32_t w = *at;
    switch (w >> rule_code::kShift) {
      case rule_code::kFalse: s += "false"; return;
      case rule_code::kTrue: s += "true"; return;
      case rule_code::kStamp: s += "stamp(" + name(w & rule_code::kMask) + ")"; return;
      case rule_code::kPred: s += "pred(" + name(w & rule_code::kMask) + ")"; return;
    }
    static const char* kNames[] = {"not", "and", "or"};
    s += kNames[(w >> rule_code::kShift) - rule_code::kNot];
    s += "(";
    for (const uint32_t *k = at + 1, *end = at + (w & rule_code::kMask); k != end; k += rule_code::Width(*k)) {
      if (k != at + 1) s += ", ";
      node(k);
    }
    s += ")";
  };
  node(pc);
  return s;
}

// The candidate loop reads a rule's quick check, checks and condition from one block.
// A predicate on a part of the event the first pass leaves for later must go through
// EvalPred (which walks that part); a bit set in the first pass decides the others.
TEST(CompilerTest, RuleCodeTellsFirstPassBitsFromPredicatesToWalk) {
  auto rs = Build(Rule("a", "  sel:\n    eventName: PutBucketPolicy\n    requestParameters.bucketName|startswith: prod-\n"
                            "  filter:\n    eventName: PutBucketPolicy\n    userAgent: console.amazonaws.com\n"
                            "  condition: sel and not filter") +
                  "title: b\nlogsource: {product: windows}\ndetection:\n  sel: {eventName: X}\n  condition: sel\n---\n" +
                  Rule("c", "  sel:\n    eventName: Y\n    eventSource: [s3.amazonaws.com, iam.amazonaws.com]\n  condition: sel") +
                  Rule("d", "  sel:\n    eventSource: ec2.amazonaws.com\n  condition: sel") +
                  Rule("e", "  sel:\n    eventName: Z\n    eventSource: sts.amazonaws.com\n  condition: sel"));
  const Program& p = rs->program();
  EXPECT_EQ(CodeText(p, 0),
            "quick - cloudtrail check(walk p1: requestParameters.bucketName prefix 'prod-') "
            "and(stamp(p0: eventName eq 'putbucketpolicy'), pred(p1: requestParameters.bucketName prefix 'prod-'), "
            "not(and(stamp(p0: eventName eq 'putbucketpolicy'), pred(p2: userAgent eq 'console.amazonaws.com'))))");
  EXPECT_EQ(CodeText(p, 1), "quick - any stamp(p3: eventName eq 'x')");
  // eventSource triggers rule d, so the first pass walks it: rule c's check on it is
  // final (no bit set, no match), and a check of one such atom is a quick check.
  EXPECT_EQ(CodeText(p, 2),
            "quick - cloudtrail check(final p5: eventSource eq 's3.amazonaws.com' p6: eventSource eq "
            "'iam.amazonaws.com') and(stamp(p4: eventName eq 'y'), or(stamp(p5: eventSource eq "
            "'s3.amazonaws.com'), stamp(p6: eventSource eq 'iam.amazonaws.com')))");
  EXPECT_EQ(CodeText(p, 3), "quick - cloudtrail stamp(p7: eventSource eq 'ec2.amazonaws.com')");
  EXPECT_EQ(CodeText(p, 4),
            "quick p9: eventSource eq 'sts.amazonaws.com' cloudtrail check(final p9: eventSource eq "
            "'sts.amazonaws.com') and(stamp(p8: eventName eq 'z'), stamp(p9: eventSource eq 'sts.amazonaws.com'))");
  Scanner s(rs);
  std::vector<Match> out;
  const std::string bucket = R"({"eventName":"PutBucketPolicy","requestParameters":{"bucketName":")";
  ASSERT_TRUE(s.Match(bucket + R"(prod-logs"},"userAgent":"aws-cli"})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(s.Match(bucket + R"(dev-logs"},"userAgent":"aws-cli"})", &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(s.Match(bucket + R"(prod-logs"},"userAgent":"console.amazonaws.com"})", &out).ok());
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(s.Match(R"({"eventName":"Y","eventSource":"iam.amazonaws.com"})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule->title, "c");
  ASSERT_TRUE(s.Match(R"({"eventName":"Y","eventSource":"ec2.amazonaws.com"})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule->title, "d");
  ASSERT_TRUE(s.Match(R"({"eventName":"Z","eventSource":"STS.amazonaws.com"})", &out).ok());
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].rule->title, "e");
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
