// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// vigil::Validate (include/vigil/validate.h, src/audit/) over digest trees built
// in-process (tests/support/digest_tree.h): each finding code on a case of its own,
// asserting codes, files and counts.

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "audit/crypto.h"
#include "inputs/scan_testing.h"
#include "support/digest_tree.h"
#include "util/timeparts.h"
#include "vigil/validate.h"

namespace vigil {
namespace {

using testing::DigestOptions;
using testing::DigestTree;
using testing::Layout;

DigestOptions Restart() {
  DigestOptions o;
  o.restart = true;
  return o;
}
DigestOptions Backfill() {
  DigestOptions o;
  o.backfill = true;
  return o;
}
DigestOptions SignedBy(EVP_PKEY* key) {
  DigestOptions o;
  o.key = key;
  return o;
}
DigestOptions After(const std::string& previous) {
  DigestOptions o;
  o.previous = previous;
  return o;
}

class ValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(root_);
    DigestTree::WriteKeys(keys_);
  }

  // Hours 0..hours-1, two log files each, a digest per hour.
  void Build(DigestTree* t, int hours) {
    for (int h = 0; h < hours; ++h) {
      logs_.push_back(t->AddLog(h, 0));
      logs_.push_back(t->AddLog(h, 1));
      t->AddDigest(h);
    }
  }

  ValidationReport Run(bool keys = true, bool sigs = false, std::string path = "") {
    ValidateOptions o;
    o.whole_file_bytes = whole_file_bytes_;
    if (keys) o.public_keys = keys_;
    if (sigs) o.signatures = sigs_;
    o.start_ms = start_;
    o.end_ms = end_;
    Result<ValidationReport> r = Validate({path.empty() ? root_ : path}, o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? std::move(r).value() : ValidationReport();
  }

  // "code file" of each finding that is not a plain success.
  static std::vector<std::string> Problems(const ValidationReport& r) {
    std::vector<std::string> out;
    for (const auto& f : r.findings) {
      if (f.status != ValidationStatus::kOk) out.push_back(f.code + " " + f.file);
    }
    return out;
  }

  static const ValidationFinding* Find(const ValidationReport& r, const std::string& code) {
    for (const auto& f : r.findings) {
      if (f.code == code) return &f;
    }
    return nullptr;
  }

  testing::TempDir tmp_;  // removed with the fixture
  const std::string dir_ = tmp_.path(), root_ = dir_ + "/bucket", keys_ = dir_ + "/keys.json",
                    sigs_ = dir_ + "/signatures.json";
  std::vector<std::string> logs_;
  int64_t start_ = INT64_MIN, end_ = INT64_MAX;
  uint64_t whole_file_bytes_ = ValidateOptions().whole_file_bytes;
};

TEST_F(ValidateTest, UntouchedTreeIsValidEndToEnd) {
  DigestTree t(root_);
  Build(&t, 3);
  t.WriteSignatures(sigs_, {t.digests().back()});
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{});
  EXPECT_EQ(r.Count("digest-valid"), 3u);
  EXPECT_EQ(r.Count("log-valid"), 6u);
  EXPECT_EQ(r.findings.size(), 9u);
  EXPECT_FALSE(r.Failed(/*strict=*/true));
  EXPECT_EQ(r.digests, 3u);
  EXPECT_EQ(r.log_files, 6u);
  EXPECT_EQ(r.VerdictOf(t.PathOf(logs_[0])), LogVerdict::kValidated);
  EXPECT_EQ(r.VerdictOf(dir_ + "/elsewhere.json.gz"), LogVerdict::kNotCovered);
  const ValidationFinding* f = Find(r, "digest-valid");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->file, t.digests()[0]);
  EXPECT_EQ(f->account, "111122223333");
  EXPECT_EQ(f->region, "us-east-1");
  EXPECT_EQ(f->trail, "main-trail");
  // A log finding names the digest that lists it.
  const ValidationFinding* log = Find(r, "log-valid");
  ASSERT_NE(log, nullptr);
  EXPECT_EQ(log->file, logs_[0]);
  EXPECT_EQ(log->digest, t.digests()[0]);
}

