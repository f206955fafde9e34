// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Shared helpers of the benchmark suites; see bench_common.h.

#include "bench_common.h"

#include <libdeflate.h>
#include <simdjson.h>
#include <stdlib.h>

#include <algorithm>
#include <charconv>
#include <fstream>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <mutex>

#include "util/strings.h"

#ifndef VIGIL_SOURCE_DIR
#error "VIGIL_SOURCE_DIR must be defined (benchmarks/CMakeLists.txt does it)"
#endif

namespace vigil::bench {

namespace fs = std::filesystem;

bool Smoke() {
  const char* s = std::getenv("VIGIL_BENCH_SMOKE");
  return s != nullptr && *s != '\0' && std::string_view(s) != "0";
}

uint64_t EnvSize(const char* name, uint64_t fallback) {
  const char* s = std::getenv(name);
  if (s == nullptr || *s == '\0') return fallback;
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s || v < 0) return fallback;
  std::string unit(end);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (!unit.empty() && unit.back() == 'B') unit.pop_back();
  double mult = 1;
  if (unit == "K") mult = 1e3;
  else if (unit == "M") mult = 1e6;
  else if (unit == "G") mult = 1e9;
  else if (!unit.empty()) return fallback;
  return static_cast<uint64_t>(v * mult);
}

std::string SourceDir() {
  const char* s = std::getenv("VIGIL_SOURCE_DIR");
  return (s != nullptr && *s != '\0') ? std::string(s) : std::string(VIGIL_SOURCE_DIR);
}

namespace {

std::string g_temp_dir;

void RemoveTempDir() {
  if (g_temp_dir.empty()) return;
  std::error_code ec;
  fs::remove_all(g_temp_dir, ec);
}

std::string Quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "vigil benchmarks: " << message << "\n";
  std::exit(2);
}

}  // namespace

const std::string& TempDir() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* base = std::getenv("TMPDIR");
    std::string tmpl = std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/vigil-bench-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) Die("cannot create a temporary folder under " + tmpl);
    g_temp_dir = tmpl;
    std::atexit(RemoveTempDir);
  });
  return g_temp_dir;
}

void RunOrDie(const std::string& command) {
  std::cerr << "vigil benchmarks: " << command << "\n";
  const int rc = std::system(command.c_str());
  if (rc != 0) Die("command failed (status " + std::to_string(rc) + "): " + command);
}

void EventCorpus::Add(std::string_view json) {
  storage.append(json);
  storage.append(kRecordPadding, ' ');
  bytes += json.size();
  sizes.push_back(json.size());
}

void EventCorpus::Seal() {
  events.clear();
  size_t offset = 0;
  for (size_t n : sizes) {
    events.emplace_back(storage.data() + offset, n);
    offset += n + kRecordPadding;
  }
}

namespace {

void ReadLines(FILE* f, EventCorpus* c) {
  std::string line;
  char buf[1 << 16];
  while (fgets(buf, sizeof buf, f) != nullptr) {
    line += buf;
    if (!line.empty() && line.back() == '\n') {
      line.pop_back();
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) c->Add(line);
      line.clear();
    }
  }
  if (!line.empty()) c->Add(line);
  c->Seal();
}

}  // namespace

const EventCorpus& Events() {
  static const EventCorpus* corpus = [] {
    auto* c = new EventCorpus;
    const char* path = std::getenv("VIGIL_BENCH_EVENTS");
    if (path != nullptr && *path != '\0') {
      FILE* f = std::fopen(path, "rb");
      if (f == nullptr) Die(std::string("cannot open VIGIL_BENCH_EVENTS=") + path);
      ReadLines(f, c);
      std::fclose(f);
    } else {
      const uint64_t n = EnvSize("VIGIL_BENCH_EVENT_COUNT", Smoke() ? 300 : 20000);
      const std::string cmd = "python3 " + Quote(SourceDir() + "/tools/gen_cloudtrail.py") +
                              " --seed 7 --events " + std::to_string(n) + " --out - --manifest /dev/null";
      std::cerr << "vigil benchmarks: " << cmd << "\n";
      FILE* f = popen(cmd.c_str(), "r");
      if (f == nullptr) Die("cannot run " + cmd);
      ReadLines(f, c);
      if (pclose(f) != 0) Die("command failed: " + cmd);
    }
    if (c->events.empty()) Die("no events to benchmark");
    std::cerr << "vigil benchmarks: " << c->events.size() << " events, " << c->bytes << " bytes in memory\n";
    return c;
  }();
  return *corpus;
}

