// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// IR -> Program: the field trie, the per-field indexes of atoms, and the rule
// candidates (trigger and check clauses); see program.h. Tested by
// tests/compile/compiler_test.cc and, against the reference evaluator, by the cases.
//
// Longer than this project's ~600-line mark: the affix tries and cidr index, the choice
// of atoms, the per-field indexes and the clauses are still one file, written as one
// pass that fills one Program (sections marked "----"); each could be a file of its own
// behind program.h (issue 14).

#include <algorithm>
#include <array>
#include <map>
#include <span>
#include <unordered_map>

#include "compile/program.h"
#include "compile/regex_atoms.h"
#include "util/strings.h"

namespace vigil::internal {

// ---- AffixTrie / CidrIndex ---------------------------------------------------------

void AffixTrie::Place(const Edge& e) {
  uint64_t i = Home(e.key);
  while (edges_[i].key != 0) i = (i + 1) & mask_;
  edges_[i] = e;
}

void AffixTrie::Grow() {
  std::vector<Edge> old = std::move(edges_);
  const size_t cap = old.empty() ? 64 : old.size() * 2;
  edges_.assign(cap, Edge{});
  mask_ = cap - 1;
  for (const Edge& e : old) {
    if (e.key != 0) Place(e);
  }
}

void AffixTrie::Add(std::string_view literal, bool cased, uint32_t atom, bool from_end) {
  // Walk (and grow) the trie along the folded literal (backwards for a suffix).
  uint32_t node = 0;
  for (size_t i = 0; i < literal.size(); ++i) {
    const char ch = literal[from_end ? literal.size() - 1 - i : i];
    const uint64_t key = EdgeKey(node, static_cast<uint8_t>(AsciiLower(ch))) + 1;
    if ((edge_count_ + 1) * 2 > edges_.size()) Grow();
    uint64_t slot = Home(key);
    while (edges_[slot].key != 0 && edges_[slot].key != key) slot = (slot + 1) & mask_;
    if (edges_[slot].key == 0) {
      edges_[slot] = {key, nodes_++, 0};
      ++edge_count_;
    }
    node = edges_[slot].child;
  }
  if (cased) {
    cased_pairs_.push_back({node, Cased{atom, std::string(literal)}});
  } else {
    folded_pairs_.push_back({node, atom});
  }
}

void AffixTrie::Finish() {
  // Lay out what ends at each node (rows by node), dropping repeats.
  std::sort(folded_pairs_.begin(), folded_pairs_.end());
  folded_pairs_.erase(std::unique(folded_pairs_.begin(), folded_pairs_.end()), folded_pairs_.end());
  std::stable_sort(cased_pairs_.begin(), cased_pairs_.end(), [](const auto& a, const auto& b) {
    return a.first < b.first || (a.first == b.first && a.second.atom < b.second.atom);
  });
  cased_pairs_.erase(std::unique(cased_pairs_.begin(), cased_pairs_.end(),
                                 [](const auto& a, const auto& b) {
                                   return a.first == b.first && a.second.atom == b.second.atom;
                                 }),
                     cased_pairs_.end());
  literals_ = folded_pairs_.size() + cased_pairs_.size();
  std::vector<uint8_t> has_atoms(nodes_, 0);
  folded_begin_.assign(nodes_ + 1, 0);
  cased_begin_.assign(nodes_ + 1, 0);
  for (const auto& [node, atom] : folded_pairs_) {
    ++folded_begin_[node + 1];
    has_atoms[node] = 1;
  }
  for (const auto& [node, c] : cased_pairs_) {
    ++cased_begin_[node + 1];
    has_atoms[node] = 1;
  }
  for (uint32_t n = 0; n < nodes_; ++n) {
    folded_begin_[n + 1] += folded_begin_[n];
    cased_begin_[n + 1] += cased_begin_[n];
  }
  for (const auto& [node, atom] : folded_pairs_) folded_.push_back(atom);  // already by node
  for (auto& [node, c] : cased_pairs_) cased_.push_back(std::move(c));
  root_has_atoms_ = has_atoms[0] != 0;
  // Compress paths: each node's out-edges, then, from the root, every edge extended
  // through the nodes with one child and no literal of their own.
  std::vector<Edge> out;  // by node, sorted
  out.reserve(edge_count_);
  for (const Edge& e : edges_) {
    if (e.key != 0) out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [](const Edge& a, const Edge& b) { return a.key < b.key; });
  std::vector<uint32_t> out_begin(nodes_ + 1, 0);
  for (const Edge& e : out) ++out_begin[((e.key - 1) >> 8) + 1];
  for (uint32_t v = 0; v < nodes_; ++v) out_begin[v + 1] += out_begin[v];
  std::vector<Edge> kept;
  std::vector<uint32_t> stack = {0};
  while (!stack.empty()) {
    const uint32_t u = stack.back();
    stack.pop_back();
    for (uint32_t k = out_begin[u]; k < out_begin[u + 1]; ++k) {
      Edge e = out[k];
      e.label_offset = static_cast<uint32_t>(labels_.size());
      uint32_t c = e.child;
      while (!has_atoms[c] && out_begin[c + 1] - out_begin[c] == 1) {
        const Edge& next = out[out_begin[c]];
        labels_.push_back(static_cast<char>((next.key - 1) & 0xFF));
        c = next.child;
      }
      e.child = c;
      e.label_length = static_cast<uint32_t>(labels_.size()) - e.label_offset;
      e.flags = has_atoms[c] ? kHasAtoms : 0;
      kept.push_back(e);
      stack.push_back(c);
    }
  }
  size_t cap = 64;
  while (cap < kept.size() * 2) cap *= 2;
  edges_.assign(cap, Edge{});
  mask_ = cap - 1;
  for (const Edge& e : kept) Place(e);
  edge_count_ = kept.size();
  labels_.shrink_to_fit();
  folded_pairs_ = {};
  cased_pairs_ = {};
}

size_t AffixTrie::MemoryBytes() const {
  size_t b = edges_.capacity() * sizeof(Edge) + labels_.capacity() +
             (folded_begin_.capacity() + folded_.capacity() + cased_begin_.capacity()) * 4;
  for (const Cased& c : cased_) b += sizeof(Cased) + c.text.capacity();
  return b;
}

void CidrIndex::Insert(Trie* t, const uint8_t* bytes, int prefix, uint32_t atom) {
  uint32_t n = 0;
  for (int i = 0; i < prefix; ++i) {
    const int bit = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
    if (t->nodes[n].child[bit] == 0) {
      t->nodes[n].child[bit] = static_cast<uint32_t>(t->nodes.size());
      t->nodes.emplace_back();
    }
    n = t->nodes[n].child[bit];
  }
  if (t->pending.size() < t->nodes.size()) t->pending.resize(t->nodes.size());
  t->pending[n].push_back(atom);
}

void CidrIndex::Add(const Cidr& net, uint32_t atom) {
  Insert(net.net.v6 ? &v6_ : &v4_, net.net.bytes.data(), net.prefix, atom);
  ++count_;
}

void CidrIndex::Finish() {
  for (Trie* t : {&v4_, &v6_}) {
    t->pending.resize(t->nodes.size());
    for (size_t i = 0; i < t->nodes.size(); ++i) {
      t->nodes[i].atoms_begin = static_cast<uint32_t>(atoms_.size());
      atoms_.insert(atoms_.end(), t->pending[i].begin(), t->pending[i].end());
      t->nodes[i].atoms_end = static_cast<uint32_t>(atoms_.size());
    }
    t->pending.clear();
    t->pending.shrink_to_fit();
  }
}

size_t CidrIndex::MemoryBytes() const {
  return (v4_.nodes.capacity() + v6_.nodes.capacity()) * sizeof(Node) + atoms_.capacity() * 4;
}

namespace {

// ---- Which predicates are atoms ----------------------------------------------------

bool IsIndexable(const Predicate& p) {
  if (p.negate) return false;
  switch (p.op) {
    case Op::kEquals: case Op::kPrefix: case Op::kSuffix: case Op::kContains: case Op::kCidr:
      return true;
    case Op::kNumEq: case Op::kLt: case Op::kLte: case Op::kGt: case Op::kGte:
      return p.time_part == TimePartOpt::kNone;
    case Op::kExists:
      return p.field != kAnyString;
    default:
      return false;
  }
}

// Top-level fields that nearly every CloudTrail record has: their presence says little.
bool AlwaysPresent(const std::string& field) {
  static const char* kFields[] = {"eventVersion",      "userIdentity",
                                  "eventTime",         "eventSource",
                                  "eventName",         "awsRegion",
                                  "sourceIPAddress",   "userAgent",
                                  "requestParameters", "responseElements",
                                  "requestID",         "eventID",
                                  "readOnly",          "eventType",
                                  "managementEvent",   "recipientAccountId",
                                  "eventCategory",     "tlsDetails",
                                  "userIdentity.type", "userIdentity.principalId",
                                  "userIdentity.arn",  "userIdentity.accountId"};
  for (const char* f : kFields) {
    if (field == f) return true;
  }
  return false;
}

// The literal runs of a glob pattern (IR encoding: '\' escapes the next byte), and
// whether the pattern is anchored at either end.
struct GlobParts {
  std::vector<std::string> runs;
  bool anchored_start = false, anchored_end = false;
};

GlobParts SplitGlob(const std::string& g) {
  GlobParts out;
  std::string cur;
  bool first = true;
  for (size_t i = 0; i < g.size(); ++i) {
    const char c = g[i];
    if (c == '*' || c == '?') {
      if (first) out.anchored_start = !cur.empty();
      first = false;
      if (!cur.empty()) out.runs.push_back(std::move(cur));
      cur.clear();
      continue;
    }
    if (c == '\\' && i + 1 < g.size()) ++i;
    cur.push_back(g[i]);
  }
  if (first) out.anchored_start = true;  // no wildcard at all
  out.anchored_end = !cur.empty();
  if (!cur.empty()) out.runs.push_back(std::move(cur));
  return out;
}

// Rough cost of relying on an atom in a rule's trigger clause: how often it is
// expected to hold, and so how often it makes the rule a candidate. Ordered guesses:
// equality on eventName (the field nearly every CloudTrail rule constrains, with
// hundreds of values) is the best; eventSource (a few dozen values, each common) and
// open numeric ranges are poor; short literals hold often.
uint32_t AtomCost(const std::string& field, Op op, size_t length) {
  uint32_t c;
  switch (op) {
    case Op::kExists:
      return AlwaysPresent(field) ? 3000 : field.find('.') != std::string::npos ? 150 : 300;
    case Op::kEquals: c = field == "eventName" ? 10 : field == "eventSource" ? 400 : 40; break;
    // A literal is the more selective the longer it is (a short one, or a prefix many
    // values share, holds often): 2 + 60/(length+1), in tenths.
    case Op::kPrefix: case Op::kSuffix: c = 20 + static_cast<uint32_t>(600 / (length + 1)); break;
    case Op::kContains: c = 30 + static_cast<uint32_t>(600 / (length + 1)); break;
    case Op::kCidr: c = 100; break;
    case Op::kNumEq: c = 50; break;
    case Op::kRegex: c = 200; break;  // a regex gate passes often
    default: c = 300; break;  // open ranges
  }
  if (field.empty()) c *= 2;  // keyword atoms
  return c;
}

using Clause = std::vector<uint32_t>;  // atoms, one of which must hold


// What a rule cannot match without: clauses that must all hold (none: no knowledge).
struct Need {
  bool never = false;  // the expression is constant false
  std::vector<Clause> clauses;
};

class ProgramBuilderImpl {
 public:
  explicit ProgramBuilderImpl(Program* prog) : prog_(*prog), ir_(prog->ir) {}

