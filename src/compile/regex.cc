// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// PCRE2 wrapper: compile with JIT, search with per-thread scratch and limits.

#include "compile/regex.h"

#include <algorithm>

#include "ir/ir.h"

namespace vigil::internal {
namespace {

pcre2_code* CompileCode(const std::string& pattern, uint8_t flags, std::string* error) {
  uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
  if (flags & kRegexCaseless) options |= PCRE2_CASELESS;
  if (flags & kRegexMultiline) options |= PCRE2_MULTILINE;
  if (flags & kRegexDotAll) options |= PCRE2_DOTALL;
  if (pattern.size() > kRegexMaxPatternBytes) {
    *error = "pattern of " + std::to_string(pattern.size()) + " bytes is longer than the limit of " +
             std::to_string(kRegexMaxPatternBytes);
    return nullptr;
  }
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  pcre2_set_parens_nest_limit(context, kRegexMaxParensNesting);
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                 options, &code, &offset, context);
  pcre2_compile_context_free(context);
  if (!re) {
    PCRE2_UCHAR buf[256];
    pcre2_get_error_message(code, buf, sizeof buf);
    *error = std::string(reinterpret_cast<char*>(buf)) + " at offset " + std::to_string(offset);
  }
  return re;
}

}  // namespace

bool CompileRegexCheck(const std::string& pattern, uint8_t flags, std::string* error) {
  pcre2_code* re = CompileCode(pattern, flags, error);
  if (!re) return false;
  pcre2_code_free(re);
  return true;
}

RegexScratch::RegexScratch()
    : data_(pcre2_match_data_create(1, nullptr)),
      context_(pcre2_match_context_create(nullptr)),
      jit_stack_(pcre2_jit_stack_create(32u << 10, kRegexJitStackBytes, nullptr)) {
  pcre2_set_match_limit(context_, kRegexMatchLimit);
  pcre2_set_depth_limit(context_, kRegexDepthLimit);
  // Without a stack of its own (allocation failed) JIT uses PCRE2's 32 KiB default.
  if (jit_stack_ != nullptr) pcre2_jit_stack_assign(context_, nullptr, jit_stack_);
}

RegexScratch::~RegexScratch() {
  pcre2_match_data_free(data_);
  pcre2_match_context_free(context_);
  pcre2_jit_stack_free(jit_stack_);
}

std::unique_ptr<Regex> Regex::Compile(const std::string& pattern, uint8_t flags,
                                      std::string* error) {
  pcre2_code* code = CompileCode(pattern, flags, error);
  if (!code) return nullptr;
  std::unique_ptr<Regex> re(new Regex(code));
  re->starts_ = re->GateInfo(pattern, flags);
  return re;
}

Regex::~Regex() { pcre2_code_free(code_); }

Regex::Gate Regex::GateInfo(std::string_view pattern, uint8_t flags) const {
  Gate g;
  uint32_t v = 0;
  if (pcre2_pattern_info(code_, PCRE2_INFO_MINLENGTH, &v) == 0) g.min_length = v;
  uint32_t options = 0;
  pcre2_pattern_info(code_, PCRE2_INFO_ALLOPTIONS, &options);
  g.anchored = (options & PCRE2_ANCHORED) != 0;
  uint32_t first_type = 0;
  pcre2_pattern_info(code_, PCRE2_INFO_FIRSTCODETYPE, &first_type);
  g.start_of_line = first_type == 2;
  // Letters of a case-insensitive pattern also match their Unicode case partners
  // (K and KELVIN SIGN...), which PCRE2's first-byte and required-byte analysis may not
  // list: use those only when no part of the pattern can be caseless.
  const bool maybe_caseless = (flags & kRegexCaseless) || pattern.find("(?") != std::string_view::npos;
  if (!maybe_caseless) {
    uint32_t type = 0;
    pcre2_pattern_info(code_, PCRE2_INFO_FIRSTCODETYPE, &type);
    const uint8_t* bitmap = nullptr;
    if (type == 1) {
      uint32_t unit = 0;
      pcre2_pattern_info(code_, PCRE2_INFO_FIRSTCODEUNIT, &unit);
      if (unit < 256) {
        g.has_first = true;
        g.first_bytes[unit >> 6] |= uint64_t{1} << (unit & 63);
      }
    } else if (pcre2_pattern_info(code_, PCRE2_INFO_FIRSTBITMAP, &bitmap) == 0 && bitmap != nullptr) {
      g.has_first = true;
      for (int b = 0; b < 256; ++b) {
        if (bitmap[b >> 3] & (1u << (b & 7))) g.first_bytes[b >> 6] |= uint64_t{1} << (b & 63);
      }
    }
    pcre2_pattern_info(code_, PCRE2_INFO_LASTCODETYPE, &type);
    if (type == 1) {
      uint32_t unit = 0;
      pcre2_pattern_info(code_, PCRE2_INFO_LASTCODEUNIT, &unit);
      if (unit < 256) g.required_byte = static_cast<int>(unit);
    }
  }
  return g;
}

uint64_t Regex::StartPositions(std::string_view subject) const {
  if (starts_.anchored) return 1;
  if (starts_.start_of_line) {
    return 1 + static_cast<uint64_t>(std::count(subject.begin(), subject.end(), '\n'));
  }
  if (!starts_.has_first) return subject.size() + 1;
  uint64_t n = 0;
  for (unsigned char c : subject) n += (starts_.first_bytes[c >> 6] >> (c & 63)) & 1;
  return n;
}

bool Regex::Search(std::string_view subject, RegexScratch* scratch) const {
  // JIT is an optimisation: if it is unavailable the interpreter still gives the same
  // answers, so a JIT failure is not an error.
  std::call_once(jit_, [this] { pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE); });
  // A short value cannot spend the budget at kRegexMatchLimit per position: only a
  // longer one pays for counting its positions.
  uint64_t limit = kRegexMatchLimit;
  if (subject.size() + 1 > kRegexWorkBudget / kRegexMatchLimit) {
    limit = std::clamp<uint64_t>(kRegexWorkBudget / std::max<uint64_t>(1, StartPositions(subject)),
                                 1, kRegexMatchLimit);
  }
  pcre2_set_match_limit(scratch->context(), static_cast<uint32_t>(limit));
  const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                             0, 0, scratch->data(), scratch->context());
  if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
      rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT) {
    ++scratch->limit_hits;
  }
  return rc >= 0;
}

}  // namespace vigil::internal
