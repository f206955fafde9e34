// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Accept/reject tests for the condition grammar (syntax/condition_parser.h), each
// accepted condition re-run with whitespace variants.

#include "syntax/condition_parser.h"

#include <gtest/gtest.h>

namespace vigil::internal {
namespace {

// Renders a tree with explicit parentheses so precedence is visible in assertions.
std::string Show(const CondNode& n) {
  switch (n.kind) {
    case CondNode::Kind::kIdentifier: return n.name;
    case CondNode::Kind::kOneOf: return "1of(" + n.name + ")";
    case CondNode::Kind::kAllOf: return "allof(" + n.name + ")";
    case CondNode::Kind::kNot: return "not(" + Show(n.children[0]) + ")";
    case CondNode::Kind::kAnd:
    case CondNode::Kind::kOr: {
      std::string s = n.kind == CondNode::Kind::kAnd ? "and(" : "or(";
      for (size_t i = 0; i < n.children.size(); ++i) s += (i ? "," : "") + Show(n.children[i]);
      return s + ")";
    }
  }
  return "?";
}

std::string Parse(const std::string& text) {
  CondNode n;
  ConditionError e;
  if (!ParseCondition(text, &n, &e)) return "ERROR@" + std::to_string(e.offset) + ": " + e.message;
  return Show(n);
}

struct Accept {
  const char* text;
  const char* tree;
};

class ConditionAcceptTest : public ::testing::TestWithParam<Accept> {};

TEST_P(ConditionAcceptTest, ParsesToTree) {
  EXPECT_EQ(Parse(GetParam().text), GetParam().tree);
  // Whitespace variants: extra spaces and tabs do not change the tree.
  std::string spaced;
  for (char c : std::string(GetParam().text)) {
    if (c == '(' || c == ')') {
      spaced += std::string(" ") + c + " ";
    } else if (c == ' ') {
      spaced += " \t ";
    } else {
      spaced += c;
    }
  }
  EXPECT_EQ(Parse("  " + spaced + "  "), GetParam().tree) << spaced;
}

INSTANTIATE_TEST_SUITE_P(
    Grammar, ConditionAcceptTest,
    ::testing::Values(
        Accept{"sel", "sel"},
        Accept{"a and b", "and(a,b)"},
        Accept{"a or b and c", "or(a,and(b,c))"},            // and binds tighter than or
        Accept{"a and b or c", "or(and(a,b),c)"},
        Accept{"not a and b", "and(not(a),b)"},              // not binds tighter than and
        Accept{"not a or not b", "or(not(a),not(b))"},
        Accept{"not not a", "not(not(a))"},
        Accept{"a and (b or c)", "and(a,or(b,c))"},
        Accept{"(a or b) and not (c or d)", "and(or(a,b),not(or(c,d)))"},
        Accept{"1 of sel*", "1of(sel*)"},
        Accept{"any of sel*", "1of(sel*)"},
        Accept{"all of them", "allof(them)"},
        Accept{"1 of them", "1of(them)"},
        Accept{"not 1 of filter_*", "not(1of(filter_*))"},
        Accept{"sel and not 1 of filter_main_*", "and(sel,not(1of(filter_main_*)))"},
        Accept{"1 of sel* and not all of f*", "and(1of(sel*),not(allof(f*)))"},
        Accept{"a AND b OR NOT c", "or(and(a,b),not(c))"},   // keywords are case-insensitive
        Accept{"sel-1 and sel.2", "and(sel-1,sel.2)"},
        Accept{"a and b and c", "and(a,b,c)"},
        Accept{"a or b or c", "or(a,b,c)"},
        Accept{"((a))", "a"}));

TEST(ConditionRejectTest, ReportsOffsetAndReason) {
  EXPECT_EQ(Parse("a and"), "ERROR@5: unexpected end of condition");
  EXPECT_EQ(Parse("(a or b"), "ERROR@0: unbalanced '(': missing ')'");
  EXPECT_EQ(Parse("a or b)"), "ERROR@6: unbalanced ')'");
  EXPECT_EQ(Parse("a b"), "ERROR@2: unexpected 'b'");
  EXPECT_EQ(Parse("2 of sel*"), "ERROR@0: only '1 of', 'any of' and 'all of' are allowed, not '2 of'");
  EXPECT_EQ(Parse("sel*"), "ERROR@0: identifier pattern 'sel*' needs '1 of' or 'all of'");
  EXPECT_EQ(Parse("1 of"), "ERROR@4: expected 'them' or an identifier pattern after 'of'");
  EXPECT_EQ(Parse("a and or b"), "ERROR@6: expected an identifier, found 'or'");
  EXPECT_EQ(Parse(""), "ERROR@0: unexpected end of condition");
  EXPECT_EQ(Parse("a & b"), "ERROR@2: unexpected character '&'");
}

TEST(ConditionRejectTest, Sigma1AggregationIsRejectedWhereItStarts) {
  const std::string r = Parse("selection | count() > 10");
  EXPECT_EQ(r.rfind("ERROR@10: '|' starts a Sigma 1 aggregation", 0), 0u) << r;
  EXPECT_NE(Parse("sel1 near sel2").find("'near' is Sigma 1 aggregation syntax"), std::string::npos);
}

TEST(ConditionRejectTest, DepthIsBounded) {
  std::string deep(kMaxConditionDepth * 2, '(');
  deep += "a" + std::string(kMaxConditionDepth * 2, ')');
  EXPECT_NE(Parse(deep).find("nested deeper than"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 1000; ++i) nots += "not ";
  EXPECT_NE(Parse(nots + "a").find("nested deeper than"), std::string::npos);
  std::string ok(10, '(');
  EXPECT_EQ(Parse(ok + "a" + std::string(10, ')')), "a");
}

}  // namespace
}  // namespace vigil::internal
