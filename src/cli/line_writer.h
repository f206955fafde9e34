// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// LineWriter: the jsonl output of `vigil scan`, written in whole lines and never held
// back for long. Internal to the `vigil` command.
//
// stdio splits a line across two write(2) calls when its buffer fills mid-line, so a
// scan killed or interrupted between them leaves half a JSON object; and a fully
// buffered stdout on a pipe keeps findings back until 64 KiB accumulate, which on a
// live `tail -f | vigil scan -` can be forever. Here:
//   - every write(2) holds whole lines (a partial write by the kernel is completed
//     before anything else is written);
//   - lines are gathered up to kBufferBytes and written when the buffer is full;
//   - on a terminal every line is written at once;
//   - otherwise a flusher thread writes whatever has waited kMaxDelay, so output is
//     flushed at least once per second even while the scan waits for input.
// Thread safety: all members may be called from any thread (one mutex); the flusher
// thread is owned and joined by the destructor.
#pragma once

#include <chrono>
#include <condition_variable>
#include <initializer_list>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

namespace vigil::cli {

class LineWriter {
 public:
  static constexpr size_t kBufferBytes = 64 << 10;
  static constexpr std::chrono::milliseconds kMaxDelay{500};

  // Writes to `fd` (not owned). `immediate`: write each line at once (a terminal).
  LineWriter(int fd, bool immediate);
  ~LineWriter();  // flushes what is left (errors then ignored: call Flush first)
  LineWriter(const LineWriter&) = delete;
  LineWriter& operator=(const LineWriter&) = delete;

  // Appends `lines` (one or more whole lines, each ending in '\n'). False once a write
  // has failed (error() tells which); nothing more is written then.
  bool Write(std::string_view lines);
  // The same for the concatenation of `pieces`, appended without first being joined
  // (a jsonl match line is its rule's part, its file's and its event's).
  bool Write(std::initializer_list<std::string_view> pieces);

  // Writes everything buffered. False when a write failed.
  bool Flush();

  // errno of the first failed write, 0 if none failed.
  int error() const;

  // write(2) calls made so far (tests count them).
  uint64_t writes() const;

 private:
  bool FlushLocked();                          // REQUIRES: mu_ held
  bool WriteAllLocked(const char* p, size_t n);  // REQUIRES: mu_ held
  void FlusherLoop();

  const int fd_;
  const bool immediate_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::string buf_;                                  // guarded by mu_
  std::string joined_;  // Write(pieces) on a terminal or past the buffer; guarded by mu_
  std::chrono::steady_clock::time_point oldest_;      // of buf_'s first line; guarded
  int error_ = 0;                                     // guarded by mu_
  uint64_t writes_ = 0;                               // guarded by mu_
  bool closing_ = false;                              // guarded by mu_
  std::thread flusher_;
};

}  // namespace vigil::cli
