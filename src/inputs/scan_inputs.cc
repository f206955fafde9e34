// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The library's scans (include/vigil/scanner.h): ScanInputs (readers -> Scanners ->
// sink, on one thread or several) and ScanEvents (events in memory -> Scanner ->
// sink). Both hand every record to the sink through one Delivery, which also feeds the
// scan's Correlator, so a scan correlates the same way whoever runs it: the CLI, the
// Python bindings, rule tests. One capture of a matched record's fields
// (Scanner::captured()) serves both: the correlator reads the rules' fields, the sink
// its ScanOptions::record_fields (Record::fields); with threads it travels in the
// chunks with the record. The census (ScanOptions::census, inputs/census.h) is
// counted where each record is matched: by the calling thread, or by each worker
// into a Census of its own, merged when the workers have stopped.
//
// Just over this project's ~600-line mark: the Delivery (ordering, correlation, the
// stop flag) and the thread pool that replays each file's results in input order are
// written for each other; the pull-based ScanStream lives apart (scan_stream.cc).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <system_error>
#include <thread>

#include "eval/evaluator.h"
#include "inputs/census.h"
#include "inputs/json_scanner.h"
#include "inputs/reader.h"
#include "vigil/correlation.h"
#include "vigil/scanner.h"

namespace vigil {

namespace {

// A record the reader delivered but the matcher could not parse. The readers check the
// structure around records, not every literal inside one (see src/inputs/reader_fast.cc), so
// this is where a broken value inside an event shows; the strict scanner, run only on
// this error path, says where in the record and why.
InputError EventError(const Record& record, const Status& status) {
  InputError e;
  e.file = record.file ? *record.file : std::string();
  e.line = record.line;
  e.index = record.index;
  e.message = "record " + std::to_string(record.index) + ": ";
  internal::JsonScanner strict(record.json.data(), record.json.data() + record.json.size());
  strict.SkipWs();
  // Only a syntax error gains from the strict scan; a limit (depth) says it best itself.
  if (status.code() == StatusCode::kInvalidInput && !strict.SkipValue()) {
    e.message += "invalid JSON at byte " +
                 std::to_string(strict.error_pos() - record.json.data()) + " of the event: " +
                 strict.error_message();
  } else {
    e.message += status.message();
  }
  return e;
}

// Hands one record to the sink with all of its matches (and the fields it asked for,
// ScanOptions::record_fields), then, when the scan correlates, to the Correlator, and
// reports the alerts that raises. Lives on the thread that reports (the calling
// thread).
class Delivery {
 public:
  Delivery(ScanSink* sink, const ScanOptions& options, const RuleSet& rules, ScanStats* stats)
      : sink_(sink),
        correlator_(options.correlator),
        end_of_stream_(options.end_of_stream),
        rule_fields_(rules.captured_fields().size()),
        record_fields_(options.record_fields.size()),
        stats_(stats) {}

  // Whether the Scanner's capture of a matched record's fields is wanted: the
  // correlator reads it, or the sink asked for fields.
  bool wants_capture() const { return correlator_ != nullptr || record_fields_ > 0; }

  // `captured`: the Scanner's capture of this record, when it made one (the rules'
  // captured_fields(), then the sink's record_fields: Scanner::captured()). False when
  // the sink asked to stop.
  bool Deliver(const Record& record, std::span<const vigil::Match> matches,
               const CapturedFields* captured) {
    if (record_fields_ > 0 && captured != nullptr &&
        captured->values.size() == rule_fields_ + record_fields_) {
      Record with_fields = record;
      with_fields.fields = std::span<const CapturedFields::Value>(captured->values)
                               .subspan(rule_fields_, record_fields_);
      if (!sink_->OnRecord(with_fields, matches)) return false;
    } else if (!sink_->OnRecord(record, matches)) {
      return false;
    }
    if (correlator_ == nullptr || matches.empty()) return true;
    ref_.file.assign(record.file ? *record.file : std::string());  // its capacity kept
    ref_.record = record.index;
    if (Status s = correlator_->Add(record.json, matches, ref_, captured); !s.ok()) {
      ++stats_->correlation_errors;
      sink_->OnCorrelationError(record, s);
    }
    return ReportAlerts();
  }

