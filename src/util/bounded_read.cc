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
#include <vector>

namespace vigil::internal {
namespace {

// What a read of unknown size takes at a time. The pieces are joined at the end, so
// an input that passes the limit costs the limit (not the 2x of a doubling buffer,
// nor the copy while it grows): `--baseline /dev/zero` stops at 1 GiB + 1 MiB.
constexpr size_t kBlock = size_t{1} << 20;

}  // namespace

ReadResult ReadFileBounded(const std::string& path, size_t max_bytes, std::string* out, int* err) {
  out->clear();
  *err = 0;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    *err = errno;
    return ReadResult::kCannotOpen;
  }
  // Never more than max_bytes + 1: one byte past the limit proves it is passed.
  const size_t cap = max_bytes == SIZE_MAX ? max_bytes : max_bytes + 1;
  size_t first = kBlock;
  struct stat st;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      ::close(fd);
      *err = EISDIR;
      return ReadResult::kReadError;
    }
    if (S_ISREG(st.st_mode)) {
      // A regular file reports its size (a sparse one its apparent size): too large is
      // known before reading a byte. The size is still only a hint: a file that grows
      // while it is read is caught by the loop below.
      if (static_cast<uint64_t>(st.st_size) > max_bytes) {
        ::close(fd);
        return ReadResult::kTooLarge;
      }
      first = static_cast<size_t>(st.st_size) + 1;  // +1: end of file seen in one read
    }
  }
  std::vector<std::string> blocks;
  size_t total = 0;    // bytes read, over all blocks
  size_t in_last = 0;  // bytes read into blocks.back()
  ReadResult result = ReadResult::kOk;
  for (;;) {
    if (blocks.empty() || in_last == blocks.back().size()) {
      const size_t room = std::min(blocks.empty() ? first : kBlock, cap - total);
      if (room == 0) break;  // cap bytes read: past the limit
      blocks.emplace_back(room, '\0');
      in_last = 0;
    }
    std::string& b = blocks.back();
    const ssize_t n = ::read(fd, b.data() + in_last, b.size() - in_last);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      *err = errno;
      result = ReadResult::kReadError;
      break;
    }
    if (n == 0) break;
    in_last += static_cast<size_t>(n);
    total += static_cast<size_t>(n);
  }
  ::close(fd);
  if (result == ReadResult::kOk && total > max_bytes) result = ReadResult::kTooLarge;
  if (result != ReadResult::kOk) return result;
  if (blocks.size() == 1) {
    blocks[0].resize(total);
    *out = std::move(blocks[0]);
  } else {
    out->reserve(total);
    for (size_t i = 0; i < blocks.size(); ++i) {
      out->append(blocks[i], 0, i + 1 == blocks.size() ? in_last : blocks[i].size());
    }
  }
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
