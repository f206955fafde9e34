// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The input reader: bytes of one input -> records with positions -> RecordSink.
// Entry points: Reader::ReadPath and Reader::ReadMemory (reader.h), used by the public
// functions of include/vigil/input.h (input.cc).
//
// One concern per file, bottom up:
//   decompress.h      gzip by its magic bytes; whole with libdeflate or streamed by zlib
//   framing.h         NDJSON or one document; texts with their first line, bounded memory
//   envelope.h        the record shapes (Records, lookup-events, EventBridge, plain),
//                     one classifier that each of the parsers below feeds
//   reader_fast.cc    the matcher's DOM parse, then simdjson On-Demand
//   reader_strict.cc  the strict scanner, which redoes a text the fast path refused
//   reader_recovery.cc  reporting the damage and reading on after it
//   reader.cc         this file: an input from start to end, record indexes and lines,
//                     delivery to the sink within max_record_bytes
//
// Record::index is the ordinal of the record among all records *attempted* in its
// input, counting the broken ones: a malformed NDJSON line, a non-object array
// element, an event with bad UTF-8, and the record lost at a damage point each use up
// one index (InputError::index carries it). So record k of a file keeps index k
// whatever happens to the others, and positions match line-based tools on NDJSON.
// Blank lines and empty arrays use none.
// Record::line is the 1-based line of the first byte of Record::json in the
// (decompressed) input; for lookup-events records, the line of the CloudTrailEvent
// string. It is computed by counting newlines forward from the previous record,
// which costs one memchr pass over the text.
//
// No allocation per record: the buffers, the parser and the decompressor live in the
// Reader and only grow.
//
#include "inputs/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <string>

#include "inputs/decompress.h"

namespace vigil::internal {

Reader::Reader(const ReadOptions& options, RecordSink* sink, ReadStats* stats)
    : options_(FixedOptions(options)),
      sink_(sink),
      stats_(stats),
      framer_(options_, &stats->bytes) {}

Reader::~Reader() = default;

ReadOptions Reader::FixedOptions(ReadOptions options) {
  if (options.chunk_size == 0) options.chunk_size = 1;
  return options;
}

void Reader::StartInput(const std::string* name) {
  name_ = name;
  framer_.Start(nullptr, std::nullopt);
  next_index_ = 0;
  stop_ = false;
  saw_content_ = false;
}

void Reader::ReportIfEmpty(uint64_t errors_before) {
  // An input with no bytes (or only whitespace) is not a log: a truncated upload, a
  // shipper's placeholder. Nothing is lost, but the user should know it was there.
  if (!saw_content_ && next_index_ == 0 && stats_->errors == errors_before) {
    ReportError(0, 0, 0, "empty: no records (0 bytes, or only whitespace)");
  }
}

bool Reader::ReadPath(const std::string& path) {
  StartInput(&path);
  const bool is_stdin = path == "-";
  int fd = STDIN_FILENO;
  if (!is_stdin) {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      ReportError(0, 0, 0, std::string("cannot open: ") + std::strerror(errno));
      return true;
    }
  }
  std::optional<uint64_t> size;
  struct stat st;
  if (::fstat(fd, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      if (!is_stdin) ::close(fd);
      ReportError(0, 0, 0, "cannot read: is a directory");
      return true;
    }
    // The size of stdin redirected from a file says nothing about what is left.
    if (S_ISREG(st.st_mode) && !is_stdin) size = static_cast<uint64_t>(st.st_size);
  }
  ++stats_->files;
  const uint64_t errors_before = stats_->errors;
  // Pipes and terminals may wait for ever: they watch the stop flag while they wait.
  const bool regular = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
  FdSource raw(fd, regular ? nullptr : options_.stop);
  bool go_on = ReadRaw(&raw, size, {}, /*in_memory=*/false);
  if (!is_stdin) ::close(fd);
  if (go_on && !stop_) ReportIfEmpty(errors_before);
  return go_on;
}

bool Reader::ReadMemory(std::string_view data, const std::string& name) {
  StartInput(&name);
  ++stats_->files;
  const uint64_t errors_before = stats_->errors;
  MemorySource raw(data);
  const bool go_on = ReadRaw(&raw, data.size(), data, /*in_memory=*/true);
  if (go_on && !stop_) ReportIfEmpty(errors_before);
  return go_on;
}

bool Reader::ReadRaw(ByteSource* raw, std::optional<uint64_t> size, std::string_view whole,
                     bool in_memory) {
  if (in_memory && IsGzip(whole)) return ReadGzipWhole(whole);
  framer_.Start(raw, size);
  if (in_memory) return framer_.Run(this);

  PaddedBuffer& buf = framer_.buffer();
  while (buf.size() < 2 && framer_.ReadSome() > 0) {
  }
  if (!IsGzip(std::string_view(buf.data(), buf.size()))) return framer_.Run(this);

  // The bytes read so far are compressed input, not output.
  const size_t counted = buf.size();
  // Not in memory: `raw` is the file's FdSource (ReadPath).
  if (size && GzipFitsWhole(*size, static_cast<FdSource*>(raw), options_)) {
    while (framer_.ReadSome() > 0) {
    }
    stats_->bytes -= buf.size();
    compressed_.swap(buf);
    return ReadGzipWhole(std::string_view(compressed_.data(), compressed_.size()));
  }
  stats_->bytes -= counted;
  compressed_.swap(buf);
  return ReadGzipStream(std::string_view(compressed_.data(), compressed_.size()), raw,
                        /*count_compressed=*/true);
}

