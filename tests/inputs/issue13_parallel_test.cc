// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Issue 13, items 1 and 11, for the library: a parallel scan hands each file's output
// to the sink in chunks while the file is still being read, and a worker waits when it
// is pending_bytes_per_thread ahead. Whatever the budget (down to 1 byte: a wait after
// every chunk) and the thread count (more files than the window of files in flight, so
// the per-file queues are reused), the sink sees exactly the one-thread transcript.
// The memory itself is measured in tests/alloc/scan_memory.cc.

#include <gtest/gtest.h>

#include <span>
#include <string>
#include <vector>

#include "inputs/scan_testing.h"
#include "support/per_match_sink.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

struct Transcript : vigil::testing::PerMatchSink {
  std::vector<std::string> lines;
  size_t stop_after = SIZE_MAX;
  bool OnMatch(const Record& r, const vigil::Match& m) override {
    lines.push_back("match " + *r.file + ":" + std::to_string(r.index) + ":" + std::to_string(r.line) + " " +
                    m.rule->title + " " + std::string(r.json));
    return lines.size() < stop_after;
  }
  void OnError(const InputError& e) override {
    lines.push_back("error " + e.file + ":" + std::to_string(e.line) + " " + e.message);
  }
  bool OnRecordDone(const Record& r, size_t matches) override {
    lines.push_back("done " + *r.file + ":" + std::to_string(r.index) + " " + std::to_string(matches));
    return lines.size() < stop_after;
  }
};

std::shared_ptr<const RuleSet> Rules() {
  RuleSetBuilder b;
  b.AddYaml(R"(title: Hit
detection: {s: {eventName: Hit}, condition: s}
)");
  return b.Build();
}

// 12 files; the even ones hold 20,000 NDJSON records (several chunks each: a chunk is
// handed over at 256 KiB), with a match every 7th record and a broken line every
// 1,000th; the odd ones are small.
std::vector<std::string> MakeFiles(const testing::TempDir& dir) {
  std::vector<std::string> files;
  for (int f = 0; f < 12; ++f) {
    std::string text;
    const int n = f % 2 == 0 ? 20000 : 3;
    for (int i = 0; i < n; ++i) {
      if (i % 1000 == 999) {
        text += "{\"broken\":\n";
        continue;
      }
      text += std::string("{\"eventName\":\"") + (i % 7 == 0 ? "Hit" : "Miss") + "\",\"f\":" + std::to_string(f) +
              ",\"i\":" + std::to_string(i) + "}\n";
    }
    files.push_back(dir.Write("f" + std::to_string(f + 10) + ".ndjson", text));
  }
  return files;
}

Transcript Scan(const std::vector<std::string>& files, unsigned threads, size_t budget, ScanStats* stats,
                size_t stop_after = SIZE_MAX) {
  Scanner scanner(Rules());
  ScanOptions o;
  o.kind = EventKind::kAny;
  o.threads = threads;
  o.pending_bytes_per_thread = budget;
  Transcript t;
  t.stop_after = stop_after;
  *stats = ScanInputs(scanner, files, o, &t);
  return t;
}

TEST(Issue13ParallelTest, ChunkedHandOffGivesTheOneThreadTranscriptWhateverTheBudget) {
  testing::TempDir dir;
  const std::vector<std::string> files = MakeFiles(dir);
  ScanStats one;
  const Transcript a = Scan(files, 1, size_t{4} << 20, &one);
  ASSERT_EQ(one.events, 6u * 20000 + 6u * 3 - 6u * 20);
  ASSERT_EQ(one.input_errors, 6u * 20);
  for (const unsigned threads : {2u, 3u}) {
    for (const size_t budget : {size_t{1}, size_t{1} << 20, size_t{64} << 20}) {
      ScanStats s;
      const Transcript b = Scan(files, threads, budget, &s);
      EXPECT_EQ(b.lines, a.lines) << threads << " threads, budget " << budget;
      EXPECT_EQ(s.events, one.events);
      EXPECT_EQ(s.matches, one.matches);
      EXPECT_EQ(s.input_errors, one.input_errors);
      EXPECT_EQ(s.files, one.files);
      EXPECT_EQ(s.bytes, one.bytes);
    }
  }
}

TEST(Issue13ParallelTest, StoppingMidFileWithWorkersWaitingEnds) {
  // The sink stops in the middle of file 0 while the other workers are blocked on a
  // 1-byte budget: the scan must end (no worker left waiting) with the same lines.
  testing::TempDir dir;
  const std::vector<std::string> files = MakeFiles(dir);
  ScanStats one, two;
  const Transcript a = Scan(files, 1, 1, &one, 12345);
  const Transcript b = Scan(files, 3, 1, &two, 12345);
  ASSERT_EQ(a.lines.size(), 12345u);
  EXPECT_EQ(b.lines, a.lines);
}

TEST(Issue13ParallelTest, ThreadsAreCappedAtTheMaximum) {
  // ScanOptions::threads above kMaxScanThreads is taken as kMaxScanThreads (and never
  // more threads than files). The CLI's side of item 11 (`--threads 9999`, and threads
  // the system refuses to start) is in tests/hostile/memory.sh.
  testing::TempDir dir;
  const std::vector<std::string> files = MakeFiles(dir);
  ScanStats one, many;
  const Transcript a = Scan(files, 1, size_t{4} << 20, &one);
  const Transcript b = Scan(files, 9999, size_t{4} << 20, &many);
  EXPECT_EQ(b.lines, a.lines);
  EXPECT_EQ(kMaxScanThreads, 256u);
}

}  // namespace
}  // namespace vigil
