// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Differential test of the compiled matcher: random rule sets of every predicate shape
// (equality, prefix, suffix, contains, wildcards, regexes with and without literal
// atoms, cidr, numbers, fieldref, neq, exists, null, keywords, `|all`, `|cased`)
// under random conditions, and random events built from the same small vocabulary
// (so that literals overlap, share prefixes, differ in case, and hit often), matched by
// the Scanner and by the reference evaluator (tests/reference/), which shares nothing
// with the indexes, atoms and candidate selection of src/compile. Every disagreement
// is a bug in one of them. Seeded and deterministic.

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "compile/literal_matcher.h"
#include "compile/program.h"
#include "eval/evaluator.h"
#include "reference/reference_evaluator.h"
#include "vigil/vigil.h"

namespace vigil::testing {
namespace {

const std::vector<std::string> kTokens = {
    "Stop", "Logging", "stop", "logging", "AbC", "abc", "ab", "bc", "c", "xyz", "XY", "-", "/", ".",
    "\xe6\x97\xa5\xe6\x9c\xac", "\xc3\xa9", "K", "k", "s", "\xe2\x84\xaa", "\xc5\xbf", "arn:aws:iam::",
    "role/", "Admin", "admin", "curl/", "python-requests/", "7", "10", " "};
const std::vector<std::string> kFields = {"eventName", "userAgent", "a.b", "arr", "obj", "num", "ip"};
const std::vector<std::string> kIps = {"10.1.2.3", "10.200.0.1", "192.168.1.5", "8.8.8.8", "::1",
                                       "2001:db8::7", "::ffff:10.1.2.3", "not-an-ip", "172.16.5.4"};
const std::vector<std::string> kCidrs = {"10.0.0.0/8", "10.1.0.0/16", "192.168.0.0/16", "0.0.0.0/0",
                                         "2001:db8::/32", "::1/128", "172.16.0.0/12", "8.8.8.8/32"};
const std::vector<std::string> kRegexes = {
    "^Stop", "logging$", "(?i)abc", "ab|xyz", "a.c", "^[a-z]+$", "(?i)stop.*logging", "\\d+", "c$",
    "(?i)k", "(python-requests|curl)/", "^$", "role/(Admin|admin)", "\\.", "\xe6\x97\xa5",
    // No literal: gated by byte facts (src/compile/regex_bytes.h); caseless k and s in
    // atoms that also stand for U+212A and U+017F.
    "^[a-c0-9]{2,6}$", "^\\s*$|\\s{2,}", "[^\\x20-\\x7e]{2,}", "(?i)^[a-z/]+$", "\\A\\d+\\z", "(?i)ks",
    "(?i)stop\\s?k"};

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  size_t Pick(size_t n) { return rng_() % n; }
  bool Coin(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  const std::string& Of(const std::vector<std::string>& v) { return v[Pick(v.size())]; }

  std::string Word() {
    std::string s;
    const size_t n = 1 + Pick(3);
    for (size_t i = 0; i < n; ++i) s += Of(kTokens);
    return s;
  }

  static std::string Quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
      q += c;
      if (c == '\'') q += '\'';
    }
    return q + "'";
  }

  // A Sigma value with wildcards: pieces of words joined by * and ?.
  std::string Glob() {
    std::string s = Coin(50) ? "*" : "";
    const size_t n = 1 + Pick(3);
    for (size_t i = 0; i < n; ++i) {
      s += Of(kTokens);
      if (i + 1 < n) s += Coin(70) ? "*" : "?";
    }
    if (Coin(50)) s += "*";
    return s;
  }

