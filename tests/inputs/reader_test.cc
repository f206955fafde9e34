// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for the input readers (src/inputs/reader.cc and its layers, through include/vigil/input.h): every
// accepted shape, NDJSON framing and chunking, record indexes and lines, damaged
// input and recovery, stdin, and stopping. Inputs are written here, so every
// expected record text, index, line and error offset is known; offsets and lines of
// JSON errors were cross-checked with Python's json module, which reports the same
// position for these inputs. gzip is in gzip_test.cc, folders in
// expand_inputs_test.cc, the shared real-world data in shared_data_test.cc.
#include <fcntl.h>
#include <simdjson.h>
#include <stdlib.h>
#include <unistd.h>

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

using testing::TempDir;

struct Got {
  std::string file;
  std::string json;
  uint64_t index;
  uint64_t line;
  Envelope envelope;
};

// Keeps copies of what it is given. Also checks the padding promise on every record:
// the kRecordPadding bytes after Record::json are read (AddressSanitizer flags it if
// they are not there) and, unless told otherwise, the record is parsed in place.
class Collector : public RecordSink {
 public:
  bool OnRecord(const Record& r) override {
    records.push_back({*r.file, std::string(r.json), r.index, r.line, r.envelope});
    unsigned sum = 0;
    const char* after = r.json.data() + r.json.size();
    for (size_t k = 0; k < kRecordPadding; ++k) sum += static_cast<unsigned char>(after[k]);
    padding_checksum += sum;
    if (parse_records) {
      simdjson::ondemand::document doc;
      simdjson::ondemand::object object;
      const size_t allocated = r.json.size() + kRecordPadding;
      EXPECT_EQ(parser.iterate(r.json.data(), r.json.size(), allocated).get(doc), simdjson::SUCCESS)
          << r.json;
      EXPECT_EQ(doc.get_object().get(object), simdjson::SUCCESS) << r.json;
    }
    return stop_after == 0 || records.size() < stop_after;
  }
  void OnError(const InputError& e) override { errors.push_back(e); }

  std::vector<std::string> Texts() const {
    std::vector<std::string> out;
    for (const Got& g : records) out.push_back(g.json);
    return out;
  }

  std::vector<Got> records;
  std::vector<InputError> errors;
  size_t stop_after = 0;
  bool parse_records = true;
  uint64_t padding_checksum = 0;
  simdjson::ondemand::parser parser;
};

const std::string kName = "buffer.json";
const std::vector<std::string> kAB = {R"({"eventName":"A"})", R"({"eventName":"B"})"};

ReadStats Read(std::string_view data, Collector* sink, ReadOptions options = {}) {
  ReadStats stats;
  EXPECT_TRUE(ReadBuffer(data, kName, options, sink, &stats));
  return stats;
}

void ExpectRecord(const Got& got, std::string_view json, uint64_t index, uint64_t line,
                  Envelope envelope) {
  EXPECT_EQ(got.json, json);
  EXPECT_EQ(got.index, index) << json;
  EXPECT_EQ(got.line, line) << json;
  EXPECT_EQ(got.envelope, envelope) << json;
}

// ---------------------------------------------------------------------------------
// Shapes.

TEST(ScanReaderTest, CompactRecordsFile) {
  const std::string data =
      R"({"Records":[{"eventName":"A","n":1},{"eventName":"B","n":[1,{"x":"}"}]},)"
      R"({"eventName":"C"}]})";
  Collector sink;
  ReadStats stats = Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 3u);
  ExpectRecord(sink.records[0], R"({"eventName":"A","n":1})", 0, 1, Envelope::kRecords);
  ExpectRecord(sink.records[1], R"({"eventName":"B","n":[1,{"x":"}"}]})", 1, 1, Envelope::kRecords);
  ExpectRecord(sink.records[2], R"({"eventName":"C"})", 2, 1, Envelope::kRecords);
  EXPECT_EQ(sink.records[0].file, kName);
  EXPECT_TRUE(sink.errors.empty());
  EXPECT_EQ(stats.files, 1u);
  EXPECT_EQ(stats.records, 3u);
  EXPECT_EQ(stats.bytes, data.size());
  EXPECT_EQ(stats.compressed_bytes, 0u);
  EXPECT_EQ(stats.errors, 0u);
}

TEST(ScanReaderTest, RecordsKeyAnywhereAmongOtherKeys) {
  Collector sink;
  Read(R"({"meta":{"Records":"not this"},"Records":[{"a":1}],"tail":[1,2]})", &sink);
  ASSERT_EQ(sink.records.size(), 1u);
  ExpectRecord(sink.records[0], R"({"a":1})", 0, 1, Envelope::kRecords);
  EXPECT_TRUE(sink.errors.empty());
}

