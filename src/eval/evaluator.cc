// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The event walker and rule evaluation; see evaluator.h. Tested by
// tests/eval/evaluator_test.cc and, against the reference evaluator, by
// tests/eval/cases_test.cc and tests/eval/differential_test.cc.
//
// Longer than this project's ~600-line mark: it is one class, whose per-event state
// (atom bits, epoch stamps, candidates, memoised values) every part reads and writes:
// value indexing and the On-Demand walk (top), the DOM walk, keywords, and the
// evaluation of candidates (sections marked "----"). Splitting it means giving those
// parts interfaces over that state first; not done yet (issue 14).

#include "eval/evaluator.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cstring>

#include "compile/regex_atoms.h"
#include "eval/glob.h"
#include "util/bits.h"
#include "util/cidr.h"
#include "util/strings.h"
#include "util/timeparts.h"
#include "util/surrogates.h"
#include "util/exact_number.h"
#include "util/duplicate_keys.h"

namespace vigil::internal {

namespace od = simdjson::ondemand;

// Whether decoded embedded documents (ir.h) can change a verdict: a field beneath one,
// a field whose value is an object on the path to one (its JSON text includes the
// decoded member), or keywords. Otherwise inserting them is skipped: it would cost an
// event that carries such a string a second parse for nothing.
static bool EmbeddedObservable(const Program& program) {
  const Ir& ir = program.ir;
  if (ir.embedded_json.empty()) return false;
  if (program.has_keywords) return true;
  for (const std::string& f : ir.fields) {
    if (f.find(kDecodedSuffix) != std::string::npos) return true;
    for (const std::string& e : ir.embedded_json) {
      if (e.size() > f.size() && e[f.size()] == '.' && e.compare(0, f.size(), f) == 0) return true;
    }
  }
  return false;
}

Evaluator::Evaluator(const Program& program)
    : prog_(program),
      atom_stamp_(program.atom_count(), 0),
      lazy_stamp_(program.ir.predicates.size(), 0),
      lazy_true_(program.ir.predicates.size(), 0),
      rules_(program.ir.rules.size()),
      field_stamp_(program.ir.fields.size(), 0),
      null_stamp_(program.ir.fields.size(), 0),
      deferred_stamp_(program.ir.fields.size(), 0),
      stored_(program.ir.fields.size()),
      deferred_(program.ir.fields.size()),
      key_cache_row_(program.trie.size(), -1),
      pending_stamp_(program.trie.size(), 0),
      materialized_stamp_(program.trie.size(), 0),
      pending_(program.trie.size()) {
  for (size_t r = 0; r < rules_.size(); ++r) rules_[r].code = program.rule_code_at[r];
  if (EmbeddedObservable(program))
    embedded_ = std::make_unique<EmbeddedJson>(program.ir.embedded_json);
  set_cost_.resize(program.regex_sets.size());
  key_seen_.assign(program.trie.size(), 0);
  candidates_.reserve(program.ir.rules.size());
  fieldref_present_.assign(program.fieldref_words, 0);
  if (program.fieldref_words <= kFieldRefByteWords) {
    fieldref_multi_.assign(program.fieldref_words, 0);
    fieldref_empty_.assign(program.fieldref_words, 0);
    fieldref_front_.assign(256 * program.fieldref_words, 0);
    fieldref_back_.assign(256 * program.fieldref_words, 0);
  }
  ref_summary_.resize(program.ir.fields.size());
  // A key cache row for the root and every node with children (objects the walk enters).
  int32_t rows = 0;
  for (size_t n = 0; n < program.trie.size(); ++n) {
    if (n == 0 || !program.trie[n].children.empty()) key_cache_row_[n] = rows++;
  }
  key_cache_.resize(static_cast<size_t>(rows) * kKeyCacheSlots);
  for (const auto& x : program.indexes) {
    if (x.contains) literal_scratch_.Prepare(*x.contains);
  }
  if (program.keyword_prefilter) literal_scratch_.Prepare(*program.keyword_prefilter);
}

void Evaluator::NextEpoch() {
  if (++epoch_ == 0) {  // wrapped: clear once every 2^32 events
    for (RuleSlot& r : rules_) r.stamp = 0;
    for (auto* v : {&atom_stamp_, &lazy_stamp_, &lazy_true_, &field_stamp_,
                    &null_stamp_, &deferred_stamp_, &pending_stamp_, &materialized_stamp_}) {
      std::fill(v->begin(), v->end(), 0);
    }
    for (RefSummary& r : ref_summary_) r.epoch = 0;
    epoch_ = 1;
  }
  memo_.Trim();
  candidates_.clear();
  fieldref_fields_.clear();
  fieldref_seconds_.clear();
  arena_.clear();
  folded_arena_.clear();
  keyword_values_.clear();
}

// Whether s contains '.', eight bytes at a time (a byte of w ^ "........" is zero
// exactly where s has a dot). Called for every key no rule reads.
static bool HasDot(std::string_view s) {
  constexpr uint64_t kDots = 0x2e2e2e2e2e2e2e2eull, kOnes = 0x0101010101010101ull,
                     kHigh = 0x8080808080808080ull;
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    w ^= kDots;
    if ((w - kOnes) & ~w & kHigh) return true;
  }
  for (; i < s.size(); ++i) {
    if (s[i] == '.') return true;
  }
  return false;
}

