// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: the bytes are one detection condition. Parses them with the condition
// parser (src/syntax/condition_parser.h), then, as the condition of a rule over a fixed
// set of search identifiers, compiles the rule and matches events that make different
// identifiers hold, holding the compiled matcher and the reference interpreter
// (Explain) to the same verdicts.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "syntax/condition_parser.h"
#include "vigil/vigil.h"

namespace {

// The condition as a YAML double-quoted scalar: every byte that is not plain printable
// ASCII is escaped, so the condition reaches the parser whatever the bytes are (bytes
// >= 0x80 arrive as the UTF-8 of U+0080..U+00FF, which the grammar rejects alike).
std::string YamlQuoted(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out + "\"";
}

// Identifiers: plain names, ones sharing prefixes (for `1 of sel*`), one starting with
// '_' (excluded from `them`), dotted and dashed ones the grammar allows, and a keyword
// list.
constexpr std::string_view kDetection =
    "  sel:\n    a: '1'\n"
    "  sel_b:\n    b: '1'\n"
    "  sel_c:\n    - c: '1'\n    - c: '2'\n"
    "  filter:\n    d|contains: x\n"
    "  filter.2-x:\n    e|exists: true\n"
    "  _hidden:\n    a: '1'\n    b: '1'\n"
    "  kw:\n    - needle\n"
    "  them1:\n    f: null\n";

constexpr std::string_view kEvents[] = {
    R"({})",
    R"({"a":"1"})",
    R"({"a":"1","b":"1"})",
    R"({"b":"1","c":"2","d":"xyz"})",
    R"({"c":"1","e":0,"f":"needle"})",
    R"({"a":"1","b":"1","c":"1","d":"x","e":null,"f":null,"g":"needle"})",
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);

  vigil::internal::CondNode node;
  vigil::internal::ConditionError error;
  const bool parsed = vigil::internal::ParseCondition(text, &node, &error);
  if (!parsed && error.offset > text.size()) {
    vigil::fuzz::Fail("condition error offset past the end of the text");
  }

  const std::string yaml = "title: fuzz\nlogsource: {product: aws, service: cloudtrail}\n"
                           "detection:\n" + std::string(kDetection) +
                           "  condition: " + YamlQuoted(text) + "\n";
  vigil::RuleSetBuilder builder;
  builder.AddYaml(yaml, "fuzz.yml");
  std::shared_ptr<const vigil::RuleSet> rules = builder.Build();
  if (!parsed && rules->size() != 0) {
    vigil::fuzz::Fail("a condition the parser rejects compiled into a rule");
  }
  if (rules->size() > 0) {
    vigil::Scanner scanner(rules);
    for (std::string_view event : kEvents) vigil::fuzz::CheckAgreement(*rules, scanner, event);
  }
  return 0;
}