TEST(ScanReaderTest, RecordsThatIsNotAnArrayIsAPlainEvent) {
  const std::string data = R"({"eventName":"PutRecords","Records":null})";
  Collector sink;
  Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 1u);
  ExpectRecord(sink.records[0], data, 0, 1, Envelope::kNone);
}

TEST(ScanReaderTest, PrettyRecordsFileHasLinePerRecord) {
  const std::string data =
      "{\n"
      "  \"Records\": [\n"
      "    {\n"
      "      \"eventName\": \"A\"\n"
      "    },\n"
      "    {\"eventName\": \"B\"},\n"
      "\n"
      "    {\"eventName\": \"C\"}\n"
      "  ]\n"
      "}\n";
  Collector sink;
  Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 3u);
  ExpectRecord(sink.records[0], "{\n      \"eventName\": \"A\"\n    }", 0, 3, Envelope::kRecords);
  ExpectRecord(sink.records[1], R"({"eventName": "B"})", 1, 6, Envelope::kRecords);
  ExpectRecord(sink.records[2], R"({"eventName": "C"})", 2, 8, Envelope::kRecords);
}

TEST(ScanReaderTest, BareArrayAndSingleObject) {
  {
    Collector sink;
    Read("[\n  {\"eventName\": \"A\"},\n  {\"eventName\": \"B\"}\n]\n", &sink);
    ASSERT_EQ(sink.records.size(), 2u);
    ExpectRecord(sink.records[0], R"({"eventName": "A"})", 0, 2, Envelope::kNone);
    ExpectRecord(sink.records[1], R"({"eventName": "B"})", 1, 3, Envelope::kNone);
  }
  {
    Collector sink;
    Read(R"({"eventName":"A","requestParameters":{"Events":1}})", &sink);
    ASSERT_EQ(sink.records.size(), 1u);
    ExpectRecord(sink.records[0], R"({"eventName":"A","requestParameters":{"Events":1}})", 0, 1,
                 Envelope::kNone);
  }
  {
    // Pretty-printed single event: one document, not NDJSON.
    Collector sink;
    const std::string data = "{\n  \"eventName\": \"A\",\n  \"x\": [1,\n 2]\n}\n";
    Read(data, &sink);
    ASSERT_EQ(sink.records.size(), 1u);
    ExpectRecord(sink.records[0], data.substr(0, data.size() - 1), 0, 1, Envelope::kNone);
    EXPECT_TRUE(sink.errors.empty());
  }
}

TEST(ScanReaderTest, EmptyInputsGiveNothing) {
  // Valid documents of no records: nothing, and no error.
  for (std::string_view data :
       {std::string_view("[]"), std::string_view("[ ]\n"), std::string_view(R"({"Records":[]})"),
        std::string_view(R"({"Events":[]})"), std::string_view("\xEF\xBB\xBF \n[]\n"),
        std::string_view("[]\n[]\n\n{\"Records\":[]}\n")}) {
    Collector sink;
    ReadStats stats = Read(data, &sink);
    EXPECT_TRUE(sink.records.empty()) << data;
    EXPECT_TRUE(sink.errors.empty()) << data;
    EXPECT_EQ(stats.files, 1u);
    EXPECT_EQ(stats.bytes, data.size());
  }
  // Nothing at all (or whitespace, or a byte order mark): reported as empty.
  for (std::string_view data :
       {std::string_view(""), std::string_view("  \n\r\n\t"), std::string_view("\xEF\xBB\xBF")}) {
    Collector sink;
    ReadStats stats = Read(data, &sink);
    EXPECT_TRUE(sink.records.empty()) << data;
    ASSERT_EQ(sink.errors.size(), 1u) << data;
    EXPECT_EQ(sink.errors[0].message, "empty: no records (0 bytes, or only whitespace)");
    EXPECT_EQ(stats.errors, 1u);
  }
}

TEST(ScanReaderTest, BomAndLeadingWhitespace) {
  Collector sink;
  Read("\xEF\xBB\xBF\n\n  {\"eventName\":\"A\"}\n", &sink);
  ASSERT_EQ(sink.records.size(), 1u);
  ExpectRecord(sink.records[0], R"({"eventName":"A"})", 0, 3, Envelope::kNone);
}

