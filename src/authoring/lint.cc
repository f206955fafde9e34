// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil check` (see include/vigil/lint.h). Two passes over the same files:
//   1. RuleSetBuilder loads and compiles everything, exactly as a scan would: its
//      diagnostics are the errors that stop a rule from loading;
//   2. the files are read again as written (include/vigil/rule_source.h, the public
//      rule model), and each check below looks at one aspect of a rule (attributes,
//      identifiers, condition, values, fields, tests) with the positions it carries.
// Everything here uses the public API alone: what an identifier means alone, or what a
// condition gives for a truth assignment, is asked of the engine (IdentifierConstancy,
// Detection::Evaluate), so the checks cannot drift from what a scan does.

#include "vigil/lint.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <regex>
#include <set>

#include "authoring/regex_portability.h"
#include "util/cidr.h"
#include "util/strings.h"
#include "vigil/rule_source.h"
#include "vigil/rule_tests.h"

namespace vigil {
namespace {

// An address as text: dotted IPv4, or IPv6 as eight hex groups with the longest run of
// zero groups written "::".
std::string FormatIp(const internal::IpAddress& ip) {
  char buf[8];
  std::string out;
  if (!ip.v6) {
    for (int i = 0; i < 4; ++i) out += (i ? "." : "") + std::to_string(ip.bytes[i]);
    return out;
  }
  int best = -1, best_len = 1, run = 0;
  for (int g = 0; g < 8; ++g) {
    run = (ip.bytes[2 * g] | ip.bytes[2 * g + 1]) ? 0 : run + 1;
    if (run > best_len) best = g - run + 1, best_len = run;
  }
  for (int g = 0; g < 8; ++g) {
    if (g == best) {
      out += "::";
      g += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof buf, "%x", (ip.bytes[2 * g] << 8) | ip.bytes[2 * g + 1]);
    out += buf;
  }
  return out;
}

class Linter {
 public:
  explicit Linter(const LintOptions& o) : options_(o) {}

  void Warn(const SourceLocation& at, const std::string& message, const char* check) {
    if (excepted_.count(check)) return;  // the rule says why (check-exceptions)
    out_.push_back({Severity::kWarning, at, message + " [" + check + "]"});
  }
  void Fail(const SourceLocation& at, const std::string& message, const char* check) {
    out_.push_back({Severity::kError, at, message + " [" + check + "]"});
  }

  // The rules of one file; its load errors are the builder's to report.
  void File(const RuleFile& file) {
    for (const RuleSource& rule : file.rules) {
      ++rules_;
      Exceptions(rule);
      Attributes(rule);
      if (rule.kind == RuleSource::Kind::kCorrelation) {
        CorrelationTests(rule.info);
        continue;
      }
      DetectionChecks(rule);
      if (rule.kind == RuleSource::Kind::kDetection) Tests(rule.info);
    }
  }

  void Finish() {
    for (const auto& [id, where] : ids_) {
      for (size_t i = 1; i < where.size(); ++i) {
        Fail(where[i], "duplicate rule id " + id + " (first used at " + where[0].ToString() + ")",
             "duplicate-id");
      }
    }
    for (const auto& [title, where] : titles_) {
      for (size_t i = 1; i < where.size(); ++i) {
        Warn(where[i],
             "duplicate title '" + title + "' (first used at " + where[0].ToString() + ")",
             "duplicate-title");
      }
    }
  }

  std::vector<Diagnostic>& out() { return out_; }
  size_t rules() const { return rules_; }

 private:
  // ---- attributes ------------------------------------------------------------------