  void Run() {
    BuildTrie();
    ClassifyPredicates();
    BuildIndexes();
    BuildCandidates();
    CollectFieldRefAtoms();
    MarkEagerFields();
    BuildRuleCode();  // after MarkEagerFields, which lays out the lazy paths
  }

 private:
  const std::string& FieldName(uint32_t f) const {
    static const std::string kNone;
    return f == kAnyString ? kNone : ir_.fields[f];
  }
  FieldIndex& IndexOf(uint32_t field) {
    return field == kAnyString ? prog_.keywords : prog_.indexes[field];
  }

  static uint32_t AddPath(std::vector<TrieNode>* trie, const std::string& path) {
    uint32_t node = 0;
    size_t start = 0;
    while (true) {
      const size_t dot = path.find('.', start);
      const std::string seg = path.substr(start, dot == std::string::npos ? dot : dot - start);
      if (const uint32_t* found = (*trie)[node].children.find(seg)) {
        node = *found;
      } else {
        const uint32_t next = static_cast<uint32_t>(trie->size());
        (*trie)[node].children[seg] = next;
        const uint32_t bit = TrieNode::FilterBit(seg);
        (*trie)[node].filter[bit >> 6] |= uint64_t{1} << (bit & 63);
        trie->emplace_back();
        node = next;
      }
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    return node;
  }

  void BuildTrie() {
    prog_.trie.emplace_back();
    prog_.indexes.resize(ir_.fields.size());
    for (uint32_t f = 0; f < ir_.fields.size(); ++f) {
      const uint32_t node = AddPath(&prog_.trie, ir_.fields[f]);
      prog_.trie[node].field = static_cast<int32_t>(f);
    }
  }

  // Interns a literal atom: a predicate with the same meaning is reused (its own id),
  // otherwise a derived atom is made. A `unicode_fold` atom (a caseless contained literal
  // that also stands for U+212A and U+017F: DerivedAtom::unicode_fold) is always one of
  // its own, since the plain literal's atom may be a predicate (`|contains`) that must
  // not hold on those characters.
  uint32_t LiteralAtom(uint32_t field, Op op, bool cased, std::string text,
                       bool unicode_fold = false) {
    Predicate p;
    p.field = field;
    p.op = op;
    p.cased = cased;
    p.text = text;
    const std::string key = p.Key() + (unicode_fold ? "\x01unicode-fold" : "");
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      // Needed beyond the regex sets' patterns: searched in every value.
      if (!for_fallback_ && it->second >= ir_.predicates.size()) {
        prog_.derived[it->second - ir_.predicates.size()].fallback = false;
      }
      return it->second;
    }
    const uint32_t id = static_cast<uint32_t>(ir_.predicates.size() + prog_.derived.size());
    prog_.derived.push_back({field, op, cased, std::move(text), unicode_fold, for_fallback_});
    by_key_.emplace(key, id);
    return id;
  }