TEST_F(ValidateTest, NewestDigestWithoutSignatureIsUnverifiable) {
  DigestTree t(root_);
  Build(&t, 3);
  const ValidationReport r = Run(true, false);
  EXPECT_EQ(Problems(r),
            std::vector<std::string>{"digest-signature-unverifiable " + t.digests()[2]});
  EXPECT_EQ(r.Count("digest-valid"), 2u);
  EXPECT_FALSE(r.Failed());
  EXPECT_TRUE(r.Failed(/*strict=*/true));
  // The newest hour's logs match their digest, which itself is not verified.
  EXPECT_EQ(r.VerdictOf(t.PathOf(logs_[4])), LogVerdict::kUnverified);
  EXPECT_EQ(r.VerdictOf(t.PathOf(logs_[0])), LogVerdict::kValidated);
}

TEST_F(ValidateTest, WithoutKeysNoSignatureIsVerified) {
  DigestTree t(root_);
  Build(&t, 2);
  const ValidationReport r = Run(false, false);
  EXPECT_EQ(r.Count("digest-signature-unverifiable"), 2u);
  EXPECT_EQ(r.Count("log-valid"), 4u);
  EXPECT_EQ(r.Count(ValidationStatus::kFailed), 0u);
}

TEST_F(ValidateTest, LogModified) {
  DigestTree t(root_);
  Build(&t, 2);
  t.Rewrite(logs_[1], "StopLogging", "StartLogging");
  const ValidationReport r = Run();
  EXPECT_EQ(r.Count("log-modified"), 1u);
  EXPECT_EQ(Find(r, "log-modified")->file, logs_[1]);
  EXPECT_EQ(Find(r, "log-modified")->digest, t.digests()[0]);
  EXPECT_TRUE(r.Failed());
  EXPECT_EQ(r.VerdictOf(t.PathOf(logs_[1])), LogVerdict::kFailed);
  EXPECT_EQ(r.Count("log-valid"), 3u);
}

TEST_F(ValidateTest, LogDeleted) {
  DigestTree t(root_);
  Build(&t, 2);
  std::filesystem::remove(t.PathOf(logs_[2]));
  const ValidationReport r = Run();
  EXPECT_EQ(Problems(r),
            (std::vector<std::string>{"digest-signature-unverifiable " + t.digests()[1],
                                      "log-missing " + logs_[2]}));
  EXPECT_EQ(r.VerdictOf(t.PathOf(logs_[2])), LogVerdict::kFailed);
}

TEST_F(ValidateTest, LogAdded) {
  DigestTree t(root_);
  Build(&t, 2);
  const std::string added = t.AddUnlistedLog(1);
  t.WriteSignatures(sigs_, {t.digests().back()});
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{"log-unlisted " + added});
  EXPECT_EQ(Find(r, "log-unlisted")->status, ValidationStatus::kUnverified);
  EXPECT_EQ(Find(r, "log-unlisted")->account, "111122223333");
  EXPECT_EQ(r.VerdictOf(t.PathOf(added)), LogVerdict::kUnverified);
  EXPECT_FALSE(r.Failed());
}

TEST_F(ValidateTest, DigestModified) {
  DigestTree t(root_);
  Build(&t, 3);
  t.WriteSignatures(sigs_, {t.digests().back()});
  // The middle digest now lists a different hash for its first log file.
  t.Rewrite(t.digests()[1], "\"hashAlgorithm\"", "\"hashAlgorithm\" ");
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{"digest-modified " + t.digests()[1]});
  EXPECT_TRUE(r.Failed());
  // Its log files still hash as it lists them, but it is no evidence.
  EXPECT_EQ(r.VerdictOf(t.PathOf(logs_[2])), LogVerdict::kFailed);
  EXPECT_EQ(r.VerdictOf(t.PathOf(logs_[0])), LogVerdict::kValidated);
}

TEST_F(ValidateTest, DigestDeletedLeavesMissingDigestAndGap) {
  DigestTree t(root_);
  Build(&t, 3);
  t.WriteSignatures(sigs_, {t.digests().back()});
  std::filesystem::remove(t.PathOf(t.digests()[1]));
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r),
            (std::vector<std::string>{"digest-signature-unverifiable " + t.digests()[0],
                                      "digest-missing " + t.digests()[1], "gap ",
                                      "log-unlisted " + logs_[2], "log-unlisted " + logs_[3]}));
  const ValidationFinding* gap = Find(r, "gap");
  EXPECT_EQ(gap->start, DigestTree::Time(1));
  EXPECT_EQ(gap->end, DigestTree::Time(2));
  EXPECT_NE(gap->reason.find("deleted"), std::string::npos) << gap->reason;
}

