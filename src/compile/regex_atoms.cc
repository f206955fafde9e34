// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// A recursive-descent reader of PCRE2 syntax that computes, for each part of a
// pattern, either the exact (small) set of strings it can match or the clauses of
// literals it needs; see regex_atoms.h. Tested by tests/compile/regex_atoms_test.cc.

#include "compile/regex_atoms.h"

#include <algorithm>
#include <cstring>

#include "compile/regex_syntax.h"

#include "ir/ir.h"
#include "util/strings.h"

namespace vigil::internal {
namespace {

// Bounds that keep the analysis small: an exact set larger than this becomes clauses.
constexpr size_t kMaxExact = 16;
constexpr size_t kMaxExactLength = 256;
constexpr int kMaxDepth = 200;

struct Info {
  bool exact = false;
  std::vector<RegexAtom> strings;  // exact: every string the part can match
  AtomClauses clauses;             // !exact: what it needs (empty: nothing)

  static Info Any() { return Info{}; }
  static Info Empty() {
    Info i;
    i.exact = true;
    i.strings.push_back({});
    return i;
  }
};

void Normalize(RegexAtom* a) {
  if (a->caseless) {
    for (char& c : a->text) c = AsciiLower(c);
  }
}

void Dedupe(std::vector<RegexAtom>* v) {
  std::sort(v->begin(), v->end(), [](const RegexAtom& a, const RegexAtom& b) {
    if (a.caseless != b.caseless) return a.caseless < b.caseless;
    if (a.unicode_fold != b.unicode_fold) return a.unicode_fold < b.unicode_fold;
    return a.text < b.text;
  });
  v->erase(std::unique(v->begin(), v->end()), v->end());
}

size_t MinLength(const std::vector<RegexAtom>& clause) {
  size_t m = SIZE_MAX;
  for (const auto& a : clause) m = std::min(m, a.text.size());
  return clause.empty() ? 0 : m;
}

// Better prefilter clause: longer shortest atom, then fewer atoms.
bool Better(const std::vector<RegexAtom>& a, const std::vector<RegexAtom>& b) {
  const size_t ma = MinLength(a), mb = MinLength(b);
  if (ma != mb) return ma > mb;
  return a.size() < b.size();
}

AtomClauses ToClauses(const Info& i) {
  if (!i.exact) return i.clauses;
  for (const auto& s : i.strings) {
    if (s.text.empty()) return {};  // can match the empty string: needs nothing
  }
  return {i.strings};
}

Info FromClauses(AtomClauses c) {
  Info i;
  i.clauses = std::move(c);
  return i;
}

Info Concat(const Info& a, const Info& b) {
  if (a.exact && b.exact && a.strings.size() * b.strings.size() <= kMaxExact) {
    Info out;
    out.exact = true;
    bool fits = true;
    for (const auto& x : a.strings) {
      for (const auto& y : b.strings) {
        RegexAtom r{x.text + y.text, x.caseless || y.caseless, x.unicode_fold || y.unicode_fold};
        if (r.text.size() > kMaxExactLength) fits = false;
        Normalize(&r);
        out.strings.push_back(std::move(r));
      }
    }
    if (fits) {
      Dedupe(&out.strings);
      return out;
    }
  }
  AtomClauses c = ToClauses(a);
  AtomClauses d = ToClauses(b);
  c.insert(c.end(), d.begin(), d.end());
  return FromClauses(std::move(c));
}

Info Alternate(const Info& a, const Info& b) {
  if (a.exact && b.exact && a.strings.size() + b.strings.size() <= kMaxExact) {
    Info out = a;
    out.strings.insert(out.strings.end(), b.strings.begin(), b.strings.end());
    Dedupe(&out.strings);
    return out;
  }
  // (A1 and A2 ...) or (B1 and B2 ...) implies (best A) or (best B): one clause.
  AtomClauses ca = ToClauses(a), cb = ToClauses(b);
  if (ca.empty() || cb.empty()) return Info::Any();
  auto best = [](const AtomClauses& c) {
    return *std::min_element(c.begin(), c.end(), Better);
  };
  std::vector<RegexAtom> u = best(ca);
  const std::vector<RegexAtom> v = best(cb);
  u.insert(u.end(), v.begin(), v.end());
  Dedupe(&u);
  return FromClauses({u});
}

class Reader {
 public:
  Reader(std::string_view p, bool caseless, bool unicode_fold_atoms)
      : p_(p), caseless_(caseless), unicode_fold_atoms_(unicode_fold_atoms) {}

  // nullopt-like: ok_ false means "give up" (the caller then requires nothing).
  Info Run() {
    Info i = Alternation(0);
    if (!ok_ || pos_ != p_.size()) return Info::Any();
    return i;
  }

 private:
  bool AtEnd() const { return pos_ >= p_.size(); }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < p_.size() ? p_[pos_ + ahead] : '\0'; }
  Info Fail() {
    ok_ = false;
    return Info::Any();
  }

