// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Stage 4 of the pipeline: the compiled, immutable matching program. Internal; use
// include/vigil/ instead.
//
// The design goal is that the cost of an event does not grow with the number of rules:
// each value of a field is tested against ALL the rules that read the field at once,
// and a rule is evaluated only when the literals it cannot match without occurred.
//
// Atoms. An atom is a fact about one value that an index decides in one step for every
// rule: "eventName equals (folded) DeleteTrail", "userAgent starts with python-",
// "errorMessage contains 'not authorized'", "sourceIPAddress is in 10.0.0.0/8",
// "durationSeconds > 3600". Atom ids 0..P-1 are the IR's predicates themselves, when
// a predicate is such a fact (kIndexed); atoms P.. are literals derived from the
// predicates an index cannot decide alone (wildcards and regexes, kConfirm): a value
// can only match `*foo*bar*` if it contains "bar", and `^(curl|wget)/` only if it
// contains "curl/" or "wget/".
//
// Layout (all read-only after Compile, shared by every thread):
//   * trie: every field path any predicate reads, one node per path segment, so the
//     event walker descends only into the parts of an event some rule needs;
//   * indexes[field]: per field, every atom of the field in structures whose cost per
//     value does not depend on their size: hash maps for equality (folded and
//     case-sensitive), path-compressed byte tries for prefixes and suffixes (AffixTrie:
//     one table probe per branching node), one multi-literal search for all contained
//     literals (LiteralMatcher: a q-gram index and Vectorscan), byte-fact gates for
//     regexes with no literal (regex_bytes.h), and, for a field with many regexes, one
//     automaton that tells which of them have a match (RegexSet), binary tries for CIDR
//     networks, sorted thresholds for numbers;
//     and the predicates that are tested lazily, value by value, only when a candidate
//     rule asks (regex and wildcard confirmation, `neq`, time parts; regex and wildcard
//     outcomes on values seen before come from the evaluator's ValueMemo);
//   * keywords: the same for unfielded (keyword) predicates, which see every string of
//     the event, plus a prefilter that searches the whole event text once for every
//     keyword literal: events with no keyword literal skip the keyword walk entirely;
//   * rule candidates: from each rule's condition the compiler derives clauses of atoms
//     (an AND of ORs: the rule cannot match unless, for every clause, one of its atoms
//     holds). The cheapest clause is the rule's trigger: when one of its atoms holds, the
//     rule becomes a candidate (triggers). Up to kMaxChecks other clauses are checked
//     (bit tests) before the candidate's condition is evaluated. Rules with no clause
//     (pure negations) are evaluated for every event (`always`); `vigil dump` counts them.
//   * conditions: each rule's boolean expression over predicates, from the IR.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compile/literal_matcher.h"
#include "compile/regex.h"
#include "compile/regex_bytes.h"
#include "compile/regex_set.h"
#include "ir/ir.h"
#include "util/cidr.h"
#include "util/flat_map.h"
#include "vigil/status.h"

namespace vigil::internal {

struct TrieNode {
  FlatStringMap<uint32_t> children;
  int32_t field = -1;  // the field whose path ends at this node, or -1
  // A 256-bit filter of the children's keys (by length, first and last byte): most keys
  // of an event are read by no rule, and this rejects them before any hashing.
  uint64_t filter[4] = {0, 0, 0, 0};
  static uint32_t FilterBit(std::string_view key) {
    const size_t n = key.size();
    const uint32_t first = n ? static_cast<uint8_t>(key[0]) : 0,
                   last = n ? static_cast<uint8_t>(key[n - 1]) : 0;
    return (static_cast<uint32_t>(n) * 31u + first * 7u + last * 13u) & 255u;
  }
  bool MayHaveChild(std::string_view key) const {
    const uint32_t b = FilterBit(key);
    return (filter[b >> 6] >> (b & 63)) & 1;
  }
};

// Prefix (or suffix) literals of a field as a trie over their folded bytes (a suffix
// trie reads backwards). A value walks it from its first (last) byte for as long as
// some literal continues that way, and collects the literals ending on the way: the
// cost is the length of the longest literal the value starts (ends) like, whatever the
// number of literals. Case-sensitive literals are verified against the value's own
// bytes when the folded walk reaches them.
class AffixTrie {
 public:
  // `from_end`: a suffix trie (the literal is read backwards; all Adds must agree).
  void Add(std::string_view literal, bool cased, uint32_t atom, bool from_end);
  // Lays out the edge table; call once, after the last Add.
  void Finish();
  bool empty() const { return literals_ == 0; }
  size_t size() const { return literals_; }
  size_t MemoryBytes() const;
  // Calls f(atom) for every literal `text` starts with (ends with, from_end).
  template <typename F>
  void Walk(std::string_view text, bool from_end, F&& f) const;