  std::string Item() {
    const std::string& f = Of(kFields);
    switch (Pick(14)) {
      case 0: return f + ": " + Quote(Word());
      case 1: return f + "|contains: " + Quote(Word());
      case 2: return f + "|startswith: " + Quote(Word());
      case 3: return f + "|endswith: " + Quote(Word());
      case 4: return f + "|contains|cased: " + Quote(Word());
      case 5: return f + ": " + Quote(Glob());
      case 6: return f + (Coin(30) ? "|re|i: " : "|re: ") + Quote(Of(kRegexes));
      case 7: return "ip|cidr: " + Quote(Of(kCidrs));
      case 8: {
        static const char* ops[] = {"|gt", "|gte", "|lt", "|lte", ""};
        return std::string("num") + ops[Pick(5)] + ": " + std::to_string(static_cast<int>(Pick(12)) - 2);
      }
      case 9: return f + "|neq: " + Quote(Word());
      case 10: return f + "|exists: " + (Coin(50) ? "true" : "false");
      case 11: return f + ": null";
      case 12: {
        static const char* mods[] = {"", "|contains", "|startswith", "|endswith"};
        return f + "|fieldref" + mods[Pick(4)] + ": " + Of(kFields);
      }
      default: return f + "|contains|all: [" + Quote(Word()) + ", " + Quote(Word()) + "]";
    }
  }

  std::string Rule(int i) {
    std::string y = "title: r" + std::to_string(i) + "\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n";
    const size_t n = 1 + Pick(3);
    for (size_t s = 0; s < n; ++s) {
      y += "  sel" + std::to_string(s) + ":\n";
      if (Coin(8)) {
        y += "    - " + Quote(Word()) + "\n";  // keywords
        if (Coin(50)) y += "    - " + Quote(Coin(30) ? Glob() : Word()) + "\n";
        continue;
      }
      const size_t items = 1 + Pick(2);
      std::set<std::string> keys;
      for (size_t k = 0; k < items; ++k) {
        const std::string it = Item();
        if (!keys.insert(it.substr(0, it.find(':'))).second) continue;  // duplicate key
        y += "    " + it + "\n";
      }
    }
    static const char* conds[] = {"sel0", "sel0 and sel1", "sel0 or sel1", "sel0 and not sel1",
                                  "not sel0", "1 of sel*", "all of sel*", "sel0 and not (sel1 or sel2)",
                                  "(sel0 or sel1) and sel2"};
    std::string c;
    do {
      c = conds[Pick(9)];
    } while ((c.find("sel2") != std::string::npos && n < 3) || (c.find("sel1") != std::string::npos && n < 2));
    return y + "  condition: " + c + "\n";
  }

  std::string JsonString(const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') o += '\\';
      o += c;
    }
    return o + "\"";
  }

  std::string Value(const std::string& field, int depth = 0) {
    if (field == "ip") return Coin(85) ? JsonString(Of(kIps)) : "null";
    if (field == "num") {
      switch (Pick(5)) {
        case 0: return JsonString(std::to_string(static_cast<int>(Pick(12)) - 2));
        case 1: return std::to_string(static_cast<int>(Pick(12)) - 2) + ".0";
        case 2: return "null";
        default: return std::to_string(static_cast<int>(Pick(12)) - 2);
      }
    }
    switch (Pick(10)) {
      case 0: return "null";
      case 1: return Coin(50) ? "true" : "false";
      case 2:
        if (depth < 2) {
          std::string a = "[";
          const size_t n = Pick(3);
          for (size_t i = 0; i < n; ++i) a += (i ? "," : "") + Value(field, depth + 1);
          return a + "]";
        }
        return JsonString(Word());
      case 3:
        if (depth < 2) return "{\"k\":" + JsonString(Word()) + ",\"n\":" + Value(field, depth + 1) + "}";
        return JsonString(Word());
      case 4: return JsonString(Word() + "\\" + Word());  // an escape in the text
      default: return JsonString(Word());
    }
  }

  std::string Event() {
    std::string e = "{";
    bool first = true;
    for (const auto& f : kFields) {
      if (Coin(25)) continue;
      if (!first) e += ",";
      first = false;
      if (f == "a.b") {
        e += Coin(50) ? "\"a\":{\"b\":" + Value(f) + "}" : "\"a.b\":" + Value(f);
      } else {
        e += "\"" + f + "\":" + Value(f);
      }
    }
    if (Coin(50)) e += std::string(first ? "" : ",") + "\"other\":" + JsonString(Word());
    return e + "}";
  }

 private:
  std::mt19937 rng_;
};