  Info Alternation(int depth) {
    if (depth > kMaxDepth) return Fail();
    Info acc = Sequence(depth);
    while (ok_ && !AtEnd() && Peek() == '|') {
      ++pos_;
      Info next = Sequence(depth);
      acc = Alternate(acc, next);
    }
    return acc;
  }

  // Exact items extend a run of exact strings; an item that is not exact ends the run
  // (its strings become a clause) and adds its own clauses, so `ab.*cd` needs "ab" and
  // "cd", not four single characters.
  Info Sequence(int depth) {
    AtomClauses clauses;
    Info run = Info::Empty();
    bool all_exact = true;
    auto flush = [&] {
      for (auto& c : ToClauses(run)) clauses.push_back(std::move(c));
      run = Info::Empty();
    };
    while (ok_ && !AtEnd() && Peek() != '|' && Peek() != ')') {
      Info item = Item(depth);
      if (!ok_) break;
      if (item.exact) {
        Info joined = Concat(run, item);
        if (joined.exact) {
          run = std::move(joined);
        } else {
          flush();
          run = std::move(item);
        }
        continue;
      }
      all_exact = false;
      flush();
      for (auto& c : item.clauses) clauses.push_back(std::move(c));
    }
    if (all_exact) return run;
    flush();
    return FromClauses(std::move(clauses));
  }

  // One atom and its quantifier.
  Info Item(int depth) {
    Info atom = Atom(depth);
    if (!ok_) return atom;
    return Quantify(atom);
  }

  Info Quantify(const Info& atom) {
    uint64_t min = 1, max = 1;
    if (!regex_syntax::ReadQuantifier(p_, &pos_, &min, &max)) return atom;
    if (max == 0) return Info::Empty();
    if (min == 0) {
      if (max == 1 && atom.exact && atom.strings.size() + 1 <= kMaxExact) {
        Info out = atom;
        out.strings.push_back({});
        Dedupe(&out.strings);
        return out;
      }
      return Info::Any();
    }
    if (min == 1 && max == 1) return atom;
    // One copy at least: what one copy needs still holds (the rest is not exact).
    return FromClauses(ToClauses(atom));
  }

  Info Literal(std::string bytes) {
    bool fold = false;
    if (caseless_) {
      for (unsigned char c : bytes) {
        // Unicode case folding: non-ASCII letters cannot be searched as ASCII-caseless
        // bytes, nor, unless the caller handles their partners, k and s.
        if (c >= 0x80) return Info::Any();
        if (c == 'k' || c == 'K' || c == 's' || c == 'S') {
          if (!unicode_fold_atoms_) return Info::Any();
          fold = true;
        }
      }
    }
    Info i;
    i.exact = true;
    RegexAtom a{std::move(bytes), caseless_, fold};
    Normalize(&a);
    i.strings.push_back(std::move(a));
    return i;
  }

  // A UTF-8 character of the pattern (one unit for quantifiers).
  Info LiteralChar() {
    const size_t n = regex_syntax::CharLength(p_, pos_);
    std::string bytes(p_.substr(pos_, n));
    pos_ += n;
    return Literal(std::move(bytes));
  }

  Info Atom(int depth) {
    const char c = Peek();
    switch (c) {
      case '(':
        return Group(depth);
      case '[':
        return Class();
      case '.':
        ++pos_;
        return Info::Any();
      case '^':
      case '$':
        ++pos_;
        return Info::Empty();
      case '\\':
        return Escape();
      case '*':
      case '+':
      case '?':
        return Fail();  // a quantifier with nothing to repeat: not ours to judge
      case ')':
        return Fail();
      default:
        return LiteralChar();
    }
  }

  Info Escape() {
    ++pos_;  // the backslash
    if (AtEnd()) return Fail();
    const char c = p_[pos_++];
    switch (c) {
      // Zero-width assertions.
      case 'b': case 'B': case 'A': case 'z': case 'Z': case 'G': case 'K': case 'E':
        return Info::Empty();
      // Classes of characters.
      case 'N':
        if (!AtEnd() && Peek() == '{') return Fail();  // \N{U+hhh}: a character by number
        return Info::Any();
      case 'd': case 'D': case 'w': case 'W': case 's': case 'S': case 'h': case 'H':
      case 'v': case 'V': case 'R': case 'X': case 'C':
        return Info::Any();
      case 'p': case 'P':
        if (!regex_syntax::SkipProperty(p_, &pos_)) return Fail();
        return Info::Any();
      case 'n': return Literal("\n");
      case 't': return Literal("\t");
      case 'r': return Literal("\r");
      case 'f': return Literal("\f");
      case 'e': return Literal("\x1b");
      case 'a': return Literal("\a");
      case 'x': {
        uint32_t v = 0;
        if (!regex_syntax::ReadHexEscape(p_, &pos_, &v)) return Fail();
        if (v >= 0x80 || v == 0) return Info::Any();  // a character, not a byte: leave it
        return Literal(std::string(1, static_cast<char>(v)));
      }
      case 'Q': {
        const size_t end = p_.find("\\E", pos_);
        const std::string_view body =
            p_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
        pos_ = end == std::string_view::npos ? p_.size() : end + 2;
        // Each quoted character is one unit: a quantifier after \E applies to the last.
        Info acc = Info::Empty();
        size_t i = 0;
        while (i < body.size()) {
          const size_t n = regex_syntax::CharLength(body, i);
          const bool last = i + n == body.size();
          Info ch = Literal(std::string(body.substr(i, n)));
          if (last) ch = Quantify(ch);
          acc = Concat(acc, ch);
          i += n;
        }
        return acc;
      }
      case 'g': case 'k':  // back-references and calls: \g1 \g{-1} \k<name> ...
        if (!regex_syntax::SkipReference(p_, &pos_)) return Fail();
        return Info::Any();
      case 'o': case 'c':
        return Fail();  // octal \o{..} and control \cX: rare; give up rather than guess
      default:
        if (c >= '0' && c <= '9') {
          // Back-references (\1..) and octal escapes (\0, \012): requires nothing.
          while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++pos_;
          return Info::Any();
        }
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return Fail();  // unknown to us
        --pos_;
        {
          // An escaped punctuation character or a non-ASCII character: literal.
          Info i = LiteralChar();
          return i;
        }
    }
  }

