// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Recursive-descent parser for the grammar in condition_parser.h, one method per
// production. Tested by tests/syntax/condition_parser_test.cc.

#include "syntax/condition_parser.h"

#include <cctype>

namespace vigil::internal {
namespace {

struct Token {
  enum class Kind { kWord, kLParen, kRParen, kPipe, kEnd, kBad };
  Kind kind = Kind::kEnd;
  std::string text;  // words as written
  size_t offset = 0;
};

bool IsWordChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '*' || c == '-' ||
         c == '.' || c == '?';
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) { Advance(); }

  bool Parse(CondNode* out, ConditionError* error) {
    if (!OrExpr(out, 0)) {
      *error = error_;
      return false;
    }
    if (tok_.kind != Token::Kind::kEnd) {
      Fail(tok_.offset, UnexpectedMessage());
      *error = error_;
      return false;
    }
    return true;
  }

 private:
  void Advance() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    tok_ = Token();
    tok_.offset = pos_;
    if (pos_ >= text_.size()) {
      tok_.kind = Token::Kind::kEnd;
      return;
    }
    const char c = text_[pos_];
    if (c == '(') {
      tok_.kind = Token::Kind::kLParen;
      ++pos_;
    } else if (c == ')') {
      tok_.kind = Token::Kind::kRParen;
      ++pos_;
    } else if (c == '|') {
      tok_.kind = Token::Kind::kPipe;
      ++pos_;
    } else if (IsWordChar(c)) {
      size_t start = pos_;
      while (pos_ < text_.size() && IsWordChar(text_[pos_])) ++pos_;
      tok_.kind = Token::Kind::kWord;
      tok_.text = std::string(text_.substr(start, pos_ - start));
    } else {
      tok_.kind = Token::Kind::kBad;
      tok_.text = std::string(1, c);
      ++pos_;
    }
  }

  bool IsKeyword(const char* kw) const {
    return tok_.kind == Token::Kind::kWord && Lower(tok_.text) == kw;
  }

  bool Fail(size_t offset, std::string message) {
    if (error_.message.empty()) error_ = {offset, std::move(message)};
    return false;
  }

  std::string UnexpectedMessage() const {
    switch (tok_.kind) {
      case Token::Kind::kEnd: return "unexpected end of condition";
      case Token::Kind::kRParen: return "unbalanced ')'";
      case Token::Kind::kLParen: return "unexpected '('";
      case Token::Kind::kPipe:
        return "'|' starts a Sigma 1 aggregation expression (e.g. '| count() > 5'), which "
               "Sigma 2 removed; express thresholds as a correlation rule";
      case Token::Kind::kBad: return "unexpected character '" + tok_.text + "'";
      case Token::Kind::kWord:
        if (Lower(tok_.text) == "near") {
          return "'near' is Sigma 1 aggregation syntax, removed in Sigma 2; use a temporal "
                 "correlation rule";
        }
        return "unexpected '" + tok_.text + "'";
    }
    return "syntax error";
  }

  // `depth` counts the open parentheses and `not`s around the current token: each
  // costs a few stack frames here and in every later walk of the tree.
  bool CheckDepth(int depth) {
    if (depth > kMaxConditionDepth) {
      return Fail(tok_.offset, "condition nested deeper than " +
                                   std::to_string(kMaxConditionDepth) +
                                   " levels (parentheses and 'not')");
    }
    return true;
  }

  // or_expr = and_expr { "or" and_expr }
  bool OrExpr(CondNode* out, int depth) {
    CondNode first;
    if (!AndExpr(&first, depth)) return false;
    if (!IsKeyword("or")) {
      *out = std::move(first);
      return true;
    }
    out->kind = CondNode::Kind::kOr;
    out->offset = first.offset;
    out->children.push_back(std::move(first));
    while (IsKeyword("or")) {
      Advance();
      CondNode next;
      if (!AndExpr(&next, depth)) return false;
      out->children.push_back(std::move(next));
    }
    return true;
  }

  // and_expr = not_expr { "and" not_expr }
  bool AndExpr(CondNode* out, int depth) {
    CondNode first;
    if (!NotExpr(&first, depth)) return false;
    if (!IsKeyword("and")) {
      *out = std::move(first);
      return true;
    }
    out->kind = CondNode::Kind::kAnd;
    out->offset = first.offset;
    out->children.push_back(std::move(first));
    while (IsKeyword("and")) {
      Advance();
      CondNode next;
      if (!NotExpr(&next, depth)) return false;
      out->children.push_back(std::move(next));
    }
    return true;
  }

  // not_expr = "not" not_expr | primary
  bool NotExpr(CondNode* out, int depth) {
    if (IsKeyword("not")) {
      if (!CheckDepth(depth + 1)) return false;
      out->kind = CondNode::Kind::kNot;
      out->offset = tok_.offset;
      Advance();
      CondNode inner;
      if (!NotExpr(&inner, depth + 1)) return false;
      out->children.push_back(std::move(inner));
      return true;
    }
    return Primary(out, depth);
  }

  // primary = "(" or_expr ")" | quantified | IDENTIFIER
  bool Primary(CondNode* out, int depth) {
    if (tok_.kind == Token::Kind::kLParen) {
      const size_t open = tok_.offset;
      if (!CheckDepth(depth + 1)) return false;
      Advance();
      if (!OrExpr(out, depth + 1)) return false;
      if (tok_.kind != Token::Kind::kRParen) {
        if (tok_.kind == Token::Kind::kEnd) return Fail(open, "unbalanced '(': missing ')'");
        return Fail(tok_.offset, UnexpectedMessage());
      }
      Advance();
      return true;
    }
    if (tok_.kind != Token::Kind::kWord) return Fail(tok_.offset, UnexpectedMessage());
    const std::string lower = Lower(tok_.text);
    if (lower == "and" || lower == "or" || lower == "of" || lower == "them") {
      return Fail(tok_.offset, "expected an identifier, found '" + tok_.text + "'");
    }
    if (lower == "near") {
      return Fail(tok_.offset, "'near' is Sigma 1 aggregation syntax, removed in Sigma 2; "
                               "use a temporal correlation rule");
    }
    const size_t start = tok_.offset;
    const std::string word = tok_.text;
    Advance();
    if (IsKeyword("of")) {
      if (lower != "1" && lower != "all" && lower != "any") {
        return Fail(start, "only '1 of', 'any of' and 'all of' are allowed, not '" + word +
                               " of'");
      }
      Advance();
      if (tok_.kind != Token::Kind::kWord) {
        return Fail(tok_.offset, "expected 'them' or an identifier pattern after 'of'");
      }
      out->kind = lower == "all" ? CondNode::Kind::kAllOf : CondNode::Kind::kOneOf;
      out->name = Lower(tok_.text) == "them" ? "them" : tok_.text;
      out->offset = start;
      Advance();
      return true;
    }
    if (word.find('*') != std::string::npos) {
      return Fail(start, "identifier pattern '" + word + "' needs '1 of' or 'all of'");
    }
    out->kind = CondNode::Kind::kIdentifier;
    out->name = word;
    out->offset = start;
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
  Token tok_;
  ConditionError error_;
};

}  // namespace

bool ParseCondition(std::string_view text, CondNode* out, ConditionError* error) {
  Parser p(text);
  *out = CondNode();
  return p.Parse(out, error);
}

}  // namespace vigil::internal