// The rules each engine matches `ev` with: the Scanner's (false when it refused the
// event) and the reference evaluator's.
bool BothEngines(Scanner& scanner, const RuleSet& rules, const std::string& ev, std::set<size_t>* got,
                 std::set<size_t>* want) {
  std::vector<Match> out;
  if (!scanner.Match(ev, &out, EventKind::kAny).ok()) return false;
  got->clear();
  want->clear();
  for (const auto& m : out) got->insert(m.rule_index);
  std::vector<size_t> matched;
  if (!ReferenceMatchAll(rules.program().ir, ev, &matched)) return false;
  for (size_t r : matched) {
    if (r < rules.size()) want->insert(r);
  }
  return true;
}

// The rules one engine matched and the other did not, as " missed rN extra rM".
std::string Diff(const std::set<size_t>& got, const std::set<size_t>& want) {
  std::string diff;
  for (size_t r : want) {
    if (!got.count(r)) diff += " missed r" + std::to_string(r);
  }
  for (size_t r : got) {
    if (!want.count(r)) diff += " extra r" + std::to_string(r);
  }
  return diff;
}

// (seed, rules): large sets put an atom of nearly every field in some rule's trigger;
// small sets leave fields whose objects are deferred (tested after the walk, only for
// candidates), a path large sets rarely take.
class DifferentialTest : public ::testing::TestWithParam<std::pair<uint32_t, int>> {};

TEST_P(DifferentialTest, CompiledMatcherAgreesWithReference) {
  const auto [seed, count] = GetParam();
  Gen g(seed);
  std::string yaml;
  for (int i = 0; i < count; ++i) yaml += g.Rule(i) + "---\n";
  RuleSetBuilder b;
  b.AddYaml(yaml, "generated.yml");
  for (const auto& d : b.diagnostics()) {
    ASSERT_NE(d.severity, Severity::kError) << d.ToString();
  }
  auto rules = b.Build();
  ASSERT_EQ(rules->size(), static_cast<size_t>(count));
  Scanner scanner(rules);
  size_t matches = 0;
  for (int e = 0; e < 2000 / (count > 20 ? 5 : 1); ++e) {
    const std::string ev = g.Event();
    std::set<size_t> got, want;
    ASSERT_TRUE(BothEngines(scanner, *rules, ev, &got, &want)) << ev;
    matches += want.size();
    if (got != want) {
      ADD_FAILURE() << "event " << ev << ":" << Diff(got, want) << "\nrules:\n" << yaml << "\n" << rules->Dump();
      return;
    }
  }
  // The vocabulary is small on purpose: a large set must actually match, often (a set
  // of 6 random rules may legitimately match nothing).
  if (count > 20) {
    EXPECT_GT(matches, 400u);
  }
}

