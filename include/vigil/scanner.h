// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Scanner: matches JSON events against a compiled RuleSet.
//
// Thread safety: a Scanner holds all the mutable state of matching (the JSON parser,
// regex match data, predicate bitsets, scratch buffers), so it is NOT thread-safe.
// Use one Scanner per thread; all of them may share one RuleSet. This is the
// trade-off simdjson ("one parser per thread") and Hyperscan (hs_scratch_t) make:
// matching takes no lock and, once the buffers have grown to the largest event seen,
// allocates nothing.
//
// Ownership: a Scanner keeps its RuleSet alive (shared_ptr). Match results point
// into the RuleSet's RuleInfo and stay valid as long as the RuleSet does.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/correlation.h"
#include "vigil/export.h"
#include "vigil/input.h"
#include "vigil/rule.h"
#include "vigil/ruleset.h"
#include "vigil/status.h"

namespace vigil {

namespace internal {
class DomPathSet;
class Evaluator;
class EventCheck;
class ScannerAccess;
}

struct VIGIL_EXPORT Match {
  const RuleInfo* rule = nullptr;
  uint32_t rule_index = 0;  // index in RuleSet::rule()
};

class VIGIL_EXPORT Scanner {
 public:
  explicit Scanner(std::shared_ptr<const RuleSet> rules);
  ~Scanner();
  Scanner(const Scanner&) = delete;
  Scanner& operator=(const Scanner&) = delete;

  // Matches one JSON document (an event object). `out` is cleared, then receives the
  // matching rules in rule order. Malformed JSON returns an error Status and no
  // match: broken structure anywhere (unbalanced brackets, text after the object), and
  // any broken value among the fields the loaded rules read. An event that matches is
  // then checked whole (strict RFC 8259 grammar; "invalid JSON at byte N of the event:
  // ..."), so a match is never reported with invalid text. In an event that matches
  // nothing, a broken literal inside a field no rule reads is skipped unchecked:
  // checking every byte of every event would cost the matcher its speed and changes no
  // verdict (the readers already check each record's framing). `envelope` tells where
  // the record came from (for EventKind::kAuto).
  Status Match(std::string_view json, std::vector<vigil::Match>* out,
               EventKind kind = EventKind::kAuto, Envelope envelope = Envelope::kNone);

  // Same as Match, without copying the text first.
  // REQUIRES: kRecordPadding readable bytes follow json.
  Status MatchPadded(std::string_view json, std::vector<vigil::Match>* out,
                     EventKind kind = EventKind::kAuto, Envelope envelope = Envelope::kNone);

  // The fields of the event the last Match or MatchPadded matched, read from the
  // Scanner's own parse of it: the correlations' fields (RuleSet::captured_fields()),
  // then record_fields(), one CapturedFields::Value each, in that order. Made when one
  // of the event's matches feeds a correlation, or when it matched anything and
  // record_fields() is not empty; and only when the event parsed whole into
  // simdjson's DOM (not an event with a repeated key that a rule reads, or with a lone
  // surrogate escape: a Correlator then reads the text itself, a ScanSink gets no
  // Record::fields). Null otherwise. Read when first asked for (a Scanner whose matches
  // feed no Correlator and that was asked for no record_fields pays nothing for it).
  // Owned by the Scanner; valid until the next call to Match, MatchPadded or
  // set_record_fields. Pass it to Correlator::Add with the matches: the event is then
  // parsed once, not twice.
  const CapturedFields* captured() const;

  // Fields that captured() also reads of every matched event, after the correlations'
  // (ScanInputs and ScanEvents set them from ScanOptions::record_fields for the scan,
  // and restore what was set before). Paths as correlations read them (correlation.h:
  // dotted, through arrays, the first value in document order). A path may repeat one
  // of RuleSet::captured_fields(): it is then captured twice, at both places.
  void set_record_fields(std::vector<std::string> fields);
  const std::vector<std::string>& record_fields() const { return record_fields_; }

  const RuleSet& rules() const { return *rules_; }
  const std::shared_ptr<const RuleSet>& shared_rules() const { return rules_; }

  // `|re` searches this Scanner stopped at a PCRE2 limit (backtracking steps, depth,
  // heap or JIT stack; docs/limits.md) since it was made. Such a search counts as no
  // match, so a rule with a catastrophically backtracking pattern cannot stall a scan;
  // this count is how that is reported (ScanStats::regex_limit_hits sums it per scan).
  uint64_t regex_limit_hits() const;

