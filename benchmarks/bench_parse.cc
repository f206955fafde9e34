// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// Question: what does it cost to read a CloudTrail event? vigil's Scanner walks each
// event once with simdjson On-Demand, descending only into the fields some rule reads.
// How does that compare with a full simdjson DOM parse (what the reference interpreter
// and most engines do), with an On-Demand walk of every value, and with the floor of
// the Scanner itself (no rules, one rule on one field)? And how much does the bundled
// pack add on top of that floor, and a single keyword rule (which makes the walker
// visit every string)?
//
// Every benchmark runs over the same in-memory events (bench_common.h: 20000 events
// of tools/gen_cloudtrail.py --seed 7, or VIGIL_BENCH_EVENTS) and reports events/s
// (items_per_second) and bytes/s.

#include <simdjson.h>

#include "bench_common.h"

namespace vigil::bench {
namespace {

namespace od = simdjson::ondemand;

// ---- simdjson alone --------------------------------------------------------------

void BM_SimdjsonDomParse(benchmark::State& state) {
  const EventCorpus& c = Events();
  simdjson::dom::parser parser;
  for (auto _ : state) {
    for (std::string_view e : c.events) {
      simdjson::dom::element doc;
      auto err = parser.parse(e.data(), e.size(), false).get(doc);
      benchmark::DoNotOptimize(err);
      benchmark::DoNotOptimize(doc);
    }
  }
  ReportCorpus(state, c, 0);
}
BENCHMARK(BM_SimdjsonDomParse);

// DOM parse, then look up eventSource and eventName: a DOM engine's minimum per event.
void BM_SimdjsonDomParseTwoFields(benchmark::State& state) {
  const EventCorpus& c = Events();
  simdjson::dom::parser parser;
  size_t total = 0;
  for (auto _ : state) {
    for (std::string_view e : c.events) {
      simdjson::dom::element doc;
      if (parser.parse(e.data(), e.size(), false).get(doc)) continue;
      std::string_view a, b;
      if (!doc["eventSource"].get(a)) total += a.size();
      if (!doc["eventName"].get(b)) total += b.size();
    }
  }
  benchmark::DoNotOptimize(total);
  ReportCorpus(state, c, 0);
}
BENCHMARK(BM_SimdjsonDomParseTwoFields);

size_t WalkValue(od::value v, int depth);

size_t WalkObject(od::object o, int depth) {
  size_t n = 0;
  for (auto field : o) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return n;
    n += key.size();
    od::value v;
    if (field.value().get(v)) return n;
    n += WalkValue(v, depth + 1);
  }
  return n;
}

size_t WalkValue(od::value v, int depth) {
  od::json_type t;
  if (depth > 256 || v.type().get(t)) return 0;
  switch (t) {
    case od::json_type::object: {
      od::object o;
      return v.get_object().get(o) ? 0 : WalkObject(o, depth);
    }
    case od::json_type::array: {
      od::array a;
      if (v.get_array().get(a)) return 0;
      size_t n = 0;
      for (auto el : a) {
        od::value x;
        if (el.get(x)) return n;
        n += WalkValue(x, depth + 1);
      }
      return n;
    }
    case od::json_type::string: {
      std::string_view s;
      return v.get_string().get(s) ? 0 : s.size();
    }
    case od::json_type::number:
    case od::json_type::boolean:
    case od::json_type::null:
      return v.raw_json_token().size();
  }
  return 0;
}

// On-Demand, every key and every value unescaped or tokenized: the most a walker can do.
void BM_SimdjsonOnDemandWalkAll(benchmark::State& state) {
  const EventCorpus& c = Events();
  od::parser parser;
  size_t total = 0;
  for (auto _ : state) {
    for (std::string_view e : c.events) {
      od::document doc;
      if (parser.iterate(e.data(), e.size(), e.size() + kRecordPadding).get(doc)) continue;
      od::object o;
      if (doc.get_object().get(o)) continue;
      total += WalkObject(o, 0);
    }
  }
  benchmark::DoNotOptimize(total);
  ReportCorpus(state, c, 0);
}
BENCHMARK(BM_SimdjsonOnDemandWalkAll);

// On-Demand, eventSource and eventName only (in document order), then stop: the least
// any engine reading these events can do.
void BM_SimdjsonOnDemandTwoFields(benchmark::State& state) {
  const EventCorpus& c = Events();
  od::parser parser;
  size_t total = 0;
  for (auto _ : state) {
    for (std::string_view e : c.events) {
      od::document doc;
      if (parser.iterate(e.data(), e.size(), e.size() + kRecordPadding).get(doc)) continue;
      std::string_view a, b;
      if (!doc["eventSource"].get_string().get(a)) total += a.size();
      if (!doc["eventName"].get_string().get(b)) total += b.size();
    }
  }
  benchmark::DoNotOptimize(total);
  ReportCorpus(state, c, 0);
}
BENCHMARK(BM_SimdjsonOnDemandTwoFields);

// ---- vigil's Scanner (public API) ----------------------------------------------------

void RunScanner(benchmark::State& state, std::shared_ptr<const RuleSet> rules, bool padded) {
  const EventCorpus& c = Events();
  Scanner scanner(std::move(rules));
  std::vector<Match> out;
  uint64_t matches = 0;
  for (auto _ : state) {
    matches = 0;
    for (std::string_view e : c.events) {
      Status s = padded ? scanner.MatchPadded(e, &out) : scanner.Match(e, &out);
      benchmark::DoNotOptimize(s);
      matches += out.size();
    }
  }
  state.counters["rules"] = static_cast<double>(scanner.rules().size());
  ReportCorpus(state, c, matches);
}

const char* kOneFieldRule = R"(
title: One field
id: 00000000-0000-4000-8000-000000000001
logsource: {product: aws, service: cloudtrail}
detection:
  selection:
    eventName: StopLogging
  condition: selection
level: high
)";