// Literal sets large enough for LiteralMatcher's q-gram index (hundreds of literals on
// one field, and as keywords; literal_matcher.h), with short literals among them that
// stay on Vectorscan, cased and caseless, matched by the Scanner and by the reference
// evaluator on events built from the same pieces.
TEST(DifferentialTest, LargeLiteralSetsAgreeWithReference) {
  std::mt19937 rng(77);
  const std::vector<std::string> parts = {"aws-cli/", "Boto3/", "prod", "Get", "List", "arn:aws:iam::",
                                          "123456789012", ":role/", "admin", "-eu-west-1", "S3", "x", "\xc3\xa9"};
  auto piece = [&](size_t n) {
    std::string s;
    for (size_t k = 0; k < n; ++k) {
      s += parts[rng() % parts.size()];
      if (rng() % 2) s += std::to_string(rng() % 8);
    }
    return s;
  };
  auto quoted = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
  };
  std::string yaml;
  int rules = 0;
  for (int i = 0; i < 90; ++i, ++rules) {
    const char* field = i % 3 == 0 ? "userAgent" : i % 3 == 1 ? "userIdentity.arn" : "eventName";
    const char* mod = i % 4 == 0 ? "|contains|cased" : i % 4 == 1 ? "|contains|all" : "|contains";
    yaml += "title: r" + std::to_string(i) + "\ndetection:\n  s:\n    " + field + mod + ":\n";
    const int n = i % 4 == 1 ? 2 : 16;
    for (int k = 0; k < n; ++k) yaml += "      - " + quoted(rng() % 9 == 0 ? parts[rng() % parts.size()] : piece(2 + rng() % 2)) + "\n";
    yaml += "  condition: s\n---\n";
  }
  // Keywords: enough for the index of whole-event texts (kGramIndexMinLiteralsLongTexts).
  for (int i = 0; i < 70; ++i, ++rules) {
    yaml += "title: k" + std::to_string(i) + "\ndetection:\n  keywords:\n";
    for (int k = 0; k < 70; ++k) yaml += "    - " + quoted(piece(2 + rng() % 3)) + "\n";
    yaml += "  condition: keywords\n---\n";
  }
  RuleSetBuilder b;
  b.AddYaml(yaml, "large.yml");
  for (const auto& d : b.diagnostics()) ASSERT_NE(d.severity, Severity::kError) << d.ToString();
  auto set = b.Build();
  ASSERT_EQ(set->size(), static_cast<size_t>(rules));
  // The sets are large enough for the index: the keywords', and some field's.
  const internal::Program& program = set->program();
  ASSERT_NE(program.keyword_prefilter, nullptr);
  EXPECT_TRUE(program.keyword_prefilter->uses_gram_index());
  EXPECT_TRUE(std::any_of(program.indexes.begin(), program.indexes.end(), [](const internal::FieldIndex& x) {
    return x.contains != nullptr && x.contains->uses_gram_index();
  }));
  Scanner scanner(set);
  size_t matches = 0;
  for (int e = 0; e < 600; ++e) {
    auto value = [&] {
      std::string v = piece(1 + rng() % 5);
      for (char& c : v) {
        if (rng() % 4 == 0) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      }
      return v;
    };
    const std::string ev = "{\"eventName\":\"" + value() + "\",\"userAgent\":\"" + value() +
                           "\",\"userIdentity\":{\"arn\":\"" + value() + "\"},\"other\":\"" + value() + "\"}";
    std::set<size_t> got, want;
    ASSERT_TRUE(BothEngines(scanner, *set, ev, &got, &want)) << ev;
    matches += want.size();
    ASSERT_EQ(got, want) << ev;
  }
  EXPECT_GT(matches, 1000u);
}

// Fieldrefs in numbers (src/compile/program.h, fieldref_bits): fields with many of
// them get rows of bits, split by shape and reached through the event's fields and their
// values' end bytes, over more than 64 other fields (rows of several words); fields with
// few keep the plain list. Values are short and overlapping, some empty, in arrays, null,
// differing in case or only beyond ASCII, so that every shape holds often.
TEST(DifferentialTest, ManyFieldRefsAgreeWithReference) {
  std::mt19937 rng(91);
  const std::vector<std::string> mods = {"", "|startswith", "|endswith", "|contains", "|neq"};
  const std::vector<std::string> values = {"", "a", "ab", "abc", "ABC", "b", "bc", "abcabc", "cab",
                                           "\\u00e9", "\\u00e9a", "a\\u00c9", "\\u0000a", "x"};
  const int kFields = 90;
  auto field = [](int i) { return "f" + std::to_string(i); };
  std::string yaml;
  int rules = 0;
  for (int i = 0; i < 260; ++i, ++rules) {
    // Five hot fields hold most of the fieldrefs (rows); the rest have one or two each.
    const int first = i < 200 ? static_cast<int>(rng() % 5) : 5 + (i - 200);
    const std::string mod = mods[rng() % mods.size()] + (rng() % 3 == 0 ? "|cased" : "");
    yaml += "title: r" + std::to_string(i) + "\ndetection:\n  s:\n    " + field(first) + "|fieldref" + mod +
            ": " + field(static_cast<int>(rng() % kFields)) + "\n";
    if (rng() % 4 == 0) {
      yaml += "  t:\n    " + field(static_cast<int>(rng() % kFields)) + ": " + (rng() % 2 ? "abc" : "b") +
              "\n  condition: s and not t\n---\n";
    } else {
      yaml += "  condition: s\n---\n";
    }
  }
  RuleSetBuilder b;
  b.AddYaml(yaml, "fieldrefs.yml");
  for (const auto& d : b.diagnostics()) ASSERT_NE(d.severity, Severity::kError) << d.ToString();
  auto set = b.Build();
  ASSERT_EQ(set->size(), static_cast<size_t>(rules));
  const internal::Program& program = set->program();
  ASSERT_GE(program.fieldref_words, 2u);
  size_t with_row = 0, listed = 0;
  for (const auto& x : program.indexes) {
    if (!x.fieldref_first) continue;
    ++(x.fieldref_row != UINT32_MAX ? with_row : listed);
  }
  EXPECT_EQ(with_row, 5u);
  EXPECT_GT(listed, 20u);
  Scanner scanner(set);
  size_t matches = 0;
  for (int e = 0; e < 400; ++e) {
    std::string ev = "{";
    auto one = [&] { return "\"" + values[rng() % values.size()] + "\""; };
    for (int f = 0; f < kFields; ++f) {
      const uint32_t roll = rng() % 100;
      if (roll < 25) continue;  // missing
      if (ev.size() > 1) ev += ",";
      ev += "\"" + field(f) + "\":";
      if (roll < 30) {
        ev += "null";
      } else if (roll < 38) {
        ev += "[" + one() + "," + (rng() % 2 ? one() : std::string("null")) + "]";
      } else {
        ev += one();
      }
    }
    ev += "}";
    std::set<size_t> got, want;
    ASSERT_TRUE(BothEngines(scanner, *set, ev, &got, &want)) << ev;
    matches += want.size();
    ASSERT_EQ(got, want) << ev;
  }
  EXPECT_GT(matches, 5000u) << matches;
}