  void ClassifyPredicates() {
    const size_t n = ir_.predicates.size();
    prog_.eval.assign(n, PredEval::kLazy);
    prog_.confirm_clauses.resize(n);
    prog_.regexes.resize(n);
    for (uint32_t i = 0; i < n; ++i) {
      const Predicate& p = ir_.predicates[i];
      if (IsIndexable(p)) {
        prog_.eval[i] = PredEval::kIndexed;
        by_key_.emplace(p.Key(), i);
      }
    }
    for (uint32_t i = 0; i < n; ++i) {
      const Predicate& p = ir_.predicates[i];
      if (p.op == Op::kRegex) {
        std::string err;
        prog_.regexes[i] = Regex::Compile(p.text, p.regex_flags, &err);
      }
    }
    const std::vector<uint32_t> set_atom = BuildRegexSets();
    for (uint32_t i = 0; i < n; ++i) {
      const Predicate& p = ir_.predicates[i];
      // A pattern of a regex set: the atoms below serve only the values its sets do not
      // take (FieldIndex::fallback).
      for_fallback_ = set_atom[i] != UINT32_MAX;
      switch (p.op) {
        case Op::kExists:
          if (prog_.eval[i] == PredEval::kIndexed) continue;
          prog_.eval[i] = PredEval::kPresence;
          continue;
        case Op::kNull: case Op::kNotExists:
          prog_.eval[i] = PredEval::kPresence;
          continue;
        case Op::kFieldRef:
          prog_.eval[i] = PredEval::kFieldRef;
          continue;
        default:
          break;
      }
      if (prog_.eval[i] == PredEval::kIndexed || p.negate) continue;
      // Clauses of literal atoms the pattern cannot match without (all must hold): the
      // first is the most selective, the others are checked before a confirmation runs.
      std::vector<std::vector<uint32_t>> clauses;
      if (p.op == Op::kGlob) {
        const GlobParts parts = SplitGlob(p.text);
        for (size_t k = 0; k < parts.runs.size(); ++k) {
          const std::string& r = parts.runs[k];
          // An anchored end is an exact lookup (prefix, suffix), the rest contained.
          Op op = Op::kContains;
          if (k == 0 && parts.anchored_start) {
            op = Op::kPrefix;
          } else if (k + 1 == parts.runs.size() && parts.anchored_end) {
            op = Op::kSuffix;
          }
          clauses.push_back({LiteralAtom(p.field, op, p.cased, r)});
        }
        auto quality = [&](const std::vector<uint32_t>& c) {
          return Cost(c[0]);
        };
        std::stable_sort(clauses.begin(), clauses.end(),
                         [&](const auto& a, const auto& b) { return quality(a) < quality(b); });
        // Single bytes say little beyond the first clause.
        for (size_t k = clauses.size(); k-- > 1;) {
          if (AtomText(clauses[k][0]).size() < 2)
            clauses.erase(clauses.begin() + static_cast<long>(k));
        }
      } else if (p.op == Op::kRegex) {
        // A field's values can fall back on the partners of k and s
        // (FieldIndex::unicode_fold_atoms); keyword values cannot.
        AtomClauses all = RequiredAtoms(p.text, p.regex_flags, p.field != kAnyString);
        const std::vector<RegexAtom> best = BestClause(all);
        auto add = [&](const std::vector<RegexAtom>& c) {
          std::vector<uint32_t> atoms;
          for (const RegexAtom& a : c) {
            atoms.push_back(
                LiteralAtom(p.field, Op::kContains, !a.caseless, a.text, a.unicode_fold));
          }
          std::sort(atoms.begin(), atoms.end());
          atoms.erase(std::unique(atoms.begin(), atoms.end()), atoms.end());
          clauses.push_back(std::move(atoms));
        };
        if (!best.empty()) {
          add(best);
          for (const auto& c : all) {
            if (clauses.size() >= 1 + kMaxChecks) break;
            if (c == best || c.empty() || c.size() > 8 || BestClause({c}).empty()) continue;
            add(c);
          }
        }
      }
      if (clauses.empty() && p.op == Op::kRegex && p.field != kAnyString && prog_.regexes[i]) {
        // No literal: gate the regex by what PCRE2 knows any match needs.
        const Regex::Gate g = prog_.regexes[i]->GateInfo(p.text, p.regex_flags);
        const bool check_first = g.anchored && g.has_first;
        RegexBytes bytes = AnalyzeRegexBytes(p.text, p.regex_flags);
        const bool selective = bytes.Selective();
        if (g.min_length > 0 || check_first || g.required_byte >= 0 || selective) {
          const uint32_t atom = static_cast<uint32_t>(ir_.predicates.size() + prog_.derived.size());
          prog_.derived.push_back({p.field, Op::kRegex, true, "#" + std::to_string(i)});
          FieldIndex::RegexGate gate;
          // PCRE2 counts characters, the byte facts bytes: the larger bound holds.
          gate.min_length = std::max(g.min_length, bytes.MinLength());
          if (selective) {
            prog_.regex_bytes.push_back(std::make_unique<RegexBytes>(std::move(bytes)));
            gate.bytes = prog_.regex_bytes.back().get();
          }
          gate.check_first = check_first;
          gate.required_byte = static_cast<int16_t>(g.required_byte);
          std::copy(std::begin(g.first_bytes), std::end(g.first_bytes), gate.first_bytes);
          gate.atom = atom;
          (for_fallback_ ? FallbackOf(p.field) : IndexOf(p.field)).gates.push_back(gate);
          clauses.push_back({atom});
        }
      }
      if (for_fallback_) {
        // Its set's atom, or, in a value the sets do not take, what the pattern needs
        // there (or the field's atom for every such value). The checks are dropped: they
        // would not hold in the values the sets take, where no fallback atom is set.
        std::vector<uint32_t> first = {set_atom[i]};
        if (clauses.empty()) {
          first.push_back(FallbackAtom(p.field));
        } else {
          first.insert(first.end(), clauses[0].begin(), clauses[0].end());
        }
        clauses = {std::move(first)};
        for_fallback_ = false;
      }
      if (clauses.size() > 1 + kMaxChecks) clauses.resize(1 + kMaxChecks);
      if (!clauses.empty()) {
        prog_.eval[i] = PredEval::kConfirm;
        prog_.confirm_clauses[i] = std::move(clauses);
      }
    }
    prog_.atom_field.resize(prog_.atom_count());
    for (uint32_t i = 0; i < n; ++i) prog_.atom_field[i] = ir_.predicates[i].field;
    for (size_t d = 0; d < prog_.derived.size(); ++d)
      prog_.atom_field[n + d] = prog_.derived[d].field;
  }

  // A field with at least kRegexSetMinPatterns regexes and wildcards gets sets of those a
  // RegexSet takes, of at most kRegexSetMaxPatterns each: by predicate, the atom its set
  // sets for it (UINT32_MAX: none). Its other regexes and wildcards keep their literal
  // atoms and gates.
  std::vector<uint32_t> BuildRegexSets() {
    const size_t n = ir_.predicates.size();
    std::vector<uint32_t> atom_of(n, UINT32_MAX);
    // By field, and by the value searched: as it is (regexes and cased wildcards) or
    // ASCII-folded (caseless wildcards). Ordered: the same program each time.
    std::map<std::pair<uint32_t, bool>, std::vector<uint32_t>> groups;
    std::map<uint32_t, size_t> per_field;
    for (uint32_t i = 0; i < n; ++i) {
      const Predicate& p = ir_.predicates[i];
      const bool regex = p.op == Op::kRegex && prog_.regexes[i];
      if ((regex || p.op == Op::kGlob) && !p.negate && p.field != kAnyString &&
          prog_.eval[i] != PredEval::kIndexed) {
        groups[{p.field, p.op == Op::kGlob && !p.cased}].push_back(i);
        ++per_field[p.field];
      }
    }
    for (const auto& [key, preds] : groups) {
      const auto [field, folded] = key;
      if (per_field[field] < kRegexSetMinPatterns) continue;
      std::vector<uint32_t> left_out;
      const size_t chunks = (preds.size() + kRegexSetMaxPatterns - 1) / kRegexSetMaxPatterns;
      for (size_t c = 0; c < chunks; ++c) {
        const size_t from = preds.size() * c / chunks, to = preds.size() * (c + 1) / chunks;
        auto set = std::make_unique<RegexSet>(RegexSetBudget(to - from));
        std::vector<uint32_t> members;  // those RE2 takes
        for (size_t k = from; k < to; ++k) {
          if (AddToSet(set.get(), preds[k])) members.push_back(preds[k]);
        }
        AddRegexSets(field, folded, members, std::move(set), &atom_of, &left_out);
      }
      WarnLeftOut(field, left_out);
    }
    return atom_of;
  }

