// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for gzip input (scan/byte_source.cc and src/inputs/decompress.cc and the gzip paths of reader.cc).
// The gzip data is made here with zlib, so every case is exact: single members
// (libdeflate path), several members split at arbitrary bytes, truncation at many
// offsets, corrupt headers and checksums, trailing padding and garbage, NDJSON
// streamed with a small chunk size, and stdin. For a truncated stream the expected
// records are computed independently: zlib is asked how much output the cut input
// yields, and every record whose text lies entirely in that output must arrive, with
// its own index, and nothing else.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "inputs/scan_testing.h"
#include "vigil/input.h"

namespace vigil {
namespace {

using testing::Gzip;
using testing::TempDir;

class Collector : public RecordSink {
 public:
  bool OnRecord(const Record& r) override {
    texts.emplace_back(r.json);
    indexes.push_back(r.index);
    lines.push_back(r.line);
    unsigned sum = 0;  // the padding must be readable (checked under ASan)
    const char* after = r.json.data() + r.json.size();
    for (size_t k = 0; k < kRecordPadding; ++k) sum += static_cast<unsigned char>(after[k]);
    checksum += sum;
    return true;
  }
  void OnError(const InputError& e) override { errors.push_back(e); }
  std::vector<std::string> texts;
  std::vector<uint64_t> indexes;
  std::vector<uint64_t> lines;
  std::vector<InputError> errors;
  uint64_t checksum = 0;
};

// All the output zlib can produce from `gz` before it ends or breaks.
std::string InflatePrefix(std::string_view gz) {
  z_stream s{};
  EXPECT_EQ(inflateInit2(&s, 16 + MAX_WBITS), Z_OK);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  s.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char piece[4096];
  for (;;) {
    s.next_out = reinterpret_cast<Bytef*>(piece);
    s.avail_out = sizeof(piece);
    int ret = inflate(&s, Z_NO_FLUSH);
    out.append(piece, sizeof(piece) - s.avail_out);
    if (ret != Z_OK) break;
  }
  inflateEnd(&s);
  return out;
}

// A compact Records document whose events are not too repetitive (so the deflate
// stream is long and cut points fall in many places), with non-ASCII text so that a
// cut can split a UTF-8 sequence. Returns the document and each record's [begin, end).
struct Doc {
  std::string text;
  std::vector<std::pair<size_t, size_t>> spans;
  std::string Record(size_t k) const {
    return text.substr(spans[k].first, spans[k].second - spans[k].first);
  }
};

Doc MakeRecordsDoc(int records, bool ndjson = false) {
  Doc doc;
  uint32_t state = 12345;
  if (!ndjson) doc.text = "{\"Records\":[";
  for (int k = 0; k < records; ++k) {
    if (k > 0) doc.text += ndjson ? "\n" : ",";
    std::string noise;
    for (int j = 0; j < 24; ++j) {
      state = state * 1103515245u + 12345u;
      noise += "0123456789abcdef"[(state >> 16) & 15];
    }
    const size_t begin = doc.text.size();
    doc.text += "{\"eventVersion\":\"1.08\",\"eventName\":\"E" + std::to_string(k) +
                "\",\"userAgent\":\"caf\xc3\xa9 " + noise + "\",\"requestParameters\":{\"id\":\"" +
                noise + noise + "\",\"n\":" + std::to_string(k * 7919) + "}}";
    doc.spans.emplace_back(begin, doc.text.size());
  }
  doc.text += ndjson ? "\n" : "]}";
  return doc;
}

void ExpectAllRecords(const Collector& sink, const Doc& doc) {
  ASSERT_EQ(sink.texts.size(), doc.spans.size());
  for (size_t k = 0; k < doc.spans.size(); ++k) {
    EXPECT_EQ(sink.texts[k], doc.Record(k));
    EXPECT_EQ(sink.indexes[k], k);
  }
}

TEST(ScanGzipTest, SingleMemberFileAndBuffer) {
  TempDir dir;
  const Doc doc = MakeRecordsDoc(50);
  const std::string gz = Gzip(doc.text);
  // Detected by content: the name says nothing.
  for (const std::string name : {"a.json.gz", "no_extension", "b.json"}) {
    Collector sink;
    ReadStats stats;
    EXPECT_TRUE(ReadFile(dir.Write(name, gz), {}, &sink, &stats));
    ExpectAllRecords(sink, doc);
    EXPECT_TRUE(sink.errors.empty());
    EXPECT_EQ(stats.bytes, doc.text.size());
    EXPECT_EQ(stats.compressed_bytes, gz.size());
    EXPECT_EQ(stats.files, 1u);
  }
  Collector sink;
  ReadStats stats;
  EXPECT_TRUE(ReadBuffer(gz, "mem", {}, &sink, &stats));
  ExpectAllRecords(sink, doc);
  EXPECT_EQ(stats.bytes, doc.text.size());
  EXPECT_EQ(stats.compressed_bytes, gz.size());
}

TEST(ScanGzipTest, LargerThanOneChunkStreams) {
  // Output larger than chunk_size takes the zlib streaming path; a Records document
  // is then still read whole.
  TempDir dir;
  const Doc doc = MakeRecordsDoc(300);
  const std::string gz = Gzip(doc.text);
  ReadOptions options;
  options.chunk_size = 1000;
  Collector sink;
  ReadStats stats;
  EXPECT_TRUE(ReadFile(dir.Write("big.json.gz", gz), options, &sink, &stats));
  ExpectAllRecords(sink, doc);
  EXPECT_TRUE(sink.errors.empty());
  EXPECT_EQ(stats.bytes, doc.text.size());
  EXPECT_EQ(stats.compressed_bytes, gz.size());
}

TEST(ScanGzipTest, WholeOrStreamedGivesTheSameRecords) {
  // Beyond one chunk, a gzip file is decompressed whole (libdeflate) when its size and
  // the size its trailer announces are within max_inflate_bytes, else streamed
  // (zlib); either way the same records, stats and no error.
  TempDir dir;
  const Doc doc = MakeRecordsDoc(300, /*ndjson=*/true);
  const std::string gz = Gzip(doc.text);
  const std::string path = dir.Write("big.ndjson.gz", gz);
  ASSERT_GT(gz.size(), 1000u);
  for (uint64_t limit : {uint64_t{0}, uint64_t{1000}, uint64_t{gz.size()}, uint64_t{doc.text.size() - 1},
                         uint64_t{doc.text.size()}, ReadOptions().max_inflate_bytes}) {
    SCOPED_TRACE(limit);
    ReadOptions options;
    options.chunk_size = 1000;
    options.max_inflate_bytes = limit;
    for (bool from_file : {true, false}) {
      Collector sink;
      ReadStats stats;
      EXPECT_TRUE(from_file ? ReadFile(path, options, &sink, &stats)
                            : ReadBuffer(gz, "mem", options, &sink, &stats));
      ExpectAllRecords(sink, doc);
      EXPECT_TRUE(sink.errors.empty());
      EXPECT_EQ(stats.bytes, doc.text.size());
      EXPECT_EQ(stats.compressed_bytes, gz.size());
    }
  }
}

TEST(ScanGzipTest, ATrailerThatLiesIsCaughtWhicheverPathReadsIt) {
  // The announced size decides only how the file is read. A wrong one (damage, or a
  // file made to look small) makes libdeflate stop; zlib then streams the file,
  // delivers every record and reports the bad length, exactly as the stream alone does.
  TempDir dir;
  const Doc doc = MakeRecordsDoc(300, /*ndjson=*/true);
  for (int64_t delta : {-100, 100}) {
    SCOPED_TRACE(delta);
    std::string gz = Gzip(doc.text);
    const uint32_t isize = static_cast<uint32_t>(static_cast<int64_t>(doc.text.size()) + delta);
    for (int k = 0; k < 4; ++k) gz[gz.size() - 4 + k] = static_cast<char>((isize >> (8 * k)) & 0xff);
    const std::string path = dir.Write("lies.ndjson.gz", gz);
    std::vector<std::string> messages;
    for (uint64_t limit : {ReadOptions().max_inflate_bytes, uint64_t{0}}) {
      ReadOptions options;
      options.chunk_size = 1000;
      options.max_inflate_bytes = limit;
      Collector sink;
      ReadStats stats;
      EXPECT_TRUE(ReadFile(path, options, &sink, &stats));
      ExpectAllRecords(sink, doc);
      ASSERT_EQ(sink.errors.size(), 1u);
      EXPECT_NE(sink.errors[0].message.find("incorrect length check"), std::string::npos)
          << sink.errors[0].message;
      messages.push_back(sink.errors[0].message);
    }
    EXPECT_EQ(messages[0], messages[1]);
  }
}

TEST(ScanGzipTest, EmptyMembers) {
  // A member holding a valid document of no records is fine; one holding nothing is an
  // empty file, reported as such (BrokenInputTest.EmptyFilesAreReported).
  for (std::string_view text : {"", "[]", "\n"}) {
    Collector sink;
    ReadStats stats;
    EXPECT_TRUE(ReadBuffer(Gzip(text), "e.gz", {}, &sink, &stats));
    EXPECT_TRUE(sink.texts.empty());
    if (text == "[]") {
      EXPECT_TRUE(sink.errors.empty()) << sink.errors[0].message;
    } else {
      ASSERT_EQ(sink.errors.size(), 1u) << text;
      EXPECT_EQ(sink.errors[0].message, "empty: no records (0 bytes, or only whitespace)");
    }
  }
}

TEST(ScanGzipTest, MultiMemberSplitAnywhere) {
  TempDir dir;
  const Doc doc = MakeRecordsDoc(40);
  // Members split in the middle of records, as `cat a.gz b.gz c.gz` of arbitrary
  // pieces produces.
  const size_t a = doc.text.size() / 3 + 7;
  const size_t b = 2 * doc.text.size() / 3 + 3;
  const std::string gz = Gzip(doc.text.substr(0, a)) + Gzip(doc.text.substr(a, b - a), 1) +
                         Gzip(doc.text.substr(b), 9);
  for (const std::string& data : {gz, gz + std::string(512, '\0')}) {
    Collector sink;
    ReadStats stats;
    EXPECT_TRUE(ReadFile(dir.Write("multi.gz", data), {}, &sink, &stats));
    ExpectAllRecords(sink, doc);
    EXPECT_TRUE(sink.errors.empty());
    EXPECT_EQ(stats.bytes, doc.text.size());
    EXPECT_EQ(stats.compressed_bytes, data.size());
  }
  {
    Collector sink;
    EXPECT_TRUE(ReadBuffer(gz, "multi", {}, &sink, nullptr));
    ExpectAllRecords(sink, doc);
  }
  {
    Collector sink;
    EXPECT_TRUE(ReadBuffer(gz + "garbage", "multi", {}, &sink, nullptr));
    ExpectAllRecords(sink, doc);
    ASSERT_EQ(sink.errors.size(), 1u);
    EXPECT_EQ(sink.errors[0].message,
              "unexpected data after the end of the gzip stream at compressed byte " +
                  std::to_string(gz.size()));
    EXPECT_EQ(sink.errors[0].byte_offset, doc.text.size());
    EXPECT_EQ(sink.errors[0].index, doc.spans.size());
  }
}

TEST(ScanGzipTest, TruncatedAtManyOffsets) {
  TempDir dir;
  const Doc doc = MakeRecordsDoc(60);
  const std::string gz = Gzip(doc.text);
  std::vector<size_t> cuts = {2, 5, 9, 10, 11, 12, 20, gz.size() - 9, gz.size() - 8,
                              gz.size() - 5, gz.size() - 1};
  for (size_t cut = 30; cut < gz.size() - 10; cut += gz.size() / 37) cuts.push_back(cut);
  for (size_t cut : cuts) {
    SCOPED_TRACE("cut at " + std::to_string(cut) + " of " + std::to_string(gz.size()));
    const std::string data = gz.substr(0, cut);
    const size_t produced = InflatePrefix(data).size();
    size_t want = 0;
    while (want < doc.spans.size() && doc.spans[want].second <= produced) ++want;
    for (size_t chunk : {size_t{8} << 20, size_t{512}}) {
      ReadOptions options;
      options.chunk_size = chunk;
      Collector sink;
      ReadStats stats;
      EXPECT_TRUE(ReadFile(dir.Write("cut.json.gz", data), options, &sink, &stats));
      ASSERT_EQ(sink.texts.size(), want);
      for (size_t k = 0; k < want; ++k) {
        EXPECT_EQ(sink.texts[k], doc.Record(k));
        EXPECT_EQ(sink.indexes[k], k);
      }
      // One error, the gzip one: the JSON cut short at the same point is not
      // reported a second time.
      ASSERT_EQ(sink.errors.size(), 1u);
      const std::string want_message =
          "truncated gzip stream: the compressed input ends at byte " + std::to_string(cut);
      EXPECT_EQ(sink.errors[0].message.rfind(want_message, 0), 0u) << sink.errors[0].message;
      EXPECT_EQ(sink.errors[0].byte_offset, produced);
      EXPECT_EQ(sink.errors[0].index, want);
      EXPECT_EQ(stats.errors, 1u);
      EXPECT_EQ(stats.compressed_bytes, cut);
      EXPECT_EQ(stats.bytes, produced);
    }
  }
}

// Found by fuzz_gzip: a gzip cut after its first byte is a lone 0x1f, which nothing
// identifies as gzip (the magic is 2 bytes). It is read as text: one error, no record,
// whether the file is named .json.gz or not.
TEST(ScanGzipTest, CutAfterTheFirstByteIsOneErrorAndNoRecord) {
  TempDir dir;
  for (const char* name : {"cut.json.gz", "cut.json"}) {
    Collector sink;
    ReadStats stats;
    ReadFile(dir.Write(name, std::string("\x1f", 1)), ReadOptions{}, &sink, &stats);
    EXPECT_TRUE(sink.texts.empty()) << name;
    ASSERT_EQ(sink.errors.size(), 1u) << name;
    EXPECT_EQ(stats.errors, 1u) << name;
  }
}

TEST(ScanGzipTest, TruncatedNdjsonKeepsEveryCompleteLine) {
  const Doc doc = MakeRecordsDoc(80, /*ndjson=*/true);
  const std::string gz = Gzip(doc.text);
  for (size_t cut = 15; cut < gz.size(); cut += gz.size() / 23) {
    SCOPED_TRACE("cut at " + std::to_string(cut));
    const std::string data = gz.substr(0, cut);
    const std::string produced = InflatePrefix(data);
    size_t want = 0;
    while (want < doc.spans.size() && doc.spans[want].second <= produced.size()) ++want;
    ReadOptions options;
    options.chunk_size = 700;
    Collector sink;
    EXPECT_TRUE(ReadBuffer(data, "cut.ndjson.gz", options, &sink, nullptr));
    ASSERT_EQ(sink.texts.size(), want);
    for (size_t k = 0; k < want; ++k) {
      EXPECT_EQ(sink.texts[k], doc.Record(k));
      EXPECT_EQ(sink.indexes[k], k);
      EXPECT_EQ(sink.lines[k], k + 1);
    }
    ASSERT_EQ(sink.errors.size(), 1u);
    EXPECT_EQ(sink.errors[0].byte_offset, produced.size());
    EXPECT_EQ(sink.errors[0].index, want);
    // The line on which the output stopped.
    const auto newlines = std::count(produced.begin(), produced.end(), '\n');
    EXPECT_EQ(sink.errors[0].line, 1 + static_cast<uint64_t>(newlines));
  }
}

TEST(ScanGzipTest, CorruptChecksum) {
  // Stored blocks (level 0) keep the text verbatim, so one flipped byte changes one
  // record and is only found by the CRC check at the end.
  const Doc doc = MakeRecordsDoc(10);
  std::string gz = Gzip(doc.text, 0);
  const size_t at = gz.find("\"E3\"");
  ASSERT_NE(at, std::string::npos);
  gz[at + 2] = '7';  // "E3" -> "E7"
  Collector sink;
  ReadStats stats;
  EXPECT_TRUE(ReadBuffer(gz, "crc.gz", {}, &sink, &stats));
  ASSERT_EQ(sink.texts.size(), 10u);
  std::string changed = doc.Record(3);
  changed.replace(changed.find("\"E3\""), 4, "\"E7\"");
  EXPECT_EQ(sink.texts[3], changed);
  EXPECT_EQ(sink.texts[4], doc.Record(4));
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].message.rfind("corrupt gzip stream at compressed byte ", 0), 0u);
  EXPECT_NE(sink.errors[0].message.find("incorrect data check"), std::string::npos)
      << sink.errors[0].message;
  EXPECT_EQ(sink.errors[0].byte_offset, doc.text.size());
  EXPECT_EQ(sink.errors[0].index, 10u);
}

