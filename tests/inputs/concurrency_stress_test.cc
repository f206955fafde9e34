// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// One compiled RuleSet (the bundled pack) shared by many threads scanning at once, each
// with its own Scanner: every thread must find exactly what a single-threaded run finds.
// These are the tests scripts/test runs under ThreadSanitizer (with the other threaded
// suites), where a data race fails them even when the results happen to agree.

#include <gtest/gtest.h>

#include <latch>
#include <map>
#include <span>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "inputs/scan_testing.h"
#include "support/per_match_sink.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

constexpr int kThreads = 8;
constexpr int kRounds = 2;

const std::string kLogs = std::string(VIGIL_SOURCE_DIR) + "/examples/logs";

// (file, record, rule id) -> how many times it was reported.
using Hits = std::map<std::tuple<std::string, uint64_t, std::string>, int>;

// The pack plus a rule matching every event, so that every record shows in the result
// (a record lost or scanned twice changes it, not only the pack's rare matches), and 40
// regexes on userAgent, so that the threads share a regex set whose DFA RE2 builds as
// they search (src/compile/regex_set.h).
std::shared_ptr<const RuleSet> PackRules() {
  RuleSetBuilder b;
  b.AddPath(std::string(VIGIL_SOURCE_DIR) + "/rules");
  for (int i = 0; i < 40; ++i) {
    b.AddYaml("title: user agent " + std::to_string(i) + "\nid: 5f0d1c2e-0000-4000-8000-1000000000" +
              (i < 10 ? "0" : "") + std::to_string(i) + "\ndetection:\n  s:\n    userAgent|re: '(?i)[a-z]+[/-]" +
              std::to_string(i % 4) + "\\.\\d+\\.?" + std::to_string(i / 4) + "'\n  condition: s\n");
  }
  b.AddYaml(R"(title: every event
id: 5f0d1c2e-0000-4000-8000-000000000001
detection:
  none: {eventName: __no_such_event__}
  condition: not none
)");
  auto rules = b.Build();
  EXPECT_FALSE(b.has_errors());
  return rules;
}

struct HitSink : vigil::testing::PerMatchSink {
  Hits hits;
  std::vector<std::string> errors;
  bool OnMatch(const Record& r, const vigil::Match& m) override {
    ++hits[{*r.file, r.index, m.rule->id}];
    return true;
  }
  void OnError(const InputError& e) override {
    errors.push_back(e.file + ":" + std::to_string(e.line) + ":" + std::to_string(e.byte_offset) + " " +
                     e.message);
  }
};

Hits ScanFolder(Scanner& scanner, const std::vector<std::string>& inputs, unsigned threads,
                std::vector<std::string>* errors = nullptr) {
  ScanOptions o;
  o.threads = threads;
  HitSink sink;
  ScanInputs(scanner, inputs, o, &sink);
  if (errors != nullptr) *errors = sink.errors;
  return std::move(sink.hits);
}

// Every record of examples/logs, in memory, with what the reader says about it.
struct Event {
  std::string file;
  uint64_t index;
  std::string json;
  Envelope envelope;
};

std::vector<Event> LoadEvents() {
  struct Sink : RecordSink {
    std::vector<Event> events;
    bool OnRecord(const Record& r) override {
      events.push_back({*r.file, r.index, std::string(r.json), r.envelope});
      return true;
    }
    void OnError(const InputError&) override { ADD_FAILURE() << "the sample logs read cleanly"; }
  } sink;
  ReadInputs({kLogs}, ReadOptions(), &sink);
  return std::move(sink.events);
}

Hits MatchEvents(Scanner& scanner, const std::vector<Event>& events) {
  Hits hits;
  std::vector<vigil::Match> out;
  for (const Event& e : events) {
    if (!scanner.Match(e.json, &out, EventKind::kAuto, e.envelope).ok()) {
      ++hits[{e.file, e.index, "<error>"}];
    }
    for (const auto& m : out) ++hits[{e.file, e.index, m.rule->id}];
  }
  return hits;
}

int Total(const Hits& hits) {
  int n = 0;
  for (const auto& [key, count] : hits) n += count;
  return n;
}