TEST_F(ValidateTest, ACopyStartingMidChainHasAGapNotAFailure) {
  DigestTree t(root_);
  Build(&t, 3);
  t.WriteSignatures(sigs_, {t.digests().back()});
  std::filesystem::remove(t.PathOf(t.digests()[0]));
  std::filesystem::remove(t.PathOf(logs_[0]));
  std::filesystem::remove(t.PathOf(logs_[1]));
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{"gap "});
  const ValidationFinding* gap = Find(r, "gap");
  EXPECT_EQ(gap->start, "");
  EXPECT_EQ(gap->end, DigestTree::Time(1));
  EXPECT_NE(gap->reason.find("not copied, or deleted"), std::string::npos) << gap->reason;
  EXPECT_FALSE(r.Failed(/*strict=*/true));
}

TEST_F(ValidateTest, ChainReorderedOrSpliced) {
  DigestTree t(root_);
  t.AddLog(0);
  const std::string d0 = t.AddDigest(0);
  t.AddLog(2);
  const std::string d2 = t.AddDigest(2, Restart());
  t.AddLog(1);
  // Hour 1's digest names the later hour 2 digest as its previous one.
  const std::string d1 = t.AddDigest(1, After(d2));
  t.WriteSignatures(sigs_, {d1});
  const ValidationReport r = Run(true, true);
  ASSERT_EQ(r.Count("chain-broken"), 1u);
  const ValidationFinding* f = Find(r, "chain-broken");
  EXPECT_EQ(f->file, d1);
  EXPECT_EQ(f->digest, d2);
  EXPECT_NE(f->detail.find("reordered"), std::string::npos) << f->detail;
  EXPECT_TRUE(r.Failed());
}

TEST_F(ValidateTest, ChainSkippingADigestIsBroken) {
  DigestTree t(root_);
  const std::string d0 = t.AddDigest(0);
  const std::string d1 = t.AddDigest(1);
  const std::string d2 = t.AddDigest(2, After(d0));
  t.WriteSignatures(sigs_, {d2});
  const ValidationReport r = Run(true, true);
  // d0 is d1's previous digest, as the chain says; d2 also names it, skipping d1.
  EXPECT_EQ(Problems(r), (std::vector<std::string>{"digest-signature-unverifiable " + d1,
                                                   "chain-broken " + d2}));
  EXPECT_EQ(Find(r, "chain-broken")->digest, d0);
}

TEST_F(ValidateTest, WrongKeySignatureInvalid) {
  DigestTree t(root_);
  Build(&t, 2);
  t.WriteSignatures(sigs_, {t.digests().back()});
  DigestTree::WriteKeys(keys_, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z",
                        testing::OtherTestKey(), testing::kTestFingerprint);
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), (std::vector<std::string>{"digest-signature-invalid " + t.digests()[0],
                                                   "digest-signature-invalid " + t.digests()[1]}));
  EXPECT_EQ(r.VerdictOf(t.PathOf(logs_[0])), LogVerdict::kFailed);
}

TEST_F(ValidateTest, SignedByAnotherKeyInTheTree) {
  DigestTree t(root_);
  t.AddDigest(0);
  t.AddDigest(1, SignedBy(testing::OtherTestKey()));
  t.WriteSignatures(sigs_, {t.digests().back()});
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{"digest-signature-invalid " + t.digests()[1]});
}

TEST_F(ValidateTest, KeyInSubjectPublicKeyInfoFormIsTaken) {
  DigestTree t(root_);
  Build(&t, 2);
  t.WriteSignatures(sigs_, {t.digests().back()});
  DigestTree::WriteKeys(keys_, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", nullptr,
                        testing::kTestFingerprint, /*x509=*/true);
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{});
  EXPECT_EQ(r.Count("digest-valid"), 2u);
}