int32_t Evaluator::Child(int32_t node, std::string_view key) const {
  if (node < 0) return -1;
  const TrieNode& t = prog_.trie[node];
  if (t.MayHaveChild(key)) {
    if (const uint32_t* c = t.children.find(key)) return static_cast<int32_t>(*c);
  } else if (t.children.empty()) {
    return -1;
  }
  // A pre-flattened key ("userIdentity.arn") spells several segments at once.
  if (!HasDot(key)) return -1;
  int32_t n = node;
  size_t start = 0;
  while (n >= 0) {
    const size_t dot = key.find('.', start);
    const std::string_view seg =
        key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    const uint32_t* c = prog_.trie[n].children.find(seg);
    if (c == nullptr) return -1;
    n = static_cast<int32_t>(*c);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return n;
}

static inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// A DOM key's first eight bytes as a word, zeros past a shorter key's end. Eight bytes
// are read whatever the key's length: a DOM's strings live in its string buffer, which
// simdjson allocates with SIMDJSON_PADDING bytes to spare past the last. (A branch-free
// load: a copy of variable length had branches that were a tenth of DomVisitObject.)
static inline uint64_t KeyHead(std::string_view key) {
  const uint64_t w = Load64(key.data());
  return key.size() >= 8 ? w : w & ((uint64_t{1} << (8 * key.size())) - 1);
}

// Equality of n <= 40 bytes with a few word loads (no call).
static inline bool ShortEqual(const char* a, const char* b, size_t n) {
  auto load32 = [](const char* p) {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return v;
  };
  if (n >= 8) {
    if (Load64(a + n - 8) != Load64(b + n - 8)) return false;
    for (size_t i = 0; i + 8 < n; i += 8) {
      if (Load64(a + i) != Load64(b + i)) return false;
    }
    return true;
  }
  if (n >= 4) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// The slow path of the key cache (see DomVisitObject): look the key up, remember it.
void Evaluator::FillKeyCache(KeyCacheEntry* e, int32_t node, std::string_view key) {
  ++counters_.key_cache_misses;
  e->child = Child(node, key);
  e->cloudtrail = key == "eventSource" || key == "eventName" || key == "eventTime";
  e->length = static_cast<uint32_t>(key.size());
  std::memcpy(e->bytes, key.data(), key.size());
  e->head = KeyHead(key);
}

void Evaluator::SetAtom(uint32_t a) {
  if (atom_stamp_[a] == epoch_) return;
  atom_stamp_[a] = epoch_;
  for (const uint32_t *r = prog_.triggers.row_begin(a), *end = prog_.triggers.row_end(a); r != end;
       ++r) {
    if (rules_[*r].stamp != epoch_) {
      rules_[*r].stamp = epoch_;
      candidates_.push_back(*r);
    }
  }
}

static bool TextOp(Op op, std::string_view needle, std::string_view hay) {
  switch (op) {
    case Op::kEquals: return hay == needle;
    case Op::kPrefix: return hay.size() >= needle.size() && hay.substr(0, needle.size()) == needle;
    case Op::kSuffix:
      return hay.size() >= needle.size() && hay.substr(hay.size() - needle.size()) == needle;
    case Op::kContains:
      // glibc's memmem is linear in the value whatever the needle (two-way search for
      // long needles); string_view::find is not, and both sides can be hostile.
      return needle.empty() ||
             memmem(hay.data(), hay.size(), needle.data(), needle.size()) != nullptr;
    case Op::kGlob: return GlobMatch(needle, hay);
    default: return false;
  }
}

// TextOp of kEquals, kPrefix or kSuffix ignoring ASCII case, compared in place: a
// comparison at one position needs no folded copies of either side. Forced inline: it
// runs per fieldref pair, and as a call it cost DecideFieldRefAtoms 0.9% more
// instructions than inlined (callgrind, vigil_bench_shapes fieldref at 10,000 rules).
[[gnu::always_inline]] static inline bool CaselessTextOpAt(Op op, std::string_view needle,
                                                           std::string_view hay) {
  if (needle.size() > hay.size() || (op == Op::kEquals && needle.size() != hay.size()))
    return false;
  const size_t at = op == Op::kSuffix ? hay.size() - needle.size() : 0;
  return EqualsIgnoreCaseAscii(hay.substr(at, needle.size()), needle);
}

// Sets the atoms `text` satisfies among those of index x: the cost depends on the
// value and on the number of distinct literal lengths, not on the number of atoms.
void Evaluator::IndexValue(const FieldIndex& x, ValueKind kind, std::string_view text) {
  if (!x.exact_cased.empty()) {
    if (const auto* ids = x.exact_cased.find(text)) {
      for (uint32_t a : *ids) SetAtom(a);
    }
  }
  // Fold only when a lookup among keys of this length can hit (long values such as user
  // agents rarely need one).
  if (x.exact_folded.MayHaveLength(text.size())) {
    AsciiLowerInto(text, &fold_);
    if (const auto* ids = x.exact_folded.find(fold_)) {
      for (uint32_t a : *ids) SetAtom(a);
    }
  }
  if (!x.prefix.empty()) x.prefix.Walk(text, false, [&](uint32_t a) { SetAtom(a); });
  if (!x.suffix.empty()) x.suffix.Walk(text, true, [&](uint32_t a) { SetAtom(a); });
  if (x.contains) {
    x.contains->Scan(text, &literal_scratch_, [&](uint32_t id) { SetAtom(x.contains_atoms[id]); });
  }
  if (!x.unicode_fold_atoms.empty() && HasUnicodeFoldPartner(text)) {
    for (uint32_t a : x.unicode_fold_atoms) SetAtom(a);
  }

  bool have_bytes = false;
  ByteSet present;
  for (const FieldIndex::RegexGate& g : x.gates) {
    if (g.min_length > text.size()) break;
    if (g.check_first) {
      if (text.empty()) continue;
      const uint8_t b = static_cast<uint8_t>(text[0]);
      if (!((g.first_bytes[b >> 6] >> (b & 63)) & 1)) continue;
    }
    if (g.required_byte >= 0 && memchr(text.data(), g.required_byte, text.size()) == nullptr)
      continue;
    if (g.bytes != nullptr) {
      // One pass over the value serves every gate of the field.
      if (!have_bytes) {
        present = BytesOf(text);
        have_bytes = true;
      }
      if (!g.bytes->MayMatch(text, present)) continue;
    }
    SetAtom(g.atom);
  }
  if (!x.regex_sets.empty()) MatchRegexSets(x, kind, text);
  if (!x.cidr.empty() && kind == ValueKind::kString) {
    IpAddress ip;
    if (ParseIp(text, &ip)) x.cidr.Lookup(ip, [&](uint32_t a) { SetAtom(a); });
  }
  if (!x.numeric.empty() && (kind == ValueKind::kNumber || kind == ValueKind::kString)) {
    double d;
    if (ParseNumberValue(text, &d)) {
      const NumericIndex& n = x.numeric;
      using Entry = std::pair<double, uint32_t>;
      auto first_not_less = [](const std::vector<Entry>& v, double t) {
        return std::lower_bound(v.begin(), v.end(), t,
                                [](const Entry& e, double k) { return e.first < k; });
      };
      auto first_greater = [](const std::vector<Entry>& v, double t) {
        return std::upper_bound(v.begin(), v.end(), t,
                                [](double k, const Entry& e) { return k < e.first; });
      };
      // Thresholds equal to the value as doubles are decided exactly (exact_number.h):
      // the value's exact form is made once, on the first such tie. The atom of a
      // numeric threshold is its predicate.
      bool exact_made = false;
      auto exact = [&](uint32_t atom) {
        if (!exact_made) {
          CanonicalNumber(text, &exact_);
          exact_made = true;
        }
        return CompareCanonical(exact_, prog_.ir.predicates[atom].text);
      };
      auto ties = [&](const std::vector<Entry>& v, auto holds) {
        for (auto it = first_not_less(v, d); it != v.end() && it->first == d; ++it) {
          if (holds(exact(it->second))) SetAtom(it->second);
        }
      };
      ties(n.eq, [](int c) { return c == 0; });
      ties(n.lt, [](int c) { return c < 0; });
      ties(n.lte, [](int c) { return c <= 0; });
      ties(n.gt, [](int c) { return c > 0; });
      ties(n.gte, [](int c) { return c >= 0; });
      // value < threshold (lt), <= (lte): thresholds above the value.
      for (auto it = first_greater(n.lt, d); it != n.lt.end(); ++it) SetAtom(it->second);
      for (auto it = first_greater(n.lte, d); it != n.lte.end(); ++it) SetAtom(it->second);
      // value > threshold (gt), >= (gte): thresholds below the value.
      for (auto it = n.gt.begin(), end = first_not_less(n.gt, d); it != end; ++it)
        SetAtom(it->second);
      for (auto it = n.gte.begin(), end = first_not_less(n.gte, d); it != end; ++it)
        SetAtom(it->second);
    }
  }
}

// Audit logs repeat their values, so the atoms a value set are remembered (ValueMemo),
// keyed by the value and the set: a repeated value costs a lookup, not a search. A value
// some set does not take goes through the field's fallback index instead (the literal
// atoms and gates of the sets' patterns).
void Evaluator::MatchRegexSets(const FieldIndex& x, ValueKind kind, std::string_view text) {
  const uint32_t value = memo_.Intern(text);
  bool classified = false, have_folded = false, fallback = false;
  RegexSet::Text text_kind = RegexSet::Text::kOther;
  for (const FieldIndex::Set& r : x.regex_sets) {
    // A pause counts every value the set is offered, remembered or not: with a warm
    // memo, searches are rare, and a pause counted in them would last.
    SetCost& cost = set_cost_[r.id];
    ++cost.values;
    std::basic_string_view<uint32_t> known;
    if (memo_.FindList(value, r.id, &known)) {
      ++counters_.regex_set_memo_hits;
      for (uint32_t a : known) SetAtom(a);
      continue;
    }
    if (!classified) {  // only values not remembered need it
      text_kind = RegexSet::Classify(text);
      classified = true;
    }
    if (!r.set->Takes(text_kind) || cost.resume > cost.values) {
      fallback = true;
      continue;
    }
    if (r.folded && !have_folded) {
      AsciiLowerInto(text, &set_fold_);
      have_folded = true;
    }
    ++counters_.regex_set_searches;
    const auto start = std::chrono::steady_clock::now();
    const bool decided = r.set->Match(r.folded ? std::string_view(set_fold_) : text, &set_hits_);
    cost.nanos += static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::steady_clock::now() - start)
                                            .count());
    cost.bytes += text.size();
    if (cost.nanos > kRegexSetMaxNanosPerByte * (cost.bytes + kRegexSetSlackBytes)) {
      ++counters_.regex_set_pauses;
      cost.resume = cost.values + cost.pause;
      cost.pause = std::min(cost.pause * 2, kRegexSetMaxPause);
      cost.bytes = cost.nanos = 0;
    } else if (cost.bytes >= kRegexSetWindowBytes) {
      cost.pause = kRegexSetFirstPause;
      cost.bytes = cost.nanos = 0;
    }
    if (!decided) {
      fallback = true;
      continue;
    }
    set_atoms_.clear();
    for (int h : set_hits_) set_atoms_.push_back(r.atoms[static_cast<size_t>(h)]);
    for (uint32_t a : set_atoms_) SetAtom(a);
    memo_.PutList(value, r.id, set_atoms_);
  }
  if (!fallback) return;
  ++counters_.regex_set_fallbacks;
  if (x.fallback_atom != UINT32_MAX) SetAtom(x.fallback_atom);
  if (x.fallback) IndexValue(*x.fallback, kind, text);
}

void Evaluator::MarkPresent(uint32_t f) {
  if (field_stamp_[f] != epoch_) {
    field_stamp_[f] = epoch_;
    stored_[f].clear();
    const FieldIndex& x = prog_.indexes[f];
    if (x.presence_atom != UINT32_MAX) SetAtom(x.presence_atom);
    if (x.fieldref_first) fieldref_fields_.push_back(f);
    if (x.fieldref_second != UINT32_MAX) fieldref_seconds_.push_back(f);
  }
}

