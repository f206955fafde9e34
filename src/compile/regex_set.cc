// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// RE2::Set behind the screen of regex_set.h.

#include "compile/regex_set.h"

#include <re2/re2.h>
#include <re2/set.h>

#include "ir/ir.h"

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
  return true;
}

bool RegexSet::Compile() {
  if (!tried_) compiled_ = impl_->set.Compile();
  tried_ = true;
  return compiled_;
}

bool RegexSet::Takes(std::string_view text) {
  if (text.size() > kRegexSetMaxBytes) return false;
  // No early exit: the loop vectorizes, and most values pass.
  bool outside = false;
  for (char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    outside |= (c < 0x20 && c != '\t') | (c > 0x7e);
  }
  return !outside;
}

bool RegexSet::Match(std::string_view text, std::vector<int>* hits) const {
  RE2::Set::ErrorInfo error{RE2::Set::kNoError};
  if (impl_->set.Match(re2::StringPiece(text.data(), text.size()), hits, &error)) return true;
  return error.kind == RE2::Set::kNoError;
}

}  // namespace vigil::internal
