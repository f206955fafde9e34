// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Tests for util/bounded_read.h (issue 13, item 3): a file is read whole only when it
// is within the limit; a regular file is refused on its size before anything is read
// (a sparse terabyte costs nothing), a device or a pipe after the limit plus one byte;
// and the rule and --vars loaders built on it say so instead of running out of memory.
#include "util/bounded_read.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <map>
#include <vector>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "load/yaml_loader.h"
#include "inputs/scan_testing.h"
#include "vigil/vigil.h"

namespace vigil::internal {
namespace {

TEST(BoundedReadTest, ReadsAFileWithinTheLimitWholeAndExactlyAtIt) {
  vigil::testing::TempDir dir;
  const std::string path = dir.Write("f.txt", "0123456789");
  std::string out;
  int err = -1;
  EXPECT_EQ(ReadFileBounded(path, 10, &out, &err), ReadResult::kOk);
  EXPECT_EQ(out, "0123456789");
  EXPECT_EQ(err, 0);
  EXPECT_EQ(ReadFileBounded(path, 9, &out, &err), ReadResult::kTooLarge);
  EXPECT_EQ(out, "");
  const std::string empty = dir.Write("e.txt", "");
  EXPECT_EQ(ReadFileBounded(empty, 0, &out, &err), ReadResult::kOk);
  EXPECT_EQ(out, "");
}

TEST(BoundedReadTest, ASparseTerabyteIsRefusedOnItsSize) {
  vigil::testing::TempDir dir;
  const std::string path = dir.Write("sparse.yml", "");
  ASSERT_EQ(::truncate(path.c_str(), off_t{1} << 40), 0);
  std::string out = "old";
  int err = 0;
  EXPECT_EQ(ReadFileBounded(path, size_t{16} << 20, &out, &err), ReadResult::kTooLarge);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(out.capacity() < 4096, true) << "nothing of the file was read";
}

TEST(BoundedReadTest, DevZeroStopsOneBytePastTheLimit) {
  std::string out;
  int err = 0;
  EXPECT_EQ(ReadFileBounded("/dev/zero", size_t{1} << 20, &out, &err), ReadResult::kTooLarge);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(ReadFileBounded("/dev/null", 100, &out, &err), ReadResult::kOk);
  EXPECT_EQ(out, "");
}

TEST(BoundedReadTest, APipeIsReadInABoundedLoop) {
  vigil::testing::TempDir dir;
  const std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // The writer sends more than the limit, in pieces; the reader stops after limit + 1
  // and closes, and the writer's next write fails with EPIPE (ignored here).
  std::thread writer([&] {
    const int fd = ::open(fifo.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    ::signal(SIGPIPE, SIG_IGN);
    const std::string piece(1000, 'x');
    for (int i = 0; i < 300; ++i) {
      if (::write(fd, piece.data(), piece.size()) < 0) break;
    }
    ::close(fd);
  });
  std::string out;
  int err = 0;
  EXPECT_EQ(ReadFileBounded(fifo, 100000, &out, &err), ReadResult::kTooLarge);
  writer.join();
  EXPECT_TRUE(out.empty());
}

TEST(BoundedReadTest, MissingFilesAndFoldersAreErrorsWithTheirErrno) {
  vigil::testing::TempDir dir;
  std::string out;
  int err = 0;
  EXPECT_EQ(ReadFileBounded(dir.path() + "/nope", 10, &out, &err), ReadResult::kCannotOpen);
  EXPECT_EQ(err, ENOENT);
  EXPECT_EQ(ReadFileBounded(dir.path(), 10, &out, &err), ReadResult::kReadError);
  EXPECT_EQ(err, EISDIR);
  EXPECT_EQ(ReadResultMessage(ReadResult::kTooLarge, 0, 16), "larger than the limit of 16 bytes");
  EXPECT_EQ(ReadResultMessage(ReadResult::kCannotOpen, ENOENT, 16),
            "cannot open: No such file or directory");
}

// The loaders: a rule path or --vars file that is /dev/zero or a sparse terabyte is an
// error that names the limit (before: read until memory ran out).
TEST(BoundedReadTest, Issue13RuleAndVarsFilesLargerThanTheLimitAreErrors) {
  vigil::testing::TempDir dir;
  const std::string sparse = dir.Write("sparse.yml", "");
  ASSERT_EQ(::truncate(sparse.c_str(), off_t{1} << 40), 0);
  for (const std::string& path : {std::string("/dev/zero"), sparse}) {
    RuleSetBuilder b;
    b.AddPath(path);
    auto rules = b.Build();
    EXPECT_EQ(rules->size(), 0u);
    ASSERT_EQ(rules->diagnostics().size(), 1u) << path;
    EXPECT_EQ(rules->diagnostics()[0].ToString(), path + ": error: rule file is larger than 16777216 bytes");
    std::map<std::string, std::vector<std::string>> vars;
    const Status s = LoadPlaceholderFile(path, &vars);
    EXPECT_FALSE(s.ok());
    EXPECT_EQ(s.message(), path + ": vars file is larger than 16777216 bytes");
  }
  // Exactly at the limit a rule file is still read (and here fails as YAML, not on size).
  const std::string at_limit = dir.Write("limit.yml", std::string(kMaxRuleFileBytes, ' '));
  RuleSetBuilder b;
  b.AddPath(at_limit);
  auto rules = b.Build();
  for (const auto& d : rules->diagnostics()) EXPECT_EQ(d.message.find("larger than"), std::string::npos);
}

}  // namespace
}  // namespace vigil::internal