TEST_F(ValidateTest, SwappedDigestsAreMovedAndBreakTheChain) {
  DigestTree t(root_);
  Build(&t, 4);
  t.WriteSignatures(sigs_, {t.digests().back()});
  const std::string a = testing::ReadFile(t.PathOf(t.digests()[1]));
  testing::WriteFile(t.PathOf(t.digests()[1]), testing::ReadFile(t.PathOf(t.digests()[2])));
  testing::WriteFile(t.PathOf(t.digests()[2]), a);
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(r.Count("digest-moved"), 2u);
  EXPECT_EQ(r.Count("digest-missing"), 0u);  // the files are there, holding other digests
  ASSERT_EQ(r.Count("chain-broken"), 1u);
  EXPECT_EQ(Find(r, "chain-broken")->file, t.digests()[3]);
  EXPECT_EQ(Find(r, "chain-broken")->digest, t.digests()[2]);
  EXPECT_TRUE(r.Failed());
}

TEST_F(ValidateTest, UnknownFingerprint) {
  DigestTree t(root_);
  Build(&t, 2);
  DigestTree::WriteKeys(keys_, "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z", nullptr,
                        testing::kOtherFingerprint);
  const ValidationReport r = Run();
  EXPECT_EQ(r.Count("digest-key-unknown"), 1u);
  EXPECT_EQ(Find(r, "digest-key-unknown")->file, t.digests()[0]);
  EXPECT_TRUE(r.Failed());
}

TEST_F(ValidateTest, KeyOutsideItsValidityPeriod) {
  DigestTree t(root_);
  Build(&t, 2);
  t.WriteSignatures(sigs_, {t.digests().back()});
  DigestTree::WriteKeys(keys_, "2027-01-01T00:00:00Z", "2028-01-01T00:00:00Z");
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), (std::vector<std::string>{"digest-key-invalid-period " + t.digests()[0],
                                                   "digest-key-invalid-period " + t.digests()[1]}));
}

TEST_F(ValidateTest, TruncatedGzipLog) {
  DigestTree t(root_);
  Build(&t, 1);
  t.WriteSignatures(sigs_, {t.digests().back()});
  const std::string gz = testing::ReadFile(t.PathOf(logs_[0]));
  testing::WriteFile(t.PathOf(logs_[0]), gz.substr(0, gz.size() / 2));
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{"log-unreadable " + logs_[0]});
  EXPECT_EQ(r.VerdictOf(t.PathOf(logs_[0])), LogVerdict::kFailed);
  EXPECT_NE(Find(r, "log-unreadable")->detail.find("truncated"), std::string::npos)
      << Find(r, "log-unreadable")->detail;
  // The same through the streaming path (files larger than whole_file_bytes).
  whole_file_bytes_ = 16;
  const ValidationReport streamed = Run(true, true);
  EXPECT_EQ(Problems(streamed), std::vector<std::string>{"log-unreadable " + logs_[0]});
  EXPECT_EQ(streamed.Count("log-valid"), 1u);
}

TEST_F(ValidateTest, StreamedHashesEqualWholeOnes) {
  DigestTree t(root_);
  Build(&t, 2);
  t.WriteSignatures(sigs_, {t.digests().back()});
  whole_file_bytes_ = 16;
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{});
  EXPECT_EQ(r.Count("log-valid"), 4u);
}

TEST_F(ValidateTest, TruncatedGzipDigest) {
  DigestTree t(root_);
  Build(&t, 3);
  t.WriteSignatures(sigs_, {t.digests().back()});
  const std::string gz = testing::ReadFile(t.PathOf(t.digests()[1]));
  testing::WriteFile(t.PathOf(t.digests()[1]), gz.substr(0, gz.size() - 10));
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r),
            (std::vector<std::string>{"digest-signature-unverifiable " + t.digests()[0],
                                      "digest-unreadable " + t.digests()[1],
                                      "log-unlisted " + logs_[2], "log-unlisted " + logs_[3]}));
}

TEST_F(ValidateTest, HourWithoutDigestIsAGap) {
  DigestTree t(root_);
  t.AddLog(0);
  t.AddDigest(0);
  // Logging stopped during hour 1; a new chain starts at hour 2.
  t.AddLog(2);
  t.AddDigest(2, Restart());
  t.WriteSignatures(sigs_, t.digests());
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{"gap "});
  const ValidationFinding* gap = Find(r, "gap");
  EXPECT_EQ(gap->status, ValidationStatus::kInfo);
  EXPECT_EQ(gap->start, DigestTree::Time(1));
  EXPECT_EQ(gap->end, DigestTree::Time(2));
  EXPECT_NE(gap->reason.find("restarts"), std::string::npos) << gap->reason;
  EXPECT_EQ(r.Count("digest-valid"), 2u);
  EXPECT_FALSE(r.Failed(/*strict=*/true));
}