// Regexes in numbers (src/compile/regex_set.h): fields with many of them get a RegexSet
// (RE2), whose hits make candidates that PCRE2 then decides. The patterns mix what the
// set takes with what it must leave to PCRE2 (lookahead, backreferences, possessive
// repeats, `\Z`, `{,n}`), and the values put the set's screen to work: newlines (where
// `$` differs), vertical tabs (`\s`, `\v`), tabs, the Kelvin and long-s signs (Unicode
// case partners of k and s), other non-ASCII text, values past kRegexSetMaxBytes, arrays
// and numbers. Wildcards join the sets too (userAgent's is mixed, requestParameters.name's
// has wildcards only): `*`, `?` (one UTF-8 character), escaped stars, cased and not. A
// field with few regexes keeps the literal atoms and gates.
TEST(DifferentialTest, ManyRegexesAndWildcardsAgreeWithReference) {
  std::mt19937 rng(123);
  const std::vector<std::string> atoms = {
      "aws", "cli", "Boto3", "AWS", "k", "s", "K", "S", "\\d+", "[a-z]{2,5}", "\\s", "\\v", "\\S+", ".", "\\.",
      "/", "-", "(?:cli|sdk)", "[^/]*", "\\w+", "\\b", "\u00e9", "\\x{212a}", "\\x{17f}", "[k-s]+", "\\t", "x?",
      "(?:ab)*", "\\z", "$"};
  const std::vector<std::string> special = {"(?=.*cli)aws", "(a|k)\\1", "aws\\Z", "cli{,3}", "(?<n>aws)/",
                                            "aws++/", "(?>k|ks)s", "\\Aaws", "(?i)kelvin", "s$"};
  const std::vector<std::string> mods = {"", "", "|i", "|m", "|s", "|i|s"};
  auto quoted = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
  };
  auto pattern = [&] {
    if (rng() % 8 == 0) return special[rng() % special.size()];
    std::string p = rng() % 3 == 0 ? "^" : "";
    const size_t n = 1 + rng() % 4;
    for (size_t k = 0; k < n; ++k) p += atoms[rng() % atoms.size()];
    if (rng() % 4 == 0) p += "$";
    return p;
  };
  std::string yaml;
  int rules = 0;
  auto add = [&](const std::string& field, int count) {
    for (int i = 0; i < count; ++i, ++rules) {
      yaml += "title: r" + std::to_string(rules) + "\ndetection:\n  s:\n    " + field + "|re" +
              mods[rng() % mods.size()] + ": " + quoted(pattern()) + "\n";
      if (rng() % 4 == 0) {
        yaml += "  t:\n    eventName: Get\n  condition: s and not t\n---\n";
      } else {
        yaml += "  condition: s\n---\n";
      }
    }
  };
  // Wildcards: pieces of the values' vocabulary between `*` and `?`.
  const std::vector<std::string> glob_parts = {"aws", "cli", "AWS", "k", "s", "/", "-", ".", "\u00e9", "ab",
                                               "sdk", "\\*", "42", " "};
  auto add_globs = [&](const std::string& field, int count) {
    for (int i = 0; i < count; ++i, ++rules) {
      std::string g = rng() % 2 ? "*" : "";
      const size_t n = 1 + rng() % 3;
      for (size_t k = 0; k < n; ++k) {
        g += glob_parts[rng() % glob_parts.size()];
        if (k + 1 < n) g += rng() % 3 == 0 ? "?" : "*";
      }
      if (rng() % 2) g += rng() % 4 == 0 ? "?" : "*";
      const char* mod = rng() % 4 == 0 ? "|cased" : "";
      yaml += "title: r" + std::to_string(rules) + "\ndetection:\n  s:\n    " + field + mod + ": " + quoted(g) +
              "\n  condition: s\n---\n";
    }
  };
  add("userAgent", 150);
  add_globs("userAgent", 80);
  add("userIdentity.arn", 60);
  add("eventName", 12);
  add_globs("requestParameters.name", 80);
  RuleSetBuilder b;
  b.AddYaml(yaml, "regexes-and-wildcards.yml");
  for (const auto& d : b.diagnostics()) ASSERT_NE(d.severity, Severity::kError) << d.ToString();
  auto set = b.Build();
  ASSERT_EQ(set->size(), static_cast<size_t>(rules));
  const internal::Program& program = set->program();
  size_t with_set = 0, in_sets = 0;
  for (const auto& x : program.indexes) {
    if (x.regex_sets.empty()) continue;
    ++with_set;
    for (const auto& r : x.regex_sets) {
      in_sets += r.set->size();
      EXPECT_EQ(r.set->size(), r.atoms.size());
    }
  }
  EXPECT_EQ(with_set, 3u);  // userAgent, userIdentity.arn, requestParameters.name; not eventName
  // The special patterns stay with PCRE2: fields with sets have regexes outside them.
  size_t on_set_fields = 0;
  for (const auto& p : program.ir.predicates) {
    if ((p.op == internal::Op::kRegex || p.op == internal::Op::kGlob) && p.field < program.indexes.size() &&
        !program.indexes[p.field].regex_sets.empty()) {
      ++on_set_fields;
    }
  }
  EXPECT_GT(in_sets, 260u);
  EXPECT_GT(on_set_fields, in_sets);
  const std::vector<std::string> pieces = {"aws", "cli", "Boto3", "AWS", "K", "k", "s", "S", "42", " ", "\\t",
                                           "/", "-", ".", "\\u00e9", "\\n", "\\u000b", "\\u212a", "\\u017f",
                                           "kelvin", "ab", "a", "sdk", "*"};
  auto value = [&] {
    std::string v;
    const size_t n = rng() % 7;
    for (size_t k = 0; k < n; ++k) v += pieces[rng() % pieces.size()];
    if (rng() % 40 == 0) {  // past kRegexSetMaxBytes
      const std::string unit = v.empty() ? "aws" : v;
      while (v.size() <= internal::kRegexSetMaxBytes) v += unit;
    }
    return "\"" + v + "\"";
  };
  Scanner scanner(set);
  size_t matches = 0;
  for (int e = 0; e < 400; ++e) {
    std::string ua = value();
    const uint32_t roll = rng() % 10;
    if (roll == 0) ua = "[" + value() + "," + value() + "]";
    if (roll == 1) ua = std::to_string(rng() % 1000);
    const std::string ev = "{\"eventName\":" + (rng() % 3 ? value() : std::string("\"Get\"")) +
                           ",\"userAgent\":" + ua + ",\"userIdentity\":{\"arn\":" + value() +
                           "},\"requestParameters\":{\"name\":" + value() + "}}";
    std::set<size_t> got, want;
    ASSERT_TRUE(BothEngines(scanner, *set, ev, &got, &want)) << ev;
    matches += want.size();
    if (got != want) FAIL() << "event " << ev << ":" << Diff(got, want) << "\n" << yaml;
  }
  EXPECT_GT(matches, 5000u) << matches;
  const auto& k = scanner.evaluator().counters();
  EXPECT_GT(k.regex_set_searches, 400u);
  EXPECT_GT(k.regex_set_fallbacks, 150u);  // newlines, control bytes, non-ASCII, long values
  EXPECT_GT(k.regex_set_memo_hits, 100u);  // values come back
}

