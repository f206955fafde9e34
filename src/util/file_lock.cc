// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0

#include "util/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace vigil::internal {
namespace {

std::string Why(const std::string& what, const std::string& path, int err) {
  return what + " " + path + ": " + std::strerror(err);
}

// Creates `path` holding `content`, all or nothing: false with errno set when it cannot
// (errno EEXIST when another process created it first).
bool CreateWhole(const std::string& path, std::string_view content) {
  std::string tmp = path + ".tmp.XXXXXX";
  const int fd = mkstemp(tmp.data());
  if (fd < 0) return false;
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : EIO;
      close(fd);
      unlink(tmp.c_str());
      errno = err;
      return false;
    }
    done += static_cast<size_t>(n);
  }
  const bool ok = fsync(fd) == 0 && close(fd) == 0;
  const int err = errno;
  if (!ok || link(tmp.c_str(), path.c_str()) != 0) {
    const int link_err = ok ? errno : err;
    unlink(tmp.c_str());
    errno = link_err;
    return false;
  }
  unlink(tmp.c_str());
  return true;
}

}  // namespace

FileLock::~FileLock() {
  if (fd_ >= 0) close(fd_);  // releases the lock
}

FileLock::Result FileLock::Acquire(const std::string& path, std::string_view initial,
                                   std::string* error) {
  // A few rounds cover a file replaced or created by another run between our steps;
  // more would mean a pathological race, reported rather than spun on.
  for (int round = 0; round < 16; ++round) {
    const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      if (errno != ENOENT) {
        *error = Why("cannot open", path, errno);
        return Result::kError;
      }
      if (struct stat l; lstat(path.c_str(), &l) == 0 && S_ISLNK(l.st_mode)) {
        *error = "cannot use " + path +
                 ": it is a symbolic link to a missing file (refused: create the "
                 "target, or remove the link)";
        return Result::kError;
      }
      if (!CreateWhole(path, initial)) {
        if (errno == EEXIST) continue;  // another run created it: lock that one
        *error = Why("cannot create", path, errno);
        return Result::kNoFile;
      }
      continue;
    }
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
      const int err = errno;
      close(fd);
      if (err == EWOULDBLOCK) {
        *error =
            path + " is in use by another scan (it holds an exclusive lock on it until it ends)";
        return Result::kBusy;
      }
      *error = Why("cannot lock", path, err);
      return Result::kError;
    }
    struct stat held, named;
    if (fstat(fd, &held) == 0 && stat(path.c_str(), &named) == 0 && held.st_dev == named.st_dev &&
        held.st_ino == named.st_ino) {
      fd_ = fd;
      return Result::kLocked;
    }
    close(fd);  // replaced (or removed) while we locked it: lock what the path names now
  }
  *error = "cannot lock " + path + ": it keeps being replaced";
  return Result::kError;
}

}  // namespace vigil::internal
