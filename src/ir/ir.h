// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The IR: what a Sigma rule means, with every modifier applied and every identifier
// resolved. Internal; use include/vigil/ instead.
//
// A rule is a boolean expression (Expr) over typed predicates. Predicates live in one
// table shared by all rules (Ir::predicates), deduplicated by their canonical key, so
// a predicate that many rules use is evaluated once per event.
//
// ---- Semantics (the contract both the compiled matcher and the reference evaluator
// ---- in tests/reference/ implement)
//
// Field values. A field path is split on '.' into segments. Resolving it in an event:
//   * at an object, a key equal to the next segment descends one level; a key that
//     itself contains dots descends as many segments as it spells ("pre-flattened"
//     keys such as {"userIdentity.arn": ...} are found too);
//   * at an array while segments remain, each element is resolved at the same point
//     (a condition on a path that crosses an array holds if it holds for any element);
//   * when the segments are used up, the node contributes values: a scalar is one
//     value; an object is one value of type kJson (its compact JSON text); an array
//     is one kJson value (its compact text) plus the values of each element.
// The value set of a field may be empty (the field is missing).
// An event in which an object repeats a key is evaluated twice, read first-wins and
// read last-wins (util/duplicate_keys.h); a rule matches if it matches either reading.
// A lone surrogate escape in a string reads as U+FFFD (util/surrogates.h); kJson texts
// keep the event's own escapes.
// Keyword predicates (field == kAnyString) see every JSON string value of the event
// (not keys, not numbers), those of decoded embedded documents (below) included.
//
// Embedded JSON (Ir::embedded_json, from CompileOptions::embedded_json). A field listed
// there whose value is a string holding a JSON object or array (as written, or
// URL-encoded as IAM sends policy documents; eval/embedded_json.h) gets the decoded
// document too, as a member keyed <key> + kDecodedSuffix inserted right after the
// string in the same object. A rule's path beneath the field (E.x) is interned as the
// path beneath that member (E<suffix>.x), while E itself keeps its string: rules that
// read the string read what they always read. Only objects are walked to find E (not
// arrays), and every occurrence of a repeated key gets its own decoded member. A field
// that is an object or array in the event already gets a member holding a copy of it,
// so a path beneath the field reads it either way. Keyword
// predicates see the decoded strings too: skipping members by their key would let an
// event hide strings from them under a forged key.
//
// Text of a value: strings their unescaped text, numbers their JSON token as written,
// booleans "true"/"false", kJson the compact JSON text. Null has no text.
//
// A positive predicate is true when SOME non-null value of the set satisfies it:
//   kEquals/kPrefix/kSuffix/kContains  literal comparison of the text; `text` is
//                       lower-cased (ASCII) unless `cased`, and the value is folded
//                       the same way before comparing.
//   kGlob               `text` is a pattern: '*' any run of bytes, '?' exactly one
//                       UTF-8 character, '\' escapes the next byte; folding as above.
//   kRegex              PCRE2 unanchored search of `text` with regex_flags.
//   kCidr               the text parses as an IP address inside `cidr`.
//   kNumEq/kLt/kLte/kGt/kGte  the value is a JSON number, or a string that parses as
//                       a number, compared with `number`, exactly: `text` holds the
//                       rule's number in the canonical form of util/exact_number.h,
//                       which decides when the value equals `number` as a double
//                       (2^64 + 1 > 2^64); a value beyond the range of a double is
//                       +-infinity (1e400 > 1e300). With time_part set, the value
//                       must instead be an ISO-8601 text, and the part (hour, day...)
//                       extracted from it is compared.
//   kFieldRef           some value of `other_field` compares to the value with
//                       `ref_op` (kEquals/kPrefix/kSuffix/kContains), folding unless
//                       `cased`. When `other_field` is missing or only null, the
//                       predicate is false, negated or not.
// `negate` (the `neq` modifier) turns that into: SOME non-null value does NOT satisfy
// it (a missing field is therefore false for both).
// Predicates on presence look at the whole set:
//   kNull       the set is empty, or contains a JSON null.
//   kExists     the set is not empty (a null value counts as present).
//   kNotExists  the set is empty.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/cidr.h"
#include "util/timeparts.h"
#include "vigil/rule.h"

