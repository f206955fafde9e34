// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for folder walking (ExpandInputs in scan/input.cc) and for ReadInputs over a
// folder: sorted deterministic order, CloudTrail-Digest folders, hidden files and
// folders, symbolic-link loops, dangling links, a folder named like a file, paths
// named twice, FIFOs, and CloudTrail files of several regions read in delivery-time
// order. The tests run as root, so an unreadable input is made with a
// dangling link or a folder where a file is expected, not with chmod.
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "inputs/scan_testing.h"
#include "vigil/input.h"

namespace vigil {
namespace {

using testing::Gzip;

namespace fs = std::filesystem;

constexpr char kLoop[] = "symbolic link loop: the folder contains itself; not followed";
constexpr char kDangling[] = "broken symbolic link (its target does not exist)";

class Collector : public RecordSink {
 public:
  bool OnRecord(const Record& r) override {
    records.push_back(*r.file + "#" + std::to_string(r.index) + " " + std::string(r.json));
    return true;
  }
  void OnError(const InputError& e) override { errors.push_back(e.file + ": " + e.message); }
  std::vector<std::string> records;
  std::vector<std::string> errors;
};

class ScanExpandInputsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "vigil_walk_XXXXXX").string();
    root_ = mkdtemp(pattern.data());
    Write("a.json", R"({"Records":[{"eventName":"A"}]})");
    Write("b/c.json.gz", Gzip(R"([{"eventName":"C"}])"));
    Write("b/d.ndjson", "{\"eventName\":\"D1\"}\n{\"eventName\":\"D2\"}\n");
    Write("b/.hidden.json", R"({"eventName":"Hidden"})");
    Write("b/.git/x.json", R"({"eventName":"InGit"})");
    Write("AWSLogs/123/CloudTrail/us-east-1/2024/01/01/log.json.gz",
          Gzip(R"({"Records":[{"eventName":"Log"}]})"));
    Write("AWSLogs/123/CloudTrail-Digest/us-east-1/2024/01/01/digest.json.gz",
          Gzip(R"({"awsAccountId":"123","logFiles":[]})"));
    Write("dir.json/e.json", R"({"eventName":"E"})");
    Write("z_noext", "{\"eventName\":\"Z\"}\n");
    fs::create_directory_symlink(".", Path("loop"));      // the folder itself
    fs::create_directory_symlink("..", Path("b/back"));   // an ancestor
    fs::create_symlink("nowhere.json", Path("dangling"));
    fs::create_directory_symlink("b", Path("link_to_b"));  // already walked
    fs::create_symlink("a.json", Path("file_link.json"));  // same file as a.json
    ASSERT_EQ(mkfifo(Path("fifo").c_str(), 0600), 0);
  }
  void TearDown() override { fs::remove_all(root_); }

  std::string Path(const std::string& rel) const { return root_ + "/" + rel; }
  void Write(const std::string& rel, const std::string& content) {
    fs::create_directories(fs::path(Path(rel)).parent_path());
    std::ofstream(Path(rel), std::ios::binary) << content;
  }

  std::string root_;
};

TEST_F(ScanExpandInputsTest, WalksSortedAndSkipsWhatIsNotALog) {
  Collector sink;
  ReadStats stats;
  std::vector<std::string> files = ExpandInputs({root_}, &sink, &stats);
  EXPECT_EQ(files, (std::vector<std::string>{
                       Path("AWSLogs/123/CloudTrail/us-east-1/2024/01/01/log.json.gz"),
                       Path("a.json"),
                       Path("b/c.json.gz"),
                       Path("b/d.ndjson"),
                       Path("dir.json/e.json"),
                       Path("z_noext"),
                   }));
  EXPECT_EQ(sink.errors, (std::vector<std::string>{
                             Path("b/back") + ": " + kLoop,
                             Path("dangling") + ": " + kDangling,
                             Path("loop") + ": " + kLoop,
                         }));
  // The digest, the hidden file and the FIFO; the hidden folder is not entered.
  EXPECT_EQ(stats.skipped_files, 3u);
  EXPECT_EQ(stats.errors, 3u);
  EXPECT_EQ(stats.files, 0u);
  EXPECT_TRUE(sink.records.empty());

  // Same answer on a second run: nothing depends on directory order.
  Collector again;
  EXPECT_EQ(ExpandInputs({root_ + "/"}, &again, nullptr).size(), files.size());
}

