// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Byte sources: file descriptor, memory block and streaming gzip (zlib). See
// byte_source.h for the interface and the error contract.
#include "inputs/byte_source.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace vigil::internal {
namespace {

// zlib counts in uInt; pieces of at most 1 GiB keep the casts safe on any input.
constexpr size_t kMaxZlibPiece = size_t{1} << 30;
// Compressed bytes read per refill. Small next to the output chunk because deflate
// expands several times; unmeasured.
constexpr size_t kCompressedChunk = size_t{256} << 10;

}  // namespace

size_t FdSource::Read(char* dst, size_t n) {
  if (error_.failed) return 0;
  for (;;) {
    if (stop_ != nullptr) {
      // Wait in slices, so a stop request (a signal handler setting the flag; the
      // signal may be delivered to another thread) ends even a read that waits for ever.
      if (stop_->load(std::memory_order_relaxed)) return 0;
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, 100);
      if (ready == 0 || (ready < 0 && errno == EINTR)) continue;
    }
    ssize_t got = ::read(fd_, dst, n);
    if (got >= 0) {
      offset_ += static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
    if (errno == EINTR) continue;
    error_.failed = true;
    error_.message = std::string("read error: ") + std::strerror(errno);
    error_.output_offset = offset_;
    return 0;
  }
}

bool FdSource::ReadAt(uint64_t offset, char* dst, size_t n) {
  size_t done = 0;
  while (done < n) {
    const ssize_t got = ::pread(fd_, dst + done, n - done, static_cast<off_t>(offset + done));
    if (got > 0) {
      done += static_cast<size_t>(got);
    } else if (got < 0 && errno == EINTR) {
      continue;
    } else {
      return false;
    }
  }
  return true;
}

size_t MemorySource::Read(char* dst, size_t n) {
  size_t take = std::min(n, data_.size() - pos_);
  if (take > 0) std::memcpy(dst, data_.data() + pos_, take);
  pos_ += take;
  return take;
}

GzipSource::GzipSource(std::string_view initial, ByteSource* raw)
    : raw_(raw), initial_(initial) {
  // 16 + MAX_WBITS: gzip wrapper only (a zlib or raw deflate stream is not a .gz file).
  if (inflateInit2(&strm_, 16 + MAX_WBITS) != Z_OK) {
    Fail("cannot initialise zlib");
    done_ = true;
    return;
  }
  initialized_ = true;
}

GzipSource::~GzipSource() {
  if (initialized_) inflateEnd(&strm_);
}

bool GzipSource::Refill() {
  if (!initial_.empty()) {
    size_t take = std::min(initial_.size(), kMaxZlibPiece);
    strm_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(initial_.data()));
    strm_.avail_in = static_cast<uInt>(take);
    initial_.remove_prefix(take);
    compressed_read_ += take;
    return true;
  }
  if (raw_ == nullptr) return false;
  if (!in_) in_.reset(new unsigned char[kCompressedChunk]);
  size_t got = raw_->Read(reinterpret_cast<char*>(in_.get()), kCompressedChunk);
  if (got == 0) return false;
  strm_.next_in = in_.get();
  strm_.avail_in = static_cast<uInt>(got);
  compressed_read_ += got;
  return true;
}

void GzipSource::Fail(const std::string& what) {
  if (error_.failed) return;
  error_.failed = true;
  error_.message = what;
  error_.output_offset = output_;
}

bool GzipSource::StartNextMember() {
  // Zero bytes after the last member are padding (tape and block devices write it);
  // gzip(1) accepts them too.
  if (strm_.next_in[0] == 0) {
    for (;;) {
      while (strm_.avail_in > 0 && strm_.next_in[0] == 0) {
        ++strm_.next_in;
        --strm_.avail_in;
      }
      if (strm_.avail_in > 0) break;
      if (!Refill()) {
        input_ended_ = true;
        return false;
      }
    }
  }
  uint64_t at = compressed_read_ - strm_.avail_in;
  if (strm_.next_in[0] != 0x1f) {
    Fail("unexpected data after the end of the gzip stream at compressed byte " +
         std::to_string(at));
    return false;
  }
  inflateReset(&strm_);
  in_member_ = true;
  return true;
}

size_t GzipSource::Read(char* dst, size_t n) {
  if (done_ || n == 0) return 0;
  n = std::min(n, kMaxZlibPiece);
  strm_.next_out = reinterpret_cast<Bytef*>(dst);
  strm_.avail_out = static_cast<uInt>(n);
  while (strm_.avail_out > 0) {
    if (strm_.avail_in == 0 && !input_ended_) {
      // Hand over what is already decoded rather than block on a pipe for more input.
      if (strm_.avail_out < n) break;
      if (!Refill()) input_ended_ = true;
    }
    if (!in_member_) {
      if (strm_.avail_in == 0 || !StartNextMember()) {
        done_ = true;
        break;
      }
      continue;
    }
    // Called even when the input has ended: zlib may still hold decoded output (the
    // rest of a match) that did not fit in the previous call.
    int ret = inflate(&strm_, Z_NO_FLUSH);
    if (ret == Z_STREAM_END) {
      in_member_ = false;
      continue;
    }
    if (ret == Z_OK) continue;
    if (ret == Z_BUF_ERROR && strm_.avail_out == 0) continue;
    if (ret == Z_BUF_ERROR && strm_.avail_in == 0) {
      if (!input_ended_) continue;
      if (raw_ != nullptr && raw_->error().failed) {
        Fail(raw_->error().message + " (in gzip input at compressed byte " +
             std::to_string(compressed_read_) + ")");
      } else {
        Fail("truncated gzip stream: the compressed input ends at byte " +
             std::to_string(compressed_read_) + " in the middle of a member, after " +
             std::to_string(output_ + (n - strm_.avail_out)) + " decompressed bytes");
      }
      done_ = true;
      break;
    }
    uint64_t at = compressed_read_ - strm_.avail_in;
    Fail("corrupt gzip stream at compressed byte " + std::to_string(at) + ", after " +
         std::to_string(output_ + (n - strm_.avail_out)) + " decompressed bytes: " +
         (strm_.msg != nullptr ? strm_.msg : "inflate error " + std::to_string(ret)));
    done_ = true;
    break;
  }
  size_t produced = n - strm_.avail_out;
  output_ += produced;
  // Fail() above ran before `output_` counted this piece.
  if (error_.failed && error_.output_offset < output_) error_.output_offset = output_;
  return produced;
}

}  // namespace vigil::internal
