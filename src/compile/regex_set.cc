// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// RE2::Set behind the screen of regex_set.h.

#include "compile/regex_set.h"

#include <re2/re2.h>
#include <re2/set.h>

#include <cstring>
#include <utility>
#include <vector>

#include "ir/ir.h"
#include "util/strings.h"

namespace vigil::internal {

struct RegexSet::Impl {
  explicit Impl(const RE2::Options& options) : set(options, RE2::UNANCHORED) {}
  RE2::Set set;
};

RegexSet::RegexSet(int64_t max_mem) {
  RE2::Options options;
  options.set_max_mem(max_mem);
  options.set_log_errors(false);  // a rejected pattern stays on PCRE2's path: not an error
  options.set_never_capture(true);
  impl_ = std::make_unique<Impl>(options);
}

RegexSet::~RegexSet() = default;

bool RegexSet::Add(std::string_view pattern, uint8_t flags) {
  // `x{,n}`: PCRE2 10.42 reads it as literal text, later PCRE2 and other engines as a
  // repeat; where the readers may differ the set stays out.
  if (tried_ || pattern.find("{,") != std::string_view::npos) return false;
  std::string p;
  if (flags & kRegexCaseless) p += "(?i)";
  if (flags & kRegexMultiline) p += "(?m)";
  if (flags & kRegexDotAll) p += "(?s)";
  p.append(pattern);
  if (impl_->set.Add(p, nullptr) < 0) return false;
  ++count_;
  has_regexes_ = true;
  return true;
}

bool RegexSet::AddGlob(std::string_view glob) {
  if (tried_) return false;
  // The glob as tokens: a byte (escaped or not), '*' or '?'.
  enum Kind : uint8_t { kByte, kStar, kAny };
  std::vector<std::pair<Kind, char>> tokens;
  for (size_t i = 0; i < glob.size(); ++i) {
    const char c = glob[i];
    if (c == '\\' && i + 1 < glob.size()) {
      tokens.push_back({kByte, glob[++i]});
    } else if (c == '*') {
      tokens.push_back({kStar, 0});
    } else if (c == '?') {
      tokens.push_back({kAny, 0});
    } else {
      tokens.push_back({kByte, c});
    }
  }
  size_t begin = 0, end = tokens.size();
  while (begin < end && tokens[begin].first == kStar) ++begin;
  while (end > begin && tokens[end - 1].first == kStar) --end;
  // The whole value must match: anchored at each end the glob has no star at.
  std::string p = "(?s)";
  if (begin == 0) p += "\\A";
  for (size_t i = begin; i < end; ++i) {
    const auto [kind, c] = tokens[i];
    if (kind == kStar) {
      p += ".*";
    } else if (kind == kAny) {
      p += '.';
    } else {
      // Bytes of UTF-8 text stay as they are (RE2 refuses invalid UTF-8).
      p += RE2::QuoteMeta(re2::StringPiece(&c, 1));
    }
  }
  if (end == tokens.size()) p += "\\z";
  if (impl_->set.Add(p, nullptr) < 0) return false;
  ++count_;
  return true;
}

bool RegexSet::Compile() {
  if (!tried_) compiled_ = impl_->set.Compile();
  tried_ = true;
  return compiled_;
}

RegexSet::Text RegexSet::Classify(std::string_view text) {
  if (text.size() > kRegexSetMaxBytes) return Text::kOther;
  // Eight bytes at a time: a byte under 0x20, 0x7f, or 0x80 and over stops the fast
  // path (tabs too: they are rare, and the slow path takes them).
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, text.data() + i, 8);
    // Some byte under 0x20 (the borrow of w - 0x20.. reaches its high bit, which w has
    // clear), or 0x80 and over (w's own high bit), or 0x7f (a zero byte of w ^ 0x7f..).
    const uint64_t under = (w - kOnes * 0x20) & ~w;
    const uint64_t del = w ^ (kOnes * 0x7f);
    if (((under | w | ((del - kOnes) & ~del)) & kHigh) != 0) break;
  }
  bool outside = false;
  for (; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    outside |= (c < 0x20 && c != '\t') | (c > 0x7e);
  }
  if (!outside) return Text::kPrintable;
  return IsValidUtf8(text) ? Text::kUtf8 : Text::kOther;
}

bool RegexSet::Match(std::string_view text, std::vector<int>* hits) const {
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  if (impl_->set.Match(re2::StringPiece(text.data(), text.size()), hits, &error)) return true;
  return error.kind == RE2::Set::kNoError;
}

}  // namespace vigil::internal
