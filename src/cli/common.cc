// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Usage errors and rule loading shared by the `vigil` subcommands.

#include "cli/common.h"
#include "cli/text_out.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "util/strings.h"

namespace vigil::cli {

std::string DefaultRules() {
  if (const char* env = std::getenv("VIGIL_RULES")) return env;
  std::error_code ec;
  // An installed vigil (cmake --install, or the Python wheel's bin/vigil) finds the pack
  // next to itself, at <prefix>/share/vigil/rules, wherever the prefix was moved.
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path beside =
        exe.parent_path().parent_path() / "share" / "vigil" / "rules";
    if (std::filesystem::is_directory(beside, ec)) return beside.string();
  }
#ifdef VIGIL_DEFAULT_RULES
  if (std::filesystem::is_directory(VIGIL_DEFAULT_RULES, ec)) return VIGIL_DEFAULT_RULES;
#endif
#ifdef VIGIL_INSTALLED_RULES
  if (std::filesystem::is_directory(VIGIL_INSTALLED_RULES, ec)) return VIGIL_INSTALLED_RULES;
#endif
  return "rules";
}

std::string JsonString(std::string_view s) { return "\"" + vigil::internal::JsonEscape(s) + "\""; }

int OutputFailed(int err) {
  static bool reported = false;
  if (err != EPIPE && !reported) {
    reported = true;
    std::fprintf(stderr, "vigil: writing the output failed: %s\n", std::strerror(err));
  }
  return 1;
}

int Usage(const std::string& message, const char* command) {
  std::fprintf(stderr, "vigil: %s\n(see vigil %s --help)\n", message.c_str(), command);
  return 2;
}

bool CompileOptionsFrom(const RuleArgs& o, vigil::CompileOptions* out) {
  if (o.vars.empty()) return true;
  vigil::Status s = vigil::LoadPlaceholderFile(o.vars, &out->placeholders);
  if (!s.ok()) {
    std::fprintf(stderr, "vigil: %s\n", s.message().c_str());
    return false;
  }
  return true;
}

// Loads and compiles the rules; prints diagnostics. Returns null on failure.
std::shared_ptr<const vigil::RuleSet> LoadRules(const RuleArgs& o, bool skip_bad_rules,
                                                int* status) {
  vigil::CompileOptions copts;
  if (!CompileOptionsFrom(o, &copts)) {
    *status = 2;
    return nullptr;
  }
  // Scans and dumps never read the rules' test events; not parsing them is most of
  // the start-up time with the bundled pack.
  copts.skip_attributes = {"tests"};
  vigil::RuleSetBuilder builder(copts);
  for (const auto& r : o.rules.empty() ? std::vector<std::string>{DefaultRules()} : o.rules) {
    builder.AddPath(r);
  }
  auto rules = builder.Build();
  size_t errors = 0;
  for (const auto& d : rules->diagnostics()) {
    std::fprintf(stderr, "%s\n", DiagnosticLine(d).c_str());
    if (d.severity == vigil::Severity::kError) ++errors;
  }
  if (errors && !skip_bad_rules) {
    std::fprintf(stderr, "vigil: %zu error(s) in rules; nothing scanned (--skip-bad-rules scans "
                 "with the %zu rules that loaded)\n", errors, rules->size());
    *status = 2;
    return nullptr;
  }
  return rules;
}

}  // namespace vigil::cli
