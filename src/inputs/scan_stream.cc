// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ScanStream (include/vigil/scan_stream.h): ScanInputs on a thread of its own, whose
// ScanSink turns each report into an Item and pushes it into a bounded queue; the
// consumer's Next pops them. The two threads share one State (shared_ptr), so a scan
// of standard input left blocked in read() by Close can outlive the ScanStream
// safely. Tested by tests/inputs/scan_stream_test.cc.
//
// Invariants (State::mu guards everything below it but `cancel`, which the scan's
// thread also reads without the lock to stop between records):
//  1. queue holds at most max_queued_items items and max_queued_bytes bytes, unless it
//     holds a single item larger than that;
//  2. done is set once, by the scan's thread, after stats and status are final and
//     after the last push; nothing is pushed after it;
//  3. once cancel is set the scan's thread pushes nothing more and stops at its next
//     record.

#include "vigil/scan_stream.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

namespace vigil {

struct ScanStream::State {
  std::shared_ptr<ScannerPool> pool;
  ScanStreamOptions options;
  std::unique_ptr<Correlator> correlator;  // used by the scan's thread until done
  bool reads_stdin = false;
  std::thread worker;  // joined or detached by the consumer

  struct Queued {
    Item item;
    size_t bytes;
  };
  std::mutex mu;
  std::condition_variable not_empty, not_full;
  std::deque<Queued> queue;
  size_t bytes = 0;
  bool done = false;
  bool closed = false;
  std::atomic<bool> cancel{false};  // written under mu (with a notify), read anywhere
  ScanStats stats;
  Status status;
};

namespace {

// The scan's sink, on the scan's thread: every report becomes a queued Item.
class QueueSink : public ScanSink {
 public:
  using State = ScanStream::State;
  using Item = ScanStream::Item;
  explicit QueueSink(State* state) : state_(*state), rules_(*state->pool->rules()) {}

  bool OnRecord(const Record& record, std::span<const Match> matches) override {
    std::shared_ptr<const std::string> json;  // the record's text, copied once for all its matches
    // Its ScanOptions::record_fields, likewise (Record::fields: empty when not captured).
    std::shared_ptr<const std::vector<CapturedFields::Value>> fields;
    for (const Match& match : matches) {
      if (!state_.options.building_blocks && rules_.suppressed(match.rule_index)) {
        ++hidden_matches;
        continue;
      }
      size_t bytes = kItemBytes;
      if (!json) {
        json = std::make_shared<const std::string>(record.json);
        bytes += record.json.size();
        if (!record.fields.empty()) {
          fields = std::make_shared<const std::vector<CapturedFields::Value>>(record.fields.begin(),
                                                                              record.fields.end());
          for (const CapturedFields::Value& v : *fields) bytes += sizeof(v) + v.text.size();
        }
      }
      StreamMatch m;
      m.rule = match.rule;
      m.rule_index = match.rule_index;
      m.file = File(record.file ? *record.file : std::string());
      m.json = json;
      m.fields = fields;
      m.record = record.index;
      m.line = record.line;
      if (!Push(std::move(m), bytes)) return false;
    }
    return !state_.cancel.load(std::memory_order_relaxed);
  }

  bool OnAlert(const CorrelationAlert& alert) override {
    if (!state_.options.building_blocks && alert.rule->hidden) {
      ++hidden_alerts;
      return true;
    }
    return Push(alert, kItemBytes * (4 + alert.events.size()));
  }

  void OnError(const InputError& error) override { Push(error, kItemBytes + error.message.size()); }

  uint64_t hidden_matches = 0;
  uint64_t hidden_alerts = 0;

 private:
  // What an item costs in the queue beyond the text it holds (a rough figure: the
  // bound is meant to stop growth, not to account for every byte).
  static constexpr size_t kItemBytes = 64;

  std::shared_ptr<const std::string> File(const std::string& name) {
    if (!last_file_ || *last_file_ != name) last_file_ = std::make_shared<const std::string>(name);
    return last_file_;
  }