 private:
  struct Cased {
    uint32_t atom;
    std::string text;  // as written
  };
  // The laid-out trie: by node, its folded atoms (rows of folded_) and case-sensitive
  // literals (rows of cased_); edges in one open-addressed table.
  // Finish compresses paths: an edge stands for its byte and then `label_length` more
  // bytes (labels_ at label_offset, folded, in walk order) through nodes that neither
  // branch nor end a literal, so a walk probes the table once per branching node, not
  // once per byte (at thousands of literals each probe is a cache miss).
  struct Edge {
    uint64_t key = 0;  // EdgeKey + 1; 0: empty slot
    uint32_t child = 0;
    uint32_t flags = 0;  // kHasAtoms: the child ends some literal
    uint32_t label_offset = 0;
    uint32_t label_length = 0;
  };
  static constexpr uint32_t kHasAtoms = 1;
  static uint64_t EdgeKey(uint32_t node, uint8_t byte) {
    return (static_cast<uint64_t>(node) << 8) | byte;
  }
  const Edge* Find(uint64_t key) const;
  // The home slot of a stored key (EdgeKey + 1) in edges_.
  uint64_t Home(uint64_t stored) const { return ((stored * 0x9E3779B97F4A7C15ull) >> 40) & mask_; }
  // Puts `e` in the first free slot from its home (edges_ has room).
  void Place(const Edge& e);
  void Grow();

  // While building: edges go straight into edges_ (grown as needed); what ends at each
  // node is collected as (node, ...) pairs and laid out by Finish.
  uint32_t nodes_ = 1;
  size_t edge_count_ = 0;
  std::vector<std::pair<uint32_t, uint32_t>> folded_pairs_;
  std::vector<std::pair<uint32_t, Cased>> cased_pairs_;
  std::vector<Edge> edges_;
  uint64_t mask_ = 0;
  std::vector<uint32_t> folded_begin_, folded_;
  std::vector<uint32_t> cased_begin_;
  std::vector<Cased> cased_;
  std::string labels_;
  bool root_has_atoms_ = false;
  size_t literals_ = 0;
};

// CIDR networks as binary tries over address bits (one for IPv4, one for IPv6): an
// address visits at most 32 (128) nodes and collects the networks that contain it.
class CidrIndex {
 public:
  void Add(const Cidr& net, uint32_t atom);
  bool empty() const { return count_ == 0; }
  size_t size() const { return count_; }
  // Calls f(atom) for every network containing `ip`, with CidrContains' semantics
  // (an IPv4-mapped IPv6 address also meets the IPv4 networks).
  template <typename F>
  void Lookup(const IpAddress& ip, F&& f) const;
  size_t MemoryBytes() const;
  // Lays out the atoms of every node; call once, after the last Add.
  void Finish();

