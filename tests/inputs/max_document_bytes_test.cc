// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ReadOptions::max_document_bytes on the two paths issue 13 found never exercised: a
// gzip input (decompressed whole, and streamed) and standard input (a pipe). The limit
// counts decompressed bytes; a document over it is skipped and reported, a long NDJSON
// line is skipped and the lines around it are still read.

#include <fcntl.h>
#include <unistd.h>

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "inputs/scan_testing.h"
#include "vigil/input.h"

namespace vigil {
namespace {

class Collect : public RecordSink {
 public:
  bool OnRecord(const Record& r) override {
    records.emplace_back(r.json);
    return true;
  }
  void OnError(const InputError& e) override { errors.push_back(e.message); }
  std::vector<std::string> records;
  std::vector<std::string> errors;
};

const std::string kLong = "{\"eventName\":\"" + std::string(500, 'L') + "\"}";
const std::string kNdjson = "{\"eventName\":\"A\"}\n" + kLong + "\n{\"eventName\":\"C\"}\n";

std::string RecordsDocument() {
  std::string data = "{\"Records\":[\n";
  for (int k = 0; k < 20; ++k) data += "{\"eventName\":\"E\"},\n";
  return data + "{\"eventName\":\"E\"}]}\n";
}

// Whole (max_inflate_bytes large) and streamed (0: every gzip input over chunk_size is
// streamed) decompression must both apply the limit to the decompressed bytes. A long
// line of a gzip input decompressed whole used to be read as a record: the limit was
// only checked on a line that had to be read in pieces.
TEST(MaxDocumentBytesTest, GzipNdjsonLineOverTheLimitIsSkipped) {
  const std::string gz = testing::Gzip(kNdjson);
  for (const uint64_t inflate : {uint64_t{256} << 20, uint64_t{0}}) {
    ReadOptions options;
    options.chunk_size = 64;
    options.max_inflate_bytes = inflate;
    options.max_document_bytes = 200;
    Collect sink;
    ReadStats stats;
    ReadBuffer(gz, "in.json.gz", options, &sink, &stats);
    EXPECT_EQ(sink.records, (std::vector<std::string>{"{\"eventName\":\"A\"}", "{\"eventName\":\"C\"}"}))
        << inflate;
    EXPECT_EQ(sink.errors, std::vector<std::string>{"line longer than max_document_bytes (200); skipped"})
        << inflate;
  }
}

TEST(MaxDocumentBytesTest, GzipDocumentOverTheLimitIsSkippedWhole) {
  const std::string doc = RecordsDocument();
  const std::string gz = testing::Gzip(doc);
  ASSERT_LT(gz.size(), 100u);  // the compressed size is under the limit; the document is not
  for (const uint64_t inflate : {uint64_t{256} << 20, uint64_t{0}}) {
    ReadOptions options;
    options.chunk_size = 64;
    options.max_inflate_bytes = inflate;
    options.max_document_bytes = 100;
    Collect sink;
    ReadStats stats;
    ReadBuffer(gz, "in.json.gz", options, &sink, &stats);
    EXPECT_TRUE(sink.records.empty()) << inflate;
    // The size of a gzip input is not known before it is decompressed, so the message
    // has none (a plain file's names it).
    EXPECT_EQ(sink.errors,
              std::vector<std::string>{"JSON document is larger than max_document_bytes (100); input skipped"})
        << inflate;
    // At the limit it is read.
    options.max_document_bytes = doc.size();
    Collect fits;
    ReadBuffer(gz, "in.json.gz", options, &fits, &stats);
    EXPECT_EQ(fits.records.size(), 21u) << inflate;
    EXPECT_TRUE(fits.errors.empty()) << inflate;
  }
}

// Reads `data` as standard input ("-") through a pipe, with fd 0 restored afterwards.
void ReadStdin(const std::string& data, const ReadOptions& options, Collect* sink) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const int saved = dup(0);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(dup2(fds[0], 0), 0);
  close(fds[0]);
  std::thread writer([&] {
    size_t done = 0;
    while (done < data.size()) {
      const ssize_t n = write(fds[1], data.data() + done, data.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    close(fds[1]);
  });
  ReadStats stats;
  ReadFile("-", options, sink, &stats);
  writer.join();
  dup2(saved, 0);
  close(saved);
}

TEST(MaxDocumentBytesTest, StdinNdjsonLineOverTheLimitIsSkipped) {
  for (const bool gzipped : {false, true}) {
    ReadOptions options;
    options.chunk_size = 64;
    options.max_document_bytes = 200;
    Collect sink;
    ReadStdin(gzipped ? testing::Gzip(kNdjson) : kNdjson, options, &sink);
    EXPECT_EQ(sink.records, (std::vector<std::string>{"{\"eventName\":\"A\"}", "{\"eventName\":\"C\"}"}))
        << gzipped;
    EXPECT_EQ(sink.errors, std::vector<std::string>{"line longer than max_document_bytes (200); skipped"})
        << gzipped;
  }
}

TEST(MaxDocumentBytesTest, StdinDocumentOverTheLimitIsSkipped) {
  const std::string doc = RecordsDocument();
  for (const bool gzipped : {false, true}) {
    ReadOptions options;
    options.chunk_size = 64;
    options.max_document_bytes = 100;
    Collect sink;
    ReadStdin(gzipped ? testing::Gzip(doc) : doc, options, &sink);
    EXPECT_TRUE(sink.records.empty()) << gzipped;
    ASSERT_EQ(sink.errors.size(), 1u) << gzipped;
    EXPECT_NE(sink.errors[0].find("is larger than max_document_bytes (100)"), std::string::npos)
        << sink.errors[0];
  }
}

}  // namespace
}  // namespace vigil