  // A character class: it matches one character of a set; requires nothing.
  Info Class() {
    ++pos_;  // '['
    if (!AtEnd() && Peek() == '^') ++pos_;
    if (!AtEnd() && Peek() == ']') ++pos_;  // a leading ']' is a member
    while (!AtEnd()) {
      const char c = p_[pos_];
      if (c == '\\') {
        pos_ += 2;
        continue;
      }
      if (c == '[' && pos_ + 1 < p_.size() &&
          (p_[pos_ + 1] == ':' || p_[pos_ + 1] == '.' || p_[pos_ + 1] == '=')) {
        const char kind = p_[pos_ + 1];
        const size_t end = p_.find(std::string{kind, ']'}, pos_ + 2);
        if (end == std::string_view::npos) return Fail();
        pos_ = end + 2;
        continue;
      }
      ++pos_;
      if (c == ']') return Info::Any();
    }
    return Fail();
  }

  Info Group(int depth) {
    ++pos_;  // '('
    const bool saved = caseless_;
    bool multiline = false;  // line anchors need no literal: nothing changes here
    const regex_syntax::GroupKind kind = regex_syntax::OpenGroup(p_, &pos_, &caseless_, &multiline);
    switch (kind) {
      case regex_syntax::GroupKind::kUnsupported: return Fail();
      case regex_syntax::GroupKind::kComment: return Info::Empty();
      case regex_syntax::GroupKind::kCall: return Info::Any();  // may match anything
      case regex_syntax::GroupKind::kOptions:
        return Info::Empty();  // (?i) to the enclosing group's end
      default: break;
    }
    Info inner = Alternation(depth + 1);
    if (!ok_) return inner;
    if (AtEnd() || Peek() != ')') return Fail();
    ++pos_;
    caseless_ = saved;
    return kind == regex_syntax::GroupKind::kLookaround ? Info::Empty() : inner;
  }

  std::string_view p_;
  size_t pos_ = 0;
  bool caseless_;
  const bool unicode_fold_atoms_;
  bool ok_ = true;
};

}  // namespace

bool HasUnicodeFoldPartner(std::string_view text) {
  // U+017F is C5 BF, U+212A is E2 84 AA: both non-ASCII. Most values are ASCII, told
  // apart eight bytes at a time (memmem's call cost more than the search of a short
  // value: 1.8% of vigil_bench_shapes mix at 10,000 rules).
  const char* p = text.data();
  const char* end = p + text.size();
  {
    uint64_t high = 0;
    const char* c = p;
    for (; c + 8 <= end; c += 8) {
      uint64_t w;
      std::memcpy(&w, c, 8);
      high |= w;
    }
    for (; c < end; ++c) high |= static_cast<unsigned char>(*c);
    if ((high & 0x8080808080808080ull) == 0) return false;
  }
  for (const char* c = p;
       (c = static_cast<const char*>(memchr(c, 0xC5, static_cast<size_t>(end - c)))) != nullptr;
       ++c) {
    if (c + 1 < end && static_cast<unsigned char>(c[1]) == 0xBF) return true;
  }
  return memmem(p, text.size(), "\xE2\x84\xAA", 3) != nullptr;
}

AtomClauses RequiredAtoms(std::string_view pattern, uint8_t flags, bool unicode_fold_atoms) {
  Reader r(pattern, (flags & kRegexCaseless) != 0, unicode_fold_atoms);
  AtomClauses c = ToClauses(r.Run());
  for (auto& clause : c) Dedupe(&clause);
  return c;
}

std::vector<RegexAtom> BestClause(const AtomClauses& clauses, size_t min_length, size_t max_atoms) {
  const std::vector<RegexAtom>* best = nullptr;
  for (const auto& c : clauses) {
    if (c.empty() || c.size() > max_atoms || MinLength(c) < min_length) continue;
    if (best == nullptr || Better(c, *best)) best = &c;
  }
  return best ? *best : std::vector<RegexAtom>{};
}

}  // namespace vigil::internal
