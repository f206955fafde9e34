// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Two threads, the configuration of a 2-core machine, on the real sample logs, run
// under ThreadSanitizer by scripts/test: ScanInputs with threads = 2, `vigil scan -j2`,
// and the pattern ScanStream packages (include/vigil/scan_stream.h, tested in
// scan_stream_test.cc; what the Python bindings' scan() iterates): the scan runs on a
// thread of its own and hands its matches through a bounded queue to the consumer,
// which can stop it early. (What ThreadSanitizer cannot see: the Python
// side itself, as CPython is not built with it; see scripts/test.)

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "support/per_match_sink.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

const std::string kLogs = std::string(VIGIL_SOURCE_DIR) + "/examples/logs";

std::shared_ptr<const RuleSet> Rules() {
  RuleSetBuilder b;
  b.AddYaml(R"(title: Read-only calls
detection: {s: {readOnly: true}, condition: s}
---
title: Console logins and role assumptions
detection: {s: {eventName: [ConsoleLogin, AssumeRole]}, condition: s}
)");
  return b.Build();
}

struct Lines : vigil::testing::PerMatchSink {
  std::vector<std::string> lines;
  bool OnMatch(const Record& r, const vigil::Match& m) override {
    lines.push_back(*r.file + ":" + std::to_string(r.index) + " " + m.rule->title);
    return true;
  }
  void OnError(const InputError& e) override { lines.push_back("error " + e.file + " " + e.message); }
};

std::vector<std::string> Scan(unsigned threads, ScanStats* stats) {
  Scanner scanner(Rules());
  ScanOptions o;
  o.threads = threads;
  Lines sink;
  *stats = ScanInputs(scanner, {kLogs}, o, &sink);
  return sink.lines;
}

TEST(TwoThreadScanTest, ScanInputsWithTwoThreadsSeesWhatOneSees) {
  ScanStats one, two;
  const std::vector<std::string> a = Scan(1, &one), b = Scan(2, &two);
  EXPECT_EQ(one.events, 2500u);  // the sample logs: 2,500 records
  EXPECT_GT(one.matches, 1000u);
  EXPECT_EQ(a.size(), one.matches);
  EXPECT_EQ(a, b);
  EXPECT_EQ(two.events, one.events);
  EXPECT_EQ(two.matches, one.matches);
  EXPECT_EQ(two.files, one.files);
}

std::string RunCommand(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  char buf[65536];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = pclose(p);
  *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

TEST(TwoThreadScanTest, CliWithTwoThreadsPrintsWhatOnePrints) {
  // The bundled pack, every output line (correlation alerts included), in order.
  int s1 = -1, s2 = -1;
  const std::string base = std::string(VIGIL_CLI_PATH) + " scan -q --format jsonl ";
  const std::string one = RunCommand(base + "-j1 " + kLogs, &s1);
  const std::string two = RunCommand(base + "-j2 " + kLogs, &s2);
  EXPECT_EQ(s1, 0);
  EXPECT_EQ(s2, 0);
  EXPECT_GT(std::count(one.begin(), one.end(), '\n'), 50);
  EXPECT_EQ(one, two);
}

// The bindings' ScanIter: a producer thread runs ScanInputs (2 threads of its own) into
// a queue of at most 64 lines; the consumer takes them, and closes the scan after
// `take` lines (ScanIter.close) or drains it.
std::vector<std::string> ScanThroughQueue(size_t take) {
  std::mutex mu;
  std::condition_variable changed;
  std::deque<std::string> queue;
  bool done = false, stop = false;
  struct QueueSink : vigil::testing::PerMatchSink {
    std::mutex* mu;
    std::condition_variable* changed;
    std::deque<std::string>* queue;
    bool* stop;
    bool OnMatch(const Record& r, const vigil::Match& m) override {
      std::unique_lock<std::mutex> lock(*mu);
      changed->wait(lock, [&] { return queue->size() < 64 || *stop; });
      if (*stop) return false;
      queue->push_back(*r.file + ":" + std::to_string(r.index) + " " + m.rule->title);
      changed->notify_all();
      return true;
    }
    void OnError(const InputError&) override {}
  } sink;
  sink.mu = &mu;
  sink.changed = &changed;
  sink.queue = &queue;
  sink.stop = &stop;
  auto rules = Rules();
  std::thread producer([&] {
    Scanner scanner(rules);
    ScanOptions o;
    o.threads = 2;
    ScanInputs(scanner, {kLogs}, o, &sink);
    std::lock_guard<std::mutex> lock(mu);
    done = true;
    changed.notify_all();
  });
  std::vector<std::string> got;
  {
    std::unique_lock<std::mutex> lock(mu);
    while (got.size() < take) {
      changed.wait(lock, [&] { return !queue.empty() || done; });
      if (queue.empty()) break;
      got.push_back(std::move(queue.front()));
      queue.pop_front();
      changed.notify_all();
    }
    stop = true;
    changed.notify_all();
  }
  producer.join();
  return got;
}

TEST(TwoThreadScanTest, ScanOnItsOwnThreadThroughABoundedQueue) {
  ScanStats stats;
  std::vector<std::string> all = Scan(1, &stats);
  all.erase(std::remove_if(all.begin(), all.end(), [](const std::string& l) { return l.rfind("error ", 0) == 0; }),
            all.end());
  EXPECT_EQ(ScanThroughQueue(SIZE_MAX), all);
  const std::vector<std::string> first = ScanThroughQueue(100);  // closed early
  ASSERT_EQ(first.size(), 100u);
  EXPECT_TRUE(std::equal(first.begin(), first.end(), all.begin()));
}

}  // namespace
}  // namespace vigil
