// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Scanner (one per thread) and ScanInputs (readers -> scanner -> sink).

#include "vigil/scanner.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "compile/program.h"
#include "eval/evaluator.h"
#include "scan/event_check.h"
#include "scan/json_scanner.h"
#include "scan/reader.h"

namespace vigil {

Scanner::Scanner(std::shared_ptr<const RuleSet> rules)
    : rules_(std::move(rules)),
      eval_(std::make_unique<internal::Evaluator>(rules_->program())),
      check_(std::make_unique<internal::EventCheck>()) {}

Scanner::~Scanner() = default;

Status Scanner::MatchPadded(std::string_view json, std::vector<vigil::Match>* out, EventKind kind,
                            Envelope envelope) {
  out->clear();
  std::string error;
  if (!eval_->Evaluate(json, kind, envelope, &hits_, &error)) return Status::Error(error);
  // The On-Demand walk skips the fields no rule reads without checking their literals.
  // A matched event is reported, with its text, to people and pipelines: it must be
  // valid JSON, so it is checked whole (scan/event_check.h says how, cheaply), unless
  // the matcher's usual DOM walk has read all of it already.
  if (!hits_.empty() && !eval_->validated() && !check_->Valid(json, &error)) return Status::Error(error);
  for (uint32_t r : hits_) out->push_back({&rules_->rule(r), r});
  return Status::Ok();
}

uint64_t Scanner::regex_limit_hits() const { return eval_->regex_limit_hits(); }

Status Scanner::Match(std::string_view json, std::vector<vigil::Match>* out, EventKind kind,
                      Envelope envelope) {
  padded_.assign(json);
  padded_.append(kRecordPadding, '\0');
  return MatchPadded(std::string_view(padded_.data(), json.size()), out, kind, envelope);
}

namespace {

// A record the reader delivered but the matcher could not parse. The readers check the
// structure around records, not every literal inside one (see src/scan/reader.cc), so
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
  if (status.message().rfind("invalid JSON", 0) == 0 && !strict.SkipValue()) {
    e.message += "invalid JSON at byte " +
                 std::to_string(strict.error_pos() - record.json.data()) + " of the event: " +
                 strict.error_message();
  } else {
    e.message += status.message();
  }
  return e;
}

class ScanAdapter : public RecordSink {
 public:
  ScanAdapter(Scanner& scanner, const ScanOptions& options, ScanSink* sink, ScanStats* stats)
      : scanner_(scanner), options_(options), sink_(sink), stats_(stats) {}

