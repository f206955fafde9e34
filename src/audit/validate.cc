// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Offline log file integrity validation (include/vigil/validate.h): the audit stage.
// Input: folders laid out like a CloudTrail bucket, a key file, a signatures file.
// Output: a ValidationReport. Entry point: vigil::Validate.
//
// How it goes:
//   1. The key and signatures files are read (bounded) and parsed; a malformed one is
//      the caller's error (a Status), not a finding.
//   2. Each PATH is walked; digest files (…/CloudTrail-Digest/…_CloudTrail-Digest_…
//      .json.gz) and log files (…/CloudTrail/…_CloudTrail_….json.gz) are collected.
//   3. Every digest is read whole (bounded), hashed and parsed, and put in its chain:
//      account, region, trail, home region and the folder it lies in (so an
//      organization trail's o-ID and a prefix keep trees apart), regular and
//      `_backfill` digests apart. Digests are small; all of them are read, so a digest
//      just outside --start/--end still links the chain.
//   4. Each digest's link to the digest it names as previous is judged (present, same
//      chain, earlier, hash and signature), and each digest's own signature is
//      verified with the signature its successor carries (or the signatures file).
//   5. The log files of the digests in the period are hashed as streams, then the log
//      files no digest lists are reported.
//
// The awscli implementation (awscli/customizations/cloudtrail/validation.py) walks
// each chain from its newest digest backwards, taking every digest's signature from S3
// metadata. Offline, only the newest digest's metadata is (optionally) at hand, so a
// digest's signature comes from its successor: a digest is verified when its successor
// names it, carries its hash and signature, and that signature verifies. Where the
// hash a successor carries differs from a digest's own, the signature decides which
// side was altered: a digest whose signature still verifies is authentic, and its
// successor's link is the broken part (chain-broken); otherwise the digest was
// modified.
//
// Tested by tests/audit/validate_test.cc.

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "audit/crypto.h"
#include "audit/gzip_hash.h"
#include "util/bounded_read.h"
#include "util/timeparts.h"
#include "vigil/validate.h"

namespace vigil {

const char* ValidationStatusName(ValidationStatus status) {
  switch (status) {
    case ValidationStatus::kOk: return "ok";
    case ValidationStatus::kFailed: return "failed";
    case ValidationStatus::kUnverified: return "unverified";
    case ValidationStatus::kInfo: return "info";
  }
  return "info";
}

const char* LogVerdictName(LogVerdict verdict) {
  switch (verdict) {
    case LogVerdict::kNotCovered: return "not-covered";
    case LogVerdict::kValidated: return "validated";
    case LogVerdict::kFailed: return "failed";
    case LogVerdict::kUnverified: return "unverified";
  }
  return "not-covered";
}

size_t ValidationReport::Count(ValidationStatus status) const {
  return static_cast<size_t>(std::count_if(findings.begin(), findings.end(),
                                           [&](const auto& f) { return f.status == status; }));
}

size_t ValidationReport::Count(std::string_view code) const {
  return static_cast<size_t>(std::count_if(findings.begin(), findings.end(),
                                           [&](const auto& f) { return f.code == code; }));
}

bool ValidationReport::Failed(bool strict) const {
  return Count(ValidationStatus::kFailed) > 0 ||
         (strict && Count(ValidationStatus::kUnverified) > 0);
}

namespace {

namespace fs = std::filesystem;
using internal::PublicKey;

std::string NormalPath(const fs::path& p) {
  std::error_code ec;
  fs::path abs = fs::absolute(p, ec);
  if (ec) abs = p;
  std::string s = abs.lexically_normal().generic_string();
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x | 0x20) == (y | 0x20);
         });
}

// ---------------------------------------------------------------------------------
// Keys and signatures (step 1)

struct Key {
  std::string fingerprint;
  int64_t valid_from = INT64_MIN;
  int64_t valid_to = INT64_MAX;
  PublicKey key;
};

// A timestamp as list-public-keys prints it: ISO 8601 text (awscli's default) or a
// number (cli_timestamp_format none).
bool TimeOf(simdjson::dom::element e, int64_t* ms) {
  if (e.is_string()) return internal::ParseIsoTimestamp(std::string_view(e.get_string()), ms);
  if (e.is_number()) return internal::EpochNumberToMillis(double(e.get_double()), ms);
  return false;
}

// A key or signatures file, read (bounded) and parsed; its errors say the shape it
// should have.
struct JsonFile {
  JsonFile(std::string p, const char* shape) : path(std::move(p)), expected(shape) {}