  // `check-exceptions: {check-name: 'reason', ...}` (a vigil attribute): the rule keeps
  // what those checks warn about, for the reason given. Without a reason, nothing is
  // excepted.
  void Exceptions(const RuleSource& rule) {
    excepted_.clear();
    const SourceNode n = rule.document["check-exceptions"];
    if (!n) return;
    if (!n.IsMap()) {
      Warn(n.where(), "'check-exceptions' must map check names to the reasons they do not apply",
           "schema");
      return;
    }
    for (size_t i = 0; i < n.size(); ++i) {
      const SourceNode reason = n.value(i);
      if (!reason.IsScalar() || reason.text().empty()) {
        Warn(n.key(i).where(),
             "check exception '" + std::string(n.key(i).text()) + "' gives no reason", "schema");
        continue;
      }
      excepted_.insert(std::string(n.key(i).text()));
    }
  }

  static SourceLocation At(const SourceNode& n, const SourceLocation& fallback) {
    return n ? n.where() : fallback;
  }

  void Attributes(const RuleSource& rule) {
    const SourceNode& root = rule.document;
    const RuleInfo& info = rule.info;
    const SourceLocation& start = info.where;
    static const std::regex kUuid(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
    static const std::regex kTag(R"([a-z0-9_-]+\.[a-z0-9._-]+)");
    static const std::regex kAttackTechnique(R"(attack\.t\d{4}(\.\d{3})?)");
    static const std::regex kAttackGroupOrSoftware(R"(attack\.[gs]\d{4})");
    static const std::set<std::string> kTactics = {
        "reconnaissance", "resource-development", "initial-access", "execution", "persistence",
        "privilege-escalation", "defense-evasion", "credential-access", "discovery",
        "lateral-movement", "collection", "command-and-control", "exfiltration", "impact"};
    static const std::set<std::string> kStatus = {"stable", "test", "experimental", "deprecated",
                                                  "unsupported"};
    static const std::set<std::string> kRelated = {"derived", "obsolete", "merged", "renamed",
                                                   "similar"};

    if (info.title.empty()) {
      Fail(start, "the rule has no title", "schema");
    } else {
      titles_[info.title].push_back(At(root["title"], start));
      if (info.title.size() > 256)
        Warn(At(root["title"], start), "title longer than 256 characters", "schema");
    }
    if (info.id.empty()) {
      Warn(start, "the rule has no id (a UUID identifies it across renames and in alerts)",
           "schema");
    } else {
      ids_[info.id].push_back(At(root["id"], start));
      if (!std::regex_match(info.id, kUuid))
        Warn(At(root["id"], start), "id '" + info.id + "' is not a UUID", "schema");
    }
    if (rule.kind == RuleSource::Kind::kDetection) {
      if (info.status.empty()) {
        Warn(start, "the rule has no status", "schema");
      } else if (!kStatus.count(info.status)) {
        Warn(At(root["status"], start),
             "unknown status '" + info.status +
                 "' (stable, test, experimental, deprecated, unsupported)",
             "schema");
      }
      if (info.level.empty()) Warn(start, "the rule has no level", "schema");
      if (info.description.empty()) Warn(start, "the rule has no description", "schema");
      if (info.author.empty()) Warn(start, "the rule has no author", "schema");
      if (info.logsource.empty()) Warn(start, "the rule has no logsource", "schema");
    }
    for (const char* key : {"date", "modified"}) {
      const SourceNode n = root[key];
      if (n.IsScalar() && !std::regex_match(std::string(n.text()), kDate)) {
        Warn(At(n, start), std::string("'") + key + "' must be a date written YYYY-MM-DD",
             "schema");
      }
    }
    if (const SourceNode tags = root["tags"]; tags.IsSequence()) {
      for (size_t i = 0; i < tags.size(); ++i) {
        const SourceNode t = tags.element(i);
        if (!t.IsScalar()) continue;
        const std::string s(t.text());
        if (!std::regex_match(s, kTag)) {
          Warn(At(t, start), "tag '" + s + "' is not namespace.value in lower case", "tags");
        } else if (s.rfind("attack.", 0) == 0 && !kTactics.count(s.substr(7)) &&
                   !std::regex_match(s, kAttackTechnique) &&
                   !std::regex_match(s, kAttackGroupOrSoftware)) {
          Warn(At(t, start), "tag '" + s + "' is neither an ATT&CK tactic (attack.defense-evasion) "
                             "nor a technique (attack.t1562.008)", "tags");
        }
      }
    }
    if (const SourceNode rel = root["related"]; rel.IsSequence()) {
      for (size_t i = 0; i < rel.size(); ++i) {
        const SourceNode r = rel.element(i);
        if (!r.IsMap()) continue;
        const std::string type(r["type"].text());
        if (!kRelated.count(type)) {
          Warn(At(r, start), "related type '" + type + "' is not one of derived, obsolete, merged, "
                             "renamed, similar", "schema");
        }
        const std::string id(r["id"].text());
        if (!std::regex_match(id, kUuid))
          Warn(At(r, start), "related id '" + id + "' is not a UUID", "schema");
      }
    }
    // A custom attribute one or two typos away from a standard one is a typo.
    static const std::vector<std::string> kStandard = {
        "title",          "id",       "name",     "status",          "description", "license",
        "author",         "date",     "modified", "level",           "references",  "tags",
        "falsepositives", "fields",   "related",  "logsource",       "detection",   "filter",
        "correlation",    "taxonomy", "scope",    "check-exceptions"};
    for (size_t i = 0; i < root.size(); ++i) {
      const SourceNode k = root.key(i);
      const std::string key(k.text());
      if (std::find(kStandard.begin(), kStandard.end(), key) != kStandard.end()) continue;
      for (const auto& s : kStandard) {
        if (Near(key, s)) {
          Warn(At(k, start), "unknown attribute '" + key + "'; did you mean '" + s + "'?",
               "schema");
          break;
        }
      }
    }
  }

  static bool Near(const std::string& a, const std::string& b) {
    if (a == b) return false;
    std::string la, lb;
    internal::AsciiLowerInto(a, &la);
    internal::AsciiLowerInto(b, &lb);
    if (la == lb) return true;
    // Edit distance <= 2 on words of 4+ letters.
    if (a.size() < 4 || b.size() < 4) return false;
    return internal::EditDistance(la, lb) <= 2;
  }

  // ---- detection -------------------------------------------------------------------

  void DetectionChecks(const RuleSource& rule) {
    const Detection& det = rule.detection;
    const std::vector<std::string> used = det.Referenced();
    for (const auto& id : det.identifiers) {
      if (std::find(used.begin(), used.end(), id.name) == used.end()) {
        Warn(id.where, "search identifier '" + id.name + "' is never used by the condition",
             "unused-identifier");
      }
    }
    ConditionTruth(det);
    for (const Condition& c : det.conditions) KeywordCase(c);
    const Logsource& logsource = rule.info.logsource;
    const bool cloudtrail = logsource.product == "aws" &&
                            (logsource.service.empty() || logsource.service == "cloudtrail");
    for (const auto& id : det.identifiers) {
      for (const auto& alt : id.alternatives) {
        for (const auto& item : alt) {
          Modifiers(item);
          Wildcards(item);
          Portability(item);
          if (cloudtrail) Fields(item);
        }
      }
      LoweredConstant(id);
    }
  }

  // Treats each identifier as a free boolean and tries every assignment: a condition
  // false under all of them can never match; one true when every identifier is false
  // matches events the rule's selections say nothing about (`not filter` alone).
  void ConditionTruth(const Detection& det) {
    if (det.conditions.empty()) return;
    const std::vector<std::string> vars = det.Referenced();
    if (vars.size() > 14) return;  // 16k assignments is plenty; bigger is not worth it
    bool any_true = false, all_true = true, true_when_none = false;
    std::vector<std::pair<std::string, bool>> truth(vars.size());
    for (uint32_t bits = 0; bits < (1u << vars.size()); ++bits) {
      // Declared identifiers no condition uses are irrelevant: Evaluate takes them as
      // false.
      for (size_t i = 0; i < vars.size(); ++i) truth[i] = {vars[i], (bits >> i) & 1u};
      const bool v = det.Evaluate(truth);
      any_true = any_true || v;
      all_true = all_true && v;
      if (bits == 0) true_when_none = v;
    }
    const SourceLocation& at = det.conditions[0].where;
    if (!any_true) {
      Warn(at, "the condition can never be true, whatever the event", "condition-never-matches");
    } else if (all_true) {
      Warn(at, "the condition is always true, whatever the event", "condition-always-matches");
    } else if (true_when_none) {
      Warn(at, "the condition holds for events that match none of the search identifiers (only "
               "negated selections?): it matches almost every event of the logsource",
           "condition-matches-nothing-specific");
    }
  }

  // The specification writes the condition's operators in lower case, and pySigma
  // reads only that; vigil (like the Sigma 1 tools) also reads `AND`, `Or`, ...
  void KeywordCase(const Condition& c) {
    const std::string& t = c.text;
    auto word_at = [&](size_t i, size_t* end) {
      *end = i;
      while (*end < t.size() && (std::isalnum(static_cast<unsigned char>(t[*end])) ||
                                 t[*end] == '_' || t[*end] == '*' || t[*end] == '-'))
        ++*end;
      return t.substr(i, *end - i);
    };
    for (size_t i = 0; i < t.size();) {
      size_t end = i;
      const std::string w = word_at(i, &end);
      if (w.empty()) {
        ++i;
        continue;
      }
      std::string lower;
      internal::AsciiLowerInto(w, &lower);
      bool keyword =
          lower == "and" || lower == "or" || lower == "not" || lower == "of" || lower == "them";
      if (lower == "all" || lower == "any") {  // a quantifier only before `of`
        size_t next = end, next_end = 0;
        while (next < t.size() && t[next] == ' ') ++next;
        std::string of;
        internal::AsciiLowerInto(word_at(next, &next_end), &of);
        keyword = of == "of";
      }
      if (keyword && w != lower) {
        SourceLocation at = c.where;
        if (at.column && t.find('\n') == std::string::npos) at.column += static_cast<uint32_t>(i);
        Warn(at,
             "condition operator '" + w +
                 "' is not in lower case: other Sigma tools (pySigma) "
                 "reject it; write '" +
                 lower + "'",
             "condition-keyword-case");
      }
      i = end;
    }
  }

  // What loads here but not in other Sigma tools: regexes beyond the specification's
  // subset, CIDR networks with host bits set.
  void Portability(const DetectionItem& item) {
    const auto has = [&](const char* m) {
      return std::find(item.modifiers.begin(), item.modifiers.end(), m) != item.modifiers.end();
    };
    for (const DetectionValue& v : item.values) {
      if (v.type == DetectionValue::Type::kNull) continue;
      if (has("re")) RegexPortability(v);
      if (has("cidr")) CidrHostBits(v);
    }
  }

  void RegexPortability(const DetectionValue& v) {
    const auto found = authoring::NonPortableRegexConstructs(v.text);
    if (found.empty()) return;
    std::string list;
    for (const auto& c : found) {
      if (!list.empty()) list += ", ";
      list += c.name + " '" + c.text + "' (at character " + std::to_string(c.offset + 1) + ")";
    }
    Warn(v.where,
         "regular expression uses " + list +
             ", outside the Sigma specification's regular-expression subset: other "
             "Sigma backends may reject it or read it differently",
         "regex-portability");
  }

  void CidrHostBits(const DetectionValue& v) {
    const size_t slash = v.text.find('/');
    if (slash == std::string::npos) return;
    internal::IpAddress ip;
    if (!internal::ParseIp(std::string_view(v.text).substr(0, slash), &ip)) return;
    internal::Cidr net;
    std::string err;
    if (!internal::ParseCidr(v.text, &net, &err) || net.net == ip) return;
    const std::string prefix = v.text.substr(slash);
    const std::string canonical = FormatIp(net.net);
    Warn(v.where,
         "CIDR network '" + v.text + "' has host bits set; vigil reads it as " + canonical +
             prefix + ", other Sigma tools (pySigma) reject it: write " + canonical + prefix,
         "cidr-host-bits");
  }

  // An identifier that lowers alone to a constant (for example every value removed)
  // cannot depend on the event.
  void LoweredConstant(const SearchIdentifier& id) {
    switch (IdentifierConstancy(id, options_.compile)) {
      case Constancy::kAlwaysHolds:
        Warn(id.where, "search identifier '" + id.name + "' holds for every event",
             "constant-identifier");
        break;
      case Constancy::kNeverHolds:
        Warn(id.where, "search identifier '" + id.name + "' can never hold", "constant-identifier");
        break;
      case Constancy::kDependsOnEvent:
      case Constancy::kInvalid:  // the builder reports why
        break;
    }
  }

  // Modifier lists that load but say something other than the author meant.
  void Modifiers(const DetectionItem& item) {
    const auto& m = item.modifiers;
    auto at = [&](size_t i) {
      return i < item.modifier_where.size() ? item.modifier_where[i] : item.where;
    };
    for (size_t i = 0; i < m.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (m[j] == m[i]) Warn(at(i), "modifier '" + m[i] + "' is given twice", "modifiers");
      }
      if (m[i] == "cased" && std::find(m.begin(), m.end(), "re") != m.end()) {
        Warn(at(i), "'cased' has no effect on |re, which is case-sensitive already (|re|i makes it "
                    "case-insensitive)", "modifiers");
      }
      if (m[i] == "all" && item.values.size() < 2) {
        Warn(at(i), "'all' with a single value has no effect", "modifiers");
      }
    }
  }

