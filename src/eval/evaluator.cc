// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The event walker and rule evaluation; see evaluator.h. Tested by
// tests/eval/evaluator_test.cc and, against the reference evaluator, by
// tests/eval/cases_test.cc.

#include "eval/evaluator.h"

#include <algorithm>
#include <cstring>

#include "eval/glob.h"
#include "util/cidr.h"
#include "util/strings.h"
#include "util/timeparts.h"

namespace vigil::internal {

namespace od = simdjson::ondemand;

Evaluator::Evaluator(const Program& program)
    : prog_(program),
      pred_stamp_(program.ir.predicates.size(), 0),
      rule_stamp_(program.ir.rules.size(), 0),
      field_stamp_(program.ir.fields.size(), 0),
      null_stamp_(program.ir.fields.size(), 0),
      deferred_stamp_(program.ir.fields.size(), 0),
      lazy_stamp_(program.ir.predicates.size(), 0),
      stored_(program.ir.fields.size()),
      deferred_(program.ir.fields.size()) {
  candidates_.reserve(program.ir.rules.size());
}

void Evaluator::NextEpoch() {
  if (++epoch_ == 0) {  // wrapped: clear once every 2^32 events
    std::fill(pred_stamp_.begin(), pred_stamp_.end(), 0);
    std::fill(rule_stamp_.begin(), rule_stamp_.end(), 0);
    std::fill(field_stamp_.begin(), field_stamp_.end(), 0);
    std::fill(null_stamp_.begin(), null_stamp_.end(), 0);
    std::fill(deferred_stamp_.begin(), deferred_stamp_.end(), 0);
    std::fill(lazy_stamp_.begin(), lazy_stamp_.end(), 0);
    epoch_ = 1;
  }
  candidates_.clear();
  arena_.clear();
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
  const auto& children = prog_.trie[node].children;
  if (children.empty()) return -1;
  if (const uint32_t* c = children.find(key)) return static_cast<int32_t>(*c);
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

void Evaluator::SetPredicate(uint32_t p) {
  if (pred_stamp_[p] == epoch_) return;
  pred_stamp_[p] = epoch_;
  for (uint32_t r : prog_.triggers[p]) {
    if (rule_stamp_[r] != epoch_) {
      rule_stamp_[r] = epoch_;
      candidates_.push_back(r);
    }
  }
}

static bool Compare(Op op, double a, double b) {
  switch (op) {
    case Op::kNumEq: return a == b;
    case Op::kLt: return a < b;
    case Op::kLte: return a <= b;
    case Op::kGt: return a > b;
    case Op::kGte: return a >= b;
    default: return false;
  }
}

static TimePart ToTimePart(TimePartOpt t) {
  switch (t) {
    case TimePartOpt::kMinute: return TimePart::kMinute;
    case TimePartOpt::kHour: return TimePart::kHour;
    case TimePartOpt::kDay: return TimePart::kDay;
    case TimePartOpt::kWeek: return TimePart::kWeek;
    case TimePartOpt::kMonth: return TimePart::kMonth;
    default: return TimePart::kYear;
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

bool Evaluator::TestScalar(uint32_t id, ValueKind kind, std::string_view text,
                           std::string_view folded) {
  const Predicate& p = prog_.ir.predicates[id];
  bool r = false;
  switch (p.op) {
    case Op::kPrefix:
    case Op::kSuffix:
      // Only the ends are compared, so fold just those bytes (the table does not fold
      // whole values for these; p.text is lower-cased already).
      if (p.cased) {
        r = TextOp(p.op, p.text, text);
      } else if (text.size() >= p.text.size()) {
        const size_t at = p.op == Op::kPrefix ? 0 : text.size() - p.text.size();
        r = EqualsFolded(text.substr(at, p.text.size()), p.text);
      }
      break;
    case Op::kEquals: case Op::kContains: case Op::kGlob:
      r = TextOp(p.op, p.text, p.cased ? text : folded);
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
        r = kind == ValueKind::kString && ExtractTimePart(text, ToTimePart(p.time_part), &part) &&
            Compare(p.op, static_cast<double>(part), p.number);
      } else {
        double d;
        r = (kind == ValueKind::kNumber || kind == ValueKind::kString) && ParseDouble(text, &d) &&
            Compare(p.op, d, p.number);
      }
      break;
    }
    default:
      return false;
  }
  return p.negate ? !r : r;
}

void Evaluator::RunTable(const FieldTable& t, ValueKind kind, std::string_view text) {
  if (!t.exact_cased.empty()) {
    if (const auto* preds = t.exact_cased.find(text)) {
      for (uint32_t p : *preds) SetPredicate(p);
    }
  }
  std::string_view folded = text;
  // Fold only when something reads the folded text: a scanned predicate, or a lookup
  // among keys of this length (long values such as user agents rarely need one).
  const bool lookup = t.exact_folded.MayHaveLength(text.size());
  if (t.scan_needs_fold || lookup) {
    AsciiLowerInto(text, &fold_);
    folded = fold_;
    if (lookup) {
      if (const auto* preds = t.exact_folded.find(folded)) {
        for (uint32_t p : *preds) SetPredicate(p);
      }
    }
  }
  for (uint32_t p : t.scan) {
    if (pred_stamp_[p] != epoch_ && TestScalar(p, kind, text, folded)) SetPredicate(p);
  }
}

void Evaluator::OnValue(int32_t field, ValueKind kind, std::string_view text) {
  const uint32_t f = static_cast<uint32_t>(field);
  if (field_stamp_[f] != epoch_) {
    field_stamp_[f] = epoch_;
    stored_[f].clear();
  }
  if (kind == ValueKind::kNull) {
    null_stamp_[f] = epoch_;
    return;
  }
  const FieldTable& t = prog_.tables[f];
  if (t.store_values) {
    stored_[f].push_back({static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(text.size()), kind});
    arena_.append(text);
  }
  RunTable(t, kind, text);
}

void Evaluator::OnKeyword(std::string_view text) { RunTable(prog_.keywords, ValueKind::kString, text); }

void Evaluator::MarkPresent(uint32_t f) {
  if (field_stamp_[f] != epoch_) {
    field_stamp_[f] = epoch_;
    stored_[f].clear();
  }
}

// The compact JSON text of an object or array whose raw text is `raw`, in `*buf`.
bool Evaluator::Minify(std::string_view raw, std::string* buf, std::string_view* out) {
  buf->resize(raw.size() + simdjson::SIMDJSON_PADDING);
  size_t len = 0;
  if (simdjson::minify(raw.data(), raw.size(), buf->data(), len)) return false;
  *out = std::string_view(buf->data(), len);
  return true;
}

// Tests a deferred predicate on the JSON values (objects, arrays) its field had in this
// event. Called at most once per predicate per event, and only for the rules that are
// candidates, so a rule such as `requestParameters|contains: AllUsers` costs nothing
// on the events whose eventName rules it out.
bool Evaluator::TestDeferred(uint32_t pred) {
  const Predicate& p = prog_.ir.predicates[pred];
  const FieldTable& t = prog_.tables[p.field];
  for (std::string_view raw : deferred_[p.field]) {
    std::string_view text;
    if (!Minify(raw, &lazy_text_, &text)) continue;
    std::string_view folded = text;
    if (t.needs_fold) {
      AsciiLowerInto(text, &lazy_fold_);
      folded = lazy_fold_;
    }
    if (TestScalar(pred, ValueKind::kJson, text, folded)) return true;
  }
  return false;
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
  for (auto fld : obj) {
    od::field f;
    if (std::move(fld).get(f)) return false;
    std::string_view key;
    if (f.unescaped_key().get(key)) return false;
    if (top && (key == "eventSource" || key == "eventName" || key == "eventTime")) ++cloudtrail_keys_;
    const int32_t child = Child(node, key);
    if (child < 0 && !prog_.has_keywords) continue;
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
  const int32_t field = node >= 0 ? prog_.trie[node].field : -1;
  const bool descend = prog_.has_keywords || (node >= 0 && !prog_.trie[node].children.empty());
  switch (type) {
    case od::json_type::object:
    case od::json_type::array: {
      const bool is_array = type == od::json_type::array;
      const FieldTable* t = field >= 0 ? &prog_.tables[field] : nullptr;
      if (t == nullptr || (t->empty() && !t->store_values)) {
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
        if (doc_->current_location().get(end)) return false;  // inside the root object: cannot be at the end
        while (end > start && (end[-1] == ' ' || end[-1] == '\n' || end[-1] == '\r' || end[-1] == '\t')) --end;
        raw = std::string_view(start, static_cast<size_t>(end - start));
      } else if (is_array) {
        od::array a;
        if (v.get_array().get(a) || a.raw_json().get(raw)) return false;
      } else {
        od::object o;
        if (v.get_object().get(o) || o.raw_json().get(raw)) return false;
      }
      const uint32_t f = static_cast<uint32_t>(field);
      if (!t->json_eager) {
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
      OnValue(field, ValueKind::kJson, compact);
      return true;
    }
    case od::json_type::string: {
      std::string_view s;
      if (v.get_string().get(s)) return false;
      if (field >= 0) OnValue(field, ValueKind::kString, s);
      if (prog_.has_keywords) OnKeyword(s);
      return true;
    }
    case od::json_type::number: {
      std::string_view tok = v.raw_json_token();
      while (!tok.empty() && (tok.back() == ' ' || tok.back() == '\n' || tok.back() == '\r' ||
                              tok.back() == '\t')) {
        tok.remove_suffix(1);
      }
      if (field >= 0) OnValue(field, ValueKind::kNumber, tok);
      return true;
    }
    case od::json_type::boolean: {
      bool b;
      if (v.get_bool().get(b)) return false;
      if (field >= 0) OnValue(field, ValueKind::kBool, b ? "true" : "false");
      return true;
    }
    case od::json_type::null: {
      if (field >= 0) OnValue(field, ValueKind::kNull, std::string_view());
      return true;
    }
  }
  return true;
}

bool Evaluator::EvalFieldRef(const Predicate& p) {
  if (!Present(p.field) || !Present(p.other_field)) return false;
  for (const Stored& a : stored_[p.field]) {
    for (const Stored& b : stored_[p.other_field]) {
      std::string_view av(arena_.data() + a.offset, a.length);
      std::string_view bv(arena_.data() + b.offset, b.length);
      bool r;
      if (p.cased) {
        r = TextOp(p.ref_op, bv, av);
      } else {
        // Folded into reused buffers: no allocation once they have grown.
        AsciiLowerInto(av, &ref_a_);
        AsciiLowerInto(bv, &ref_b_);
        r = TextOp(p.ref_op, ref_b_, ref_a_);
      }
      if (r != p.negate) return true;
    }
  }
  return false;
}

bool Evaluator::EvalExpr(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kTrue: return true;
    case Expr::Kind::kFalse: return false;
    case Expr::Kind::kNot: return !EvalExpr(e.kids[0]);
    case Expr::Kind::kAnd:
      for (const auto& k : e.kids) {
        if (!EvalExpr(k)) return false;
      }
      return true;
    case Expr::Kind::kOr:
      for (const auto& k : e.kids) {
        if (EvalExpr(k)) return true;
      }
      return false;
    case Expr::Kind::kPred: {
      const Predicate& p = prog_.ir.predicates[e.pred];
      switch (p.op) {
        case Op::kNull: return !Present(p.field) || null_stamp_[p.field] == epoch_;
        case Op::kExists: return Present(p.field);
        case Op::kNotExists: return !Present(p.field);
        case Op::kFieldRef: return EvalFieldRef(p);
        default:
          if (pred_stamp_[e.pred] == epoch_) return true;
          if (prog_.deferred[e.pred] && deferred_stamp_[p.field] == epoch_ && lazy_stamp_[e.pred] != epoch_) {
            lazy_stamp_[e.pred] = epoch_;
            if (TestDeferred(e.pred)) {
              pred_stamp_[e.pred] = epoch_;
              return true;
            }
          }
          return false;
      }
    }
  }
  return false;
}

bool Evaluator::Evaluate(std::string_view json, EventKind kind, Envelope envelope,
                         std::vector<uint32_t>* rules, std::string* error) {
  rules->clear();
  NextEpoch();
  od::document doc;
  doc_ = &doc;
  auto fail = [&](simdjson::error_code ec) {
    *error = std::string("invalid JSON: ") + simdjson::error_message(ec);
    return false;
  };
  if (auto ec = parser_.iterate(json.data(), json.size(), json.size() + simdjson::SIMDJSON_PADDING).get(doc)) {
    return fail(ec);
  }
  od::object obj;
  if (auto ec = doc.get_object().get(obj)) {
    *error = ec == simdjson::INCORRECT_TYPE ? "event is not a JSON object"
                                            : std::string("invalid JSON: ") + simdjson::error_message(ec);
    return false;
  }
  top_level_ = true;
  too_deep_ = false;
  cloudtrail_keys_ = 0;
  if (!VisitObject(obj, 0, 0)) {
    *error = too_deep_ ? "event nested deeper than " + std::to_string(kMaxEventDepth) +
                             " levels (objects and arrays)"
                       : std::string("invalid JSON");
    return false;
  }
  // On-Demand stops at the object's closing brace; text after it (`{...} x`) makes the
  // event invalid JSON, not an event that can match (found by fuzz/fuzz_matcher).
  const char* rest = nullptr;
  if (doc.current_location().get(rest) != simdjson::OUT_OF_BOUNDS) {  // i.e. not at the end
    *error = "invalid JSON: text after the event object";
    return false;
  }
  bool cloudtrail = false;
  switch (kind) {
    case EventKind::kCloudTrail: cloudtrail = true; break;
    case EventKind::kAny: cloudtrail = false; break;
    case EventKind::kAuto:
      cloudtrail = envelope == Envelope::kRecords || envelope == Envelope::kLookupEvents ||
                   cloudtrail_keys_ >= 2;
      break;
  }
  for (uint32_t r : prog_.always) {
    if (rule_stamp_[r] != epoch_) {
      rule_stamp_[r] = epoch_;
      candidates_.push_back(r);
    }
  }
  for (uint32_t r : candidates_) {
    if (cloudtrail && !prog_.rule_fits_cloudtrail[r]) continue;
    if (EvalExpr(prog_.ir.rules[r].condition)) rules->push_back(r);
  }
  std::sort(rules->begin(), rules->end());
  return true;
}

}  // namespace vigil::internal
