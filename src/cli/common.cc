// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Option parsing and rule loading shared by the `vigil` subcommands.

#include "cli/common.h"
#include "cli/text_out.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <filesystem>

#include "util/strings.h"
#include "util/timeparts.h"

namespace vigil::cli {

std::string DefaultRules() {
  if (const char* env = std::getenv("VIGIL_RULES")) return env;
  std::error_code ec;
  // An installed vigil (cmake --install, or the Python wheel's bin/vigil) finds the pack
  // next to itself, at <prefix>/share/vigil/rules, wherever the prefix was moved.
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const std::filesystem::path beside = exe.parent_path().parent_path() / "share" / "vigil" / "rules";
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

// --lateness and --max-future: the grammar of util/timeparts.h, DurationSyntax::kStream.
static bool ParseDuration(std::string_view text, int64_t* ms) {
  return vigil::internal::ParseDurationMillis(text, vigil::internal::DurationSyntax::kStream, ms);
}

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

bool CompileOptionsFrom(const Options& o, vigil::CompileOptions* out) {
  if (o.vars.empty()) return true;
  vigil::Status s = vigil::LoadPlaceholderFile(o.vars, &out->placeholders);
  if (!s.ok()) {
    std::fprintf(stderr, "vigil: %s\n", s.message().c_str());
    return false;
  }
  return true;
}

// Loads and compiles the rules; prints diagnostics. Returns null on failure.
std::shared_ptr<const vigil::RuleSet> LoadRules(const Options& o, int* status) {
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
  if (errors && !o.skip_bad_rules) {
    std::fprintf(stderr, "vigil: %zu error(s) in rules; nothing scanned (--skip-bad-rules scans "
                 "with the %zu rules that loaded)\n", errors, rules->size());
    *status = 2;
    return nullptr;
  }
  return rules;
}

int ParseCommon(int argc, char** argv, Options* o, bool* help, const char* command) {
  for (int i = 0; i < argc; ++i) {
    std::string a = argv[i];
    // A short option that takes a value may have it attached, as getopt allows and as
    // make and ninja users type it: -j1, -fjsonl, -rrules/.
    std::string attached;
    bool has_attached = false;
    if (a.size() > 2 && a[0] == '-' && a[1] != '-' && std::strchr("jfr", a[1]) != nullptr) {
      attached = a.substr(2);
      has_attached = true;
      a.resize(2);
    }
    auto value = [&](std::string* out) {
      if (has_attached) {
        *out = attached;
        return true;
      }
      const size_t eq = a.find('=');
      if (eq != std::string::npos && a.rfind("--", 0) == 0) {
        *out = a.substr(eq + 1);
        return true;
      }
      if (i + 1 >= argc) return false;
      *out = argv[++i];
      return true;
    };
    const std::string name = a.rfind("--", 0) == 0 ? a.substr(0, a.find('=')) : a;
    std::string v;
    if (a == "-h" || a == "--help") {
      *help = true;
    } else if (name == "--rules" || name == "-r") {
      if (!value(&v)) return Usage("--rules needs a path", command);
      o->rules.push_back(v);
    } else if (name == "--vars") {
      if (!value(&v)) return Usage("--vars needs a file", command);
      o->vars = v;
    } else if (name == "--format" || name == "-f") {
      if (!value(&v) || (v != "table" && v != "jsonl")) return Usage("--format is table or jsonl", command);
      o->format = v;
    } else if (name == "--logsource") {
      if (!value(&v)) return Usage("--logsource needs auto, cloudtrail or any", command);
      if (v == "auto") o->kind = vigil::EventKind::kAuto;
      else if (v == "cloudtrail") o->kind = vigil::EventKind::kCloudTrail;
      else if (v == "any") o->kind = vigil::EventKind::kAny;
      else return Usage("--logsource is auto, cloudtrail or any", command);
    } else if (a == "--skip-bad-rules") {
      o->skip_bad_rules = true;
    } else if (name == "--junit") {
      if (!value(&v)) return Usage("--junit needs a file", command);
      o->junit = v;
    } else if (name == "--rule") {
      if (!value(&v)) return Usage("--rule needs a rule id, name or title", command);
      o->rule = v;
    } else if (a == "-v" || a == "--verbose") {
      o->verbose = true;
    } else if (a == "--strict") {
      o->strict = true;
    } else if (a == "--no-require-tests") {
      o->no_require_tests = true;
    } else if (name == "--threads" || name == "-j") {
      if (!value(&v) || v.empty() || v.find_first_not_of("0123456789") != std::string::npos) {
        return Usage("--threads needs a number (0: one per core)", command);
      }
      // Each thread costs its own buffers (docs/limits.md, "Memory"), and thousands of
      // them would only exhaust the system's threads: a bound, said as a usage error.
      const size_t digits = v.find_first_not_of('0');
      if (digits != std::string::npos && (v.size() - digits > 3 || std::stoul(v) > vigil::kMaxScanThreads)) {
        return Usage("--threads is at most " + std::to_string(vigil::kMaxScanThreads) + ", not " + v,
                     command);
      }
      o->threads = static_cast<unsigned>(std::stoul(v));
    } else if (name == "--lateness") {
      if (!value(&v) || !ParseDuration(v, &o->lateness_ms)) {
        return Usage("--lateness needs a duration such as 15m, 900s or 2h, 0 (no reordering) "
                     "or inf (hold every event to the end)" + (v.empty() ? "" : ", not '" + v + "'"),
                     command);
      }
      o->lateness = v;
    } else if (name == "--max-future") {
      if (!value(&v) || !ParseDuration(v, &o->max_future_ms)) {
        return Usage("--max-future needs a duration such as 1d, 12h or 30m, or inf (no bound)" +
                     (v.empty() ? "" : ", not '" + v + "'"), command);
      }
      o->max_future = v;
    } else if (name == "--max-held-events") {
      const bool digits = value(&v) && !v.empty() && v.size() <= 10 &&
                          v.find_first_not_of("0123456789") == std::string::npos;
      if (!digits || std::stoull(v) < 2) {
        return Usage("--max-held-events needs a number of events, at least 2" +
                     (v.empty() ? "" : ", not '" + v + "'"), command);
      }
      o->max_held_events = static_cast<size_t>(std::stoull(v));
    } else if (name == "--baseline") {
      if (!value(&v) || v.empty()) return Usage("--baseline needs a file", command);
      o->baseline = v;
    } else if (a == "-q" || a == "--quiet") {
      o->quiet = true;
    } else if (a.size() > 1 && a[0] == '-' ) {
      return Usage("unknown option " + a, command);
    } else {
      o->inputs.push_back(a);
    }
  }
  return 0;
}

}  // namespace vigil::cli
