// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// A ScanSink for tests and benchmarks that look at one match at a time: OnRecord hands
// each of a record's matches to OnMatch, in order, then calls OnRecordDone. Most of
// them check or count matches, not records.
#pragma once

#include <cstddef>
#include <span>

#include "vigil/scanner.h"

namespace vigil::testing {

class PerMatchSink : public vigil::ScanSink {
 public:
  bool OnRecord(const vigil::Record& record, std::span<const vigil::Match> matches) final {
    for (const vigil::Match& m : matches) {
      if (!OnMatch(record, m)) return false;
    }
    return OnRecordDone(record, matches.size());
  }
  // One match of `record`; false stops the scan.
  virtual bool OnMatch(const vigil::Record& record, const vigil::Match& match) = 0;
  // After the record's matches (`matches` of them, maybe 0); false stops the scan.
  virtual bool OnRecordDone(const vigil::Record&, size_t /*matches*/) { return true; }
};

}  // namespace vigil::testing
