// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// ReadFileBounded: see bounded_read.h.

#include "util/bounded_read.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>

namespace vigil::internal {
namespace {

// What a read of unknown size asks for at a time: the string grows by doubling up to
// the limit, never past it.
constexpr size_t kFirstRead = size_t{64} << 10;

}  // namespace

ReadResult ReadFileBounded(const std::string& path, size_t max_bytes, std::string* out, int* err) {
  out->clear();
  *err = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errno;
    return ReadResult::kCannotOpen;
  }
  struct stat st;
  size_t hint = kFirstRead;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      *err = EISDIR;
      return ReadResult::kReadError;
    }
    if (S_ISREG(st.st_mode)) {
      // A regular file reports its size (a sparse one its apparent size): too large is
      // known before reading a byte. The size is still only a hint for the buffer: a
      // file that grows while it is read is caught by the loop below.
      if (static_cast<uint64_t>(st.st_size) > max_bytes) {
        ::close(fd);
        return ReadResult::kTooLarge;
      }
      hint = static_cast<size_t>(st.st_size) + 1;  // +1: end of file seen in one read
    }
  }
  // Never more than max_bytes + 1: one byte past the limit proves it is passed.
  const size_t cap = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
  out->resize(std::min(hint, cap));
  size_t done = 0;
  ReadResult result = ReadResult::kOk;
  for (;;) {
    if (done == out->size()) {
      if (done >= cap) break;
      out->resize(std::min(cap, std::max(out->size() * 2, kFirstRead)));
    }
    const ssize_t n = ::read(fd, out->data() + done, out->size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = errno;
      result = ReadResult::kReadError;
      break;
    }
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  ::close(fd);
  if (result == ReadResult::kOk && done > max_bytes) result = ReadResult::kTooLarge;
  if (result != ReadResult::kOk) {
    out->clear();
    out->shrink_to_fit();
    return result;
  }
  out->resize(done);
  return result;
}

std::string ReadResultMessage(ReadResult result, int err, size_t max_bytes) {
  switch (result) {
    case ReadResult::kOk:
      return "ok";
    case ReadResult::kCannotOpen:
      return std::string("cannot open: ") + std::strerror(err);
    case ReadResult::kReadError:
      return std::string("cannot read: ") + std::strerror(err);
    case ReadResult::kTooLarge:
      return "larger than the limit of " + std::to_string(max_bytes) + " bytes";
  }
  return "?";
}

}  // namespace vigil::internal
