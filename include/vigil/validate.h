// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Offline CloudTrail log file integrity validation: what `aws cloudtrail validate-logs`
// checks against live S3, done over a local copy of the bucket (an S3 sync, a
// legal-hold archive).
//
//   vigil::ValidateOptions options;
//   options.public_keys = "keys.json";      // `aws cloudtrail list-public-keys` output
//   options.signatures = "signatures.json"; // the newest digests' x-amz-meta-signature
//   vigil::Result<vigil::ValidationReport> r = vigil::Validate({"bucket/"}, options);
//   if (!r.ok()) ...                        // a key or signatures file was unusable
//   for (const vigil::ValidationFinding& f : r.value().findings) ...
//
// What is checked, per account, region and trail (each digest chain on its own, and
// the `_backfill` digests as chains of their own, as the AWS CLI does):
//   * each digest is read (gzip, JSON, the fields AWS requires) and found where its
//     digestS3Object says it was delivered;
//   * its signature (SHA256withRSA over digestEndTime, "bucket/object", the hex SHA-256
//     of the uncompressed digest and the previous signature, joined by '\n'), taken from
//     the next digest's previousDigestSignature or, for the newest digest of a chain,
//     from the signatures file; verified with the public key whose Fingerprint is the
//     digest's digestPublicKeyFingerprint and whose validity period holds digestEndTime
//     (for a `_backfill` digest: comes within an hour of its backfill-generation-timestamp
//     when the signatures file carries it, as awscli does; else the fingerprint alone);
//   * the chain: previousDigestHashValue against the SHA-256 of the previous digest,
//     previousDigestSignature against the previous digest's known signature, the
//     previous digest present, in the same trail and earlier in time;
//   * every log file a digest lists: present, and the SHA-256 of its uncompressed
//     contents equal to the digest's hashValue;
//   * log files no digest lists;
//   * periods without evidence: a chain that restarts, or a previous digest that is
//     absent, leaves a gap between two digests.
// Every finding carries a code (the list is in ValidationFinding) and the file it
// concerns, and says what was and was not verified.
//
// Reading: digests are read whole, each bounded by ValidateOptions::max_digest_bytes
// (compressed and uncompressed, checked before the bytes are read). Log files are
// hashed as they are decompressed: read whole and inflated in one call when small
// (ValidateOptions::whole_file_bytes), streamed through zlib otherwise; memory does not
// grow with a file's size. A truncated or corrupt gzip is a finding, never an abort.
//
// Thread safety: Validate keeps no state between calls; concurrent calls are safe. A
// ValidationReport is a plain value.
//
// Errors: Validate returns an error Status (kInvalidInput, kIoError, kLimitExceeded)
// only for what the caller supplied: a PATH that is not a folder, a key or signatures
// file that cannot be read or does not have the documented shape. Everything found in
// the tree is a finding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/export.h"
#include "vigil/status.h"

