// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Fuzz target: the bytes are the content of one log file (gzip, a CloudTrail Records
// file, NDJSON, a JSON array, lookup-events output, EventBridge envelopes, or anything
// else). Reads them from memory (ReadBuffer, whole), and scans them from a file with
// ScanInputs over the bundled rule pack while reading in tiny chunks, so NDJSON lines
// and gzip streams cross chunk boundaries. The chunk size only bounds memory: both reads
// must deliver the same records, in the same order, at the same positions.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "fuzz_util.h"
#include "vigil/vigil.h"

namespace {

using RecordKey = std::tuple<std::string, uint64_t, uint64_t, int>;

class Collect : public vigil::RecordSink {
 public:
  bool OnRecord(const vigil::Record& r) override {
    records.emplace_back(std::string(r.json), r.index, r.line, static_cast<int>(r.envelope));
    return true;
  }
  void OnError(const vigil::InputError& e) override { errors.push_back(e.message); }
  std::vector<RecordKey> records;
  std::vector<std::string> errors;
};

class ScanCollect : public vigil::ScanSink {
 public:
  bool OnMatch(const vigil::Record&, const vigil::Match&) override { return true; }
  void OnError(const vigil::InputError& e) override { errors.push_back(e.message); }
  bool OnRecordDone(const vigil::Record& r, size_t) override {
    records.emplace_back(std::string(r.json), r.index, r.line, static_cast<int>(r.envelope));
    return true;
  }
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
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  Collect whole;
  vigil::ReadStats read_stats;
  vigil::ReadBuffer(bytes, "fuzz", vigil::ReadOptions{}, &whole, &read_stats);
  if (read_stats.records != whole.records.size()) {
    vigil::fuzz::Fail("ReadStats::records differs from the records delivered");
  }
  if (read_stats.errors != whole.errors.size()) {
    vigil::fuzz::Fail("ReadStats::errors differs from the errors reported");
  }

  vigil::ScanOptions options;
  options.kind = vigil::EventKind::kAny;
  options.read.chunk_size = 7;  // odd and tiny: every boundary lands somewhere new
  ScanCollect scanned;
  const vigil::ScanStats stats = vigil::ScanInputs(scanner, {file.Write(bytes)}, options, &scanned);
  if (stats.events + stats.event_errors < scanned.records.size()) {
    vigil::fuzz::Fail("ScanStats counts fewer events than were delivered");
  }

  if (scanned.records.size() != whole.records.size()) {
    vigil::fuzz::Fail("reading in chunks delivered " + std::to_string(scanned.records.size()) +
                      " records, reading whole " + std::to_string(whole.records.size()));
  }
  for (size_t i = 0; i < whole.records.size(); ++i) {
    if (scanned.records[i] != whole.records[i]) {
      vigil::fuzz::Fail("record " + std::to_string(i) + " differs between chunked and whole "
                        "reads:\n  whole:   " + std::get<0>(whole.records[i]) +
                        "\n  chunked: " + std::get<0>(scanned.records[i]));
    }
  }
  return 0;
}
