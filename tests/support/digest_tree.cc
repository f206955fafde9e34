// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// DigestTree (digest_tree.h).
#include "support/digest_tree.h"

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/sha.h>
#include <openssl/x509.h>
#include <zlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "inputs/scan_testing.h"
#include "util/timeparts.h"

namespace vigil::testing {
namespace {

std::string Hex(const unsigned char* p, size_t n) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s;
  for (size_t i = 0; i < n; ++i) {
    s.push_back(kHex[p[i] >> 4]);
    s.push_back(kHex[p[i] & 15]);
  }
  return s;
}

std::string Sha256Hex(const std::string& data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  return Hex(md, sizeof md);
}

std::string Sign(EVP_PKEY* key, const std::string& message) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  size_t len = 0;
  EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, key);
  EVP_DigestSign(ctx, nullptr, &len, reinterpret_cast<const unsigned char*>(message.data()),
                 message.size());
  std::string sig(len, '\0');
  EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                 reinterpret_cast<const unsigned char*>(message.data()), message.size());
  EVP_MD_CTX_free(ctx);
  return Hex(reinterpret_cast<const unsigned char*>(sig.data()), len);
}

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::string Quote(const std::string& s) { return "\"" + s + "\""; }

}  // namespace

EVP_PKEY* TestKey() {
  static EVP_PKEY* key = EVP_RSA_gen(2048);
  return key;
}

EVP_PKEY* OtherTestKey() {
  static EVP_PKEY* key = EVP_RSA_gen(2048);
  return key;
}

std::string Gunzip(const std::string& gz) {
  z_stream s{};
  inflateInit2(&s, 15 + 16);
  s.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  s.avail_in = static_cast<uInt>(gz.size());
  std::string out;
  char buf[65536];
  int rc = Z_OK;
  while (rc == Z_OK) {
    s.next_out = reinterpret_cast<Bytef*>(buf);
    s.avail_out = sizeof buf;
    rc = inflate(&s, Z_NO_FLUSH);
    out.append(buf, sizeof buf - s.avail_out);
  }
  inflateEnd(&s);
  return out;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void WriteFile(const std::string& path, const std::string& data) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << data;
}

DigestTree::DigestTree(std::string root, Layout layout)
    : root_(std::move(root)), layout_(std::move(layout)) {}

std::string DigestTree::Time(int hour, int minute, int second) {
  int64_t base = 0;
  vigil::internal::ParseIsoTimestamp("2026-12-01T00:00:00Z", &base);
  std::string iso =
      vigil::internal::FormatIsoMillis(base + ((hour * 60LL + minute) * 60 + second) * 1000);
  return iso.substr(0, 19) + "Z";  // without the milliseconds, as CloudTrail writes it
}

std::string DigestTree::Prefix() const {
  std::string p = layout_.prefix.empty() ? "" : layout_.prefix + "/";
  p += "AWSLogs/";
  if (!layout_.org.empty()) p += layout_.org + "/";
  return p + layout_.account + "/";
}

std::string DigestTree::DatePath(int hour) const {
  const std::string t = Time(hour);
  return t.substr(0, 4) + "/" + t.substr(5, 2) + "/" + t.substr(8, 2);
}

std::string DigestTree::AddUnlistedLog(int hour) {
  const std::string t = Time(hour, 30);
  const std::string stamp = t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" +
                            t.substr(11, 2) + t.substr(14, 2) + "Z";
  const std::string key = Prefix() + "CloudTrail/" + layout_.region + "/" + DatePath(hour) + "/" +
                          layout_.account + "_CloudTrail_" + layout_.region + "_" + stamp +
                          "_added" + std::to_string(hour) + ".json.gz";
  WriteFile(PathOf(key),
            Gzip("{\"Records\":[{\"eventName\":\"Added\",\"eventTime\":\"" + t + "\"}]}"));
  return key;
}

std::string DigestTree::AddLog(int hour, int n) {
  const std::string t = Time(hour, 5, n);
  const std::string stamp = t.substr(0, 4) + t.substr(5, 2) + t.substr(8, 2) + "T" +
                            t.substr(11, 2) + t.substr(14, 2) + "Z";
  const std::string key = Prefix() + "CloudTrail/" + layout_.region + "/" + DatePath(hour) + "/" +
                          layout_.account + "_CloudTrail_" + layout_.region + "_" + stamp + "_log" +
                          std::to_string(hour) + "x" + std::to_string(n) + ".json.gz";
  const std::string json =
      "{\"Records\":[{\"eventVersion\":\"1.08\",\"eventTime\":\"" + t +
      "\",\"eventSource\":\"cloudtrail.amazonaws.com\",\"eventName\":\"StopLogging\","
      "\"awsRegion\":\"" +
      layout_.region + "\",\"recipientAccountId\":\"" + layout_.account + "\"}]}";
  WriteFile(PathOf(key), Gzip(json));
  log_hashes_[key] = Sha256Hex(json);
  pending_logs_.push_back(key);
  return key;
}