  Status Read(uint64_t max_bytes) {
    std::string text;
    int err = 0;
    const internal::ReadResult r =
        internal::ReadFileBounded(path, static_cast<size_t>(max_bytes), &text, &err);
    if (r != internal::ReadResult::kOk) {
      return Status::Error(
          r == internal::ReadResult::kTooLarge ? StatusCode::kLimitExceeded : StatusCode::kIoError,
          path + ": " + internal::ReadResultMessage(r, err, max_bytes));
    }
    if (parser.parse(text).get(root) != simdjson::SUCCESS) return Bad("not valid JSON");
    return Status::Ok();
  }

  Status Bad(const std::string& why) const {
    return Status::Error(StatusCode::kInvalidInput,
                         path + ": " + why + " (expected " + expected + ")");
  }

  std::string path;
  const char* expected;
  simdjson::dom::parser parser;
  simdjson::dom::element root;
};

Status LoadKeys(const std::string& path, uint64_t max_bytes, std::vector<Key>* keys) {
  JsonFile file(path,
                "`aws cloudtrail list-public-keys` output: {\"PublicKeyList\":[{\"Value\","
                "\"ValidityStartTime\",\"ValidityEndTime\",\"Fingerprint\"}]}");
  if (Status s = file.Read(max_bytes); !s.ok()) return s;
  auto bad = [&](const std::string& why) { return file.Bad(why); };
  simdjson::dom::array list;
  if (file.root["PublicKeyList"].get_array().get(list) != simdjson::SUCCESS) {
    return bad("no PublicKeyList array");
  }
  size_t i = 0;
  for (simdjson::dom::element e : list) {
    const std::string where = "PublicKeyList[" + std::to_string(i++) + "]";
    std::string_view value, fingerprint;
    if (e["Value"].get_string().get(value) != simdjson::SUCCESS ||
        e["Fingerprint"].get_string().get(fingerprint) != simdjson::SUCCESS) {
      return bad(where + " lacks a Value or Fingerprint string");
    }
    Key k;
    k.fingerprint = std::string(fingerprint);
    std::string der;
    if (!internal::DecodeBase64(value, &der)) return bad(where + ".Value is not base64");
    k.key = internal::LoadRsaPublicKeyDer(der);
    if (!k.key) return bad(where + ".Value is not a DER PKCS#1 RSA public key");
    simdjson::dom::element t;
    if (e["ValidityStartTime"].get(t) == simdjson::SUCCESS && !t.is_null() &&
        !TimeOf(t, &k.valid_from)) {
      return bad(where + ".ValidityStartTime is not a time");
    }
    if (e["ValidityEndTime"].get(t) == simdjson::SUCCESS && !t.is_null() &&
        !TimeOf(t, &k.valid_to)) {
      return bad(where + ".ValidityEndTime is not a time");
    }
    keys->push_back(std::move(k));
  }
  return Status::Ok();
}

