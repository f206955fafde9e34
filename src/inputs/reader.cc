// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The input reader: bytes of one input -> records with positions -> RecordSink.
// Entry points: Reader::ReadPath and Reader::ReadMemory (reader.h), used by the public
// functions of include/vigil/input.h (input.cc).
//
// Layers, bottom up:
//   1. Bytes. gzip is recognised by its magic bytes (1f 8b), never by name. When the
//      compressed input and the output its trailer announces are both within
//      ReadOptions::max_inflate_bytes (or within one chunk), the input is read whole
//      and libdeflate decompresses it in one call; both sizes are known before the
//      input is read (file size, and a 4-byte read of the trailer). Otherwise, or when
//      libdeflate fails (several members, trailing bytes, a truncated or corrupt
//      stream, a trailer that lies), zlib decompresses it as a stream: GzipSource
//      continues across members and reports the damage with its offset. libdeflate
//      with its whole output in one buffer took 0.15 s of CPU beyond the NDJSON scan
//      of the same 143 MB where zlib's stream took 0.28 s (benchmarks/README.md); the
//      stream keeps memory within about one chunk for inputs beyond the bound.
//   2. Framing. After a UTF-8 BOM and whitespace, the first line decides. If it holds
//      one complete JSON value and another value follows on a later line, the input
//      is NDJSON, read line by line in chunks with bounded memory (the partial last
//      line is carried over to the next chunk). If the first line is only the start
//      of a value (a pretty-printed document), the input is one document, read whole
//      up to max_document_bytes. If the first line is broken, the second line
//      decides the same way. An input of one line is one text either way. A document
//      may hold several values one after another (`jq .` output); they are read in
//      turn.
//   3. Shapes, for each top-level value (a document, or one NDJSON line):
//        [ ... ]                      each element (an object) is read as in 3.
//        {"Records":[...]}            each element is a record, Envelope::kRecords
//        {"Events":[{"CloudTrailEvent":"<json>"}...]}   the unescaped string is the
//                                     record, copied to an owned padded buffer,
//                                     Envelope::kLookupEvents
//        {..."detail-type":..., "detail":{...}}   `detail` is the record,
//                                     Envelope::kEventBridge
//        any other object             the object is the record, Envelope::kNone
//      Elements of a top-level array are classified the same way (an array of
//      EventBridge events works); records inside Records/Events are taken as they
//      are. A value that is not an object where a record is expected (a number, a
//      nested array) is an InputError.
//
// When the Reader feeds a matcher (ScanInputs: DomHandoff), a text of up to
// kMaxWholeDocumentBytes is first parsed whole into the matcher's DOM parser: an
// NDJSON line that is one plain event, and a {"Records":[...]} document (a CloudTrail
// delivery file, compact or pretty-printed), are delivered from that parse, which the
// matcher reads instead of parsing each event again (WholeText). A record's text is
// found among the structural positions of simdjson's first stage. Any other text, or
// one the DOM refuses, goes to the two parsers below as if that parse had not been.
//
// Two parsers. The fast path is simdjson On-Demand over the text in place: it walks
// the top-level structure, takes each Records element's raw text without looking
// inside it, and checks the keys of other objects. A record is handed to the sink only
// once the parser has moved past it (found the ',' or ']' that follows it), so a
// missing brace that makes an element swallow the rest of the file never produces a
// record. On-Demand does not check the inside of values it skips: an event with a
// malformed literal deep inside is delivered, and the consumer's parse reports it.
// On any error the slow path (JsonScanner, strict, byte by byte) redoes the text from
// its start, skips what the fast path already delivered, delivers every record up to
// the damage (UTF-8 is checked per record there), and reports the damage with its
// exact byte offset and line. It then recovers, from the line of the damage on:
// each line that starts with one complete, non-empty JSON object, followed by
// nothing but ',' and closing brackets, is taken as the next element of the array
// that was being read. Compact CloudTrail files are one line, so recovery usually
// finds nothing there, and pretty-printed events span many lines and are not
// recovered either; it helps with one-record-per-line layouts. When the stream
// itself was cut (truncated gzip, read error), the JSON error at the very end is not
// reported separately: the stream error explains it. Lines recovery cannot take are
// reported too: at the top level each broken line on its own (NDJSON), inside an
// array each run of them once ("lines A to B after the damage could not be recovered").
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
// Longer than this project's ~600-line mark: the four layers above are still one class
// sharing its buffers and counters, and the envelope shapes (3.) are written once for
// the simdjson path and once for the strict scanner's fallback. Splitting it into
// decompression, framing, one envelope classifier and recovery is issue 14's item 3.
#include "inputs/reader.h"

#include <errno.h>
#include <fcntl.h>
#include <libdeflate.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstring>

#include "util/surrogates.h"

