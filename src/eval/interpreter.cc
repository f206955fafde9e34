// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The interpreter (see interpreter.h). Structure, in the order the contract of
// src/ir/ir.h is written:
//   1. ParseEventTree: JSON text -> TreeTreeNode tree. simdjson's DOM validates the text
//      and unescapes strings; a small scan of the raw text recovers what the DOM drops
//      and the contract needs: number tokens as written, and the raw span of each
//      object and array (minified into its compact JSON text).
//   2. Resolve: a dotted field path -> its value set (objects, arrays, pre-flattened
//      dotted keys, array elements).
//   3. Satisfies: one operator on one value, with plain code.
//   4. InterpretPredicate / InterpretExpr: "some non-null value", negate, presence,
//      and the boolean expression.
// Nothing here is optimised; every step allocates freely.

#include "eval/interpreter.h"


#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <simdjson.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "compile/regex.h"
#include "util/cidr.h"
#include "util/strings.h"
#include "util/timeparts.h"
#include "util/surrogates.h"
#include "util/exact_number.h"
#include "util/duplicate_keys.h"

namespace vigil::internal {
namespace {

// ---- 1. The event as a plain tree --------------------------------------------------

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Returns the index just past the string literal that starts at s[i] (a '"').
size_t SkipString(std::string_view s, size_t i) {
  ++i;
  while (i < s.size() && s[i] != '"') i += (s[i] == '\\') ? 2 : 1;
  return i + 1;
}

size_t SkipSpace(std::string_view s, size_t i) {
  while (i < s.size() && IsJsonSpace(s[i])) ++i;
  return i;
}

// Records the raw [begin, end) span of every value of the (already validated) JSON
// text in pre-order: a container before its members, members in document order. This
// is the order in which BuildTreeNode visits the DOM, so the two can be zipped.
size_t ScanSpans(std::string_view s, size_t i, std::vector<std::pair<size_t, size_t>>* spans) {
  i = SkipSpace(s, i);
  size_t slot = spans->size();
  spans->emplace_back(i, i);
  if (i >= s.size()) return i;
  char c = s[i];
  if (c == '{' || c == '[') {
    const char close = (c == '{') ? '}' : ']';
    i = SkipSpace(s, i + 1);
    while (i < s.size() && s[i] != close) {
      if (c == '{') {
        i = SkipString(s, i);           // the key
        i = SkipSpace(s, i) + 1;        // the ':'
      }
      i = SkipSpace(s, ScanSpans(s, i, spans));
      if (i < s.size() && s[i] == ',') i = SkipSpace(s, i + 1);
    }
    ++i;
  } else if (c == '"') {
    i = SkipString(s, i);
  } else {
    while (i < s.size() && !IsJsonSpace(s[i]) && s[i] != ',' && s[i] != ']' && s[i] != '}') {
      ++i;
    }
  }
  (*spans)[slot].second = i;
  return i;
}

// Removes the whitespace outside string literals: the compact JSON text, with every
// token (numbers, escapes in strings) kept exactly as written.
std::string Minify(std::string_view raw) {
  std::string out;
  for (size_t i = 0; i < raw.size();) {
    if (raw[i] == '"') {
      size_t end = SkipString(raw, i);
      out.append(raw.substr(i, end - i));
      i = end;
    } else {
      if (!IsJsonSpace(raw[i])) out.push_back(raw[i]);
      ++i;
    }
  }
  return out;
}

struct Builder {
  std::string_view text;
  std::vector<std::pair<size_t, size_t>> spans;
  size_t next = 0;  // index of the span of the next value visited