  bool AddToSet(RegexSet* set, uint32_t pred) {
    const Predicate& p = ir_.predicates[pred];
    return p.op == Op::kGlob ? set->AddGlob(p.text) : set->Add(p.text, p.regex_flags);
  }

  // Which rule reads each predicate first (for warnings that name a rule), made once.
  const std::vector<uint32_t>& FirstRuleOf() {
    if (first_rule_of_.empty()) {
      first_rule_of_.assign(ir_.predicates.size(), UINT32_MAX);
      std::vector<const Expr*> stack;
      for (uint32_t r = 0; r < ir_.rules.size(); ++r) {
        stack.assign(1, &ir_.rules[r].condition);
        while (!stack.empty()) {
          const Expr* e = stack.back();
          stack.pop_back();
          if (e->kind == Expr::Kind::kPred && e->pred < first_rule_of_.size() &&
              first_rule_of_[e->pred] == UINT32_MAX) {
            first_rule_of_[e->pred] = r;
          }
          for (const Expr& k : e->children) stack.push_back(&k);
        }
      }
    }
    return first_rule_of_;
  }

  // A warning for each regex or wildcard no set of its field could take (at most
  // kMaxLeftOutWarnings a field, then a count), at the rule that reads it: it still
  // matches the same, searched on its own, but it is the rule an author would change.
  void WarnLeftOut(uint32_t field, const std::vector<uint32_t>& left_out) {
    constexpr size_t kMaxLeftOutWarnings = 10;
    for (size_t k = 0; k < left_out.size() && k < kMaxLeftOutWarnings; ++k) {
      const Predicate& p = ir_.predicates[left_out[k]];
      const uint32_t r = FirstRuleOf()[left_out[k]];
      SourceLocation where;
      std::string rule;
      if (r != UINT32_MAX) {
        where = ir_.rules[r].info.where;
        rule = "rule '" + ir_.rules[r].info.title + "': ";
      }
      std::string text = p.text.size() > 80 ? p.text.substr(0, 77) + "..." : p.text;
      prog_.diagnostics.push_back({Severity::kWarning, where,
                                   rule + "the " + (p.op == Op::kGlob ? "wildcard" : "regex") +
                                       " '" + text + "' on field '" + FieldName(field) +
                                       "' is too large for an automaton of " +
                                       std::to_string(kRegexSetMaxMem >> 20) +
                                       " MiB shared with the field's other patterns; it is "
                                       "searched on its own (same matches, more time "
                                       "an event)"});
    }
    if (left_out.size() > kMaxLeftOutWarnings) {
      prog_.diagnostics.push_back(
          {Severity::kWarning, SourceLocation{},
           "field '" + FieldName(field) +
               "': " + std::to_string(left_out.size() - kMaxLeftOutWarnings) +
               " more of its regexes and wildcards are searched on their own"});
    }
  }

  // A set of `preds` (all of which a set takes; `set` holds them, or is null), or, when
  // RE2 cannot compile it within the largest budget, sets of each half. A group under a
  // quarter of kRegexSetMinPatterns is not worth a set, even beside the field's others:
  // its patterns are searched on their own, as a field with few patterns is. Those of
  // them too large for a set even alone go to `left_out`, to be warned about; the
  // others are not what made their group too large.
  void AddRegexSets(uint32_t field, bool folded, std::span<const uint32_t> preds,
                    std::unique_ptr<RegexSet> set, std::vector<uint32_t>* atom_of,
                    std::vector<uint32_t>* left_out) {
    if (preds.size() < kRegexSetMinPatterns / 4) {
      if (set != nullptr) return;  // a field's first group: too few patterns to be worth a set
      for (uint32_t i : preds) {
        RegexSet alone(kRegexSetMaxMem);
        if (!AddToSet(&alone, i) || !alone.Compile()) left_out->push_back(i);
      }
      return;
    }
    auto make = [&](int64_t budget) {
      auto made = std::make_unique<RegexSet>(budget);
      for (uint32_t i : preds) AddToSet(made.get(), i);
      return made;
    };
    if (set == nullptr) set = make(RegexSetBudget(preds.size()));
    bool compiled = set->size() == preds.size() && set->Compile();
    // Patterns larger than most get the whole budget.
    if (!compiled && RegexSetBudget(preds.size()) < kRegexSetMaxMem) {
      set = make(kRegexSetMaxMem);
      compiled = set->size() == preds.size() && set->Compile();
    }
    if (!compiled) {
      const size_t half = preds.size() / 2;
      AddRegexSets(field, folded, preds.first(half), nullptr, atom_of, left_out);
      AddRegexSets(field, folded, preds.subspan(half), nullptr, atom_of, left_out);
      return;
    }
    FieldIndex::Set entry;
    entry.set = set.get();
    entry.folded = folded;
    entry.id = static_cast<uint32_t>(prog_.regex_sets.size());
    const size_t n = ir_.predicates.size();
    for (uint32_t i : preds) {
      const uint32_t atom = static_cast<uint32_t>(n + prog_.derived.size());
      prog_.derived.push_back(
          {field, Op::kRegex, true, "#set" + std::to_string(i), false, false, true});
      (*atom_of)[i] = atom;
      entry.atoms.push_back(atom);
    }
    IndexOf(field).regex_sets.push_back(std::move(entry));
    prog_.regex_sets.push_back(std::move(set));
  }

  FieldIndex& FallbackOf(uint32_t field) {
    FieldIndex& x = IndexOf(field);
    if (!x.fallback) x.fallback = std::make_unique<FieldIndex>();
    return *x.fallback;
  }

  uint32_t FallbackAtom(uint32_t field) {
    FieldIndex& x = IndexOf(field);
    if (x.fallback_atom == UINT32_MAX) {
      x.fallback_atom = static_cast<uint32_t>(ir_.predicates.size() + prog_.derived.size());
      prog_.derived.push_back({field, Op::kRegex, true, "#fallback", false, true});
    }
    return x.fallback_atom;
  }

  void AddLiteral(uint32_t field, Op op, bool cased, const std::string& text, uint32_t atom,
                  bool fallback = false) {
    FieldIndex& x = fallback ? FallbackOf(field) : IndexOf(field);
    switch (op) {
      case Op::kExists:
        x.presence_atom = atom;
        break;
      case Op::kEquals: {
        auto& ids = (cased ? x.exact_cased : x.exact_folded)[text];
        ids.push_back(atom);
        break;
      }
      case Op::kPrefix: x.prefix.Add(text, cased, atom, false); break;
      case Op::kSuffix: x.suffix.Add(text, cased, atom, true); break;
      default: {
        auto& lits = (fallback ? fallback_contains_ : contains_)[field];
        lits.first.push_back({text, !cased});
        lits.second.push_back(atom);
        break;
      }
    }
  }

