// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// A recursive-descent reader of PCRE2 syntax computing byte facts (regex_bytes.h).
// Each part of a pattern yields its length range in bytes, the bytes it may consume
// and the byte sets a match of it must contain; any construct the reader does not know
// gives up on the whole pattern.
//
// Just over this project's ~600-line mark: one recursive-descent reader of PCRE2's
// syntax, whose cases (classes, escapes, groups, quantifiers) share its position and
// its "give up" path; split, each part would need the whole reader's state.

#include "compile/regex_bytes.h"

#include <algorithm>
#include <bit>
#include <string>

#include "compile/regex_syntax.h"

#include "ir/ir.h"
#include "util/strings.h"

namespace vigil::internal {

int ByteSet::Count() const {
  return std::popcount(w[0]) + std::popcount(w[1]) + std::popcount(w[2]) + std::popcount(w[3]);
}

ByteSet BytesOf(std::string_view text) {
  ByteSet s;
  for (unsigned char c : text) s.Add(c);
  return s;
}

bool RegexBytes::Selective() const {
  if (branches.empty()) return false;
  for (const Branch& b : branches) {
    if (!b.whole && b.required.empty()) return false;
  }
  return true;
}

uint32_t RegexBytes::MinLength() const {
  if (branches.empty()) return 0;
  uint32_t m = UINT32_MAX;
  for (const Branch& b : branches) m = std::min(m, b.min_length);
  return m;
}

bool RegexBytes::MayMatch(std::string_view text, const ByteSet& present) const {
  if (branches.empty()) return true;
  // The facts assume characters are valid UTF-8. On invalid sequences PCRE2's JIT and
  // interpreter do not even agree (10.42: the JIT lets `(?i)[^k]` swallow "\xc3k"
  // whole, the interpreter refuses it), so such a text is never rejected here.
  if ((present.w[2] | present.w[3]) != 0 && !IsValidUtf8(text)) return true;
  for (const Branch& b : branches) {
    if (text.size() < b.min_length) continue;
    if (b.whole && (text.size() > b.max_length || !present.SubsetOf(b.allowed))) continue;
    bool all = true;
    for (const ByteSet& r : b.required) {
      if (!present.Intersects(r)) {
        all = false;
        break;
      }
    }
    if (all) return true;
  }
  return false;
}

namespace {

constexpr uint64_t kInf = uint64_t{1} << 40;
constexpr int kMaxDepth = 200;
constexpr size_t kMaxRequired = 6;

uint64_t SatAdd(uint64_t a, uint64_t b) { return std::min(kInf, a + b); }
uint64_t SatMul(uint64_t a, uint64_t b) {
  if (a == 0 || b == 0) return 0;
  if (a >= kInf || b >= kInf || a > kInf / b) return kInf;
  return std::min(kInf, a * b);
}

ByteSet NonAscii() {
  ByteSet s;
  s.AddRange(0x80, 0xFF);
  return s;
}

// What a negated class or escape (`[^...]`, \D) may match: the ASCII bytes `m` leaves
// out, and any non-ASCII character.
ByteSet NegatedAscii(const ByteSet& m) {
  ByteSet s = NonAscii();
  for (unsigned b = 0; b < 0x80; ++b) {
    if (!m.Has(b)) s.Add(b);
  }
  return s;
}

// Keeps the most selective sets (fewest bytes), without duplicates or full sets.
void Trim(std::vector<ByteSet>* req) {
  std::erase_if(*req, [](const ByteSet& s) { return s.Full(); });
  std::stable_sort(req->begin(), req->end(),
                   [](const ByteSet& a, const ByteSet& b) { return a.Count() < b.Count(); });
  std::vector<ByteSet> out;
  for (const ByteSet& s : *req) {
    if (std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
    if (out.size() == kMaxRequired) break;
  }
  *req = std::move(out);
}

enum class Kind { kConsume, kZeroWidth, kStart, kEnd, kEndStrict };

struct Facts {
  uint64_t min = 0, max = 0;
  ByteSet bytes;
  std::vector<ByteSet> required;
  Kind kind = Kind::kConsume;

  static Facts Zero() {
    Facts f;
    f.kind = Kind::kZeroWidth;
    return f;
  }
  // One character of the set (non-ASCII characters take up to 4 bytes).
  static Facts Char(const ByteSet& s, bool multibyte) {
    Facts f;
    f.min = 1;
    f.max = multibyte ? 4 : 1;
    f.bytes = s;
    f.required.push_back(s);
    return f;
  }
  static Facts AnyChar() { return Char(ByteSet::All(), true); }
  // Any text at all (a back-reference, a subroutine call).
  static Facts Anything() {
    Facts f;
    f.max = kInf;
    f.bytes = ByteSet::All();
    return f;
  }
};

void Append(Facts* acc, const Facts& f) {
  acc->min = SatAdd(acc->min, f.min);
  acc->max = SatAdd(acc->max, f.max);
  acc->bytes.Union(f.bytes);
  acc->required.insert(acc->required.end(), f.required.begin(), f.required.end());
}

// A top-level alternative: its facts and whether it is anchored at both ends.
struct BranchFacts {
  Facts facts;
  bool starts = false;     // the first item that is not zero-width is ^ or \A
  Kind ends = Kind::kConsume;  // the last such item (kEnd: $ or \Z, kEndStrict: \z)
};

class Reader {
 public:
  Reader(std::string_view p, bool caseless, bool multiline)
      : p_(p), caseless_(caseless), multiline_(multiline) {}

  bool Run(std::vector<BranchFacts>* out) {
    out->push_back(Sequence(0));
    while (ok_ && !AtEnd() && Peek() == '|') {
      ++pos_;
      out->push_back(Sequence(0));
    }
    return ok_ && pos_ == p_.size();
  }
  bool multiline() const { return multiline_; }

 private:
  bool AtEnd() const { return pos_ >= p_.size(); }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < p_.size() ? p_[pos_ + ahead] : '\0'; }
  Facts Fail() {
    ok_ = false;
    return Facts::Zero();
  }

  Facts Alternation(int depth) {
    if (depth > kMaxDepth) return Fail();
    Facts acc = Sequence(depth).facts;
    while (ok_ && !AtEnd() && Peek() == '|') {
      ++pos_;
      const Facts next = Sequence(depth).facts;
      Facts both;
      both.min = std::min(acc.min, next.min);
      both.max = std::max(acc.max, next.max);
      both.bytes = acc.bytes;
      both.bytes.Union(next.bytes);
      // (A1 and A2 ...) or (B1 and B2 ...) implies (A1 or B1): one set from each.
      if (!acc.required.empty() && !next.required.empty()) {
        ByteSet u = acc.required.front();
        u.Union(next.required.front());
        both.required.push_back(u);
      }
      acc = std::move(both);
    }
    acc.kind = Kind::kConsume;
    return acc;
  }

  BranchFacts Sequence(int depth) {
    BranchFacts b;
    bool seen = false;  // an item that is not zero-width
    while (ok_ && !AtEnd() && Peek() != '|' && Peek() != ')') {
      Facts item = Item(depth);
      if (!ok_) break;
      if (item.kind == Kind::kZeroWidth) continue;
      if (!seen) b.starts = item.kind == Kind::kStart;
      seen = true;
      b.ends = item.kind;
      if (item.kind == Kind::kConsume) Append(&b.facts, item);
    }
    Trim(&b.facts.required);
    return b;
  }

  Facts Item(int depth) {
    Facts atom = Atom(depth);
    if (!ok_) return atom;
    return Quantify(std::move(atom));
  }

  Facts Quantify(Facts atom) {
    uint64_t min = 1, max = 1;
    if (!regex_syntax::ReadQuantifier(p_, &pos_, &min, &max)) return atom;
    if (max == regex_syntax::kUnboundedRepeat) max = kInf;
    if (atom.kind != Kind::kConsume) {
      // A repeated assertion: PCRE2 accepts some (`^*`); it no longer anchors anything.
      return Facts::Zero();
    }
    if (max == 0) return Facts{};
    Facts out = std::move(atom);
    out.min = SatMul(out.min, min);
    out.max = max >= kInf ? (out.max == 0 ? 0 : kInf) : SatMul(out.max, max);
    if (min == 0) out.required.clear();
    return out;
  }

  // The bytes of one character `cp` (a code point) and, in a caseless part, of the
  // characters it folds with.
  Facts CodePoint(uint32_t cp, std::string_view utf8) {
    if (cp >= 0x80) {
      // Caseless non-ASCII characters may fold to ASCII ones (KELVIN SIGN and k).
      if (caseless_) return Facts::AnyChar();
      ByteSet s;
      for (unsigned char c : utf8) s.Add(c);
      Facts f = Facts::Char(s, false);
      f.min = f.max = utf8.size();
      f.required = {ByteSet{}};
      f.required.back().Add(static_cast<unsigned char>(utf8[0]));
      return f;
    }
    ByteSet s;
    s.Add(cp);
    bool multibyte = false;
    FoldInto(&s, &multibyte);
    return Facts::Char(s, multibyte);
  }

  // In a caseless part: ASCII letters of `s` with their other case; k and s also match
  // non-ASCII characters (U+212A, U+017F).
  void FoldInto(ByteSet* s, bool* multibyte) const {
    if (!caseless_) return;
    for (unsigned c = 'a'; c <= 'z'; ++c) {
      const unsigned u = c - 'a' + 'A';
      if (s->Has(c) || s->Has(u)) {
        s->Add(c);
        s->Add(u);
        if (c == 'k' || c == 's') {
          s->Union(NonAscii());
          *multibyte = true;
        }
      }
    }
  }

  // One literal character, as its UTF-8 bytes.
  Facts CharFacts(std::string_view bytes) {
    const unsigned char lead = static_cast<unsigned char>(bytes[0]);
    return CodePoint(lead < 0x80 ? lead : 0x80, bytes);  // non-ASCII: its own bytes
  }

  Facts LiteralChar() {
    const std::string_view bytes = p_.substr(pos_, regex_syntax::CharLength(p_, pos_));
    pos_ += bytes.size();
    return CharFacts(bytes);
  }

  Facts Atom(int depth) {
    const char c = Peek();
    switch (c) {
      case '(':
        return Group(depth);
      case '[':
        return Class();
      case '.':
        ++pos_;
        return Facts::AnyChar();
      case '^': {
        ++pos_;
        Facts f = Facts::Zero();
        f.kind = multiline_ ? Kind::kZeroWidth : Kind::kStart;
        return f;
      }
      case '$': {
        ++pos_;
        Facts f = Facts::Zero();
        f.kind = multiline_ ? Kind::kZeroWidth : Kind::kEnd;
        return f;
      }
      case '\\':
        return Escape();
      case '*': case '+': case '?': case ')':
        return Fail();
      default:
        return LiteralChar();
    }
  }

  // The ASCII members of an escape that names a class (\d \s \w \h \v), and whether it
  // also matches non-ASCII characters; false when `c` names no class.
  static bool EscapeClass(char c, ByteSet* s, bool* non_ascii) {
    ByteSet m;
    bool wide = false;
    switch (c) {
      case 'd': case 'D': m.AddRange('0', '9'); break;
      case 'w': case 'W':
        m.AddRange('0', '9'), m.AddRange('A', 'Z'), m.AddRange('a', 'z'), m.Add('_');
        break;
      case 's': case 'S': m.AddRange(9, 13), m.Add(' '); break;
      case 'h': case 'H': m.Add(9), m.Add(' '), wide = true; break;     // also U+00A0, U+2000...
      case 'v': case 'V': m.AddRange(10, 13), wide = true; break;       // also U+0085, U+2028...
      default: return false;
    }
    if (c >= 'A' && c <= 'Z') {
      *s = NegatedAscii(m);
      *non_ascii = true;
      return true;
    }
    *s = m;
    *non_ascii = wide;
    return true;
  }

  Facts FromSet(ByteSet s, bool non_ascii) {
    if (non_ascii) s.Union(NonAscii());
    bool multibyte = non_ascii;
    FoldInto(&s, &multibyte);
    return Facts::Char(s, multibyte);
  }

  // A single-character escape (\n \t ...), as its code point; -1 when not one.
  static int SimpleEscape(char c) {
    switch (c) {
      case 'n': return '\n';
      case 't': return '\t';
      case 'r': return '\r';
      case 'f': return '\f';
      case 'e': return 0x1b;
      case 'a': return 0x07;
      default: return -1;
    }
  }

  Facts Escape() {
    ++pos_;  // the backslash
    if (AtEnd()) return Fail();
    const char c = p_[pos_++];
    switch (c) {
      case 'A': {
        Facts f = Facts::Zero();
        f.kind = Kind::kStart;
        return f;
      }
      case 'z': case 'Z': {
        Facts f = Facts::Zero();
        f.kind = c == 'z' ? Kind::kEndStrict : Kind::kEnd;
        return f;
      }
      case 'b': case 'B': case 'G': case 'K': case 'E':
        return Facts::Zero();
      case 'N':
        if (!AtEnd() && Peek() == '{') return Fail();
        return Facts::AnyChar();
      case 'R': {
        Facts f = Facts::AnyChar();
        f.required.clear();
        return f;
      }
      case 'X': {
        Facts f = Facts::AnyChar();
        f.max = kInf;
        return f;
      }
      case 'p': case 'P':
        if (!regex_syntax::SkipProperty(p_, &pos_)) return Fail();
        return Facts::AnyChar();
      case 'x': {
        uint32_t v = 0;
        if (!regex_syntax::ReadHexEscape(p_, &pos_, &v)) return Fail();
        if (v >= 0x80) return Facts::AnyChar();  // a code point, not a byte: leave it
        return CodePoint(v, {});
      }
      case 'Q': {
        const size_t end = p_.find("\\E", pos_);
        const std::string_view body =
            p_.substr(pos_, end == std::string_view::npos ? std::string_view::npos : end - pos_);
        pos_ = end == std::string_view::npos ? p_.size() : end + 2;
        if (body.empty()) return Facts::Zero();
        // Each quoted character is one unit: a quantifier after \E applies to the last.
        Facts acc;
        for (size_t i = 0; i < body.size();) {
          const std::string_view ch = body.substr(i, regex_syntax::CharLength(body, i));
          i += ch.size();
          Facts f = CharFacts(ch);
          if (i == body.size()) f = Quantify(std::move(f));  // pos_ is past the \E
          Append(&acc, f);
        }
        return acc;
      }
      case 'g': case 'k':  // back-references and calls: \g1 \g{-1} \k<name> ...
        if (!regex_syntax::SkipReference(p_, &pos_)) return Fail();
        return Facts::Anything();
      default: {
        if (c >= '0' && c <= '9') {
          // Back-references (\1..) and octal escapes (\0, \012).
          while (!AtEnd() && Peek() >= '0' && Peek() <= '9') ++pos_;
          return Facts::Anything();
        }
        ByteSet s;
        bool non_ascii = false;
        if (EscapeClass(c, &s, &non_ascii)) return FromSet(s, non_ascii);
        if (const int v = SimpleEscape(c); v >= 0) return CodePoint(static_cast<uint32_t>(v), {});
        // Back-references, octal, \c, \o, \g, \k, \C and letters we do not know.
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
          return Fail();
        --pos_;
        return LiteralChar();  // escaped punctuation or a non-ASCII character
      }
    }
  }

  // One class member that is a single character: its code point, or -1 (and the class
  // set in *s when the member is a class escape such as \d).
  bool ClassChar(int64_t* cp, ByteSet* s, bool* non_ascii, bool* is_set) {
    *is_set = false;
    const char c = p_[pos_];
    if (c == '\\') {
      if (pos_ + 1 >= p_.size()) return false;
      const char e = p_[pos_ + 1];
      pos_ += 2;
      if (EscapeClass(e, s, non_ascii)) {
        *is_set = true;
        return true;
      }
      if (e == 'x') {
        uint32_t v = 0;
        if (!regex_syntax::ReadHexEscape(p_, &pos_, &v)) return false;
        *cp = v;
        return true;
      }
      if (e == 'b') {
        *cp = 0x08;
        return true;
      }
      if (const int v = SimpleEscape(e); v >= 0) {
        *cp = v;
        return true;
      }
      if ((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9')) return false;
      if (static_cast<unsigned char>(e) >= 0x80) return false;
      *cp = static_cast<unsigned char>(e);
      return true;
    }
    const unsigned char lead = static_cast<unsigned char>(c);
    if (lead >= 0x80) {
      pos_ += regex_syntax::CharLength(p_, pos_);
      *cp = 0x80;  // some non-ASCII code point
      return true;
    }
    ++pos_;
    *cp = lead;
    return true;
  }

  bool Posix(std::string_view name, ByteSet* s) {
    ByteSet m;
    if (name == "alpha") m.AddRange('A', 'Z'), m.AddRange('a', 'z');
    else if (name == "digit") m.AddRange('0', '9');
    else if (name == "alnum") m.AddRange('A', 'Z'), m.AddRange('a', 'z'), m.AddRange('0', '9');
    else if (name == "upper") m.AddRange('A', 'Z');
    else if (name == "lower") m.AddRange('a', 'z');
    else if (name == "xdigit") m.AddRange('0', '9'), m.AddRange('A', 'F'), m.AddRange('a', 'f');
    else if (name == "space") m.AddRange(9, 13), m.Add(' ');
    else if (name == "blank") m.Add(9), m.Add(' ');
    else if (name == "word")
      m.AddRange('A', 'Z'), m.AddRange('a', 'z'), m.AddRange('0', '9'), m.Add('_');
    else if (name == "punct")
      m.AddRange(0x21, 0x2F), m.AddRange(0x3A, 0x40), m.AddRange(0x5B, 0x60),
          m.AddRange(0x7B, 0x7E);
    else if (name == "cntrl") m.AddRange(0, 0x1F), m.Add(0x7F);
    else if (name == "graph") m.AddRange(0x21, 0x7E);
    else if (name == "print") m.AddRange(0x20, 0x7E);
    else return false;
    s->Union(m);
    return true;
  }

  Facts Class() {
    ++pos_;  // '['
    bool negated = false;
    if (!AtEnd() && Peek() == '^') {
      negated = true;
      ++pos_;
    }
    ByteSet members;
    bool non_ascii = false;
    bool first = true;
    while (!AtEnd()) {
      const char c = Peek();
      if (c == ']' && !first) {
        ++pos_;
        // Case folding only shrinks a negated class's complement: leave it out.
        if (negated) return Facts::Char(NegatedAscii(members), true);
        return FromSet(members, non_ascii);
      }
      first = false;
      if (c == '[' && Peek(1) == ':') {
        const size_t end = p_.find(":]", pos_ + 2);
        if (end == std::string_view::npos) return Fail();
        const std::string_view name = p_.substr(pos_ + 2, end - pos_ - 2);
        if (!Posix(name, &members)) return Fail();  // [:^alpha:] and the like
        pos_ = end + 2;
        continue;
      }
      if (c == '[' && (Peek(1) == '.' || Peek(1) == '=')) return Fail();
      int64_t lo = -1;
      ByteSet s;
      bool wide = false, is_set = false;
      if (!ClassChar(&lo, &s, &wide, &is_set)) return Fail();
      if (is_set) {
        members.Union(s);
        non_ascii = non_ascii || wide;
        continue;
      }
      if (!AtEnd() && Peek() == '-' && Peek(1) != ']' && pos_ + 1 < p_.size()) {
        ++pos_;  // '-'
        int64_t hi = -1;
        if (!ClassChar(&hi, &s, &wide, &is_set) || is_set) return Fail();  // [a-\d]: not ours
        if (hi < lo) return Fail();
        if (hi >= 0x80) non_ascii = true;
        if (lo < 0x80)
          members.AddRange(static_cast<unsigned>(lo),
                           static_cast<unsigned>(std::min<int64_t>(hi, 0x7F)));
        continue;
      }
      if (lo >= 0x80) {
        non_ascii = true;
      } else {
        members.Add(static_cast<unsigned>(lo));
      }
    }
    return Fail();
  }

  Facts Group(int depth) {
    ++pos_;  // '('
    const bool saved = caseless_;
    const regex_syntax::GroupKind kind =
        regex_syntax::OpenGroup(p_, &pos_, &caseless_, &multiline_);
    switch (kind) {
      case regex_syntax::GroupKind::kUnsupported: return Fail();
      case regex_syntax::GroupKind::kComment: return Facts::Zero();
      case regex_syntax::GroupKind::kCall: return Facts::Anything();
      case regex_syntax::GroupKind::kOptions:
        return Facts::Zero();  // (?i) to the enclosing group's end
      default: break;
    }
    Facts inner = Alternation(depth + 1);
    if (!ok_) return inner;
    if (AtEnd() || Peek() != ')') return Fail();
    ++pos_;
    caseless_ = saved;
    return kind == regex_syntax::GroupKind::kLookaround ? Facts::Zero() : inner;
  }

  std::string_view p_;
  size_t pos_ = 0;
  bool caseless_;
  bool multiline_;
  bool ok_ = true;
};

}  // namespace

RegexBytes AnalyzeRegexBytes(std::string_view pattern, uint8_t flags) {
  RegexBytes out;
  Reader r(pattern, (flags & kRegexCaseless) != 0, (flags & kRegexMultiline) != 0);
  std::vector<BranchFacts> branches;
  if (!r.Run(&branches)) return out;
  for (const BranchFacts& b : branches) {
    RegexBytes::Branch x;
    x.min_length =
        static_cast<uint32_t>(std::min<uint64_t>(b.facts.min, RegexBytes::kUnbounded - 1));
    // An inline (?m) anywhere makes ^ and $ line anchors: the reader noted it, perhaps
    // only after reading an anchor, so no alternative is taken as whole then.
    if (b.starts && (b.ends == Kind::kEnd || b.ends == Kind::kEndStrict) && !r.multiline()) {
      x.whole = true;
      x.allowed = b.facts.bytes;
      uint64_t max = b.facts.max;
      if (b.ends == Kind::kEnd) {
        // `$` and `\Z` also match before a newline that ends the text.
        x.allowed.Add('\n');
        max = SatAdd(max, 1);
      }
      x.max_length =
          max >= kInf ? RegexBytes::kUnbounded
                      : static_cast<uint32_t>(std::min<uint64_t>(max, RegexBytes::kUnbounded - 1));
    }
    x.required = b.facts.required;
    out.branches.push_back(std::move(x));
  }
  return out;
}

}  // namespace vigil::internal
