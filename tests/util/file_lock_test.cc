// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// FileLock (the lock `vigil scan --baseline` holds) and the delivery time read from a
// CloudTrail file name (the reference of the time-outlier horizon).

#include "util/file_lock.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "inputs/scan_testing.h"
#include "util/timeparts.h"

namespace vigil::internal {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(FileLockTest, CreatesAMissingFileWholeThenExcludesOthers) {
  testing::TempDir dir;
  const std::string path = dir.path() + "/b.jsonl";
  std::string error;
  FileLock first;
  ASSERT_EQ(first.Acquire(path, "initial\n", &error), FileLock::Result::kLocked) << error;
  EXPECT_EQ(ReadAll(path), "initial\n");
  size_t files = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path())) files += e.is_regular_file();
  EXPECT_EQ(files, 1u);  // no temporary file left
  {
    // flock locks belong to an open file: a second open in this process is excluded too.
    FileLock second;
    EXPECT_EQ(second.Acquire(path, "other\n", &error), FileLock::Result::kBusy);
    EXPECT_EQ(error, path + " is in use by another scan (it holds an exclusive lock on it until it ends)");
    EXPECT_EQ(ReadAll(path), "initial\n");
  }
}

TEST(FileLockTest, AFileReplacedByRenameIsLockedAnew) {
  // The holder saved (renamed a new file over the path) and has not exited yet: the
  // next run locks the new file, not the old inode the holder still has.
  testing::TempDir dir;
  const std::string path = dir.path() + "/b.jsonl";
  std::string error;
  FileLock holder;
  ASSERT_EQ(holder.Acquire(path, "old\n", &error), FileLock::Result::kLocked);
  std::ofstream(dir.path() + "/new") << "new\n";
  ASSERT_EQ(std::rename((dir.path() + "/new").c_str(), path.c_str()), 0);
  FileLock next;
  EXPECT_EQ(next.Acquire(path, "", &error), FileLock::Result::kLocked) << error;
  FileLock third;
  EXPECT_EQ(third.Acquire(path, "", &error), FileLock::Result::kBusy);
}

TEST(FileLockTest, UncreatableAndDanglingPaths) {
  testing::TempDir dir;
  std::string error;
  FileLock a;
  // Nobody, root included, creates files in /proc/self/.
  EXPECT_EQ(a.Acquire("/proc/self/vigil-lock-test", "x", &error), FileLock::Result::kNoFile);
  EXPECT_EQ(error.rfind("cannot create /proc/self/vigil-lock-test: ", 0), 0u) << error;
  const std::string link = dir.path() + "/dangling";
  ASSERT_EQ(symlink("missing/target", link.c_str()), 0);
  FileLock b;
  EXPECT_EQ(b.Acquire(link, "x", &error), FileLock::Result::kError);
  EXPECT_EQ(error, "cannot use " + link +
                       ": it is a symbolic link to a missing file (refused: create the target, or remove the link)");
  EXPECT_TRUE(std::filesystem::is_symlink(link));
}

TEST(DeliveryTimeTest, FromCloudTrailFileNames) {
  int64_t ms = 0;
  EXPECT_TRUE(DeliveryTimeFromFileName(
      "AWSLogs/1/CloudTrail/us-east-1/2024/01/01/111122223333_CloudTrail_us-east-1_20240101T0005Z_abcDEF.json.gz", &ms));
  EXPECT_EQ(ms, 1704067500000);  // 2024-01-01T00:05:00Z
  EXPECT_TRUE(DeliveryTimeFromFileName("x_20240229T2359Z_y", &ms));
  EXPECT_EQ(ms, 1709251140000);
  ms = 7;
  for (const char* bad : {"events.jsonl", "", "1_CloudTrail_us-east-1_20241301T0000Z_a.json.gz",
                          "1_CloudTrail_us-east-1_20230229T0000Z_a.json.gz", "1_CloudTrail_x_20240101T2400Z_a",
                          "1_CloudTrail_x_2024010lT0000Z_a", "1_CloudTrail_x_20240101T0000Z",
                          "dir_20240101T0000Z_/events.jsonl"}) {
    EXPECT_FALSE(DeliveryTimeFromFileName(bad, &ms)) << bad;
  }
  EXPECT_EQ(ms, 7);
}

}  // namespace
}  // namespace vigil::internal
