// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ScanStream: a scan (ScanInputs, scanner.h) on a thread of its own, whose results the
// caller pulls in batches: a pull-based alternative to writing a ScanSink, for a
// caller that wants to iterate (a language binding, a service answering requests, a
// consumer with its own event loop).
//
//   auto pool = std::make_shared<vigil::ScannerPool>(rules);
//   vigil::ScanStream stream(pool, {"AWSLogs/"});
//   std::vector<vigil::ScanStream::Item> batch;
//   bool more = true;
//   while (more) {
//     more = stream.Next(&batch);
//     for (const auto& item : batch) {
//       if (auto* m = std::get_if<vigil::StreamMatch>(&item)) ...   // a match
//       else if (auto* e = std::get_if<vigil::InputError>(&item)) ... // a read error
//       else if (auto* a = std::get_if<vigil::CorrelationAlert>(&item)) ...
//     }
//   }
//   if (!stream.status().ok()) ...   // the scan failed (out of memory): not complete
//   stream.stats();
//
// Memory: the results not yet taken wait in a bounded queue (ScanStreamOptions::
// max_queued_items, max_queued_bytes). When it is full the scan waits, so a slow
// consumer stops the scan instead of growing memory, whatever the size of the input;
// with ScanOptions::threads > 1 the scan's own bound (pending_bytes_per_thread)
// applies behind it as usual.
//
// Thread safety: Next, Close and the accessors are meant for one consumer thread (they
// are not synchronised with each other). The scan's thread touches nothing of the
// caller's but the queue, which is locked.
//
// Ownership: the stream keeps the pool (and so the RuleSet) alive and leases one
// Scanner from it for the duration of the scan. StreamMatch::rule and
// CorrelationAlert::rule point into the RuleSet. The destructor stops the scan and
// waits for its thread, except when it reads standard input (see Close).
//
// Errors: malformed input never ends the scan (InputError items, as ScanSink::OnError
// reports them). A failure of the scan itself (an exception out of ScanInputs, such as
// std::bad_alloc) ends it early and is reported by status(), never thrown at the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "vigil/correlation.h"
#include "vigil/export.h"
#include "vigil/input.h"
#include "vigil/rule.h"
#include "vigil/scanner.h"
#include "vigil/status.h"

namespace vigil {

// One match, with what a consumer needs of its record: the record's text and position.
struct StreamMatch {
  const RuleInfo* rule = nullptr;
  uint32_t rule_index = 0;  // index in RuleSet::rule()
  // The input's name (Record::file) and the record's JSON text: shared by the matches of
  // one record (and the names by one input's records), so a record with several
  // matches is copied once.
  std::shared_ptr<const std::string> file;
  std::shared_ptr<const std::string> json;
  uint64_t record = 0;  // 0-based position in its input (Record::index)
  uint64_t line = 0;    // 1-based line where the record starts, 0 when unknown
  // ScanOptions::record_fields of the record (fields[i] for record_fields[i]), as a
  // ScanSink gets them in Record::fields; shared by the matches of one record. Null
  // when no field was asked for, or when the scan did not capture the record (rare:
  // see Record::fields; read `json` then).
  std::shared_ptr<const std::vector<CapturedFields::Value>> fields;
};

struct ScanStreamOptions {
  // How the inputs are read and matched (kind, read limits, threads). `correlator` and
  // `end_of_stream` must be left as they are: the stream correlates by itself (below).
  // `record_fields` come with each match (StreamMatch::fields); `census` in stats().
  ScanOptions scan;
  // When the RuleSet has correlation rules: the scan is one stream for a Correlator of
  // the stream's own, made with `correlator` (ScanOptions::correlator says how it is
  // fed and flushed), and its alerts come in order with the matches. Its counters are
  // readable through ScanStream::correlator() once the scan has ended.
  bool correlate = true;
  CorrelatorOptions correlator;
  // Whether to give the matches of rules that only feed correlations
  // (RuleSet::suppressed: `generate: false` building blocks) and the alerts of
  // correlations that only feed others (CorrelationRule::hidden). False, as in
  // `vigil scan`: they are left out, and out of stats().matches and stats().alerts.
  bool building_blocks = false;
  // The bound of the queue between the scan and the consumer: items, and bytes (a
  // match counts its record's text once, an alert its events). A single item larger
  // than max_queued_bytes still goes through, alone.
  size_t max_queued_items = 4096;
  size_t max_queued_bytes = size_t{32} << 20;
};

class VIGIL_EXPORT ScanStream {
 public:
  // What Next gives, in the order the scan reported it: a match, a read error (the scan
  // went on), or an alert of the stream's correlator.
  using Item = std::variant<StreamMatch, InputError, CorrelationAlert>;

  // Starts scanning `inputs` (files, folders, "-" for standard input; as ScanInputs)
  // on a new thread, with a Scanner leased from `pool`. Throws std::system_error when
  // the thread cannot be started, std::invalid_argument when options.scan.correlator
  // is set; nothing else (a failure of the scan goes to status()).
  ScanStream(std::shared_ptr<ScannerPool> pool, std::vector<std::string> inputs,
             ScanStreamOptions options = {});
  ~ScanStream();  // Close()
  // The scan's thread holds the stream's state: it cannot move.
  ScanStream(const ScanStream&) = delete;
  ScanStream& operator=(const ScanStream&) = delete;

  // Moves up to `max_items` results, in scan order, into *out (cleared first), waiting
  // at most `wait` for the first. Returns true while more may come (*out may then be
  // empty: the wait ran out), false once the scan has ended and this call gave the
  // last of its results (*out may still hold some); then stats() and status() are
  // final. After Close, returns false with nothing.
  bool Next(std::vector<Item>* out, size_t max_items = 512,
            std::chrono::milliseconds wait = std::chrono::milliseconds::max());

  // Stops the scan (at its next record; results not yet taken are dropped) and waits for
  // its thread. A scan of standard input may be blocked in read(): it is not waited
  // for, and its thread (which owns all it uses) ends at its next record or at the end
  // of the input. Idempotent.
  void Close();

  // Whether the scan has ended (it may still have results to take).
  bool done() const;

  // The scan's counts (ScanStats; matches and alerts as given, see building_blocks).
  // REQUIRES: Next has returned false.
  const ScanStats& stats() const;

  // Ok, or why the scan ended early (kUnknown with the exception's message): then its
  // results are incomplete. REQUIRES: Next has returned false.
  const Status& status() const;

  // The stream's Correlator, null when it does not correlate (options.correlate false,
  // or no correlation rule): its counters (late_events()...) and baseline.
  // REQUIRES: Next has returned false (the scan's thread uses it until then).
  const Correlator* correlator() const;

  // What the stream shares with its scan's thread (src/inputs/scan_stream.cc).
  struct State;

 private:
  std::shared_ptr<State> state_;
};

}  // namespace vigil
