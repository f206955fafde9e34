// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: the bytes are one rule file. Loads it (RuleSetBuilder::AddYaml + Build),
// lints it, dumps the compiled program, and matches a few fixed events with every rule
// that compiled, holding the compiled matcher and the reference interpreter (Explain)
// to the same verdicts. Rule files come from anyone who can open a pull request on a
// rules repository, so none of this may crash, hang or disagree.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "vigil/vigil.h"

namespace {

// Events with every JSON type at the fields rules most often name, plus fields a
// fuzzer finds from the dictionary (a, b, c).
constexpr std::string_view kEvents[] = {
    R"({"eventVersion":"1.08","eventSource":"iam.amazonaws.com","eventName":"CreateUser",)"
    R"("eventTime":"2024-01-01T00:00:00Z","awsRegion":"us-east-1","sourceIPAddress":"10.0.0.1",)"
    R"("userAgent":"aws-cli/2.0 Python/3.11","errorCode":null,"readOnly":false,)"
    R"("userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/alice",)"
    R"("userName":"alice","sessionContext":{"attributes":{"mfaAuthenticated":"false"}}},)"
    R"("requestParameters":{"userName":"bob","tags":[{"key":"k","value":"v"}],"n":42,)"
    R"("policy":"{\"Effect\":\"Allow\"}"},"responseElements":null,"a":"1","b":2,"c":[1,"x",null]})",
    R"({"eventName":"ConsoleLogin","eventSource":"signin.amazonaws.com","sourceIPAddress":)"
    R"("2001:db8::1","additionalEventData":{"MFAUsed":"No"},"responseElements":{"ConsoleLogin":)"
    R"j("Failure"},"a":"","b":"*","c":{"d":"e\u0000f"},"userAgent":"Mozilla/5.0 (X11; Linux)"})j",
    R"({})",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view yaml(reinterpret_cast<const char*>(data), size);

  vigil::RuleSetBuilder builder;
  builder.AddYaml(yaml, "fuzz.yml");
  std::shared_ptr<const vigil::RuleSet> rules = builder.Build();
  for (const vigil::Diagnostic& d : rules->diagnostics()) (void)d.ToString();
  (void)rules->Dump();

  // The linter reads paths; it parses the file again with its own checks on top.
  static vigil::fuzz::ScratchFile file(".yml");
  vigil::LintOptions lint;
  lint.require_tests = false;
  const vigil::LintReport report = vigil::LintPaths({file.Write(yaml)}, lint);
  if (builder.has_errors() && report.errors() == 0) {
    vigil::fuzz::Fail("the loader rejected a rule the linter accepts");
  }

  if (rules->size() > 0) {
    vigil::Scanner scanner(rules);
    for (std::string_view event : kEvents) vigil::fuzz::CheckAgreement(*rules, scanner, event);
  }
  return 0;
}