TEST(ScanReaderTest, LookupEventsOutput) {
  // `aws cloudtrail lookup-events` output: the event is JSON text inside a string.
  const std::string data =
      "{\n"
      "  \"Events\": [\n"
      "    {\"EventId\": \"1\", \"EventName\": \"StopLogging\",\n"
      "     \"CloudTrailEvent\": \"{\\\"eventName\\\":\\\"StopLogging\\\","
      "\\\"q\\\":\\\"a\\\\\\\"b\\\",\\\"u\\\":\\\"\\u00e9\\\"}\"},\n"
      "    {\"EventId\": \"2\", \"CloudTrailEvent\": 7},\n"
      "    {\"CloudTrailEvent\": \"{\\\"eventName\\\":\\\"X\\\"}\", \"EventId\": \"3\"}\n"
      "  ],\n"
      "  \"NextToken\": \"abc\"\n"
      "}\n";
  Collector sink;
  ReadStats stats = Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 2u);
  ExpectRecord(sink.records[0],
               "{\"eventName\":\"StopLogging\",\"q\":\"a\\\"b\",\"u\":\"\xc3\xa9\"}", 0, 4,
               Envelope::kLookupEvents);
  ExpectRecord(sink.records[1], R"({"eventName":"X"})", 2, 6, Envelope::kLookupEvents);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].index, 1u);
  EXPECT_EQ(sink.errors[0].line, 5u);
  EXPECT_EQ(sink.errors[0].byte_offset, data.find("{\"EventId\": \"2\""));
  EXPECT_EQ(sink.errors[0].message, "lookup-events entry has no CloudTrailEvent string");
  EXPECT_EQ(stats.errors, 1u);
}

TEST(ScanReaderTest, EventBridgeEnvelopes) {
  const std::string envelope =
      R"({"version":"0","id":"6f5b","detail-type":"AWS API Call via CloudTrail","source":"aws.s3",)"
      R"("account":"123456789012","time":"2024-01-01T00:00:00Z","region":"us-east-1",)"
      R"("resources":[],)"
      R"("detail":{"eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy"}})";
  {
    Collector sink;
    Read(envelope, &sink);
    ASSERT_EQ(sink.records.size(), 1u);
    ExpectRecord(sink.records[0],
                 R"({"eventSource":"s3.amazonaws.com","eventName":"PutBucketPolicy"})", 0, 1,
                 Envelope::kEventBridge);
  }
  {
    // `detail` before `detail-type`, pretty-printed: the line is the line of `detail`.
    Collector sink;
    Read("{\n \"detail\": {\"eventName\": \"A\"} ,\n \"detail-type\": \"x\"\n}", &sink);
    ASSERT_EQ(sink.records.size(), 1u);
    ExpectRecord(sink.records[0], R"({"eventName": "A"})", 0, 2, Envelope::kEventBridge);
  }
  {
    // Without both keys (or with a non-object detail) it is a plain event.
    for (std::string_view data : {R"({"detail":{"a":1}})", R"({"detail-type":"x","detail":"s"})"}) {
      Collector sink;
      Read(data, &sink);
      ASSERT_EQ(sink.records.size(), 1u);
      ExpectRecord(sink.records[0], data, 0, 1, Envelope::kNone);
    }
  }
  {
    // An array of envelopes, as an EventBridge archive replay or a test fixture has.
    Collector sink;
    Read("[" + envelope + ",\n" + envelope + "]", &sink);
    ASSERT_EQ(sink.records.size(), 2u);
    EXPECT_EQ(sink.records[1].envelope, Envelope::kEventBridge);
    EXPECT_EQ(sink.records[1].index, 1u);
    EXPECT_EQ(sink.records[1].line, 2u);
  }
}

// ---------------------------------------------------------------------------------
// NDJSON.

