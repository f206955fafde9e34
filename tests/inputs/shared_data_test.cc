// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The readers on the third-party CloudTrail data in $VIGIL_SHARED_DIR/data/cloudtrail
// (see its README.md): real delivery files, bare arrays, single objects, empty
// arrays, NDJSON, gzip, EventBridge fixtures and the deliberately broken files.
// Expected counts come from that README (event totals per source); record positions
// and texts were computed independently with Python's json.JSONDecoder.raw_decode
// over the same files, and error positions match what Python's json module reports
// for the broken ones. The files are read in place, never copied into the repository.
#include <simdjson.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vigil/input.h"

namespace vigil {
namespace {

const std::string kData = std::string(VIGIL_SHARED_DIR) + "/data/cloudtrail/";

struct Got {
  std::string json;
  uint64_t index;
  uint64_t line;
  Envelope envelope;
};

class Collector : public RecordSink {
 public:
  bool OnRecord(const Record& r) override {
    records.push_back({std::string(r.json), r.index, r.line, r.envelope});
    return true;
  }
  void OnError(const InputError& e) override { errors.push_back(e); }
  std::vector<Got> records;
  std::vector<InputError> errors;
};

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

Collector ReadOne(const std::string& rel, ReadStats* stats = nullptr) {
  Collector sink;
  ReadStats local;
  EXPECT_TRUE(ReadFile(kData + rel, {}, &sink, stats != nullptr ? stats : &local));
  return sink;
}

// Event field of a record, through simdjson, to check which event it is.
std::string Field(const std::string& json, const char* key) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view value;
  if (parser.parse(json).get(doc) || doc[key].get(value)) return "?";
  return std::string(value);
}

class ScanSharedDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kData + "README.md")) {
      GTEST_SKIP() << "no shared data at " << kData;
    }
  }
};

TEST_F(ScanSharedDataTest, InvictusDeliveryFile) {
  ReadStats stats;
  const std::string rel =
      "invictus-aws-dataset/CloudTrail/"
      "218007301253_CloudTrail_us-east-1_20230710T1145Z_7xgocspSowgK0Gto.json";
  Collector sink = ReadOne(rel, &stats);
  ASSERT_EQ(sink.records.size(), 29u);
  EXPECT_TRUE(sink.errors.empty());
  EXPECT_EQ(Field(sink.records[0].json, "eventID"), "293ba626-3be5-4a26-ab1b-0f4c54f49959");
  EXPECT_EQ(Field(sink.records[28].json, "eventID"), "b29fbfda-cd70-40c0-86d8-529d8f653638");
  for (size_t k = 0; k < 29; ++k) {
    EXPECT_EQ(sink.records[k].index, k);
    EXPECT_EQ(sink.records[k].line, 1u);  // compact: one line
    EXPECT_EQ(sink.records[k].envelope, Envelope::kRecords);
  }
  EXPECT_EQ(stats.bytes, std::filesystem::file_size(kData + rel));
}

TEST_F(ScanSharedDataTest, EventTotalsPerSourceMatchTheReadme) {
  struct Source {
    const char* folder;
    uint64_t events;
  } sources[] = {
      {"invictus-aws-dataset/CloudTrail", 2900},
      {"stratus-red-team/detonation-logs", 310},
      {"otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json", 103},
  };
  for (const Source& source : sources) {
    Collector sink;
    ReadStats stats = ReadInputs({kData + source.folder}, {}, &sink);
    EXPECT_EQ(stats.records, source.events) << source.folder;
    EXPECT_TRUE(sink.errors.empty()) << source.folder << ": " << sink.errors[0].message;
  }
}

TEST_F(ScanSharedDataTest, StratusPrettyArray) {
  const std::string rel =
      "stratus-red-team/detonation-logs/aws.credential-access.ec2-get-password-data.json";
  Collector sink = ReadOne(rel);
  ASSERT_EQ(sink.records.size(), 34u);
  EXPECT_TRUE(sink.errors.empty());
  EXPECT_EQ(sink.records[0].line, 2u);
  EXPECT_EQ(sink.records[1].line, 49u);
  EXPECT_EQ(sink.records[2].line, 96u);
  EXPECT_EQ(sink.records[33].line, 1549u);
  EXPECT_EQ(sink.records[33].index, 33u);
  EXPECT_EQ(sink.records[0].json.size(), 2859u);
  EXPECT_EQ(sink.records[0].envelope, Envelope::kNone);
  EXPECT_EQ(Field(sink.records[33].json, "eventName"), "AssumeRole");
  const std::string text = Slurp(kData + rel);
  EXPECT_EQ(sink.records[0].json, text.substr(text.find('{'), 2859));
}