const char* kOneKeywordRule = R"(
title: One keyword
id: 00000000-0000-4000-8000-000000000002
logsource: {product: aws, service: cloudtrail}
detection:
  keywords:
    - xmrig
  condition: keywords
level: high
)";

// No rules at all: parse the envelope, find nothing to read.
void BM_ScannerNoRules(benchmark::State& state) { RunScanner(state, BuildFromYaml(""), false); }
BENCHMARK(BM_ScannerNoRules);

// One rule on eventName: the walker reads one top-level field.
void BM_ScannerOneFieldRule(benchmark::State& state) {
  RunScanner(state, BuildFromYaml(kOneFieldRule), false);
}
BENCHMARK(BM_ScannerOneFieldRule);

// The bundled pack (rules/), through Scanner::Match (copies each event to pad it).
void BM_ScannerPack(benchmark::State& state) { RunScanner(state, BuildFromPaths({PackDir()}), false); }
BENCHMARK(BM_ScannerPack);

// The same through Scanner::MatchPadded (the events are already padded): the copy's cost.
void BM_ScannerPackPadded(benchmark::State& state) { RunScanner(state, BuildFromPaths({PackDir()}), true); }
BENCHMARK(BM_ScannerPackPadded);

// One keyword rule: every string of every event is searched.
void BM_ScannerOneKeywordRule(benchmark::State& state) {
  RunScanner(state, BuildFromYaml(kOneKeywordRule), false);
}
BENCHMARK(BM_ScannerOneKeywordRule);

// The pack plus that keyword rule.
void BM_ScannerPackPlusKeywordRule(benchmark::State& state) {
  RuleSetBuilder b;
  b.AddPath(PackDir());
  b.AddYaml(kOneKeywordRule, "<keyword>");
  if (b.has_errors()) {
    state.SkipWithError("rules failed to load");
    return;
  }
  RunScanner(state, b.Build(), false);
}
BENCHMARK(BM_ScannerPackPlusKeywordRule);

}  // namespace
}  // namespace vigil::bench
