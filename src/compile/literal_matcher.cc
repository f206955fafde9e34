// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// LiteralMatcher on Vectorscan, with a memmem fallback; see literal_matcher.h. Tested by
// tests/compile/literal_matcher_test.cc and, through the matcher, by tests/cases.

#include "compile/literal_matcher.h"

#include <hs/hs.h>

#include <cstring>

#include "util/strings.h"

namespace vigil::internal {
namespace {

struct Context {
  void (*cb)(uint32_t, void*);
  void* user;
  unsigned long long length;  // of the value; the rest of the buffer is padding
};

int OnMatch(unsigned int id, unsigned long long /*from*/, unsigned long long to,
            unsigned int /*flags*/, void* context) {
  const Context* c = static_cast<const Context*>(context);
  // A match that ends in the padding is not in the value. With SINGLEMATCH a literal is
  // reported at its first end, so one ending in the value is never hidden by this.
  if (to <= c->length) c->cb(id, c->user);
  return 0;  // go on: other literals may occur too
}

}  // namespace

bool VectorscanAvailable() {
  static const bool ok = hs_valid_platform() == HS_SUCCESS;
  return ok;
}

std::unique_ptr<LiteralMatcher> LiteralMatcher::Build(std::vector<Literal> literals,
                                                      std::string* warning) {
  std::unique_ptr<LiteralMatcher> m(new LiteralMatcher());
  m->literals_ = std::move(literals);
  // A few literals are searched one by one: memmem on a short value costs less than
  // a Vectorscan call (whose fixed cost is tens of nanoseconds).
  if (m->literals_.size() <= kDirectSearchMax || !VectorscanAvailable()) return m;
  std::vector<const char*> texts;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags, ids;
  bool has_empty = false;
  for (size_t i = 0; i < m->literals_.size(); ++i) {
    const Literal& l = m->literals_[i];
    // Vectorscan rejects empty literals; an empty literal occurs in every value, which
    // the fallback search answers (the compiler never makes one, but stay correct).
    if (l.text.empty()) has_empty = true;
    texts.push_back(l.text.data());
    lengths.push_back(l.text.size());
    flags.push_back(HS_FLAG_SINGLEMATCH | (l.caseless ? HS_FLAG_CASELESS : 0));
    ids.push_back(static_cast<unsigned>(i));
  }
  if (has_empty) return m;
  hs_compile_error_t* error = nullptr;
  hs_database_t* db = nullptr;
  if (hs_compile_lit_multi(texts.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(texts.size()), HS_MODE_BLOCK, nullptr, &db,
                           &error) != HS_SUCCESS) {
    if (warning) {
      *warning = std::string("vectorscan could not compile ") + std::to_string(texts.size()) +
                 " literals (" + (error && error->message ? error->message : "unknown error") +
                 "); they are searched one by one";
    }
    hs_free_compile_error(error);
    return m;
  }
  m->db_ = db;
  return m;
}

LiteralMatcher::~LiteralMatcher() { hs_free_database(db_); }

size_t LiteralMatcher::MemoryBytes() const {
  size_t n = 0;
  if (db_ != nullptr) hs_database_size(db_, &n);
  for (const auto& l : literals_) n += sizeof(Literal) + l.text.capacity();
  return n;
}

void LiteralMatcher::ScanImpl(std::string_view text, LiteralScratch* scratch, Callback cb,
                              void* context) const {
  // hs_scan takes an unsigned length; values are bounded far below 4 GiB by the record
  // size limit (docs/limits.md), but never let a wrap skip bytes silently.
  if (db_ != nullptr && scratch->scratch_ != nullptr && text.size() + kScanPadding <= 0xffffffffu) {
    Context c{cb, context, text.size()};
    // Debian 12's Vectorscan (5.4.9) misses some literals that end in the last vector
    // of the scanned buffer (about 1 in 10,000 occurrences in small literal sets; see
    // tests/compile/literal_matcher_test.cc, NoMissAtTheEndOfValues). Scanning the
    // value followed by kScanPadding zero bytes keeps every real match away from the
    // end of the buffer.
    std::string& buf = scratch->padded_;
    buf.resize(text.size() + kScanPadding);
    std::memcpy(buf.data(), text.data(), text.size());
    std::memset(buf.data() + text.size(), 0, kScanPadding);
    // A scratch too small for this database (its Prepare failed) makes hs_scan fail
    // rather than miss: fall through to the search below (hits may repeat; callers
    // treat a hit as idempotent).
    if (hs_scan(db_, buf.data(), static_cast<unsigned>(buf.size()), 0, scratch->scratch_, OnMatch, &c) ==
        HS_SUCCESS) {
      return;
    }
  }
  // One by one: glibc's memmem is linear in the value whatever the literal.
  bool folded = false;
  for (uint32_t i = 0; i < literals_.size(); ++i) {
    const Literal& l = literals_[i];
    std::string_view hay = text;
    if (l.caseless) {
      if (!folded) {
        AsciiLowerInto(text, &scratch->folded_);
        folded = true;
      }
      hay = scratch->folded_;
    }
    if (l.text.empty() || memmem(hay.data(), hay.size(), l.text.data(), l.text.size()) != nullptr) {
      cb(i, context);
    }
  }
}

LiteralScratch::~LiteralScratch() { hs_free_scratch(scratch_); }

bool LiteralScratch::Prepare(const LiteralMatcher& m) {
  if (m.db_ == nullptr) return true;
  return hs_alloc_scratch(m.db_, &scratch_) == HS_SUCCESS;
}

}  // namespace vigil::internal