std::string GeneratedRules(int count, bool folder, bool keywords) {
  const std::string name = "rules-" + std::to_string(count) + (keywords ? "" : "-nokw") + (folder ? "" : ".yml");
  if (const char* dir = std::getenv("VIGIL_BENCH_RULES_DIR"); dir != nullptr && *dir != '\0') {
    const std::string p = std::string(dir) + "/" + name;
    if (fs::exists(p)) return p;
    if (!folder) {  // accept a folder where a file was asked for
      const std::string d = std::string(dir) + "/rules-" + std::to_string(count) + (keywords ? "" : "-nokw");
      if (fs::exists(d)) return d;
    }
    std::cerr << "vigil benchmarks: " << p << " not found; generating it\n";
  }
  static std::mutex mu;
  static std::map<std::string, std::string> made;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = made.find(name); it != made.end()) return it->second;
  const std::string out = TempDir() + "/" + name;
  RunOrDie("python3 " + Quote(SourceDir() + "/tools/gen_rules.py") + " --seed 7 --count " +
           std::to_string(count) + (keywords ? "" : " --keyword-rate 0") + " --out " + Quote(out));
  made[name] = out;
  return out;
}

std::string ShapeRules(const std::string& shape, int count, int max_count) {
  const std::string name = "rules-" + shape + "-" + std::to_string(count) + ".yml";
  if (const char* dir = std::getenv("VIGIL_BENCH_RULES_DIR"); dir != nullptr && *dir != '\0') {
    const std::string p = std::string(dir) + "/" + name;
    if (fs::exists(p)) return p;
  }
  static std::mutex mu;
  static std::map<std::string, std::string> made;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = made.find(name); it != made.end()) return it->second;
  const std::string all = TempDir() + "/rules-" + shape + "-" + std::to_string(max_count) + ".yml";
  if (!fs::exists(all)) {
    RunOrDie("python3 " + Quote(SourceDir() + "/tools/gen_rules.py") + " --seed 7 --count " +
             std::to_string(max_count) + (shape == "mix" ? std::string() : " --shape " + shape) + " --out " +
             Quote(all));
  }
  const std::string out = TempDir() + "/" + name;
  if (count >= max_count) {
    made[name] = all;
    return all;
  }
  // The first `count` documents (they are separated by lines "---").
  FILE* in = std::fopen(all.c_str(), "rb");
  FILE* o = std::fopen(out.c_str(), "wb");
  if (in == nullptr || o == nullptr) Die("cannot cut " + all + " into " + out);
  char buf[1 << 16];
  int docs = 1;
  while (std::fgets(buf, sizeof buf, in) != nullptr) {
    if (std::string_view(buf) == "---\n" && ++docs > count) break;
    std::fputs(buf, o);
  }
  std::fclose(in);
  std::fclose(o);
  made[name] = out;
  return out;
}

std::string PackDir() { return SourceDir() + "/rules"; }

namespace {

std::shared_ptr<const RuleSet> Finish(RuleSetBuilder& b, const std::string& what) {
  if (b.has_errors()) {
    for (const auto& d : b.diagnostics()) std::cerr << d.ToString() << "\n";
    Die("rules failed to load: " + what);
  }
  return b.Build();
}

}  // namespace

std::shared_ptr<const RuleSet> BuildFromPaths(const std::vector<std::string>& paths) {
  RuleSetBuilder b;
  std::string what;
  for (const auto& p : paths) {
    b.AddPath(p);
    what += p + " ";
  }
  return Finish(b, what);
}

std::shared_ptr<const RuleSet> BuildFromYaml(const std::string& yaml) {
  RuleSetBuilder b;
  b.AddYaml(yaml, "<benchmark>");
  return Finish(b, yaml.substr(0, 200));
}

void RuleCountArgs(benchmark::internal::Benchmark* b, const std::vector<int64_t>& full,
                   const std::vector<int64_t>& smoke) {
  for (int64_t n : Smoke() ? smoke : full) b->Arg(n);
}

uint64_t MatchAll(Scanner& scanner, const EventCorpus& corpus, std::vector<Match>* out) {
  uint64_t matches = 0;
  for (std::string_view e : corpus.events) {
    Status s = scanner.Match(e, out);
    if (!s.ok()) Die("event failed to match: " + s.message());
    matches += out->size();
  }
  return matches;
}

