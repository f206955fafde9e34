// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// LiteralMatcher on Vectorscan, with a memmem fallback; see literal_matcher.h. Tested by
// tests/compile/literal_matcher_test.cc and, through the matcher, by tests/cases.

#include "compile/literal_matcher.h"

#include <hs/hs.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>

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

// The first min(8, n - at) bytes at p + at as a little-endian word (the rest zero).
inline uint64_t Load(const char* p, size_t at, size_t n) {
  uint64_t w = 0;
  std::memcpy(&w, p + at, std::min<size_t>(8, n - at));
  return w;
}

}  // namespace

// Each literal is filed under one window of q bytes, folded (A-Z as a-z) whatever the
// literal's case, as an entry (window, literal, window's offset in it) of an
// open-addressed table. A value is read window by window, folded the same way; a
// filter bit per hash value (16 bits per entry: about 6% of absent windows pass it, so
// the table, larger than the caches close to the core, is rarely read) says whether to
// probe the table, and each literal filed under that very window is compared in place.
struct LiteralMatcher::GramIndex {
  struct Entry {
    uint64_t gram = 0;           // the folded window
    uint32_t id = kEmpty;        // the literal
    uint32_t offset = 0;         // of the window in the literal
  };
  static constexpr uint32_t kEmpty = UINT32_MAX;
  size_t q = 8;
  uint64_t mask = ~uint64_t{0};  // the low q bytes of a word
  unsigned filter_shift = 0;     // 64 - log2(filter bits)
  unsigned table_shift = 0;      // 64 - log2(table slots)
  std::vector<uint64_t> filter;
  std::vector<Entry> table;      // linear probing; at most half full

  static uint64_t Hash(uint64_t gram) { return gram * 0x9E3779B97F4A7C15ull; }

  // Indexes the literals at least kGramMinLength long, when there are enough of them;
  // null otherwise. *indexed[id] says which were.
  static std::unique_ptr<GramIndex> Build(const std::vector<Literal>& literals, size_t min_literals,
                                          std::vector<bool>* indexed);
};

// Null when the set is not worth it or not possible (see literal_matcher.h).
std::unique_ptr<LiteralMatcher::GramIndex> LiteralMatcher::GramIndex::Build(
    const std::vector<Literal>& literals, size_t min_literals, std::vector<bool>* indexed) {
  indexed->assign(literals.size(), false);
  if constexpr (std::endian::native != std::endian::little) return nullptr;
  if (literals.size() > 0xffffffffu) return nullptr;
  // The literals the index may hold, and the shortest of them (q).
  std::vector<uint32_t> order;
  size_t shortest = SIZE_MAX;
  for (uint32_t i = 0; i < literals.size(); ++i) {
    if (literals[i].text.size() < kGramMinLength) continue;
    order.push_back(i);
    shortest = std::min(shortest, literals[i].text.size());
  }
  if (order.empty() || order.size() < min_literals) return nullptr;
  auto g = std::make_unique<GramIndex>();
  g->q = std::min<size_t>(8, shortest);
  g->mask = g->q == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * g->q)) - 1;
  auto window = [&](const std::string& text, size_t at) {
    return AsciiLower8(Load(text.data(), at, text.size())) & g->mask;
  };
  // How many literals hold each window anywhere: the window filed for a literal is, of
  // its own, the one fewest others hold (a window common to many literals is likely
  // common in values too, and each time a value holds it its literals are compared),
  // then the one fewest are filed under, among windows with room left. Shortest
  // literals first: they have the fewest windows to choose from.
  std::unordered_map<uint64_t, uint32_t> held, filed;
  for (const uint32_t id : order) {
    const std::string& text = literals[id].text;
    for (size_t at = 0; at + g->q <= text.size(); ++at) ++held[window(text, at)];
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return literals[a].text.size() < literals[b].text.size();
  });
  std::vector<Entry> entries;
  entries.reserve(order.size());
  for (uint32_t id : order) {
    const std::string& text = literals[id].text;
    size_t best = 0;
    uint64_t best_key = UINT64_MAX;
    for (size_t at = 0; at + g->q <= text.size(); ++at) {
      const uint64_t w = window(text, at);
      const auto f = filed.find(w);
      const uint32_t n = f == filed.end() ? 0 : f->second;
      if (n >= kGramMaxBucket) continue;
      const uint64_t key = (uint64_t{held[w]} << 32) | n;
      if (key < best_key) {
        best_key = key;
        best = at;
      }
    }
    if (best_key == UINT64_MAX) continue;  // every window of it is full: left to the rest
    const uint64_t w = window(text, best);
    ++filed[w];
    entries.push_back({w, id, static_cast<uint32_t>(best)});
  }
  for (const Entry& e : entries) (*indexed)[e.id] = true;
  const size_t filter_bits = std::max<size_t>(4096, std::bit_ceil(entries.size() * 16));
  const size_t slots = std::max<size_t>(64, std::bit_ceil(entries.size() * 2));
  g->filter_shift = 64 - static_cast<unsigned>(std::countr_zero(filter_bits));
  g->table_shift = 64 - static_cast<unsigned>(std::countr_zero(slots));
  g->filter.assign(filter_bits / 64, 0);
  g->table.assign(slots, Entry());
  for (const Entry& e : entries) {
    const uint64_t h = Hash(e.gram);
    const uint64_t f = h >> g->filter_shift;
    g->filter[f >> 6] |= uint64_t{1} << (f & 63);
    for (size_t k = h >> g->table_shift;; k = (k + 1) & (slots - 1)) {
      if (g->table[k].id == kEmpty) {
        g->table[k] = e;
        break;
      }
    }
  }
  return g;
}

