// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Decompression of whole gzip inputs (decompress.h).
#include "inputs/decompress.h"

#include <libdeflate.h>

namespace vigil::internal {
namespace {

// ISIZE, a gzip member's last 4 bytes: the output size of the last member, modulo 2^32.
// Only a hint: wrong for several members, huge outputs or damaged input, and then
// libdeflate fails cleanly and zlib takes over.
uint64_t TrailerSize(const unsigned char* t) {
  return uint64_t{t[0]} | uint64_t{t[1]} << 8 | uint64_t{t[2]} << 16 | uint64_t{t[3]} << 24;
}

// The smallest gzip member: a 10-byte header, an empty block and an 8-byte trailer.
constexpr uint64_t kMinGzipBytes = 18;

}  // namespace

bool GzipFitsWhole(uint64_t size, FdSource* file, const ReadOptions& options) {
  if (size <= options.chunk_size) return true;
  if (size > options.max_inflate_bytes || size < kMinGzipBytes) return false;
  unsigned char t[4];
  if (!file->ReadAt(size - 4, reinterpret_cast<char*>(t), 4)) return false;
  return TrailerSize(t) <= options.max_inflate_bytes;
}

WholeInflater::WholeInflater() : inflater_(libdeflate_alloc_decompressor()) {}

WholeInflater::~WholeInflater() {
  if (inflater_ != nullptr) libdeflate_free_decompressor(inflater_);
}

bool WholeInflater::Inflate(std::string_view compressed, uint64_t bound, PaddedBuffer* out) {
  out->Clear();
  if (inflater_ == nullptr || compressed.size() < kMinGzipBytes) return false;
  const uint64_t isize = TrailerSize(
      reinterpret_cast<const unsigned char*>(compressed.data() + compressed.size() - 4));
  if (isize > bound) return false;
  out->Reserve(static_cast<size_t>(isize));
  size_t in_used = 0;
  size_t out_used = 0;
  const libdeflate_result r =
      libdeflate_gzip_decompress_ex(inflater_, compressed.data(), compressed.size(), out->data(),
                                    static_cast<size_t>(isize), &in_used, &out_used);
  if (r != LIBDEFLATE_SUCCESS || in_used != compressed.size()) return false;
  out->Resize(out_used);
  return true;
}

}  // namespace vigil::internal