  // The end of the stream: the correlator's last windows close. Done also after the
  // sink stopped the scan (an interrupted scan still reports what it had seen), but
  // then alerts stop at the first the sink refuses.
  void Finish() {
    if (correlator_ == nullptr || !end_of_stream_) return;
    correlator_->Flush();
    ReportAlerts();
  }

 private:
  bool ReportAlerts() {
    for (const CorrelationAlert& a : correlator_->TakeAlerts()) {
      ++stats_->alerts;
      if (alerts_stopped_) continue;
      if (!sink_->OnAlert(a)) alerts_stopped_ = true;
    }
    return !alerts_stopped_;
  }

  ScanSink* sink_;
  Correlator* correlator_;
  const bool end_of_stream_;
  const size_t rule_fields_;    // RuleSet::captured_fields().size()
  const size_t record_fields_;  // ScanOptions::record_fields.size()
  ScanStats* stats_;
  EventRef ref_;
  bool alerts_stopped_ = false;
};

}  // namespace

namespace internal {

class ScannerAccess {
 public:
  static Evaluator& Of(Scanner& scanner) { return *scanner.eval_; }
};

}  // namespace internal

namespace {

// Lends a Scanner's DOM parser to the Reader that feeds it (scan/reader.h, DomHandoff):
// an NDJSON event is parsed once, by the Reader's look at it, not again to match it.
class ScannerHandoff : public internal::DomHandoff {
 public:
  explicit ScannerHandoff(Scanner& scanner) : eval_(internal::ScannerAccess::Of(scanner)) {}
  bool Parse(std::string_view json, simdjson::dom::element* root) override {
    return eval_.ParseDom(json, root);
  }
  void Reuse(std::string_view json) override { eval_.ReuseDom(json); }
  void ReuseElement(std::string_view json, simdjson::dom::element element) override {
    eval_.ReuseDomElement(json, element);
  }
  uint64_t Generation() const override { return eval_.dom_generation(); }
  const uint32_t* Structurals(size_t* count) const override { return eval_.DomStructurals(count); }

 private:
  internal::Evaluator& eval_;
};

// Gives a scan's Scanner the sink's ScanOptions::record_fields for the scan, and gives
// it back what it was set to before (the Scanner is the caller's).
class RecordFieldsScope {
 public:
  RecordFieldsScope(Scanner& scanner, const ScanOptions& options)
      : scanner_(scanner), before_(scanner.record_fields()) {
    scanner_.set_record_fields(options.record_fields);
  }
  ~RecordFieldsScope() { scanner_.set_record_fields(std::move(before_)); }
  RecordFieldsScope(const RecordFieldsScope&) = delete;
  RecordFieldsScope& operator=(const RecordFieldsScope&) = delete;

 private:
  Scanner& scanner_;
  std::vector<std::string> before_;
};

class ScanAdapter : public RecordSink {
 public:
  // `census`: null when the scan takes none.
  ScanAdapter(Scanner& scanner, const ScanOptions& options, Delivery* delivery, ScanSink* sink,
              ScanStats* stats, internal::Census* census)
      : scanner_(scanner),
        options_(options),
        delivery_(delivery),
        sink_(sink),
        stats_(stats),
        census_(census) {}

  bool OnRecord(const Record& record) override {
    ++stats_->events;
    Status s = scanner_.MatchPadded(record.json, &matches_, options_.kind, record.envelope);
    if (!s.ok()) {
      ++stats_->event_errors;
      sink_->OnError(EventError(record, s));
      return delivery_->Deliver(record, {}, nullptr);
    }
    if (census_ != nullptr) census_->Count(scanner_, record.json);
    stats_->matches += matches_.size();
    const CapturedFields* captured =
        delivery_->wants_capture() && !matches_.empty() ? scanner_.captured() : nullptr;
    return delivery_->Deliver(record, matches_, captured);
  }

