// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Framing: the (decompressed) bytes of one input -> JSON texts, each with the line it
// starts on. After a UTF-8 BOM and whitespace, the first line decides. If it holds one
// complete JSON value, the input is NDJSON, read line by line in chunks with bounded
// memory (the partial last line is carried over to the next chunk). If it is only the
// start of a value (a pretty-printed document), the input is one document, read whole
// up to max_document_bytes. If the first line is broken, the second decides the same
// way. An input of one line is one text either way.
//
// The decision looks at exactly the same bytes however the input arrives (whole in
// memory, or in chunks of any size), so one input always gives the same texts and the
// same record indexes; fuzz_reader reads every input both ways to check it. Runs of
// whitespace are never kept whole (docs/limits.md, "Memory").
//
// Internal to src/inputs/: the Reader owns one Framer and is its TextHandler.
// Tested through tests/inputs/reader_test.cc, issue13_reader_test.cc,
// max_document_bytes_test.cc and the hostile memory tests.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>

#include "inputs/byte_source.h"
#include "inputs/padded_buffer.h"
#include "vigil/input.h"

namespace vigil::internal {

// What the Framer hands its texts and its errors to.
class TextHandler {
 public:
  virtual ~TextHandler() = default;
  // One JSON text [begin, end) inside the Framer's buffer, its first byte on `line`;
  // `single_line` for an NDJSON line. Valid during the call. False: stop reading.
  virtual bool OnText(const char* begin, const char* end, uint64_t line, bool single_line) = 0;
  // A text the Framer skips (longer than max_document_bytes) or the damage that ended
  // the stream. `takes_index`: the text would have held one record (an NDJSON line),
  // whose index it uses up.
  virtual void OnFramingError(uint64_t line, uint64_t byte_offset, bool takes_index,
                              std::string message) = 0;
  // True once reading must end (the sink or ReadOptions::stop asked).
  virtual bool Stopped() = 0;
};

class Framer {
 public:
  // `options` and `bytes` (the count of decompressed bytes read, ReadStats::bytes) must
  // outlive the Framer.
  Framer(const ReadOptions& options, uint64_t* bytes) : options_(options), bytes_(bytes) {}

  // Starts a new input, to be read from `src` (null: the buffer is filled by the caller,
  // then SetWhole). `size`: the bytes `src` holds, when known.
  void Start(ByteSource* src, std::optional<uint64_t> size);
  // The buffer holds the whole input: nothing more is read.
  void SetWhole() {
    src_ = nullptr;
    eof_ = true;
  }
  // The buffer, for the byte layer's look at the first bytes (gzip) and for a whole
  // decompressed input.
  PaddedBuffer& buffer() { return buf_; }
  // Appends one piece of input to the buffer (growing it when full, within the bounds
  // of docs/limits.md) and returns its size; 0 at the end of the input.
  size_t ReadSome();

  // Frames the input into texts for `handler`. False when it asked to stop.
  bool Run(TextHandler* handler);

  // Offset in the input (decompressed) of `p`, a byte of the buffer.
  uint64_t OffsetOf(const char* p) const {
    return buf_base_ + static_cast<uint64_t>(p - buf_.data());
  }
  const char* buffer_end() { return buf_.end(); }
  // The input ended early: a truncated or corrupt gzip stream, a read error. The
  // damage is reported (OnFramingError) once the input's texts are read.
  bool StreamCut() const { return eof_ && src_ != nullptr && src_->error().failed; }

 private:
  size_t WsLimit() const { return std::max<size_t>(options_.chunk_size, 16); }
  // Index in buf_ of the first '\n' at or after `from`, reading more input as needed;
  // npos if the input ends first, kTooFar (framing.cc) past max_document_bytes.
  size_t FindNewline(size_t from);
  // SkipLeadingWs finds the first byte that is not whitespace from *begin, dropping
  // the whitespace read so far each time it passes WsLimit() (then *begin becomes 0 and
  // *first_line counts the lines dropped); npos at the end of the input.
  // FindNonWsWithin looks at most `limit` bytes past `from` (then returns kTooFar).
  size_t SkipLeadingWs(size_t* begin, uint64_t* first_line);
  size_t FindNonWsWithin(size_t from, size_t limit);
  bool ReadAllThenProcess(size_t begin, uint64_t first_line);
  bool NdjsonLoop(size_t begin, uint64_t first_line);
  bool ProcessLine(size_t begin, size_t end, uint64_t line);
  void DiscardLongLine(uint64_t line);

  const ReadOptions& options_;
  uint64_t* bytes_;
  TextHandler* handler_ = nullptr;
  PaddedBuffer buf_;  // decompressed input from stream offset buf_base_ on
  ByteSource* src_ = nullptr;
  std::optional<uint64_t> remaining_hint_;  // bytes src_ still has, when known
  bool eof_ = false;
  uint64_t buf_base_ = 0;
  uint64_t end_line_ = 0;  // line on which the input ended, for a stream error
};

}  // namespace vigil::internal