TEST_F(ScanExpandInputsTest, ExplicitInputs) {
  Collector sink;
  ReadStats stats;
  std::vector<std::string> files =
      ExpandInputs({"-", Path("missing.json"), Path("a.json"), Path("file_link.json"),
                    Path("b/.hidden.json"), Path("AWSLogs/123/CloudTrail-Digest"), Path("b"),
                    Path("link_to_b")},
                   &sink, &stats);
  // Files named explicitly are read as they are (even hidden), once each; a digest
  // folder given explicitly is still a digest folder.
  EXPECT_EQ(files, (std::vector<std::string>{"-", Path("a.json"), Path("b/.hidden.json"),
                                             Path("b/c.json.gz"), Path("b/d.ndjson")}));
  EXPECT_EQ(sink.errors,
            (std::vector<std::string>{
                Path("missing.json") + ": cannot access: No such file or directory",
                Path("b/back") + ": " + kLoop,
            }));
  EXPECT_EQ(stats.skipped_files, 2u);  // the digest, and b/.hidden.json inside b
}

TEST_F(ScanExpandInputsTest, ReadInputsOverAFolder) {
  Collector sink;
  ReadStats stats = ReadInputs({root_}, {}, &sink);
  EXPECT_EQ(sink.records,
            (std::vector<std::string>{
                Path("AWSLogs/123/CloudTrail/us-east-1/2024/01/01/log.json.gz") +
                    "#0 {\"eventName\":\"Log\"}",
                Path("a.json") + "#0 {\"eventName\":\"A\"}",
                Path("b/c.json.gz") + "#0 {\"eventName\":\"C\"}",
                Path("b/d.ndjson") + "#0 {\"eventName\":\"D1\"}",
                Path("b/d.ndjson") + "#1 {\"eventName\":\"D2\"}",
                Path("dir.json/e.json") + "#0 {\"eventName\":\"E\"}",
                Path("z_noext") + "#0 {\"eventName\":\"Z\"}",
            }));
  EXPECT_EQ(stats.files, 6u);
  EXPECT_EQ(stats.records, 7u);
  EXPECT_EQ(stats.errors, 3u);
  EXPECT_EQ(stats.skipped_files, 3u);
  EXPECT_GT(stats.compressed_bytes, 0u);
}

TEST_F(ScanExpandInputsTest, UnreadablePathsDoNotStopTheOthers) {
  Collector sink;
  ReadStats stats = ReadInputs(
      {Path("dangling"), Path("a.json"), Path("nope/x.json"), Path("z_noext")}, {}, &sink);
  EXPECT_EQ(sink.records, (std::vector<std::string>{Path("a.json") + "#0 {\"eventName\":\"A\"}",
                                                    Path("z_noext") + "#0 {\"eventName\":\"Z\"}"}));
  EXPECT_EQ(sink.errors,
            (std::vector<std::string>{
                Path("dangling") + ": " + kDangling,
                Path("nope/x.json") + ": cannot access: No such file or directory",
            }));
  EXPECT_EQ(stats.files, 2u);
  EXPECT_EQ(stats.errors, 2u);
  // ReadFile on a folder where a file is expected.
  Collector direct;
  ReadStats direct_stats;
  EXPECT_TRUE(ReadFile(Path("dir.json"), {}, &direct, &direct_stats));
  EXPECT_EQ(direct.errors,
            (std::vector<std::string>{Path("dir.json") + ": cannot read: is a directory"}));
}

// An S3 CloudTrail export of two regions: a name-order walk reads all of eu-west-1,
// then all of us-east-1 (whose first file is from the day before); read in delivery
// time the regions interleave. Files without a delivery time in their name keep the
// place the walk gave them.
class ScanDeliveryOrderTest : public ScanExpandInputsTest {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "vigil_order_XXXXXX").string();
    root_ = mkdtemp(pattern.data());
    Write("0_first.json", R"({"eventName":"First"})");
    Write(Eu("20240101T0010Z_bbbb.json.gz"), Records("Eu0010"));
    Write(Eu("20240101T0020Z_aaaa.json.gz"), Records("Eu0020"));
    Write(kEuDay + "notes.json", R"({"eventName":"Notes"})");
    Write(kUsDayBefore + "111_CloudTrail_us-east-1_20231231T2355Z_zzzz.json.gz",
          Records("Us2355"));
    Write(Us("20240101T0005Z_xxxx.json.gz"), Records("Us0005"));
    Write(Us("20240101T0015Z_yyyy.json.gz"), Records("Us0015"));
    Write(Us("20240101T0020Z_aaaa.json.gz"), Records("Us0020"));  // a tie
    Write(Us("20240101T00X5Z_bad.json"), R"({"eventName":"NotATime"})");
    Write(Us("20240101T0030Z.json"), R"({"eventName":"NoUnderscoreAfter"})");
    Write("AWSLogs/111/CloudTrail-Digest/us-east-1/2024/01/01/"
          "111_CloudTrail-Digest_us-east-1_trail_us-east-1_20240101T000000Z.json.gz",
          Gzip(R"({"awsAccountId":"111","logFiles":[]})"));
    Write("export.ndjson", "{\"eventName\":\"Export\"}\n");
  }

  static std::string Records(const std::string& name) {
    return Gzip(R"({"Records":[{"eventName":")" + name + R"("}]})");
  }
  static std::string Eu(const std::string& tail) {
    return kEuDay + "111_CloudTrail_eu-west-1_" + tail;
  }
  static std::string Us(const std::string& tail) {
    return kUsDay + "111_CloudTrail_us-east-1_" + tail;
  }

  static inline const std::string kEuDay = "AWSLogs/111/CloudTrail/eu-west-1/2024/01/01/";
  static inline const std::string kUsDay = "AWSLogs/111/CloudTrail/us-east-1/2024/01/01/";
  static inline const std::string kUsDayBefore = "AWSLogs/111/CloudTrail/us-east-1/2023/12/31/";
};