void Evaluator::OnValue(uint32_t f, ValueKind kind, std::string_view text, bool transient) {
  MarkPresent(f);
  if (kind == ValueKind::kNull) {
    null_stamp_[f] = epoch_;
    return;
  }
  const FieldIndex& x = prog_.indexes[f];
  if (x.keep_values) {
    if (transient || kind == ValueKind::kJson) {
      // The compact text lives in a buffer the next object reuses: copy it.
      stored_[f].push_back({nullptr, static_cast<uint32_t>(arena_.size()),
                            static_cast<uint32_t>(text.size()), kind});
      arena_.append(text);
    } else {
      stored_[f].push_back({text.data(), 0, static_cast<uint32_t>(text.size()), kind});
    }
  }
  IndexValue(x, kind, text);
}

// The compact JSON text of an object or array whose raw text is `raw`, in `*buf`.
bool Evaluator::Minify(std::string_view raw, std::string* buf, std::string_view* out) {
  buf->resize(raw.size() + simdjson::SIMDJSON_PADDING);
  size_t len = 0;
  if (simdjson::minify(raw.data(), raw.size(), buf->data(), len)) return false;
  *out = std::string_view(buf->data(), len);
  return true;
}

// Walks the members of an object or the elements of an array as values of `node`.
bool Evaluator::Descend(od::value v, int32_t node, int depth, bool is_array) {
  if (is_array) {
    od::array a;
    if (v.get_array().get(a)) return false;
    for (auto el : a) {
      od::value ev;
      if (std::move(el).get(ev)) return false;
      if (!VisitValue(ev, node, depth + 1)) return false;
    }
    return true;
  }
  od::object o;
  if (v.get_object().get(o)) return false;
  return VisitObject(o, node, depth);
}

bool Evaluator::VisitObject(od::object obj, int32_t node, int depth) {
  if (depth > kMaxEventDepth) {
    too_deep_ = true;
    return false;
  }
  const bool top = top_level_;
  top_level_ = false;
  const uint32_t serial = NextObjectSerial();
  for (auto fld : obj) {
    od::field f;
    if (std::move(fld).get(f)) return false;
    std::string_view key;
    if (f.unescaped_key().get(key)) return false;
    if (top && (key == "eventSource" || key == "eventName" || key == "eventTime"))
      ++cloudtrail_keys_;
    const int32_t child = Child(node, key);
    if (child < 0) continue;
    NoteKey(child, serial);
    if (!VisitValue(f.value(), child, depth + 1)) return false;
  }
  return true;
}

bool Evaluator::VisitValue(od::value v, int32_t node, int depth) {
  if (depth > kMaxEventDepth) {
    too_deep_ = true;
    return false;
  }
  od::json_type type;
  if (v.type().get(type)) return false;
  const int32_t field = prog_.trie[node].field;
  const bool descend = !prog_.trie[node].children.empty();
  switch (type) {
    case od::json_type::object:
    case od::json_type::array: {
      const bool is_array = type == od::json_type::array;
      const FieldIndex* x = field >= 0 ? &prog_.indexes[field] : nullptr;
      if (x == nullptr || !x->needs_values()) {
        if (field >= 0) MarkPresent(static_cast<uint32_t>(field));  // presence only
        if (!descend && !(is_array && field >= 0)) return true;
        return Descend(v, node, depth, is_array);
      }
      // The value is needed as JSON text, and maybe also member by member (arrays:
      // their elements are values of the same field). Walk it first, in the same pass,
      // then take its raw text from where it started to where the walk stopped.
      std::string_view raw;
      if (descend || is_array) {
        const char* start = v.raw_json_token().data();
        if (!Descend(v, node, depth, is_array)) return false;
        const char* end = nullptr;
        if (doc_->current_location().get(end))
          return false;  // inside the root object: cannot be at the end
        while (end > start &&
               (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t'))
          --end;
        raw = std::string_view(start, static_cast<size_t>(end - start));
      } else {
        od::object o;
        if (v.get_object().get(o) || o.raw_json().get(raw)) return false;
      }
      // Walking the copy with lone surrogates replaced: an object or array compares as
      // the event's own text, escapes as written (the copy has the same offsets).
      if (copy_base_ != nullptr)
        raw = std::string_view(original_base_ + (raw.data() - copy_base_), raw.size());
      const uint32_t f = static_cast<uint32_t>(field);
      if (!x->json_eager) {
        // Only predicates that no rule waits on: test them after the walk, if a
        // candidate rule asks (TestDeferred).
        MarkPresent(f);
        if (deferred_stamp_[f] != epoch_) {
          deferred_stamp_[f] = epoch_;
          deferred_[f].clear();
        }
        deferred_[f].push_back(raw);
        return true;
      }
      std::string_view compact;
      if (!Minify(raw, &json_text_, &compact)) return false;
      OnValue(f, ValueKind::kJson, compact, false);
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      if (field >= 0) OnValue(static_cast<uint32_t>(field), ValueKind::kString, s, false);
      return true;
    }
    case od::json_type::number: {
      std::string_view tok = v.raw_json_token();
      while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\n' || tok.back() == '\r' ||
                              tok.back() == '\t')) {
        tok.remove_suffix(1);
      }
      if (field >= 0) OnValue(static_cast<uint32_t>(field), ValueKind::kNumber, tok, false);
      return true;
    }
    case od::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) return false;
      if (field >= 0)
        OnValue(static_cast<uint32_t>(field), ValueKind::kBool, b ? "true" : "false", false);
      return true;
    }
    case od::json_type::null: {
      // is_null() checks the literal; type() only looked at its first byte.
      bool is_null = false;
      if (v.is_null().get(is_null) || !is_null) return false;
      if (field >= 0)
        OnValue(static_cast<uint32_t>(field), ValueKind::kNull, std::string_view(), false);
      return true;
    }
  }
  return true;
}

// ---- The DOM walk ----------------------------------------------------------------------
//
// The usual path. simdjson's DOM parser validates the whole event (structure, strings,
// numbers, literals: a matched event needs no second check before it is printed) and
// its tape lets the walk skip an object no rule reads in one step, where On-Demand
// steps through every token of it. Two things the tape does not keep: the raw text of
// objects and arrays (which rules compare as compact JSON, with the event's own
// escapes) and the text of non-integer numbers. When an event needs one of them, the
// walk sets restart_ and the event is evaluated again by the On-Demand walk above.

bool Evaluator::DomVisitObject(simdjson::dom::object obj, int32_t node, int depth) {
  if (depth > kMaxEventDepth) {
    too_deep_ = true;
    return false;
  }
  const bool top = top_level_;
  top_level_ = false;
  const uint32_t serial = NextObjectSerial();
  // The same few dozen keys come back event after event (CloudTrail records above all):
  // a small two-way cache per node, indexed by a hash of the key's length and first
  // bytes, answers them (hits and misses alike) with a few word loads instead of a
  // lookup in the trie (Child).
  const bool cached = key_cache_row_[node] >= 0;
  KeyCacheEntry* cache =
      cached ? key_cache_.data() + static_cast<size_t>(key_cache_row_[node]) * kKeyCacheSlots
             : nullptr;
  for (simdjson::dom::key_value_pair kv : obj) {
    int32_t child;
    bool cloudtrail;
    const std::string_view key = kv.key;
    if (cached && key.size() <= sizeof(KeyCacheEntry::bytes)) {
      const uint64_t head = KeyHead(key);
      const uint64_t h = (head ^ (key.size() * 0x9E3779B97F4A7C15ull)) * 0xC2B2AE3D27D4EB4Full;
      // Two ways: a key may sit in its slot or in the slot's pair (slot ^ 1). Direct-
      // mapped, eventTime and userIdentity shared a slot of the top level, and every
      // CloudTrail event missed twice (40,117 lookups in the trie for 20,000 events).
      const size_t slot = h >> (64 - kKeyCacheBits);
      // The first eight bytes are compared as the word already loaded; a key of 9 to
      // 16 bytes (most of CloudTrail's) then needs one more word, its last eight.
      const size_t n = key.size();
      auto holds = [&](const KeyCacheEntry& e) {
        return e.length == n && e.head == head &&
               (n <= 8 || (n <= 16 ? Load64(e.bytes + n - 8) == Load64(key.data() + n - 8)
                                   : ShortEqual(e.bytes, key.data(), n)));
      };
      KeyCacheEntry* e = &cache[slot];
      if (!holds(*e)) {
        KeyCacheEntry* other = &cache[slot ^ 1];
        if (holds(*other)) {
          e = other;
        } else {
          // A free way if there is one; else the pair's, so that the slot's own key
          // (the first come, usually the one met in every event) stays.
          if (e->length != UINT32_MAX) e = other;
          FillKeyCache(e, node, key);
        }
      }
      child = e->child;
      cloudtrail = e->cloudtrail;
    } else {
      child = Child(node, key);
      cloudtrail = key == "eventSource" || key == "eventName" || key == "eventTime";
    }
    if (top && cloudtrail) ++cloudtrail_keys_;
    if (child < 0) continue;
    NoteKey(child, serial);
    if (!full_ && !prog_.trigger_node[child]) {
      // No rule's trigger reads below here: keep it for a candidate that asks.
      if (pending_stamp_[child] != epoch_) {
        pending_stamp_[child] = epoch_;
        pending_[child].clear();
      }
      pending_[child].push_back({kv.value, depth + 1});
      continue;
    }
    if (!DomVisitValue(kv.value, child, depth + 1)) return false;
    if (restart_) return true;
  }
  return true;
}