TEST(ScanReaderTest, NdjsonMixedShapesAndBrokenLines) {
  const std::string data =
      "{\"eventName\":\"A\",\"n\":1}\n"                                    // line 1
      "{\"eventName\":\"B\",\"n\":2}\r\n"                                  // line 2
      "{\"eventName\":\"C\", broken\n"                                     // line 3
      "\n"                                                                 // line 4
      "{\"eventName\":\"D\",\"n\":4}\n"                                    // line 5
      "[{\"eventName\":\"E\"},{\"eventName\":\"F\"}]\n"                    // line 6
      "{\"Records\":[{\"eventName\":\"G\"},{\"eventName\":\"H\"}]}\n"      // line 7
      "42\n"                                                               // line 8
      "{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\","
      "\"detail\":{\"eventName\":\"I\"}}\n"
      "{\"eventName\":\"J\"}";                                             // line 10, no newline
  Collector sink;
  ReadStats stats = Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 9u);
  ExpectRecord(sink.records[0], R"({"eventName":"A","n":1})", 0, 1, Envelope::kNone);
  ExpectRecord(sink.records[1], R"({"eventName":"B","n":2})", 1, 2, Envelope::kNone);
  ExpectRecord(sink.records[2], R"({"eventName":"D","n":4})", 3, 5, Envelope::kNone);
  ExpectRecord(sink.records[3], R"({"eventName":"E"})", 4, 6, Envelope::kNone);
  ExpectRecord(sink.records[4], R"({"eventName":"F"})", 5, 6, Envelope::kNone);
  ExpectRecord(sink.records[5], R"({"eventName":"G"})", 6, 7, Envelope::kRecords);
  ExpectRecord(sink.records[6], R"({"eventName":"H"})", 7, 7, Envelope::kRecords);
  ExpectRecord(sink.records[7], R"({"eventName":"I"})", 9, 9, Envelope::kEventBridge);
  ExpectRecord(sink.records[8], R"({"eventName":"J"})", 10, 10, Envelope::kNone);
  ASSERT_EQ(sink.errors.size(), 2u);
  EXPECT_EQ(sink.errors[0].file, kName);
  EXPECT_EQ(sink.errors[0].line, 3u);
  EXPECT_EQ(sink.errors[0].byte_offset, 67u);  // the 'b' of "broken"
  EXPECT_EQ(data[67], 'b');
  EXPECT_EQ(sink.errors[0].index, 2u);
  EXPECT_EQ(sink.errors[0].message, "invalid JSON: expected a string (an object key)");
  EXPECT_EQ(sink.errors[1].line, 8u);
  EXPECT_EQ(sink.errors[1].byte_offset, data.find("42\n"));
  EXPECT_EQ(sink.errors[1].index, 8u);
  EXPECT_EQ(sink.errors[1].message, "not an event: expected a JSON object or array");
  EXPECT_EQ(stats.records, 9u);
  EXPECT_EQ(stats.errors, 2u);
}

TEST(ScanReaderTest, NdjsonWithBrokenFirstLineIsStillNdjson) {
  Collector sink;
  Read("{\"eventName\" \"A\"}\n{\"eventName\":\"B\"}\n{\"eventName\":\"C\"}\n", &sink);
  ASSERT_EQ(sink.records.size(), 2u);
  ExpectRecord(sink.records[0], R"({"eventName":"B"})", 1, 2, Envelope::kNone);
  ExpectRecord(sink.records[1], R"({"eventName":"C"})", 2, 3, Envelope::kNone);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].line, 1u);
  EXPECT_EQ(sink.errors[0].byte_offset, 13u);
  EXPECT_EQ(sink.errors[0].index, 0u);
  EXPECT_EQ(sink.errors[0].message, "invalid JSON: expected ':' after an object key");
}

// Builds NDJSON of `lines` lines: mostly events of varying length, with a broken
// line every 37 lines, a blank line every 50, and one line far longer than the
// chunk. Returns the expected records and errors alongside.
struct Expected {
  std::string data;
  std::vector<Got> records;
  std::vector<InputError> errors;
};

Expected MakeNdjson(int lines, const std::string& name, bool crlf) {
  Expected out;
  uint64_t index = 0;
  for (int k = 1; k <= lines; ++k) {
    const std::string nl = crlf ? "\r\n" : "\n";
    if (k % 50 == 0) {
      out.data += nl;
      continue;
    }
    if (k % 37 == 0) {
      InputError e;
      e.file = name;
      e.line = static_cast<uint64_t>(k);
      e.byte_offset = out.data.size() + 19;  // at the '}' after the dangling ','
      e.index = index++;
      e.message = "invalid JSON: expected a string (an object key)";
      out.errors.push_back(e);
      out.data += "{\"eventName\":\"Bad\",}" + nl;
      continue;
    }
    std::string padding(static_cast<size_t>(k % 13 == 0 ? 3000 : (k * 7) % 90), 'x');
    std::string json = "{\"eventName\":\"E" + std::to_string(k) + "\",\"pad\":\"" + padding + "\"}";
    out.records.push_back({name, json, index++, static_cast<uint64_t>(k), Envelope::kNone});
    out.data += json + nl;
  }
  return out;
}

void ExpectSame(const Collector& sink, const Expected& want) {
  ASSERT_EQ(sink.records.size(), want.records.size());
  for (size_t k = 0; k < want.records.size(); ++k) {
    ExpectRecord(sink.records[k], want.records[k].json, want.records[k].index,
                 want.records[k].line, Envelope::kNone);
    EXPECT_EQ(sink.records[k].file, want.records[k].file);
  }
  ASSERT_EQ(sink.errors.size(), want.errors.size());
  for (size_t k = 0; k < want.errors.size(); ++k) {
    EXPECT_EQ(sink.errors[k].line, want.errors[k].line);
    EXPECT_EQ(sink.errors[k].byte_offset, want.errors[k].byte_offset);
    EXPECT_EQ(sink.errors[k].index, want.errors[k].index);
    EXPECT_EQ(sink.errors[k].message, want.errors[k].message);
  }
}

