// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// One left-to-right reading of PCRE2 syntax (see regex_portability.h); tested by
// tests/authoring/regex_portability_test.cc. The pattern is known to compile (the
// builder reports those that do not), so the reading only has to classify.

#include "authoring/regex_portability.h"

#include <cctype>

namespace vigil::authoring {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

class Reader {
 public:
  explicit Reader(std::string_view p) : p_(p) {}

  std::vector<RegexConstruct> Run() {
    while (i_ < p_.size()) {
      const char c = p_[i_];
      if (c == '\\') {
        Escape(/*in_class=*/false);
      } else if (c == '[') {
        Class();
      } else if (c == '(') {
        Group();
      } else if (c == '*' || c == '+' || c == '?') {
        ++i_;
        QuantifierSuffix();
      } else if (c == '{' && Interval()) {
        QuantifierSuffix();
      } else {
        ++i_;
      }
    }
    return std::move(out_);
  }

 private:
  char At(size_t k) const { return k < p_.size() ? p_[k] : '\0'; }

  void Add(const char* name, size_t start, size_t len) {
    std::string text(p_.substr(start, len));
    for (const auto& c : out_) {
      if (c.name == name && c.text == text) return;
    }
    out_.push_back({name, std::move(text), start});
  }

  // After a quantifier: `+` makes it possessive, `?` lazy.
  void QuantifierSuffix() {
    if (At(i_) == '+')
      Add("possessive quantifier", i_ - 1, 2), ++i_;
    else if (At(i_) == '?')
      Add("lazy quantifier", i_ - 1, 2), ++i_;
  }

  // `{n}`, `{n,}`, `{n,m}` (and `{,m}`, which PCRE2 10.43 reads as {0,m}): consumed, true.
  // Any other `{` is a literal.
  bool Interval() {
    size_t k = i_ + 1;
    bool digits = false;
    while (IsDigit(At(k))) ++k, digits = true;
    if (At(k) == ',') {
      ++k;
      while (IsDigit(At(k))) ++k, digits = true;
    }
    if (!digits || At(k) != '}') return false;
    i_ = k + 1;
    return true;
  }

  void Escape(bool in_class) {
    const size_t start = i_;
    const char e = At(i_ + 1);
    i_ += 2;
    if (!IsAlnum(e)) return;  // `\.`, `\*`: the character itself
    switch (e) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
      case 's':
      case 'S':
      case 'h':
      case 'H':
      case 'v':
      case 'V':
      case 'R':
      case 'N': return Add("shorthand character class", start, 2);
      case 'b':
        if (in_class) return Add("character code escape", start, 2);  // backspace
        return Add("word boundary", start, 2);
      case 'B': return Add("word boundary", start, 2);
      case 'A':
      case 'z':
      case 'Z':
      case 'G': return Add("anchor escape", start, 2);
      case 'K': return Add("match reset \\K", start, 2);
      case 'k': return Add("backreference", start, 2);
      case 'g':
        if (At(i_) == '<' || At(i_) == '\'') return Add("subroutine call", start, 3);
        return Add("backreference", start, 2);
      case 'Q': {
        const size_t end = p_.find("\\E", i_);
        i_ = end == std::string_view::npos ? p_.size() : end + 2;
        return Add("\\Q...\\E quoting", start, 2);
      }
      case 'E': return;  // a stray \E is ignored by PCRE2
      case 'p':
      case 'P':
      case 'X': return Add("Unicode property", start, 2);
      case 'C': return Add("code unit \\C", start, 2);
      default: break;
    }
    if (IsDigit(e) && e != '0' && !in_class) {
      while (IsDigit(At(i_))) ++i_;
      return Add("backreference", start, 2);
    }
    // \0 \x \o \c \e \a \f \n \r \t \u and octal digits: one character, by its code.
    Add("character code escape", start, 2);
  }

  void Class() {
    ++i_;
    if (At(i_) == '^') ++i_;
    if (At(i_) == ']') ++i_;  // a leading ']' is a literal
    while (i_ < p_.size() && p_[i_] != ']') {
      if (p_[i_] == '\\') {
        Escape(/*in_class=*/true);
      } else if (p_[i_] == '[' && (At(i_ + 1) == ':' || At(i_ + 1) == '.' || At(i_ + 1) == '=')) {
        const size_t end = p_.find(std::string{At(i_ + 1), ']'}, i_ + 2);
        Add("POSIX character class", i_, 2);
        i_ = end == std::string_view::npos ? p_.size() : end + 2;
      } else {
        ++i_;
      }
    }
    ++i_;
  }

  void Group() {
    const size_t start = i_;
    ++i_;
    if (At(i_) == '*') return Add("backtracking verb", start, 2);
    if (At(i_) != '?') return;  // a capturing group
    ++i_;
    const char a = At(i_), b = At(i_ + 1);
    switch (a) {
      case ':': return Add("non-capturing group", start, 3);
      case '=':
      case '!': return Add("look-ahead", start, 3);
      case '>': return Add("atomic group", start, 3);
      case '|': return Add("branch reset", start, 3);
      case '(': return Add("conditional", start, 3);
      case '&':
      case 'R': return Add("recursion or subroutine call", start, 3);
      case 'C': return Add("callout", start, 3);
      case '\'': return Add("named group", start, 3);
      case '#': {
        const size_t end = p_.find(')', i_);
        i_ = end == std::string_view::npos ? p_.size() : end + 1;
        return Add("comment", start, 3);
      }
      case '<':
        if (b == '=' || b == '!') return Add("look-behind", start, 4);
        return Add("named group", start, 3);
      case 'P':
        if (b == '<') return Add("named group", start, 4);
        if (b == '=') return Add("backreference", start, 4);
        if (b == '>') return Add("recursion or subroutine call", start, 4);
        break;
      default: break;
    }
    if (IsDigit(a) || ((a == '+' || a == '-') && IsDigit(b)))
      return Add("recursion or subroutine call", start, 3);
    Add("inline option", start, 3);
  }

  std::string_view p_;
  size_t i_ = 0;
  std::vector<RegexConstruct> out_;
};

}  // namespace

std::vector<RegexConstruct> NonPortableRegexConstructs(std::string_view pattern) {
  return Reader(pattern).Run();
}

}  // namespace vigil::authoring
