// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Loading and compiling 10,000 rules stays bounded in memory (issue 12): the heap in
// use while one 10,000-document rule file is loaded and built, and what the built
// RuleSet keeps, measured in bytes by heap_counter.h. Not a timing test: start-up time
// is measured by benchmarks/bench_match.cc (BM_Compile*).
//
// What it guards: the YAML of a file is held once, as vigil's compact node tree, and
// freed when its rules are parsed; what stays per rule is its syntax tree and compiled
// form. The limits are about twice what was measured when they were set (noted below),
// so that they catch a change of kind, not noise.

#include <gtest/gtest.h>

#include <string>

#include "alloc/heap_counter.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

// 10,000 CloudTrail rules of the shape real packs have (three identifiers, a filter,
// lists of values, tags, a description), all distinct: about 750 bytes each.
std::string TenThousandRules() {
  std::string y;
  y.reserve(10000 * 1000);
  for (int i = 0; i < 10000; ++i) {
    const std::string n = std::to_string(i);
    y += "title: Generated rule " + n + " for service " + std::to_string(i % 97) + "\n";
    y += "id: 6f3e2987-db24-4c78-a860-" + std::string(12 - n.size(), '0') + n + "\n";
    y += "status: test\n";
    y += "description: Detects calls of Action" + n + "A and Action" + n +
         "B by principals other than the automation roles. Generated for a memory test.\n";
    y += "author: vigil tests\ndate: 2026-12-01\n";
    y += "tags:\n  - attack.persistence\n  - attack.t1098\n";
    y += "logsource:\n  product: aws\n  service: cloudtrail\n";
    y += "detection:\n  selection:\n    eventSource: svc" + std::to_string(i % 97) + ".amazonaws.com\n";
    y += "    eventName:\n      - Action" + n + "A\n      - Action" + n + "B\n      - Action" + n + "C\n";
    y += "  filter_service:\n    userIdentity.type: AWSService\n";
    y += "  filter_agent:\n    userAgent|contains:\n      - console.amazonaws.com\n      - 'agent-" + n +
         "'\n";
    y += "  condition: selection and not (filter_service or filter_agent)\n";
    y += "falsepositives:\n  - Administration\nlevel: medium\n---\n";
  }
  return y;
}

TEST(StartupMemoryTest, TenThousandRulesLoadAndBuildInBoundedMemory) {
  const std::string yaml = TenThousandRules();
  const long text = static_cast<long>(yaml.size());
  ASSERT_GT(text, 7'000'000);

  CompileOptions options;
  options.skip_attributes = {"tests"};  // as vigil scan loads rules
  testing::StartHeapCounting();
  RuleSetBuilder builder(options);
  builder.AddYaml(yaml, "rules.yml");
  const long load_peak = testing::HeapPeakBytes();
  const long after_load = testing::HeapBytesInUse();
  std::shared_ptr<const RuleSet> rules = builder.Build();
  const long peak = testing::HeapPeakBytes();
  const long after_build = testing::HeapBytesInUse();
  testing::StopHeapCounting();

  ASSERT_EQ(rules->size(), 10000u);
  ASSERT_FALSE(builder.has_errors());
  // Limits at about twice what was measured when they were set (text 7.6 MB): peak
  // while loading 11x the text (84 MB: the text blanked in a copy, the file's node tree
  // and the rules' syntax trees; yaml-cpp's node graph made it 37x, 277 MB), kept after
  // loading 5.9x (the syntax trees), peak while building the same 11x, kept after Build
  // 9.6x (the program, and the syntax trees `vigil explain` reads).
  EXPECT_LT(load_peak, 20 * text) << "peak while loading: " << load_peak << " bytes for " << text;
  EXPECT_LT(after_load, 10 * text) << "kept after loading: " << after_load;
  EXPECT_LT(after_load, load_peak / 3 * 2) << "the node tree is freed once the rules are parsed";
  EXPECT_LT(peak, 20 * text) << "peak while building: " << peak;
  EXPECT_LT(after_build, 16 * text) << "kept after Build: " << after_build;
}

}  // namespace
}  // namespace vigil