Status LoadSignatures(const std::string& path, uint64_t max_bytes,
                      std::map<std::string, std::string>* sigs,
                      std::map<std::string, int64_t>* generated) {
  JsonFile file(path,
                "{\"S3 key\": \"hex signature\"} or a list of `aws s3api head-object` "
                "outputs with \"Key\" and \"Metadata\": {\"signature\"}");
  if (Status s = file.Read(max_bytes); !s.ok()) return s;
  auto bad = [&](const std::string& why) { return file.Bad(why); };
  const simdjson::dom::element root = file.root;
  simdjson::dom::object map;
  simdjson::dom::array list;
  if (root.get_object().get(map) == simdjson::SUCCESS) {
    for (auto field : map) {
      std::string_view sig;
      if (field.value.get_string().get(sig) != simdjson::SUCCESS) {
        return bad("the value of \"" + std::string(field.key) + "\" is not a string");
      }
      (*sigs)[std::string(field.key)] = std::string(sig);
    }
  } else if (root.get_array().get(list) == simdjson::SUCCESS) {
    size_t i = 0;
    for (simdjson::dom::element e : list) {
      std::string_view key, sig;
      if (e["Key"].get_string().get(key) != simdjson::SUCCESS ||
          e["Metadata"]["signature"].get_string().get(sig) != simdjson::SUCCESS) {
        return bad("element " + std::to_string(i) + " lacks Key or Metadata.signature");
      }
      (*sigs)[std::string(key)] = std::string(sig);
      std::string_view when;
      int64_t ms = 0;
      if (e["Metadata"]["backfill-generation-timestamp"].get_string().get(when) ==
              simdjson::SUCCESS &&
          internal::ParseIsoTimestamp(when, &ms)) {
        (*generated)[std::string(key)] = ms;
      }
      ++i;
    }
  } else {
    return bad("neither an object nor an array");
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------
// The tree (step 2)

// Where a file lies in the S3 layout: [prefix/]AWSLogs/[o-ID/]ACCOUNT/KIND/REGION/...
struct Place {
  bool ok = false;
  std::string account;
  std::string region;
  std::string folder;  // the path up to and including REGION: one chain's folder
};

Place PlaceOf(const std::string& rel, std::string_view kind) {
  Place p;
  std::vector<std::string_view> parts;
  size_t pos = 0;
  while (pos <= rel.size()) {
    size_t slash = rel.find('/', pos);
    if (slash == std::string::npos) slash = rel.size();
    parts.push_back(std::string_view(rel).substr(pos, slash - pos));
    pos = slash + 1;
  }
  for (size_t i = 1; i + 2 < parts.size(); ++i) {
    if (parts[i] == kind) {
      p.ok = true;
      p.account = std::string(parts[i - 1]);
      p.region = std::string(parts[i + 1]);
      p.folder = rel.substr(
          0, static_cast<size_t>(parts[i + 1].data() + parts[i + 1].size() - rel.data()));
      return p;
    }
  }
  return p;
}

// ACCOUNT_CloudTrail-Digest_REGION_TRAIL_HOMEREGION_YYYYMMDDTHHMMSSZ[_backfill].json.gz
struct DigestName {
  bool ok = false;
  bool backfill = false;
  std::string trail;
  std::string home_region;
  int64_t time_ms = 0;
};

DigestName ParseDigestName(std::string_view name) {
  DigestName d;
  constexpr std::string_view kExt = ".json.gz", kBackfill = "_backfill",
                             kMid = "_CloudTrail-Digest_";
  if (name.size() < kExt.size() || name.substr(name.size() - kExt.size()) != kExt) return d;
  name.remove_suffix(kExt.size());
  if (name.size() > kBackfill.size() && name.substr(name.size() - kBackfill.size()) == kBackfill) {
    d.backfill = true;
    name.remove_suffix(kBackfill.size());
  }
  const size_t mid = name.find(kMid);
  const size_t ts = name.rfind('_');
  if (mid == std::string_view::npos || ts == std::string_view::npos || ts < mid + kMid.size()) {
    return d;
  }
  const std::string_view stamp = name.substr(ts + 1);  // YYYYMMDDTHHMMSSZ
  if (stamp.size() != 16 || stamp[8] != 'T' || stamp[15] != 'Z') return d;
  const std::string iso = std::string(stamp.substr(0, 4)) + "-" + std::string(stamp.substr(4, 2)) +
                          "-" + std::string(stamp.substr(6, 2)) + "T" +
                          std::string(stamp.substr(9, 2)) + ":" + std::string(stamp.substr(11, 2)) +
                          ":" + std::string(stamp.substr(13, 2)) + "Z";
  if (!internal::ParseIsoTimestamp(iso, &d.time_ms)) return d;
  std::string_view rest = name.substr(mid + kMid.size(), ts - mid - kMid.size());  // R_T_H
  const size_t first = rest.find('_');
  const size_t last = rest.rfind('_');
  if (first == std::string_view::npos || last <= first) return d;
  d.trail = std::string(rest.substr(first + 1, last - first - 1));
  d.home_region = std::string(rest.substr(last + 1));
  d.ok = !d.trail.empty();
  return d;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// ---------------------------------------------------------------------------------
// Digests (step 3)

struct LogRef {
  std::string object;
  std::string hash;
};

struct Digest {
  std::string path;  // on disk, as walked
  std::string root;  // the bucket root folder (normal absolute path)
  std::string key;   // S3 key: the path relative to root
  Place place;
  DigestName name;
  std::string chain;  // chain id: root, folder, trail, home region, backfill

  bool readable = false;
  std::string error;  // why not readable
  bool moved = false;
  std::string sha256;
  std::string bucket, object, fingerprint, start_text, end_text;
  int64_t start_ms = 0, end_ms = 0;
  std::optional<std::string> prev_bucket, prev_object, prev_hash, prev_sig;
  std::vector<LogRef> logs;

  // Step 4.
  std::vector<size_t> successors;
  std::optional<size_t> previous;  // the digest prev_object names, when present
  int64_t time() const { return readable ? end_ms : name.time_ms; }
};

std::optional<std::string> OptionalString(simdjson::dom::element obj, const char* field) {
  std::string_view v;
  if (obj[field].get_string().get(v) != simdjson::SUCCESS) return std::nullopt;
  return std::string(v);
}

// Parses a digest's JSON. False with *error set when a field AWS requires is missing.
bool ParseDigest(const std::string& text, simdjson::dom::parser* parser, Digest* d,
                 std::string* error) {
  simdjson::dom::element root;
  if (parser->parse(text).get(root) != simdjson::SUCCESS || !root.is_object()) {
    *error = "not a JSON object";
    return false;
  }
  // The fields awscli requires before it validates a digest; previousDigestSignature
  // must be present but may be null.
  for (const char* f : {"digestPublicKeyFingerprint", "digestS3Bucket", "digestS3Object",
                        "digestEndTime", "digestStartTime"}) {
    std::string_view v;
    if (root[f].get_string().get(v) != simdjson::SUCCESS) {
      *error = std::string("no ") + f + " string";
      return false;
    }
  }
  if (root["previousDigestSignature"].error() != simdjson::SUCCESS) {
    *error = "no previousDigestSignature field";
    return false;
  }
  d->fingerprint = *OptionalString(root, "digestPublicKeyFingerprint");
  d->bucket = *OptionalString(root, "digestS3Bucket");
  d->object = *OptionalString(root, "digestS3Object");
  d->start_text = *OptionalString(root, "digestStartTime");
  d->end_text = *OptionalString(root, "digestEndTime");
  if (!internal::ParseIsoTimestamp(d->start_text, &d->start_ms) ||
      !internal::ParseIsoTimestamp(d->end_text, &d->end_ms)) {
    *error = "digestStartTime or digestEndTime is not a time";
    return false;
  }
  d->prev_bucket = OptionalString(root, "previousDigestS3Bucket");
  d->prev_object = OptionalString(root, "previousDigestS3Object");
  d->prev_hash = OptionalString(root, "previousDigestHashValue");
  d->prev_sig = OptionalString(root, "previousDigestSignature");
  simdjson::dom::array logs;
  if (root["logFiles"].get_array().get(logs) == simdjson::SUCCESS) {
    for (simdjson::dom::element e : logs) {
      LogRef ref;
      std::string_view object, hash;
      if (e["s3Object"].get_string().get(object) != simdjson::SUCCESS ||
          e["hashValue"].get_string().get(hash) != simdjson::SUCCESS) {
        *error = "a logFiles entry lacks s3Object or hashValue";
        return false;
      }
      d->logs.push_back({std::string(object), std::string(hash)});
    }
  } else if (root["logFiles"].error() != simdjson::NO_SUCH_FIELD) {
    *error = "logFiles is not an array";
    return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------
// Judging (step 4)

enum class Verify { kValid, kInvalid, kKeyUnknown, kKeyPeriod, kNoKeys, kNoSignature, kBadHex };

struct Validator {
  explicit Validator(const ValidateOptions& o) : options(o) {}
  const ValidateOptions& options;
  std::vector<Key> keys;
  bool have_keys = false;
  std::map<std::string, std::string> signatures;
  std::map<std::string, int64_t> generated;  // backfill-generation-timestamp by S3 key
  std::vector<Digest> digests;
  std::vector<std::string> logs_found;          // normal absolute paths of log files walked
  std::map<std::string, std::string> log_root;  // log path -> its root (for its S3 key)
  std::map<std::string, size_t> by_key;         // root + '\n' + key -> digest
  std::set<std::string> moved_at;               // root + '\n' + key where a moved digest lies
  ValidationReport report;
  internal::GzipHasher hasher{options.whole_file_bytes};

  // Per digest: the findings about its link to its previous digest (before it), and
  // its own finding.
  std::vector<std::vector<ValidationFinding>> link_findings;
  std::vector<ValidationFinding> own;

  bool InPeriod(int64_t from, int64_t to) const {
    return from <= options.end_ms && to >= options.start_ms;
  }

  ValidationFinding FindingFor(const Digest& d, std::string code, ValidationStatus status,
                               std::string detail) const {
    ValidationFinding f;
    f.code = std::move(code);
    f.status = status;
    f.file = d.key;
    f.account = d.place.account;
    f.region = d.place.region;
    f.trail = d.name.trail;
    f.detail = std::move(detail);
    return f;
  }

  // Whether `sig` (hex) is d's signature, and if not, why not.
  Verify Check(const Digest& d, const std::optional<std::string>& sig, std::string* why) const {
    if (!sig) {
      *why = "no signature is known for it";
      return Verify::kNoSignature;
    }
    if (!have_keys) {
      *why = "no public keys were given (--public-keys)";
      return Verify::kNoKeys;
    }
    const Key* key = nullptr;
    bool fingerprint_known = false;
    for (const Key& k : keys) {
      if (!EqualsIgnoreCase(k.fingerprint, d.fingerprint)) continue;
      fingerprint_known = true;
      // A backfill digest is written after its period, so the key that signed it need
      // not have been valid at its digestEndTime: awscli takes the keys valid within an
      // hour of its generation time (S3 metadata backfill-generation-timestamp, which a
      // head-object signatures file carries); without it, the fingerprint alone.
      bool valid = k.valid_from <= d.end_ms && d.end_ms <= k.valid_to;
      if (d.name.backfill) {
        const auto gen = generated.find(d.key);
        valid = gen == generated.end() ||
                (k.valid_from <= gen->second + 3600000 && gen->second - 3600000 <= k.valid_to);
      }
      if (valid) {
        key = &k;
        break;
      }
    }
    if (!fingerprint_known) {
      *why = "no public key has fingerprint " + d.fingerprint;
      return Verify::kKeyUnknown;
    }
    if (key == nullptr) {
      *why = "the key with fingerprint " + d.fingerprint + " is not valid at its digestEndTime " +
             d.end_text;
      return Verify::kKeyPeriod;
    }
    std::string raw;
    if (!internal::DecodeHex(*sig, &raw)) {
      *why = "its signature is not hex";
      return Verify::kBadHex;
    }
    const std::string message = d.end_text + "\n" + d.bucket + "/" + d.object + "\n" + d.sha256 +
                                "\n" + d.prev_sig.value_or("null");
    if (!internal::VerifySha256Rsa(key->key.get(), message, raw)) {
      *why = "its SHA256withRSA signature does not verify with key " + d.fingerprint;
      return Verify::kInvalid;
    }
    *why = "its SHA256withRSA signature verifies with key " + d.fingerprint;
    return Verify::kValid;
  }

  // The finding for a signature check that did not verify, the hash being fine.
  ValidationFinding NotVerified(const Digest& d, Verify v, const std::string& why,
                                const std::string& source) const {
    switch (v) {
      case Verify::kValid:
        return FindingFor(d, "digest-valid", ValidationStatus::kOk, why + " (" + source + ")");
      case Verify::kInvalid:
      case Verify::kBadHex:
        return FindingFor(d, "digest-signature-invalid", ValidationStatus::kFailed,
                          why + " (signature " + source + ")");
      case Verify::kKeyUnknown:
        return FindingFor(d, "digest-key-unknown", ValidationStatus::kFailed,
                          why + "; signature not verified");
      case Verify::kKeyPeriod:
        return FindingFor(d, "digest-key-invalid-period", ValidationStatus::kFailed,
                          why + "; signature not verified");
      case Verify::kNoKeys:
      case Verify::kNoSignature: break;
    }
    return FindingFor(d, "digest-signature-unverifiable", ValidationStatus::kUnverified,
                      why + "; its hash and chain were checked, its signature was not");
  }

  void JudgeLinks() {
    for (size_t i = 0; i < digests.size(); ++i) {
      Digest& d = digests[i];
      if (!d.readable || !d.prev_object) continue;
      const auto it = by_key.find(d.root + "\n" + *d.prev_object);
      if (it != by_key.end() && it->second != i) {
        d.previous = it->second;
        digests[it->second].successors.push_back(i);
      }
    }
  }

  // The chains' digests in order, each chain's digests by time.
  std::vector<std::vector<size_t>> Chains() const {
    std::map<std::string, std::vector<size_t>> chains;
    for (size_t i = 0; i < digests.size(); ++i) {
      if (!digests[i].moved) chains[digests[i].chain].push_back(i);
    }
    std::vector<std::vector<size_t>> out;
    for (auto& [id, members] : chains) {
      std::sort(members.begin(), members.end(), [&](size_t a, size_t b) {
        if (digests[a].time() != digests[b].time()) return digests[a].time() < digests[b].time();
        return digests[a].key < digests[b].key;
      });
      out.push_back(std::move(members));
    }
    return out;
  }

  // Judges digest p's own finding and, when it has a successor, the successor's link.
  void JudgeDigest(size_t p) {
    Digest& d = digests[p];
    if (!d.readable) {
      own[p] = FindingFor(d, "digest-unreadable", ValidationStatus::kFailed, d.error);
      return;
    }
    const auto supplied = signatures.find(d.key);
    std::optional<std::string> file_sig;
    if (supplied != signatures.end()) file_sig = supplied->second;

    // Two digests naming this one as previous: at most one is its real successor.
    for (size_t k = 1; k < d.successors.size(); ++k) {
      const Digest& s = digests[d.successors[k]];
      link_findings[d.successors[k]].push_back([&] {
        ValidationFinding f =
            FindingFor(s, "chain-broken", ValidationStatus::kFailed,
                       "names " + d.key + " as its previous digest, as " +
                           digests[d.successors[0]].key + " does: the chain was spliced");
        f.digest = d.key;
        return f;
      }());
    }
    if (d.successors.empty()) {
      std::string why;
      const Verify v = Check(d, file_sig, &why);
      if (v == Verify::kNoSignature) {
        own[p] = FindingFor(
            d, "digest-signature-unverifiable", ValidationStatus::kUnverified,
            "no later digest names it, so its signature is only in its S3 metadata "
            "(x-amz-meta-signature), which was not supplied (--signatures); its log file "
            "hashes were checked against it, its signature was not");
      } else {
        own[p] = NotVerified(d, v, why, "from the signatures file");
      }
    } else {
      const size_t si = d.successors[0];
      const Digest& s = digests[si];
      auto broken = [&](const std::string& detail) {
        ValidationFinding f = FindingFor(s, "chain-broken", ValidationStatus::kFailed, detail);
        f.digest = d.key;
        link_findings[si].push_back(std::move(f));
      };
      const bool hash_ok = s.prev_hash && EqualsIgnoreCase(*s.prev_hash, d.sha256);
      if (file_sig && s.prev_sig && !EqualsIgnoreCase(*file_sig, *s.prev_sig)) {
        broken("its previousDigestSignature differs from the signature supplied for " + d.key);
      }
      std::string why;
      const Verify v = Check(d, s.prev_sig, &why);
      const std::string source = "signature from " + s.key;
      if (v == Verify::kValid) {
        own[p] = FindingFor(
            d, "digest-valid", ValidationStatus::kOk,
            why + " (" + source + ")" + (hash_ok ? "; the next digest carries its SHA-256" : ""));
        if (!hash_ok) {
          broken("its previousDigestHashValue is not the SHA-256 of " + d.key +
                 ", whose signature verifies: the chain was altered");
        }
      } else if (!hash_ok) {
        own[p] = FindingFor(d, "digest-modified", ValidationStatus::kFailed,
                            "its SHA-256 " + d.sha256 + " differs from previousDigestHashValue " +
                                s.prev_hash.value_or("null") + " in " + s.key + "; " + why);
      } else {
        own[p] = NotVerified(d, v, why, source);
      }
    }
  }

  void JudgeChain(const std::vector<size_t>& members) {
    for (size_t n = 0; n < members.size(); ++n) {
      const size_t i = members[n];
      Digest& d = digests[i];
      const Digest* before = n > 0 ? &digests[members[n - 1]] : nullptr;
      if (!d.readable) continue;
      auto gap = [&](const std::string& reason) {
        ValidationFinding f;
        f.code = "gap";
        f.status = ValidationStatus::kInfo;
        f.account = d.place.account;
        f.region = d.place.region;
        f.trail = d.name.trail;
        f.start = before != nullptr && before->readable ? before->end_text : "";
        f.end = d.start_text;
        f.reason = reason;
        f.detail = "no digest covers " + (f.start.empty() ? "the time" : f.start) + " to " + f.end +
                   ": no log file delivered then can be validated";
        link_findings[i].push_back(std::move(f));
      };
      if (!d.prev_object) {
        if (before != nullptr) {
          gap("the chain restarts at " + d.key +
              " (its previous-digest fields are null): logging or log file validation was "
              "stopped and started again, or the trail was re-created");
        }
        continue;
      }
      if (!d.previous && moved_at.count(d.root + "\n" + *d.prev_object)) {
        // The file is there but holds another digest (digest-moved): the chain was
        // reordered, not cut.
        ValidationFinding f = FindingFor(d, "chain-broken", ValidationStatus::kFailed,
                                         "names " + *d.prev_object +
                                             " as its previous digest, but that file holds "
                                             "another digest (digest-moved): the chain was "
                                             "reordered");
        f.digest = *d.prev_object;
        link_findings[i].push_back(std::move(f));
        continue;
      }
      if (!d.previous && before == nullptr) {
        // The oldest digest of its chain in the tree: a copy starts somewhere, so the
        // digest before it is not evidence of deletion on its own.
        gap("the tree starts at " + d.key + ": the previous digest it names, " + *d.prev_object +
            ", is not in the tree (not copied, or deleted)");
        continue;
      }
      if (!d.previous) {
        ValidationFinding f =
            FindingFor(d, "digest-missing", ValidationStatus::kFailed,
                       "named as its previous digest by " + d.key + ", and not in the tree");
        f.file = *d.prev_object;
        link_findings[i].push_back(std::move(f));
        gap("digests were deleted: the digest before " + d.key + " is missing");
        continue;
      }
      const Digest& p = digests[*d.previous];
      auto broken = [&](const std::string& detail) {
        for (const ValidationFinding& f : link_findings[i]) {
          if (f.code == "chain-broken") return;  // one is enough: already spliced
        }
        ValidationFinding f = FindingFor(d, "chain-broken", ValidationStatus::kFailed, detail);
        f.digest = p.key;
        link_findings[i].push_back(std::move(f));
      };
      if (p.chain != d.chain) {
        broken("names " + p.key + " of another trail or region as its previous digest");
      } else if (p.readable && (p.end_ms > d.start_ms || p.time() > d.time())) {
        broken("names " + p.key + " (ending " + p.end_text + ") as its previous digest, but it " +
               "starts at " + d.start_text + ": the chain was reordered");
      } else if (before != nullptr && before != &p && p.time() < before->time()) {
        broken("names " + p.key + " as its previous digest, skipping " + before->key +
               ": the chain was reordered or spliced");
      }
    }
  }

  LogVerdict DigestVerdict(size_t i) const {
    switch (own[i].status) {
      case ValidationStatus::kOk: break;
      case ValidationStatus::kFailed: return LogVerdict::kFailed;
      default: return LogVerdict::kUnverified;
    }
    for (const ValidationFinding& f : link_findings[i]) {
      if (f.status == ValidationStatus::kFailed && f.code != "digest-missing") {
        return LogVerdict::kFailed;
      }
    }
    return LogVerdict::kValidated;
  }

  void CheckLogs(size_t i, std::set<std::string>* listed) {
    const Digest& d = digests[i];
    const LogVerdict digest_verdict = DigestVerdict(i);
    for (const LogRef& ref : d.logs) {
      const std::string path = NormalPath(fs::path(d.root) / ref.object);
      listed->insert(path);
      ValidationFinding f = FindingFor(d, "", ValidationStatus::kOk, "");
      f.file = ref.object;
      f.digest = d.key;
      const internal::GzipReadResult r = hasher.Hash(path);
      LogVerdict verdict = LogVerdict::kFailed;
      if (r.missing) {
        f.code = "log-missing";
        f.status = ValidationStatus::kFailed;
        f.detail = "listed by " + d.key + ", not in the tree";
      } else if (!r.ok) {
        f.code = "log-unreadable";
        f.status = ValidationStatus::kFailed;
        f.detail = r.error;
      } else {
        ++report.log_files;
        report.bytes += r.bytes;
        if (!EqualsIgnoreCase(r.sha256, ref.hash)) {
          f.code = "log-modified";
          f.status = ValidationStatus::kFailed;
          f.detail = "SHA-256 of its uncompressed contents is " + r.sha256 + ", " + d.key +
                     " lists " + ref.hash;
        } else {
          f.code = "log-valid";
          verdict = digest_verdict;
          f.detail =
              "SHA-256 matches " + d.key + std::string(", whose signature and chain ") +
              (verdict == LogVerdict::kValidated ? "verified"
               : verdict == LogVerdict::kFailed  ? "failed validation (" + own[i].code + ")"
                                                 : "could not be verified (" + own[i].code + ")");
        }
      }
      auto [it, inserted] = report.log_verdicts.emplace(path, verdict);
      if (!inserted && verdict != LogVerdict::kValidated) it->second = verdict;
      report.findings.push_back(std::move(f));
    }
  }

  void Run() {
    link_findings.assign(digests.size(), {});
    own.assign(digests.size(), {});
    JudgeLinks();
    const auto chains = Chains();
    for (const auto& members : chains) {
      for (size_t i : members) JudgeDigest(i);
    }
    for (const auto& members : chains) JudgeChain(members);
    // Regular chains before backfill ones: the chain ids end in "|backfill".
    std::set<std::string> listed;
    for (const auto& members : chains) {
      for (size_t i : members) {
        const Digest& d = digests[i];
        const bool in = d.readable ? InPeriod(d.start_ms, d.end_ms)
                                   : InPeriod(d.name.time_ms - 3600000, d.name.time_ms);
        for (ValidationFinding& f : link_findings[i]) {
          int64_t from = d.readable ? d.start_ms : d.name.time_ms, to = from;
          if (f.code == "gap" && !f.start.empty()) internal::ParseIsoTimestamp(f.start, &from);
          if (f.code == "gap" ? InPeriod(from, to) : in) report.findings.push_back(f);
        }
        if (!in) {
          for (const LogRef& ref : d.logs) listed.insert(NormalPath(fs::path(d.root) / ref.object));
          continue;
        }
        report.findings.push_back(own[i]);
        CheckLogs(i, &listed);
      }
    }
    for (const std::string& path : logs_found) {
      if (listed.count(path)) continue;
      int64_t delivered = 0;
      if (internal::DeliveryTimeFromFileName(path, &delivered) && !InPeriod(delivered, delivered)) {
        continue;
      }
      const std::string& root = log_root[path];
      const std::string rel = path.size() > root.size() ? path.substr(root.size() + 1) : path;
      const Place place = PlaceOf(rel, "CloudTrail");
      ValidationFinding f;
      f.code = "log-unlisted";
      f.status = ValidationStatus::kUnverified;
      f.file = rel;
      f.account = place.account;
      f.region = place.region;
      f.detail =
          "no digest lists it: added to the tree, or delivered while log file validation "
          "was off or in an hour whose digest is missing";
      report.log_verdicts.emplace(path, LogVerdict::kUnverified);
      report.findings.push_back(std::move(f));
    }
  }

  void ReadDigest(Digest* d, simdjson::dom::parser* parser) {
    std::string text;
    const internal::GzipReadResult r = hasher.ReadWhole(d->path, options.max_digest_bytes, &text);
    ++report.digests;
    if (!r.ok) {
      d->error = r.error;
      return;
    }
    report.bytes += r.bytes;
    d->sha256 = r.sha256;
    if (!ParseDigest(text, parser, d, &d->error)) return;
    d->readable = true;
    if (d->object != d->key) {
      // The PATH given may lie below the bucket root: the root is then where
      // digestS3Object says.
      const std::string suffix = "/" + d->object;
      if (EndsWith(d->path, suffix) && d->path.size() > suffix.size()) {
        d->root = d->path.substr(0, d->path.size() - suffix.size());
        d->key = d->object;
      } else {
        d->moved = true;
      }
    }
  }
};

}  // namespace

LogVerdict ValidationReport::VerdictOf(std::string_view path) const {
  const auto it = log_verdicts.find(NormalPath(fs::path(path)));
  return it == log_verdicts.end() ? LogVerdict::kNotCovered : it->second;
}

Result<ValidationReport> Validate(const std::vector<std::string>& paths,
                                  const ValidateOptions& options) {
  Validator v(options);
  if (!options.public_keys.empty()) {
    if (Status s = LoadKeys(options.public_keys, options.max_key_file_bytes, &v.keys); !s.ok()) {
      return s;
    }
    v.have_keys = true;
  }
  if (!options.signatures.empty()) {
    if (Status s = LoadSignatures(options.signatures, options.max_key_file_bytes, &v.signatures,
                                  &v.generated);
        !s.ok()) {
      return s;
    }
  }
  if (paths.empty()) return Status::Error(StatusCode::kInvalidInput, "no PATH to validate");
  for (const std::string& given : paths) {
    std::error_code ec;
    if (!fs::is_directory(given, ec)) {
      return Status::Error(StatusCode::kInvalidInput,
                           given + ": not a folder (give the folder that holds AWSLogs/)");
    }
    const std::string root = NormalPath(given);
    std::vector<std::string> files;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->is_regular_file(ec)) files.push_back(it->path().generic_string());
    }
    if (ec) return Status::Error(StatusCode::kIoError, given + ": " + ec.message());
    std::sort(files.begin(), files.end());
    for (const std::string& path : files) {
      const std::string rel = path.substr(root.size() + 1);
      const std::string name = path.substr(path.rfind('/') + 1);
      if (!EndsWith(name, ".json.gz")) continue;
      if (name.find("_CloudTrail-Digest_") != std::string::npos) {
        Digest d;
        d.path = path;
        d.root = root;
        d.key = rel;
        d.place = PlaceOf(rel, "CloudTrail-Digest");
        d.name = ParseDigestName(name);
        v.digests.push_back(std::move(d));
      } else if (name.find("_CloudTrail_") != std::string::npos && PlaceOf(rel, "CloudTrail").ok) {
        v.logs_found.push_back(path);
        v.log_root[path] = root;
      }
    }
  }
  simdjson::dom::parser parser;
  for (Digest& d : v.digests) {
    v.ReadDigest(&d, &parser);
    if (d.moved) {
      v.moved_at.insert(d.root + "\n" + d.key);
      continue;
    }
    d.chain = d.root + "|" + d.place.folder + "|" + d.name.trail + "|" + d.name.home_region +
              (d.name.backfill ? "|backfill" : "");
    v.by_key.emplace(d.root + "\n" + d.key, &d - v.digests.data());
  }
  v.Run();
  // A digest found away from where it says it was delivered: reported on its own, its
  // signature and log files unchecked (awscli: "has been moved from its original
  // location").
  for (const Digest& d : v.digests) {
    if (!d.moved) continue;
    v.report.findings.push_back(v.FindingFor(d, "digest-moved", ValidationStatus::kFailed,
                                             "its digestS3Object is " + d.object +
                                                 ": it was moved from where it was delivered; "
                                                 "its signature and log files were not checked"));
  }
  return std::move(v.report);
}

}  // namespace vigil
