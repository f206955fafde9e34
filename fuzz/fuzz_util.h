// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Helpers shared by the fuzz targets (fuzz_*.cc). Not part of the library.
#pragma once

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "compile/program.h"
#include "eval/interpreter.h"
#include "vigil/vigil.h"

namespace vigil::fuzz {

// A broken invariant (not a crash): print why, then trap so libFuzzer saves the input.
[[noreturn]] inline void Fail(const std::string& why) {
  std::fprintf(stderr, "vigil fuzz invariant broken: %s\n", why.c_str());
  std::fflush(stderr);
  __builtin_trap();
}

// The compiled matcher (Scanner, EventKind::kAny: every rule, whatever its logsource)
// and the reference interpreter (src/eval/interpreter.h: a plain walk of the parsed
// event, no compilation) implement one contract (src/ir/ir.h): for each rule of `rules`,
// they must reach the same verdict on `json`. The event is parsed once for all rules.
// Explain, the interpreter applied item by item and then the condition, must agree too:
// it is asked about every rule either engine matched and one more chosen by the input,
// since asking it about every rule (a parse and a lowering each) made the pack target
// run a dozen inputs a second under ASan. Returns the number of rules that matched.
inline size_t CheckAgreement(const RuleSet& rules, Scanner& scanner, std::string_view json) {
  std::vector<Match> out;
  const Status st = scanner.Match(json, &out, EventKind::kAny);
  if (!st.ok()) {
    if (!out.empty()) Fail("Scanner::Match failed yet reported matches");
    return 0;
  }
  std::vector<bool> compiled(rules.size(), false);
  for (const Match& m : out) {
    if (m.rule_index >= rules.size()) Fail("match index out of range");
    if (compiled[m.rule_index]) Fail("rule reported twice for one event");
    compiled[m.rule_index] = true;
  }
  // The interpreter parses the whole event strictly. The matcher (simdjson On-Demand)
  // does not look inside values no rule names, so JSON broken only in there is matched
  // anyway; a known limitation (fuzz/README.md), not compared here.
  std::vector<internal::TreeNode> readings;  // two when a key repeats: first and last wins
  if (!internal::EventReadings(json, &readings)) return out.size();
  if (rules.size() == 0 || readings.front().kind != internal::TreeNode::Kind::kObject) {
    return out.size();  // Explain takes objects only
  }
  const internal::Ir& ir = rules.program().ir;
  const size_t extra = std::hash<std::string_view>{}(json) % rules.size();
  for (size_t i = 0; i < rules.size(); ++i) {
    bool interpreted = false;
    for (const auto& root : readings) {
      interpreted = interpreted || internal::InterpretExpr(ir, ir.rules[i].condition, root);
    }
    if (interpreted != compiled[i]) {
      Fail("matcher (" + std::to_string(compiled[i]) + ") and interpreter (" +
           std::to_string(interpreted) + ") disagree on rule '" + rules.rule(i).title + "'");
    }
    if (!compiled[i] && i != extra) continue;
    Result<Explanation> ex = Explain(rules, i, json);
    if (!ex.ok()) Fail("Explain refused an event the interpreter read: " + ex.status().message());
    if (ex.value().matched != compiled[i]) {
      Fail("matcher (" + std::to_string(compiled[i]) + ") and explain (" +
           std::to_string(ex.value().matched) + ") disagree on rule '" + rules.rule(i).title +
           "':\n" + ex.value().ToText());
    }
  }
  return out.size();
}

// Makes large inputs out of small ones, so the fuzzer can reach what only huge inputs
// do (runs of blanks between records, tokens of megabytes) without mutating megabytes.
// Byte 0xF5 never occurs in UTF-8, so ordinary inputs pass through unchanged; 0xF5 K C
// stands for (C + 1) KiB of one filler chosen by K: ' ', '\n', '\t', "\r\n", digits
// (a huge number), letters (a huge string body or key), '[' (deep nesting), or '\\'
// (a run of escapes). The output is capped at `max_bytes`; a trailing lone 0xF5 is kept.
inline std::string Expand(std::string_view in, size_t max_bytes) {
  static constexpr std::string_view kFill[] = {" ", "\n", "\t", "\r\n", "7", "x", "[", "\\"};
  std::string out;
  for (size_t i = 0; i < in.size() && out.size() < max_bytes; ++i) {
    const unsigned char c = static_cast<unsigned char>(in[i]);
    if (c != 0xF5 || i + 2 >= in.size()) {
      out.push_back(in[i]);
      continue;
    }
    const std::string_view fill = kFill[static_cast<unsigned char>(in[i + 1]) % 8];
    size_t bytes = (static_cast<size_t>(static_cast<unsigned char>(in[i + 2])) + 1) * 1024;
    bytes = std::min(bytes, max_bytes - out.size());
    while (bytes >= fill.size()) {
      out.append(fill);
      bytes -= fill.size();
    }
    i += 2;
  }
  if (out.size() > max_bytes) out.resize(max_bytes);
  return out;
}

// A file of this process's own, rewritten for each input (readers and the linter take
// paths). Under TMPDIR so parallel fuzzing jobs do not collide (the pid is in the name).
class ScratchFile {
 public:
  explicit ScratchFile(const char* suffix) {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr && *dir ? dir : "/tmp") + "/vigil-fuzz-" +
            std::to_string(getpid()) + suffix;
  }
  ~ScratchFile() { std::remove(path_.c_str()); }
  const std::string& Write(std::string_view data) {
    std::FILE* f = std::fopen(path_.c_str(), "wb");
    if (f == nullptr) Fail("cannot write " + path_);
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), f) != data.size()) {
      Fail("short write to " + path_);
    }
    std::fclose(f);
    return path_;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A record as the reader delivered it (text, index, line, envelope), to compare
// readings; Collect keeps every record and error of one read (fuzz_reader, fuzz_gzip).
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

}  // namespace vigil::fuzz
