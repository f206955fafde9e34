// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ScanStream (include/vigil/scan_stream.h): the results pulled from a scan on its own
// thread are those a ScanSink sees from a plain ScanInputs, in the same order, with the
// same stats; correlation alerts come in order with the matches and the building
// blocks stay out; a read error is an item; closing early, while the scan waits on a
// full queue, stops it promptly. Run under ThreadSanitizer by scripts/test.

#include <gtest/gtest.h>

#include <chrono>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "inputs/scan_testing.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

const std::string kLogs = std::string(VIGIL_SOURCE_DIR) + "/examples/logs";

std::shared_ptr<ScannerPool> Pool(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml);
  EXPECT_FALSE(b.has_errors());
  return std::make_shared<ScannerPool>(b.Build());
}

constexpr char kTwoRules[] = R"(title: Read-only calls
detection: {s: {readOnly: true}, condition: s}
---
title: Console logins and role assumptions
detection: {s: {eventName: [ConsoleLogin, AssumeRole]}, condition: s}
)";

// A building block (generate: false by default) and its correlation.
constexpr char kCorrelated[] = R"(title: Failed
id: 11111111-1111-4111-8111-111111111111
detection: {s: {eventName: ConsoleLogin}, condition: s}
---
title: Burst
correlation:
  type: event_count
  rules: [Failed]
  group-by: [sourceIPAddress]
  timespan: 1m
  condition: {gte: 2}
)";

constexpr char kLogins[] =
    R"({"eventName":"ConsoleLogin","eventTime":"2024-01-01T00:00:30Z","sourceIPAddress":"1.2.3.4"})"
    "\n"
    R"({"eventName":"ConsoleLogin","eventTime":"2024-01-01T00:00:00Z","sourceIPAddress":"1.2.3.4"})"
    "\n"
    R"({"eventName":"ConsoleLogin","eventTime":"2024-01-01T00:05:00Z","sourceIPAddress":"1.2.3.4"})"
    "\n";

// Every report of a scan as one line, the same for a ScanSink and for stream Items.
std::string MatchLine(const std::string& file, uint64_t record, uint64_t line,
                      const std::string& title, const std::string& json) {
  return "match " + file + ":" + std::to_string(record) + ":" + std::to_string(line) + " " + title +
         " " + json;
}
std::string ErrorLine(const InputError& e) { return "error " + e.file + " " + e.message; }
std::string AlertLine(const CorrelationAlert& a) {
  std::string line = "alert " + a.rule->info.title + " " + std::to_string(a.value);
  for (const EventRef& e : a.events) line += " " + e.file + ":" + std::to_string(e.record);
  return line;
}

struct Lines : ScanSink {
  std::vector<std::string> lines;
  bool OnRecord(const Record& r, std::span<const vigil::Match> matches) override {
    for (const vigil::Match& m : matches) {
      lines.push_back(MatchLine(*r.file, r.index, r.line, m.rule->title, std::string(r.json)));
    }
    return true;
  }
  void OnError(const InputError& e) override { lines.push_back(ErrorLine(e)); }
  bool OnAlert(const CorrelationAlert& a) override {
    lines.push_back(AlertLine(a));
    return true;
  }
};

std::string Line(const ScanStream::Item& item) {
  if (const auto* m = std::get_if<StreamMatch>(&item)) {
    return MatchLine(*m->file, m->record, m->line, m->rule->title, *m->json);
  }
  if (const auto* e = std::get_if<InputError>(&item)) return ErrorLine(*e);
  return AlertLine(std::get<CorrelationAlert>(item));
}

// Pulls everything, in batches of `batch` items.
std::vector<std::string> Drain(ScanStream* stream, size_t batch) {
  std::vector<std::string> lines;
  std::vector<ScanStream::Item> items;
  bool more = true;
  while (more) {
    more = stream->Next(&items, batch);
    EXPECT_LE(items.size(), batch);
    for (const auto& item : items) lines.push_back(Line(item));
  }
  return lines;
}

TEST(ScanStreamTest, GivesWhatScanInputsGivesInTheSameOrder) {
  auto pool = Pool(kTwoRules);
  for (unsigned threads : {1u, 2u}) {
    ScanOptions options;
    options.threads = threads;
    Scanner scanner(pool->rules());
    Lines sink;
    const ScanStats want = ScanInputs(scanner, {kLogs}, options, &sink);
    ASSERT_GT(want.matches, 100u);

    ScanStreamOptions stream_options;
    stream_options.scan = options;
    ScanStream stream(pool, {kLogs}, stream_options);
    EXPECT_EQ(Drain(&stream, 7), sink.lines) << threads << " threads";
    EXPECT_TRUE(stream.done());
    EXPECT_TRUE(stream.status().ok());
    EXPECT_EQ(stream.stats().events, want.events);
    EXPECT_EQ(stream.stats().matches, want.matches);
    EXPECT_EQ(stream.stats().files, want.files);
    EXPECT_EQ(stream.stats().bytes, want.bytes);
    EXPECT_EQ(stream.correlator(), nullptr);  // no correlation rules
    std::vector<ScanStream::Item> after;
    EXPECT_FALSE(stream.Next(&after));  // nothing more, and no wait
    EXPECT_TRUE(after.empty());
  }
  EXPECT_EQ(pool->idle(), 1u);  // the stream's Scanner went back to the pool
}