void ReportCorpus(benchmark::State& state, const EventCorpus& corpus, uint64_t matches_last_pass) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * corpus.events.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * corpus.bytes));
  state.counters["events"] = static_cast<double>(corpus.events.size());
  state.counters["matches/event"] =
      static_cast<double>(matches_last_pass) / static_cast<double>(corpus.events.size());
}

namespace {

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  internal::JsonEscapeInto(s, out);
  out->push_back('"');
}

}  // namespace

bool JsonlSink::OnMatch(const Record& r, const Match& m) {
  ++matches;
  if (rules_.suppressed(m.rule_index)) return true;  // as vigil scan: building blocks are not printed
  if (m.rule_index >= prefix_.size()) prefix_.resize(m.rule_index + 1);
  std::string& prefix = prefix_[m.rule_index];
  if (prefix.empty()) {
    const RuleInfo& rule = *m.rule;
    prefix = "{\"rule_id\":";
    AppendJsonString(rule.id, &prefix);
    prefix += ",\"rule_title\":";
    AppendJsonString(rule.title, &prefix);
    prefix += ",\"level\":";
    AppendJsonString(rule.level, &prefix);
    prefix += ",\"status\":";
    AppendJsonString(rule.status, &prefix);
    prefix += ",\"tags\":[";
    for (size_t i = 0; i < rule.tags.size(); ++i) {
      if (i > 0) prefix += ',';
      AppendJsonString(rule.tags[i], &prefix);
    }
    prefix += "],\"author\":";
    AppendJsonString(rule.author, &prefix);
  }
  const std::string& file = r.file != nullptr ? *r.file : std::string();
  if (file != file_ || file_json_.empty()) {
    file_ = file;
    file_json_.clear();
    AppendJsonString(file, &file_json_);
  }
  if (!record_ready_) {
    record_ready_ = true;
    compact_.resize(r.json.size() + simdjson::SIMDJSON_PADDING);
    size_t len = 0;
    if (simdjson::minify(r.json.data(), r.json.size(), compact_.data(), len)) {
      compact_.assign(r.json);
    } else {
      compact_.resize(len);
    }
  }
  out_ += prefix;
  out_ += ",\"file\":";
  out_ += file_json_;
  out_ += ",\"record\":";
  char digits[24];
  out_.append(digits, static_cast<size_t>(std::to_chars(digits, digits + sizeof digits, r.index).ptr - digits));
  out_ += ",\"event\":";
  out_ += compact_;
  out_ += "}\n";
  if (out_.size() >= (1u << 20)) {
    flushed_ += out_.size();
    benchmark::DoNotOptimize(out_.data());
    out_.clear();
  }
  return true;
}

bool JsonlSink::OnRecordDone(const Record&, size_t n) {
  ++records;
  if (n > 0) ++matched_records;
  if (record_ready_) ++printed_records;  // the event was formatted for a printed match
  record_ready_ = false;
  return true;
}

std::vector<std::string> GzFiles(const std::string& folder) {
  std::vector<std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(folder)) {
    const std::string path = e.path().string();
    if (e.is_regular_file() && path.size() > 3 && path.compare(path.size() - 3, 3, ".gz") == 0 &&
        path.find("/CloudTrail-Digest/") == std::string::npos) {
      files.push_back(path);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

uint64_t GunzipFloor(const std::vector<std::string>& files) {
  static libdeflate_decompressor* inflater = libdeflate_alloc_decompressor();
  static std::string in, out;
  uint64_t total = 0;
  for (const auto& path : files) {
    std::ifstream f(path, std::ios::binary);
    in.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    if (in.size() < 18) Die("not a gzip file: " + path);
    const auto* t = reinterpret_cast<const unsigned char*>(in.data() + in.size() - 4);
    const size_t isize = size_t{t[0]} | size_t{t[1]} << 8 | size_t{t[2]} << 16 | size_t{t[3]} << 24;
    if (out.size() < isize) out.resize(isize);
    size_t got = 0;
    if (libdeflate_gzip_decompress(inflater, in.data(), in.size(), out.data(), isize, &got) != LIBDEFLATE_SUCCESS) {
      Die("libdeflate could not decompress " + path);
    }
    benchmark::DoNotOptimize(out.data());
    total += got;
  }
  return total;
}

}  // namespace vigil::bench
