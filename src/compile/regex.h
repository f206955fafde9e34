// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// PCRE2 (JIT) regular expressions for `|re`. Internal; use include/vigil/ instead.
//
// A Regex is compiled once and shared read-only by all threads; each thread matches
// with its own RegexScratch (match data and match context), as PCRE2 requires for
// concurrent use. Matching is an unanchored search bounded by kRegexMatchLimit so
// a pathological pattern cannot stall a scan.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

namespace vigil::internal {

inline constexpr uint32_t kRegexMatchLimit = 1000000;
inline constexpr uint32_t kRegexDepthLimit = 10000;

// Checks that a pattern compiles; *error describes the problem and its offset.
bool CompileRegexCheck(const std::string& pattern, uint8_t flags, std::string* error);

class RegexScratch {
 public:
  RegexScratch();
  ~RegexScratch();
  RegexScratch(const RegexScratch&) = delete;
  RegexScratch& operator=(const RegexScratch&) = delete;
  pcre2_match_data* data() { return data_; }
  pcre2_match_context* context() { return context_; }
  uint64_t limit_hits = 0;  // searches stopped by the match limit (counted as no match)

 private:
  pcre2_match_data* data_;
  pcre2_match_context* context_;
};

class Regex {
 public:
  static std::unique_ptr<Regex> Compile(const std::string& pattern, uint8_t flags,
                                        std::string* error);
  ~Regex();
  Regex(const Regex&) = delete;
  Regex& operator=(const Regex&) = delete;

  bool Search(std::string_view subject, RegexScratch* scratch) const;

 private:
  explicit Regex(pcre2_code* code) : code_(code) {}
  pcre2_code* code_;
};

}  // namespace vigil::internal