TEST_F(ScanDeliveryOrderTest, RegionsInterleaveByDeliveryTime) {
  Collector sink;
  ReadStats stats = ReadInputs({root_}, {}, &sink);
  // Walk order: First, Eu0010, Eu0020, Notes, Us2355, Us0005, Us0015, Us0020,
  // NoUnderscoreAfter, NotATime, Export. The six timed files are sorted in the six
  // slots they held; the five others stay where they were.
  EXPECT_EQ(sink.records,
            (std::vector<std::string>{
                Path("0_first.json") + "#0 {\"eventName\":\"First\"}",
                Path(kUsDayBefore + "111_CloudTrail_us-east-1_20231231T2355Z_zzzz.json.gz") +
                    "#0 {\"eventName\":\"Us2355\"}",
                Path(Us("20240101T0005Z_xxxx.json.gz")) + "#0 {\"eventName\":\"Us0005\"}",
                Path(kEuDay + "notes.json") + "#0 {\"eventName\":\"Notes\"}",
                Path(Eu("20240101T0010Z_bbbb.json.gz")) + "#0 {\"eventName\":\"Eu0010\"}",
                Path(Us("20240101T0015Z_yyyy.json.gz")) + "#0 {\"eventName\":\"Us0015\"}",
                // Equal times: eu-west-1 before us-east-1, as walked.
                Path(Eu("20240101T0020Z_aaaa.json.gz")) + "#0 {\"eventName\":\"Eu0020\"}",
                Path(Us("20240101T0020Z_aaaa.json.gz")) + "#0 {\"eventName\":\"Us0020\"}",
                Path(Us("20240101T0030Z.json")) + "#0 {\"eventName\":\"NoUnderscoreAfter\"}",
                Path(Us("20240101T00X5Z_bad.json")) + "#0 {\"eventName\":\"NotATime\"}",
                Path("export.ndjson") + "#0 {\"eventName\":\"Export\"}",
            }));
  EXPECT_EQ(stats.files, 11u);
  EXPECT_EQ(stats.errors, 0u);
  EXPECT_EQ(stats.skipped_files, 1u);  // the digest, whose name has a time too
  EXPECT_TRUE(sink.errors.empty());
}

TEST_F(ScanDeliveryOrderTest, OnlyTheFilesOfOneFolderInputAreReordered) {
  Collector sink;
  const std::string us = Path("AWSLogs/111/CloudTrail/us-east-1");
  // Two folder inputs are not mixed, a file named explicitly stays where it is named,
  // and a folder already walked adds nothing.
  EXPECT_EQ(ExpandInputs({us, Path(Eu("20240101T0020Z_aaaa.json.gz")),
                          Path("AWSLogs/111/CloudTrail/eu-west-1"), us},
                         &sink, nullptr),
            (std::vector<std::string>{
                Path(kUsDayBefore + "111_CloudTrail_us-east-1_20231231T2355Z_zzzz.json.gz"),
                Path(Us("20240101T0005Z_xxxx.json.gz")),
                Path(Us("20240101T0015Z_yyyy.json.gz")),
                Path(Us("20240101T0020Z_aaaa.json.gz")),
                Path(Us("20240101T0030Z.json")),
                Path(Us("20240101T00X5Z_bad.json")),
                Path(Eu("20240101T0020Z_aaaa.json.gz")),
                Path(Eu("20240101T0010Z_bbbb.json.gz")),
                Path(kEuDay + "notes.json"),
            }));
  EXPECT_TRUE(sink.errors.empty());
}

}  // namespace
}  // namespace vigil