bool Evaluator::Materialize(uint32_t field) {
  if (!dom_mode_ || field == kAnyString) return true;
  for (const uint32_t *n = prog_.field_lazy_path.row_begin(field),
                      *end = prog_.field_lazy_path.row_end(field);
       n != end; ++n) {
    const uint32_t node = *n;
    if (materialized_stamp_[node] == epoch_) continue;
    materialized_stamp_[node] = epoch_;
    if (pending_stamp_[node] != epoch_) continue;  // the event has no such part
    ++counters_.materialized;
    const bool saved = full_;
    full_ = true;
    bool ok = true;
    for (const Pending& p : pending_[node]) {
      if (!DomVisitValue(p.value, node, p.depth)) {
        ok = false;
        deep_error_ = too_deep_;
        break;
      }
      if (restart_) break;
    }
    full_ = saved;
    if (!ok) return false;
    if (restart_) return true;
  }
  return true;
}

bool Evaluator::DomVisitValue(simdjson::dom::element v, int32_t node, int depth) {
  if (depth > kMaxEventDepth) {
    too_deep_ = true;
    return false;
  }
  namespace dom = simdjson::dom;
  const int32_t field = prog_.trie[node].field;
  const FieldIndex* x = field >= 0 ? &prog_.indexes[field] : nullptr;
  const uint32_t f = static_cast<uint32_t>(field);
  switch (v.type()) {
    case dom::element_type::OBJECT:
    case dom::element_type::ARRAY: {
      const bool is_array = v.type() == dom::element_type::ARRAY;
      if (field >= 0) {
        MarkPresent(f);
        if (x->needs_values()) {
          // The value's own text is needed now (eager): only the raw event has it.
          if (x->json_eager) {
            restart_ = true;
            return true;
          }
          // Deferred: tested after the walk if a candidate asks (then: restart).
          if (deferred_stamp_[f] != epoch_) {
            deferred_stamp_[f] = epoch_;
            deferred_[f].clear();
          }
        }
      }
      if (is_array) {
        for (dom::element el : dom::array(v)) {
          if (!DomVisitValue(el, node, depth + 1)) return false;
          if (restart_) return true;
        }
        return true;
      }
      if (prog_.trie[node].children.empty()) return true;
      return DomVisitObject(dom::object(v), node, depth);
    }
    case dom::element_type::STRING:
      if (field >= 0) OnValue(f, ValueKind::kString, std::string_view(v), false);
      return true;
    case dom::element_type::INT64:
    case dom::element_type::UINT64: {
      if (field < 0) return true;
      char buf[24];
      const auto r = v.type() == dom::element_type::INT64
                         ? std::to_chars(buf, buf + sizeof buf, int64_t(v))
                         : std::to_chars(buf, buf + sizeof buf, uint64_t(v));
      std::string_view text(buf, static_cast<size_t>(r.ptr - buf));
      // "-0" is an integer to the tape; its text is not "0". Rare: look in the event.
      if (text == "0" && x->needs_values() && (minus_zero_ < 0 ? CheckMinusZero() : minus_zero_)) {
        restart_ = true;
        return true;
      }
      OnValue(f, ValueKind::kNumber, text, true);
      return true;
    }
    case dom::element_type::DOUBLE:
      if (field < 0) return true;
      if (x->needs_values()) {
        restart_ = true;  // the number's text as written is not on the tape
        return true;
      }
      MarkPresent(f);
      return true;
    case dom::element_type::BOOL:
      if (field >= 0) OnValue(f, ValueKind::kBool, bool(v) ? "true" : "false", false);
      return true;
    case dom::element_type::NULL_VALUE:
      if (field >= 0) OnValue(f, ValueKind::kNull, std::string_view(), false);
      return true;
  }
  return true;
}

bool Evaluator::CheckMinusZero() {
  const std::string_view t = current_json_;
  minus_zero_ = 0;
  for (size_t at = t.find("-0"); at != std::string_view::npos; at = t.find("-0", at + 1)) {
    if (at + 2 >= t.size() || (t[at + 2] != '.' && t[at + 2] != 'e' && t[at + 2] != 'E')) {
      minus_zero_ = 1;  // maybe inside a string: the On-Demand walk will tell
      break;
    }
  }
  return minus_zero_ == 1;
}

// Every string of the event through the keyword index, from the tape.
bool Evaluator::DomKeywords(simdjson::dom::element v, int depth) {
  if (depth > kMaxEventDepth) {
    too_deep_ = true;
    return false;
  }
  namespace dom = simdjson::dom;
  switch (v.type()) {
    case dom::element_type::OBJECT:
      for (dom::key_value_pair kv : dom::object(v)) {
        if (!DomKeywords(kv.value, depth + 1)) return false;
      }
      return true;
    case dom::element_type::ARRAY:
      for (dom::element el : dom::array(v)) {
        if (!DomKeywords(el, depth + 1)) return false;
      }
      return true;
    case dom::element_type::STRING:
      OnKeywordString(std::string_view(v));
      return true;
    default:
      return true;
  }
}

// ---- Keywords ------------------------------------------------------------------------

// The text of a JSON document with every escape sequence replaced by what it stands
// for: each string value of the document then occurs in it as it is unescaped. Broken
// escapes are dropped (the walk reports the event as invalid anyway).
static void Unescape(std::string_view json, std::string* out) {
  out->clear();
  out->reserve(json.size());
  size_t i = 0;
  while (i < json.size()) {
    const void* bs = memchr(json.data() + i, '\\', json.size() - i);
    const size_t at =
        bs ? static_cast<size_t>(static_cast<const char*>(bs) - json.data()) : json.size();
    out->append(json.data() + i, at - i);
    if (at + 1 >= json.size()) break;
    const char e = json[at + 1];
    i = at + 2;
    switch (e) {
      case 'n': out->push_back('\n'); break;
      case 't': out->push_back('\t'); break;
      case 'r': out->push_back('\r'); break;
      case 'b': out->push_back('\b'); break;
      case 'f': out->push_back('\f'); break;
      case 'u': {
        auto hex4 = [&](size_t p, uint32_t* v) {
          if (p + 4 > json.size()) return false;
          *v = 0;
          for (size_t k = p; k < p + 4; ++k) {
            const char h = json[k];
            const int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                          : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
            if (d < 0) return false;
            *v = *v * 16 + static_cast<uint32_t>(d);
          }
          return true;
        };
        uint32_t cp;
        if (!hex4(i, &cp)) break;
        i += 4;
        if (cp >= 0xD800 && cp < 0xDC00) {
          uint32_t lo;
          if (i + 1 < json.size() && json[i] == '\\' && json[i + 1] == 'u' && hex4(i + 2, &lo) &&
              lo >= 0xDC00 && lo < 0xE000) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          } else {
            cp = 0xFFFD;  // a lone surrogate reads as U+FFFD (util/surrogates.h)
          }
        } else if (cp >= 0xDC00 && cp < 0xE000) {
          cp = 0xFFFD;
        }
        AppendUtf8(static_cast<char32_t>(cp), out);
        break;
      }
      default: out->push_back(e); break;  // \" \\ \/
    }
  }
}

bool Evaluator::KeywordPrefilter(std::string_view json) {
  keyword_hits_.clear();
  if (prog_.keyword_prefilter != nullptr) {
    std::string_view text = json;
    if (memchr(json.data(), '\\', json.size()) != nullptr) {
      Unescape(json, &cooked_);
      text = cooked_;
    }
    prog_.keyword_prefilter->Scan(text, &literal_scratch_,
                                  [&](uint32_t id) { keyword_hits_.push_back(id); });
  }
  return prog_.keyword_always || !keyword_hits_.empty();
}

