// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The cryptography of log file integrity validation, all of it OpenSSL's (EVP): a
// streaming SHA-256, hex and base64 decoding, loading an RSA public key in the form
// CloudTrail's ListPublicKeys returns (base64 of a DER PKCS#1 RSAPublicKey), and
// verifying a SHA256withRSA (RSASSA-PKCS1-v1_5) signature. Nothing here is hand-written
// crypto. Internal to src/audit/; use include/vigil/validate.h instead.
//
// Tested by tests/audit/validate_test.cc.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

typedef struct evp_md_ctx_st EVP_MD_CTX;
typedef struct evp_pkey_st EVP_PKEY;

namespace vigil::internal {

// SHA-256 over bytes given in pieces.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(const void* data, size_t n);
  // The digest as 64 lowercase hex digits (as CloudTrail writes hashValue). Starts over.
  std::string HexFinal();

 private:
  EVP_MD_CTX* ctx_;
};

// SHA-256 of `data`, lowercase hex.
std::string Sha256Hex(std::string_view data);

// Hex (either case) to bytes; false for an odd length or a non-hex digit.
bool DecodeHex(std::string_view hex, std::string* out);

// Standard base64 ('=' padded; whitespace not allowed) to bytes; false when malformed.
bool DecodeBase64(std::string_view text, std::string* out);

struct PkeyFree {
  void operator()(EVP_PKEY* p) const;
};
using PublicKey = std::unique_ptr<EVP_PKEY, PkeyFree>;

// The RSA key of a DER PKCS#1 RSAPublicKey; null when it is not one.
PublicKey LoadRsaPublicKeyDer(std::string_view der);

// Whether `signature` is a valid SHA256withRSA signature of `message` under `key`.
bool VerifySha256Rsa(EVP_PKEY* key, std::string_view message, std::string_view signature);

}  // namespace vigil::internal
