// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// `vigil validate` as a program: exit statuses (0, 1, 2, --strict), the jsonl shape and
// the summary line, over trees built by tests/support/digest_tree.h.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "cli/cli_testing.h"
#include "inputs/scan_testing.h"
#include "support/digest_tree.h"

namespace vigil {
namespace {

using cli_testing::Sh;
using testing::DigestTree;

class CliValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    tree_ = std::make_unique<DigestTree>(dir_ + "/bucket");
    for (int h = 0; h < 2; ++h) {
      logs_.push_back(tree_->AddLog(h));
      tree_->AddDigest(h);
    }
    DigestTree::WriteKeys(dir_ + "/keys.json");
    tree_->WriteSignatures(dir_ + "/sigs.json", {tree_->digests().back()});
  }
  cli_testing::Proc Validate(const std::string& args) {
    return Sh(std::string(VIGIL_CLI_PATH) + " validate " + args);
  }

  testing::TempDir tmp_;  // removed with the fixture
  const std::string dir_ = tmp_.path();
  std::unique_ptr<DigestTree> tree_;
  std::vector<std::string> logs_;
};

TEST_F(CliValidateTest, CleanTreeExitsZero) {
  const auto r = Validate("--format jsonl --public-keys " + dir_ + "/keys.json --signatures " +
                          dir_ + "/sigs.json " + dir_ + "/bucket");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(
      r.out.find("{\"code\":\"digest-valid\",\"status\":\"ok\",\"file\":\"" + tree_->digests()[0] +
                 "\",\"account\":\"111122223333\",\"region\":\"us-east-1\","
                 "\"trail\":\"main-trail\",\"detail\":"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("vigil: 2 digests, 2 log files"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("4 ok, 0 failed, 0 unverified, 0 gaps"), std::string::npos) << r.err;
}

TEST_F(CliValidateTest, UnverifiedExitsZeroUnlessStrict) {
  const std::string args = "-f jsonl --public-keys " + dir_ + "/keys.json " + dir_ + "/bucket";
  const auto r = Validate(args);
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("\"code\":\"digest-signature-unverifiable\",\"status\":\"unverified\""),
            std::string::npos);
  EXPECT_NE(r.err.find("1 unverified"), std::string::npos) << r.err;
  EXPECT_EQ(Validate("--strict " + args).status, 1);
}

TEST_F(CliValidateTest, FailedValidationExitsOne) {
  tree_->Rewrite(logs_[0], "StopLogging", "StartLogging");
  const auto r = Validate("-f table --public-keys " + dir_ + "/keys.json --signatures " + dir_ +
                          "/sigs.json " + dir_ + "/bucket");
  EXPECT_EQ(r.status, 1);
  EXPECT_NE(r.out.find("failed      log-modified"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(logs_[0]), std::string::npos) << r.out;
}

TEST_F(CliValidateTest, BadUsageExitsTwo) {
  EXPECT_EQ(Validate("").status, 2);
  EXPECT_EQ(Validate("--start yesterday " + dir_ + "/bucket").status, 2);
  EXPECT_EQ(Validate("--public-keys " + dir_ + "/nope.json " + dir_ + "/bucket").status, 2);
  EXPECT_EQ(Validate(dir_ + "/keys.json").status, 2);  // a file, not a folder
  const auto r = Validate("--rules x " + dir_ + "/bucket");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--rules is an option of"), std::string::npos) << r.err;
}

TEST_F(CliValidateTest, StartAndEnd) {
  const auto r =
      Validate("-f jsonl --public-keys " + dir_ + "/keys.json --start " + DigestTree::Time(1, 10) +
               " --end " + DigestTree::Time(1, 20) + " " + dir_ + "/bucket");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out.find(tree_->digests()[0]), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(tree_->digests()[1]), std::string::npos) << r.out;
}

TEST_F(CliValidateTest, ScanValidateMarksMatchesByTheirLogFile) {
  testing::WriteFile(dir_ + "/rule.yml", cli_testing::kStopRule);
  tree_->Rewrite(logs_[0], "\"1.08\"", "\"1.09\"");  // still matches, no longer as listed
  const std::string common = " --rules " + dir_ + "/rule.yml -f jsonl " + dir_ + "/bucket";
  const auto r = Sh(std::string(VIGIL_CLI_PATH) + " scan --validate --public-keys " + dir_ +
                    "/keys.json --signatures " + dir_ + "/sigs.json" + common);
  EXPECT_EQ(r.status, 0) << r.err;
  const std::vector<std::string> lines = cli_testing::Lines(r.out);
  ASSERT_EQ(lines.size(), 2u) << r.out;
  EXPECT_NE(lines[0].find(logs_[0] + "\",\"log_validation\":\"failed\",\"record\":0"),
            std::string::npos)
      << lines[0];
  EXPECT_NE(lines[1].find(logs_[1] + "\",\"log_validation\":\"validated\""), std::string::npos)
      << lines[1];
  EXPECT_NE(r.err.find("1 matches from log files that failed validation, 0 from log files not "
                       "validated"),
            std::string::npos)
      << r.err;
  // Without --validate nothing changes; --public-keys alone is a usage error.
  const auto plain = Sh(std::string(VIGIL_CLI_PATH) + " scan" + common);
  EXPECT_EQ(plain.out.find("log_validation"), std::string::npos);
  EXPECT_EQ(Sh(std::string(VIGIL_CLI_PATH) + " scan --public-keys " + dir_ + "/keys.json" + common)
                .status,
            2);
}

}  // namespace
}  // namespace vigil