 private:
  struct Node {
    uint32_t child[2] = {0, 0};  // 0: none (the root is never a child)
    uint32_t atoms_begin = 0, atoms_end = 0;  // into atoms_, after Finish
  };
  struct Trie {
    std::vector<Node> nodes{Node{}};
    std::vector<std::vector<uint32_t>> pending;  // by node, while building
  };
  void Insert(Trie* t, const uint8_t* bytes, int prefix, uint32_t atom);
  template <typename F>
  void Walk(const Trie& t, const uint8_t* bytes, int bits, F&& f) const;
  Trie v4_, v6_;
  std::vector<uint32_t> atoms_;
  size_t count_ = 0;
};

// Numeric comparisons of one field: thresholds sorted, so a value costs a binary search
// plus one step per comparison that holds.
struct NumericIndex {
  std::vector<std::pair<double, uint32_t>> eq, lt, lte, gt, gte;  // (number, atom), sorted
  bool empty() const {
    return eq.empty() && lt.empty() && lte.empty() && gt.empty() && gte.empty();
  }
};

struct FieldIndex {
  FlatStringMap<std::vector<uint32_t>> exact_folded;  // key lower-cased -> atoms
  FlatStringMap<std::vector<uint32_t>> exact_cased;
  AffixTrie prefix, suffix;
  std::unique_ptr<LiteralMatcher> contains;  // literal id -> contains_atoms[id]
  std::vector<uint32_t> contains_atoms;
  std::vector<uint32_t> unicode_fold_atoms;  // see DerivedAtom::unicode_fold
  CidrIndex cidr;
  NumericIndex numeric;
  std::vector<uint32_t> lazy;  // predicates tested from the stored values (kConfirm, kLazy)
  // Regexes with no literal atom: cheap necessary conditions (Regex::Gate) tested on
  // every value, sorted by minimum length; one that passes sets the regex's gate atom,
  // and only then can its rules become candidates (the search itself runs later, for
  // them). Testing a gate costs a few instructions where a search costs hundreds.
  struct RegexGate {
    uint32_t min_length = 0;
    bool check_first = false;  // anchored with known first bytes
    int16_t required_byte = -1;
    uint64_t first_bytes[4] = {0, 0, 0, 0};
    uint32_t atom = 0;
    // Byte facts (regex_bytes.h), tested on the value's byte set when the checks above
    // pass: `^[0-9a-f]{32}$` rejects any value with a byte outside [0-9a-f\n].
    const RegexBytes* bytes = nullptr;  // owned by Program::regex_bytes; null: none
  };
  std::vector<RegexGate> gates;
  // The field's regexes and wildcards searched together (regex_set.h), when it has at
  // least kRegexSetMinPatterns a set can take: one set per kRegexSetMaxPatterns of them.
  // A pattern with a match in the value sets atoms[its index].
  struct Set {
    const RegexSet* set = nullptr;  // owned by Program::regex_sets
    uint32_t id = 0;                // its index there
    bool folded = false;            // searched with the value ASCII-folded (caseless wildcards)
    std::vector<uint32_t> atoms;
  };
  std::vector<Set> regex_sets;
  // For the values those sets do not take (regex_set.h: non-ASCII, newlines, long
  // values...): the literal atoms and gates their patterns would have had without them,
  // and an atom set for every such value (for patterns with neither; UINT32_MAX: none).
  std::unique_ptr<FieldIndex> fallback;
  uint32_t fallback_atom = UINT32_MAX;
  // The atom "the field is present" (`|exists: true`, and what fieldref needs), set when
  // the walk meets the field; kNoAtom when no rule asks.
  uint32_t presence_atom = UINT32_MAX;
  // The walk keeps this field's values for after it: lazy predicates or fieldref read
  // them.
  bool keep_values = false;
  // Some fieldref atom (Program::fieldref_atoms) compares this field with another: the
  // walk notes that it met it, so only those atoms are decided.
  bool fieldref_first = false;
  // This field's row of Program::fieldref_bits (UINT32_MAX: its atoms are listed in
  // Program::fieldref_by_field instead), and its bit there when some fieldref atom
  // compares another field with it (UINT32_MAX: none does).
  uint32_t fieldref_row = UINT32_MAX;
  uint32_t fieldref_second = UINT32_MAX;
  // An object or array value of this field must be indexed during the walk (an atom of
  // the field triggers a rule, or fieldref needs it). Otherwise its predicates are
  // deferred: tested on the raw JSON after the walk, only if a candidate rule asks.
  bool json_eager = false;
  bool has_atoms() const {
    return !exact_folded.empty() || !exact_cased.empty() || !prefix.empty() || !suffix.empty() ||
           contains != nullptr || !cidr.empty() || !numeric.empty() || !gates.empty() ||
           !regex_sets.empty();
  }
  bool needs_values() const { return has_atoms() || keep_values; }
};

// How a predicate is decided.
enum class PredEval : uint8_t {
  kIndexed,   // its own atom, set by the field's index
  kConfirm,   // a regex or wildcard: tested lazily, only if one of its atoms occurred
  kLazy,      // tested lazily on every value (no atom: `neq`, time parts, atomless regex)
  kPresence,  // null / exists / not exists: from which fields the walk met
  kFieldRef,  // compares stored values of two fields
};

// An atom derived from a wildcard, regex or fieldref (ids P.. in the atom space).
struct DerivedAtom {
  uint32_t field = 0;  // or kAnyString
  // kPrefix, kSuffix, kContains; kExists (the field is present); kRegex (the gate of
  // the regex predicate `text` names, "#<id>", passed: FieldIndex::gates)
  Op op = Op::kContains;
  bool cased = false;
  std::string text;
  // A caseless regex atom with k or s (RegexAtom::unicode_fold): also set for every
  // value that holds U+212A or U+017F (FieldIndex::unicode_fold_atoms).
  bool unicode_fold = false;
  // Needed only by patterns of a field's regex sets: searched (FieldIndex::fallback)
  // only in the values those sets do not take.
  bool fallback = false;
  // Set by a regex set (FieldIndex::Set::atoms) when its pattern has a match: it holds
  // about as rarely as the pattern itself (`text` is "#set<id>", for dumps).
  bool regex_set = false;
};

// Compressed rows: row i is data[begin[i] .. begin[i+1]).
struct Rows {
  std::vector<uint32_t> begin{0};
  std::vector<uint32_t> data;
  size_t size() const { return begin.size() - 1; }
  const uint32_t* row_begin(size_t i) const { return data.data() + begin[i]; }
  const uint32_t* row_end(size_t i) const { return data.data() + begin[i + 1]; }
  void Add(const std::vector<uint32_t>& row) {
    data.insert(data.end(), row.begin(), row.end());
    begin.push_back(static_cast<uint32_t>(data.size()));
  }
};

inline constexpr size_t kMaxChecks = 3;

// The words of Program::rule_code, for one rule from Program::rule_code_at:
//   - its quick check: the atom of its first check when that clause is a single atom
//     on a field the first pass walks and never defers (then one bit test decides it),
//     or kNoQuickCheck;
//   - the number of its checks (Program::checks), or'ed with kFitsCloudTrail when its
//     logsource admits CloudTrail events;
//   - each check as a word `n | kClauseFinal?` followed by its n atoms. kClauseFinal:
//     every atom is set during the first pass or never (no fieldref to decide, no field
//     walked on demand or deferred), so the clause fails when none of them is set;
//   - its condition in prefix order, one word a node: the node's kind (Node) in the top
//     four bits, and below them a predicate id (kStamp, kPred) or the number of words of
//     the node with its operands (kNot, kAnd, kOr).
namespace rule_code {
inline constexpr uint32_t kNoQuickCheck = UINT32_MAX;
inline constexpr uint32_t kFitsCloudTrail = 1u << 31;
inline constexpr uint32_t kClauseFinal = 1u << 31;
inline constexpr uint32_t kShift = 28;
inline constexpr uint32_t kMask = (1u << kShift) - 1;
enum Node : uint32_t {
  kFalse = 0,
  kTrue,
  kStamp,  // an atom set during the first pass or never: its bit decides it
  kPred,   // any other predicate: Evaluator::EvalPred
  kNot,
  kAnd,
  kOr,
};
// The words a node takes, its operands included.
inline uint32_t Width(uint32_t word) { return (word >> kShift) >= kNot ? (word & kMask) : 1; }
}  // namespace rule_code

// REQUIRES of CompileProgram: ir.predicates.size() <= kMaxPredicates (ids fit in the
// rule code's words; RuleSetBuilder::Build refuses more).
inline constexpr size_t kMaxPredicates = rule_code::kMask;

// How a fieldref atom of Program::fieldref_by_field compares (kNone: negated, no
// quick rejection; its predicate decides).
// kRefCased is or'ed in when the comparison is case-sensitive.
enum FieldRefShape : uint32_t {
  kRefNone = 0,
  kRefEquals,
  kRefPrefix,
  kRefSuffix,
  kRefContains,
  kRefShapeMask = 7,
  kRefCased = 8
};
inline constexpr uint32_t kFieldRefShapes = 5;  // kRefNone ... kRefContains

struct Program {
  Ir ir;
  std::vector<TrieNode> trie;  // node 0 is the root
  // Lazy walk (evaluator.h): by trie node, whether a field of some rule's trigger lies
  // on or under it; the first pass walks only such nodes and keeps the others' values
  // for later. By field: the node where that pass stops on the field's path (-1: the
  // field is walked in the first pass), which a rule reading the field walks on demand.
  std::vector<uint8_t> trigger_node;
  // By field: the nodes of its path from where the first pass stops down to the field
  // itself (empty: the field is walked in the first pass). A pre-flattened key
  // ("userIdentity.arn") reaches any of them directly, so each may hold values.
  Rows field_lazy_path;
  std::vector<FieldIndex> indexes;  // by field id
  FieldIndex keywords;              // predicates over every string value
  bool has_keywords = false;
  // Keyword prefilter: the literal of every keyword atom, searched once in the event's
  // text (unescaped if it has escapes). No hit: no keyword atom holds. A hit literal's
  // atoms (keyword_literal_atoms: literal id -> rows of keyword_atoms) are then tested
  // on each string of the event, and only those.
  std::unique_ptr<LiteralMatcher> keyword_prefilter;
  struct KeywordAtom {
    uint32_t atom;
    Op op;  // kEquals, kPrefix, kSuffix or kContains
    bool cased;
    std::string text;
  };
  std::vector<KeywordAtom> keyword_atoms;
  Rows keyword_literal_atoms;
  bool keyword_always = false;  // some keyword predicate has no atom: always walk
  std::vector<std::unique_ptr<Regex>> regexes;  // by predicate id (null if not kRegex)
  std::vector<std::unique_ptr<RegexBytes>> regex_bytes;  // FieldIndex::RegexGate::bytes
  std::vector<std::unique_ptr<RegexSet>> regex_sets;     // FieldIndex::regex_sets
  std::vector<PredEval> eval;                   // by predicate id
  // By predicate id (kConfirm): clauses of atoms (an AND of ORs) the predicate cannot
  // hold without; the first is the most selective.
  std::vector<std::vector<std::vector<uint32_t>>> confirm_clauses;
  std::vector<DerivedAtom> derived;             // atom id P + i
  std::vector<uint32_t> atom_field;             // by atom id: its field, or kAnyString
  std::vector<uint8_t> deferred;                // by predicate id: see json_eager
  Rows triggers;                                // by atom id: rules it makes candidates
  Rows checks;                                  // by rule: its clause ids to check
  Rows clauses;                                 // by clause id: atoms
  std::vector<uint32_t> always;                 // rules with no trigger
  // Fieldref predicates that trigger some rule: decided once per event, after the walk
  // and before the candidate loop, when both fields are present. (A fieldref atom that
  // is only checked is decided when a candidate's check reads it.)
  std::vector<uint32_t> fieldref_atoms;
  // By field id: the fieldref_atoms whose first field it is, as triples (atom, the other
  // field, its FieldRefShape), so that the loop over them reads no predicate it does
  // not decide, and rejects most comparisons of two single values by their lengths and
  // end bytes alone.
  Rows fieldref_by_field;
  // The same atoms for a field with a row here (FieldIndex::fieldref_row), reached by the
  // pairs of fields an event has rather than by every atom of the field: most atoms
  // compare it with a field the event lacks, or with a value that cannot compare, and
  // a row of bits (one per field some fieldref compares with: FieldIndex::
  // fieldref_second) ANDed with the event's fields that can skips 64 of them a word.
  // A row is kFieldRefShapes sub-rows, one per FieldRefShape (the evaluator keeps a mask
  // of the fields that can compare for each): sub-row c of row r is fieldref_bits[(r *
  // kFieldRefShapes + c) * fieldref_words, ...); fieldref_rank there is the index in
  // fieldref_pairs of the word's first pair, whose slot holds its first atom (a pair
  // has more when several fieldrefs of the same two fields fall in one sub-row, cased
  // and not, or negated: chained by `next`); fieldref_row_shapes has a bit for each
  // sub-row that is not empty. A field gets a row only when it has at least eight
  // atoms for each word of a sub-row, so the rows cost memory in proportion to the
  // atoms, and a field with few atoms keeps the plain list.
  uint32_t fieldref_words = 0;
  std::vector<uint64_t> fieldref_bits;
  std::vector<uint32_t> fieldref_rank;
  std::vector<uint8_t> fieldref_row_shapes;
  struct FieldRefSlot {
    uint32_t atom, other, shape, next;
  };
  std::vector<FieldRefSlot> fieldref_pairs;
  // By rule: where its code starts in rule_code.
  std::vector<uint32_t> rule_code_at;
  // Each rule's quick check, logsource, checks and condition, laid out together in the
  // order the candidate loop reads them (see rule_code above). At thousands of rules a
  // candidate's head, checks, clauses and condition tree would sit in as many places in
  // memory, each a cache miss; here they take one or two lines.
  std::vector<uint32_t> rule_code;
  std::vector<std::vector<uint32_t>> witnesses;  // by rule: its trigger atoms
  std::vector<Diagnostic> diagnostics;

