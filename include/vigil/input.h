// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Input readers: turn files, folders, stdin or memory buffers holding CloudTrail logs
// into a stream of records (one JSON event each) with their position.
//
// Accepted shapes, detected by content (not by file name):
//   - {"Records":[...]}                  CloudTrail delivery files
//   - gzip of any of these (.json.gz)     detected by the gzip magic bytes
//   - NDJSON, one JSON value per line     (each line may itself be any shape below)
//   - a bare JSON array of events, or a single event object
//   - {"Events":[{"CloudTrailEvent":"<json text>"},...]}   `aws cloudtrail lookup-events`
//   - EventBridge envelopes {"detail-type":..., "detail":{...}}: the record is `detail`
// Folders are walked recursively in sorted order; files under a `CloudTrail-Digest`
// folder (integrity digests, not events) are skipped and counted. The files of one
// folder are then read in delivery order (see ExpandInputs), so that the regions of
// an S3 CloudTrail export interleave in event time instead of following each other.
//
// Nothing is lost silently: malformed JSON, truncated or corrupt gzip and unreadable
// files are reported to RecordSink::OnError with file and position, counted, and
// reading goes on with the next record, line or file. An input with nothing in it (0
// bytes, only whitespace, a gzip of nothing) is reported too ("empty: no records"): no
// log writer produces one, so it is a truncated upload or a placeholder worth knowing
// about. A valid document of no records ({"Records":[]}) is not an error.
//
// Thread safety: the functions here are reentrant; each call uses its own buffers.
// A sink is called from the calling thread only.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/export.h"

namespace vigil {

// Bytes that are readable (and may hold anything) after the end of Record::json, so
// that the JSON parser can read it in place without a copy. Equal to simdjson's
// SIMDJSON_PADDING.
inline constexpr size_t kRecordPadding = 64;

enum class Envelope {
  kNone,         // a bare event (NDJSON line, array element, single object)
  kRecords,      // element of a CloudTrail {"Records":[...]} file
  kLookupEvents, // CloudTrailEvent string of `aws cloudtrail lookup-events` output
  kEventBridge,  // `detail` of an EventBridge event
};

// Which rules an event may be matched by, according to their `logsource`.
enum class EventKind {
  // Detect per event: a record from a CloudTrail envelope, or an object with the
  // top-level fields eventSource, eventName and eventTime, is CloudTrail.
  kAuto,
  // CloudTrail: only rules whose logsource fits product aws / service cloudtrail
  // (or that name no logsource) are evaluated.
  kCloudTrail,
  // Unknown source: every rule is evaluated, whatever its logsource.
  kAny,
};

// Values of fields that a Scanner read from its own parse of one event
// (Scanner::captured()): RuleSet::captured_fields(), what a Correlator needs from the
// event, so that it does not parse the event again (Correlator::Add), followed by the
// Scanner's record_fields() (what a ScanSink asked for: ScanOptions::record_fields,
// Record::fields). One entry per field, in that order.
struct CapturedFields {
  struct Value {
    bool present = false;    // the field exists and is not null
    bool is_string = false;  // a JSON string (`text` is its unescaped text)
    bool is_number = false;  // a JSON number (`number` is its value as a double)
    double number = 0;
    // A string's text, "true" or "false", or the minified JSON of a number, an object
    // or an array. Empty when !present.
    std::string text;
  };
  std::vector<Value> values;
};

struct Record {
  // The event's JSON text. Valid only during the OnRecord call. At least
  // kRecordPadding readable bytes follow it.
  std::string_view json;
  // The input it came from: a path, or "-" for stdin, or the name given to ReadBuffer.
  const std::string* file = nullptr;
  // 0-based position of the event within its file (or stream).
  uint64_t index = 0;
  // 1-based line on which the event starts in the (decompressed) file, 0 if unknown.
  uint64_t line = 0;
  Envelope envelope = Envelope::kNone;
  // Set by a scan only (ScanSink::OnRecord; the readers leave it empty): the values of
  // ScanOptions::record_fields in this event, fields[i] for record_fields[i], read from
  // the parse that matched it. Empty when the record matched nothing, when no field
  // was asked for, and when the matcher kept no DOM parse of the whole event (rare: an
  // event with a repeated key that a rule reads, a lone surrogate escape, a number
  // beyond 64 bits; see Scanner::captured()); a sink that needs the fields then reads
  // `json` itself. Points into the scan's buffers: valid only during the OnRecord call.
  std::span<const CapturedFields::Value> fields;
};

struct InputError {
  std::string file;
  uint64_t line = 0;         // 1-based, 0 if unknown
  uint64_t byte_offset = 0;  // in the decompressed stream
  uint64_t index = 0;        // position of the record that was lost, when known
  std::string message;