  void OnError(const InputError& error) override {
    ++stats_->input_errors;
    sink_->OnError(error);
  }

 private:
  Scanner& scanner_;
  const ScanOptions& options_;
  Delivery* delivery_;
  ScanSink* sink_;
  ScanStats* stats_;
  internal::Census* census_;
  std::vector<vigil::Match> matches_;
};

}  // namespace

namespace {

// ---- Parallel scans: one file per worker, replayed in input order ---------------------
//
// Each worker reads and matches whole files, one at a time, taking the next file in
// input order. What matching produces (matches with their record's text, errors, the
// end of each record) is written to a Chunk; a full chunk goes on the queue of its
// file, and the calling thread replays the queues to the sink in input order: all of
// file 0's chunks as they arrive, then file 1's, and so on. So the sink sees exactly
// what a one-thread scan shows it, and sees it while the files are still being read.
//
// Memory (the invariant, docs/limits.md "Memory"):
//   1. A worker's chunks that are queued and not yet replayed take at most
//      ScanOptions::pending_bytes_per_thread, or one chunk when a single chunk is
//      larger: a worker that would pass it waits (back-pressure) until the replay has
//      drained some. A chunk is published once it holds kChunkBytes, so one chunk is
//      at most kChunkBytes plus one record's text and entries (the record is bounded
//      by ReadOptions::max_record_bytes).
//   2. No deadlock: files are taken in input order, so when the replay waits for
//      file i, every worker that holds queued chunks of a later file j > i either took
//      i itself (and its queued chunks are all of file i, which the replay drains) or
//      took a file after i and waits behind it. The worker on file i never waits on
//      anything but file i's own chunks.
//   3. A worker may run at most `window` files ahead of the replay; a finished file
//      that waits for its turn holds only its queued chunks (bounded by 1.) and its
//      counters.

// Bytes of entries, texts and errors after which a chunk is handed to the replay.
// Small enough that a worker rarely waits, large enough that the lock is taken once
// every few thousand records (unmeasured beyond "not visible in a profile").
constexpr size_t kChunkBytes = size_t{256} << 10;

// What matching part of one file produced, in the order the sink must see it.
struct Chunk {
  struct Entry {
    enum class Kind : uint8_t { kMatch, kError, kDone } kind;
    Envelope envelope = Envelope::kNone;
    uint32_t rule = 0;      // kMatch
    uint32_t text = 0;      // kMatch: index into texts (the record's JSON)
    uint32_t error = 0;     // kError: index into errors
    uint64_t index = 0, line = 0;
    uint32_t captured = 0;  // kDone: 1 + index into captures; 0: none
  };
  std::vector<Entry> entries;
  std::vector<std::string> texts;  // each followed by kRecordPadding zero bytes
  std::vector<CapturedFields> captures;  // Scanner::captured() of matched records, when wanted
  std::vector<InputError> errors;
  size_t bytes = 0;  // what the chunk holds, as counted against the worker's budget
  unsigned worker = 0;
  ScanStats stats;   // counts of what the chunk holds (files and bytes: in FileQueue)
};

// One file's queue between the worker that reads it and the replay.
struct FileQueue {
  std::deque<Chunk> chunks;  // guarded by the scan's mutex
  bool done = false;         // guarded: the last chunk is queued
  ReadStats read;            // guarded: files and bytes, set with done
};

// State shared by the workers and the replaying thread.
struct Pipeline {
  std::mutex mu;
  std::condition_variable cv;
  // One per file in flight: file i uses queues[i % queues.size()]. Workers only take
  // files before emitted + window (window = queues.size()), and the replay resets a
  // file's queue before it advances `emitted`, so no two files in flight share one,
  // and the memory does not grow with the number of files.
  std::vector<FileQueue> queues;
  FileQueue& Queue(size_t file) { return queues[file % queues.size()]; }
  std::vector<size_t> pending;      // guarded: bytes queued per worker, not yet replayed
  size_t budget = 0;                // per worker
  size_t next_file = 0;             // guarded
  size_t emitted = 0;               // guarded: files fully replayed
  bool stop = false;                // guarded

