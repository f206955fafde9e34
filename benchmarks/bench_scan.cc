// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Question: what throughput does a whole scan reach, end to end (ScanInputs: read the
// files, decompress, split into records, match, report)? Over an NDJSON file and over
// a CloudTrail S3 layout of .json.gz {"Records":[...]} files, with the bundled pack and
// with the pack plus 1000 generated rules; ReadInputs with a sink that does nothing is
// the floor (reading and framing alone). ScanOptions::threads (files in parallel) is
// measured on the S3 layout, in wall time.
//
// Second question: what does a scan cost when many events match, output included?
// The "Attacks" corpus is the same generator at --attack-rate 0.25, where about 30% of
// events match a printed pack rule (counter `printed`; `matched` also counts the pack's
// building-block rules, which vigil scan does not print: about 2/3 of events). The
// default corpus has attacks at 0.001: its matches are mostly building blocks. Its scans report through JsonlSink (bench_common.h), which formats each
// match as `vigil scan --format jsonl` does into a buffer. It comes as NDJSON, as the
// S3 layout and as one big .json.gz of the NDJSON; each gzip scan also measures the
// decompression floor of its files (libdeflate, whole file, GunzipFloor) in the same
// run and reports the ratio as `x_floor` (scan time / floor time, the best of each; CPU
// time with one thread, wall time with two).
//
// The data is generated at startup into a temporary folder by tools/gen_cloudtrail.py
// --seed 7: VIGIL_BENCH_SCAN_BYTES of events (default 20MB; smoke 300KB) as NDJSON and
// as an S3 folder (--rate VIGIL_BENCH_SCAN_RATE events/s, default 20, which makes files
// of a few hundred to a few thousand records). The files stay in the page cache after
// the first pass, so this measures CPU, not the disk. Reports MB/s of decompressed JSON
// (bytes_per_second) and events/s (items_per_second).

#include <time.h>

#include <algorithm>
#include <chrono>
#include <span>

#include "bench_common.h"

