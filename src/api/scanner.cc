// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Scanner (one per thread) and ScanInputs (readers -> scanner -> sink).

#include "vigil/scanner.h"

#include <chrono>

#include "compile/program.h"
#include "eval/evaluator.h"

namespace vigil {

Scanner::Scanner(std::shared_ptr<const RuleSet> rules)
    : rules_(std::move(rules)), eval_(std::make_unique<internal::Evaluator>(rules_->program())) {}

Scanner::~Scanner() = default;

Status Scanner::MatchPadded(std::string_view json, std::vector<vigil::Match>* out, EventKind kind,
                            Envelope envelope) {
  out->clear();
  std::string error;
  if (!eval_->Evaluate(json, kind, envelope, &hits_, &error)) return Status::Error(error);
  for (uint32_t r : hits_) out->push_back({&rules_->rule(r), r});
  return Status::Ok();
}

Status Scanner::Match(std::string_view json, std::vector<vigil::Match>* out, EventKind kind,
                      Envelope envelope) {
  padded_.assign(json);
  padded_.append(kRecordPadding, '\0');
  return MatchPadded(std::string_view(padded_.data(), json.size()), out, kind, envelope);
}

namespace {

class ScanAdapter : public RecordSink {
 public:
  ScanAdapter(Scanner& scanner, const ScanOptions& options, ScanSink* sink, ScanStats* stats)
      : scanner_(scanner), options_(options), sink_(sink), stats_(stats) {}

  bool OnRecord(const Record& record) override {
    ++stats_->events;
    Status s = scanner_.MatchPadded(record.json, &matches_, options_.kind, record.envelope);
    if (!s.ok()) {
      ++stats_->event_errors;
      InputError e;
      e.file = record.file ? *record.file : std::string();
      e.line = record.line;
      e.index = record.index;
      e.message = "record " + std::to_string(record.index) + ": " + s.message();
      sink_->OnError(e);
      return sink_->OnRecordDone(record, 0);
    }
    for (const auto& m : matches_) {
      ++stats_->matches;
      if (!sink_->OnMatch(record, m)) return false;
    }
    return sink_->OnRecordDone(record, matches_.size());
  }

  void OnError(const InputError& error) override {
    ++stats_->input_errors;
    sink_->OnError(error);
  }

 private:
  Scanner& scanner_;
  const ScanOptions& options_;
  ScanSink* sink_;
  ScanStats* stats_;
  std::vector<vigil::Match> matches_;
};

}  // namespace

ScanStats ScanInputs(Scanner& scanner, const std::vector<std::string>& inputs,
                     const ScanOptions& options, ScanSink* sink) {
  ScanStats stats;
  const auto start = std::chrono::steady_clock::now();
  ScanAdapter adapter(scanner, options, sink, &stats);
  ReadStats rs = ReadInputs(inputs, options.read, &adapter);
  stats.files = rs.files;
  stats.bytes = rs.bytes;
  stats.elapsed = std::chrono::steady_clock::now() - start;
  return stats;
}

}  // namespace vigil
