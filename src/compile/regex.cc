// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// PCRE2 wrapper: compile with JIT, search with per-thread scratch and limits.

#include "compile/regex.h"

#include <algorithm>
#include <utility>

#include "ir/ir.h"

namespace vigil::internal {
namespace {

pcre2_code* CompileCode(const std::string& pattern, uint8_t flags, uint32_t extra_options,
                        std::string* error) {
  uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF | extra_options;
  if (flags & kRegexCaseless) options |= PCRE2_CASELESS;
  if (flags & kRegexMultiline) options |= PCRE2_MULTILINE;
  if (flags & kRegexDotAll) options |= PCRE2_DOTALL;
  if (pattern.size() > kRegexMaxPatternBytes) {
    *error = "pattern of " + std::to_string(pattern.size()) +
             " bytes is longer than the limit of " + std::to_string(kRegexMaxPatternBytes);
    return nullptr;
  }
  int code = 0;
  PCRE2_SIZE offset = 0;
  pcre2_compile_context* context = pcre2_compile_context_create(nullptr);
  pcre2_set_parens_nest_limit(context, kRegexMaxParensNesting);
  // `$` and `.` depend on the newline convention, which a PCRE2 build may change
  // (ANYCRLF, ANY): pinned to LF, Debian's default, so that matches, and the byte facts
  // of regex_bytes.h (`$` takes one final "\n"), do not depend on the build.
  pcre2_set_newline(context, PCRE2_NEWLINE_LF);
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

// Whether the pattern item at `item` is a backreference (\1, \g{..}, \g1, \k<..>,
// \k'..', \k{..}, (?P=..)); a subroutine call such as \g<1> is included, which only
// over-charges it.
bool IsBackreference(std::string_view item) {
  if (item.size() >= 2 && item[0] == '\\') {
    const char c = item[1];
    return (c >= '1' && c <= '9') || c == 'g' || c == 'k';
  }
  return item.starts_with("(?P=");
}

// The counted path's callout (see regex.h): charges the step, stops the search (the
// match returns PCRE2_ERROR_CALLOUT) once the budget is spent.
int ChargeStep(pcre2_callout_block* block, void* data) {
  auto* b = static_cast<RegexScratch::Budget*>(data);
  if (block->start_match != b->start) {
    b->start = block->start_match;
    b->position = block->start_match;
  }
  const size_t at = block->current_position;
  uint64_t cost = 1 + (at > b->position ? at - b->position : b->position - at);
  b->position = at;
  if (block->pattern_position < b->pattern->size() &&
      IsBackreference(std::string_view(*b->pattern).substr(block->pattern_position))) {
    // A backreference compares at most its longest capture, and never past the end.
    size_t longest = 0;
    for (uint32_t i = 1; i < block->capture_top; ++i) {
      const PCRE2_SIZE from = block->offset_vector[2 * i], to = block->offset_vector[2 * i + 1];
      if (from != PCRE2_UNSET && to != PCRE2_UNSET && to > from)
        longest = std::max<size_t>(longest, to - from);
    }
    cost += std::min<size_t>(longest, block->subject_length - std::min(at, block->subject_length));
  }
  b->used += cost;
  return b->used > kRegexWorkBudget ? PCRE2_ERROR_CALLOUT : 0;
}

bool IsLimitError(int rc) {
  return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
         rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ||
         rc == PCRE2_ERROR_CALLOUT;
}

}  // namespace

uint64_t RegexFastPathLimit(size_t length) {
  const uint64_t positions = uint64_t{length} + 1;
  if (positions > kRegexWorkBudget) return 0;
  const uint64_t limit = kRegexWorkBudget / positions / positions;
  if (limit < kRegexMinFastPathLimit) return 0;
  return std::min<uint64_t>(limit, kRegexMatchLimit);
}

bool CompileRegexCheck(const std::string& pattern, uint8_t flags, std::string* error) {
  pcre2_code* re = CompileCode(pattern, flags, 0, error);
  if (!re) return false;
  pcre2_code_free(re);
  re = CompileCode(pattern, flags, PCRE2_AUTO_CALLOUT, error);
  if (!re) {
    *error = "with the callouts that count its work: " + *error;
    return false;
  }
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

std::string WrapNegatedEscapes(std::string_view pattern) {
  std::string out;
  out.reserve(pattern.size() + 8);
  bool in_class = false, quoted = false;
  for (size_t i = 0; i < pattern.size(); ++i) {
    const char c = pattern[i];
    const char next = i + 1 < pattern.size() ? pattern[i + 1] : '\0';
    if (quoted) {  // \Q...\E: literal text
      if (c == '\\' && next == 'E') {
        quoted = false;
        out += "\\E";
        ++i;
      } else {
        out += c;
      }
      continue;
    }
    if (c == '\\' && i + 1 < pattern.size()) {
      if (next == 'Q') {
        quoted = true;
      } else if (!in_class && (next == 'D' || next == 'S' || next == 'W')) {
        out += "[\\";
        out += next;
        out += ']';
        ++i;
        continue;
      } else if (next == 'c' && i + 2 < pattern.size()) {  // \cX: X is taken as is
        out.append(pattern.substr(i, 3));
        i += 2;
        continue;
      }
      out += c;
      out += next;
      ++i;
      continue;
    }
    if (!in_class && c == '[') {
      in_class = true;
      out += c;
      // A `]` first (after an optional `^`) is a member, not the end.
      if (next == '^') out += pattern[++i];
      if (i + 1 < pattern.size() && pattern[i + 1] == ']') out += pattern[++i];
      continue;
    }
    if (in_class && c == '[' && next == ':') {  // [:alpha:] inside a class
      const size_t end = pattern.find(":]", i + 2);
      if (end != std::string_view::npos) {
        out.append(pattern.substr(i, end + 2 - i));
        i = end + 1;
        continue;
      }
    }
    if (in_class && c == ']') in_class = false;
    out += c;
  }
  return out;
}

std::unique_ptr<Regex> Regex::Compile(const std::string& pattern, uint8_t flags,
                                      std::string* error) {
  // Errors name offsets in the pattern as written.
  pcre2_code* code = CompileCode(pattern, flags, 0, error);
  if (!code) return nullptr;
  std::string compiled = WrapNegatedEscapes(pattern);
  if (compiled != pattern) {
    std::string ignored;
    if (pcre2_code* wrapped = CompileCode(compiled, flags, 0, &ignored)) {
      pcre2_code_free(code);
      code = wrapped;
    } else {
      compiled = pattern;
    }
  }
  return std::unique_ptr<Regex>(new Regex(code, std::move(compiled), flags));
}

namespace {
bool HasBackreferences(const pcre2_code* code) {
  uint32_t max = 0;
  return pcre2_pattern_info(code, PCRE2_INFO_BACKREFMAX, &max) != 0 || max > 0;
}
}  // namespace

Regex::Regex(pcre2_code* code, std::string pattern, uint8_t flags)
    : code_(code), pattern_(std::move(pattern)), flags_(flags),
      has_backreferences_(HasBackreferences(code)) {}

Regex::~Regex() {
  pcre2_code_free(code_);
  pcre2_code_free(counted_);
}

Regex::Gate Regex::GateInfo(std::string_view pattern, uint8_t flags) const {
  Gate g;
  uint32_t v = 0;
  if (pcre2_pattern_info(code_, PCRE2_INFO_MINLENGTH, &v) == 0) g.min_length = v;
  uint32_t options = 0;
  pcre2_pattern_info(code_, PCRE2_INFO_ALLOPTIONS, &options);
  g.anchored = (options & PCRE2_ANCHORED) != 0;
  // Letters of a case-insensitive pattern also match their Unicode case partners
  // (K and KELVIN SIGN...), which PCRE2's first-byte and required-byte analysis may not
  // list: use those only when no part of the pattern can be caseless.
  const bool maybe_caseless =
      (flags & kRegexCaseless) || pattern.find("(?") != std::string_view::npos;
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
    } else if (pcre2_pattern_info(code_, PCRE2_INFO_FIRSTBITMAP, &bitmap) == 0 &&
               bitmap != nullptr) {
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

bool Regex::Search(std::string_view subject, RegexScratch* scratch) const {
  uint32_t options = 0;
  if (scratch->use_jit) {
    // JIT is an optimisation: if it is unavailable the interpreter still gives the same
    // answers, so a JIT failure is not an error.
    std::call_once(jit_, [this] { pcre2_jit_compile(code_, PCRE2_JIT_COMPLETE); });
  } else {
    options = PCRE2_NO_JIT;
  }
  const uint64_t fast_limit = has_backreferences_ ? 0 : RegexFastPathLimit(subject.size());
  if (fast_limit > 0) {
    pcre2_set_match_limit(scratch->context(), static_cast<uint32_t>(fast_limit));
    const int rc = pcre2_match(code_, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                               0, options, scratch->data(), scratch->context());
    if (rc != PCRE2_ERROR_MATCHLIMIT) {
      if (IsLimitError(rc)) ++scratch->limit_hits;
      return rc >= 0;
    }
  }
  return CountedSearch(subject, scratch, options);
}

bool Regex::CountedSearch(std::string_view subject, RegexScratch* scratch, uint32_t options) const {
  std::call_once(counted_once_, [this] {
    std::string ignored;
    counted_ = CompileCode(pattern_, flags_, PCRE2_AUTO_CALLOUT, &ignored);
  });
  ++scratch->counted_searches;
  if (counted_ == nullptr) {
    // CompileRegexCheck refuses such a rule; a Regex made without it cannot search
    // long values within the budget, so it does not search them.
    ++scratch->limit_hits;
    return false;
  }
  if (scratch->use_jit) {
    std::call_once(counted_jit_, [this] { pcre2_jit_compile(counted_, PCRE2_JIT_COMPLETE); });
  }
  RegexScratch::Budget& b = scratch->budget;
  b = RegexScratch::Budget();
  b.pattern = &pattern_;
  pcre2_set_match_limit(scratch->context(), kRegexMatchLimit);
  pcre2_set_callout(scratch->context(), ChargeStep, &b);
  const int rc = pcre2_match(counted_, reinterpret_cast<PCRE2_SPTR>(subject.data()), subject.size(),
                             0, options, scratch->data(), scratch->context());
  pcre2_set_callout(scratch->context(), nullptr, nullptr);
  scratch->counted_steps += b.used;
  if (IsLimitError(rc)) ++scratch->limit_hits;
  return rc >= 0;
}

}  // namespace vigil::internal