bool Reader::ReadGzipWhole(std::string_view compressed) {
  stats_->compressed_bytes += compressed.size();
  framer_.Start(nullptr, std::nullopt);
  const uint64_t bound = std::max<uint64_t>(options_.chunk_size, options_.max_inflate_bytes);
  if (inflater_.Inflate(compressed, bound, &framer_.buffer())) {
    stats_->bytes += framer_.buffer().size();
    framer_.SetWhole();
    return framer_.Run(this);
  }
  return ReadGzipStream(compressed, nullptr, /*count_compressed=*/false);
}

bool Reader::ReadGzipStream(std::string_view initial, ByteSource* raw, bool count_compressed) {
  GzipSource gzip(initial, raw);
  framer_.Start(&gzip, std::nullopt);
  const bool go_on = framer_.Run(this);
  if (count_compressed) stats_->compressed_bytes += gzip.compressed_bytes();
  return go_on;
}

// ---------------------------------------------------------------------------------
// One text (TextHandler): the DOM shortcut, else the fast path, then the strict path
// if needed.

bool Reader::OnText(const char* begin, const char* end, uint64_t line, bool single_line) {
  if (!saw_content_) {
    for (const char* p = begin; p < end; ++p) {
      if (!JsonScanner::IsWs(*p)) {
        saw_content_ = true;
        break;
      }
    }
  }
  text_ = Text{begin, end, line, single_line};
  line_pos_ = begin;
  line_ = line;
  delivered_ = nullptr;
  delivered_end_ = nullptr;
  has_pending_ = false;
  const uint64_t start_index = next_index_;
  if (static_cast<size_t>(end - begin) > max_fast_text_bytes_) {
    // simdjson's index of a text costs about 5.7 bytes per byte of text (4 for the
    // structural positions, 5/3 for strings): a 1 GiB document would take 6.7 GB. The
    // strict scanner reads a large text in place with no memory of its own, and
    // delivers the same records (it is also the path that redoes a damaged text).
    fast_next_index_ = next_index_;
    return SlowText(begin);
  }
  if (handoff_ != nullptr && static_cast<size_t>(end - begin) <= kMaxWholeDocumentBytes) {
    switch (WholeText()) {
      case Whole::kDelivered: return true;
      case Whole::kStop: return false;
      case Whole::kNo: break;
    }
  }
  Fast r = FastText();
  doc_ = nullptr;
  switch (r) {
    case Fast::kOk:
      return true;
    case Fast::kStop:
      return false;
    case Fast::kTrailing:
      fast_next_index_ = next_index_;
      return SlowText(trailing_);
    case Fast::kFailed:
      break;
  }
  // The pending record was never delivered: its index is free again.
  fast_next_index_ = has_pending_ ? pending_.index : next_index_;
  has_pending_ = false;
  next_index_ = start_index;
  line_pos_ = begin;
  line_ = line;
  return SlowText(begin);
}

void Reader::OnFramingError(uint64_t line, uint64_t byte_offset, bool takes_index,
                            std::string message) {
  const uint64_t index = takes_index ? next_index_++ : next_index_;
  ReportError(line, byte_offset, index, std::move(message));
}

// ---------------------------------------------------------------------------------
// Output.

void Reader::Produce(std::string_view json, const char* source, Envelope envelope,
                     const char* source_end, const char* line_at) {
  pending_.json = json;
  pending_.file = name_;
  pending_.index = next_index_++;
  pending_.line = LineAt(line_at);
  pending_.envelope = envelope;
  pending_source_ = source;
  pending_source_end_ = source_end;
  has_pending_ = true;
}

bool Reader::FlushPending() {
  if (!has_pending_) return true;
  has_pending_ = false;
  delivered_ = pending_source_;
  delivered_end_ = pending_source_end_;
  return Deliver(pending_, pending_source_);
}

std::string_view Reader::CopyToOwned(std::string_view s) {
  owned_.Assign(s.data(), s.size());
  return std::string_view(owned_.data(), s.size());
}

bool Reader::Deliver(const Record& record, const char* source) {
  if (Stopping()) return false;
  if (record.json.size() > options_.max_record_bytes) {
    ReportError(record.line, OffsetOf(source), record.index,
                "record of " + std::to_string(record.json.size()) +
                    " bytes is larger than max_record_bytes (" +
                    std::to_string(options_.max_record_bytes) + "); skipped");
    return !stop_;
  }
  ++stats_->records;
  if (!sink_->OnRecord(record)) stop_ = true;
  return !stop_;
}

void Reader::ReportError(uint64_t line, uint64_t byte_offset, uint64_t index,
                         std::string message) {
  // After a stop request the input is abandoned where it is: what follows (a record
  // cut by the stop) is not an error of the input.
  if (Stopping()) return;
  InputError error;
  error.file = *name_;
  error.line = line;
  error.byte_offset = byte_offset;
  error.index = index;
  error.message = std::move(message);
  ++stats_->errors;
  sink_->OnError(error);
}

uint64_t Reader::LineAt(const char* p) {
  if (text_.single_line) return text_.first_line;
  if (p < line_pos_) {
    line_pos_ = text_.begin;
    line_ = text_.first_line;
  }
  while (line_pos_ < p) {
    const void* nl = std::memchr(line_pos_, '\n', static_cast<size_t>(p - line_pos_));
    if (nl == nullptr) {
      line_pos_ = p;
      break;
    }
    ++line_;
    line_pos_ = static_cast<const char*>(nl) + 1;
  }
  return line_;
}

void Reader::ElementError(const char* at, std::string message) {
  const uint64_t index = next_index_++;
  if (delivered_ != nullptr && at <= delivered_) return;
  ReportError(LineAt(at), OffsetOf(at), index, std::move(message));
}

}  // namespace vigil::internal
