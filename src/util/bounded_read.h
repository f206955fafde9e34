// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Reading a whole file that must not be larger than a limit (rule files, --vars files,
// baselines), without ever holding more than the limit. A regular file's size is
// checked before anything is read (a huge or sparse file costs one fstat); anything
// else (a pipe, a character device such as /dev/zero, /proc files that report size 0)
// is read in a bounded loop that stops one byte past the limit. Either way the caller
// gets a clear error instead of the process running out of memory.
//
// Tested by tests/util/bounded_read_test.cc.
#pragma once

#include <cstddef>
#include <string>

namespace vigil::internal {


enum class ReadResult {
  kOk,
  kCannotOpen,  // open(2) failed: errno in *err
  kReadError,   // read(2) failed, or the path is a folder: errno in *err
  kTooLarge,    // larger than the limit: nothing kept in *out
};

// Reads the file at `path` into *out (replacing its contents) if it holds at most
// `max_bytes` bytes. On kTooLarge *out is empty and at most max_bytes + 1 bytes were
// read (none for a regular file, whose size is checked first). `*err` receives errno
// for kCannotOpen and kReadError.
ReadResult ReadFileBounded(const std::string& path, size_t max_bytes, std::string* out, int* err);

// "larger than the limit of N bytes" and the like, for messages: what a result means.
std::string ReadResultMessage(ReadResult result, int err, size_t max_bytes);

}  // namespace vigil::internal
