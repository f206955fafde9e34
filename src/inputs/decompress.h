// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Decompression: how a gzip input is read. gzip is recognised by its magic bytes
// (1f 8b), never by name. When the compressed input and the output its trailer
// announces are both within ReadOptions::max_inflate_bytes (or within one chunk), the
// input is read whole and libdeflate decompresses it in one call (WholeInflater); both
// sizes are known before the input is read (the file's size, and a 4-byte read of the
// trailer: GzipFitsWhole). Otherwise, or when libdeflate fails (several members,
// trailing bytes, a truncated or corrupt stream, a trailer that lies), zlib
// decompresses it as a stream (GzipSource, byte_source.h), which continues across
// members and reports the damage with its offset.
//
// libdeflate with its whole output in one buffer took 0.15 s of CPU beyond the NDJSON
// scan of the same 143 MB where zlib's stream took 0.28 s (benchmarks/README.md); the
// stream keeps memory within about one chunk for inputs beyond the bound.
//
// Internal to src/inputs/. Tested by tests/inputs/gzip_test.cc.
#pragma once

#include <cstdint>
#include <string_view>

#include "inputs/byte_source.h"
#include "inputs/padded_buffer.h"
#include "vigil/input.h"

struct libdeflate_decompressor;

namespace vigil::internal {

inline bool IsGzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

// Whether a gzip file of `size` bytes is read whole: it is within one chunk (the
// streaming path's own bound), or both it and the output its trailer announces are
// within max_inflate_bytes.
bool GzipFitsWhole(uint64_t size, FdSource* file, const ReadOptions& options);

// libdeflate's decompressor, kept from one input to the next. One per Reader.
class WholeInflater {
 public:
  WholeInflater();
  ~WholeInflater();
  WholeInflater(const WholeInflater&) = delete;
  WholeInflater& operator=(const WholeInflater&) = delete;

  // Decompresses `compressed` in one call into `out` (replacing what it held) when the
  // output its trailer announces is at most `bound`. False, with `out` empty, when
  // that is not so or libdeflate fails: the caller then reads `compressed` as a stream.
  bool Inflate(std::string_view compressed, uint64_t bound, PaddedBuffer* out);

 private:
  // Null only when allocation failed: every gzip input then takes the stream.
  libdeflate_decompressor* inflater_;
};

}  // namespace vigil::internal
