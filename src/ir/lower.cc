// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// AST -> IR lowering: modifier chains, wildcard/escape parsing, condition resolution.
// Tested by tests/ir/lower_test.cc and the engine-independent cases in tests/cases/.
//
// Longer than this project's ~600-line mark: it is the one place where Sigma's
// modifiers are given their meaning (about 30 modifiers, their combinations and their
// errors, each with its position), read as one table of cases; helpers shared with
// other stages are in util/ (cidr, encoding, numbers, time parts).

#include "ir/lower.h"

#include <algorithm>
#include <set>

#include "util/cidr.h"
#include "util/encoding.h"
#include "util/strings.h"
#include "util/exact_number.h"

namespace vigil::internal {
namespace {

// A Sigma string value after escape processing: bytes, and wildcards as separate units.
using Unit = uint16_t;
constexpr Unit kStar = 0x100;
constexpr Unit kQuestion = 0x101;
using Pattern = std::basic_string<Unit>;

// The spec's escaping: '\' before '*', '?' or '\' escapes it; any other backslash is a
// plain backslash.
Pattern ParsePattern(const std::string& s) {
  Pattern p;
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\\' && i + 1 < s.size() && (s[i + 1] == '*' || s[i + 1] == '?' || s[i + 1] == '\\')) {
      p.push_back(static_cast<unsigned char>(s[++i]));
    } else if (c == '*') {
      p.push_back(kStar);
    } else if (c == '?') {
      p.push_back(kQuestion);
    } else {
      p.push_back(c);
    }
  }
  return p;
}

Pattern LiteralPattern(std::string_view s) {
  Pattern p;
  for (unsigned char c : s) p.push_back(c);
  return p;
}

bool HasWildcard(const Pattern& p) {
  return std::any_of(p.begin(), p.end(), [](Unit u) { return u >= kStar; });
}

std::string PlainBytes(const Pattern& p) {
  std::string s;
  for (Unit u : p) s.push_back(static_cast<char>(u & 0xff));
  return s;
}

// Pattern -> IR glob text ('\' escapes literal '*', '?', '\').
std::string ToGlob(const Pattern& p) {
  std::string s;
  for (Unit u : p) {
    if (u == kStar) {
      s += '*';
    } else if (u == kQuestion) {
      s += '?';
    } else {
      const char c = static_cast<char>(u);
      if (c == '*' || c == '?' || c == '\\') s += '\\';
      s += c;
    }
  }
  return s;
}

Pattern FromGlob(const std::string& g) {
  Pattern p;
  for (size_t i = 0; i < g.size(); ++i) {
    if (g[i] == '\\' && i + 1 < g.size()) {
      p.push_back(static_cast<unsigned char>(g[++i]));
    } else if (g[i] == '*') {
      p.push_back(kStar);
    } else if (g[i] == '?') {
      p.push_back(kQuestion);
    } else {
      p.push_back(static_cast<unsigned char>(g[i]));
    }
  }
  return p;
}

const std::set<std::string>& KnownModifiers() {
  static const std::set<std::string> k = {
      "contains", "startswith", "endswith", "all", "exists", "cased", "re", "i", "m", "s",
      "base64", "base64offset", "utf16le", "utf16be", "utf16", "wide", "windash", "cidr",
      "lt", "lte", "gt", "gte", "neq", "minute", "hour", "day", "week", "month", "year",
      "fieldref", "expand"};
  return k;
}

// The known modifier within two edits of `m` (a typo), or "".
std::string ClosestModifier(const std::string& m) {
  std::string folded;
  AsciiLowerInto(m, &folded);
  std::string best;
  size_t best_d = 3;
  for (const auto& k : KnownModifiers()) {
    const size_t d = EditDistance(folded, k);
    if (d < best_d && k.size() > 2) {
      best_d = d;
      best = k;
    }
  }
  return best;
}

class Lowerer {
 public:
  Lowerer(const Placeholders& ph, RegexCheck check_regex, Ir* ir, std::vector<Diagnostic>* diags)
      : ph_(ph), check_regex_(check_regex), ir_(ir), diags_(diags) {}