  TreeNode Build(simdjson::dom::element e) {
    const std::pair<size_t, size_t> span = spans[next++];
    const std::string_view raw = text.substr(span.first, span.second - span.first);
    TreeNode n;
    switch (e.type()) {
      case simdjson::dom::element_type::OBJECT:
        n.kind = TreeNode::Kind::kObject;
        n.text = Minify(raw);
        for (simdjson::dom::key_value_pair kv : simdjson::dom::object(e)) {
          std::string key(kv.key);
          n.members.push_back({std::move(key), Build(kv.value)});
        }
        break;
      case simdjson::dom::element_type::ARRAY:
        n.kind = TreeNode::Kind::kArray;
        n.text = Minify(raw);
        for (simdjson::dom::element child : simdjson::dom::array(e)) {
          n.elements.push_back(Build(child));
        }
        break;
      case simdjson::dom::element_type::STRING:
        n.kind = TreeNode::Kind::kString;
        n.text = std::string(std::string_view(e));
        break;
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        n.kind = TreeNode::Kind::kNumber;
        n.text = std::string(raw);
        break;
      case simdjson::dom::element_type::BOOL:
        n.kind = TreeNode::Kind::kBool;
        n.text = bool(e) ? "true" : "false";
        break;
      case simdjson::dom::element_type::NULL_VALUE:
        n.kind = TreeNode::Kind::kNull;
        break;
    }
    return n;
  }
};

// RFC 8259's number grammar.
bool IsJsonNumber(std::string_view t) {
  size_t i = 0;
  auto digits = [&] {
    const size_t from = i;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9') ++i;
    return i > from;
  };
  if (i < t.size() && t[i] == '-') ++i;
  if (i < t.size() && t[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == t.size();
}

// Replaces every well-formed number token of `text` by "0" and spaces (same length),
// for the DOM parser, which refuses numbers beyond a double or 64-bit integers (1e400,
// 2^64 + 1). The tree takes number texts from the original spans, so nothing is lost;
// malformed numbers are left for the parser to refuse. False when nothing changed.
bool NeutralizeNumbers(std::string* text) {
  bool changed = false;
  std::string& t = *text;
  size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '"') {
      i = SkipString(t, i);
      continue;
    }
    if (c != '-' && !(c >= '0' && c <= '9')) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < t.size() && !IsJsonSpace(t[end]) && t[end] != ',' && t[end] != ']' &&
           t[end] != '}' && t[end] != ':') {
      ++end;
    }
    if (IsJsonNumber(std::string_view(t).substr(i, end - i))) {
      t[i] = '0';
      for (size_t k = i + 1; k < end; ++k) t[k] = ' ';
      changed = true;
    }
    i = end;
  }
  return changed;
}

// Every refusal of an event other than its depth says the same: it is not valid JSON.
bool NotValidJson(Status* error) {
  if (error != nullptr)
    *error = Status::Error(StatusCode::kInvalidInput, "the event is not valid JSON");
  return false;
}

}  // namespace

bool ParseEventTree(std::string_view original, TreeNode* root, Status* error) {
  // A lone surrogate escape reads as U+FFFD, as in the matcher (util/surrogates.h).
  std::string fixed;
  const std::string_view json =
      ReplaceLoneSurrogateEscapes(original, &fixed) ? std::string_view(fixed) : original;
  simdjson::dom::parser parser;
  simdjson::padded_string padded(json);
  simdjson::dom::element doc;
  auto code = parser.parse(padded).get(doc);
  if (code != simdjson::SUCCESS && code != simdjson::DEPTH_ERROR) {
    // Maybe a number beyond what the DOM parser holds (exact_number.h compares it);
    // simdjson 3.0 reports those as NUMBER_ERROR, or as other errors for big integers.
    std::string numbers(json);
    if (NeutralizeNumbers(&numbers)) {
      padded = simdjson::padded_string(numbers);
      code = parser.parse(padded).get(doc);
    }
  }
  if (code != simdjson::SUCCESS && code != simdjson::DEPTH_ERROR) return NotValidJson(error);
  if (code == simdjson::DEPTH_ERROR) {
    // The DOM parser's depth limit also bounds Builder::Build's recursion below.
    if (error != nullptr) {
      *error = Status::Error(
          StatusCode::kLimitExceeded,
          "the event is nested deeper than " + std::to_string(parser.max_depth()) + " levels");
    }
    return false;
  }
  Builder b;
  // Objects and arrays compare as the event's own text (escapes as written, lone
  // surrogates included), as in the matcher; the copy has the same offsets.
  b.text = original;
  const size_t end = SkipSpace(json, ScanSpans(json, 0, &b.spans));
  if (end != json.size()) return NotValidJson(error);  // cannot happen after a successful parse
  *root = b.Build(doc);
  return b.next == b.spans.size() || NotValidJson(error);
}