namespace vigil::internal {
namespace {

using simdjson::ondemand::json_type;

constexpr size_t kNpos = std::string_view::npos;
// FindNonWsWithin: the whitespace ran on past the limit.
constexpr size_t kTooFar = kNpos - 1;
constexpr size_t kMinBuffer = 16;
// How far past the first line the framing decision looks for the next one (ReadStream).
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

std::string_view TrimRight(std::string_view s) {
  while (!s.empty() && IsWs(s.back())) s.remove_suffix(1);
  return s;
}

bool IsGzip(std::string_view data) {
  return data.size() >= 2 && static_cast<unsigned char>(data[0]) == 0x1f &&
         static_cast<unsigned char>(data[1]) == 0x8b;
}

enum class Key { kOther, kRecords, kEvents, kDetail, kDetailType, kCloudTrailEvent };

Key KeyOf(std::string_view key) {
  // Every top-level key of every event comes here (Reader::WholeText): most are told
  // apart by their first byte.
  if (key.empty()) return Key::kOther;
  switch (key[0]) {
    case 'R': return key == "Records" ? Key::kRecords : Key::kOther;
    case 'E': return key == "Events" ? Key::kEvents : Key::kOther;
    case 'd':
      if (key == "detail") return Key::kDetail;
      return key == "detail-type" ? Key::kDetailType : Key::kOther;
    case 'C': return key == "CloudTrailEvent" ? Key::kCloudTrailEvent : Key::kOther;
    default: return Key::kOther;
  }
}

// Same as above on a key of the fast path, still escaped, in place in the text. The
// comparison reads up to one byte past the key's length, which stays inside the
// document: a key is always followed by its closing quote.
Key KeyOf(simdjson::ondemand::raw_json_string key) {
  switch (key.raw()[0]) {
    case 'R':
      return key == "Records" ? Key::kRecords : Key::kOther;
    case 'E':
      return key == "Events" ? Key::kEvents : Key::kOther;
    case 'd':
      if (key == "detail") return Key::kDetail;
      return key == "detail-type" ? Key::kDetailType : Key::kOther;
    case 'C':
      return key == "CloudTrailEvent" ? Key::kCloudTrailEvent : Key::kOther;
    default:
      return Key::kOther;
  }
}

// Reads the separator after a value: true and past it at ','; at the closing
// bracket `close`, sets *closed. False (scanner error set) otherwise.
bool NextMember(JsonScanner& scanner, char close, bool* closed, const char* message) {
  scanner.SkipWs();
  if (scanner.at_end()) return scanner.FailEnd("unexpected end of input");
  const char c = scanner.peek();
  scanner.Advance();
  if (c == ',') {
    *closed = false;
    return true;
  }
  if (c == close) {
    *closed = true;
    return true;
  }
  return scanner.Fail(scanner.pos() - 1, message);
}

}  // namespace

Reader::Reader(const ReadOptions& options, RecordSink* sink, ReadStats* stats)
    : options_(options), sink_(sink), stats_(stats) {
  if (options_.chunk_size == 0) options_.chunk_size = 1;
  // A null decompressor only means every gzip input takes the zlib path.
  inflater_ = libdeflate_alloc_decompressor();
}

Reader::~Reader() {
  if (inflater_ != nullptr) libdeflate_free_decompressor(inflater_);
}

void Reader::StartInput(const std::string* name) {
  name_ = name;
  src_ = nullptr;
  remaining_hint_.reset();
  eof_ = false;
  buf_base_ = 0;
  buf_.Clear();
  next_index_ = 0;
  stop_ = false;
  end_line_ = 0;
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
  const size_t initial =
      std::max(kMinBuffer, size ? static_cast<size_t>(std::min<uint64_t>(
                                      *size + 1, options_.chunk_size))
                                : options_.chunk_size);
  if (in_memory && IsGzip(whole)) return ReadGzipInMemory(whole);
  src_ = raw;
  remaining_hint_ = size;
  buf_.Reserve(initial);
  if (in_memory) return ReadStream();

  while (buf_.size() < 2 && ReadSome() > 0) {
  }
  if (!IsGzip(std::string_view(buf_.data(), buf_.size()))) return ReadStream();

  // The bytes read so far are compressed input, not output.
  size_t counted = buf_.size();
  // Not in memory: `raw` is the file's FdSource (ReadPath).
  if (size && WholeGzipFits(*size, static_cast<FdSource*>(raw))) {
    while (ReadSome() > 0) {
    }
    stats_->bytes -= buf_.size();
    compressed_.swap(buf_);
    StartBuffer();
    return ReadGzipInMemory(std::string_view(compressed_.data(), compressed_.size()));
  }
  stats_->bytes -= counted;
  compressed_.swap(buf_);
  StartBuffer();
  return ReadGzipStream(std::string_view(compressed_.data(), compressed_.size()), raw,
                        /*count_compressed=*/true);
}

bool Reader::WholeGzipFits(uint64_t size, FdSource* file) {
  if (size <= options_.chunk_size) return true;  // within the streaming path's own bound
  if (size > options_.max_inflate_bytes || size < 18) return false;
  // ISIZE, the last 4 bytes: the output size of the last member (see ReadGzipInMemory).
  unsigned char t[4];
  if (!file->ReadAt(size - 4, reinterpret_cast<char*>(t), 4)) return false;
  const uint64_t isize =
      uint64_t{t[0]} | uint64_t{t[1]} << 8 | uint64_t{t[2]} << 16 | uint64_t{t[3]} << 24;
  return isize <= options_.max_inflate_bytes;
}

void Reader::StartBuffer() {
  buf_.Clear();
  buf_base_ = 0;
  eof_ = false;
  remaining_hint_.reset();
}

bool Reader::ReadGzipInMemory(std::string_view compressed) {
  stats_->compressed_bytes += compressed.size();
  // 18 bytes: the smallest gzip member (10-byte header, empty block, 8-byte trailer).
  if (inflater_ != nullptr && compressed.size() >= 18) {
    const auto* t =
        reinterpret_cast<const unsigned char*>(compressed.data() + compressed.size() - 4);
    // ISIZE: the output size of the last member, modulo 2^32. Only a hint: wrong for
    // several members, huge outputs or damaged input, and then libdeflate fails
    // cleanly and zlib takes over.
    const uint64_t isize = uint64_t{t[0]} | uint64_t{t[1]} << 8 | uint64_t{t[2]} << 16 |
                           uint64_t{t[3]} << 24;
    if (isize <= std::max<uint64_t>(options_.chunk_size, options_.max_inflate_bytes)) {
      StartBuffer();
      buf_.Reserve(static_cast<size_t>(isize));
      size_t in_used = 0;
      size_t out_used = 0;
      libdeflate_result r = libdeflate_gzip_decompress_ex(
          inflater_, compressed.data(), compressed.size(), buf_.data(),
          static_cast<size_t>(isize), &in_used, &out_used);
      if (r == LIBDEFLATE_SUCCESS && in_used == compressed.size()) {
        buf_.Resize(out_used);
        stats_->bytes += out_used;
        src_ = nullptr;
        eof_ = true;
        return ReadStream();
      }
      buf_.Clear();
    }
  }
  return ReadGzipStream(compressed, nullptr, /*count_compressed=*/false);
}

bool Reader::ReadGzipStream(std::string_view initial, ByteSource* raw, bool count_compressed) {
  GzipSource gzip(initial, raw);
  StartBuffer();
  src_ = &gzip;
  buf_.Reserve(std::max(kMinBuffer, options_.chunk_size));
  bool go_on = ReadStream();
  if (count_compressed) stats_->compressed_bytes += gzip.compressed_bytes();
  src_ = nullptr;
  return go_on;
}

size_t Reader::ReadSome() {
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
  stats_->bytes += got;
  if (remaining_hint_) *remaining_hint_ -= std::min<uint64_t>(*remaining_hint_, got);
  return got;
}

size_t Reader::FindNewline(size_t from) {
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

size_t Reader::SkipLeadingWs(size_t* begin, uint64_t* first_line) {
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

size_t Reader::FindNonWsWithin(size_t from, size_t limit) {
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

bool Reader::ReadStream() {
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
    const bool complete = !too_long && nl != kNpos &&
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
        if (nl2 == kTooFar) nl2 = std::min(buf_.size(), SaturatingAdd(next, SaturatingAdd(options_.max_document_bytes, 1)));
        data = buf_.data();
        ndjson = ClassifyLine(data + next, data + nl2) == LineShape::kComplete;
      }
      go_on = ndjson ? NdjsonLoop(begin, first_line) : ReadAllThenProcess(begin, first_line);
    }
  }
  if (go_on && src_ != nullptr && src_->error().failed) {
    const SourceError& e = src_->error();
    ReportError(end_line_, e.output_offset, next_index_, e.message);
  }
  return go_on;
}

bool Reader::ReadAllThenProcess(size_t begin, uint64_t first_line) {
  const uint64_t limit = options_.max_document_bytes;
  if (remaining_hint_ && buf_.size() - begin + *remaining_hint_ > limit) {
    ReportError(0, buf_base_ + begin, next_index_,
                "JSON document of " + std::to_string(buf_.size() - begin + *remaining_hint_) +
                    " bytes is larger than max_document_bytes (" + std::to_string(limit) +
                    "); input skipped");
    return true;
  }
  if (remaining_hint_) buf_.Reserve(buf_.size() + static_cast<size_t>(*remaining_hint_) + 1);
  while (!eof_ && buf_.size() - begin <= limit) {
    // Grow to what proves the limit passed (limit + 1 bytes), not to the next power of
    // two: for an endless input (/dev/zero) that is 1 GiB held, not 2 GiB plus a copy.
    if (buf_.free_space() == 0) buf_.Reserve(GrowTowards(buf_.capacity(), SaturatingAdd(begin + limit, 1)));
    ReadSome();
  }
  if (buf_.size() - begin > limit) {
    ReportError(0, buf_base_ + begin, next_index_,
                "JSON document is larger than max_document_bytes (" + std::to_string(limit) +
                    "); input skipped");
    return true;
  }
  bool go_on = ProcessText(buf_.data() + begin, buf_.end(), first_line, /*single_line=*/false);
  end_line_ = LineAt(buf_.end());
  return go_on;
}

bool Reader::NdjsonLoop(size_t begin, uint64_t first_line) {
  size_t pos = begin;     // start of the current line
  size_t search = begin;  // no newline in [pos, search)
  uint64_t line = first_line;
  for (;;) {
    if (stop_) return false;
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
        ReportError(line, buf_base_ + pos, next_index_++,
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

bool Reader::ProcessLine(size_t begin, size_t end, uint64_t line) {
  const char* p = buf_.data() + begin;
  const char* q = buf_.data() + end;
  while (p < q && IsWs(*p)) ++p;
  while (q > p && IsWs(q[-1])) --q;
  if (p == q) return true;
  return ProcessText(p, q, line, /*single_line=*/true);
}

void Reader::DiscardLongLine(uint64_t line) {
  ReportError(line, buf_base_, next_index_++,
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

// ---------------------------------------------------------------------------------
// One text: fast path, then slow path if needed.

bool Reader::ProcessText(const char* begin, const char* end, uint64_t line, bool single_line) {
  if (!saw_content_) {
    for (const char* p = begin; p < end; ++p) {
      if (!IsWs(*p)) {
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

// The common NDJSON line, one CloudTrail event, costs one parse instead of two: the
// matcher's DOM parse is also the Reader's look at the line. Only a line that parses
// whole (valid JSON to the last byte, an object) and has no envelope key at its top
// level (not even escaped, which FastObject would not see as one) is taken here, and
// for such a line FastText delivers exactly this: the line, as one plain event.
// So is a CloudTrail delivery file, {"Records":[...]} (one line or pretty-printed, up
// to kMaxWholeDocumentBytes): its records are delivered from the same parse
// (WholeRecords).
Reader::Whole Reader::WholeText() {
  const size_t len = static_cast<size_t>(text_.end - text_.begin);
  if (buf_.AllocatedFrom(text_.begin) < len + simdjson::SIMDJSON_PADDING) return Whole::kNo;
  const std::string_view json(text_.begin, len);
  simdjson::dom::element root;
  if (!handoff_->Parse(json, &root)) return Whole::kNo;
  simdjson::dom::array records;
  bool has_records = false;
  for (const simdjson::dom::key_value_pair kv : simdjson::dom::object(root)) {
    switch (KeyOf(kv.key)) {
      case Key::kOther: break;
      case Key::kRecords:
        // One Records array and no other envelope key; anything else is FastText's.
        if (has_records || kv.value.get_array().get(records)) return Whole::kNo;
        has_records = true;
        break;
      default: return Whole::kNo;
    }
  }
  if (has_records) return WholeRecords(records);
  if (!text_.single_line) return Whole::kNo;  // FastObject trims a document's end
  Produce(json, text_.begin, Envelope::kNone, text_.end, text_.begin);
  handoff_->Reuse(json);
  return FlushPending() ? Whole::kDelivered : Whole::kStop;
}

// The spans of the elements of the Records array of the text just parsed, found among
// the structural positions of simdjson's first stage (a string, number or literal is
// one position; only brackets change the depth). The key must be written "Records",
// unescaped, as FastObject reads it, and there must be one such key; every element an
// object. False otherwise: FastText then reads the text as ever.
bool Reader::RecordSpans(std::vector<std::pair<uint32_t, uint32_t>>* spans) {
  spans->clear();
  size_t n = 0;
  const uint32_t* idx = handoff_->Structurals(&n);
  const char* base = text_.begin;
  auto at = [&](size_t j) { return base[idx[j]]; };
  // The structural after the value at j (n when the text ends first). Most positions
  // are strings, ':' and ',': a table gives each its change of depth, without branches.
  static constexpr std::array<int8_t, 256> kDepth = [] {
    std::array<int8_t, 256> t{};
    t['{'] = t['['] = 1;
    t['}'] = t[']'] = -1;
    return t;
  }();
  auto skip = [&](size_t j) -> size_t {
    if (at(j) != '{' && at(j) != '[') return j + 1;
    ptrdiff_t depth = 0;
    for (; j < n; ++j) {
      depth += kDepth[static_cast<unsigned char>(at(j))];
      if (depth == 0) return j + 1;
    }
    return n;
  };
  if (n < 2 || at(0) != '{') return false;
  bool found = false;
  size_t j = 1;
  while (j + 2 < n && at(j) == '"' && at(j + 1) == ':') {
    const size_t value = j + 2;
    if (idx[j + 1] - idx[j] >= 9 && std::memcmp(base + idx[j], "\"Records\"", 9) == 0) {
      if (found || at(value) != '[') return false;
      found = true;
      size_t k = value + 1;
      if (k < n && at(k) != ']') {
        for (;;) {
          if (at(k) != '{') return false;
          const size_t after = skip(k);
          if (after >= n) return false;
          spans->emplace_back(idx[k], idx[after - 1] + 1);
          if (at(after) == ']') {
            k = after;
            break;
          }
          if (at(after) != ',' || after + 1 >= n) return false;
          k = after + 1;
        }
      }
      j = k + 1;
    } else {
      j = skip(value);
    }
    if (j >= n) return false;
    if (at(j) == '}') return found;
    if (at(j) != ',') return false;
    ++j;
  }
  return false;
}

// Delivers each element of `records` with its text, for the matcher to read from the
// document's parse (DomHandoff::ReuseElement) as long as that parse lasts: a record the
// matcher had to parse on its own (duplicate keys are evaluated on copies) ends it, and
// the records after it are handed over as text only.
Reader::Whole Reader::WholeRecords(simdjson::dom::array records) {
  if (!RecordSpans(&record_spans_) || record_spans_.size() != records.size()) return Whole::kNo;
  const uint64_t generation = handoff_->Generation();
  // The array is read only while its parse lasts.
  simdjson::dom::array::iterator element = records.begin();
  for (size_t i = 0; i < record_spans_.size(); ++i) {
    const char* start = text_.begin + record_spans_[i].first;
    const char* end = text_.begin + record_spans_[i].second;
    const std::string_view json(start, static_cast<size_t>(end - start));
    Produce(json, start, Envelope::kRecords, end, start);
    if (handoff_->Generation() == generation) {
      handoff_->ReuseElement(json, *element);
      ++element;
    }
    if (!FlushPending()) return Whole::kStop;
  }
  return Whole::kDelivered;
}

Reader::Fast Reader::FastText() {
  simdjson::ondemand::document doc;
  const size_t len = static_cast<size_t>(text_.end - text_.begin);
  if (parser_.iterate(text_.begin, len, buf_.AllocatedFrom(text_.begin)).get(doc)) {
    return Fast::kFailed;
  }
  doc_ = &doc;
  json_type type;
  if (doc.type().get(type)) return Fast::kFailed;
  Fast r;
  if (type == json_type::object) {
    const char* start = text_.begin;
    while (start < text_.end && IsWs(*start)) ++start;
    simdjson::ondemand::object object;
    if (doc.get_object().get(object)) return Fast::kFailed;
    r = FastObject(object, start);
  } else if (type == json_type::array) {
    simdjson::ondemand::array array;
    if (doc.get_array().get(array)) return Fast::kFailed;
    r = FastArray(array, Context::kArray);
  } else {
    return Fast::kFailed;  // not an event; the slow path says so
  }
  if (r != Fast::kOk) return r;
  if (!FlushPending()) return Fast::kStop;
  const char* location;
  simdjson::error_code error = doc.current_location().get(location);
  if (error == simdjson::OUT_OF_BOUNDS) return Fast::kOk;
  if (error) return Fast::kFailed;
  trailing_ = location;
  return Fast::kTrailing;
}

const char* Reader::EndOfValue(const char* start) {
  const char* location;
  if (doc_->current_location().get(location)) location = text_.end;
  while (location > start && IsWs(location[-1])) --location;
  return location;
}

Reader::Fast Reader::FastObject(simdjson::ondemand::object& object, const char* start) {
  bool envelope = false;
  bool has_detail_type = false;
  std::string_view detail;
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return Fast::kFailed;
    const Key key = KeyOf(field.key());
    switch (key) {
      case Key::kRecords:
      case Key::kEvents: {
        const Context inner = key == Key::kRecords ? Context::kRecords : Context::kLookup;
        simdjson::ondemand::array array;
        simdjson::error_code error = field.value().get_array().get(array);
        if (error == simdjson::INCORRECT_TYPE) break;  // a plain field of that name
        if (error) return Fast::kFailed;
        envelope = true;
        Fast r = FastArray(array, inner);
        if (r != Fast::kOk) return r;
        break;
      }
      case Key::kDetailType:
        has_detail_type = true;
        break;
      case Key::kDetail: {
        simdjson::ondemand::object inner;
        simdjson::error_code error = field.value().get_object().get(inner);
        if (error == simdjson::INCORRECT_TYPE) break;
        if (error) return Fast::kFailed;
        std::string_view raw;
        if (inner.raw_json().get(raw)) return Fast::kFailed;
        detail = TrimRight(raw);
        break;
      }
      default:
        break;
    }
  }
  if (envelope) return Fast::kOk;
  if (has_detail_type && !detail.empty()) {
    Produce(detail, detail.data(), Envelope::kEventBridge, detail.data() + detail.size(),
            detail.data());
    return Fast::kOk;
  }
  const char* end = EndOfValue(start);
  Produce(std::string_view(start, static_cast<size_t>(end - start)), start, Envelope::kNone,
          end, start);
  return Fast::kOk;
}

Reader::Fast Reader::FastArray(simdjson::ondemand::array& array, Context context) {
  for (auto element_result : array) {
    simdjson::ondemand::value element;
    // An error here is also how a missing ',' or ']' after the previous element
    // shows up: that element, still pending, is then never delivered.
    if (std::move(element_result).get(element)) return Fast::kFailed;
    if (!FlushPending()) return Fast::kStop;
    const char* start = element.raw_json_token().data();
    simdjson::ondemand::object object;
    if (element.get_object().get(object)) return Fast::kFailed;
    Fast r = Fast::kOk;
    switch (context) {
      case Context::kRecords: {
        std::string_view raw;
        if (object.raw_json().get(raw)) return Fast::kFailed;
        raw = TrimRight(raw);
        Produce(raw, start, Envelope::kRecords, raw.data() + raw.size(), start);
        break;
      }
      case Context::kLookup:
        r = FastLookupEntry(object, start);
        break;
      default:
        r = FastObject(object, start);
        break;
    }
    if (r != Fast::kOk) return r;
  }
  return FlushPending() ? Fast::kOk : Fast::kStop;
}

Reader::Fast Reader::FastLookupEntry(simdjson::ondemand::object& entry, const char* start) {
  std::string_view json;
  const char* where = nullptr;
  for (auto field_result : entry) {
    simdjson::ondemand::field field;
    if (std::move(field_result).get(field)) return Fast::kFailed;
    if (KeyOf(field.key()) != Key::kCloudTrailEvent) continue;
    simdjson::ondemand::value value = field.value();
    const std::string_view token = value.raw_json_token();
    where = token.data();
    std::string_view text;
    if (value.get_string().get(text)) {
      // simdjson refuses a lone surrogate: read it as U+FFFD (util/surrogates.h).
      if (!UnescapeStringLossy(token, &lossy_)) return Fast::kFailed;
      text = lossy_;
    }
    json = CopyToOwned(text);
  }
  if (where == nullptr) return Fast::kFailed;
  const char* end = EndOfValue(start);
  Produce(json, start, Envelope::kLookupEvents, end, where);
  return Fast::kOk;
}

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

// ---------------------------------------------------------------------------------
// Slow path.

bool Reader::SlowText(const char* from) {
  damage_context_ = Context::kTop;
  JsonScanner scanner(from, text_.end);
  for (;;) {
    scanner.SkipWs();
    if (scanner.at_end()) return true;
    Slow r = SlowValue(scanner, Context::kTop);
    if (r == Slow::kStop) return false;
    if (r == Slow::kDamaged) {
      ReportDamage(scanner);
      return !stop_ && Recover(scanner.error_pos());
    }
  }
}

Reader::Slow Reader::SlowValue(JsonScanner& scanner, Context context) {
  const char* start = scanner.pos();
  const char c = scanner.peek();
  if (c == '{') return SlowObject(scanner);
  if (c == '[' && context == Context::kTop) {
    scanner.Advance();
    return SlowArray(scanner, Context::kArray);
  }
  if (!scanner.SkipValue()) return Slow::kDamaged;
  ElementError(start, context == Context::kTop
                          ? "not an event: expected a JSON object or array"
                          : "array element is not a JSON object");
  return Slow::kOk;
}

Reader::Slow Reader::EndDamaged(JsonScanner& scanner) {
  scanner.FailEnd("unexpected end of input");
  return Slow::kDamaged;
}

Reader::Slow Reader::SlowObject(JsonScanner& scanner) {
  const char* start = scanner.pos();
  scanner.Advance();  // '{'
  bool envelope = false;
  bool has_detail_type = false;
  const char* detail_begin = nullptr;
  const char* detail_end = nullptr;
  scanner.SkipWs();
  if (scanner.at_end()) return EndDamaged(scanner);
  bool closed = scanner.peek() == '}';
  if (closed) scanner.Advance();
  while (!closed) {
    scanner.SkipWs();
    if (scanner.at_end()) return EndDamaged(scanner);
    if (scanner.peek() != '"') {
      scanner.Fail(scanner.pos(), "expected a string (an object key)");
      return Slow::kDamaged;
    }
    const char* key_begin = scanner.pos() + 1;
    if (!scanner.SkipString()) return Slow::kDamaged;
    const Key key =
        KeyOf(std::string_view(key_begin, static_cast<size_t>(scanner.pos() - 1 - key_begin)));
    scanner.SkipWs();
    if (scanner.at_end()) return EndDamaged(scanner);
    if (scanner.peek() != ':') {
      scanner.Fail(scanner.pos(), "expected ':' after an object key");
      return Slow::kDamaged;
    }
    scanner.Advance();
    scanner.SkipWs();
    if (scanner.at_end()) return EndDamaged(scanner);
    const char c = scanner.peek();
    if ((key == Key::kRecords || key == Key::kEvents) && c == '[') {
      envelope = true;
      scanner.Advance();
      Slow r = SlowArray(scanner, key == Key::kRecords ? Context::kRecords : Context::kLookup);
      if (r != Slow::kOk) return r;
    } else if (key == Key::kDetail && c == '{') {
      detail_begin = scanner.pos();
      if (!scanner.SkipValue()) return Slow::kDamaged;
      detail_end = scanner.pos();
    } else {
      if (key == Key::kDetailType) has_detail_type = true;
      if (!scanner.SkipValue()) return Slow::kDamaged;
    }
    if (!NextMember(scanner, '}', &closed, "expected ',' or '}' after an object member")) {
      return Slow::kDamaged;
    }
  }
  if (envelope) return Slow::kOk;
  if (has_detail_type && detail_begin != nullptr) {
    return EmitSlow(std::string_view(detail_begin, static_cast<size_t>(detail_end - detail_begin)),
                    detail_begin, Envelope::kEventBridge)
               ? Slow::kOk
               : Slow::kStop;
  }
  return EmitSlow(std::string_view(start, static_cast<size_t>(scanner.pos() - start)), start,
                  Envelope::kNone)
             ? Slow::kOk
             : Slow::kStop;
}

Reader::Slow Reader::SlowArray(JsonScanner& scanner, Context context) {
  const Context saved = damage_context_;
  damage_context_ = context;
  scanner.SkipWs();
  if (scanner.at_end()) return EndDamaged(scanner);
  bool closed = scanner.peek() == ']';
  if (closed) scanner.Advance();
  while (!closed) {
    scanner.SkipWs();
    if (scanner.at_end()) return EndDamaged(scanner);
    const char* start = scanner.pos();
    if (scanner.peek() != '{') {
      if (!scanner.SkipValue()) return Slow::kDamaged;
      ElementError(start, "array element is not a JSON object");
    } else if (context == Context::kRecords) {
      if (!scanner.SkipValue()) return Slow::kDamaged;
      if (!EmitSlow(std::string_view(start, static_cast<size_t>(scanner.pos() - start)), start,
                    Envelope::kRecords)) {
        return Slow::kStop;
      }
    } else if (context == Context::kLookup) {
      if (!scanner.SkipValue()) return Slow::kDamaged;
      if (!SlowLookupEntry(start, scanner.pos())) return Slow::kStop;
    } else {
      Slow r = SlowObject(scanner);
      if (r != Slow::kOk) return r;
    }
    if (stop_) return Slow::kStop;
    if (!NextMember(scanner, ']', &closed, "expected ',' or ']' after an array element")) {
      return Slow::kDamaged;
    }
  }
  damage_context_ = saved;
  return Slow::kOk;
}

bool Reader::SlowLookupEntry(const char* begin, const char* end) {
  if (delivered_ != nullptr && begin <= delivered_) {
    ++next_index_;
    return true;
  }
  simdjson::ondemand::document doc;
  const size_t len = static_cast<size_t>(end - begin);
  simdjson::error_code error = parser_.iterate(begin, len, buf_.AllocatedFrom(begin)).get(doc);
  simdjson::ondemand::object entry;
  if (!error) error = doc.get_object().get(entry);
  std::string_view json;
  const char* where = nullptr;
  if (!error) {
    for (auto field_result : entry) {
      simdjson::ondemand::field field;
      if ((error = std::move(field_result).get(field))) break;
      if (KeyOf(field.key()) != Key::kCloudTrailEvent) continue;
      simdjson::ondemand::value value = field.value();
      const std::string_view token = value.raw_json_token();
      const char* at = token.data();
      std::string_view text;
      if (value.get_string().get(text)) {
        // simdjson refuses a lone surrogate: read it as U+FFFD (util/surrogates.h).
        if (!UnescapeStringLossy(token, &lossy_)) continue;
        text = lossy_;
      }
      json = CopyToOwned(text);
      where = at;
    }
  }
  if (error) {
    ElementError(begin, std::string("unreadable lookup-events entry: ") +
                            simdjson::error_message(error));
    return !stop_;
  }
  if (where == nullptr) {
    ElementError(begin, "lookup-events entry has no CloudTrailEvent string");
    return !stop_;
  }
  Record record;
  record.json = json;
  record.file = name_;
  record.index = next_index_++;
  record.line = LineAt(where);
  record.envelope = Envelope::kLookupEvents;
  delivered_end_ = end;
  return Deliver(record, begin);
}

bool Reader::EmitSlow(std::string_view json, const char* source, Envelope envelope) {
  if (delivered_ != nullptr && source <= delivered_) {
    ++next_index_;  // the fast path delivered it with this index
    return true;
  }
  if (!simdjson::validate_utf8(json.data(), json.size())) {
    ElementError(source, "invalid UTF-8 in event");
    return !stop_;
  }
  Record record;
  record.json = json;
  record.file = name_;
  record.index = next_index_++;
  record.line = LineAt(json.data());
  record.envelope = envelope;
  delivered_end_ = json.data() + json.size();
  return Deliver(record, source);
}

void Reader::ElementError(const char* at, std::string message) {
  const uint64_t index = next_index_++;
  if (delivered_ != nullptr && at <= delivered_) return;
  ReportError(LineAt(at), OffsetOf(at), index, std::move(message));
}

void Reader::ReportDamage(const JsonScanner& scanner) {
  const char* at = scanner.error_pos();
  // A record lost at the damage point uses up an index, and never one the fast path
  // already handed out.
  const uint64_t index = std::max(next_index_, fast_next_index_);
  if (scanner.error_at_end() && eof_ && src_ != nullptr && src_->error().failed) {
    // The text ends because the stream was cut; that error is reported (with this
    // index) once the input ends. Check that nothing but whitespace follows.
    const char* p = text_.end;
    while (p < buf_.end() && IsWs(*p)) ++p;
    if (p == buf_.end()) {
      next_index_ = index;
      return;
    }
  }
  next_index_ = index + 1;
  ReportError(LineAt(at), OffsetOf(at), index,
              std::string("invalid JSON: ") + scanner.error_message());
}

bool Reader::Recover(const char* damage) {
  // Start with the line of the damage itself: when a ',' is missing between two
  // records, the damage is the first byte of an intact record. Damage later on a
  // line that starts with a complete object comes after that object, which the slow
  // path has then delivered already (the delivered_end_ check below skips it).
  const char* p = damage;
  while (p > text_.begin && p[-1] != '\n') --p;
  // Never go back over a record already delivered.
  if (delivered_end_ != nullptr && p < delivered_end_) {
    p = static_cast<const char*>(
        std::memchr(delivered_end_, '\n', static_cast<size_t>(text_.end - delivered_end_)));
    if (p == nullptr) return true;
    ++p;
  }
  const Context context = damage_context_;
  // Lines that cannot be taken are not dropped silently. At the top level a line that
  // starts an object is a record of its own (NDJSON): it is reported and uses up its
  // index, as a broken NDJSON line does. Other lines (inside an array: fragments of
  // pretty-printed records; text that is not JSON) are reported once per run, so a
  // damaged multi-line file gives one error per damaged stretch, not one per line.
  const bool per_line = context == Context::kTop;
  // Damage at the first byte means the input is not JSON at all (a LICENSE file, a
  // log of another kind): that one error says it; the lines after it are not listed.
  const char* first_content = text_.begin;
  while (first_content < text_.end && IsWs(*first_content)) ++first_content;
  const bool report_runs = damage != first_content;
  const char* run_begin = nullptr;
  const char* run_last = nullptr;
  auto flush_run = [&]() {
    if (run_begin == nullptr) return;
    if (report_runs) {
      const uint64_t first = LineAt(run_begin);
      const uint64_t last = LineAt(run_last);
      ReportError(first, OffsetOf(run_begin), next_index_,
                  (first == last ? "line " + std::to_string(first)
                                 : "lines " + std::to_string(first) + " to " + std::to_string(last)) +
                      " after the damage could not be recovered (not one complete JSON object per line)");
    }
    run_begin = run_last = nullptr;
  };
  // The line of the damage was reported (and its index used) by ReportDamage.
  const char* damage_line_end = static_cast<const char*>(
      std::memchr(damage, '\n', static_cast<size_t>(text_.end - damage)));
  auto skip = [&](const char* b, const char* why) {
    if (damage_line_end == nullptr || b <= damage_line_end) return;
    // At the top level every line is a record of its own, as the NDJSON fast path
    // reads it: a line that is not an object uses up its index there too, so it must
    // here, or the records after it would be numbered differently depending on whether
    // damage earlier in the text sent it to this path (fuzz/findings/gzip-cut-renumbers-d25330c6).
    if (per_line && (*b == '{' || report_runs)) {
      ElementError(b, std::string(*b == '{' ? "invalid JSON: " : "") + why);
    } else {
      if (run_begin == nullptr) run_begin = b;
      run_last = b;
    }
  };
  while (p < text_.end) {
    const char* nl =
        static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(text_.end - p)));
    const char* b = p;
    const char* e = nl != nullptr ? nl : text_.end;
    p = nl != nullptr ? nl + 1 : text_.end;
    while (b < e && IsWs(*b)) ++b;
    if (b == e) continue;  // blank
    const char* q = b;
    while (q < e && (IsWs(*q) || *q == ']' || *q == '}' || *q == ',')) ++q;
    if (q == e) continue;  // the brackets that close the document
    if (e - b < 2 || *b != '{') {
      skip(b, "not a JSON object");
      continue;
    }
    JsonScanner line(b, e);
    if (!line.SkipValue()) {
      skip(b, line.error_message());
      continue;
    }
    // What may follow the object on its line: the ',' before the next element, or
    // the brackets that close the document (`]}` after the last record).
    const char* rest = line.pos();
    while (rest < e && (IsWs(*rest) || *rest == ',' || *rest == ']' || *rest == '}')) ++rest;
    if (rest != e) {
      skip(b, "text after the object");
      continue;
    }
    e = line.pos();
    const char* inside = b + 1;
    while (inside < e && IsWs(*inside)) ++inside;
    if (*inside == '}') continue;  // `{}`: a fragment, not an event
    flush_run();
    bool go_on = true;
    if (context == Context::kRecords) {
      go_on = EmitSlow(std::string_view(b, static_cast<size_t>(e - b)), b, Envelope::kRecords);
    } else if (context == Context::kLookup) {
      go_on = SlowLookupEntry(b, e);
    } else {
      JsonScanner object(b, e);
      go_on = SlowObject(object) == Slow::kOk;
    }
    if (!go_on || stop_) return false;
  }
  flush_run();
  return !stop_;
}

// ---------------------------------------------------------------------------------
// Output.

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

uint64_t Reader::OffsetOf(const char* p) const {
  return buf_base_ + static_cast<uint64_t>(p - buf_.data());
}

}  // namespace vigil::internal