  bool Detection(const DetectionAst& det, Expr* out) {
    std::map<std::string, Expr> ids;
    std::vector<std::string> order;
    for (const auto& id : det.identifiers) {
      std::vector<Expr> alts;
      bool good = true;
      for (const auto& alt : id.alternatives) {
        std::vector<Expr> items;
        for (const auto& item : alt) {
          Expr e;
          if (!Item(item, &e)) {
            good = false;
            break;
          }
          items.push_back(std::move(e));
        }
        if (!good) break;
        alts.push_back(Expr::And(std::move(items)));
      }
      if (!good) return false;
      ids[id.name] = Expr::Or(std::move(alts));
      order.push_back(id.name);
    }
    std::vector<Expr> conds;
    for (const auto& c : det.conditions) {
      Expr e;
      if (!Condition(c, c.root, ids, order, &e)) return false;
      conds.push_back(std::move(e));
    }
    *out = Expr::Or(std::move(conds));
    return true;
  }

 public:
  bool LowerOneItem(const ItemAst& item, Expr* out) { return Item(item, out); }

 private:
  bool Error(const SourceLocation& at, std::string message) {
    diags_->push_back({Severity::kError, at, std::move(message)});
    return false;
  }

  static bool PatternMatchesName(const std::string& pattern, const std::string& name) {
    // '*' is the only wildcard in identifier patterns.
    size_t p = 0, n = 0, star = std::string::npos, mark = 0;
    while (n < name.size()) {
      if (p < pattern.size() && pattern[p] == '*') {
        star = p++;
        mark = n;
      } else if (p < pattern.size() && pattern[p] == name[n]) {
        ++p;
        ++n;
      } else if (star != std::string::npos) {
        p = star + 1;
        n = ++mark;
      } else {
        return false;
      }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
  }


 public:
  // Whether `1 of X` / `all of X` includes identifier `name`: "them" is every
  // identifier not starting with '_' (the spec's convention for helper selections).
  static bool QuantifierSelects(const std::string& x, const std::string& name) {
    return x == "them" ? name.empty() || name[0] != '_' : PatternMatchesName(x, name);
  }

 private:

  bool Condition(const ConditionAst& c, const CondNode& n, const std::map<std::string, Expr>& ids,
                 const std::vector<std::string>& order, Expr* out) {
    switch (n.kind) {
      case CondNode::Kind::kIdentifier: {
        auto it = ids.find(n.name);
        if (it == ids.end()) {
          return Error(OffsetLocation(c.where, c.text, n.offset),
                       "condition refers to '" + n.name + "', which is not a search identifier "
                       "of this detection");
        }
        *out = it->second;
        return true;
      }
      case CondNode::Kind::kNot: {
        Expr inner;
        if (!Condition(c, n.children[0], ids, order, &inner)) return false;
        *out = Expr::Not(std::move(inner));
        return true;
      }
      case CondNode::Kind::kAnd:
      case CondNode::Kind::kOr: {
        std::vector<Expr> children;
        for (const auto& k : n.children) {
          Expr e;
          if (!Condition(c, k, ids, order, &e)) return false;
          children.push_back(std::move(e));
        }
        *out = n.kind == CondNode::Kind::kAnd ? Expr::And(std::move(children))
                                              : Expr::Or(std::move(children));
        return true;
      }
      case CondNode::Kind::kOneOf:
      case CondNode::Kind::kAllOf: {
        std::vector<Expr> children;
        for (const auto& name : order) {
          if (QuantifierSelects(n.name, name)) children.push_back(ids.at(name));
        }
        if (children.empty()) {
          return Error(OffsetLocation(c.where, c.text, n.offset),
                       n.name == "them"
                           ? std::string("'of them' but the detection has no search identifiers")
                           : "'" + n.name + "' matches no search identifier");
        }
        *out = n.kind == CondNode::Kind::kAllOf ? Expr::And(std::move(children))
                                                : Expr::Or(std::move(children));
        return true;
      }
    }
    return false;
  }

  // Substitutes %placeholders% (|expand). Returns the raw Sigma strings to parse. Their
  // number and total size are computed first (a product over the placeholders) and
  // checked by `fits` before any string is built.
  template <typename Fits>
  bool Expand(const ValueAst& v, const Fits& fits, std::vector<std::string>* out) {
    // The value split into literal text and placeholders, in order.
    struct Piece {
      std::string text;                             // literal, when values is null
      const std::vector<std::string>* values = nullptr;  // a placeholder's values
    };
    std::vector<Piece> pieces(1);
    const std::string& s = v.text;
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == '%') {
        pieces.back().text += '%';
        ++i;
        continue;
      }
      if (s[i] == '%') {
        const size_t end = s.find('%', i + 1);
        if (end != std::string::npos && end > i + 1) {
          const std::string name = s.substr(i + 1, end - i - 1);
          auto it = ph_.find(name);
          if (it == ph_.end() || it->second.empty()) {
            return Error(v.where, "placeholder '%" + name +
                                      "%' has no value: supply it in a vars file (--vars FILE, "
                                      "pySigma processing-pipeline 'vars' form)");
          }
          pieces.push_back({std::string(), &it->second});
          pieces.emplace_back();
          i = end;
          continue;
        }
      }
      pieces.back().text += s[i];
    }
    // count = product of the placeholders' value counts; every string holds all the
    // literal text, and each value of a placeholder with n values is in count / n of
    // them. Saturating: past the limit the exact size no longer matters.
    size_t count = 1;
    for (const Piece& p : pieces) {
      if (p.values == nullptr) continue;
      if (count > kMaxExpandedValues) break;
      count *= p.values->size();
    }
    if (count > kMaxExpandedValues) {
      return Error(v.where, "placeholder expansion produces more than " +
                                std::to_string(kMaxExpandedValues) + " values");
    }
    size_t bytes = 0;
    const auto add = [&bytes](size_t n, size_t times) {
      size_t product = 0;
      if (__builtin_mul_overflow(n, times, &product) ||
          __builtin_add_overflow(bytes, product, &bytes)) {
        bytes = SIZE_MAX;
      }
    };
    for (const Piece& p : pieces) {
      if (p.values == nullptr) {
        add(p.text.size(), count);
      } else {
        for (const std::string& val : *p.values) add(val.size(), count / p.values->size());
      }
    }
    if (!fits(v.where, count, bytes)) return false;
    std::vector<std::string> acc = {std::string()};
    for (const Piece& p : pieces) {
      if (p.values == nullptr) {
        for (auto& a : acc) a += p.text;
        continue;
      }
      std::vector<std::string> next;
      next.reserve(acc.size() * p.values->size());
      for (const auto& a : acc) {
        for (const auto& val : *p.values) next.push_back(a + val);
      }
      acc = std::move(next);
    }
    *out = std::move(acc);
    return true;
  }

  uint32_t FieldId(const ItemAst& item) {
    return item.field.empty() ? kAnyString : ir_->InternField(item.field);
  }

  // Lowers one `field|modifiers: values` item.
  bool Item(const ItemAst& item, Expr* out) {
    // -- collect and validate modifiers
    std::vector<std::string> mods = item.modifiers;
    bool contains = false, startswith = false, endswith = false, all = false, cased = false;
    bool re = false, cidr = false, exists = false, fieldref = false, neq = false, expand = false;
    uint8_t re_flags = 0;
    Op cmp = Op::kNumEq;
    bool has_cmp = false;
    TimePartOpt time_part = TimePartOpt::kNone;
    std::string numeric_mod;             // the first numeric or time modifier, as written
    std::vector<std::string> encodings;  // in order
    for (size_t i = 0; i < mods.size(); ++i) {
      const std::string& m = mods[i];
      const SourceLocation& at =
          i < item.modifier_where.size() ? item.modifier_where[i] : item.where;
      if (!KnownModifiers().count(m)) {
        const std::string near = ClosestModifier(m);
        return Error(at, "unknown modifier '" + m + "'" +
                             (near.empty() ? std::string() : "; did you mean '" + near + "'?"));
      }
      if (m == "contains") contains = true;
      else if (m == "startswith") startswith = true;
      else if (m == "endswith") endswith = true;
      else if (m == "all") all = true;
      else if (m == "cased") cased = true;
      else if (m == "re") re = true;
      else if (m == "i" || m == "m" || m == "s") {
        if (!re)
          return Error(at, "modifier '" + m + "' is a sub-modifier of 're' and must follow it");
        re_flags |= m == "i" ? kRegexCaseless : m == "m" ? kRegexMultiline : kRegexDotAll;
      } else if (m == "cidr") cidr = true;
      else if (m == "exists") exists = true;
      else if (m == "fieldref") fieldref = true;
      else if (m == "neq") neq = true;
      else if (m == "expand") expand = true;
      else if (m == "lt" || m == "lte" || m == "gt" || m == "gte") {
        if (has_cmp) return Error(at, "only one of lt, lte, gt, gte may be used");
        has_cmp = true;
        if (numeric_mod.empty()) numeric_mod = "|" + m;
        cmp = m == "lt" ? Op::kLt : m == "lte" ? Op::kLte : m == "gt" ? Op::kGt : Op::kGte;
      } else if (m == "minute" || m == "hour" || m == "day" || m == "week" || m == "month" ||
                 m == "year") {
        if (time_part != TimePartOpt::kNone)
          return Error(at, "only one time-part modifier may be used");
        if (numeric_mod.empty()) numeric_mod = "|" + m;
        time_part = m == "minute" ? TimePartOpt::kMinute : m == "hour" ? TimePartOpt::kHour
                    : m == "day" ? TimePartOpt::kDay : m == "week" ? TimePartOpt::kWeek
                    : m == "month" ? TimePartOpt::kMonth : TimePartOpt::kYear;
      } else {
        // windash only swaps dash characters, so it commutes with the wildcards that
        // contains/startswith/endswith add; the byte encodings do not.
        if ((contains || startswith || endswith) && m != "windash") {
          return Error(at, "encoding modifier '" + m +
                               "' must come before contains/startswith/endswith "
                               "(it cannot encode wildcards)");
        }
        encodings.push_back(m);
      }
    }
    const int placement = contains + startswith + endswith;
    if (placement > 1)
      return Error(item.where, "contains, startswith and endswith exclude each other");
    const bool numeric = has_cmp || time_part != TimePartOpt::kNone;
    auto conflict = [&](const char* a, const char* b) {
      return Error(item.where,
                   std::string("modifiers '") + a + "' and '" + b + "' cannot be combined");
    };
    if (re && (placement || cidr || numeric || fieldref || !encodings.empty()))
      return conflict("re", placement  ? "contains/startswith/endswith"
                            : cidr     ? "cidr"
                            : numeric  ? "lt/gt/time"
                            : fieldref ? "fieldref"
                                       : "encoding");
    if (cidr && (placement || numeric || fieldref || !encodings.empty() || cased))
      return conflict("cidr", "string modifiers");
    if (numeric && (placement || fieldref || !encodings.empty() || cased))
      return conflict(has_cmp ? "lt/lte/gt/gte" : "time part", "string modifiers");
    if (exists && mods.size() > 1)
      return Error(item.where, "'exists' cannot be combined with other modifiers");
    if (fieldref && !encodings.empty()) return conflict("fieldref", "encoding");
    if (item.field.empty() && (exists || fieldref || cidr || numeric))
      return Error(
          item.where,
          "keyword search (no field name) cannot use exists, fieldref, cidr or numeric modifiers");
    if (all && item.values.size() == 1 && !item.field.empty()) {
      diags_->push_back({Severity::kWarning, item.where,
                         "'all' on a single value has no effect (the spec disallows it)"});
    }

    const uint32_t field = FieldId(item);

    if (exists) {
      const ValueAst& v = item.values[0];
      if (item.values.size() != 1 || v.type != ValueAst::Type::kBool) {
        return Error(v.where, "'exists' takes one boolean value (true or false)");
      }
      Predicate p;
      p.field = field;
      p.op = v.text == "true" ? Op::kExists : Op::kNotExists;
      *out = Expr::Pred(ir_->InternPredicate(std::move(p)));
      return true;
    }

    std::vector<Expr> per_value;
    size_t patterns = 0;  // predicates made for this item, bounded by kMaxPatternsPerItem
    const auto too_many = [&](const SourceLocation& at) {
      std::string name = item.field.empty() ? "keywords" : item.field;
      for (const auto& m : item.modifiers) name += "|" + m;
      return Error(at, "'" + name + "' expands to more than " +
                           std::to_string(kMaxPatternsPerItem) +
                           " patterns (values times encodings and windash variants)");
    };
    const auto too_many_in_rule = [&](const SourceLocation& at) {
      std::string name = item.field.empty() ? "keywords" : item.field;
      for (const auto& m : item.modifiers) name += "|" + m;
      return Error(at, "'" + name + "' takes the rule past its limit of " +
                           std::to_string(kMaxPatternsPerRule) + " patterns or " +
                           std::to_string(kMaxPatternBytesPerRule) +
                           " bytes of patterns (values times encodings and windash "
                           "variants, over all the rule's items)");
    };
    // Whether `count` more patterns holding `bytes` bytes (one step of an expansion,
    // sized before it is generated) fit in what is left of the item's and the rule's
    // limits. The rule's totals grow only by the patterns finally kept.
    const auto fits = [&](const SourceLocation& at, size_t count, size_t bytes) {
      if (count > kMaxPatternsPerItem - std::min(patterns, kMaxPatternsPerItem))
        return too_many(at);
      if (count > kMaxPatternsPerRule - rule_patterns_ ||
          bytes > kMaxPatternBytesPerRule - rule_bytes_) {
        return too_many_in_rule(at);
      }
      return true;
    };
    for (const ValueAst& v : item.values) {
      std::vector<Expr> variants;
      if (v.type == ValueAst::Type::kNull) {
        if (!mods.empty() && !(mods.size() == 1 && all)) {
          return Error(v.where, "null cannot be used with modifiers");
        }
        Predicate p;
        p.field = field;
        p.op = Op::kNull;
        if (item.field.empty()) return Error(v.where, "null is not a keyword");
        per_value.push_back(Expr::Pred(ir_->InternPredicate(std::move(p))));
        continue;
      }
      Predicate base;
      base.field = field;
      base.cased = cased;
      base.negate = neq;
      if (re) {
        base.op = Op::kRegex;
        base.text = v.text;
        base.regex_flags = re_flags;
        std::string err;
        if (!check_regex_(base.text, re_flags, &err))
          return Error(v.where, "bad regular expression: " + err);
        variants.push_back(Expr::Pred(ir_->InternPredicate(std::move(base))));
      } else if (cidr) {
        base.op = Op::kCidr;
        base.text = v.text;
        std::string err;
        if (!ParseCidr(v.text, &base.cidr, &err))
          return Error(v.where, "bad CIDR network '" + v.text + "': " + err);
        variants.push_back(Expr::Pred(ir_->InternPredicate(std::move(base))));
      } else if (numeric) {
        double d;
        if (!ParseDouble(v.text, &d)) return Error(v.where, "'" + v.text + "' is not a number");
        // The specification's numeric and time modifiers take numbers; pySigma rejects a
        // quoted one, so a rule written so would load here and nowhere else.
        if (v.type == ValueAst::Type::kString) {
          return Error(v.where, "'" + v.text + "' is a quoted string, but " + numeric_mod +
                                    " compares numbers: write " + v.text +
                                    " without quotes (Sigma's numeric modifiers take numbers)");
        }
        base.op = has_cmp ? cmp : Op::kNumEq;
        base.number = d;
        // The exact value, for values that equal the threshold as doubles (ir.h).
        CanonicalNumber(v.text, &base.text);
        base.time_part = time_part;
        variants.push_back(Expr::Pred(ir_->InternPredicate(std::move(base))));
      } else if (fieldref) {
        if (v.type != ValueAst::Type::kString || v.text.empty()) {
          return Error(v.where, "'fieldref' takes a field name");
        }
        base.op = Op::kFieldRef;
        base.ref_op = contains     ? Op::kContains
                      : startswith ? Op::kPrefix
                      : endswith   ? Op::kSuffix
                                   : Op::kEquals;
        base.other_field = ir_->InternField(v.text);
        variants.push_back(Expr::Pred(ir_->InternPredicate(std::move(base))));
      } else {
        // String matching: expand placeholders, encode, add wildcards.
        std::vector<std::string> raws;
        if (expand) {
          if (!Expand(v, fits, &raws)) return false;
        } else {
          if (!fits(v.where, 1, v.text.size())) return false;
          raws.push_back(v.text);
        }
        std::vector<Pattern> pats;
        for (const auto& r : raws) pats.push_back(ParsePattern(r));
        raws.clear();
        for (const auto& enc : encodings) {
          // Size this step's output from its input before making it (saturating sums).
          size_t count = 0, bytes = 0;
          for (const auto& p : pats) {
            ExpansionSize step;
            if (enc == "windash") {
              step = WindashVariantsSize(ToGlob(p));
              // The glob text escapes wildcard characters; a pattern unit is one byte.
              if (step.count != SIZE_MAX) {
                const size_t escapes = ToGlob(p).size() - p.size();
                step.bytes -= step.count * escapes;
              }
            } else if (enc == "base64offset") {
              step = Base64OffsetVariantsSize(p.size());
            } else if (enc == "base64") {
              step = {1, (p.size() + 2) / 3 * 4};
            } else {
              // utf16*: at most two bytes for every byte (ASCII), plus a byte order mark.
              step = {1, 2 * p.size() + 2};
            }
            if (__builtin_add_overflow(count, step.count, &count)) count = SIZE_MAX;
            if (__builtin_add_overflow(bytes, step.bytes, &bytes)) bytes = SIZE_MAX;
          }
          if (!fits(v.where, count, bytes)) return false;
          std::vector<Pattern> next;
          next.reserve(count);
          for (const auto& p : pats) {
            if (enc == "windash") {
              std::vector<std::string> outs;
              std::string err;
              if (!WindashVariants(ToGlob(p), &outs, &err))
                return Error(v.where, "windash: " + err);
              for (auto& o : outs) next.push_back(FromGlob(o));
              continue;
            }
            if (HasWildcard(p)) {
              return Error(v.where, "'" + enc + "' cannot encode a value with wildcards; escape "
                                    "them (\\*, \\?) or use contains/startswith/endswith after it");
            }
            const std::string bytes = PlainBytes(p);
            if (enc == "base64") {
              next.push_back(LiteralPattern(Base64Encode(bytes)));
            } else if (enc == "base64offset") {
              // Values shorter than three bytes leave some offsets with no stable
              // characters; an empty needle would match everything, so drop it.
              for (auto& o : Base64OffsetVariants(bytes)) {
                if (!o.empty()) next.push_back(LiteralPattern(o));
              }
            } else if (enc == "utf16le" || enc == "wide") {
              next.push_back(LiteralPattern(Utf16Le(bytes)));
            } else if (enc == "utf16be") {
              next.push_back(LiteralPattern(Utf16Be(bytes)));
            } else if (enc == "utf16") {
              next.push_back(LiteralPattern(Utf16WithBom(bytes)));
            }
          }
          pats = std::move(next);
        }
        for (const auto& p : pats) rule_bytes_ += p.size();
        // Keywords are substring searches unless a placement modifier says otherwise.
        const bool keyword_contains = item.field.empty() && !placement;
        for (auto& p : pats) {
          if (contains || keyword_contains) {
            if (p.empty() || p.front() != kStar) p.insert(p.begin(), kStar);
            if (p.back() != kStar) p.push_back(kStar);
          } else if (startswith) {
            if (p.empty() || p.back() != kStar) p.push_back(kStar);
          } else if (endswith) {
            if (p.empty() || p.front() != kStar) p.insert(p.begin(), kStar);
          }
          variants.push_back(Expr::Pred(ir_->InternPredicate(StringPredicate(base, p))));
        }
        // A number written in the rule also equals the same number written differently
        // in the event (22 vs 22.0 vs "22").
        if (v.type == ValueAst::Type::kNumber && !placement && encodings.empty() && !expand &&
            !item.field.empty()) {
          Predicate num = base;
          if (ParseDouble(v.text, &num.number)) {
            num.op = Op::kNumEq;
            CanonicalNumber(v.text, &num.text);
            num.cased = false;
            variants.push_back(Expr::Pred(ir_->InternPredicate(std::move(num))));
          }
        }
      }
      patterns += variants.size();
      if (patterns > kMaxPatternsPerItem) return too_many(v.where);
      rule_patterns_ += variants.size();
      if (rule_patterns_ > kMaxPatternsPerRule) return too_many_in_rule(v.where);
      // `neq` is per value "differs"; several variants of one value must all differ.
      per_value.push_back(neq ? Expr::And(std::move(variants)) : Expr::Or(std::move(variants)));
    }
    *out = (all || neq) ? Expr::And(std::move(per_value)) : Expr::Or(std::move(per_value));
    return true;
  }

  static Predicate StringPredicate(const Predicate& base, Pattern p) {
    Predicate out = base;
    // Collapse runs of '*'.
    Pattern q;
    for (Unit u : p) {
      if (u == kStar && !q.empty() && q.back() == kStar) continue;
      q.push_back(u);
    }
    size_t inner_wild = 0;
    for (size_t i = 0; i < q.size(); ++i) {
      if (q[i] == kQuestion || (q[i] == kStar && i != 0 && i + 1 != q.size())) ++inner_wild;
    }
    const bool lead = !q.empty() && q.front() == kStar;
    const bool trail = q.size() > 1 && q.back() == kStar;
    if (inner_wild == 0 && !(q.size() == 1 && lead)) {
      Pattern lit(q.begin() + (lead ? 1 : 0), q.end() - (trail ? 1 : 0));
      out.text = PlainBytes(lit);
      out.op = lead && trail ? Op::kContains
               : lead        ? Op::kSuffix
               : trail       ? Op::kPrefix
                             : Op::kEquals;
    } else {
      out.op = Op::kGlob;
      out.text = ToGlob(q);
    }
    if (!out.cased) {
      for (auto& c : out.text) c = AsciiLower(c);
    }
    return out;
  }

  const Placeholders& ph_;
  const RegexCheck check_regex_;
  Ir* ir_;
  std::vector<Diagnostic>* diags_;
  // Patterns made so far for this rule (one Lowerer lowers one detection) and their
  // bytes, bounded by kMaxPatternsPerRule and kMaxPatternBytesPerRule.
  size_t rule_patterns_ = 0;
  size_t rule_bytes_ = 0;
};

}  // namespace

