// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: the bytes are one JSON event, matched against the bundled rule pack
// (rules/, loaded once). Logs are attacker-influenced (user agents, parameters, resource
// names), so matching must not crash or hang; and for every rule the compiled matcher
// must reach the verdict of the reference interpreter (Explain). Also checks that the
// logsource filter of EventKind::kAuto only ever removes matches.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "vigil/vigil.h"

namespace {

std::shared_ptr<const vigil::RuleSet> LoadPack() {
  vigil::CompileOptions options;
  options.skip_attributes = {"tests"};
  vigil::RuleSetBuilder builder(options);
  builder.AddPath(VIGIL_FUZZ_RULES_DIR);
  std::shared_ptr<const vigil::RuleSet> rules = builder.Build();
  if (builder.has_errors() || rules->size() == 0) {
    vigil::fuzz::Fail("the rule pack " VIGIL_FUZZ_RULES_DIR " does not load");
  }
  return rules;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::shared_ptr<const vigil::RuleSet> rules = LoadPack();
  static vigil::Scanner scanner(rules);
  const std::string_view json(reinterpret_cast<const char*>(data), size);

  const size_t any = vigil::fuzz::CheckAgreement(*rules, scanner, json);

  std::vector<vigil::Match> auto_out;
  const vigil::Status st = scanner.Match(json, &auto_out, vigil::EventKind::kAuto,
                                         vigil::Envelope::kRecords);
  if (st.ok() && auto_out.size() > any) {
    vigil::fuzz::Fail("EventKind::kAuto matched more rules than kAny");
  }
  return 0;
}