  // A plain value written '*x*', 'x*' or '*x' (no other wildcard) reads better, and is
  // harder to get wrong, as |contains, |startswith or |endswith.
  void Wildcards(const DetectionItem& item) {
    for (const auto& m : item.modifiers) {
      if (m != "cased") return;  // any other modifier gives '*' its own meaning or none
    }
    if (item.field.empty()) return;
    for (const DetectionValue& v : item.values) {
      if (v.type != DetectionValue::Type::kString) continue;
      const std::string& s = v.text;
      std::vector<size_t> stars;
      bool question = false;
      for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\') {
          ++i;
          continue;
        }
        if (s[i] == '*') stars.push_back(i);
        if (s[i] == '?') question = true;
      }
      if (question || stars.empty() || s.size() < 2) continue;
      const bool lead = stars.front() == 0;
      const bool trail = stars.back() == s.size() - 1;
      const size_t inner = stars.size() - (lead ? 1 : 0) - (trail ? 1 : 0);
      if (inner != 0 || (lead && trail && stars.size() == 1)) continue;
      const char* mod = lead && trail ? "contains" : lead ? "endswith" : "startswith";
      Warn(v.where, "value '" + s + "' uses '*' where the modifier |" + mod + " says it: write '" +
                        item.field + "|" + mod + "'", "wildcard-as-modifier");
    }
  }