  // Events this Scanner matched that repeat a key some rule reads within one object
  // (`{"arn":"admin","arn":"attacker"}`), since it was made. Such an event matches
  // every rule it matches read first-wins or read last-wins (docs/limits.md, "Text"),
  // so neither reading can be used to hide it; the count says how often that happened
  // (ScanStats::duplicate_key_events sums it per scan).
  uint64_t duplicate_key_events() const;

  // The matcher itself, for benchmarks and tests that look at its work counters
  // (src/eval/evaluator.h); not needed to use a Scanner.
  const internal::Evaluator& evaluator() const { return *eval_; }

 private:
  friend class internal::ScannerAccess;  // ScanInputs lends the matcher's parser to its readers
  std::shared_ptr<const RuleSet> rules_;
  std::unique_ptr<internal::Evaluator> eval_;
  std::unique_ptr<internal::EventCheck> check_;  // the whole-event check of matched events
  std::string padded_;                // Match(): the text copied with padding
  std::vector<uint32_t> hits_;        // rule indexes of the last match, reused
  // captured(), read on demand from the last event's parse; its strings keep their
  // capacity from one event to the next.
  mutable CapturedFields captured_;
  mutable bool capture_done_ = true;  // captured_ and has_captured_ are up to date
  mutable bool has_captured_ = false;
  std::string_view capture_json_;  // the last event, when captured() may read it
  std::vector<std::string> record_fields_;
  // The captured fields' paths (captured_fields() then record_fields_), read in one
  // pass over an event (made on first use, dropped when record_fields_ change).
  mutable std::unique_ptr<internal::DomPathSet> capture_paths_;
};

// ---- A pool of Scanners ---------------------------------------------------------

// Lends Scanners on one RuleSet to concurrent callers, for a service or a language
// binding that matches on whatever thread calls it: a call leases a Scanner (an idle
// one, or a new one when none is idle), matches, and gives it back when the Lease goes
// out of scope. N threads matching at once therefore use N Scanners in parallel, and a
// single thread keeps reusing one warm Scanner (its buffers already grown).
//
// Thread safety: Acquire and idle() may be called from any number of threads at once
// (one short mutex around the idle list; matching itself takes no lock). A Lease is
// used by one thread at a time, like the Scanner it lends.
//
// Ownership: the pool keeps its RuleSet alive (shared_ptr) and owns its idle
// Scanners; a Lease owns its Scanner until it gives it back. Past `max_idle` idle
// Scanners (a burst of threads has passed) a returned one is freed instead.
// REQUIRES: the pool outlives every Lease it made (hold it in a shared_ptr when the
// leases live on other threads, as ScanStream does).
class VIGIL_EXPORT ScannerPool {
 public:
  // A Scanner lent by Acquire, given back by the destructor. Movable, not copyable.
  class Lease {
   public:
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&& other) noexcept {
      if (this != &other) {
        GiveBack();
        pool_ = other.pool_;
        scanner_ = std::move(other.scanner_);
      }
      return *this;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { GiveBack(); }

    Scanner& operator*() const { return *scanner_; }
    Scanner* operator->() const { return scanner_.get(); }

   private:
    friend class ScannerPool;
    Lease(ScannerPool* pool, std::unique_ptr<Scanner> scanner)
        : pool_(pool), scanner_(std::move(scanner)) {}
    void GiveBack() {
      if (scanner_) pool_->Release(std::move(scanner_));
    }
    ScannerPool* pool_;
    std::unique_ptr<Scanner> scanner_;
  };

  static constexpr size_t kDefaultMaxIdle = 64;

  explicit ScannerPool(std::shared_ptr<const RuleSet> rules, size_t max_idle = kDefaultMaxIdle);
  ~ScannerPool();
  // Leases point at their pool: it cannot move.
  ScannerPool(const ScannerPool&) = delete;
  ScannerPool& operator=(const ScannerPool&) = delete;

  // An idle Scanner, or a new one. Never fails but for memory (std::bad_alloc).
  Lease Acquire();

  // Scanners waiting in the pool now (a snapshot; others may lease or return one).
  size_t idle() const;

  const std::shared_ptr<const RuleSet>& rules() const { return rules_; }

 private:
  void Release(std::unique_ptr<Scanner> scanner);