TEST_F(ValidateTest, BackfillDigest) {
  DigestTree t(root_);
  logs_.push_back(t.AddLog(0));
  t.AddDigest(0);
  logs_.push_back(t.AddLog(1));
  t.AddDigest(1);
  // A log file of hour 0 delivered late, listed by a backfill digest.
  const std::string late = t.AddLog(0, 30);
  const std::string backfill = t.AddDigest(0, Backfill());
  EXPECT_NE(backfill.find("_backfill.json.gz"), std::string::npos);
  t.WriteSignatures(sigs_, {t.digests()[1], backfill});
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{});
  EXPECT_EQ(r.Count("digest-valid"), 3u);
  EXPECT_EQ(r.VerdictOf(t.PathOf(late)), LogVerdict::kValidated);

  // Without its signature, the backfill digest is a chain of its own, unverified; the
  // regular chain is unaffected.
  t.WriteSignatures(sigs_, {t.digests()[1]});
  const ValidationReport r2 = Run(true, true);
  EXPECT_EQ(Problems(r2), std::vector<std::string>{"digest-signature-unverifiable " + backfill});
}

TEST_F(ValidateTest, BackfillKeyIsJudgedAtItsGenerationTime) {
  DigestTree t(root_);
  t.AddDigest(0);
  t.AddLog(0, 30);
  const std::string backfill = t.AddDigest(0, Backfill());
  // Keys valid only from 2026-12-05: not at the backfill's digestEndTime.
  DigestTree::WriteKeys(keys_, "2026-12-05T00:00:00Z", "2027-01-01T00:00:00Z");
  auto head_object = [&](const std::string& generated) {
    testing::WriteFile(sigs_, "[{\"Key\":\"" + backfill + "\",\"Metadata\":{\"signature\":\"" +
                                  t.signatures().at(backfill) +
                                  "\",\"backfill-generation-timestamp\":\"" + generated + "\"}}]");
  };
  head_object("2026-12-05T00:30:00Z");  // generated when the key was valid
  EXPECT_EQ(Find(Run(true, true), "digest-valid")->file, backfill);
  head_object("2026-12-02T00:30:00Z");  // generated before the key's period
  const ValidationReport r = Run(true, true);
  ASSERT_EQ(r.Count("digest-key-invalid-period"), 1u);
  EXPECT_EQ(Find(r, "digest-key-invalid-period")->file, backfill);
  EXPECT_EQ(r.findings.back().code, "log-valid");  // the late log, listed by the backfill
  EXPECT_EQ(r.findings.back().digest, backfill);
}

TEST_F(ValidateTest, OrganizationTrailLayout) {
  Layout layout;
  layout.org = "o-abc123def4";
  layout.account = "444455556666";
  DigestTree t(root_, layout);
  Build(&t, 2);
  t.WriteSignatures(sigs_, {t.digests().back()});
  ASSERT_EQ(t.digests()[0].rfind("AWSLogs/o-abc123def4/444455556666/CloudTrail-Digest/", 0), 0u);
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{});
  EXPECT_EQ(r.Count("digest-valid"), 2u);
  EXPECT_EQ(Find(r, "digest-valid")->account, "444455556666");
}

TEST_F(ValidateTest, OrganizationMemberAccountsAreChainsOfTheirOwn) {
  Layout a, b;
  a.org = b.org = "o-abc123def4";
  b.account = "444455556666";
  DigestTree ta(root_, a), tb(root_, b);
  Build(&ta, 2);
  Build(&tb, 2);
  const ValidationReport r = Run(true, false);
  EXPECT_EQ(r.Count("digest-valid"), 2u);
  EXPECT_EQ(r.Count("digest-signature-unverifiable"), 2u);
  EXPECT_EQ(r.Count(ValidationStatus::kFailed), 0u);
}

TEST_F(ValidateTest, PrefixLayoutAndAPathBelowTheBucketRoot) {
  Layout layout;
  layout.prefix = "team/cloudtrail";
  DigestTree t(root_, layout);
  Build(&t, 2);
  t.WriteSignatures(sigs_, {t.digests().back()});
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(Problems(r), std::vector<std::string>{});
  EXPECT_EQ(Find(r, "digest-valid")->file.rfind("team/cloudtrail/AWSLogs/", 0), 0u);
  // Given the folder below the prefix, the root is where digestS3Object says.
  const ValidationReport below = Run(true, true, root_ + "/team/cloudtrail/AWSLogs");
  EXPECT_EQ(Problems(below), std::vector<std::string>{});
  EXPECT_EQ(below.Count("digest-valid"), 2u);
}