  // Queues `chunk` for file `file`, waiting while its worker is over budget. False
  // when the scan is stopping (the chunk is then dropped).
  bool Publish(size_t file, Chunk&& chunk, bool last) {
    std::unique_lock<std::mutex> lock(mu);
    size_t& mine = pending[chunk.worker];
    cv.wait(lock, [&] { return stop || mine == 0 || mine + chunk.bytes <= budget; });
    if (stop) return false;
    mine += chunk.bytes;
    FileQueue& q = Queue(file);
    q.chunks.push_back(std::move(chunk));
    if (last) q.done = true;
    lock.unlock();
    cv.notify_all();
    return true;
  }
};

// The RecordSink of one worker: matches each record and logs the outcome in chunks.
class LoggingAdapter : public RecordSink {
 public:
  // `census`: the worker's own (null: the scan takes none).
  LoggingAdapter(Scanner& scanner, const ScanOptions& options, Pipeline& pipe, unsigned worker,
                 bool capture, internal::Census* census)
      : scanner_(scanner),
        options_(options),
        pipe_(pipe),
        worker_(worker),
        capture_(capture),
        census_(census) {}

  void Start(size_t file) {
    file_ = file;
    NewChunk();
  }

  // Queues the last chunk of the file with its read counters. False if the scan stopped.
  bool Finish(const ReadStats& read) {
    {
      std::lock_guard<std::mutex> lock(pipe_.mu);
      pipe_.Queue(file_).read = read;
    }
    return pipe_.Publish(file_, std::move(chunk_), /*last=*/true);
  }

  bool OnRecord(const Record& record) override {
    if (stopped_) return false;
    ++chunk_.stats.events;
    Chunk::Entry done{
        Chunk::Entry::Kind::kDone, record.envelope, 0, 0, 0, record.index, record.line};
    const uint64_t limit_hits = scanner_.regex_limit_hits();
    const uint64_t duplicates = scanner_.duplicate_key_events();
    Status s = scanner_.MatchPadded(record.json, &matches_, options_.kind, record.envelope);
    chunk_.stats.regex_limit_hits += scanner_.regex_limit_hits() - limit_hits;
    chunk_.stats.duplicate_key_events += scanner_.duplicate_key_events() - duplicates;
    if (!s.ok()) {
      ++chunk_.stats.event_errors;
      Error(EventError(record, s));
      Add(done);
      return Flush();
    }
    if (census_ != nullptr) census_->Count(scanner_, record.json);
    if (!matches_.empty()) {
      const uint32_t text = static_cast<uint32_t>(chunk_.texts.size());
      // Kept with its padding: the sink gets the same promise (input.h) as from one
      // thread, and may parse the text in place.
      std::string& copy = chunk_.texts.emplace_back();
      copy.reserve(record.json.size() + kRecordPadding);
      copy.assign(record.json);
      copy.append(kRecordPadding, '\0');
      chunk_.bytes += sizeof(std::string) + copy.capacity();
      if (const CapturedFields* c = capture_ ? scanner_.captured() : nullptr) {
        chunk_.captures.push_back(*c);
        done.captured = static_cast<uint32_t>(chunk_.captures.size());
        chunk_.bytes += sizeof(CapturedFields);
        for (const auto& v : c->values) chunk_.bytes += sizeof(v) + v.text.capacity();
      }
      for (const auto& m : matches_) {
        ++chunk_.stats.matches;
        Add({Chunk::Entry::Kind::kMatch, record.envelope, m.rule_index, text, 0, record.index,
             record.line});
      }
    }
    Add(done);
    return Flush();
  }

  void OnError(const InputError& error) override {
    ++chunk_.stats.input_errors;
    Error(error);
    Flush();
  }

 private:
  void NewChunk() {
    chunk_ = Chunk();
    chunk_.worker = worker_;
    chunk_.entries.reserve(kChunkBytes / sizeof(Chunk::Entry));
    chunk_.bytes = chunk_.entries.capacity() * sizeof(Chunk::Entry);
  }

