// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0

#include "util/atomic_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace vigil::internal {
namespace {

Status Fail(const std::string& what, const std::string& path, int err) {
  return Status::Error(StatusCode::kIoError, what + " " + path + ": " + std::strerror(err));
}

}  // namespace

Status WriteFileAtomically(const std::string& link_path, std::string_view content) {
  // A symbolic link is followed: the file it names is replaced, and the link stays (an
  // operator who links the file elsewhere, onto a shared volume, keeps that layout).
  std::string path = link_path;
  if (struct stat l; lstat(link_path.c_str(), &l) == 0 && S_ISLNK(l.st_mode)) {
    char* target = realpath(link_path.c_str(), nullptr);
    if (target == nullptr) return Fail("cannot follow the symbolic link", link_path, errno);
    path = target;
    std::free(target);
  }
  const size_t slash = path.rfind('/');
  const std::string dir =
      slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
  std::string tmp = path + ".tmp.XXXXXX";
  int fd = mkstemp(tmp.data());
  if (fd < 0) return Fail("cannot create a temporary file for", path, errno);
  // mkstemp creates 0600; a baseline is not secret but it need not be world-readable.
  // A file being replaced keeps its mode (the owner chose it: a group-readable baseline
  // must stay readable by the group).
  if (struct stat old; stat(path.c_str(), &old) == 0 && fchmod(fd, old.st_mode & 07777) != 0) {
    const int err = errno;
    close(fd);
    unlink(tmp.c_str());
    return Fail("cannot set the mode of", tmp, err);
  }
  size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = write(fd, content.data() + done, content.size() - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      const int err = errno;
      close(fd);
      unlink(tmp.c_str());
      return Fail("cannot write", tmp, err);
    }
    done += static_cast<size_t>(n);
  }
  if (fsync(fd) != 0) {
    const int err = errno;
    close(fd);
    unlink(tmp.c_str());
    return Fail("cannot flush", tmp, err);
  }
  if (close(fd) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return Fail("cannot close", tmp, err);
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    unlink(tmp.c_str());
    return Fail("cannot replace", path, err);
  }
  // The rename is durable once the folder's entry is on disk.
  if (int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY); dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
  return Status::Ok();
}

}  // namespace vigil::internal