  void Fields(const DetectionItem& item) {
    auto check = [&](const std::string& path, const SourceLocation& at) {
      bool known = false;
      const std::string suggestion = SuggestCloudTrailField(path, &known);
      if (known) return;
      std::string msg = "CloudTrail records have no field '" + path + "'";
      if (!suggestion.empty()) msg += "; did you mean '" + suggestion + "'?";
      Warn(at, msg, "unknown-field");
    };
    if (!item.field.empty()) check(item.field, item.where);
    if (std::find(item.modifiers.begin(), item.modifiers.end(), "fieldref") !=
        item.modifiers.end()) {
      for (const auto& v : item.values) {
        if (v.type == DetectionValue::Type::kString) check(v.text, v.where);
      }
    }
  }

  // ---- tests -----------------------------------------------------------------------

  void Tests(const RuleInfo& info) {
    std::vector<RuleTestCase> cases;
    const SourceLocation& at = info.where;
    Status s = ParseRuleTests(info, &cases);
    if (!s.ok()) {
      Fail(at, "malformed tests: " + s.message(), "tests");
      return;
    }
    if (!options_.require_tests) return;
    if (cases.empty()) {
      Warn(at, "the rule has no tests (add a `tests:` list with a matching event and a near miss)",
           "no-tests");
      return;
    }
    const bool match = std::any_of(cases.begin(), cases.end(),
                                   [](const RuleTestCase& c) { return c.expect_match; });
    const bool miss = std::any_of(cases.begin(), cases.end(),
                                  [](const RuleTestCase& c) { return !c.expect_match; });
    if (!match) Warn(at, "no test expects a match", "tests");
    if (!miss) Warn(at, "no test expects no_match (add a near miss)", "tests");
  }

