// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Byte sources for the input readers: a file descriptor, a memory block, and a
// streaming gzip decoder (zlib) over another source. Internal; use
// include/vigil/input.h instead.
//
// A source hands out bytes in pieces of whatever size is available, so a reader can
// work on inputs of any size with bounded memory and process a pipe as data arrives.
// A source never throws: when it stops early (read error, truncated or corrupt gzip)
// it returns 0 like at the end of input and keeps a SourceError describing where the
// stream was damaged, which the reader reports after delivering everything that was
// read before the damage.
//
// Tested by tests/inputs/gzip_test.cc and tests/inputs/reader_test.cc.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace vigil::internal {

struct SourceError {
  bool failed = false;
  std::string message;
  // Bytes of (decompressed) output delivered before the damage.
  uint64_t output_offset = 0;
};

class ByteSource {
 public:
  virtual ~ByteSource() = default;
  // Reads up to `n` bytes into `dst`. Returns 0 only at the end of the input or after
  // an error (see error()). May return fewer bytes than asked for.
  virtual size_t Read(char* dst, size_t n) = 0;
  const SourceError& error() const { return error_; }

 protected:
  SourceError error_;
};

// Reads a file descriptor it does not own (the caller closes it).
class FdSource : public ByteSource {
 public:
  // `stop` (may be null): Read waits for input at most 100 ms at a time and returns 0,
  // as at the end, once *stop is true (ReadOptions::stop). For pipes and terminals,
  // where a read may wait for ever.
  explicit FdSource(int fd, const std::atomic<bool>* stop = nullptr) : fd_(fd), stop_(stop) {}
  size_t Read(char* dst, size_t n) override;
  // Reads exactly n bytes at `offset` without moving the read position (pread), for
  // a look at a gzip trailer before deciding how to read the file. False on any
  // error or short read; error() is not touched.
  bool ReadAt(uint64_t offset, char* dst, size_t n);

 private:
  int fd_;
  const std::atomic<bool>* stop_;
  uint64_t offset_ = 0;
};

// Reads a memory block the caller keeps alive.
class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string_view data) : data_(data) {}
  size_t Read(char* dst, size_t n) override;
  std::string_view rest() const { return data_.substr(pos_); }

 private:
  std::string_view data_;
  size_t pos_ = 0;
};

// Decompresses gzip from `initial` (bytes already read, which the caller keeps alive
// until the source is destroyed) followed by whatever `raw` still holds (`raw` may be
// null). Handles multi-member streams (as written by `cat a.gz b.gz` or pigz), and
// tolerates zero bytes after the last member (block-device padding). Anything else
// after a member, a truncated member or a corrupt one stops the stream with an error
// that gives the compressed byte offset.
class GzipSource : public ByteSource {
 public:
  GzipSource(std::string_view initial, ByteSource* raw);
  ~GzipSource() override;
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  size_t Read(char* dst, size_t n) override;
  // Compressed bytes taken from `initial` and `raw` so far.
  uint64_t compressed_bytes() const { return compressed_read_; }

 private:
  // Makes input available to zlib; false at the end of the compressed input.
  bool Refill();
  void Fail(const std::string& what);
  // Called at a member boundary with input left: starts the next member or, if the
  // rest is zero padding or garbage, ends the stream.
  bool StartNextMember();

  z_stream strm_{};
  bool initialized_ = false;
  ByteSource* raw_;
  std::string_view initial_;
  std::unique_ptr<unsigned char[]> in_;
  uint64_t compressed_read_ = 0;  // bytes handed to zlib so far (before avail_in)
  uint64_t output_ = 0;
  bool in_member_ = true;  // false right after a member ended
  bool input_ended_ = false;
  bool done_ = false;
};

}  // namespace vigil::internal