TEST(ScanStreamTest, CorrelatesAndLeavesBuildingBlocksOut) {
  testing::TempDir dir;
  const std::string logins = dir.Write("logins.jsonl", kLogins);
  auto pool = Pool(kCorrelated);
  ScanStreamOptions options;
  {
    ScanStream stream(pool, {logins}, options);
    EXPECT_EQ(Drain(&stream, 512),
              std::vector<std::string>{"alert Burst 2.000000 " + logins + ":1 " + logins + ":0"});
    EXPECT_EQ(stream.stats().events, 3u);
    EXPECT_EQ(stream.stats().matches, 0u);  // Failed only feeds Burst
    EXPECT_EQ(stream.stats().alerts, 1u);
    ASSERT_NE(stream.correlator(), nullptr);
    EXPECT_EQ(stream.correlator()->late_events(), 0u);
  }
  options.building_blocks = true;
  {
    ScanStream stream(pool, {logins}, options);
    const std::vector<std::string> lines = Drain(&stream, 1);
    ASSERT_EQ(lines.size(), 4u);
    EXPECT_EQ(lines[0].rfind("match " + logins + ":0:1 Failed ", 0), 0u);
    EXPECT_EQ(lines[2].rfind("match " + logins + ":2:3 Failed ", 0), 0u);
    // Within the default lateness (15m) of the last event: raised by the end of the stream.
    EXPECT_EQ(lines[3], "alert Burst 2.000000 " + logins + ":1 " + logins + ":0");
    EXPECT_EQ(stream.stats().matches, 3u);
  }
  options.building_blocks = false;
  options.correlate = false;
  ScanStream plain(pool, {logins}, options);
  EXPECT_TRUE(Drain(&plain, 512).empty());
  EXPECT_EQ(plain.correlator(), nullptr);
}

TEST(ScanStreamTest, ReportsAFailingInputAndGoesOn) {
  testing::TempDir dir;
  const std::string logins = dir.Write("logins.jsonl", kLogins);
  const std::string broken = dir.Write("broken.jsonl", "{\"eventName\":\n");
  auto pool = Pool(kTwoRules);
  ScanStream stream(pool, {dir.path() + "/missing.json", broken, logins});
  const std::vector<std::string> lines = Drain(&stream, 512);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].rfind("error " + dir.path() + "/missing.json ", 0), 0u);
  EXPECT_EQ(lines[1].rfind("error " + broken + " ", 0), 0u);
  EXPECT_EQ(lines[2].rfind("match " + logins + ":0:1 Console logins and role assumptions ", 0), 0u);
  EXPECT_TRUE(stream.status().ok());  // bad input is not a failure of the scan
  EXPECT_EQ(stream.stats().input_errors, 2u);
  EXPECT_EQ(stream.stats().matches, 3u);
}

TEST(ScanStreamTest, CloseWhileTheScanWaitsOnAFullQueueStopsIt) {
  auto pool = Pool(kTwoRules);
  ScanStreamOptions options;
  options.max_queued_items = 4;
  std::vector<std::string> all;
  {
    ScanStream stream(pool, {kLogs}, options);
    all = Drain(&stream, 512);
  }
  ScanStream stream(pool, {kLogs}, options);
  std::vector<std::string> taken;
  std::vector<ScanStream::Item> items;
  while (taken.size() < 3) {
    ASSERT_TRUE(stream.Next(&items, 3 - taken.size()));
    for (const auto& item : items) taken.push_back(Line(item));
  }
  EXPECT_EQ(taken, std::vector<std::string>(all.begin(), all.begin() + 3));
  // The queue fills again (4 items) and the scan waits: it cannot end by itself.
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(stream.done());
  const auto start = std::chrono::steady_clock::now();
  stream.Close();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(stream.Next(&items, 3));
  EXPECT_TRUE(items.empty());
  stream.Close();                              // idempotent
  ScanStream dropped(pool, {kLogs}, options);  // destroyed at once: the destructor closes
}

TEST(ScanStreamTest, WaitRunsOutWithNothingAndRefusesACorrelatorOfTheCaller) {
  auto pool = Pool(kCorrelated);
  ScanStreamOptions options;
  Correlator mine(pool->rules());
  options.scan.correlator = &mine;
  EXPECT_THROW({ ScanStream refused(pool, {kLogs}, options); }, std::invalid_argument);
  // A zero wait on a scan that has given nothing yet returns at once, with nothing,
  // and the scan goes on.
  ScanStream stream(pool, {kLogs});
  std::vector<ScanStream::Item> items;
  bool more = stream.Next(&items, 512, std::chrono::milliseconds(0));
  while (more) more = stream.Next(&items, 512, std::chrono::milliseconds(1));
  EXPECT_TRUE(stream.status().ok());
  EXPECT_GT(stream.stats().events, 100u);
}

}  // namespace
}  // namespace vigil