TEST_F(ScanSharedDataTest, TrailDiscoverSingleObjectAndEmptyArray) {
  const std::string single = "traildiscover/logExamples/CreateSession.json.cloudtrail";
  Collector one = ReadOne(single);
  ASSERT_EQ(one.records.size(), 1u);
  EXPECT_EQ(one.records[0].json, Slurp(kData + single));  // the whole file, 2251 bytes
  EXPECT_EQ(one.records[0].json.size(), 2251u);
  EXPECT_EQ(one.records[0].line, 1u);
  EXPECT_EQ(one.records[0].envelope, Envelope::kNone);
  Collector empty = ReadOne("traildiscover/logExamples/ChangeResourceRecordSets.json.cloudtrail");
  EXPECT_TRUE(empty.records.empty());
  EXPECT_TRUE(empty.errors.empty());
}

TEST_F(ScanSharedDataTest, OtrfNdjson) {
  Collector sink =
      ReadOne("otrf-security-datasets/ec2_proxy_s3_exfiltration_2020-09-14011940.json");
  ASSERT_EQ(sink.records.size(), 103u);
  EXPECT_TRUE(sink.errors.empty());
  for (size_t k = 0; k < 103; ++k) {
    EXPECT_EQ(sink.records[k].index, k);
    EXPECT_EQ(sink.records[k].line, k + 1);
  }
  EXPECT_EQ(Field(sink.records[41].json, "eventName"), "AssumeRole");
  EXPECT_EQ(Field(sink.records[41].json, "eventID"), "1da77391-d4f7-4c3f-bc15-dcb4e5e1e4d8");
}

TEST_F(ScanSharedDataTest, ProcessingLibraryFixtures) {
  {
    // Pretty Records file: lines and texts of the six records.
    const std::string rel = "aws-cloudtrail-processing-library/SerializerTestFile.json";
    const std::string text = Slurp(kData + rel);
    Collector sink = ReadOne(rel);
    const uint64_t lines[] = {3, 31, 64, 94, 132, 178};
    const size_t begins[] = {27, 1119, 2420, 3587, 5105, 6727};
    const size_t sizes[] = {1082, 1291, 1157, 1508, 1612, 1819};
    ASSERT_EQ(sink.records.size(), 6u);
    for (size_t k = 0; k < 6; ++k) {
      EXPECT_EQ(sink.records[k].line, lines[k]);
      EXPECT_EQ(sink.records[k].json, text.substr(begins[k], sizes[k]));
      EXPECT_EQ(sink.records[k].envelope, Envelope::kRecords);
    }
  }
  {
    // The .json.gz holds the same bytes as the compact .json.
    ReadStats stats;
    Collector gz =
        ReadOne("aws-cloudtrail-processing-library/SerializerTestFileCompact.json.gz", &stats);
    Collector plain = ReadOne("aws-cloudtrail-processing-library/SerializerTestFileCompact.json");
    ASSERT_EQ(gz.records.size(), 6u);
    ASSERT_EQ(plain.records.size(), 6u);
    for (size_t k = 0; k < 6; ++k) EXPECT_EQ(gz.records[k].json, plain.records[k].json);
    EXPECT_EQ(Field(gz.records[5].json, "eventVersion"), "1.6");
    EXPECT_EQ(stats.compressed_bytes, 904u);
    EXPECT_EQ(stats.bytes, 4769u);
  }
  {
    // A '}' is missing at line 12, so record 0 runs on until a '{' appears where a
    // key must be: Python says "line 37 column 9 (char 1293)".
    ReadStats stats;
    Collector sink =
        ReadOne("aws-cloudtrail-processing-library/SerializerTestFileBadJsonFormat.json", &stats);
    EXPECT_TRUE(sink.records.empty());
    ASSERT_EQ(sink.errors.size(), 2u);
    EXPECT_EQ(sink.errors[0].line, 37u);
    EXPECT_EQ(sink.errors[0].byte_offset, 1293u);
    EXPECT_EQ(sink.errors[0].index, 0u);
    EXPECT_EQ(sink.errors[0].message, "invalid JSON: expected a string (an object key)");
    // The pretty-printed rest cannot be recovered line by line: said, not dropped.
    EXPECT_EQ(sink.errors[1].line, 38u);
    EXPECT_EQ(sink.errors[1].message,
              "lines 38 to 74 after the damage could not be recovered (not one complete JSON object per line)");
    EXPECT_EQ(stats.errors, 2u);
  }
}