TEST(ScanGzipTest, CorruptHeader) {
  std::string gz = Gzip(R"({"Records":[{"a":1}]})");
  gz[2] = 7;  // compression method: only 8 (deflate) exists
  // zlib reads the method and flag bytes together, so it stops after byte 4.
  Collector sink;
  EXPECT_TRUE(ReadBuffer(gz, "hdr.gz", {}, &sink, nullptr));
  EXPECT_TRUE(sink.texts.empty());
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].message,
            "corrupt gzip stream at compressed byte 4, after 0 decompressed bytes: unknown "
            "compression method");
  EXPECT_EQ(sink.errors[0].byte_offset, 0u);
}

TEST(ScanGzipTest, NdjsonStreamsWithSmallChunks) {
  TempDir dir;
  const Doc doc = MakeRecordsDoc(500, /*ndjson=*/true);
  // Two members split mid-line, to cross member, chunk and line boundaries at once.
  const size_t split = doc.text.size() / 2 + 11;
  const std::string gz = Gzip(doc.text.substr(0, split)) + Gzip(doc.text.substr(split));
  const std::string path = dir.Write("events.jsonl.gz", gz);
  for (size_t chunk : {size_t{100}, size_t{4096}, size_t{8} << 20}) {
    ReadOptions options;
    options.chunk_size = chunk;
    Collector sink;
    ReadStats stats;
    EXPECT_TRUE(ReadFile(path, options, &sink, &stats));
    ExpectAllRecords(sink, doc);
    for (size_t k = 0; k < sink.lines.size(); ++k) EXPECT_EQ(sink.lines[k], k + 1);
    EXPECT_TRUE(sink.errors.empty());
    EXPECT_EQ(stats.bytes, doc.text.size());
    EXPECT_EQ(stats.compressed_bytes, gz.size());
  }
}

TEST(ScanGzipTest, Stdin) {
  TempDir dir;
  const Doc doc = MakeRecordsDoc(30, /*ndjson=*/true);
  const std::string gz = Gzip(doc.text);
  const std::string path = dir.Write("in.gz", gz);
  int saved = dup(STDIN_FILENO);
  int fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  dup2(fd, STDIN_FILENO);
  close(fd);
  Collector sink;
  ReadStats stats;
  EXPECT_TRUE(ReadFile("-", {}, &sink, &stats));
  dup2(saved, STDIN_FILENO);
  close(saved);
  ExpectAllRecords(sink, doc);
  EXPECT_EQ(stats.compressed_bytes, gz.size());
  EXPECT_EQ(stats.bytes, doc.text.size());
}

}  // namespace
}  // namespace vigil
