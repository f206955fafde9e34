// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Stage 5 of the pipeline: evaluate a Program on one event. Internal; use
// include/vigil/scanner.h instead.
//
// The event is read once with simdjson On-Demand, descending only into fields of the
// program's trie (or everywhere, when keyword rules need every string). Each value
// is tested against its field's table and sets predicate bits; a predicate that
// becomes true enqueues the rules it is a witness for; finally only those rules'
// conditions are evaluated.
//
// Predicate and rule "bits" are epoch stamps (stamp == current epoch means set), so
// nothing is cleared between events. All buffers are reused: in steady state an
// event causes no allocation.
#pragma once

#include <simdjson.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "compile/program.h"
#include "compile/regex.h"
#include "vigil/input.h"
#include "vigil/scanner.h"

namespace vigil::internal {

// Deepest nesting of objects and arrays the walker descends into (the top-level
// object is level 0). The walk is recursive, so this bounds its stack use; an event
// whose walked part is deeper is a bad event ("nested deeper than ..."), never a
// crash. Parts of an event that no rule reads are skipped by simdjson without
// recursion and are not subject to it. Real CloudTrail events nest about 10 levels.
inline constexpr int kMaxEventDepth = 128;

enum class ValueKind : uint8_t { kString, kNumber, kBool, kNull, kJson };

class Evaluator {
 public:
  explicit Evaluator(const Program& program);

  // REQUIRES: kRecordPadding readable bytes after json. Fills *rules (sorted rule
  // indexes) and returns true, or returns false with *error for malformed JSON.
  bool Evaluate(std::string_view json, EventKind kind, Envelope envelope,
                std::vector<uint32_t>* rules, std::string* error);

  uint64_t regex_limit_hits() const { return regex_.limit_hits; }

 private:
  struct Stored {
    uint32_t offset, length;
    ValueKind kind;
  };

  void NextEpoch();
  bool VisitObject(simdjson::ondemand::object obj, int32_t node, int depth);
  bool VisitValue(simdjson::ondemand::value v, int32_t node, int depth);
  bool Descend(simdjson::ondemand::value v, int32_t node, int depth, bool is_array);
  void MarkPresent(uint32_t field);
  static bool Minify(std::string_view raw, std::string* buf, std::string_view* out);
  bool TestDeferred(uint32_t pred);
  int32_t Child(int32_t node, std::string_view key) const;
  void OnValue(int32_t field, ValueKind kind, std::string_view text);
  void OnKeyword(std::string_view text);
  void RunTable(const FieldTable& t, ValueKind kind, std::string_view text);
  bool TestScalar(uint32_t pred, ValueKind kind, std::string_view text, std::string_view folded);
  void SetPredicate(uint32_t p);
  bool EvalExpr(const Expr& e);
  bool EvalFieldRef(const Predicate& p);
  bool Present(uint32_t field) const { return field_stamp_[field] == epoch_; }

  const Program& prog_;
  simdjson::ondemand::parser parser_;
  simdjson::ondemand::document* doc_ = nullptr;  // the event being walked
  std::string json_text_;                 // compact JSON of the value at hand
  std::string lazy_text_, lazy_fold_;     // the same, for deferred predicates
  uint32_t epoch_ = 0;
  std::vector<uint32_t> pred_stamp_;
  std::vector<uint32_t> rule_stamp_;
  std::vector<uint32_t> field_stamp_;
  std::vector<uint32_t> null_stamp_;
  std::vector<uint32_t> deferred_stamp_;  // by field: deferred_ holds this event's values
  std::vector<uint32_t> lazy_stamp_;      // by predicate: TestDeferred ran this event
  std::vector<uint32_t> candidates_;
  std::string fold_;
  std::string ref_a_, ref_b_;  // fieldref: both sides lower-cased
  std::string arena_;
  std::vector<std::vector<Stored>> stored_;  // by field, valid when field_stamp_ == epoch_
  // By field: raw text of the objects and arrays it had, for deferred predicates.
  std::vector<std::vector<std::string_view>> deferred_;
  RegexScratch regex_;
  bool top_level_ = false;
  bool too_deep_ = false;  // the walk stopped at kMaxEventDepth
  int cloudtrail_keys_ = 0;
};

}  // namespace vigil::internal