namespace vigil::internal {

inline constexpr uint32_t kAnyString = std::numeric_limits<uint32_t>::max();

enum class Op : uint8_t {
  kEquals,
  kPrefix,
  kSuffix,
  kContains,
  kGlob,
  kRegex,
  kCidr,
  kNumEq,
  kLt,
  kLte,
  kGt,
  kGte,
  kFieldRef,
  kNull,
  kExists,
  kNotExists,
};

const char* OpName(Op op);

enum RegexFlags : uint8_t { kRegexCaseless = 1, kRegexMultiline = 2, kRegexDotAll = 4 };

enum class TimePartOpt : uint8_t { kNone, kMinute, kHour, kDay, kWeek, kMonth, kYear };

// What a numeric operator (kNumEq, kLt, kLte, kGt, kGte) means on two doubles: `value`
// (the event's) against `number` (the rule's). False for any other operator. Shared by
// the compiled matcher and the interpreter: it is the contract, not an implementation.
inline bool CompareNumbers(Op op, double value, double number) {
  switch (op) {
    case Op::kNumEq: return value == number;
    case Op::kLt: return value < number;
    case Op::kLte: return value <= number;
    case Op::kGt: return value > number;
    case Op::kGte: return value >= number;
    default: return false;
  }
}

// The part of a timestamp a time modifier reads (util/timeparts.h).
// REQUIRES: t != TimePartOpt::kNone.
inline TimePart ToTimePart(TimePartOpt t) {
  switch (t) {
    case TimePartOpt::kMinute: return TimePart::kMinute;
    case TimePartOpt::kHour: return TimePart::kHour;
    case TimePartOpt::kDay: return TimePart::kDay;
    case TimePartOpt::kWeek: return TimePart::kWeek;
    case TimePartOpt::kMonth: return TimePart::kMonth;
    default: return TimePart::kYear;
  }
}

struct Predicate {
  uint32_t field = 0;  // index into Ir::fields, or kAnyString
  Op op = Op::kEquals;
  bool cased = false;
  bool negate = false;
  uint8_t regex_flags = 0;
  TimePartOpt time_part = TimePartOpt::kNone;
  Op ref_op = Op::kEquals;     // kFieldRef only
  uint32_t other_field = 0;    // kFieldRef only
  double number = 0;           // numeric ops
  std::string text;            // literal, glob pattern, regex, or CIDR text
  Cidr cidr{};                 // kCidr

  // True for predicates that the event walk itself sets (by testing a value), and that
  // can only hold when the field has a matching value: they may serve as a rule's
  // witness in the candidate index. Presence tests and fieldref are decided after the
  // walk, so they cannot trigger a rule.
  bool CanWitness() const;
  // A canonical string; two predicates with the same key are the same predicate.
  std::string Key() const;
};

struct Expr {
  enum class Kind : uint8_t { kPred, kAnd, kOr, kNot, kTrue, kFalse };
  Kind kind = Kind::kFalse;
  uint32_t pred = 0;  // kPred
  std::vector<Expr> children;

  static Expr Pred(uint32_t p) {
    Expr e;
    e.kind = Kind::kPred;
    e.pred = p;
    return e;
  }
  static Expr Const(bool v) {
    Expr e;
    e.kind = v ? Kind::kTrue : Kind::kFalse;
    return e;
  }
  static Expr Not(Expr x);
  static Expr And(std::vector<Expr> children);  // flattens and folds constants
  static Expr Or(std::vector<Expr> children);
};

struct IrRule {
  RuleInfo info;
  Expr condition;
};

// The key suffix of a decoded embedded document (see "Embedded JSON" above). A control
// character: no CloudTrail key has one, and an event that forges such a key only
// supplies a document it could have put in the string itself.
inline constexpr std::string_view kDecodedSuffix =
    "\x1f"
    "decoded";

// `path` as interned when `embedded` fields are decoded: a path beneath the longest of
// them goes beneath its decoded member; any other path is unchanged.
std::string DecodedPath(const std::string& path, const std::vector<std::string>& embedded);

struct Ir {
  std::vector<std::string> fields;    // dotted paths
  // Fields whose string values are decoded as embedded JSON (set before lowering).
  std::vector<std::string> embedded_json;
  std::vector<Predicate> predicates;  // shared by all rules
  std::vector<IrRule> rules;

  // Paths beneath an embedded_json field are interned as paths beneath its decoded
  // member (see above).
  uint32_t InternField(const std::string& path);
  uint32_t InternPredicate(Predicate p);  // deduplicates by Key()

  // A readable dump (fields, predicates, rule conditions) for tests and `vigil dump`.
  std::string Dump() const;
  std::string ExprToString(const Expr& e) const;
  std::string PredicateToString(uint32_t p) const;

 private:
  std::unordered_map<std::string, uint32_t> field_ids_;
  std::unordered_map<std::string, uint32_t> predicate_ids_;
};

}  // namespace vigil::internal