TEST(ScanReaderTest, NdjsonLargerThanChunkSize) {
  TempDir dir;
  const std::string path = dir.path() + "/events.ndjson";
  for (bool crlf : {false, true}) {
    for (size_t chunk : {size_t{64}, size_t{1000}, size_t{4096}, size_t{8} << 20}) {
      Expected want = MakeNdjson(400, path, crlf);
      dir.Write("events.ndjson", want.data);
      ASSERT_GT(want.data.size(), 10 * size_t{4096});
      ReadOptions options;
      options.chunk_size = chunk;
      Collector sink;
      ReadStats stats;
      EXPECT_TRUE(ReadFile(path, options, &sink, &stats));
      SCOPED_TRACE("chunk " + std::to_string(chunk) + (crlf ? " crlf" : " lf"));
      ExpectSame(sink, want);
      EXPECT_EQ(stats.bytes, want.data.size());
      EXPECT_EQ(stats.records, want.records.size());
      EXPECT_EQ(stats.errors, want.errors.size());
      // The same bytes from memory are cut into the same chunks.
      Collector from_memory;
      EXPECT_TRUE(ReadBuffer(want.data, path, options, &from_memory, nullptr));
      ExpectSame(from_memory, want);
    }
  }
}

TEST(ScanReaderTest, NdjsonLineLongerThanMaxDocumentBytes) {
  const std::string long_line = "{\"eventName\":\"" + std::string(500, 'L') + "\"}";
  const std::string data = "{\"eventName\":\"A\"}\n" + long_line + "\n{\"eventName\":\"C\"}\n";
  ReadOptions options;
  options.chunk_size = 32;
  options.max_document_bytes = 200;
  Collector sink;
  Read(data, &sink, options);
  ASSERT_EQ(sink.records.size(), 2u);
  ExpectRecord(sink.records[0], R"({"eventName":"A"})", 0, 1, Envelope::kNone);
  ExpectRecord(sink.records[1], R"({"eventName":"C"})", 2, 3, Envelope::kNone);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].line, 2u);
  EXPECT_EQ(sink.errors[0].byte_offset, 18u);
  EXPECT_EQ(sink.errors[0].index, 1u);
  EXPECT_EQ(sink.errors[0].message, "line longer than max_document_bytes (200); skipped");
}

TEST(ScanReaderTest, DocumentLargerThanMaxDocumentBytes) {
  std::string data = "{\"Records\":[\n";
  for (int k = 0; k < 20; ++k) data += "{\"eventName\":\"E\"},\n";
  data += "{\"eventName\":\"E\"}]}\n";
  ReadOptions options;
  options.max_document_bytes = 100;
  Collector sink;
  Read(data, &sink, options);
  EXPECT_TRUE(sink.records.empty());
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].message,
            "JSON document of " + std::to_string(data.size()) +
                " bytes is larger than max_document_bytes (100); input skipped");
}

// max_record_bytes (docs/limits.md): a record over it is reported with its position
// and index and skipped; the records around it are still read.
TEST(ScanReaderTest, RecordLargerThanMaxRecordBytesInRecordsFile) {
  const std::string big = "{\"eventName\":\"" + std::string(100, 'x') + "\"}";
  const std::string data = "{\"Records\":[\n{\"eventName\":\"A\"},\n" + big + ",\n{\"eventName\":\"C\"}\n]}\n";
  ReadOptions options;
  options.max_record_bytes = 64;
  Collector sink;
  ReadStats stats = Read(data, &sink, options);
  ASSERT_EQ(sink.records.size(), 2u);
  ExpectRecord(sink.records[0], R"({"eventName":"A"})", 0, 2, Envelope::kRecords);
  ExpectRecord(sink.records[1], R"({"eventName":"C"})", 2, 4, Envelope::kRecords);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].line, 3u);
  EXPECT_EQ(sink.errors[0].byte_offset, 32u);
  EXPECT_EQ(sink.errors[0].index, 1u);
  EXPECT_EQ(sink.errors[0].message, "record of 116 bytes is larger than max_record_bytes (64); skipped");
  EXPECT_EQ(stats.records, 2u);
  EXPECT_EQ(stats.errors, 1u);
}