// A string of the event against the keyword atoms whose literals the prefilter found.
void Evaluator::OnKeywordString(std::string_view s) {
  if (prog_.keywords.keep_values) {
    keyword_values_.push_back({s.data(), 0, static_cast<uint32_t>(s.size()), ValueKind::kString});
  }
  bool folded = false;
  for (uint32_t lit : keyword_hits_) {
    for (const uint32_t *k = prog_.keyword_literal_atoms.row_begin(lit),
                        *end = prog_.keyword_literal_atoms.row_end(lit);
         k != end; ++k) {
      const Program::KeywordAtom& ka = prog_.keyword_atoms[*k];
      if (atom_stamp_[ka.atom] == epoch_) continue;
      std::string_view hay = s;
      if (!ka.cased) {
        if (!folded) {
          AsciiLowerInto(s, &fold_);
          folded = true;
        }
        hay = fold_;
      }
      if (TextOp(ka.op, ka.text, hay)) SetAtom(ka.atom);
    }
  }
}

bool Evaluator::VisitAll(od::value v, int depth) {
  if (depth > kMaxEventDepth) {
    too_deep_ = true;
    return false;
  }
  od::json_type type;
  if (v.type().get(type)) return false;
  switch (type) {
    case od::json_type::object: {
      od::object o;
      if (v.get_object().get(o)) return false;
      for (auto fld : o) {
        od::field f;
        if (std::move(fld).get(f)) return false;
        if (!VisitAll(f.value(), depth + 1)) return false;
      }
      return true;
    }
    case od::json_type::array: {
      od::array a;
      if (v.get_array().get(a)) return false;
      for (auto el : a) {
        od::value ev;
        if (std::move(el).get(ev)) return false;
        if (!VisitAll(ev, depth + 1)) return false;
      }
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      OnKeywordString(s);
      return true;
    }
    default:
      return true;
  }
}

// Every string of the event through the keyword index, with a parser of its own so
// that the main walk's strings (kept for lazy predicates) stay valid.
bool Evaluator::KeywordWalk(std::string_view json, Status* error) {
  od::document doc;
  if (auto ec = keyword_parser_
                    .iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING)
                    .get(doc)) {
    *error = InvalidJson(ec);
    return false;
  }
  od::value root;
  if (auto ec = doc.get_value().get(root)) {
    *error = InvalidJson(ec);
    return false;
  }
  if (!VisitAll(root, 0)) {
    *error = WalkError();
    return false;
  }
  return true;
}

// ---- Evaluation ------------------------------------------------------------------------

bool Evaluator::ChecksHold(const uint32_t** code) {
  const uint32_t* pc = *code;
  for (uint32_t n = *pc++ & ~rule_code::kFitsCloudTrail; n != 0; --n) {
    const uint32_t* begin = pc + 1;
    const uint32_t* end = begin + (*pc & ~rule_code::kClauseFinal);
    const bool final = (*pc & rule_code::kClauseFinal) != 0;
    pc = end;
    // Most checks are decided by atoms the walk has set already: test those first, and
    // walk the parts of the event a clause needs only when that did not decide it.
    bool holds = false;
    for (const uint32_t* a = begin; a != end && !holds; ++a) holds = atom_stamp_[*a] == epoch_;
    if (holds) continue;
    if (final) return false;
    for (const uint32_t* a = begin; a != end; ++a) {
      // A fieldref atom only checked (not a trigger) is decided here, once per event.
      if (*a < prog_.eval.size() && prog_.eval[*a] == PredEval::kFieldRef) {
        if (EvalPred(*a)) {
          holds = true;
          break;
        }
        if (restart_) return false;
        continue;
      }
      const uint32_t f = prog_.atom_field[*a];
      if (f == kAnyString) continue;
      if (dom_mode_ && prog_.field_lazy_path.row_begin(f) != prog_.field_lazy_path.row_end(f)) {
        if (!Materialize(f) || restart_) return false;
        if (atom_stamp_[*a] == epoch_) {
          holds = true;
          break;
        }
      }
      // Objects of a deferred field were not indexed: the atom may hold there.
      if (deferred_stamp_[f] == epoch_) {
        holds = true;
        break;
      }
    }
    if (!holds) return false;
  }
  *code = pc;
  return true;
}

bool Evaluator::NeedsWholeFold(uint32_t id) const {
  const Predicate& p = prog_.ir.predicates[id];
  return !p.cased && (p.op == Op::kEquals || p.op == Op::kContains || p.op == Op::kGlob);
}

// A stored value lower-cased, folded once per event however many predicates read it.
std::string_view Evaluator::Folded(Stored* s) {
  if (s->folded == UINT32_MAX) {
    const std::string_view text = Text(*s);
    s->folded = static_cast<uint32_t>(folded_arena_.size());
    folded_arena_.resize(folded_arena_.size() + text.size());
    AsciiLowerCopy(text.data(), text.size(), folded_arena_.data() + s->folded);
  }
  return std::string_view(folded_arena_.data() + s->folded, s->length);
}

bool Evaluator::TestValue(uint32_t id, ValueKind kind, std::string_view text,
                          std::string_view folded) {
  const Predicate& p = prog_.ir.predicates[id];
  bool r = false;
  switch (p.op) {
    case Op::kPrefix:
    case Op::kSuffix:
      // Only the ends are compared, so fold just those bytes (p.text is lower-cased).
      if (p.cased) {
        r = TextOp(p.op, p.text, text);
      } else if (text.size() >= p.text.size()) {
        const size_t at = p.op == Op::kPrefix ? 0 : text.size() - p.text.size();
        r = EqualsFolded(text.substr(at, p.text.size()), p.text);
      }
      break;
    case Op::kEquals: case Op::kContains: case Op::kGlob:
      if (p.cased) {
        r = TextOp(p.op, p.text, text);
      } else if (folded.data() != nullptr) {
        r = TextOp(p.op, p.text, folded);
      } else {
        AsciiLowerInto(text, &lazy_fold_);
        r = TextOp(p.op, p.text, lazy_fold_);
      }
      break;
    case Op::kRegex:
      r = prog_.regexes[id] && prog_.regexes[id]->Search(text, &regex_);
      break;
    case Op::kCidr: {
      IpAddress ip;
      r = kind == ValueKind::kString && ParseIp(text, &ip) && CidrContains(p.cidr, ip);
      break;
    }
    case Op::kNumEq: case Op::kLt: case Op::kLte: case Op::kGt: case Op::kGte: {
      if (p.time_part != TimePartOpt::kNone) {
        int64_t part;
        if (kind == ValueKind::kString) {
          r = ExtractTimePart(text, ToTimePart(p.time_part), &part) &&
              CompareNumbers(p.op, static_cast<double>(part), p.number);
        } else {
          // A numeric timestamp (unix seconds or milliseconds), as correlation reads one.
          double d;
          int64_t ms;
          r = kind == ValueKind::kNumber && ParseDouble(text, &d) && EpochNumberToMillis(d, &ms) &&
              ExtractTimePartOfUnixMillis(ms, ToTimePart(p.time_part), &part) &&
              CompareNumbers(p.op, static_cast<double>(part), p.number);
        }
      } else {
        double d;
        r = (kind == ValueKind::kNumber || kind == ValueKind::kString) &&
            ParseNumberValue(text, &d);
        if (r && d == p.number) {
          // Equal as doubles: decide exactly (exact_number.h).
          CanonicalNumber(text, &exact_);
          const int c = CompareCanonical(exact_, p.text);
          r = CompareNumbers(p.op, c, 0);
        } else if (r) {
          r = CompareNumbers(p.op, d, p.number);
        }
      }
      break;
    }
    default:
      return false;
  }
  return p.negate ? !r : r;
}

// Tests a predicate on the objects and arrays its field had in this event, which a
// deferred field did not index. Called at most once per predicate per event, and only
// for candidate rules, so `requestParameters|contains: AllUsers` costs nothing on the
// events whose other atoms rule the rule out.
bool Evaluator::TestDeferred(uint32_t pred) {
  const Predicate& p = prog_.ir.predicates[pred];
  if (p.field == kAnyString || deferred_stamp_[p.field] != epoch_) return false;
  if (dom_mode_) {
    restart_ = true;  // the raw text of the objects is not on the tape
    return false;
  }
  for (std::string_view raw : deferred_[p.field]) {
    std::string_view text;
    if (!Minify(raw, &lazy_text_, &text)) continue;
    if (TestValue(pred, ValueKind::kJson, text)) return true;
  }
  return false;
}