  const std::shared_ptr<const RuleSet> rules_;
  const size_t max_idle_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<Scanner>> idle_;  // guarded by mu_
};

// ---- Whole-input scans -------------------------------------------------------------

// The most threads ScanInputs starts (ScanOptions::threads above it is taken as this).
// Each thread costs a Scanner, a reader and their bounded buffers (docs/limits.md,
// "Memory"); past the cores there is nothing to gain.
inline constexpr unsigned kMaxScanThreads = 256;

struct ScanOptions {
  EventKind kind = EventKind::kAuto;
  ReadOptions read;
  // Files matched at once, each by its own thread and Scanner (0: one per core; at
  // most kMaxScanThreads, and fewer if the system refuses to start more). The sink
  // still sees everything in input order, from the calling thread; parallelism is per
  // file, so one large file is read by one thread.
  unsigned threads = 1;
  // With threads > 1: how much of its output (matches with their record's text,
  // errors, one entry per record for ScanSink::OnRecord) a thread may have produced
  // that the sink has not seen yet. A thread that reaches it waits until the calling
  // thread has replayed some, so memory stays bounded whatever the size of the files
  // (one matched record larger than this still goes through, alone). Larger values let
  // threads run further ahead of a slow sink.
  size_t pending_bytes_per_thread = size_t{4} << 20;
  // Fields the sink wants of each matched record, given to ScanSink::OnRecord as
  // Record::fields (record_fields[i] as fields[i]), read from the parse that matched
  // the record (Scanner::captured(), with threads > 1 too), so a sink need not parse
  // the event again. Paths as correlations read them (correlation.h): dotted
  // (`userIdentity.arn`; a key holding the dots itself is tried first), through
  // arrays, the first value in document order. Empty (the default): nothing is read
  // and Record::fields stays empty. A record still comes without fields when the
  // matcher kept no whole parse of it (see Record::fields): the sink must then read
  // its text. ScanStream gives them with each match (StreamMatch::fields).
  std::vector<std::string> record_fields;
  // Count every valid event by account, region and hour (ScanStats::census): the
  // census of the scan, matched or not, for a report of what the logs held. Read from
  // the matcher's own parse of each event (three top-level keys), so it costs little;
  // off by default.
  bool census = false;
  // The most cells (account, region, hour) a census keeps, per thread and in the
  // result: events of the cells beyond it are counted in EventCensus::overflow_events
  // instead, so input with ever-new accounts cannot grow memory. Which cells are kept
  // does not depend on the order of the events nor on `threads`: the first
  // census_max_cells in EventCensus's order.
  size_t census_max_cells = 100000;
  // Correlation (not owned; null: none). When set, the scan is one stream for this
  // Correlator: each record's matches are told to it right after ScanSink::OnRecord,
  // in input order and from the calling thread, with the fields the Scanner read for
  // it (Scanner::captured(), so the event is parsed once); each alert it raises goes
  // to ScanSink::OnAlert as it is raised; and at the end of the inputs it is flushed
  // (Correlator::Flush: its reorder buffer drained, its open windows closed) and those
  // alerts reported too. It must evaluate the Scanner's RuleSet. Its options, counters
  // and baseline stay the caller's: load a baseline before the scan, read late_events()
  // and save the baseline after it. A scan the sink stopped early is flushed too (what
  // it had seen still counts), but no alert goes to a sink after it refused one.
  Correlator* correlator = nullptr;
  // With a correlator: whether the end of this scan is the end of its stream (Flush).
  // False for a stream scanned in parts (ScanEvents over batches from a queue): call
  // Correlator::Flush at its real end, or let the next part go on where this one ended.
  bool end_of_stream = true;
};

// The events of one account, region and hour of eventTime (EventCensus).
struct CensusCell {
  // The event's top-level "recipientAccountId" and "awsRegion" strings, "" when missing
  // or not a string; cut to their first kCensusTextBytes bytes (and back to the start
  // of a UTF-8 sequence the cut would split).
  std::string account;
  std::string region;
  // floor(eventTime in Unix seconds / 3600); EventCensus::kNoHour when the event has
  // no eventTime string that util/timeparts.h ParseIsoTimestamp reads.
  int64_t hour = 0;
  uint64_t events = 0;
  // The earliest and latest eventTime of the cell, Unix milliseconds (0 and 0 in a
  // kNoHour cell).
  int64_t first_ms = 0;
  int64_t last_ms = 0;
};

// The longest account or region a census keeps, in bytes (the rest is cut off).
inline constexpr size_t kCensusTextBytes = 64;

// Every valid event of a scan (a record that was a JSON object: ScanStats::events
// less event_errors) counted by account, region and hour (ScanOptions::census).
struct EventCensus {
  static constexpr int64_t kNoHour = INT64_MIN;
  // Sorted by (account, region, hour); byte order for the strings, kNoHour first.
  std::vector<CensusCell> cells;
  // Events whose cell was not kept: past ScanOptions::census_max_cells cells, the
  // cells that come last in the order above are dropped (their events move here), so
  // `cells` are the first census_max_cells of all, counted exactly.
  uint64_t overflow_events = 0;
};

struct ScanStats {
  uint64_t events = 0;        // records matched against the rules
  uint64_t matches = 0;       // (event, rule) pairs reported
  uint64_t event_errors = 0;  // records that were not valid JSON objects
  uint64_t input_errors = 0;  // read errors (unreadable file, bad gzip, broken JSON text)
  // `|re` searches stopped at a PCRE2 limit and counted as no match (see
  // Scanner::regex_limit_hits): a rule may have missed an event. Not an error count.
  uint64_t regex_limit_hits = 0;
  // Events with a repeated key that some rule reads, matched both ways (see
  // Scanner::duplicate_key_events). Not an error count.
  uint64_t duplicate_key_events = 0;
  // With ScanOptions::correlator: matched events the correlator refused (no readable
  // time; see Correlator::Add), and the alerts it raised (hidden ones included).
  uint64_t correlation_errors = 0;
  uint64_t alerts = 0;
  uint64_t files = 0;
  uint64_t bytes = 0;         // decompressed bytes
  std::chrono::nanoseconds elapsed{0};
  // With ScanOptions::census: the census of the scan, made at its end (empty without).
  // With threads > 1 each thread counts its own and they are merged: the result is
  // the one-thread result exactly. A scan the sink stopped early may count, with
  // threads, records read ahead of the sink.
  EventCensus census;
};

// What a scan reports, in input order, from the thread that called ScanInputs or
// ScanEvents. A sink is used by one scan at a time.
class VIGIL_EXPORT ScanSink {
 public:
  virtual ~ScanSink() = default;
  // Called once for every record read, after it was matched, with all of its matches
  // together, in rule order (empty when it matched nothing, or when it was not a valid
  // JSON object: OnError has then told why). Return false to stop the scan. With
  // ScanOptions::threads > 1 the text of a record that matched nothing is not kept:
  // `record.json` is empty for it. `record.fields` holds ScanOptions::record_fields
  // of a matched record (when captured: see Record::fields).
  virtual bool OnRecord(const Record& record, std::span<const vigil::Match> matches) = 0;
  // A record or input that could not be read or parsed; the scan goes on.
  virtual void OnError(const InputError& error) = 0;
  // An alert of ScanOptions::correlator, raised by the record last given to OnRecord
  // or, after the last record, by the end of the stream. Alerts of correlations that
  // only feed others (CorrelationRule::hidden) come too. Return false to stop. The
  // default ignores alerts.
  virtual bool OnAlert(const CorrelationAlert& alert) {
    (void)alert;
    return true;
  }
  // A matched record that ScanOptions::correlator could not use (Correlator::Add's
  // error: most often an event without a readable time), counted in
  // ScanStats::correlation_errors. The default ignores it.
  virtual void OnCorrelationError(const Record& record, const Status& error) {
    (void)record;
    (void)error;
  }
};

// Reads every input (files, folders, "-" for stdin; empty = stdin), matches each record
// with `scanner` (and, with options.threads > 1, more Scanners on the same rules), and
// reports records, matches, errors and alerts to `sink` in input order, from the
// calling thread.
VIGIL_EXPORT ScanStats ScanInputs(Scanner& scanner, const std::vector<std::string>& inputs,
                                  const ScanOptions& options, ScanSink* sink);

// The same scan over events already in memory (rule tests, a batch from a queue, a
// notebook): events[i] is record first_index + i of one input named `name`
// (Record::file, Record::index; a stream fed in batches numbers its events across
// them), matched and reported as ScanInputs reports a file's records, on the calling
// thread (options.threads and options.read are not used). An event that is not a
// valid JSON object is an error (OnError, ScanStats::event_errors) and the scan goes on.
VIGIL_EXPORT ScanStats ScanEvents(Scanner& scanner, std::span<const std::string_view> events,
                                  const std::string& name, const ScanOptions& options,
                                  ScanSink* sink, uint64_t first_index = 0);

}  // namespace vigil