  void BuildIndexes() {
    const size_t n = ir_.predicates.size();
    for (uint32_t i = 0; i < n; ++i) {
      const Predicate& p = ir_.predicates[i];
      FieldIndex& x = IndexOf(p.field);
      if (p.field == kAnyString) prog_.has_keywords = true;
      switch (prog_.eval[i]) {
        case PredEval::kIndexed:
          switch (p.op) {
            case Op::kCidr: x.cidr.Add(p.cidr, i); break;
            case Op::kNumEq: x.numeric.eq.push_back({p.number, i}); break;
            case Op::kLt: x.numeric.lt.push_back({p.number, i}); break;
            case Op::kLte: x.numeric.lte.push_back({p.number, i}); break;
            case Op::kGt: x.numeric.gt.push_back({p.number, i}); break;
            case Op::kGte: x.numeric.gte.push_back({p.number, i}); break;
            case Op::kExists: x.presence_atom = i; break;
            default:
              // Keyword literals are found by the keyword prefilter (BuildKeywordPrefilter).
              if (p.field != kAnyString) AddLiteral(p.field, p.op, p.cased, p.text, i);
              break;
          }
          break;
        case PredEval::kConfirm:
        case PredEval::kLazy:
          x.lazy.push_back(i);
          x.keep_values = true;
          if (p.field == kAnyString) prog_.keyword_always |= prog_.eval[i] == PredEval::kLazy;
          break;
        case PredEval::kFieldRef:
          prog_.indexes[p.field].keep_values = true;
          prog_.indexes[p.other_field].keep_values = true;
          break;
        case PredEval::kPresence:
          break;
      }
    }
    for (size_t d = 0; d < prog_.derived.size(); ++d) {
      const DerivedAtom& a = prog_.derived[d];
      if (a.field != kAnyString && a.op != Op::kRegex) {
        AddLiteral(a.field, a.op, a.cased, a.text, static_cast<uint32_t>(n + d), a.fallback);
      }
      if (a.unicode_fold) {
        (a.fallback ? FallbackOf(a.field) : IndexOf(a.field))
            .unicode_fold_atoms.push_back(static_cast<uint32_t>(n + d));
      }
    }
    auto finish = [&](uint32_t field, FieldIndex* x, auto& contains) {
      x->cidr.Finish();
      for (auto* v :
           {&x->numeric.eq, &x->numeric.lt, &x->numeric.lte, &x->numeric.gt, &x->numeric.gte}) {
        std::sort(v->begin(), v->end());
      }
      auto warn = [&](const std::string& warning) {
        if (warning.empty()) return;
        prog_.diagnostics.push_back({Severity::kWarning, SourceLocation{},
                                     "field '" + FieldName(field) + "': " + warning});
      };
      x->prefix.Finish();
      x->suffix.Finish();
      std::stable_sort(x->gates.begin(), x->gates.end(),
                       [](const FieldIndex::RegexGate& a, const FieldIndex::RegexGate& b) {
                         return a.min_length < b.min_length;
                       });
      auto it = contains.find(field);
      if (it == contains.end()) return;
      std::string warning;
      x->contains = LiteralMatcher::Build(std::move(it->second.first), &warning);
      x->contains_atoms = std::move(it->second.second);
      warn(warning);
    };
    for (uint32_t f = 0; f < prog_.indexes.size(); ++f) {
      finish(f, &prog_.indexes[f], contains_);
      if (prog_.indexes[f].fallback) finish(f, prog_.indexes[f].fallback.get(), fallback_contains_);
    }
    finish(kAnyString, &prog_.keywords, contains_);
    if (prog_.has_keywords) BuildKeywordPrefilter();
  }

  // Every keyword atom as a contained literal: an event can satisfy a keyword atom only
  // if the literal occurs somewhere in its (unescaped) text.
  void BuildKeywordPrefilter() {
    // One prefilter literal per distinct (text, case); each lists the keyword atoms
    // (equality, prefix, suffix or contained literal) it stands for.
    std::vector<Literal> lits;
    std::vector<std::vector<uint32_t>> atoms_of;
    std::unordered_map<std::string, uint32_t> ids;
    auto add = [&](uint32_t atom, Op op, bool cased, const std::string& text) {
      if (text.empty()) prog_.keyword_always = true;  // occurs everywhere: no prefilter
      const std::string key = (cased ? "c:" : "f:") + text;
      auto [it, added] = ids.try_emplace(key, static_cast<uint32_t>(lits.size()));
      if (added) {
        lits.push_back({text, !cased});
        atoms_of.emplace_back();
      }
      atoms_of[it->second].push_back(static_cast<uint32_t>(prog_.keyword_atoms.size()));
      prog_.keyword_atoms.push_back({atom, op, cased, text});
    };
    const size_t n = ir_.predicates.size();
    for (uint32_t i = 0; i < n; ++i) {
      const Predicate& p = ir_.predicates[i];
      if (p.field != kAnyString || prog_.eval[i] != PredEval::kIndexed) continue;
      add(i, p.op, p.cased, p.text);
    }
    for (size_t d = 0; d < prog_.derived.size(); ++d) {
      const DerivedAtom& a = prog_.derived[d];
      if (a.field == kAnyString) add(static_cast<uint32_t>(n + d), a.op, a.cased, a.text);
    }
    for (const auto& row : atoms_of) prog_.keyword_literal_atoms.Add(row);
    if (lits.empty()) return;
    std::string warning;
    prog_.keyword_prefilter =
        LiteralMatcher::Build(std::move(lits), &warning, LiteralEngine::kAutoLongTexts);
    if (!warning.empty()) {
      prog_.diagnostics.push_back({Severity::kWarning, SourceLocation{}, "keywords: " + warning});
    }
  }


  const std::string& AtomText(uint32_t atom) const {
    const size_t n = ir_.predicates.size();
    return atom < n ? ir_.predicates[atom].text : prog_.derived[atom - n].text;
  }

  uint32_t Cost(uint32_t atom) const {
    const size_t n = ir_.predicates.size();
    if (atom < n) {
      const Predicate& p = ir_.predicates[atom];
      // A fieldref atom is decided for every event where both fields are present
      // (Program::fieldref_atoms), which costs more than a lookup: it triggers only a
      // rule with nothing better (two fields that differ, `neq`, hold on most events).
      if (p.op == Op::kFieldRef) return p.negate ? 3000 : 500;
      return AtomCost(FieldName(p.field), p.op, p.text.size());
    }
    const DerivedAtom& d = prog_.derived[atom - n];
    // A regex set's atom holds only where the regex has a match.
    if (d.regex_set) return 30;
    return AtomCost(FieldName(d.field), d.op, d.text.size()) + (d.op == Op::kExists ? 0 : 2);
  }

  uint32_t ClauseCost(const Clause& c) const {
    uint32_t s = 0;
    for (uint32_t a : c) s += Cost(a);
    return s;
  }

  Need Necessary(const Expr& e) const {
    switch (e.kind) {
      case Expr::Kind::kPred: {
        Need n;
        switch (prog_.eval[e.pred]) {
          case PredEval::kIndexed: n.clauses.push_back({e.pred}); break;
          case PredEval::kConfirm:
            for (const auto& c : prog_.confirm_clauses[e.pred]) n.clauses.push_back(c);
            break;
          case PredEval::kFieldRef:
            // Its own atom, decided once per event before the candidates are evaluated
            // (Program::fieldref_atoms): a rule becomes a candidate when its fields
            // compare as it asks, not whenever both are present (most events).
            n.clauses.push_back({e.pred});
            break;
          default: break;
        }
        return n;
      }
      case Expr::Kind::kFalse: {
        Need n;
        n.never = true;
        return n;
      }
      case Expr::Kind::kTrue:
      case Expr::Kind::kNot:
        return {};
      case Expr::Kind::kAnd: {
        Need out;
        for (const auto& k : e.children) {
          Need n = Necessary(k);
          if (n.never) return n;
          for (auto& c : n.clauses) out.clauses.push_back(std::move(c));
        }
        return out;
      }
      case Expr::Kind::kOr: {
        // (A1 and A2) or (B1 and B2) needs (best A) or (best B): one clause.
        Clause u;
        bool any = false;
        for (const auto& k : e.children) {
          Need n = Necessary(k);
          if (n.never) continue;
          if (n.clauses.empty()) return {};
          any = true;
          const Clause* best = &n.clauses[0];
          for (const auto& c : n.clauses) {
            if (ClauseCost(c) < ClauseCost(*best)) best = &c;
          }
          u.insert(u.end(), best->begin(), best->end());
        }
        Need out;
        if (!any) {
          out.never = true;
          return out;
        }
        std::sort(u.begin(), u.end());
        u.erase(std::unique(u.begin(), u.end()), u.end());
        out.clauses.push_back(std::move(u));
        return out;
      }
    }
    return {};
  }

