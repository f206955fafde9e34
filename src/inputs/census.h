// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// The event census of a scan (ScanOptions::census, EventCensus in
// include/vigil/scanner.h): every valid event counted by account, region and hour of
// eventTime. Input: each event a Scanner matched without error; output: EventCensus;
// entry points: Census::Count per event, Census::Merge for the threads of a parallel
// scan, Census::Result at the end. Used by src/inputs/scan_inputs.cc; tested by
// tests/inputs/census_test.cc.
//
// Bounded whatever the input: at most max_cells cells. Which cells a full tally keeps
// is decided by order, not by arrival: the max_cells smallest keys (account, region,
// hour) seen, each counted exactly, the events of the others in overflow_events. A key
// enters when it is smaller than the largest kept one, which then leaves (a max-heap,
// made only once the tally is full); a key refused once stays refused, since the
// largest kept key only decreases. So the result does not depend on the order of the
// events, and two tallies merge into what one tally of all their events would hold
// (a key among the smallest max_cells of the union is among the smallest of each part
// it occurs in): a parallel scan gives the one-thread result exactly. First-come
// cells would not (which accounts fill the table would depend on the threads).
//
// Thread safety: none; one Census per thread, merged on one thread after they stop.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "util/seeded_hash.h"
#include "vigil/scanner.h"

namespace vigil::internal {

// The cells, bounded (see above).
class CensusTally {
 public:
  explicit CensusTally(size_t max_cells) : max_cells_(max_cells) {}
  // index_ holds views of cells_'s keys: a copy would point into the original.
  CensusTally(const CensusTally&) = delete;
  CensusTally& operator=(const CensusTally&) = delete;

  // One event. `account` and `region` are cut to kCensusTextBytes here; `timed`:
  // whether `unix_ms` is its eventTime (else it goes to the kNoHour cell).
  void Add(std::string_view account, std::string_view region, bool timed, int64_t unix_ms);

  // Adds every cell of `other` (and its overflow) to this one.
  void Merge(const CensusTally& other);

  // The cells sorted by (account, region, hour), and the overflow.
  EventCensus Result() const;

  size_t cells() const { return index_.size(); }  // kept now, never above max_cells

 private:
  struct Cell {
    // account length (one byte: at most kCensusTextBytes), account, region, then the
    // hour's eight bytes: one string to hash and compare.
    std::string key;
    int64_t hour = 0;
    uint64_t events = 0;
    int64_t first_ms = 0, last_ms = 0;
    std::string_view account() const;
    std::string_view region() const;
  };
  static bool Before(const Cell& a, const Cell& b);  // EventCensus's order
  // The cell of key_ (made from its parts by Add or Merge), or a new one; null when the
  // tally is full and key_ comes after every kept key. `hour`: key_'s hour.
  Cell* Find(int64_t hour);

  size_t max_cells_;
  // Cells live in a deque (index_ holds views of their keys, which must not move); a
  // slot freed by an eviction is reused by the key that evicted it.
  std::deque<Cell> cells_;
  std::unordered_map<std::string_view, uint32_t, SeededStringHash, std::equal_to<>> index_;
  std::vector<uint32_t> heap_;  // slots, largest key first; made when first full
  // The slots Find gave last, newest first: most events fall in one of them (a log file
  // is one account and region, in time order; a mixed one cycles through a few), which
  // costs a few comparisons, not a key and a lookup.
  static constexpr int kRecent = 4;
  uint32_t recent_[kRecent] = {UINT32_MAX, UINT32_MAX, UINT32_MAX, UINT32_MAX};
  void NoteRecent(uint32_t slot);
  std::string key_;  // scratch
  uint64_t overflow_ = 0;
};

// Reads the three fields of each event and tallies them.
class Census {
 public:
  explicit Census(size_t max_cells) : tally_(max_cells) {}

  // The event `json` that `scanner` has just matched without error (MatchPadded; its
  // REQUIRES apply). Read from the Scanner's DOM of it when it kept one, else parsed
  // here (an event with a repeated key a rule reads, or a lone surrogate escape).
  void Count(const Scanner& scanner, std::string_view json);

  void Merge(const Census& other) { tally_.Merge(other.tally_); }
  EventCensus Result() const { return tally_.Result(); }
  const CensusTally& tally() const { return tally_; }

 private:
  void CountText(std::string_view json);
  // ParseIsoTimestamp, with a shortcut for eventTime as CloudTrail writes it
  // ("2024-02-29T13:45:07Z") in the same hour as the last one parsed.
  bool EventTime(std::string_view text, int64_t* unix_ms);

  CensusTally tally_;
  // For the events without a DOM: made on first use (most scans never need it).
  std::unique_ptr<simdjson::ondemand::parser> parser_;
  std::string account_, region_, time_;  // their unescaped text, when parsed here
  char hour_text_[13] = {};              // "YYYY-MM-DDTHH" of the last CloudTrail-shaped eventTime
  int64_t hour_start_ms_ = INT64_MIN;    // its hour's start; INT64_MIN: none yet
};

}  // namespace vigil::internal