TEST(ScanReaderTest, RecordLargerThanMaxRecordBytesInNdjson) {
  const std::string big = "{\"eventName\":\"" + std::string(100, 'x') + "\"}";
  const std::string data = "{\"eventName\":\"A\"}\n" + big + "\n{\"eventName\":\"C\"}\n";
  ReadOptions options;
  options.max_record_bytes = 64;
  Collector sink;
  Read(data, &sink, options);
  ASSERT_EQ(sink.records.size(), 2u);
  ExpectRecord(sink.records[0], R"({"eventName":"A"})", 0, 1, Envelope::kNone);
  ExpectRecord(sink.records[1], R"({"eventName":"C"})", 2, 3, Envelope::kNone);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].line, 2u);
  EXPECT_EQ(sink.errors[0].byte_offset, 18u);
  EXPECT_EQ(sink.errors[0].index, 1u);
  EXPECT_EQ(sink.errors[0].message, "record of 116 bytes is larger than max_record_bytes (64); skipped");
  // Exactly the limit is accepted.
  options.max_record_bytes = 116;
  Collector all;
  Read(data, &all, options);
  EXPECT_EQ(all.records.size(), 3u);
  EXPECT_TRUE(all.errors.empty());
}

TEST(ScanReaderTest, DefaultMaxRecordBytesIs64MiB) { EXPECT_EQ(ReadOptions().max_record_bytes, 64u << 20); }

// ---------------------------------------------------------------------------------
// Damaged documents.

TEST(ScanReaderTest, DamagedRecordsDocumentDeliversEverythingBeforeAndRecovers) {
  const std::string data =
      "{\"Records\":[\n"            // 1
      "{\"eventName\":\"A\"},\n"    // 2
      "{\"eventName\":\"B\"},\n"    // 3
      "{\"eventName\":\"C\",\n"     // 4  the '}' is missing
      "{\"eventName\":\"D\"},\n"    // 5  damage detected here: a key was expected
      "{\"eventName\":\"E\"}\n"     // 6
      "]}\n";
  Collector sink;
  ReadStats stats = Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 4u);
  ExpectRecord(sink.records[0], R"({"eventName":"A"})", 0, 2, Envelope::kRecords);
  ExpectRecord(sink.records[1], R"({"eventName":"B"})", 1, 3, Envelope::kRecords);
  ExpectRecord(sink.records[2], R"({"eventName":"D"})", 3, 5, Envelope::kRecords);
  ExpectRecord(sink.records[3], R"({"eventName":"E"})", 4, 6, Envelope::kRecords);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].line, 5u);
  EXPECT_EQ(sink.errors[0].byte_offset, 69u);
  EXPECT_EQ(sink.errors[0].index, 2u);
  EXPECT_EQ(sink.errors[0].message, "invalid JSON: expected a string (an object key)");
  EXPECT_EQ(stats.errors, 1u);
}

TEST(ScanReaderTest, MissingCommaBetweenRecords) {
  const std::string data =
      "[{\"eventName\":\"A\"},\n"
      "{\"eventName\":\"B\"}\n"
      "{\"eventName\":\"C\"},\n"
      "{\"eventName\":\"D\"}]\n";
  Collector sink;
  Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 4u);
  ExpectRecord(sink.records[0], R"({"eventName":"A"})", 0, 1, Envelope::kNone);
  ExpectRecord(sink.records[1], R"({"eventName":"B"})", 1, 2, Envelope::kNone);
  ExpectRecord(sink.records[2], R"({"eventName":"C"})", 3, 3, Envelope::kNone);
  ExpectRecord(sink.records[3], R"({"eventName":"D"})", 4, 4, Envelope::kNone);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].line, 3u);
  EXPECT_EQ(sink.errors[0].byte_offset, 38u);
  EXPECT_EQ(sink.errors[0].index, 2u);
  EXPECT_EQ(sink.errors[0].message, "invalid JSON: expected ',' or ']' after an array element");
}

TEST(ScanReaderTest, DamageInCompactFileKeepsRecordsBefore) {
  // One line, as CloudTrail writes them: nothing to recover after the damage. C lacks
  // its '}', so its text would run to the end of the file: it must not be delivered.
  const std::string data =
      R"({"Records":[{"eventName":"A"},{"eventName":"B"},)"
      R"({"eventName":"C","x":{"y":1},{"eventName":"D"}]})";
  Collector sink;
  Read(data, &sink);
  EXPECT_EQ(sink.Texts(), kAB);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].byte_offset, 77u);  // the '{' of D, where C wanted a key
  EXPECT_EQ(data.substr(77, 13), R"({"eventName":)");
  EXPECT_EQ(sink.errors[0].line, 1u);
  EXPECT_EQ(sink.errors[0].index, 2u);
  EXPECT_EQ(sink.errors[0].message, "invalid JSON: expected a string (an object key)");
}

TEST(ScanReaderTest, TruncatedDocument) {
  const std::string data =
      R"({"Records":[{"eventName":"A"},{"eventName":"B"},{"eventName":"C","tls":{"v":)";
  Collector sink;
  Read(data, &sink);
  EXPECT_EQ(sink.Texts(), kAB);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].byte_offset, data.size());
  EXPECT_EQ(sink.errors[0].index, 2u);
  EXPECT_EQ(sink.errors[0].message, "invalid JSON: unexpected end of input");
}