  void Add(const Chunk::Entry& e) {
    if (chunk_.entries.size() == chunk_.entries.capacity()) {
      chunk_.bytes -= chunk_.entries.capacity() * sizeof(Chunk::Entry);
      chunk_.entries.push_back(e);
      chunk_.bytes += chunk_.entries.capacity() * sizeof(Chunk::Entry);
    } else {
      chunk_.entries.push_back(e);
    }
  }

  void Error(InputError e) {
    Add({Chunk::Entry::Kind::kError, Envelope::kNone, 0, 0,
         static_cast<uint32_t>(chunk_.errors.size()), e.index, e.line});
    chunk_.bytes += sizeof(InputError) + e.file.capacity() + e.message.capacity();
    chunk_.errors.push_back(std::move(e));
  }

  // Hands a full chunk to the replay (waiting for room). False once the scan stops.
  bool Flush() {
    if (stopped_) return false;
    // The entries' reserved room is counted from the start: a chunk is full when what
    // it holds beyond it (texts, errors) or its entries fill it.
    const size_t reserved = kChunkBytes / sizeof(Chunk::Entry) * sizeof(Chunk::Entry);
    if (chunk_.entries.size() < chunk_.entries.capacity() &&
        chunk_.bytes - reserved < kChunkBytes) {
      return true;
    }
    if (!pipe_.Publish(file_, std::move(chunk_), /*last=*/false)) stopped_ = true;
    NewChunk();
    return !stopped_;
  }