void LiteralMatcher::GramScan(std::string_view text, LiteralScratch* scratch, Callback cb,
                              void* context) const {
  const GramIndex& g = *grams_;
  const size_t n = text.size();
  if (n < g.q) return;
  if (scratch->reported_.size() < literals_.size()) scratch->reported_.resize(literals_.size(), 0);
  if (++scratch->epoch_ == 0) {
    std::fill(scratch->reported_.begin(), scratch->reported_.end(), 0);
    scratch->epoch_ = 1;
  }
  const uint32_t epoch = scratch->epoch_;
  // The value folded once (a word at a time), with 8 zero bytes after it so that every
  // window is one load: a window is then a load, a mask, a hash and a bit test.
  std::string& folded = scratch->folded_;
  folded.resize(n + 8);
  AsciiLowerCopy(text.data(), n, folded.data());
  std::memset(folded.data() + n, 0, 8);
  // Locals: the callback could write anywhere as far as the compiler knows, which made
  // it reload every one of these at each position.
  uint32_t* const reported = scratch->reported_.data();
  const char* const raw = text.data();
  const char* const low = folded.data();
  const uint64_t mask = g.mask;
  const uint64_t* const filter = g.filter.data();
  const unsigned filter_shift = g.filter_shift, table_shift = g.table_shift;
  const GramIndex::Entry* const table = g.table.data();
  const size_t slots_mask = g.table.size() - 1;
  const Literal* const literals = literals_.data();
  const size_t last = n - g.q;
  for (size_t i = 0; i <= last; ++i) {
    uint64_t w;
    std::memcpy(&w, low + i, 8);
    const uint64_t gram = w & mask;
    const uint64_t h = GramIndex::Hash(gram);
    const uint64_t f = h >> filter_shift;
    if ((filter[f >> 6] >> (f & 63) & 1) == 0) continue;
    for (size_t k = h >> table_shift;; k = (k + 1) & slots_mask) {
      const GramIndex::Entry& e = table[k];
      if (e.id == GramIndex::kEmpty) break;
      if (e.gram != gram || i < e.offset || reported[e.id] == epoch) continue;
      const Literal& l = literals[e.id];
      const size_t from = i - e.offset;
      if (l.text.size() > n - from) continue;
      // A caseless literal is lower-case already: compared with the folded value.
      if (std::memcmp((l.caseless ? low : raw) + from, l.text.data(), l.text.size()) == 0) {
        reported[e.id] = epoch;
        cb(e.id, context);
      }
    }
  }
}

bool VectorscanAvailable() {
  static const bool ok = hs_valid_platform() == HS_SUCCESS;
  return ok;
}

std::unique_ptr<LiteralMatcher> LiteralMatcher::Build(std::vector<Literal> literals,
                                                      std::string* warning, LiteralEngine engine) {
  std::unique_ptr<LiteralMatcher> m(new LiteralMatcher());
  m->literals_ = std::move(literals);
  std::vector<bool> indexed(m->literals_.size(), false);
  if (engine != LiteralEngine::kVectorscan) {
    const size_t least = engine == LiteralEngine::kGramIndex       ? 1
                         : engine == LiteralEngine::kAutoLongTexts ? kGramIndexMinLiteralsLongTexts
                                                                   : kGramIndexMinLiterals;
    m->grams_ = GramIndex::Build(m->literals_, least, &indexed);
  }
  // What the index does not hold (all of a small set; the short literals of a large
  // one) goes to Vectorscan, or, when few, to memmem.
  for (uint32_t i = 0; i < m->literals_.size(); ++i) {
    if (!indexed[i]) m->rest_.push_back(i);
  }
  // A few literals are searched one by one: memmem on a short value costs less than
  // a Vectorscan call (whose fixed cost is tens of nanoseconds).
  if (m->rest_.size() <= kDirectSearchMax || !VectorscanAvailable()) return m;
  std::vector<const char*> texts;
  std::vector<size_t> lengths;
  std::vector<unsigned> flags, ids;
  bool has_empty = false;
  for (const uint32_t i : m->rest_) {
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
  if (grams_ != nullptr) {
    n += sizeof(GramIndex) + grams_->filter.capacity() * sizeof(uint64_t) +
         grams_->table.capacity() * sizeof(GramIndex::Entry);
  }
  for (const auto& l : literals_) n += sizeof(Literal) + l.text.capacity();
  return n;
}

void LiteralMatcher::ScanImpl(std::string_view text, LiteralScratch* scratch, Callback cb,
                              void* context) const {
  if (grams_ != nullptr) GramScan(text, scratch, cb, context);
  if (rest_.empty()) return;
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
    if (hs_scan(db_, buf.data(), static_cast<unsigned>(buf.size()), 0, scratch->scratch_, OnMatch,
                &c) == HS_SUCCESS) {
      return;
    }
  }
  // One by one: glibc's memmem is linear in the value whatever the literal.
  bool folded = false;
  for (const uint32_t i : rest_) {
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
  if (m.grams_ != nullptr && reported_.size() < m.size()) reported_.resize(m.size(), 0);
  if (m.db_ == nullptr) return true;
  return hs_alloc_scratch(m.db_, &scratch_) == HS_SUCCESS;
}

}  // namespace vigil::internal
