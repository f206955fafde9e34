// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The spec's escaping rules (Sigma rules specification, "Escape Character") as
// lowered into the IR glob encoding, and the IR that modifier chains produce.

#include "ir/lower.h"

#include <gtest/gtest.h>

#include "compile/program.h"
#include "vigil/vigil.h"

namespace vigil::internal {
namespace {

TEST(LowerTest, BackslashEscapesFollowTheSpec) {
  EXPECT_EQ(SigmaValueToGlob("abc"), "abc");
  EXPECT_EQ(SigmaValueToGlob("a*b?c"), "a*b?c");            // wildcards
  EXPECT_EQ(SigmaValueToGlob("a\\*b"), "a\\*b");            // \* is a literal star
  EXPECT_EQ(SigmaValueToGlob("a\\?b"), "a\\?b");            // \? is a literal question mark
  EXPECT_EQ(SigmaValueToGlob("C:\\Windows"), "C:\\\\Windows");  // plain backslash stays
  EXPECT_EQ(SigmaValueToGlob("C:\\\\Windows"), "C:\\\\Windows");  // \\ is one backslash
  EXPECT_EQ(SigmaValueToGlob("a\\\\*"), "a\\\\*");          // \\* : backslash then wildcard
  EXPECT_EQ(SigmaValueToGlob("a\\\\\\*"), "a\\\\\\*");      // \\\* : backslash, literal star
  EXPECT_EQ(SigmaValueToGlob("a\\\\\\\\b"), "a\\\\\\\\b");  // \\\\ : two backslashes
  EXPECT_EQ(SigmaValueToGlob("a\\\\\\b"), "a\\\\\\\\b");    // \\\ before a letter: two as well
  EXPECT_EQ(SigmaValueToGlob("trailing\\"), "trailing\\\\");
}

std::string DumpOf(const std::string& item) {
  RuleSetBuilder b;
  b.AddYaml("title: t\ndetection:\n  s:\n    " + item + "\n  condition: s\n");
  EXPECT_FALSE(b.has_errors()) << item;
  auto rs = b.Build();
  const Ir& ir = rs->program().ir;
  std::string out;
  for (uint32_t i = 0; i < ir.predicates.size(); ++i) out += ir.PredicateToString(i) + "; ";
  return out + ir.ExprToString(ir.rules[0].condition);
}

TEST(LowerTest, ModifierChainsBecomeTypedPredicates) {
  EXPECT_EQ(DumpOf("eventName: StopLogging"), "p0: eventName eq 'stoplogging'; p0");
  EXPECT_EQ(DumpOf("eventName|cased: StopLogging"), "p0: eventName eq(cased) 'StopLogging'; p0");
  EXPECT_EQ(DumpOf("a|contains: x"), "p0: a contains 'x'; p0");
  EXPECT_EQ(DumpOf("a|startswith: x"), "p0: a prefix 'x'; p0");
  EXPECT_EQ(DumpOf("a|endswith: x"), "p0: a suffix 'x'; p0");
  EXPECT_EQ(DumpOf("a: '*x'"), "p0: a suffix 'x'; p0");
  EXPECT_EQ(DumpOf("a: 'x*y'"), "p0: a glob 'x*y'; p0");
  EXPECT_EQ(DumpOf("a|contains|all: [x, y]"), "p0: a contains 'x'; p1: a contains 'y'; (p0 and p1)");
  EXPECT_EQ(DumpOf("a|neq: [x, y]"), "p0: a not-eq 'x'; p1: a not-eq 'y'; (p0 and p1)");
  EXPECT_EQ(DumpOf("a|base64: hi"), "p0: a eq 'agk='; p0");
  EXPECT_EQ(DumpOf("a|re|i: '^A.*'"), "p0: a re '^A.*'; p0");
  EXPECT_EQ(DumpOf("eventTime|hour|gte: 22"), "p0: eventTime|hour gte 22; p0");
  EXPECT_EQ(DumpOf("port: 22"), "p0: port eq '22'; p1: port num_eq 22; (p0 or p1)");
  EXPECT_EQ(DumpOf("a: null"), "p0: a null; p0");
  EXPECT_EQ(DumpOf("a|exists: false"), "p0: a not_exists; p0");
  EXPECT_EQ(DumpOf("a|fieldref: b"), "p0: a fieldref eq field b; p0");
}

}  // namespace
}  // namespace vigil::internal
