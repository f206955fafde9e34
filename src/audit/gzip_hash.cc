// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Hashing gzip files (gzip_hash.h).
#include "audit/gzip_hash.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "audit/crypto.h"
#include "inputs/byte_source.h"

namespace vigil::internal {
namespace {

// Closes the descriptor it holds.
struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

constexpr size_t kPiece = size_t{256} << 10;

// Opens `path` for reading and gets its size. False with *r's error (or missing) set.
bool Open(const std::string& path, Fd* fd, uint64_t* size, GzipReadResult* r) {
  fd->fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd->fd < 0) {
    r->missing = errno == ENOENT;
    r->error = std::string("cannot open: ") + std::strerror(errno);
    return false;
  }
  struct stat st;
  if (fstat(fd->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    r->error = "not a regular file";
    return false;
  }
  *size = static_cast<uint64_t>(st.st_size);
  return true;
}

// Reads exactly `size` bytes from the start of `source` into *out.
bool ReadAll(FdSource* source, uint64_t size, std::string* out, GzipReadResult* r) {
  out->resize(static_cast<size_t>(size));
  size_t got = 0;
  while (got < out->size()) {
    const size_t n = source->Read(out->data() + got, out->size() - got);
    if (n == 0) break;
    got += n;
  }
  if (got != out->size() || source->error().failed) {
    r->error = source->error().failed ? source->error().message : "the file shrank while read";
    return false;
  }
  return true;
}

bool NotGzip(std::string_view head, GzipReadResult* r) {
  if (IsGzip(head)) return false;
  r->error = "not gzip (no 1f 8b magic bytes)";
  return true;
}

// Streams `gz` into `sink(data, n)` until its end; false with *r's error on damage or
// when more than `max_bytes` come out.
template <class Sink>
bool Drain(GzipSource* gz, uint64_t max_bytes, GzipReadResult* r, Sink sink) {
  std::unique_ptr<char[]> piece(new char[kPiece]);
  uint64_t total = 0;
  for (;;) {
    const size_t n = gz->Read(piece.get(), kPiece);
    if (n == 0) break;
    total += n;
    if (total > max_bytes) {
      r->error = "uncompressed size over the limit of " + std::to_string(max_bytes) + " bytes";
      return false;
    }
    sink(piece.get(), n);
  }
  if (gz->error().failed) {
    r->error = gz->error().message + " (after " + std::to_string(total) + " uncompressed bytes)";
    return false;
  }
  r->bytes = total;
  return true;
}

}  // namespace

GzipReadResult GzipHasher::Hash(const std::string& path) {
  GzipReadResult r;
  Fd fd;
  uint64_t size = 0;
  if (!Open(path, &fd, &size, &r)) return r;
  FdSource source(fd.fd);
  Sha256 sha;
  if (size <= whole_bytes_) {
    if (!ReadAll(&source, size, &compressed_, &r) || NotGzip(compressed_, &r)) return r;
    if (inflater_.Inflate(compressed_, whole_bytes_, &inflated_)) {
      sha.Update(inflated_.data(), inflated_.size());
      r.bytes = inflated_.size();
    } else {
      // Several members, trailing bytes, damage: zlib's stream says what and where.
      MemorySource memory(compressed_);
      GzipSource gz(std::string_view(), &memory);
      if (!Drain(&gz, UINT64_MAX, &r, [&](const char* p, size_t n) { sha.Update(p, n); })) {
        return r;
      }
    }
  } else {
    char head[2] = {0, 0};
    if (!source.ReadAt(0, head, 2) || NotGzip(std::string_view(head, 2), &r)) {
      if (r.error.empty()) r.error = "cannot read";
      return r;
    }
    GzipSource gz(std::string_view(), &source);
    if (!Drain(&gz, UINT64_MAX, &r, [&](const char* p, size_t n) { sha.Update(p, n); })) return r;
  }
  r.sha256 = sha.HexFinal();
  r.ok = true;
  return r;
}

GzipReadResult GzipHasher::ReadWhole(const std::string& path, uint64_t max_bytes,
                                     std::string* out) {
  GzipReadResult r;
  out->clear();
  Fd fd;
  uint64_t size = 0;
  if (!Open(path, &fd, &size, &r)) return r;
  if (size > max_bytes) {
    r.error = "larger than the limit of " + std::to_string(max_bytes) + " bytes";
    return r;
  }
  FdSource source(fd.fd);
  if (!ReadAll(&source, size, &compressed_, &r) || NotGzip(compressed_, &r)) return r;
  MemorySource memory(compressed_);
  GzipSource gz(std::string_view(), &memory);
  if (!Drain(&gz, max_bytes, &r, [&](const char* p, size_t n) { out->append(p, n); })) {
    out->clear();
    return r;
  }
  r.sha256 = Sha256Hex(*out);
  r.ok = true;
  return r;
}

}  // namespace vigil::internal