std::string DigestTree::AddDigest(int hour, const DigestOptions& o) {
  const std::string start = Time(hour), end = Time(hour + 1);
  const std::string stamp = end.substr(0, 4) + end.substr(5, 2) + end.substr(8, 2) + "T" +
                            end.substr(11, 2) + end.substr(14, 2) + end.substr(17, 2) + "Z";
  const std::string key = Prefix() + "CloudTrail-Digest/" + layout_.region + "/" +
                          DatePath(hour + 1) + "/" + layout_.account + "_CloudTrail-Digest_" +
                          layout_.region + "_" + layout_.trail + "_" + layout_.region + "_" +
                          stamp + (o.backfill ? "_backfill" : "") + ".json.gz";
  std::string& prev_key = o.backfill ? last_backfill_key_ : last_key_;
  std::string& prev_sha = o.backfill ? last_backfill_sha_ : last_sha_;
  std::string& prev_sig = o.backfill ? last_backfill_sig_ : last_sig_;
  if (!o.previous.empty()) {
    prev_key = o.previous;
    prev_sha = shas_.at(o.previous);
    prev_sig = signatures_.at(o.previous);
  }
  const bool start_chain = o.restart || prev_key.empty();
  std::string logs;
  for (const std::string& log : pending_logs_) {
    if (!logs.empty()) logs += ",";
    logs += "{\"s3Bucket\":" + Quote(layout_.bucket) + ",\"s3Object\":" + Quote(log) +
            ",\"hashValue\":" + Quote(log_hashes_[log]) +
            ",\"hashAlgorithm\":\"SHA-256\",\"newestEventTime\":" + Quote(Time(hour, 5)) +
            ",\"oldestEventTime\":" + Quote(Time(hour, 5)) + "}";
  }
  pending_logs_.clear();
  const std::string null = "null";
  const std::string json =
      "{\"awsAccountId\":" + Quote(layout_.account) + ",\"digestStartTime\":" + Quote(start) +
      ",\"digestEndTime\":" + Quote(end) + ",\"digestS3Bucket\":" + Quote(layout_.bucket) +
      ",\"digestS3Object\":" + Quote(key) +
      ",\"digestPublicKeyFingerprint\":" + Quote(o.fingerprint) +
      ",\"digestSignatureAlgorithm\":\"SHA256withRSA\"" +
      ",\"newestEventTime\":" + (logs.empty() ? null : Quote(Time(hour, 5))) +
      ",\"oldestEventTime\":" + (logs.empty() ? null : Quote(Time(hour, 5))) +
      ",\"previousDigestS3Bucket\":" + (start_chain ? null : Quote(layout_.bucket)) +
      ",\"previousDigestS3Object\":" + (start_chain ? null : Quote(prev_key)) +
      ",\"previousDigestHashValue\":" + (start_chain ? null : Quote(prev_sha)) +
      ",\"previousDigestHashAlgorithm\":" + (start_chain ? null : Quote("SHA-256")) +
      ",\"previousDigestSignature\":" + (start_chain ? null : Quote(prev_sig)) + ",\"logFiles\":[" +
      logs + "]}";
  const std::string sha = Sha256Hex(json);
  const std::string sig =
      Sign(o.key != nullptr ? o.key : TestKey(), end + "\n" + layout_.bucket + "/" + key + "\n" +
                                                     sha + "\n" + (start_chain ? null : prev_sig));
  WriteFile(PathOf(key), Gzip(json));
  prev_key = key;
  prev_sha = sha;
  prev_sig = sig;
  signatures_[key] = sig;
  shas_[key] = sha;
  digests_.push_back(key);
  return key;
}

void DigestTree::WriteKeys(const std::string& path, const std::string& from, const std::string& to,
                           EVP_PKEY* key, const std::string& fingerprint, bool x509) {
  unsigned char* der = nullptr;
  // i2d_PublicKey of an RSA key writes the PKCS#1 RSAPublicKey, as ListPublicKeys returns.
  EVP_PKEY* k = key != nullptr ? key : TestKey();
  const int n = x509 ? i2d_PUBKEY(k, &der) : i2d_PublicKey(k, &der);
  const std::string value =
      Base64(std::string(reinterpret_cast<char*>(der), static_cast<size_t>(n)));
  OPENSSL_free(der);
  WriteFile(path, "{\"PublicKeyList\":[{\"Value\":" + Quote(value) + ",\"ValidityStartTime\":" +
                      Quote(from) + ",\"ValidityEndTime\":" + Quote(to) +
                      ",\"Fingerprint\":" + Quote(fingerprint) + "}]}");
}

void DigestTree::WriteSignatures(const std::string& path,
                                 const std::vector<std::string>& keys) const {
  std::string json = "{";
  for (const std::string& k : keys) {
    if (json.size() > 1) json += ",";
    json += Quote(k) + ":" + Quote(signatures_.at(k));
  }
  WriteFile(path, json + "}");
}

void DigestTree::Rewrite(const std::string& key, const std::string& from,
                         const std::string& to) const {
  std::string text = Gunzip(ReadFile(PathOf(key)));
  const size_t at = text.find(from);
  if (at == std::string::npos) throw std::runtime_error("Rewrite: '" + from + "' not in " + key);
  text.replace(at, from.size(), to);
  WriteFile(PathOf(key), Gzip(text));
}

}  // namespace vigil::testing