  void CorrelationTests(const RuleInfo& info) {
    std::vector<CorrelationTestCase> cases;
    const SourceLocation& at = info.where;
    Status s = ParseCorrelationTests(info, &cases);
    if (!s.ok()) {
      Fail(at, "malformed tests: " + s.message(), "tests");
      return;
    }
    if (!options_.require_tests) return;
    if (cases.empty()) {
      Warn(at,
           "the correlation rule has no tests (add a `tests:` list with events that raise an alert "
           "and a near miss that does not)",
           "no-tests");
      return;
    }
    const auto alerting = [](const CorrelationTestCase& c) { return !c.alerts.empty(); };
    if (std::none_of(cases.begin(), cases.end(), alerting))
      Warn(at, "no test expects an alert", "tests");
    if (std::all_of(cases.begin(), cases.end(), alerting)) {
      Warn(at, "every test expects an alert (add a near miss that raises none)", "tests");
    }
  }

  const LintOptions& options_;
  std::vector<Diagnostic> out_;
  std::map<std::string, std::vector<SourceLocation>> ids_;
  std::map<std::string, std::vector<SourceLocation>> titles_;
  std::set<std::string, std::less<>> excepted_;  // checks the current rule excepts
  size_t rules_ = 0;
};

}  // namespace

size_t LintReport::errors() const {
  return static_cast<size_t>(
      std::count_if(diagnostics.begin(), diagnostics.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}
size_t LintReport::warnings() const { return diagnostics.size() - errors(); }

LintReport LintPaths(const std::vector<std::string>& paths, const LintOptions& options) {
  LintReport report;
  RuleSetBuilder builder(options.compile);
  for (const auto& p : paths) builder.AddPath(p);
  builder.Build();
  for (const auto& d : builder.diagnostics()) {
    // Duplicate ids are reported below as errors, with both positions.
    if (d.message.rfind("duplicate rule id", 0) == 0) continue;
    report.diagnostics.push_back(d);
  }
  Linter lint(options);
  for (const auto& p : paths) {
    // Its load errors are the builder's, reported above.
    for (const RuleFile& f : ReadRuleFiles(p)) {
      ++report.files;
      lint.File(f);
    }
  }
  lint.Finish();
  report.rules = lint.rules();
  for (auto& d : lint.out()) report.diagnostics.push_back(std::move(d));
  std::stable_sort(report.diagnostics.begin(), report.diagnostics.end(),
                   [](const Diagnostic& a, const Diagnostic& b) {
                     if (a.where.file != b.where.file) return a.where.file < b.where.file;
                     if (a.where.line != b.where.line) return a.where.line < b.where.line;
                     return a.where.column < b.where.column;
                   });
  return report;
}

}  // namespace vigil
