// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The Reader's recovery after damage (reader.h): the strict path (reader_strict.cc)
// found invalid JSON at a byte; it is reported with its exact byte offset and line.
// Reading then recovers, from the line of the damage on:
// each line that starts with one complete, non-empty JSON object, followed by
// nothing but ',' and closing brackets, is taken as the next element of the array
// that was being read. Compact CloudTrail files are one line, so recovery usually
// finds nothing there, and pretty-printed events span many lines and are not
// recovered either; it helps with one-record-per-line layouts. When the stream
// itself was cut (truncated gzip, read error), the JSON error at the very end is not
// reported separately: the stream error explains it. Lines recovery cannot take are
// reported too: at the top level each broken line on its own (NDJSON), inside an
// array each run of them once ("lines A to B after the damage could not be recovered").
#include <cstring>
#include <string>

#include "inputs/reader.h"

namespace vigil::internal {
namespace {

bool IsWs(char c) { return JsonScanner::IsWs(c); }

}  // namespace

void Reader::ReportDamage(const JsonScanner& scanner) {
  const char* at = scanner.error_pos();
  // A record lost at the damage point uses up an index, and never one the fast path
  // already handed out.
  const uint64_t index = std::max(next_index_, fast_next_index_);
  if (scanner.error_at_end() && framer_.StreamCut()) {
    // The text ends because the stream was cut; that error is reported (with this
    // index) once the input ends. Check that nothing but whitespace follows.
    const char* p = text_.end;
    const char* end = framer_.buffer_end();
    while (p < end && IsWs(*p)) ++p;
    if (p == end) {
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
      ReportError(
          first, OffsetOf(run_begin), next_index_,
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

}  // namespace vigil::internal