namespace vigil {

enum class ValidationStatus {
  kOk,          // verified
  kFailed,      // verification failed: evidence of tampering or damage
  kUnverified,  // could not be verified offline (no signature, no key, unlisted file)
  kInfo,        // neither: a gap in the evidence
};

// "ok", "failed", "unverified", "info".
VIGIL_EXPORT const char* ValidationStatusName(ValidationStatus status);

// One result. `code` is one of (its status in brackets):
//   log-valid [ok]                the log file's SHA-256 equals its digest's hashValue
//                                 (`digest` names the digest; `detail` says whether
//                                 that digest's own signature verified)
//   digest-valid [ok]             signature verified, and the chain to the next digest
//                                 holds
//   log-modified [failed]         SHA-256 of the uncompressed log differs
//   log-missing [failed]          a digest lists it; it is not in the tree
//   log-unreadable [failed]       truncated or corrupt gzip, or unreadable file
//   digest-modified [failed]      its SHA-256 differs from the next digest's
//                                 previousDigestHashValue and its signature fails
//   digest-missing [failed]       a digest names it as its previous digest; absent (for
//                                 the oldest digest of a chain in the tree, which a copy
//                                 need not go back beyond, a gap instead)
//   digest-unreadable [failed]    truncated gzip, not JSON, required fields missing,
//                                 larger than max_digest_bytes
//   digest-moved [failed]         its digestS3Object is not where it was found
//   digest-signature-invalid [failed]  the signature does not verify with its key
//   chain-broken [failed]         a digest's previous-digest fields do not fit the
//                                 digest they name (hash or signature differs from an
//                                 authentic previous digest, the previous digest is
//                                 later in time or of another trail, or two digests
//                                 name the same previous digest): the chain was
//                                 reordered or spliced
//   digest-key-unknown [failed]   no key in the key file has its fingerprint
//   digest-key-invalid-period [failed]  the key's validity period does not hold the
//                                 digest's digestEndTime
//   digest-signature-unverifiable [unverified]  no signature (the newest digest of a
//                                 chain without a signatures file entry) or no key file
//   log-unlisted [unverified]     a log file that no digest lists (added, or delivered
//                                 while validation was off)
//   gap [info]                    a period with no digest evidence: `start`, `end`,
//                                 `reason`
struct ValidationFinding {
  std::string code;
  ValidationStatus status = ValidationStatus::kInfo;
  // The file's S3 key (its path relative to the bucket root: the PATH given, or the
  // folder above the digest's digestS3Object), or empty for a gap.
  std::string file;
  std::string account;
  std::string region;
  std::string trail;
  // For a log finding: the key of the digest that lists it. For chain-broken: the key
  // of the previous digest named. Empty otherwise.
  std::string digest;
  // For a gap: the period (ISO 8601, UTC; start empty when unknown) and why it is
  // likely there.
  std::string start;
  std::string end;
  std::string reason;
  // What was and was not verified, for people.
  std::string detail;
};

// Whether the log file a match came from was validated (ValidationReport::VerdictOf).
enum class LogVerdict {
  kNotCovered,  // not in any tree that was validated
  kValidated,   // its hash matches a digest whose signature verified
  kFailed,      // modified, unreadable, or listed by a digest that failed validation
  kUnverified,  // unlisted, or listed by a digest whose signature could not be verified
};

// "not-covered", "validated", "failed", "unverified".
VIGIL_EXPORT const char* LogVerdictName(LogVerdict verdict);

struct ValidateOptions {
  // The `aws cloudtrail list-public-keys` output ({"PublicKeyList":[{"Value": base64 of
  // the DER PKCS#1 RSAPublicKey, "ValidityStartTime", "ValidityEndTime",
  // "Fingerprint"}]}). Empty: no signature is verified (each is
  // digest-signature-unverifiable); hashes and the chain are still checked.
  std::string public_keys;
  // Signatures of digests, for the newest digest of each chain (whose signature is
  // only in S3 metadata): a JSON object mapping a digest's S3 key to its hex
  // x-amz-meta-signature, or a JSON array of `aws s3api head-object` outputs, each with
  // a "Key" and "Metadata": {"signature": ...}. Empty: none.
  std::string signatures;
  // The period validated, unix milliseconds, inclusive: digests whose
  // [digestStartTime, digestEndTime] meets it, their log files, unlisted log files
  // whose delivery time (in the file name) is in it, and gaps that meet it.
  int64_t start_ms = std::numeric_limits<int64_t>::min();
  int64_t end_ms = std::numeric_limits<int64_t>::max();
  // A digest larger than this, compressed or not, is digest-unreadable. A digest lists
  // an hour of log files, about 300 bytes each.
  uint64_t max_digest_bytes = uint64_t{64} << 20;
  // A log file is read whole and inflated in one call when it and the size its gzip
  // trailer announces are within this; larger ones are hashed as a stream.
  uint64_t whole_file_bytes = uint64_t{64} << 20;
  // A key or signatures file larger than this is an error.
  uint64_t max_key_file_bytes = uint64_t{64} << 20;
};

struct ValidationReport {
  // In order: per trail (account, region, trail; backfill chains after the trail's
  // regular chain), each digest by time followed by its log files, gaps where they
  // fall; then the unlisted log files.
  std::vector<ValidationFinding> findings;
  // The verdict of every log file met (listed or found), by its absolute, lexically
  // normal path.
  std::map<std::string, LogVerdict> log_verdicts;
  uint64_t digests = 0;    // digest files read
  uint64_t log_files = 0;  // log files hashed
  uint64_t bytes = 0;      // uncompressed bytes hashed (logs and digests)

  // Findings with this status, or with this code.
  VIGIL_EXPORT size_t Count(ValidationStatus status) const;
  VIGIL_EXPORT size_t Count(std::string_view code) const;
  // True when a finding failed, or (strict) one is unverified.
  VIGIL_EXPORT bool Failed(bool strict = false) const;
  // The verdict for a log file given by any path (relative to the working folder or
  // absolute); kNotCovered for a file no validated tree holds.
  VIGIL_EXPORT LogVerdict VerdictOf(std::string_view path) const;
};

// Validates the trees under `paths` (folders laid out like CloudTrail's bucket:
// [prefix/]AWSLogs/[o-ORGID/]ACCOUNT/CloudTrail{,-Digest}/REGION/YYYY/MM/DD/...; each
// PATH is taken as a bucket root unless the digests' digestS3Object says the root is
// above it).
VIGIL_EXPORT Result<ValidationReport> Validate(const std::vector<std::string>& paths,
                                               const ValidateOptions& options);

}  // namespace vigil