  void BuildCandidates() {
    const size_t atoms = prog_.atom_count();
    std::vector<std::vector<uint32_t>> triggers(atoms);
    prog_.witnesses.resize(ir_.rules.size());
    std::vector<Need> needs;
    needs.reserve(ir_.rules.size());
    // How many rules rely on each atom: an atom many rules share is a common fact.
    std::vector<uint32_t> usage(atoms, 0);
    for (uint32_t r = 0; r < ir_.rules.size(); ++r) {
      Need need = Necessary(ir_.rules[r].condition);
      for (auto& c : need.clauses) {
        std::sort(c.begin(), c.end());
        c.erase(std::unique(c.begin(), c.end()), c.end());
        for (uint32_t a : c) ++usage[a];
      }
      needs.push_back(std::move(need));
    }
    for (uint32_t r = 0; r < ir_.rules.size(); ++r) {
      Need& need = needs[r];
      std::vector<uint32_t> check_ids;
      if (need.never) {
        prog_.checks.Add(check_ids);  // never a candidate
        continue;
      }
      if (need.clauses.empty()) {
        prog_.always.push_back(r);
        prog_.checks.Add(check_ids);
        continue;
      }
      // An atom many rules share (16 or more) is likely a common value (rule authors,
      // and generators, name the values they see most): its cost counts more. Small rule
      // sets are unaffected (a lower threshold made a 100-rule set 10% slower: triggers
      // moved to fields the first pass then had to walk). Measured at 10,000 generated
      // rules (vigil_bench_shapes, same run, 2 repetitions): candidates an event 61 -> 51
      // (mix), 10.8 -> 5.6 (cidr), 260 -> 242 (regex); CPU -5% (mix), -15% (cidr), +6%
      // (fieldref, whose fieldref atoms become checks), the others within noise.
      auto shared_cost = [&](const Clause& c) {
        uint64_t s = 0;
        for (uint32_t a : c) {
          const uint32_t u = usage[a];
          const uint32_t f = u < 16 ? 4 : u < 64 ? 6 : 10;
          s += uint64_t{Cost(a)} * f;
        }
        return s;
      };
      std::stable_sort(
          need.clauses.begin(), need.clauses.end(),
          [&](const Clause& a, const Clause& b) { return shared_cost(a) < shared_cost(b); });
      // Duplicates say nothing twice.
      need.clauses.erase(std::unique(need.clauses.begin(), need.clauses.end()), need.clauses.end());
      const Clause& trigger = need.clauses[0];
      prog_.witnesses[r] = trigger;
      for (uint32_t a : trigger) triggers[a].push_back(r);
      const size_t next = 1;
      // (Making a selective second clause trigger too, so that a rule is a candidate only
      // when both hold, was measured: its fields must then be walked in the first pass
      // for every event, which cost more than the failed checks it saved; 1,000
      // generated rules went from 2.9 to 3.7 µs an event.)
      // The next cheapest clauses as checks.
      for (size_t i = next; i < need.clauses.size() && check_ids.size() < kMaxChecks; ++i) {
        check_ids.push_back(static_cast<uint32_t>(prog_.clauses.size()));
        prog_.clauses.Add(need.clauses[i]);
      }
      prog_.checks.Add(check_ids);
    }
    for (const auto& t : triggers) prog_.triggers.Add(t);
  }

  // After MarkEagerFields (which lays out the lazy paths).
  uint32_t QuickCheck(uint32_t r) const {
    const uint32_t* c = prog_.checks.row_begin(r);
    if (c == prog_.checks.row_end(r)) return rule_code::kNoQuickCheck;
    if (prog_.clauses.row_end(*c) - prog_.clauses.row_begin(*c) != 1)
      return rule_code::kNoQuickCheck;
    const uint32_t atom = *prog_.clauses.row_begin(*c);
    // A fieldref atom that triggers nothing is decided only when ChecksHold reads it.
    if (atom < prog_.eval.size() && prog_.eval[atom] == PredEval::kFieldRef &&
        prog_.triggers.row_begin(atom) == prog_.triggers.row_end(atom)) {
      return rule_code::kNoQuickCheck;
    }
    const uint32_t f = prog_.atom_field[atom];
    return f != kAnyString && FieldFinal(f) ? atom : rule_code::kNoQuickCheck;
  }

  // Walked in the first pass and never deferred: its atoms' bits are final once it is.
  bool FieldFinal(uint32_t f) const {
    return prog_.field_lazy_path.row_begin(f) == prog_.field_lazy_path.row_end(f) &&
           prog_.indexes[f].json_eager;
  }

  // Set during the first pass or never, whatever the event (see rule_code in program.h).
  bool AtomFinal(uint32_t atom) const {
    if (atom < prog_.eval.size() && prog_.eval[atom] == PredEval::kFieldRef) return false;
    const uint32_t f = prog_.atom_field[atom];
    return f == kAnyString || FieldFinal(f);
  }

  void EmitCondition(const Expr& e, std::vector<uint32_t>* code) {
    namespace rc = rule_code;
    const size_t at = code->size();
    switch (e.kind) {
      case Expr::Kind::kFalse: code->push_back(rc::kFalse << rc::kShift); return;
      case Expr::Kind::kTrue: code->push_back(rc::kTrue << rc::kShift); return;
      case Expr::Kind::kPred: {
        const Predicate& p = ir_.predicates[e.pred];
        const bool stamp =
            prog_.eval[e.pred] == PredEval::kIndexed && p.op != Op::kFieldRef && AtomFinal(e.pred);
        code->push_back(((stamp ? rc::kStamp : rc::kPred) << rc::kShift) | e.pred);
        return;
      }
      case Expr::Kind::kNot: code->push_back(rc::kNot << rc::kShift); break;
      case Expr::Kind::kAnd: code->push_back(rc::kAnd << rc::kShift); break;
      case Expr::Kind::kOr: code->push_back(rc::kOr << rc::kShift); break;
    }
    for (const Expr& k : e.children) EmitCondition(k, code);
    (*code)[at] |= static_cast<uint32_t>(code->size() - at);
  }

  void BuildRuleCode() {
    namespace rc = rule_code;
    // Ids and widths share a word with the node's kind: kMaxPredicates bounds the ids.
    std::vector<uint32_t>& code = prog_.rule_code;
    code.clear();
    prog_.rule_code_at.clear();
    for (uint32_t r = 0; r < ir_.rules.size(); ++r) {
      prog_.rule_code_at.push_back(static_cast<uint32_t>(code.size()));
      code.push_back(QuickCheck(r));
      const uint32_t* c = prog_.checks.row_begin(r);
      const uint32_t* ce = prog_.checks.row_end(r);
      const bool fits = ir_.rules[r].info.logsource.FitsCloudTrail();
      code.push_back(static_cast<uint32_t>(ce - c) | (fits ? rc::kFitsCloudTrail : 0));
      for (; c != ce; ++c) {
        const uint32_t* a = prog_.clauses.row_begin(*c);
        const uint32_t* ae = prog_.clauses.row_end(*c);
        bool final = true;
        for (const uint32_t* x = a; x != ae; ++x) final = final && AtomFinal(*x);
        code.push_back(static_cast<uint32_t>(ae - a) | (final ? rc::kClauseFinal : 0));
        code.insert(code.end(), a, ae);
      }
      // A condition's words are fewer than its rule's patterns (kMaxPatternsPerRule)
      // and identifiers, far below kMask.
      EmitCondition(ir_.rules[r].condition, &code);
    }
    code.shrink_to_fit();
  }

