// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// OpenSSL EVP for SHA-256 and SHA256withRSA (crypto.h).
#include "audit/crypto.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <limits>
#include <new>

namespace vigil::internal {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (ctx_ == nullptr || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) {
    throw std::bad_alloc();
  }
}

Sha256::~Sha256() { EVP_MD_CTX_free(ctx_); }

void Sha256::Update(const void* data, size_t n) {
  if (n > 0) EVP_DigestUpdate(ctx_, data, n);
}

std::string Sha256::HexFinal() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_, md, &len);
  EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex(len * 2, '0');
  for (unsigned int i = 0; i < len; ++i) {
    hex[2 * i] = kHex[md[i] >> 4];
    hex[2 * i + 1] = kHex[md[i] & 15];
  }
  return hex;
}

std::string Sha256Hex(std::string_view data) {
  Sha256 h;
  h.Update(data.data(), data.size());
  return h.HexFinal();
}

namespace {
int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

bool DecodeHex(std::string_view hex, std::string* out) {
  out->clear();
  if (hex.size() % 2 != 0) return false;
  out->reserve(hex.size() / 2);
  for (size_t i = 0; i < hex.size(); i += 2) {
    const int hi = HexDigit(hex[i]);
    const int lo = HexDigit(hex[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out->push_back(static_cast<char>(hi << 4 | lo));
  }
  return true;
}

bool DecodeBase64(std::string_view text, std::string* out) {
  out->clear();
  if (text.size() % 4 != 0 || text.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return false;
  }
  out->resize(text.size() / 4 * 3);
  // EVP_DecodeBlock decodes whole groups and counts the '=' padding as zero bytes.
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out->data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (n < 0) return false;
  size_t len = static_cast<size_t>(n);
  for (size_t i = text.size(); i > 0 && text[i - 1] == '=' && len > 0; --i) --len;
  out->resize(len);
  return true;
}

void PkeyFree::operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }

PublicKey LoadRsaPublicKeyDer(std::string_view der) {
  const auto* begin = reinterpret_cast<const unsigned char*>(der.data());
  const auto* end = begin + der.size();
  // d2i_PublicKey with EVP_PKEY_RSA reads the PKCS#1 RSAPublicKey structure, the form
  // ListPublicKeys documents and the AWS CLI loads. AWS's own example list also holds
  // a key in the X.509 SubjectPublicKeyInfo form (d2i_PUBKEY): both are taken.
  const unsigned char* p = begin;
  EVP_PKEY* key = d2i_PublicKey(EVP_PKEY_RSA, nullptr, &p, static_cast<long>(der.size()));
  if (key == nullptr || p != end) {
    EVP_PKEY_free(key);  // null is fine; trailing bytes: not exactly one key
    p = begin;
    key = d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size()));
    if (key != nullptr && (p != end || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA)) {
      EVP_PKEY_free(key);
      key = nullptr;
    }
  }
  return PublicKey(key);
}

bool VerifySha256Rsa(EVP_PKEY* key, std::string_view message, std::string_view signature) {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  if (ctx == nullptr) throw std::bad_alloc();
  // RSA keys default to PKCS#1 v1.5 padding: SHA256withRSA.
  bool ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(
                ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
  EVP_MD_CTX_free(ctx);
  return ok;
}

}  // namespace vigil::internal
