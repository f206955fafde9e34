// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Whole-line output with a bounded delay; see line_writer.h.
#include "cli/line_writer.h"

#include <errno.h>
#include <unistd.h>

namespace vigil::cli {

LineWriter::LineWriter(int fd, bool immediate) : fd_(fd), immediate_(immediate) {
  buf_.reserve(kBufferBytes);
  if (!immediate_) flusher_ = std::thread([this] { FlusherLoop(); });
}

LineWriter::~LineWriter() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
    FlushLocked();
  }
  cv_.notify_all();
  if (flusher_.joinable()) flusher_.join();
}

bool LineWriter::Write(std::string_view lines) { return Write({lines}); }

bool LineWriter::Flush() {
  std::lock_guard<std::mutex> lock(mu_);
  return FlushLocked();
}

int LineWriter::error() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

uint64_t LineWriter::writes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return writes_;
}

bool LineWriter::FlushLocked() {
  if (error_ != 0) return false;
  if (buf_.empty()) return true;
  const bool ok = WriteAllLocked(buf_.data(), buf_.size());
  buf_.clear();
  return ok;
}

bool LineWriter::Write(std::initializer_list<std::string_view> pieces) {
  size_t n = 0;
  for (std::string_view p : pieces) n += p.size();
  std::lock_guard<std::mutex> lock(mu_);
  if (error_ != 0) return false;
  if (!immediate_ && buf_.size() + n > kBufferBytes && !FlushLocked()) return false;
  if (immediate_ || n > kBufferBytes) {
    // Written at once, whole (on a terminal; or larger than the buffer by itself): a
    // line in pieces is joined first, a terminal's lines being few.
    if (pieces.size() == 1) return WriteAllLocked(pieces.begin()->data(), n);
    joined_.clear();
    for (std::string_view p : pieces) joined_.append(p);
    return WriteAllLocked(joined_.data(), joined_.size());
  }
  if (buf_.empty()) oldest_ = std::chrono::steady_clock::now();
  for (std::string_view p : pieces) buf_.append(p);
  return true;
}

bool LineWriter::WriteAllLocked(const char* p, size_t n) {
  // A signal (SIGINT, SIGTERM: their handlers do not restart calls) or a full pipe can
  // cut a write short; the rest follows at once, so the lines stay whole in the output.
  while (n > 0) {
    const ssize_t got = ::write(fd_, p, n);
    ++writes_;
    if (got < 0) {
      if (errno == EINTR) continue;
      error_ = errno != 0 ? errno : EIO;
      return false;
    }
    p += got;
    n -= static_cast<size_t>(got);
  }
  return true;
}

void LineWriter::FlusherLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  // Wakes every fifth of kMaxDelay: a line is written at most kMaxDelay and one tick
  // (600 ms) after it arrived, well within a second, whether or not input comes.
  while (!closing_) {
    cv_.wait_for(lock, kMaxDelay / 5);
    if (closing_) break;
    if (!buf_.empty() && std::chrono::steady_clock::now() - oldest_ >= kMaxDelay) FlushLocked();
  }
}

}  // namespace vigil::cli
