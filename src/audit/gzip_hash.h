// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The SHA-256 of a gzip file's uncompressed contents, as CloudTrail's hashValue is
// computed, and the whole uncompressed contents of a small gzip file (a digest).
// Internal to src/audit/; use include/vigil/validate.h instead.
//
// A file whose compressed size and announced uncompressed size (the gzip trailer) are
// both within `whole_bytes` is read in one read and inflated by libdeflate in one call
// (decompress.h); anything else, and anything libdeflate refuses, is decompressed by
// zlib as a stream (byte_source.h) and hashed piece by piece, so memory stays bounded
// whatever the file's size. A truncated or corrupt gzip stream is an error with its
// offset, never an abort. Sizes are checked before bytes are read.
//
// Tested by tests/audit/validate_test.cc.
#pragma once

#include <cstdint>
#include <string>

#include "inputs/decompress.h"
#include "inputs/padded_buffer.h"

namespace vigil::internal {

struct GzipReadResult {
  bool ok = false;
  bool missing = false;  // the file does not exist
  std::string error;     // why not ok
  std::string sha256;    // hex, when ok
  uint64_t bytes = 0;    // uncompressed bytes hashed
};

// Reused from file to file: buffers and libdeflate's decompressor. One per thread.
class GzipHasher {
 public:
  explicit GzipHasher(uint64_t whole_bytes) : whole_bytes_(whole_bytes) {}

  // Hashes the uncompressed contents of the gzip file at `path`.
  GzipReadResult Hash(const std::string& path);

  // Reads the whole uncompressed contents of the gzip file at `path` into *out (at most
  // `max_bytes`, compressed or uncompressed; more is an error) and hashes them.
  GzipReadResult ReadWhole(const std::string& path, uint64_t max_bytes, std::string* out);

 private:
  uint64_t whole_bytes_;
  WholeInflater inflater_;
  std::string compressed_;
  PaddedBuffer inflated_;
};

}  // namespace vigil::internal
