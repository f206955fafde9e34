// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Implementation of the Sigma encoding modifiers declared in encoding.h. These run at
// rule compile time, so clarity wins over speed here; only the output sizes are
// reserved up front.
#include "util/encoding.h"

#include <array>
#include <cstdint>
#include <utility>

#include "util/strings.h"

namespace vigil::internal {
namespace {

constexpr char kBase64Alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

// Appends one UTF-16 code unit in the requested byte order.
void PutUnit(uint16_t unit, bool little_endian, std::string* out) {
  const char lo = static_cast<char>(unit & 0xFF);
  const char hi = static_cast<char>(unit >> 8);
  if (little_endian) {
    out->push_back(lo);
    out->push_back(hi);
  } else {
    out->push_back(hi);
    out->push_back(lo);
  }
}

void AppendUtf16(std::string_view utf8, bool little_endian, std::string* out) {
  out->reserve(out->size() + utf8.size() * 2);
  size_t i = 0;
  while (i < utf8.size()) {
    char32_t cp;
    size_t length = DecodeUtf8(utf8, i, &cp);
    if (length == 0) {
      cp = 0xFFFD;
      length = 1;
    }
    i += length;
    if (cp < 0x10000) {
      PutUnit(static_cast<uint16_t>(cp), little_endian, out);
    } else {
      const uint32_t v = cp - 0x10000;
      PutUnit(static_cast<uint16_t>(0xD800 | (v >> 10)), little_endian, out);
      PutUnit(static_cast<uint16_t>(0xDC00 | (v & 0x3FF)), little_endian, out);
    }
  }
}

bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '_';
}

// The five spellings of a windash position, in the order variants are generated.
constexpr std::array<std::string_view, 5> kDashes = {
    "-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};

// Returns the byte length of the dash at value[pos] (1 or 3), or 0 if there is none.
size_t DashLengthAt(std::string_view value, size_t pos) {
  const char c = value[pos];
  if (c == '-' || c == '/') return 1;
  const std::string_view rest = value.substr(pos);
  for (size_t k = 2; k < kDashes.size(); ++k) {
    if (rest.starts_with(kDashes[k])) return kDashes[k].size();
  }
  return 0;
}

// A windash position: where it is in the value and which spelling the rule used.
struct DashSite {
  size_t pos;
  size_t length;
  size_t original;  // index into kDashes
};

}  // namespace

std::string Base64Encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  const auto byte = [&](size_t k) { return static_cast<uint32_t>(static_cast<uint8_t>(bytes[k])); };
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t group = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    out.push_back(kBase64Alphabet[(group >> 18) & 0x3F]);
    out.push_back(kBase64Alphabet[(group >> 12) & 0x3F]);
    out.push_back(kBase64Alphabet[(group >> 6) & 0x3F]);
    out.push_back(kBase64Alphabet[group & 0x3F]);
  }
  const size_t tail = bytes.size() - i;
  if (tail == 1) {
    const uint32_t group = byte(i) << 16;
    out.push_back(kBase64Alphabet[(group >> 18) & 0x3F]);
    out.push_back(kBase64Alphabet[(group >> 12) & 0x3F]);
    out.append("==");
  } else if (tail == 2) {
    const uint32_t group = (byte(i) << 16) | (byte(i + 1) << 8);
    out.push_back(kBase64Alphabet[(group >> 18) & 0x3F]);
    out.push_back(kBase64Alphabet[(group >> 12) & 0x3F]);
    out.push_back(kBase64Alphabet[(group >> 6) & 0x3F]);
    out.push_back('=');
  }
  return out;
}

std::vector<std::string> Base64OffsetVariants(std::string_view value) {
  static constexpr size_t kStart[3] = {0, 2, 3};
  // How many characters to drop from the end, indexed by (len + i) % 3. The encoded
  // tail is padded or shares its last group with bytes that follow `value`.
  static constexpr size_t kDropEnd[3] = {0, 3, 2};
  std::vector<std::string> variants;
  variants.reserve(3);
  std::string padded;
  for (size_t i = 0; i < 3; ++i) {
    padded.assign(i, ' ');
    padded.append(value);
    const std::string encoded = Base64Encode(padded);
    const size_t drop = kDropEnd[(value.size() + i) % 3];
    const size_t end = encoded.size() >= drop ? encoded.size() - drop : 0;
    const size_t start = kStart[i];
    variants.push_back(start < end ? encoded.substr(start, end - start) : std::string());
  }
  return variants;
}

std::string Utf16Le(std::string_view utf8) {
  std::string out;
  AppendUtf16(utf8, /*little_endian=*/true, &out);
  return out;
}