namespace {

bool HasDuplicateKeys(const TreeNode& n) {
  if (n.kind == TreeNode::Kind::kArray) {
    for (const TreeNode& e : n.elements) {
      if (HasDuplicateKeys(e)) return true;
    }
    return false;
  }
  if (n.kind != TreeNode::Kind::kObject) return false;
  std::vector<std::string_view> keys;
  for (const auto& m : n.members) {
    keys.push_back(m.key);
    if (HasDuplicateKeys(m.value)) return true;
  }
  std::sort(keys.begin(), keys.end());
  return std::adjacent_find(keys.begin(), keys.end()) != keys.end();
}

}  // namespace

bool EventReadings(std::string_view json, std::vector<TreeNode>* readings, Status* error) {
  readings->clear();
  TreeNode root;
  if (!ParseEventTree(json, &root, error)) return false;
  if (!HasDuplicateKeys(root)) {
    readings->push_back(std::move(root));
    return true;
  }
  for (const bool keep_last : {false, true}) {
    std::string copy;
    if (!RemoveDuplicateKeys(json, keep_last, &copy))
      return NotValidJson(error);  // cannot happen: it has one
    TreeNode r;
    if (!ParseEventTree(copy, &r, error)) return false;
    readings->push_back(std::move(r));
  }
  return true;
}

// ---- 2. Field values ---------------------------------------------------------------

namespace {

std::vector<std::string> SplitDots(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    if (dot == std::string_view::npos) {
      out.emplace_back(path.substr(start));
      return out;
    }
    out.emplace_back(path.substr(start, dot - start));
    start = dot + 1;
  }
}

// The value(s) a node contributes once the path is used up.
void Contribute(const TreeNode& n, std::vector<const TreeNode*>* out) {
  out->push_back(&n);
  if (n.kind == TreeNode::Kind::kArray) {
    for (const TreeNode& e : n.elements) Contribute(e, out);
  }
}

void Resolve(const TreeNode& n, const std::vector<std::string>& segs, size_t i,
             std::vector<const TreeNode*>* out) {
  if (i == segs.size()) {
    Contribute(n, out);
    return;
  }
  if (n.kind == TreeNode::Kind::kObject) {
    for (const auto& [key, child] : n.members) {
      // The key spells one or more of the remaining segments.
      std::vector<std::string> key_segs = SplitDots(key);
      if (key_segs.size() > segs.size() - i) continue;
      bool same = true;
      for (size_t k = 0; k < key_segs.size(); ++k) same = same && key_segs[k] == segs[i + k];
      if (same) Resolve(child, segs, i + key_segs.size(), out);
    }
  } else if (n.kind == TreeNode::Kind::kArray) {
    for (const TreeNode& e : n.elements) Resolve(e, segs, i, out);
  }
}

void CollectStrings(const TreeNode& n, std::vector<const TreeNode*>* out) {
  if (n.kind == TreeNode::Kind::kString) out->push_back(&n);
  for (const auto& member : n.members) CollectStrings(member.value, out);
  for (const TreeNode& e : n.elements) CollectStrings(e, out);
}

}  // namespace

std::vector<const TreeNode*> PathValues(std::string_view path, const TreeNode& root) {
  std::vector<const TreeNode*> out;
  Resolve(root, SplitDots(path), 0, &out);
  return out;
}

std::vector<const TreeNode*> FieldValues(const Ir& ir, uint32_t field, const TreeNode& root) {
  std::vector<const TreeNode*> out;
  if (field == kAnyString) {
    CollectStrings(root, &out);
  } else {
    Resolve(root, SplitDots(ir.fields[field]), 0, &out);
  }
  return out;
}