  // The nodes the first pass walks: every node on the path of a field with an atom in
  // some rule's trigger. For each field, where the first pass stops on its path.
  void MarkTriggerNodes(const std::vector<uint8_t>& triggering) {
    prog_.trigger_node.assign(prog_.trie.size(), 0);
    prog_.trigger_node[0] = 1;
    std::vector<uint32_t> path;

    auto path_of = [&](const std::string& f) {
      path.clear();
      uint32_t node = 0;
      size_t start = 0;
      while (true) {
        const size_t dot = f.find('.', start);
        const std::string seg = f.substr(start, dot == std::string::npos ? dot : dot - start);
        node = *prog_.trie[node].children.find(seg);
        path.push_back(node);
        if (dot == std::string::npos) break;
        start = dot + 1;
      }
    };
    for (uint32_t f = 0; f < ir_.fields.size(); ++f) {
      if (!triggering[f]) continue;
      path_of(ir_.fields[f]);
      for (uint32_t n : path) prog_.trigger_node[n] = 1;
    }
    for (uint32_t f = 0; f < ir_.fields.size(); ++f) {
      path_of(ir_.fields[f]);
      std::vector<uint32_t> lazy;
      for (uint32_t n : path) {
        if (!prog_.trigger_node[n] || !lazy.empty()) lazy.push_back(n);
      }
      prog_.field_lazy_path.Add(lazy);
    }
  }

  // The fieldref predicates that trigger some rule: the evaluator decides them after
  // the walk, before the candidates (their fields are walked in the first pass,
  // MarkEagerFields). One that is only checked is decided when a check reads it.
  void CollectFieldRefAtoms() {
    std::vector<std::vector<uint32_t>> by_field(prog_.indexes.size());
    uint32_t seconds = 0;
    for (uint32_t i = 0; i < ir_.predicates.size(); ++i) {
      if (prog_.eval[i] == PredEval::kFieldRef &&
          prog_.triggers.row_begin(i) != prog_.triggers.row_end(i)) {
        prog_.fieldref_atoms.push_back(i);
        by_field[ir_.predicates[i].field].push_back(i);
        by_field[ir_.predicates[i].field].push_back(ir_.predicates[i].other_field);
        const Predicate& p = ir_.predicates[i];
        uint32_t shape = kRefNone;
        if (!p.negate) {
          switch (p.ref_op) {
            case Op::kEquals: shape = kRefEquals; break;
            case Op::kPrefix: shape = kRefPrefix; break;
            case Op::kSuffix: shape = kRefSuffix; break;
            case Op::kContains: shape = kRefContains; break;
            default: break;
          }
        }
        if (shape != kRefNone && p.cased) shape |= kRefCased;
        by_field[p.field].push_back(shape);
        prog_.indexes[ir_.predicates[i].field].fieldref_first = true;
        uint32_t& second = prog_.indexes[p.other_field].fieldref_second;
        if (second == UINT32_MAX) second = seconds++;
      }
    }
    const uint32_t words = (seconds + 63) / 64;
    prog_.fieldref_words = words;
    // A pair's further atoms (the same two fields in the same sub-row: cased and not, or
    // negated), chained after all pairs so that a pair's first atom is at its rank.
    std::vector<Program::FieldRefSlot> more;
    std::vector<uint32_t> more_of;
    for (uint32_t f = 0; f < by_field.size(); ++f) {
      std::vector<uint32_t>& row = by_field[f];
      const size_t atoms = row.size() / 3;
      // A row costs kFieldRefShapes * words to read: worth it from about eight atoms a
      // word (four a word made 1,000 generated fieldref rules 2-3% slower).
      if (atoms == 0 || atoms < size_t{8} * words) continue;  // keeps the plain list
      // Triples by shape (the sub-row), then by the other field's bit, so that each
      // pair's atoms are contiguous.
      std::vector<std::array<uint32_t, 3>> triples(atoms);
      for (size_t k = 0; k < atoms; ++k) triples[k] = {row[3 * k], row[3 * k + 1], row[3 * k + 2]};
      auto key = [&](const std::array<uint32_t, 3>& t) {
        return std::pair<uint32_t, uint32_t>(t[2] & kRefShapeMask,
                                             prog_.indexes[t[1]].fieldref_second);
      };
      std::stable_sort(triples.begin(), triples.end(),
                       [&](const auto& x, const auto& y) { return key(x) < key(y); });
      const size_t base = prog_.fieldref_bits.size();
      prog_.indexes[f].fieldref_row =
          static_cast<uint32_t>(base / (size_t{words} * kFieldRefShapes));
      prog_.fieldref_bits.resize(base + size_t{words} * kFieldRefShapes, 0);
      prog_.fieldref_rank.resize(base + size_t{words} * kFieldRefShapes, 0);
      prog_.fieldref_row_shapes.push_back(0);
      size_t k = 0;
      for (uint32_t c = 0; c < kFieldRefShapes; ++c) {
        for (uint32_t w = 0; w < words; ++w) {
          const size_t at = base + size_t{c} * words + w;
          prog_.fieldref_rank[at] = static_cast<uint32_t>(prog_.fieldref_pairs.size());
          while (k < triples.size() && key(triples[k]).first == c &&
                 key(triples[k]).second / 64 == w) {
            const auto pair_key = key(triples[k]);
            prog_.fieldref_bits[at] |= uint64_t{1} << (pair_key.second % 64);
            prog_.fieldref_row_shapes[prog_.indexes[f].fieldref_row] |= 1u << c;
            prog_.fieldref_pairs.push_back(
                {triples[k][0], triples[k][1], triples[k][2], UINT32_MAX});
            for (++k; k < triples.size() && key(triples[k]) == pair_key; ++k) {
              more.push_back({triples[k][0], triples[k][1], triples[k][2], UINT32_MAX});
              more_of.push_back(static_cast<uint32_t>(prog_.fieldref_pairs.size() - 1));
            }
          }
        }
      }
      row.clear();
    }
    for (const auto& row : by_field) prog_.fieldref_by_field.Add(row);
    // Without rows, nothing reads which fields an event has by their bits: the
    // evaluator then need not note them.
    if (prog_.fieldref_bits.empty()) {
      for (auto& x : prog_.indexes) x.fieldref_second = UINT32_MAX;
      prog_.fieldref_words = 0;
    }
    for (size_t m = 0; m < more.size(); ++m) {
      uint32_t* link = &prog_.fieldref_pairs[more_of[m]].next;
      while (*link != UINT32_MAX) link = &prog_.fieldref_pairs[*link].next;
      *link = static_cast<uint32_t>(prog_.fieldref_pairs.size());
      prog_.fieldref_pairs.push_back(more[m]);
    }
  }

