// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The options of each `vigil` command (options.h), parsed with CLI11. Each command
// registers its own options (Register below); what CLI11 does not know for it is
// reported by name, with the commands that do take it. Values are checked as they are
// met, in command-line order, with the messages the hand-written parser had (tests
// assert them). The help texts stay the commands' own: CLI11's help flag is replaced by
// a flag that prints them.

#include "cli/options.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cli/common.h"
#include "util/timeparts.h"

namespace vigil::cli {
namespace {

// A bad option value; what() is the whole message Usage prints.
class BadValue : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Stores an option's value, or returns the usage error of a bad one.
using Take = std::function<std::string(const std::string& value)>;

// An option with one value: --name V, --name=V, and -xV or -x V for a short name. `take`
// runs each time the option is given (a repeated option keeps its last value, or adds
// to a list). `missing`, the option's description, is the error when the command line
// ends before its value.
void AddValue(CLI::App& app, const std::string& names, const std::string& missing, Take take) {
  app.add_option_function<std::string>(
         names,
         [take = std::move(take)](const std::string& v) {
           if (std::string error = take(v); !error.empty()) throw BadValue(error);
         },
         missing)
      ->trigger_on_parse();
}

// An option whose value is any text, stored in *out.
void AddText(CLI::App& app, const std::string& names, const std::string& missing,
             std::string* out) {
  AddValue(app, names, missing, [out](const std::string& v) {
    *out = v;
    return std::string();
  });
}

// "--lateness needs a duration ..., not 'x'": the error of a bad or missing value.
std::string Needs(const std::string& option, const std::string& what, const std::string& v) {
  return option + " needs " + what + (v.empty() ? "" : ", not '" + v + "'");
}

// --lateness and --max-future: the grammar of util/timeparts.h, DurationSyntax::kStream.
void AddDuration(CLI::App& app, const std::string& option, const std::string& what, int64_t* ms,
                 std::string* text) {
  AddValue(app, option, Needs(option, what, ""), [=](const std::string& v) {
    if (!vigil::internal::ParseDurationMillis(v, vigil::internal::DurationSyntax::kStream, ms)) {
      return Needs(option, what, v);
    }
    *text = v;
    return std::string();
  });
}

// --rules and --vars.
void AddRuleArgs(CLI::App& app, RuleArgs* a) {
  AddValue(app, "-r,--rules", "--rules needs a path", [a](const std::string& v) {
    a->rules.push_back(v);
    return std::string();
  });
  AddText(app, "--vars", "--vars needs a file", &a->vars);
}

// -f/--format table|jsonl (scan and list).
void AddFormat(CLI::App& app, std::string* format) {
  const std::string bad = "--format is table or jsonl";
  AddValue(app, "-f,--format", bad, [=](const std::string& v) {
    if (v != "table" && v != "jsonl") return bad;
    *format = v;
    return std::string();
  });
}

void Register(CLI::App& app, ScanArgs* a) {
  AddRuleArgs(app, a);
  AddFormat(app, &a->format);
  AddValue(app, "--logsource", "--logsource needs auto, cloudtrail or any",
           [a](const std::string& v) {
             if (v == "auto")
               a->kind = vigil::EventKind::kAuto;
             else if (v == "cloudtrail")
               a->kind = vigil::EventKind::kCloudTrail;
             else if (v == "any")
               a->kind = vigil::EventKind::kAny;
             else
               return std::string("--logsource is auto, cloudtrail or any");
             return std::string();
           });
  const std::string threads = "--threads needs a number (0: one per core)";
  AddValue(app, "-j,--threads", threads, [a, threads](const std::string& v) {
    if (v.empty() || v.find_first_not_of("0123456789") != std::string::npos) return threads;
    // Each thread costs its own buffers (docs/limits.md, "Memory"), and thousands of
    // them would only exhaust the system's threads: a bound, said as a usage error.
    const size_t digits = v.find_first_not_of('0');
    if (digits != std::string::npos &&
        (v.size() - digits > 3 || std::stoul(v) > vigil::kMaxScanThreads)) {
      return "--threads is at most " + std::to_string(vigil::kMaxScanThreads) + ", not " + v;
    }
    a->threads = static_cast<unsigned>(std::stoul(v));
    return std::string();
  });
  AddDuration(
      app, "--lateness",
      "a duration such as 15m, 900s or 2h, 0 (no reordering) or inf (hold every event to the end)",
      &a->lateness_ms, &a->lateness);
  AddDuration(app, "--max-future", "a duration such as 1d, 12h or 30m, or inf (no bound)",
              &a->max_future_ms, &a->max_future);
  const std::string held = "a number of events, at least 2";
  AddValue(app, "--max-held-events", Needs("--max-held-events", held, ""),
           [a, held](const std::string& v) {
             if (v.empty() || v.size() > 10 ||
                 v.find_first_not_of("0123456789") != std::string::npos || std::stoull(v) < 2) {
               return Needs("--max-held-events", held, v);
             }
             a->max_held_events = static_cast<size_t>(std::stoull(v));
             return std::string();
           });
  AddValue(app, "--baseline", "--baseline needs a file", [a](const std::string& v) {
    if (v.empty()) return std::string("--baseline needs a file");
    a->baseline = v;
    return std::string();
  });
  app.add_flag("--skip-bad-rules", a->skip_bad_rules);
  app.add_flag("-q,--quiet", a->quiet);
  app.add_flag("--validate", a->validate);
  AddText(app, "--public-keys", "--public-keys needs a file", &a->public_keys);
  AddText(app, "--signatures", "--signatures needs a file", &a->signatures);
  app.add_option("INPUT", a->inputs);
}

void Register(CLI::App& app, DumpArgs* a) { AddRuleArgs(app, a); }

void Register(CLI::App& app, TestArgs* a) {
  AddRuleArgs(app, a);
  AddText(app, "--junit", "--junit needs a file", &a->junit);
  app.add_flag("-v,--verbose", a->verbose);
  app.add_flag("-q,--quiet", a->quiet);
  app.add_option("PATH", a->paths);
}

void Register(CLI::App& app, CheckArgs* a) {
  AddRuleArgs(app, a);
  app.add_flag("--no-require-tests", a->no_require_tests);
  app.add_flag("--strict", a->strict);
  app.add_flag("-q,--quiet", a->quiet);
  app.add_option("PATH", a->paths);
}

void Register(CLI::App& app, ExplainArgs* a) {
  AddRuleArgs(app, a);
  AddText(app, "--rule", "--rule needs a rule id, name or title", &a->rule);
  app.add_option("OPERAND", a->operands);
}

void Register(CLI::App& app, ListArgs* a) {
  AddRuleArgs(app, a);
  AddFormat(app, &a->format);
  app.add_option("PATH", a->paths);
}

void Register(CLI::App& app, ValidateArgs* a) {
  AddText(app, "--public-keys", "--public-keys needs a file", &a->public_keys);
  AddText(app, "--signatures", "--signatures needs a file", &a->signatures);
  for (auto [option, ms] : {std::pair{"--start", &a->start_ms}, std::pair{"--end", &a->end_ms}}) {
    const std::string what = "an ISO 8601 time such as 2026-12-01T00:00:00Z";
    AddValue(app, option, Needs(option, what, ""), [=](const std::string& v) {
      if (!vigil::internal::ParseIsoTimestamp(v, ms)) return Needs(option, what, v);
      return std::string();
    });
  }
  AddFormat(app, &a->format);
  app.add_flag("--strict", a->strict);
  app.add_flag("-q,--quiet", a->quiet);
  app.add_option("PATH", a->paths);
}

// Whether `command` takes `option` ("--baseline", "-j").
template <class Args>
bool Takes(const std::string& option) {
  Args args;
  CLI::App app;
  Register(app, &args);
  return app.get_option_no_throw(option) != nullptr;
}

struct Command {
  const char* name;
  bool (*takes)(const std::string& option);
};
constexpr Command kCommands[] = {{"scan", Takes<ScanArgs>},        {"dump", Takes<DumpArgs>},
                                 {"test", Takes<TestArgs>},        {"check", Takes<CheckArgs>},
                                 {"explain", Takes<ExplainArgs>},  {"list", Takes<ListArgs>},
                                 {"validate", Takes<ValidateArgs>}};

// The option an argument names: "--baseline" of "--baseline=x", "-j" of "-j2".
std::string OptionName(const std::string& arg) {
  if (arg.rfind("--", 0) == 0) return arg.substr(0, arg.find('='));
  return arg.substr(0, 2);
}

// The usage error for the first of the arguments `command` has no place for, or "".
// CLI11 keeps among them the "--" that ends the options.
std::string Unexpected(std::vector<std::string> rest, const char* command) {
  // What follows "--" is an operand, whatever it looks like.
  const bool operand = !rest.empty() && rest.front() == "--";
  if (operand) rest.erase(rest.begin());
  if (rest.empty()) return "";
  const std::string& arg = rest.front();
  if (operand || arg.size() < 2 || arg[0] != '-') return "unexpected operand '" + arg + "'";
  const std::string option = OptionName(arg);
  std::vector<std::string> others;
  for (const Command& c : kCommands) {
    if (c.takes(option)) others.push_back(c.name);
  }
  if (others.empty()) return "unknown option " + option;
  // "an option of vigil scan, test and check"
  std::string list = "vigil " + others[0];
  for (size_t i = 1; i < others.size(); ++i)
    list += (i + 1 == others.size() ? " and " : ", ") + others[i];
  return option + " is an option of " + list + ", not of vigil " + command;
}

// Parses argv with the options registered in `app`; see Parse in options.h.
int Run(CLI::App& app, int argc, char** argv, const char* command, const char* help_text) {
  bool help = false;
  app.set_help_flag();
  app.add_flag("-h,--help", help);
  app.allow_extras();  // reported by Unexpected, which names the commands that take them
  // CLI11 takes "--name=" as no value, and the next argument as the value: split it
  // into "--name" and an empty value, which the option then judges. In reverse order,
  // as App::parse takes a vector.
  std::vector<std::string> args;
  bool operands_only = false;
  for (int i = 0; i < argc; ++i) {
    const std::string a = argv[i];
    operands_only = operands_only || a == "--";
    const CLI::Option* opt = nullptr;
    if (!operands_only && a.size() > 3 && a.rfind("--", 0) == 0 && a.find('=') == a.size() - 1) {
      opt = app.get_option_no_throw(a.substr(0, a.size() - 1));
    }
    if (opt != nullptr && opt->get_type_size_max() > 0) {
      args.push_back(a.substr(0, a.size() - 1));
      args.emplace_back();
    } else {
      args.push_back(a);
    }
  }
  std::reverse(args.begin(), args.end());
  std::string error;
  try {
    app.parse(args);
  } catch (const BadValue& e) {
    error = e.what();
  } catch (const CLI::ArgumentMismatch& e) {
    // An option takes the next argument whatever it is, so a value is missing only when
    // the option ends the command line; its description says what it needs.
    const CLI::Option* last = argc > 0 ? app.get_option_no_throw(argv[argc - 1]) : nullptr;
    error = last != nullptr && last->get_type_size_max() > 0 ? last->get_description() : e.what();
  } catch (const CLI::ParseError& e) {
    error = e.what();
  }
  // An option of another command first: what follows it may have been its value.
  if (const std::string unexpected = Unexpected(app.remaining(), command); !unexpected.empty()) {
    return Usage(unexpected, command);
  }
  if (!error.empty()) return Usage(error, command);
  if (help) {
    std::fputs(help_text, stdout);
    return 0;
  }
  return -1;
}

template <class Args>
int ParseCommand(int argc, char** argv, const char* command, const char* help, Args* args) {
  CLI::App app;
  Register(app, args);
  return Run(app, argc, argv, command, help);
}

}  // namespace

int Parse(int argc, char** argv, const char* help, ScanArgs* a) {
  return ParseCommand(argc, argv, "scan", help, a);
}
int Parse(int argc, char** argv, const char* help, DumpArgs* a) {
  return ParseCommand(argc, argv, "dump", help, a);
}
int Parse(int argc, char** argv, const char* help, TestArgs* a) {
  return ParseCommand(argc, argv, "test", help, a);
}
int Parse(int argc, char** argv, const char* help, CheckArgs* a) {
  return ParseCommand(argc, argv, "check", help, a);
}
int Parse(int argc, char** argv, const char* help, ExplainArgs* a) {
  return ParseCommand(argc, argv, "explain", help, a);
}
int Parse(int argc, char** argv, const char* help, ListArgs* a) {
  return ParseCommand(argc, argv, "list", help, a);
}
int Parse(int argc, char** argv, const char* help, ValidateArgs* a) {
  return ParseCommand(argc, argv, "validate", help, a);
}

}  // namespace vigil::cli
