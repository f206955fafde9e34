// Copyright 2026 The vigil Authors. SPDX-License-Identifier: Apache-2.0
//
// How a rule is named from outside it: the one resolution of a rule reference, used by
// a correlation's and a filter's `rules:` (correlate/resolve.cc, api/ruleset.cc),
// RuleSet::Find (`vigil explain`, Python's RuleSet.rule() and explain()). Internal.
//
// A key names the rules whose id or name it is; when there are none, the rules whose
// title it is (titles need not be unique; the suzaku corpus references rules by title);
// when there are none either, the rules whose title it is ignoring ASCII case (a title
// typed by hand). Several rules can be named; a key naming none names nothing.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "util/strings.h"
#include "vigil/rule.h"

namespace vigil::internal {

// How closely `key` names `info`; higher is closer, 0 not at all.
inline int NameMatch(const RuleInfo& info, std::string_view key) {
  if ((!info.id.empty() && info.id == key) || (!info.name.empty() && info.name == key)) return 3;
  if (info.title == key) return 2;
  if (!key.empty() && EqualsIgnoreCaseAscii(info.title, key)) return 1;
  return 0;
}

// The positions i < count whose RuleInfo (info_of(i)) `key` names, in order.
template <typename InfoOf>
std::vector<uint32_t> RulesNamed(size_t count, InfoOf&& info_of, std::string_view key) {
  std::vector<uint32_t> out;
  int best = 0;
  for (size_t i = 0; i < count; ++i) {
    const int m = NameMatch(info_of(i), key);
    if (m == 0 || m < best) continue;
    if (m > best) {
      best = m;
      out.clear();
    }
    out.push_back(static_cast<uint32_t>(i));
  }
  return out;
}

}  // namespace vigil::internal