// ---- 3. Operators on one value -----------------------------------------------------

namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (static_cast<unsigned char>(c) < 0x80) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// Length of the UTF-8 character starting at s[0] (1 for a stray byte).
size_t CharLen(std::string_view s) {
  unsigned char c = static_cast<unsigned char>(s[0]);
  size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
  if (n > s.size()) return 1;
  for (size_t k = 1; k < n; ++k) {
    if ((static_cast<unsigned char>(s[k]) & 0xC0) != 0x80) return 1;
  }
  return n;
}

// '*' any run of bytes, '?' one UTF-8 character, '\' escapes the next byte. Reads the
// pattern one token at a time, keeping the set of text positions the pattern so far can
// reach: O(|pattern| * |text|) time, no recursion, whatever the pattern (rules and
// events are both untrusted: `vigil test` runs this on a rule's own test events).
bool Glob(std::string_view pat, std::string_view s) {
  std::vector<char> reach(s.size() + 1, 0), next(s.size() + 1, 0);
  reach[0] = 1;
  size_t p = 0;
  while (p < pat.size()) {
    std::fill(next.begin(), next.end(), 0);
    if (pat[p] == '*') {
      char any = 0;
      for (size_t i = 0; i <= s.size(); ++i) next[i] = any = static_cast<char>(any | reach[i]);
      p += 1;
    } else if (pat[p] == '?') {
      for (size_t i = 0; i < s.size(); ++i) {
        if (reach[i]) next[i + CharLen(s.substr(i))] = 1;
      }
      p += 1;
    } else {
      const size_t width = (pat[p] == '\\' && p + 1 < pat.size()) ? 2 : 1;
      const char literal = pat[p + width - 1];
      for (size_t i = 0; i < s.size(); ++i) {
        if (reach[i] && s[i] == literal) next[i + 1] = 1;
      }
      p += width;
    }
    reach.swap(next);
  }
  return reach[s.size()] != 0;
}

bool RegexSearch(const std::string& pattern, uint8_t flags, std::string_view subject) {
  std::string error;
  const std::unique_ptr<Regex> re = Regex::Compile(pattern, flags, &error);
  if (re == nullptr) return false;
  // The compiled matcher's limits and work budget, so that a catastrophic pattern stops
  // here too; PCRE2's interpreter, as compiling JIT code for one search would not pay.
  RegexScratch scratch;
  scratch.use_jit = false;
  return re->Search(subject, &scratch);
}

bool LiteralCompare(Op op, std::string_view value, std::string_view lit) {
  switch (op) {
    case Op::kEquals:
      return value == lit;
    case Op::kPrefix:
      return value.substr(0, lit.size()) == lit;
    case Op::kSuffix:
      return value.size() >= lit.size() && value.substr(value.size() - lit.size()) == lit;
    case Op::kContains:
      return value.find(lit) != std::string_view::npos;
    default:
      return false;
  }
}

bool NumericValue(const Predicate& p, const TreeNode& v, double* x) {
  if (p.time_part != TimePartOpt::kNone) {
    if (v.kind != TreeNode::Kind::kString && v.kind != TreeNode::Kind::kNumber) return false;
    const TimePart part = ToTimePart(p.time_part);
    int64_t n = 0;
    if (v.kind == TreeNode::Kind::kNumber) {
      // A numeric timestamp (unix seconds or milliseconds), as correlation reads one.
      double d = 0;
      int64_t ms = 0;
      if (!ParseDouble(v.text, &d) || !EpochNumberToMillis(d, &ms) ||
          !ExtractTimePartOfUnixMillis(ms, part, &n)) {
        return false;
      }
    } else if (!ExtractTimePart(v.text, part, &n)) {
      return false;
    }
    *x = static_cast<double>(n);
    return true;
  }
  if (v.kind != TreeNode::Kind::kNumber && v.kind != TreeNode::Kind::kString) return false;
  return ParseNumberValue(v.text, x);  // beyond a double's range: +-infinity
}