  // Which fields must index object and array values during the walk: those with an
  // atom that triggers a rule, and those fieldref reads. The others defer them.
  void MarkEagerFields() {
    const size_t n = ir_.predicates.size();
    prog_.deferred.assign(n, 0);
    std::vector<uint8_t> triggering(prog_.indexes.size() + 1, 0);
    for (uint32_t a = 0; a < prog_.atom_count(); ++a) {
      if (prog_.triggers.row_begin(a) == prog_.triggers.row_end(a)) continue;
      const uint32_t f = prog_.atom_field[a];
      if (f != kAnyString) triggering[f] = 1;
    }
    // A fieldref atom is decided from both fields' values right after the first pass.
    for (uint32_t i : prog_.fieldref_atoms) {
      triggering[ir_.predicates[i].field] = 1;
      triggering[ir_.predicates[i].other_field] = 1;
    }
    for (uint32_t i = 0; i < n; ++i) {
      const Predicate& p = ir_.predicates[i];
      if (p.op == Op::kFieldRef) {
        prog_.indexes[p.field].json_eager = true;
        prog_.indexes[p.other_field].json_eager = true;
      }
    }
    for (uint32_t f = 0; f < prog_.indexes.size(); ++f) {
      if (triggering[f]) prog_.indexes[f].json_eager = true;
    }
    MarkTriggerNodes(triggering);
    for (uint32_t i = 0; i < n; ++i) {
      const Predicate& p = ir_.predicates[i];
      if (p.field == kAnyString) continue;
      if (!prog_.indexes[p.field].json_eager) prog_.deferred[i] = 1;
    }
  }

  Program& prog_;
  const Ir& ir_;
  std::unordered_map<std::string, uint32_t> by_key_;
  std::unordered_map<uint32_t, std::pair<std::vector<Literal>, std::vector<uint32_t>>> contains_;
  std::unordered_map<uint32_t, std::pair<std::vector<Literal>, std::vector<uint32_t>>>
      fallback_contains_;
  bool for_fallback_ = false;  // the predicate being classified is a regex set's pattern
  std::vector<uint32_t> first_rule_of_;  // FirstRuleOf's
};

}  // namespace

std::unique_ptr<Program> CompileProgram(Ir ir) {
  auto prog = std::make_unique<Program>();
  prog->ir = std::move(ir);
  ProgramBuilderImpl(prog.get()).Run();
  return prog;
}

std::string Program::AtomToString(uint32_t atom) const {
  const size_t n = ir.predicates.size();
  if (atom < n) return "p" + std::to_string(atom);
  const DerivedAtom& d = derived[atom - n];
  std::string s = "a" + std::to_string(atom) + "(";
  s += d.field == kAnyString ? std::string("keywords") : ir.fields[d.field];
  s += std::string(" ") + OpName(d.op) + (d.cased ? " cased" : "") +
       (d.unicode_fold ? " unicode-fold" : "") + " '" + d.text + "')";
  return s;
}

size_t Program::IndexMemoryBytes() const {
  size_t b = 0;
  auto one = [&](const FieldIndex& x) {
    b += x.exact_folded.MemoryBytes() + x.exact_cased.MemoryBytes();
    b += x.prefix.MemoryBytes() + x.suffix.MemoryBytes();
    if (x.contains) b += x.contains->MemoryBytes();
    b += x.cidr.MemoryBytes();
  };
  for (const auto& x : indexes) one(x);
  one(keywords);
  if (keyword_prefilter) b += keyword_prefilter->MemoryBytes();
  return b;
}

std::string Program::Dump() const {
  std::string s = ir.Dump();
  if (!derived.empty()) {
    s += "derived atoms (literals that wildcards and regexes need):\n";
    for (size_t d = 0; d < derived.size(); ++d) {
      s += "  " + AtomToString(static_cast<uint32_t>(ir.predicates.size() + d)) + "\n";
    }
  }
  size_t confirm = 0, lazy_regex = 0, lazy_glob = 0, in_sets = 0;
  for (const auto& set : regex_sets) in_sets += set->size();
  for (size_t i = 0; i < ir.predicates.size(); ++i) {
    const Predicate& p = ir.predicates[i];
    if (eval[i] == PredEval::kConfirm) ++confirm;
    if (eval[i] == PredEval::kLazy && !p.negate && p.op == Op::kRegex) ++lazy_regex;
    if (eval[i] == PredEval::kLazy && !p.negate && p.op == Op::kGlob) ++lazy_glob;
  }
  s += "indexes:\n";
  auto one = [&](const std::string& name, const FieldIndex& x) {
    if (!x.has_atoms() && x.lazy.empty()) return;
    s += "  " + name + ":";
    if (!x.exact_folded.empty() || !x.exact_cased.empty()) {
      s += " equal " + std::to_string(x.exact_folded.size() + x.exact_cased.size());
    }
    if (!x.prefix.empty()) s += ", prefix " + std::to_string(x.prefix.size());
    if (!x.suffix.empty()) s += ", suffix " + std::to_string(x.suffix.size());
    if (x.contains) {
      s += ", contains " + std::to_string(x.contains->size()) +
           (x.contains->uses_vectorscan() ? " (vectorscan)" : " (one by one)");
    }
    if (!x.cidr.empty()) s += ", cidr " + std::to_string(x.cidr.size());
    const size_t num = x.numeric.eq.size() + x.numeric.lt.size() + x.numeric.lte.size() +
                       x.numeric.gt.size() + x.numeric.gte.size();
    if (num) s += ", numeric " + std::to_string(num);
    if (!x.gates.empty()) {
      const auto with_bytes =
          std::count_if(x.gates.begin(), x.gates.end(),
                        [](const FieldIndex::RegexGate& g) { return g.bytes != nullptr; });
      s += ", regex gates " + std::to_string(x.gates.size()) + " (" + std::to_string(with_bytes) +
           " with byte facts)";
    }
    for (const FieldIndex::Set& r : x.regex_sets)
      s += ", regex set " + std::to_string(r.set->size());
    if (!x.lazy.empty()) s += ", lazy " + std::to_string(x.lazy.size());
    s += x.json_eager ? "\n" : " (objects deferred)\n";
  };
  for (size_t f = 0; f < indexes.size(); ++f) one(ir.fields[f], indexes[f]);
  one("keywords", keywords);
  if (has_keywords) {
    s += "  keyword prefilter: " +
         std::to_string(keyword_prefilter ? keyword_prefilter->size() : 0) + " literals" +
         (keyword_always ? " (some keyword has no literal: every event is walked)" : "") + "\n";
  }
  s += "regexes and wildcards: " + std::to_string(confirm) + " behind atoms (" +
       std::to_string(in_sets) + " regexes and wildcards in " + std::to_string(regex_sets.size()) +
       " regex sets, the rest behind literals and gates), " + std::to_string(lazy_regex) +
       " regexes and " + std::to_string(lazy_glob) +
       " wildcards with none (run on every value of their field)\n";
  s += "candidate index:\n";
  size_t with_checks = 0;
  for (size_t r = 0; r < ir.rules.size(); ++r) {
    s += "  rule " + std::to_string(r) + ": ";
    if (std::find(always.begin(), always.end(), r) != always.end()) {
      s += "always evaluated (no atom)\n";
      continue;
    }
    if (witnesses[r].empty()) {
      s += "never matches\n";
      continue;
    }
    s += "trigger";
    for (uint32_t a : witnesses[r]) s += " " + AtomToString(a);
    const size_t nchecks = checks.row_end(r) - checks.row_begin(r);
    if (nchecks) {
      ++with_checks;
      s += "; checks";
      for (const uint32_t* c = checks.row_begin(r); c != checks.row_end(r); ++c) {
        s += " [";
        for (const uint32_t* a = clauses.row_begin(*c); a != clauses.row_end(*c); ++a) {
          if (a != clauses.row_begin(*c)) s += " | ";
          s += AtomToString(*a);
        }
        s += "]";
      }
    }
    s += "\n";
  }
  s += "rules: " + std::to_string(ir.rules.size()) + ", with a trigger " +
       std::to_string(ir.rules.size() - always.size()) + " (" + std::to_string(with_checks) +
       " also with checks), always evaluated " + std::to_string(always.size()) + "\n";
  return s;
}

}  // namespace vigil::internal