namespace vigil::bench {
namespace {

struct ScanData {
  std::string ndjson;
  std::string s3;
  uint64_t bytes = 0;
};

ScanData Generate(const std::string& name, const std::string& extra) {
  ScanData d;
  const uint64_t bytes = EnvSize("VIGIL_BENCH_SCAN_BYTES", Smoke() ? 300'000 : 20'000'000);
  const uint64_t rate = EnvSize("VIGIL_BENCH_SCAN_RATE", 20);
  const std::string gen = "python3 '" + SourceDir() + "/tools/gen_cloudtrail.py' --seed 7 --bytes " +
                          std::to_string(bytes) + " --rate " + std::to_string(rate) + " --manifest /dev/null" + extra;
  d.ndjson = TempDir() + "/" + name + ".ndjson";
  d.s3 = TempDir() + "/" + name + "-s3";
  RunOrDie(gen + " --out '" + d.ndjson + "'");
  RunOrDie(gen + " --format s3 --out '" + d.s3 + "'");
  d.bytes = bytes;
  return d;
}

const ScanData& Data() {
  static const ScanData* data = new ScanData(Generate("scan", ""));
  return *data;
}

// The realistic match rate (see the top of this file), plus `gz`: the NDJSON gzipped
// as one file, level 6.
struct AttackData : ScanData {
  std::string gz;
};

const AttackData& Attacks() {
  static const AttackData* data = [] {
    auto* d = new AttackData;
    static_cast<ScanData&>(*d) = Generate("attacks", " --attack-rate 0.25");
    d->gz = TempDir() + "/attacks.ndjson.gz";
    RunOrDie("python3 -c 'import gzip, shutil, sys; shutil.copyfileobj(open(sys.argv[1], \"rb\"), "
             "gzip.open(sys.argv[2], \"wb\", 6))' '" + d->ndjson + "' '" + d->gz + "'");
    return d;
  }();
  return *data;
}

class CountingSink : public vigil::testing::PerMatchSink {
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

// ---- A realistic match rate, output included -----------------------------------------

// A clock for x_floor: with one thread, this thread's CPU time, which other work on a
// shared machine disturbs far less than wall time; with several, wall time.
double Now(unsigned threads) {
  if (threads == 1) {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Scans `input` with the pack into a JsonlSink. With `floor_files`, also measures their
// decompression floor before the timed loop and reports x_floor (best scan / best floor,
// in CPU time with one thread, wall time with more).
void RunScanJsonl(benchmark::State& state, const std::string& input, unsigned threads = 1,
                  const std::vector<std::string>& floor_files = {}) {
  static const std::shared_ptr<const RuleSet> pack = BuildFromPaths({PackDir()});
  Scanner scanner(pack);
  ScanOptions options;
  options.threads = threads;
  double floor = 0;
  if (!floor_files.empty()) {
    for (int i = 0; i < 3; ++i) {
      const double start = Now(threads);
      GunzipFloor(floor_files);
      const double s = Now(threads) - start;
      if (floor == 0 || s < floor) floor = s;
    }
  }
  ScanStats last;
  uint64_t matches = 0, matched = 0, printed = 0, out_bytes = 0;
  double best = 0;
  for (auto _ : state) {
    JsonlSink sink(*pack);
    const double start = Now(threads);
    last = ScanInputs(scanner, {input}, options, &sink);
    const double s = Now(threads) - start;
    if (best == 0 || s < best) best = s;
    if (sink.errors != 0 || last.events == 0) {
      state.SkipWithError("the scan reported errors or read nothing");
      return;
    }
    matches = sink.matches;
    matched = sink.matched_records;
    printed = sink.printed_records;
    out_bytes = sink.bytes_out();
  }
  Report(state, last.bytes, 0, last.events, last.files);
  const double events = static_cast<double>(last.events);
  state.counters["matches"] = static_cast<double>(matches);
  // Share of events that some rule matched, and that vigil scan prints a match for.
  state.counters["matched"] = static_cast<double>(matched) / events;
  state.counters["printed"] = static_cast<double>(printed) / events;
  state.counters["jsonl_MB"] = static_cast<double>(out_bytes) / 1e6;
  if (floor > 0) {
    state.counters["floor_ms"] = floor * 1e3;
    state.counters["x_floor"] = best / floor;
  }
}

void BM_ScanNdjsonPackAttacks(benchmark::State& state) {
  RunScan(state, Attacks().ndjson, BuildFromPaths({PackDir()}));
}
BENCHMARK(BM_ScanNdjsonPackAttacks)->Unit(benchmark::kMillisecond);

void BM_ScanNdjsonPackAttacksJsonl(benchmark::State& state) { RunScanJsonl(state, Attacks().ndjson); }
BENCHMARK(BM_ScanNdjsonPackAttacksJsonl)->Unit(benchmark::kMillisecond);

void BM_GunzipFloorS3Attacks(benchmark::State& state) {
  const std::vector<std::string> files = GzFiles(Attacks().s3);
  uint64_t bytes = 0;
  for (auto _ : state) bytes = GunzipFloor(files);
  Report(state, bytes, 0, 0, files.size());
}
BENCHMARK(BM_GunzipFloorS3Attacks)->Unit(benchmark::kMillisecond);

void BM_ScanS3GzipPackAttacksJsonl(benchmark::State& state) {
  RunScanJsonl(state, Attacks().s3, 1, GzFiles(Attacks().s3));
}
BENCHMARK(BM_ScanS3GzipPackAttacksJsonl)->Unit(benchmark::kMillisecond);

void BM_GunzipFloorOneGzipAttacks(benchmark::State& state) {
  uint64_t bytes = 0;
  for (auto _ : state) bytes = GunzipFloor({Attacks().gz});
  Report(state, bytes, 0, 0, 1);
}
BENCHMARK(BM_GunzipFloorOneGzipAttacks)->Unit(benchmark::kMillisecond);

void BM_ScanOneGzipPackAttacksJsonl(benchmark::State& state) {
  RunScanJsonl(state, Attacks().gz, 1, {Attacks().gz});
}
BENCHMARK(BM_ScanOneGzipPackAttacksJsonl)->Unit(benchmark::kMillisecond);

// Two threads on the S3 layout: files in parallel; x_floor against one thread's floor.
void BM_ScanS3GzipPackAttacksJsonlThreads(benchmark::State& state) {
  RunScanJsonl(state, Attacks().s3, static_cast<unsigned>(state.range(0)), GzFiles(Attacks().s3));
}
BENCHMARK(BM_ScanS3GzipPackAttacksJsonlThreads)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

// ---- The event census (ScanOptions::census) ---------------------------------------
//
// Question: what does the census cost a scan? The NDJSON scanned with the pack without
// and with it, alternately (so that the load of a shared machine falls on both alike),
// in this thread's CPU time; each iteration is one pair. Reports the best and the median
// of each and their ratios (census_x_min, census_x_median).
void BM_ScanNdjsonPackCensusCost(benchmark::State& state) {
  static const std::shared_ptr<const RuleSet> pack = BuildFromPaths({PackDir()});
  Scanner scanner(pack);
  std::vector<double> plain, census;
  ScanStats last;
  for (auto _ : state) {
    for (const bool with : {false, true}) {
      ScanOptions options;
      options.census = with;
      CountingSink sink;
      const double start = Now(1);
      last = ScanInputs(scanner, {Data().ndjson}, options, &sink);
      (with ? census : plain).push_back(Now(1) - start);
      if (sink.errors != 0 || last.events == 0 || with == last.census.cells.empty()) {
        state.SkipWithError("the scan reported errors, read nothing or made no census");
        return;
      }
    }
  }
  std::sort(plain.begin(), plain.end());
  std::sort(census.begin(), census.end());
  auto median = [](const std::vector<double>& v) {
    return v.size() % 2 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
  };
  Report(state, last.bytes, 0, last.events, last.files);
  state.counters["plain_min_ms"] = plain.front() * 1e3;
  state.counters["plain_median_ms"] = median(plain) * 1e3;
  state.counters["census_min_ms"] = census.front() * 1e3;
  state.counters["census_median_ms"] = median(census) * 1e3;
  state.counters["census_x_min"] = census.front() / plain.front();
  state.counters["census_x_median"] = median(census) / median(plain);
  state.counters["cells"] = static_cast<double>(last.census.cells.size());
}
BENCHMARK(BM_ScanNdjsonPackCensusCost)->Iterations(5)->Unit(benchmark::kMillisecond);

// ScanOptions::threads: files matched in parallel (one Scanner per thread). Wall time,
// since the work is spread over threads; only meaningful on an otherwise idle machine.
void BM_ScanS3GzipPackThreads(benchmark::State& state) {
  RunScan(state, Data().s3, BuildFromPaths({PackDir()}), static_cast<unsigned>(state.range(0)));
}
BENCHMARK(BM_ScanS3GzipPackThreads)->Arg(1)->Arg(2)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace vigil::bench