  Scanner& scanner_;
  const ScanOptions& options_;
  Pipeline& pipe_;
  const unsigned worker_;
  const bool capture_;  // Delivery::wants_capture(): keep Scanner::captured() of matches
  internal::Census* census_;
  size_t file_ = 0;
  Chunk chunk_;
  bool stopped_ = false;
  std::vector<vigil::Match> matches_;
};

// Collects ExpandInputs' problems (a missing path, a symlink loop) to report first.
struct ErrorList : RecordSink {
  std::vector<InputError> errors;
  bool OnRecord(const Record&) override { return true; }
  void OnError(const InputError& e) override { errors.push_back(e); }
};

// Replays one chunk: each record with its matches (the kMatch entries before its kDone)
// to the delivery, errors to the sink. `matches` is scratch. False when the sink asked
// to stop.
bool Replay(const Chunk& chunk, const std::string& file, const Scanner& scanner, Delivery* delivery,
            ScanSink* sink, std::vector<vigil::Match>* matches) {
  matches->clear();
  const std::string* text = nullptr;
  for (const auto& e : chunk.entries) {
    switch (e.kind) {
      case Chunk::Entry::Kind::kMatch:
        text = &chunk.texts[e.text];
        matches->push_back({&scanner.rules().rule(e.rule), e.rule});
        break;
      case Chunk::Entry::Kind::kError:
        sink->OnError(chunk.errors[e.error]);
        break;
      case Chunk::Entry::Kind::kDone: {
        Record r;
        r.file = &file;
        r.index = e.index;
        r.line = e.line;
        r.envelope = e.envelope;
        // Only a matched record's text is kept (scanner.h, ScanSink::OnRecord).
        if (text != nullptr) r.json = std::string_view(text->data(), text->size() - kRecordPadding);
        const CapturedFields* captured = e.captured ? &chunk.captures[e.captured - 1] : nullptr;
        const bool go = delivery->Deliver(r, *matches, captured);
        matches->clear();
        text = nullptr;
        if (!go) return false;
        break;
      }
    }
  }
  return true;
}

// Starts up to `threads` workers (fewer if the system refuses more threads; none if it
// refuses the first) over `files`, and replays their output to `sink`; each worker's
// census, when the scan takes one, is merged into *census once they have stopped.
// Returns false, having touched nothing, when no worker could be started.
bool ScanParallel(Scanner& scanner, const std::vector<std::string>& files, unsigned threads,
                  const ScanOptions& options, Delivery* delivery, ScanSink* sink, ScanStats* stats,
                  internal::Census* census) {
  Pipeline pipe;
  pipe.pending.assign(threads, 0);
  pipe.budget = options.pending_bytes_per_thread;
  // Workers may start files ahead of the replay by a bounded number of files; each
  // holds at most its worker's budget (see above).
  const size_t window = static_cast<size_t>(threads) * 4;
  pipe.queues.resize(window);
  const bool capture = delivery->wants_capture();

  // One per worker that starts (the workers write them, the calling thread reads them
  // after join).
  std::vector<std::unique_ptr<internal::Census>> censuses;
  auto worker = [&](Scanner* sc, unsigned id, internal::Census* own) {
    LoggingAdapter adapter(*sc, options, pipe, id, capture, own);
    ReadStats rs;
    internal::Reader reader(options.read, &adapter, &rs);
    ScannerHandoff handoff(*sc);
    reader.set_dom_handoff(&handoff);
    while (true) {
      size_t i;
      {
        std::unique_lock<std::mutex> lock(pipe.mu);
        pipe.cv.wait(lock, [&] {
          return pipe.stop || pipe.next_file >= files.size() ||
                 pipe.next_file < pipe.emitted + window;
        });
        if (pipe.stop || pipe.next_file >= files.size()) return;
        i = pipe.next_file++;
      }
      adapter.Start(i);
      const ReadStats before = rs;
      reader.ReadPath(files[i]);
      ReadStats read;
      read.files = rs.files - before.files;
      read.bytes = rs.bytes - before.bytes;
      if (!adapter.Finish(read)) return;
    }
  };

  std::vector<std::unique_ptr<Scanner>> scanners;
  std::vector<std::thread> pool;
  // `threads` workers match files; the calling thread (mostly waiting) replays their
  // chunks to the sink in input order. A worker the system cannot start (too many
  // threads for its limits: std::system_error) is simply not there.
  for (unsigned t = 0; t < threads; ++t) {
    scanners.push_back(std::make_unique<Scanner>(scanner.shared_rules()));
    scanners.back()->set_record_fields(options.record_fields);
    if (census != nullptr)
      censuses.push_back(std::make_unique<internal::Census>(options.census_max_cells));
    try {
      pool.emplace_back(worker, scanners.back().get(), t,
                        census != nullptr ? censuses.back().get() : nullptr);
    } catch (const std::system_error&) {
      scanners.pop_back();
      if (census != nullptr) censuses.pop_back();
      break;
    }
  }
  if (pool.empty()) return false;

  bool go = true;
  std::vector<vigil::Match> matches;
  for (size_t i = 0; i < files.size() && go; ++i) {
    FileQueue& q = pipe.Queue(i);
    for (;;) {
      Chunk chunk;
      {
        std::unique_lock<std::mutex> lock(pipe.mu);
        pipe.cv.wait(lock, [&] { return !q.chunks.empty() || q.done; });
        if (q.chunks.empty()) break;  // done, and everything replayed
        chunk = std::move(q.chunks.front());
        q.chunks.pop_front();
      }
      go = Replay(chunk, files[i], scanner, delivery, sink, &matches);
      stats->events += chunk.stats.events;
      stats->matches += chunk.stats.matches;
      stats->event_errors += chunk.stats.event_errors;
      stats->input_errors += chunk.stats.input_errors;
      stats->regex_limit_hits += chunk.stats.regex_limit_hits;
      stats->duplicate_key_events += chunk.stats.duplicate_key_events;
      {
        std::lock_guard<std::mutex> lock(pipe.mu);
        pipe.pending[chunk.worker] -= chunk.bytes;
        if (!go) pipe.stop = true;
      }
      pipe.cv.notify_all();
      if (!go) break;
    }
    if (!go) break;
    stats->files += q.read.files;
    stats->bytes += q.read.bytes;
    {
      std::lock_guard<std::mutex> lock(pipe.mu);
      q.done = false;  // free for file i + window
      q.read = ReadStats();
      pipe.emitted = i + 1;
    }
    pipe.cv.notify_all();
  }
  {
    std::lock_guard<std::mutex> lock(pipe.mu);
    pipe.stop = true;
  }
  pipe.cv.notify_all();
  for (auto& t : pool) t.join();
  for (const auto& c : censuses) census->Merge(*c);
  return true;
}

}  // namespace

ScanStats ScanInputs(Scanner& scanner, const std::vector<std::string>& inputs,
                     const ScanOptions& options, ScanSink* sink) {
  ScanStats stats;
  const auto start = std::chrono::steady_clock::now();
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = std::min(threads, kMaxScanThreads);
  Delivery delivery(sink, options, scanner.rules(), &stats);
  RecordFieldsScope fields(scanner, options);
  std::unique_ptr<internal::Census> census;
  if (options.census) census = std::make_unique<internal::Census>(options.census_max_cells);
  ScanAdapter adapter(scanner, options, &delivery, sink, &stats, census.get());
  const uint64_t limit_hits = scanner.regex_limit_hits();
  const uint64_t duplicates = scanner.duplicate_key_events();
  // The counters the calling thread's Scanner and reader keep (a parallel scan sums
  // its workers' into `stats` as it replays them).
  auto finish = [&](const ReadStats& rs) {
    delivery.Finish();
    stats.regex_limit_hits += scanner.regex_limit_hits() - limit_hits;
    stats.duplicate_key_events += scanner.duplicate_key_events() - duplicates;
    stats.files += rs.files;
    stats.bytes += rs.bytes;
    if (census) stats.census = census->Result();
    stats.elapsed = std::chrono::steady_clock::now() - start;
    return stats;
  };
  if (threads > 1) {
    ErrorList expand_errors;
    ReadStats expand_stats;
    const std::vector<std::string> files =
        inputs.empty() ? std::vector<std::string>{"-"}
                       : ExpandInputs(inputs, &expand_errors, &expand_stats);
    if (files.size() > 1) {
      for (const auto& e : expand_errors.errors) {
        ++stats.input_errors;
        sink->OnError(e);
      }
      if (ScanParallel(scanner, files,
                       std::min<unsigned>(threads, static_cast<unsigned>(files.size())), options,
                       &delivery, sink, &stats, census.get())) {
        return finish(ReadStats());
      }
      // Not even one thread could be started: the calling thread reads the files.
      ReadStats rs;
      internal::Reader reader(options.read, &adapter, &rs);
      ScannerHandoff handoff(scanner);
      reader.set_dom_handoff(&handoff);
      for (const std::string& file : files) {
        if (!reader.ReadPath(file)) break;
      }
      return finish(rs);
    }
  }
  ScannerHandoff handoff(scanner);
  return finish(internal::ReadInputs(inputs, options.read, &adapter, &handoff));
}

ScanStats ScanEvents(Scanner& scanner, std::span<const std::string_view> events,
                     const std::string& name, const ScanOptions& options, ScanSink* sink,
                     uint64_t first_index) {
  ScanStats stats;
  const auto start = std::chrono::steady_clock::now();
  Delivery delivery(sink, options, scanner.rules(), &stats);
  RecordFieldsScope fields(scanner, options);
  std::unique_ptr<internal::Census> census;
  if (options.census) census = std::make_unique<internal::Census>(options.census_max_cells);
  ScanAdapter adapter(scanner, options, &delivery, sink, &stats, census.get());
  const uint64_t limit_hits = scanner.regex_limit_hits();
  const uint64_t duplicates = scanner.duplicate_key_events();
  std::string padded;  // each event with the padding Record promises
  for (size_t i = 0; i < events.size(); ++i) {
    padded.assign(events[i]);
    padded.append(kRecordPadding, '\0');
    Record r;
    r.json = std::string_view(padded.data(), events[i].size());
    r.file = &name;
    r.index = first_index + i;
    stats.bytes += events[i].size();
    if (!adapter.OnRecord(r)) break;
  }
  delivery.Finish();
  stats.regex_limit_hits = scanner.regex_limit_hits() - limit_hits;
  stats.duplicate_key_events = scanner.duplicate_key_events() - duplicates;
  if (census) stats.census = census->Result();
  stats.elapsed = std::chrono::steady_clock::now() - start;
  return stats;
}

}  // namespace vigil
