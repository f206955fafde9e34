// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Framing (framing.h): how the first lines decide between NDJSON and one document, and
// the two loops that then hand texts to the Reader, within the memory bounds of
// docs/limits.md.
#include "inputs/framing.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "inputs/json_scanner.h"

namespace vigil::internal {
namespace {

constexpr size_t kNpos = std::string::npos;
// FindNonWsWithin and FindNewline: the bytes ran on past the limit.
constexpr size_t kTooFar = kNpos - 1;
constexpr size_t kMinBuffer = 16;
// How far past the first line the framing decision looks for the next one (Run).
constexpr size_t kFramingLookahead = 1u << 20;

bool IsWs(char c) { return JsonScanner::IsWs(c); }

size_t SaturatingAdd(uint64_t a, uint64_t b) {
  const uint64_t sum = a + b < a ? UINT64_MAX : a + b;
  return static_cast<size_t>(std::min<uint64_t>(sum, SIZE_MAX));
}

// The next capacity of a buffer that must grow, by doubling, to hold `most` bytes at
// most: when doubling would leave it short of `most` by less than half, it goes
// straight to `most`, so the last step copies half of it (not all of it) while the new
// block is filled. An endless line then peaks at 1.5 x max_document_bytes, not 2x
// (or 3x without the cap).
size_t GrowTowards(size_t cap, size_t most) {
  if (cap >= most) return cap;
  const size_t doubled = std::max(kMinBuffer, cap * 2);
  return doubled + doubled / 2 >= most ? most : doubled;
}

}  // namespace

void Framer::Start(ByteSource* src, std::optional<uint64_t> size) {
  src_ = src;
  remaining_hint_ = size;
  eof_ = false;
  buf_base_ = 0;
  buf_.Clear();
  end_line_ = 0;
  if (src != nullptr) {
    buf_.Reserve(std::max(kMinBuffer, size ? static_cast<size_t>(std::min<uint64_t>(
                                                 *size + 1, options_.chunk_size))
                                           : options_.chunk_size));
  }
}

size_t Framer::ReadSome() {
  if (eof_) return 0;
  if (src_ == nullptr) {
    eof_ = true;
    return 0;
  }
  if (buf_.free_space() == 0) {
    // Doubling, but not past what any caller needs: a document or line of
    // max_document_bytes + 1 (one byte proves it too long) after at most WsLimit()
    // bytes of leading whitespace. Without the cap, an endless line (/dev/zero) took
    // the buffer to 2 GiB, plus the 1 GiB being copied. Past it (no caller gets there)
    // the buffer grows by one chunk.
    const size_t most = SaturatingAdd(options_.max_document_bytes, 1 + WsLimit());
    const size_t cap = buf_.capacity();
    buf_.Reserve(cap < most ? GrowTowards(cap, most) : SaturatingAdd(cap, WsLimit()));
  }
  size_t want = std::min(buf_.free_space(), options_.chunk_size);
  size_t got = src_->Read(buf_.end(), want);
  if (got == 0) {
    eof_ = true;
    return 0;
  }
  buf_.Resize(buf_.size() + got);
  *bytes_ += got;
  if (remaining_hint_) *remaining_hint_ -= std::min<uint64_t>(*remaining_hint_, got);
  return got;
}

size_t Framer::FindNewline(size_t from) {
  // A line of at most max_document_bytes has its newline within this many bytes. Only
  // these are looked at, however many are buffered, so that the answer is the same
  // whole in memory or in chunks of any size (found by fuzz_reader).
  const size_t stop_at = SaturatingAdd(from, SaturatingAdd(options_.max_document_bytes, 1));
  size_t scanned = from;
  for (;;) {
    const char* data = buf_.data();
    const size_t end = std::min(buf_.size(), stop_at);
    const void* nl = std::memchr(data + scanned, '\n', end - scanned);
    if (nl != nullptr) return static_cast<size_t>(static_cast<const char*>(nl) - data);
    if (end == stop_at) return kTooFar;
    scanned = end;
    if (ReadSome() == 0) return kNpos;
  }
}

size_t Framer::SkipLeadingWs(size_t* begin, uint64_t* first_line) {
  size_t from = *begin;
  for (;;) {
    const char* data = buf_.data();
    for (size_t i = from; i < buf_.size(); ++i) {
      if (!IsWs(data[i])) return i;
    }
    if (buf_.size() >= WsLimit()) {
      // Nothing but whitespace (and a BOM) so far, more than the limit: drop it, count
      // its lines, and go on from an empty buffer.
      *first_line += static_cast<uint64_t>(std::count(data, data + buf_.size(), '\n'));
      buf_base_ += buf_.size();
      buf_.Clear();
      *begin = from = 0;
    } else {
      from = buf_.size();
    }
    if (ReadSome() == 0) return kNpos;
  }
}

size_t Framer::FindNonWsWithin(size_t from, size_t limit) {
  // Exactly `limit` bytes are looked at, however many are already buffered: the framing
  // decided on them must not depend on how the input arrives (whole in memory, or in
  // chunks of any size), or one input would give different record indexes.
  const size_t stop_at = SaturatingAdd(from, limit);
  for (;;) {
    const char* data = buf_.data();
    const size_t stop = std::min(buf_.size(), stop_at);
    for (size_t i = from; i < stop; ++i) {
      if (!IsWs(data[i])) return i;
    }
    if (stop == stop_at) return kTooFar;
    from = stop;
    if (ReadSome() == 0) return kNpos;
  }
}

bool Framer::Run(TextHandler* handler) {
  handler_ = handler;
  while (buf_.size() < 3 && ReadSome() > 0) {
  }
  size_t begin = 0;
  if (buf_.size() >= 3 && std::memcmp(buf_.data(), "\xEF\xBB\xBF", 3) == 0) begin = 3;

  bool go_on = true;
  // Leading whitespace beyond WsLimit() is not kept (3 GB of newlines before the
  // first record cost no memory); first_line then counts the lines dropped.
  uint64_t first_line = 1;
  const size_t content = SkipLeadingWs(&begin, &first_line);
  if (content == kNpos) {
    end_line_ = first_line + static_cast<uint64_t>(std::count(buf_.data(), buf_.end(), '\n'));
  } else {
    const size_t nl = FindNewline(content);
    // A first line longer than max_document_bytes: the input is one text too large,
    // skipped and reported (below). Not read on line by line: an input that never
    // ends a line (/dev/zero) would then be read for ever.
    const bool too_long = nl == kTooFar;
    // A first line holding one complete value is read line by line at once: whatever
    // follows (more lines: NDJSON; nothing: one text, whose record is the same), and
    // on a live pipe its record must not wait for a second line that may never come
    // (`tail -f | vigil scan -`).
    const bool complete =
        !too_long && nl != kNpos &&
        ClassifyLine(buf_.data() + content, buf_.data() + nl) == LineShape::kComplete;
    // Whitespace after the first line is looked through only up to kFramingLookahead:
    // a longer run decides without seeing what follows it (below), so it is never kept
    // whole. A constant, not the chunk size: the decision is the same however the
    // input is read (found by fuzz_reader, which reads whole and in small chunks).
    const size_t next =
        too_long || complete || nl == kNpos ? kNpos : FindNonWsWithin(nl + 1, kFramingLookahead);
    if (complete) {
      go_on = NdjsonLoop(begin, first_line);
    } else if (next == kNpos) {
      // One line (or one longer than the limit), and nothing after it: one text.
      go_on = ReadAllThenProcess(begin, first_line);
    } else {
      const char* data = buf_.data();
      LineShape first = ClassifyLine(data + content, data + nl);  // not kComplete
      bool ndjson = false;
      if (next == kTooFar) {
        // A complete value (or a broken line) and then a long run of whitespace: read
        // line by line, which skips blank lines without keeping them and gives a
        // single value the same record as reading it whole. Only a first line that
        // starts a value (a pretty-printed document) is read whole.
        ndjson = first != LineShape::kIncomplete;
      } else if (first == LineShape::kInvalid) {
        size_t nl2 = FindNewline(next);
        // At the end of the input, or past the longest line: the bytes looked at, which
        // are the same however the input is read.
        if (nl2 == kNpos) nl2 = buf_.size();
        if (nl2 == kTooFar)
          nl2 = std::min(buf_.size(),
                         SaturatingAdd(next, SaturatingAdd(options_.max_document_bytes, 1)));
        data = buf_.data();
        ndjson = ClassifyLine(data + next, data + nl2) == LineShape::kComplete;
      }
      go_on = ndjson ? NdjsonLoop(begin, first_line) : ReadAllThenProcess(begin, first_line);
    }
  }
  if (go_on && src_ != nullptr && src_->error().failed) {
    const SourceError& e = src_->error();
    handler_->OnFramingError(end_line_, e.output_offset, /*takes_index=*/false, e.message);
  }
  src_ = nullptr;  // the caller's source may end with the call
  return go_on;
}

bool Framer::ReadAllThenProcess(size_t begin, uint64_t first_line) {
  const uint64_t limit = options_.max_document_bytes;
  if (remaining_hint_ && buf_.size() - begin + *remaining_hint_ > limit) {
    handler_->OnFramingError(0, buf_base_ + begin, /*takes_index=*/false,
                "JSON document of " + std::to_string(buf_.size() - begin + *remaining_hint_) +
                    " bytes is larger than max_document_bytes (" + std::to_string(limit) +
                    "); input skipped");
    return true;
  }
  if (remaining_hint_) buf_.Reserve(buf_.size() + static_cast<size_t>(*remaining_hint_) + 1);
  while (!eof_ && buf_.size() - begin <= limit) {
    // Grow to what proves the limit passed (limit + 1 bytes), not to the next power of
    // two: for an endless input (/dev/zero) that is 1 GiB held, not 2 GiB plus a copy.
    if (buf_.free_space() == 0)
      buf_.Reserve(GrowTowards(buf_.capacity(), SaturatingAdd(begin + limit, 1)));
    ReadSome();
  }
  if (buf_.size() - begin > limit) {
    handler_->OnFramingError(0, buf_base_ + begin, /*takes_index=*/false,
                "JSON document is larger than max_document_bytes (" + std::to_string(limit) +
                    "); input skipped");
    return true;
  }
  bool go_on = handler_->OnText(buf_.data() + begin, buf_.end(), first_line, /*single_line=*/false);
  // Needed only to place a stream error (Run); counting costs a pass over the text.
  if (src_ != nullptr && src_->error().failed)
    end_line_ =
        first_line + static_cast<uint64_t>(std::count(buf_.data() + begin, buf_.end(), '\n'));
  return go_on;
}

bool Framer::NdjsonLoop(size_t begin, uint64_t first_line) {
  size_t pos = begin;     // start of the current line
  size_t search = begin;  // no newline in [pos, search)
  uint64_t line = first_line;
  for (;;) {
    if (handler_->Stopped()) return false;
    const char* data = buf_.data();
    if (pos == search) {
      // At the start of a line: blank lines and the whitespace before a value are
      // skipped here, their newlines counted, and never kept, so a run of whitespace
      // of any length costs no memory (only the line that follows it is buffered).
      size_t p = pos;
      while (p < buf_.size() && IsWs(data[p])) {
        if (data[p] == '\n') ++line;
        ++p;
      }
      pos = search = p;
      if (p == buf_.size()) {
        if (eof_) {
          end_line_ = line;
          return true;
        }
        buf_base_ += buf_.size();
        buf_.Clear();
        pos = search = 0;
        ReadSome();
        continue;
      }
    }
    const void* found = std::memchr(data + search, '\n', buf_.size() - search);
    if (found != nullptr) {
      size_t nl = static_cast<size_t>(static_cast<const char*>(found) - data);
      if (nl - pos > options_.max_document_bytes) {
        // A whole line already in memory (a gzip input decompressed whole) is held to
        // the same limit as one that had to be read in pieces.
        handler_->OnFramingError(line, buf_base_ + pos, /*takes_index=*/true,
                    "line longer than max_document_bytes (" +
                        std::to_string(options_.max_document_bytes) + "); skipped");
      } else if (!ProcessLine(pos, nl, line)) {
        return false;
      }
      ++line;
      pos = search = nl + 1;
      continue;
    }
    if (eof_) {
      end_line_ = line;
      return pos < buf_.size() ? ProcessLine(pos, buf_.size(), line) : true;
    }
    // Keep the partial line, at the front, and read the next chunk behind it.
    if (pos > 0) {
      buf_base_ += pos;
      buf_.Consume(pos);
      pos = 0;
    }
    search = buf_.size();
    if (buf_.size() > options_.max_document_bytes) {
      DiscardLongLine(line);
      ++line;
      pos = search = 0;
      continue;
    }
    // A long line fills the buffer: grow it rather than read in ever smaller pieces.
    // Never beyond max_document_bytes + 1, which is enough to know the line too long.
    const size_t most = SaturatingAdd(options_.max_document_bytes, 1);
    if (buf_.size() > buf_.capacity() / 2 && buf_.capacity() < most) {
      buf_.Reserve(GrowTowards(buf_.capacity(), most));
    }
    ReadSome();
  }
}

bool Framer::ProcessLine(size_t begin, size_t end, uint64_t line) {
  const char* p = buf_.data() + begin;
  const char* q = buf_.data() + end;
  while (p < q && IsWs(*p)) ++p;
  while (q > p && IsWs(q[-1])) --q;
  if (p == q) return true;
  return handler_->OnText(p, q, line, /*single_line=*/true);
}

void Framer::DiscardLongLine(uint64_t line) {
  handler_->OnFramingError(line, buf_base_, /*takes_index=*/true,
              "line longer than max_document_bytes (" +
                  std::to_string(options_.max_document_bytes) + "); skipped");
  for (;;) {
    const char* data = buf_.data();
    const void* nl = std::memchr(data, '\n', buf_.size());
    if (nl != nullptr) {
      size_t n = static_cast<size_t>(static_cast<const char*>(nl) - data) + 1;
      buf_base_ += n;
      buf_.Consume(n);
      return;
    }
    buf_base_ += buf_.size();
    buf_.Clear();
    if (ReadSome() == 0) return;
  }
}


}  // namespace vigil::internal