TEST(ScanReaderTest, NonObjectElementsAreErrorsWithTheirOwnIndex) {
  const std::string data = R"([1,{"a":1},"x",[{"b":0}],{"b":2},null])";
  Collector sink;
  Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 2u);
  ExpectRecord(sink.records[0], R"({"a":1})", 1, 1, Envelope::kNone);
  ExpectRecord(sink.records[1], R"({"b":2})", 4, 1, Envelope::kNone);
  ASSERT_EQ(sink.errors.size(), 4u);
  const uint64_t want_index[] = {0, 2, 3, 5};
  const uint64_t want_offset[] = {1, 11, 15, 33};
  for (size_t k = 0; k < 4; ++k) {
    EXPECT_EQ(sink.errors[k].index, want_index[k]);
    EXPECT_EQ(sink.errors[k].byte_offset, want_offset[k]);
    EXPECT_EQ(sink.errors[k].message, "array element is not a JSON object");
  }
}

TEST(ScanReaderTest, InvalidUtf8LosesOnlyThatRecord) {
  const std::string data =
      "{\"Records\":[{\"eventName\":\"A\"},{\"eventName\":\"B\xff\"},{\"eventName\":\"C\"}]}";
  Collector sink;
  Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 2u);
  ExpectRecord(sink.records[0], R"({"eventName":"A"})", 0, 1, Envelope::kRecords);
  ExpectRecord(sink.records[1], R"({"eventName":"C"})", 2, 1, Envelope::kRecords);
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].index, 1u);
  EXPECT_EQ(sink.errors[0].byte_offset, 30u);  // the start of the record
  EXPECT_EQ(sink.errors[0].message, "invalid UTF-8 in event");
}

TEST(ScanReaderTest, DamageInsideARecordWithIntactFramingIsLeftToTheConsumer) {
  // The fast path does not look inside Records elements; the consumer's parse of the
  // record reports such damage. Documented in reader.cc.
  Collector sink;
  sink.parse_records = false;
  Read(R"({"Records":[{"a":tru},{"b":1}]})", &sink);
  EXPECT_EQ(sink.Texts(), (std::vector<std::string>{R"({"a":tru})", R"({"b":1})"}));
  EXPECT_TRUE(sink.errors.empty());
}

TEST(ScanReaderTest, ConcatenatedPrettyValues) {
  // `jq . events.ndjson` output: pretty objects one after another.
  const std::string data =
      "{\n  \"eventName\": \"A\"\n}\n{\n  \"eventName\": \"B\"\n}\n[\n {\"eventName\": \"C\"}\n]\n";
  Collector sink;
  Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 3u);
  ExpectRecord(sink.records[0], "{\n  \"eventName\": \"A\"\n}", 0, 1, Envelope::kNone);
  ExpectRecord(sink.records[1], "{\n  \"eventName\": \"B\"\n}", 1, 4, Envelope::kNone);
  ExpectRecord(sink.records[2], R"({"eventName": "C"})", 2, 8, Envelope::kNone);
  EXPECT_TRUE(sink.errors.empty());
}

TEST(ScanReaderTest, BrokenLinesAfterADamagedFirstLineAreEachReported) {
  // The first line's damage sends the reader to recovery; before, the broken lines
  // that recovery could not take were skipped without a word.
  const std::string data =
      "{\"eventName\":\"A\",\"x\":[1,2}\n"     // 1  damaged
      "{\"eventName\":\"A\",\"x\":{\"b\":1]}\n"  // 2  broken
      "{\"eventName\":\"A\",\"x\":tru}\n"      // 3  broken
      "{\"eventName\":\"A\",\"x\":\"ok\"}\n";   // 4
  Collector sink;
  Read(data, &sink);
  ASSERT_EQ(sink.records.size(), 1u);
  ExpectRecord(sink.records[0], R"({"eventName":"A","x":"ok"})", 3, 4, Envelope::kNone);
  ASSERT_EQ(sink.errors.size(), 3u);
  EXPECT_EQ(sink.errors[0].line, 1u);
  EXPECT_EQ(sink.errors[1].line, 2u);
  EXPECT_EQ(sink.errors[1].index, 1u);
  EXPECT_EQ(sink.errors[1].message, "invalid JSON: expected ',' or '}' after an object member");
  EXPECT_EQ(sink.errors[2].line, 3u);
  EXPECT_EQ(sink.errors[2].index, 2u);
  EXPECT_EQ(sink.errors[2].message, "invalid JSON: invalid literal (expected true, false or null)");
}