  // Waits for room (invariant 1); false when the stream was closed.
  bool Push(Item item, size_t bytes) {
    std::unique_lock<std::mutex> lock(state_.mu);
    const ScanStreamOptions& o = state_.options;
    state_.not_full.wait(lock, [&] {
      return state_.cancel.load() || state_.queue.empty() ||
             (state_.queue.size() < o.max_queued_items &&
              state_.bytes + bytes <= o.max_queued_bytes);
    });
    if (state_.cancel.load()) return false;
    state_.bytes += bytes;
    state_.queue.push_back({std::move(item), bytes});
    state_.not_empty.notify_one();
    return true;
  }

  State& state_;
  const RuleSet& rules_;
  std::shared_ptr<const std::string> last_file_;
};

// The scan's thread. Owns a reference to the state, so it may outlive the ScanStream.
void Run(std::shared_ptr<ScanStream::State> state, std::vector<std::string> inputs) {
  QueueSink sink(state.get());
  ScanStats stats;
  Status status;
  try {
    ScannerPool::Lease scanner = state->pool->Acquire();
    ScanOptions options = state->options.scan;
    options.correlator = state->correlator.get();
    stats = ScanInputs(*scanner, inputs, options, &sink);
  } catch (const std::exception& e) {
    status = Status::Error(e.what());
  } catch (...) {
    status = Status::Error("unknown exception");
  }
  stats.matches -= std::min(stats.matches, sink.hidden_matches);
  stats.alerts -= std::min(stats.alerts, sink.hidden_alerts);
  std::lock_guard<std::mutex> lock(state->mu);
  state->stats = stats;
  state->status = std::move(status);
  state->done = true;  // invariant 2
  state->not_empty.notify_all();
}

}  // namespace

ScanStream::ScanStream(std::shared_ptr<ScannerPool> pool, std::vector<std::string> inputs,
                       ScanStreamOptions options)
    : state_(std::make_shared<State>()) {
  if (options.scan.correlator != nullptr) {
    throw std::invalid_argument(
        "ScanStream: ScanOptions::correlator must be null (the stream makes its own)");
  }
  State& s = *state_;
  s.pool = std::move(pool);
  s.options = std::move(options);
  s.options.scan.end_of_stream = true;
  if (s.options.correlate && s.pool->rules()->correlation_count() > 0) {
    s.correlator = std::make_unique<Correlator>(s.pool->rules(), s.options.correlator);
  }
  s.reads_stdin = inputs.empty() || std::find(inputs.begin(), inputs.end(), "-") != inputs.end();
  s.worker = std::thread(Run, state_, std::move(inputs));
}

ScanStream::~ScanStream() { Close(); }

bool ScanStream::Next(std::vector<Item>* out, size_t max_items, std::chrono::milliseconds wait) {
  out->clear();
  State& s = *state_;
  bool more;
  {
    std::unique_lock<std::mutex> lock(s.mu);
    if (s.closed) return false;
    auto ready = [&] { return !s.queue.empty() || s.done; };
    if (wait == std::chrono::milliseconds::max()) {
      s.not_empty.wait(lock, ready);
    } else {
      s.not_empty.wait_for(lock, wait, ready);
    }
    max_items = std::max<size_t>(max_items, 1);
    while (!s.queue.empty() && out->size() < max_items) {
      s.bytes -= s.queue.front().bytes;
      out->push_back(std::move(s.queue.front().item));
      s.queue.pop_front();
    }
    if (!out->empty()) s.not_full.notify_all();
    more = !(s.done && s.queue.empty());
  }
  if (!more && s.worker.joinable()) s.worker.join();  // done: it is returning
  return more;
}

void ScanStream::Close() {
  State& s = *state_;
  bool done;
  {
    std::lock_guard<std::mutex> lock(s.mu);
    s.closed = true;
    s.cancel = true;  // invariant 3
    s.queue.clear();
    s.bytes = 0;
    s.not_full.notify_all();
    done = s.done;
  }
  if (!s.worker.joinable()) return;
  if (s.reads_stdin && !done) {
    s.worker.detach();  // may be blocked in read(); it holds its own reference to s
    return;
  }
  s.worker.join();
}

bool ScanStream::done() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->done;
}

const ScanStats& ScanStream::stats() const { return state_->stats; }

const Status& ScanStream::status() const { return state_->status; }

const Correlator* ScanStream::correlator() const { return state_->correlator.get(); }

}  // namespace vigil
