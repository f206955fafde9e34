// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// An exclusive lock on a state file held for a whole run, so that two runs sharing the
// file cannot both read it, learn, and write it back (the last writer would silently
// drop what the other learned). `vigil scan --baseline` holds one on its baseline.
#pragma once

#include <string>
#include <string_view>

#include "vigil/status.h"

namespace vigil::internal {

// Holds flock(LOCK_EX) on a file until destroyed (or until the process ends: the kernel
// releases it even after a crash, so there is no stale lock to clean up).
//
// The lock is on the file's inode, and the file is replaced by rename when it is saved
// (WriteFileAtomically): Acquire checks, once locked, that `path` still names the inode
// it locked, and starts again otherwise, so a run that started while another was
// saving locks the new file, never the replaced one.
//
// Not thread-safe; not copyable. Symbolic links are followed (the target is locked); a
// link to a missing file is refused (kError) rather than replaced by a regular file.
class FileLock {
 public:
  enum class Result {
    kLocked,      // held until destruction
    kBusy,        // another process holds it: *error says so
    kNoFile,      // the file is missing and could not be created here (a read-only
                  // folder...): not locked, *error says why
    kError,       // the file exists but cannot be opened or locked: *error says why
  };

  FileLock() = default;
  ~FileLock();
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;

  // Locks `path` without waiting. A missing file is first created holding `initial`,
  // through a temporary file and link(2), so that no other run ever sees it empty or
  // half written.
  Result Acquire(const std::string& path, std::string_view initial, std::string* error);

 private:
  int fd_ = -1;
};

}  // namespace vigil::internal