// Tests a predicate on every value its field had (or every string, for keywords).
bool Evaluator::TestLazy(uint32_t pred) {
  const Predicate& p = prog_.ir.predicates[pred];
  const bool fold = NeedsWholeFold(pred);
  // A regex or a wildcard on a value seen before: its remembered outcome (value_memo.h).
  // A regex search stopped by a limit is not remembered, so that each one is counted.
  const bool memo = p.op == Op::kRegex || p.op == Op::kGlob;
  auto test = [&](std::vector<Stored>& values) {
    for (Stored& s : values) {
      if (memo) {
        if (s.memo == UINT32_MAX) s.memo = memo_.Intern(Text(s));
        if (const int known = memo_.Find(s.memo, pred); known >= 0) {
          ++counters_.memo_hits;
          if (known) return true;
          continue;
        }
      }
      const uint64_t limits = regex_.limit_hits;
      const bool r = TestValue(pred, s.kind, Text(s), fold ? Folded(&s) : std::string_view());
      if (memo && regex_.limit_hits == limits) memo_.Put(s.memo, pred, r);
      if (r) return true;
    }
    return false;
  };
  if (p.field == kAnyString) return test(keyword_values_);
  if (Present(p.field) && test(stored_[p.field])) return true;
  return TestDeferred(pred);
}

// Whether a fieldref of `shape` (not negated) surely fails between the single values
// summarized by `hay` (its field) and `needle` (the other field), from lengths and end
// bytes: folding is ASCII only, so it keeps lengths, and a byte folds to itself or its
// ASCII pair. Most pairs of unrelated values are told apart here without the predicate.
inline bool Evaluator::FieldRefCannotHold(uint32_t shape, const RefSummary& hay,
                                          const RefSummary& needle) {
  if (needle.length > hay.length || (shape == kRefEquals && needle.length != hay.length))
    return true;
  if (needle.length == 0 || shape == kRefContains) return false;
  if ((shape == kRefEquals || shape == kRefPrefix) && hay.front != needle.front) return true;
  if ((shape == kRefEquals || shape == kRefSuffix) && hay.back != needle.back) return true;
  return false;
}

static Op FieldRefOp(uint32_t shape) {
  switch (shape) {
    case kRefEquals: return Op::kEquals;
    case kRefPrefix: return Op::kPrefix;
    case kRefSuffix: return Op::kSuffix;
    default: return Op::kContains;
  }
}

void Evaluator::MakeSummary(uint32_t f) {
  RefSummary& x = ref_summary_[f];
  x.epoch = epoch_;
  x.single = stored_[f].size() == 1;
  if (x.single) {
    const std::string_view t = Text(stored_[f][0]);
    x.length = static_cast<uint32_t>(t.size());
    x.front = t.empty() ? 0 : static_cast<uint8_t>(AsciiLower(t.front()));
    x.back = t.empty() ? 0 : static_cast<uint8_t>(AsciiLower(t.back()));
  }
}

// A byte's bit in RefSummary::bytes, after ASCII lowering: a letter, digit or common
// punctuation mark has a bit of its own, the other bytes share the rest. A value can
// hold another only if it has every byte of it, so a needle with a bit the hay lacks is
// not in it: most pairs of unrelated fields (an ARN in a user agent) fail that test.
// (One word, not a ByteSet of the lowered bytes: with BytesOf and SubsetOf, the same
// tests made vigil_bench_shapes fieldref at 10,000 rules 5.73 us an event, not 5.39.)
static const std::array<uint8_t, 256> kFoldedByteBit = [] {
  std::array<uint8_t, 256> t{};
  const std::string_view own = "abcdefghijklmnopqrstuvwxyz0123456789-._/:@ =,";
  for (size_t c = 0; c < 256; ++c) t[c] = static_cast<uint8_t>(own.size() + c % (64 - own.size()));
  for (size_t i = 0; i < own.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(own[i]);
    t[c] = static_cast<uint8_t>(i);
    if (c >= 'a' && c <= 'z') t[c - 'a' + 'A'] = static_cast<uint8_t>(i);
  }
  return t;
}();

// kFoldedByteBit as masks: one load and one OR a byte, in two chains that run side
// by side (this loop was a fifth of DecideFieldRefAtoms's instructions).
static const std::array<uint64_t, 256> kFoldedByteMask = [] {
  std::array<uint64_t, 256> t{};
  for (size_t c = 0; c < 256; ++c) t[c] = uint64_t{1} << kFoldedByteBit[c];
  return t;
}();

uint64_t Evaluator::SummaryBytes(uint32_t f) {
  RefSummary& x = ref_summary_[f];
  if (x.bytes_epoch != epoch_) {
    x.bytes_epoch = epoch_;
    const std::string_view t = Text(stored_[f][0]);
    const auto* p = reinterpret_cast<const unsigned char*>(t.data());
    const size_t n = t.size();
    uint64_t even = 0, odd = 0;
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
      even |= kFoldedByteMask[p[i]];
      odd |= kFoldedByteMask[p[i + 1]];
    }
    if (i < n) even |= kFoldedByteMask[p[i]];
    x.bytes = even | odd;
  }
  return x.bytes;
}

// The fieldref atoms of the fields met: both fields were walked in the first pass, so
// presence is known. False when the event must be restarted or has failed.
bool Evaluator::DecideFieldRefAtoms() {
  if (fieldref_fields_.empty()) return true;
  const uint32_t words = prog_.fieldref_words;
  // The fields an event has that some fieldref compares with (present), and among their
  // single values, by first and last byte folded (empty values and fields with several
  // values apart): an equality can only hold between fields of one first and last byte,
  // a prefix of one first byte, a suffix of one last byte. Made when a row needs them.
  const bool by_bytes = words <= kFieldRefByteWords;
  bool masks = false;
  auto make_masks = [&] {
    masks = true;
    for (uint32_t g : fieldref_seconds_) {
      const uint32_t b = prog_.indexes[g].fieldref_second;
      const uint64_t bit = uint64_t{1} << (b % 64);
      fieldref_present_[b / 64] |= bit;
      if (!by_bytes) continue;
      const RefSummary& x = Summary(g);
      if (!x.single) {
        fieldref_multi_[b / 64] |= bit;
      } else if (x.length == 0) {
        fieldref_empty_[b / 64] |= bit;
      } else {
        fieldref_front_[x.front * words + b / 64] |= bit;
        fieldref_back_[x.back * words + b / 64] |= bit;
      }
    }
  };
  // The fieldref atom `atom` of field f, comparing with `other` (present) in `shape`.
  // Two single values are compared here, as EvalFieldRef would (its memo set alike);
  // the rest goes through EvalPred. False when the event must be restarted or failed.
  auto decide = [this](uint32_t f, const RefSummary& hay, uint32_t atom, uint32_t other,
                       uint32_t shape_bits) {
    const uint32_t shape = shape_bits & kRefShapeMask;
    const RefSummary& needle = Summary(other);
    if (shape == kRefNone || !hay.single || !needle.single) {
      if (EvalPred(atom)) SetAtom(atom);
      return !restart_ && !deep_error_;
    }
    if (FieldRefCannotHold(shape, hay, needle)) return true;
    // A value holds another only if it has all of its bytes (kFoldedByteBit); checked
    // before the folded copies and the search they would cost.
    if (shape == kRefContains && (SummaryBytes(other) & ~SummaryBytes(f)) != 0) return true;
    ++counters_.fieldref_tests;
    Stored& h = stored_[f][0];
    Stored& n = stored_[other][0];
    bool hit;
    if ((shape_bits & kRefCased) != 0) {
      hit = TextOp(FieldRefOp(shape), Text(n), Text(h));
    } else if (shape == kRefContains) {
      Folded(&h);  // both copies before either view (the arena may move)
      Folded(&n);
      hit = TextOp(Op::kContains, Folded(&n), Folded(&h));
    } else {
      hit = CaselessTextOpAt(FieldRefOp(shape), Text(n), Text(h));
    }
    lazy_stamp_[atom] = epoch_;
    if (hit) {
      lazy_true_[atom] = epoch_;
      SetAtom(atom);
    }
    return true;
  };
  const Program::FieldRefSlot* slots = prog_.fieldref_pairs.data();
  bool ok = true;
  for (size_t i = 0; ok && i < fieldref_fields_.size(); ++i) {
    const uint32_t f = fieldref_fields_[i];
    const uint32_t row = prog_.indexes[f].fieldref_row;
    if (row == UINT32_MAX) {
      for (const uint32_t *a = prog_.fieldref_by_field.row_begin(f),
                          *end = prog_.fieldref_by_field.row_end(f);
           ok && a != end; a += 3) {
        if (Present(a[1])) ok = decide(f, Summary(f), a[0], a[1], a[2]);
      }
      continue;
    }
    const RefSummary& hay = Summary(f);
    if (!masks) make_masks();
    const bool narrow = by_bytes && hay.single;
    const uint32_t shapes = prog_.fieldref_row_shapes[row];
    for (uint32_t c = 0; ok && c < kFieldRefShapes; ++c) {
      if ((shapes >> c & 1) == 0) continue;
      const size_t at = (static_cast<size_t>(row) * kFieldRefShapes + c) * words;
      const uint64_t* bits = prog_.fieldref_bits.data() + at;
      const uint32_t* rank = prog_.fieldref_rank.data() + at;
      // The fields that can compare with this one in shape c (all present ones when
      // the bytes tell nothing).
      const uint64_t* front = nullptr;
      const uint64_t* back = nullptr;
      bool only_empty = false;
      if (narrow && c != kRefNone && c != kRefContains) {
        if (hay.length == 0) {
          only_empty = true;
        } else {
          if (c != kRefSuffix) front = fieldref_front_.data() + hay.front * words;
          if (c != kRefPrefix) back = fieldref_back_.data() + hay.back * words;
        }
      }
      const bool filtered = only_empty || front != nullptr || back != nullptr;
      for (uint32_t w = 0; ok && w < words; ++w) {
        // A word that meets no field the event has needs none of the masks below.
        uint64_t can = fieldref_present_[w];
        if ((bits[w] & can) == 0) continue;
        if (filtered) {
          uint64_t bytes = only_empty ? 0 : ~uint64_t{0};
          if (front != nullptr) bytes &= front[w];
          if (back != nullptr) bytes &= back[w];
          // An empty needle is a prefix and a suffix of anything, and equals an empty hay.
          if (c != kRefEquals || only_empty) bytes |= fieldref_empty_[w];
          can = bytes | fieldref_multi_[w];
        }
        for (uint64_t m = bits[w] & can; ok && m != 0; m &= m - 1) {
          uint32_t p = rank[w] + PopCount(bits[w] & ((m & (~m + 1)) - 1));
          do {
            const Program::FieldRefSlot& x = slots[p];
            ok = decide(f, hay, x.atom, x.other, x.shape);
            p = x.next;
          } while (ok && p != UINT32_MAX);
        }
      }
    }
  }
  if (masks) {
    for (uint32_t g : fieldref_seconds_) {
      const uint32_t w = prog_.indexes[g].fieldref_second / 64;
      fieldref_present_[w] = 0;
      if (!by_bytes) continue;
      fieldref_multi_[w] = fieldref_empty_[w] = 0;
      const RefSummary& x = ref_summary_[g];
      fieldref_front_[x.front * words + w] = 0;
      fieldref_back_[x.back * words + w] = 0;
    }
  }
  return ok;
}

