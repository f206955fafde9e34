// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// LiteralMatcher: every literal of one field searched in a value at once. Internal.
//
// A field that many rules read with |contains (or whose wildcards and regexes need a
// literal to be present, see compiler.cc) used to test its literals one by one: a value
// cost O(literals). Here they are compiled into one Vectorscan database (Hyperscan's
// portable fork, Debian's libvectorscan: the multi-literal engine Suricata and Rspamd
// use) and a value costs one scan, O(length + hits), whatever the number of rules.
//
// Each literal is case-sensitive or ASCII case-insensitive. Vectorscan's caseless mode
// (outside UTF-8 mode, which is not used) folds exactly A-Z/a-z, the folding the IR
// defines (ir.h), so no value has to be lower-cased before a scan.
//
// Literals are reported once per scan (HS_FLAG_SINGLEMATCH): the callers only need
// "occurs", and a short literal repeated through a long hostile value cannot make the
// callback run once per occurrence.
//
// In a large set, the literals at least kGramMinLength bytes long are searched by a
// q-gram index of our own instead (GramIndex, in literal_matcher.cc), the shorter ones
// as before: each literal is filed under one of its windows of q bytes (q = the
// shortest such literal, at most 8), the one fewest other literals hold, and a value
// costs one load, one hash and one bit test per position, plus a check of the few
// literals filed under a window that is present.
// Vectorscan's cost per byte grows with the number of literals (its FDR engine confirms
// more candidates): at thousands of literals per field it was most of a scan, where the
// index's cost barely moves; on a field's value (tens of bytes) its fixed cost per call
// also loses to the index from a handful of literals up (vigil_bench_tables
// BM_LiteralEngine; benchmarks/README.md, fourth round). On a whole event (the keyword
// prefilter's text), Vectorscan's lower cost per byte wins up to thousands of literals.
//
// A set of at most kDirectSearchMax literals, and any set when Vectorscan cannot serve
// (the CPU lacks SSSE3, or compiling the database fails, which the compiler reports as
// a warning), is searched literal by literal with memmem, so results never depend on
// the engine.
//
// Thread safety: a LiteralMatcher is immutable once built and may be shared; each
// thread scans with its own LiteralScratch, which must have been prepared (Prepare)
// for every matcher it is used with.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

struct hs_database;
struct hs_scratch;

namespace vigil::internal {

struct Literal {
  std::string text;  // bytes; lower-case when caseless
  bool caseless = false;
};

class LiteralScratch;

// Bytes scanned after every value (see LiteralMatcher::ScanImpl).
inline constexpr size_t kScanPadding = 64;
// Sets this small are searched with memmem, without Vectorscan.
inline constexpr size_t kDirectSearchMax = 4;
// Sets with at least this many literals at least kGramMinLength long use the q-gram
// index for those (measured: benchmarks/README.md, fourth round).
inline constexpr size_t kGramIndexMinLiterals = 16;
// The same for texts of a whole event (about 1.4 KB): there Vectorscan's cost per byte,
// lower than the index's for sets of long literals, wins up to thousands of literals.
inline constexpr size_t kGramIndexMinLiteralsLongTexts = 4096;
inline constexpr size_t kGramMinLength = 4;
// The most literals the index files under one window. A value that repeats such a
// window checks them all at each repetition: the bound keeps that a small constant
// factor, and a literal whose every window is full is searched with the short ones.
inline constexpr size_t kGramMaxBucket = 16;

// Which engine searches the literals the q-gram index could hold: chosen by set size
// for values (kAuto) or for whole events (kAutoLongTexts: the keyword prefilter), or
// forced, for benchmarks and tests that compare the two.
enum class LiteralEngine { kAuto, kVectorscan, kGramIndex, kAutoLongTexts };

class LiteralMatcher {
 public:
  // Builds a matcher for `literals` (id = position). *warning is set (and the
  // one-by-one search used) when Vectorscan could not compile them.
  static std::unique_ptr<LiteralMatcher> Build(std::vector<Literal> literals, std::string* warning,
                                               LiteralEngine engine = LiteralEngine::kAuto);
  ~LiteralMatcher();
  LiteralMatcher(const LiteralMatcher&) = delete;
  LiteralMatcher& operator=(const LiteralMatcher&) = delete;

  // Calls on_hit(id) once for every literal that occurs in `text`, in no set order.
  // REQUIRES: scratch->Prepare(*this) was called.
  template <typename F>
  void Scan(std::string_view text, LiteralScratch* scratch, F&& on_hit) const;

  size_t size() const { return literals_.size(); }
  bool uses_vectorscan() const { return db_ != nullptr; }
  bool uses_gram_index() const { return grams_ != nullptr; }
  size_t MemoryBytes() const;
  const std::vector<Literal>& literals() const { return literals_; }

 private:
  friend class LiteralScratch;
  LiteralMatcher() = default;
  using Callback = void (*)(uint32_t id, void* context);
  void ScanImpl(std::string_view text, LiteralScratch* scratch, Callback cb, void* context) const;

  struct GramIndex;
  void GramScan(std::string_view text, LiteralScratch* scratch, Callback cb, void* context) const;

  std::vector<Literal> literals_;
  hs_database* db_ = nullptr;             // over rest_
  std::unique_ptr<GramIndex> grams_;      // the literals not in rest_
  std::vector<uint32_t> rest_;            // ids the index does not hold: db_ or memmem
};

// Per-thread scratch space for LiteralMatcher::Scan (Vectorscan's hs_scratch_t, grown
// to fit every matcher it was prepared for, plus a buffer for the fallback search).
class LiteralScratch {
 public:
  LiteralScratch() = default;
  ~LiteralScratch();
  LiteralScratch(const LiteralScratch&) = delete;
  LiteralScratch& operator=(const LiteralScratch&) = delete;
  // Makes this scratch usable with `m`. Returns false only if allocation failed (the
  // matcher then falls back to its one-by-one search for this scratch).
  bool Prepare(const LiteralMatcher& m);

 private:
  friend class LiteralMatcher;
  hs_scratch* scratch_ = nullptr;
  // GramScan: reported_[id] == epoch_ once literal id was reported in this scan.
  std::vector<uint32_t> reported_;
  uint32_t epoch_ = 0;
  std::string folded_;
  std::string padded_;  // the value and kScanPadding zero bytes
};

template <typename F>
void LiteralMatcher::Scan(std::string_view text, LiteralScratch* scratch, F&& on_hit) const {
  using Fn = std::remove_reference_t<F>;
  ScanImpl(text, scratch, [](uint32_t id, void* ctx) { (*static_cast<Fn*>(ctx))(id); },
           const_cast<void*>(static_cast<const void*>(&on_hit)));
}

// True when Vectorscan runs on this CPU (checked once).
bool VectorscanAvailable();

}  // namespace vigil::internal