TEST_F(ValidateTest, DigestMovedFromItsKey) {
  DigestTree t(root_);
  Build(&t, 1);
  const std::string moved =
      "elsewhere/" + std::filesystem::path(t.digests()[0]).filename().string();
  testing::WriteFile(root_ + "/AWSLogs/111122223333/CloudTrail-Digest/us-east-1/" + moved,
                     testing::ReadFile(t.PathOf(t.digests()[0])));
  std::filesystem::remove(t.PathOf(t.digests()[0]));
  const ValidationReport r = Run();
  EXPECT_EQ(r.Count("digest-moved"), 1u);
  EXPECT_EQ(r.Count("log-unlisted"), 2u);
}

TEST_F(ValidateTest, StartAndEndSelectDigestsAndLogs) {
  DigestTree t(root_);
  Build(&t, 3);
  t.AddUnlistedLog(0);
  int64_t ms = 0;
  ASSERT_TRUE(internal::ParseIsoTimestamp(DigestTree::Time(1, 30), &ms));
  start_ = ms;
  ASSERT_TRUE(internal::ParseIsoTimestamp(DigestTree::Time(1, 40), &ms));
  end_ = ms;
  const ValidationReport r = Run(true, false);
  EXPECT_EQ(Problems(r), std::vector<std::string>{});
  ASSERT_EQ(r.findings.size(), 3u);
  EXPECT_EQ(r.findings[0].code, "digest-valid");
  EXPECT_EQ(r.findings[0].file, t.digests()[1]);
  EXPECT_EQ(r.findings[1].file, logs_[2]);
  EXPECT_EQ(r.findings[2].file, logs_[3]);
  EXPECT_EQ(r.log_files, 2u);  // only the period's log files were hashed
}

TEST_F(ValidateTest, BadKeyAndSignatureFilesAreErrors) {
  DigestTree t(root_);
  Build(&t, 1);
  ValidateOptions o;
  o.public_keys = dir_ + "/nonexistent.json";
  EXPECT_EQ(Validate({root_}, o).status().code(), StatusCode::kIoError);
  testing::WriteFile(keys_, "{\"PublicKeyList\":[{\"Value\":\"AAAA\",\"Fingerprint\":\"x\"}]}");
  o.public_keys = keys_;
  const Status s = Validate({root_}, o).status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidInput);
  EXPECT_NE(s.message().find("not a DER PKCS#1 RSA public key"), std::string::npos) << s.message();
  o.public_keys.clear();
  testing::WriteFile(sigs_, "[1]");
  o.signatures = sigs_;
  EXPECT_EQ(Validate({root_}, o).status().code(), StatusCode::kInvalidInput);
  EXPECT_EQ(Validate({dir_ + "/keys.json"}, ValidateOptions()).status().code(),
            StatusCode::kInvalidInput);
}

TEST_F(ValidateTest, HeadObjectSignatures) {
  DigestTree t(root_);
  Build(&t, 2);
  testing::WriteFile(sigs_, "[{\"Key\":\"" + t.digests()[1] + "\",\"Metadata\":{\"signature\":\"" +
                                t.signatures().at(t.digests()[1]) +
                                "\",\"signature-algorithm\":\"SHA256withRSA\"}}]");
  const ValidationReport r = Run(true, true);
  EXPECT_EQ(r.Count("digest-valid"), 2u);
  EXPECT_EQ(Problems(r), std::vector<std::string>{});
}

TEST(AuditCryptoTest, HexBase64AndSha256) {
  std::string out;
  EXPECT_TRUE(internal::DecodeHex("00ff10Ab", &out));
  EXPECT_EQ(out, std::string("\x00\xff\x10\xab", 4));
  EXPECT_FALSE(internal::DecodeHex("abc", &out));
  EXPECT_FALSE(internal::DecodeHex("zz", &out));
  EXPECT_TRUE(internal::DecodeBase64("aGVsbG8=", &out));
  EXPECT_EQ(out, "hello");
  EXPECT_FALSE(internal::DecodeBase64("aGVsbG8", &out));
  EXPECT_EQ(internal::Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace vigil