bool Evaluator::EvalFieldRef(const Predicate& p) {
  if (!Present(p.field) || !Present(p.other_field)) return false;
  ++counters_.fieldref_tests;
  // Only nulls on the other side: as if it were missing (ir.h), neq included.
  if (stored_[p.other_field].empty()) return false;
  // ir.h: some value of the field for which some value of the other field compares
  // (neq: for which none does).
  for (Stored& a : stored_[p.field]) {
    bool hit = false;
    for (Stored& b : stored_[p.other_field]) {
      if (p.cased) {
        hit = TextOp(p.ref_op, Text(b), Text(a));
      } else if (p.ref_op == Op::kEquals || p.ref_op == Op::kPrefix || p.ref_op == Op::kSuffix) {
        hit = CaselessTextOpAt(p.ref_op, Text(b), Text(a));
      } else {
        // Each value is folded once per event, however many fieldrefs compare it; both
        // copies are made before either view is taken (the arena may move).
        Folded(&a);
        Folded(&b);
        hit = TextOp(p.ref_op, Folded(&b), Folded(&a));
      }
      if (hit) break;
    }
    if (hit != p.negate) return true;
  }
  return false;
}

bool Evaluator::EvalPred(uint32_t id) {
  const Predicate& p = prog_.ir.predicates[id];
  if (!Materialize(p.field) || restart_) return false;
  if (p.op == Op::kFieldRef && (!Materialize(p.other_field) || restart_)) return false;
  switch (prog_.eval[id]) {
    case PredEval::kPresence:
      switch (p.op) {
        case Op::kNull: return !Present(p.field) || null_stamp_[p.field] == epoch_;
        case Op::kExists: return Present(p.field);
        default: return !Present(p.field);
      }
    case PredEval::kFieldRef:
      if (lazy_stamp_[id] == epoch_) return lazy_true_[id] == epoch_;
      lazy_stamp_[id] = epoch_;
      if (!EvalFieldRef(p)) return false;
      lazy_true_[id] = epoch_;
      return true;
    case PredEval::kIndexed:
      if (atom_stamp_[id] == epoch_) return true;
      if (!prog_.deferred[id] || p.field == kAnyString || deferred_stamp_[p.field] != epoch_)
        return false;
      break;
    case PredEval::kConfirm:
    case PredEval::kLazy:
      break;
  }
  if (lazy_stamp_[id] == epoch_) return lazy_true_[id] == epoch_;
  lazy_stamp_[id] = epoch_;
  ++counters_.lazy_tests;
  bool r;
  if (prog_.eval[id] == PredEval::kIndexed) {
    r = TestDeferred(id);
  } else {
    bool gate = prog_.eval[id] == PredEval::kLazy;
    // Objects of a deferred field were not searched for the atoms.
    if (!gate && p.field != kAnyString && deferred_stamp_[p.field] == epoch_) gate = true;
    if (!gate) {
      gate = true;
      for (const auto& clause : prog_.confirm_clauses[id]) {
        bool any = false;
        for (uint32_t a : clause) {
          if (atom_stamp_[a] == epoch_) {
            any = true;
            break;
          }
        }
        if (!any) {
          gate = false;
          break;
        }
      }
    }
    r = gate && TestLazy(id);
  }
  if (r) lazy_true_[id] = epoch_;
  return r;
}

bool Evaluator::EvalCode(const uint32_t* pc) {
  using namespace rule_code;
  const uint32_t w = *pc;
  switch (static_cast<Node>(w >> kShift)) {
    case kFalse: return false;
    case kTrue: return true;
    case kStamp: return atom_stamp_[w & kMask] == epoch_;
    case kPred: return EvalPred(w & kMask);
    case kNot: return !EvalCode(pc + 1);
    case kAnd:
      for (const uint32_t *k = pc + 1, *end = pc + (w & kMask); k != end; k += Width(*k)) {
        if (!EvalCode(k)) return false;
      }
      return true;
    case kOr:
      for (const uint32_t *k = pc + 1, *end = pc + (w & kMask); k != end; k += Width(*k)) {
        if (EvalCode(k)) return true;
      }
      return false;
  }
  return false;
}

// How far ahead the candidate loop asks for a rule's code (Candidates).
constexpr size_t kCodePrefetchDistance = 4;

bool Evaluator::Candidates(EventKind kind, Envelope envelope, std::vector<uint32_t>* rules) {
  bool cloudtrail = false;
  switch (kind) {
    case EventKind::kCloudTrail: cloudtrail = true; break;
    case EventKind::kAny: cloudtrail = false; break;
    case EventKind::kAuto:
      cloudtrail = envelope == Envelope::kRecords || envelope == Envelope::kLookupEvents ||
                   cloudtrail_keys_ >= 2;
      break;
  }
  if (!DecideFieldRefAtoms()) return false;
  for (uint32_t r : prog_.always) candidates_.push_back(r);  // no trigger: not pushed before
  const uint32_t* rule_code = prog_.rule_code.data();
  for (size_t i = 0; i < candidates_.size(); ++i) {
    const uint32_t r = candidates_[i];
    // A rule's code is in no cache at thousands of rules, and the list says which comes
    // next: ask for it a few candidates ahead.
    if (i + kCodePrefetchDistance < candidates_.size()) {
      __builtin_prefetch(rule_code + rules_[candidates_[i + kCodePrefetchDistance]].code);
    }
    const uint32_t* code = rule_code + rules_[r].code;
    if (cloudtrail && !(code[1] & rule_code::kFitsCloudTrail)) continue;
    if (code[0] != rule_code::kNoQuickCheck && atom_stamp_[code[0]] != epoch_) {
      ++counters_.candidates;
      ++counters_.checks_failed;
      continue;
    }
    ++code;
    const bool checks = ChecksHold(&code);
    ++counters_.candidates;
    if (checks) {
      ++counters_.conditions;
    } else {
      ++counters_.checks_failed;
    }
    if (checks && EvalCode(code)) rules->push_back(r);
    if (restart_ || deep_error_) return false;
  }
  std::sort(rules->begin(), rules->end());
  return true;
}