TEST(ConcurrencyStressTest, ThreadsSharingThePackFindWhatOneThreadFinds) {
  const auto rules = PackRules();
  const std::vector<Event> events = LoadEvents();
  ASSERT_EQ(events.size(), 2500u);

  Scanner reference_scanner(rules);
  const Hits from_files = ScanFolder(reference_scanner, {kLogs}, 1);
  const Hits from_memory = MatchEvents(reference_scanner, events);
  // Every event matched the catch-all rule once; the pack adds its own matches.
  EXPECT_GT(Total(from_files), 2500);
  for (const auto& [key, count] : from_files) EXPECT_EQ(count, 1);
  EXPECT_TRUE(from_memory == from_files) << "same records, whether read from files or memory";
  size_t by_regex_set = 0;
  for (const auto& [key, count] : from_files) by_regex_set += std::get<2>(key).starts_with("5f0d1c2e-0000-4000-8000-1");
  EXPECT_GT(by_regex_set, 50u);  // the regex set's rules match, and their matches are compared too

  // results[t][round]: what thread t found in that round, files then memory.
  std::vector<std::vector<Hits>> results(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Scanner scanner(rules);
      start.arrive_and_wait();  // all at once
      for (int round = 0; round < kRounds; ++round) {
        // Odd threads start with memory, even ones with files, so both run together.
        if (t % 2 == 0) results[t].push_back(ScanFolder(scanner, {kLogs}, 1));
        results[t].push_back(MatchEvents(scanner, events));
        if (t % 2 == 1) results[t].push_back(ScanFolder(scanner, {kLogs}, 1));
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(results[t].size(), 2u * kRounds);
    for (size_t i = 0; i < results[t].size(); ++i) {
      EXPECT_TRUE(results[t][i] == from_files) << "thread " << t << " run " << i << ": "
                                               << Total(results[t][i]) << " hits, expected "
                                               << Total(from_files);
    }
  }
}

TEST(ConcurrencyStressTest, ScannersMadeFromSharedRulesOutliveTheFirstScanner) {
  // The Python binding's use: one Scanner is given the rules, each worker thread makes
  // its own from Scanner::shared_rules(); the first Scanner and every other owner of
  // the RuleSet may go away while the workers run.
  const std::vector<Event> events = LoadEvents();
  Hits expected;
  auto first = std::make_unique<Scanner>(PackRules());
  expected = MatchEvents(*first, events);
  ASSERT_EQ(events.size(), 2500u);
  EXPECT_GT(Total(expected), 2500);

  std::vector<Hits> results(kThreads);
  std::latch made(kThreads + 1);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t, rules = first->shared_rules()]() mutable {
      Scanner scanner(std::move(rules));
      made.arrive_and_wait();
      results[t] = MatchEvents(scanner, events);
    });
  }
  made.arrive_and_wait();
  first.reset();  // the workers' Scanners now own the RuleSet alone
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_TRUE(results[t] == expected) << "thread " << t;
}

TEST(ConcurrencyStressTest, ParallelScansOfABrokenFolderAgreeWithOneThread) {
  // Two ScanInputs with 4 threads each run at the same time on one RuleSet, over sample
  // files mixed with broken ones: same matches and the same errors as one thread.
  testing::TempDir dir;
  const auto events = LoadEvents();
  std::string ndjson;
  for (size_t i = 0; i < 300; ++i) ndjson += events[i].json + "\n";
  for (int f = 0; f < 12; ++f) {
    const std::string name = "f" + std::string(f < 10 ? "0" : "") + std::to_string(f);
    switch (f % 4) {
      case 0:
        dir.Write(name + ".json.gz", testing::Gzip(ndjson));
        break;
      case 1: {
        std::string broken = ndjson;
        broken.insert(broken.find('\n', broken.size() / 2) + 1, "{\"eventName\": broken\n");
        dir.Write(name + ".ndjson", broken);
        break;
      }
      case 2: {
        const std::string gz = testing::Gzip(ndjson);
        dir.Write(name + ".json.gz", gz.substr(0, gz.size() * 2 / 3));  // truncated
        break;
      }
      default:
        dir.Write(name + ".ndjson", ndjson);
    }
  }
  const auto rules = PackRules();
  const std::vector<std::string> inputs = {dir.path(), kLogs, dir.path() + "/missing.json"};
  Scanner one(rules);
  std::vector<std::string> expected_errors;
  const Hits expected = ScanFolder(one, inputs, 1, &expected_errors);
  ASSERT_EQ(expected_errors.size(), 3u + 3u + 1u);  // broken lines, truncated gzips, missing

  Hits got[2];
  std::vector<std::string> got_errors[2];
  std::thread a([&] {
    Scanner s(rules);
    got[0] = ScanFolder(s, inputs, 4, &got_errors[0]);
  });
  std::thread b([&] {
    Scanner s(rules);
    got[1] = ScanFolder(s, inputs, 4, &got_errors[1]);
  });
  a.join();
  b.join();
  for (int i = 0; i < 2; ++i) {
    EXPECT_TRUE(got[i] == expected) << "scan " << i;
    EXPECT_EQ(got_errors[i], expected_errors) << "scan " << i;
  }
}

}  // namespace
}  // namespace vigil
