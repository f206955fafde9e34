// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the address and network parsing declared in cidr.h. The parsers
// walk the text once with indices into a fixed-size array: ParseIp runs for every
// candidate event value, and an allocation there would dominate the match.
#include "util/cidr.h"

#include <cstddef>
#include <utility>

namespace vigil::internal {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses a dotted quad into four bytes at `dst`.
bool ParseIpv4(std::string_view text, uint8_t* dst) {
  size_t i = 0;
  for (int octet = 0; octet < 4; ++octet) {
    if (octet > 0) {
      if (i >= text.size() || text[i] != '.') return false;
      ++i;
    }
    const size_t start = i;
    int value = 0;
    while (i < text.size() && IsDigit(text[i]) && i - start < 3) {
      value = value * 10 + (text[i] - '0');
      ++i;
    }
    const size_t digits = i - start;
    if (digits == 0 || value > 255) return false;
    if (digits > 1 && text[start] == '0') return false;
    dst[octet] = static_cast<uint8_t>(value);
  }
  return i == text.size();
}

// Parses the IPv6 text (brackets and zone already removed) into 16 bytes.
bool ParseIpv6(std::string_view text, uint8_t* dst) {
  const size_t n = text.size();
  std::array<uint16_t, 8> groups{};
  int count = 0;
  int gap = -1;  // index in `groups` where "::" stands, or -1
  size_t i = 0;
  if (n >= 1 && text[0] == ':') {
    if (n < 2 || text[1] != ':') return false;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    size_t end = i;
    bool has_dot = false;
    while (end < n && text[end] != ':') {
      if (text[end] == '.') has_dot = true;
      ++end;
    }
    if (has_dot) {
      // The embedded IPv4 form is only legal as the final 32 bits.
      if (end != n || count > 6) return false;
      uint8_t v4[4];
      if (!ParseIpv4(text.substr(i, end - i), v4)) return false;
      groups[count++] = static_cast<uint16_t>((v4[0] << 8) | v4[1]);
      groups[count++] = static_cast<uint16_t>((v4[2] << 8) | v4[3]);
      i = end;
      break;
    }
    const size_t digits = end - i;
    if (digits == 0 || digits > 4 || count == 8) return false;
    uint16_t value = 0;
    for (size_t k = i; k < end; ++k) {
      const int h = HexValue(text[k]);
      if (h < 0) return false;
      value = static_cast<uint16_t>((value << 4) | h);
    }
    groups[count++] = value;
    i = end;
    if (i == n) break;
    ++i;  // the ':' after the group
    if (i == n) return false;  // a trailing single ':'
    if (text[i] == ':') {
      if (gap >= 0) return false;  // a second "::"
      gap = count;
      ++i;
    }
  }
  if (gap < 0) {
    if (count != 8) return false;
  } else if (count > 7) {
    return false;  // "::" must stand for at least one group
  }
  // Spread the groups after the gap to the end; the gap itself is zeros.
  std::array<uint16_t, 8> full{};
  if (gap < 0) {
    full = groups;
  } else {
    for (int k = 0; k < gap; ++k) full[k] = groups[k];
    const int tail = count - gap;
    for (int k = 0; k < tail; ++k) full[8 - tail + k] = groups[gap + k];
  }
  for (int k = 0; k < 8; ++k) {
    dst[2 * k] = static_cast<uint8_t>(full[k] >> 8);
    dst[2 * k + 1] = static_cast<uint8_t>(full[k] & 0xFF);
  }
  return true;
}

bool IsV4Mapped(const IpAddress& ip) {
  if (!ip.v6) return false;
  for (int k = 0; k < 10; ++k) {
    if (ip.bytes[k] != 0) return false;
  }
  return ip.bytes[10] == 0xFF && ip.bytes[11] == 0xFF;
}

// Compares the first `prefix` bits of `a` and `b`.
bool PrefixEquals(const uint8_t* a, const uint8_t* b, int prefix) {
  const int whole = prefix / 8;
  for (int k = 0; k < whole; ++k) {
    if (a[k] != b[k]) return false;
  }
  const int bits = prefix % 8;
  if (bits == 0) return true;
  const uint8_t mask = static_cast<uint8_t>(0xFF00 >> bits);
  return (a[whole] & mask) == (b[whole] & mask);
}

void SetError(std::string* error, std::string message) {
  if (error != nullptr) *error = std::move(message);
}

}  // namespace

bool ParseIp(std::string_view text, IpAddress* out) {
  bool bracketed = false;
  if (!text.empty() && text.front() == '[') {
    if (text.size() < 2 || text.back() != ']') return false;
    text = text.substr(1, text.size() - 2);
    bracketed = true;
  }
  if (text.find(':') == std::string_view::npos) {
    if (bracketed) return false;
    out->v6 = false;
    out->bytes.fill(0);
    return ParseIpv4(text, out->bytes.data());
  }
  const size_t percent = text.find('%');
  if (percent != std::string_view::npos) {
    const std::string_view zone = text.substr(percent + 1);
    if (zone.empty() || zone.find('%') != std::string_view::npos) return false;
    text = text.substr(0, percent);
  }
  out->v6 = true;
  return ParseIpv6(text, out->bytes.data());
}

bool ParseCidr(std::string_view text, Cidr* out, std::string* error) {
  const size_t slash = text.find('/');
  const std::string_view address = text.substr(0, slash);
  IpAddress ip;
  if (!ParseIp(address, &ip)) {
    SetError(error, "invalid IP address '" + std::string(address) + "' in CIDR '" +
                        std::string(text) + "'");
    return false;
  }
  const int max_prefix = ip.v6 ? 128 : 32;
  int prefix = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    bool ok = !digits.empty() && digits.size() <= 3;
    int value = 0;
    for (char c : digits) {
      if (!IsDigit(c)) {
        ok = false;
        break;
      }
      value = value * 10 + (c - '0');
    }
    if (!ok || value > max_prefix) {
      SetError(error, "invalid prefix length '" + std::string(digits) + "' in CIDR '" +
                          std::string(text) + "' (expected 0.." +
                          std::to_string(max_prefix) + ")");
      return false;
    }
    prefix = value;
  }
  // Clear the host bits so CidrContains can compare whole bytes against `net`.
  for (int bit = prefix; bit < max_prefix; ++bit) {
    ip.bytes[bit / 8] &= static_cast<uint8_t>(~(0x80 >> (bit % 8)));
  }
  out->net = ip;
  out->prefix = prefix;
  return true;
}

bool CidrContains(const Cidr& cidr, const IpAddress& ip) {
  if (!cidr.net.v6) {
    if (!ip.v6) return PrefixEquals(cidr.net.bytes.data(), ip.bytes.data(), cidr.prefix);
    if (IsV4Mapped(ip)) {
      return PrefixEquals(cidr.net.bytes.data(), ip.bytes.data() + 12, cidr.prefix);
    }
    return false;
  }
  if (!ip.v6) return false;
  return PrefixEquals(cidr.net.bytes.data(), ip.bytes.data(), cidr.prefix);
}

}  // namespace vigil::internal
