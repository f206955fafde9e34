// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Question: what throughput does a whole scan reach, end to end (ScanInputs: read the
// files, decompress, split into records, match, report)? Over an NDJSON file and over
// a CloudTrail S3 layout of .json.gz {"Records":[...]} files, with the bundled pack and
// with the pack plus 1000 generated rules; ReadInputs with a sink that does nothing is
// the floor (reading and framing alone). ScanOptions::threads (files in parallel) is
// measured on the S3 layout, in wall time.
//
// The data is generated at startup into a temporary folder by tools/gen_cloudtrail.py
// --seed 7: VIGIL_BENCH_SCAN_BYTES of events (default 20MB; smoke 300KB) as NDJSON and
// as an S3 folder (--rate VIGIL_BENCH_SCAN_RATE events/s, default 20, which makes files
// of a few hundred to a few thousand records). The files stay in the page cache after
// the first pass, so this measures CPU, not the disk. Reports MB/s of decompressed JSON
// (bytes_per_second) and events/s (items_per_second).

#include "bench_common.h"

namespace vigil::bench {
namespace {

struct ScanData {
  std::string ndjson;
  std::string s3;
  uint64_t bytes = 0;
};

const ScanData& Data() {
  static const ScanData* data = [] {
    auto* d = new ScanData;
    const uint64_t bytes = EnvSize("VIGIL_BENCH_SCAN_BYTES", Smoke() ? 300'000 : 20'000'000);
    const uint64_t rate = EnvSize("VIGIL_BENCH_SCAN_RATE", 20);
    const std::string gen = "python3 '" + SourceDir() + "/tools/gen_cloudtrail.py' --seed 7 --bytes " +
                            std::to_string(bytes) + " --rate " + std::to_string(rate) + " --manifest /dev/null";
    d->ndjson = TempDir() + "/scan.ndjson";
    d->s3 = TempDir() + "/s3";
    RunOrDie(gen + " --out '" + d->ndjson + "'");
    RunOrDie(gen + " --format s3 --out '" + d->s3 + "'");
    d->bytes = bytes;
    return d;
  }();
  return *data;
}

class CountingSink : public ScanSink {
 public:
  bool OnMatch(const Record&, const Match&) override {
    ++matches;
    return true;
  }
  void OnError(const InputError&) override { ++errors; }
  uint64_t matches = 0, errors = 0;
};

class NullRecordSink : public RecordSink {
 public:
  bool OnRecord(const Record& r) override {
    benchmark::DoNotOptimize(r.json.data());
    return true;
  }
  void OnError(const InputError&) override { ++errors; }
  uint64_t errors = 0;
};

void Report(benchmark::State& state, uint64_t bytes, uint64_t compressed, uint64_t events, uint64_t files) {
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * events));
  state.counters["files"] = static_cast<double>(files);
  state.counters["events"] = static_cast<double>(events);
  state.counters["MB"] = static_cast<double>(bytes) / 1e6;
  if (compressed != 0) state.counters["gz_MB"] = static_cast<double>(compressed) / 1e6;
}

void RunScan(benchmark::State& state, const std::string& input, std::shared_ptr<const RuleSet> rules,
             unsigned threads = 1) {
  Scanner scanner(std::move(rules));
  ScanOptions options;
  options.threads = threads;
  ScanStats last;
  uint64_t matches = 0;
  for (auto _ : state) {
    CountingSink sink;
    last = ScanInputs(scanner, {input}, options, &sink);
    if (sink.errors != 0 || last.events == 0) {
      state.SkipWithError("the scan reported errors or read nothing");
      return;
    }
    matches = sink.matches;
  }
  Report(state, last.bytes, 0, last.events, last.files);
  state.counters["rules"] = static_cast<double>(scanner.rules().size());
  state.counters["matches"] = static_cast<double>(matches);
}

void RunRead(benchmark::State& state, const std::string& input) {
  ReadStats last;
  for (auto _ : state) {
    NullRecordSink sink;
    last = ReadInputs({input}, {}, &sink);
    if (sink.errors != 0 || last.records == 0) {
      state.SkipWithError("the read reported errors or read nothing");
      return;
    }
  }
  Report(state, last.bytes, last.compressed_bytes, last.records, last.files);
}

void BM_ReadNdjson(benchmark::State& state) { RunRead(state, Data().ndjson); }
BENCHMARK(BM_ReadNdjson)->Unit(benchmark::kMillisecond);

void BM_ReadS3Gzip(benchmark::State& state) { RunRead(state, Data().s3); }
BENCHMARK(BM_ReadS3Gzip)->Unit(benchmark::kMillisecond);

void BM_ScanNdjsonPack(benchmark::State& state) {
  RunScan(state, Data().ndjson, BuildFromPaths({PackDir()}));
}
BENCHMARK(BM_ScanNdjsonPack)->Unit(benchmark::kMillisecond);

void BM_ScanS3GzipPack(benchmark::State& state) { RunScan(state, Data().s3, BuildFromPaths({PackDir()})); }
BENCHMARK(BM_ScanS3GzipPack)->Unit(benchmark::kMillisecond);

void BM_ScanNdjsonPackPlus1000(benchmark::State& state) {
  RunScan(state, Data().ndjson, BuildFromPaths({PackDir(), GeneratedRules(Smoke() ? 100 : 1000)}));
}
BENCHMARK(BM_ScanNdjsonPackPlus1000)->Unit(benchmark::kMillisecond);

void BM_ScanS3GzipPackPlus1000(benchmark::State& state) {
  RunScan(state, Data().s3, BuildFromPaths({PackDir(), GeneratedRules(Smoke() ? 100 : 1000)}));
}
BENCHMARK(BM_ScanS3GzipPackPlus1000)->Unit(benchmark::kMillisecond);

// ScanOptions::threads: files matched in parallel (one Scanner per thread). Wall time,
// since the work is spread over threads; only meaningful on an otherwise idle machine.
void BM_ScanS3GzipPackThreads(benchmark::State& state) {
  RunScan(state, Data().s3, BuildFromPaths({PackDir()}), static_cast<unsigned>(state.range(0)));
}
BENCHMARK(BM_ScanS3GzipPackThreads)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil::bench
