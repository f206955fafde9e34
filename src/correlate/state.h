// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// What the parts of the Correlator (correlator.cc) hand each other: an event's
// contribution to one correlation, the entries windows and baselines hold, group keys,
// and the AlertSink through which a window or a baseline reports an alert. Internal to
// src/correlate/.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/strings.h"
#include "vigil/correlation.h"

namespace vigil::internal {

using OptString = std::optional<std::string>;

// What one event brings to one correlation.
struct Contribution {
  uint32_t corr = 0;
  std::vector<uint32_t> positions;  // indexes in CorrelationRule::rules it matched
  std::string key;                  // encoded group values (GroupKeyInto)
  std::vector<OptString> group;
  OptString value;                  // condition.field
  std::vector<std::string> values;  // first_seen: each condition.field
};

// An EventRef whose file name is shared by every event of that file (events come
// file by file), so an event held in the reorder buffer and in several windows costs
// no copy of its name.
struct Ref {
  std::shared_ptr<const std::string> file;
  uint64_t record = 0;
  EventRef Public() const { return EventRef{*file, record}; }
};

// An event in a window or an alert.
struct Entry {
  int64_t time = 0;
  Ref ref;
  OptString value;
  uint32_t position = 0;
  // A chained correlation's alert: all its events (`ref` is the first).
  std::shared_ptr<const std::vector<EventRef>> more;
};

using Subject = std::vector<std::pair<std::string, OptString>>;

// Where windows (windows.h) and baselines (baselines.h) report an alert of correlation
// `c`: the Correlator, which records it and feeds it on to the correlations that
// reference this one (chaining).
class AlertSink {
 public:
  virtual ~AlertSink() = default;
  virtual void Emit(uint32_t c, const std::vector<OptString>& group, double value,
                    std::vector<Entry> events, int64_t now, Subject subject) = 0;
};

inline void GroupKeyInto(const std::vector<OptString>& group, std::string* key) {
  key->clear();
  for (const auto& v : group) {
    if (v) {
      *key += '\x01';
      *key += *v;
    } else {
      *key += '\x00';
    }
    *key += '\x1e';
  }
}

inline std::string GroupKey(const std::vector<OptString>& group) {
  std::string key;
  GroupKeyInto(group, &key);
  return key;
}

inline void AppendValueKey(const std::vector<std::string>& values, std::string* key) {
  for (const auto& v : values) {
    *key += v;
    *key += '\x1e';
  }
}

// value_count over several fields counts the combinations: their key.
inline void ValueKeyInto(const std::vector<std::string>& values, std::string* key) {
  key->clear();
  AppendValueKey(values, key);
}

// A numeric field's value, read with the grammar the matcher's numeric modifiers use
// (util/strings.h ParseDouble: no whitespace, hex floats, inf or nan, and whatever the
// C locale of a host program, which strtod obeyed).
inline bool Number(const OptString& v, double* out) {
  return v && ParseDouble(*v, out) && std::isfinite(*out);
}

}  // namespace vigil::internal
