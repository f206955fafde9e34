// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Reader: turns one input (file, stdin, memory block) into records for a RecordSink.
// Internal; use include/vigil/input.h (ReadFile, ReadBuffer, ReadInputs) instead.
//
// A Reader owns the buffers (in its Framer), the simdjson parser and the libdeflate
// decompressor, and reuses them from one input to the next, so reading many files costs
// no allocation once the buffers have grown to the largest input. One Reader per thread.
//
// Its layers, one file each, are listed at the top of reader.cc, with the meaning of
// Record::index and Record::line; the shapes it accepts are in envelope.h.
//
// Tested by tests/inputs/reader_test.cc, gzip_test.cc and shared_data_test.cc.
#pragma once

#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "inputs/byte_source.h"
#include "inputs/decompress.h"
#include "inputs/framing.h"
#include "inputs/json_scanner.h"
#include "inputs/padded_buffer.h"
#include "vigil/input.h"

namespace vigil::internal {

// The largest text simdjson's fast path reads (see Reader::set_max_fast_text_bytes):
// its index then takes at most about 180 MiB. CloudTrail delivery files are a few MiB.
inline constexpr size_t kMaxFastTextBytes = size_t{32} << 20;

// The largest text (an NDJSON line, a document) the matcher's DOM parse reads whole
// for the Reader (Reader::WholeText): simdjson's DOM of a text takes about 14 bytes per
// byte, and the matcher's parser keeps what it grew to. Larger texts are read by the
// On-Demand pass, and each record is parsed by the matcher on its own.
inline constexpr size_t kMaxWholeDocumentBytes = size_t{2} << 20;

// The DOM parser of the matcher a Reader's records go to, lent to the Reader so that an
// NDJSON line holding one plain event is parsed once: the Reader parses the line into
// it to learn what the line is, and when it delivers the line as a record, the matcher
// reads that parse instead of making its own (ScanInputs; eval/evaluator.h).
class DomHandoff {
 public:
  virtual ~DomHandoff() = default;
  // Parses `json` into the matcher's parser. REQUIRES: simdjson::SIMDJSON_PADDING
  // readable bytes after it. False when simdjson's DOM refuses it or it is not an
  // object; the matcher's earlier parse is then gone either way.
  virtual bool Parse(std::string_view json, simdjson::dom::element* root) = 0;
  // The next record the matcher evaluates is `json`, just parsed by Parse: reuse it.
  // A record that is not `json` (same bytes at the same place) is parsed as usual.
  virtual void Reuse(std::string_view json) = 0;
  // The same for `json`, the text of `element`, an object inside the text Parse parsed
  // (a record of a {"Records":[...]} document).
  virtual void ReuseElement(std::string_view json, simdjson::dom::element element) = 0;
  // Changes whenever the matcher's parser parses anything (Parse, or its own parse of a
  // record it was not handed, or of copies): the elements of the earlier parse are then
  // gone.
  virtual uint64_t Generation() const = 0;
  // Offsets in the text Parse parsed last of its structural characters and the starts
  // of its scalars, in order (simdjson's first stage); valid until the next parse.
  virtual const uint32_t* Structurals(size_t* count) const = 0;
};

class Reader : private TextHandler {
 public:
  // `sink` and `stats` must outlive the Reader.
  Reader(const ReadOptions& options, RecordSink* sink, ReadStats* stats);
  ~Reader() override;
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Reads a file, or stdin for "-". Returns false when the sink asked to stop.
  // `path` must stay alive during the call (records point to it).
  bool ReadPath(const std::string& path);
  // Reads a memory block; `name` is what records and errors name as their file.
  bool ReadMemory(std::string_view data, const std::string& name);

  // Texts (documents, NDJSON lines) larger than this are read by the strict scanner
  // alone, which needs no memory beyond the text, instead of simdjson, whose index
  // costs about 5.7 bytes per byte of text. For tests; the default is
  // kMaxFastTextBytes.
  void set_max_fast_text_bytes(size_t n) { max_fast_text_bytes_ = n; }

  // Lends the Reader its sink's DOM parser (see DomHandoff); null: none. Must outlive
  // the Reader's reads.
  void set_dom_handoff(DomHandoff* handoff) { handoff_ = handoff; }

 private:
  // Where a record came from, which decides how an object found there is read.
  enum class Context {
    kTop,      // a top-level value (a document or an NDJSON line)
    kArray,    // an element of a top-level array
    kRecords,  // an element of a {"Records":[...]} array
    kLookup,   // an element of a lookup-events {"Events":[...]} array
  };
  enum class Fast { kOk, kStop, kFailed, kTrailing };

  static ReadOptions FixedOptions(ReadOptions options);
  void StartInput(const std::string* name);
  // The byte layer (decompress.h): plain, gzip read whole, or gzip streamed.
  bool ReadRaw(ByteSource* raw, std::optional<uint64_t> size, std::string_view whole,
               bool in_memory);
  bool ReadGzipWhole(std::string_view compressed);
  bool ReadGzipStream(std::string_view initial, ByteSource* raw, bool count_compressed);