TEST(ScanReaderTest, NotJsonAtAllIsOneError) {
  const std::string data = "Apache License\nVersion 2.0, January 2004\n\nTERMS AND CONDITIONS\n";
  Collector sink;
  Read(data, &sink);
  EXPECT_TRUE(sink.records.empty());
  ASSERT_EQ(sink.errors.size(), 1u);
  EXPECT_EQ(sink.errors[0].line, 1u);
  EXPECT_EQ(sink.errors[0].byte_offset, 0u);
  EXPECT_EQ(sink.errors[0].message, "invalid JSON: expected a JSON value");
}

// ---------------------------------------------------------------------------------
// Files, stdin, stopping.

TEST(ScanReaderTest, FileErrors) {
  TempDir dir;
  Collector sink;
  ReadStats stats;
  EXPECT_TRUE(ReadFile(dir.path() + "/missing.json", {}, &sink, &stats));
  EXPECT_TRUE(ReadFile(dir.path(), {}, &sink, &stats));
  ASSERT_EQ(sink.errors.size(), 2u);
  EXPECT_EQ(sink.errors[0].file, dir.path() + "/missing.json");
  EXPECT_EQ(sink.errors[0].message, "cannot open: No such file or directory");
  EXPECT_EQ(sink.errors[1].file, dir.path());
  EXPECT_EQ(sink.errors[1].message, "cannot read: is a directory");
  EXPECT_EQ(stats.files, 0u);
  EXPECT_EQ(stats.errors, 2u);
}

// Runs `body` with stdin redirected from `path`.
template <typename Body>
void WithStdin(const std::string& path, Body body) {
  int saved = dup(STDIN_FILENO);
  int fd = open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  dup2(fd, STDIN_FILENO);
  close(fd);
  body();
  dup2(saved, STDIN_FILENO);
  close(saved);
}

TEST(ScanReaderTest, Stdin) {
  TempDir dir;
  const std::string path =
      dir.Write("in.ndjson", "{\"eventName\":\"A\"}\n\n{\"eventName\":\"B\"}\n");
  WithStdin(path, [] {
    Collector sink;
    ReadStats stats;
    EXPECT_TRUE(ReadFile("-", {}, &sink, &stats));
    ASSERT_EQ(sink.records.size(), 2u);
    EXPECT_EQ(sink.records[0].file, "-");
    ExpectRecord(sink.records[1], R"({"eventName":"B"})", 1, 3, Envelope::kNone);
    EXPECT_EQ(stats.files, 1u);
  });
  WithStdin(path, [] {
    // An empty input list reads stdin too.
    Collector sink;
    ReadStats stats = ReadInputs({}, {}, &sink);
    EXPECT_EQ(sink.records.size(), 2u);
    EXPECT_EQ(stats.files, 1u);
    EXPECT_EQ(stats.records, 2u);
  });
}

TEST(ScanReaderTest, StopsWhenTheSinkSaysSo) {
  TempDir dir;
  const std::string records = dir.Write(
      "a.json", R"({"Records":[{"n":0},{"n":1},{"n":2},{"n":3},{"n":4}]})");
  const std::string ndjson = dir.Write("b.json", "{\"n\":0}\n{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n");
  for (const std::string& path : {records, ndjson}) {
    Collector sink;
    sink.stop_after = 2;
    ReadStats stats;
    EXPECT_FALSE(ReadFile(path, {}, &sink, &stats));
    EXPECT_EQ(sink.Texts(), (std::vector<std::string>{R"({"n":0})", R"({"n":1})"}));
    EXPECT_EQ(stats.records, 2u);
  }
  {
    // Stopping in the slow path (a damaged document) works the same.
    Collector sink;
    sink.stop_after = 1;
    ReadStats stats;
    EXPECT_FALSE(ReadBuffer("[{\"n\":0},\n{\"n\":1}\n{\"n\":2}]", "x", {}, &sink, &stats));
    EXPECT_EQ(sink.records.size(), 1u);
    EXPECT_TRUE(sink.errors.empty());
  }
  {
    Collector sink;
    sink.stop_after = 3;
    ReadStats stats = ReadInputs({records, ndjson}, {}, &sink);
    EXPECT_EQ(sink.records.size(), 3u);
    EXPECT_EQ(stats.files, 1u);
  }
}

TEST(ScanReaderTest, ReadStatsAdd) {
  ReadStats a{1, 2, 3, 4, 5, 6};
  ReadStats b{10, 20, 30, 40, 50, 60};
  a += b;
  EXPECT_EQ(a.files, 11u);
  EXPECT_EQ(a.records, 22u);
  EXPECT_EQ(a.bytes, 33u);
  EXPECT_EQ(a.compressed_bytes, 44u);
  EXPECT_EQ(a.errors, 55u);
  EXPECT_EQ(a.skipped_files, 66u);
}

}  // namespace
}  // namespace vigil
