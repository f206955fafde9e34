// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: the bytes are the content of one log file (gzip, a CloudTrail Records
// file, NDJSON, a JSON array, lookup-events output, EventBridge envelopes, or anything
// else). Reads them from memory (ReadBuffer, whole), and scans them from a file with
// ScanInputs over the bundled rule pack while reading in tiny chunks, so NDJSON lines
// and gzip streams cross chunk boundaries. The chunk size only bounds memory: both reads
// must deliver the same records, in the same order, at the same positions. The input
// is first expanded (fuzz::Expand: 0xF5 K C stands for C+1 KiB of blanks, digits,
// letters, brackets or backslashes), so runs of whitespace and tokens of megabytes are
// a few mutations away; the read limits are then lowered by one control byte, so the
// huge tokens meet max_record_bytes and max_document_bytes too.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "fuzz_util.h"
#include "vigil/vigil.h"

namespace {

using vigil::fuzz::Collect;
using vigil::fuzz::RecordKey;

class ScanCollect : public vigil::ScanSink {
 public:
  bool OnRecord(const vigil::Record& r, std::span<const vigil::Match>) override {
    records.emplace_back(std::string(r.json), r.index, r.line, static_cast<int>(r.envelope));
    return true;
  }
  void OnError(const vigil::InputError& e) override { errors.push_back(e.message); }
  std::vector<RecordKey> records;
  std::vector<std::string> errors;
};

std::shared_ptr<const vigil::RuleSet> LoadPack() {
  vigil::CompileOptions options;
  options.skip_attributes = {"tests"};
  vigil::RuleSetBuilder builder(options);
  builder.AddPath(VIGIL_FUZZ_RULES_DIR);
  return builder.Build();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static vigil::Scanner scanner(LoadPack());
  static vigil::fuzz::ScratchFile file(".log");
  // Byte 0 picks the read limits; the rest, expanded, is the file.
  if (size == 0) return 0;
  vigil::ReadOptions read;
  switch (data[0] % 4) {
    case 0: break;  // the defaults
    case 1: read.max_record_bytes = 4096; break;
    case 2: read.max_record_bytes = 64 << 10; read.max_document_bytes = 256 << 10; break;
    case 3: read.max_document_bytes = 1000; break;
  }
  const std::string expanded = vigil::fuzz::Expand(
      std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), 4u << 20);
  const std::string_view bytes(expanded);

  Collect whole;
  vigil::ReadStats read_stats;
  vigil::ReadBuffer(bytes, "fuzz", read, &whole, &read_stats);
  if (read_stats.records != whole.records.size()) {
    vigil::fuzz::Fail("ReadStats::records differs from the records delivered");
  }
  if (read_stats.errors != whole.errors.size()) {
    vigil::fuzz::Fail("ReadStats::errors differs from the errors reported");
  }

  vigil::ScanOptions options;
  options.kind = vigil::EventKind::kAny;
  options.read = read;
  // Odd and tiny, so every boundary lands somewhere new; larger for the expanded inputs,
  // which would otherwise take a million reads.
  options.read.chunk_size = bytes.size() < (64u << 10) ? 7 : 4093;
  ScanCollect scanned;
  const vigil::ScanStats stats = vigil::ScanInputs(scanner, {file.Write(bytes)}, options, &scanned);
  if (stats.events + stats.event_errors < scanned.records.size()) {
    vigil::fuzz::Fail("ScanStats counts fewer events than were delivered");
  }

  if (scanned.records.size() != whole.records.size()) {
    std::string why = "reading in chunks delivered " + std::to_string(scanned.records.size()) +
                      " records, reading whole " + std::to_string(whole.records.size());
    for (const auto& [who, c] : {std::pair{"whole", &whole.errors}, {"chunked", &scanned.errors}}) {
      for (const std::string& e : *c) why += std::string("\n  ") + who + " error: " + e;
    }
    for (const auto& r : whole.records) why += "\n  whole record at line " + std::to_string(std::get<2>(r));
    for (const auto& r : scanned.records) why += "\n  chunked record at line " + std::to_string(std::get<2>(r));
    vigil::fuzz::Fail(why);
  }
  for (size_t i = 0; i < whole.records.size(); ++i) {
    if (scanned.records[i] != whole.records[i]) {
      auto describe = [](const RecordKey& r) {
        return "index " + std::to_string(std::get<1>(r)) + ", line " + std::to_string(std::get<2>(r)) +
               ", envelope " + std::to_string(std::get<3>(r)) + ", " +
               std::to_string(std::get<0>(r).size()) + " bytes: " + std::get<0>(r).substr(0, 300);
      };
      vigil::fuzz::Fail("record " + std::to_string(i) + " differs between chunked and whole "
                        "reads:\n  whole:   " + describe(whole.records[i]) +
                        "\n  chunked: " + describe(scanned.records[i]));
    }
  }
  return 0;
}