TEST_F(ScanSharedDataTest, MalformedCloudtrail2SightingsKeepsTheRecordBeforeTheDamage) {
  // A ',' is missing between record 0 and record 1: Python says "line 112 column 1
  // (char 3327)".
  const std::string rel = "cloudtrail2sightings/extracted/aws.execution.ec2-user-data.json";
  const std::string text = Slurp(kData + rel);
  Collector sink = ReadOne(rel);
  ASSERT_EQ(sink.records.size(), 1u);
  EXPECT_EQ(sink.records[0].json, text.substr(21, 3326 - 21));
  EXPECT_EQ(sink.records[0].line, 3u);
  EXPECT_EQ(Field(sink.records[0].json, "eventName"), "StopInstances");
  ASSERT_EQ(sink.errors.size(), 2u);
  EXPECT_EQ(sink.errors[0].line, 112u);
  EXPECT_EQ(sink.errors[0].byte_offset, 3327u);
  EXPECT_EQ(sink.errors[0].index, 1u);
  EXPECT_EQ(sink.errors[0].message, "invalid JSON: expected ',' or ']' after an array element");
  EXPECT_EQ(sink.errors[1].line, 113u);
  EXPECT_EQ(sink.errors[1].message,
            "lines 113 to 307 after the damage could not be recovered (not one complete JSON object per line)");
}

TEST_F(ScanSharedDataTest, StreamAlertEnvelopes) {
  // The fixtures' `data` holds CloudTrail as a raw event, a Records file or an
  // EventBridge event. Written out as NDJSON, each must come back unwrapped.
  std::ifstream in(kData + "streamalert/streamalert_cloudtrail_rule_tests.jsonl");
  std::string line;
  std::string ndjson;
  std::vector<Got> want;
  simdjson::dom::parser parser;
  uint64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    simdjson::dom::element data;
    ASSERT_EQ(parser.parse(line)["data"].get(data), simdjson::SUCCESS);
    ndjson += simdjson::minify(data) + "\n";
    simdjson::dom::object detail;
    simdjson::dom::array records;
    const uint64_t index = want.size();
    const bool event_bridge = data["detail-type"].error() == simdjson::SUCCESS &&
                              data["detail"].get(detail) == simdjson::SUCCESS;
    if (event_bridge) {
      want.push_back({simdjson::minify(detail), index, line_no, Envelope::kEventBridge});
    } else if (data["Records"].get(records) == simdjson::SUCCESS) {
      for (simdjson::dom::element r : records) {
        want.push_back({simdjson::minify(r), want.size(), line_no, Envelope::kRecords});
      }
    } else {
      want.push_back({simdjson::minify(data), index, line_no, Envelope::kNone});
    }
  }
  std::string pattern = (std::filesystem::temp_directory_path() / "vigil_shared_XXXXXX").string();
  const std::string dir = mkdtemp(pattern.data());
  const std::string path = dir + "/streamalert_data.jsonl";
  std::ofstream(path, std::ios::binary) << ndjson;
  Collector sink;
  ReadStats stats;
  EXPECT_TRUE(ReadFile(path, {}, &sink, &stats));
  std::filesystem::remove_all(dir);

  ASSERT_EQ(want.size(), 59u);
  ASSERT_EQ(sink.records.size(), want.size());
  int event_bridge = 0;
  for (size_t k = 0; k < want.size(); ++k) {
    EXPECT_EQ(sink.records[k].json, want[k].json);
    EXPECT_EQ(sink.records[k].index, want[k].index);
    EXPECT_EQ(sink.records[k].line, want[k].line);
    EXPECT_EQ(sink.records[k].envelope, want[k].envelope);
    if (sink.records[k].envelope == Envelope::kEventBridge) ++event_bridge;
  }
  EXPECT_EQ(event_bridge, 15);
  EXPECT_TRUE(sink.errors.empty());
}

}  // namespace
}  // namespace vigil