  size_t atom_count() const { return ir.predicates.size() + derived.size(); }
  std::string AtomToString(uint32_t atom) const;
  std::string Dump() const;
  // Rough bytes held by the indexes (for `vigil dump` and benchmarks).
  size_t IndexMemoryBytes() const;
};

// Compiles the IR into a Program. Regex compile errors (already checked while
// lowering) cannot happen here; a Vectorscan database that fails to compile becomes a
// warning in Program::diagnostics and its literals are searched one by one.
std::unique_ptr<Program> CompileProgram(Ir ir);

template <typename F>
void CidrIndex::Walk(const Trie& t, const uint8_t* bytes, int bits, F&& f) const {
  uint32_t n = 0;
  for (int i = 0;; ++i) {
    const Node& node = t.nodes[n];
    for (uint32_t k = node.atoms_begin; k < node.atoms_end; ++k) f(atoms_[k]);
    if (i == bits) return;
    const int bit = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
    n = node.child[bit];
    if (n == 0) return;
  }
}

template <typename F>
void CidrIndex::Lookup(const IpAddress& ip, F&& f) const {
  if (!ip.v6) {
    Walk(v4_, ip.bytes.data(), 32, f);
    return;
  }
  Walk(v6_, ip.bytes.data(), 128, f);
  // ::ffff:a.b.c.d also meets the IPv4 networks (CidrContains).
  static constexpr uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  bool mapped = true;
  for (int i = 0; i < 12; ++i) mapped = mapped && ip.bytes[i] == kMapped[i];
  if (mapped) Walk(v4_, ip.bytes.data() + 12, 32, f);
}

inline const AffixTrie::Edge* AffixTrie::Find(uint64_t key) const {
  if (edges_.empty()) return nullptr;
  uint64_t i = Home(key + 1);
  while (edges_[i].key != 0) {
    if (edges_[i].key == key + 1) return &edges_[i];
    i = (i + 1) & mask_;
  }
  return nullptr;
}

template <typename F>
void AffixTrie::Walk(std::string_view text, bool from_end, F&& f) const {
  const size_t n = text.size();
  auto report = [&](uint32_t node) {
    for (uint32_t k = folded_begin_[node]; k < folded_begin_[node + 1]; ++k) f(folded_[k]);
    for (uint32_t k = cased_begin_[node]; k < cased_begin_[node + 1]; ++k) {
      const Cased& c = cased_[k];
      const size_t at = from_end ? n - c.text.size() : 0;
      if (text.compare(at, c.text.size(), c.text) == 0) f(c.atom);
    }
  };
  auto folded = [&](size_t i) {
    const char ch = text[from_end ? n - 1 - i : i];
    return static_cast<uint8_t>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  };
  if (root_has_atoms_) report(0);
  uint32_t node = 0;
  for (size_t i = 0; i < n;) {
    const Edge* e = Find(EdgeKey(node, folded(i)));
    if (e == nullptr) return;
    ++i;
    if (e->label_length > n - i) return;
    const uint8_t* label = reinterpret_cast<const uint8_t*>(labels_.data()) + e->label_offset;
    for (uint32_t k = 0; k < e->label_length; ++k, ++i) {
      if (folded(i) != label[k]) return;
    }
    node = e->child;
    if (e->flags & kHasAtoms) report(node);
  }
}

}  // namespace vigil::internal