// Whether the non-null value `v` satisfies the (positive form of) predicate `p`.
bool Satisfies(const Ir& ir, const Predicate& p, const TreeNode& v, const TreeNode& root) {
  switch (p.op) {
    case Op::kEquals:
    case Op::kPrefix:
    case Op::kSuffix:
    case Op::kContains:
      if (p.cased) return LiteralCompare(p.op, v.text, p.text);
      return LiteralCompare(p.op, Lower(v.text), Lower(p.text));
    case Op::kGlob:
      if (p.cased) return Glob(p.text, v.text);
      return Glob(Lower(p.text), Lower(v.text));
    case Op::kRegex:
      return RegexSearch(p.text, p.regex_flags, v.text);
    case Op::kCidr: {
      IpAddress ip;
      return ParseIp(v.text, &ip) && CidrContains(p.cidr, ip);
    }
    case Op::kNumEq:
    case Op::kLt:
    case Op::kLte:
    case Op::kGt:
    case Op::kGte: {
      double x = 0;
      if (!NumericValue(p, v, &x)) return false;
      if (x == p.number && p.time_part == TimePartOpt::kNone) {
        // Equal as doubles: the exact values decide (2^64 + 1 > 2^64).
        std::string exact;
        CanonicalNumber(v.text, &exact);
        return CompareNumbers(p.op, CompareCanonical(exact, p.text), 0);
      }
      return CompareNumbers(p.op, x, p.number);
    }
    case Op::kFieldRef:
      for (const TreeNode* o : FieldValues(ir, p.other_field, root)) {
        if (o->kind == TreeNode::Kind::kNull) continue;
        bool hit = p.cased ? LiteralCompare(p.ref_op, v.text, o->text)
                           : LiteralCompare(p.ref_op, Lower(v.text), Lower(o->text));
        if (hit) return true;
      }
      return false;
    case Op::kNull:
    case Op::kExists:
    case Op::kNotExists:
      return false;  // presence predicates are decided on the whole set
  }
  return false;
}

// ---- 4. Predicates and expressions -------------------------------------------------

}  // namespace

bool InterpretPredicate(const Ir& ir, const Predicate& p, const TreeNode& root) {
  const std::vector<const TreeNode*> values = FieldValues(ir, p.field, root);
  bool result = false;
  switch (p.op) {
    case Op::kNull:
      result = values.empty();
      for (const TreeNode* v : values) result = result || v->kind == TreeNode::Kind::kNull;
      return p.negate ? !result : result;
    case Op::kExists:
      return p.negate ? values.empty() : !values.empty();
    case Op::kNotExists:
      return p.negate ? !values.empty() : values.empty();
    case Op::kFieldRef: {
      // A missing (or only null) field on the other side: no fieldref holds, neq neither.
      bool other = false;
      for (const TreeNode* o : FieldValues(ir, p.other_field, root))
        other = other || o->kind != TreeNode::Kind::kNull;
      if (!other) return false;
      break;
    }
    default:
      break;
  }
  for (const TreeNode* v : values) {
    if (v->kind == TreeNode::Kind::kNull) continue;
    if (Satisfies(ir, p, *v, root) != p.negate) return true;
  }
  return false;
}

bool InterpretExpr(const Ir& ir, const Expr& e, const TreeNode& root) {
  switch (e.kind) {
    case Expr::Kind::kPred:
      return InterpretPredicate(ir, ir.predicates[e.pred], root);
    case Expr::Kind::kAnd:
      for (const Expr& k : e.children) {
        if (!InterpretExpr(ir, k, root)) return false;
      }
      return true;
    case Expr::Kind::kOr:
      for (const Expr& k : e.children) {
        if (InterpretExpr(ir, k, root)) return true;
      }
      return false;
    case Expr::Kind::kNot: return !InterpretExpr(ir, e.children.at(0), root);
    case Expr::Kind::kTrue:
      return true;
    case Expr::Kind::kFalse:
      return false;
  }
  return false;
}

}  // namespace vigil::internal
