// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Issue 13, item 2 and the reader's part of the memory invariant: runs of whitespace of
// any length are consumed without being kept (before the first record, between
// records, inside .json.gz, on a stream), and the records around them are delivered
// with their usual index and line; texts above kMaxFastTextBytes are read by the strict
// scanner alone and give exactly the records simdjson's fast path gives. The memory
// itself is measured in tests/alloc/scan_memory.cc and tests/hostile/memory.sh.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "inputs/reader.h"
#include "inputs/scan_testing.h"
#include "vigil/vigil.h"

namespace vigil {
namespace {

struct Transcript : RecordSink {
  std::vector<std::string> lines;
  bool OnRecord(const Record& r) override {
    lines.push_back("record " + std::to_string(r.index) + " line " + std::to_string(r.line) + " env " +
                    std::to_string(static_cast<int>(r.envelope)) + " " + std::string(r.json));
    return true;
  }
  void OnError(const InputError& e) override {
    lines.push_back("error line " + std::to_string(e.line) + " at " + std::to_string(e.byte_offset) +
                    " index " + std::to_string(e.index) + ": " + e.message);
  }
};

std::vector<std::string> Read(std::string_view data, const ReadOptions& o, size_t max_fast = internal::kMaxFastTextBytes) {
  Transcript t;
  ReadStats stats;
  internal::Reader reader(o, &t, &stats);
  reader.set_max_fast_text_bytes(max_fast);
  const std::string name = "in";
  reader.ReadMemory(data, name);
  return t.lines;
}

ReadOptions Small() {
  ReadOptions o;
  o.chunk_size = 64;        // whitespace runs beyond 64 bytes are dropped as they are read
  o.max_inflate_bytes = 0;  // gzip always streamed
  return o;
}

const std::string kA = R"({"eventName":"A"})";
const std::string kB = R"({"eventName":"B"})";

// Found by fuzz_reader: a broken first line, a run of blank lines longer than the read
// chunk, then records. The framing looked past the run only as far as one chunk, so a
// read in small chunks took the input for NDJSON (two broken lines, two indexes) and a
// read whole for one broken document (one index): the records after it were numbered
// differently. The look-ahead is now a constant.
TEST(Issue13WhitespaceTest, FramingDoesNotDependOnTheChunkSize) {
  std::string crlf;
  for (int i = 0; i < 4607; ++i) crlf += "\r\n";
  const std::string input = R"({"eventName":"A","x":"abc)" + crlf + R"(def"})" + "\n" + kB + "\n" + kB + "\n";
  ReadOptions whole;
  const std::vector<std::string> expected = Read(input, whole);
  ASSERT_FALSE(expected.empty());
  for (size_t chunk : {size_t{7}, size_t{64}, size_t{4093}, size_t{65536}}) {
    ReadOptions o;
    o.chunk_size = chunk;
    EXPECT_EQ(Read(input, o), expected) << "chunk " << chunk;
    vigil::testing::TempDir dir;
    Transcript t;
    ReadStats stats;
    ReadFile(dir.Write("in", input), o, &t, &stats);
    EXPECT_EQ(t.lines, expected) << "chunk " << chunk << ", read from a file";
  }
}

// Found by fuzz_reader with max_document_bytes lowered: a first line longer than the
// limit, then NDJSON. Read in chunks, the search for the first newline stopped at the
// limit and the input was skipped as one text too large; read whole from memory, the
// newline was found past the limit and the lines after it were read. The search now
// looks at exactly max_document_bytes + 1 bytes however the input arrives, so both
// skip the input and report it (an input that never ends a line, /dev/zero, must not be
// read for ever: tests/hostile/memory.sh input_devzero).
TEST(Issue13WhitespaceTest, AFirstLineOverTheLimitIsJudgedTheSameWholeOrInChunks) {
  const std::string input = R"({"eventName":")" + std::string(2000, 'x') + "\"}\n" + kA + "\n" + kB + "\n";
  auto check = [](const std::vector<std::string>& lines, const std::string& how) {
    ASSERT_EQ(lines.size(), 1u) << how;
    EXPECT_EQ(lines[0].rfind("error line 0 at 0 index 0: JSON document", 0), 0u) << how << ": " << lines[0];
    EXPECT_NE(lines[0].find("is larger than max_document_bytes (1000); input skipped"), std::string::npos)
        << how << ": " << lines[0];
  };
  ReadOptions o;
  o.max_document_bytes = 1000;
  check(Read(input, o), "whole");
  for (size_t chunk : {size_t{7}, size_t{512}, size_t{4093}}) {
    o.chunk_size = chunk;
    check(Read(input, o), "memory, chunk " + std::to_string(chunk));
    vigil::testing::TempDir dir;
    Transcript t;
    ReadStats stats;
    ReadFile(dir.Write("in", input), o, &t, &stats);
    check(t.lines, "file, chunk " + std::to_string(chunk));
  }
}

TEST(Issue13WhitespaceTest, RecordsAroundLongRunsOfNewlinesKeepTheirIndexAndLine) {
  const std::string nl(10000, '\n');
  // Between two records (the issue's case), before the first, after the last, and
  // blank lines of spaces and tabs.
  EXPECT_EQ(Read(kA + "\n" + nl + kB + "\n", Small()),
            (std::vector<std::string>{"record 0 line 1 env 0 " + kA, "record 1 line 10002 env 0 " + kB}));
  EXPECT_EQ(Read(nl + kA + "\n" + kB, Small()),
            (std::vector<std::string>{"record 0 line 10001 env 0 " + kA, "record 1 line 10002 env 0 " + kB}));
  EXPECT_EQ(Read(nl + kA + nl, Small()), (std::vector<std::string>{"record 0 line 10001 env 0 " + kA}));
  const std::string blanks = std::string(5000, ' ') + "\n\t \r\n" + std::string(5000, '\t');
  EXPECT_EQ(Read(kA + "\n" + blanks + "\n" + kB, Small()),
            (std::vector<std::string>{"record 0 line 1 env 0 " + kA, "record 1 line 5 env 0 " + kB}));
  // Nothing but whitespace: still the "empty" error, on the last line.
  EXPECT_EQ(Read(nl, Small()),
            (std::vector<std::string>{"error line 0 at 0 index 0: empty: no records (0 bytes, or only whitespace)"}));
}

TEST(Issue13WhitespaceTest, SameRecordsWhateverTheChunkSize) {
  // The short cuts only change what is buffered: with the default chunk size (no run
  // is long enough to be dropped) the transcript is the same.
  const std::string nl(3000, '\n');
  const std::string sp(3000, ' ');
  for (const std::string& input :
       {kA + "\n" + nl + kB, nl + kA + "\n" + kB + nl, sp + kA + "\n" + sp + "\n" + kB,
        kA + "\n" + nl + "not json\n" + kB, "[" + kA + "," + nl + kB + "]",
        "{\"Records\":[\n" + kA + ",\n" + nl + kB + "]}\n" + nl}) {
    EXPECT_EQ(Read(input, Small()), Read(input, ReadOptions())) << input.substr(0, 80);
  }
}

TEST(Issue13WhitespaceTest, InsideGzipAndAcrossMembers) {
  const std::string nl(100000, '\n');
  const std::string gz = testing::Gzip(kA + "\n" + nl) + testing::Gzip(nl + kB + "\n");
  EXPECT_EQ(Read(gz, Small()),
            (std::vector<std::string>{"record 0 line 1 env 0 " + kA, "record 1 line 200002 env 0 " + kB}));
}

TEST(Issue13WhitespaceTest, APrettyPrintedDocumentIsStillReadWhole) {
  // A first line that only starts a value is a document: whitespace inside it is part
  // of it (bounded by max_document_bytes, like the rest of the document).
  const std::string doc = "{\"Records\":[\n" + std::string(1000, '\n') + kA + ",\n" + kB + "\n]}\n";
  EXPECT_EQ(Read(doc, Small()),
            (std::vector<std::string>{"record 0 line 1002 env 1 " + kA, "record 1 line 1003 env 1 " + kB}));
}

// The strict scanner reads texts above the fast path's bound: the same records,
// indexes, lines, envelopes and errors as simdjson's path, for every shape.
// Found by fuzz_gzip: a document whose first object is broken inside (`{ic x}`) is read
// by the fast path, which delivers that object as a record without looking inside it
// (the consumer's parse reports it), unless something later in the text (invalid
// UTF-8 here, or the rest of a cut gzip stream) sends the whole text to the strict
// path, which reports the object as damage instead. Either way the valid records keep
// their index and line: the damage later in the text changes only how the broken
// object is reported.
TEST(Issue13LargeTextTest, DamageLaterInADocumentLeavesTheNumberingOfValidRecords) {
  const std::string head = "{\"a\": {ic x}, \"eventName\":\"X\"}\n{\"b\": 1 \"eventName\":\"X\"}\n" + kA + "\n";
  const auto fast = Read(head, ReadOptions{});
  const auto strict = Read(head + "\xff\n", ReadOptions{});
  const std::string valid = "record 2 line 3 env 0 " + kA;
  EXPECT_NE(std::find(fast.begin(), fast.end(), valid), fast.end()) << ::testing::PrintToString(fast);
  EXPECT_NE(std::find(strict.begin(), strict.end(), valid), strict.end()) << ::testing::PrintToString(strict);
  EXPECT_EQ(fast.front().rfind("record 0 line 1", 0), 0u) << fast.front();  // delivered unchecked
  EXPECT_EQ(strict.front().rfind("error line 1", 0), 0u) << strict.front();  // reported as damage
}

// fuzz/findings/gzip-cut-renumbers-d25330c6: a line that is not an object (`1"x"`)
// after a blank run. Read as NDJSON it is a broken record with its own index; when
// damage at the end (an open string, as a cut stream leaves) sends the whole text to
// the strict path, its recovery must give it an index too, so that the valid record
// after it keeps its number.
TEST(Issue13LargeTextTest, ALineThatIsNotAnObjectUsesItsIndexOnBothPaths) {
  const std::string head = "{\"a\": {ic x}, \"eventName\":\"X\"}\n\n\n1\"eventName\"\n" + kA + "\n";
  const auto fast = Read(head + kB + "\n", ReadOptions{});
  const auto strict = Read(head + "{\"cut\":\"", ReadOptions{});
  const std::string valid = "record 2 line 5 env 0 " + kA;
  EXPECT_NE(std::find(fast.begin(), fast.end(), valid), fast.end()) << ::testing::PrintToString(fast);
  EXPECT_NE(std::find(strict.begin(), strict.end(), valid), strict.end()) << ::testing::PrintToString(strict);
  EXPECT_NE(std::find_if(strict.begin(), strict.end(),
                         [](const std::string& l) { return l.rfind("error line 4", 0) == 0; }),
            strict.end())
      << ::testing::PrintToString(strict);
}

TEST(Issue13LargeTextTest, TheStrictPathGivesTheFastPathsRecords) {
  const std::vector<std::string> inputs = {
      "{\"Records\":[" + kA + "," + kB + "]}",
      "{\"Records\":[\n  " + kA + ",\n  " + kB + "\n]}\n",
      "[" + kA + ",\n" + kB + "]",
      kA + "\n" + kB + "\n",
      R"({"Events":[{"EventId":"1","CloudTrailEvent":"{\"eventName\":\"C\"}"}]})",
      R"({"version":"0","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"D"}})",
      "{\"Records\":[" + kA + ",3," + kB + "]}",
      "{\"Records\":[" + kA + ",{\"broken\":]},\n" + kB + "\n]}",
      "{\"a\":1}{\"b\":2}",
  };
  for (const std::string& input : inputs) {
    const auto fast = Read(input, ReadOptions());
    ASSERT_FALSE(fast.empty());
    EXPECT_EQ(Read(input, ReadOptions(), /*max_fast=*/0), fast) << input;
  }
}

TEST(Issue13LargeTextTest, ADocumentAboveTheBoundIsReadWhole) {
  // 40 MiB of records (above kMaxFastTextBytes): every record, the last one's index
  // and line right.
  std::string doc = "{\"Records\":[\n";
  const std::string pad(1000, 'x');
  size_t n = 0;
  while (doc.size() < (size_t{40} << 20)) {
    doc += std::string(n ? ",\n" : "") + "{\"eventName\":\"E" + std::to_string(n) + "\",\"p\":\"" + pad + "\"}";
    ++n;
  }
  doc += "\n]}\n";
  ASSERT_GT(doc.size(), internal::kMaxFastTextBytes);
  const auto t = Read(doc, ReadOptions());
  ASSERT_EQ(t.size(), n);
  EXPECT_EQ(t.back().substr(0, t.back().find(" env")),
            "record " + std::to_string(n - 1) + " line " + std::to_string(n + 1));
}

}  // namespace
}  // namespace vigil