Status Evaluator::DepthError() {
  return Status::Error(StatusCode::kLimitExceeded, "event nested deeper than " +
                                                       std::to_string(kMaxEventDepth) +
                                                       " levels (objects and arrays)");
}

bool Evaluator::Evaluate(std::string_view json, EventKind kind, Envelope envelope,
                         std::vector<uint32_t>* rules, Status* error) {
  ++counters_.events;
  duplicate_keys_ = false;
  // Every reading below (duplicate keys, lone surrogates) is of the event with its
  // embedded documents decoded, as the reference interpreter reads it.
  if (embedded_ != nullptr && MayHoldEmbedded(json)) {
    std::string_view inserted;
    if (embedded_->InsertInto(json, &embedded_text_, &inserted)) json = inserted;
  }
  if (EvaluateText(json, kind, envelope, rules, error))
    return duplicate_keys_ ? EvaluateDuplicates(json, kind, envelope, rules, error) : true;
  // simdjson refuses a lone surrogate escape (\ud800) wherever it unescapes a string.
  // Such an event is valid JSON: it is evaluated again with each lone surrogate read
  // as U+FFFD (util/surrogates.h), so one escape an attacker controls cannot hide the
  // event from every rule. Only refused events pay for the look.
  if (too_deep_ || deep_error_ ||
      !ReplaceLoneSurrogateEscapes(json, &surrogate_free_, simdjson::SIMDJSON_PADDING)) {
    return false;
  }
  *error = Status::Ok();
  duplicate_keys_ = false;
  const std::string_view fixed(surrogate_free_.data(), json.size());
  copy_base_ = fixed.data();
  original_base_ = json.data();
  const bool ok = EvaluateText(fixed, kind, envelope, rules, error);
  copy_base_ = original_base_ = nullptr;
  if (!ok) return false;
  if (!duplicate_keys_) return true;
  // EvaluateDuplicates's copies are made from this one: keep it out of their buffer.
  surrogate_keep_.assign(surrogate_free_);
  return EvaluateDuplicates(std::string_view(surrogate_keep_.data(), json.size()), kind, envelope,
                            rules, error);
}

// Looks for embedded documents in the DOM that EvaluateText reads anyway (parsed here,
// or the Reader's, and then reused by it). An event the DOM parser refuses (a lone
// surrogate, a number past 64 bits) is left to InsertInto's look at the text.
bool Evaluator::MayHoldEmbedded(std::string_view json) {
  if (!(dom_reuse_ && dom_data_ == json.data() && dom_size_ == json.size())) {
    simdjson::dom::element root;
    if (!ParseDom(json, &root)) return true;
    ReuseDom(json);
    dom_parsed_here_ = true;  // not the Reader's parse: counters_.dom_reused leaves it out
  }
  return embedded_->AnyIn(dom_root_);
}

// A key of the rules' trie met in the object numbered `serial`: a second meeting in
// the same object is a duplicate key (util/duplicate_keys.h). Keys no rule reads are
// not looked at: they cannot change a verdict.
void Evaluator::NoteKey(int32_t child, uint32_t serial) {
  if (key_seen_[static_cast<size_t>(child)] == serial) {
    duplicate_keys_ = true;
  } else {
    key_seen_[static_cast<size_t>(child)] = serial;
  }
}

uint32_t Evaluator::NextObjectSerial() {
  if (++object_serial_ == 0) {  // wrapped: stale marks could read as this object's
    std::fill(key_seen_.begin(), key_seen_.end(), 0);
    object_serial_ = 1;
  }
  return object_serial_;
}

// The event has a duplicate key among those the rules read: it matches what it
// matches read first-wins or last-wins (util/duplicate_keys.h), never less.
bool Evaluator::EvaluateDuplicates(std::string_view json, EventKind kind, Envelope envelope,
                                   std::vector<uint32_t>* rules, Status* error) {
  ++duplicate_key_events_;
  dedup_rules_.clear();
  for (const bool keep_last : {false, true}) {
    if (!RemoveDuplicateKeys(json, keep_last, &dedup_, simdjson::SIMDJSON_PADDING))
      return true;  // none after all
    std::vector<uint32_t> one;
    if (!EvaluateText(std::string_view(dedup_.data(), json.size()), kind, envelope, &one, error))
      return false;
    dedup_rules_.insert(dedup_rules_.end(), one.begin(), one.end());
  }
  std::sort(dedup_rules_.begin(), dedup_rules_.end());
  dedup_rules_.erase(std::unique(dedup_rules_.begin(), dedup_rules_.end()), dedup_rules_.end());
  rules->assign(dedup_rules_.begin(), dedup_rules_.end());
  validated_ = false;  // the copies were validated, not the event: the caller checks it
  return true;
}

bool Evaluator::ParseDom(std::string_view json, simdjson::dom::element* root) {
  dom_data_ = nullptr;
  dom_reuse_ = false;
  ++dom_generation_;
  if (dom_parser_.parse(json.data(), json.size(), false).get(dom_root_) ||
      dom_root_.type() != simdjson::dom::element_type::OBJECT) {
    return false;
  }
  *root = dom_root_;
  return true;
}

void Evaluator::ReuseDom(std::string_view json) {
  dom_data_ = json.data();
  dom_size_ = json.size();
  dom_reuse_ = true;
}

// DomStructurals reads simdjson's parser internals, which its major versions may change.
static_assert(simdjson::SIMDJSON_VERSION_MAJOR == 3,
              "check Evaluator::DomStructurals against this simdjson");

void Evaluator::ReuseDomElement(std::string_view json, simdjson::dom::element element) {
  dom_root_ = element;
  ReuseDom(json);
}

bool Evaluator::EvaluateText(std::string_view json, EventKind kind, Envelope envelope,
                             std::vector<uint32_t>* rules, Status* error) {
  rules->clear();
  validated_ = false;
  current_json_ = json;
  minus_zero_ = -1;
  too_deep_ = false;
  deep_error_ = false;
  full_ = false;
  // The DOM walk; on an event it cannot finish (see above), or that simdjson's DOM
  // parser rejects (invalid JSON, numbers beyond 64 bits, nesting beyond 1024 levels),
  // the On-Demand walk below decides, with the same verdicts and error messages.
  simdjson::dom::element root;
  const bool reuse = dom_reuse_ && dom_data_ == json.data() && dom_size_ == json.size();
  dom_reuse_ = false;
  counters_.dom_reused += reuse && !dom_parsed_here_;
  dom_parsed_here_ = false;
  if (reuse || ParseDom(json, &root)) {
    root = dom_root_;
    dom_data_ = json.data();
    dom_size_ = json.size();
    validated_ = true;
    NextEpoch();
    dom_mode_ = true;
    restart_ = false;
    top_level_ = true;
    cloudtrail_keys_ = 0;
    if (!DomVisitObject(simdjson::dom::object(root), 0, 0)) {
      dom_mode_ = false;
      *error = WalkError();
      return false;
    }
    if (!restart_ && prog_.has_keywords && KeywordPrefilter(json) && !DomKeywords(root, 0)) {
      dom_mode_ = false;
      *error = DepthError();
      return false;
    }
    const bool done = !restart_ && Candidates(kind, envelope, rules);
    dom_mode_ = false;
    if (done) return true;
    if (deep_error_) {
      *error = DepthError();
      return false;
    }
    rules->clear();
  }
  NextEpoch();
  restart_ = false;
  ++counters_.on_demand;
  od::document doc;
  doc_ = &doc;
  auto fail = [&](simdjson::error_code ec) {
    *error = InvalidJson(ec);
    return false;
  };
  if (auto ec = parser_.iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING)
                    .get(doc)) {
    return fail(ec);
  }
  od::object obj;
  if (auto ec = doc.get_object().get(obj)) {
    *error = ec == simdjson::INCORRECT_TYPE ? InvalidJson("event is not a JSON object")
                                            : InvalidJson(ec);
    return false;
  }
  top_level_ = true;
  too_deep_ = false;
  cloudtrail_keys_ = 0;
  if (!VisitObject(obj, 0, 0)) {
    *error = WalkError();
    return false;
  }
  // On-Demand stops at the object's closing brace; text after it (`{...} x`) makes the
  // event invalid JSON, not an event that can match (found by fuzz/fuzz_matcher).
  const char* rest = nullptr;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {  // i.e. not at the end
    *error = InvalidJson("invalid JSON: text after the event object");
    return false;
  }
  if (prog_.has_keywords && KeywordPrefilter(json) && !KeywordWalk(json, error)) return false;
  return Candidates(kind, envelope, rules);
}

}  // namespace vigil::internal
