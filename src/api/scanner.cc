// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Scanner: one event in, its matches out (one per thread). The scans over inputs that
// drive Scanners are in src/inputs/scan_inputs.cc.

#include "vigil/scanner.h"

#include <algorithm>

#include "compile/program.h"
#include "eval/evaluator.h"
#include "inputs/event_check.h"
#include "util/dom_path.h"

namespace vigil {

Scanner::Scanner(std::shared_ptr<const RuleSet> rules)
    : rules_(std::move(rules)),
      eval_(std::make_unique<internal::Evaluator>(rules_->program())),
      check_(std::make_unique<internal::EventCheck>()) {}

Scanner::~Scanner() = default;

Status Scanner::MatchPadded(std::string_view json, std::vector<vigil::Match>* out, EventKind kind,
                            Envelope envelope) {
  out->clear();
  capture_done_ = true;
  has_captured_ = false;
  Status status;
  if (!eval_->Evaluate(json, kind, envelope, &hits_, &status)) return status;
  // The On-Demand walk skips the fields no rule reads without checking their literals.
  // A matched event is reported, with its text, to people and pipelines: it must be
  // valid JSON, so it is checked whole (scan/event_check.h says how, cheaply), unless
  // the matcher's usual DOM walk has read all of it already.
  std::string error;
  if (!hits_.empty() && !eval_->validated() && !check_->Valid(json, &error)) {
    return Status::Error(StatusCode::kInvalidInput, error);
  }
  for (uint32_t r : hits_) out->push_back({&rules_->rule(r), r});
  // captured() may read the event: for the correlation a match feeds, or for the
  // record fields asked of every matched event.
  auto feeds = [this](uint32_t r) { return rules_->feeds_correlation(r); };
  const bool for_correlation =
      !rules_->captured_fields().empty() && std::any_of(hits_.begin(), hits_.end(), feeds);
  if (for_correlation || (!hits_.empty() && !record_fields_.empty())) {
    capture_json_ = json;
    capture_done_ = false;
  }
  return Status::Ok();
}

const CapturedFields* Scanner::captured() const {
  if (capture_done_) return has_captured_ ? &captured_ : nullptr;
  capture_done_ = true;
  simdjson::dom::element root;
  if (!eval_->EventDom(capture_json_, &root)) return nullptr;
  const std::vector<std::string>& rule_fields = rules_->captured_fields();
  const size_t count = rule_fields.size() + record_fields_.size();
  if (capture_paths_ == nullptr) {
    std::vector<std::string> paths = rule_fields;
    paths.insert(paths.end(), record_fields_.begin(), record_fields_.end());
    capture_paths_ = std::make_unique<internal::DomPathSet>(paths);
  }
  capture_paths_->Lookup(root);
  captured_.values.resize(count);
  for (size_t i = 0; i < count; ++i) {
    CapturedFields::Value& v = captured_.values[i];
    v.present = v.is_string = v.is_number = false;
    v.number = 0;
    v.text.clear();
    if (!capture_paths_->found(i)) continue;
    const simdjson::dom::element e = capture_paths_->element(i);
    switch (e.type()) {
      case simdjson::dom::element_type::NULL_VALUE: continue;
      case simdjson::dom::element_type::STRING: v.is_string = true; break;
      case simdjson::dom::element_type::INT64:
      case simdjson::dom::element_type::UINT64:
      case simdjson::dom::element_type::DOUBLE:
        v.is_number = true;
        v.number = e.get_double().value_unsafe();
        break;
      default: break;
    }
    internal::DomValueTextInto(e, &v.text);
    v.present = true;
  }
  has_captured_ = true;
  return &captured_;
}

void Scanner::set_record_fields(std::vector<std::string> fields) {
  capture_done_ = true;  // no capture of the last event with the fields it was not asked
  has_captured_ = false;
  if (fields == record_fields_) return;
  record_fields_ = std::move(fields);
  capture_paths_.reset();
}

uint64_t Scanner::regex_limit_hits() const { return eval_->regex_limit_hits(); }
uint64_t Scanner::duplicate_key_events() const { return eval_->duplicate_key_events(); }

Status Scanner::Match(std::string_view json, std::vector<vigil::Match>* out, EventKind kind,
                      Envelope envelope) {
  padded_.assign(json);
  padded_.append(kRecordPadding, '\0');
  return MatchPadded(std::string_view(padded_.data(), json.size()), out, kind, envelope);
}

}  // namespace vigil
