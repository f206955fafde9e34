// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Builds CloudTrail digest trees in-process for the validation tests: gzip log files,
// hourly digest files in AWS's documented format (field for field, the chain's
// previousDigest* fields, `_backfill` names), each signed with SHA256withRSA by an
// RSA-2048 key generated once per test binary, plus a key file in the
// `aws cloudtrail list-public-keys` shape and a signatures file. Test code only; the
// Python fixture builder (tools/cloudtrail_digests.py) does the same for the pytest
// tamper matrix.
//
//   DigestTree t(dir);                    // bucket root; account, region, trail: Layout
//   t.AddLog(0); t.AddDigest(0);          // hour 0: one log file, then its digest
//   t.AddLog(1); t.AddDigest(1);          // hour 1, chained to hour 0's digest
//   t.WriteKeys(dir + "/keys.json");
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace vigil::testing {

// The keys tests sign with: generated once per process.
EVP_PKEY* TestKey();
EVP_PKEY* OtherTestKey();
inline constexpr const char* kTestFingerprint = "0123456789abcdef0123456789abcdef";
inline constexpr const char* kOtherFingerprint = "fedcba9876543210fedcba9876543210";

// The uncompressed contents of a gzip file (gzip itself: Gzip, inputs/scan_testing.h).
std::string Gunzip(const std::string& gz);
std::string ReadFile(const std::string& path);
void WriteFile(const std::string& path, const std::string& data);

struct Layout {
  std::string bucket = "test-bucket";
  std::string prefix;  // e.g. "logs/team": before AWSLogs/
  std::string org;     // e.g. "o-abc123": an organization trail
  std::string account = "111122223333";
  std::string region = "us-east-1";
  std::string trail = "main-trail";
};

struct DigestOptions {
  bool restart = false;     // a starting digest: previousDigest* null
  bool backfill = false;    // named _backfill; chained to the previous backfill digest
  EVP_PKEY* key = nullptr;  // null: TestKey()
  std::string fingerprint = kTestFingerprint;
  // Chain to this digest (an S3 key this tree wrote) instead of the last one.
  std::string previous;
};

class DigestTree {
 public:
  // Times are hours after 2026-12-01T00:00:00Z.
  explicit DigestTree(std::string root, Layout layout = Layout());

  // A log file delivered at hour `hour` + 5 minutes (+ `n` seconds), listed by the next
  // AddDigest. Returns its S3 key.
  std::string AddLog(int hour, int n = 0);
  // A log file at `hour` that no digest will list.
  std::string AddUnlistedLog(int hour);
  // The digest for [hour, hour+1): lists the log files added since the last digest.
  // Returns its S3 key.
  std::string AddDigest(int hour, const DigestOptions& options = DigestOptions());

  std::string PathOf(const std::string& key) const { return root_ + "/" + key; }
  const std::string& root() const { return root_; }
  const std::vector<std::string>& digests() const { return digests_; }
  // The hex signature of each digest (its x-amz-meta-signature), by S3 key.
  const std::map<std::string, std::string>& signatures() const { return signatures_; }

  // {"PublicKeyList":[...]} with TestKey() valid over [from, to] (ISO text).
  static void WriteKeys(const std::string& path, const std::string& from = "2026-01-01T00:00:00Z",
                        const std::string& to = "2027-01-01T00:00:00Z", EVP_PKEY* key = nullptr,
                        const std::string& fingerprint = kTestFingerprint,
                        bool x509 = false);  // x509: SubjectPublicKeyInfo, not PKCS#1
  // {"key": "hex signature"} for the given digests.
  void WriteSignatures(const std::string& path, const std::vector<std::string>& keys) const;

  // Changes the uncompressed contents of a gzip file in the tree (keeps it gzip).
  void Rewrite(const std::string& key, const std::string& from, const std::string& to) const;

  static std::string Time(int hour, int minute = 0, int second = 0);

 private:
  std::string Prefix() const;
  std::string DatePath(int hour) const;

  std::string root_;
  Layout layout_;
  std::vector<std::string> pending_logs_;
  std::map<std::string, std::string> log_hashes_;
  std::vector<std::string> digests_;
  std::string last_key_, last_sha_, last_sig_;
  std::string last_backfill_key_, last_backfill_sha_, last_backfill_sig_;
  std::map<std::string, std::string> signatures_;
  std::map<std::string, std::string> shas_;
};

}  // namespace vigil::testing