bool LowerDetection(const DetectionAst& detection, const Placeholders& placeholders,
                    RegexCheck check_regex, Ir* ir, Expr* out,
                    std::vector<Diagnostic>* diagnostics) {
  Lowerer l(placeholders, check_regex, ir, diagnostics);
  return l.Detection(detection, out);
}

bool LowerItem(const ItemAst& item, const Placeholders& placeholders, RegexCheck check_regex,
               Ir* ir, Expr* out, std::vector<Diagnostic>* diagnostics) {
  Lowerer l(placeholders, check_regex, ir, diagnostics);
  return l.LowerOneItem(item, out);
}

bool EvalCondition(const CondNode& n, const std::vector<std::pair<std::string, bool>>& ids) {
  switch (n.kind) {
    case CondNode::Kind::kIdentifier:
      for (const auto& [name, held] : ids) {
        if (name == n.name) return held;
      }
      return false;
    case CondNode::Kind::kNot: return !EvalCondition(n.children[0], ids);
    case CondNode::Kind::kAnd:
      for (const auto& k : n.children) {
        if (!EvalCondition(k, ids)) return false;
      }
      return true;
    case CondNode::Kind::kOr:
      for (const auto& k : n.children) {
        if (EvalCondition(k, ids)) return true;
      }
      return false;
    case CondNode::Kind::kOneOf:
    case CondNode::Kind::kAllOf: {
      const bool all = n.kind == CondNode::Kind::kAllOf;
      for (const auto& [name, held] : ids) {
        if (!Lowerer::QuantifierSelects(n.name, name)) continue;
        if (held != all) return held;
      }
      return all;
    }
  }
  return false;
}

std::vector<std::string> ConditionIdentifiers(const CondNode& n,
                                              const std::vector<std::string>& declared) {
  std::vector<std::string> out;
  switch (n.kind) {
    case CondNode::Kind::kIdentifier:
      out.push_back(n.name);
      break;
    case CondNode::Kind::kOneOf:
    case CondNode::Kind::kAllOf:
      for (const auto& d : declared) {
        if (Lowerer::QuantifierSelects(n.name, d)) out.push_back(d);
      }
      break;
    default:
      for (const auto& k : n.children) {
        auto sub = ConditionIdentifiers(k, declared);
        out.insert(out.end(), sub.begin(), sub.end());
      }
  }
  return out;
}

std::string SigmaValueToGlob(const std::string& value) { return ToGlob(ParsePattern(value)); }

}  // namespace vigil::internal