std::string Utf16Be(std::string_view utf8) {
  std::string out;
  AppendUtf16(utf8, /*little_endian=*/false, &out);
  return out;
}

std::string Utf16WithBom(std::string_view utf8) {
  std::string out("\xFF\xFE", 2);
  AppendUtf16(utf8, /*little_endian=*/true, &out);
  return out;
}

namespace {

// The windash positions of `value` (see WindashVariants).
std::vector<DashSite> FindDashSites(std::string_view value) {
  std::vector<DashSite> sites;
  for (size_t pos = 0; pos < value.size();) {
    const size_t length = DashLengthAt(value, pos);
    if (length == 0) {
      ++pos;
      continue;
    }
    const bool after_word = pos > 0 && IsWordChar(value[pos - 1]);
    const bool before_word = pos + length < value.size() && IsWordChar(value[pos + length]);
    if (!after_word && before_word) {
      size_t original = 0;
      while (kDashes[original] != value.substr(pos, length)) ++original;
      sites.push_back({pos, length, original});
    }
    pos += length;
  }
  return sites;
}

}  // namespace

ExpansionSize WindashVariantsSize(std::string_view value) {
  const std::vector<DashSite> sites = FindDashSites(value);
  ExpansionSize size;
  size_t dash_bytes = 0;
  for (const DashSite& site : sites) {
    dash_bytes += site.length;
    // Each site multiplies the count by five; past the limit the exact figure no
    // longer matters, and saturating keeps it overflow-free.
    size.count = size.count > kMaxWindashVariants ? size.count : size.count * kDashes.size();
  }
  if (size.count > kMaxWindashVariants) {
    size.count = SIZE_MAX;
    size.bytes = SIZE_MAX;
    return size;
  }
  // Every variant keeps the bytes around the sites; at each site each of the five
  // spellings (1 + 1 + 3 + 3 + 3 = 11 bytes together) appears in count / 5 variants.
  size_t spellings = 0;
  for (const auto& d : kDashes) spellings += d.size();
  size.bytes = size.count * (value.size() - dash_bytes) +
               sites.size() * (size.count / kDashes.size()) * spellings;
  return size;
}

ExpansionSize Base64OffsetVariantsSize(size_t length) {
  // Mirrors Base64OffsetVariants without encoding anything.
  static constexpr size_t kStart[3] = {0, 2, 3};
  static constexpr size_t kDropEnd[3] = {0, 3, 2};
  ExpansionSize size{0, 0};
  for (size_t i = 0; i < 3; ++i) {
    const size_t encoded = (i + length + 2) / 3 * 4;
    const size_t drop = kDropEnd[(length + i) % 3];
    const size_t end = encoded >= drop ? encoded - drop : 0;
    if (kStart[i] < end) {
      ++size.count;
      size.bytes += end - kStart[i];
    }
  }
  return size;
}

bool WindashVariants(std::string_view value, std::vector<std::string>* out,
                     std::string* error) {
  out->clear();
  const std::vector<DashSite> sites = FindDashSites(value);

  // Checking the site count rather than multiplying keeps the test overflow-free.
  size_t count = 1;
  for (size_t k = 0; k < sites.size(); ++k) {
    if (count > kMaxWindashVariants / kDashes.size()) {
      if (error != nullptr) {
        *error = "windash: the value has " + std::to_string(sites.size()) +
                 " dash positions; expanding them would exceed " +
                 std::to_string(kMaxWindashVariants) + " variants";
      }
      return false;
    }
    count *= kDashes.size();
  }

  // Order of the alternatives at each site: the original spelling, then the rest.
  const auto alternative = [](const DashSite& site, size_t choice) {
    if (choice == 0) return kDashes[site.original];
    return kDashes[choice <= site.original ? choice - 1 : choice];
  };

  out->reserve(count);
  std::vector<size_t> choice(sites.size(), 0);
  for (size_t n = 0; n < count; ++n) {
    // Mixed-radix counter, least significant digit at the rightmost site.
    size_t rest = n;
    for (size_t k = sites.size(); k-- > 0;) {
      choice[k] = rest % kDashes.size();
      rest /= kDashes.size();
    }
    std::string variant;
    variant.reserve(value.size() + 2 * sites.size());
    size_t copied = 0;
    for (size_t k = 0; k < sites.size(); ++k) {
      variant.append(value.substr(copied, sites[k].pos - copied));
      variant.append(alternative(sites[k], choice[k]));
      copied = sites[k].pos + sites[k].length;
    }
    variant.append(value.substr(copied));
    out->push_back(std::move(variant));
  }
  return true;
}

}  // namespace vigil::internal