  // TextHandler, for the Framer.
  bool OnText(const char* begin, const char* end, uint64_t line, bool single_line) override;
  void OnFramingError(uint64_t line, uint64_t byte_offset, bool takes_index,
                      std::string message) override;
  bool Stopped() override { return stop_; }

  // Fast path: simdjson On-Demand. Delivers a record only once the parser has moved
  // past it (see reader.cc); on any problem returns kFailed and the slow path redoes
  // the text.
  // An NDJSON line that parses whole into the handoff's DOM as an object with none of
  // the envelope keys: delivered as one event whose parse the matcher reuses; so are
  // the records of a {"Records":[...]} text (see WholeText). kNo when the text is
  // anything else; FastText then reads it as ever.
  enum class Whole { kDelivered, kStop, kNo };
  Whole WholeText();
  Whole WholeRecords(simdjson::dom::array records);
  bool RecordSpans(std::vector<std::pair<uint32_t, uint32_t>>* spans);
  Fast FastText();
  Fast FastObject(simdjson::ondemand::object& object, const char* start);
  Fast FastArray(simdjson::ondemand::array& array, Context context);
  Fast FastLookupEntry(simdjson::ondemand::object& entry, const char* start);
  // End of the value the document iterator just left, trailing whitespace excluded.
  const char* EndOfValue(const char* start);
  // Makes `json` the pending record. `source`/`source_end` delimit the text it came
  // from (the lookup-events entry for kLookupEvents), `line_at` is where it starts.
  void Produce(std::string_view json, const char* source, Envelope envelope,
               const char* source_end, const char* line_at);
  bool FlushPending();

  // Slow path: JsonScanner, exact error positions, then line-by-line recovery.
  enum class Slow { kOk, kStop, kDamaged };
  bool SlowText(const char* from);
  static Slow EndDamaged(JsonScanner& scanner);
  Slow SlowValue(JsonScanner& scanner, Context context);
  Slow SlowObject(JsonScanner& scanner);
  Slow SlowArray(JsonScanner& scanner, Context context);
  // Reads one lookup-events entry already validated by the scanner. False on stop.
  bool SlowLookupEntry(const char* begin, const char* end);
  bool EmitSlow(std::string_view json, const char* source, Envelope envelope);
  void ElementError(const char* at, std::string message);
  void ReportDamage(const JsonScanner& scanner);
  bool Recover(const char* damage);

  // Hands `record` (whose text starts at `source` in the Framer's buffer) to the sink, or reports
  // it when it is larger than max_record_bytes.
  bool Deliver(const Record& record, const char* source);
  void ReportError(uint64_t line, uint64_t byte_offset, uint64_t index, std::string message);
  // True once ReadOptions::stop asks to stop (and then sets stop_, so reading ends).
  bool Stopping() {
    if (options_.stop == nullptr || !options_.stop->load(std::memory_order_relaxed)) return false;
    stop_ = true;
    return true;
  }
  void ReportIfEmpty(uint64_t errors_before);
  uint64_t LineAt(const char* p);
  uint64_t OffsetOf(const char* p) const { return framer_.OffsetOf(p); }
  std::string_view CopyToOwned(std::string_view s);

  ReadOptions options_;
  DomHandoff* handoff_ = nullptr;
  size_t max_fast_text_bytes_ = kMaxFastTextBytes;
  RecordSink* sink_;
  ReadStats* stats_;

  Framer framer_;  // after options_ and stats_, which it reads
  simdjson::ondemand::parser parser_;
  WholeInflater inflater_;
  PaddedBuffer compressed_; // whole compressed inputs for libdeflate
  PaddedBuffer owned_;      // unescaped lookup-events records
  std::string lossy_;       // a CloudTrailEvent string simdjson refused (lone surrogate)
  std::vector<std::pair<uint32_t, uint32_t>> record_spans_;  // WholeRecords

  // Per input.
  const std::string* name_ = nullptr;
  uint64_t next_index_ = 0;
  bool stop_ = false;
  // Whether this input had anything but whitespace: an empty one is reported.
  bool saw_content_ = false;

  // Per text (OnText).
  struct Text {
    const char* begin = nullptr;
    const char* end = nullptr;
    uint64_t first_line = 1;
    bool single_line = false;
  } text_;
  const char* line_pos_ = nullptr;  // newlines before line_pos_ are counted in line_
  uint64_t line_ = 1;
  simdjson::ondemand::document* doc_ = nullptr;
  const char* trailing_ = nullptr;  // where a second top-level value starts
  Record pending_;
  bool has_pending_ = false;
  const char* pending_source_ = nullptr;
  const char* pending_source_end_ = nullptr;
  // Source position of the last record the fast path delivered from this text: the
  // slow path does not deliver those again. And the end of the source text of the
  // last record delivered by either path: recovery starts after it.
  const char* delivered_ = nullptr;
  const char* delivered_end_ = nullptr;
  uint64_t fast_next_index_ = 0;
  Context damage_context_ = Context::kTop;
};

// ReadInputs (input.h), lending `handoff` (may be null) to the Reader.
ReadStats ReadInputs(const std::vector<std::string>& inputs, const ReadOptions& options,
                     RecordSink* sink, DomHandoff* handoff);

}  // namespace vigil::internal