  bool OnRecord(const Record& record) override {
    ++stats_->events;
    Status s = scanner_.MatchPadded(record.json, &matches_, options_.kind, record.envelope);
    if (!s.ok()) {
      ++stats_->event_errors;
      sink_->OnError(EventError(record, s));
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

namespace {

// ---- Parallel scans: one file per worker, replayed in input order ---------------------

// What matching one file produced, in the order the sink must see it.
struct FileLog {
  struct Entry {
    enum class Kind : uint8_t { kMatch, kError, kDone } kind;
    uint32_t rule = 0;      // kMatch
    uint32_t count = 0;     // kDone: matches of the record
    uint32_t text = 0;      // kMatch: index into texts (the record's JSON)
    uint32_t error = 0;     // kError: index into errors
    uint64_t index = 0, line = 0;
    Envelope envelope = Envelope::kNone;
  };
  std::vector<Entry> entries;
  std::vector<std::string> texts;  // each followed by kRecordPadding zero bytes
  std::vector<InputError> errors;
  ScanStats stats;
  ReadStats read;
  bool done = false;
};

// The RecordSink of one worker: matches each record and logs the outcome.
class LoggingAdapter : public RecordSink {
 public:
  LoggingAdapter(Scanner& scanner, const ScanOptions& options) : scanner_(scanner), options_(options) {}
  void Start(FileLog* log) { log_ = log; }

  bool OnRecord(const Record& record) override {
    ++log_->stats.events;
    FileLog::Entry done{FileLog::Entry::Kind::kDone, 0, 0, 0, 0, record.index, record.line, record.envelope};
    const uint64_t limit_hits = scanner_.regex_limit_hits();
    Status s = scanner_.MatchPadded(record.json, &matches_, options_.kind, record.envelope);
    log_->stats.regex_limit_hits += scanner_.regex_limit_hits() - limit_hits;
    if (!s.ok()) {
      ++log_->stats.event_errors;
      Error(EventError(record, s));
      log_->entries.push_back(done);
      return true;
    }
    if (!matches_.empty()) {
      const uint32_t text = static_cast<uint32_t>(log_->texts.size());
      // Kept with its padding: the sink gets the same promise (input.h) as from one
      // thread, and may parse the text in place.
      std::string& copy = log_->texts.emplace_back();
      copy.reserve(record.json.size() + kRecordPadding);
      copy.assign(record.json);
      copy.append(kRecordPadding, '\0');
      for (const auto& m : matches_) {
        ++log_->stats.matches;
        log_->entries.push_back({FileLog::Entry::Kind::kMatch, m.rule_index, 0, text, 0, record.index,
                                 record.line, record.envelope});
      }
    }
    done.count = static_cast<uint32_t>(matches_.size());
    log_->entries.push_back(done);
    return true;
  }

  void OnError(const InputError& error) override {
    ++log_->stats.input_errors;
    Error(error);
  }

 private:
  void Error(InputError e) {
    log_->entries.push_back({FileLog::Entry::Kind::kError, 0, 0, 0, static_cast<uint32_t>(log_->errors.size()),
                             e.index, e.line, Envelope::kNone});
    log_->errors.push_back(std::move(e));
  }

  Scanner& scanner_;
  const ScanOptions& options_;
  FileLog* log_ = nullptr;
  std::vector<vigil::Match> matches_;
};

// Collects ExpandInputs' problems (a missing path, a symlink loop) to report first.
struct ErrorList : RecordSink {
  std::vector<InputError> errors;
  bool OnRecord(const Record&) override { return true; }
  void OnError(const InputError& e) override { errors.push_back(e); }
};

ScanStats ScanParallel(Scanner& scanner, const std::vector<std::string>& files, unsigned threads,
                       const ScanOptions& options, ScanSink* sink, ScanStats stats) {
  // Workers may run ahead of the sink by a bounded number of files, so memory stays
  // bounded whatever the number of files.
  const size_t window = static_cast<size_t>(threads) * 4;
  std::vector<FileLog> logs(files.size());
  std::mutex mu;
  std::condition_variable cv;
  size_t next_file = 0;     // guarded by mu
  size_t emitted = 0;       // guarded by mu: files fully replayed
  bool stop = false;        // guarded by mu

  auto worker = [&](Scanner* sc) {
    LoggingAdapter adapter(*sc, options);
    ReadStats rs;
    internal::Reader reader(options.read, &adapter, &rs);
    while (true) {
      size_t i;
      {
        std::unique_lock<std::mutex> lock(mu);
        cv.wait(lock, [&] { return stop || next_file >= files.size() || next_file < emitted + window; });
        if (stop || next_file >= files.size()) return;
        i = next_file++;
      }
      FileLog& log = logs[i];
      adapter.Start(&log);
      const ReadStats before = rs;
      reader.ReadPath(files[i]);
      log.read.files = rs.files - before.files;
      log.read.bytes = rs.bytes - before.bytes;
      {
        std::lock_guard<std::mutex> lock(mu);
        log.done = true;
      }
      cv.notify_all();
    }
  };

  std::vector<std::unique_ptr<Scanner>> extra;
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) {
    extra.push_back(std::make_unique<Scanner>(scanner.shared_rules()));
    pool.emplace_back(worker, extra.back().get());
  }
  // `threads` workers match files; the calling thread (mostly waiting) replays the
  // logs to the sink in input order.
  extra.push_back(std::make_unique<Scanner>(scanner.shared_rules()));
  pool.emplace_back(worker, extra.back().get());

  const std::string empty;
  for (size_t i = 0; i < files.size(); ++i) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return logs[i].done; });
    }
    FileLog& log = logs[i];
    bool go = true;
    for (const auto& e : log.entries) {
      if (!go) break;
      Record r;
      r.file = &files[i];
      r.index = e.index;
      r.line = e.line;
      r.envelope = e.envelope;
      switch (e.kind) {
        case FileLog::Entry::Kind::kMatch: {
          const std::string& text = log.texts[e.text];
          r.json = std::string_view(text.data(), text.size() - kRecordPadding);
          vigil::Match m{&scanner.rules().rule(e.rule), e.rule};
          go = sink->OnMatch(r, m);
          break;
        }
        case FileLog::Entry::Kind::kError:
          sink->OnError(log.errors[e.error]);
          break;
        case FileLog::Entry::Kind::kDone:
          go = sink->OnRecordDone(r, e.count);
          break;
      }
    }
    stats.events += log.stats.events;
    stats.matches += log.stats.matches;
    stats.event_errors += log.stats.event_errors;
    stats.input_errors += log.stats.input_errors;
    stats.regex_limit_hits += log.stats.regex_limit_hits;
    stats.files += log.read.files;
    stats.bytes += log.read.bytes;
    log = FileLog();  // free it
    log.done = true;
    {
      std::lock_guard<std::mutex> lock(mu);
      emitted = i + 1;
      if (!go) stop = true;
    }
    cv.notify_all();
    if (!go) break;
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  cv.notify_all();
  for (auto& t : pool) t.join();
  return stats;
}

}  // namespace

ScanStats ScanInputs(Scanner& scanner, const std::vector<std::string>& inputs,
                     const ScanOptions& options, ScanSink* sink) {
  ScanStats stats;
  const auto start = std::chrono::steady_clock::now();
  unsigned threads = options.threads;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  if (threads > 1) {
    ErrorList expand_errors;
    ReadStats expand_stats;
    const std::vector<std::string> files =
        inputs.empty() ? std::vector<std::string>{"-"} : ExpandInputs(inputs, &expand_errors, &expand_stats);
    if (files.size() > 1) {
      for (const auto& e : expand_errors.errors) {
        ++stats.input_errors;
        sink->OnError(e);
      }
      stats = ScanParallel(scanner, files, std::min<unsigned>(threads, static_cast<unsigned>(files.size())),
                           options, sink, stats);
      stats.elapsed = std::chrono::steady_clock::now() - start;
      return stats;
    }
  }
  ScanAdapter adapter(scanner, options, sink, &stats);
  const uint64_t limit_hits = scanner.regex_limit_hits();
  ReadStats rs = ReadInputs(inputs, options.read, &adapter);
  stats.regex_limit_hits = scanner.regex_limit_hits() - limit_hits;
  stats.files = rs.files;
  stats.bytes = rs.bytes;
  stats.elapsed = std::chrono::steady_clock::now() - start;
  return stats;
}

}  // namespace vigil
