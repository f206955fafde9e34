// A downstream project: uses only the installed headers and library.
#include <cstdio>

#include <vigil/vigil.h>

int main() {
  vigil::RuleSetBuilder builder;
  builder.AddYaml(R"(
title: Trail stopped
logsource: {product: aws, service: cloudtrail}
detection:
  sel:
    eventName: StopLogging
  condition: sel
)");
  if (builder.has_errors()) return 1;
  auto rules = builder.Build();
  vigil::Scanner scanner(rules);
  std::vector<vigil::Match> out;
  vigil::Status s = scanner.Match(R"({"eventSource":"cloudtrail.amazonaws.com","eventName":"StopLogging"})", &out);
  if (!s.ok() || out.size() != 1) return 1;
  std::printf("matched: %s\n", out[0].rule->title.c_str());
  return 0;
}