  // The message without the "record <index>: " an event error starts with, for callers
  // that name the record their own way (a test's events[N], a batch's event N).
  std::string_view reason() const {
    const std::string prefix = "record " + std::to_string(index) + ": ";
    return std::string_view(message).starts_with(prefix)
               ? std::string_view(message).substr(prefix.size())
               : std::string_view(message);
  }
};

struct VIGIL_EXPORT ReadStats {
  uint64_t files = 0;           // files read (including stdin)
  uint64_t records = 0;         // records passed to OnRecord
  uint64_t bytes = 0;           // decompressed bytes read
  uint64_t compressed_bytes = 0;
  uint64_t errors = 0;          // OnError calls
  uint64_t skipped_files = 0;   // digests and other non-log files skipped

  ReadStats& operator+=(const ReadStats& o);
};

struct ReadOptions {
  // NDJSON files are read in chunks of about this size so memory stays bounded on
  // inputs of any size. Other shapes are read whole (CloudTrail files are small).
  size_t chunk_size = 8u << 20;
  // Largest accepted single JSON document (Records file after decompression) or
  // NDJSON line (a line may hold a whole Records file). A larger one is reported
  // (InputError: file, byte offset, line for NDJSON) and skipped; for NDJSON the next
  // lines are still read.
  uint64_t max_document_bytes = 1ull << 30;
  // Largest accepted single record (one event: an NDJSON line's object, a Records or
  // array element, a lookup-events CloudTrailEvent, an EventBridge detail). A larger
  // record is reported (InputError with file, line, byte offset and index), counted in
  // ReadStats::errors and skipped; the records around it are still read. CloudTrail
  // events are a few KiB; the bound keeps one hostile record from holding the matcher's
  // buffers (which grow to the largest record) at gigabytes. Above 4 GiB the JSON
  // parser's own limit applies: such a record is a bad event.
  uint64_t max_record_bytes = 64ull << 20;
  // Largest gzip input decompressed whole, in one call (libdeflate), rather than as a
  // stream (zlib, in chunk_size pieces). Both its compressed size and the size its
  // trailer announces must be at most this; both are checked before the input is read
  // (the trailer with one 4-byte read at the end of the file). Whole is about twice as
  // fast here, and memory is then the compressed plus the decompressed size instead
  // of about one chunk. A trailer that lies (a hostile or damaged file) costs at most
  // this much output before the stream takes over. CloudTrail delivery files are a few
  // MiB; the bound is for exports gzipped whole. 0: every gzip input over chunk_size
  // is streamed, as before this option existed.
  uint64_t max_inflate_bytes = 256ull << 20;
  // When set, reading ends as soon as *stop is true (set from any thread, or from a
  // signal handler: e.g. `vigil scan` on SIGINT/SIGTERM). The record at hand is
  // finished; no further record is delivered and nothing more is reported, and the
  // read functions return false as when the sink asked to stop. A read that waits for
  // input (a pipe, a terminal) checks it at least every 100 ms. Not owned; must outlive
  // the read.
  const std::atomic<bool>* stop = nullptr;
};

class VIGIL_EXPORT RecordSink {
 public:
  virtual ~RecordSink() = default;
  // Return false to stop reading (everything stops, e.g. the output was closed).
  virtual bool OnRecord(const Record& record) = 0;
  virtual void OnError(const InputError& error) = 0;
};

// Lists the files that inputs name, in the order they are read: inputs in the order
// given; a file as it is, "-" (stdin) as it is, a folder as the files found by
// walking it recursively (entries sorted by name in byte order, digest folders,
// hidden entries, FIFOs and devices skipped, each file once).
//
// Order within one folder: the files whose name carries a CloudTrail delivery time,
// `_YYYYMMDDTHHMMZ_` (<account>_CloudTrail_<region>_20240101T0005Z_<random>.json.gz),
// are sorted by that time (UTC; equal times in walk order) among themselves: they
// fill, in time order, the positions the walk gave them. A file without such a name
// keeps its walk position. So a folder without CloudTrail names is read in walk
// order, and AWSLogs/<account>/CloudTrail/<region>/... reads all regions' files
// interleaved by delivery time, which keeps event time in order to within minutes
// (CloudTrail usually delivers a file minutes after its events) for event-time
// correlation with a lateness bound. Only the files of one folder input are
// reordered: files named explicitly stay where they are named, and the files of two
// folder inputs are not mixed.
//
// Problems (missing path, unreadable folder, symlink loop) are reported to
// sink->OnError, in walk order.
VIGIL_EXPORT std::vector<std::string> ExpandInputs(const std::vector<std::string>& inputs,
                                                  RecordSink* sink, ReadStats* stats);

// Reads one file ("-" = stdin). Returns false when the sink asked to stop.
VIGIL_EXPORT bool ReadFile(const std::string& path, const ReadOptions& options,
                           RecordSink* sink, ReadStats* stats);

// Reads a buffer already in memory (any accepted shape, gzip included).
VIGIL_EXPORT bool ReadBuffer(std::string_view data, const std::string& name,
                             const ReadOptions& options, RecordSink* sink, ReadStats* stats);

// ExpandInputs + ReadFile over each. An empty list reads stdin.
VIGIL_EXPORT ReadStats ReadInputs(const std::vector<std::string>& inputs,
                                  const ReadOptions& options, RecordSink* sink);

}  // namespace vigil