std::vector<std::pair<uint32_t, int>> Params() {
  std::vector<std::pair<uint32_t, int>> p;
  for (uint32_t seed = 1; seed <= 8; ++seed) p.push_back({seed, 200});
  for (uint32_t seed = 101; seed <= 140; ++seed) p.push_back({seed, 6});
  return p;
}

INSTANTIATE_TEST_SUITE_P(Seeds, DifferentialTest, ::testing::ValuesIn(Params()),
                         [](const ::testing::TestParamInfo<std::pair<uint32_t, int>>& info) {
                           return "seed" + std::to_string(info.param.first) + "_rules" +
                                  std::to_string(info.param.second);
                         });

}  // namespace
}  // namespace vigil::testing

namespace vigil::testing {
namespace {

// A lazy DFA meeting random text builds a state at about every byte (regex_set.h): a
// thread pauses a set whose searches cost too much, and its values take the fallback
// path (the patterns' literal atoms and gates). The matches stay the reference's.
TEST(DifferentialTest, CostlyRegexSetsArePausedAndMatchesAreKept) {
  std::mt19937 rng(4);
  const std::vector<std::string> atoms = {"[a-z]{2,8}", "\\d{2}", "[A-Z][a-z]+", "\\w{3,}", "[^/]{2}", "-",
                                          "/",          "q",      "[0-9a-f]{4}", ":",       "\\.",    "x"};
  std::string yaml;
  const int kRules = 400;
  for (int i = 0; i < kRules; ++i) {
    std::string re;
    for (int k = 0; k < 4; ++k) re += atoms[rng() % atoms.size()];
    yaml += "title: r" + std::to_string(i) + "\ndetection:\n  s:\n    userAgent|re: '" + re +
            "'\n  condition: s\n---\n";
  }
  RuleSetBuilder b;
  b.AddYaml(yaml, "costly.yml");
  for (const auto& d : b.diagnostics()) ASSERT_NE(d.severity, Severity::kError) << d.ToString();
  auto set = b.Build();
  ASSERT_FALSE(set->program().indexes.empty());
  Scanner scanner(set);
  size_t matches = 0;
  for (int e = 0; e < 80; ++e) {
    std::string ua;
    if (e % 4 == 3) {
      ua = "Mozilla/5.0 aws-cli/2.13." + std::to_string(e) + " ab12-Cd:ef.x";
    } else {
      for (int k = 0; k < 1000; ++k) {
        char c = static_cast<char>(' ' + rng() % 95);
        if (c == '"' || c == '\\') c = 'z';
        ua += c;
      }
    }
    const std::string ev = "{\"userAgent\":\"" + ua + "\"}";
    std::set<size_t> got, want;
    ASSERT_TRUE(BothEngines(scanner, *set, ev, &got, &want)) << ev;
    matches += want.size();
    ASSERT_EQ(got, want) << Diff(got, want) << " in " << ev;
  }
  EXPECT_GT(matches, 100u);
  const auto& k = scanner.evaluator().counters();
  EXPECT_GE(k.regex_set_pauses, 1u);
  EXPECT_GT(k.regex_set_fallbacks, 10u);  // the paused set's values
}

}  // namespace
}  // namespace vigil::testing
